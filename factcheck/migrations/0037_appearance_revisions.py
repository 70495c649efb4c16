"""Changes and removals of a claim's appearances, recorded by the database as revisions of the claim.

Appearances are where a claim's attribution ("did they say it?") is read from, and publishing a
verdict needs one: deleting the only one left no trace. Now every UPDATE that changes an
appearance, and every DELETE, leaves an AppearanceRevision under the appearance's claim (its
claim before a move): the fields that changed, before and after (all of them, and {}, for a
removal), when, and the writer the app named (factcheck.revisions), whatever road it took: the
admin, a view, `QuerySet.update` or `.delete()`, the shell, SQL. INSERT is not recorded, so
imports pay nothing. Nor is a change to a claim with no history yet (version 0: a claim not
yet recorded, which exists only inside the transaction that records it): its appearances are
part of its first state, and such a claim may still be deleted with them. As for the other
revisions (migration 0012): on PostgreSQL the recording function runs as its owner, and the
table is append-only on both databases.

SQLite rebuilds a table to alter it, dropping its triggers: a later migration that alters
factcheck_appearance or factcheck_appearancerevision on SQLite must create them again
(SQLITE_TRIGGERS; test_appearance_revisions checks that they exist).
"""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

run = importlib.import_module("factcheck.migrations.0002_append_only_events_and_search").run

TABLE = "factcheck_appearance"
REVISIONS = "factcheck_appearancerevision"
# "when" is an SQL keyword: quoted.
FIELDS = ["venue_type", "outlet_id", "url", "date", '"when"', "relayed_from_id", "venue_text", "claim_id"]
WHY = "revisions are append-only"
COLUMNS = "claim_id, appearance_id, removed, claim_version, at, by_id, via, before, after"
VERSION = "(SELECT version FROM factcheck_claim WHERE id = OLD.claim_id)"


def key(field):
    return field.strip('"')


def changed(differ):
    return " OR ".join(f"OLD.{field} {differ} NEW.{field}" for field in FIELDS)


def pairs(side):
    return ", ".join(f"'{key(field)}', {side}.{field}" for field in FIELDS)


POSTGRES_FORWARD = [
    f"""
    CREATE FUNCTION {REVISIONS}_record() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    DECLARE
        old_values jsonb := jsonb_build_object({pairs("OLD")});
        new_values jsonb;
    BEGIN
        IF {VERSION} = 0 THEN  -- a claim still being recorded: its appearances are part of its first state
            RETURN NULL;
        END IF;
        IF TG_OP = 'DELETE' THEN
            INSERT INTO {REVISIONS} ({COLUMNS})
            VALUES (OLD.claim_id, OLD.id, true, {VERSION}, clock_timestamp(), factcheck_writer_id(),
                    factcheck_writer_via(), old_values, '{{}}'::jsonb);
        ELSE
            new_values := jsonb_build_object({pairs("NEW")});
            INSERT INTO {REVISIONS} ({COLUMNS})
            SELECT OLD.claim_id, OLD.id, false, {VERSION}, clock_timestamp(), factcheck_writer_id(),
                   factcheck_writer_via(), jsonb_object_agg(key, value), jsonb_object_agg(key, new_values -> key)
            FROM jsonb_each(old_values) WHERE value IS DISTINCT FROM new_values -> key;
        END IF;
        RETURN NULL;
    END;
    $$;
    """,
    f"""
    CREATE TRIGGER {REVISIONS}_record AFTER UPDATE OF {", ".join(FIELDS)} ON {TABLE}
    FOR EACH ROW WHEN ({changed("IS DISTINCT FROM")}) EXECUTE FUNCTION {REVISIONS}_record();
    """,
    f"""
    CREATE TRIGGER {REVISIONS}_removed AFTER DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {REVISIONS}_record();
    """,
    # factcheck_refuse_history_change() is migration 0012's.
    f"""
    CREATE TRIGGER {REVISIONS}_append_only BEFORE UPDATE OR DELETE ON {REVISIONS}
    FOR EACH ROW EXECUTE FUNCTION factcheck_refuse_history_change('{WHY}');
    """,
]
POSTGRES_BACKWARD = [
    f"DROP TRIGGER {REVISIONS}_append_only ON {REVISIONS};",
    f"DROP TRIGGER {REVISIONS}_removed ON {TABLE};",
    f"DROP TRIGGER {REVISIONS}_record ON {TABLE};",
    f"DROP FUNCTION {REVISIONS}_record();",
]

NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
WRITER = "factcheck_writer_id(), factcheck_writer_via()"
SQLITE_PAIRS = " UNION ALL ".join(
    f"SELECT '{key(field)}' AS name, OLD.{field} AS old, NEW.{field} AS new" for field in FIELDS
)
# name -> statement: the guards, and the recorder of removals, that a flush (DELETE on SQLite)
# must drop first (conftest.py); then the recorder of changes.
SQLITE_GUARDS = {
    **{
        f"{REVISIONS}_no_{operation.lower()}": f"""
        CREATE TRIGGER {REVISIONS}_no_{operation.lower()} BEFORE {operation} ON {REVISIONS}
        BEGIN SELECT RAISE(ABORT, '{WHY} ({operation} refused on {REVISIONS})'); END;
        """
        for operation in ("UPDATE", "DELETE")
    },
    f"{REVISIONS}_removed": f"""
    CREATE TRIGGER {REVISIONS}_removed AFTER DELETE ON {TABLE}
    WHEN {VERSION} > 0
    BEGIN
        INSERT INTO {REVISIONS} ({COLUMNS})
        VALUES (OLD.claim_id, OLD.id, 1, {VERSION}, {NOW}, {WRITER}, json_object({pairs("OLD")}), json_object());
    END;
    """,
}
SQLITE_TRIGGERS = {
    **SQLITE_GUARDS,
    f"{REVISIONS}_record": f"""
    CREATE TRIGGER {REVISIONS}_record AFTER UPDATE OF {", ".join(FIELDS)} ON {TABLE}
    WHEN ({changed("IS NOT")}) AND {VERSION} > 0
    BEGIN
        INSERT INTO {REVISIONS} ({COLUMNS})
        SELECT OLD.claim_id, OLD.id, 0, {VERSION}, {NOW}, {WRITER}, json_group_object(name, old), json_group_object(name, new)
        FROM ({SQLITE_PAIRS}) WHERE old IS NOT new;
    END;
    """,
}
SQLITE_FORWARD = list(SQLITE_TRIGGERS.values())
SQLITE_BACKWARD = [f"DROP TRIGGER {name};" for name in SQLITE_TRIGGERS]


def let_both_groups_read_them(apps, schema_editor):
    # As in 0012: permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group, Permission = apps.get_model("auth", "Group"), apps.get_model("auth", "Permission")
    readable = Permission.objects.filter(content_type__app_label="factcheck", codename="view_appearancerevision")
    for group in Group.objects.filter(name__in=["Reviewers", "Editors"]):
        group.permissions.add(*readable)


class Migration(migrations.Migration):
    dependencies = [
        ("factcheck", "0036_date_order_label"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AppearanceRevision",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField()),
                (
                    "via",
                    models.CharField(
                        help_text="Where the edit came from: the request, the import, or “unknown”.", max_length=200
                    ),
                ),
                ("before", models.JSONField(help_text="The fields that changed, as they were.")),
                ("after", models.JSONField(help_text="The same fields, as they became.")),
                (
                    "appearance_id",
                    models.BigIntegerField(help_text="The appearance changed or removed (it may no longer exist)."),
                ),
                ("removed", models.BooleanField(help_text="Whether the appearance was deleted, rather than changed.")),
                (
                    "claim_version",
                    models.PositiveIntegerField(
                        help_text="The claim's status version when its appearance changed, which places the change among the verdicts."
                    ),
                ),
                (
                    "by",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "claim",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="appearance_revisions",
                        to="factcheck.claim",
                    ),
                ),
            ],
            options={
                "ordering": ["at", "id"],
                "abstract": False,
            },
        ),
        migrations.RunPython(
            run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
        migrations.RunPython(let_both_groups_read_them, migrations.RunPython.noop),
    ]
