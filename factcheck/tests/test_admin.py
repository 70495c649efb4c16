"""The editors' admin: every page, the status and link actions, and what reviewers cannot do."""

import re
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import TextField
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_user
from factcheck import merging
from factcheck.admin import BoundedPaginator, ClaimAdmin, ReadOnlyAdmin, ReadOnlyInline
from factcheck.forms import ClaimTextField, CleanTextField, ExactTextField
from factcheck.models import (
    Appearance,
    Article,
    Claim,
    ClaimLink,
    ClaimRevision,
    Evidence,
    Note,
    Outlet,
    PublishedVerdict,
    Speaker,
    Venue,
    VerificationEvent,
)
from factcheck.tests.factories import make_appearance, make_claim, make_evidence, make_outlet, make_speaker

pytestmark = pytest.mark.django_db

CLAIMS = reverse("admin:factcheck_claim_changelist")
ADMIN_MODELS = [Claim, Speaker, Outlet, Article, VerificationEvent, ClaimLink, Evidence, Note]
REASON = "The ministry's own figures, published this morning, settle it."


def model_name(model):
    return model._meta.model_name


def url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


@pytest.fixture
def every_kind_of_object(demo, editor):
    claim = Claim.objects.get(span_exact__contains="Lancet drones")
    make_evidence(claim, "context", by=editor)
    Note.objects.create(claim=claim, body="Ask the ministry for the launch log.", author=editor)


@pytest.fixture
def staff_without_permissions(db):
    return make_user("dave")


def claim_saying(fragment):
    return Claim.objects.get(span_exact__contains=fragment)


def act(client, action, claims, **fields):
    """Post a changelist action for `claims`, following the redirect to the page a person sees."""
    return client.post(CLAIMS, {"action": action, "_selected_action": [c.pk for c in claims], **fields}, follow=True)


def confirm(client, action, claims, reason=REASON, **fields):
    """Submit the reason page of a status action."""
    return act(client, action, claims, apply="yes", reason=reason, **fields)


