"""A speaker's claims indexed newest first: (speaker, created_at, id) replaces the index on speaker alone.

The speaker page and the story desk's look-alike claims read a speaker's newest claims and stop
after a page of them; on speaker_id alone they had to read and sort every claim of the speaker.
The index serves everything the old one did (it starts with speaker_id), so imports keep one index.

On SQLite, altering the column rebuilds factcheck_claim, which drops the triggers on it and
breaks the rename of the rebuilt table while a trigger elsewhere (on the events) still names it.
So the history triggers of migration 0007 are dropped before the rebuild and created after it.
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models

history = importlib.import_module("factcheck.migrations.0007_claim_status_follows_history")


def drop_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for name in history.SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", params=None)


def restore_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in history.SQLITE_FORWARD:
            schema_editor.execute(statement.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS"), params=None)


class Migration(migrations.Migration):
    dependencies = [("factcheck", "0010_story_desk")]

    operations = [
        migrations.RunPython(drop_sqlite_triggers, restore_sqlite_triggers),
        migrations.AlterField(
            model_name="claim",
            name="speaker",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="claims",
                to="factcheck.speaker",
            ),
        ),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(fields=["speaker", "-created_at", "-id"], name="claim_speaker_recent_idx"),
        ),
        # After the rebuild, before anything could write to the rebuilt table.
        migrations.RunPython(restore_sqlite_triggers, drop_sqlite_triggers),
    ]
