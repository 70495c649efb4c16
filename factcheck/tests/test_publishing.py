"""Verdicts published on purpose: who may publish and withdraw, which verdicts, the public page and the feed.

alice the editor publishes; bob the reviewer may not; an anonymous visitor reads the page.
"""

import base64
import hashlib
import json
import re

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from factcheck import merging
from factcheck.models import Article, Claim, Note, PublishedVerdict, Venue, VerdictWithdrawal, VerificationEvent
from factcheck.tests.factories import make_appearance, make_article, make_claim, make_evidence, make_outlet
from factcheck.tests.test_admin import form_data
from factcheck.tests.test_import import csv_text, row, run_import
from factcheck.verification import Attribution, PublicationRefused

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
FEED = "/feeds/claimreview.json"


@pytest.fixture
def claim(db):
    article = make_article(
        make_outlet("Kyiv Independent"), headline="Drones overnight", url="https://example.org/story"
    )
    claim = make_claim("Russia fired 120 drones overnight.", article=article, quote="120 drones")
    claim.speaker.title = "Air force spokesman"
    claim.speaker.save()
    make_appearance(claim, venue_type="social_media_post", outlet=make_outlet("X"), url="https://x.com/post/1")
    make_evidence(claim, "refutes", url="https://example.org/air-force-count", summary="The air force counted 90.")
    return claim


@pytest.fixture
def visitor():
    """An anonymous reader, apart from the `client` that editor_client signs in."""
    return Client()


def decide(claim, status, editor, reason="The air force counted 90, not 120."):
    if status == "verified":
        make_evidence(claim, "supports")
    return Claim.objects.get(pk=claim.pk).set_status(status, by=editor, reason=reason)


def publish_url(claim):
    return reverse("claim_publish", args=[claim.pk])


def withdraw_url(claim):
    return reverse("claim_withdraw", args=[claim.pk])


def feed_claims(client):
    return [element["item"]["claimReviewed"] for element in client.get(FEED).json()["dataFeedElement"]]


def json_ld(response):
    """The page's one ClaimReview, parsed from its <script type="application/ld+json">."""
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', response.text, re.S)
    assert len(scripts) == 1
    return scripts[0], json.loads(scripts[0])


# Publishing from the claim page


def test_an_editor_publishes_the_latest_verdict_without_javascript(editor_client, editor, claim):
    event = decide(claim, "false", editor)
    response = editor_client.post(publish_url(claim), {"event": event.pk, "summary": "Ninety, not 120."})
    assert response.status_code == 302 and response["Location"] == claim.get_absolute_url()
    publication = PublishedVerdict.objects.get()
    assert (publication.event, publication.by, publication.summary) == (event, editor, "Ninety, not 120.")
    page = editor_client.get(claim.get_absolute_url())
    assert "Published “False”: anyone may now read it." in page.text
    assert f'href="{publication.get_absolute_url()}"' in page.text


def test_an_editor_publishes_with_htmx_and_gets_the_panel_back(editor_client, editor, claim):
    event = decide(claim, "false", editor)
    response = editor_client.post(publish_url(claim), {"event": event.pk}, **HTMX)
    assert response.status_code == 200
    assert "claims-changed" in response["HX-Trigger"]
    assert 'id="review"' in response.text and "<html" not in response.text
    assert "the public page" in response.text
    assert PublishedVerdict.objects.get().summary == ""


@pytest.mark.parametrize(("relays", "last_step"), [((), "Reported by"), (("Reuters",), "Relayed by")])
def test_the_public_page_says_who_reported_it_and_who_relayed_it(editor, claim, visitor, relays, last_step):
    """The story's outlet reporting what was posted on X was "Relayed by" it, as if another
    outlet's word; it relays only what reached it through another outlet."""
    previous = claim.appearances.get()
    for outlet in [*map(make_outlet, relays), claim.article.outlet]:  # the story's own outlet last
        previous = make_appearance(claim, Venue.RELAYED_REPORT, outlet=outlet, relayed_from=previous)
    publication = PublishedVerdict.publish(decide(claim, "false", editor), by=editor)
    page = visitor.get(publication.get_absolute_url()).text
    assert f'<span class="step">{last_step}</span> Kyiv Independent' in page