def form_data(response):
    """What a browser posts back from an admin add or change page when nobody touches it."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.initial_forms]
    data = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is not None:
                data[form.add_prefix(name)] = value
    return data


def messages_in(response):
    return [str(message) for message in response.context["messages"]]


# Every page, for every role


def test_the_admin_is_named_for_the_app_not_the_framework(editor_client):
    """An editor opening "Admin" from the app read "Django administration", a name nobody at the desk uses."""
    page = editor_client.get(reverse("admin:index")).text
    assert '<a href="/admin/">factcheck admin</a>' in page
    assert "<title>Site administration | factcheck admin</title>" in page
    assert "Django" not in page.split("</header>")[0]


def test_the_admin_registers_every_model_an_editor_works_with():
    assert set(ADMIN_MODELS) <= set(admin.site._registry)


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=model_name)
def test_every_changelist_and_change_page_answers_an_editor(every_kind_of_object, editor_client, model):
    obj = model.objects.first()
    assert editor_client.get(url(model, "changelist")).status_code == 200
    assert editor_client.get(url(model, "change", obj.pk)).status_code == 200


@pytest.mark.parametrize("model", [m for m in ADMIN_MODELS if m is not VerificationEvent], ids=model_name)
def test_every_add_page_answers_an_editor(editor_client, model):
    assert editor_client.get(url(model, "add")).status_code == 200


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=model_name)
def test_an_outsider_is_sent_to_the_admin_login(every_kind_of_object, outsider_client, model):
    obj = model.objects.first()
    for page in [url(model, "changelist"), url(model, "add"), url(model, "change", obj.pk)]:
        response = outsider_client.get(page)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=model_name)
def test_staff_without_permissions_is_refused(every_kind_of_object, client, staff_without_permissions, model):
    client.force_login(staff_without_permissions)
    obj = model.objects.first()
    for page in [url(model, "changelist"), url(model, "add"), url(model, "change", obj.pk)]:
        assert client.get(page).status_code == 403


def test_a_reviewer_reads_a_claim_but_has_nothing_to_save_and_no_actions(demo, reviewer_client):
    claim = claim_saying("Lancet drones")
    changelist = reviewer_client.get(CLAIMS)
    assert changelist.status_code == 200
    assert "Mark verified" not in changelist.text
    assert 'name="action"' not in changelist.text
    page = reviewer_client.get(url(Claim, "change", claim.pk))
    assert page.status_code == 200
    assert claim.text in page.text
    assert 'name="_save"' not in page.text
    assert "Mark verified" not in page.text


def test_nobody_adds_changes_or_deletes_a_verification_event_in_the_admin(demo, admin_client):
    event = VerificationEvent.objects.first()
    assert admin_client.get(url(VerificationEvent, "add")).status_code == 403
    page = admin_client.get(url(VerificationEvent, "change", event.pk))
    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    assert admin_client.post(url(VerificationEvent, "change", event.pk), {"reason": "Rewritten."}).status_code == 403
    assert admin_client.post(url(VerificationEvent, "delete", event.pk), {"post": "yes"}).status_code == 403
    assert VerificationEvent.objects.get(pk=event.pk).reason == event.reason


def test_the_history_filters_by_new_status_and_by_user(demo, editor, editor_client):
    claim = claim_saying("Lancet drones")
    claim.set_status("disputed", by=editor, reason=REASON)
    response = editor_client.get(url(VerificationEvent, "changelist"), {"to_status__exact": "disputed"})
    assert [event.claim for event in response.context["cl"].result_list] == [claim]
    response = editor_client.get(url(VerificationEvent, "changelist"), {"by__id__exact": editor.pk})
    assert response.context["cl"].result_count == 1


# The claim changelist


def test_the_demo_claims_all_appear_in_the_claim_changelist_for_the_editor(demo, editor_client):
    response = editor_client.get(CLAIMS)
    assert len(response.context["cl"].result_list) == 18
    assert "18 claims" in response.text
    assert response.text.count('<tr><td class="action-checkbox">') == 18


def test_the_venue_column_shows_where_it_was_said_and_who_relayed_it(demo, editor_client):
    response = editor_client.get(CLAIMS)
    # As the queue's rows word it: B-17 reports what it saw itself, and relays what reached it through another outlet.
    assert "Social-media post on X · reported by B-17" in response.text
    assert "Public remarks · relayed by Kyiv Independent → B-17" in response.text
    assert "Statement to B-17" in response.text


def test_the_changelist_shows_status_label_and_last_change(demo, editor_client):
    response = editor_client.get(CLAIMS)
    assert "Unable to independently confirm" in response.text
    assert "by Seed annotation" in response.text


def test_the_admin_names_who_changed_merged_and_withdrew_by_their_full_name(editor_client):
    """As the app's pages and the edit conflict do; the claims list, a merged claim's page and the
    verdicts list had given the username."""
    maria = User.objects.create_user("mkowalska", first_name="Maria", last_name="Kowalska")
    speaker = make_speaker()
    duplicate, kept = make_claim("Troops moved.", speaker=speaker), make_claim("Troops went.", speaker=speaker)
    for claim in (duplicate, kept):
        make_evidence(claim, "refutes")
        make_appearance(claim)
        event = claim.set_status("false", by=maria, reason="Shown wrong.")
    PublishedVerdict.publish(event, by=maria).withdraw(by=maria, reason="Too soon.")
    duplicate.refresh_from_db()
    kept.refresh_from_db()
    merging.merge(
        duplicate, kept, by=maria, reason="Twice.", merged_version=duplicate.version, into_version=kept.version
    )
    Claim.objects.filter(pk=make_claim("Nobody's.").pk).update(status_changed_by=None)
    pages = {
        "last change": editor_client.get(CLAIMS).text,
        "merged into": editor_client.get(url(Claim, "change", duplicate.pk)).text,
        "state": editor_client.get(url(PublishedVerdict, "changelist")).text,
    }
    assert re.search(r"UTC by Maria Kowalska</td>", pages["last change"])
    assert "by None" not in pages["last change"]
    assert re.search(r"</a>, by Maria Kowalska on \d+ Dec", pages["merged into"])
    assert re.search(r"Withdrawn \d+ \w+ \d{4}, \d\d:\d\d UTC by Maria Kowalska: Too soon.", pages["state"])


def test_the_relay_filter_separates_direct_from_relayed_claims(demo, editor_client):
    relayed = editor_client.get(CLAIMS, {"heard": "relayed"}).context["cl"].result_list
    direct = editor_client.get(CLAIMS, {"heard": "direct"}).context["cl"].result_list
    assert set(relayed) == set(Claim.objects.relayed())
    assert claim_saying("upped that number to 11,000") in relayed  # through the Kyiv Independent
    assert claim_saying("Lancet drones") in direct  # a post on X, passed on by B-17 itself
    assert claim_saying("operate strike UAVs") in direct
    assert len(relayed) + len(direct) == 18
    # Its own title: it had the attribution field's ("did they say it?"), so two filters read "By attribution".
    titles = [spec.title for spec in editor_client.get(CLAIMS).context["cl"].filter_specs]
    assert len(titles) == len(set(titles)) and "direct or relayed" in titles


def test_the_claims_filter_by_venue_speaker_kind_outlet_and_status(demo, editor_client):
    def shown(**params):
        return set(editor_client.get(CLAIMS, params).context["cl"].result_list)

    assert shown(venue=Venue.SOCIAL_MEDIA_POST) == {claim_saying("Lancet drones")}
    assert shown(speaker_kind="institution") == set(Claim.objects.filter(speaker__name="South Korea"))
    kyiv, b17 = Outlet.objects.get(name="Kyiv Independent"), Outlet.objects.get(name="B-17")
    assert shown(outlet=kyiv.pk) == set(Claim.objects.filter(appearances__outlet=kyiv))
    assert shown(outlet=b17.pk) == set(Claim.objects.all())  # B-17 published the story
    assert shown(status__exact="verified") == set()
    # A number int() refuses ("²" is a digit) or past every id filters nothing, rather than failing.
    assert shown(outlet="²") == shown(outlet="99999999999999999999") == set(Claim.objects.all())


def test_the_claims_search_finds_the_speaker_by_name(demo, editor_client):
    found = editor_client.get(CLAIMS, {"q": "Blinken"}).context["cl"].result_list
    assert found and {claim.speaker.name for claim in found} == {"Antony Blinken"}


def test_the_admins_searches_ignore_accents_and_case_as_the_queue_does(editor_client):
    """ "jose" found no speaker in the autocomplete and "électricité" no claim on SQLite, whose LIKE
    folds the case of ASCII letters alone; "Électricité" and "José" were needed."""
    alvarez, other = make_speaker("José Álvarez"), make_speaker("Joseph Reed")
    claim = make_claim("Électricité de France will raise prices.", speaker=alvarez)
    make_claim("Prices will fall.", speaker=other)
    make_outlet("El País")
    for query in ["electricite", "ÉLECTRICITÉ", "électricité", "alvarez", "jose alvarez"]:
        assert list(editor_client.get(CLAIMS, {"q": query}).context["cl"].result_list) == [claim], query
    assert {
        s.name for s in editor_client.get("/admin/factcheck/speaker/", {"q": "alvarez"}).context["cl"].result_list
    } == {"José Álvarez"}
    assert [
        o.name for o in editor_client.get("/admin/factcheck/outlet/", {"q": "el pais"}).context["cl"].result_list
    ] == ["El País"]
    # The autocomplete of a claim's speaker reads the same search.
    params = {"term": "jose", "app_label": "factcheck", "model_name": "claim", "field_name": "speaker"}
    found = editor_client.get("/admin/autocomplete/", params).json()["results"]
    assert {result["text"] for result in found} == {"José Álvarez", "Joseph Reed"}


def test_the_claim_changelist_query_count_does_not_grow_with_the_claims(editor, editor_client):
    outlet, relay = make_outlet(), make_outlet()

    def add_claims(count):
        for _ in range(count):
            claim = make_claim(article=None)
            origin = make_appearance(claim, Venue.PUBLIC_REMARKS, outlet=outlet)
            make_appearance(claim, Venue.RELAYED_REPORT, outlet=relay, relayed_from=origin)
            make_evidence(claim)

    def queries_for_the_changelist():
        with CaptureQueriesContext(connection) as queries:
            response = editor_client.get(CLAIMS)
        assert response.status_code == 200
        return len(queries), len(response.context["cl"].result_list)

    add_claims(5)
    few, shown = queries_for_the_changelist()
    assert shown == 5
    add_claims(25)
    many, shown = queries_for_the_changelist()
    assert shown == 30
    assert many == few
    assert few <= 10


def test_the_claim_changelist_filters_across_relations_without_distinct(demo, editor_client):
    for params in [{"venue": Venue.INTERVIEW}, {"outlet": Outlet.objects.first().pk}]:
        with CaptureQueriesContext(connection) as queries:
            editor_client.get(CLAIMS, params)
        assert not any("DISTINCT" in query["sql"] and "factcheck_claim" in query["sql"] for query in queries)


def test_the_claim_changelist_counts_at_most_a_bound_and_pages_by_ids(editor_client, monkeypatch):
    monkeypatch.setattr(BoundedPaginator, "COUNT_BOUND", 5)
    monkeypatch.setattr(BoundedPaginator, "MAX_PAGES", 3)
    monkeypatch.setattr(ClaimAdmin, "list_per_page", 2)
    claims = [make_claim(f"Claim {number}.") for number in range(9)]
    with CaptureQueriesContext(connection) as queries:
        page = editor_client.get(CLAIMS, {"status__exact": "unconfirmed", "p": 3})
    assert page.context["cl"].result_count == 5
    assert [claim.pk for claim in page.context["cl"].result_list] == [claims[4].pk]
    assert not any(query["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "factcheck_claim"') for query in queries)
    every = editor_client.get(CLAIMS).context["cl"]
    assert every.result_count == 5  # unfiltered, a small table: the bounded count
    assert editor_client.get(CLAIMS, {"p": 4}).status_code == 302  # past the pages offered


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the estimate is PostgreSQL's pg_class.reltuples")
def test_the_unfiltered_changelist_shows_the_planners_estimate(editor_client, monkeypatch, analysed):
    monkeypatch.setattr(BoundedPaginator, "COUNT_BOUND", 5)
    for number in range(7):
        make_claim(f"Claim {number}.")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE factcheck_claim")
    assert editor_client.get(CLAIMS).context["cl"].result_count == 7


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the stored search document is PostgreSQL's")
def test_the_claims_search_uses_the_stored_search_document(demo, editor_client):
    with CaptureQueriesContext(connection) as queries:
        found = editor_client.get(CLAIMS, {"q": "drones"}).context["cl"].result_list
    assert claim_saying("Lancet drones") in found
    assert not any("ILIKE" in query["sql"].upper() or "UPPER(" in query["sql"] for query in queries)


def test_the_claim_change_form_costs_the_same_queries_with_1_or_10_appearances(editor_client):
    counts = []
    for relays in [1, 10]:
        claim = make_claim()
        previous = make_appearance(claim, Venue.PUBLIC_REMARKS, outlet=make_outlet())
        for _ in range(relays):
            previous = make_appearance(claim, Venue.RELAYED_REPORT, outlet=make_outlet(), relayed_from=previous)
            make_evidence(claim)
        # Both counted with the content types' cache cold: the first request in a process fills it.
        ContentType.objects.clear_cache()
        with CaptureQueriesContext(connection) as queries:
            response = editor_client.get(reverse("admin:factcheck_claim_change", args=[claim.pk]))
        assert response.status_code == 200
        assert response.text.count('name="appearances-') > relays
        counts.append(len(queries))
    assert counts[0] == counts[1]


# The status actions


@pytest.mark.parametrize(
    ("action", "start", "stance", "new"),
    [
        ("mark_verified", "unconfirmed", "supports", "verified"),
        ("mark_disputed", "unconfirmed", None, "disputed"),
        ("mark_false", "unconfirmed", "refutes", "false"),
        ("mark_unconfirmed", "disputed", None, "unconfirmed"),
    ],
)
def test_each_status_action_with_a_reason_changes_the_claims_and_records_who_and_why(
    editor, editor_client, action, start, stance, new
):
    claims = [make_claim(status=start), make_claim(status=start)]
    for claim in claims:
        if stance:
            make_evidence(claim, stance)
    response = confirm(editor_client, action, claims)
    assert response.status_code == 200
    assert f"Marked 2 of 2 claims “{Claim(status=new).status_label}”." in messages_in(response)
    for claim in claims:
        claim.refresh_from_db()
        event = claim.events.latest()
        assert (claim.status, claim.status_changed_by) == (new, editor)
        assert (event.from_status, event.to_status, event.by, event.reason) == (start, new, editor, REASON)


def test_a_status_action_first_asks_for_the_reason_and_shows_each_current_status(editor_client):
    disputed, unconfirmed = make_claim(status="disputed"), make_claim()
    response = act(editor_client, "mark_unconfirmed", [disputed, unconfirmed])
    assert response.status_code == 200
    assert response.templates[0].name == "admin/factcheck/claim/change_status.html"
    page = response.text
    assert "csrfmiddlewaretoken" in page
    assert '<textarea name="reason"' in page
    assert "required" in page.split('<textarea name="reason"')[1].split(">")[0]
    for claim in [disputed, unconfirmed]:
        assert f'name="_selected_action" value="{claim.pk}"' in page
        assert claim.text in page
    assert "<td>Disputed</td>" in page
    assert "<td>Unable to independently confirm</td>" in page
    assert VerificationEvent.objects.filter(to_status="unconfirmed", from_status="disputed").count() == 0


@pytest.mark.parametrize("reason", ["", "   "])
def test_without_a_reason_a_status_action_changes_nothing(editor_client, reason):
    claim = make_claim()
    response = confirm(editor_client, "mark_disputed", [claim], reason=reason)
    assert response.status_code == 200
    assert "Give a reason for the change" in response.text
    assert f'name="_selected_action" value="{claim.pk}"' in response.text
    claim.refresh_from_db()
    assert (claim.status, claim.version, claim.events.count()) == ("unconfirmed", 1, 1)


def test_mark_verified_refuses_a_claim_without_supporting_evidence_and_changes_the_others(editor_client):
    supported, unsupported = make_claim("The convoy crossed at dawn."), make_claim("The depot held 300 drones.")
    make_evidence(supported, "supports")
    response = confirm(editor_client, "mark_verified", [supported, unsupported])
    shown = messages_in(response)
    assert "Marked 1 of 2 claims “Verified”." in shown
    assert (
        f"Not changed: “The depot held 300 drones.” (#{unsupported.pk}). "
        "Add at least one piece of supporting evidence before marking it verified."
    ) in shown
    supported.refresh_from_db()
    unsupported.refresh_from_db()
    assert (supported.status, unsupported.status) == ("verified", "unconfirmed")
    assert unsupported.events.count() == 1


def row_of(page, claim):
    """The row of the status action's table that shows `claim`."""
    table = page.split('id="claims-to-change"')[1].split("</table>")[0]
    return next(row for row in table.split("<tr") if claim.text in row)


