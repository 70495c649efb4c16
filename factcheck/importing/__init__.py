"""Bulk import of claims from CSV, JSON / JSON Lines and ClaimReview JSON-LD.

For the admin, two steps: `receive()` keeps an upload and `check()` reads it in the background
(together they are `validate()`): every row cleaned, compared with the database and staged, a
preview recorded on a new ImportJob, nothing written to the claims. `apply()` then writes the
staged rows in one transaction: an import is whole or absent. `import_file()` is the command
line's import, the same code in one pass.

`reading` turns bytes into records that know their line, `cleaning` records into clean rows,
`writing` rows into the database.
"""

import csv
import io
import json
import logging
import os
import re
import shutil
import sqlite3
from collections import Counter
from contextlib import closing, contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.template.defaultfilters import capfirst, pluralize
from django.utils import timezone

from factcheck import merging
from factcheck.exporting import spreadsheet_safe
from factcheck.importing.cleaning import (
    UNCLASSIFIED_VENUE,
    DateOrders,
    Row,
    claimreview_ratings,
    clean_claimreview,
    clean_fields,
    is_classified,
    norm,
    remapped,
)
from factcheck.importing.cleaning import content_key as content_key  # re-exported: a row's key, for callers
from factcheck.importing.reading import (
    KNOWN_COLUMNS,
    CsvRecords,
    InvalidFile,
    LineError,
    NeedsMapping,
    Text,
    claimreview_records,
    encoding_of,
    json_records,
    workbook,
)
from factcheck.importing.writing import Entities, Statistics, plan, removals_kept, write
from factcheck.models import (
    IMPORTED_FROM,
    ColumnMapping,
    ImportFormat,
    ImportJob,
    ImportMode,
    ImportState,
)
from factcheck.revisions import import_via, writing_as
from factcheck.text import shows_decimal_point

log = logging.getLogger(__name__)

BATCH_ROWS = 5000
PREVIEW_ERRORS = 100
PREVIEW_NAMES = 50
STAGED_VERSION = 3  # 2: rows carry their external review and venue texts; 3: evidence has no date of its own
UPLOADED = "upload"  # an uploaded file's name in its job's folder, whatever the uploader called it


def guess_format(filename, head):
    """csv, json or claimreview, from the file name and its first bytes."""
    suffix = Path(filename).suffix.lower()
    if suffix in {".csv", ".tsv"}:
        return ImportFormat.CSV
    encoding, bom = encoding_of(head)
    sample = head[len(bom) :].decode(encoding, "ignore")
    if sample.lstrip()[:1] in ("[", "{"):
        linked_data = any(word in sample for word in ('"@context"', '"@type"', "ClaimReview"))
        return ImportFormat.CLAIMREVIEW if linked_data else ImportFormat.JSON
    return ImportFormat.JSON if suffix in {".json", ".jsonl", ".ndjson", ".jsonld"} else ImportFormat.CSV


class FirstRows:
    """The first row of each key in a file, compared with every later row of that key: as cleaned,
    so that rows differing only in what cleaning removes (a line break in a claim, spacing,
    invisible characters) are one row repeated.

    Kept in a temporary SQLite table keyed on the exact key (on disk, deleted with this object,
    whose connection closes when the file's rows are done with): a dict of a million keys with
    their rows would not fit the import's memory budget.
    """

    def __init__(self):
        self.table = sqlite3.connect("")  # "": a temporary database of this connection's own
        self.table.execute("CREATE TABLE first_rows (key TEXT PRIMARY KEY, line INTEGER, row TEXT, refusal TEXT)")

    def first(self, row):
        """None when `row` is the first of its key (then kept); else (the first's line, whether `row`
        repeats it)."""
        kept = row.dumps_content()
        if self.table.execute(
            "INSERT OR IGNORE INTO first_rows VALUES (?, ?, ?, NULL)", (row.key, row.line, kept)
        ).rowcount:
            return None
        line, first = self.table.execute("SELECT line, row FROM first_rows WHERE key = ?", (row.key,)).fetchone()
        return line, first == kept

    def refuse(self, key, field, message):
        """Remember that the database side refused the first row of `key`, for the rows repeating it."""
        self.table.execute("UPDATE first_rows SET refusal = ? WHERE key = ?", (json.dumps([field, message]), key))

    def refusal(self, key):
        """(field, message) of the refusal of the first row of `key`, or None when it was not refused."""
        (refusal,) = self.table.execute("SELECT refusal FROM first_rows WHERE key = ?", (key,)).fetchone()
        return refusal and json.loads(refusal)


class Repeat(NamedTuple):
    """A row repeating the first row of its key, at line `first`: it shares that row's fate, known
    once its chunk is planned (counted unchanged, or rejected with it)."""

    line: int
    column: int
    key: str
    first: int


