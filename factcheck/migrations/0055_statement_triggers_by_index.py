"""PostgreSQL: every statement trigger looks its statement's rows up by index (factcheck.tallies.PLANNED).

A trigger's function plans each of its statements once a session. In a new database, whose claims
migration 0053 analysed while there were none, an import's first chunk wrote its stories before its
claims: the stories' trigger planned the look-up of their claims for an empty table, as a whole-table
read, and kept that plan while the import wrote a million claims in one transaction, reading every
claim for each story of every chunk (30 minutes in, a sixth of the claims were written). With whole
table reads, hash and merge joins off, the plan is an index look-up whatever the table's size when
it was made. The tally triggers had the joins off already (factcheck_claimoutlet_claims_followed
too); the others are given all three, as is the facets function they and row triggers call.
"""

from django.db import migrations

STATEMENT_TRIGGER_FUNCTIONS = """
SELECT DISTINCT p.oid::regprocedure::text, p.proname FROM pg_trigger t
JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_class c ON c.oid = t.tgrelid
WHERE NOT t.tgisinternal AND t.tgtype & 1 = 0 AND c.relnamespace = current_schema()::regnamespace
"""
SETTINGS = ["enable_seqscan", "enable_hashjoin", "enable_mergejoin"]
# Called by statement triggers and row triggers alike, so planned once a session by whichever runs first.
CALLED = ["factcheck_claim_facets(bigint)"]


def planned_functions(schema_editor):
    """[(function, the settings 0055 gives it)]: the tally triggers' functions and
    factcheck_claimoutlet_claims_followed had the joins off already (factcheck.tallies.PLANNED, migration
    0049), and are given only the sequential scans off."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(STATEMENT_TRIGGER_FUNCTIONS)
        found = [*cursor.fetchall(), *((function, function) for function in CALLED)]
    joins_off = ("_tally_", "factcheck_claimoutlet_claims_followed")
    return [
        (function, SETTINGS[:1] if any(part in name for part in joins_off) else SETTINGS) for function, name in found
    ]


def by_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for function, _ in planned_functions(schema_editor):
            schema_editor.execute(f"ALTER FUNCTION {function} " + " ".join(f"SET {name} = off" for name in SETTINGS))


def as_before(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for function, given in planned_functions(schema_editor):
            schema_editor.execute(f"ALTER FUNCTION {function} " + " ".join(f"RESET {name}" for name in given))


class Migration(migrations.Migration):
    dependencies = [("factcheck", "0054_claim_attribution_facets")]

    operations = [migrations.RunPython(by_index, as_before)]
