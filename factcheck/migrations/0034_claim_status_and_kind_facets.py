"""PostgreSQL: a claim's status and kind join its facets ("status:verified", "kind:prediction").

A search within a status and a kind that each keep a fifth of the claims or less (a prediction
and verified, a speaker's predictions) read every claim with the words through the search index
and kept the few on those two, or walked the newest claims and read five to twenty for each one
it kept: 150-230 ms for a phrase at a million claims. As facets, the search index intersects the
words' claims with the status's and the kind's before reading any claim, as it does a venue's.

Unlike the other facets, these two are the claim's own columns: a trigger before each insert and
each update of them writes them into the row being written, so that a status change rewrites no
other row, and the facets function reads them from the claim's row (the triggers of migrations
0031-0033 compare what it gives with what the row holds). The importer writes them with each new
claim (factcheck.importing.writing.facets_of), and the insert trigger then stands aside.
"""

import importlib

from django.db import migrations

run = importlib.import_module("factcheck.migrations.0002_append_only_events_and_search").run
facets = importlib.import_module("factcheck.migrations.0031_claim_facets")
assignees = importlib.import_module("factcheck.migrations.0032_claim_assignee_facets")
outlets = importlib.import_module("factcheck.migrations.0033_claim_outlet_facets")

OWN = "ARRAY['status:' || {row}.status, 'kind:' || {row}.kind]"
# In the facets function (`claim` is its argument).
OWN_OF_CLAIM = f"SELECT {OWN.format(row='c')} FROM factcheck_claim c WHERE c.id = claim"
NOT_OWN = "SELECT f FROM unnest({facets}) AS f WHERE NOT (starts_with(f, 'status:') OR starts_with(f, 'kind:'))"
OWN_FACETS_FUNCTION = f"""
    CREATE FUNCTION factcheck_claim_own_facets() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        NEW.facets := ARRAY({NOT_OWN.format(facets="NEW.facets")}) || {OWN.format(row="NEW")};
        RETURN NEW;
    END; $$;
"""
# Fired for an insert whose row lacks its own status and kind (the ORM's, whose row takes the
# column's default; an import's carry them), and for an update of the status, the kind or the
# facets, whose own values are then written anew: whatever the facets were given, they name the
# row's status and kind, and no other.
TRIGGERS = {
    "factcheck_claim_own_facets_inserted": f"""
        BEFORE INSERT ON factcheck_claim FOR EACH ROW WHEN (NOT NEW.facets @> {OWN.format(row="NEW")})
    """,
    "factcheck_claim_own_facets_changed": """
        BEFORE UPDATE OF status, kind, facets ON factcheck_claim FOR EACH ROW
        WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.kind IS DISTINCT FROM NEW.kind
              OR OLD.facets IS DISTINCT FROM NEW.facets)
    """,
}
# Any status or kind the facets held before (the importer writes them from this version on, even
# into a database not yet migrated) replaced by the row's.
BACKFILL = f"UPDATE factcheck_claim c SET facets = ARRAY({NOT_OWN.format(facets='c.facets')}) || {OWN.format(row='c')}"
UNDO_BACKFILL = f"UPDATE factcheck_claim SET facets = ARRAY({NOT_OWN.format(facets='facets')})"

POSTGRES_FORWARD = [
    assignees.facets_function(assignees.ASSIGNEES, outlets.OUTLETS, OWN_OF_CLAIM),
    OWN_FACETS_FUNCTION,
    *outlets.backfill(BACKFILL),
    *(
        f"CREATE TRIGGER {name} {when} EXECUTE FUNCTION factcheck_claim_own_facets();"
        for name, when in TRIGGERS.items()
    ),
]
POSTGRES_BACKWARD = [
    *(f"DROP TRIGGER {name} ON factcheck_claim;" for name in TRIGGERS),
    "DROP FUNCTION factcheck_claim_own_facets();",
    assignees.facets_function(assignees.ASSIGNEES, outlets.OUTLETS),
    *outlets.backfill(UNDO_BACKFILL),
]


class Migration(migrations.Migration):
    dependencies = [
        ("factcheck", "0033_claim_outlet_facets"),
    ]

    operations = [
        migrations.RunPython(run({"postgresql": POSTGRES_FORWARD}), run({"postgresql": POSTGRES_BACKWARD})),
    ]
