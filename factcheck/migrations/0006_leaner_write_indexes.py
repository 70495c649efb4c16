"""Fewer indexes for every import to maintain: events and evidence by person, events by claim
(two composite indexes already start with claim_id), and relays only where there is one.

On SQLite, altering a column rebuilds the table and drops its triggers, so the append-only
triggers of migration 0002 are created again on the rebuilt factcheck_verificationevent.
"""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

append_only = importlib.import_module("factcheck.migrations.0002_append_only_events_and_search")


def restore_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in append_only.SQLITE_FORWARD:
            schema_editor.execute(statement.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS"), params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("factcheck", "0005_fewer_write_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Runs last when the migration is reversed, after the rebuilds undone below.
        migrations.RunPython(migrations.RunPython.noop, restore_sqlite_triggers),
        migrations.AlterField(
            model_name="appearance",
            name="relayed_from",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                help_text="The appearance this one reports or relays.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="relays",
                to="factcheck.appearance",
            ),
        ),
        migrations.AlterField(
            model_name="evidence",
            name="added_by",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="verificationevent",
            name="by",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="verificationevent",
            name="claim",
            field=models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="events", to="factcheck.claim"
            ),
        ),
        migrations.AddIndex(
            model_name="appearance",
            index=models.Index(
                condition=models.Q(("relayed_from__isnull", False)),
                fields=["relayed_from"],
                name="appearance_relay_idx",
            ),
        ),
        # After the rebuilds above, and before anything could write to the rebuilt table.
        migrations.RunPython(restore_sqlite_triggers, migrations.RunPython.noop),
    ]
