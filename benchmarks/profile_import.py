"""Where our import spends its time: a phase breakdown and a pyinstrument profile of one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck_bench_profile \\
        .venv/bin/python benchmarks/profile_import.py [--rows 100000]

Like import_benchmark.py it drops and creates its database (the name must start with
"factcheck_bench"). Two runs of factcheck.importing.validate + apply on the generated file:

1. timed, with the engine's database steps wrapped (at run time, from here: the engine is not
   changed) to report the seconds spent in each COPY, id allocation, entity lookup and the
   commit, the rest being Python;
2. under pyinstrument, whose report goes to benchmarks/data/profile-claims-<rows>.txt (and .html).
"""

import argparse
import collections
import os
import sys
import time
from functools import wraps

from import_benchmark import (
    benchmark_user,
    check_ours,
    configure_environment,
    create_raw_table,
    data_file,
    database_name,
    drop_database,
    empty_tables,
    profile_ours,
    recreate_database,
)


def timed(spent, label, function):
    @wraps(function)
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            step = label(*args) if callable(label) else label
            if step:  # None: counted by the step that calls it
                spent[step] += time.perf_counter() - started

    return wrapper


def breakdown(path, meta):
    """{step: seconds} of one validate + apply, and the total of each."""
    from django.db import DEFAULT_DB_ALIAS, connections, transaction

    from factcheck import importing, models
    from factcheck.importing import writing
    from factcheck.models import Article

    spent = collections.Counter()
    saved = {
        (writing, "insert"): writing.insert,
        (writing, "allocate_ids"): writing.allocate_ids,
        (models, "insert"): models.insert,  # the events, written by Claim.objects.set_statuses
        (models, "allocate_ids"): models.allocate_ids,
        (writing, "stored_claims"): writing.stored_claims,
        (writing.Entities, "_resolve_articles"): writing.Entities._resolve_articles,
        (writing.Entities, "_resolve_names"): writing.Entities._resolve_names,
        (transaction.Atomic, "__exit__"): transaction.Atomic.__exit__,
    }
    phase = {"name": "validate"}
    # Articles are COPYed by Entities._resolve_articles, which is timed as a whole.
    for module in (writing, models):
        module.insert = timed(
            spent,
            lambda model, *_: None if model is Article else f"COPY into {model._meta.db_table}",
            module.insert,
        )
        module.allocate_ids = timed(spent, "allocate_ids (all tables)", module.allocate_ids)
    writing.stored_claims = timed(spent, lambda *_, **__: f"stored_claims ({phase['name']})", writing.stored_claims)
    writing.Entities._resolve_articles = timed(
        spent, lambda *_: f"Entities._resolve_articles ({phase['name']})", writing.Entities._resolve_articles
    )
    writing.Entities._resolve_names = timed(
        spent,
        lambda _, model, *__: f"Entities._resolve_names, {model.__name__} ({phase['name']})",
        writing.Entities._resolve_names,
    )
    exit_atomic = transaction.Atomic.__exit__

    def commit(self, exc_type, *rest):
        started = time.perf_counter()
        try:
            return exit_atomic(self, exc_type, *rest)
        finally:
            outermost = not connections[self.using or DEFAULT_DB_ALIAS].in_atomic_block
            if phase["name"] == "apply" and exc_type is None and outermost:
                spent["COMMIT of apply (WAL flush, foreign keys and history checked)"] += time.perf_counter() - started

    transaction.Atomic.__exit__ = commit
    try:
        empty_tables()
        user = benchmark_user()
        started = time.perf_counter()
        job = importing.validate(path, filename=path.name, user=user)
        validated = time.perf_counter()
        phase["name"] = "apply"
        importing.apply(job)
        applied = time.perf_counter()
    finally:
        for (owner, name), original in saved.items():
            setattr(owner, name, original)
    check_ours(meta)
    return spent, validated - started, applied - validated


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--no-profiler", action="store_true", help="only the phase breakdown")
    args = parser.parse_args(argv)
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/factcheck_bench_profile")
    configure_environment()
    name = database_name()
    path, meta = data_file(args.rows)
    recreate_database(name)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from generate import HEADER

    create_raw_table(HEADER)
    try:
        spent, validate_seconds, apply_seconds = breakdown(path, meta)
        total = validate_seconds + apply_seconds
        print(f"{path.name}: {meta['rows']:,} rows in {total:.2f} s ({meta['rows'] / total:,.0f} rows/s)")
        print(f"  validate {validate_seconds:6.2f} s   apply {apply_seconds:6.2f} s")
        for step, seconds in spent.most_common():
            print(f"  {step:<58} {seconds:6.2f} s  {seconds / total:6.1%}")
        rest = total - sum(spent.values())
        print(f"  {'the rest (Python)':<58} {rest:6.2f} s  {rest / total:6.1%}")
        if not args.no_profiler:
            profile_ours(path, meta, two_steps=True)
    finally:
        drop_database(name)


if __name__ == "__main__":
    sys.exit(main())
