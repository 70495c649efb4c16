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
speakers = importlib.import_module("factcheck.migrations.0053_claim_speaker_facets")

ATTRIBUTION_FACETS = speakers.OwnFacets({**speakers.SPEAKER_FACETS.columns, "attribution": "attribution"})
BACKFILL = ATTRIBUTION_FACETS.backfill()

POSTGRES_FORWARD = [
    speakers.facets_function(ATTRIBUTION_FACETS.of_claim),
    *speakers.own_facets(ATTRIBUTION_FACETS.function, BACKFILL, ATTRIBUTION_FACETS.triggers),
]
# Back to 0053's own facets: every attribution's taken out of every claim's.
POSTGRES_BACKWARD = [
    speakers.facets_function(speakers.OWN_OF_CLAIM),
    *speakers.own_facets(
        speakers.SPEAKER_FACETS.function, ATTRIBUTION_FACETS.backfill(speakers.OWN), speakers.SPEAKER_FACETS.triggers
    ),
]


class Migration(migrations.Migration):
    dependencies = [("factcheck", "0053_claim_speaker_facets")]

    operations = [
        migrations.RunPython(run({"postgresql": POSTGRES_FORWARD}), run({"postgresql": POSTGRES_BACKWARD})),
    ]