class FileRows:
    """(original cells, clean row, errors) for each row of a file, stopping at the row limit.

    A rejected row comes with its errors and no row. A row that repeats an earlier one once both
    are cleaned (same key, same content) comes as a Repeat: it changes nothing, and is counted
    unchanged, or rejected if the database side refuses the row it repeats.
    The same key with other content is an error.
    """

    def __init__(self, binary, name, format, *, encoding="", date_order="", mapping=None, remembered=None):
        self.name, self.format = name, format
        self.text = Text(binary, name, encoding)
        self.date_order = date_order
        # The columns as someone mapped them for this import ({"header", "fields"}), else as remembered.
        self.mapping = mapping
        # header cells -> the fields remembered for them (ColumnMapping), or None; by default none.
        self.remembered = remembered or (lambda cells: None)
        self.count = 0
        self.csv_records = None
        self.mapping_source = ""
        self.first_rows = None  # each key's first row, kept while the file is read
        self.dates = DateOrders()  # which order each date in numbers only can be read in
        # a JSON file's keys the importer does not know (a ClaimReview file's other types), as first seen
        self.ignored_keys = {}

    @property
    def columns(self):
        """CSV: field -> column number, once the header is read (to place a refusal); JSON: none."""
        return getattr(self.csv_records, "columns", {})

    @property
    def header(self):
        """The header rejected.csv repeats: the CSV file's, else one column holding each record."""
        return self.csv_records.header if self.csv_records else ["record"]

    @property
    def ignored_columns(self):
        return self.csv_records.ignored if self.csv_records else list(self.ignored_keys)[:PREVIEW_NAMES]

    def mapping_for(self, cells):
        """The field of each column of this CSV header, as mapped for this import or remembered; None if neither.
        `mapping_source` says which: "chosen" (for this import only), "remembered" (a ColumnMapping) or ""."""
        remembered = self.remembered(cells)
        if self.mapping and [norm(cell) for cell in self.mapping["header"]] == [norm(cell) for cell in cells]:
            self.mapping_source = "remembered" if remembered == self.mapping["fields"] else "chosen"
            return self.mapping["fields"]
        self.mapping_source = "" if remembered is None else "remembered"
        return remembered

    def __iter__(self):
        max_rows = settings.FACTCHECK_IMPORT_MAX_ROWS
        if self.format == ImportFormat.CSV:
            records = self.csv_records = CsvRecords(self.text, self.mapping_for)
        elif self.format == ImportFormat.JSON:
            records = json_records(self.text, self.ignored_keys)
        else:
            records = claimreview_records(self.text, self.ignored_keys)
            ratings = claimreview_ratings()
        seen = self.first_rows = FirstRows()
        decimal_point = False  # once a figure showed it (text.shows_decimal_point), or in our own export
        for record in records:
            self.count += 1
            if self.count > max_rows:
                self.text.fail(
                    record.line,
                    1,
                    f"the file has more than {max_rows:,} rows, the most one import takes "
                    "(FACTCHECK_IMPORT_MAX_ROWS); split it",
                )
            errors, columns = [], self.columns

            def fail(field, message, record=record, errors=errors, columns=columns):
                column = columns.get(field, 1) if columns else record.column
                if columns and field in KNOWN_COLUMNS and field not in columns:  # placed at column 1, then
                    message = f"{message} (the file has no “{field}” column)"
                errors.append(LineError(self.name, record.line, column, message, field))

            status_column = columns.get("status", 1) if columns else record.column
            for field, message in record.problems:
                fail(field, message)
            if record.values is None and record.problems:  # a CSV header repeated, no JSON object, half a character
                row = None
            elif self.format == ImportFormat.CLAIMREVIEW:
                row = clean_claimreview(record.values, fail, record.line, status_column, ratings)
            else:
                exported = getattr(self.csv_records, "exported", False)
                decimal_point = decimal_point or exported or shows_decimal_point(record.values.get("quantity_value"))
                row = clean_fields(record.values, fail, record.line, status_column, self.date_order, decimal_point)
                self.dates.add(record.line, record.values)
            earlier = None if errors else seen.first(row)
            if earlier and earlier[1]:
                row = Repeat(row.line, row.column, row.key, earlier[0])
            elif earlier:
                claimreview = self.format == ImportFormat.CLAIMREVIEW
                where = "url" if claimreview else "id" if record.values.get("id") else "claim"
                fail(where, f"the same claim as line {earlier[0]}, with other values (key {row.key[:60]})")
            yield record.original, None if errors else row, errors
        if self.date_order and self.dates.first_either and self.dates.note():  # a date read in it would be a guess
            line, field = self.dates.first_either
            raise InvalidFile(LineError(self.name, line, self.columns.get(field, 1), self.dates.note(), field))
        if not self.count and self.csv_records:
            self.text.fail(self.csv_records.lines_read + 1, 1, "the header is followed by no rows")
        elif not self.count:
            self.text.fail(1, 1, "the file holds no records")