def test_the_publish_button_is_offered_to_editors_only(editor_client, reviewer, editor, claim):
    decide(claim, "false", editor)
    assert "Publish this verdict" in editor_client.get(claim.get_absolute_url()).text
    reviewer_client = Client()
    reviewer_client.force_login(reviewer)
    page = reviewer_client.get(claim.get_absolute_url())
    assert page.status_code == 200 and "Publish this verdict" not in page.text


def test_a_reviewer_cannot_publish_or_withdraw(reviewer_client, editor, claim):
    event = decide(claim, "false", editor)
    assert reviewer_client.post(publish_url(claim), {"event": event.pk}).status_code == 403
    publication = PublishedVerdict.publish(event, by=editor)
    assert (
        reviewer_client.post(withdraw_url(claim), {"publication": publication.pk, "reason": "No."}).status_code == 403
    )
    assert PublishedVerdict.objects.live().get() == publication


def test_anonymous_visitors_are_sent_to_login_from_the_actions(client, editor, claim):
    event = decide(claim, "false", editor)
    response = client.post(publish_url(claim), {"event": event.pk})
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert not PublishedVerdict.objects.exists()


def test_unable_to_confirm_is_no_verdict_to_publish(editor_client, editor, claim):
    response = editor_client.post(publish_url(claim), {"event": claim.events.get().pk})
    assert response.status_code == 422
    assert "is no verdict to publish" in response.text
    assert not PublishedVerdict.objects.exists()


def test_a_verdict_from_a_stale_page_is_not_published(editor_client, editor, claim):
    seen = decide(claim, "disputed", editor)
    decide(claim, "false", editor, reason="Now shown wrong.")
    response = editor_client.post(publish_url(claim), {"event": seen.pk})
    assert response.status_code == 409
    assert "changed since this page was loaded" in response.text
    assert not PublishedVerdict.objects.exists()


def test_an_event_of_another_claim_is_a_bad_request(editor_client, editor, claim):
    other = make_claim("Another claim.")
    make_appearance(other)
    make_evidence(other, "refutes")
    event = decide(other, "false", editor)
    assert editor_client.post(publish_url(claim), {"event": event.pk}).status_code == 400
    assert not PublishedVerdict.objects.exists()


def test_a_summary_too_long_is_refused_as_such_and_kept(editor_client, editor, claim):
    event = decide(claim, "false", editor)
    summary = "Ninety, not 120. " * 300  # 5,100 characters: a crafted post, past the textarea's maxlength
    response = editor_client.post(publish_url(claim), {"event": event.pk, "summary": summary}, **HTMX)
    assert response.status_code == 422
    assert "Public summary (optional): Ensure this value has at most 5000 characters" in response.text
    assert "not one of this claim" not in response.text
    assert "Ninety, not 120. Ninety" in response.text  # what was typed is kept, to shorten
    assert not PublishedVerdict.objects.exists()


def test_a_claim_with_nowhere_recorded_cannot_be_published(editor):
    claim = make_claim("Said somewhere.")
    make_evidence(claim, "refutes")
    with pytest.raises(PublicationRefused, match="where the claim was made"):
        PublishedVerdict.publish(decide(claim, "false", editor), by=editor)


def test_publishing_twice_is_refused(editor, claim):
    event = decide(claim, "false", editor)
    PublishedVerdict.publish(event, by=editor)
    with pytest.raises(PublicationRefused, match="already published"):
        PublishedVerdict.publish(event, by=editor)


def test_the_verdict_of_a_claim_merged_into_another_is_not_published(editor_client, editor, claim):
    # The feed leaves merged claims out: a publication made after the merge would be a public page
    # the feed never lists, of a claim the desk reads as read-only. Found by a new user's round.
    event = decide(claim, "disputed", editor)
    kept = make_claim("Russia fired 120 drones in the night.", speaker=claim.speaker)
    make_evidence(kept, "refutes")
    kept.set_status("disputed", by=editor, reason="The air force counted 90.")
    merging.merge(claim, kept, by=editor, reason="Recorded twice.", merged_version=event.version, into_version=2)

    page = editor_client.get(f"{claim.get_absolute_url()}?merged=1")
    assert "Publish this verdict" not in page.text
    response = editor_client.post(publish_url(claim), {"event": event.pk}, **HTMX)
    assert response.status_code == 409
    assert f"merged into claim #{kept.pk}" in response.text
    assert not PublishedVerdict.objects.exists()


