"""Faults around the import's background work: workers that die, files left behind, large uploads.

A worker killed mid-task leaves its job checking or running; every worker's sweep
(tasks.fail_abandoned) fails it once its heartbeat has been silent long enough, and removes its
files. The upload request only saves the file: reading and checking it is a task of its own,
with its own progress bar.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections, transaction
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import expect

from factcheck import admin_import, importing, tasks
from factcheck.importing import reading
from factcheck.models import Claim, ImportJob, ImportMode, ImportState, VerificationEvent
from factcheck.tests.factories import make_evidence
from factcheck.tests.test_admin_import import job_url, progress
from factcheck.tests.test_import import csv_text, row, run_import, write_file

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's locks and sessions")
# Transactional: the tasks' second connection (PostgreSQL) and other processes see only what is committed.
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def importer_client(client, admin_user):
    client.force_login(admin_user)
    return client


def rows(count, padding=0):
    """`count` distinct claims by a few dozen speakers; `padding` characters of quote make each row longer."""
    quote = "q" * padding
    return csv_text(*(row(f"Claim number {n}.", f"Speaker {n % 40}", id=f"c{n}", quote=quote) for n in range(count)))


def validated(user, tmp_path, content, **options):
    job = importing.validate(write_file(tmp_path, content), filename="claims.csv", user=user, **options)
    assert job.state == ImportState.VALIDATED, job.message
    return job


def received(user, content):
    return importing.receive(SimpleUploadedFile("claims.csv", content.encode()), filename="claims.csv", user=user)


def files_left(job):
    directory = importing.job_directory(job)
    return sorted(path.name for path in directory.iterdir()) if directory.exists() else []


def silent_for(job, seconds, **fields):
    """The job as its worker left it `seconds` ago, its last sign of life."""
    beat = timezone.now() - timedelta(seconds=seconds)
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=beat, **fields)


def long_silent(job, **fields):
    silent_for(job, 2 * django_settings.FACTCHECK_IMPORT_GIVE_UP_SECONDS, **fields)


# A worker that died: its job is failed and its files removed


def test_a_running_job_whose_worker_went_silent_is_failed_and_its_files_removed(admin_user, tmp_path, importer_client):
    job = validated(admin_user, tmp_path, csv_text(row(), row("Second.")))
    staged = importing.job_directory(job) / "staged.jsonl"
    (importing.job_directory(job) / tasks.PROGRESS_FILE).write_text("1")
    long_silent(job, state=ImportState.RUNNING, processed_rows=1)

    assert [job.pk for job in tasks.fail_abandoned()] == [job.pk]

    job.refresh_from_db()
    assert job.state == ImportState.FAILED
    assert job.message.startswith("The task worker stopped while importing: no sign of life since ")
    assert job.message.endswith("Nothing was imported.")
    assert (job.processed_rows, job.created_count, job.new_speakers, job.staged_path) == (0, 0, 0, "")
    assert job.finished_at
    assert not staged.exists() and files_left(job) == []
    page = importer_client.get(job_url("import", job)).content.decode()
    assert "Failed, nothing imported" in page and "The task worker stopped while importing" in page
    assert "hx-trigger" not in page
    # It is never run, however often it is confirmed or its task picked up again.
    importer_client.post(job_url("confirm", job))
    assert tasks.run_import.call(job.pk) == ImportState.FAILED
    assert Claim.objects.count() == 0


def test_a_job_whose_worker_died_while_checking_the_file_is_failed_and_the_upload_removed(admin_user):
    job = received(admin_user, csv_text(row()))
    upload = importing.uploaded_file_path(job)
    assert job.state == ImportState.CHECKING and upload.exists()
    long_silent(job, bytes_read=10)

    tasks.fail_abandoned()

    job.refresh_from_db()
    assert job.state == ImportState.FAILED
    assert job.message.startswith("The task worker stopped while checking the file")
    assert not upload.exists() and files_left(job) == []


def test_jobs_alive_or_waiting_for_a_worker_are_left_alone(admin_user, tmp_path):
    alive = validated(admin_user, tmp_path, csv_text(row("Alive.")))
    silent_for(alive, 1, state=ImportState.RUNNING)
    waiting = validated(admin_user, tmp_path, csv_text(row("Waiting.")))
    ImportJob.objects.filter(pk=waiting.pk).update(
        state=ImportState.QUEUED, created_at=timezone.now() - timedelta(days=2)
    )
    unchecked = received(admin_user, csv_text(row("Not checked yet.")))
    # SQLite's heartbeat is a file the task touches; the column holds only the task's start.
    beating_file = validated(admin_user, tmp_path, csv_text(row("Beating on SQLite.")))
    long_silent(beating_file, state=ImportState.RUNNING)
    (importing.job_directory(beating_file) / tasks.HEARTBEAT_FILE).touch()
    finished = validated(admin_user, tmp_path, csv_text(row("Waiting for confirmation.")))
    long_silent(finished)

    assert tasks.fail_abandoned() == []

    states = dict(ImportJob.objects.values_list("pk", "state"))
    assert states == {
        alive.pk: ImportState.RUNNING,
        waiting.pk: ImportState.QUEUED,
        unchecked.pk: ImportState.CHECKING,
        beating_file.pk: ImportState.RUNNING,
        finished.pk: ImportState.VALIDATED,
    }
    assert "staged.jsonl" in files_left(waiting) and importing.UPLOADED in files_left(unchecked)


@committed
def test_a_task_beats_while_it_runs_and_is_given_up_once_silent(admin_user, tmp_path, settings):
    settings.FACTCHECK_IMPORT_HEARTBEAT_SECONDS = 0.05
    settings.FACTCHECK_IMPORT_GIVE_UP_SECONDS = 0.5
    job = validated(admin_user, tmp_path, csv_text(row()))
    ImportJob.objects.filter(pk=job.pk).update(state=ImportState.RUNNING)
    with tasks.Progress(job, "processed_rows"):
        time.sleep(1.5)  # three times the silence that gives a job up
        assert tasks.fail_abandoned() == []
    time.sleep(0.6)
    assert [job.pk for job in tasks.fail_abandoned()] == [job.pk]
    assert ImportJob.objects.get(pk=job.pk).state == ImportState.FAILED


@postgresql_only
@committed
def test_an_import_given_up_for_dead_while_it_still_ran_rolls_back_and_stays_failed(admin_user, tmp_path, monkeypatch):
    # A stalled host: its worker is alive, but silent for longer than the sweep waits.
    monkeypatch.setattr(importing, "BATCH_ROWS", 1)
    job = validated(admin_user, tmp_path, rows(3))
    long_silent(job, state=ImportState.QUEUED)
    job.refresh_from_db()
    given_up = []

    def another_worker_sweeps(done, total):
        if done == 1:
            sweep = threading.Thread(target=lambda: given_up.extend(sweep_as_another_worker()))
            sweep.start()
            sweep.join()

    job = importing.apply(job, progress=another_worker_sweeps)

    assert [job.pk for job in given_up] == [job.pk]
    assert job.state == ImportState.FAILED
    assert "The task worker stopped while importing" in job.message
    assert Claim.objects.count() == 0 and VerificationEvent.objects.count() == 0
    assert files_left(job) == []


def sweep_as_another_worker():
    try:
        return tasks.fail_abandoned()
    finally:
        connections.close_all()  # this thread's


@postgresql_only
@committed
def test_an_import_committing_is_not_given_up_however_long_its_commit_takes(admin_user, tmp_path):
    job = validated(admin_user, tmp_path, csv_text(row()))
    long_silent(job, state=ImportState.RUNNING)
    given_up = []
    with transaction.atomic():
        # What importing._record() holds from the import's last statement to its commit.
        ImportJob.objects.select_for_update().get(pk=job.pk)
        sweep = threading.Thread(target=lambda: given_up.extend(sweep_as_another_worker()))
        sweep.start()
        sweep.join(timeout=10)
        assert not sweep.is_alive(), "the sweep waited for the lock instead of skipping the row"
    assert given_up == []
    assert ImportJob.objects.get(pk=job.pk).state == ImportState.RUNNING


# A real worker process, killed mid-import


def worker(database, media, **environment):
    """`manage.py db_worker` as the README's deployment runs it, on the test database."""
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "MEDIA_ROOT": str(media),
        "FACTCHECK_IMPORT_HEARTBEAT_SECONDS": "0.5",
        "FACTCHECK_IMPORT_GIVE_UP_SECONDS": "3",
        **environment,
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"waited {timeout} s for {what}")


