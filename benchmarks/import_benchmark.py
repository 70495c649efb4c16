"""The import benchmark of issue 4, item 8: our import, django-import-export and a raw COPY, side by side.

    .venv/bin/python -m pip install -r requirements-bench.txt
    DJANGO_SETTINGS_MODULE=factcheck.settings \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck_bench \\
        .venv/bin/python benchmarks/import_benchmark.py            # or: make bench

Both variables default to those values. The script drops and creates the database named in
DATABASE_URL (it refuses any name that does not start with "factcheck_bench"), migrates it,
generates benchmarks/data/claims-100000.csv and claims-1000000.csv if they are missing
(benchmarks/generate.py), then, --repeat times, each contender in turn, on emptied tables
(TRUNCATE and a CHECKPOINT before each timed run):

- ours: factcheck.importing.import_file (one pass, the command line's path: the CSV on disk to
  committed claims, speakers, outlets, articles, appearances, evidence and VerificationEvents),
  and validate() then apply() as the admin does, each checked afterwards against the counts the
  generator recorded;
- django-import-export, default: a ModelResource for Claim whose speaker widget finds the
  speaker by normalised name and creates it when missing (get_or_create, a query per row),
  resource.import_data(dataset, dry_run=False, use_transactions=True), default options;
- django-import-export, tuned as its "Performance tuning" docs advise: use_bulk, batch_size
  1000, skip_diff, skip_html_diff, force_init_instance (the database is empty), and a speaker
  widget that caches the speakers in memory;
- COPY: psycopg's cursor.copy() streaming the CSV file into a plain (logged), unindexed table
  with one text column per CSV column: the ceiling of this machine and PostgreSQL;
- and, after each run of ours, a diagnostic: every row it wrote (speakers to evidence links)
  read out and COPYed straight back into the same tables in one transaction: the floor this
  schema sets for any importer writing those rows on one connection.

Then our import of the 1,000,000-row file runs once in a child process, which reports its
peak resident memory (VmHWM). The medians, ratios and the targets of the issue are printed,
and everything is saved to benchmarks/data/results.json.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/factcheck_bench"
DATABASE_PREFIX = "factcheck_bench"
RAW_TABLE = "bench_raw_copy"

OURS = "ours: import_file"
OURS_TWO_STEPS = "ours: validate + apply"
OURS_PREFIX = "ours: import_file, import-export's prefix"
IEX_DEFAULT = "import-export default"
IEX_TUNED = "import-export tuned"
RAW_COPY = "COPY into a plain table"
FLOOR = "(diagnostic) the same rows COPYed straight in"

ENGINE_PATHS = ["factcheck/importing", "factcheck/models.py", "factcheck/verification.py", "factcheck/migrations"]

TARGET_ROWS_PER_SECOND = 20_000
TARGET_TIMES_IMPORT_EXPORT = 10
TARGET_SHARE_OF_COPY = 0.25
TARGET_PEAK_MB = 250

sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from generate import HEADER, generate, meta_path, source_digest  # noqa: E402


def configure_environment():
    """Settings for a benchmark run, read by factcheck.settings: set before Django starts."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    # DEBUG off as in production: with it on, Django keeps every query of a run in memory.
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 50)
    # Staged and rejected rows go under benchmarks/data/, not the project's media/.
    os.environ.setdefault("MEDIA_ROOT", str(DATA / "media"))
    # The 1,000,000-row file is about 480 MB, over the default 200 MB upload limit.
    os.environ.setdefault("FACTCHECK_IMPORT_MAX_BYTES", str(2 << 30))
    os.environ.setdefault("LOG_LEVEL", "WARNING")


def database_name():
    name = urlsplit(os.environ["DATABASE_URL"]).path.lstrip("/")
    if not name.startswith(DATABASE_PREFIX):
        sys.exit(
            f"DATABASE_URL names the database {name!r}: the benchmark drops and creates it, so it must start with "
            f"{DATABASE_PREFIX!r}"
        )
    return name


def recreate_database(name, server=None):
    """Drop and create the database `name` on the server of `server` (a URL), or of DATABASE_URL."""
    drop_database(name, server)
    with _maintenance(server) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(name, server=None):
    """Drop the database `name` on the server of `server` (a URL), or of DATABASE_URL, whose
    connection in this process is closed first."""
    if server is None:
        from django.db import connection as django_connection

        django_connection.close()
    with _maintenance(server) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _maintenance(server):
    import psycopg

    parts = urlsplit(server or os.environ["DATABASE_URL"])
    return psycopg.connect(urlunsplit(parts._replace(scheme="postgresql", path="/postgres")), autocommit=True)


