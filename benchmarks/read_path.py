"""The read path at a million claims: every page and partial, in-process and over HTTP, and throughput.

    python benchmarks/read_path.py                      # builds the databases the first time (about 5 minutes)
    python benchmarks/read_path.py --requests 200 --http --throughput

Two PostgreSQL databases, made once and kept (`--rebuild` makes them again):

- `factcheck_bench_1m`: the 1,000,000-row file of benchmarks/generate.py imported by
  factcheck.importing.import_file, as an import leaves it: every claim has the same `created_at`
  to the microsecond (one transaction), so every keyset page ties on it;
- `factcheck_bench_1m_spread`: a copy whose claims were recorded over the years the generator's
  stories span (each claim at its story's date, or its appearance's, plus a few seconds per id).

For each case (the queue's filters and their combinations, searches, "load more" deep in the
queue, the claim, speaker, outlet and article pages, the htmx partials, the admin) it prints
p50/p95/p99 of the server time over `--requests` requests and the SQL queries one request
runs, against the budget of docs (50 ms, 30 ms for htmx partials; 300/500 ms for the admin).
In-process through Django's test Client with DEBUG=0; `--http` repeats them over HTTP against
gunicorn; `--throughput` runs 10 concurrent clients on the queue partial and on search. The
figures also go to benchmarks/data/read_path.json.
"""

import argparse
import http.client
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
ROWS = 1_000_000
IMPORTED = "factcheck_bench_1m"
SPREAD = "factcheck_bench_1m_spread"
SERVER = "postgres://postgres@127.0.0.1:5432"
PORT = 8765
# The deployment the README describes, on this 2-core host (see benchmarks/README.md for why sync workers).
GUNICORN = ["--workers", "4", "--worker-class", "sync"]

sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))


def configure_environment(database):
    os.environ["DJANGO_SETTINGS_MODULE"] = "factcheck.settings"
    os.environ["DATABASE_URL"] = f"{SERVER}/{database}"
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 50)
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("MEDIA_ROOT", str(DATA / "media"))
    # DEBUG off serves static files from the collected, hashed copy (WhiteNoise), as in production.
    os.environ.setdefault("STATIC_ROOT", str(DATA / "static"))
    os.environ.setdefault("FACTCHECK_IMPORT_MAX_BYTES", str(2 << 30))


def maintenance(sql):
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        cursor = connection.execute(sql)
        return cursor.fetchall() if sql.lstrip().upper().startswith("SELECT") else None


def exists(database):
    return bool(maintenance(f"SELECT 1 FROM pg_database WHERE datname = '{database}'"))


def build(rows):
    """Generate the file if needed, import it into IMPORTED, then copy it to SPREAD and spread the dates."""
    from import_benchmark import data_file

    path, _ = data_file(rows)
    maintenance(f'DROP DATABASE IF EXISTS "{IMPORTED}" WITH (FORCE)')
    maintenance(f'DROP DATABASE IF EXISTS "{SPREAD}" WITH (FORCE)')
    maintenance(f'CREATE DATABASE "{IMPORTED}"')
    run_in_child("import", IMPORTED, path)
    maintenance(f'CREATE DATABASE "{SPREAD}" TEMPLATE "{IMPORTED}"')
    run_in_child("spread", SPREAD)


def run_in_child(step, database, *arguments):
    """A build step in a process of its own: Django settings are read once per process."""
    command = [sys.executable, __file__, "--step", step, "--database", database, *map(str, arguments)]
    subprocess.run(command, check=True)