def _file_rows(job, binary):
    return FileRows(
        binary,
        job.filename,
        job.format,
        encoding=job.encoding,
        date_order=job.date_order,
        mapping=job.summary.get("column_mapping"),
        remembered=ColumnMapping.objects.for_header,
    )


class StagedRows:
    """The rows validate() staged, as apply() writes them: clean, less those the preview said to skip,
    with the status the admin chose for their rating label. Never the source file again."""

    header = ()
    first_rows = None  # repeats were counted by the preview, and are not staged

    def __init__(self, job, skipped):
        self.path, self.skipped, self.count = Path(job.staged_path), skipped, job.total_rows
        self.columns = job.summary.get("columns") or {}
        self.ignored_columns = job.summary.get("ignored_columns", [])
        self.statuses = job.summary.get("rating_overrides") or {}

    def __iter__(self):
        with open(self.path, encoding="utf-8") as staged:
            if json.loads(staged.readline()).get("version") != STAGED_VERSION:
                raise ValueError(f"{self.path} was staged by another version of the importer; validate the file again")
            for line in staged:
                row = Row.loads(line)
                if row.line not in self.skipped:
                    yield None, remapped(row, self.statuses) if self.statuses else row, ()


def job_directory(job):
    """Where one import's uploaded file, staged rows and rejected rows are kept."""
    return Path(default_storage.path(f"imports/{job.pk}"))


def uploaded_file_path(job):
    return job_directory(job) / UPLOADED


def rejected_rows_path(job):
    """rejected.csv, if there is one."""
    path = job_directory(job) / "rejected.csv"
    return path if path.exists() else None


# What import_reason puts first, once or more, as an export carries it back in status_reason.
IMPORTED_BEFORE = re.compile(rf"\A(?:{IMPORTED_FROM.pattern}(?:: |\Z))+")


def import_reason(job, row_reason):
    """The reason on each VerificationEvent an import writes, less the "Imported from …" an export of an
    earlier import carried in it (a round trip stacked one more each time)."""
    reason = f"Imported from {job.filename} (import #{job.pk})"
    row_reason = IMPORTED_BEFORE.sub("", row_reason or "")
    return f"{reason}: {row_reason}" if row_reason else reason