# Only our own verdicts


def test_set_status_marks_its_events_decided_here_and_an_import_does_not(tmp_path, admin_user, editor, claim):
    assert decide(claim, "false", editor).decided_here
    job = run_import(
        tmp_path,
        csv_text(
            row(
                "Imported and verified.",
                status="verified",
                evidence_url="https://e.org/1",
                evidence_summary="Seen.",
                evidence_stance="supports",
                venue="public_remarks",
            )
        ),
        editor,
    )
    assert job.state == "succeeded", job.errors
    imported = VerificationEvent.objects.get(claim__text="Imported and verified.")
    assert (imported.to_status, imported.decided_here) == ("verified", False)


def test_an_imported_verdict_is_never_published_nor_in_the_feed(tmp_path, editor, editor_client, visitor):
    content = csv_text(
        row(
            "PolitiFact says: mostly true.",
            status="disputed",
            venue="public_remarks",
            appearance_url="https://e.org/said",
        ),
        row(
            "PolitiFact says: pants on fire.",
            status="false",
            venue="public_remarks",
            evidence_url="https://e.org/2",
            evidence_summary="Wrong.",
            evidence_stance="refutes",
        ),
    )
    assert run_import(tmp_path, content, editor).state == "succeeded"
    imported = Claim.objects.get(text="PolitiFact says: mostly true.")
    event = imported.events.get()
    response = editor_client.post(publish_url(imported), {"event": event.pk})
    assert response.status_code == 422 and "Only a verdict given here can be published" in response.text
    assert "This verdict came from an import" in editor_client.get(imported.get_absolute_url()).text
    # Nor around the model: the database refuses to publish an event that was not decided here.
    with pytest.raises(IntegrityError, match="only a verdict decided here"), transaction.atomic():
        PublishedVerdict.objects.create(claim=imported, event=event, by=editor)
    assert feed_claims(visitor) == []


def test_the_feed_lists_only_live_publications_of_our_verdicts(tmp_path, editor, visitor, claim):
    assert (
        run_import(
            tmp_path,
            csv_text(
                row(
                    "Imported false.",
                    status="false",
                    venue="public_remarks",
                    evidence_url="https://e.org/3",
                    evidence_summary="No.",
                    evidence_stance="refutes",
                )
            ),
            editor,
        ).state
        == "succeeded"
    )
    decided_only = make_claim("Decided, never published.")
    make_appearance(decided_only)
    make_evidence(decided_only, "refutes")
    decide(decided_only, "false", editor)
    withdrawn = make_claim("Published, then withdrawn.")
    make_appearance(withdrawn)
    make_evidence(withdrawn, "refutes")
    PublishedVerdict.publish(decide(withdrawn, "false", editor), by=editor).withdraw(by=editor, reason="Wrong speaker.")
    PublishedVerdict.publish(decide(claim, "false", editor), by=editor)
    assert feed_claims(visitor) == ["Russia fired 120 drones overnight."]


def test_the_database_refuses_to_publish_a_status_that_is_no_verdict(editor, claim):
    with pytest.raises(IntegrityError, match="only a verdict decided here"), transaction.atomic():
        PublishedVerdict.objects.create(claim=claim, event=claim.events.get(), by=editor)


# Withdrawing, and newer verdicts


def test_withdrawing_takes_the_verdict_off_the_feed_and_the_page_says_when_and_why(
    editor_client, editor, visitor, claim
):
    publication = PublishedVerdict.publish(decide(claim, "false", editor), by=editor)
    assert feed_claims(visitor) == [claim.text]
    refused = editor_client.post(withdraw_url(claim), {"publication": publication.pk, "reason": " "})
    assert refused.status_code == 422 and "Say why the verdict is withdrawn" in refused.text
    response = editor_client.post(
        withdraw_url(claim), {"publication": publication.pk, "reason": "We named the wrong speaker."}, **HTMX
    )
    assert response.status_code == 200 and "claims-changed" in response["HX-Trigger"]
    withdrawal = VerdictWithdrawal.objects.get()
    assert (withdrawal.publication, withdrawal.by) == (publication, editor)
    assert feed_claims(visitor) == []
    page = visitor.get(publication.get_absolute_url())
    assert page.status_code == 410
    assert "This verdict was withdrawn" in page.text and "We named the wrong speaker." in page.text
    assert f'datetime="{withdrawal.at.isoformat()}"' in page.text
    assert "application/ld+json" not in page.text and claim.text not in page.text
    again = editor_client.post(withdraw_url(claim), {"publication": publication.pk, "reason": "Twice."})
    assert again.status_code == 409