def peak_rss_kb():
    """This process's peak resident set size (VmHWM) in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def data_file(rows):
    """The generated file of `rows` rows and its meta, made (again) when missing or made by another generator."""
    path = DATA / f"claims-{rows}.csv"
    meta = json.loads(meta_path(path).read_text(encoding="utf-8")) if meta_path(path).exists() else {}
    if not path.exists() or meta.get("generator") != source_digest() or meta.get("rows") != rows:
        print(f"generating {path.name} ...", file=sys.stderr, flush=True)
        meta = generate(rows, path)
    return path, meta


def prefix_file(path, rows):
    """The first `rows` records of a CSV (records, not lines: fields hold line breaks), as its own file."""
    import csv

    target = DATA / f"{path.stem}.first-{rows}.csv"
    if target.exists() and target.stat().st_mtime >= path.stat().st_mtime:
        return target
    with open(path, encoding="utf-8", newline="") as source, open(target, "w", encoding="utf-8", newline="") as out:
        reader, writer = csv.reader(source), csv.writer(out)
        writer.writerow(next(reader))
        for count, record in enumerate(reader):
            if count >= rows:
                break
            writer.writerow(record)
    return target


# ---------------------------------------------------------------------------------------------
# The database between runs


def empty_tables(*, raw=True):
    """Empty the app's tables (and, with `raw`, the COPY table) and flush dirty pages, so each run starts alike."""
    from django.apps import apps
    from django.db import connection

    tables = {model._meta.db_table for model in apps.get_app_config("factcheck").get_models(include_auto_created=True)}
    with connection.cursor() as cursor:
        cursor.execute(
            f"TRUNCATE {', '.join(sorted(tables | ({RAW_TABLE} if raw else set())))} RESTART IDENTITY CASCADE"
        )
        cursor.execute("CHECKPOINT")


def count_rows():
    from factcheck.models import Appearance, Article, Claim, Evidence, Outlet, Speaker, VerificationEvent

    return {
        "claims": Claim.objects.count(),
        "speakers": Speaker.objects.count(),
        "outlets": Outlet.objects.count(),
        "articles": Article.objects.count(),
        "appearances": Appearance.objects.count(),
        "evidence": Evidence.objects.count(),
        "events": VerificationEvent.objects.count(),
    }


def check_ours(meta):
    """What a correct import of the file creates: one speaker per person however spelt, one event per claim."""
    found = count_rows()
    wanted = {
        "claims": meta["rows"],
        "speakers": meta["speakers"],
        "outlets": meta["outlets"],
        "articles": meta["articles"],
        "appearances": meta["appearances"],
        "evidence": meta["evidence"],
        "events": meta["rows"],
    }
    wrong = {name: (found[name], count) for name, count in wanted.items() if found[name] != count}
    if wrong:
        raise SystemExit(f"our import wrote the wrong counts (found, wanted): {wrong}")
    return found


