"""Sign-in, the layout, and the speaker, outlet and article pages."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import make_user
from factcheck.models import Article, Claim, Outlet, Speaker, Venue
from factcheck.tests.factories import (
    make_appearance,
    make_article,
    make_claim,
    make_claims,
    make_evidence,
    make_outlet,
    recorder,
)
from factcheck.verification import CHOICES as STATUS_CHOICES

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
PASSWORD = "correct horse battery staple"


def queries_for(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return len(queries), response


# Signing in and the layout


def test_signing_in_through_the_form_leads_to_the_queue(client, reviewer):
    page = client.get("/login/?next=/claims/%3Fq%3Ddrones")
    assert '<label for="id_username">Username</label>' in page.text
    assert 'hx-boost="false"' in page.text
    response = client.post("/login/", {"username": "bob", "password": PASSWORD, "next": "/claims/?q=drones"})
    assert response.status_code == 302
    assert response["Location"] == "/claims/?q=drones"
    assert client.get("/claims/").status_code == 200


def test_a_wrong_password_is_reported(client, reviewer):
    response = client.post("/login/", {"username": "bob", "password": "wrong"})
    assert response.status_code == 200
    assert "do not match an account" in response.text


def test_a_signed_in_persons_account_is_read_anew_on_every_request(reviewer_client, reviewer):
    assert reviewer_client.get("/claims/").status_code == 200
    reviewer.groups.clear()
    assert reviewer_client.get("/claims/").status_code == 403  # the permission taken away applies at once
    reviewer.groups.add(Group.objects.get(name="Reviewers"))
    assert reviewer_client.get("/claims/").status_code == 200
    reviewer.is_active = False
    reviewer.save(update_fields=["is_active"])
    assert reviewer_client.get("/claims/")["Location"].startswith("/login/")


def test_a_deleted_account_is_signed_out(reviewer_client, reviewer):
    reviewer.delete()
    assert reviewer_client.get("/claims/")["Location"].startswith("/login/")


def test_signing_out_needs_a_post_and_returns_to_login(reviewer_client):
    page = reviewer_client.get("/claims/").text
    assert 'action="/logout/" hx-boost="false"' in page
    response = reviewer_client.post("/logout/")
    assert response["Location"] == "/login/"
    assert reviewer_client.get("/claims/").status_code == 302


def test_the_home_page_leads_to_the_queue(reviewer_client):
    assert Client().get("/")["Location"] == "/login/?next=/"
    assert reviewer_client.get("/")["Location"] == "/claims/"


def test_the_layout_has_landmarks_a_skip_link_and_local_assets(reviewer_client):
    page = reviewer_client.get("/claims/").text
    assert '<a class="skip-link" href="#main">' in page
    assert '<main id="main"' in page
    assert '<nav class="site-nav" aria-label="Main">' in page
    assert '<body hx-boost="true" hx-headers=\'{"x-csrftoken": "' in page
    assert '<script src="/static/django_htmx/htmx-2.min.js"' in page
    assert 'href="/static/factcheck/site.css"' in page
    assert "https://" not in page.split("</head>")[0]
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page


@pytest.mark.parametrize(("path", "signed_in"), [("/claims/", True), ("/admin/", True), ("/login/", False)])
def test_every_layout_shows_the_apps_icon_which_anyone_may_fetch(path, signed_in, editor_client):
    """A browser asks for /favicon.ico on a page that names no icon (a JSON answer, a download):
    it was a 404 there, an error in the console, and every tab showed a blank icon."""
    assert '<link rel="icon" href="/favicon.ico">' in (editor_client if signed_in else Client()).get(path).text
    icon = Client().get("/favicon.ico")
    assert icon.status_code == 200
    assert icon["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert b"".join(icon.streaming_content).startswith(b"\x00\x00\x01\x00")  # an icon file's header


def header_of(client):
    page = client.get("/claims/").text
    return " ".join(page.split('<p class="who">')[1].split("</p>")[0].split())


@pytest.mark.parametrize(
    ("fixture", "shown"),
    [
        ("reviewer", '<span class="name">bob</span> <span class="role badge">Reviewer</span>'),
        ("editor", '<span class="name">alice</span> <span class="role badge">Editor</span>'),
        ("admin_user", '<span class="name">root</span> <span class="role badge">Admin</span>'),
    ],
)
def test_the_header_names_the_person_and_their_role(client, request, fixture, shown):
    client.force_login(request.getfixturevalue(fixture))
    assert header_of(client) == shown


def test_the_header_prefers_the_full_name_and_calls_a_superuser_in_a_group_an_admin(client, admin_user):
    admin_user.first_name, admin_user.last_name = "Olena", "Koval"
    admin_user.save()
    admin_user.groups.add(Group.objects.get(name="Reviewers"))
    client.force_login(admin_user)
    assert header_of(client) == '<span class="name">Olena Koval</span> <span class="role badge">Admin</span>'


@pytest.mark.parametrize(
    ("account", "uses_admin"),
    [
        ({"username": "bob", "group": "Reviewers"}, True),  # reads the records there
        ({"username": "alice", "group": "Editors"}, True),
        ({"username": "root", "superuser": True}, True),
        ({"username": "dana"}, False),  # staff, but allowed nothing the admin shows
        ({"username": "erin", "group": "Editors", "staff": False}, False),  # the admin lets in only staff
    ],
)
def test_the_header_links_the_admin_only_for_who_can_use_it(client, account, uses_admin):
    client.force_login(make_user(**account))
    page = client.get("/claims/")  # a page of the app, or the 403 page for who may read no claims
    assert ('hx-boost="false">Admin</a>' in page.text) is uses_admin
    index = client.get("/admin/")
    assert (index.status_code == 200 and "have permission to view or edit anything" not in index.text) is uses_admin


# The speaker page


def test_a_speaker_page_shows_the_track_record_and_the_claims(reviewer_client, demo):
    kovalenko = Speaker.objects.get(name="Andrii Kovalenko")
    claim = Claim.objects.get(span_exact__contains="Lancet")
    make_evidence(claim, "supports")
    claim.refresh_from_db()
    claim.set_status("verified", by=recorder(), reason="The post is archived.")
    response = reviewer_client.get(f"/speakers/{kovalenko.pk}/")
    counts = {bar["value"]: bar["claims"] for bar in response.context["record"]["charts"][0]["bars"]}
    assert counts == {"unconfirmed": 8, "verified": 1, "disputed": 0, "false": 0}
    assert "Head of the Center for Countering Disinformation" in response.text
    assert "Center for Countering Disinformation (Ukraine)" in response.text
    assert response.text.count('class="claim-row"') == 9
    assert 'href="/claims/?status=verified&amp;speaker=Andrii%20Kovalenko"' in response.text


def test_an_unnamed_source_shows_how_the_story_describes_it(reviewer_client, demo):
    experts = Speaker.objects.get(name="Experts")
    page = reviewer_client.get(f"/speakers/{experts.pk}/").text
    assert "Unnamed source or group" in page
    assert "Described in the story as “experts”." in page


def test_the_speaker_page_pages_its_claims_with_load_more(reviewer_client):
    speaker_claims = [make_claim(f"Said {number}.") for number in range(3)]
    speaker = speaker_claims[0].speaker
    for claim in speaker_claims[1:]:
        Claim.objects.filter(pk=claim.pk).update(speaker=speaker)
    first = reviewer_client.get(f"/speakers/{speaker.pk}/?limit=2")
    assert "More claims" in first.text
    more = reviewer_client.get(f"/speakers/{speaker.pk}/?limit=2&after={first.context['next_page']}", **HTMX)
    assert "<html" not in more.text
    assert "Said 0." in more.text
    assert "HX-Request" in more["Vary"]


# The outlet page


def test_the_outlet_page_shows_what_it_published_carried_and_relayed(reviewer_client, demo):
    record = {
        outlet.name: {
            bar["role"]: bar["claims"]
            for bar in reviewer_client.get(f"/outlets/{outlet.pk}/").context["record"]["charts"][0]["bars"]
        }
        for outlet in Outlet.objects.all()
    }
    assert record["B-17"] == {"published": 18, "made": 9, "relayed": 9}
    assert record["X"] == {"published": 0, "made": 1, "relayed": 0}
    assert record["Kyiv Independent"] == {"published": 0, "made": 0, "relayed": 2}


def test_the_outlet_page_counts_per_status(reviewer_client, demo):
    x = Outlet.objects.get(name="X")
    claim = Claim.objects.get(span_exact__contains="Lancet")
    make_evidence(claim, "refutes")
    claim.refresh_from_db()
    claim.set_status("false", by=recorder(), reason="The post was about another drone.")
    response = reviewer_client.get(f"/outlets/{x.pk}/")
    made = response.context["record"]["charts"][0]["bars"][0]
    assert made["role"] == "made"
    assert {part["value"]: part["claims"] for part in made["parts"]} == {
        "unconfirmed": 0,
        "verified": 0,
        "disputed": 0,
        "false": 1,
    }
    assert "North Korean troops are receiving training in using Lancet drones." in response.text


# The article page


def test_the_article_page_marks_every_claim_with_its_status(reviewer_client, demo):
    lancet = Claim.objects.get(span_exact__contains="Lancet")
    make_evidence(lancet, "supports")
    lancet.refresh_from_db()
    lancet.set_status("verified", by=recorder(), reason="Archived post.")
    response = reviewer_client.get(f"/articles/{demo.pk}/")
    assert response.text.count('<mark class="span status-') == 18
    assert f'<mark class="span status-verified" id="span-{lancet.pk}">In a post earlier this week on X' in response.text
    assert 'aria-label="Claim 5: Verified"' in response.text
    legend = response.text[response.text.index('<p class="legend">') :]
    legend = legend[: legend.index("</p>")]
    assert [label for _, label in STATUS_CHOICES] == [part.rsplit(">", 1)[1] for part in legend.split("</span>")[:-1]]
    assert not response.context["missing"]
    assert not response.context["overlapping"]


def test_claims_whose_words_left_the_story_are_listed_apart(reviewer_client):
    story = make_article(body="The port reopened on Monday. Ships left.")
    kept = make_claim("Ships left.", article=story, span_exact="Ships left.")
    gone = make_claim("Trains run.", article=story, span_exact="Trains run again.")
    response = reviewer_client.get(f"/articles/{story.pk}/")
    assert response.context["missing"] == [gone]
    assert f'id="span-{kept.pk}"' in response.text
    assert f'id="span-{gone.pk}"' not in response.text
    missing = response.text[response.text.index("No longer found in the text") :]
    assert "Was: “Trains run again.”" in missing


def test_claims_recorded_without_their_words_are_listed_not_said_to_have_left_the_story(reviewer_client):
    """An imported story has no text and its claims no words: none of them left it."""
    story = make_article(body="")
    imported = make_claim("The dam holds.", article=story)
    response = reviewer_client.get(f"/articles/{story.pk}/")
    assert response.context["missing"] == []
    assert "No longer found in the text" not in response.text and "Was: “”" not in response.text
    assert f'<a href="/claims/{imported.pk}/">The dam holds.</a>' in response.text
    assert "The story's text was not recorded here." in response.text


def test_nested_spans_are_marked_inside_each_other_and_crossing_ones_listed(reviewer_client):
    story = make_article(body="Officials said the bridge at Kherson was closed on Monday night.")
    outer = make_claim("The bridge was closed.", article=story, span_exact="the bridge at Kherson was closed")
    inner = make_claim("There is a bridge at Kherson.", article=story, span_exact="bridge at Kherson")
    crossing = make_claim("It was closed on Monday.", article=story, span_exact="was closed on Monday")
    response = reviewer_client.get(f"/articles/{story.pk}/")
    text = response.text
    assert text.index(f'id="span-{outer.pk}"') < text.index(f'id="span-{inner.pk}"')
    assert f'id="span-{crossing.pk}"' not in text
    assert response.context["overlapping"] == [crossing]
    assert "Marked in the list only" in text


def test_the_story_text_is_escaped(reviewer_client):
    story = make_article(body="<img src=x onerror=alert(1)> The <b>port</b> is shut.")
    make_claim("The port is shut.", article=story, span_exact="The <b>port</b> is shut.")
    text = reviewer_client.get(f"/articles/{story.pk}/").text
    assert "<img src=x" not in text
    assert "The &lt;b&gt;port&lt;/b&gt; is shut." in text


# Roles and query budgets


@pytest.mark.parametrize("page", ["speakers", "outlets", "articles"])
def test_pages_refuse_anonymous_visitors_and_accounts_without_a_role(outsider_client, page, demo):
    pk = {"speakers": Speaker, "outlets": Outlet, "articles": Article}[page].objects.first().pk
    url = f"/{page}/{pk}/"
    anonymous = Client()
    assert anonymous.get(url)["Location"] == f"/login/?next={url}"
    assert anonymous.get(url, **HTMX)["HX-Redirect"] == f"/login/?next={url}"
    assert outsider_client.get(url).status_code == 403
    assert outsider_client.post(url).status_code == 405


def fill(count, **shared):
    outlet = shared.pop("outlet", None)
    for claim in make_claims({"text": f"Budget claim {number}.", **shared} for number in range(count)):
        origin = make_appearance(claim, Venue.SOCIAL_MEDIA_POST, outlet=outlet or make_outlet())
        make_appearance(claim, Venue.RELAYED_REPORT, outlet=make_outlet(), relayed_from=origin)


def speaker_with(count):
    speaker = make_claim("The first of many.").speaker
    fill(count - 1, speaker=speaker)
    return f"/speakers/{speaker.pk}/"


def outlet_with(count):
    outlet = make_outlet()
    fill(count, outlet=outlet)
    return f"/outlets/{outlet.pk}/"


@pytest.mark.parametrize("page_with", [speaker_with, outlet_with], ids=["speaker", "outlet"])
def test_the_speaker_and_outlet_pages_cost_the_same_queries_for_10_or_100_claims(reviewer_client, page_with):
    small, _ = queries_for(reviewer_client, f"{page_with(10)}?limit=10")
    large, response = queries_for(reviewer_client, f"{page_with(100)}?limit=100")
    assert response.text.count('class="claim-row"') == 100
    assert small == large
    assert large <= 8


def test_the_article_page_costs_the_same_queries_for_10_or_100_claims(reviewer_client):
    stories = []
    for count in [10, 100]:
        sentences = [f"Sentence number {number} is here." for number in range(count)]
        story = make_article(body="\n".join(sentences))
        make_claims({"text": sentence, "article": story, "span_exact": sentence} for sentence in sentences)
        stories.append(story)
    small, _ = queries_for(reviewer_client, f"/articles/{stories[0].pk}/")
    large, response = queries_for(reviewer_client, f"/articles/{stories[1].pk}/")
    assert response.text.count('<mark class="span') == 100
    assert small == large
    assert large <= 8


def test_every_template_comment_written_with_hashes_closes_on_its_line():
    """Django reads `{# … #}` on one line only: one spread over two is shown as text where a block holds it."""
    unclosed = [
        f"{template.relative_to(settings.BASE_DIR)}:{number}"
        for template in sorted((settings.BASE_DIR / "templates").rglob("*.html"))
        for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), 1)
        if "{#" in line and "#}" not in line.split("{#", 1)[1]
    ]
    assert unclosed == []
