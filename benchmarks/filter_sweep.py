"""Every queue filter alone and with every other, with no search, a frequent word and a phrase.

    python benchmarks/filter_sweep.py                      # both databases of read_path.py
    python benchmarks/filter_sweep.py --database factcheck_bench_1m --requests 9
    python benchmarks/filter_sweep.py --database factcheck_bench_1m --requests 3 --every-value

read_path.py measures the cases a desk uses most; this looks for the combinations nobody chose
as a case: each filter value below, alone and paired with each value of every other filter, on
the full queue page. It prints each combination's p50 and its slowest request (of
`--requests`, after one unmeasured) with its query count, worst first, and how many are within
the budget of docs (50 ms and 6 queries a list page). The databases are read_path.py's (it
builds them). The figures also go to benchmarks/data/filter_sweep.json. With `--every-value`,
every value of each select (every status, attribution, venue, kind...), where filters that seldom
meet hide: about five times the pairs (benchmarks/data/filter_sweep_every_value.json).
"""

import argparse
import itertools
import json
import statistics
import subprocess
import sys
import time
from urllib.parse import urlencode

from read_path import (
    BUDGET_MS,
    DATA,
    FILTERED_PHRASE,
    IMPORTED,
    LIST,
    QUERY_BUDGET,
    SPREAD,
    configure_environment,
    exists,
    personas,
    pick,
)

SEARCHES = {"no search": "", "frequent word": "drones", "phrase": FILTERED_PHRASE}


def filter_values(found):
    """(filter, value) pairs: the biggest sets a filter selects, where the slow plans are."""
    values = {
        "status": ["verified", "all"],
        "attribution": ["relayed"],
        "speaker": [found["top_speaker"]],
        "outlet": [found["top_outlet"]],
        "venue": ["interview"],
        "relay": ["relayed", "direct"],
        "kind": ["prediction"],
        "story": ["draft", "published"],
        "assignee": ["me", "none"],
        "due": ["overdue"],
        "correction": ["open"],
        "since": ["2024-01-01"],
        "sort": ["oldest"],
    }
    return [(name, value) for name, choices in values.items() for value in choices]


def every_value(found):
    """(filter, value) pairs: every value each select of the queue offers, where filters that seldom meet
    (a relayed attribution and "Direct") are found; the top speaker and outlet as above."""
    from django import forms

    from factcheck.forms import ClaimFilterForm

    selects = {name: field for name, field in ClaimFilterForm({}).fields.items() if type(field) is forms.ChoiceField}
    values = [
        (name, value)
        for name, field in selects.items()
        for value, _ in field.choices
        if value not in ("", "unconfirmed")  # the queue's own default, measured alone by read_path.py
    ]
    return [*values, ("speaker", found["top_speaker"]), ("outlet", found["top_outlet"]), ("assignee", "me")]


def combinations(found, values=filter_values):
    """Every filter value alone, and every pair of values of two different filters."""
    single = values(found)
    pairs = [(a, b) for a, b in itertools.combinations(single, 2) if a[0] != b[0]]
    return [(one,) for one in single] + pairs


def measure(database, requests, every):
    configure_environment(database)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("collectstatic", interactive=False, verbosity=0)
    found = pick()
    client = Client()
    client.force_login(personas()["reviewer"])
    results = []
    for filters in combinations(found, every_value if every else filter_values):
        for search, words in SEARCHES.items():
            params = dict(filters)
            if words:
                params["q"] = words
            path = f"/claims/?{urlencode(params)}"
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            query_count = len(queries)  # read now: the next request empties the connection's log
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}")
            samples = []
            for _ in range(requests):
                started = time.perf_counter()
                client.get(path)
                samples.append((time.perf_counter() - started) * 1000)
            label = " + ".join(f"{name}={value}" for name, value in filters)
            result = {
                "filters": label,
                "search": search,
                "path": path,
                "queries": query_count,
                "p50": statistics.median(samples),
                "slowest": max(samples),
            }
            results.append(result)
            print(
                f"{result['p50']:8.1f} {result['slowest']:8.1f} ms {query_count:3} q  {search:14} {label}",
                file=sys.stderr,
            )
    return results


def report(database, results):
    budget, query_budget = BUDGET_MS[LIST], QUERY_BUDGET[LIST]
    over = [r for r in results if r["slowest"] > budget or r["queries"] > query_budget]
    print(
        f"\n== {database}: {len(results) - len(over)} of {len(results)} within {budget} ms and {query_budget} queries"
    )
    print("    p50  slowest  queries  search          filters")
    for result in sorted(over, key=lambda r: -r["slowest"]):
        print(
            f"{result['p50']:7.1f} {result['slowest']:8.1f} {result['queries']:8}  {result['search']:14}  "
            f"{result['filters']}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=[IMPORTED, SPREAD, "both"], default="both")
    parser.add_argument("--requests", type=int, default=5, help="measured requests per combination (default 5)")
    parser.add_argument(
        "--every-value", action="store_true", help="every value of each select, not only the biggest (many more pairs)"
    )
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        results = measure(args.measure, args.requests, args.every_value)
        print("\n@@" + json.dumps(results))
        return
    if not exists(IMPORTED) or not exists(SPREAD):
        raise SystemExit("No benchmark databases: run benchmarks/read_path.py once, which builds them.")
    databases = [IMPORTED, SPREAD] if args.database == "both" else [args.database]
    everything = {}
    for database in databases:
        command = [sys.executable, __file__, "--measure", database, "--requests", str(args.requests)]
        command += ["--every-value"] if args.every_value else []
        output = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout
        everything[database] = json.loads(output.rsplit("\n@@", 1)[1])
    DATA.mkdir(exist_ok=True)
    name = "filter_sweep_every_value.json" if args.every_value else "filter_sweep.json"
    (DATA / name).write_text(json.dumps(everything, indent=2))
    for database, results in everything.items():
        report(database, results)


if __name__ == "__main__":
    main()