def test_a_withdrawn_verdict_can_be_published_again_on_a_new_page(editor, visitor, claim):
    event = decide(claim, "false", editor)
    first = PublishedVerdict.publish(event, by=editor)
    first.withdraw(by=editor, reason="Held back for a lawyer's read.")
    second = PublishedVerdict.publish(event, by=editor)
    assert second.pk != first.pk and second.replaces is None
    assert visitor.get(first.get_absolute_url()).status_code == 410
    assert visitor.get(second.get_absolute_url()).status_code == 200


def test_a_newer_verdict_leaves_the_published_one_under_review_until_the_editor_publishes_it(
    editor, editor_client, visitor, claim
):
    old = PublishedVerdict.publish(decide(claim, "disputed", editor, reason="Counts differ."), by=editor)
    newer = decide(claim, "false", editor, reason="The air force's count is final.")
    page = visitor.get(old.get_absolute_url())
    assert page.status_code == 200 and 'id="under-review"' in page.text
    assert "Disputed" in page.text and "final" not in page.text  # the new reason stays unpublished
    assert json_ld(page)[1]["reviewRating"]["alternateName"] == "Disputed"
    assert "Publish the current verdict instead" in editor_client.get(claim.get_absolute_url()).text

    editor_client.post(publish_url(claim), {"event": newer.pk})
    current = PublishedVerdict.objects.live().get()
    assert (current.event, current.replaces) == (newer, old)
    replaced = visitor.get(old.get_absolute_url())
    assert replaced.status_code == 200 and "This verdict was updated" in replaced.text
    assert f'href="{current.get_absolute_url()}"' in replaced.text
    assert "application/ld+json" not in replaced.text
    assert feed_claims(visitor) == [claim.text]
    assert visitor.get(FEED).json()["dataFeedElement"][0]["item"]["reviewRating"]["alternateName"] == "False"


def test_the_queue_lists_the_claims_whose_published_verdict_is_under_review(editor, editor_client, claim):
    """Where an editor finds every published verdict to publish again or withdraw, not only on each claim's page."""
    unchanged = make_claim("Ninety drones were shot down.", article=claim.article)
    make_evidence(unchanged, "refutes")
    edited = make_claim("The strike hit a power station.", article=claim.article)
    make_evidence(edited, "refutes")
    for published in (claim, unchanged, edited):
        PublishedVerdict.publish(decide(published, "false", editor), by=editor)
    decide(claim, "disputed", editor, reason="The count is being checked again.")  # a newer verdict
    edit_through_the_orm(editor_client, edited, "The strike hit a substation.", "")  # words edited since
    undone = make_claim("The bridge was closed.", article=claim.article)
    make_evidence(undone, "refutes")
    PublishedVerdict.publish(decide(undone, "false", editor), by=editor)
    edit_through_the_orm(editor_client, undone, "The bridge was shut.", "")
    edit_through_the_orm(editor_client, undone, "The bridge was closed.", "")  # and put back: as judged

    corrections = editor_client.get("/corrections/").content.decode()
    assert 'href="/claims/?status=all&amp;correction=verdict">published verdicts under review</a>' in corrections
    page = editor_client.get("/claims/?status=all&correction=verdict").content.decode()
    assert claim.text in page and "The strike hit a substation." in page
    assert unchanged.text not in page and undone.text not in page
    assert "its published verdict is under review" in page  # the summary names the filter

    # Published again, it leaves the list.
    current = Claim.objects.get(pk=claim.pk)
    editor_client.post(publish_url(claim), {"event": current.events.order_by("-version").first().pk})
    assert claim.text not in editor_client.get("/claims/?status=all&correction=verdict").content.decode()


# An edit of a published claim's words

JUDGED, EDITED = (
    ("Russia fired 120 drones overnight.", "120 drones"),
    ("Russia fired 90 drones overnight.", "90 drones"),
)


