"""PostgreSQL: a claim's attribution joins its own facets ("attribution:confirmed"), beside its status,
kind and speaker (migrations 0034 and 0053).

A search within an attribution and a relay state that seldom go together (a phrase within "relayed"
by another outlet and the attribution "confirmed": one claim of the 28,104 with the phrase and the
relay facet) read every claim the index gave for its attribution, or walked the attribution's
claims to keep none: 86-94 ms through the index, 363-749 walked, at a million claims. As a facet,
the search index intersects the attribution with the words and the other facets before reading a
claim. Written by the trigger that writes the claim's other own facets; the importer writes it with
each new claim (factcheck.importing.writing.facets_of).
"""

import importlib

from django.db import migrations

run = importlib.import_module("factcheck.migrations.0002_append_only_events_and_search").run
own = importlib.import_module("factcheck.migrations.0034_claim_status_and_kind_facets")
speakers = importlib.import_module("factcheck.migrations.0053_claim_speaker_facets")

OWN = (
    "ARRAY['status:' || {row}.status, 'kind:' || {row}.kind, 'speaker:' || {row}.speaker_id,"
    " 'attribution:' || {row}.attribution]"
)
OWN_OF_CLAIM = f"SELECT {OWN.format(row='c')} FROM factcheck_claim c WHERE c.id = claim"
NOT_OWN = (
    "SELECT f FROM unnest({facets}) AS f WHERE NOT (starts_with(f, 'status:') OR starts_with(f, 'kind:')"
    " OR starts_with(f, 'speaker:') OR starts_with(f, 'attribution:'))"
)
OWN_FACETS_FUNCTION = f"""
    CREATE OR REPLACE FUNCTION factcheck_claim_own_facets() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        NEW.facets := ARRAY({NOT_OWN.format(facets="NEW.facets")}) || {OWN.format(row="NEW")};
        RETURN NEW;
    END; $$;
"""
# 0053's triggers, the attribution added to what they watch.
TRIGGERS = {
    "factcheck_claim_own_facets_inserted": f"""
        BEFORE INSERT ON factcheck_claim FOR EACH ROW WHEN (NOT NEW.facets @> {OWN.format(row="NEW")})
    """,
    "factcheck_claim_own_facets_changed": """
        BEFORE UPDATE OF status, kind, speaker_id, attribution, facets ON factcheck_claim FOR EACH ROW
        WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.kind IS DISTINCT FROM NEW.kind
              OR OLD.speaker_id IS DISTINCT FROM NEW.speaker_id OR OLD.attribution IS DISTINCT FROM NEW.attribution
              OR OLD.facets IS DISTINCT FROM NEW.facets)
    """,
}


def backfill(own_sql):
    """Every claim's own facets written anew as `own_sql` gives them, its others kept."""
    return (
        f"UPDATE factcheck_claim c SET facets = ARRAY({NOT_OWN.format(facets='c.facets')}) || {own_sql.format(row='c')}"
    )


BACKFILL = backfill(OWN)

POSTGRES_FORWARD = [
    speakers.facets_function(OWN_OF_CLAIM),
    *speakers.own_facets(OWN_FACETS_FUNCTION, BACKFILL, TRIGGERS),
]
# Back to 0053's own facets: every attribution's taken out of every claim's.
POSTGRES_BACKWARD = [
    speakers.facets_function(speakers.OWN_OF_CLAIM),
    *speakers.own_facets(speakers.OWN_FACETS_FUNCTION, backfill(speakers.OWN), speakers.TRIGGERS),
]


class Migration(migrations.Migration):
    dependencies = [("factcheck", "0053_claim_speaker_facets")]

    operations = [
        migrations.RunPython(run({"postgresql": POSTGRES_FORWARD}), run({"postgresql": POSTGRES_BACKWARD})),
    ]