class _Pass:
    """One reading of an import's rows (a FileRows or StagedRows), BATCH_ROWS at a time: each chunk
    planned against the database, then written (`write`) or staged for the preview."""

    def __init__(self, job, rows, *, write, linked=None, counts=()):
        self.job, self.rows, self.write = job, rows, write
        self.atomic = job.mode == ImportMode.ATOMIC
        self.linked = linked or {}  # line -> the tracked claim the preview linked the row to
        self.counts = Counter(counts)  # created, updated, unchanged, rejected
        self.errors = list(job.errors)  # the first errors; a previewed job's come first
        self.entities = Entities(create=write)
        self.statistics = Statistics() if write else None
        # The file's words counted as it is read; a previewed job has them counted.
        self.wording = None if "ratings" in job.summary else Wording()
        self.now = timezone.now()
        self.done = 0  # rows handed to writing.write(): written, or refused in a skip-invalid import
        self.repeats = 0  # rows repeating an earlier row exactly: counted apart, never staged
        self.repeat_lines = []  # [line, the line it repeats] of the first PREVIEW_ERRORS of them
        self.removals = []  # the first PREVIEW_ERRORS appearances rows give that an editor removed: not added back
        self.removed = 0
        self.duplicates = {"possible_duplicates": [], "duplicates_compared": 0, "duplicates_left": 0}

    def run(self, staged=None, progress=None):
        with closing(RejectedRows(job_directory(self.job) / "rejected.csv", self.rows)) as self.rejected:
            for chunk in self.chunks():
                if chunk:
                    self.take(chunk, staged)
                if progress:
                    progress(self)

    def chunks(self):
        """Chunks of up to BATCH_ROWS (row or Repeat, original cells), the last one perhaps empty;
        rejects rows with errors."""
        chunk = []
        for original, row, problems in self.rows:
            if problems:
                self.reject(problems, original)
            else:
                chunk.append((row, original))
                if len(chunk) >= BATCH_ROWS:
                    yield chunk
                    chunk = []
        yield chunk

    def take(self, chunk, staged):
        """Plan one chunk; write it, or stage it. An all-or-nothing import writes nothing of a chunk
        with a refused row, nor of any chunk after it: those are only planned, as the preview plans
        them, so that the failed import lists every refused row."""
        rows, entities = [row for row, _ in chunk if not isinstance(row, Repeat)], self.entities
        all_or_nothing = self.write and self.atomic
        refused = all_or_nothing and self.counts["rejected"] > 0
        entities.create = self.write and not refused  # nor are speakers, outlets and articles created
        changes = plan(rows, entities, linked=self.linked)
        kept = not (refused or (all_or_nothing and any(change.error for change in changes)))
        if kept:  # the names of the rows kept, not those of a refused row: created when writing, counted
            entities.settle([change.row for change in changes if not change.error])
        if self.write and kept:
            self.written(changes)
            self.statistics.grew(sum(change.action == "created" and not change.error for change in changes))
            joining = [change.row for change in changes if change.joins]
            if joining:  # other checkers' reviews of the claims just written: added beside the first review
                again = {change.row.line: change for change in plan(joining, entities, linked=self.linked)}
                self.written(list(again.values()))
                changes = [again.get(change.row.line, change) if change.joins else change for change in changes]
            self.done += len(rows)
        elif not self.write:
            # Only rows that would create a claim of a speaker already tracked can duplicate one.
            self.compare([c.row for c in changes if c.action == "created" and entities.speaker(c.row)])
        planned = iter(changes)
        for row, original in chunk:
            if isinstance(row, Repeat):
                self.repeated(row, original, kept)
                continue
            change = next(planned)
            if change.error:
                self.refuse(change.row, change.field, change.error, original)
                if self.rows.first_rows:
                    self.rows.first_rows.refuse(change.row.key, change.field, change.error)
            elif kept:
                self.counts[change.action] += 1
                if change.removed:
                    self.removed += len(change.removed)
                    self.removals += removals_kept(change)[: PREVIEW_ERRORS - len(self.removals)]
                if self.wording:
                    self.wording.add(change.row)
                if staged:
                    staged.write(change.row.dumps() + "\n")

    def repeated(self, repeat, original, kept):
        """Count a row repeating an earlier one unchanged, or reject it if that row was refused."""
        refusal = self.rows.first_rows.refusal(repeat.key)
        if refusal:
            field, message = refusal
            self.refuse(repeat, field, f"repeats line {repeat.first}, which is refused: {message}", original)
        elif kept:
            self.repeats += 1
            if len(self.repeat_lines) < PREVIEW_ERRORS:
                self.repeat_lines.append([repeat.line, repeat.first])

    def refuse(self, row, field, message, original):
        """Reject a row the database side refused (a status change, a look-alike name): at its field's
        column in a CSV file, else where its record starts."""
        self.reject(
            [LineError(self.job.filename, row.line, self.rows.columns.get(field, row.column), message, field)], original
        )

    def reject(self, problems, original):
        self.rejected.write(original, problems)
        self.counts["rejected"] += 1
        self.errors.extend(problems[: max(0, PREVIEW_ERRORS - len(self.errors))])

    def reason(self, row):
        return import_reason(self.job, row.reason)

    def written(self, changes):
        where = f"in import #{self.job.pk} ({self.job.filename})"  # for the reasons of what it changes
        write(changes, self.entities, user=self.job.created_by, reason_for=self.reason, now=self.now, how=where)

    def compare(self, rows):
        """Find the rows that would create a claim looking like a tracked claim of the same speaker.

        In bulk (merging.duplicates_of_rows: two queries a chunk), and only the first
        FACTCHECK_IMPORT_DUPLICATE_ROWS rows: each costs a look at up to LOOK_ALIKE_RECENT of that
        speaker's claims (about 27 ms at a million claims). The rest are counted, and the preview
        says they were not compared.
        """
        found = self.duplicates
        now = rows[: max(0, settings.FACTCHECK_IMPORT_DUPLICATE_ROWS - found["duplicates_compared"])]
        found["duplicates_left"] += len(rows) - len(now)
        if now:
            found["possible_duplicates"] += merging.duplicates_of_rows(now, at_most=len(now))
            found["duplicates_compared"] += len(now)

    def record(self):
        """Put the pass's figures on the job (not saved)."""
        job, counts, entities = self.job, self.counts, self.entities
        job.created_count, job.updated_count = counts["created"], counts["updated"]
        job.unchanged_count, job.rejected_count = counts["unchanged"], counts["rejected"]
        job.new_speakers, job.new_outlets = len(entities.new_speakers), len(entities.new_outlets)
        job.summary = {
            **job.summary,
            "new_speaker_names": sorted(entities.new_speakers.values())[:PREVIEW_NAMES],
            "new_outlet_names": sorted(entities.new_outlets.values())[:PREVIEW_NAMES],
            "completed_speakers": len(entities.completed_speakers),
            "completed_speaker_names": sorted(entities.completed_speakers.values())[:PREVIEW_NAMES],
            "ignored_columns": self.rows.ignored_columns,
            "removed_appearances": self.removals,
            "removed_appearance_count": self.removed,
        }
        if self.rows.first_rows is not None:  # the file read; staged rows hold no repeats, counted by the preview
            job.summary.update(
                repeated_rows=self.repeats, repeats=self.repeat_lines, mixed_dates=self.rows.dates.note()
            )
        if self.wording:
            self.wording.record_on(job)
        job.errors = stored_errors(self.errors)


