"""Server time and query plans of the speaker, outlet and story indexes and track records at scale.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck_bench_indexes \\
        .venv/bin/python benchmarks/index_pages.py [--build --rows 1000000] [--repeat 20]

--build drops and creates the database (its name must start with factcheck_bench), migrates it
and imports the generated file (benchmarks/generate.py) through our importer, tally triggers on.
Then each page is fetched `repeat` times through Django's test client as a reviewer (DEBUG off),
printing the median and 95th percentile server time and the SQL queries per request, and the
EXPLAIN ANALYZE of the index queries.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_benchmark import DATA, configure_environment, data_file, database_name, recreate_database, run_ours


def pages():
    from factcheck.models import Article, OutletTotal, SpeakerTotal, StoryTotal

    top_speaker = SpeakerTotal.objects.order_by("-claims", "-speaker_id").first().speaker_id
    top_outlet = OutletTotal.objects.order_by("-claims", "-outlet_id").first().outlet_id
    headline_word = Article.objects.order_by("id").values_list("headline", flat=True).first().split()[0]
    deep = StoryTotal.objects.order_by("-claims", "-article_id")[100_000]
    return [
        "/speakers/",
        "/speakers/?limit=100",
        "/speakers/?sort=latest",
        "/speakers/?q=kovalenko",
        "/speakers/?q=nobody+has+this+name",
        "/outlets/",
        "/outlets/?sort=latest&limit=100",
        "/stories/",
        "/stories/?sort=latest&limit=100",
        f"/stories/?limit=100&after={deep.claims}~{deep.article_id}",
        f"/stories/?q={headline_word}",
        "/stories/?q=nothing+has+this+headline",
        f"/speakers/{top_speaker}/",
        f"/outlets/{top_outlet}/",
    ]


def measure(client, url, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url, secure=True)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], len(queries)


def explain():
    from factcheck.models import SpeakerTotal, StoryTotal

    plans = {
        "speakers by claims": SpeakerTotal.objects.select_related("speaker").order_by("-claims", "-speaker_id")[:26],
        "stories by latest": StoryTotal.objects.select_related("article__outlet")
        .filter(latest_claim_at__isnull=False)
        .order_by("-latest_claim_at", "-article_id")[:26],
        "stories by headline": StoryTotal.objects.select_related("article__outlet")
        .filter(article__headline__icontains="kursk")
        .order_by("-claims", "-article_id")[:26],
    }
    for name, query in plans.items():
        plan = query.explain(analyze=True, buffers=True)
        print(f"--- EXPLAIN ANALYZE {name}\n{plan}\n", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", action="store_true")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/factcheck_bench_indexes")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    configure_environment()
    name = database_name()
    if args.build:
        DATA.mkdir(exist_ok=True)
        path, meta = data_file(args.rows)
        recreate_database(name)
    import django
    from django.core.management import call_command

    django.setup()
    if args.build:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        run_ours(path, meta)
        print(f"built: {args.rows:,} claims imported in {time.perf_counter() - started:.0f} s", flush=True)
        with django.db.connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    from django.conf import settings
    from django.contrib.auth.models import Group, User
    from django.test import Client

    # Production settings, but static files named as they are: no collectstatic manifest here.
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    settings.STORAGES = {**settings.STORAGES, "staticfiles": plain}

    reviewer, _ = User.objects.get_or_create(username="index-benchmark")
    reviewer.groups.add(Group.objects.get(name="Reviewers"))
    client = Client()
    client.force_login(reviewer)
    for url in pages():
        median, p95, queries = measure(client, url, args.repeat)
        print(f"{url}: median {median:.1f} ms, p95 {p95:.1f} ms, {queries} queries", flush=True)
    explain()


if __name__ == "__main__":
    main()
