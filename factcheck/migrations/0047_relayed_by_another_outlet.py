"""PostgreSQL: a claim's relay facet says whether another outlet passed it on, as its page does.

The facet was "relay:relayed" for any appearance relaying another, the story's own outlet's
included: public remarks reported by the newsroom itself were "Relayed" in the queue and its
filter, and "Direct" on the claim's page, which reads the chain as the attribution defaults do
(verification.implied_attribution). Five of the demo's eighteen claims read both ways.

Now the facet follows verification.relayed_by_another: relayed when an appearance relaying
another is not the story's outlet's (any outlet's, for a story with none), or where the words
start at another outlet's report or a statement made to another outlet. The story's outlet is
read from the claim's article: a claim moved to another story, or a story moved to another
outlet, changes its ClaimOutlet rows, whose triggers (0046) give the claim its facets again.
An appearance added recomputes its claim when it may make it relayed; it never makes one direct.
"""

import importlib

from django.db import migrations

run = importlib.import_module("factcheck.migrations.0002_append_only_events_and_search").run
assignees = importlib.import_module("factcheck.migrations.0032_claim_assignee_facets")
outlets = importlib.import_module("factcheck.migrations.0033_claim_outlet_facets")
own = importlib.import_module("factcheck.migrations.0034_claim_status_and_kind_facets")
before = importlib.import_module("factcheck.migrations.0046_facets_whatever_the_statistics")

TOLD_TO_AN_OUTLET = "('statement_to_outlet', 'interview', 'anonymous_briefing')"  # verification.TOLD_TO_AN_OUTLET
# The venues an appearance may make its claim relayed by (with any appearance relaying another).
STARTS_ELSEWHERE = f"('relayed_report', {TOLD_TO_AN_OUTLET[1:-1]})"
# An appearance that makes its claim relayed, `newsroom` the story's outlet (0: no outlet has it).
RELAYED_BY_ANOTHER = f"""
    (relayed_from_id IS NOT NULL AND outlet_id IS DISTINCT FROM newsroom)
    OR (relayed_from_id IS NULL AND (venue_type = 'relayed_report'
        OR (venue_type IN {TOLD_TO_AN_OUTLET} AND outlet_id IS NOT NULL AND outlet_id <> newsroom)))
"""
FACETS_FUNCTION = f"""
    CREATE OR REPLACE FUNCTION factcheck_claim_facets(claim bigint) RETURNS text[] LANGUAGE plpgsql STABLE AS $$
    DECLARE
        newsroom bigint := coalesce((
            SELECT a.outlet_id FROM factcheck_claim c JOIN factcheck_article a ON a.id = c.article_id WHERE c.id = claim
        ), 0);
    BEGIN
        RETURN (
            SELECT coalesce(array_agg(DISTINCT 'venue:' || venue_type), '{{}}')
                || CASE WHEN bool_or({RELAYED_BY_ANOTHER}) THEN 'relay:relayed' ELSE 'relay:direct' END
            FROM factcheck_appearance WHERE claim_id = claim
        ) || ({assignees.ASSIGNEES}) || ({outlets.OUTLETS}) || ({own.OWN_OF_CLAIM});
    END; $$;
"""
APPEARANCE_LACKING = f""" AND (
        NOT c.facets @> ARRAY['venue:' || added.venue_type]
        OR (NOT c.facets @> '{{relay:relayed}}'
            AND (added.relayed_from_id IS NOT NULL OR added.venue_type IN {STARTS_ELSEWHERE}))
        OR (added.outlet_id IS NOT NULL AND NOT c.facets @> ARRAY['outlet:' || added.outlet_id])
    )"""
APPEARANCES_ADDED = before.LOCK.format(changed="SELECT claim_id FROM added") + before.SET_FACETS.format(
    changed=before.ADDED_CLAIMS.format(lacking=APPEARANCE_LACKING)
)
# The claims whose relay facet the rule may change: those with a relay, or words that start at a
# report or a statement to an outlet. A merged claim's row is read-only, and never listed.
REFACET_RELAYS = f"""
    UPDATE factcheck_claim c SET facets = f.facets FROM (
        SELECT id, factcheck_claim_facets(id) AS facets FROM factcheck_claim
        WHERE merged_into_id IS NULL AND id IN (
            SELECT claim_id FROM factcheck_appearance WHERE relayed_from_id IS NOT NULL OR venue_type IN {STARTS_ELSEWHERE}
        )
    ) f
    WHERE c.id = f.id AND NOT (c.facets @> f.facets AND c.facets <@ f.facets);
"""

POSTGRES_FORWARD = [
    FACETS_FUNCTION,
    assignees.trigger_function("factcheck_claim_facets_added", APPEARANCES_ADDED),
    REFACET_RELAYS,
]
POSTGRES_BACKWARD = [
    before.FACETS_FUNCTION,
    assignees.trigger_function("factcheck_claim_facets_added", before.APPEARANCES_ADDED),
    REFACET_RELAYS,
]


class Migration(migrations.Migration):
    dependencies = [("factcheck", "0046_facets_whatever_the_statistics")]

    operations = [
        migrations.RunPython(run({"postgresql": POSTGRES_FORWARD}), run({"postgresql": POSTGRES_BACKWARD})),
    ]