def stored_errors(errors):
    """Errors as a job stores them, in the file's order: a chunk's refusals by the database side
    are found after the file's own errors in the rows that follow them."""
    stored = [error if isinstance(error, dict) else asdict(error) for error in errors]
    return sorted(stored, key=lambda error: (error["line"], error["column"]))


class Wording:
    """The file's own words that the import maps, counted for the preview: each rating label with the
    status it gives (and who used it), and the venue texts the classifier could not place."""

    MAX_LABELS = 100
    MAX_PUBLISHERS = 5
    MAX_TEXTS = 10_000  # distinct unclassified texts counted; the preview shows the commonest
    SHOWN_TEXTS = 50

    def __init__(self):
        self.ratings = {}  # (normalised label, status) -> the preview's entry
        self.unclassified = Counter()
        self.venue_texts = self.classified = 0

    def add(self, row):
        review, key = row.review, row.review and (norm(row.review.label), row.status)
        if review and (key in self.ratings or len(self.ratings) < self.MAX_LABELS):
            if key not in self.ratings:
                self.ratings[key] = {
                    "label": review.label,
                    "key": key[0],
                    "status": row.status,
                    "count": 0,
                    "publishers": [],
                }
            entry = self.ratings[key]
            entry["count"] += 1
            if review.publisher not in entry["publishers"] and len(entry["publishers"]) < self.MAX_PUBLISHERS:
                entry["publishers"].append(review.publisher)
        for links in row.chains:
            for link in links:
                if link.text:
                    self.venue_texts += 1
                    # Words beside a venue type the file gave (as exports write them) were not what
                    # placed it: only words left to the default are recorded as public remarks.
                    if link.venue != UNCLASSIFIED_VENUE or is_classified(link.text):
                        self.classified += 1
                    elif link.text in self.unclassified or len(self.unclassified) < self.MAX_TEXTS:
                        self.unclassified[link.text] += 1

    def record_on(self, job):
        known = claimreview_ratings()
        ratings = sorted(self.ratings.values(), key=lambda entry: (-entry["count"], entry["label"]))
        for entry in ratings:
            entry["by_value"] = entry["key"] not in known  # the status came from ratingValue on its scale
        job.summary.update(
            ratings=ratings,
            venue_texts=self.venue_texts,
            classified_venue_texts=self.classified,
            unclassified_venues=self.unclassified.most_common(self.SHOWN_TEXTS),
        )


class RejectedRows:
    """rejected.csv: where each rejected row is and why, then the row as the file had it.

    Cells are made spreadsheet-safe, since this file is meant to be opened in one.
    """

    def __init__(self, path, rows):
        self.path, self.rows, self.handle = path, rows, None  # the rows' header is known once they are read

    def write(self, original, problems):
        if self.handle is None:  # opened at the first rejected row: a file without one has no rejected.csv
            exists = self.path.exists()
            self.handle = open(self.path, "a", encoding="utf-8", newline="")  # noqa: SIM115 closed by close()
            self.writer = csv.writer(self.handle)
            if not exists:  # the file's header too: its names are the file's, not ours
                self.writer.writerow(
                    [spreadsheet_safe(cell) for cell in ["line", "column", "field", "error", *self.rows.header]]
                )
        first = problems[0]
        message = "; ".join(f"{p.field}: {p.message}" if p.field else p.message for p in problems)
        cells = [first.line, first.column, first.field, message, *(original or [])]
        self.writer.writerow([spreadsheet_safe(str(cell)) for cell in cells])

    def close(self):
        if self.handle:
            self.handle.close()


@contextmanager
def _opened(source):
    """(binary file, its size) of an import file: a path, or a binary file object (an UploadedFile will do)."""
    if isinstance(source, str | Path):
        with open(source, "rb") as binary:
            yield binary, os.fstat(binary.fileno()).st_size
        return
    size = source.seek(0, io.SEEK_END)
    source.seek(0)
    yield source, size


def _new_job(binary, size, *, filename, user, format=None, mode=ImportMode.ATOMIC, encoding="", date_order=""):
    head = binary.read(4096)
    binary.seek(0)
    if not format:
        format = guess_format(filename, head)
    job = ImportJob.objects.create(
        created_by=user,
        filename=Path(filename).name,
        format=format,
        mode=mode,
        file_size=size,
        encoding=encoding,
        date_order=date_order,
    )
    # Empty, even if a database reset left a folder of this id behind.
    shutil.rmtree(job_directory(job), ignore_errors=True)
    job_directory(job).mkdir(parents=True)
    limit = settings.FACTCHECK_IMPORT_MAX_BYTES
    too_big = f"the file is {size:,} bytes; the most one import takes is {limit:,} (FACTCHECK_IMPORT_MAX_BYTES)"
    if refusal := (size > limit and too_big) or workbook(head):
        _refuse(job, LineError(job.filename, 1, 1, refusal))
    return job