def edit_in_the_admin(client, claim, text, quote):
    page = reverse("admin:factcheck_claim_change", args=[claim.pk])
    response = client.post(page, form_data(client.get(page)) | {"text": text, "quote": quote, "_save": "Save"})
    assert response.status_code == 302


def edit_through_the_orm(client, claim, text, quote):
    stored = Claim.objects.get(pk=claim.pk)
    stored.text, stored.quote = text, quote
    stored.save()


def public_words(client, publication):
    """(heading, quote, claimReviewed, itemReviewed.text, feed's claimReviewed, feed's item text), and the page."""
    page = client.get(publication.get_absolute_url())
    assert page.status_code == 200
    heading = re.search(r'<h1 id="verdict-heading">(.*?)</h1>', page.text, re.S).group(1)
    quote = re.search(r"<blockquote><p>(.*?)</p></blockquote>", page.text, re.S).group(1)
    review = json_ld(page)[1]
    (feed,) = [
        e["item"]
        for e in client.get(FEED).json()["dataFeedElement"]
        if e["item"]["url"].endswith(f"/{publication.pk}/")
    ]
    words = (heading, quote, review["claimReviewed"], review["itemReviewed"]["text"])
    return (*words, feed["claimReviewed"], feed["itemReviewed"]["text"]), page


@pytest.mark.parametrize("edit", [edit_in_the_admin, edit_through_the_orm])
def test_a_published_verdict_keeps_the_words_it_judged_and_is_under_review_after_an_edit(
    edit, editor, editor_client, visitor, claim
):
    published = PublishedVerdict.publish(decide(claim, "false", editor), by=editor)
    edit(editor_client, claim, *EDITED)

    words, page = public_words(visitor, published)
    assert words == JUDGED * 3
    assert EDITED[0] not in page.text
    assert 'id="under-review"' in page.text and json_ld(page)[1]["reviewRating"]["alternateName"] == "False"
    desk = editor_client.get(claim.get_absolute_url()).text
    assert 'id="published-words-differ"' in desk and JUDGED[0] in desk
    assert "The claim's status changed after this verdict was published" not in desk

    # Given again on the current words and published, the verdict shows them, under review no more.
    decide(claim, "disputed", editor, reason="The count is being checked again.")
    current = PublishedVerdict.publish(decide(claim, "verified", editor, reason="Ninety it was."), by=editor)
    words, page = public_words(visitor, current)
    assert words == EDITED * 3
    assert 'id="under-review"' not in page.text
    assert "published-words-differ" not in editor_client.get(claim.get_absolute_url()).text
    assert feed_claims(visitor) == [EDITED[0]]


def test_an_edit_undone_leaves_the_published_verdict_as_it_was(editor, editor_client, visitor, claim):
    published = PublishedVerdict.publish(decide(claim, "false", editor), by=editor)
    edit_through_the_orm(editor_client, claim, *EDITED)
    edit_through_the_orm(editor_client, claim, *JUDGED)
    words, page = public_words(visitor, published)
    assert words == JUDGED * 3 and 'id="under-review"' not in page.text


def test_an_edit_before_the_verdict_is_what_it_judged(editor, editor_client, visitor, claim):
    edit_through_the_orm(editor_client, claim, *EDITED)
    published = PublishedVerdict.publish(decide(claim, "false", editor), by=editor)
    words, page = public_words(visitor, published)
    assert words == EDITED * 3 and 'id="under-review"' not in page.text


@pytest.mark.parametrize("save", [edit_in_the_admin, edit_through_the_orm])
def test_a_claim_stored_before_claims_were_one_line_is_not_shown_edited_when_saved_on_one_line(
    save, editor, editor_client, visitor, claim
):
    """Its line break came from a spreadsheet cell before text.clean_claim: putting the words on one
    line is recorded (history keeps what was stored) but is no edit of the words the verdict judged."""
    Claim.objects.filter(pk=claim.pk).update(text="Russia fired 120\r\ndrones overnight.")
    published = PublishedVerdict.publish(decide(claim, "false", editor), by=editor)
    save(editor_client, claim, *JUDGED)

    assert claim.revisions.latest("id").before == {"text": "Russia fired 120\r\ndrones overnight."}
    words, page = public_words(visitor, published)
    assert words == JUDGED * 3 and 'id="under-review"' not in page.text
    assert "published-words-differ" not in editor_client.get(claim.get_absolute_url()).text

    save(editor_client, claim, *EDITED)  # a real edit since is one
    words, page = public_words(visitor, published)
    assert words == JUDGED * 3 and 'id="under-review"' in page.text


