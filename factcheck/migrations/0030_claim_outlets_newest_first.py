"""ClaimOutlet rows carry their claim's `created_at`: an outlet's claims, newest first, from one index.

A search within an outlet wants the outlet's newest matches. With rows (claim, outlet, role)
indexed on (outlet, claim), PostgreSQL could only gather the outlet's 200,000 claims, or every
claim with the searched words, and sort them (half a second for a phrase within the biggest
outlet at a million claims). Indexed on (outlet, created_at, claim), the outlet's claims come
newest first: the phrase's newest thousand are found after 12,000 of them.

The triggers of migration 0019 are written anew to copy the claim's `created_at` into each row
they insert, and one more follows a claim whose `created_at` changes (the app never changes
it; SQL may). The new index also serves what the old one did, "the claims of this outlet".

SQLite rebuilds a table to alter it, dropping its triggers: a later migration that alters
factcheck_claim, factcheck_article or factcheck_appearance on SQLite must create them again
(restore_sqlite_triggers; test_claim_outlets checks that they exist).
"""

import importlib

from django.db import migrations, models

run = importlib.import_module("factcheck.migrations.0002_append_only_events_and_search").run
before = importlib.import_module("factcheck.migrations.0019_claim_outlets")
ROLE_OF, DROP_ORPHAN = before.ROLE_OF, before.DROP_ORPHAN

BACKFILL = """
    UPDATE factcheck_claimoutlet
    SET created_at = (SELECT c.created_at FROM factcheck_claim c WHERE c.id = factcheck_claimoutlet.claim_id)
"""
MOVE_PUBLISHED = """
    DELETE FROM factcheck_claimoutlet WHERE claim_id = NEW.id AND role = 'published';
    {insert} INTO factcheck_claimoutlet (claim_id, outlet_id, role, created_at)
    SELECT NEW.id, outlet_id, 'published', NEW.created_at FROM factcheck_article WHERE id = NEW.article_id {ignore};
"""
FOLLOW_RECORDING = "UPDATE factcheck_claimoutlet SET created_at = NEW.created_at WHERE claim_id = NEW.id;"

POSTGRES_FUNCTIONS = {
    "factcheck_claimoutlet_appearances_added": f"""
        INSERT INTO factcheck_claimoutlet (claim_id, outlet_id, role, created_at)
        SELECT DISTINCT added.claim_id, added.outlet_id, {ROLE_OF.format(row="added")}, c.created_at
        FROM added JOIN factcheck_claim c ON c.id = added.claim_id
        WHERE added.outlet_id IS NOT NULL
        ON CONFLICT DO NOTHING;
    """,
    "factcheck_claimoutlet_appearance_changed": f"""
        IF OLD.outlet_id IS NOT NULL THEN
            {DROP_ORPHAN};
        END IF;
        IF TG_OP = 'UPDATE' AND NEW.outlet_id IS NOT NULL THEN
            INSERT INTO factcheck_claimoutlet (claim_id, outlet_id, role, created_at)
            SELECT NEW.claim_id, NEW.outlet_id, {ROLE_OF.format(row="NEW")}, c.created_at
            FROM factcheck_claim c WHERE c.id = NEW.claim_id
            ON CONFLICT DO NOTHING;
        END IF;
    """,
    "factcheck_claimoutlet_claims_added": """
        INSERT INTO factcheck_claimoutlet (claim_id, outlet_id, role, created_at)
        SELECT added.id, a.outlet_id, 'published', added.created_at
        FROM added JOIN factcheck_article a ON a.id = added.article_id
        ON CONFLICT DO NOTHING;
    """,
    "factcheck_claimoutlet_claim_moved": MOVE_PUBLISHED.format(insert="INSERT", ignore="ON CONFLICT DO NOTHING"),
    "factcheck_claimoutlet_claim_recorded": FOLLOW_RECORDING,
}
RECORDED_TRIGGER = """
    CREATE TRIGGER factcheck_claim_outlets_recorded AFTER UPDATE OF created_at ON factcheck_claim
    FOR EACH ROW WHEN (OLD.created_at IS DISTINCT FROM NEW.created_at)
    EXECUTE FUNCTION factcheck_claimoutlet_claim_recorded();
"""


def replaced_function(name, body):
    return before.postgres_function(name, body).replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")


