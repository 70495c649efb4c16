"""Assignments, mentions and notifications (issue 13, item 4).

- Assignment: who works on a claim or a story now; AssignmentRecord: who assigned or
  unassigned whom, and when, append-only (UPDATE and DELETE refused by triggers on PostgreSQL
  and SQLite, as 0017 does for publications).
- Notification (with its indexes for the list, the header's unread count and the emails due),
  NotificationSettings (a person's choice of emails), Note.mentions (the people a note notified).
- Editors may assign (factcheck.assign_work) and read the records; Reviewers read assignments.
"""

import importlib

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

append_only = importlib.import_module("factcheck.migrations.0002_append_only_events_and_search")
run = append_only.run

RECORDS = "factcheck_assignmentrecord"
WHY = "assignment records are append-only: assign or unassign again"
# factcheck_refuse_history_change() is migration 0012's.
POSTGRES_FORWARD = [
    f"""
    CREATE TRIGGER {RECORDS}_append_only BEFORE UPDATE OR DELETE ON {RECORDS}
    FOR EACH ROW EXECUTE FUNCTION factcheck_refuse_history_change('{WHY}');
    """
]
POSTGRES_BACKWARD = [f"DROP TRIGGER {RECORDS}_append_only ON {RECORDS};"]
# name -> statement: the guards a flush (DELETE on SQLite) must drop first (conftest.py).
SQLITE_GUARDS = {
    f"{RECORDS}_no_{operation.lower()}": f"""
    CREATE TRIGGER {RECORDS}_no_{operation.lower()} BEFORE {operation} ON {RECORDS}
    BEGIN SELECT RAISE(ABORT, '{WHY} ({operation} refused on {RECORDS})'); END;
    """
    for operation in ("UPDATE", "DELETE")
}
SQLITE_FORWARD = list(SQLITE_GUARDS.values())
SQLITE_BACKWARD = [f"DROP TRIGGER {name};" for name in SQLITE_GUARDS]


def let_editors_assign(apps, schema_editor):
    # As in 0003: permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group, Permission = apps.get_model("auth", "Group"), apps.get_model("auth", "Permission")
    granted = {
        "Reviewers": ["view_assignment"],
        "Editors": ["view_assignment", "view_assignmentrecord", "assign_work"],
    }
    for group in Group.objects.filter(name__in=granted):
        codenames = granted[group.name]
        group.permissions.add(*Permission.objects.filter(content_type__app_label="factcheck", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("factcheck", "0026_corrections_and_rechecks"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="note",
            name="mentions",
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.CreateModel(
            name="NotificationSettings",
            fields=[
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="notification_settings",
                        serialize=False,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "email",
                    models.CharField(
                        choices=[
                            ("each", "An email for each notification"),
                            ("daily", "One email a day"),
                            ("none", "No email"),
                        ],
                        default="each",
                        max_length=10,
                        verbose_name="email",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "notification settings",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("email__in", ["each", "daily", "none"])), name="notificationsettings_valid"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Assignment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("assigned_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                (
                    "article",
                    models.ForeignKey(
                        db_index=False,
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="assignments",
                        to="factcheck.article",
                        verbose_name="story",
                    ),
                ),
                (
                    "assigned_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "assignee",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="assignments",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "claim",
                    models.ForeignKey(
                        db_index=False,
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="assignments",
                        to="factcheck.claim",
                    ),
                ),
            ],
            options={
                "ordering": ["-assigned_at", "-id"],
                "permissions": [("assign_work", "Can assign claims and stories to people")],
                "indexes": [models.Index(fields=["assignee", "-assigned_at", "-id"], name="assignment_assignee_idx")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("article__isnull", True), ("claim__isnull", False)),
                            models.Q(("article__isnull", False), ("claim__isnull", True)),
                            _connector="OR",
                        ),
                        name="assignment_one_subject",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("claim__isnull", False)),
                        fields=("claim", "assignee"),
                        name="assignment_claim_unique",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("article__isnull", False)),
                        fields=("article", "assignee"),
                        name="assignment_article_unique",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="AssignmentRecord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "action",
                    models.CharField(choices=[("assigned", "Assigned"), ("unassigned", "Unassigned")], max_length=20),
                ),
                ("at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                (
                    "article",
                    models.ForeignKey(
                        db_index=False,
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="factcheck.article",
                        verbose_name="story",
                    ),
                ),
                (
                    "assignee",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "claim",
                    models.ForeignKey(
                        db_index=False,
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="factcheck.claim",
                    ),
                ),
            ],
            options={
                "ordering": ["-at", "-id"],
                "indexes": [
                    models.Index(
                        condition=models.Q(("claim__isnull", False)),
                        fields=["claim", "-at"],
                        name="assignmentrecord_claim_idx",
                    ),
                    models.Index(
                        condition=models.Q(("article__isnull", False)),
                        fields=["article", "-at"],
                        name="assignmentrecord_article_idx",
                    ),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("article__isnull", True), ("claim__isnull", False)),
                            models.Q(("article__isnull", False), ("claim__isnull", True)),
                            _connector="OR",
                        ),
                        name="assignmentrecord_one_subject",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("action__in", ["assigned", "unassigned"])),
                        name="assignmentrecord_action_valid",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Notification",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[("assigned", "Assigned to you"), ("mentioned", "Mentioned you")], max_length=30
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ("read_at", models.DateTimeField(blank=True, null=True)),
                ("email_due", models.BooleanField(default=False)),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "article",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="factcheck.article",
                        verbose_name="story",
                    ),
                ),
                (
                    "claim",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="factcheck.claim",
                    ),
                ),
                (
                    "note",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="factcheck.note",
                    ),
                ),
                (
                    "recipient",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notifications",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
                "indexes": [
                    models.Index(fields=["recipient", "-created_at", "-id"], name="notification_recipient_idx"),
                    models.Index(
                        condition=models.Q(("read_at__isnull", True)),
                        fields=["recipient"],
                        name="notification_unread_idx",
                    ),
                    models.Index(
                        condition=models.Q(("email_due", True)), fields=["recipient"], name="notification_email_due_idx"
                    ),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("claim__isnull", True), ("article__isnull", True), _connector="OR"),
                        name="notification_one_subject",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("kind__in", ["assigned", "mentioned"])), name="notification_kind_valid"
                    ),
                ],
            },
        ),
        migrations.RunPython(
            run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
        migrations.RunPython(let_editors_assign, migrations.RunPython.noop),
    ]