def test_a_status_action_says_which_claims_the_rules_will_refuse_before_the_reason_is_typed(editor_client):
    """The refusal came only after the reason was typed and posted, and the reason was gone with it."""
    refuted, bare = make_claim("The depot was empty."), make_claim("The depot held 300 drones.")
    make_evidence(refuted, "refutes")
    page = act(editor_client, "mark_false", [refuted, bare]).text
    assert "Stays as it is. Add at least one piece of refuting evidence before marking it false." in row_of(page, bare)
    assert "Stays as it is" not in row_of(page, refuted)
    assert '<textarea name="reason"' in page


def test_a_status_action_the_rules_refuse_for_every_claim_asks_for_no_reason(editor_client):
    bare = make_claim("The depot held 300 drones.")
    page = act(editor_client, "mark_false", [bare]).text
    assert "None of these claims can be marked “False” now" in page
    assert '<textarea name="reason"' not in page
    assert "Stays as it is. Add at least one piece of refuting evidence" in row_of(page, bare)


def test_an_attribution_action_says_which_claims_need_the_primary_source_first(editor_client):
    sourced, unsourced = make_claim("The minister said so on air."), make_claim("The minister said so in a memo.")
    for claim in (sourced, unsourced):
        claim.set_attribution("relayed", by=claim.events.get().by, reason="Only the wire has it.")
    make_evidence(sourced, "context", primary_source=True)
    page = act(editor_client, "confirm_attribution", [sourced, unsourced]).text
    assert "Stays as it is. Cite the primary source" in row_of(page, unsourced)
    assert "Stays as it is" not in row_of(page, sourced)


