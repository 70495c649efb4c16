"""What the history check of migration 0007 costs an import, side by side (issue 8, item 1).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck_bench_history \\
        .venv/bin/python benchmarks/history_check_cost.py [--rows 100000] [--repeat 3]

Our import of the generated file (benchmarks/generate.py, as `make bench` uses), on emptied
tables, alternately with the two deferred constraint triggers enabled and disabled
(ALTER TABLE ... DISABLE TRIGGER), so that both variants meet the same noise. Prints each run and
the medians. Drops and creates the database it is given (its name must start with
factcheck_bench).
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

CHECK = "factcheck_check_claim_history"
TRIGGERS = {
    "factcheck_claim": "factcheck_claim_follows_history",
    "factcheck_verificationevent": "factcheck_event_moves_claim",
}


def set_triggers(enabled):
    from django.db import connection

    with connection.cursor() as cursor:
        for table, trigger in TRIGGERS.items():
            cursor.execute(f"ALTER TABLE {table} {'ENABLE' if enabled else 'DISABLE'} TRIGGER {trigger}")


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
    timings, checks = {True: [], False: []}, []
    for run in range(args.repeat):
        for enabled in (True, False):
            set_triggers(enabled)
            empty_tables()
            reset_function_time([CHECK])
            seconds = run_ours(path, meta)
            timings[enabled].append(seconds)
            if enabled:
                inside, calls = function_time([CHECK])
                checks.append(inside)
                label = f"with the check ({calls:,} calls, {inside:.2f} s inside it)"
            else:
                label = "without"
            print(f"run {run + 1}, {label}: {seconds:.2f} s ({args.rows / seconds:,.0f} rows/s)", flush=True)
    set_triggers(True)
    with_check, without = (statistics.median(timings[flag]) for flag in (True, False))
    print(
        f"median of {args.repeat}: {args.rows / with_check:,.0f} rows/s with the history check, "
        f"{args.rows / without:,.0f} without; the check costs {(with_check / without - 1) * 100:.1f}% "
        f"({with_check - without:+.2f} s for {args.rows:,} claims and their events)"
    )
    inside = statistics.median(checks)
    print(
        f"median time inside the check: {inside:.2f} s, {inside / with_check * 100:.1f}% of the import with it "
        "(the figure the machine's noise does not blur)"
    )


if __name__ == "__main__":
    main()