def reset_function_time(functions):
    """Start PostgreSQL's count of the time spent inside `functions` (PL/pgSQL, by name) from zero."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET track_functions = 'pl'")  # a superuser's setting: the benchmarks run as one
        for function in functions:
            cursor.execute("SELECT pg_stat_reset_single_function_counters(%s::regproc)", [function])


def function_time(functions):
    """(seconds, calls) inside `functions` since reset_function_time(): what triggers cost, without the noise."""
    from django.db import connection

    time.sleep(1)  # statistics reach the shared counters within a second of the commit
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT coalesce(sum(total_time), 0), coalesce(sum(calls), 0) FROM pg_stat_user_functions "
            "WHERE funcname = ANY(%s)",
            [list(functions)],
        )
        milliseconds, calls = cursor.fetchone()
    return milliseconds / 1000, calls


# ---------------------------------------------------------------------------------------------
# Contenders


def benchmark_user():
    from django.contrib.auth.models import User

    user, _ = User.objects.get_or_create(username="benchmark", defaults={"is_active": False})
    return user


def run_ours(path, meta, *, check=True, two_steps=False, progress=None):
    """Seconds of our import of `path`: import_file (one pass), or validate() then apply() as the admin does."""
    from factcheck import importing
    from factcheck.models import ImportState

    user = benchmark_user()
    started = time.perf_counter()
    if two_steps:
        job = importing.validate(path, filename=path.name, user=user)
        if job.state == ImportState.VALIDATED:
            job = importing.apply(job)
    else:
        job = importing.import_file(path, user=user, progress=progress)
    seconds = time.perf_counter() - started
    if job.state != ImportState.SUCCEEDED:
        raise SystemExit(f"our import of {path.name} ended {job.state}: {job.message} {job.errors[:3]}")
    if check:
        check_ours(meta)
    return seconds


# The tables our import writes, parents first.
WRITTEN_TABLES = [
    *("factcheck_speaker", "factcheck_outlet", "factcheck_article", "factcheck_claim", "factcheck_appearance"),
    *("factcheck_evidence", "factcheck_verificationevent", "factcheck_verificationevent_evidence"),
]


def copy_everything_again():
    """Seconds to COPY every row our import just wrote back into the same tables, and commit.

    A diagnostic, not a contender: the floor that the schema sets for any importer that writes
    these rows on one connection (stored tsvector, GIN and b-tree indexes, checks, foreign-key
    checks, WAL), with no parsing, cleaning, look-ups or Python at all. The rows are read out
    with COPY TO, the tables emptied, then timed back in, in one transaction.
    """
    from django.db import connection, transaction

    blocks, before = {}, count_rows()
    with connection.cursor() as cursor:
        for table in WRITTEN_TABLES:
            cursor.execute(
                "SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) "
                "FROM information_schema.columns WHERE table_name = %s AND is_generated = 'NEVER'",
                [table],
            )
            columns = cursor.fetchone()[0]
            with cursor.copy(f"COPY (SELECT {columns} FROM {table}) TO STDOUT") as copy:
                blocks[table] = (columns, list(copy))
        cursor.execute(f"TRUNCATE {', '.join(WRITTEN_TABLES)} CASCADE")
        cursor.execute("CHECKPOINT")
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for table, (columns, data) in blocks.items():
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for block in data:
                    copy.write(block)
    seconds = time.perf_counter() - started
    if count_rows() != before:
        raise SystemExit("the rows did not all go back in")
    return seconds


def import_export_resources():
    """(default, tuned) django-import-export ModelResources for Claim, built once Django is set up."""
    from import_export import fields, resources, widgets

    from factcheck.importing import content_key
    from factcheck.models import Claim, Speaker, normalize_name

    def speaker_defaults(value, row):
        return {
            "name": value.strip(),
            "kind": row.get("speaker_kind") or Speaker.Kind.PERSON,
            "title": row.get("speaker_title") or "",
            "affiliation": row.get("speaker_affiliation") or "",
        }

    class SpeakerByName(widgets.ForeignKeyWidget):
        """The speaker whose normalised name matches, created if there is none.

        django-import-export's ForeignKeyWidget only finds existing rows by an exact value; an
        import that "never creates a second Volodymyr Zelenskyy" needs the normalised match and
        the creation, so both are given to it here, one query per row as ForeignKeyWidget does.
        """

        def __init__(self):
            super().__init__(Speaker, "normalized_name")

        def clean(self, value, row=None, **kwargs):
            if not value:
                return None
            speaker, _ = Speaker.objects.get_or_create(
                normalized_name=normalize_name(value), defaults=speaker_defaults(value, row)
            )
            return speaker

    class CachedSpeakerByName(SpeakerByName):
        """The same, with the speakers kept in memory (the tuning the import-export docs advise)."""

        def __init__(self):
            super().__init__()
            self.cache = None

        def clean(self, value, row=None, **kwargs):
            if not value:
                return None
            if self.cache is None:
                self.cache = {speaker.normalized_name: speaker for speaker in Speaker.objects.all()}
            key = normalize_name(value)
            speaker = self.cache.get(key)
            if speaker is None:
                speaker = self.cache[key] = Speaker.objects.create(**speaker_defaults(value, row))
            return speaker

    def claim_fields(speaker_widget):
        return {
            "import_key": fields.Field(attribute="import_key", column_name="id"),
            "text": fields.Field(attribute="text", column_name="claim"),
            "quote": fields.Field(attribute="quote", column_name="quote"),
            "kind": fields.Field(attribute="kind", column_name="kind"),
            "quantity_value": fields.Field(
                attribute="quantity_value", column_name="quantity_value", widget=widgets.DecimalWidget()
            ),
            "quantity_unit": fields.Field(attribute="quantity_unit", column_name="quantity_unit"),
            "quantity_qualifier": fields.Field(attribute="quantity_qualifier", column_name="quantity_qualifier"),
            "speaker": fields.Field(attribute="speaker", column_name="speaker", widget=speaker_widget),
            "status": fields.Field(attribute="status", column_name="status"),
        }

    class KeyedByImportKey:
        def before_import_row(self, row, **kwargs):
            # Rows without an id get the same content key as ours, so both imports are idempotent alike.
            if not row.get("id"):
                row["id"] = content_key(row["speaker"], row["claim"])

    def resource(name, speaker_widget, **options):
        declared = claim_fields(speaker_widget)
        meta = type(
            "Meta", (), {"model": Claim, "fields": tuple(declared), "import_id_fields": ("import_key",), **options}
        )
        return type(name, (KeyedByImportKey, resources.ModelResource), {**declared, "Meta": meta})

    DefaultClaimResource = resource("DefaultClaimResource", SpeakerByName())
    TunedClaimResource = resource(
        "TunedClaimResource",
        CachedSpeakerByName(),
        use_bulk=True,
        batch_size=1000,
        skip_diff=True,
        skip_html_diff=True,
        skip_unchanged=False,
        report_skipped=False,
        force_init_instance=True,
    )
    return DefaultClaimResource, TunedClaimResource


def run_import_export(resource_class, path, rows):
    import tablib

    from factcheck.models import Claim

    started = time.perf_counter()
    dataset = tablib.Dataset().load(path.read_text(encoding="utf-8"), format="csv")
    resource = resource_class()
    result = resource.import_data(dataset, dry_run=False, use_transactions=True, raise_errors=True)
    seconds = time.perf_counter() - started
    if result.has_errors() or result.has_validation_errors() or Claim.objects.count() != rows:
        raise SystemExit(f"django-import-export imported {Claim.objects.count()} of {rows} rows")
    return seconds


def create_raw_table(columns):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {RAW_TABLE}")
        cursor.execute(f"CREATE TABLE {RAW_TABLE} ({', '.join(f'{column} text' for column in columns)})")


def run_copy(path, rows):
    """COPY the CSV file, streamed in 1 MB blocks, into the plain unindexed table, and commit."""
    from django.db import connection, transaction

    started = time.perf_counter()
    sql = f"COPY {RAW_TABLE} FROM STDIN WITH (FORMAT csv, HEADER true)"
    with transaction.atomic(), connection.cursor() as cursor, cursor.copy(sql) as copy, open(path, "rb") as source:
        while block := source.read(1 << 20):
            copy.write(block)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {RAW_TABLE}")
        if cursor.fetchone()[0] != rows:
            raise SystemExit("COPY did not load every row")
    return seconds


# ---------------------------------------------------------------------------------------------
# Our import of the big file, in a child process that reports its own peak memory


def child(path):
    """Run in the child: import `path` into the emptied database, print seconds and peak RSS as JSON."""
    import django

    django.setup()
    meta = json.loads(meta_path(path).read_text(encoding="utf-8"))
    curve = []

    def progress(phase, done, total):
        # The resident memory as the file is read, at each tenth of it.
        if total and (not curve or done * 10 // total > curve[-1][0] * 10 // total):
            curve.append((done, peak_rss_kb()))

    seconds = run_ours(path, meta, progress=progress)
    curve = [(round(done / curve[-1][0], 2), round(kb / 1024)) for done, kb in curve]
    print(
        json.dumps({"rows": meta["rows"], "seconds": seconds, "peak_rss_kb": peak_rss_kb(), "peak_mb_by_share": curve})
    )


def run_ours_in_child(path):
    import resource

    empty_tables()
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(path)]
    finished = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy(), check=False)
    if finished.returncode:
        raise SystemExit(f"the child import failed:\n{finished.stdout}\n{finished.stderr}")
    report = json.loads(finished.stdout.strip().splitlines()[-1])
    report["children_maxrss_kb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return report


def profile_ours(path, meta, *, two_steps=True):
    """Our import of `path` under pyinstrument; the report goes to benchmarks/data/profile-<name>.txt and .html.

    By default validate() then apply(), the admin's two steps; two_steps=False profiles import_file.
    """
    from pyinstrument import Profiler

    empty_tables()
    profiler = Profiler(interval=0.001)
    profiler.start()
    seconds = run_ours(path, meta, check=False, two_steps=two_steps)
    profiler.stop()
    text = DATA / f"profile-{path.stem}.txt"
    text.write_text(profiler.output_text(unicode=True, show_all=False), encoding="utf-8")
    profiler.write_html(DATA / f"profile-{path.stem}.html")
    print(f"profiled {path.name}: {seconds:.1f} s under the profiler; report in {text}", file=sys.stderr)


# ---------------------------------------------------------------------------------------------
# The report


def verdict(ok):
    return "PASS" if ok else "FAIL"


def report(results):
    """The table, the ratios and the targets, as text; the figures are added to `results`."""
    timings = {name: (rows, runs) for name, (rows, runs) in results["timings"].items() if runs}
    medians = {name: statistics.median(runs) for name, (rows, runs) in timings.items()}
    rates = {name: timings[name][0] / seconds for name, seconds in medians.items()}
    lines = [f"{'':<46} {'rows':>9} {'median s':>9} {'rows/s':>9}  runs (s)"]
    for name, (rows, runs) in timings.items():
        shown = ", ".join(f"{run:.2f}" for run in runs)
        lines.append(f"{name:<46} {rows:>9,} {medians[name]:>9.2f} {rates[name]:>9,.0f}  {shown}")
    ratios, checks = {}, []
    if {OURS, OURS_TWO_STEPS, IEX_TUNED, IEX_DEFAULT, RAW_COPY} <= rates.keys():
        best_iex = max(rates[IEX_TUNED], rates[IEX_DEFAULT])
        for ours in (OURS, OURS_TWO_STEPS):
            ratios[f"{ours} / {IEX_TUNED}"] = rates[ours] / rates[IEX_TUNED]
            ratios[f"{ours} / {IEX_DEFAULT}"] = rates[ours] / rates[IEX_DEFAULT]
        if OURS_PREFIX in rates:
            ratios[f"{OURS_PREFIX} / {IEX_DEFAULT}"] = rates[OURS_PREFIX] / rates[IEX_DEFAULT]
        for ours in (OURS, OURS_TWO_STEPS):
            ratios[f"{ours} / {RAW_COPY}"] = rates[ours] / rates[RAW_COPY]
        if FLOOR in rates:
            for ours in (OURS, OURS_TWO_STEPS):
                ratios[f"{ours} / {FLOOR}"] = rates[ours] / rates[FLOOR]
            ratios[f"{FLOOR} / {RAW_COPY}"] = rates[FLOOR] / rates[RAW_COPY]
        lines.append("")
        for name, value in ratios.items():
            lines.append(f"{name:<62} {value:>8.3f}")
        lines.append("")
        for ours in (OURS, OURS_TWO_STEPS):
            rate = rates[ours]
            checks += [
                (f"{ours}: >= {TARGET_ROWS_PER_SECOND:,} rows/s", rate >= TARGET_ROWS_PER_SECOND, f"{rate:,.0f}/s"),
                (
                    f"{ours}: >= {TARGET_TIMES_IMPORT_EXPORT}x django-import-export (best variant)",
                    rate >= TARGET_TIMES_IMPORT_EXPORT * best_iex,
                    f"{rate / best_iex:.2f}x",
                ),
                (
                    f"{ours}: >= {TARGET_SHARE_OF_COPY:.0%} of the raw COPY rate",
                    rate >= TARGET_SHARE_OF_COPY * rates[RAW_COPY],
                    f"{rate / rates[RAW_COPY]:.1%}",
                ),
            ]
    memory = results.get("memory")
    if memory:
        peak = memory["peak_rss_kb"] / 1024
        lines.append(
            f"{OURS} of {memory['rows']:,} rows in a child process: {memory['seconds']:.1f} s, "
            f"{memory['rows'] / memory['seconds']:,.0f} rows/s, peak RSS (VmHWM) {peak:.0f} MB"
        )
        curve = ", ".join(f"{share:.0%}: {mb} MB" for share, mb in memory.get("peak_mb_by_share", []))
        lines.append(f"  peak RSS as the file is read: {curve}")
        lines.append("")
        checks.append(
            (f"peak memory <= {TARGET_PEAK_MB} MB ({memory['rows']:,} rows)", peak <= TARGET_PEAK_MB, f"{peak:.0f} MB")
        )
    for name, ok, value in checks:
        lines.append(f"{verdict(ok)}  {name:<66} {value}")
    results["medians"] = medians
    results["rows_per_second"] = rates
    results["ratios"] = ratios
    results["targets"] = {name: {"pass": ok, "value": value} for name, ok, value in checks}
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the main file (default 100,000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each contender (default 3)")
    parser.add_argument(
        "--iex-default-rows",
        type=int,
        default=10_000,
        help="django-import-export with default options runs on this prefix of the file (default 10,000)",
    )
    parser.add_argument(
        "--iex-tuned-rows", type=int, default=0, help="the tuned variant's prefix (default: the whole file)"
    )
    parser.add_argument(
        "--memory-rows", type=int, default=1_000_000, help="rows of the memory file (default 1,000,000; 0 skips)"
    )
    parser.add_argument(
        "--memory-only", action="store_true", help="only the peak memory of our import of the --memory-rows file"
    )
    parser.add_argument("--profile", action="store_true", help="also profile one run of ours (needs pyinstrument)")
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    configure_environment()
    if args.child:
        return child(args.child)

    name = database_name()
    DATA.mkdir(exist_ok=True)
    path, meta = data_file(args.rows)
    big = data_file(args.memory_rows) if args.memory_rows else None
    iex_default_rows = min(args.iex_default_rows or args.rows, args.rows)
    iex_tuned_rows = min(args.iex_tuned_rows or args.rows, args.rows)
    iex_default_path = prefix_file(path, iex_default_rows) if iex_default_rows < args.rows else path
    iex_tuned_path = prefix_file(path, iex_tuned_rows) if iex_tuned_rows < args.rows else path

    recreate_database(name)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    create_raw_table(HEADER)
    default_resource, tuned_resource = import_export_resources()

    def ours_then_the_floor():
        seconds = run_ours(path, meta)
        results["timings"][FLOOR][1].append(copy_everything_again())
        return seconds

    contenders = [
        (OURS, args.rows, ours_then_the_floor),
        (OURS_TWO_STEPS, args.rows, lambda: run_ours(path, meta, two_steps=True)),
        (
            IEX_DEFAULT,
            iex_default_rows,
            lambda: run_import_export(default_resource, iex_default_path, iex_default_rows),
        ),
        (
            IEX_TUNED,
            iex_tuned_rows,
            lambda: run_import_export(tuned_resource, iex_tuned_path, iex_tuned_rows),
        ),
        (RAW_COPY, args.rows, lambda: run_copy(path, args.rows)),
    ]
    if iex_default_rows < args.rows:

        def ours_on_prefix():
            # The counts of a prefix are not in the meta: only check the claims and events.
            seconds = run_ours(iex_default_path, None, check=False)
            found = count_rows()
            if found["claims"] != iex_default_rows or found["events"] != iex_default_rows:
                raise SystemExit(f"our import of the prefix wrote {found}")
            return seconds

        contenders.insert(2, (OURS_PREFIX, iex_default_rows, ours_on_prefix))
    results = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "file": {"path": str(path.relative_to(ROOT)), **meta},
        "engine": engine_version(),
        "timings": {label: (rows, []) for label, rows, _ in [*contenders, (FLOOR, args.rows, None)]},
    }
    with django_connection_cursor() as cursor:
        cursor.execute("SHOW server_version")
        results["machine"]["postgresql"] = cursor.fetchone()[0]

    for repetition in range(0 if args.memory_only else args.repeat):
        # Each round starts with a different contender, so drift in the machine's load spreads evenly.
        shift = repetition % len(contenders)
        for label, rows, run in contenders[shift:] + contenders[:shift]:
            empty_tables()
            seconds = run()
            results["timings"][label][1].append(seconds)
            print(
                f"round {repetition + 1}: {label:<36} {rows:>9,} rows {seconds:8.2f} s {rows / seconds:>9,.0f} rows/s",
                file=sys.stderr,
                flush=True,
            )

    if args.profile:
        profile_ours(path, meta)
    if big:
        print(f"our import of {big[0].name} in a child process ...", file=sys.stderr, flush=True)
        results["memory"] = run_ours_in_child(big[0])

    text = report(results)
    print(text)
    saved = DATA / ("results-memory.json" if args.memory_only else "results.json")
    saved.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if not args.keep:
        drop_database(name)


def engine_version():
    """The commit measured, and whether the import's code had uncommitted changes (a digest of them if so)."""
    import hashlib

    def git(*arguments):
        found = subprocess.run(["git", *arguments], cwd=ROOT, capture_output=True, text=True, check=False)
        return found.stdout.strip()

    diff = git("diff", "HEAD", "--", *ENGINE_PATHS)
    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "uncommitted_changes_in_engine": hashlib.sha256(diff.encode()).hexdigest()[:12] if diff else None,
    }


def django_connection_cursor():
    from django.db import connection

    return connection.cursor()


if __name__ == "__main__":
    main()
