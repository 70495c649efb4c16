"""The background side of an import: an uploaded file is checked, then, once confirmed, written, on the task worker.

    check_file(job_id)     the task: importing.check() reads and checks the upload (CHECKING -> VALIDATED or INVALID)
    start_import(job)      VALIDATED -> QUEUED, then run_import is enqueued (once per job)
    run_import(job_id)     the task: importing.apply() writes the staged rows
    progress_done(job)     how far a task has got: bytes read while checking, rows processed while importing
    fail_abandoned()       fails the jobs whose task has gone silent (its worker died) and removes their files

An export too big for a request (FACTCHECK_EXPORT_DIRECT_MAX) is written here too:

    queue_export(claims, format, user=...)   keeps the selected claims' ids, queues run_export
    run_export(job_id)     the task: writes the file with factcheck.exporting's writers (QUEUED -> DONE or FAILED)
    fail_abandoned_exports()   fails the exports whose task has gone silent, as fail_abandoned() does the imports
    remove_old_exports()   removes the files written more than FACTCHECK_EXPORT_KEEP_DAYS ago; their jobs stay

The tasks report their progress and sign life as they go (Progress). The worker is `manage.py
db_worker` (django-tasks-db); ours adds a sweep that calls sweep() every few seconds
(factcheck/management/commands/db_worker.py; docs/imports.md says why and how soon).
"""

import itertools
import logging
import os
import shutil
import threading
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.models import DateTimeField, ExpressionWrapper
from django.db.models.functions import Now
from django.tasks import task
from django.utils import timezone

from factcheck import exporting, importing
from factcheck.models import Claim, ExportJob, ExportSelection, ExportState, ImportJob, ImportState

log = logging.getLogger(__name__)

PROGRESS_FILE = "progress"
HEARTBEAT_FILE = "heartbeat"
# A worker has taken a job in these states when its heartbeat_at is set.
WORKING_STATES = [ImportState.CHECKING, ImportState.QUEUED, ImportState.RUNNING]


@task
def check_file(job_id):
    """Read and check an uploaded file, as importing.receive() kept it; return the job's state.

    The web request only saved the file: reading a large one takes longer than a request may.
    """
    return _work_on(job_id, ImportState.CHECKING, importing.check, "bytes_read")


def start_import(job):
    """Queue a validated job to run; False if it is no longer waiting for confirmation.

    One conditional UPDATE moves it from VALIDATED to QUEUED, so a double click or a second
    tab confirms it once and it runs once.
    """
    waiting = ImportJob.objects.filter(pk=job.pk, state=ImportState.VALIDATED).exclude(staged_path="")
    if not waiting.update(state=ImportState.QUEUED):
        return False
    # The staged rows are all the import needs: the file kept for a re-check can go.
    importing.uploaded_file_path(job).unlink(missing_ok=True)
    run_import.enqueue(job.pk)
    return True


@task
def run_import(job_id):
    """Write a confirmed import's staged rows; return the job's final state.

    The source file is not read again: apply() takes the rows check() staged.
    """
    # apply() marks the job failed itself, whatever stops it.
    return _work_on(job_id, ImportState.QUEUED, importing.apply, "processed_rows")


def _work_on(job_id, waiting, work, counter):
    """`work(job, progress=...)` on a job still `waiting` for it, reporting to its `counter` column; its final state.

    A task picked up twice (a second worker, a retry) finds its job moved on and leaves it.
    """
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.state != waiting:
        log.warning("import #%s is %s, not %s; left as it is", job_id, job.state, waiting)
        return job.state
    with Progress(job, counter) as progress:
        return work(job, progress=progress).state


