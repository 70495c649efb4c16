"""POST /api/check/: the pre-publication check for a CMS, with a bearer token."""

import io
import json
from datetime import date, timedelta

import pytest
from django.contrib import admin as django_admin
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import get_resolver
from django.utils import timezone

from factcheck.models import ApiToken
from factcheck.tests.test_permissions import walk

URL = "/api/check/"
STORY = {
    "headline": "Zelenskyy: 12,000 North Korean troops in Kursk",
    "text": "Ukrainian President Volodymyr Zelenskyy told B-17 that there are 12,000 North Korean troops in Kursk.",
    "outlet": "B-17",
}


@pytest.fixture
def token(reviewer):
    return ApiToken.create_for(reviewer, "CMS plugin")[1]


def post(body, token=None, *, client=None, content_type="application/json"):
    client = client or Client(enforce_csrf_checks=True)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(URL, data, content_type=content_type, **headers)


def test_the_check_answers_claims_and_flags_in_json_without_a_csrf_token(demo, token):
    response = post(STORY, token)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    answer = response.json()
    [claim] = answer["claims"]
    assert claim["speaker"] == "Volodymyr Zelenskyy"
    assert claim["status"] == "unconfirmed"
    # 12,000 told to us is not the 11,000 that reached us through the Kyiv Independent in other words:
    # the copy's attribution stands, and the figures' conflict is flagged, not a relay.
    assert (claim["attribution"], claim["tracked_claim"]) == ("confirmed", None)
    codes = {flag["code"] for flag in answer["flags"]}
    assert {"figure", "evidence"} <= codes and "relayed" not in codes
    where = answer["flags"][0]["where"]
    assert where["part"] == "text"
    assert STORY["text"][where["start"] : where["end"]].startswith("Ukrainian President")
    assert answer["counts"]["figure"] == 2


def test_without_a_token_or_with_a_wrong_or_revoked_one_the_answer_is_401(demo, token, reviewer_client):
    for attempt in (None, "fc_not-a-token", token.upper(), "Basic abc"):
        response = post(STORY, attempt)
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == 'Bearer realm="factcheck"'
        assert "API token" in response.json()["error"]
    # A signed-in session is not a token.
    assert post(STORY, client=reviewer_client).status_code == 401
    ApiToken.objects.get().revoke()
    assert post(STORY, token).status_code == 401


def expire(raw):
    """Move a token's life into the past: created 91 days ago, expired yesterday."""
    now = timezone.now()
    ApiToken.objects.filter(key_hash=ApiToken.digest(raw)).update(
        created_at=now - timedelta(days=91), expires_at=now - timedelta(days=1)
    )


def test_a_token_expires_after_90_days_by_default(reviewer):
    stored, raw = ApiToken.create_for(reviewer, "CMS plugin")
    assert stored.expires_at - stored.created_at == timedelta(days=90)
    assert ApiToken.user_for(raw) == reviewer


def test_an_expired_token_gets_the_answer_a_revoked_one_gets_on_every_api_route(demo, token):
    api_routes = ["/" + route for _, route, _ in walk(get_resolver().url_patterns) if route.startswith("api/")]
    assert api_routes == [URL]
    revoked = ApiToken.create_for(ApiToken.objects.get().user, "Revoked")
    revoked[0].revoke()
    expire(token)
    for route in api_routes:
        expired, refused = (
            Client().post(route, json.dumps(STORY), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
            for raw in (token, revoked[1])
        )
        assert expired.status_code == refused.status_code == 401
        assert expired.json() == refused.json()
        assert expired["WWW-Authenticate"] == refused["WWW-Authenticate"]
    assert ApiToken.user_for(token) is None
    assert ApiToken.objects.get(name="CMS plugin").last_used_at is None  # an expired token is not "used"


def test_a_token_of_an_account_that_may_not_read_claims_is_refused(outsider):
    _, raw = ApiToken.create_for(outsider, "Curious")
    assert post(STORY, raw).status_code == 403


def test_a_token_is_stored_only_as_its_digest(reviewer):
    stored, raw = ApiToken.create_for(reviewer, "CMS plugin")
    assert raw.startswith("fc_") and len(raw) > 40
    assert raw not in {stored.key_hash, stored.hint} and stored.key_hash == ApiToken.digest(raw)
    assert ApiToken.user_for(raw) == reviewer
    stored.user.is_active = False
    stored.user.save()
    assert ApiToken.user_for(raw) is None


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ('{"text": "Officials said so.",', "not valid JSON"),
        (b"\xff\xfe{}", "not UTF-8"),
        ("[1, 2]", "Send a JSON object"),
        ('{"headline": "No text"}', "“text” is missing"),
        ('{"text": 42}', "“text” (the story's text (plain text or HTML)) must be a string"),
        ('{"text": "Officials said so.", "body": "?"}', "Unknown field: body"),
        # A misspelt field is named, rather than the text said to be missing.
        ('{"txt": "Officials said so."}', "Unknown field: txt; send text, headline, outlet."),
        ('{"text": "Officials said so.", "outlet": null}', "“outlet” (your newsroom) must be a string, not null."),
        ('{"text": ["a"]}', "must be a string, not an array."),
        ('{"text": "Officials said so.", "headline": false}', "must be a string, not false."),
        # JSON that Python's reader gives up on: no server error, but a 400 in JSON that says why.
        ("[" * 100_000, "nested too deep"),
        ('{"text": "Officials said so.", "outlet": ' + "1" * 5000 + "}", "a number too long"),
    ],
)
def test_bad_json_is_a_400_that_says_what_is_wrong(db, token, body, says):
    response = post(body, token)
    assert response.status_code == 400
    assert says in response.json()["error"]