def test_a_status_action_refuses_a_claim_changed_since_the_editor_saw_it(editor_client, reviewer, editor):
    claim = make_claim("The bridge was closed on Monday.")
    seen = claim.version
    Claim.objects.get(pk=claim.pk).set_status("disputed", by=editor, reason="Another desk disputed it meanwhile.")
    response = confirm(editor_client, "mark_unconfirmed", [claim], **{f"version-{claim.pk}": seen})
    assert "Marked 0 of 1 claim “Unable to independently confirm”." in messages_in(response)
    assert any("was changed by alice" in message for message in messages_in(response))
    claim.refresh_from_db()
    assert (claim.status, claim.events.count()) == ("disputed", 2)


def test_a_status_action_refuses_a_transition_the_rules_forbid(editor, editor_client):
    claim = make_claim()
    make_evidence(claim, "supports")
    claim.set_status("verified", by=editor, reason="Confirmed.")
    make_evidence(claim, "refutes")
    response = confirm(editor_client, "mark_false", [claim])
    assert any("cannot go straight to “False”" in message for message in messages_in(response))
    claim.refresh_from_db()
    assert claim.status == "verified"


def test_a_status_change_over_too_many_claims_is_refused_before_asking(editor_client, monkeypatch):
    monkeypatch.setattr("factcheck.admin.MAX_STATUS_CHANGES", 1)
    claims = [make_claim(), make_claim()]
    response = act(editor_client, "mark_disputed", claims)
    assert "Select at most 1 claims for a status change (2 selected); nothing was changed." in messages_in(response)
    assert not VerificationEvent.objects.filter(to_status="disputed").exists()