@postgresql_only
@committed
def test_a_worker_killed_mid_import_leaves_nothing_imported_and_the_next_worker_fails_its_job(
    admin_user, tmp_path, settings
):
    media = settings.STORAGES["default"]["OPTIONS"]["location"]
    db = connection.settings_dict
    database = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    job = validated(admin_user, tmp_path, rows(20_000))
    staged = importing.job_directory(job) / "staged.jsonl"
    assert tasks.start_import(job)

    first = worker(database, media)
    try:
        # Killed once it has written a chunk or two, inside its one transaction.
        wait_for(lambda: ImportJob.objects.get(pk=job.pk).processed_rows >= 5000, 90, "the import to write a chunk")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    killed_at = time.monotonic()
    job.refresh_from_db()
    assert job.state == ImportState.RUNNING  # as a dead worker leaves it
    assert Claim.objects.count() == 0  # its transaction died with its connection
    assert staged.exists()

    second = worker(database, media)
    try:
        wait_for(lambda: ImportJob.objects.get(pk=job.pk).state != ImportState.RUNNING, 60, "the job to be failed")
        failed_after = time.monotonic() - killed_at
    finally:
        second.terminate()
        _, errors = second.communicate(timeout=20)

    job.refresh_from_db()
    assert job.state == ImportState.FAILED, errors.decode()
    assert "The task worker stopped while importing" in job.message and "Nothing was imported" in job.message
    # Three seconds of silence, then a sweep every half second (and a worker's start-up).
    assert failed_after < 15
    assert not staged.exists() and files_left(job) == []
    assert Claim.objects.count() == 0 and VerificationEvent.objects.count() == 0


