"""Shared test personas and database set-up.

alice is an editor, bob a reviewer, charlie an outsider with an account and no role,
and root the superuser who imports.
"""

import importlib
import io
import os
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core import serializers
from django.core.cache import caches
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.backends.base.creation import BaseDatabaseCreation
from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations
from django.utils import timezone

from factcheck import tallies
from factcheck.models import HISTORY_CONSTRAINTS, Article

append_only = importlib.import_module("factcheck.migrations.0002_append_only_events_and_search")
revisions_and_frozen_evidence = importlib.import_module("factcheck.migrations.0012_revisions_and_frozen_evidence")
attribution_axis = importlib.import_module("factcheck.migrations.0015_attribution_axis")
merge_claims = importlib.import_module("factcheck.migrations.0016_merge_claims")
published_verdicts = importlib.import_module("factcheck.migrations.0017_published_verdicts")
sign_offs = importlib.import_module("factcheck.migrations.0025_drafts_and_sign_off")
corrections = importlib.import_module("factcheck.migrations.0026_corrections_and_rechecks")
assignments = importlib.import_module("factcheck.migrations.0027_assignments_and_notifications")
correction_turns = importlib.import_module("factcheck.migrations.0035_correction_turns")
appearance_revisions = importlib.import_module("factcheck.migrations.0037_appearance_revisions")

# The SQLite triggers that refuse a DELETE of history (events, citations, revisions, cited
# evidence, merges, publications and withdrawals, sign-offs, correction cases and their later
# turns, assignment records, appearance revisions), by name, with the statement that creates each;
# and the trigger that records an appearance's removal, which a flush would set off.
SQLITE_HISTORY_GUARDS = {
    **dict(zip(append_only.SQLITE_TRIGGERS, append_only.SQLITE_FORWARD, strict=True)),
    **revisions_and_frozen_evidence.SQLITE_GUARDS,
    **attribution_axis.SQLITE_GUARDS,
    **merge_claims.SQLITE_GUARDS,
    **published_verdicts.SQLITE_GUARDS,
    **sign_offs.SQLITE_GUARDS,
    **corrections.SQLITE_GUARDS,
    **assignments.SQLITE_GUARDS,
    **correction_turns.SQLITE_GUARDS,
    **appearance_revisions.SQLITE_GUARDS,
}


def pytest_configure():
    # PBKDF2's deliberate slowness guards real passwords; in tests it only made every persona
    # cost a fifth of a second.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Every test client builds the middleware anew, and WhiteNoise, when it does not refresh,
    # starts by listing every static file the finders know: a third of a permission test's time.
    # Refreshing (its development mode) finds a file only when a request through the middleware
    # asks for it (the test client's; the live server serves /static/ before the middleware).
    settings.WHITENOISE_AUTOREFRESH = True
    # SQLite's test database is a file, not Django's default in-memory one: an in-memory database
    # is one connection, which the live server would share between its request threads and the
    # test, and two of them using it at once fail ("bad parameter or other API misuse"). Each
    # thread opens its own connection to a file, and WAL lets them read while one writes.
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "factcheck.sqlite":
        name = Path(tempfile.gettempdir()) / f"factcheck-tests-{os.getpid()}.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(name)
    elif database["ENGINE"] == "django.db.backends.postgresql":
        # A commit waits for the disk to confirm its WAL, a guard against a crash that a test
        # database, made anew each run, does not need; a loaded disk took 5 ms a commit where
        # 1 ms is left, and the browser tests and the migrations commit thousands of times.
        # Visibility is unchanged: a commit is seen by every connection as it returns. First, so
        # that the DATABASE_URL's own options still win.
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"-c synchronous_commit=off {options.get('options', '')}".strip()
    BaseDatabaseCreation.deserialize_db_from_string = restore_in_bulk
    PostgresOperations.sql_flush = flush_by_deleting


DJANGO_RESTORE = BaseDatabaseCreation.deserialize_db_from_string


