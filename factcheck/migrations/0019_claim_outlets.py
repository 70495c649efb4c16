"""ClaimOutlet: which outlets made, published or relayed each claim, kept by the database.

The queue's outlet filter and the outlet page ask "the claims involving this outlet, newest
first". Answered from articles and appearances, that is a union the planner can only meet by
scanning every claim (2.1 s at a million claims). Stored as rows (claim, outlet, role) with an
index on (outlet, claim), it is an index probe per claim.

The rows are derived, never written by the app: triggers on both databases keep them exact
whatever road writes articles, claims or appearances (the ORM, bulk_create, the importer's COPY,
raw SQL):

- a claim in a story: (claim, the story's outlet, published); moving the claim to another story,
  or the story to another outlet, moves the row;
- an appearance on an outlet: (claim, outlet, made) when it relays nothing, (claim, outlet,
  relayed) when it relays another appearance; the row goes when the claim's last such
  appearance goes or changes;
- a deleted claim takes its rows with it.

On PostgreSQL the inserts of claims and appearances are handled per statement, from the rows
the statement inserted (a transition table): an import's COPY of 100,000 appearances costs one
INSERT ... SELECT, not 100,000 function calls. Updates and deletes, rare and one at a time, are
handled per row, only when a column that matters changed.

SQLite rebuilds a table to alter it, dropping its triggers: a later migration that alters
factcheck_claim, factcheck_article or factcheck_appearance on SQLite must create them again
(restore_sqlite_triggers; test_claim_outlets checks that they exist). Migration 0030 wrote them
anew: after it, use its restore_sqlite_triggers.
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models

run = importlib.import_module("factcheck.migrations.0002_append_only_events_and_search").run

ROLE_OF = "CASE WHEN {row}.relayed_from_id IS NULL THEN 'made' ELSE 'relayed' END"
# The (claim, outlet, role) row of an appearance that went or changed, unless another appearance still gives it.
DROP_ORPHAN = f"""
    DELETE FROM factcheck_claimoutlet
    WHERE claim_id = OLD.claim_id AND outlet_id = OLD.outlet_id AND role = {ROLE_OF.format(row="OLD")}
      AND NOT EXISTS (
          SELECT 1 FROM factcheck_appearance a
          WHERE a.claim_id = OLD.claim_id AND a.outlet_id = OLD.outlet_id
            AND (a.relayed_from_id IS NULL) = (OLD.relayed_from_id IS NULL)
      )
"""
MOVE_PUBLISHED = """
    DELETE FROM factcheck_claimoutlet WHERE claim_id = NEW.id AND role = 'published';
    {insert} INTO factcheck_claimoutlet (claim_id, outlet_id, role)
    SELECT NEW.id, outlet_id, 'published' FROM factcheck_article WHERE id = NEW.article_id {ignore};
"""
MOVE_STORY = """
    UPDATE factcheck_claimoutlet SET outlet_id = NEW.outlet_id
    WHERE role = 'published' AND outlet_id = OLD.outlet_id
      AND claim_id IN (SELECT id FROM factcheck_claim WHERE article_id = NEW.id);
