"""Claims written one by one into a new database, with the facets triggers before and after migration 0046.

    .venv/bin/python benchmarks/new_database_writes.py [--claims 100] [--repeat 3]

For each state of a new database (its claims never analysed, or analysed while empty, as migration
0044 left them before it learnt not to, and as autovacuum may when it passes early) and each
version of the facets triggers (migrated to 0045, or to 0046), it creates the database
factcheck_bench_newdb anew, migrates it, and writes `--claims` claims through the ORM, each with
its own speaker, story, outlet, an appearance and a relay of it by another outlet (as an editor's
or a test's writes come, one statement at a time). It prints the time the writes took (median of
`--repeat`) and how many times the facets function ran (pg_stat_xact_user_functions, the last
run). The database is dropped at the end.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from import_benchmark import configure_environment, drop_database, recreate_database  # noqa: E402

DATABASE = "factcheck_bench_newdb"
STATES = {"never analysed": False, "analysed while empty": True}
VERSIONS = {"before 0046": "0045", "after 0046": "0046"}


def write_claims(count):
    """`count` claims written one statement at a time: (seconds, calls of the facets function)."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from factcheck.models import Appearance, Article, Claim, Outlet, Speaker, Venue

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL track_functions = 'all'")
        recorder = get_user_model().objects.create(username="bench-recorder")
        started = time.perf_counter()
        for number in range(count):
            outlet = Outlet.objects.create(name=f"Outlet {number}")
            relay = Outlet.objects.create(name=f"Relay {number}")
            claim = Claim.objects.create(
                text=f"Claim {number} of a new database.",
                speaker=Speaker.objects.create(name=f"Speaker {number}"),
                article=Article.objects.create(outlet=outlet, headline=f"Story {number}"),
            )
            claim.set_status("unconfirmed", by=recorder, reason="Recorded.")
            origin = Appearance.objects.create(claim=claim, venue_type=Venue.PUBLIC_REMARKS)
            Appearance.objects.create(claim=claim, venue_type=Venue.RELAYED_REPORT, outlet=relay, relayed_from=origin)
        took = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("SELECT calls FROM pg_stat_xact_user_functions WHERE funcname = 'factcheck_claim_facets'")
            calls = cursor.fetchone()[0]
    return took, calls


def one_run(migration, analysed, count):
    """In a child process: a new database migrated to `migration`, then the writes timed."""
    recreate_database(DATABASE)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", "factcheck", migration, verbosity=0)
    if analysed:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    took, calls = write_claims(count)
    print(f"{took:.3f} {calls}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--run", nargs=2, help=argparse.SUPPRESS)
    options = parser.parse_args()
    configure_environment()
    os.environ["DATABASE_URL"] = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{DATABASE}"
    if options.run:
        one_run(options.run[0], options.run[1] == "1", options.claims)
        return
    print(
        f"{options.claims} claims, each with a speaker, a story, an outlet and two appearances;"
        f" median of {options.repeat}"
    )
    for state, analysed in STATES.items():
        for version, migration in VERSIONS.items():
            runs = []
            for _ in range(options.repeat):
                command = [
                    sys.executable,
                    __file__,
                    "--claims",
                    str(options.claims),
                    "--run",
                    migration,
                    str(int(analysed)),
                ]
                runs.append(subprocess.run(command, check=True, capture_output=True, text=True).stdout.split())
            seconds = statistics.median(float(took) for took, _ in runs)
            print(f"  {state:21} {version:11} {seconds:7.2f} s   facets function called {runs[-1][1]:>6} times")
    drop_database(DATABASE)


if __name__ == "__main__":
    main()