class Progress:
    """A task's `progress(done, total)` callback and heartbeat, seen by the job page and the sweep while it runs.

    apply() writes everything in one transaction, so a count saved through the task's own
    connection would stay invisible until the end. PostgreSQL gets it through a second
    connection, in autocommit. SQLite takes one writer at a time and the import is that
    writer, so there the count goes to a small file beside the staged rows (the web server
    and the worker share MEDIA_ROOT already: the staged rows are there).

    The heartbeat is a thread that signs life every FACTCHECK_IMPORT_HEARTBEAT_SECONDS, however
    long a chunk takes: `heartbeat_at = now()` through the same second connection (the
    database's clock, so the hosts' clocks need not agree), or on SQLite a touch of another
    small file. fail_abandoned() gives up a job that has been silent for too long.

    A count or a beat that cannot be written is skipped: it must never fail the task itself.
    """

    def __init__(self, job, counter, directory=None):
        """`job` an ImportJob, or an ExportJob with its `directory`; `counter` the column its count goes to."""
        self.job, self.counter, self.model = job, counter, type(job)
        self.name = f"{'export' if isinstance(job, ExportJob) else 'import'} #{job.pk}"  # in the log
        directory = directory or importing.job_directory(job)
        self.path, self.heartbeat_path = directory / PROGRESS_FILE, directory / HEARTBEAT_FILE
        self.connection = None
        if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
            try:
                self.connection = connections.create_connection(DEFAULT_DB_ALIAS)
                self.connection.inc_thread_sharing()  # the heartbeat's thread writes through it too
                with self.connection.cursor() as cursor:
                    # Should the caller hold the job's row (apply() inside its own transaction),
                    # wait briefly instead of for ever.
                    cursor.execute("SET lock_timeout = '1s'")
            except DatabaseError:
                log.warning("%s: no connection to report progress on", self.name, exc_info=True)
                self.connection = None
        self.writing = threading.Lock()
        self.stopped = threading.Event()
        self.heart = threading.Thread(target=self._beat, name=f"{self.name}-heartbeat", daemon=True)

    def __enter__(self):
        # The first sign of life tells fail_abandoned() that a worker has taken the job: until
        # then it is waiting in the queue, however long, and is left alone.
        self.model.objects.filter(pk=self.job.pk).update(heartbeat_at=Now())
        self.heart.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.heart.join()
        if self.connection:
            self.connection.close()
        self.path.unlink(missing_ok=True)
        self.heartbeat_path.unlink(missing_ok=True)

    def __call__(self, done, total):
        try:
            if self.connection:
                self._execute(f"SET {self.counter} = %s, heartbeat_at = now()", [done])
            else:
                partial = self.path.with_suffix(".new")
                partial.write_text(str(done))
                os.replace(partial, self.path)
        except (DatabaseError, OSError):
            log.warning("%s: could not report progress (%s of %s)", self.name, done, total, exc_info=True)

    def _beat(self):
        while not self.stopped.wait(settings.FACTCHECK_IMPORT_HEARTBEAT_SECONDS):
            try:
                if self.connection:
                    self._execute("SET heartbeat_at = now()")
                else:
                    self.heartbeat_path.touch()
            except (DatabaseError, OSError):
                # Also while the import commits, holding the job's row: fail_abandoned() skips
                # a locked row, so that silence is harmless.
                log.info("%s: a heartbeat was skipped", self.name, exc_info=True)

    def _execute(self, assignments, params=()):
        table = self.connection.ops.quote_name(self.model._meta.db_table)
        with self.writing, self.connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} {assignments} WHERE id = %s", [*params, self.job.pk])


def progress_done(job):
    """How far a job's task has got: bytes read while CHECKING, staged rows processed otherwise."""
    counted = job.bytes_read if job.state == ImportState.CHECKING else job.processed_rows
    if job.state not in (ImportState.CHECKING, ImportState.RUNNING):
        return counted
    return max(counted, _reported(importing.job_directory(job)))


def _reported(directory):
    """The count a task last wrote to its folder (Progress, on SQLite); 0 before it wrote one."""
    try:
        return int((directory / PROGRESS_FILE).read_text())
    except (FileNotFoundError, ValueError):
        return 0


def fail_abandoned():
    """Fail the jobs whose task has gone silent for FACTCHECK_IMPORT_GIVE_UP_SECONDS, remove their files; return them.

    A worker killed mid-task leaves its job checking or running for ever, and its files on
    disk. Nothing was imported: the import is one transaction, which the database rolled back
    when the worker's connection closed. Should the task be alive after all (a stalled host),
    its import cannot commit once the job is failed: importing._record() refuses it.
    """
    silence = timedelta(seconds=settings.FACTCHECK_IMPORT_GIVE_UP_SECONDS)
    cutoff = ExpressionWrapper(Now() - silence, output_field=DateTimeField())
    given_up = []
    for job in ImportJob.objects.filter(state__in=WORKING_STATES, heartbeat_at__lt=cutoff):
        if _heartbeat_file_is_fresh(job, silence):
            continue
        with transaction.atomic():
            # Still silent, read again under a lock; a row locked already is an import
            # committing (importing._record), which is alive.
            silent = ImportJob.objects.select_for_update(skip_locked=True).filter(
                pk=job.pk, state=job.state, heartbeat_at__lt=cutoff
            )
            if not silent.exists():
                continue
            ImportJob.objects.filter(pk=job.pk).update(
                state=ImportState.FAILED,
                finished_at=timezone.now(),
                message=f"The task worker stopped while {_doing(job)}: no sign of life since "
                f"{timezone.localtime(job.heartbeat_at):%Y-%m-%d %H:%M:%S %Z}. Nothing was imported.",
                **dict.fromkeys(importing.NOTHING_IMPORTED, 0),
            )
        importing.discard(job)
        given_up.append(job)
        log.warning("import #%s: its task went silent while %s; marked failed", job.pk, _doing(job))
    return given_up


