"""Merging duplicate claims: a claim marked merged and the append-only record of each merge.

- `Claim.merged_into` and `ClaimMerge` (who merged which claim into which, when, why, what moved).
- The database keeps a merged claim read-only, whatever road a write takes: an UPDATE of a
  merged claim is refused; a claim becomes merged only with the ClaimMerge that records it (and
  is never inserted merged); ClaimMerge rows are append-only (UPDATE and DELETE refused, as for
  verification events in 0002). On PostgreSQL the appearances, evidence and notes of a merged
  claim are refused too (added, changed or removed), as are links to it, and a merge into a
  claim that is itself merged. SQLite gets the guards on the claim and on ClaimMerge only: a
  trigger on another table that names factcheck_claim breaks any later migration that rebuilds
  factcheck_claim on SQLite (see 0011); the app refuses those writes itself (factcheck.views,
  factcheck.admin). A later migration that rebuilds factcheck_claim or factcheck_claimmerge on
  SQLite must create these triggers again (restore_sqlite_triggers below).
- The permission `factcheck.merge_claims`, given to the Editors; both groups may read merges.
"""

import importlib

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

run = importlib.import_module("factcheck.migrations.0002_append_only_events_and_search").run

READ_ONLY = "a merged claim is read-only"
APPEND_ONLY = "claim merges are append-only"

