"""A claim's status and version always equal the `to_status` and `version` of its latest event.

`Claim.set_status` (and the importer, under the same rules) is the one writer of a status; this
makes the database refuse every other road: `QuerySet.update`, a stale `save()`, raw SQL.

- PostgreSQL: deferred constraint triggers, checked at commit (or at `SET CONSTRAINTS ...
  IMMEDIATE`), on every claim inserted or whose status or version changes, and on every event
  inserted: the claim must then stand exactly where its latest event left it. A claim inserted
  with no event at all is refused too: every claim is recorded through the write path.
- SQLite cannot defer a trigger to the commit, so it gets the closest equivalent, checked as each
  statement runs: a claim's status or version may change only to the state of an event already
  written (its latest), and an event may be written only for the claim's next version, from its
  current status (or, for a claim just inserted in that state, its current one). What SQLite
  cannot see is a claim inserted with no event, or an event whose claim is never moved.
  Altering factcheck_claim later rebuilds the table on SQLite and drops its triggers: such a
  migration must create them again, as 0006 does for the events' (test_history_is_enforced
  checks that they exist).
"""

import importlib

from django.db import migrations

run = importlib.import_module("factcheck.migrations.0002_append_only_events_and_search").run

MESSAGE = "a claim status changes only through its verification history"

POSTGRES_FORWARD = [
    f"""
    CREATE FUNCTION factcheck_check_claim_history() RETURNS trigger AS $$
    DECLARE
        target bigint;
        claim record;
        latest record;
    BEGIN
        -- Two statements, not one CASE: each branch names a column only one of the tables has.
        IF TG_TABLE_NAME = 'factcheck_claim' THEN
            target := NEW.id;
        ELSE
            target := NEW.claim_id;
        END IF;
        -- One statement for the usual case, where all is well (each statement costs; an import
        -- runs this once per claim).
        PERFORM FROM factcheck_claim AS c
            WHERE c.id = target AND (c.status, c.version) = (
                SELECT to_status, version FROM factcheck_verificationevent
                WHERE claim_id = target ORDER BY version DESC LIMIT 1
            );
        IF FOUND THEN
            RETURN NULL;
        END IF;
        SELECT status, version INTO claim FROM factcheck_claim WHERE id = target;
        IF NOT FOUND THEN
            RETURN NULL;  -- deleted in the same transaction (only claims with no history can be)
        END IF;
        SELECT to_status, version INTO latest FROM factcheck_verificationevent
            WHERE claim_id = target ORDER BY version DESC LIMIT 1;
        RAISE EXCEPTION '{MESSAGE}: claim % is "%" at version %, its latest event says "%" at version %',
            target, claim.status, claim.version, latest.to_status, latest.version
            USING ERRCODE = 'integrity_constraint_violation';
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE CONSTRAINT TRIGGER factcheck_claim_follows_history
    AFTER INSERT OR UPDATE OF status, version ON factcheck_claim
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION factcheck_check_claim_history();
    """,
    """
    CREATE CONSTRAINT TRIGGER factcheck_event_moves_claim
    AFTER INSERT ON factcheck_verificationevent
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW
    -- A first event needs no check of its own: its claim was inserted (and is checked) with it,
    -- since a claim committed with no event is refused and a second "first" event breaks
    -- event_one_per_version. Half the checks of an import.
    WHEN (NEW.version > 1)
    EXECUTE FUNCTION factcheck_check_claim_history();
    """,
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER factcheck_event_moves_claim ON factcheck_verificationevent;",
    "DROP TRIGGER factcheck_claim_follows_history ON factcheck_claim;",
    "DROP FUNCTION factcheck_check_claim_history();",
]

SQLITE_TRIGGERS = ["factcheck_claim_follows_history", "factcheck_event_moves_claim"]
SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER factcheck_claim_follows_history BEFORE UPDATE OF status, version ON factcheck_claim
    WHEN NEW.status IS NOT OLD.status OR NEW.version IS NOT OLD.version
    BEGIN
        SELECT RAISE(ABORT, '{MESSAGE}: no event for this status and version')
        WHERE NOT EXISTS (
            SELECT 1 FROM factcheck_verificationevent
            WHERE claim_id = NEW.id AND version = NEW.version AND to_status = NEW.status
        ) OR EXISTS (
            SELECT 1 FROM factcheck_verificationevent WHERE claim_id = NEW.id AND version > NEW.version
        );
    END;
    """,
    f"""
    CREATE TRIGGER factcheck_event_moves_claim BEFORE INSERT ON factcheck_verificationevent
    BEGIN
        SELECT RAISE(ABORT, '{MESSAGE}: an event must move its claim from where it stands')
        WHERE NOT EXISTS (
            SELECT 1 FROM factcheck_claim
            WHERE id = NEW.claim_id AND (
                (version = NEW.version - 1 AND (
                    (version = 0 AND NEW.from_status IS NULL) OR status = NEW.from_status
                ))
                OR (version = NEW.version AND status = NEW.to_status)
            )
        );
    END;
    """,
]
SQLITE_BACKWARD = [f"DROP TRIGGER {name};" for name in SQLITE_TRIGGERS]


class Migration(migrations.Migration):
    dependencies = [("factcheck", "0006_leaner_write_indexes")]

    operations = [
        migrations.RunPython(
            run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
