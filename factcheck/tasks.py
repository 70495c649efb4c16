"""The background side of an import: a confirmed ImportJob runs on the task worker.

    start_import(job)      VALIDATED -> QUEUED, then run_import is enqueued (once per job)
    run_import(job_id)     the task: importing.apply() with its progress reported as it goes
    rows_done(job)         the rows processed so far (the last chunk is written as the import ends)

The worker is `manage.py db_worker` (django-tasks-db); `make run` starts one beside the web
server.
"""

import logging
import os

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.tasks import task

from factcheck import importing
from factcheck.models import ImportJob, ImportState

log = logging.getLogger(__name__)

PROGRESS_FILE = "progress"


def start_import(job):
    """Queue a validated job to run; False if it is no longer waiting for confirmation.

    One conditional UPDATE moves it from VALIDATED to QUEUED, so a double click or a second
    tab confirms it once and it runs once.
    """
    waiting = ImportJob.objects.filter(pk=job.pk, state=ImportState.VALIDATED).exclude(staged_path="")
    if not waiting.update(state=ImportState.QUEUED):
        return False
    run_import.enqueue(job.pk)
    return True


class Progress:
    """apply()'s `progress(done, total)` callback, visible to the job page while apply() runs.

    apply() writes everything in one transaction, so a count saved through the task's own
    connection would stay invisible until the end. PostgreSQL gets it through a second
    connection, in autocommit. SQLite takes one writer at a time and the import is that
    writer, so there the count goes to a small file beside the staged rows (the web server
    and the worker share MEDIA_ROOT already: the staged rows are there).

    A count that cannot be written is skipped: it must never fail the import itself.
    """

    def __init__(self, job):
        self.job = job
        self.path = importing.job_directory(job) / PROGRESS_FILE
        self.connection = None
        if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
            try:
                self.connection = connections.create_connection(DEFAULT_DB_ALIAS)
                with self.connection.cursor() as cursor:
                    # Should the caller hold the job's row (apply() inside its own transaction),
                    # wait briefly instead of for ever.
                    cursor.execute("SET lock_timeout = '1s'")
            except DatabaseError:
                log.warning("import #%s: no connection to report progress on", job.pk, exc_info=True)
                self.connection = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.connection:
            self.connection.close()
        self.path.unlink(missing_ok=True)

    def __call__(self, done, total):
        try:
            if self.connection:
                table = self.connection.ops.quote_name(ImportJob._meta.db_table)
                with self.connection.cursor() as cursor:
                    cursor.execute(f"UPDATE {table} SET processed_rows = %s WHERE id = %s", [done, self.job.pk])  # noqa: S608 no user input
            else:
                partial = self.path.with_suffix(".new")
                partial.write_text(str(done))
                os.replace(partial, self.path)
        except (DatabaseError, OSError):
            log.warning(
                "import #%s: could not report progress (%s of %s rows)", self.job.pk, done, total, exc_info=True
            )


def rows_done(job):
    """How many staged rows a job has written, counting those of a run still in progress."""
    if job.state != ImportState.RUNNING:
        return job.processed_rows
    try:
        reported = int((importing.job_directory(job) / PROGRESS_FILE).read_text())
    except (FileNotFoundError, ValueError):
        reported = 0
    return max(job.processed_rows, reported)


@task
def run_import(job_id):
    """Write a confirmed import's staged rows; return the job's final state.

    The source file is not read again: apply() takes the rows validate() staged.
    """
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.state != ImportState.QUEUED:
        log.warning("import #%s is %s, not queued; not run again", job_id, job.state)
        return job.state
    with Progress(job) as progress:
        # apply() marks the job failed itself, whatever stops it.
        return importing.apply(job, progress=progress).state