"""
FORGET_CLAIM = "DELETE FROM factcheck_claimoutlet WHERE claim_id = OLD.id;"
BACKFILL = [
    """
    INSERT INTO factcheck_claimoutlet (claim_id, outlet_id, role)
    SELECT c.id, a.outlet_id, 'published' FROM factcheck_claim c JOIN factcheck_article a ON a.id = c.article_id
    """,
    f"""
    INSERT INTO factcheck_claimoutlet (claim_id, outlet_id, role)
    SELECT DISTINCT claim_id, outlet_id, {ROLE_OF.format(row="factcheck_appearance")}
    FROM factcheck_appearance WHERE outlet_id IS NOT NULL
    """,
]


def postgres_function(name, body):
    # A BEFORE trigger that returned NULL would cancel the deletion.
    returned = "OLD" if name == "factcheck_claimoutlet_claim_deleted" else "NULL"
    return f"""
    CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {body}
        RETURN {returned};
    END;
    $$;
    """


POSTGRES_FUNCTIONS = {
    "factcheck_claimoutlet_appearances_added": f"""
        INSERT INTO factcheck_claimoutlet (claim_id, outlet_id, role)
        SELECT DISTINCT claim_id, outlet_id, {ROLE_OF.format(row="added")} FROM added WHERE outlet_id IS NOT NULL
        ON CONFLICT DO NOTHING;
    """,
    "factcheck_claimoutlet_appearance_changed": f"""
        IF OLD.outlet_id IS NOT NULL THEN
            {DROP_ORPHAN};
        END IF;
        IF TG_OP = 'UPDATE' AND NEW.outlet_id IS NOT NULL THEN
            INSERT INTO factcheck_claimoutlet (claim_id, outlet_id, role)
            VALUES (NEW.claim_id, NEW.outlet_id, {ROLE_OF.format(row="NEW")})
            ON CONFLICT DO NOTHING;
        END IF;
    """,
    "factcheck_claimoutlet_claims_added": """
        INSERT INTO factcheck_claimoutlet (claim_id, outlet_id, role)
        SELECT added.id, a.outlet_id, 'published' FROM added JOIN factcheck_article a ON a.id = added.article_id
        ON CONFLICT DO NOTHING;
    """,
    "factcheck_claimoutlet_claim_moved": MOVE_PUBLISHED.format(insert="INSERT", ignore="ON CONFLICT DO NOTHING"),
    "factcheck_claimoutlet_claim_deleted": FORGET_CLAIM,
    "factcheck_claimoutlet_story_moved": MOVE_STORY,
}
POSTGRES_TRIGGERS = {
    "factcheck_appearance_outlets_added": """
        AFTER INSERT ON factcheck_appearance REFERENCING NEW TABLE AS added
        FOR EACH STATEMENT EXECUTE FUNCTION factcheck_claimoutlet_appearances_added()
    """,
    "factcheck_appearance_outlets_changed": """
        AFTER DELETE OR UPDATE OF claim_id, outlet_id, relayed_from_id ON factcheck_appearance
        FOR EACH ROW EXECUTE FUNCTION factcheck_claimoutlet_appearance_changed()
    """,
    "factcheck_claim_outlets_added": """
        AFTER INSERT ON factcheck_claim REFERENCING NEW TABLE AS added
        FOR EACH STATEMENT EXECUTE FUNCTION factcheck_claimoutlet_claims_added()
    """,
    "factcheck_claim_outlets_moved": """
        AFTER UPDATE OF article_id ON factcheck_claim
        FOR EACH ROW WHEN (OLD.article_id IS DISTINCT FROM NEW.article_id)
        EXECUTE FUNCTION factcheck_claimoutlet_claim_moved()
    """,
    "factcheck_claim_outlets_deleted": """
        BEFORE DELETE ON factcheck_claim FOR EACH ROW EXECUTE FUNCTION factcheck_claimoutlet_claim_deleted()
    """,
    "factcheck_article_outlets_moved": """
        AFTER UPDATE OF outlet_id ON factcheck_article
        FOR EACH ROW WHEN (OLD.outlet_id IS DISTINCT FROM NEW.outlet_id)
        EXECUTE FUNCTION factcheck_claimoutlet_story_moved()
    """,
}
POSTGRES_FORWARD = [
    *(postgres_function(name, body) for name, body in POSTGRES_FUNCTIONS.items()),
    *(f"CREATE TRIGGER {name} {definition};" for name, definition in POSTGRES_TRIGGERS.items()),
]
POSTGRES_BACKWARD = [
    *(
        f"DROP TRIGGER {name} ON {table};"
        for name, table in [
            ("factcheck_appearance_outlets_added", "factcheck_appearance"),
            ("factcheck_appearance_outlets_changed", "factcheck_appearance"),
            ("factcheck_claim_outlets_added", "factcheck_claim"),
            ("factcheck_claim_outlets_moved", "factcheck_claim"),
            ("factcheck_claim_outlets_deleted", "factcheck_claim"),
            ("factcheck_article_outlets_moved", "factcheck_article"),
        ]
    ),
    *(f"DROP FUNCTION {name}();" for name in POSTGRES_FUNCTIONS),
]

SQLITE_TRIGGERS = {
    "factcheck_appearance_outlets_added": f"""
        CREATE TRIGGER factcheck_appearance_outlets_added AFTER INSERT ON factcheck_appearance
        WHEN NEW.outlet_id IS NOT NULL
        BEGIN
            INSERT OR IGNORE INTO factcheck_claimoutlet (claim_id, outlet_id, role)
            VALUES (NEW.claim_id, NEW.outlet_id, {ROLE_OF.format(row="NEW")});
        END;
    """,
    "factcheck_appearance_outlets_deleted": f"""
        CREATE TRIGGER factcheck_appearance_outlets_deleted AFTER DELETE ON factcheck_appearance
        WHEN OLD.outlet_id IS NOT NULL
        BEGIN {DROP_ORPHAN}; END;
    """,
    "factcheck_appearance_outlets_changed": f"""
        CREATE TRIGGER factcheck_appearance_outlets_changed
        AFTER UPDATE OF claim_id, outlet_id, relayed_from_id ON factcheck_appearance
        BEGIN
            {DROP_ORPHAN};
            INSERT OR IGNORE INTO factcheck_claimoutlet (claim_id, outlet_id, role)
            SELECT NEW.claim_id, NEW.outlet_id, {ROLE_OF.format(row="NEW")} WHERE NEW.outlet_id IS NOT NULL;
        END;
    """,
    "factcheck_claim_outlets_added": """
        CREATE TRIGGER factcheck_claim_outlets_added AFTER INSERT ON factcheck_claim
        WHEN NEW.article_id IS NOT NULL
        BEGIN
            INSERT OR IGNORE INTO factcheck_claimoutlet (claim_id, outlet_id, role)
            SELECT NEW.id, outlet_id, 'published' FROM factcheck_article WHERE id = NEW.article_id;
        END;
    """,
    "factcheck_claim_outlets_moved": f"""
        CREATE TRIGGER factcheck_claim_outlets_moved AFTER UPDATE OF article_id ON factcheck_claim
        WHEN OLD.article_id IS NOT NEW.article_id
        BEGIN {MOVE_PUBLISHED.format(insert="INSERT OR IGNORE", ignore="")} END;
    """,
    "factcheck_claim_outlets_deleted": f"""
        CREATE TRIGGER factcheck_claim_outlets_deleted BEFORE DELETE ON factcheck_claim
        BEGIN {FORGET_CLAIM} END;
    """,
    "factcheck_article_outlets_moved": f"""
        CREATE TRIGGER factcheck_article_outlets_moved AFTER UPDATE OF outlet_id ON factcheck_article
        WHEN OLD.outlet_id IS NOT NEW.outlet_id
        BEGIN {MOVE_STORY} END;
    """,
}
SQLITE_FORWARD = list(SQLITE_TRIGGERS.values())
SQLITE_BACKWARD = [f"DROP TRIGGER {name};" for name in SQLITE_TRIGGERS]


def restore_sqlite_triggers(apps, schema_editor):
    """For a later migration that rebuilds one of these tables on SQLite: create what the rebuild dropped."""
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS"), params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("factcheck", "0018_tallies_counts"),
    ]

    operations = [
        migrations.CreateModel(
            name="ClaimOutlet",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "claim", "outlet", "role", blank=True, editable=False, primary_key=True, serialize=False
                    ),
                ),
                (
                    "role",
                    models.CharField(
                        choices=[("made", "Made on it"), ("published", "Published it"), ("relayed", "Relayed it")],
                        max_length=10,
                    ),
                ),
                (
                    "claim",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="outlet_roles",
                        to="factcheck.claim",
                    ),
                ),
                (
                    "outlet",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="claim_roles",
                        to="factcheck.outlet",
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["outlet", "claim"], name="claimoutlet_outlet_idx")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("role__in", ["made", "published", "relayed"])),
                        name="claimoutlet_role_valid",
                    )
                ],
            },
        ),
        migrations.RunPython(run({"postgresql": BACKFILL, "sqlite": BACKFILL}), migrations.RunPython.noop),
        migrations.RunPython(
            run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
