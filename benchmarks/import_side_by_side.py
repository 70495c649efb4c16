"""Two versions of the importer timed side by side: rows/s of each, alternating runs, medians.

    .venv/bin/python benchmarks/import_side_by_side.py --before ../wt-import-before [--after .] \\
        [--rows 100000] [--repeat 3] [--memory-rows 1000000]

`--before` and `--after` are checkouts of the project (a `git worktree add` of the commit to
compare with will do); both run on this virtualenv's Python. Each gets its own database,
created and migrated by its own code and dropped at the end: factcheck_bench_imp_<pid>_before
and _after on the server of DATABASE_URL (default: postgres@127.0.0.1:5432).
Each round times, for each version in turn (the order alternates from round to round, so that
drift in the machine's load spreads evenly), `importing.import_file` (the command line) and
`validate` then `apply` (the admin's preview and confirm) of the generated file, every run in a
fresh process on emptied tables, checked against the counts the generator recorded. With
--memory-rows, `import_file` of that file then runs once for each version, and its peak resident
memory (VmHWM) is reported.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from import_benchmark import (  # noqa: E402
    configure_environment,
    data_file,
    drop_database,
    empty_tables,
    meta_path,
    peak_rss_kb,
    recreate_database,
    run_ours,
)

SERVER = "postgres://postgres@127.0.0.1:5432/"
MODES = ("import_file", "validate + apply")


def database_url(label):
    """This run's database for `label`: named after the run's process, so that two runs at once
    do not drop each other's; dropped when the run ends."""
    server = urlsplit(os.environ.get("DATABASE_URL", SERVER))
    return urlunsplit(server._replace(path=f"/factcheck_bench_imp_{os.getpid()}_{label}"))


def in_engine(engine, url, *arguments):
    """Run this script's child part with `engine`'s code on the database at `url`; its JSON report."""
    environment = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(engine)}
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(engine), *arguments]
    finished = subprocess.run(command, cwd=engine, env=environment, capture_output=True, text=True, check=False)
    if finished.returncode:
        raise SystemExit(f"{engine}: {' '.join(arguments)} failed:\n{finished.stdout}\n{finished.stderr}")
    return json.loads(finished.stdout.strip().splitlines()[-1])


def child(engine, action, path=None):
    """In a fresh process, with `engine` first on the path: migrate, or empty the tables and time one import."""
    sys.path.insert(0, str(engine))
    configure_environment()
    import django

    django.setup()
    from django.core.management import call_command

    if action == "migrate":
        call_command("migrate", verbosity=0)
        return {}
    empty_tables(raw=False)
    path = Path(path)
    seconds = run_ours(path, json.loads(meta_path(path).read_text(encoding="utf-8")), two_steps=action != "import_file")
    return {"seconds": seconds, "peak_rss_kb": peak_rss_kb()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, help="the checkout to compare with (required)")
    parser.add_argument("--after", type=Path, default=HERE.parent)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory-rows", type=int, default=0, help="also the peak memory of importing this many rows")
    parser.add_argument("--memory-of", nargs="+", choices=["before", "after"], default=["before", "after"])
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    if args.before is None:
        parser.error("--before is required: a checkout of the version to compare with")
    configure_environment()
    engines = {"before": args.before.resolve(), "after": args.after.resolve()}
    try:
        compare(engines, args)
    finally:
        for url in map(database_url, engines):
            drop_database(urlsplit(url).path.lstrip("/"), url)


def compare(engines, args):
    path, _ = data_file(args.rows)
    for label, engine in engines.items():
        url = database_url(label)
        recreate_database(urlsplit(url).path.lstrip("/"), url)
        in_engine(engine, database_url(label), "migrate")
    runs = {(label, mode): [] for label in engines for mode in MODES}
    for repetition in range(args.repeat):
        order = list(engines) if repetition % 2 == 0 else list(reversed(engines))
        for mode in MODES:
            for label in order:
                seconds = in_engine(engines[label], database_url(label), mode, str(path))["seconds"]
                runs[label, mode].append(seconds)
                print(f"round {repetition + 1}: {label:<6} {mode:<16} {seconds:7.2f} s", file=sys.stderr, flush=True)
    if args.repeat:
        print(f"{args.rows:,} rows, medians of {args.repeat}:")
    for mode in MODES if args.repeat else ():
        for label in engines:
            median = statistics.median(runs[label, mode])
            shown = ", ".join(f"{run:.2f}" for run in runs[label, mode])
            print(f"  {label:<6} {mode:<16} {median:7.2f} s {args.rows / median:8,.0f} rows/s  ({shown})")
        ratio = statistics.median(runs["before", mode]) / statistics.median(runs["after", mode])
        print(f"  after / before, {mode}: {ratio:.2f}x the rows/s")
    if args.memory_rows:
        big, _ = data_file(args.memory_rows)
        for label in args.memory_of:
            engine = engines[label]
            report = in_engine(engine, database_url(label), "import_file", str(big))
            print(
                f"  {label:<6} import_file of {args.memory_rows:,} rows: {report['seconds']:.1f} s, "
                f"peak RSS {report['peak_rss_kb'] / 1024:.0f} MB"
            )


if __name__ == "__main__":
    main()