def _doing(job):
    return {ImportState.CHECKING: "checking the file", ImportState.QUEUED: "starting the import"}.get(
        job.state, "importing"
    )


def _heartbeat_file_is_fresh(job, silence, directory=None):
    """SQLite's heartbeat (Progress): a file in the job's folder, touched by the task."""
    try:
        touched = ((directory or importing.job_directory(job)) / HEARTBEAT_FILE).stat().st_mtime
    except FileNotFoundError:
        return False
    return time.time() - touched < silence.total_seconds()


def sweep():
    """What every worker's Sweeper does each round: give up silent jobs, remove old export files."""
    fail_abandoned()
    fail_abandoned_exports()
    remove_old_exports()


class Sweeper(threading.Thread):
    """Calls sweep() every FACTCHECK_IMPORT_HEARTBEAT_SECONDS for as long as its process runs."""

    def __init__(self):
        super().__init__(name="import-sweeper", daemon=True)

    def run(self):
        while True:
            try:
                sweep()
            except Exception:  # e.g. the database is away for a while: try again next time
                log.exception("the sweep for abandoned imports and old exports failed")
            finally:
                connections.close_all()  # this thread's own
            time.sleep(settings.FACTCHECK_IMPORT_HEARTBEAT_SECONDS)


SELECTION_FILE = "selection"  # an export's selected claims, one id a line


def export_directory(job):
    """Where one export's selection and file are kept: under MEDIA_ROOT, which no URL serves."""
    return Path(default_storage.path(f"exports/{job.pk}"))


def export_file(job):
    """The written export, or None until it is written."""
    path = export_directory(job) / job.filename
    return path if job.state == ExportState.DONE and path.exists() else None


def queue_export(claims, format, *, user):
    """Keep the ids of `claims` as they are selected now and queue run_export to write them in `format`; the job.

    The ids are written to a file, not to the database: one read of the ids, where a row inserted
    for each of a million claims could take longer than the request may; the task inserts them.
    """
    ordering = list(claims.query.order_by)
    with transaction.atomic():  # the job and its task are seen together, or neither is
        job = ExportJob.objects.create(
            created_by=user,
            format=format,
            claim_count=0,
            # The claim list's order, for the CSV; an order by expression has no name to keep, so by id.
            ordering=ordering if all(isinstance(field, str) for field in ordering) else ["pk"],
            filename=exporting.download_name(format),
        )
        directory = export_directory(job)
        directory.mkdir(parents=True, exist_ok=True)
        ids = claims.prefetch_related(None).order_by().values_list("pk", flat=True)
        with open(directory / SELECTION_FILE, "w", encoding="ascii") as file:
            for job.claim_count, pk in enumerate(ids.iterator(chunk_size=exporting.EXPORT_CHUNK), 1):
                file.write(f"{pk}\n")
        job.save(update_fields=["claim_count"])
        run_export.enqueue(job.pk)
    return job


@task
def run_export(job_id):
    """Write a queued export's file; return the job's final state.

    A task picked up twice (a second worker, a retry) finds its job moved on and leaves it.
    """
    started = ExportJob.objects.filter(pk=job_id, state=ExportState.QUEUED)
    if not started.update(state=ExportState.RUNNING, started_at=timezone.now(), heartbeat_at=Now()):
        state = ExportJob.objects.get(pk=job_id).state
        log.warning("export #%s is %s, not queued; left as it is", job_id, state)
        return state
    job = ExportJob.objects.get(pk=job_id)
    try:
        with Progress(job, "written", export_directory(job)) as progress:
            written = _write_export(job, progress)
    except Exception as error:  # whatever stops it, the job says so: nobody waits for a file that never comes
        log.exception("export #%s failed", job.pk)
        return _fail_export(job, f"The export failed: {error}. No file was written.")
    finally:
        ExportSelection.objects.filter(job=job).delete()
    path = export_directory(job) / job.filename
    done = ExportJob.objects.filter(pk=job.pk, state=ExportState.RUNNING).update(
        state=ExportState.DONE, written=written, file_size=path.stat().st_size, finished_at=timezone.now()
    )
    if not done:  # failed meanwhile by the sweep, which took its task for dead
        shutil.rmtree(export_directory(job), ignore_errors=True)
        return ExportState.FAILED
    (export_directory(job) / SELECTION_FILE).unlink(missing_ok=True)
    return ExportState.DONE


