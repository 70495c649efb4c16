"""Revisions of claims and stories, written by the database; cited evidence frozen.

- Every UPDATE that changes a claim's text, quote, speaker, story, kind, figure or span, or a
  story's headline or text, leaves a ClaimRevision or ArticleRevision: the changed fields
  before and after, when, and the writer the app named (factcheck.revisions; NULL and
  "unknown" when nobody did: the shell, SQL). Triggers on both databases, so `QuerySet.update`,
  `bulk_update` (the importer) and raw SQL leave one too. A claim's revision also records its
  status version, which places the edit among the verdicts. Inserts are not recorded: the
  first state of a record is its current one with every revision undone.
  On PostgreSQL the recording function runs as its owner (SECURITY DEFINER), so the
  application role needs no INSERT on the revision tables and cannot forge one
  (factcheck.management.commands.grant_app_role); its search_path puts pg_temp last, so that
  no temporary table can stand in for a revision table.
- Revisions, and the table of the evidence each verification event cites, are append-only:
  UPDATE and DELETE are refused, as for events (migration 0002).
- Evidence that an event cites is frozen: UPDATE (that changes anything) and DELETE refused.
- SQLite rebuilds a table to alter it, dropping its triggers: a later migration that alters
  factcheck_claim, factcheck_article, factcheck_evidence or one of these tables on SQLite must
  create them again (restore_sqlite_triggers; test_revisions checks that they exist).
"""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

run = importlib.import_module("factcheck.migrations.0002_append_only_events_and_search").run

CLAIM_FIELDS = [
    *("text", "quote", "speaker_id", "article_id", "kind", "quantity_value", "quantity_unit"),
    *("quantity_qualifier", "span_exact", "span_prefix", "span_suffix"),
]
ARTICLE_FIELDS = ["headline", "body"]
# table, revision table, its key to the table, the fields recorded, extra columns and their values
REVISED = [
    ("factcheck_claim", "factcheck_claimrevision", "claim_id", CLAIM_FIELDS, {"claim_version": "NEW.version"}),
    ("factcheck_article", "factcheck_articlerevision", "article_id", ARTICLE_FIELDS, {}),
]
EVIDENCE_COLUMNS = ["id", "claim_id", "url", "citation", "summary", "stance", "added_by_id", "added_at"]
CITATIONS = "factcheck_verificationevent_evidence"
FROZEN = "cited evidence is frozen"
# table -> why UPDATE and DELETE are refused
APPEND_ONLY = {
    "factcheck_claimrevision": "revisions are append-only",
    "factcheck_articlerevision": "revisions are append-only",
    CITATIONS: f"{FROZEN}: what a verification event cites cannot be removed or changed; add new evidence instead",
}


def changed(fields, *, differ="IS DISTINCT FROM"):
    return " OR ".join(f"OLD.{field} {differ} NEW.{field}" for field in fields)


def postgres_revision(table, revisions, key, fields, extra):
    pairs = {side: ", ".join(f"'{field}', {side}.{field}" for field in fields) for side in ("OLD", "NEW")}
    columns = ", ".join([key, *extra, "at", "by_id", "via", "before", "after"])
    values = ", ".join(
        ["NEW.id", *extra.values(), "clock_timestamp()", "factcheck_writer_id()", "factcheck_writer_via()"]
    )
    return [
        f"""
        CREATE FUNCTION {revisions}_record() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
        DECLARE
            old_values jsonb := jsonb_build_object({pairs["OLD"]});
            new_values jsonb := jsonb_build_object({pairs["NEW"]});
        BEGIN
            INSERT INTO {revisions} ({columns})
            SELECT {values}, jsonb_object_agg(key, value), jsonb_object_agg(key, new_values -> key)
            FROM jsonb_each(old_values) WHERE value IS DISTINCT FROM new_values -> key;
            RETURN NULL;
        END;
        $$;
        """,
        f"""
        CREATE TRIGGER {revisions}_record AFTER UPDATE OF {", ".join(fields)} ON {table}
        FOR EACH ROW WHEN ({changed(fields)}) EXECUTE FUNCTION {revisions}_record();
        """,
    ]


