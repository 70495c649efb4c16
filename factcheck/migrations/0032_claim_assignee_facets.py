"""PostgreSQL: the people a claim is assigned to join its facets ("assignee:<user id>").

A search within one person's claims (assignee=me) read every claim with the words through the
search index and probed the assignments for each: 83,000 claims for a phrase at a million
claims, 250-270 ms. Gathered first by id, a person's 20,000 claims were joined and sorted whole
(200 ms for a page with no search). As a facet, the search index intersects the words' claims
with the person's before reading any claim, and the queue, walking its index, reads the facet
from the row.

Triggers on the assignments keep it exact, as migration 0031's keep the venues: per statement
for inserts, per row for updates and deletes, each locking the claims it recomputes. The
facets function now reads both tables, so the appearances' triggers keep a claim's assignees
too, and a claim inserted after its assignment in one transaction is given it.
"""

import importlib

from django.db import migrations

run = importlib.import_module("factcheck.migrations.0002_append_only_events_and_search").run
facets = importlib.import_module("factcheck.migrations.0031_claim_facets")

# A claim's assignees, in the facets function (`claim` is its argument).
ASSIGNEES = (
    "SELECT coalesce(array_agg(DISTINCT 'assignee:' || assignee_id), '{}') FROM factcheck_assignment"
    " WHERE claim_id = claim"
)


def facets_function(*more):
    """factcheck_claim_facets(claim): what its appearances say, then each of `more` (a query of
    the claim's other facets, as a text[]): its assignees here, its outlets from 0033 on."""
    others = "".join(f" || ({query})" for query in more)
    return f"""
        CREATE OR REPLACE FUNCTION factcheck_claim_facets(claim bigint) RETURNS text[] LANGUAGE sql STABLE AS $$
            SELECT (SELECT {facets.FACETS_OF_APPEARANCES} FROM factcheck_appearance WHERE claim_id = claim){others}
        $$;
    """


def trigger_function(name, body):
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} RETURN NULL; END; $$;"
    )


# A merged claim's row is read-only (migration 0016) and never listed: its facets stay as they
# were when it was merged, and its assignments, which stay on it, are not followed.
NOT_MERGED = "SELECT id FROM factcheck_claim WHERE merged_into_id IS NULL AND id IN ({claims})"
TRIGGER_FUNCTIONS = {
    "factcheck_claim_assignees_added": facets.REFACET.format(
        changed=NOT_MERGED.format(claims="SELECT claim_id FROM added")
    ),
    # NEW is null for a deletion; OLD and NEW name the same claim unless the assignment moved.
    "factcheck_claim_assignees_changed": facets.REFACET.format(
        changed=NOT_MERGED.format(claims="OLD.claim_id, NEW.claim_id")
    ),
}


def facet_triggers(table, columns, *, added, changed):
    """{name: definition} of the two triggers that keep the claims' facets from `table`: per
    statement for inserts (function `added`), per row for deletions and updates of `columns`."""
    return {
        f"{table}_facets_added": f"""
            AFTER INSERT ON {table} REFERENCING NEW TABLE AS added
            FOR EACH STATEMENT EXECUTE FUNCTION {added}()
        """,
        f"{table}_facets_changed": f"""
            AFTER DELETE OR UPDATE OF {columns} ON {table}
            FOR EACH ROW EXECUTE FUNCTION {changed}()
        """,
    }


TRIGGERS = facet_triggers(
    "factcheck_assignment",
    "claim_id, assignee_id",
    added="factcheck_claim_assignees_added",
    changed="factcheck_claim_assignees_changed",
)
# A claim recorded after its appearances or its assignments in the same transaction.
RECORDED = facets.REFACET.format(
    changed="SELECT a.claim_id FROM added JOIN factcheck_appearance a ON a.claim_id = added.id"
    " UNION SELECT s.claim_id FROM added JOIN factcheck_assignment s ON s.claim_id = added.id"
)
# Only the claims someone is assigned to change: a few, whatever the number of claims.
BACKFILL = """
    UPDATE factcheck_claim SET facets = factcheck_claim_facets(id)
    WHERE merged_into_id IS NULL AND id IN (SELECT claim_id FROM factcheck_assignment)
"""

POSTGRES_FORWARD = [
    facets_function(ASSIGNEES),
    *(trigger_function(name, body) for name, body in TRIGGER_FUNCTIONS.items()),
    *(f"CREATE TRIGGER {name} {definition};" for name, definition in TRIGGERS.items()),
    trigger_function("factcheck_claim_facets_recorded", RECORDED),
    BACKFILL,
]
POSTGRES_BACKWARD = [
    *(f"DROP TRIGGER {name} ON factcheck_assignment;" for name in TRIGGERS),
    *(f"DROP FUNCTION {name}();" for name in TRIGGER_FUNCTIONS),
    trigger_function("factcheck_claim_facets_recorded", facets.TRIGGER_FUNCTIONS["factcheck_claim_facets_recorded"]),
    facets_function(),
    BACKFILL,
]


class Migration(migrations.Migration):
    dependencies = [
        ("factcheck", "0031_claim_facets"),
    ]

    operations = [
        migrations.RunPython(run({"postgresql": POSTGRES_FORWARD}), run({"postgresql": POSTGRES_BACKWARD})),
    ]