def test_the_feed_reads_the_judged_words_in_a_fixed_number_of_queries(
    editor, visitor, claim, django_assert_max_num_queries
):
    PublishedVerdict.publish(decide(claim, "false", editor), by=editor)
    edit_through_the_orm(None, claim, *EDITED)
    with django_assert_max_num_queries(2) as one:
        visitor.get(FEED)
    for number in range(3):
        other = make_claim(f"Claim {number}.", quote=f"quote {number}")
        make_appearance(other, url=f"https://example.org/{number}")
        make_evidence(other, "refutes")
        PublishedVerdict.publish(decide(other, "false", editor), by=editor)
        edit_through_the_orm(None, other, f"Claim {number}, reworded.", "")
    with django_assert_max_num_queries(len(one)):
        elements = visitor.get(FEED).json()["dataFeedElement"]
    assert [element["item"]["claimReviewed"] for element in elements] == ["Claim 2.", "Claim 1.", "Claim 0.", JUDGED[0]]
    assert [element["item"]["itemReviewed"]["text"] for element in elements] == [
        "quote 2",
        "quote 1",
        "quote 0",
        JUDGED[1],
    ]


# The public page


def test_anyone_reads_the_public_page_with_valid_claimreview_json_ld(visitor, editor, claim, settings):
    settings.FACTCHECK_CLAIMREVIEW_AUTHOR = "B-17 Standards Desk"
    publication = PublishedVerdict.publish(decide(claim, "false", editor), by=editor, summary="Ninety drones, not 120.")
    response = visitor.get(publication.get_absolute_url())
    assert response.status_code == 200
    review = json_ld(response)[1]
    assert review["@type"] == "ClaimReview"
    assert review["@context"] == "https://schema.org"  # alone on the page: schema.org's, for a search engine
    assert review["claimReviewed"] == "Russia fired 120 drones overnight."
    assert review["url"] == f"http://testserver/verdicts/{publication.pk}/"
    assert review["author"] == {"@type": "Organization", "name": "B-17 Standards Desk", "url": "http://testserver"}
    assert review["datePublished"] == publication.at.date().isoformat()
    assert review["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "False",
        "ratingValue": 1,
        "bestRating": 5,
        "worstRating": 1,
    }
    item = review["itemReviewed"]
    assert item["@type"] == "Claim" and item["author"]["name"] == claim.speaker.name
    assert item["appearance"][0]["url"] == "https://x.com/post/1"
    assert review["reviewBody"] == "Ninety drones, not 120."
    # What a reader sees: the claim, who, where, the verdict, the summary, the evidence.
    for shown in [
        "Russia fired 120 drones overnight.",
        claim.speaker.name,
        "Air force spokesman",
        "Social-media post",
        "https://x.com/post/1",
        "Kyiv Independent",
        "https://example.org/story",
        "Ninety drones, not 120.",
        "https://example.org/air-force-count",
        "The air force counted 90.",
    ]:
        assert shown in response.text


def test_an_attribution_decided_after_publication_stays_internal_until_published(visitor, editor, claim):
    """The public reads whether the speaker said it as the verdict was published: a later attribution
    decision (“denied”, while the desk checks) is the desk's, like a later status, until an editor publishes."""
    publication = PublishedVerdict.publish(decide(claim, "false", editor), by=editor)
    published = publication.event.to_attribution
    assert published != "denied"
    Claim.objects.get(pk=claim.pk).set_attribution("denied", by=editor, reason="His office denies it; checking.")

    def attribution_read_in(review):
        return [(item["value"], item["name"]) for item in review["itemReviewed"]["additionalProperty"]]

    expected = [(published, Attribution(published).label)]
    assert attribution_read_in(json_ld(visitor.get(publication.get_absolute_url()))[1]) == expected
    assert attribution_read_in(visitor.get(FEED).json()["dataFeedElement"][0]["item"]) == expected