def _write_export(job, progress):
    """Write the job's file with the exporter of its format; how many claims (or verdicts) it holds."""
    claims = Claim.objects.filter(pk__in=_selected(job).values("claim_id")).order_by(*job.ordering)
    if job.format == ExportJob.Format.CLAIMREVIEW:
        job.left_out = exporting.left_out_of_claimreview(claims)
        job.save(update_fields=["left_out"])
    total = job.claim_count - job.left_out
    lines = exporting.EXPORTERS[job.format][0]
    path = export_directory(job) / job.filename
    partial = path.with_name(f"{path.name}.partial")
    with open(partial, "w", encoding="utf-8", newline="") as file:
        # The first piece is the header (the feed's opening for ClaimReview), then one a claim (a verdict).
        for written, piece in enumerate(lines(claims)):
            file.write(piece)
            if written and written % exporting.EXPORT_CHUNK == 0:
                progress(min(written, total), total)
    os.replace(partial, path)
    return total


def _selected(job):
    """The job's selection as ExportSelection rows, read from its file a chunk at a time; those rows."""
    with open(export_directory(job) / SELECTION_FILE, encoding="ascii") as file:
        for chunk in itertools.batched(file, exporting.EXPORT_CHUNK, strict=False):
            ExportSelection.objects.bulk_create(ExportSelection(job=job, claim_id=int(line)) for line in chunk)
    return ExportSelection.objects.filter(job=job)


def _fail_export(job, message):
    """Mark a job still running failed with `message` and remove its files (run_export its selection); FAILED."""
    ExportJob.objects.filter(pk=job.pk, state=ExportState.RUNNING).update(
        state=ExportState.FAILED, finished_at=timezone.now(), message=message
    )
    shutil.rmtree(export_directory(job), ignore_errors=True)
    return ExportState.FAILED


def export_progress(job):
    """How many claims (verdicts) a job's task has written: reported to the job's row, or on SQLite to its folder."""
    if job.state != ExportState.RUNNING:
        return job.written
    return max(job.written, _reported(export_directory(job)))


def fail_abandoned_exports():
    """Fail the exports whose task is silent for FACTCHECK_IMPORT_GIVE_UP_SECONDS, remove their files; return them.

    As fail_abandoned() does for imports: a worker killed mid-export leaves its job running for ever.
    """
    silence = timedelta(seconds=settings.FACTCHECK_IMPORT_GIVE_UP_SECONDS)
    cutoff = ExpressionWrapper(Now() - silence, output_field=DateTimeField())
    given_up = []
    for job in ExportJob.objects.filter(state=ExportState.RUNNING, heartbeat_at__lt=cutoff):
        if _heartbeat_file_is_fresh(job, silence, export_directory(job)):
            continue
        silent = ExportJob.objects.filter(pk=job.pk, state=ExportState.RUNNING, heartbeat_at__lt=cutoff)
        if not silent.update(
            state=ExportState.FAILED,
            finished_at=timezone.now(),
            message="The task worker stopped while exporting: no sign of life since "
            f"{timezone.localtime(job.heartbeat_at):%Y-%m-%d %H:%M:%S %Z}. "
            "No file was written: export the claims again.",
        ):
            continue
        shutil.rmtree(export_directory(job), ignore_errors=True)
        ExportSelection.objects.filter(job=job).delete()
        given_up.append(job)
        log.warning("export #%s: its task went silent; marked failed", job.pk)
    return given_up


def remove_old_exports():
    """Remove the folders of the exports done more than FACTCHECK_EXPORT_KEEP_DAYS ago; return their jobs.

    Every worker sweeps, several at once perhaps: the folder is removed first, ignoring one that
    is gone already, then the job records it only if no other sweep has; a sweep stopped between
    the two leaves the job to the next. Only done jobs are looked at: a queued or running job's
    folder holds the selection its task is reading.
    """
    cutoff = ExpressionWrapper(
        Now() - timedelta(days=settings.FACTCHECK_EXPORT_KEEP_DAYS), output_field=DateTimeField()
    )
    due = ExportJob.objects.filter(state=ExportState.DONE, file_removed_at__isnull=True, finished_at__lt=cutoff)
    removed = []
    for job in due:
        shutil.rmtree(export_directory(job), ignore_errors=True)
        if due.filter(pk=job.pk).update(file_removed_at=timezone.now()):
            removed.append(job)
            log.info("export #%s: its file, written %s, removed", job.pk, job.finished_at)
    return removed