POSTGRES_FORWARD = [
    """
    CREATE FUNCTION factcheck_writer_id() RETURNS bigint LANGUAGE sql STABLE AS $$
        SELECT nullif(current_setting('factcheck.writer_id', true), '')::bigint
    $$;
    """,
    """
    CREATE FUNCTION factcheck_writer_via() RETURNS text LANGUAGE sql STABLE AS $$
        SELECT coalesce(nullif(current_setting('factcheck.writer_via', true), ''), 'unknown')
    $$;
    """,
    *(statement for revised in REVISED for statement in postgres_revision(*revised)),
    """
    CREATE FUNCTION factcheck_refuse_history_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '% (% refused on %)', TG_ARGV[0], TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'restrict_violation';
    END;
    $$ LANGUAGE plpgsql;
    """,
    *(
        f"""
        CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION factcheck_refuse_history_change('{why}');
        """
        for table, why in APPEND_ONLY.items()
    ),
    f"""
    CREATE FUNCTION factcheck_refuse_cited_evidence_change() RETURNS trigger AS $$
    DECLARE
        citing record;
    BEGIN
        SELECT event.id, event.claim_id, event.to_status INTO citing
            FROM {CITATIONS} cited JOIN factcheck_verificationevent event ON event.id = cited.verificationevent_id
            WHERE cited.evidence_id = OLD.id ORDER BY event.id LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION '{FROZEN}: evidence % is cited by verification event % (claim %, to "%") and cannot be %; add new evidence instead',
                OLD.id, citing.id, citing.claim_id, citing.to_status,
                CASE TG_OP WHEN 'DELETE' THEN 'deleted' ELSE 'changed' END
                USING ERRCODE = 'restrict_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER factcheck_cited_evidence_no_update BEFORE UPDATE ON factcheck_evidence
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION factcheck_refuse_cited_evidence_change();
    """,
    """
    CREATE TRIGGER factcheck_cited_evidence_no_delete BEFORE DELETE ON factcheck_evidence
    FOR EACH ROW EXECUTE FUNCTION factcheck_refuse_cited_evidence_change();
    """,
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER factcheck_cited_evidence_no_delete ON factcheck_evidence;",
    "DROP TRIGGER factcheck_cited_evidence_no_update ON factcheck_evidence;",
    "DROP FUNCTION factcheck_refuse_cited_evidence_change();",
    *(f"DROP TRIGGER {table}_append_only ON {table};" for table in APPEND_ONLY),
    "DROP FUNCTION factcheck_refuse_history_change();",
    *(f"DROP TRIGGER {revisions}_record ON {table};" for table, revisions, *_ in REVISED),
    *(f"DROP FUNCTION {revisions}_record();" for _, revisions, *_ in REVISED),
    "DROP FUNCTION factcheck_writer_via();",
    "DROP FUNCTION factcheck_writer_id();",
]


def sqlite_revision(table, revisions, key, fields, extra):
    pairs = " UNION ALL ".join(f"SELECT '{field}' AS name, OLD.{field} AS old, NEW.{field} AS new" for field in fields)
    columns = ", ".join([key, *extra, "at", "by_id", "via", "before", "after"])
    values = ", ".join(
        [
            "NEW.id",
            *extra.values(),
            "strftime('%Y-%m-%d %H:%M:%f', 'now')",
            "factcheck_writer_id()",
            "factcheck_writer_via()",
        ]
    )
    return f"""
    CREATE TRIGGER {revisions}_record AFTER UPDATE OF {", ".join(fields)} ON {table}
    WHEN {changed(fields, differ="IS NOT")}
    BEGIN
        INSERT INTO {revisions} ({columns})
        SELECT {values}, json_group_object(name, old), json_group_object(name, new)
        FROM ({pairs}) WHERE old IS NOT new;
    END;
    """


# name -> statement: the guards a flush (DELETE on SQLite) must drop first, then the recorders.
SQLITE_GUARDS = {
    **{
        f"{table}_no_{operation.lower()}": f"""
        CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table}
        BEGIN SELECT RAISE(ABORT, '{why} ({operation} refused on {table})'); END;
        """
        for table, why in APPEND_ONLY.items()
        for operation in ("UPDATE", "DELETE")
    },
    "factcheck_cited_evidence_no_update": f"""
    CREATE TRIGGER factcheck_cited_evidence_no_update BEFORE UPDATE ON factcheck_evidence
    WHEN ({changed(EVIDENCE_COLUMNS, differ="IS NOT")})
        AND EXISTS (SELECT 1 FROM {CITATIONS} WHERE evidence_id = OLD.id)
    BEGIN
        SELECT RAISE(ABORT, '{FROZEN}: evidence cited by a verification event cannot be changed; add new evidence instead');
    END;
    """,
    "factcheck_cited_evidence_no_delete": f"""
    CREATE TRIGGER factcheck_cited_evidence_no_delete BEFORE DELETE ON factcheck_evidence
    WHEN EXISTS (SELECT 1 FROM {CITATIONS} WHERE evidence_id = OLD.id)
    BEGIN
        SELECT RAISE(ABORT, '{FROZEN}: evidence cited by a verification event cannot be deleted; add new evidence instead');
    END;
    """,
}
SQLITE_RECORDERS = {f"{revised[1]}_record": sqlite_revision(*revised) for revised in REVISED}
SQLITE_TRIGGERS = {**SQLITE_GUARDS, **SQLITE_RECORDERS}
SQLITE_FORWARD = list(SQLITE_TRIGGERS.values())
SQLITE_BACKWARD = [f"DROP TRIGGER {name};" for name in SQLITE_TRIGGERS]


def let_both_groups_read_revisions(apps, schema_editor):
    # As in 0003: permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group, Permission = apps.get_model("auth", "Group"), apps.get_model("auth", "Permission")
    readable = Permission.objects.filter(
        content_type__app_label="factcheck", codename__in=["view_claimrevision", "view_articlerevision"]
    )
    for group in Group.objects.filter(name__in=["Reviewers", "Editors"]):
        group.permissions.add(*readable)


def restore_sqlite_triggers(apps, schema_editor):
    """For a later migration that rebuilds one of these tables on SQLite: create what the rebuild dropped."""
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS"), params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("factcheck", "0011_claims_by_speaker_newest_first"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ArticleRevision",
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
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="revisions", to="factcheck.article"
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
            ],
            options={
                "ordering": ["at", "id"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="ClaimRevision",
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
                    "claim_version",
                    models.PositiveIntegerField(
                        help_text="The claim's status version when it was edited: verdicts up to this one saw it as it was before."
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
                        on_delete=django.db.models.deletion.PROTECT, related_name="revisions", to="factcheck.claim"
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
        migrations.RunPython(let_both_groups_read_revisions, migrations.RunPython.noop),
    ]