def test_a_claim_with_no_appearance_appears_where_its_story_was_published(visitor, editor):
    article = make_article(make_outlet("B-17"), url="https://b17.example/story")
    claim = make_claim("Told in the story only.", article=article)
    make_evidence(claim, "refutes")
    publication = PublishedVerdict.publish(decide(claim, "false", editor), by=editor)
    appearance = json_ld(visitor.get(publication.get_absolute_url()))[1]["itemReviewed"]["appearance"]
    assert appearance == [
        {
            "@type": "CreativeWork",
            "url": "https://b17.example/story",
            "publisher": {"@type": "Organization", "name": "B-17"},
        }
    ]


def test_a_claim_told_only_in_a_draft_story_cannot_be_published(editor):
    draft = make_article(url="https://b17.example/2026/scoop", state=Article.State.DRAFT)
    claim = make_claim("Told in the draft only.", article=draft)
    make_evidence(claim, "refutes")
    with pytest.raises(PublicationRefused, match=r"where the claim was made.*its story is a draft"):
        PublishedVerdict.publish(decide(claim, "false", editor), by=editor)
    assert not PublishedVerdict.objects.exists()


def test_the_public_page_and_the_feed_name_a_claims_story_only_once_it_is_published(visitor, editor, claim):
    """A verdict on a claim of a story still in draft names the story nowhere the public reads,
    neither its headline nor its address, until the story is published."""
    Article.objects.filter(pk=claim.article_id).update(
        state=Article.State.DRAFT, headline="Scoop: the minister resigns", url="https://example.org/2026/scoop"
    )
    publication = PublishedVerdict.publish(decide(claim, "false", editor), by=editor)
    for response in [visitor.get(publication.get_absolute_url()), visitor.get(FEED)]:
        assert response.status_code == 200
        assert "Scoop" not in response.text
        assert "2026/scoop" not in response.text
    assert "https://x.com/post/1" in visitor.get(FEED).text  # where it was said is still there

    Article.objects.filter(pk=claim.article_id).update(state=Article.State.PUBLISHED)
    assert "Scoop: the minister resigns" in visitor.get(publication.get_absolute_url()).text


def test_the_public_page_leaks_no_user_note_unpublished_claim_or_internal_link(visitor, editor, reviewer, claim):
    Note.objects.create(claim=claim, body="Off the record: the source is the minister's aide.", author=reviewer)
    make_evidence(claim, "context", url="https://internal.example/uncited", summary="Uncited lead, unchecked.")
    secret = make_claim("An unpublished claim about the same drones.", speaker=claim.speaker)
    publication = PublishedVerdict.publish(
        decide(claim, "false", editor, reason="Internal: ask Bob."), by=editor, summary="Ninety, not 120."
    )
    response = visitor.get(publication.get_absolute_url())
    page = response.text
    for leak in [
        "alice",
        "bob",
        "recorder",
        "Off the record",
        "Uncited lead",
        "internal.example",
        secret.text,
        "Internal: ask Bob",
        "/claims/",
        "/speakers/",
        "/outlets/",
        "/articles/",
        "/admin/",
        "/stories/",
        "csrf",
        "Sign out",
    ]:
        assert leak.lower() not in page.lower(), leak


def test_the_public_page_is_the_same_for_everyone_and_cacheable(visitor, editor_client, editor, claim):
    publication = PublishedVerdict.publish(decide(claim, "false", editor), by=editor)
    anonymous = visitor.get(publication.get_absolute_url())
    signed_in = editor_client.get(publication.get_absolute_url())
    for response in (anonymous, signed_in):
        assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
        assert "private" not in response["Cache-Control"] and "no-store" not in response["Cache-Control"]
        assert "Cookie" not in response.get("Vary", "")
        assert not response.cookies
    assert json_ld(anonymous)[1] == json_ld(signed_in)[1]
    assert "alice" not in signed_in.text


def test_the_json_ld_is_escaped_and_allowed_by_its_hash_in_the_content_security_policy(visitor, editor, claim):
    claim.text = "</script><script>alert(1)</script> & friends"
    claim.save()
    publication = PublishedVerdict.publish(decide(claim, "false", editor), by=editor)
    response = visitor.get(publication.get_absolute_url())
    text, review = json_ld(response)
    assert review["claimReviewed"] == "</script><script>alert(1)</script> & friends"
    assert "<script>alert" not in response.text and "\\u003C/script\\u003E" in text
    policy = response["Content-Security-Policy"]
    digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src")).split()
    assert script_src == ["script-src", "'self'", f"'sha256-{digest}'"]
    assert "unsafe-inline" not in policy and "'nonce-" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_unknown_verdict_page_is_not_found(visitor):
    assert visitor.get("/verdicts/999/").status_code == 404


