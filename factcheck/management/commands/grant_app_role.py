"""Give the application's PostgreSQL role what the app needs, and nothing that could rewrite history.

    DATABASE_URL=postgres://factcheck_owner@db/factcheck python manage.py migrate
    DATABASE_URL=postgres://factcheck_owner@db/factcheck python manage.py grant_app_role factcheck_app

Run as the owner of the tables (the role that runs migrations), after every `migrate`; the web
server and the worker then connect as the application role. That role owns nothing, so it
cannot ALTER or DROP a table or a trigger (nor DISABLE one), and it is no superuser, so it
cannot `SET session_replication_role = replica`. It gets SELECT, INSERT, UPDATE and DELETE on
the app's tables, and the sequences' ids, except:

- no TRUNCATE (nor TRIGGER or REFERENCES) anywhere;
- verification events, claim merges, published verdicts and their withdrawals, the later turns of
  correction cases: SELECT and INSERT only;
- correction cases: no DELETE (UPDATE stays, for the one that records an outcome, which their
  trigger checks);
- the evidence they cite (the link table): no UPDATE. It keeps DELETE, which its trigger
  refuses row by row, because Django deletes an item's links before the item itself, and a
  statement on a table without the privilege fails even when it matches no row: without it,
  no evidence could be deleted, cited or not;
- revisions (of claims, their appearances and stories): SELECT only (the triggers that write them
  run as the owner);
- the claim counts (factcheck.tallies): no INSERT or UPDATE, so no count can be forged; their
  triggers run as the owner. DELETE stays, for Django to delete a speaker's (zero) counts with it;
- ClaimOutlet, whose rows (a claim's outlets, with its status and attribution) the outlets'
  counts are counted from: no INSERT or UPDATE either, its triggers run as the owner (migration
  0049); DELETE stays, for Django to delete a claim's rows with it;
- django_migrations: SELECT only;
- no temporary tables (TEMPORARY on the database is taken from PUBLIC): the triggers name their
  tables without a schema, and a temporary table of the same name would stand in for one.

The database refuses UPDATE and DELETE of history to everyone through its triggers; the
missing privileges refuse them earlier. ALTER DEFAULT PRIVILEGES lets the role use tables that
later migrations create, until this command is run again and narrows them. See
docs/deploying.md.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from factcheck.models import (
    AppearanceRevision,
    ArticleRevision,
    ClaimMerge,
    ClaimOutlet,
    ClaimRevision,
    CorrectionCase,
    CorrectionTurn,
    OutletClaimTally,
    OutletTally,
    OutletTotal,
    PublishedVerdict,
    SpeakerTally,
    SpeakerTotal,
    StoryTally,
    StoryTotal,
    VerdictWithdrawal,
    VerificationEvent,
)

EVENTS, CITATIONS = VerificationEvent._meta.db_table, VerificationEvent.evidence.through._meta.db_table
APPEND_ONLY = [
    EVENTS,
    ClaimMerge._meta.db_table,
    PublishedVerdict._meta.db_table,
    VerdictWithdrawal._meta.db_table,
    CorrectionTurn._meta.db_table,
]
WRITTEN_BY_TRIGGERS = [ClaimRevision._meta.db_table, ArticleRevision._meta.db_table, AppearanceRevision._meta.db_table]
READ_ONLY = ["django_migrations", *WRITTEN_BY_TRIGGERS]
COUNTS = [
    model._meta.db_table
    for model in (SpeakerTally, OutletTally, OutletClaimTally, StoryTally, SpeakerTotal, OutletTotal, StoryTotal)
]
COUNTED_FROM = [ClaimOutlet._meta.db_table]
DATA = "SELECT, INSERT, UPDATE, DELETE"


def privileges(role, owner, database, schema):
    """The statements that give `role` its privileges on what `owner` owns in `schema`."""
    quote = connection.ops.quote_name
    role, owner, database, schema = map(quote, (role, owner, database, schema))
    return [
        f"GRANT CONNECT ON DATABASE {database} TO {role}",
        # The triggers name their tables without a schema, and a session's temporary tables come
        # first on its search_path: a temporary "factcheck_verificationevent_evidence" with no rows
        # would let it edit cited evidence. So no session of the app may create one.
        f"REVOKE TEMPORARY ON DATABASE {database} FROM PUBLIC, {role}",
        f"GRANT USAGE ON SCHEMA {schema} TO {role}",
        # From nothing, so that running it again takes back what a table no longer needs.
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {role}",
        f"GRANT {DATA} ON ALL TABLES IN SCHEMA {schema} TO {role}",
        f"REVOKE UPDATE, DELETE ON {', '.join(map(quote, APPEND_ONLY))} FROM {role}",
        f"REVOKE UPDATE ON {quote(CITATIONS)} FROM {role}",
        f"REVOKE DELETE ON {quote(CorrectionCase._meta.db_table)} FROM {role}",
        f"REVOKE INSERT, UPDATE, DELETE ON {', '.join(map(quote, READ_ONLY))} FROM {role}",
        f"REVOKE INSERT, UPDATE ON {', '.join(map(quote, COUNTS + COUNTED_FROM))} FROM {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} GRANT {DATA} ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {role}",
    ]


def refusal(cursor, role):
    """Why `role` must not be the application role, or None if it may."""
    cursor.execute(
        """
        SELECT r.rolsuper, r.rolbypassrls, r.rolcreaterole, r.rolname = current_user,
               pg_has_role(r.oid, (SELECT oid FROM pg_roles WHERE rolname = current_user), 'USAGE'),
               d.datdba = r.oid,
               EXISTS (SELECT 1 FROM pg_class WHERE relowner = r.oid
                       UNION ALL SELECT 1 FROM pg_proc WHERE proowner = r.oid
                       UNION ALL SELECT 1 FROM pg_namespace WHERE nspowner = r.oid),
               has_database_privilege(r.oid, current_database(), 'CREATE'),
               has_schema_privilege(r.oid, current_schema(), 'CREATE'),
               has_parameter_privilege(r.oid, 'session_replication_role', 'SET')
        FROM pg_roles r, pg_database d WHERE r.rolname = %s AND d.datname = current_database()
        """,
        [role],
    )
    found = cursor.fetchone()
    if found is None:
        return f"there is no role “{role}”; create it first (docs/deploying.md)"
    reasons = [
        "it is a superuser",
        "it bypasses row-level security",
        "it can create roles",
        "it is the role running this command, the owner",
        "it can act as the owner (it is a member of the owner's role)",
        "it owns the database",
        "it owns objects in this database",
        "it may create schemas in the database (revoke CREATE on it)",
        "it may create objects in the schema (revoke CREATE on it)",
        "it may set session_replication_role, which turns triggers off",
    ]
    wrong = [reason for reason, flag in zip(reasons, found, strict=True) if flag]
    return f"“{role}” cannot be the application role: {'; '.join(wrong)}" if wrong else None


class Command(BaseCommand):
    help = "Give the application's database role (PostgreSQL) what the app needs and nothing more; run as the owner."

    def add_arguments(self, parser):
        parser.add_argument("role", help="the role the web server and the worker connect as, e.g. factcheck_app")

    def handle(self, *args, role, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Database roles are PostgreSQL's; SQLite has no roles to grant.")
        with transaction.atomic(), connection.cursor() as cursor:
            why = refusal(cursor, role)
            if why:
                raise CommandError(f"{why}. Nothing was granted.")
            cursor.execute("SELECT current_user, current_database(), current_schema()")
            owner, database, schema = cursor.fetchone()
            for statement in privileges(role, owner, database, schema):
                cursor.execute(statement)
            cursor.execute("SELECT has_database_privilege(%s, current_database(), 'TEMPORARY')", [role])
            if cursor.fetchone()[0]:
                raise CommandError(
                    f"{role} may still create temporary tables, which could stand in for the history's tables: "
                    f"as the owner of the database (or a superuser), run REVOKE TEMPORARY ON DATABASE "
                    f"{connection.ops.quote_name(database)} FROM PUBLIC, then this command again. Nothing was granted."
                )
        self.stdout.write(
            f"{role} may now read and write the app's tables in {database}.{schema} (owned by {owner}), "
            "append to the history and read the revisions; it cannot truncate, alter, or turn off a trigger."
        )
