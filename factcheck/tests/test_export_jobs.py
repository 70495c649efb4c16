"""Big exports: a selection over FACTCHECK_EXPORT_DIRECT_MAX claims is written by the task worker, not the request.

gunicorn's sync workers kill a request at 30 s, and an export writes some 1,500-2,600 claims a second:
a selection of most of a million claims came out cut off. Such a selection becomes an ExportJob whose
task writes the file, which its admin page offers for download once written.
"""

import shutil
from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from factcheck import exporting, tasks
from factcheck.models import Claim, ExportJob, ExportState
from factcheck.tests.factories import make_claim
from factcheck.tests.test_export import another_checkers_verdict, publish_verdicts, published, varied_claims

pytestmark = pytest.mark.django_db

CLAIMS = reverse("admin:factcheck_claim_changelist")


@pytest.fixture
def exporter(importer_client):
    """The superuser's client: who may import may export."""
    return importer_client


def export(client, action, claims=None, **data):
    selected = [claim.pk for claim in (Claim.objects.all() if claims is None else claims)]
    return client.post(CLAIMS, {"action": action, "_selected_action": selected, **data})


def job_url(view, job):
    return reverse(f"admin:factcheck_exportjob_{view}", args=[job.pk])


def queued(client, action, claims=None, **data):
    """Export over the threshold: the job it queued, once the request has answered."""
    with override_settings(FACTCHECK_EXPORT_DIRECT_MAX=1):
        response = export(client, action, claims, **data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return ExportJob.objects.latest("id")


@override_settings(FACTCHECK_EXPORT_DIRECT_MAX=3)
def test_a_selection_up_to_the_threshold_still_downloads_at_once(exporter, editor):
    varied_claims(editor)
    response = export(exporter, "export_csv", Claim.objects.order_by("pk")[:3])
    assert response.streaming
    assert response["Content-Disposition"].startswith('attachment; filename="claims-')
    assert b"".join(response.streaming_content).decode().count("\n") == 4
    assert not ExportJob.objects.exists()


def test_a_selection_over_the_threshold_is_queued_for_the_task_worker(
    exporter, admin_user, editor, tasks_are_only_recorded
):
    varied_claims(editor)
    count = Claim.objects.count()
    with override_settings(FACTCHECK_EXPORT_DIRECT_MAX=count - 1):
        response = export(exporter, "export_csv")
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert (job.format, job.state, job.claim_count, job.created_by) == ("csv", "queued", count, admin_user)
    assert [result.args for result in tasks_are_only_recorded.results] == [[job.pk]]
    page = exporter.get(response["Location"]).text
    assert f"Export of {count} claims queued; you’ll find it under" in page
    assert job_url("change", job) in page
    job_page = exporter.get(job_url("change", job)).text
    assert "Queued" in job_page and "waiting for the task worker" in job_page
    assert '<meta http-equiv="refresh" content="5">' in job_page  # until the task has finished


def test_the_selection_is_counted_only_up_to_the_threshold(exporter, editor, tasks_are_only_recorded):
    """Whether a selection downloads at once is asked of the threshold's number of rows, plus one: "select
    all" of a million claims counted every one of them in the request."""
    varied_claims(editor)
    with CaptureQueriesContext(connection) as queries, override_settings(FACTCHECK_EXPORT_DIRECT_MAX=2):
        export(exporter, "export_csv")
    of_the_selection = '"factcheck_claim"."id" IN ('
    selected = [query["sql"] for query in queries if "COUNT(" in query["sql"] and of_the_selection in query["sql"]]
    assert selected and all("LIMIT 3" in sql for sql in selected), selected
    assert ExportJob.objects.get().claim_count == Claim.objects.count()


@pytest.mark.parametrize("action", ["export_csv", "export_claimreview"])
def test_the_task_writes_the_file_the_direct_export_writes_and_the_job_page_offers_it(action, exporter, editor):
    varied_claims(editor)
    publish_verdicts(editor)
    direct = b"".join(export(exporter, action).streaming_content)
    job = queued(exporter, action)
    assert tasks.run_export.call(job.pk) == ExportState.DONE
    job.refresh_from_db()
    assert job.state == ExportState.DONE and job.finished_at
    page = exporter.get(job_url("change", job)).text
    assert job_url("download", job) in page and 'http-equiv="refresh"' not in page
    response = exporter.get(job_url("download", job))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{job.filename}"'
    assert b"".join(response.streaming_content) == direct
    # Done, the job is not run again by a task picked up twice.
    assert tasks.run_export.call(job.pk) == ExportState.DONE


def test_a_queued_csv_export_keeps_the_order_the_claim_list_was_sorted_in(exporter, editor):
    varied_claims(editor)
    sorted_by_text = CLAIMS + "?o=1"
    with override_settings(FACTCHECK_EXPORT_DIRECT_MAX=1):
        response = exporter.post(
            sorted_by_text, {"action": "export_csv", "_selected_action": [1], "select_across": "1"}
        )
    job = ExportJob.objects.latest("id")
    assert response.status_code == 302 and job.claim_count == Claim.objects.count()
    tasks.run_export.call(job.pk)
    written = b"".join(exporter.get(job_url("download", job)).streaming_content).decode()
    expected = "".join(exporting.csv_lines(Claim.objects.order_by("text", "-pk")))
    assert written == expected
    assert written != "".join(exporting.csv_lines(Claim.objects.order_by("pk")))


def test_a_queued_export_writes_the_claims_selected_when_it_was_queued(exporter, editor):
    varied_claims(editor)
    before = Claim.objects.count()
    # "Select all" across the pages: the claims the list held at that moment, not those of when the task runs.
    job = queued(exporter, "export_csv", Claim.objects.order_by("pk")[:1], select_across="1", index="0")
    assert job.claim_count == before
    make_claim("A claim recorded after the export was queued.")
    tasks.run_export.call(job.pk)
    body = b"".join(exporter.get(job_url("download", job)).streaming_content).decode()
    assert body.count("\n") == before + 1
    assert "recorded after the export" not in body


def test_a_queued_claimreview_export_says_which_claims_it_left_out(exporter, admin_user, tmp_path):
    imported = another_checkers_verdict(tmp_path, admin_user)
    ours = published("Exports doubled.", admin_user).claim
    job = queued(exporter, "export_claimreview", Claim.objects.filter(pk__in=[imported.pk, ours.pk]))
    tasks.run_export.call(job.pk)
    page = exporter.get(job_url("change", job)).text
    assert "1 of the 2 selected claims left out of the ClaimReview export" in page
    body = b"".join(exporter.get(job_url("download", job)).streaming_content).decode()
    assert ours.text in body and imported.text not in body


def test_only_who_may_export_downloads_an_export(client, exporter, editor, reviewer):
    varied_claims(editor)
    job = queued(exporter, "export_csv")
    tasks.run_export.call(job.pk)
    url = job_url("download", job)
    client.logout()
    assert client.get(url)["Location"].startswith(reverse("admin:login"))
    for persona in (reviewer, editor):  # staff, without "Can import and export claims in bulk"
        client.force_login(persona)
        assert client.get(url).status_code == 403
        assert client.get(job_url("change", job)).status_code == 403


def test_an_export_not_written_yet_has_nothing_to_download(exporter, editor):
    varied_claims(editor)
    job = queued(exporter, "export_csv")
    assert exporter.get(job_url("download", job)).status_code == 404


def test_an_export_whose_task_fails_is_marked_failed_with_the_reason_and_leaves_no_file(exporter, editor, monkeypatch):
    varied_claims(editor)
    job = queued(exporter, "export_csv")

    def broken(claims, **kwargs):
        yield "id,claim\r\n"
        raise OSError("No space left on device")

    monkeypatch.setitem(exporting.EXPORTERS, "csv", (broken, *exporting.EXPORTERS["csv"][1:]))
    assert tasks.run_export.call(job.pk) == ExportState.FAILED
    job.refresh_from_db()
    assert job.state == ExportState.FAILED and "No space left on device" in job.message
    assert not tasks.export_directory(job).exists()
    page = exporter.get(job_url("change", job)).text
    assert "Failed" in page and "No space left on device" in page
    assert exporter.get(job_url("download", job)).status_code == 404


def test_an_export_whose_worker_died_is_marked_failed_by_the_sweep(exporter, editor, settings):
    varied_claims(editor)
    job = queued(exporter, "export_csv")
    silent_since = timezone.now() - timedelta(seconds=settings.FACTCHECK_IMPORT_GIVE_UP_SECONDS + 5)
    ExportJob.objects.filter(pk=job.pk).update(state=ExportState.RUNNING, heartbeat_at=silent_since)
    assert [given_up.pk for given_up in tasks.fail_abandoned_exports()] == [job.pk]
    job.refresh_from_db()
    assert job.state == ExportState.FAILED
    assert job.message.startswith("The task worker stopped while exporting: no sign of life since")
    assert not tasks.export_directory(job).exists()
    # A job still waiting in the queue (no worker has taken it) is left alone.
    waiting = queued(exporter, "export_csv")
    assert tasks.fail_abandoned_exports() == []
    assert ExportJob.objects.get(pk=waiting.pk).state == ExportState.QUEUED


def written_days_ago(client, days):
    """A done export whose file was written `days` ago."""
    job = queued(client, "export_csv")
    assert tasks.run_export.call(job.pk) == ExportState.DONE
    ExportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(days=days))
    return ExportJob.objects.get(pk=job.pk)


