"""Database-enforced rules that the ORM cannot express.

- VerificationEvent rows are append-only: a trigger refuses UPDATE and DELETE, on
  PostgreSQL and on SQLite, so no code path (admin, shell, raw SQL) rewrites history.
  TRUNCATE stays possible on PostgreSQL: it is how the test runner empties tables.
- On PostgreSQL, claims carry a stored tsvector of their text and quote with a GIN index,
  for the reviewer search (`ClaimQuerySet.search`). SQLite has no equivalent and falls
  back to simple matching.
"""

from django.db import migrations

APPEND_ONLY_MESSAGE = "verification events are append-only"

POSTGRES_FORWARD = [
    f"""
    CREATE FUNCTION factcheck_refuse_event_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}: % refused on factcheck_verificationevent', TG_OP
            USING ERRCODE = 'restrict_violation';
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER factcheck_verificationevent_append_only
    BEFORE UPDATE OR DELETE ON factcheck_verificationevent
    FOR EACH ROW EXECUTE FUNCTION factcheck_refuse_event_change();
    """,
    """
    ALTER TABLE factcheck_claim ADD COLUMN search_document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(text, '')), 'A')
        || setweight(to_tsvector('english', coalesce(quote, '')), 'B')
        || setweight(to_tsvector('english', coalesce(span_exact, '')), 'C')
    ) STORED;
    """,
    "CREATE INDEX claim_search_idx ON factcheck_claim USING GIN (search_document);",
]
POSTGRES_BACKWARD = [
    "DROP INDEX claim_search_idx;",
    "ALTER TABLE factcheck_claim DROP COLUMN search_document;",
    "DROP TRIGGER factcheck_verificationevent_append_only ON factcheck_verificationevent;",
    "DROP FUNCTION factcheck_refuse_event_change();",
]

SQLITE_TRIGGERS = {
    "factcheck_verificationevent_no_update": "UPDATE",
    "factcheck_verificationevent_no_delete": "DELETE",
}
SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER {name} BEFORE {operation} ON factcheck_verificationevent
    BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}: {operation} refused on factcheck_verificationevent'); END;
    """
    for name, operation in SQLITE_TRIGGERS.items()
]
SQLITE_BACKWARD = [f"DROP TRIGGER {name};" for name in SQLITE_TRIGGERS]


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return operation


class Migration(migrations.Migration):
    dependencies = [("factcheck", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
