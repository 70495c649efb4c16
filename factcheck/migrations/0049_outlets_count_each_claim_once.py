"""An outlet's total counts its claims, each once, as the queue filtered by the outlet lists them.

OutletTotal summed the outlet's parts in claims (OutletTally, by role): a claim it published that
was also made to it counted twice. ClaimOutlet (migration 0019) already says which outlets a claim
involves; its rows now also carry their claim's status, attribution and whether it is merged,
copied by the triggers that write them and followed when the claim changes (as 0030 copies and
follows `created_at`). Triggers on ClaimOutlet alone then count each (claim, outlet) pair once:
OutletClaimTally by status and attribution, for the outlets index's bar, and OutletTotal, which
the index sorts by (factcheck.tallies: outlet_claim_moves_postgres and _sqlite). OutletTally
keeps counting by role, for the outlet page's track record.

The new columns come with a constant default (the claim's own defaults), which PostgreSQL
records without rewriting the table; then only the rows whose claim holds other values are
written, in one UPDATE, before the counting triggers exist. Then the outlets' claims are counted
from ClaimOutlet in one grouped INSERT.

The claims' insert trigger (0019) and the others that write ClaimOutlet rows are written anew
to copy the new columns; the per-row trigger that followed `created_at` (0030) gives way to one
per statement following all four, so that a bulk status change (an import's) updates the rows of
all its claims in one statement, and their counts in one more. On PostgreSQL they run as the
owner: the application's role may no longer insert or update ClaimOutlet's rows, which the counts
are counted from (grant_app_role). SQLite gets the same as row triggers, which its backend
(factcheck/sqlite) keeps through later table rebuilds.
"""

import importlib

from django.db import migrations, models

from factcheck import tallies

run = importlib.import_module("factcheck.migrations.0002_append_only_events_and_search").run
first = importlib.import_module("factcheck.migrations.0019_claim_outlets")
before = importlib.import_module("factcheck.migrations.0030_claim_outlets_newest_first")
ROLE_OF, DROP_ORPHAN = first.ROLE_OF, first.DROP_ORPHAN

# Frozen here: the axes the tallies count by (factcheck.tallies.AXES may grow).
AXES = ("status", "attribution")

STATUSES = [
    ("unconfirmed", "Unable to independently confirm"),
    ("verified", "Verified"),
    ("disputed", "Disputed"),
    ("false", "False"),
]
ATTRIBUTIONS = [
    ("not_checked", "Attribution not checked"),
    ("confirmed", "Confirmed at the source"),
    ("relayed", "Relayed: only another outlet's word"),
    ("misattributed", "Misattributed: the speaker did not say it"),
    ("denied", "Denied by the speaker"),
]
COPIED = ", ".join(tallies.copied_from("c", AXES))


def copied(claim):
    """The values a claim's ClaimOutlet rows copy from it, `claim` the claim's row."""
    return ", ".join(tallies.copied_from(claim, AXES).values())


def follow(claim):
    return ", ".join(f"{name} = {value}" for name, value in tallies.copied_from(claim, AXES).items())


MOVE_PUBLISHED = f"""
    DELETE FROM factcheck_claimoutlet WHERE claim_id = NEW.id AND role = 'published';
    {{insert}} INTO factcheck_claimoutlet (claim_id, outlet_id, role, {COPIED})
    SELECT NEW.id, outlet_id, 'published', {copied("NEW")} FROM factcheck_article WHERE id = NEW.article_id {{ignore}};
"""