def test_half_a_character_is_a_400_that_says_where(db, token):
    # JSON's "\\ud83d" escape is half of a character (a lone surrogate): the engine failed on it
    # and the check answered "The desk could not read this story".
    response = post('{"text": "Officials said 40 ferries \\ud83d would stop."}', token)
    assert response.status_code == 400
    assert response.json()["error"] == (
        "“text” holds half of a character (\\ud83d, a lone UTF-16 surrogate) at character 27: "
        "the text was cut inside a character; send it whole."
    )
    outlet = post('{"text": "Officials said so.", "outlet": "B\\udc0017"}', token)
    assert outlet.json()["error"].startswith("“outlet” holds half of a character (\\udc00")


def test_bad_json_names_the_line_and_column(db, token):
    error = post('{\n  "text": "Officials said so."\n  "outlet": "B-17"\n}', token).json()["error"]
    assert "line 3, column 3" in error


def test_an_oversized_body_is_a_413(db, token, settings):
    settings.FACTCHECK_API_MAX_BYTES = 1000
    response = post({"text": "Officials said so. " * 100}, token)
    assert response.status_code == 413
    assert "the limit is 1,000" in response.json()["error"]


def test_get_is_not_allowed(db, token):
    assert Client().get(URL, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 405


def test_a_headline_is_checked_as_part_of_the_story_and_located_in_it(demo, token):
    story = {
        "headline": "Andrii Kovalenko confirmed Russia is training North Korean soldiers to fly drones",
        "text": "The war goes on.",
        "outlet": "B-17",
    }
    answer = post(story, token).json()
    [flag] = [flag for flag in answer["flags"] if flag["code"] == "confirmation"]
    assert flag["where"]["part"] == "headline"
    assert story["headline"][flag["where"]["start"] : flag["where"]["end"]] == "confirmed"


def test_the_command_creates_lists_and_revokes_tokens(reviewer, outsider):
    out = io.StringIO()
    call_command("api_token", "create", "bob", "--name", "CMS plugin", stdout=out)
    raw = out.getvalue().strip().splitlines()[-1]
    assert ApiToken.user_for(raw) == reviewer
    out = io.StringIO()
    call_command("api_token", "list", stdout=out)
    assert "CMS plugin" in out.getvalue() and raw not in out.getvalue()
    call_command("api_token", "revoke", raw[:10], stdout=io.StringIO())
    assert ApiToken.user_for(raw) is None
    with pytest.raises(CommandError, match="may not read claims"):
        call_command("api_token", "create", "charlie", stdout=io.StringIO())


def created(*options):
    out = io.StringIO()
    call_command("api_token", "create", "bob", *options, stdout=out)
    return out.getvalue(), ApiToken.objects.get(key_hash=ApiToken.digest(out.getvalue().strip().splitlines()[-1]))


def test_the_command_sets_the_expiry_in_days_or_as_a_date(reviewer, settings):
    settings.TIME_ZONE = "Europe/Kyiv"
    said, stored = created()
    assert stored.expires_at - stored.created_at == timedelta(days=90)
    assert f"expires {timezone.localtime(stored.expires_at):%Y-%m-%d %H:%M}" in said
    said, stored = created("--expires-in", "7")
    assert stored.expires_at - stored.created_at == timedelta(days=7)
    day = timezone.localdate() + timedelta(days=30)
    said, stored = created("--expires", day.isoformat())
    # Refused from the start of that day, in the newsroom's time zone.
    assert timezone.localtime(stored.expires_at).date() == day
    assert timezone.localtime(stored.expires_at).time().isoformat() == "00:00:00"


@pytest.mark.parametrize(
    ("options", "says"),
    [
        (["--expires-in", "0"], "at least 1 day"),
        (["--expires-in", "400"], "at most 365 days"),
        (["--expires", "2020-01-01"], "already past"),
        (["--expires", "tomorrow"], "YYYY-MM-DD"),
        (["--expires", (date.today() + timedelta(days=800)).isoformat()], "at most 365 days"),
    ],
)
def test_the_command_refuses_an_expiry_past_or_too_far(reviewer, options, says):
    with pytest.raises(CommandError, match=says):
        call_command("api_token", "create", "bob", *options, stdout=io.StringIO())
    assert not ApiToken.objects.exists()


def test_the_list_shows_when_each_token_expires_or_expired(reviewer):
    live, _ = ApiToken.create_for(reviewer, "CMS plugin")
    _, old = ApiToken.create_for(reviewer, "Old plugin")
    expire(old)
    out = io.StringIO()
    call_command("api_token", "list", stdout=out)
    lines = {line.split("  ")[2]: line for line in out.getvalue().splitlines()}
    assert f"expires {timezone.localtime(live.expires_at):%Y-%m-%d %H:%M}" in lines["CMS plugin"]
    assert lines["CMS plugin"].endswith("live")
    assert "expired " in lines["Old plugin"] and lines["Old plugin"].endswith("expired")
    with pytest.raises(CommandError, match="No live token"):
        call_command("api_token", "revoke", old[:10], stdout=io.StringIO())


def test_the_admin_lists_tokens_with_their_expiry_and_state(admin_client, reviewer):
    live, _ = ApiToken.create_for(reviewer, "CMS plugin")
    _, old = ApiToken.create_for(reviewer, "Old plugin")
    expire(old)
    page = admin_client.get("/admin/factcheck/apitoken/")
    assert page.status_code == 200
    text = " ".join(page.text.split())
    assert "expires" in text.lower() and "Expired" in text and "Live" in text
    assert admin_client.get(f"/admin/factcheck/apitoken/{live.pk}/change/").status_code == 200
    assert admin_client.get("/admin/factcheck/apitoken/add/").status_code == 403


def test_the_admin_revokes_the_selected_tokens_which_then_open_nothing(admin_client, client, reviewer):
    _, leaked = ApiToken.create_for(reviewer, "Leaked plugin")
    kept, kept_raw = ApiToken.create_for(reviewer, "CMS plugin")
    leaked_token = ApiToken.objects.get(name="Leaked plugin")
    answer = admin_client.post(
        "/admin/factcheck/apitoken/",
        {"action": "revoke", "_selected_action": [leaked_token.pk]},
        follow=True,
    )
    assert "Revoked 1 of the 1 tokens selected." in answer.text
    assert ApiToken.objects.get(pk=leaked_token.pk).state == ApiToken.State.REVOKED
    assert ApiToken.objects.get(pk=kept.pk).state == ApiToken.State.LIVE
    assert ApiToken.user_for(leaked) is None
    assert ApiToken.user_for(kept_raw) == reviewer


def test_a_live_token_is_neither_revoked_nor_expired_in_the_api_the_command_and_the_admin(admin_client, reviewer):
    live, live_raw = ApiToken.create_for(reviewer, "CMS plugin")
    revoked, revoked_raw = ApiToken.create_for(reviewer, "Leaked plugin")
    revoked.revoke()
    expired, expired_raw = ApiToken.create_for(reviewer, "Old plugin")
    expire(expired_raw)
    assert list(ApiToken.objects.live()) == [live]
    assert [ApiToken.user_for(raw) for raw in (live_raw, revoked_raw, expired_raw)] == [reviewer, None, None]
    with pytest.raises(CommandError, match="No live token"):
        call_command("api_token", "revoke", expired_raw[:10], stdout=io.StringIO())
    # An expired token stopped nothing by being revoked: it was counted as revoked, and listed so.
    answer = admin_client.post(
        "/admin/factcheck/apitoken/", {"action": "revoke", "_selected_action": [live.pk, expired.pk]}, follow=True
    )
    assert "Revoked 1 of the 2 tokens selected." in answer.text
    assert [ApiToken.objects.get(pk=token.pk).state for token in (live, expired)] == ["revoked", "expired"]


def test_only_who_may_change_tokens_is_offered_their_revocation(rf, admin_user, editor):
    token_admin = django_admin.site._registry[ApiToken]
    for user, offered in ((admin_user, True), (editor, False)):
        request = rf.get("/admin/factcheck/apitoken/")
        request.user = user
        assert ("revoke" in token_admin.get_actions(request)) is offered


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_gives_tokens_made_before_it_90_days_from_the_day_it_runs():
    """Counted from when each was made, a token in use for months would stop at the deploy."""
    executor = MigrationExecutor(connection)
    before, after = [("factcheck", "0041_storydraft_in_review_idx")], [("factcheck", "0042_apitoken_expiry")]
    try:
        executor.migrate(before)
        old = executor.loader.project_state(before).apps
        user = old.get_model("auth", "User").objects.create(username="cms")
        made = timezone.now() - timedelta(days=400)
        old.get_model("factcheck", "ApiToken").objects.create(
            user=user, name="CMS plugin", key_hash="a" * 64, hint="fc_aaaaaaa", created_at=made
        )
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        token = ApiToken.objects.get()
        assert abs(token.expires_at - (timezone.now() + timedelta(days=90))) < timedelta(minutes=5)
        assert token.state == ApiToken.State.LIVE
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