def validate(source, *, filename, user, progress=None, **how):
    """Read and check a whole file, writing no claim; return the new ImportJob, VALIDATED (its good
    rows staged for apply(); in SKIP_INVALID mode whatever its bad rows) or INVALID (its errors).

    `source`: a path or a binary file object. `progress(bytes read, total bytes)` after each chunk.
    `how`: `format` (None or "": guessed), `mode`, `encoding` and `date_order`.
    """
    with _opened(source) as (binary, size):
        job = _new_job(binary, size, filename=filename, user=user, **how)
        return job if job.state == ImportState.INVALID else _check(job, binary, size, progress)


def receive(upload, *, filename, user, **how):
    """Keep an uploaded file for check(), unparsed; return its new ImportJob, CHECKING, or INVALID if too big.

    Django spools a large upload to a file under MEDIA_ROOT (FILE_UPLOAD_TEMP_DIR), which the
    storage moves into the job's folder without reading it.
    """
    with _opened(upload) as (binary, size):
        job = _new_job(binary, size, filename=filename, user=user, **how)
        if job.state == ImportState.CHECKING:
            default_storage.save(f"imports/{job.pk}/{UPLOADED}", upload)
    return job


def check(job, *, progress=None):
    """Read and check the file receive() kept, as validate() does. The file stays until the import is
    confirmed or cancelled, to be checked again with other settings (recheck())."""
    try:
        with _opened(uploaded_file_path(job)) as (binary, size):
            return _check(job, binary, size, progress)
    except Abandoned:
        log.warning("import #%s was given up for dead while its file was being checked", job.pk)
        job.refresh_from_db()
        return job
    except Exception:
        log.exception("the check of import #%s failed", job.pk)
        _fail(job, [], "The check of the file stopped on an unexpected error.")
        discard(job)
        raise


def _check(job, binary, size, progress):
    staged_path = job_directory(job) / "staged.jsonl"
    rows = _file_rows(job, binary)
    run = _Pass(job, rows, write=False)
    with open(staged_path, "w", encoding="utf-8") as staged:
        staged.write(json.dumps({"version": STAGED_VERSION, "format": job.format, "file": job.filename}) + "\n")
        try:
            run.run(staged, progress and (lambda _: progress(rows.text.bytes_read, size)))
        except InvalidFile as invalid:
            staged_path.unlink()
            return _unreadable(job, rows, invalid)
    job.total_rows, job.bytes_read = rows.count, rows.text.bytes_read
    run.record()
    job.summary.update(
        staged_rows=rows.count - job.rejected_count - run.repeats,
        columns=rows.columns,
        columns_read=rows.csv_records and {**rows.csv_records.columns_read(), "source": rows.mapping_source},
    )
    if job.rejected_count and job.mode == ImportMode.ATOMIC:
        staged_path.unlink()
        return _rows_invalid(job)
    job.summary.update(run.duplicates)
    job.state, job.staged_path = ImportState.VALIDATED, str(staged_path)
    job.message = _summary(job, "would be,would be")
    return _record(job)


def _unreadable(job, rows, invalid):
    job.bytes_read = rows.text.bytes_read
    if isinstance(invalid, NeedsMapping):
        job.summary["columns_read"] = invalid.columns_read
    return _refuse(job, invalid.error, rows.count)


class _Refused(Exception):
    def __init__(self, run):
        self.problems, self.rejected = run.errors, run.counts["rejected"]


def _write(job, rows, *, linked=None, counts=(), progress=None):
    """Write `rows` (a FileRows or StagedRows) in one transaction; an all-or-nothing import with rows
    rejected raises _Refused."""
    with writing_as(job.created_by, import_via(job)), transaction.atomic():
        run = _Pass(job, rows, write=True, linked=linked, counts=counts)
        run.run(progress=progress)
        if job.mode == ImportMode.ATOMIC and run.counts["rejected"]:
            raise _Refused(run)
        job.total_rows, job.processed_rows = rows.count, run.done
        run.record()
        job.state, job.finished_at, job.staged_path = ImportState.SUCCEEDED, timezone.now(), ""
        job.message = _summary(job, "was,were")
        # In the transaction: a job given up for dead meanwhile rolls back and stays failed.
        return _record(job)


SKIP = "skip"


def choose_duplicates(job, choices):
    """Record, while the job waits for confirmation, what to do with the preview's possible duplicates;
    return the choices kept. `choices`: line -> "skip", "import" or the id of a tracked claim listed
    for that line (the row is that claim: it gains the row's appearances); others are "import"."""
    listed = {}
    for item in job.summary.get("possible_duplicates", []):
        listed.setdefault(item["line"], set()).add(item["claim"])
    kept = {
        str(line): choice
        for line, choice in choices.items()
        if line in listed and (choice == SKIP or (isinstance(choice, int) and choice in listed[line]))
    }
    summary = {**job.summary, "duplicate_choices": kept}
    if ImportJob.objects.filter(pk=job.pk, state=ImportState.VALIDATED).update(summary=summary):
        job.summary = summary
    return kept