POSTGRES_FUNCTIONS = {
    "factcheck_claimoutlet_appearances_added": f"""
        INSERT INTO factcheck_claimoutlet (claim_id, outlet_id, role, {COPIED})
        SELECT DISTINCT added.claim_id, added.outlet_id, {ROLE_OF.format(row="added")}, {copied("c")}
        FROM added JOIN factcheck_claim c ON c.id = added.claim_id
        WHERE added.outlet_id IS NOT NULL
        ON CONFLICT DO NOTHING;
    """,
    "factcheck_claimoutlet_appearance_changed": f"""
        IF OLD.outlet_id IS NOT NULL THEN
            {DROP_ORPHAN};
        END IF;
        IF TG_OP = 'UPDATE' AND NEW.outlet_id IS NOT NULL THEN
            INSERT INTO factcheck_claimoutlet (claim_id, outlet_id, role, {COPIED})
            SELECT NEW.claim_id, NEW.outlet_id, {ROLE_OF.format(row="NEW")}, {copied("c")}
            FROM factcheck_claim c WHERE c.id = NEW.claim_id
            ON CONFLICT DO NOTHING;
        END IF;
    """,
    "factcheck_claimoutlet_claims_added": f"""
        INSERT INTO factcheck_claimoutlet (claim_id, outlet_id, role, {COPIED})
        SELECT added.id, a.outlet_id, 'published', {copied("added")}
        FROM added JOIN factcheck_article a ON a.id = added.article_id
        ON CONFLICT DO NOTHING;
    """,
    "factcheck_claimoutlet_claim_moved": MOVE_PUBLISHED.format(insert="INSERT", ignore="ON CONFLICT DO NOTHING"),
}
# Per statement, the claims' rows probed through ClaimOutlet's primary key (as the tallies' joins
# are, whatever plan the first statement of a session would keep), only those that differ written.
# What ClaimOutlet's rows say is counted: only the owner writes them (grant_app_role takes INSERT
# and UPDATE from the application's role), so the functions that write them run as the owner, with
# a search_path no session's temporary table comes first on.
AS_OWNER = "SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp"
FOLLOWED_FUNCTION = f"""
    CREATE FUNCTION factcheck_claimoutlet_claims_followed() RETURNS trigger LANGUAGE plpgsql {AS_OWNER}
    SET enable_hashjoin = off SET enable_mergejoin = off AS $$
    BEGIN
        UPDATE factcheck_claimoutlet o SET {follow("c")}
        FROM followed c WHERE o.claim_id = c.id
          AND ({" OR ".join(f"o.{name} <> ({value})" for name, value in tallies.copied_from("c", AXES).items())});
        RETURN NULL;
    END;
    $$;
"""
FOLLOWED_TRIGGER = """
    CREATE TRIGGER factcheck_claim_outlets_followed AFTER UPDATE ON factcheck_claim
    REFERENCING NEW TABLE AS followed
    FOR EACH STATEMENT EXECUTE FUNCTION factcheck_claimoutlet_claims_followed();
"""


def replaced_function(name, body):
    created = first.postgres_function(name, body).replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")
    return created.replace("LANGUAGE plpgsql AS", f"LANGUAGE plpgsql {AS_OWNER} AS")


POSTGRES_FORWARD = [
    *(replaced_function(name, body) for name, body in POSTGRES_FUNCTIONS.items()),
    "DROP TRIGGER factcheck_claim_outlets_recorded ON factcheck_claim;",
    "DROP FUNCTION factcheck_claimoutlet_claim_recorded();",
    FOLLOWED_FUNCTION,
    FOLLOWED_TRIGGER,
    f"ALTER FUNCTION factcheck_claimoutlet_story_moved() {AS_OWNER};",
]
POSTGRES_BACKWARD = [
    "ALTER FUNCTION factcheck_claimoutlet_story_moved() SECURITY INVOKER RESET search_path;",
    "DROP TRIGGER factcheck_claim_outlets_followed ON factcheck_claim;",
    "DROP FUNCTION factcheck_claimoutlet_claims_followed();",
    *(before.POSTGRES_FORWARD),  # 0030's functions and its trigger following created_at
]
POSTGRES_TRIGGERS = {
    **{name: definition for name, definition in before.POSTGRES_TRIGGERS.items() if "recorded" not in name},
    "factcheck_claim_outlets_followed": FOLLOWED_TRIGGER,
}