POSTGRES_FORWARD = [
    f"""
    CREATE FUNCTION factcheck_guard_merged_claim() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            RAISE EXCEPTION '{READ_ONLY}: a claim is merged only by recording its merge, never inserted merged'
                USING ERRCODE = 'restrict_violation';
        END IF;
        IF OLD.merged_into_id IS NOT NULL THEN
            RAISE EXCEPTION '{READ_ONLY}: claim % was merged into claim %', OLD.id, OLD.merged_into_id
                USING ERRCODE = 'restrict_violation';
        END IF;
        IF NOT EXISTS (
            SELECT 1 FROM factcheck_claimmerge WHERE merged_id = NEW.id AND into_id = NEW.merged_into_id
        ) THEN
            RAISE EXCEPTION '{READ_ONLY}: claim % is merged into claim % only with the merge recorded', NEW.id, NEW.merged_into_id
                USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER factcheck_claim_merged_read_only BEFORE INSERT OR UPDATE ON factcheck_claim
    FOR EACH ROW WHEN (NEW.merged_into_id IS NOT NULL) EXECUTE FUNCTION factcheck_guard_merged_claim();
    """,
    # A merged claim stays merged: an UPDATE that clears merged_into is an UPDATE of a merged claim.
    """
    CREATE TRIGGER factcheck_claim_stays_merged BEFORE UPDATE ON factcheck_claim
    FOR EACH ROW WHEN (OLD.merged_into_id IS NOT NULL AND NEW.merged_into_id IS NULL)
    EXECUTE FUNCTION factcheck_guard_merged_claim();
    """,
    f"""
    CREATE FUNCTION factcheck_guard_merged_claim_parts() RETURNS trigger AS $$
    DECLARE
        merged bigint;
    BEGIN
        IF TG_TABLE_NAME = 'factcheck_claimlink' THEN
            SELECT id INTO merged FROM factcheck_claim
                WHERE id IN (NEW.from_claim_id, NEW.to_claim_id) AND merged_into_id IS NOT NULL LIMIT 1;
        ELSIF TG_TABLE_NAME = 'factcheck_claimmerge' THEN
            SELECT id INTO merged FROM factcheck_claim WHERE id = NEW.into_id AND merged_into_id IS NOT NULL;
        ELSIF TG_OP = 'DELETE' THEN
            SELECT id INTO merged FROM factcheck_claim WHERE id = OLD.claim_id AND merged_into_id IS NOT NULL;
        ELSIF TG_OP = 'UPDATE' THEN
            SELECT id INTO merged FROM factcheck_claim
                WHERE id IN (OLD.claim_id, NEW.claim_id) AND merged_into_id IS NOT NULL LIMIT 1;
        ELSE
            SELECT id INTO merged FROM factcheck_claim WHERE id = NEW.claim_id AND merged_into_id IS NOT NULL;
        END IF;
        IF merged IS NOT NULL THEN
            RAISE EXCEPTION '{READ_ONLY}: claim % was merged into another (% refused on %)', merged, TG_OP, TG_TABLE_NAME
                USING ERRCODE = 'restrict_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    *(
        f"""
        CREATE TRIGGER {table}_of_merged_claim BEFORE {operations} ON {table}
        FOR EACH ROW EXECUTE FUNCTION factcheck_guard_merged_claim_parts();
        """
        for table, operations in [
            ("factcheck_appearance", "INSERT OR UPDATE OR DELETE"),
            ("factcheck_evidence", "INSERT OR UPDATE OR DELETE"),
            ("factcheck_note", "INSERT OR UPDATE OR DELETE"),
            ("factcheck_claimlink", "INSERT OR UPDATE"),
            ("factcheck_claimmerge", "INSERT"),
        ]
    ),
    # factcheck_refuse_history_change() comes from migration 0012.
    f"""
    CREATE TRIGGER factcheck_claimmerge_append_only BEFORE UPDATE OR DELETE ON factcheck_claimmerge
    FOR EACH ROW EXECUTE FUNCTION factcheck_refuse_history_change('{APPEND_ONLY}');
    """,
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER factcheck_claimmerge_append_only ON factcheck_claimmerge;",
    *(
        f"DROP TRIGGER {table}_of_merged_claim ON {table};"
        for table in [
            "factcheck_appearance",
            "factcheck_evidence",
            "factcheck_note",
            "factcheck_claimlink",
            "factcheck_claimmerge",
        ]
    ),
    "DROP FUNCTION factcheck_guard_merged_claim_parts();",
    "DROP TRIGGER factcheck_claim_stays_merged ON factcheck_claim;",
    "DROP TRIGGER factcheck_claim_merged_read_only ON factcheck_claim;",
    "DROP FUNCTION factcheck_guard_merged_claim();",
]

# name -> statement: the guards a flush (DELETE on SQLite) must drop first, then the others.
SQLITE_GUARDS = {
    f"factcheck_claimmerge_no_{operation.lower()}": f"""
    CREATE TRIGGER factcheck_claimmerge_no_{operation.lower()} BEFORE {operation} ON factcheck_claimmerge
    BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY} ({operation} refused on factcheck_claimmerge)'); END;
    """
    for operation in ("UPDATE", "DELETE")
}
SQLITE_TRIGGERS = {
    **SQLITE_GUARDS,
    "factcheck_claim_inserted_unmerged": f"""
    CREATE TRIGGER factcheck_claim_inserted_unmerged BEFORE INSERT ON factcheck_claim
    WHEN NEW.merged_into_id IS NOT NULL
    BEGIN SELECT RAISE(ABORT, '{READ_ONLY}: a claim is merged only by recording its merge, never inserted merged'); END;
    """,
    "factcheck_claim_merged_read_only": f"""
    CREATE TRIGGER factcheck_claim_merged_read_only BEFORE UPDATE ON factcheck_claim
    WHEN OLD.merged_into_id IS NOT NULL
    BEGIN SELECT RAISE(ABORT, '{READ_ONLY}: UPDATE refused on a claim merged into another'); END;
    """,
    "factcheck_claim_merged_by_a_merge": f"""
    CREATE TRIGGER factcheck_claim_merged_by_a_merge BEFORE UPDATE ON factcheck_claim
    WHEN NEW.merged_into_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM factcheck_claimmerge WHERE merged_id = NEW.id AND into_id = NEW.merged_into_id
    )
    BEGIN SELECT RAISE(ABORT, '{READ_ONLY}: a claim is merged only with the merge recorded'); END;
    """,
}
SQLITE_FORWARD = list(SQLITE_TRIGGERS.values())
SQLITE_BACKWARD = [f"DROP TRIGGER {name};" for name in SQLITE_TRIGGERS]


def restore_sqlite_triggers(apps, schema_editor):
    """For a later migration that rebuilds factcheck_claim or factcheck_claimmerge on SQLite."""
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS"), params=None)


def let_editors_merge(apps, schema_editor):
    # As in 0003: permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group, Permission = apps.get_model("auth", "Group"), apps.get_model("auth", "Permission")
    factcheck = Permission.objects.filter(content_type__app_label="factcheck")
    for group in Group.objects.filter(name__in=["Reviewers", "Editors"]):
        group.permissions.add(*factcheck.filter(codename="view_claimmerge"))
        if group.name == "Editors":
            group.permissions.add(*factcheck.filter(codename="merge_claims"))


class Migration(migrations.Migration):
    dependencies = [
        ("factcheck", "0015_attribution_axis"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="claim",
            options={
                "ordering": ["-created_at", "-id"],
                "permissions": [
                    ("change_claim_status", "Can change the verification status of a claim"),
                    ("import_claims", "Can import and export claims in bulk"),
                    ("merge_claims", "Can merge a duplicate claim into another"),
                ],
            },
        ),
        # A nullable column with no default: SQLite adds it with ALTER TABLE, no rebuild of the
        # claims, so their triggers stay.
        migrations.AddField(
            model_name="claim",
            name="merged_into",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="merged_claims",
                to="factcheck.claim",
            ),
        ),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(
                condition=models.Q(("merged_into__isnull", False)), fields=["merged_into"], name="claim_merged_into_idx"
            ),
        ),
        migrations.CreateModel(
            name="ClaimMerge",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                ("reason", models.TextField()),
                (
                    "merged_version",
                    models.PositiveIntegerField(help_text="The merged claim's status version when it was merged."),
                ),
                (
                    "into_version",
                    models.PositiveIntegerField(help_text="The kept claim's status version when the other was merged."),
                ),
                (
                    "moved",
                    models.JSONField(
                        default=dict,
                        help_text="How many appearances, evidence items, notes and links the kept claim gained.",
                    ),
                ),
                (
                    "by",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "into",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="merges_in", to="factcheck.claim"
                    ),
                ),
                (
                    "merged",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT, related_name="merge_record", to="factcheck.claim"
                    ),
                ),
            ],
            options={
                "ordering": ["at", "id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("merged", models.F("into")), _negated=True),
                        name="claimmerge_not_into_itself",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("reason", ""), _negated=True), name="claimmerge_reason_required"
                    ),
                ],
            },
        ),
        migrations.RunPython(
            run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
        migrations.RunPython(let_editors_merge, migrations.RunPython.noop),
    ]
