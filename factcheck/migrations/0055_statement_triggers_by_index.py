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
JOINS = ["enable_hashjoin", "enable_mergejoin"]
# Called by statement triggers and row triggers alike, so planned once a session by whichever runs first.
CALLED = ["factcheck_claim_facets(bigint)"]


def had_joins_off(name):
    return "_tally_" in name or name == "factcheck_claimoutlet_claims_followed"


def statement_trigger_functions(schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(STATEMENT_TRIGGER_FUNCTIONS)
        return cursor.fetchall()


def by_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    functions = [function for function, _ in statement_trigger_functions(schema_editor)]
    for function in [*functions, *CALLED]:
        off = ["enable_seqscan", *JOINS]
        schema_editor.execute(f"ALTER FUNCTION {function} " + " ".join(f"SET {setting} = off" for setting in off))


def as_before(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    functions = [(function, name) for function, name in statement_trigger_functions(schema_editor)]
    for function, name in [*functions, *((function, function) for function in CALLED)]:
        reset = ["enable_seqscan", *([] if had_joins_off(name) else JOINS)]
        schema_editor.execute(f"ALTER FUNCTION {function} " + " ".join(f"RESET {setting}" for setting in reset))


class Migration(migrations.Migration):
    dependencies = [("factcheck", "0054_claim_attribution_facets")]

    operations = [migrations.RunPython(by_index, as_before)]