# Staged files do not outlive their job


def test_a_succeeded_import_keeps_only_its_rejected_rows(admin_user, tmp_path):
    job = validated(admin_user, tmp_path, csv_text(row(), row("Bad.", speaker="!!!")), mode=ImportMode.SKIP_INVALID)
    tasks.start_import(job)
    assert tasks.run_import.call(job.pk) == ImportState.SUCCEEDED
    assert files_left(job) == ["rejected.csv"]


def test_a_checked_upload_is_kept_to_check_again_until_confirmed_or_deleted(admin_user, importer_client):
    good, bad = received(admin_user, csv_text(row())), received(admin_user, csv_text(row(status="probably")))
    assert tasks.check_file.call(good.pk) == ImportState.VALIDATED
    assert tasks.check_file.call(bad.pk) == ImportState.INVALID
    assert files_left(good) == ["staged.jsonl", importing.UPLOADED]
    assert files_left(bad) == ["rejected.csv", importing.UPLOADED]
    good.refresh_from_db()
    assert tasks.start_import(good)
    assert files_left(good) == ["staged.jsonl"]  # the staged rows are all the import needs
    importer_client.post(job_url("cancel", bad))
    assert files_left(bad) == ["rejected.csv"]  # the report stays, to download


def test_a_check_that_stops_on_an_error_fails_and_leaves_no_file(admin_user):
    job = received(admin_user, csv_text(row()))
    importing.uploaded_file_path(job).unlink()
    with pytest.raises(FileNotFoundError):
        tasks.check_file.call(job.pk)
    job.refresh_from_db()
    assert job.state == ImportState.FAILED
    assert job.message == "The check of the file stopped on an unexpected error. Nothing was imported."
    assert files_left(job) == []


