"""What the tally triggers (factcheck.tallies, migration 0018) cost an import, side by side.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck_bench_tallies \\
        .venv/bin/python benchmarks/tally_cost.py [--rows 100000] [--repeat 3]

Our import of the generated file (benchmarks/generate.py), on emptied tables, alternately with
the tally triggers enabled and disabled (ALTER TABLE ... DISABLE TRIGGER), so that both
variants meet the same noise. Reports wall time and CPU time: this process's (parsing,
planning) and the PostgreSQL backend's that served it (read from /proc: the server must run on
this machine), where the triggers' work is done. Drops and creates the database it is given
(its name must start with factcheck_bench).
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_benchmark import (
    DATA,
    configure_environment,
    create_raw_table,
    data_file,
    database_name,
    empty_tables,
    recreate_database,
    reset_function_time,
    run_ours,
)


def set_triggers(enabled):
    from django.db import connection

    from factcheck import tallies

    with connection.cursor() as cursor:
        for name in tallies.TRIGGER_NAMES:
            table = name.removesuffix("_insert").removesuffix("_update").removesuffix("_delete").removesuffix("_tally")
            cursor.execute(f"ALTER TABLE {table} {'ENABLE' if enabled else 'DISABLE'} TRIGGER {name}")


def backend_cpu_seconds():
    """User plus system CPU seconds of the PostgreSQL backend serving this connection so far."""
    import os

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def inside_each(functions):
    """{function: seconds inside it} since reset_function_time(), the busiest first."""
    from django.db import connection

    time.sleep(1)  # statistics reach the shared counters within a second of the commit
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT funcname, total_time FROM pg_stat_user_functions WHERE funcname = ANY(%s) ORDER BY 2 DESC",
            [list(functions)],
        )
        return {name: round(milliseconds / 1000, 2) for name, milliseconds in cursor.fetchall()}


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
    from factcheck.models import Claim, SpeakerTally

    create_raw_table(["unused"])  # empty_tables() truncates it with the app's tables
    figures = {True: [], False: []}
    for run in range(args.repeat):
        for enabled in (True, False):
            set_triggers(enabled)
            empty_tables()
            from factcheck import tallies

            reset_function_time(tallies.TRIGGER_NAMES)
            server, client = backend_cpu_seconds(), time.process_time()
            seconds = run_ours(path, meta)
            server, client = backend_cpu_seconds() - server, time.process_time() - client
            figures[enabled].append((seconds, client, server))
            if enabled:
                print("  inside the trigger functions:", inside_each(tallies.TRIGGER_NAMES), flush=True)
                counted = sum(SpeakerTally.objects.values_list("claims", flat=True))
                assert counted == Claim.objects.count(), (counted, Claim.objects.count())
            label = "with tallies" if enabled else "without"
            print(
                f"run {run + 1}, {label}: {seconds:.2f} s wall, CPU {client:.2f} s here + {server:.2f} s in PostgreSQL",
                flush=True,
            )
    set_triggers(True)
    medians = {flag: [statistics.median(run[i] for run in figures[flag]) for i in range(3)] for flag in figures}
    (wall, client, server), (wall0, client0, server0) = medians[True], medians[False]
    print(
        f"median of {args.repeat} ({args.rows:,} rows): with tallies {wall:.2f} s wall, {client + server:.2f} s CPU "
        f"({server:.2f} in PostgreSQL); without {wall0:.2f} s wall, {client0 + server0:.2f} s CPU ({server0:.2f} "
        f"in PostgreSQL); the triggers cost {(wall / wall0 - 1) * 100:+.1f}% wall, "
        f"{((client + server) / (client0 + server0) - 1) * 100:+.1f}% CPU ({server - server0:+.2f} s of server CPU)"
    )


if __name__ == "__main__":
    main()
