"""Verdicts published on purpose: PublishedVerdict and VerdictWithdrawal, and which events were decided here.

- `VerificationEvent.decided_here`: true for the events `Claim.set_status` writes, false (the
  database's default) for an import's, which are written in bulk and name no such column, and
  for anything else written around set_status. Existing events are marked from their reason:
  an import's reads "Imported from <file> (import #<id>)" (factcheck.importing.import_reason).
  Marking them is the one UPDATE of the history ever made, with its guard lifted for it. The
  column is added by ALTER TABLE on both databases: Django would rebuild the table on SQLite
  (a NOT NULL column), dropping the history's triggers.
- Publications and withdrawals are append-only (UPDATE and DELETE refused), and a publication
  must name an event of its claim that was decided here and is a verdict (verified, disputed,
  false): triggers on PostgreSQL and SQLite, whatever road the row takes.
- Editors may publish and withdraw (factcheck.publish_verdict); both groups read publications.
"""

import importlib

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

append_only = importlib.import_module("factcheck.migrations.0002_append_only_events_and_search")
run = append_only.run

EVENTS = "factcheck_verificationevent"
IMPORTED = "Imported from %(import #%"
VERDICTS = "('verified', 'disputed', 'false')"
NOT_OWN = "only a verdict decided here (verified, disputed or false) of the same claim can be published"
# table -> why UPDATE and DELETE are refused
APPEND_ONLY = {
    "factcheck_publishedverdict": "published verdicts are append-only: withdraw one, or publish a newer verdict",
    "factcheck_verdictwithdrawal": "withdrawals are append-only",
}

POSTGRES_COLUMN = [
    f"ALTER TABLE {EVENTS} ADD COLUMN decided_here boolean DEFAULT false NOT NULL",
    f"ALTER TABLE {EVENTS} DISABLE TRIGGER factcheck_verificationevent_append_only",
    f"UPDATE {EVENTS} SET decided_here = true WHERE reason NOT LIKE '{IMPORTED}'",
    f"ALTER TABLE {EVENTS} ENABLE TRIGGER factcheck_verificationevent_append_only",
]
EVENT_GUARDS = dict(zip(append_only.SQLITE_TRIGGERS, append_only.SQLITE_FORWARD, strict=True))
SQLITE_COLUMN = [
    f"ALTER TABLE {EVENTS} ADD COLUMN decided_here bool DEFAULT 0 NOT NULL",
    "DROP TRIGGER factcheck_verificationevent_no_update",
    f"UPDATE {EVENTS} SET decided_here = 1 WHERE reason NOT LIKE '{IMPORTED}'",
    EVENT_GUARDS["factcheck_verificationevent_no_update"],
]

POSTGRES_FORWARD = [
    f"""
    CREATE FUNCTION factcheck_check_publication() RETURNS trigger AS $$
    BEGIN
        PERFORM FROM {EVENTS} WHERE id = NEW.event_id AND claim_id = NEW.claim_id AND decided_here
            AND to_status IN {VERDICTS};
        IF NOT FOUND THEN
            RAISE EXCEPTION '{NOT_OWN} (event %, claim %)', NEW.event_id, NEW.claim_id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER factcheck_publishedverdict_own_verdict BEFORE INSERT ON factcheck_publishedverdict
    FOR EACH ROW EXECUTE FUNCTION factcheck_check_publication();
    """,
    # factcheck_refuse_history_change() is migration 0012's.
    *(
        f"""
        CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION factcheck_refuse_history_change('{why}');
        """
        for table, why in APPEND_ONLY.items()
    ),
]
POSTGRES_BACKWARD = [
    *(f"DROP TRIGGER {table}_append_only ON {table};" for table in APPEND_ONLY),
    "DROP TRIGGER factcheck_publishedverdict_own_verdict ON factcheck_publishedverdict;",
    "DROP FUNCTION factcheck_check_publication();",
]

# name -> statement: the guards a flush (DELETE on SQLite) must drop first (conftest.py).
SQLITE_GUARDS = {
    f"{table}_no_{operation.lower()}": f"""
    CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table}
    BEGIN SELECT RAISE(ABORT, '{why} ({operation} refused on {table})'); END;
    """
    for table, why in APPEND_ONLY.items()
    for operation in ("UPDATE", "DELETE")
}
SQLITE_TRIGGERS = {
    **SQLITE_GUARDS,
    "factcheck_publishedverdict_own_verdict": f"""
    CREATE TRIGGER factcheck_publishedverdict_own_verdict BEFORE INSERT ON factcheck_publishedverdict
    WHEN NOT EXISTS (
        SELECT 1 FROM {EVENTS} WHERE id = NEW.event_id AND claim_id = NEW.claim_id AND decided_here
            AND to_status IN {VERDICTS}
    )
    BEGIN SELECT RAISE(ABORT, '{NOT_OWN}'); END;
    """,
}
SQLITE_FORWARD = list(SQLITE_TRIGGERS.values())
SQLITE_BACKWARD = [f"DROP TRIGGER {name};" for name in SQLITE_TRIGGERS]


def let_editors_publish(apps, schema_editor):
    # As in 0003: permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group, Permission = apps.get_model("auth", "Group"), apps.get_model("auth", "Permission")
    granted = {
        "Reviewers": ["view_publishedverdict", "view_verdictwithdrawal"],
        "Editors": ["view_publishedverdict", "view_verdictwithdrawal", "publish_verdict"],
    }
    for group in Group.objects.filter(name__in=granted):
        codenames = granted[group.name]
        group.permissions.add(*Permission.objects.filter(content_type__app_label="factcheck", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("factcheck", "0016_merge_claims"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="verificationevent",
                    name="decided_here",
                    field=models.BooleanField(
                        db_default=False,
                        default=False,
                        editable=False,
                        help_text="Decided by a person in this app (Claim.set_status), not written by an import.",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunPython(
                    run({"postgresql": POSTGRES_COLUMN, "sqlite": SQLITE_COLUMN}),
                    run(
                        {
                            "postgresql": [f"ALTER TABLE {EVENTS} DROP COLUMN decided_here"],
                            "sqlite": [f"ALTER TABLE {EVENTS} DROP COLUMN decided_here"],
                        }
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="PublishedVerdict",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "summary",
                    models.TextField(
                        blank=True,
                        help_text="What the public page says of the verdict; empty: the verdict's reason as written.",
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
                    "claim",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="publications", to="factcheck.claim"
                    ),
                ),
                (
                    "event",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="publications",
                        to="factcheck.verificationevent",
                    ),
                ),
                (
                    "replaces",
                    models.OneToOneField(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="replaced_by",
                        to="factcheck.publishedverdict",
                    ),
                ),
            ],
            options={
                "ordering": ["-at", "-id"],
                "permissions": [("publish_verdict", "Can publish and withdraw this newsroom's verdicts")],
            },
        ),
        migrations.CreateModel(
            name="VerdictWithdrawal",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                ("reason", models.TextField(help_text="Shown on the public page.")),
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
                    "publication",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="withdrawal",
                        to="factcheck.publishedverdict",
                    ),
                ),
            ],
            options={
                "ordering": ["-at", "-id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("reason", ""), _negated=True), name="withdrawal_reason_required"
                    )
                ],
            },
        ),
        migrations.RunPython(
            run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
        migrations.RunPython(let_editors_publish, migrations.RunPython.noop),
    ]
