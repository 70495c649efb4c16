"""PostgreSQL: a claim's speaker joins its facets ("speaker:<speaker id>"), beside its status and kind.

A search within an outlet and a speaker (a phrase, the top outlet, the top speaker: one claim in
seven) intersected the words' claims with the outlet's facet and then read every one of them to
keep the speaker's: 16,000 claims read for a phrase at a million claims, 53-67 ms. As a facet,
the search index intersects the words with the outlet and the speaker before reading any claim.

The speaker is the claim's own column, as its status and kind are (migration 0034): the same
trigger writes it into the row being written, on an insert and on an update of the speaker, so
that moving a claim to another speaker (an attribution corrected, two speakers merged) rewrites
no other row. The importer writes it with each new claim (factcheck.importing.writing.facets_of).
"""

import importlib
from typing import NamedTuple

from django.db import migrations

run = importlib.import_module("factcheck.migrations.0002_append_only_events_and_search").run
facets = importlib.import_module("factcheck.migrations.0031_claim_facets")
own = importlib.import_module("factcheck.migrations.0034_claim_status_and_kind_facets")
relays = importlib.import_module("factcheck.migrations.0047_relayed_by_another_outlet")


class OwnFacets(NamedTuple):
    """The SQL of a claim's own facets, those written from its own columns ({facet: its column}) into
    the row being written by a trigger: 0034's status and kind, and from here on more."""

    columns: dict

    @property
    def own(self):
        """The facets, as an array of the row named {row}."""
        return "ARRAY[" + ", ".join(f"'{facet}:' || {{row}}.{column}" for facet, column in self.columns.items()) + "]"

    @property
    def not_own(self):
        """The other facets of the array named {facets}."""
        kept = " OR ".join(f"starts_with(f, '{facet}:')" for facet in self.columns)
        return f"SELECT f FROM unnest({{facets}}) AS f WHERE NOT ({kept})"

    @property
    def of_claim(self):
        """The facets, in the facets function (`claim` is its argument)."""
        return f"SELECT {self.own.format(row='c')} FROM factcheck_claim c WHERE c.id = claim"

    @property
    def function(self):
        """The trigger function: the row's own facets written anew, its others kept."""
        return f"""
            CREATE OR REPLACE FUNCTION factcheck_claim_own_facets() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
                NEW.facets := ARRAY({self.not_own.format(facets="NEW.facets")}) || {self.own.format(row="NEW")};
                RETURN NEW;
            END; $$;
        """

    @property
    def triggers(self):
        """0034's triggers, watching these columns: an insert whose row lacks its own facets (an import's
        carry them), an update of any of them or of the facets."""
        columns = [*self.columns.values(), "facets"]
        changed = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in columns)
        return {
            "factcheck_claim_own_facets_inserted": f"""
                BEFORE INSERT ON factcheck_claim FOR EACH ROW WHEN (NOT NEW.facets @> {self.own.format(row="NEW")})
            """,
            "factcheck_claim_own_facets_changed": f"""
                BEFORE UPDATE OF {", ".join(columns)} ON factcheck_claim FOR EACH ROW WHEN ({changed})
            """,
        }

    def backfill(self, own_sql=None):
        """Every claim's own facets written anew (as `own_sql` gives them, else these), its others and any
        of these it no longer has taken out."""
        own_sql = own_sql or self.own
        return (
            f"UPDATE factcheck_claim c SET facets = ARRAY({self.not_own.format(facets='c.facets')})"
            f" || {own_sql.format(row='c')}"
        )


SPEAKER_FACETS = OwnFacets({"status": "status", "kind": "kind", "speaker": "speaker_id"})
OWN, OWN_OF_CLAIM, BACKFILL = SPEAKER_FACETS.own, SPEAKER_FACETS.of_claim, SPEAKER_FACETS.backfill()


def facets_function(own_of_claim):
    """0047's facets function, with `own_of_claim` for the claim's own facets."""
    assert own.OWN_OF_CLAIM in relays.FACETS_FUNCTION
    return relays.FACETS_FUNCTION.replace(own.OWN_OF_CLAIM, own_of_claim)


# Set aside while every claim is rewritten: 0031's (the read-only guard of merged claims, the tallies)
# and 0049's, which would compare each claim's outlets with ClaimOutlet to change nothing.
BACKFILL_TRIGGERS = [*facets.BACKFILL_TRIGGERS, "factcheck_claim_outlets_followed"]


def own_facets(function, backfill, triggers):
    """The trigger function, every claim's own facets written anew by `backfill`, then the triggers
    (created after, they leave the backfill's rows alone) and the search index, made again: quicker
    built whole than kept up through a million rows rewritten."""
    return [
        *(f"DROP TRIGGER {name} ON factcheck_claim;" for name in triggers),
        function,
        "DROP INDEX claim_search_idx;",
        *(f"ALTER TABLE factcheck_claim DISABLE TRIGGER {name};" for name in BACKFILL_TRIGGERS),
        backfill,
        *(f"ALTER TABLE factcheck_claim ENABLE TRIGGER {name};" for name in BACKFILL_TRIGGERS),
        *(
            f"CREATE TRIGGER {name} {when} EXECUTE FUNCTION factcheck_claim_own_facets();"
            for name, when in triggers.items()
        ),
        "CREATE INDEX claim_search_idx ON factcheck_claim USING GIN (search_document, facets);",
        "ANALYZE factcheck_claim;",
    ]


POSTGRES_FORWARD = [
    facets_function(OWN_OF_CLAIM),
    *own_facets(SPEAKER_FACETS.function, BACKFILL, SPEAKER_FACETS.triggers),
]
# Back to 0034's own facets: any speaker's taken out of every claim's.
POSTGRES_BACKWARD = [
    facets_function(own.OWN_OF_CLAIM),
    *own_facets(
        own.OWN_FACETS_FUNCTION.replace("CREATE", "CREATE OR REPLACE", 1),
        SPEAKER_FACETS.backfill(own.OWN),
        own.TRIGGERS,
    ),
]


class Migration(migrations.Migration):
    dependencies = [("factcheck", "0052_exportjob_file_removed_at")]

    operations = [
        migrations.RunPython(run({"postgresql": POSTGRES_FORWARD}), run({"postgresql": POSTGRES_BACKWARD})),
    ]