def duplicate_choices(job):
    """(lines to skip, line -> the tracked claim the row is), as chosen in the preview."""
    chosen = job.summary.get("duplicate_choices", {})
    skipped = {int(line) for line, choice in chosen.items() if choice == SKIP}
    linked = {int(line): choice for line, choice in chosen.items() if isinstance(choice, int)}
    return skipped, linked


def _running(job):
    job.state, job.started_at, job.processed_rows = ImportState.RUNNING, timezone.now(), 0
    job.save(update_fields=["state", "started_at", "processed_rows"])


def apply(job, *, progress=None):
    """Write a validated job's staged rows in one transaction; return the job, SUCCEEDED or FAILED.

    Each status change is checked again against the claim as it is now: a refused one fails the
    import (ATOMIC) or rejects its row (SKIP_INVALID). `progress(rows done, rows staged)` runs
    inside the transaction: a task reporting it to another process must write it outside.
    """
    if job.state not in (ImportState.VALIDATED, ImportState.QUEUED) or not job.staged_path:
        raise ValueError(f"import #{job.pk} is {job.get_state_display().lower()}; only a validated import can run")
    _running(job)
    staged_rows, staged = job.summary.get("staged_rows", 0), Path(job.staged_path)
    skipped, linked = duplicate_choices(job)
    try:
        _write(
            job,
            StagedRows(job, skipped),
            linked=linked,
            counts={
                "rejected": job.rejected_count,
                "unchanged": len(skipped),
            },
            progress=progress and (lambda run: progress(run.done, staged_rows)),
        )
    except _Refused as refusal:
        job.rejected_count = refusal.rejected
        refused = f"{refusal.rejected:,} of the {job.total_rows:,} row{pluralize(job.total_rows)}"
        return _fail(job, refusal.problems, f"Claims changed since the preview and the rules now refuse {refused}.")
    except Abandoned:
        log.warning("import #%s was given up for dead while it ran; its writes were rolled back", job.pk)
        job.refresh_from_db()
        return job
    except Exception as error:
        return _stopped(job, error)
    staged.unlink(missing_ok=True)
    return job


def _stopped(job, error):
    """Mark the job FAILED; raise the error again unless the database refused the import."""
    log.exception("import #%s failed", job.pk)
    if isinstance(error, DatabaseError):
        return _fail(job, [], f"The database refused the import: {error}")
    _fail(job, [], "The import stopped on an unexpected error.")
    raise error


def _fail(job, problems, message):
    if job.staged_path:
        Path(job.staged_path).unlink(missing_ok=True)
        job.staged_path = ""
    job.state, job.finished_at = ImportState.FAILED, timezone.now()
    for name in NOTHING_IMPORTED:
        setattr(job, name, 0)
    if problems:
        job.errors = stored_errors(problems[:PREVIEW_ERRORS])
    job.message = f"{message} Nothing was imported."
    job.save()
    return job


def import_file(path, *, user, dry_run=False, progress=None, **how):
    """Import a file in one pass, as validate() then apply() would (or, with dry_run, only validate it).

    `progress(phase, done, total)` gets ("reading" or "importing", bytes, bytes).
    """
    if dry_run:
        reading = progress and (lambda done, total: progress("reading", done, total))
        job = validate(path, filename=Path(path).name, user=user, progress=reading, **how)
        if job.staged_path:
            Path(job.staged_path).unlink(missing_ok=True)
        job.staged_path = ""
        job.message = f"Dry run, nothing imported. {job.message}"
        job.save(update_fields=["staged_path", "message"])
        return job
    with _opened(path) as (binary, size):
        job = _new_job(binary, size, filename=path, user=user, **how)
        if job.state == ImportState.INVALID:
            return job
        _running(job)
        rows = _file_rows(job, binary)
        try:
            return _write(
                job, rows, progress=progress and (lambda _: progress("importing", rows.text.bytes_read, size))
            )
        except InvalidFile as invalid:
            return _unreadable(job, rows, invalid)
        except _Refused as refused:
            job.total_rows, job.rejected_count = rows.count, refused.rejected
            job.errors = stored_errors(refused.problems)
            job.summary.update(ignored_columns=rows.ignored_columns, mixed_dates=rows.dates.note())
            return _rows_invalid(job)
        except Exception as error:
            return _stopped(job, error)


def can_recheck(job):
    return job.state in (ImportState.VALIDATED, ImportState.INVALID) and uploaded_file_path(job).exists()