SQLITE_CHANGED = {
    "factcheck_appearance_outlets_added": f"""
        CREATE TRIGGER factcheck_appearance_outlets_added AFTER INSERT ON factcheck_appearance
        WHEN NEW.outlet_id IS NOT NULL
        BEGIN
            INSERT OR IGNORE INTO factcheck_claimoutlet (claim_id, outlet_id, role, {COPIED})
            SELECT NEW.claim_id, NEW.outlet_id, {ROLE_OF.format(row="NEW")}, {copied("c")}
            FROM factcheck_claim c WHERE c.id = NEW.claim_id;
        END;
    """,
    "factcheck_appearance_outlets_changed": f"""
        CREATE TRIGGER factcheck_appearance_outlets_changed
        AFTER UPDATE OF claim_id, outlet_id, relayed_from_id ON factcheck_appearance
        BEGIN
            {DROP_ORPHAN};
            INSERT OR IGNORE INTO factcheck_claimoutlet (claim_id, outlet_id, role, {COPIED})
            SELECT NEW.claim_id, NEW.outlet_id, {ROLE_OF.format(row="NEW")}, {copied("c")}
            FROM factcheck_claim c WHERE c.id = NEW.claim_id AND NEW.outlet_id IS NOT NULL;
        END;
    """,
    "factcheck_claim_outlets_added": f"""
        CREATE TRIGGER factcheck_claim_outlets_added AFTER INSERT ON factcheck_claim
        WHEN NEW.article_id IS NOT NULL
        BEGIN
            INSERT OR IGNORE INTO factcheck_claimoutlet (claim_id, outlet_id, role, {COPIED})
            SELECT NEW.id, outlet_id, 'published', {copied("NEW")} FROM factcheck_article WHERE id = NEW.article_id;
        END;
    """,
    "factcheck_claim_outlets_moved": f"""
        CREATE TRIGGER factcheck_claim_outlets_moved AFTER UPDATE OF article_id ON factcheck_claim
        WHEN OLD.article_id IS NOT NEW.article_id
        BEGIN {MOVE_PUBLISHED.format(insert="INSERT OR IGNORE", ignore="")} END;
    """,
    "factcheck_claim_outlets_followed": f"""
        CREATE TRIGGER factcheck_claim_outlets_followed
        AFTER UPDATE OF created_at, status, attribution, merged_into_id ON factcheck_claim
        WHEN OLD.created_at IS NOT NEW.created_at OR OLD.status IS NOT NEW.status
            OR OLD.attribution IS NOT NEW.attribution OR (OLD.merged_into_id IS NULL) IS NOT (NEW.merged_into_id IS NULL)
        BEGIN
            UPDATE factcheck_claimoutlet SET {follow("NEW")} WHERE claim_id = NEW.id;
        END;
    """,
}
SQLITE_TRIGGERS = {
    **{name: sql for name, sql in before.SQLITE_TRIGGERS.items() if "recorded" not in name},
    **SQLITE_CHANGED,
}
SQLITE_FORWARD = [
    *(f"DROP TRIGGER {name};" for name in SQLITE_CHANGED if name in before.SQLITE_TRIGGERS),
    "DROP TRIGGER factcheck_claim_outlets_recorded;",
    *SQLITE_CHANGED.values(),
]
SQLITE_BACKWARD = [
    *(f"DROP TRIGGER {name};" for name in SQLITE_CHANGED),
    *(sql for name, sql in before.SQLITE_TRIGGERS.items() if name in SQLITE_CHANGED or "recorded" in name),
]


def count_claims(apps, schema_editor):
    # The rows' copies are filled in before the counting triggers exist: written under them, the
    # copies of a big database would be counted, then counted again.
    schema_editor.execute(tallies.copies_followed(AXES), params=None)
    tallies.drop_triggers(schema_editor)
    tallies.create_triggers(schema_editor, AXES, "claims")
    tallies.rebuild(schema_editor.connection, AXES, "claims", only={tallies.OUTLET_CLAIMS})


def count_parts(apps, schema_editor):
    tallies.drop_triggers(schema_editor)
    tallies.create_triggers(schema_editor, AXES, "parts")
    tallies.rebuild(schema_editor.connection, AXES, "parts", only={"factcheck_outlettally"})


class Migration(migrations.Migration):
    dependencies = [
        ("factcheck", "0048_search_folds_accents"),
    ]

    operations = [
        migrations.CreateModel(
            name="OutletClaimTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("status", models.CharField(choices=STATUSES, max_length=20)),
                ("attribution", models.CharField(choices=ATTRIBUTIONS, max_length=20)),
                ("claims", models.IntegerField(default=0)),
                (
                    "outlet",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="+",
                        to="factcheck.outlet",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("outlet", "status", "attribution"), name="outletclaimtally_unique")
                ],
            },
        ),
        # Constant defaults, recorded by PostgreSQL without a rewrite: the claim's own defaults.
        migrations.AddField(
            model_name="claimoutlet",
            name="status",
            field=models.CharField(choices=STATUSES, default="unconfirmed", editable=False, max_length=20),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="claimoutlet",
            name="attribution",
            field=models.CharField(choices=ATTRIBUTIONS, default="not_checked", editable=False, max_length=20),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="claimoutlet",
            name="merged",
            field=models.BooleanField(
                default=False, editable=False, help_text="The claim is merged into another (counted there)."
            ),
            preserve_default=False,
        ),
        migrations.RunPython(
            run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
        migrations.RunPython(count_claims, count_parts),
    ]
