"""An appearance whose source does not say where the claim was made is recorded as "venue not stated".

A sheet of claim, speaker and date, or a ClaimReview appearance with no words, used to be
recorded as public remarks: the claim page, the queue, the exports and the venue filter then
stated as fact a venue the source never gave.
"""

import io
import json
from datetime import date

import pytest
from django.core.management import call_command

from factcheck import importing
from factcheck.models import Appearance, Claim, PublishedVerdict, Venue
from factcheck.tests.factories import make_appearance, make_claim, make_evidence
from factcheck.tests.test_export import empty_the_database
from factcheck.tests.test_import import run_import
from factcheck.tests.test_import_reviews import feed, imported, review

SHEET = "claim,speaker,date\nRussia is training soldiers.,Andrii Kovalenko,2024-11-03\n"


@pytest.fixture
def unstated(admin_user, tmp_path):
    """The claim of a sheet that says when it was said but not where."""
    imported(run_import(tmp_path, SHEET, admin_user))
    return Claim.objects.get()


def test_a_row_with_a_date_but_no_venue_is_recorded_as_venue_not_stated(unstated):
    appearance = unstated.appearances.get()
    assert (appearance.venue_type, appearance.date) == (Venue.NOT_STATED, date(2024, 11, 3))
    assert appearance.get_venue_type_display() == "Venue not stated"
    assert unstated.attribution == "not_checked"


def test_a_claimreview_appearance_without_words_is_recorded_as_venue_not_stated(admin_user, tmp_path):
    item = review(1, "PolitiFact", "False", appearance={"@type": "CreativeWork", "url": "https://example.org/said"})
    imported(run_import(tmp_path, feed(item), admin_user, name="feed.json"))
    appearance = Appearance.objects.get()
    assert (appearance.venue_type, appearance.url) == (Venue.NOT_STATED, "https://example.org/said")


def test_the_claim_page_and_the_queue_say_the_venue_was_not_stated(unstated, reviewer_client):
    page = " ".join(reviewer_client.get(unstated.get_absolute_url()).text.split())
    assert "Public remarks" not in page
    assert "Made</span> <strong>(venue not stated)</strong>" in page
    queue = reviewer_client.get("/claims/").text
    assert '<p class="meta venue">Venue not stated</p>' in queue


def test_the_venue_filter_finds_claims_whose_venue_was_not_stated(unstated, reviewer_client):
    said = make_claim("Russia fired 120 drones.", speaker=unstated.speaker)
    make_appearance(said, Venue.PUBLIC_REMARKS)
    remarks = reviewer_client.get("/claims/?venue=public_remarks").context["claims"]
    not_stated = reviewer_client.get("/claims/?venue=not_stated").context["claims"]
    assert [claim.pk for claim in remarks] == [said.pk]
    assert [claim.pk for claim in not_stated] == [unstated.pk]
    assert '<option value="not_stated">Venue not stated</option>' in reviewer_client.get("/claims/").text


def test_the_admin_lists_and_filters_it_as_venue_not_stated(unstated, editor_client):
    page = editor_client.get("/admin/factcheck/claim/?venue=not_stated").text
    assert '<td class="field-venue">Venue not stated</td>' in page
    assert '<li class="selected">\n    <a href="?venue=not_stated">Venue not stated</a></li>' in page


def test_the_csv_export_says_not_stated_and_reads_back_the_same(unstated, admin_user, tmp_path):
    out = io.StringIO()
    call_command("export_claims", format="csv", stdout=out)
    path = tmp_path / "export.csv"
    path.write_text(out.getvalue())
    assert ",not_stated," in out.getvalue() and "public_remarks" not in out.getvalue()
    empty_the_database()
    imported(importing.import_file(path, user=admin_user))
    assert Appearance.objects.get().venue_type == Venue.NOT_STATED


def test_the_claimreview_export_names_no_venue_and_reads_back_the_same(unstated, admin_user, editor, tmp_path):
    make_evidence(unstated, "refutes")
    # Decided here and published: the export is of our published verdicts only, never a file's.
    PublishedVerdict.publish(
        unstated.set_status("disputed", by=editor, reason="The ministry's figures differ."), by=editor
    )
    out = io.StringIO()
    call_command("export_claims", format="claimreview", stdout=out)
    [entry] = json.loads(out.getvalue())["dataFeedElement"]
    item = entry.get("item", entry)["itemReviewed"]
    assert "genre" not in item["firstAppearance"] and "Public remarks" not in out.getvalue()
    path = tmp_path / "export.json"
    path.write_text(out.getvalue())
    empty_the_database()
    imported(importing.import_file(path, user=admin_user))
    assert Appearance.objects.get().venue_type == Venue.NOT_STATED


def test_the_public_verdict_page_says_the_venue_was_not_stated(unstated, editor, client):
    make_evidence(unstated, "refutes")
    event = unstated.set_status("false", by=editor, reason="The ministry denies it.")
    publication = PublishedVerdict.publish(event, by=editor)
    page = " ".join(client.get(f"/verdicts/{publication.pk}/").text.split())
    assert "Made</span> <strong>(venue not stated)</strong>" in page and "Public remarks" not in page


def test_a_venue_not_stated_leaves_the_attribution_not_checked_as_no_venue_does(editor):
    claim = make_claim("The bridge reopened.")
    make_appearance(claim, Venue.NOT_STATED)
    assert claim.implied_attribution() == "not_checked"
    heard = make_claim("The dam held.")
    make_appearance(heard, Venue.PUBLIC_REMARKS)
    assert heard.implied_attribution() == "confirmed"


def test_a_claim_whose_only_venue_is_not_stated_is_not_direct(unstated, editor_client):
    """“Direct” is the newsroom or the public hearing the speaker first-hand: a source that gave no venue
    says nothing of that, any more than a claim recorded with no appearance does."""
    heard = make_claim("Russia fired 120 drones.", speaker=unstated.speaker)
    make_appearance(heard, Venue.NOT_STATED)
    make_appearance(heard, Venue.PUBLIC_REMARKS)  # a stated venue beside it: heard in public
    assert set(Claim.objects.direct()) == {heard}
    for url in ["/claims/?relay=direct", "/claims/?relay=direct&q=russia"]:  # the facets answer a search on PostgreSQL
        assert [claim.pk for claim in editor_client.get(url).context["claims"]] == [heard.pk], url
    assert unstated.pk not in [claim.pk for claim in editor_client.get("/claims/?relay=relayed").context["claims"]]
    admin_page = editor_client.get("/admin/factcheck/claim/?heard=direct").text
    assert heard.text in admin_page and unstated.text not in admin_page

    row = editor_client.get(f"/claims/?speaker={unstated.speaker.name}").text
    row = " ".join(row[row.find(f'id="claim-{unstated.pk}-text"') :].split())
    assert row.split("</p>")[0].rstrip().endswith('<span class="sep">·</span> Not known if direct')
    page = " ".join(editor_client.get(unstated.get_absolute_url()).text.split())
    assert '<span class="badge direct">Direct</span>' not in page
    assert "Not known whether the newsroom or the public heard the speaker" in page
