"""PostgreSQL: the outlets a claim involves join its facets ("outlet:<outlet id>").

A search within an outlet and another filter (the top outlet's predictions, its claims by one
speaker, its relayed claims) could not walk the outlet's claims, and read every claim with the
words through the search index, probing ClaimOutlet for each: 200-280 ms at a million claims
for a phrase. As a facet, the index intersects the words' claims with the outlet's before
reading any claim, and with a venue, a relay state or an assignee in the same scan.

The facet follows ClaimOutlet (migration 0019), which triggers already keep equal to the
stories and appearances: an outlet is a facet of a claim while the claim has a row of it there,
in any role. Triggers on ClaimOutlet keep the facets, as migrations 0031 and 0032's do, reading
the outlets from the appearances and the story; a new row only sends its claim to be recomputed
when the claim lacks the outlet's facet, so that an import, which writes each new claim's outlets
with it (factcheck.importing.writing.facets_of), rewrites no claim.
"""

import importlib

from django.db import migrations

run = importlib.import_module("factcheck.migrations.0002_append_only_events_and_search").run
facets = importlib.import_module("factcheck.migrations.0031_claim_facets")
assignees = importlib.import_module("factcheck.migrations.0032_claim_assignee_facets")

# A claim's outlets, aggregated over its ClaimOutlet rows (the backfill's reading) or, in the
# facets function, over what those rows are made from: the appearances' outlets and the story's.
# The two agree once a statement ends; within one, the appearances' own trigger may run before
# ClaimOutlet's and must not drop an outlet ClaimOutlet has yet to record.
OUTLETS_OF_ROWS = "array_agg(DISTINCT 'outlet:' || outlet_id)"
OUTLETS = f"""
    SELECT coalesce({OUTLETS_OF_ROWS}, '{{}}') FROM (
        SELECT outlet_id FROM factcheck_appearance WHERE claim_id = claim AND outlet_id IS NOT NULL
        UNION SELECT a.outlet_id FROM factcheck_claim c JOIN factcheck_article a ON a.id = c.article_id WHERE c.id = claim
    ) AS outlets
"""


TRIGGER_FUNCTIONS = {
    # Only the claims that lack a new row's outlet: an import's claims come with theirs.
    "factcheck_claim_outlets_added": facets.REFACET.format(
        changed=assignees.NOT_MERGED.format(
            claims="SELECT added.claim_id FROM added JOIN factcheck_claim c ON c.id = added.claim_id"
            " WHERE NOT c.facets @> ARRAY['outlet:' || added.outlet_id]"
        )
    ),
    "factcheck_claim_outlets_changed": assignees.TRIGGER_FUNCTIONS["factcheck_claim_assignees_changed"],
}
TRIGGERS = assignees.facet_triggers(
    "factcheck_claimoutlet",
    "claim_id, outlet_id",
    added="factcheck_claim_outlets_added",
    changed="factcheck_claim_outlets_changed",
)
# New appearances: their claims locked (as 0031's REFACET does), then recomputed only where a
# claim lacks a facet an appearance implies: its venue, "relay:relayed" if it relays, its outlet
# (an appearance added takes no facet away). An import writes each claim's facets with it, so
# its appearances send no claim to the facets function: worked out for each, it cost a sixth
# of an import's time.
LACKING = """
    SELECT added.claim_id FROM added JOIN factcheck_claim c ON c.id = added.claim_id
    WHERE NOT c.facets @> ARRAY['venue:' || added.venue_type]
       OR (added.relayed_from_id IS NOT NULL AND NOT c.facets @> '{relay:relayed}')
       OR (added.outlet_id IS NOT NULL AND NOT c.facets @> ARRAY['outlet:' || added.outlet_id])
"""
APPEARANCES_ADDED = f"""
    PERFORM 1 FROM factcheck_claim WHERE id IN (SELECT claim_id FROM added) ORDER BY id FOR NO KEY UPDATE;
    UPDATE factcheck_claim c SET facets = factcheck_claim_facets(c.id)
    WHERE c.id IN ({LACKING}) AND c.merged_into_id IS NULL;
"""

# Every claim given its outlets once (merged claims too, as 0031's backfill gave them their venues).
BACKFILL = f"""
    UPDATE factcheck_claim c SET facets = c.facets || o.outlets
    FROM (SELECT claim_id, {OUTLETS_OF_ROWS} AS outlets FROM factcheck_claimoutlet GROUP BY claim_id) o
    WHERE c.id = o.claim_id
"""
UNDO_BACKFILL = """
    UPDATE factcheck_claim SET facets = ARRAY(SELECT f FROM unnest(facets) AS f WHERE NOT starts_with(f, 'outlet:'))
    WHERE id IN (SELECT claim_id FROM factcheck_claimoutlet)
"""


def backfill(statement):
    return [
        *(f"ALTER TABLE factcheck_claim DISABLE TRIGGER {name};" for name in facets.BACKFILL_TRIGGERS),
        statement,
        *(f"ALTER TABLE factcheck_claim ENABLE TRIGGER {name};" for name in facets.BACKFILL_TRIGGERS),
    ]


POSTGRES_FORWARD = [
    assignees.facets_function(assignees.ASSIGNEES, OUTLETS),
    assignees.trigger_function("factcheck_claim_facets_added", APPEARANCES_ADDED),
    *(assignees.trigger_function(name, body) for name, body in TRIGGER_FUNCTIONS.items()),
    *(f"CREATE TRIGGER {name} {definition};" for name, definition in TRIGGERS.items()),
    *backfill(BACKFILL),
]
POSTGRES_BACKWARD = [
    *(f"DROP TRIGGER {name} ON factcheck_claimoutlet;" for name in TRIGGERS),
    *(f"DROP FUNCTION {name}();" for name in TRIGGER_FUNCTIONS),
    assignees.trigger_function(
        "factcheck_claim_facets_added", facets.TRIGGER_FUNCTIONS["factcheck_claim_facets_added"]
    ),
    assignees.facets_function(assignees.ASSIGNEES),
    *backfill(UNDO_BACKFILL),
]


class Migration(migrations.Migration):
    dependencies = [
        ("factcheck", "0032_claim_assignee_facets"),
    ]

    operations = [
        migrations.RunPython(run({"postgresql": POSTGRES_FORWARD}), run({"postgresql": POSTGRES_BACKWARD})),
    ]
