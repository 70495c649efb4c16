"""Importing claims: preview, apply, entity resolution, idempotency, atomicity and the audit trail."""

import csv
import io

import pytest
from django.conf import settings as django_settings

from factcheck import importing
from factcheck.exporting import CSV_COLUMNS
from factcheck.models import (
    Appearance,
    Article,
    Claim,
    Evidence,
    ImportState,
    Outlet,
    Speaker,
    VerificationEvent,
)
from factcheck.tests.factories import make_speaker

pytestmark = pytest.mark.django_db

SAMPLE = django_settings.BASE_DIR / "fixtures" / "sample-claims.csv"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": tmp_path}},
    }
    return tmp_path


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