REMOVED = "The file was removed on {:%Y-%m-%d}, {} days after it was written: export the claims again."


@override_settings(FACTCHECK_EXPORT_KEEP_DAYS=7)
def test_the_sweep_removes_the_file_of_an_export_done_longer_ago_than_the_days_kept(exporter, editor):
    varied_claims(editor)
    job = written_days_ago(exporter, 8)
    tasks.sweep()
    job.refresh_from_db()
    assert not tasks.export_directory(job).exists()
    assert job.state == ExportState.DONE and job.file_removed_at  # the job stays: it is history
    page = exporter.get(job_url("change", job)).text
    assert REMOVED.format(timezone.localdate(), 8) in page
    assert job_url("download", job) not in page
    listed = exporter.get(reverse("admin:factcheck_exportjob_changelist")).text
    assert REMOVED.format(timezone.localdate(), 8) in listed


@override_settings(FACTCHECK_EXPORT_KEEP_DAYS=7)
def test_the_sweep_keeps_the_file_of_a_recent_export(exporter, editor):
    varied_claims(editor)
    job = written_days_ago(exporter, 6)
    tasks.sweep()
    job.refresh_from_db()
    assert tasks.export_file(job) and job.file_removed_at is None
    assert job_url("download", job) in exporter.get(job_url("change", job)).text


