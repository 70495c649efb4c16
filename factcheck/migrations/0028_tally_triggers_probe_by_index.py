"""The tally triggers drive each join from the statement's own rows and probe the other table by index.

Counts do not change, so nothing is counted again: the triggers are only written anew
(factcheck.tallies.joins says why). Undone, they are written the same way.
"""

from django.db import migrations

from factcheck import tallies

# Frozen here: the axes the triggers count by (factcheck.tallies.AXES may grow).
AXES = ("status", "attribution")
# Frozen too: an outlet's total sums its parts (migration 0049 counts its claims, each once).
OUTLETS = "parts"


def rewrite(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":  # SQLite's row triggers are unchanged
        tallies.drop_triggers(schema_editor)
        tallies.create_triggers(schema_editor, AXES, OUTLETS)


class Migration(migrations.Migration):
    dependencies = [
        ("factcheck", "0027_assignments_and_notifications"),
    ]

    operations = [migrations.RunPython(rewrite, rewrite)]