def test_a_status_action_works_from_the_claim_page(editor, editor_client):
    claim = make_claim()
    page = url(Claim, "change", claim.pk)
    assert "Mark disputed" in editor_client.get(page).text
    fields = {"CHANGE_FORM-action": "mark_disputed", "_selected_action": claim.pk}
    asked = editor_client.post(page, fields)
    assert asked.status_code == 200
    assert 'name="CHANGE_FORM-action" value="mark_disputed"' in asked.text
    done = editor_client.post(page, {**fields, "apply": "yes", "reason": REASON})
    assert done.status_code == 302
    assert done["Location"] == page
    claim.refresh_from_db()
    assert (claim.status, claim.events.latest().by) == ("disputed", editor)


def test_a_reviewer_cannot_change_a_status_with_a_forged_action(reviewer_client):
    claim = make_claim()
    make_evidence(claim, "supports")
    for action in ["mark_verified", "mark_disputed"]:
        confirm(reviewer_client, action, [claim])
        reviewer_client.post(
            url(Claim, "change", claim.pk),
            {"CHANGE_FORM-action": action, "_selected_action": claim.pk, "apply": "yes", "reason": REASON},
        )
    claim.refresh_from_db()
    assert (claim.status, claim.version, claim.events.count()) == ("unconfirmed", 1, 1)


def test_a_reviewer_cannot_post_the_claim_form(reviewer_client):
    claim = make_claim()
    response = reviewer_client.post(
        url(Claim, "change", claim.pk),
        {"text": "Rewritten.", "speaker": claim.speaker_id, "status": "verified", "version": 9},
    )
    assert response.status_code == 403
    claim.refresh_from_db()
    assert (claim.status, claim.version, claim.events.count()) == ("unconfirmed", 1, 1)
    assert claim.text != "Rewritten."


def test_the_claim_form_ignores_a_posted_status_or_version(editor_client):
    claim = make_claim()
    page = url(Claim, "change", claim.pk)
    data = form_data(editor_client.get(page))
    data |= {"text": "The claim, reworded.", "status": "verified", "version": "9", "_save": "Save"}
    response = editor_client.post(page, data)
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.text, claim.status, claim.version, claim.events.count()) == (
        "The claim, reworded.",
        "unconfirmed",
        1,
        1,
    )


def test_a_claim_is_one_line_however_the_form_posts_it(editor_client):
    # A browser posts a text box's line breaks as "\r\n": saving the form unchanged turned an
    # imported claim's "\n" into "\r\n", and a typed line break stayed in the claim.
    claim = make_claim("Kyiv is quiet tonight.")
    page = url(Claim, "change", claim.pk)
    data = form_data(editor_client.get(page)) | {"text": "Kyiv is\r\nquiet   tonight.", "_save": "Save"}
    assert editor_client.post(page, data).status_code == 302
    claim.refresh_from_db()
    assert claim.text == "Kyiv is quiet tonight."
    assert not ClaimRevision.objects.filter(claim=claim).exists()  # nothing changed