def restore_in_bulk(creation, data):
    """Django's BaseDatabaseCreation.deserialize_db_from_string, one INSERT a table instead of a save a row.

    A test with serialized_rollback (the browser tests and some twenty others) starts by getting
    back what the migrations wrote, which the flush after the test before removed: 230 content
    types, permissions and groups. Saved one by one (an UPDATE, then an INSERT), that took 0.28 s
    before each such test on PostgreSQL; in bulk, 0.04 s. Where the rows are still there (no
    test has flushed them yet), Django's own puts each back as it was.
    """
    alias = creation.connection.alias
    rows, links = defaultdict(list), defaultdict(list)
    for deserialized in serializers.deserialize("json", data, using=alias):
        row = deserialized.object
        rows[type(row)].append(row)
        for name, pks in (deserialized.m2m_data or {}).items():
            field = row._meta.get_field(name)
            through = field.remote_field.through
            source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
            links[through] += [through(**{source: row.pk, target: pk}) for pk in pks]
    if any(model._base_manager.using(alias).exists() for model in [*rows, *links]):
        return DJANGO_RESTORE(creation, data)
    with transaction.atomic(using=alias), creation.connection.constraint_checks_disabled():
        for model, objects in [*rows.items(), *links.items()]:
            model._base_manager.using(alias).bulk_create(objects)
        creation.connection.check_constraints(table_names=[model._meta.db_table for model in [*rows, *links]])
    return None


DJANGO_POSTGRES_FLUSH = PostgresOperations.sql_flush


