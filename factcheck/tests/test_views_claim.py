"""The claim page and its actions: evidence, notes and status changes, with and without htmx."""

import json

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import empty_caches
from factcheck import merging
from factcheck.models import (
    Appearance,
    Assignment,
    Claim,
    ClaimLink,
    CorrectionCase,
    Evidence,
    ExternalReview,
    Note,
    PublishedVerdict,
    Venue,
)
from factcheck.revisions import writing_as
from factcheck.tests.factories import (
    make_appearance,
    make_article,
    make_claim,
    make_claims,
    make_evidence,
    make_outlet,
    make_speaker,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def claim():
    story = make_article(headline="Ports reopen", body="Officials spoke.\nThe port reopened on Monday, he said.\nEnd.")
    return make_claim(
        "The port reopened on Monday.",
        speaker=make_speaker("Olena Petrenko", title="Port director", affiliation="Odesa port authority"),
        article=story,
        span_exact="The port reopened on Monday",
    )


def claim_saying(fragment):
    return Claim.objects.get(span_exact__contains=fragment)


def status_post(client, claim, status, reason="Two independent sources confirm it.", headers=None, **fields):
    data = {"status": status, "version": claim.version, "reason": reason, **fields}
    return client.post(f"/claims/{claim.pk}/status/", data, **(headers or {}))


# The page


def test_anonymous_visitors_are_sent_to_login_from_the_claim_page_and_its_actions(client, claim):
    for url in [f"/claims/{claim.pk}/"]:
        assert client.get(url)["Location"] == f"/login/?next={url}"
    for action in ["evidence", "notes", "status"]:
        response = client.post(f"/claims/{claim.pk}/{action}/", {"summary": "x"})
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")
    assert not Evidence.objects.exists()


def test_an_account_without_a_role_cannot_see_or_change_a_claim(outsider_client, claim):
    assert outsider_client.get(f"/claims/{claim.pk}/").status_code == 403
    response = outsider_client.post(
        f"/claims/{claim.pk}/evidence/", {"url": "https://example.org", "summary": "s", "stance": "supports"}
    )
    assert response.status_code == 403
    assert outsider_client.post(f"/claims/{claim.pk}/notes/", {"body": "hello"}).status_code == 403
    assert not Evidence.objects.exists()
    assert not Note.objects.exists()


def test_a_missing_claim_is_404(reviewer_client):
    assert reviewer_client.get("/claims/999999/").status_code == 404
    for body in ("", "Called the ministry."):  # refused for its form, or valid
        assert reviewer_client.post("/claims/999999/notes/", {"body": body}, **HTMX).status_code == 404


def test_the_claim_page_shows_claim_quote_and_speaker(reviewer_client, claim):
    Claim.objects.filter(pk=claim.pk).update(quote="We reopened the port on Monday.")
    page = reviewer_client.get(f"/claims/{claim.pk}/").text
    assert '<h1 id="claim-heading">The port reopened on Monday.</h1>' in page
    assert "We reopened the port on Monday." in page
    assert "Olena Petrenko" in page
    assert "Port director, Odesa port authority" in page
    assert f'href="/speakers/{claim.speaker.pk}/"' in page


def test_the_story_sentence_highlights_the_span(reviewer_client, claim):
    page = reviewer_client.get(f"/claims/{claim.pk}/").text
    assert '<p class="story-line"><mark>The port reopened on Monday</mark>, he said.</p>' in page


def test_the_highlighted_sentence_is_escaped(reviewer_client):
    story = make_article(body='He wrote <script>alert("x")</script> and "the <b>port</b> is shut".')
    tricky = make_claim("The port is shut.", article=story, span_exact="the <b>port</b> is shut")
    page = reviewer_client.get(f"/claims/{tricky.pk}/").text
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page
    assert "<mark>the &lt;b&gt;port&lt;/b&gt; is shut</mark>" in page


def test_a_span_no_longer_in_the_story_is_reported(reviewer_client, claim):
    claim.article.body = "The story was rewritten."
    claim.article.save()
    page = reviewer_client.get(f"/claims/{claim.pk}/").text
    assert "These words are no longer found in the story" in page
    assert "<mark>" not in page


def test_a_claim_recorded_without_its_words_is_not_said_to_have_lost_them(reviewer_client):
    """An import records a claim's story (URL, headline) but neither the story's text nor the claim's words."""
    imported = make_claim("The dam holds.", article=make_article(body=""))
    page = reviewer_client.get(f"/claims/{imported.pk}/").text
    assert "no longer found" not in page and "“”" not in page
    assert "Its words in the story were not recorded." in page


def test_the_lancet_claim_shows_the_post_on_x_relayed_by_b17(reviewer_client, demo):
    lancet = claim_saying("Lancet drones")
    page = reviewer_client.get(f"/claims/{lancet.pk}/").text
    assert "Andrii Kovalenko" in page
    assert "Head of the Center for Countering Disinformation" in page
    assert "<strong>Social-media post</strong> on <a" in page
    assert ">X</a>" in page
    # B-17 saw the post itself and reported it: "Relayed by B-17" beside "Direct" said otherwise.
    assert '<span class="step">Reported by</span> <a' in page and '<span class="step">Relayed by</span>' not in page
    assert ">B-17</a>" in page
    # B-17 saw the post itself: passed on by the newsroom alone, it is not another outlet's word.
    assert "The newsroom did not hear it from the speaker." not in page
    assert '<span class="badge direct">Direct</span>' in page
    assert "<mark>In a post earlier this week on X, Kovalenko said" in page


def test_zelenskyy_is_reported_by_the_kyiv_independent_then_relayed_by_b17(reviewer_client, demo):
    page = reviewer_client.get(f"/claims/{claim_saying('upped that number').pk}/").text
    made = page.index("<strong>Public remarks</strong>")
    reported = page.index('<span class="step">Reported by</span>')
    relayed = page.index('<span class="step">Relayed by</span>')
    assert made < reported < relayed
    assert "Kyiv Independent</a>" in page[reported:relayed]
    assert "The newsroom did not hear it from the speaker." in page


def test_a_direct_statement_is_marked_direct(reviewer_client, demo):
    page = reviewer_client.get(f"/claims/{claim_saying('operate strike UAVs').pk}/").text
    assert '<span class="badge direct">Direct</span>' in page
    assert "<strong>Statement</strong> to <a" in page


def test_conflicting_figures_are_shown_side_by_side(reviewer_client, demo):
    blinken = claim_saying("up to 8,000")
    page = reviewer_client.get(f"/claims/{blinken.pk}/").text
    assert (
        '<td class="figure">up to 8,000 North Korean troops in Kursk</td>'
        '<td class="figure">11,000 North Korean troops in Kursk</td>'
    ) in page
    assert "Volodymyr Zelenskyy" in page


def test_restatements_are_listed_as_the_same_claim(reviewer_client, demo):
    page = reviewer_client.get(f"/claims/{claim_saying('operate strike UAVs').pk}/").text
    assert page.count('<span class="link-kind">Same claim:</span>') == 2
    assert "Russia is passing on deadly drone techniques to North Korea." in page


def test_the_history_lists_every_change_with_its_reason_and_evidence(reviewer_client, claim, editor):
    source = make_evidence(claim, "supports", citation="Port authority bulletin 12")
    claim.set_status("verified", by=editor, reason="The bulletin confirms it.")
    page = reviewer_client.get(f"/claims/{claim.pk}/").text
    history = page[page.index('id="history-heading"') :]
    assert history.index("Unable to independently confirm → Verified") < history.index("Recorded → Unable")
    assert "The bulletin confirms it." in history
    assert "alice" in history
    assert f"Supports: {source.citation}" in history


def test_the_claim_page_names_each_person_by_their_full_name(reviewer_client):
    """Who recorded, decided, merged, noted, edited, published and withdrew, each named as the header
    names a person; they had been named by their username."""
    maria = User.objects.create_user("mkowalska", first_name="Maria", last_name="Kowalska")
    speaker = make_speaker("Antony Blinken")
    duplicate, kept = make_claim("Troops moved to Kursk.", speaker=speaker), make_claim("Troops went.", speaker=speaker)
    for claim in (duplicate, kept):
        make_evidence(claim, "refutes", by=maria)
        make_appearance(claim)
        event = claim.set_status("false", by=maria, reason="Shown wrong.")
    publication = PublishedVerdict.publish(event, by=maria)
    publication.withdraw(by=maria, reason="Published too soon.")
    PublishedVerdict.publish(event, by=maria)
    Note.write(kept, "Checked the ministry's figures.", by=maria)
    with writing_as(maria, "POST /admin/"):
        Claim.objects.filter(pk=kept.pk).update(text="Troops went to Kursk.")
    duplicate.refresh_from_db()
    kept.refresh_from_db()
    merging.merge(
        duplicate, kept, by=maria, reason="Twice.", merged_version=duplicate.version, into_version=kept.version
    )
    for page in (f"/claims/{kept.pk}/?merged_from={duplicate.pk}", f"/claims/{duplicate.pk}/?merged=1"):
        text = reviewer_client.get(page).text
        assert "Maria Kowalska" in text
        assert "mkowalska" not in text
    kept_page = reviewer_client.get(f"/claims/{kept.pk}/?merged_from={duplicate.pk}").text
    for shown in [
        "by Maria Kowalska,",  # status and merge notice
        "Added by Maria Kowalska,",  # evidence
        "published by Maria Kowalska,",
        "by Maria Kowalska (“Published too soon.”)",  # the withdrawal
        "Maria Kowalska (in the admin)",  # revision
    ]:
        assert shown in kept_page
    assert kept_page.count("Maria Kowalska") >= 8


def test_an_editor_sees_the_status_buttons_for_the_allowed_changes(editor_client, claim):
    page = editor_client.get(f"/claims/{claim.pk}/").text
    assert "Mark verified" in page
    assert "Mark disputed" in page
    assert "Mark false" in page
    assert "Back to unable to confirm" not in page
    assert f'<input type="hidden" name="version" value="{claim.version}">' in page


def test_a_reviewer_sees_no_status_buttons_but_can_add_evidence_and_notes(reviewer_client, claim):
    page = reviewer_client.get(f"/claims/{claim.pk}/").text
    assert "Mark verified" not in page
    assert "/status/" not in page
    assert f'action="/claims/{claim.pk}/evidence/"' in page
    assert f'action="/claims/{claim.pk}/notes/"' in page


def test_every_action_form_posts_without_javascript_and_with_htmx(editor_client, claim):
    page = editor_client.get(f"/claims/{claim.pk}/").text
    for action in ["evidence", "notes", "status"]:
        url = f"/claims/{claim.pk}/{action}/"
        assert f'method="post" action="{url}"' in page
        assert f'hx-post="{url}"' in page
    assert page.count('name="csrfmiddlewaretoken"') >= 5
    assert 'hx-headers=\'{"x-csrftoken": "' in page


def test_an_htmx_request_for_the_claim_page_still_gets_the_whole_page(reviewer_client, claim):
    response = reviewer_client.get(f"/claims/{claim.pk}/", **HTMX, HTTP_HX_BOOSTED="true")
    assert "<html" in response.text
    assert "HX-Request" in response["Vary"]


# Evidence and notes


def test_a_reviewer_adds_evidence_with_htmx_and_gets_the_updated_panel(reviewer_client, claim, reviewer):
    response = reviewer_client.post(
        f"/claims/{claim.pk}/evidence/",
        {"url": "https://port.example.org/bulletin", "summary": "The bulletin lists Monday.", "stance": "supports"},
        **HTMX,
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<div id="review"')
    assert "The bulletin lists Monday." in response.text
    assert "Evidence added." in response.text
    assert json.loads(response["HX-Trigger"]) == {"claims-changed": {}}
    item = claim.evidence.get()
    assert (item.added_by, item.stance, item.url) == (reviewer, "supports", "https://port.example.org/bulletin")


def test_without_javascript_adding_evidence_redirects_back_with_a_message(reviewer_client, claim):
    response = reviewer_client.post(
        f"/claims/{claim.pk}/evidence/",
        {"citation": "Port log, 4 November", "summary": "Ships left on Monday.", "stance": "context"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/claims/{claim.pk}/"
    page = reviewer_client.get(response["Location"]).text
    assert "Evidence added." in page
    assert "Port log, 4 November" in page


def test_evidence_needs_a_source_and_a_summary(reviewer_client, claim):
    response = reviewer_client.post(f"/claims/{claim.pk}/evidence/", {"summary": "", "stance": "supports"}, **HTMX)
    assert response.status_code == 422
    assert "Give a URL or, when there is none, a citation." in response.text
    assert "This field is required." in response.text
    assert '<details class="add" open>' in response.text
    assert not Evidence.objects.exists()
    without_js = reviewer_client.post(f"/claims/{claim.pk}/evidence/", {"summary": "s", "stance": "maybe"})
    assert without_js.status_code == 422
    assert "<html" in without_js.text
    assert "Select a valid choice" in without_js.text


def test_a_reviewer_adds_a_note(reviewer_client, claim, reviewer):
    response = reviewer_client.post(f"/claims/{claim.pk}/notes/", {"body": "Ask the port press office."}, **HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="notes"')
    assert "Ask the port press office." in response.text
    assert "claims-changed" in response["HX-Trigger"]
    assert claim.notes.get().author == reviewer
    empty = reviewer_client.post(f"/claims/{claim.pk}/notes/", {"body": ""}, **HTMX)
    assert empty.status_code == 422
    assert "This field is required." in empty.text
    redirected = reviewer_client.post(f"/claims/{claim.pk}/notes/", {"body": "Second note."})
    assert redirected.status_code == 302
    assert claim.notes.count() == 2


def test_text_boxes_of_the_claim_page_store_lf_line_breaks(reviewer_client, editor_client, claim):
    """A browser posts a text box's line breaks as CR LF (a lone CR from old Mac text): stored as LF."""
    typed, stored = "Called twice.\r\nNo answer.\rTry Monday.", "Called twice.\nNo answer.\nTry Monday."
    reviewer_client.post(f"/claims/{claim.pk}/notes/", {"body": typed}, **HTMX)
    reviewer_client.post(
        f"/claims/{claim.pk}/evidence/", {"citation": "Port log", "summary": typed, "stance": "refutes"}, **HTMX
    )
    assert status_post(editor_client, claim, "disputed", reason=typed, headers=HTMX).status_code == 200
    assert (claim.notes.get().body, claim.evidence.get().summary) == (stored, stored)
    assert claim.events.latest("id").reason == stored


def test_actions_refuse_get(reviewer_client, claim):
    for action in ["evidence", "notes", "status"]:
        assert reviewer_client.get(f"/claims/{claim.pk}/{action}/").status_code == 405


# Status changes


def test_an_editor_marks_a_claim_verified_with_a_reason_and_evidence(editor_client, claim, editor):
    source = make_evidence(claim, "supports")
    response = status_post(editor_client, claim, "verified", evidence=[source.pk], headers=HTMX)
    assert response.status_code == 200
    assert json.loads(response["HX-Trigger"]) == {"claims-changed": {}}
    assert '<span class="badge large status-verified" id="claim-status">Verified</span>' in response.text
    assert "Marked “Verified”." in response.text
    claim.refresh_from_db()
    assert claim.status == "verified"
    event = claim.events.latest()
    assert (event.from_status, event.to_status, event.by, event.reason) == (
        "unconfirmed",
        "verified",
        editor,
        "Two independent sources confirm it.",
    )
    assert list(event.evidence.all()) == [source]
    assert "Back to unable to confirm" in response.text
    assert "Mark verified" not in response.text


def test_without_javascript_a_status_change_redirects_back_with_a_message(editor_client, claim):
    response = status_post(editor_client, claim, "disputed", reason="The navy says otherwise.")
    assert response.status_code == 302
    assert response["Location"] == f"/claims/{claim.pk}/"
    assert "Marked “Disputed”." in editor_client.get(response["Location"]).text
    claim.refresh_from_db()
    assert claim.status == "disputed"


def test_after_a_decision_with_htmx_the_conflict_table_and_banner_are_refreshed_out_of_band(editor_client, demo):
    blinken = claim_saying("up to 8,000")
    editor_client.get(f"/claims/{blinken.pk}/")
    response = status_post(editor_client, blinken, "disputed", reason="Seoul says 11,000.", headers=HTMX)
    assert response.status_code == 200
    # The counts listen for this event and fetch themselves again.
    assert json.loads(response["HX-Trigger"]) == {"claims-changed": {}}
    linked = response.text.split('<section id="linked"')[1].split("</section>")[0]
    assert 'hx-swap-oob="true"' in linked.split(">")[0]
    this_claim = linked.split('<tr><th scope="row">Status</th>')[1].split("</td>")[0]
    assert '<span class="badge status-disputed">Disputed</span>' in this_claim
    # A banner left from an earlier change without JavaScript is cleared, not left saying the old status.
    assert '<div id="messages" hx-swap-oob="true"></div>' in response.text


def test_after_a_decision_without_javascript_the_whole_page_is_right(editor_client, demo):
    blinken = claim_saying("up to 8,000")
    before = editor_client.get("/claims/counts/?status=all", **HTMX).context["counts"]
    response = status_post(editor_client, blinken, "disputed", reason="Seoul says 11,000.")
    page = editor_client.get(response["Location"])
    this_claim = page.text.split('<tr><th scope="row">Status</th>')[1].split("</td>")[0]
    assert '<span class="badge status-disputed">Disputed</span>' in this_claim
    assert 'hx-swap-oob="true"' not in page.text
    # The counts the page loads once shown are counted again at once after a status change.
    after = editor_client.get("/claims/counts/?status=all", **HTMX).context["counts"]
    counts = {status: count for status, _, count in after["by_status"]}
    previous = {status: count for status, _, count in before["by_status"]}
    assert counts["disputed"] == previous["disputed"] + 1
    assert counts["unconfirmed"] == previous["unconfirmed"] - 1
    case = CorrectionCase.objects.get()
    assert (
        f'<p class="message success">Marked “Disputed”. The published story “{blinken.article.headline}” now waits '
        f'under <a href="/corrections/?case={case.pk}">Corrections</a> until an editor records whether it needs a '
        "correction.</p>"
    ) in page.text


def test_a_status_change_needs_a_reason(editor_client, claim):
    response = status_post(editor_client, claim, "disputed", reason="   ", headers=HTMX)
    assert response.status_code == 422
    assert "Give a reason for the change." in response.text
    assert '<details class="decision" open>' in response.text
    claim.refresh_from_db()
    assert (claim.status, claim.events.count()) == ("unconfirmed", 1)


def test_verified_needs_supporting_evidence_cited(editor_client, claim):
    make_evidence(claim, "refutes")
    response = status_post(editor_client, claim, "verified", headers=HTMX)
    assert response.status_code == 422
    assert "Add at least one piece of supporting evidence" in response.text
    assert "Two independent sources confirm it." in response.text  # the reason typed is kept
    claim.refresh_from_db()
    assert claim.status == "unconfirmed"


def decision_form(page, button):
    """The HTML of the claim page's decision opened by `button` ("Mark verified")."""
    forms = [
        form for form in page.split('<details class="decision"')[1:] if f'<summary class="button">{button}<' in form
    ]
    assert len(forms) == 1
    return forms[0].split("</details>")[0]


def test_each_decision_says_before_it_is_posted_what_evidence_it_needs(editor_client, claim):
    make_evidence(claim, "refutes")
    page = editor_client.get(f"/claims/{claim.pk}/").text
    verified = decision_form(page, "Mark verified")
    assert (
        "“Verified” cites at least one piece of supporting evidence. This claim has none yet: add it under "
        '<a href="#evidence-heading">Evidence</a> first.'
    ) in verified
    assert "“False” cites at least one piece of refuting evidence: tick it below." in decision_form(page, "Mark false")
    assert "cites" not in decision_form(page, "Mark disputed")  # a reason is all it needs
    assert "the primary source" in decision_form(page, "Confirm who said it")

    make_evidence(claim, "supports")
    page = editor_client.get(f"/claims/{claim.pk}/").text
    assert "supporting evidence: tick it below." in decision_form(page, "Mark verified")


def test_a_refused_transition_is_shown_in_the_form_without_javascript(editor_client, claim, editor):
    make_evidence(claim, "supports")
    claim.set_status("verified", by=editor, reason="Confirmed.")
    response = status_post(editor_client, claim, "false", evidence=[])
    assert response.status_code == 422
    assert "<html" in response.text
    assert "cannot go straight to “False”" in response.text
    claim.refresh_from_db()
    assert claim.status == "verified"


def test_an_unknown_status_is_refused(editor_client, claim):
    response = status_post(editor_client, claim, "probably", headers=HTMX)
    assert response.status_code == 422
    assert "is not a status" in response.text


def test_a_malformed_status_post_is_a_bad_request(editor_client, claim):
    response = editor_client.post(f"/claims/{claim.pk}/status/", {"status": "disputed", "reason": "x"}, **HTMX)
    assert response.status_code == 400
    claim.refresh_from_db()
    assert claim.status == "unconfirmed"


def test_a_stale_version_answers_409_and_overwrites_nothing(editor_client, claim, admin_user):
    admin_user.first_name, admin_user.last_name = "Olena", "Koval"  # named as the header names her
    admin_user.save()
    loaded_version = claim.version
    Claim.objects.get(pk=claim.pk).set_status("disputed", by=admin_user, reason="Another editor disputed it.")
    response = status_post(
        editor_client, claim, "unconfirmed", reason="Reopening.", version=loaded_version, headers=HTMX
    )
    assert response.status_code == 409
    assert "This claim was changed by Olena Koval at " in response.text
    assert "Reload it and try again." in response.text
    assert '<span class="badge large status-disputed" id="claim-status">Disputed</span>' in response.text
    claim.refresh_from_db()
    assert claim.status == "disputed"
    assert claim.events.latest().reason == "Another editor disputed it."
    assert "HX-Trigger" not in response


@pytest.mark.parametrize(
    ("mine", "rule"),
    [("disputed", "The claim is already"), ("verified", "Add at least one piece of supporting evidence")],
    ids=["the decision already made", "one the evidence rule refuses"],
)
def test_a_stale_decision_answers_the_conflict_before_any_rule(editor_client, claim, admin_user, mine, rule):
    loaded_version = claim.version
    Claim.objects.get(pk=claim.pk).set_status("disputed", by=admin_user, reason="Another editor decided first.")
    response = status_post(editor_client, claim, mine, reason="Deciding too.", version=loaded_version, headers=HTMX)
    assert response.status_code == 409
    assert "This claim was changed by root at " in response.text
    assert rule not in response.text
    claim.refresh_from_db()
    assert (claim.status, claim.version) == ("disputed", loaded_version + 1)


def test_a_stale_attribution_decision_answers_the_conflict_before_any_rule(editor_client, claim, admin_user):
    loaded_version = claim.version
    Claim.objects.get(pk=claim.pk).set_status("disputed", by=admin_user, reason="Another editor decided first.")
    data = {"attribution": "confirmed", "version": loaded_version, "reason": "Heard it ourselves."}
    response = editor_client.post(f"/claims/{claim.pk}/attribution/", data, **HTMX)
    assert response.status_code == 409
    assert "This claim was changed by root at " in response.text


@pytest.mark.parametrize(("found", "opposite"), [("confirmed", "Misattributed"), ("misattributed", "Confirmed")])
def test_a_finding_says_how_to_reach_its_opposite_it_does_not_offer(editor_client, claim, editor, found, opposite):
    """From "Confirmed at the source" no "Mark misattributed" was offered, and nothing said why."""
    evidence = make_evidence(claim, "supports" if found == "confirmed" else "refutes", primary_source=True)
    Claim.objects.get(pk=claim.pk).set_attribution(found, by=editor, reason="Checked.", evidence=[evidence])
    page = editor_client.get(f"/claims/{claim.pk}/").text
    panel = page.split('id="attribution-heading"')[1].split("</section>")[0]
    assert f"Mark {opposite.lower()}" not in panel
    assert f"To find it {opposite.lower()}, send it back to “not checked” first" in panel


def test_a_reviewer_forging_a_status_post_is_refused(reviewer_client, claim):
    response = status_post(reviewer_client, claim, "disputed", headers=HTMX)
    assert response.status_code == 403
    claim.refresh_from_db()
    assert (claim.status, claim.events.count()) == ("unconfirmed", 1)


def test_posts_without_a_csrf_token_are_refused(editor, claim):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    refused = client.post(f"/claims/{claim.pk}/notes/", {"body": "No token."})
    assert refused.status_code == 403
    page = client.get(f"/claims/{claim.pk}/")
    token = page.text.split('"x-csrftoken": "')[1].split('"')[0]
    accepted = client.post(f"/claims/{claim.pk}/notes/", {"body": "With the header."}, HTTP_X_CSRFTOKEN=token, **HTMX)
    assert accepted.status_code == 200
    assert claim.notes.get().body == "With the header."


# Query budget


def build_claim_with(count):
    """A claim with `count` of each kind of row its page shows: evidence, status changes citing it, notes,
    links, relays, edits of the claim and of an appearance, publications (each but the last withdrawn),
    claims merged into it, other checkers' ratings and assignees."""
    speaker = make_speaker()
    claim = make_claim(
        "The convoy crossed at dawn.", speaker=speaker, article=make_article(body="The convoy crossed at dawn.")
    )
    claim.span_exact = "The convoy crossed at dawn."
    claim.save()
    items = [make_evidence(claim, "refutes", by=person(number)) for number in range(count)]
    linked = make_claims({"text": f"Linked {number}."} for number in range(count))
    for number in range(count):
        claim.set_status(
            "disputed" if claim.status == "unconfirmed" else "unconfirmed",
            by=person(number),
            reason=f"Change {number}.",
            evidence=[items[number]],
        )
        Note.objects.create(claim=claim, body=f"Note {number}.", author=person(number))
        ClaimLink.link(claim, linked[number], ["same_claim", "contradicts", "updates"][number % 3])
    previous = said = make_appearance(claim, Venue.PUBLIC_REMARKS)
    for _ in range(count):
        previous = make_appearance(claim, Venue.RELAYED_REPORT, outlet=make_outlet(), relayed_from=previous)
    for number in range(count):
        with writing_as(person(number), "test"):
            Claim.objects.filter(pk=claim.pk).update(quote=f"Quoted {number}.")
            Appearance.objects.filter(pk=said.pk).update(url=f"https://example.org/remarks/{number}")
    for number in range(count):
        kept = Claim.objects.get(pk=claim.pk)
        duplicate = make_claim(f"The convoy crossed at dawn ({number}).", speaker=speaker, status=kept.status)
        merging.merge(
            duplicate, kept, by=person(number), reason="Recorded twice.", merged_version=1, into_version=kept.version
        )
    event = Claim.objects.get(pk=claim.pk).set_status("false", by=person(0), reason="The convoy crossed at noon.")
    for number in range(count):
        publication = PublishedVerdict.publish(event, by=person(number), summary=f"Published {number}.")
        if number < count - 1:
            publication.withdraw(by=person(number), reason=f"Withdrawn {number}.")
    for number in range(count):
        ExternalReview.objects.create(
            claim=claim, publisher=f"Checker {number}", label="False", url=f"https://example.org/review/{number}"
        )
        Assignment.objects.assign([claim], person(number), by=person(0))
    return Claim.objects.get(pk=claim.pk)


def person(number):
    """user<number>, a reviewer (who may be assigned)."""
    user, created = User.objects.get_or_create(username=f"user{number}")
    if created:
        user.groups.add(Group.objects.get(name="Reviewers"))
    return user


# The queue's counts on the claim page


def counts_nav(response):
    return response.text.split('<nav id="status-counts"')[1].split("</nav>")[0]


def test_the_claim_page_counts_the_queue_with_the_filters_it_was_opened_from(reviewer_client, claim):
    """Opened from a filtered queue, the claim page's counts and their links keep the filters (not
    the page the queue had reached); they had counted and linked to every claim."""
    queue = "http://testserver/claims/?speaker=Olena+Petrenko&status=verified&after=99&limit=5&sort=oldest"
    with CaptureQueriesContext(connection) as plain:
        reviewer_client.get(f"/claims/{claim.pk}/")
    with CaptureQueriesContext(connection) as filtered:
        response = reviewer_client.get(f"/claims/{claim.pk}/", HTTP_REFERER=queue)
    nav = counts_nav(response)
    assert 'hx-get="/claims/counts/?speaker=Olena+Petrenko&amp;sort=oldest"' in nav
    assert 'href="/claims/?speaker=Olena+Petrenko&amp;status=disputed&amp;sort=oldest"' in nav
    assert 'aria-current="page"' not in nav
    back = '<a href="/claims/?speaker=Olena+Petrenko&amp;status=verified&amp;sort=oldest">Back to the queue</a>'
    assert back in response.text
    assert len(filtered) == len(plain)


@pytest.mark.parametrize(
    "referer",
    ["", "http://testserver/speakers/1/?speaker=x", "https://elsewhere.example/claims/?speaker=x"],
    ids=["none", "another page", "another site"],
)
def test_opened_from_anywhere_but_the_queue_the_claim_page_counts_every_claim(reviewer_client, claim, referer):
    """Its own parameters (?merged=1) stay out of the queue's links, where they had been carried."""
    response = reviewer_client.get(f"/claims/{claim.pk}/?merged=1", HTTP_REFERER=referer)
    nav = counts_nav(response)
    assert 'hx-get="/claims/counts/?"' in nav
    assert 'href="/claims/?status=disputed"' in nav
    assert "merged" not in nav
    assert "Back to the queue" not in response.text
    assert "{#" not in response.text  # a template comment over two lines is shown as text


# Posts that answer with a fragment of the claim's page and write nothing (a form's error): the page's
# reads, as every action's answer makes them.
REFUSED_POSTS = {
    "evidence": ("evidence/", {}),
    "note": ("notes/", {"body": ""}),
    "assignee": ("assignees/", {"username": ""}),
    "status": ("status/", {"status": "verified"}),
    "attribution": ("attribution/", {"attribution": "confirmed"}),
    "publish": ("publish/", {"event": "0"}),
    "withdraw": ("withdraw/", {"publication": "0"}),
    "re-check": ("recheck/", {"recheck_on": "someday"}),
}


def test_the_claim_page_and_its_actions_cost_the_same_queries_with_10_or_100_of_everything(
    editor_client, reviewer, subtests
):
    """At most 8 queries for a claim with every kind of row its page shows, as many with 100 of each as
    with 10, for reviewers and editors; they had cost a query each for publications, merges into the claim,
    edits, changed appearances, notes and links, and publications one more each for their verdict.
    One pair of claims for all subtests, the page's reads first: building them is most of the time."""
    claims = [build_claim_with(10), build_claim_with(100)]
    reviewer_client = Client()
    reviewer_client.force_login(reviewer)
    for persona, client in {"reviewer": reviewer_client, "editor": editor_client}.items():
        with subtests.test("the claim page", persona=persona):
            counts = []
            for claim in claims:
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(f"/claims/{claim.pk}/")
                assert response.status_code == 200
                counts.append(len(queries))
            for shown in ('class="evidence"', "Note 99.", "Quoted 98.", "remarks/98", "Withdrawn 98.", "Checker 99"):
                assert shown in response.text
            assert response.text.count('class="evidence"') == 100
            assert counts[0] == counts[1]
            assert counts[1] <= 8
    for action, (path, data) in REFUSED_POSTS.items():
        with subtests.test("a refused action's fragment", action=action):
            counts = []
            for claim in claims:
                with CaptureQueriesContext(connection) as queries:
                    response = editor_client.post(f"/claims/{claim.pk}/{path}", data, **HTMX)
                assert response.status_code in (400, 422)
                assert "<html" not in response.text
                # On PostgreSQL every post first names its writer for the history's triggers, and then unnames them.
                counts.append(
                    len([query for query in queries if "set_config('factcheck.writer_id'" not in query["sql"]])
                )
            assert counts[0] == counts[1]
            assert counts[1] <= 8
    with subtests.test("an action"):
        empty_caches()  # as the action found them in a test of its own
        counts = []
        for claim in claims:
            with CaptureQueriesContext(connection) as queries:
                response = editor_client.post(f"/claims/{claim.pk}/notes/", {"body": "Checked."}, **HTMX)
            assert response.status_code == 200
            assert claim.notes.filter(body="Checked.").exists()
            counts.append(len(queries))
        assert counts[0] == counts[1]


def test_a_claim_with_no_edits_notes_or_links_has_them_read_only_by_its_own_query(editor_client, claim, editor):
    """Most claims have none: the claim's query asks whether it has any, and the page reads them only then.
    Once it has one of each, the page shows all three."""
    tables = ("factcheck_claimrevision", "factcheck_note", "factcheck_claimlink")
    with CaptureQueriesContext(connection) as queries:
        response = editor_client.get(f"/claims/{claim.pk}/")
    assert response.status_code == 200
    reading = [query["sql"] for query in queries if any(f'"{table}"' in query["sql"] for table in tables)]
    assert len(reading) == 1
    assert '"factcheck_claim"."text"' in reading[0]  # the claim's own query
    Note.objects.create(claim=claim, body="Called the port's press office.", author=editor)
    ClaimLink.link(claim, make_claim("Odesa's port is open again."), "same_claim")
    with writing_as(editor, "test"):
        Claim.objects.filter(pk=claim.pk).update(text="The port reopened on Tuesday.")
    with CaptureQueriesContext(connection) as queries:
        response = editor_client.get(f"/claims/{claim.pk}/")
    assert "Called the port&#x27;s press office." in response.text
    assert "Odesa&#x27;s port is open again." in response.text
    assert "The port reopened on Monday." in response.text  # the claim's words before the edit
    assert len(queries) <= 8


def test_a_note_holding_a_line_separator_is_shown_on_the_claim_page(editor_client, claim, editor):
    """The claim's notes come as JSON, a row a line: U+2028 and U+0085, which JSON leaves as they are and
    splitlines() splits on, cut a row in two and the page answered 500."""
    Note.objects.create(claim=claim, body="Called the port\u2028then the ministry\x85twice.", author=editor)
    response = editor_client.get(f"/claims/{claim.pk}/")
    assert response.status_code == 200
    assert "Called the port\u2028then the ministry\x85twice." in response.text


def test_a_stale_decision_keeps_the_reason_typed(editor_client, claim, admin_user):
    """The 409 shows the claim as it is now, with the editor's decision reopened holding their reason
    (it was lost: the panel was drawn afresh) and the current version, ready to be posted again."""
    loaded_version = claim.version
    Claim.objects.get(pk=claim.pk).set_status("disputed", by=admin_user, reason="Another editor disputed it.")
    reason = "Two ministries deny it; the footage is from 2019."
    response = status_post(editor_client, claim, "false", reason=reason, version=loaded_version, headers=HTMX)
    assert response.status_code == 409
    assert "This claim was changed by root at " in response.text
    reopened = next(decision for decision in response.context["decisions"] if decision["open"])
    assert (reopened["value"], reopened["reason"]) == ("false", reason)
    assert f">{reason}</textarea>" in response.text
    assert f'name="version" value="{loaded_version + 1}"' in response.text


@pytest.mark.parametrize("reason", ["\u200b", "\u200b\u200e \u00a0", "\ufeff"])
def test_a_reason_of_invisible_characters_is_no_reason(editor_client, claim, reason):
    """A zero-width space passed for a reason (str.strip() keeps it): the history showed a decision
    with nothing to read. Notes already refused it."""
    response = status_post(editor_client, claim, "disputed", reason=reason, headers=HTMX)
    assert response.status_code == 422
    assert "Give a reason for the change." in response.text
    claim.refresh_from_db()
    assert (claim.status, claim.events.count()) == ("unconfirmed", 1)