def test_text_boxes_of_the_admin_store_lf_line_breaks(editor, editor_client):
    """A browser posts a text box's line breaks as CR LF: a speaker's description, evidence, notes and
    a claim's quote, saved from the admin, were stored with them, unlike the same text from any other road."""
    typed = "First line.\r\nSecond line.\r\n\r\nAfter a blank line."
    stored = "First line.\nSecond line.\n\nAfter a blank line."
    speaker = make_speaker("Andrii Kovalenko")
    page = url(Speaker, "change", speaker.pk)
    assert editor_client.post(page, form_data(editor_client.get(page)) | {"description": typed}).status_code == 302
    speaker.refresh_from_db()
    assert speaker.description == stored

    claim = make_claim("Russia fired 120 drones.", speaker=speaker)
    page = url(Claim, "change", claim.pk)
    data = form_data(editor_client.get(page)) | {
        "quote": typed,
        "evidence-TOTAL_FORMS": "1",
        "evidence-0-stance": "supports",
        "evidence-0-citation": "Ministry\r\nbulletin 12",
        "evidence-0-summary": typed,
        "notes-TOTAL_FORMS": "1",
        "notes-0-body": typed,
        "_save": "Save",
    }
    assert editor_client.post(page, data).status_code == 302
    claim.refresh_from_db()
    assert claim.quote == stored
    assert (claim.evidence.get().summary, claim.notes.get().body) == (stored, stored)

    note = claim.notes.get()
    page = url(Note, "change", note.pk)
    data = form_data(editor_client.get(page)) | {"body": typed + "\r\nMore."}
    assert editor_client.post(page, data).status_code == 302
    note.refresh_from_db()
    assert note.body == stored + "\nMore."


def test_every_text_box_in_the_admin_is_cleaned_or_kept_exact_on_purpose(rf, admin_user):
    """Each multi-line field an admin form edits is cleaned as on every road in (CleanTextField: LF line
    breaks), one line (ClaimTextField), or kept exactly as stored (ExactTextField: a story, a span)."""
    request = rf.get("/admin/")
    request.user = admin_user
    admins = [model_admin for model_admin in admin.site._registry.values() if model_admin.opts.app_label == "factcheck"]
    admins += [inline(model_admin.model, admin.site) for model_admin in list(admins) for inline in model_admin.inlines]
    checked = set()
    for model_admin in admins:
        if isinstance(model_admin, (ReadOnlyAdmin, ReadOnlyInline)):  # nothing is edited there
            continue
        for db_field in model_admin.model._meta.get_fields():
            if isinstance(db_field, TextField) and db_field.editable:
                field = model_admin.formfield_for_dbfield(db_field, request)
                assert isinstance(field, (CleanTextField, ClaimTextField, ExactTextField)), (
                    f"{type(model_admin).__name__}: {db_field.name} is a {type(field).__name__}"
                )
                checked.add(f"{db_field.model.__name__}.{db_field.name}")
    assert {"Speaker.description", "Evidence.summary", "Note.body", "Claim.quote", "Article.body"} <= checked


def test_a_figure_written_8_000_is_refused_as_8_or_8000_in_the_admin(editor_client):
    # A desk that groups thousands with a point means 8,000; read as 8 it was stored a thousand times too small.
    claim = make_claim("Kyiv counted 8,000 troops.")
    page = url(Claim, "change", claim.pk)
    # A text box: a browser's number box throws "8,000" away, posting nothing.
    assert '<input type="text" name="quantity_value"' in editor_client.get(page).text
    data = form_data(editor_client.get(page)) | {"quantity_value": "8.000", "quantity_unit": "troops", "_save": "Save"}
    response = editor_client.post(page, data)
    assert response.status_code == 200
    assert "“8.000” could be 8 or 8,000" in response.context["adminform"].form.errors["quantity_value"][0]
    claim.refresh_from_db()
    assert claim.quantity_value is None
    # Read as the desk and imports read a figure: thousands grouped with commas are taken.
    assert editor_client.post(page, data | {"quantity_value": "8,000"}).status_code == 302
    claim.refresh_from_db()
    assert claim.quantity_value == 8000


# Adding and editing claims


def test_adding_a_claim_in_the_admin_records_its_first_event(editor, editor_client):
    speaker = make_speaker("Oleksandr Syrskyi")
    data = form_data(editor_client.get(url(Claim, "add")))
    data |= {"text": "Russia lost 1,000 soldiers a day in May.", "speaker": speaker.pk, "kind": "factual"}
    response = editor_client.post(url(Claim, "add"), data)
    assert response.status_code == 302
    claim = Claim.objects.get(speaker=speaker)
    event = claim.events.get()
    assert (claim.status, claim.version) == ("unconfirmed", 1)
    assert (event.from_status, event.to_status, event.by) == (None, "unconfirmed", editor)
    assert "Added in the admin by alice" in event.reason


def test_evidence_and_notes_added_on_the_claim_page_are_signed_by_the_editor(editor, editor_client):
    claim = make_claim()
    page = url(Claim, "change", claim.pk)
    data = form_data(editor_client.get(page))
    data |= {
        "evidence-TOTAL_FORMS": "1",
        "evidence-0-stance": "supports",
        "evidence-0-url": "https://example.org/ministry-figures",
        "evidence-0-summary": "The ministry's figures match.",
        "evidence-0-added_by": "999",
        "notes-TOTAL_FORMS": "1",
        "notes-0-body": "Call the ministry back on Monday.",
        "_save": "Save",
    }
    response = editor_client.post(page, data)
    assert response.status_code == 302
    assert claim.evidence.get().added_by == editor
    assert claim.notes.get().author == editor


