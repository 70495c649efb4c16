"""The pre-publication check at a million claims: a draft repeating false claims under other speakers.

    .venv/bin/python benchmarks/read_path.py          # builds factcheck_bench_1m once
    .venv/bin/python benchmarks/prepublication_check.py [--database factcheck_bench_1m] [--requests 15]

In one transaction that is rolled back (the database is left as it was), it writes a draft of 20
statements by five speakers the database does not track, ten of them the very words of claims
recorded as false, then requests the draft's check page as read_path.py's editor (Django's test
Client, DEBUG=0) and prints the median and slowest time, the queries of one request, the three
slowest of them, and how many "same words" flags the page raised (10 expected).
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from read_path import IMPORTED, configure_environment  # noqa: E402

SPEAKERS = ["Maria Lopez", "John Carter", "Ines Costa", "Peter Hall", "Anna Berg"]


def draft_body(false_claims):
    sentences = []
    for number, text in enumerate(false_claims):
        sentences.append(f'"{text.rstrip(".")}," {SPEAKERS[number % 5]} said in a statement to us on Monday.')
        sentences.append(
            f"{SPEAKERS[(number + 2) % 5]} told reporters that the council would publish {number + 3} new reports."
        )
    return "\n\n".join(sentences)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=IMPORTED)
    parser.add_argument("--requests", type=int, default=15)
    options = parser.parse_args()
    configure_environment(options.database)

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from factcheck.models import Article, Claim, Outlet

    call_command("collectstatic", interactive=False, verbosity=0)
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-editor"))
    false_claims = list(Claim.objects.filter(status="false").values_list("text", flat=True)[:10])
    with transaction.atomic():
        article = Article.objects.create(
            headline="Council row",
            body=draft_body(false_claims),
            state=Article.State.DRAFT,
            outlet=Outlet.objects.order_by("pk").first(),
        )
        url = f"/articles/{article.pk}/check/"
        assert client.get(url).status_code == 200
        times = []
        for _ in range(options.requests):
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        transaction.set_rollback(True)
    print(
        f"check page, {2 * len(false_claims)} statements: median {statistics.median(times):.1f} ms, "
        f"slowest {max(times):.1f} ms over {options.requests} requests; {len(queries.captured_queries)} queries; "
        f"'same words' flags: {page.count('The same words are tracked')}"
    )
    for query in sorted(queries.captured_queries, key=lambda query: -float(query["time"]))[:3]:
        print(f"  {float(query['time']) * 1000:6.1f} ms  {query['sql'][:110]}")


if __name__ == "__main__":
    main()
