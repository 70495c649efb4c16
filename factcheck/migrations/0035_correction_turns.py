"""The later turns of a story's open correction case: every claim the story carries that turned
while the case waited for an outcome, beside the turn that opened it. History: the database refuses
every UPDATE and DELETE, on PostgreSQL and SQLite alike.
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models

append_only = importlib.import_module("factcheck.migrations.0002_append_only_events_and_search")
run = append_only.run

TURNS = "factcheck_correctionturn"
WHY = "the turns a correction case lists are history: they are never changed or removed"
POSTGRES_FORWARD = [
    # factcheck_refuse_history_change() is migration 0012's.
    f"""
    CREATE TRIGGER {TURNS}_append_only BEFORE UPDATE OR DELETE ON {TURNS}
    FOR EACH ROW EXECUTE FUNCTION factcheck_refuse_history_change('{WHY}');
    """,
]
POSTGRES_BACKWARD = [f"DROP TRIGGER {TURNS}_append_only ON {TURNS};"]
# name -> statement: the guards a flush (DELETE on SQLite) must drop first (conftest.py).
SQLITE_GUARDS = {
    f"{TURNS}_no_{operation.lower()}": f"""
    CREATE TRIGGER {TURNS}_no_{operation.lower()} BEFORE {operation} ON {TURNS}
    BEGIN SELECT RAISE(ABORT, '{WHY} ({operation} refused on {TURNS})'); END;
    """
    for operation in ("UPDATE", "DELETE")
}
SQLITE_FORWARD = list(SQLITE_GUARDS.values())
SQLITE_BACKWARD = [f"DROP TRIGGER {name};" for name in SQLITE_GUARDS]


class Migration(migrations.Migration):
    dependencies = [
        ("factcheck", "0034_claim_status_and_kind_facets"),
    ]

    operations = [
        migrations.CreateModel(
            name="CorrectionTurn",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "case",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="later_turns",
                        to="factcheck.correctioncase",
                    ),
                ),
                (
                    "claim",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="factcheck.claim"
                    ),
                ),
                (
                    "event",
                    models.ForeignKey(
                        db_index=False,
                        help_text="The decision.",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="factcheck.verificationevent",
                    ),
                ),
            ],
            options={
                "ordering": ["case", "event"],
                "constraints": [models.UniqueConstraint(fields=("case", "event"), name="correctionturn_once_a_case")],
            },
        ),
        migrations.RunPython(
            run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