def flush_by_deleting(operations, style, tables, *, reset_sequences=False, allow_cascade=False):
    """PostgreSQL's flush after a test that commits (the browser tests, some forty others): every
    row deleted with the triggers set aside, where Django truncates.

    TRUNCATE gives each of the 50 tables new files and drops the old ones at commit: 1.4-1.8 s
    before each such test, where deleting a test's few rows takes 16 ms. The triggers are set
    aside as TRUNCATE sets aside the row triggers: the history's guards would refuse the deletes,
    and the tallies would count rows the next statement deletes. Setting them aside is a
    superuser's (session_replication_role); for any other user, Django's TRUNCATE.
    """
    if reset_sequences or not is_superuser(operations.connection):
        return DJANGO_POSTGRES_FLUSH(
            operations, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
    deletes = [f"DELETE FROM {operations.quote_name(table)};" for table in tables]  # noqa: S608 (Django's table names)
    return ["SET LOCAL session_replication_role = replica;", *deletes] if deletes else []


def is_superuser(database):
    if not hasattr(database, "factcheck_is_superuser"):
        with database.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            database.factcheck_is_superuser = cursor.fetchone()[0]
    return database.factcheck_is_superuser


# Each persona's account, as the fixtures below and the permission matrix make it.
PERSONAS = {
    "outsider": {"username": "charlie", "staff": False},
    "reviewer": {"username": "bob", "group": "Reviewers"},
    "editor": {"username": "alice", "group": "Editors"},
    "admin": {"username": "root", "superuser": True},
}


def make_persona(persona):
    return make_user(**PERSONAS[persona])


def make_user(username, *, group=None, staff=True, superuser=False):
    user = User.objects.create_user(
        username, f"{username}@example.org", "correct horse battery staple", is_staff=staff, is_superuser=superuser
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def empty_caches():
    """No counts, outlet options or drawn rows kept from before, as at a test's start: for a subtest
    that counts queries (the signed-in session stays)."""
    for alias in ("default", "fragments"):
        caches[alias].clear()


@pytest.fixture(autouse=True)
def empty_cache():
    """Counts are kept in the cache a minute (factcheck.views.recently_counted), drawn rows and outlet
    options in "fragments", sessions in their own (factcheck/sessions.py): none outlives its test."""
    empty_caches()
    caches[settings.SESSION_CACHE_ALIAS].clear()


@pytest.fixture
def editor(db):
    return make_persona("editor")


@pytest.fixture
def reviewer(db):
    return make_persona("reviewer")


@pytest.fixture
def outsider(db):
    return make_persona("outsider")


@pytest.fixture
def admin_user(db):
    return make_persona("admin")


@pytest.fixture
def demo(db):
    """The seed story and its 18 annotated claims, loaded as `make run` loads them; returns the story."""
    load_demo()
    return Article.objects.get()


# What `load_demo` added, as this process first ran it: {(accounts, day): {table: (columns, rows as JSON)}}.
DEMO_ROWS = {}


def load_demo(*, accounts=False):
    """`manage.py load_demo` (`--accounts`), as `make run` runs it; after this process's first run of it, the
    rows that run added are put back instead.

    The demo is loaded before some 300 tests. Through the models (each status set by set_status, the
    triggers keeping the counts) that took 0.35-0.5 s a test on PostgreSQL and 0.15 s on SQLite; put back
    a table at a time, with the triggers set aside as a restore sets them aside (dropped and created again
    on SQLite, in the same transaction), 0.01 s. Where a row the test made first stands in the way (an
    outlet or a user of the demo's name, the demo already loaded), or the PostgreSQL database is not a
    superuser's (who alone may set the triggers aside), the command runs as usual. test_demo.py checks that
    the rows put back are the rows the command writes.
    """
    arguments = ["--accounts"] if accounts else []
    if connection.vendor == "postgresql" and not is_superuser(connection):
        call_command("load_demo", *arguments, stdout=io.StringIO())
        return
    key = (accounts, timezone.localdate())  # the re-check dates are the day's
    if key in DEMO_ROWS and put_back(DEMO_ROWS[key]):
        return
    before = every_row()
    call_command("load_demo", *arguments, stdout=io.StringIO())
    after = every_row()
    added = {table: rows - before[table] for table, rows in after.items() if rows - before[table]}
    if added and not any(rows - after[table] for table, rows in before.items()):  # it added rows, changed none
        DEMO_ROWS[key] = {table: (written_columns(table), list(rows.elements())) for table, rows in added.items()}


def every_row():
    """{table: Counter of its rows, each as JSON (PostgreSQL) or a tuple of its columns (SQLite)}, of every table."""
    tables = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if connection.vendor == "postgresql":
                cursor.execute(f"SELECT row_to_json(t)::text FROM {connection.ops.quote_name(table)} t")  # noqa: S608
                tables[table] = Counter(row for (row,) in cursor.fetchall())
            else:
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
                tables[table] = Counter(cursor.fetchall())
    return tables


def written_columns(table):
    """The columns of `table` an INSERT may write (all but those generated), quoted, as SQL."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":  # no generated columns: every column, in the order SELECT * gives them
            columns = connection.introspection.get_table_description(cursor, table)
            return ", ".join(connection.ops.quote_name(column.name) for column in columns)
        cursor.execute(
            "SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute"
            " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''",
            [table],
        )
        return cursor.fetchone()[0]


def put_back(tables):
    """Insert each table's rows with the triggers set aside; False, having written nothing, if one is refused."""
    if connection.vendor == "sqlite":
        return put_back_on_sqlite(tables)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
            for table, (columns, rows) in tables.items():
                name = connection.ops.quote_name(table)
                cursor.execute(
                    f"INSERT INTO {name} ({columns}) SELECT {columns}"  # noqa: S608 (the catalogue's names)
                    f" FROM json_populate_recordset(NULL::{name}, %s::json)",
                    [f"[{', '.join(rows)}]"],
                )
            cursor.execute("SET LOCAL session_replication_role = origin")
    except IntegrityError:
        return False
    return True


def put_back_on_sqlite(tables):
    """put_back on SQLite, which cannot set triggers aside: each is dropped, then created again as it was, in the
    transaction that inserts the rows (SQLite's DDL is transactional: a refused row leaves them all in place)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            triggers = cursor.fetchall()
            for name, _ in triggers:
                cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(name)}")
            for table, (columns, rows) in tables.items():
                places = ", ".join(["%s"] * len(rows[0]))
                name = connection.ops.quote_name(table)
                cursor.executemany(f"INSERT INTO {name} ({columns}) VALUES ({places})", rows)  # noqa: S608
            for _, sql in triggers:
                cursor.execute(sql)
    except IntegrityError:
        return False
    return True


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def editor_client(client, editor):
    return login(client, editor)


@pytest.fixture
def reviewer_client(client, reviewer):
    return login(client, reviewer)


@pytest.fixture
def outsider_client(client, outsider):
    return login(client, outsider)


@pytest.fixture(autouse=True)
def _sqlite_append_only_triggers_survive_flush(request):
    """Let tests that flush the database (live server, transaction=True) run on SQLite.

    Django empties tables after such a test with DELETE on SQLite (TRUNCATE on PostgreSQL,
    which row triggers do not see), and the append-only triggers rightly refuse it. So the
    triggers are dropped just before that flush and put back before the next test.
    """
    if connection.vendor != "sqlite" or not {"transactional_db", "live_server"} & set(request.fixturenames):
        yield
        return
    request.getfixturevalue("transactional_db")
    with connection.cursor() as cursor:
        for name, statement in SQLITE_HISTORY_GUARDS.items():
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(statement)
    yield
    with connection.cursor() as cursor:
        for name in SQLITE_HISTORY_GUARDS:
            cursor.execute(f"DROP TRIGGER {name}")


@pytest.fixture(autouse=True)
def _sqlite_tallies_sit_out_the_flush(request):
    """On SQLite, keep the tally triggers (factcheck.tallies) out of the DELETEs that empty the database.

    Run during that flush they would write counts into tables already emptied; so they are
    dropped after a test that flushes and created again before the next test.
    """
    fixtures = set(request.fixturenames)
    uses_database = request.node.get_closest_marker("django_db") or {"db", "transactional_db", "live_server"} & fixtures
    if connection.vendor != "sqlite" or not uses_database:
        yield
        return
    flushes = bool({"transactional_db", "live_server"} & fixtures)
    # Set up first: the triggers go into the test's database, and a flush comes after the drop below.
    request.getfixturevalue("transactional_db" if flushes else "db")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%tally%'")
        if cursor.fetchone()[0] != len(tallies.TRIGGER_NAMES):
            for statement in tallies.sqlite_drop() + tallies.sqlite_triggers():
                cursor.execute(statement)
    yield
    if flushes:
        with connection.cursor() as cursor:
            for statement in tallies.sqlite_drop():
                cursor.execute(statement)


def rolled_back(request):
    """Whether the test runs in a transaction rolled back after it (pytest-django's `db`), not one that flushes."""
    marker = request.node.get_closest_marker("django_db")
    fixtures = set(request.fixturenames)
    transactional = (marker and marker.kwargs.get("transaction")) or {"transactional_db", "live_server"} & fixtures
    return bool(marker or "db" in fixtures) and not transactional


@pytest.fixture(autouse=True)
def _migrated_rows_back_after_a_flush(request):
    """Put back what the migrations wrote (the Editors and Reviewers groups, their permissions) for a
    test that runs after a test that flushed the database, in the test's own transaction.

    pytest-django runs the tests that flush last, but `--dist=worksteal` hands a worker that has
    run some of them more tests from another worker's queue: two of them found no Reviewers group.
    """
    if not rolled_back(request):
        yield
        return
    request.getfixturevalue("db")
    contents = getattr(connection, "_test_serialized_contents", None)
    if contents and not Group.objects.exists():
        connection.creation.deserialize_db_from_string(contents)
    yield


@pytest.fixture(autouse=True)
def _history_holds_after_each_test(request):
    """On PostgreSQL, run the history check each test's rolled-back transaction would run at commit.

    A claim left at a status its events do not give fails the test that left it so, whatever
    road it took.
    """
    checked = connection.vendor == "postgresql" and rolled_back(request)
    if checked:
        request.getfixturevalue("db")  # set up first, so its rollback comes after the check below
    yield
    if checked:
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS {', '.join(HISTORY_CONSTRAINTS)} IMMEDIATE")
