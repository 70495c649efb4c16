"""PostgreSQL: each claim carries its facets, its venues and relay state, indexed with its words.

A search within a venue or a relay state ("drones" in interviews, relayed) was answered by
reading every claim with the words and probing its appearances for each: 83,000 probes for a
phrase at a million claims, or, as the planner preferred, walking 640,000 claims (0.6-0.8 s).
The facets live on the claim row, `facets` (text[]: "venue:interview", ..., and "relay:direct"
or "relay:relayed"), and the search index covers (search_document, facets): GIN intersects the
words' claims with the facet's in the index, and only the claims with both are read (27 ms).
Without a search, the facets are read from the row as the queue walks it, with no probe.

Like search_document, the column is PostgreSQL's alone and not declared on the model: SQLite
filters through the appearances as before. It is derived, never written by the app: triggers
keep it exact whatever road writes appearances (the ORM, bulk_create, COPY, raw SQL), per
statement for inserts (an import's COPY), per row for updates and deletes, each locking the
claims it recomputes (two writers of one claim's appearances at once). The importer writes
each new claim's facets with the claim (factcheck.importing.writing.facets_of), so that the
appearances it then COPYs leave it as it is; the triggers check it all the same.
"""

import importlib

from django.db import migrations

run = importlib.import_module("factcheck.migrations.0002_append_only_events_and_search").run

# A claim's facets, aggregated over its appearances: none (a claim recorded without one) is direct.
FACETS_OF_APPEARANCES = """
    coalesce(array_agg(DISTINCT 'venue:' || venue_type), '{}')
    || CASE WHEN bool_or(relayed_from_id IS NOT NULL) THEN 'relay:relayed' ELSE 'relay:direct' END
"""
FACETS_FUNCTION = f"""
    CREATE FUNCTION factcheck_claim_facets(claim bigint) RETURNS text[] LANGUAGE sql STABLE AS $$
        SELECT {FACETS_OF_APPEARANCES} FROM factcheck_appearance WHERE claim_id = claim
    $$;
"""
# The claims in `changed` (a query of claim ids) given their facets, where they differ as sets.
# The claims are locked first, and the facets read by the next statement, which sees what was
# committed meanwhile: two transactions writing one claim's appearances at once (an editor and
# an import) then each read the other's, where the UPDATE alone would work from the snapshot it
# started with and could write one of them over the other.
REFACET = """
    PERFORM 1 FROM factcheck_claim WHERE id IN ({changed}) ORDER BY id FOR NO KEY UPDATE;
    UPDATE factcheck_claim c SET facets = f.facets
    FROM (SELECT id, factcheck_claim_facets(id) AS facets FROM ({changed}) AS changed (id)) f
    WHERE c.id = f.id AND NOT (c.facets @> f.facets AND c.facets <@ f.facets);
"""
TRIGGER_FUNCTIONS = {
    "factcheck_claim_facets_added": REFACET.format(changed="SELECT DISTINCT claim_id FROM added"),
    # NEW is null for a deletion; OLD and NEW name the same claim unless the appearance moved.
    "factcheck_claim_facets_changed": REFACET.format(
        changed="SELECT DISTINCT id FROM (VALUES (OLD.claim_id), (NEW.claim_id)) AS claims (id) WHERE id IS NOT NULL"
    ),
    # A claim whose appearances came first in its transaction (the foreign key is checked at the
    # commit: a fixture may list them first). An import's new claims have none yet.
    "factcheck_claim_facets_recorded": REFACET.format(
        changed="SELECT DISTINCT a.claim_id FROM added JOIN factcheck_appearance a ON a.claim_id = added.id"
    ),
}
TRIGGERS = {
    "factcheck_appearance_facets_added": """
        AFTER INSERT ON factcheck_appearance REFERENCING NEW TABLE AS added
        FOR EACH STATEMENT EXECUTE FUNCTION factcheck_claim_facets_added()
    """,
    "factcheck_appearance_facets_changed": """
        AFTER DELETE OR UPDATE OF claim_id, venue_type, relayed_from_id ON factcheck_appearance
        FOR EACH ROW EXECUTE FUNCTION factcheck_claim_facets_changed()
    """,
    "factcheck_claim_facets_recorded": """
        AFTER INSERT ON factcheck_claim REFERENCING NEW TABLE AS added
        FOR EACH STATEMENT EXECUTE FUNCTION factcheck_claim_facets_recorded()
    """,
}
TRIGGER_TABLES = {
    "factcheck_appearance_facets_added": "factcheck_appearance",
    "factcheck_appearance_facets_changed": "factcheck_appearance",
    "factcheck_claim_facets_recorded": "factcheck_claim",
}
# Every claim given its facets once, merged claims too (their rows are read-only: the guard of
# migration 0016 stands aside), without the tallies' trigger, which would find nothing to count
# in a million claims' changes.
BACKFILL_TRIGGERS = ["factcheck_claim_merged_read_only", "factcheck_claim_tally_update"]
BACKFILL = f"""
    UPDATE factcheck_claim c SET facets = f.facets
    FROM (
        SELECT claim_id, {FACETS_OF_APPEARANCES} AS facets FROM factcheck_appearance GROUP BY claim_id
    ) f
    WHERE c.id = f.claim_id
"""

POSTGRES_FORWARD = [
    "ALTER TABLE factcheck_claim ADD COLUMN facets text[] NOT NULL DEFAULT '{relay:direct}';",
    FACETS_FUNCTION,
    *(
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} RETURN NULL; END; $$;"
        for name, body in TRIGGER_FUNCTIONS.items()
    ),
    *(f"CREATE TRIGGER {name} {definition};" for name, definition in TRIGGERS.items()),
    *(f"ALTER TABLE factcheck_claim DISABLE TRIGGER {name};" for name in BACKFILL_TRIGGERS),
    BACKFILL,
    *(f"ALTER TABLE factcheck_claim ENABLE TRIGGER {name};" for name in BACKFILL_TRIGGERS),
    "DROP INDEX claim_search_idx;",
    "CREATE INDEX claim_search_idx ON factcheck_claim USING GIN (search_document, facets);",
]
POSTGRES_BACKWARD = [
    "DROP INDEX claim_search_idx;",
    "CREATE INDEX claim_search_idx ON factcheck_claim USING GIN (search_document);",
    *(f"DROP TRIGGER {name} ON {table};" for name, table in TRIGGER_TABLES.items()),
    *(f"DROP FUNCTION {name}();" for name in TRIGGER_FUNCTIONS),
    "DROP FUNCTION factcheck_claim_facets(bigint);",
    "ALTER TABLE factcheck_claim DROP COLUMN facets;",
]


class Migration(migrations.Migration):
    dependencies = [
        ("factcheck", "0030_claim_outlets_newest_first"),
    ]

    operations = [
        migrations.RunPython(run({"postgresql": POSTGRES_FORWARD}), run({"postgresql": POSTGRES_BACKWARD})),
    ]
