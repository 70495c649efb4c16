"""Corrections when a verdict turns, and re-check dates for unconfirmed claims.

- CorrectionCase: a published story that carried a claim whose verdict turned, until an editor
  records the outcome. History: the database refuses every DELETE, and every UPDATE but the one
  that records the outcome of an open case (once settled, a case never changes), on PostgreSQL
  and SQLite alike. One open case a story (a partial unique index).
- Claim.recheck_on and recheck_set_by: added by ALTER TABLE (nullable columns: SQLite keeps the
  table and its triggers); the unconfirmed claims recorded so far are due FACTCHECK_RECHECK_DAYS after they
  were recorded (claims merged into another are read-only and out of the queue: left empty).
- RecheckDigest: what send_recheck_digest sent, a person a day.
- Editors record outcomes and change re-check dates; both groups read the Corrections queue.
"""

import importlib

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

append_only = importlib.import_module("factcheck.migrations.0002_append_only_events_and_search")
run = append_only.run

CASES = "factcheck_correctioncase"
WRITTEN_ONCE = "correction cases are history: an outcome is recorded once, and a case is never changed or removed"
OPENING_COLUMNS = ["article_id", "claim_id", "event_id", "opened_at"]

POSTGRES_FORWARD = [
    f"""
    CREATE FUNCTION factcheck_correction_written_once() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION '{WRITTEN_ONCE} (DELETE refused on %)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
        END IF;
        IF OLD.outcome <> '' OR NEW.outcome = ''
            OR ({", ".join(f"NEW.{column}" for column in OPENING_COLUMNS)})
                IS DISTINCT FROM ({", ".join(f"OLD.{column}" for column in OPENING_COLUMNS)}) THEN
            RAISE EXCEPTION '{WRITTEN_ONCE} (UPDATE refused on %, case %)', TG_TABLE_NAME, OLD.id
                USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    f"""
    CREATE TRIGGER {CASES}_written_once BEFORE UPDATE OR DELETE ON {CASES}
    FOR EACH ROW EXECUTE FUNCTION factcheck_correction_written_once();
    """,
]
POSTGRES_BACKWARD = [
    f"DROP TRIGGER {CASES}_written_once ON {CASES};",
    "DROP FUNCTION factcheck_correction_written_once();",
]

# name -> statement: the guards a flush (DELETE on SQLite) must drop first (conftest.py).
SQLITE_GUARDS = {
    f"{CASES}_no_delete": f"""
    CREATE TRIGGER {CASES}_no_delete BEFORE DELETE ON {CASES}
    BEGIN SELECT RAISE(ABORT, '{WRITTEN_ONCE} (DELETE refused on {CASES})'); END;
    """,
    f"{CASES}_no_update": f"""
    CREATE TRIGGER {CASES}_no_update BEFORE UPDATE ON {CASES}
    WHEN OLD.outcome <> '' OR NEW.outcome = ''
        OR {" OR ".join(f"NEW.{column} IS NOT OLD.{column}" for column in OPENING_COLUMNS)}
    BEGIN SELECT RAISE(ABORT, '{WRITTEN_ONCE} (UPDATE refused on {CASES})'); END;
    """,
}
SQLITE_FORWARD = list(SQLITE_GUARDS.values())
SQLITE_BACKWARD = [f"DROP TRIGGER {name};" for name in SQLITE_GUARDS]

DUE = "FACTCHECK_RECHECK_DAYS"
UNCONFIRMED = "status = 'unconfirmed' AND merged_into_id IS NULL"


def schedule_rechecks(apps, schema_editor):
    days = int(getattr(settings, DUE, 7))
    statement = {
        "postgresql": f"UPDATE factcheck_claim SET recheck_on = (created_at AT TIME ZONE %s)::date + {days} WHERE {UNCONFIRMED}",
        "sqlite": f"UPDATE factcheck_claim SET recheck_on = date(created_at, '+{days} days') WHERE {UNCONFIRMED}",
    }[schema_editor.connection.vendor]
    params = [settings.TIME_ZONE] if schema_editor.connection.vendor == "postgresql" else []
    schema_editor.execute(statement, params=params or None)


def grant(apps, schema_editor):
    # As in 0003: permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group, Permission = apps.get_model("auth", "Group"), apps.get_model("auth", "Permission")
    granted = {
        "Reviewers": ["view_correctioncase"],
        "Editors": ["view_correctioncase", "record_correction", "schedule_recheck"],
    }
    for group in Group.objects.filter(name__in=granted):
        codenames = granted[group.name]
        group.permissions.add(*Permission.objects.filter(content_type__app_label="factcheck", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("factcheck", "0025_drafts_and_sign_off"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CorrectionCase",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("opened_at", models.DateTimeField()),
                (
                    "outcome",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "Awaiting an editor"),
                            ("published", "Correction published"),
                            ("not_needed", "No correction needed"),
                        ],
                        default="",
                        max_length=20,
                    ),
                ),
                ("correction_url", models.URLField(blank=True, max_length=1000, verbose_name="correction URL")),
                ("correction_text", models.TextField(blank=True, help_text="The correction as published.")),
                ("reason", models.TextField(blank=True, help_text="Why no correction is needed.")),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "ordering": ["opened_at", "id"],
                "permissions": [("record_correction", "Can record whether a story needed a correction")],
            },
        ),
        migrations.CreateModel(
            name="RecheckDigest",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField()),
                ("sent_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("claims", models.JSONField(default=list, help_text="The ids of the claims the digest listed.")),
            ],
            options={
                "ordering": ["-day", "person"],
            },
        ),
        migrations.AlterModelOptions(
            name="claim",
            options={
                "ordering": ["-created_at", "-id"],
                "permissions": [
                    ("change_claim_status", "Can change the verification status of a claim"),
                    ("import_claims", "Can import and export claims in bulk"),
                    ("merge_claims", "Can merge a duplicate claim into another"),
                    ("schedule_recheck", "Can change when an unconfirmed claim is checked again"),
                ],
            },
        ),
        migrations.AddField(
            model_name="claim",
            name="recheck_on",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="re-check by"),
        ),
        migrations.AddField(
            model_name="claim",
            name="recheck_set_by",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(
                condition=models.Q(
                    ("merged_into__isnull", True),
                    ("recheck_on__isnull", False),
                    ("status", "unconfirmed"),
                ),
                fields=["recheck_on", "id"],
                name="claim_recheck_idx",
            ),
        ),
        migrations.AddField(
            model_name="correctioncase",
            name="article",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="correction_cases", to="factcheck.article"
            ),
        ),
        migrations.AddField(
            model_name="correctioncase",
            name="claim",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="correction_cases", to="factcheck.claim"
            ),
        ),
        migrations.AddField(
            model_name="correctioncase",
            name="decided_by",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="correctioncase",
            name="event",
            field=models.ForeignKey(
                db_index=False,
                help_text="The decision.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="factcheck.verificationevent",
            ),
        ),
        migrations.AddField(
            model_name="recheckdigest",
            name="person",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="correctioncase",
            index=models.Index(
                condition=models.Q(("outcome", "")), fields=["opened_at", "id"], name="correctioncase_open_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="correctioncase",
            index=models.Index(
                condition=models.Q(("outcome", ""), _negated=True),
                fields=["-decided_at", "-id"],
                name="correctioncase_settled_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="correctioncase",
            constraint=models.CheckConstraint(
                condition=models.Q(("outcome__in", ["", "published", "not_needed"])), name="correction_valid"
            ),
        ),
        migrations.AddConstraint(
            model_name="correctioncase",
            constraint=models.UniqueConstraint(
                condition=models.Q(("outcome", "")), fields=("article",), name="correctioncase_one_open_per_story"
            ),
        ),
        migrations.AddConstraint(
            model_name="correctioncase",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("correction_text", ""),
                        ("correction_url", ""),
                        ("decided_at__isnull", True),
                        ("decided_by__isnull", True),
                        ("outcome", ""),
                        ("reason", ""),
                    ),
                    models.Q(
                        models.Q(
                            models.Q(
                                ("outcome", "published"),
                                ("reason", ""),
                                models.Q(("correction_url", ""), _negated=True),
                                models.Q(("correction_text", ""), _negated=True),
                            ),
                            models.Q(
                                ("correction_text", ""),
                                ("correction_url", ""),
                                ("outcome", "not_needed"),
                                models.Q(("reason", ""), _negated=True),
                            ),
                            _connector="OR",
                        ),
                        ("decided_at__isnull", False),
                        ("decided_by__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="correction_outcome_complete",
            ),
        ),
        migrations.AddConstraint(
            model_name="recheckdigest",
            constraint=models.UniqueConstraint(fields=("person", "day"), name="recheckdigest_once_a_day"),
        ),
        migrations.RunPython(
            run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
        migrations.RunPython(schedule_rechecks, migrations.RunPython.noop),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