def recheck(job, *, encoding, date_order, mode=None, column_mapping=None):
    """Set a checked job back to CHECKING, for the caller to queue a check of its kept file in this
    encoding, date order, mode (by default the job's) and (CSV) column mapping ({"header": cells,
    "fields": field of each}). False if it cannot be: one conditional UPDATE leaves a job confirmed
    meanwhile alone."""
    summary = {"column_mapping": column_mapping} if column_mapping else {}
    reset = dict.fromkeys(("total_rows", "bytes_read", "processed_rows", *COUNTS), 0)
    moved = ImportJob.objects.filter(pk=job.pk, state__in=[ImportState.VALIDATED, ImportState.INVALID]).update(
        state=ImportState.CHECKING,
        encoding=encoding,
        date_order=date_order,
        mode=mode or job.mode,
        summary=summary,
        errors=[],
        message="",
        staged_path="",
        heartbeat_at=None,
        **reset,
    )
    if moved:
        for name in ("staged.jsonl", "rejected.csv"):
            (job_directory(job) / name).unlink(missing_ok=True)
    return bool(moved)


COUNTS = ["created_count", "updated_count", "unchanged_count", "rejected_count", "new_speakers", "new_outlets"]
# What a failed job shows (here and in tasks.fail_abandoned): no preview figures as a result; rejected rows stay.
NOTHING_IMPORTED = ["processed_rows", *(name for name in COUNTS if name != "rejected_count")]


class Abandoned(Exception):
    """The job was given up for dead (factcheck.tasks.fail_abandoned) while this process still worked on it."""


# All of a job but its heartbeat, which its task writes through a connection of its own.
OUTCOME_FIELDS = [field.name for field in ImportJob._meta.concrete_fields if field.name not in ("id", "heartbeat_at")]


def _record(job):
    """Save a job's outcome, unless it was given up for dead meanwhile: then it stays failed.

    Inside an import's transaction this is the last statement before the commit, and it locks
    the job's row: fail_abandoned() skips a locked row, so it cannot fail an import committing.
    """
    with transaction.atomic():
        if ImportJob.objects.select_for_update().values_list("state", flat=True).get(pk=job.pk) == ImportState.FAILED:
            raise Abandoned(job.pk)
        job.save(update_fields=OUTCOME_FIELDS)
    return job


def _refuse(job, error, rows=0):
    job.state, job.total_rows = ImportState.INVALID, rows
    job.errors = [asdict(error)]
    job.message = str(error)
    return _record(job)


def _rows_invalid(job):
    job.state = ImportState.INVALID
    job.message = (
        f"{job.rejected_count:,} of {job.total_rows:,} row{pluralize(job.total_rows)} "
        f"{pluralize(job.rejected_count, 'has,have')} errors, so nothing will be imported. "
        "Correct them, or import with “skip invalid rows” (--skip-invalid on the command line)."
    ) + _dates_note(job)
    return _record(job)


def _summary(job, verbs):
    """What an import did, or would do; `verbs` as pluralize takes them: "singular,plural"."""
    created = job.created_count
    parts = [
        f"{created:,} claim{pluralize(created)} {pluralize(created, verbs)} created, "
        f"{job.updated_count:,} updated, {job.unchanged_count:,} unchanged"
    ]
    repeated = job.summary.get("repeated_rows", 0)
    if repeated:
        named = ", ".join(f"line {line} repeats line {first}" for line, first in job.summary["repeats"][:3])
        more = ", …" if repeated > 3 else ""
        verb = pluralize(repeated, "repeats,repeat")
        parts.append(f"{repeated:,} row{pluralize(repeated)} {verb} an earlier one ({named}{more})")
    if job.rejected_count:
        parts.append(f"{job.rejected_count:,} row{pluralize(job.rejected_count)} rejected")
    removed = job.summary.get("removed_appearance_count", 0)
    if removed:
        named = "; ".join(job.summary["removed_appearances"][:3]) + ("; …" if removed > 3 else "")
        verb = pluralize(removed, "is,are")
        parts.append(f"{removed:,} appearance{pluralize(removed)} an editor removed {verb} not added back ({named})")
    skipped, linked = duplicate_choices(job)
    if skipped or linked:
        parts.append(
            f"{len(linked):,} row{pluralize(len(linked))} linked to tracked claims, "
            f"{len(skipped):,} skipped as duplicate{pluralize(len(skipped))}"
        )
    speakers, outlets = job.new_speakers, job.new_outlets
    parts.append(f"{speakers:,} new speaker{pluralize(speakers)} and {outlets:,} new outlet{pluralize(outlets)}")
    return f"{job.total_rows:,} row{pluralize(job.total_rows)}: " + "; ".join(parts) + "." + _dates_note(job)


def _dates_note(job):
    """What the preview says of a file whose dates are written both ways, as a sentence of its own."""
    note = job.summary.get("mixed_dates")
    return f" {capfirst(note)}." if note else ""


def discard(job):
    """Delete a job's files (the job stays, for the record)."""
    shutil.rmtree(job_directory(job), ignore_errors=True)
    if job.staged_path:
        job.staged_path = ""
        job.save(update_fields=["staged_path"])
