"""Duplicates at the door: rows that look like a tracked claim of the same speaker are listed in the
preview, each to import anyway, skip, or link as the same claim; our own export imported back
into the same database changes nothing."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from factcheck import importing
from factcheck.models import (
    Appearance,
    Article,
    ArticleRevision,
    Claim,
    ClaimRevision,
    Evidence,
    ImportState,
    PublishedVerdict,
    Venue,
    VerificationEvent,
)
from factcheck.tests.factories import make_appearance, make_claim, make_evidence, make_speaker
from factcheck.tests.test_admin_import import html, job_url, uploaded_job
from factcheck.tests.test_import import csv_text, row, write_file

pytestmark = pytest.mark.django_db


TRACKED = {
    "link": "Russia is training North Korean soldiers in Kursk.",
    "skip": "Drone production doubled this year.",
    "import": "Energy imports fell by a third since the spring.",
}


@pytest.fixture
def tracked():
    kovalenko = make_speaker("Andrii Kovalenko")
    return {choice: make_claim(text, speaker=kovalenko) for choice, text in TRACKED.items()}


def near_duplicates_file():
    return csv_text(
        row("Russia is training the North Korean soldiers in Kursk.", venue="Tweet", outlet="X"),
        row("Drone production has doubled this year.", venue="Statement to us"),
        row("Energy imports fell by a third since spring.", venue="Speech"),
        row("The bridge at Kherson reopened.", venue="Speech"),
        row("Drone production doubled this year.", speaker="Somebody Else", venue="Speech"),
    )


def test_the_preview_lists_each_near_duplicate_with_a_choice(importer_client, tasks_run_inline, tracked):
    job = uploaded_job(importer_client, near_duplicates_file())
    job.refresh_from_db()
    assert job.state == ImportState.VALIDATED
    assert [(item["line"], item["claim"]) for item in job.summary["possible_duplicates"]] == [
        (2, tracked["link"].pk),
        (3, tracked["skip"].pk),
        (4, tracked["import"].pk),
    ]
    page = html(importer_client.get(job_url("import", job)))
    assert 'id="import-duplicates"' in page
    assert f'name="duplicate_2" value="{tracked["link"].pk}"' in page
    assert 'name="duplicate_3" value="skip"' in page and 'name="duplicate_4" value="import" checked' in page
    assert 'form="import-confirm"' in page and 'id="import-confirm"' in page


def test_a_row_with_a_tracked_claims_very_words_is_linked_to_it_unless_told_otherwise(
    importer_client, tasks_run_inline, tracked
):
    """Found 100% alike (a claim the desk recorded, read again from a file): "Same claim" is chosen already;
    the others keep "Import as a new claim"."""
    same_words = csv_text(
        row(TRACKED["link"], venue="Tweet", outlet="X"),
        row("Energy imports fell by a third since spring.", venue="Speech"),
    )
    job = uploaded_job(importer_client, same_words)
    page = html(importer_client.get(job_url("import", job)))
    assert "(100% alike)" in page
    assert f'name="duplicate_2" value="{tracked["link"].pk}" checked' in page
    assert 'name="duplicate_2" value="import" checked' not in page
    assert 'name="duplicate_3" value="import" checked' in page
    # The counts say so: "2 new claims", where one is linked instead, read as two claims created.
    counts = page.split('id="import-counts"')[1].split("</table>")[0]
    assert "New claims</th><td>2 (1 of them set below to be linked to a tracked claim instead)" in counts
    claims_before = Claim.objects.count()
    importer_client.post(job_url("confirm", job), {"duplicate_2": str(tracked["link"].pk), "duplicate_3": "import"})
    job.refresh_from_db()
    assert job.state == ImportState.SUCCEEDED, job.message
    assert Claim.objects.count() == claims_before + 1
    assert tracked["link"].appearances.get().outlet.name == "X"


def test_each_choice_does_what_it_says(importer_client, tasks_run_inline, tracked):
    job = uploaded_job(importer_client, near_duplicates_file())
    claims_before = Claim.objects.count()
    importer_client.post(
        job_url("confirm", job),
        {"duplicate_2": str(tracked["link"].pk), "duplicate_3": "skip", "duplicate_4": "import"},
    )
    job.refresh_from_db()
    assert job.state == ImportState.SUCCEEDED, job.message
    # Linked: no new claim, the tracked one gains the row's appearance; its words and verdict stay.
    linked = Claim.objects.get(pk=tracked["link"].pk)
    assert linked.text == TRACKED["link"] and linked.events.count() == 1
    assert [(a.venue_type, a.outlet.name) for a in linked.appearances.select_related("outlet")] == [
        (Venue.SOCIAL_MEDIA_POST, "X")
    ]
    # Skipped: nothing of line 3. Imported anyway: a new claim beside the tracked one.
    assert not Claim.objects.filter(text="Drone production has doubled this year.").exists()
    assert Claim.objects.filter(text="Energy imports fell by a third since spring.").exists()
    assert Claim.objects.count() == claims_before + 3  # lines 4, 5 and 6
    assert (job.created_count, job.updated_count, job.unchanged_count) == (3, 1, 1)
    assert "1 row linked to tracked claims, 1 skipped as duplicate;" in job.message


def test_a_forged_choice_cannot_link_a_row_to_a_claim_the_preview_did_not_offer(
    importer_client, tasks_run_inline, tracked
):
    other = make_claim("Someone else's claim.")
    job = uploaded_job(importer_client, near_duplicates_file())
    importer_client.post(job_url("confirm", job), {"duplicate_2": str(other.pk), "duplicate_5": "skip"})
    job.refresh_from_db()
    assert job.state == ImportState.SUCCEEDED
    assert not other.appearances.exists()
    assert Claim.objects.filter(text="The bridge at Kherson reopened.").exists()  # line 5 was no duplicate
    assert Claim.objects.filter(text__startswith="Russia is training the North").exists()  # imported anyway


def test_the_comparison_is_bounded_and_its_queries_do_not_grow_with_the_rows(admin_user, tmp_path, settings, tracked):
    def validate(rows):
        path = write_file(tmp_path, csv_text(*rows))
        with CaptureQueriesContext(connection) as queries:
            job = importing.validate(path, filename="claims.csv", user=admin_user)
        return job, len(queries)

    few, few_queries = validate([row(f"Russia is training North Korean soldiers in Kursk, {n}.") for n in range(3)])
    many, many_queries = validate([row(f"Russia is training North Korean soldiers in Kursk, {n}.") for n in range(60)])
    assert len(few.summary["possible_duplicates"]) == 3 and len(many.summary["possible_duplicates"]) == 60
    assert few_queries == many_queries

    settings.FACTCHECK_IMPORT_DUPLICATE_ROWS = 10
    # Rows of a speaker nobody tracks cannot duplicate a claim: they cost nothing and use none of it.
    newcomers = [row(f"Russia is training soldiers, {n}.", speaker="Somebody New") for n in range(5)]
    tracked_rows = [row(f"Russia is training North Korean soldiers in Kursk, {n}.") for n in range(25)]
    bounded, _ = validate(newcomers + tracked_rows)
    assert len(bounded.summary["possible_duplicates"]) == 10
    assert (bounded.summary["duplicates_compared"], bounded.summary["duplicates_left"]) == (10, 15)


def footprint():
    models = [Claim, Appearance, Evidence, VerificationEvent, ClaimRevision, Article, ArticleRevision]
    return {model.__name__: model.objects.count() for model in models}


@pytest.mark.parametrize(("format", "name"), [("csv", "ours.csv"), ("claimreview", "ours.json")])
def test_our_own_export_imported_back_into_the_same_database_changes_nothing(
    demo, admin_user, editor, tmp_path, format, name
):
    # Claims of every origin: the story desk's demo, one made by hand with evidence, one imported.
    by_hand = make_claim("Written in by an editor.", speaker=make_speaker("Olena Shevchuk"))
    make_evidence(by_hand, "supports", by=editor)
    make_appearance(by_hand, "interview", url="https://news.example/interview")
    PublishedVerdict.publish(by_hand.set_status("verified", by=editor, reason="Seen."), by=editor)
    content = csv_text(row("Imported once.", venue="interview", appearance_when="last week", outlet="B-17"))
    assert importing.import_file(write_file(tmp_path, content), user=admin_user).state == ImportState.SUCCEEDED
    before = footprint()
    path = tmp_path / name
    call_command("export_claims", format=format, output=str(path), stderr=io.StringIO())

    job = importing.validate(path, filename=name, user=admin_user)
    assert job.state == ImportState.VALIDATED, job.errors
    assert job.summary["possible_duplicates"] == []
    # A ClaimReview export is of the verdicts we published only (the imported claim's is the file's).
    exported = 1 if format == "claimreview" else before["Claim"]
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, exported)
    job = importing.import_file(path, user=admin_user)
    assert job.state == ImportState.SUCCEEDED, job.errors
    assert (job.created_count, job.updated_count) == (0, 0)
    assert footprint() == before


def test_our_page_url_from_another_database_is_not_taken_for_another_speakers_claim(admin_user, tmp_path):
    mine = make_claim("Ours.", speaker=make_speaker("Olena Shevchuk"))
    content = csv_text({"id": f"http://127.0.0.1:8000/claims/{mine.pk}/", **row("Theirs.", speaker="Someone Else")})
    job = importing.import_file(write_file(tmp_path, content), user=admin_user)
    assert (job.created_count, job.updated_count) == (1, 0)
    assert Claim.objects.get(pk=mine.pk).text == "Ours."
