"""What the merged-claim guards of migration 0016 cost an import on PostgreSQL, side by side.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck_bench_merge \\
        .venv/bin/python benchmarks/merge_guard_cost.py [--rows 100000] [--repeat 3]

Each run empties the tables and imports the generated file (benchmarks/generate.py), whose
appearances and evidence each fire the guard on their insert (a claim's own UPDATE fires it only
for claims being merged or merged already). Runs alternate between the guards enabled and
disabled (ALTER TABLE ... DISABLE TRIGGER), so both variants meet the same noise, and the time
spent inside the guard's function is read from pg_stat_user_functions. Drops and creates the
database it is given (its name must start with factcheck_bench).
"""

import argparse
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

TABLES = ["factcheck_appearance", "factcheck_evidence", "factcheck_note", "factcheck_claimlink"]
FUNCTIONS = ["factcheck_guard_merged_claim_parts"]


def set_guards(enabled):
    from django.db import connection

    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"ALTER TABLE {table} {'ENABLE' if enabled else 'DISABLE'} TRIGGER {table}_of_merged_claim")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    configure_environment()
    name = database_name()
    DATA.mkdir(exist_ok=True)
    path, meta = data_file(args.rows)
    recreate_database(name)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    create_raw_table(["unused"])  # empty_tables() truncates it with the app's tables
    timings, inside = {True: [], False: []}, []
    for run in range(args.repeat):
        for enabled in (True, False):
            set_guards(enabled)
            empty_tables()
            reset_function_time(FUNCTIONS)
            seconds = run_ours(path, meta)
            spent, calls = function_time(FUNCTIONS)
            timings[enabled].append(seconds)
            if enabled:
                inside.append(spent)
            label = "with the guards" if enabled else "without"
            print(
                f"run {run + 1}, {label}: {seconds:.2f} s ({args.rows / seconds:,.0f} rows/s; "
                f"{calls:,} calls, {spent:.2f} s inside the guard)",
                flush=True,
            )
    set_guards(True)
    with_guards, without = statistics.median(timings[True]), statistics.median(timings[False])
    print(
        f"median of {args.repeat}: {args.rows / with_guards:,.0f} rows/s with the guards, {args.rows / without:,.0f} "
        f"without ({(with_guards / without - 1) * 100:+.1f}%); inside the guard {statistics.median(inside):.2f} s, "
        f"{statistics.median(inside) / with_guards * 100:.1f}% of the import (the figure the noise does not blur)"
    )


if __name__ == "__main__":
    main()
