"""A claim given another speaker by any road goes back to "attribution not checked", with its event.

What was established of who said it (confirmed, relayed, denied, misattributed) was established
for the previous speaker. The app's roads (the admin's change form, Claim.change_speaker, the
importer) record that themselves through Claim.speaker_changed: an attribution event by the editor
or the importer, naming both speakers and where. An UPDATE around them (`QuerySet.update`, a plain
`save()` in the shell, raw SQL) kept the attribution as it was. Now the database does for those
what speaker_changed does: an attribution event from the claim's state to "not checked", the
claim moved to it at the next version. The event is signed as the revisions are
(factcheck.revisions): the writer the app named, else an inactive account with no password,
"unknown-writer", which stands for a write nobody named (an event must name someone); its reason
names both speakers and the writer's `via`.

A statement that also names the claim's attribution, with a state of its own, is the writer's
decision: the history check (0015) holds it to its event, and refuses it without one. Naming the
state the claim already had decides nothing about the new speaker: it goes back to "not checked".

- PostgreSQL: a deferred constraint trigger, run at the commit (or at `SET CONSTRAINTS ...
  IMMEDIATE`), as the history check is. By then an app road has written its own event: a claim
  whose attribution has moved since the change, or has had an attribution event since, is left
  as it is, so that no change gets two events. A claim out of step with its history is left to
  the history check to refuse. At the commit, every trigger of the statement that changed the
  speaker has run: the claim's outlets (0049), which copy its attribution, follow the event's
  UPDATE last.
- SQLite cannot wait for the commit: its trigger runs with the statement, and the app's roads say
  that they record the change themselves (factcheck.revisions.recording_speaker_changes), through
  a function each of the app's connections has; another client lacks it, and its change of a
  speaker fails ("no such function") instead of going unrecorded. SQLite runs a table's triggers
  newest first, and those that copy the claim's attribution into its outlets (0049) would put the
  old one back after this one: they are written again after it, to run first.
"""

import importlib

from django.db import migrations

run = importlib.import_module("factcheck.migrations.0002_append_only_events_and_search").run
outlets = importlib.import_module("factcheck.migrations.0049_outlets_count_each_claim_once")

WRITER = "unknown-writer"  # the account a write nobody named signs its events with


def speaker_name(column):
    return f"coalesce((SELECT name FROM factcheck_speaker WHERE id = {column}), 'speaker #' || {column})"


def writer_account(now):
    """The columns and values of the account standing for nobody: inactive, no usable password."""
    return (
        "password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined",
        f"'!', false, '{WRITER}', 'Unknown', 'writer', '', false, false, {now}",
    )


EVENT_COLUMNS = "claim_id, axis, to_status, from_attribution, to_attribution, by_id, at, reason, version"
WHEN = (
    "OLD.speaker_id {differ} NEW.speaker_id AND NEW.attribution <> 'not_checked' AND NEW.attribution = OLD.attribution"
)
# The event's reason, as speaker_changed words it, with where the write came from.
REASON_SQL = (
    "'Speaker changed from ' || {before} || ' to ' || {after} || ' directly in the database ('"
    " || factcheck_writer_via() || '): whether ' || {after} || ' said it is not checked.'"
).format(before=speaker_name("OLD.speaker_id"), after=speaker_name("NEW.speaker_id"))

POSTGRES_ACCOUNT = writer_account("clock_timestamp()")
POSTGRES_FORWARD = [
    f"""
    CREATE FUNCTION factcheck_claim_speaker_changed() RETURNS trigger AS $$
    DECLARE
        claim record;
        writer bigint := factcheck_writer_id();
    BEGIN
        -- Where the change left it, and in step with its history; nobody has decided its
        -- attribution since (an app road has, with its own event).
        SELECT c.status, c.attribution, c.version INTO claim FROM factcheck_claim c
            WHERE c.id = NEW.id AND c.attribution = NEW.attribution
              AND (c.status, c.attribution, c.version) = (
                  SELECT to_status, to_attribution, version FROM factcheck_verificationevent
                  WHERE claim_id = NEW.id ORDER BY version DESC LIMIT 1
              )
              AND NOT EXISTS (
                  SELECT FROM factcheck_verificationevent
                  WHERE claim_id = NEW.id AND axis = 'attribution' AND version > NEW.version
              );
        IF NOT FOUND THEN
            RETURN NULL;
        END IF;
        IF writer IS NULL THEN
            INSERT INTO auth_user ({POSTGRES_ACCOUNT[0]}) VALUES ({POSTGRES_ACCOUNT[1]})
                ON CONFLICT (username) DO NOTHING;
            SELECT id INTO writer FROM auth_user WHERE username = '{WRITER}';
        END IF;
        -- One statement: the history check, run at its end when it is IMMEDIATE, sees both.
        WITH recorded AS (
            INSERT INTO factcheck_verificationevent ({EVENT_COLUMNS})
            VALUES (NEW.id, 'attribution', claim.status, claim.attribution, 'not_checked', writer,
                    clock_timestamp(), {REASON_SQL}, claim.version + 1)
            RETURNING version
        )
        UPDATE factcheck_claim SET attribution = 'not_checked', version = recorded.version
            FROM recorded WHERE id = NEW.id;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;
    """,
    f"""
    CREATE CONSTRAINT TRIGGER factcheck_claim_speaker_changed
    AFTER UPDATE OF speaker_id ON factcheck_claim
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN ({WHEN.format(differ="IS DISTINCT FROM")})
    EXECUTE FUNCTION factcheck_claim_speaker_changed();
    """,
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER factcheck_claim_speaker_changed ON factcheck_claim;",
    "DROP FUNCTION factcheck_claim_speaker_changed();",
]

SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
SQLITE_ACCOUNT = writer_account(SQLITE_NOW)
SQLITE_TRIGGER = f"""
    CREATE TRIGGER factcheck_claim_speaker_changed AFTER UPDATE OF speaker_id ON factcheck_claim
    WHEN {WHEN.format(differ="IS NOT")} AND NOT factcheck_speaker_change_recorded()
    BEGIN
        INSERT OR IGNORE INTO auth_user ({SQLITE_ACCOUNT[0]})
            SELECT {SQLITE_ACCOUNT[1]} WHERE factcheck_writer_id() IS NULL;
        INSERT INTO factcheck_verificationevent ({EVENT_COLUMNS})
            SELECT NEW.id, 'attribution', NEW.status, NEW.attribution, 'not_checked',
                coalesce(factcheck_writer_id(), (SELECT id FROM auth_user WHERE username = '{WRITER}')),
                {SQLITE_NOW}, {REASON_SQL}, NEW.version + 1;
        UPDATE factcheck_claim SET attribution = 'not_checked', version = NEW.version + 1 WHERE id = NEW.id;
    END;
"""
# Written again after this trigger, so that SQLite runs them before it (newest first).
COPYING_THE_ATTRIBUTION = ["factcheck_claim_outlets_moved", "factcheck_claim_outlets_followed"]
REWRITTEN = [
    *(f"DROP TRIGGER {name};" for name in COPYING_THE_ATTRIBUTION),
    *(outlets.SQLITE_CHANGED[name] for name in COPYING_THE_ATTRIBUTION),
]
SQLITE_FORWARD = [SQLITE_TRIGGER, *REWRITTEN]
SQLITE_BACKWARD = ["DROP TRIGGER factcheck_claim_speaker_changed;"]


class Migration(migrations.Migration):
    dependencies = [("factcheck", "0049_outlets_count_each_claim_once")]

    operations = [
        migrations.RunPython(
            run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
