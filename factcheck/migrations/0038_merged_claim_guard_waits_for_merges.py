"""The guard on a merged claim's appearances, evidence, notes and links waits for a merge in progress.

Migration 0016's guard read the claim's merged_into without a lock: a note written while a
merge of its claim was committing read the claim unmerged, waited only afterwards (on its
foreign key's check), and landed on the merged, read-only claim. The claim is now read with
FOR KEY SHARE, the lock its foreign key takes anyway (at commit: Django's are deferred), which
waits for the merge's FOR UPDATE (merging.merge); then it is read as the merge left it.

PostgreSQL only: SQLite runs one writer at a time.
"""

import importlib

from django.db import migrations

run = importlib.import_module("factcheck.migrations.0002_append_only_events_and_search").run
merge_claims = importlib.import_module("factcheck.migrations.0016_merge_claims")

# The claims a write touches, locked, then the first of them that is merged, read anew (each
# statement of the function sees what was committed before it). In one statement the planner
# applies the merged_into condition before the lock, and an unmerged snapshot skips the wait.
MERGED_AMONG = """PERFORM 1 FROM factcheck_claim WHERE id IN ({ids}) ORDER BY id FOR KEY SHARE;
            SELECT id INTO merged FROM factcheck_claim WHERE id IN ({ids}) AND merged_into_id IS NOT NULL LIMIT 1"""

GUARD = f"""
    CREATE OR REPLACE FUNCTION factcheck_guard_merged_claim_parts() RETURNS trigger AS $$
    DECLARE
        merged bigint;
    BEGIN
        IF TG_TABLE_NAME = 'factcheck_claimlink' THEN
            {MERGED_AMONG.format(ids="NEW.from_claim_id, NEW.to_claim_id")};
        ELSIF TG_TABLE_NAME = 'factcheck_claimmerge' THEN
            {MERGED_AMONG.format(ids="NEW.into_id")};
        ELSIF TG_OP = 'DELETE' THEN
            {MERGED_AMONG.format(ids="OLD.claim_id")};
        ELSIF TG_OP = 'UPDATE' THEN
            {MERGED_AMONG.format(ids="OLD.claim_id, NEW.claim_id")};
        ELSE
            {MERGED_AMONG.format(ids="NEW.claim_id")};
        END IF;
        IF merged IS NOT NULL THEN
            RAISE EXCEPTION '{merge_claims.READ_ONLY}: claim % was merged into another (% refused on %)', merged, TG_OP, TG_TABLE_NAME
                USING ERRCODE = 'restrict_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
"""
UNLOCKED_GUARD = next(
    statement.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)
    for statement in merge_claims.POSTGRES_FORWARD
    if "factcheck_guard_merged_claim_parts()" in statement and "CREATE FUNCTION" in statement
)


class Migration(migrations.Migration):
    dependencies = [("factcheck", "0037_appearance_revisions")]

    operations = [migrations.RunPython(run({"postgresql": [GUARD]}), run({"postgresql": [UNLOCKED_GUARD]}))]
