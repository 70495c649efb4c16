"""PostgreSQL: the facets triggers (migrations 0031-0033) cost the same whatever the planner believes.

Each trigger found the claims to recompute by joining the new rows to the claims, inside a second
look-up of the claims ("merged_into_id IS NULL AND id IN (...)"), and worked the facets out in a
subquery its UPDATE could flatten. Where the claims table looks empty to the planner (a new
database, whose claims migration 0044 analysed before there were any, or one autovacuum analysed
nearly empty), it chose a nested loop that scanned every claim once for each claim, and
evaluated the facets function in the join's filter for every claim: a hundred claims, each with
two appearances, took 8.0 s to write and called the function 32,300 times (the tests' way of
writing, `pg_stat_xact_user_functions`). The same on tables never analysed took 3.3 s.

Now each trigger joins its new rows to the claims once, and the facets are worked out in a
MATERIALIZED CTE: once per claim that changes, whatever the plan. The appearances' trigger, which
recomputes only the claims lacking a facet, reads them the same way.
"""

import importlib

from django.db import migrations

run = importlib.import_module("factcheck.migrations.0002_append_only_events_and_search").run
facets = importlib.import_module("factcheck.migrations.0031_claim_facets")
assignees = importlib.import_module("factcheck.migrations.0032_claim_assignee_facets")
outlets = importlib.import_module("factcheck.migrations.0033_claim_outlet_facets")
own = importlib.import_module("factcheck.migrations.0034_claim_status_and_kind_facets")

# The facets function as 0034 left it, in PL/pgSQL, which plans its query once a session; in SQL,
# not inlined, it was planned anew at every call (0.75 ms of its 0.9 ms, where claims are few).
FACETS_FUNCTION = f"""
    CREATE OR REPLACE FUNCTION factcheck_claim_facets(claim bigint) RETURNS text[] LANGUAGE plpgsql STABLE AS $$ BEGIN
        RETURN (SELECT {facets.FACETS_OF_APPEARANCES} FROM factcheck_appearance WHERE claim_id = claim)
            || ({assignees.ASSIGNEES}) || ({outlets.OUTLETS}) || ({own.OWN_OF_CLAIM});
    END; $$;
"""

# The claims in `changed` (a query of claim ids, none merged) locked, then given their facets
# where they differ as sets; the facets read by the second statement, as 0031's REFACET explains.
LOCK = "PERFORM 1 FROM factcheck_claim WHERE id IN ({changed}) ORDER BY id FOR NO KEY UPDATE;"
SET_FACETS = """
    WITH f AS MATERIALIZED (SELECT id, factcheck_claim_facets(id) AS facets FROM ({changed}) AS changed (id))
    UPDATE factcheck_claim c SET facets = f.facets FROM f
    WHERE c.id = f.id AND NOT (c.facets @> f.facets AND c.facets <@ f.facets);
"""
REFACET = LOCK + SET_FACETS
# The claims of the rows added (`added`, with a claim_id) that are not merged and, where
# `lacking` is given, lack the facet it names.
ADDED_CLAIMS = """
    SELECT DISTINCT c.id FROM added JOIN factcheck_claim c ON c.id = added.claim_id
    WHERE c.merged_into_id IS NULL{lacking}
"""
OUTLET_LACKING = " AND NOT c.facets @> ARRAY['outlet:' || added.outlet_id]"
APPEARANCE_LACKING = """ AND (
        NOT c.facets @> ARRAY['venue:' || added.venue_type]
        OR (added.relayed_from_id IS NOT NULL AND NOT c.facets @> '{relay:relayed}')
        OR (added.outlet_id IS NOT NULL AND NOT c.facets @> ARRAY['outlet:' || added.outlet_id])
    )"""
# The appearances' own statement: every claim of the new rows locked, and only those lacking a
# facet an appearance implies recomputed (an appearance added takes none away; 0033).
APPEARANCES_ADDED = LOCK.format(changed="SELECT claim_id FROM added") + SET_FACETS.format(
    changed=ADDED_CLAIMS.format(lacking=APPEARANCE_LACKING)
)

# The claims of a row updated or deleted: OLD and NEW name the same one unless the row moved.
MOVED = "SELECT DISTINCT id FROM (VALUES (OLD.claim_id), (NEW.claim_id)) AS claims (id) WHERE id IS NOT NULL"
NOT_MERGED_MOVED = assignees.NOT_MERGED.format(claims="OLD.claim_id, NEW.claim_id")
# A claim recorded after its appearances or its assignments in the same transaction (0032).
RECORDED = """
    SELECT a.claim_id FROM added JOIN factcheck_appearance a ON a.claim_id = added.id
    UNION SELECT s.claim_id FROM added JOIN factcheck_assignment s ON s.claim_id = added.id
"""
FORWARD = {
    "factcheck_claim_facets_added": APPEARANCES_ADDED,
    "factcheck_claim_facets_changed": REFACET.format(changed=MOVED),
    "factcheck_claim_facets_recorded": REFACET.format(changed=RECORDED),
    "factcheck_claim_assignees_added": REFACET.format(changed=ADDED_CLAIMS.format(lacking="")),
    "factcheck_claim_assignees_changed": REFACET.format(changed=NOT_MERGED_MOVED),
    "factcheck_claim_outlets_added": REFACET.format(changed=ADDED_CLAIMS.format(lacking=OUTLET_LACKING)),
    "factcheck_claim_outlets_changed": REFACET.format(changed=NOT_MERGED_MOVED),
}
BACKWARD = {
    "factcheck_claim_facets_added": outlets.APPEARANCES_ADDED,
    "factcheck_claim_facets_changed": facets.TRIGGER_FUNCTIONS["factcheck_claim_facets_changed"],
    "factcheck_claim_facets_recorded": assignees.RECORDED,
    **assignees.TRIGGER_FUNCTIONS,
    **outlets.TRIGGER_FUNCTIONS,
}

POSTGRES_FORWARD = [FACETS_FUNCTION, *(assignees.trigger_function(name, body) for name, body in FORWARD.items())]
POSTGRES_BACKWARD = [
    assignees.facets_function(assignees.ASSIGNEES, outlets.OUTLETS, own.OWN_OF_CLAIM),
    *(assignees.trigger_function(name, body) for name, body in BACKWARD.items()),
]


class Migration(migrations.Migration):
    dependencies = [("factcheck", "0045_correction_placement")]

    operations = [
        migrations.RunPython(run({"postgresql": POSTGRES_FORWARD}), run({"postgresql": POSTGRES_BACKWARD})),
    ]