def test_an_appearance_can_only_be_relayed_from_one_of_the_same_claim(editor_client):
    claim, other = make_claim(), make_claim()
    foreign = make_appearance(other, Venue.PUBLIC_REMARKS)
    page = url(Claim, "change", claim.pk)
    data = form_data(editor_client.get(page))
    data |= {
        "appearances-TOTAL_FORMS": "1",
        "appearances-0-venue_type": Venue.RELAYED_REPORT,
        "appearances-0-relayed_from": foreign.pk,
        "_save": "Save",
    }
    response = editor_client.post(page, data)
    assert response.status_code == 200
    assert "Pick an appearance of this same claim" in response.text
    assert not Appearance.objects.filter(claim=claim).exists()


def test_a_claim_with_history_offers_no_delete_even_to_a_superuser(demo, admin_client):
    claim = claim_saying("Lancet drones")
    assert 'class="deletelink"' not in admin_client.get(url(Claim, "change", claim.pk)).text
    assert admin_client.get(url(Claim, "delete", claim.pk)).status_code == 403
    assert "delete_selected" not in admin_client.get(CLAIMS).text
    act(admin_client, "delete_selected", [claim], post="yes")
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_a_claim_without_history_can_be_deleted_by_a_superuser(admin_client):
    claim = Claim.objects.create(text="Recorded by hand, never checked.", speaker=make_speaker())
    assert admin_client.get(url(Claim, "delete", claim.pk)).status_code == 200
    admin_client.post(url(Claim, "delete", claim.pk), {"post": "yes"})
    assert not Claim.objects.filter(pk=claim.pk).exists()


# Linking claims


def test_linking_claims_as_conflicting_links_every_pair(editor, editor_client):
    claims = [make_claim(), make_claim(), make_claim()]
    response = act(editor_client, "link_as_contradicting", claims)
    assert "Made 3 new “contradicts” links between the 3 selected claims." in messages_in(response)
    links = ClaimLink.objects.filter(kind="contradicts")
    assert links.count() == 3
    assert all(link.from_claim_id < link.to_claim_id and link.created_by == editor for link in links)


def test_linking_as_the_same_claim_again_makes_no_new_link(editor_client):
    first, second = make_claim(), make_claim()
    act(editor_client, "link_as_same_claim", [second, first])
    response = act(editor_client, "link_as_same_claim", [first, second])
    assert "Made 0 new “same claim” links between the 2 selected claims." in messages_in(response)
    assert list(ClaimLink.objects.values_list("from_claim", "to_claim", "kind")) == [
        (first.pk, second.pk, "same_claim")
    ]


def test_linking_needs_at_least_two_claims(editor_client):
    response = act(editor_client, "link_as_same_claim", [make_claim()])
    assert "Select between 2 and 10 claims to link (1 selected)." in messages_in(response)
    assert not ClaimLink.objects.exists()


def test_a_reviewer_cannot_link_claims(reviewer_client):
    act(reviewer_client, "link_as_same_claim", [make_claim(), make_claim()])
    assert not ClaimLink.objects.exists()


def test_a_link_added_by_hand_is_stored_lower_id_first(editor, editor_client):
    first, second = make_claim(), make_claim()
    response = editor_client.post(
        url(ClaimLink, "add"), {"from_claim": second.pk, "to_claim": first.pk, "kind": "contradicts"}
    )
    assert response.status_code == 302
    link = ClaimLink.objects.get()
    assert (link.from_claim, link.to_claim, link.created_by) == (first, second, editor)


# Speakers, outlets, articles, evidence


def test_speakers_outlets_and_articles_link_to_their_claims(demo, editor_client):
    speakers = editor_client.get(url(Speaker, "changelist"), {"q": "Zelenskyy"}).text
    zelenskyy = Speaker.objects.get(name="Volodymyr Zelenskyy")
    count = zelenskyy.claims.count()
    assert f'{CLAIMS}?speaker__id__exact={zelenskyy.pk}">{count} claim' in speakers
    listed = editor_client.get(CLAIMS, {"speaker__id__exact": zelenskyy.pk}).context["cl"].result_list
    assert len(listed) == count
    x = Outlet.objects.get(name="X")
    assert (
        f'{CLAIMS}?appearances__outlet__id__exact={x.pk}">1 claim<' in editor_client.get(url(Outlet, "changelist")).text
    )
    article_page = editor_client.get(url(Article, "change", claim_saying("Lancet drones").article_id)).text
    assert "18 claims" in article_page
    assert claim_saying("Lancet drones").text in article_page


def test_a_speakers_aliases_are_edited_one_per_line(editor_client):
    speaker = make_speaker("Volodymyr Zelenskyy", aliases=["Zelensky"])
    page = url(Speaker, "change", speaker.pk)
    data = form_data(editor_client.get(page))
    assert data["aliases"] == "Zelensky"
    response = editor_client.post(page, data | {"aliases": "Zelensky\n  Zelenskiy \n\n"})
    assert response.status_code == 302
    speaker.refresh_from_db()
    assert speaker.aliases == ["Zelensky", "Zelenskiy"]


def test_a_second_speaker_with_the_same_name_spelled_differently_is_refused(editor_client):
    make_speaker("Volodymyr Zelenskyy")
    data = form_data(editor_client.get(url(Speaker, "add")))
    response = editor_client.post(url(Speaker, "add"), data | {"name": "volodymyr  ZELENSKYY.", "kind": "person"})
    assert response.status_code == 200
    assert "“Volodymyr Zelenskyy” already exists" in response.text
    assert Speaker.objects.count() == 1