def step_import(path):
    import django
    from django.core.management import call_command

    django.setup()
    from django.contrib.auth.models import User
    from django.db import connection

    from factcheck import importing

    call_command("migrate", verbosity=0)
    user, _ = User.objects.get_or_create(username="benchmark", defaults={"is_active": False})
    started = time.perf_counter()
    job = importing.import_file(Path(path), user=user)
    print(f"imported: {job.message} in {time.perf_counter() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def step_spread():
    """Claims recorded over the years: at their story's date (else their first appearance's), a few seconds apart."""
    import django

    django.setup()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE factcheck_claim c SET created_at = coalesce(
                (SELECT a.published FROM factcheck_article a WHERE a.id = c.article_id),
                (SELECT min(p.date) FROM factcheck_appearance p WHERE p.claim_id = c.id),
                DATE '2022-02-24' + (c.id % 1400)::int
            ) + make_interval(secs => (c.id * 7919) % 86400)
            """
        )
        cursor.execute("VACUUM ANALYZE")
    print("spread the claims' dates", flush=True)


def step_migrate():
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=1)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# ---------------------------------------------------------------------------------------------
# The cases


def pick():
    """The identifiers the cases use, found in the data: the biggest speaker and outlet, a rare word, ..."""
    from django.db import connection

    def one(sql, params=()):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()

    found = {}
    found["top_speaker"] = one(
        "SELECT s.name FROM factcheck_speaker s JOIN (SELECT speaker_id, count(*) n FROM factcheck_claim "
        "GROUP BY 1 ORDER BY 2 DESC LIMIT 1) t ON t.speaker_id = s.id"
    )[0]
    found["small_speaker"] = one(
        "SELECT s.name FROM factcheck_speaker s JOIN (SELECT speaker_id, count(*) n FROM factcheck_claim "
        "GROUP BY 1 HAVING count(*) BETWEEN 20 AND 60 ORDER BY 1 LIMIT 1) t ON t.speaker_id = s.id"
    )[0]
    found["top_speaker_id"] = one("SELECT speaker_id FROM factcheck_claim GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")[0]
    found["top_outlet"] = one(
        "SELECT outlet_id FROM factcheck_appearance WHERE outlet_id IS NOT NULL "
        "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
    )[0]
    found["small_outlet"] = one(
        "SELECT outlet_id FROM factcheck_appearance WHERE outlet_id IS NOT NULL GROUP BY 1 ORDER BY count(*) LIMIT 1"
    )[0]
    found["claim"] = one(
        "SELECT claim_id FROM factcheck_appearance GROUP BY 1 ORDER BY count(*) DESC, claim_id LIMIT 1"
    )[0]
    found["article"] = one(
        "SELECT article_id FROM factcheck_claim WHERE article_id IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
    )[0]
    # A word in a handful of claims: a figure that the generator wrote once or twice.
    found["rare_word"] = one(
        "SELECT split_part(text, ' ', 3) FROM factcheck_claim WHERE text LIKE 'Russia launched %%' LIMIT 1"
    )[0]
    # Cursors for "load more" deep in the queue: after the 25,000th unconfirmed claim (page 1,000).
    row = one(
        "SELECT created_at, id FROM factcheck_claim WHERE status = 'unconfirmed' ORDER BY created_at DESC, id DESC "
        "OFFSET 24999 LIMIT 1"
    )
    from factcheck.forms import encode_cursor

    found["deep_cursor"] = encode_cursor(list(row))
    row = one(
        "SELECT created_at, id FROM factcheck_claim WHERE speaker_id = %s ORDER BY created_at DESC, id DESC "
        "OFFSET 24999 LIMIT 1",
        [found["top_speaker_id"]],
    )
    found["speaker_deep_cursor"] = encode_cursor(list(row))
    # After the 2,500th match of a phrase within the top outlet, newest first (page 100).
    row = one(
        "SELECT created_at, id FROM factcheck_claim c WHERE search_document @@ websearch_to_tsquery('english', %s) "
        "AND EXISTS (SELECT 1 FROM factcheck_claimoutlet o WHERE o.claim_id = c.id AND o.outlet_id = %s) "
        "ORDER BY created_at DESC, id DESC OFFSET 2499 LIMIT 1",
        [FILTERED_PHRASE, found["top_outlet"]],
    )
    found["outlet_phrase_deep_cursor"] = encode_cursor(list(row))
    return found


HTMX = {"HX-Request": "true"}
# The phrase searched within filters: one claim in twelve has it, always as two words side by side.
FILTERED_PHRASE = '"artillery shells"'
LIST, DETAIL, PARTIAL, ADMIN, ADMIN_SEARCH = "list", "detail", "partial", "admin", "admin search"
BUDGET_MS = {LIST: 50, DETAIL: 50, PARTIAL: 30, ADMIN: 300, ADMIN_SEARCH: 500}
QUERY_BUDGET = {LIST: 6, DETAIL: 8, PARTIAL: 6, ADMIN: None, ADMIN_SEARCH: None}


def cases(found):
    """[(name, kind, path, headers, persona)]"""
    queue = "/claims/"

    def q(**params):
        return f"{queue}?{urlencode(params)}"

    top, small = found["top_outlet"], found["small_outlet"]
    listed = [
        ("queue, default", q()),
        ("queue, any status", q(status="all")),
        ("queue, verified", q(status="verified")),
        ("queue, top speaker", q(speaker=found["top_speaker"])),
        ("queue, top speaker, any status", q(speaker=found["top_speaker"], status="all")),
        ("queue, small speaker", q(speaker=found["small_speaker"])),
        ("queue, top outlet", q(outlet=top)),
        ("queue, top outlet, any status", q(outlet=top, status="all")),
        ("queue, smallest outlet", q(outlet=small, status="all")),
        ("queue, venue", q(venue="press_conference")),
        ("queue, kind", q(kind="prediction")),
        ("queue, relayed", q(relay="relayed")),
        ("queue, direct", q(relay="direct")),
        ("queue, recorded in 2024", q(since="2024-01-01", until="2024-12-31", status="all")),
        # "Did they say it?": the common states and the rare ones a desk looks for.
        ("queue, attribution relayed", q(attribution="relayed", status="all")),
        ("queue, attribution denied", q(attribution="denied", status="all")),
        ("queue, top outlet + top speaker", q(outlet=top, speaker=found["top_speaker"])),
        ("queue, top outlet + verified + relayed", q(outlet=top, status="verified", relay="relayed")),
        ("queue, top speaker + venue + kind", q(speaker=found["top_speaker"], venue="interview", kind="opinion")),
        ("queue, false + venue + oldest", q(status="false", venue="social_media_post", sort="oldest")),
        ("search, rare word", q(q=found["rare_word"], status="all")),
        ("search, frequent word", q(q="drones", status="all")),
        ("search, several words", q(q="drones Kharkiv week", status="all")),
        ("search, OR", q(q="tanks or missiles", status="all")),
        ("search, phrase", q(q='"North Korean troops"', status="all")),
        ("search, phrase + top outlet", q(q=FILTERED_PHRASE, outlet=top, status="all")),
        ("search, phrase, newest", q(q='"North Korean troops"', sort="newest")),
        # Two words the generator always writes together: the planner multiplies their frequencies.
        ("search, words found together", q(q="artillery shells", status="all")),
        ("search, frequent word + top outlet", q(q="drones", outlet=top, status="all")),
        ("search, phrase + top speaker", q(q=FILTERED_PHRASE, speaker=found["top_speaker"], status="all")),
        ("search, phrase + kind", q(q=FILTERED_PHRASE, kind="prediction", status="all")),
        ("search, phrase + venue", q(q=FILTERED_PHRASE, venue="interview", status="all")),
        ("search, phrase + top outlet + speaker", q(q=FILTERED_PHRASE, outlet=top, speaker=found["top_speaker"])),
        ("search, frequent word, newest", q(q="drones", sort="newest")),
        ("speaker page, top speaker", f"/speakers/{found['top_speaker_id']}/"),
        ("outlet page, top outlet", f"/outlets/{top}/"),
        # The desk's day (issue 13): the reviewer has DESK_ASSIGNED claims; DESK_DRAFTS stories are drafts.
        ("queue, assigned to me", q(assignee="me", status="all")),
        ("queue, assigned to me, unconfirmed", q(assignee="me")),
        ("queue, unassigned", q(assignee="none")),
        ("queue, re-check overdue", q(due="overdue")),
        ("queue, re-check this week", q(due="week")),
        ("queue, correction open", q(correction="open", status="all")),
        ("queue, draft stories", q(story="draft", status="all")),
        ("corrections queue", "/corrections/"),
        ("re-check queue", "/rechecks/"),
        ("re-check queue, overdue", "/rechecks/?due=overdue"),
        ("my work", "/me/"),
        ("notifications", "/notifications/"),
        ("stories, drafts", "/stories/?state=draft"),
    ]
    partials = [
        ("queue partial (filter change)", q()),
        ("queue partial, top outlet", q(outlet=top, status="all")),
        ("queue partial, search", q(q="drones", status="all")),
        (
            "load more, phrase + top outlet, newest, page 100",
            q(q=FILTERED_PHRASE, outlet=top, sort="newest", after=found["outlet_phrase_deep_cursor"]),
        ),
        ("load more, page 2", q(after=found["deep_cursor"].split("~")[0] + "~999999999")),
        ("load more, page 1,000", q(after=found["deep_cursor"])),
        (
            "load more, top speaker page 1,000",
            q(speaker=found["top_speaker"], status="all", after=found["speaker_deep_cursor"]),
        ),
        (
            "speaker page, load more at 1,000",
            f"/speakers/{found['top_speaker_id']}/?after={found['speaker_deep_cursor']}",
        ),
        # Loaded by every claim page once shown; the claim is the top speaker's (one claim in seven).
        ("claim page, possible duplicates", f"/claims/{found['claim']}/?duplicates=1"),
        ("counts partial", "/claims/counts/?status=unconfirmed"),
        ("counts partial, top outlet", f"/claims/counts/?outlet={top}"),
    ]
    details = [
        ("claim page", f"/claims/{found['claim']}/"),
        ("article page", f"/articles/{found['article']}/"),
    ]
    admin = [
        ("admin claims", "/admin/factcheck/claim/", ADMIN),
        ("admin claims, page 1,000", "/admin/factcheck/claim/?p=1000", ADMIN),
        ("admin claims, venue filter", "/admin/factcheck/claim/?venue=interview", ADMIN),
        ("admin claims, outlet filter", f"/admin/factcheck/claim/?outlet={top}", ADMIN),
        ("admin claims, status filter", "/admin/factcheck/claim/?status__exact=verified", ADMIN),
        ("admin claims, search", "/admin/factcheck/claim/?q=drones", ADMIN_SEARCH),
        ("admin claims, search two words", "/admin/factcheck/claim/?q=North+Korean", ADMIN_SEARCH),
        ("admin claim change form", f"/admin/factcheck/claim/{found['claim']}/change/", ADMIN),
    ]
    return [
        *((name, LIST, path, {}, "reviewer") for name, path in listed),
        *((name, PARTIAL, path, HTMX, "reviewer") for name, path in partials),
        *((name, DETAIL, path, {}, "reviewer") for name, path in details),
        *((name, kind, path, {}, "editor") for name, path, kind in admin),
    ]


DESK_ASSIGNED, DESK_DRAFTS = 20_000, 500


def personas():
    from django.contrib.auth.models import Group, User

    reviewer, _ = User.objects.get_or_create(username="bench-reviewer", defaults={"is_staff": True})
    reviewer.groups.add(Group.objects.get(name="Reviewers"))
    editor, _ = User.objects.get_or_create(username="bench-editor", defaults={"is_staff": True, "is_superuser": True})
    prepare_desk(reviewer, editor)
    return {"reviewer": reviewer, "editor": editor}


def prepare_desk(reviewer, editor):
    """Once per database: every 50th claim assigned to the reviewer, DESK_DRAFTS stories made drafts.

    Written in bulk for the benchmark's sake (no assignment records, no notifications): what is
    measured is reading them.
    """
    from django.db import connection

    from factcheck.models import Article, Assignment, Claim

    if Assignment.objects.filter(assignee=reviewer).exists():
        return
    step = max(1, Claim.objects.count() // DESK_ASSIGNED)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO factcheck_assignment (claim_id, assignee_id, assigned_by_id, assigned_at)"
            " SELECT id, %s, %s, now() FROM factcheck_claim WHERE id %% %s = 0",
            [reviewer.pk, editor.pk, step],
        )
    newest = list(Article.objects.order_by("-id").values_list("pk", flat=True)[:DESK_DRAFTS])
    Article.objects.filter(pk__in=newest).update(state="draft")
    with connection.cursor() as cursor:
        # The claims too: their facets now name the reviewer (migration 0032). Twenty thousand
        # claims of a million is under autovacuum's share for analysing again, and unanalysed,
        # PostgreSQL guessed 425 of them and joined all 20,000 before sorting (90 ms, not 12).
        cursor.execute("ANALYZE factcheck_assignment; ANALYZE factcheck_article; ANALYZE factcheck_claim")


def percentiles(samples):
    ordered = sorted(samples)

    def at(share):
        return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]

    return {"p50": at(0.50), "p95": at(0.95), "p99": at(0.99)}


def measure_in_process(all_cases, requests, only):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    clients = {}
    for persona, user in personas().items():
        clients[persona] = Client()
        clients[persona].force_login(user)
    results = []
    for name, kind, path, headers, persona in all_cases:
        if only and only not in name:
            continue
        client = clients[persona]
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, headers=headers)
        # Read now: the next request clears the connection's log of queries.
        query_count = len(queries)
        if response.status_code != 200:
            raise SystemExit(f"{name}: {path} answered {response.status_code}")
        for _ in range(2):
            client.get(path, headers=headers)
        samples = []
        cpu_before = cpu_seconds(connection)
        for _ in range(requests):
            started = time.perf_counter()
            client.get(path, headers=headers)
            samples.append((time.perf_counter() - started) * 1000)
        cpu = (cpu_seconds(connection) - cpu_before) * 1000 / requests
        results.append(
            {"case": name, "kind": kind, "path": path, "queries": query_count, "cpu": cpu, **percentiles(samples)}
        )
        print(line(results[-1]), flush=True)
    return results


def cpu_seconds(connection):
    """CPU seconds spent so far by this process and by its PostgreSQL backend (from /proc: same host).

    Wall-clock times on a shared 2-core host move with whatever else runs; the CPU a request costs
    the app and the database does not, so it is printed beside them (mean per request).
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return time.process_time() + (int(fields[11]) + int(fields[12])) / ticks


def line(result):
    budget = BUDGET_MS[result["kind"]]
    query_budget = QUERY_BUDGET[result["kind"]]
    ok = result["p95"] <= budget and (query_budget is None or result["queries"] <= query_budget)
    return (
        f"{result['case'][:44]:44} {result['kind']:8} p50 {result['p50']:7.1f}  p95 {result['p95']:7.1f}  "
        f"p99 {result['p99']:7.1f} ms  cpu {result.get('cpu', 0):6.1f} ms  {result['queries']:3} queries  "
        f"{'ok' if ok else 'OVER'} "
        f"(≤{budget} ms{f', ≤{query_budget} q' if query_budget else ''})"
    )


# ---------------------------------------------------------------------------------------------
# Over HTTP


def session_cookies():
    from django.test import Client

    cookies = {}
    for persona, user in personas().items():
        client = Client()
        client.force_login(user)
        cookies[persona] = f"sessionid={client.cookies['sessionid'].value}"
    return cookies


def start_gunicorn(database, workers_arguments):
    # The story desk's pipeline, which no read here uses, is loaded on first use: loaded as each
    # worker starts (the default), it would take the two cores for seconds after the first answer.
    environment = {**os.environ, "DATABASE_URL": f"{SERVER}/{database}", "FACTCHECK_LOAD_PIPELINE_AT_START": "0"}
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "factcheck.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            *workers_arguments,
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            get("/login/", {})
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


def get(path, headers):
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def measure_over_http(all_cases, requests, cookies, only):
    results = []
    for name, kind, path, headers, persona in all_cases:
        if only and only not in name:
            continue
        headers = {**headers, "Cookie": cookies[persona], "Host": "127.0.0.1"}
        for _ in range(3):
            get(path, headers)
        samples = []
        for _ in range(requests):
            started = time.perf_counter()
            status = get(path, headers)
            samples.append((time.perf_counter() - started) * 1000)
            if status != 200:
                raise SystemExit(f"{name}: {path} answered {status} over HTTP")
        results.append({"case": name, "kind": kind, "path": path, "queries": 0, **percentiles(samples)})
        print(line(results[-1]).split(" queries")[0].rsplit(" ", 1)[0], flush=True)
    return results


def throughput(path, headers, clients, seconds, rate=None):
    """Requests/s, errors and latency percentiles of `clients` threads requesting `path` for `seconds`.

    Without `rate`, each thread asks again as soon as it is answered: the most the server gives.
    With `rate`, the requests are due on a schedule, `rate` a second in all, and each is timed from
    when it was due, so a wait for a busy server counts: the latency a desk sees at that load. A
    server too slow for the rate falls behind; what is still unsent at twice `seconds` counts as errors.
    """
    samples, errors = [], [0]
    lock = threading.Lock()
    started = time.perf_counter() + 0.1
    stop = started + seconds

    def due_times(client):
        if rate is None:
            while time.perf_counter() < stop:
                yield time.perf_counter()
        else:
            yield from (started + n / rate for n in range(client, int(rate * seconds), clients))

    def client(number):
        mine, failed = [], 0
        for due in due_times(number):
            if time.perf_counter() > stop + seconds:
                failed += 1
                continue
            time.sleep(max(0.0, due - time.perf_counter()))
            try:
                ok = get(path, headers) == 200
            except OSError:
                ok = False
            mine.append((time.perf_counter() - due) * 1000)
            failed += not ok
        with lock:
            samples.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=client, args=(number,)) for number in range(clients)]
    own_cpu = time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    # The clients run on the server's cores: what they take is not the server's to use.
    client_cpu = (time.process_time() - own_cpu) * 1000 / max(1, len(samples))
    return {
        "requests": len(samples),
        "per_second": len(samples) / elapsed,
        "errors": errors[0],
        "client_cpu_ms": client_cpu,
        **percentiles(samples),
    }


