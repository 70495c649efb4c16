"""The app's own CPU per request of the queue's htmx partials, this tree against another, side by side.

    git worktree add ../wt-before main
    python benchmarks/app_cpu_side_by_side.py --before ../wt-before --database factcheck_bench_1m

On a shared host the CPU a request takes moves with whatever else runs, by a fifth or more
between two runs a minute apart. So both trees answer at once, each in a process of its own
(Django's test Client, DEBUG=0, as benchmarks/read_path.py measures in-process), taking turns
of `--requests` requests for `--rounds` rounds, and what is compared is the pair of each round:
the two trees see the same load. Printed: each tree's median of `time.process_time()` per
request (the app alone, not PostgreSQL) and the median of the rounds' after/before ratios.
The database must hold claims (an import: read_path.py's, or benchmarks/generate.py's file
through import_claims); the benchmark's personas are added to it as read_path.py adds them.

`--page PATH` (once or more) measures those whole pages, requested without htmx, instead of the
queue's partials: `--page /claims/165/` for a claim's page.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
HTMX = {"HX-Request": "true"}
CASES = {
    "queue partial": {},
    "queue partial, any status": {"status": "all"},
    "search partial": {"q": "drones", "status": "all"},
    "search partial, phrase": {"q": '"North Korean troops"', "status": "all"},
    "queue partial, verified": {"status": "verified"},
}


def cases(pages):
    """{name: (path, headers)}: the queue's partials, or the whole pages asked for."""
    if pages:
        return {page: (page, {}) for page in pages}
    return {name: (f"/claims/?{urlencode(query)}" if query else "/claims/", HTMX) for name, query in CASES.items()}


def worker(root, database, pages):
    """Answer "case requests" lines on stdin with the app's CPU ms per request, in the tree at `root`."""
    sys.path[:0] = [str(root), str(Path(root) / "benchmarks")]
    os.chdir(root)
    import read_path

    read_path.configure_environment(database)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG off: whole pages name the hashed files

    client = Client()
    client.force_login(read_path.personas()["reviewer"])
    paths = cases(pages)
    for path, headers in paths.values():
        for _ in range(10):  # warm: templates, the compiled SQL, the drawn rows
            if client.get(path, headers=headers).status_code != 200:
                raise SystemExit(f"{root}: {path} did not answer 200")
    print("ready", flush=True)
    for line in sys.stdin:
        name, requests = line.rsplit(" ", 1)
        started = time.process_time()
        path, headers = paths[name]
        for _ in range(int(requests)):
            client.get(path, headers=headers)
        print((time.process_time() - started) * 1000 / int(requests), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True, help="the other tree (a worktree of main)")
    parser.add_argument("--database", required=True, help="a PostgreSQL database holding claims")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--requests", type=int, default=50, help="requests per turn (default 50)")
    parser.add_argument("--page", action="append", default=[], help="a whole page to measure instead of the partials")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.database, args.page)
        return
    trees = {"before": Path(args.before).resolve(), "after": HERE.parent}
    pages = [part for page in args.page for part in ("--page", page)]
    command = [sys.executable, __file__, "--before", "-", "--database", args.database, *pages, "--worker"]
    workers = {
        name: subprocess.Popen([*command, str(root)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for name, root in trees.items()
    }
    for process in workers.values():
        if process.stdout.readline().strip() != "ready":
            raise SystemExit("a worker did not start")

    def turn(name, case):
        workers[name].stdin.write(f"{case} {args.requests}\n")
        workers[name].stdin.flush()
        return float(workers[name].stdout.readline())

    print(f"app CPU per request, ms (median of {args.rounds} turns of {args.requests} requests each, taken in turn)")
    for case in cases(args.page):
        times = {"before": [], "after": []}
        for round_number in range(args.rounds):
            for name in ("before", "after") if round_number % 2 == 0 else ("after", "before"):
                times[name].append(turn(name, case))
        before, after = statistics.median(times["before"]), statistics.median(times["after"])
        ratio = statistics.median(a / b for a, b in zip(times["after"], times["before"], strict=True))
        print(f"{case:28} before {before:6.2f}  after {after:6.2f}  after/before {ratio:.2f}", flush=True)
    for process in workers.values():
        process.stdin.close()
        process.wait()


if __name__ == "__main__":
    main()
