"""What the triggers of migration 0009 (revisions, frozen evidence) cost an import, side by side (issue 8, items 3-4).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck_bench_revisions \\
        .venv/bin/python benchmarks/revision_cost.py [--rows 100000] [--repeat 3]

Each run empties the tables, imports the generated file (benchmarks/generate.py, as `make bench`
uses), then imports it again with every row's quote changed, so that the importer's bulk_update
edits every stored claim and the revision trigger records each edit. Runs alternate between the
triggers of migration 0009 enabled and disabled (ALTER TABLE ... DISABLE TRIGGER), so that both
variants meet the same noise, and the time spent inside the triggers' functions is read from
pg_stat_user_functions (track_functions), a figure the noise does not blur. Prints each run and
the medians of both imports. Drops and creates the database it is given (its name must start
with factcheck_bench).
"""

import argparse
import csv
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_benchmark import (
    DATA,
    configure_environment,
    create_raw_table,
    data_file,
    database_name,
    empty_tables,
    function_time,
    recreate_database,
    reset_function_time,
    run_ours,
)

TRIGGERS = {
    "factcheck_claim": ["factcheck_claimrevision_record"],
    "factcheck_article": ["factcheck_articlerevision_record"],
    "factcheck_evidence": ["factcheck_cited_evidence_no_update", "factcheck_cited_evidence_no_delete"],
    "factcheck_verificationevent_evidence": ["factcheck_verificationevent_evidence_append_only"],
}


def set_triggers(enabled):
    from django.db import connection

    with connection.cursor() as cursor:
        for table, triggers in TRIGGERS.items():
            for trigger in triggers:
                cursor.execute(f"ALTER TABLE {table} {'ENABLE' if enabled else 'DISABLE'} TRIGGER {trigger}")


FUNCTIONS = [
    "factcheck_claimrevision_record",
    "factcheck_articlerevision_record",
    "factcheck_refuse_cited_evidence_change",
    "factcheck_refuse_history_change",
]


def revised_file(path):
    """The same rows, each with another quote: a re-import of it edits every claim once."""
    revised = path.with_name(f"{path.stem}-revised-quotes.csv")
    if not revised.exists() or revised.stat().st_mtime < path.stat().st_mtime:
        with path.open(newline="", encoding="utf-8") as source, revised.open("w", newline="", encoding="utf-8") as out:
            rows = csv.DictReader(source)
            writer = csv.DictWriter(out, rows.fieldnames)
            writer.writeheader()
            for row in rows:
                writer.writerow({**row, "quote": f"{row['quote']} (revised)".strip()})
    return revised


def revision_count():
    from factcheck.models import ClaimRevision

    return ClaimRevision.objects.count()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    configure_environment()
    name = database_name()
    DATA.mkdir(exist_ok=True)
    path, meta = data_file(args.rows)
    revised = revised_file(path)
    recreate_database(name)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    create_raw_table(["unused"])  # empty_tables() truncates it with the app's tables
    timings = {(enabled, phase): [] for enabled in (True, False) for phase in ("import", "re-import")}
    inside = {"import": [], "re-import": []}
    for run in range(args.repeat):
        for enabled in (True, False):
            set_triggers(enabled)
            empty_tables()
            reset_function_time(FUNCTIONS)
            first = run_ours(path, meta)
            inside_first = function_time(FUNCTIONS)
            reset_function_time(FUNCTIONS)
            again = run_ours(revised, meta, check=False)
            inside_again = function_time(FUNCTIONS)
            timings[enabled, "import"].append(first)
            timings[enabled, "re-import"].append(again)
            if enabled:
                inside["import"].append(inside_first[0])
                inside["re-import"].append(inside_again[0])
            label = "with the triggers" if enabled else "without"
            print(
                f"run {run + 1}, {label}: import {first:.2f} s ({args.rows / first:,.0f} rows/s; "
                f"{inside_first[1]:,} calls, {inside_first[0]:.2f} s inside the triggers' functions), "
                f"re-import editing every claim {again:.2f} s ({args.rows / again:,.0f} rows/s; "
                f"{inside_again[1]:,} calls, {inside_again[0]:.2f} s inside), {revision_count():,} revisions",
                flush=True,
            )
    set_triggers(True)
    for phase in ("import", "re-import"):
        with_triggers, without = (statistics.median(timings[enabled, phase]) for enabled in (True, False))
        print(
            f"{phase}, median of {args.repeat}: {args.rows / with_triggers:,.0f} rows/s with the triggers, "
            f"{args.rows / without:,.0f} without; they cost {(with_triggers / without - 1) * 100:.1f}% "
            f"({with_triggers - without:+.2f} s for {args.rows:,} rows); "
            f"inside their functions {statistics.median(inside[phase]):.2f} s, "
            f"{statistics.median(inside[phase]) / with_triggers * 100:.1f}% of the {phase} with them "
            "(the figure the machine's noise does not blur)"
        )


if __name__ == "__main__":
    main()