POSTGRES_FORWARD = [*(replaced_function(name, body) for name, body in POSTGRES_FUNCTIONS.items()), RECORDED_TRIGGER]
POSTGRES_BACKWARD = [
    "DROP TRIGGER factcheck_claim_outlets_recorded ON factcheck_claim;",
    "DROP FUNCTION factcheck_claimoutlet_claim_recorded();",
    *(
        replaced_function(name, before.POSTGRES_FUNCTIONS[name])
        for name in POSTGRES_FUNCTIONS
        if name in before.POSTGRES_FUNCTIONS
    ),
]
POSTGRES_TRIGGERS = {**before.POSTGRES_TRIGGERS, "factcheck_claim_outlets_recorded": RECORDED_TRIGGER}

SQLITE_TRIGGERS = {
    **before.SQLITE_TRIGGERS,
    "factcheck_appearance_outlets_added": f"""
        CREATE TRIGGER factcheck_appearance_outlets_added AFTER INSERT ON factcheck_appearance
        WHEN NEW.outlet_id IS NOT NULL
        BEGIN
            INSERT OR IGNORE INTO factcheck_claimoutlet (claim_id, outlet_id, role, created_at)
            SELECT NEW.claim_id, NEW.outlet_id, {ROLE_OF.format(row="NEW")}, created_at
            FROM factcheck_claim WHERE id = NEW.claim_id;
        END;
    """,
    "factcheck_appearance_outlets_changed": f"""
        CREATE TRIGGER factcheck_appearance_outlets_changed
        AFTER UPDATE OF claim_id, outlet_id, relayed_from_id ON factcheck_appearance
        BEGIN
            {DROP_ORPHAN};
            INSERT OR IGNORE INTO factcheck_claimoutlet (claim_id, outlet_id, role, created_at)
            SELECT NEW.claim_id, NEW.outlet_id, {ROLE_OF.format(row="NEW")}, created_at
            FROM factcheck_claim WHERE id = NEW.claim_id AND NEW.outlet_id IS NOT NULL;
        END;
    """,
    "factcheck_claim_outlets_added": """
        CREATE TRIGGER factcheck_claim_outlets_added AFTER INSERT ON factcheck_claim
        WHEN NEW.article_id IS NOT NULL
        BEGIN
            INSERT OR IGNORE INTO factcheck_claimoutlet (claim_id, outlet_id, role, created_at)
            SELECT NEW.id, outlet_id, 'published', NEW.created_at FROM factcheck_article WHERE id = NEW.article_id;
        END;
    """,
    "factcheck_claim_outlets_moved": f"""
        CREATE TRIGGER factcheck_claim_outlets_moved AFTER UPDATE OF article_id ON factcheck_claim
        WHEN OLD.article_id IS NOT NEW.article_id
        BEGIN {MOVE_PUBLISHED.format(insert="INSERT OR IGNORE", ignore="")} END;
    """,
    "factcheck_claim_outlets_recorded": f"""
        CREATE TRIGGER factcheck_claim_outlets_recorded AFTER UPDATE OF created_at ON factcheck_claim
        WHEN OLD.created_at IS NOT NEW.created_at
        BEGIN {FOLLOW_RECORDING} END;
    """,
}
# Dropped before the column is added: SQLite rebuilds factcheck_claimoutlet to make it NOT NULL,
# which fails while triggers on other tables name it.
SQLITE_DROPPED = [f"DROP TRIGGER {name};" for name in before.SQLITE_TRIGGERS]
SQLITE_FORWARD = list(SQLITE_TRIGGERS.values())
SQLITE_BACKWARD = [f"DROP TRIGGER {name};" for name in SQLITE_TRIGGERS]


def restore_sqlite_triggers(apps, schema_editor):
    """For a later migration that rebuilds one of these tables on SQLite: create what the rebuild dropped."""
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_TRIGGERS.values():
            schema_editor.execute(statement.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS"), params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("factcheck", "0029_attribution_index"),
    ]

    operations = [
        migrations.RunPython(run({"sqlite": SQLITE_DROPPED}), run({"sqlite": before.SQLITE_FORWARD})),
        migrations.AddField(model_name="claimoutlet", name="created_at", field=models.DateTimeField(null=True)),
        migrations.RunPython(run({"postgresql": [BACKFILL], "sqlite": [BACKFILL]}), migrations.RunPython.noop),
        migrations.AlterField(model_name="claimoutlet", name="created_at", field=models.DateTimeField()),
        migrations.RunPython(
            run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
        migrations.RemoveIndex(model_name="claimoutlet", name="claimoutlet_outlet_idx"),
        migrations.AddIndex(
            model_name="claimoutlet",
            index=models.Index(fields=["outlet", "-created_at", "-claim"], name="claimoutlet_recent_idx"),
        ),
    ]
