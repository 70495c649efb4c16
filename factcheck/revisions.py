"""Who is writing, told to the database so that its triggers can sign the revisions they record.

The triggers of migration 0009 record every edit of a claim or a story, whatever made it (a
form, `QuerySet.update`, `bulk_update`, raw SQL), and read the writer from the connection:

- PostgreSQL: two session settings, `factcheck.writer_id` and `factcheck.writer_via`, read by
  the SQL functions `factcheck_writer_id()` and `factcheck_writer_via()`;
- SQLite has no session settings: the same two functions are defined in Python on each of the
  app's connections (`on_connection_created`), reading what `writing_as` stored on it. Another
  SQLite client, such as the sqlite3 shell, lacks them, so its edits of those fields fail ("no
  such function") instead of going unrecorded.

`writing_as(user, via)` names the writer for a block; `WriterMiddleware` does it for each
request that may write (the admin, the reviewer views), the importer for each import. A write
nobody named (the Django shell, SQL) is recorded with no user, via "unknown". The name is what
the app says: any session can set it, so it records, it does not authenticate.

The same writer signs the event the database writes when a claim is given another speaker around
Claim.speaker_changed (migration 0050). The roads that call speaker_changed (or, for many claims,
ClaimQuerySet.speakers_changed) say so with `recording_speaker_changes()`, for SQLite's trigger,
which runs with the statement and cannot see that the event is coming; PostgreSQL's waits for the commit and finds it.
"""

from contextlib import contextmanager

from django.db import connection
from psycopg.pq import TransactionStatus

UNKNOWN = "unknown"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
VIA_LENGTH = 200  # Revision.via's max_length
IMPORT_VIA = "import #"  # how an import signs its edits ("import #12 (claims.csv)"): not an editor's


def import_via(job):
    return f"{IMPORT_VIA}{job.pk} ({job.filename})"


def _tell_postgresql(database, writer):
    user_id, via = writer or (None, "")
    with database.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('factcheck.writer_id', %s, false), set_config('factcheck.writer_via', %s, false)",
            ["" if user_id is None else str(user_id), via],
        )


def _apply(writer):
    """Tell the connection's database session who writes: (user id or None, via), or None for nobody."""
    if connection.vendor == "postgresql" and not _in_failed_transaction():
        _tell_postgresql(connection, writer)
    connection.factcheck_writer = writer


def _in_failed_transaction():
    """True inside a transaction an error has aborted: it takes no statement until it is rolled back.

    Leaving a block there (an error on its way out of a transaction.atomic() around it) keeps
    the session's writer until the rollback, which undoes it if it was set inside; the error
    itself is not hidden by a second one.
    """
    raw = connection.connection
    return connection.needs_rollback or (raw is not None and raw.info.transaction_status == TransactionStatus.INERROR)


@contextmanager
def writing_as(user, via):
    """Sign the revisions written inside this block with `user` (or None) and `via` (where from).

    Use it outside transaction.atomic(): on PostgreSQL it is a session setting, written when the
    block starts and put back as it was when it ends, which an aborted transaction could not do.
    """
    before = getattr(connection, "factcheck_writer", None)
    user_id = user.pk if user is not None and user.is_authenticated else None
    _apply((user_id, via[:VIA_LENGTH]))
    try:
        yield
    finally:
        _apply(before)


@contextmanager
def recording_speaker_changes():
    """Tell the database that the code inside records each speaker change it makes with
    Claim.speaker_changed (or ClaimQuerySet.speakers_changed), so that SQLite's trigger writes no
    second event for it (migration 0050).

    Only SQLite needs telling; PostgreSQL's trigger checks at the commit what was written.
    """
    before = getattr(connection, "factcheck_speaker_changes_recorded", False)
    connection.factcheck_speaker_changes_recorded = True
    try:
        yield
    finally:
        connection.factcheck_speaker_changes_recorded = before


class WriterMiddleware:
    """Name the signed-in user and the request as the writer of whatever a request edits.

    Only requests that may write (POST and the like) pay the query that tells PostgreSQL.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in SAFE_METHODS:
            return self.get_response(request)
        with writing_as(request.user, f"{request.method} {request.path}"):
            return self.get_response(request)


def on_connection_created(sender, connection, **kwargs):
    """Give each new connection of the app what the revision triggers read.

    SQLite: the two functions, and a third saying whether the app records the speaker changes being
    made (migration 0050). PostgreSQL: the writer again, should a block's connection have been
    closed and opened anew (the session setting went with the old one).
    """
    if connection.vendor == "sqlite":

        def writer():
            return getattr(connection, "factcheck_writer", None) or (None, UNKNOWN)

        connection.connection.create_function("factcheck_writer_id", 0, lambda: writer()[0])
        connection.connection.create_function("factcheck_writer_via", 0, lambda: writer()[1])
        connection.connection.create_function(
            "factcheck_speaker_change_recorded",
            0,
            lambda: getattr(connection, "factcheck_speaker_changes_recorded", False),
        )
    elif connection.vendor == "postgresql" and getattr(connection, "factcheck_writer", None):
        _tell_postgresql(connection, connection.factcheck_writer)