def test_an_import_that_fails_removes_its_staged_rows(admin_user, editor, tmp_path):
    run_import(tmp_path, csv_text(row(id="c1")), admin_user)
    refuted = row(id="c1", status="false", evidence_url="https://x.example/", evidence_summary="Refuted.")
    job = validated(admin_user, tmp_path, csv_text(refuted))
    claim = Claim.objects.get(import_key="c1")
    make_evidence(claim, "supports")
    claim.set_status("verified", by=editor, reason="Confirmed meanwhile.")
    tasks.start_import(job)
    assert tasks.run_import.call(job.pk) == ImportState.FAILED
    job.refresh_from_db()
    assert job.staged_path == "" and "staged.jsonl" not in files_left(job)


def test_a_cancelled_import_leaves_no_file(admin_user, tmp_path, importer_client):
    job = validated(admin_user, tmp_path, csv_text(row()))
    importer_client.post(job_url("cancel", job))
    assert files_left(job) == []


# The check runs in the background, with its own progress bar


@committed
def test_an_upload_is_saved_then_checked_by_a_task_while_its_page_shows_how_far_it_got(
    importer_client, monkeypatch, settings
):
    monkeypatch.setattr(importing, "BATCH_ROWS", 2)
    monkeypatch.setattr(reading, "CHUNK_BYTES", 100)  # read a small file a little at a time, as a large one is
    content = rows(7, padding=100).encode()
    response = importer_client.post(
        reverse("admin:factcheck_importjob_upload"),
        {"file": SimpleUploadedFile("claims.csv", content), "mode": ImportMode.ATOMIC},
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job_url("import", job)
    # Saved, not read: the check is a task waiting for the worker.
    assert (job.state, job.file_size, job.bytes_read, job.total_rows) == (ImportState.CHECKING, len(content), 0, 0)
    assert importing.uploaded_file_path(job).read_bytes() == content
    assert files_left(job) == [importing.UPLOADED]
    task = DBTaskResult.objects.get()
    assert (task.task_path, task.args_kwargs["args"], task.status) == ("factcheck.tasks.check_file", [job.pk], "READY")

    page = importer_client.get(job_url("import", job)).content.decode()
    assert "<h2>Checking the file</h2>" in page
    assert '<progress value="0" max="100">' in page
    assert "waiting for the task worker to start it" in page
    assert f'hx-get="{job_url("progress", job)}" hx-trigger="every 1s"' in page

    seen = []
    report = tasks.Progress.__call__

    def watched(progress_callback, done, total):
        report(progress_callback, done, total)
        # What the poll shows now, while the task still runs.
        seen.append(progress(importer_client, job).content.decode())

    monkeypatch.setattr(tasks.Progress, "__call__", watched)
    assert tasks.check_file.call(job.pk) == ImportState.VALIDATED

    percents = [int(fragment.split('<progress value="')[1].split('"')[0]) for fragment in seen]
    assert len(percents) == 4 and percents == sorted(percents) and 0 < percents[0] < 100 == percents[-1]
    assert all("<h2>Checking the file</h2>" in fragment and "waiting for" not in fragment for fragment in seen)
    size = filesizeformat(len(content))
    assert f"{size} of {size} read (100%)" in seen[-1]
    assert files_left(job) == ["staged.jsonl", importing.UPLOADED]
    job.refresh_from_db()
    assert (job.bytes_read, job.total_rows) == (len(content), 7)
    assert job.heartbeat_at  # the task's last sign of life stays on the record

    ended = progress(importer_client, job)
    assert ended["HX-Refresh"] == "true"  # the preview is a page: htmx loads it
    preview = importer_client.get(job_url("import", job)).content.decode()
    assert '<tr><th scope="row">New claims</th><td>7</td></tr>' in preview
    assert job_url("confirm", job) in preview


def test_a_large_upload_is_answered_before_a_row_is_read(importer_client, settings):
    spool = settings.STORAGES["default"]["OPTIONS"]["location"] / "uploading"
    spool.mkdir(parents=True)
    settings.FILE_UPLOAD_TEMP_DIR = spool
    content = rows(40_000, padding=400).encode()  # about 20 MB, generated here
    assert len(content) > 16_000_000
    upload = SimpleUploadedFile("claims.csv", content)

    started = time.monotonic()
    response = importer_client.post(reverse("admin:factcheck_importjob_upload"), {"file": upload, "mode": "atomic"})
    answered_in = time.monotonic() - started
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert (job.state, job.bytes_read, job.total_rows, job.staged_path) == (ImportState.CHECKING, 0, 0, "")
    # Spooled to disk as it arrived, then moved into the job's folder whole.
    assert list(spool.iterdir()) == []
    assert importing.uploaded_file_path(job).stat().st_size == len(content)

    started = time.monotonic()
    assert tasks.check_file.call(job.pk) == ImportState.VALIDATED
    checked_in = time.monotonic() - started
    job.refresh_from_db()
    assert job.total_rows == 40_000
    assert answered_in < checked_in / 4, (answered_in, checked_in)


def test_a_file_over_the_size_limit_is_refused_by_the_upload_without_a_task(importer_client, settings):
    settings.FACTCHECK_IMPORT_MAX_BYTES = 100
    response = importer_client.post(
        reverse("admin:factcheck_importjob_upload"),
        {"file": SimpleUploadedFile("claims.csv", rows(10).encode()), "mode": ImportMode.ATOMIC},
    )
    assert response.status_code == 422
    assert "FACTCHECK_IMPORT_MAX_BYTES" in response.content.decode()
    job = ImportJob.objects.get()
    assert job.state == ImportState.INVALID and files_left(job) == []
    assert not DBTaskResult.objects.exists()


def test_the_admin_record_of_a_job_shows_its_file_and_last_sign_of_life(importer_client, admin_user):
    job = received(admin_user, csv_text(row()))
    silent_for(job, 5)
    page = importer_client.get(reverse("admin:factcheck_importjob_change", args=[job.pk])).content.decode()
    assert "Heartbeat at" in page and "File size" in page and "Checking the file" in page
    assert admin_import.job_context(job)["running"]


# In a real browser: the page follows the check, then the preview, then the import


@pytest.mark.browser
@committed
def test_in_a_browser_the_job_page_follows_the_check_to_the_preview_and_the_import_to_its_result(request, live_server):
    page, base = request.getfixturevalue("open_page")(), request.getfixturevalue("demo_site")
    problems = []  # console errors (htmx's, CSP violations) and uncaught exceptions
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{base}/admin/login/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("admin-demo")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{base}{reverse('admin:factcheck_importjob_upload')}")
    page.get_by_label("File").set_input_files(
        {"name": "claims.csv", "mimeType": "text/csv", "buffer": rows(30).encode()}
    )
    page.get_by_role("button", name="Check the file").click()

    expect(page.locator("#import-progress h2")).to_have_text("Checking the file")
    expect(page.locator("#import-read")).to_contain_text("waiting for the task worker")
    job = ImportJob.objects.latest("id")
    assert tasks.check_file.call(job.pk) == ImportState.VALIDATED  # as the worker would, meanwhile
    # The poll sees the check end and loads the preview.
    expect(page.get_by_role("heading", name="Preview: nothing is written until you confirm")).to_be_visible()
    expect(page.get_by_role("row", name="New claims 30")).to_be_visible()

    page.get_by_role("button", name="Confirm: import 30 rows").click()
    expect(page.locator("#import-rows")).to_contain_text("waiting for the task worker")
    assert tasks.run_import.call(job.pk) == ImportState.SUCCEEDED
    expect(page.locator("#import-progress h2")).to_have_text("Succeeded")
    expect(page.locator("#import-rows")).to_have_text("30 of 30 rows written (100%).")
    assert Claim.objects.count() == 18 + 30
    assert problems == []