# ---------------------------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=50, help="requests per case (default 50)")
    parser.add_argument("--database", choices=[IMPORTED, SPREAD, "both"], default="both")
    parser.add_argument("--rebuild", action="store_true", help="make the databases again")
    parser.add_argument("--migrate", action="store_true", help="apply the project's new migrations to the databases")
    parser.add_argument("--http", action="store_true", help="also measure every case over HTTP against gunicorn")
    parser.add_argument(
        "--throughput", action="store_true", help="10 concurrent clients on the queue partial and search"
    )
    parser.add_argument("--seconds", type=float, default=20, help="length of each throughput run")
    parser.add_argument("--only", default="", help="only the cases whose name contains this")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("rest", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.step:
        configure_environment(args.database)
        {"import": lambda: step_import(*args.rest), "spread": step_spread, "migrate": step_migrate}[args.step]()
        return
    if args.rebuild or not exists(IMPORTED) or not exists(SPREAD):
        build(ROWS)
    databases = [IMPORTED, SPREAD] if args.database == "both" else [args.database]
    if args.migrate:
        for database in databases:
            run_in_child("migrate", database)
    report = {}
    for database in databases:
        report[database] = run_in_child_json(database, args)
    DATA.mkdir(exist_ok=True)
    (DATA / "read_path.json").write_text(json.dumps(report, indent=2))


def run_in_child_json(database, args):
    command = [
        sys.executable,
        __file__,
        "--measure",
        database,
        "--requests",
        str(args.requests),
        "--seconds",
        str(args.seconds),
    ]
    command += (
        ["--http"] * args.http + ["--throughput"] * args.throughput + (["--only", args.only] if args.only else [])
    )
    output = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(output.rsplit("\n@@", 1)[1])


def measure(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--measure")
    parser.add_argument("--requests", type=int)
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--http", action="store_true")
    parser.add_argument("--throughput", action="store_true")
    parser.add_argument("--only", default="")
    args = parser.parse_args(argv)
    configure_environment(args.measure)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    print(
        f"\n== {args.measure}: in-process (Django test Client, DEBUG=0), {args.requests} requests per case",
        file=sys.stderr,
    )
    found = pick()
    all_cases = cases(found)
    out = sys.stdout
    sys.stdout = sys.stderr
    report = {"in_process": measure_in_process(all_cases, args.requests, args.only)}
    if args.http or args.throughput:
        cookies = session_cookies()
        from django.db import connections

        connections.close_all()
        server = start_gunicorn(args.measure, GUNICORN)
        try:
            if args.http:
                print(f"\n== {args.measure}: over HTTP (gunicorn {' '.join(GUNICORN)}), one client", flush=True)
                report["http"] = measure_over_http(all_cases, args.requests, cookies, args.only)
            if args.throughput:
                print(f"\n== {args.measure}: throughput, 10 concurrent clients, {args.seconds:.0f} s each", flush=True)
                report["throughput"] = {}
                # (path, headers, the target in requests/s): the most each gives, then that target's latency.
                search = "/claims/?" + urlencode({"q": "drones", "status": "all"})
                phrase = "/claims/?" + urlencode({"q": '"North Korean troops"', "status": "all"})
                runs = {
                    "queue partial": ("/claims/", HTMX, 150),
                    "search": (search, {}, 60),
                    "search, phrase": (phrase, {}, 60),
                }
                for name, (path, headers, target) in runs.items():
                    headers = {**headers, "Cookie": cookies["reviewer"], "Host": "127.0.0.1"}
                    for label, rate in [(name, None), (f"{name} at {target}/s", target)]:
                        result = throughput(path, headers, 10, args.seconds, rate)
                        report["throughput"][label] = result
                        print(
                            f"{label:28} {result['per_second']:6.1f} req/s  {result['errors']} errors  "
                            f"p50 {result['p50']:.1f}  p95 {result['p95']:.1f}  p99 {result['p99']:.1f} ms  "
                            f"(the clients' CPU: {result['client_cpu_ms']:.2f} ms a request)",
                            flush=True,
                        )
        finally:
            server.terminate()
            server.wait()
    sys.stdout = out
    print("\n@@" + json.dumps(report))


if __name__ == "__main__":
    if "--measure" in sys.argv:
        measure(sys.argv[1:])
    else:
        main()
