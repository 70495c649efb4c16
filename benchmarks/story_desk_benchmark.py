"""The story desk at scale (issue 9): look-alike claims and the review screen with a million claims tracked.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck_bench_desk \
        .venv/bin/python benchmarks/story_desk_benchmark.py [--claims 1000000] [--reuse]

Without --reuse the script drops and creates the database (its name must start with
factcheck_bench), migrates it and fills it in SQL: 20,000 speakers, the first saying one claim in
ten (100,000 claims: the biggest speaker), the others about 45 each, 50,000 stories. With
--reuse it measures a database already filled (any name; nothing is dropped).

It prints, medians of 5 to 7 runs:
- comparing proposals with the tracked claims (pg_trgm over each speaker's newest claims), done
  when a story is pasted and when a proposal's speaker or claim changes;
- the review screen (server time in Django's test client, of which the time this process spent
  on the CPU, and SQL queries) for stories of 2, 18 and 72 proposals, every one by the biggest
  speaker: the first view (no proposal rendered before) and again (each proposal's block comes
  from the cache, as after a decision on one proposal all the others do). The CPU time is what a
  loaded machine does not inflate.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import django
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/factcheck_bench_desk")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

FILL = """
INSERT INTO factcheck_speaker
  (name, normalized_name, lookalike_key, kind, title, affiliation, aliases, wikidata_id, description)
SELECT 'Speaker ' || i, 'speaker ' || i, 'speaker ' || i, 'person', '', '', '[]', '', ''
FROM generate_series(1, 20000) i;
INSERT INTO factcheck_outlet (name, normalized_name, lookalike_key, kind, domain)
VALUES ('Bench Outlet', 'bench outlet', 'bench outlet', 'news', '');
INSERT INTO factcheck_article (outlet_id, headline, url, body, created_at, body_digest)
SELECT (SELECT id FROM factcheck_outlet LIMIT 1), 'Story ' || i, '', '', now(), '' FROM generate_series(1, 50000) i;
INSERT INTO factcheck_claim (text, quote, speaker_id, article_id, span_exact, span_prefix, span_suffix, kind,
  quantity_unit, quantity_qualifier, status, version, created_at)
SELECT
  (ARRAY['Russia is training North Korean soldiers to operate', 'Officials said the bridge over the river',
         'The ministry reported that inflation', 'Drone attacks hit the power grid in',
         'The president promised new funding for', 'Troops were moved to the border near'])[1 + i % 6]
    || ' ' || md5(i::text) || ' number ' || i || '.',
  '', CASE WHEN i % 10 = 0 THEN (SELECT min(id) FROM factcheck_speaker)
           ELSE (SELECT min(id) FROM factcheck_speaker) + (i % 19999) + 1 END,
  (SELECT min(id) FROM factcheck_article) + (i % 50000), '', '', '', 'factual', '', '', 'unconfirmed', 1,
  now() - (i || ' seconds')::interval
FROM generate_series(1, %(claims)s) i;
-- Every claim's first event (the database refuses a claim whose status no event explains).
INSERT INTO auth_user (username, password, is_superuser, first_name, last_name, email, is_staff, is_active, date_joined)
VALUES ('bench-desk-importer', '!', false, '', '', '', false, true, now());
INSERT INTO factcheck_verificationevent (claim_id, from_status, to_status, by_id, at, reason, version)
SELECT id, NULL, 'unconfirmed', (SELECT id FROM auth_user WHERE username = 'bench-desk-importer'), created_at,
  'Recorded by the benchmark.', 1
FROM factcheck_claim;
ANALYZE;
"""


def median_ms(function, runs):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def timed(function, runs=7):
    """Medians of (wall-clock ms, ms of this process's CPU) over `runs` calls."""
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        function()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def recreate(url, claims):
    name = url.rsplit("/", 1)[1]
    if not name.startswith("factcheck_bench"):
        sys.exit(f"Refusing to drop {name!r}: the database's name must start with factcheck_bench (or use --reuse).")
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(FILL.replace("%(claims)s", str(int(claims))))
    print(f"Filled {claims:,} claims in {time.perf_counter() - started:.0f} s.")


def measure():
    from django.contrib.auth.models import Group, User
    from django.core.cache import cache
    from django.db import connection, reset_queries
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from factcheck import storydesk
    from factcheck.models import Claim, Speaker, StoryDraft
    from factcheck.tests.factories import make_draft
    from factcheck.tests.test_story_desk import SEED_TEXT, seed_proposals

    print(f"{Claim.objects.count():,} claims, {Speaker.objects.count():,} speakers.")
    most = Claim.objects.values("speaker").annotate(claims=Count("id")).order_by("-claims").first()
    biggest = Speaker.objects.get(pk=most["speaker"])
    print(f"Biggest speaker: {biggest.name} ({most['claims']:,} claims).")
    small = list(Speaker.objects.exclude(pk=biggest.pk).order_by("pk")[:10])
    texts = [
        "Russia is training North Korean soldiers to operate drones near Kursk.",
        "Officials said the bridge was closed.",
    ]

    def records(speakers, count):
        fields = {"decision": "", "outlet": "", "relayed_by": ""}
        return [
            {
                "key": key + 1,
                "fields": {**fields, "speaker": speakers[key % len(speakers)].name, "claim": f"{texts[key % 2]} {key}"},
            }
            for key in range(count)
        ]

    print("\nComparing proposals with tracked claims (once per pasted story, and per changed proposal):")
    for label, speakers in [(f"all by {biggest.name}", [biggest]), ("by 10 speakers of ~45 claims", small)]:
        for count in (1, 20, 60):
            batch = records(speakers, count)
            known = storydesk.Tracked.of(batch, "Bench Outlet")

            def compare(batch=batch, known=known):
                for record in batch:
                    record.pop("alike_for", None)
                storydesk.seek_look_alikes(batch, known)

            print(f"  {count:>2} proposals {label}: {median_ms(compare, 5):7.1f} ms")

    user, _ = User.objects.get_or_create(username="bench-desk-reviewer")
    user.groups.add(Group.objects.get(name="Reviewers"))
    client = Client()
    client.force_login(user)
    proposals = seed_proposals()
    for proposal in proposals:
        proposal.speaker = biggest.name
    print(f"\nThe review screen (GET /stories/<id>/), every proposal by {biggest.name}:")
    for count in (2, 18, 72):
        draft = make_draft(SEED_TEXT, (proposals * 4)[:count], by=user, new_outlet="Bench Outlet")
        client.get(f"/stories/{draft.pk}/")
        reset_queries()  # the request resets Django's query log as it starts: count from an empty one
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/stories/{draft.pk}/")
        assert response.status_code == 200
        url = f"/stories/{draft.pk}/"
        first = timed(lambda url=url: (cache.clear(), client.get(url)))
        again = timed(lambda url=url: client.get(url))
        print(
            f"  {count:>2} proposals: first view {first[0]:6.1f} ms ({first[1]:5.1f} ms of it in this process),"
            f" again {again[0]:6.1f} ms ({again[1]:5.1f} ms), {len(queries)} queries"
        )
    StoryDraft.objects.filter(created_by=user).delete()
    user.delete()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true", help="measure the database as it is; drop nothing")
    options = parser.parse_args()
    if not options.reuse:
        recreate(os.environ["DATABASE_URL"], options.claims)
    django.setup()
    measure()


if __name__ == "__main__":
    main()