def test_evidence_added_in_its_own_admin_is_signed_by_whoever_added_it(reviewer, reviewer_client):
    claim = make_claim()
    response = reviewer_client.post(
        url(Evidence, "add"),
        {"claim": claim.pk, "stance": "refutes", "citation": "Ministry bulletin 14", "summary": "Lower figure."},
    )
    assert response.status_code == 302
    assert claim.evidence.get().added_by == reviewer


def test_a_story_posted_with_old_mac_line_breaks_is_stored_as_a_browser_will_post_it_back(editor_client):
    """A browser never posts a lone CR: it shows one in a text box as a line break and posts CR LF.
    A story posted with lone CRs by another client was stored with them, so the next save of the
    unchanged form from a browser rewrote every line break and recorded that as an edit."""
    article = Article.objects.create(outlet=make_outlet(), headline="Kursk", body="First line.")
    page = url(Article, "change", article.pk)
    posted = form_data(editor_client.get(page)) | {"body": "First line.\rSecond line.\r\nThird line.", "_save": "Save"}
    assert editor_client.post(page, posted).status_code == 302
    article.refresh_from_db()
    assert article.body == "First line.\nSecond line.\nThird line."  # as the story desk stores a pasted story
    revisions = article.revisions.count()
    from_a_browser = form_data(editor_client.get(page)) | {"body": article.body.replace("\n", "\r\n"), "_save": "Save"}
    assert editor_client.post(page, from_a_browser).status_code == 302
    assert article.revisions.count() == revisions  # nothing changed


def test_saving_a_claim_keeps_the_spaces_around_its_span(demo, editor_client):
    claim = Claim.objects.filter(span_prefix__endswith=" ").first()
    before = (claim.span_exact, claim.span_prefix, claim.span_suffix)
    page = url(Claim, "change", claim.pk)
    response = editor_client.post(page, form_data(editor_client.get(page)) | {"_save": "Save"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.span_exact, claim.span_prefix, claim.span_suffix) == before


def test_a_claims_figure_shows_no_trailing_zeros_and_still_saves_as_it_was(demo, editor_client):
    claim = Claim.objects.get(span_exact__contains="upped that number")
    Claim.objects.filter(pk=claim.pk).update(quantity_value="5.25")
    page = url(Claim, "change", claim.pk)
    response = editor_client.get(page)
    assert 'name="quantity_value" value="5.25"' in response.content.decode()
    Claim.objects.filter(pk=claim.pk).update(quantity_value=11000)
    response = editor_client.get(page)
    assert 'name="quantity_value" value="11,000"' in response.content.decode()
    edits = claim.revisions.count()  # the updates above are recorded too
    assert editor_client.post(page, form_data(response) | {"_save": "Save"}).status_code == 302
    claim.refresh_from_db()
    assert (claim.quantity_value, claim.revisions.count()) == (11000, edits)  # a save that changes nothing
    # "1.234" would read as 1 or 1,234 and be refused: the form shows a figure it reads back.
    Claim.objects.filter(pk=claim.pk).update(quantity_value="1.234")
    response = editor_client.get(page)
    assert 'name="quantity_value" value="1.2340"' in response.content.decode()
    assert editor_client.post(page, form_data(response) | {"_save": "Save"}).status_code == 302
    claim.refresh_from_db()
    assert claim.quantity_value == Decimal("1.234")


def test_the_claim_form_names_the_span_in_words_and_shows_the_words_around_it_whole(demo, editor_client):
    claim = Claim.objects.get(span_exact__contains="upped that number")
    around = (claim.span_prefix, claim.span_suffix)
    assert around == ("uld enter the fighting shortly.\n", " and said: “We see an increase i")
    page = editor_client.get(url(Claim, "change", claim.pk)).content.decode()
    assert "The claim’s words in the story" in page
    assert "Words before the claim in the story" in page and "Words after the claim in the story" in page
    assert "…enter the fighting shortly." in page and "uld enter" not in page
    assert "and said: “We see an increase…" in page and "increase i<" not in page
    first = Claim.objects.get(span_prefix="")  # the headline: nothing before it, nothing cut
    page = editor_client.get(url(Claim, "change", first.pk)).content.decode()
    assert "Russia is teaching North…" in page


def test_a_reviewer_replaying_a_status_action_is_told_it_was_refused(demo, reviewer_client):
    """The replayed POST of "Mark verified" returned the list with status 200 and no word."""
    claim = Claim.objects.order_by("pk").first()
    response = act(reviewer_client, "mark_verified", [claim], apply="yes", reason=REASON)
    assert response.redirect_chain == [(CLAIMS, 302)]  # back to the list, which says why
    (message,) = messages_in(response)
    assert message.startswith("Nothing was changed: you may not use “Mark verified")
    assert Claim.objects.get(pk=claim.pk).status == "unconfirmed"


def test_an_unknown_action_is_refused_with_a_message(editor_client, demo):
    claim = Claim.objects.order_by("pk").first()
    response = act(editor_client, "drop_everything", [claim])
    assert response.redirect_chain == [(CLAIMS, 302)]
    assert messages_in(response) == ["Nothing was changed: there is no action “drop_everything”."]