@override_settings(FACTCHECK_EXPORT_KEEP_DAYS=7)
def test_the_sweep_never_touches_the_folder_of_an_export_queued_or_running(exporter, editor):
    varied_claims(editor)
    long_ago = timezone.now() - timedelta(days=30)
    waiting = queued(exporter, "export_csv")
    running = queued(exporter, "export_csv")
    # Even with dates that would make a done export due (a job's row is whatever the database says).
    ExportJob.objects.filter(pk=waiting.pk).update(created_at=long_ago, finished_at=long_ago)
    ExportJob.objects.filter(pk=running.pk).update(
        state=ExportState.RUNNING, started_at=long_ago, finished_at=long_ago, heartbeat_at=timezone.now()
    )
    tasks.sweep()
    for job in (waiting, running):
        assert (tasks.export_directory(job) / tasks.SELECTION_FILE).exists()
        assert ExportJob.objects.get(pk=job.pk).file_removed_at is None
    assert ExportJob.objects.get(pk=running.pk).state == ExportState.RUNNING


@override_settings(FACTCHECK_EXPORT_KEEP_DAYS=7)
def test_sweeping_twice_or_after_another_worker_removed_the_file_is_harmless(exporter, editor):
    varied_claims(editor)
    job = written_days_ago(exporter, 8)
    assert [removed.pk for removed in tasks.remove_old_exports()] == [job.pk]
    removed_at = ExportJob.objects.get(pk=job.pk).file_removed_at
    assert tasks.remove_old_exports() == []
    tasks.sweep()
    assert ExportJob.objects.get(pk=job.pk).file_removed_at == removed_at
    # Another worker's sweep removed the folder but had not yet recorded it when this one looked.
    other = written_days_ago(exporter, 9)
    shutil.rmtree(tasks.export_directory(other))
    assert [removed.pk for removed in tasks.remove_old_exports()] == [other.pk]
    assert ExportJob.objects.get(pk=other.pk).file_removed_at


@override_settings(FACTCHECK_EXPORT_KEEP_DAYS=7)
def test_the_download_of_a_removed_file_answers_gone_and_says_why(exporter, editor):
    varied_claims(editor)
    job = written_days_ago(exporter, 10)
    tasks.remove_old_exports()
    response = exporter.get(job_url("download", job))
    assert response.status_code == 410
    assert REMOVED.format(timezone.localdate(), 10) in response.text