def test_the_public_page_costs_a_fixed_number_of_queries(visitor, editor, claim, django_assert_max_num_queries):
    publication = PublishedVerdict.publish(decide(claim, "false", editor), by=editor)
    with django_assert_max_num_queries(3):
        assert visitor.get(publication.get_absolute_url()).status_code == 200


# History nobody can edit


@pytest.mark.parametrize("table", ["publishedverdict", "verdictwithdrawal"])
def test_publications_and_withdrawals_cannot_be_updated_or_deleted(table, editor, claim):
    publication = PublishedVerdict.publish(decide(claim, "false", editor), by=editor)
    withdrawal = publication.withdraw(by=editor, reason="Wrong speaker.")
    record = {"publishedverdict": publication, "verdictwithdrawal": withdrawal}[table]
    model = type(record)
    field = "summary" if table == "publishedverdict" else "reason"
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        model.objects.filter(pk=record.pk).update(**{field: "Rewritten."})
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        model.objects.filter(pk=record.pk)._raw_delete(connection.alias)  # as SQL would, past on_delete
    assert model.objects.filter(pk=record.pk).exists()


def test_the_publication_triggers_exist_after_every_migration():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        names = {name for (name,) in cursor.fetchall()}
    expected = {"factcheck_publishedverdict_own_verdict"} | (
        {"factcheck_publishedverdict_append_only", "factcheck_verdictwithdrawal_append_only"}
        if connection.vendor == "postgresql"
        else {
            f"factcheck_{table}_no_{op}"
            for table in ("publishedverdict", "verdictwithdrawal")
            for op in ("update", "delete")
        }
    )
    assert expected <= names


# The admin


def test_an_editor_publishes_from_the_admin_after_a_confirmation_page(editor_client, editor, claim):
    decide(claim, "false", editor)
    unconfirmed = make_claim("Still unconfirmed.")
    changelist = reverse("admin:factcheck_claim_changelist")
    selected = {"action": "publish_verdicts", "_selected_action": [claim.pk, unconfirmed.pk]}
    confirm = editor_client.post(changelist, selected)
    assert confirm.status_code == 200 and "Publish the verdict of 2 claims" in confirm.text
    assert not PublishedVerdict.objects.exists()
    events = {f"event-{claim.pk}": claim.events.latest().pk, f"event-{unconfirmed.pk}": unconfirmed.events.get().pk}
    done = editor_client.post(
        changelist, {**selected, "apply": "yes", "text": "Ninety, not 120.", **events}, follow=True
    )
    assert "Published the verdict of 1 of 2." in done.text
    assert "is no verdict to publish" in done.text
    assert PublishedVerdict.objects.get().summary == "Ninety, not 120."


def test_a_reviewer_has_no_publish_action_in_the_admin(reviewer_client, editor, claim):
    decide(claim, "false", editor)
    changelist = reverse("admin:factcheck_claim_changelist")
    assert "publish_verdicts" not in reviewer_client.get(changelist).text
    reviewer_client.post(changelist, {"action": "publish_verdicts", "_selected_action": [claim.pk], "apply": "yes"})
    assert not PublishedVerdict.objects.exists()


def test_an_editor_withdraws_from_the_admin_with_a_reason(editor_client, editor, visitor, claim):
    publication = PublishedVerdict.publish(decide(claim, "false", editor), by=editor)
    changelist = reverse("admin:factcheck_publishedverdict_changelist")
    selected = {"action": "withdraw", "_selected_action": [publication.pk]}
    confirm = editor_client.post(changelist, {**selected, "apply": "yes", "text": ""})
    assert confirm.status_code == 200 and "This field is required." in confirm.text
    editor_client.post(changelist, {**selected, "apply": "yes", "text": "Wrong speaker."})
    assert publication.withdrawal.reason == "Wrong speaker."
    assert feed_claims(visitor) == []
