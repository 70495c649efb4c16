"""Bulk import of claims from CSV, JSON / JSON Lines and ClaimReview JSON-LD.

Two steps, so that a person can look before anything is written:

`validate(source, filename=..., user=...)` streams the file once, cleans every row, compares it
with the database and records a preview on a new ImportJob: how many claims would be created,
updated or left unchanged, the new speakers and outlets, and the first errors, each with file,
line and column. The cleaned rows are staged as JSON Lines in MEDIA_ROOT/imports/<job id>/, and
rejected rows (with their error) go to rejected.csv beside them.

`apply(job, progress=...)` reads the staged rows, never the source file, re-checks each status
change against the claim as it is now (an editor may have changed it since the preview), and
writes speakers, outlets, articles, claims, appearances, evidence and VerificationEvents in
bulk, in one transaction: the import is whole or absent. On PostgreSQL the large tables are
written with COPY and ids taken from their sequences in one query per table and chunk.

`import_file(path, user=...)` does both, for the command line.
"""

import codecs
import csv
import hashlib
import io
import json
import logging
import re
import shutil
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from itertools import chain
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone

from factcheck.exporting import CSV_COLUMNS, spreadsheet_safe, spreadsheet_value
from factcheck.models import (
    Appearance,
    Article,
    Claim,
    ClaimKind,
    Evidence,
    ImportFormat,
    ImportJob,
    ImportMode,
    ImportState,
    Outlet,
    Qualifier,
    Speaker,
    SpeakerKind,
    Stance,
    Venue,
    VerificationEvent,
    normalize_name,
)
from factcheck.verification import CHOICES as STATUS_CHOICES
from factcheck.verification import Status, TransitionRefused, check_transition

log = logging.getLogger(__name__)

CHUNK_BYTES = 1 << 20
BATCH_ROWS = 5000
MAX_RECORD_CHARS = 16 << 20
MAX_NESTING = 20
PREVIEW_ERRORS = 100
PREVIEW_NAMES = 50
STAGED_VERSION = 1

# ---------------------------------------------------------------------------------------------
# Errors


@dataclass(frozen=True)
class LineError:
    """One problem in an import file, where a person can find it. Columns count from 1."""

    file: str
    line: int
    column: int
    message: str
    field: str = ""

    def __str__(self):
        field = f"{self.field}: " if self.field else ""
        return f"{self.file}:{self.line}:{self.column}: {field}{self.message}"

    def as_dict(self):
        return asdict(self)


class InvalidFile(Exception):
    """The file cannot be read any further (encoding, syntax, limits, header); nothing is imported."""

    def __init__(self, error):
        super().__init__(str(error))
        self.error = error


# ---------------------------------------------------------------------------------------------
# Vocabulary: the values a file may use for each enumerated field


def _lookup(choices, **extra):
    """Normalised value or label -> stored value, so "Up to", "up_to" and "UP TO" all match."""
    table = {}
    for value, label in choices:
        table[normalize_name(value)] = value
        table[normalize_name(str(label))] = value
    table.update({normalize_name(spelling): value for spelling, value in extra.items()})
    return table


SPEAKER_KINDS = _lookup(
    SpeakerKind.choices,
    group=SpeakerKind.UNNAMED_GROUP,
    unnamed=SpeakerKind.UNNAMED_GROUP,
    organisation=SpeakerKind.INSTITUTION,
    organization=SpeakerKind.INSTITUTION,
    outlet=SpeakerKind.OUTLET_VOICE,
)
CLAIM_KINDS = _lookup(ClaimKind.choices)
QUALIFIERS = _lookup(Qualifier.choices)
VENUES = _lookup(Venue.choices, relayed=Venue.RELAYED_REPORT, relay=Venue.RELAYED_REPORT)
STANCES = _lookup(Stance.choices, support=Stance.SUPPORTS, refute=Stance.REFUTES)
STATUSES = _lookup(STATUS_CHOICES)

# reviewRating.alternateName -> our status; FACTCHECK_CLAIMREVIEW_RATINGS is merged over this
# (a value of None removes a default). Spellings are compared after normalize_name.
DEFAULT_CLAIMREVIEW_RATINGS = {
    **dict.fromkeys(
        ["false", "pants on fire", "incorrect", "wrong", "fake", "fabricated", "hoax", "not true"],
        Status.FALSE,
    ),
    **dict.fromkeys(["true", "correct", "accurate", "verified", "confirmed"], Status.VERIFIED),
    **dict.fromkeys(
        [
            "misleading",
            "mixed",
            "mixture",
            "half true",
            "mostly true",
            "mostly false",
            "partly true",
            "partly false",
            "partially false",
            "disputed",
            "missing context",
            "needs context",
            "out of context",
            "exaggerated",
        ],
        Status.DISPUTED,
    ),
    **dict.fromkeys(
        [
            "unproven",
            "unverified",
            "unconfirmed",
            "unable to independently confirm",
            "unsupported",
            "unsubstantiated",
            "no evidence",
            "research in progress",
        ],
        Status.UNCONFIRMED,
    ),
}
# ratingValue, scaled to 0..1 within worstRating..bestRating (schema.org defaults 1..5), when
# alternateName is missing or unknown: at most FALSE_BELOW is false, at least VERIFIED_FROM
# is verified, anything between is disputed. On 1..5: 1 false, 2-4 disputed, 5 verified.
RATING_FALSE_UPTO = 0.2
RATING_VERIFIED_FROM = 0.8

UNATTRIBUTED = "Unattributed"


def claimreview_ratings():
    """The alternateName mapping in force: the defaults with the setting merged over them."""
    table = {normalize_name(name): status for name, status in DEFAULT_CLAIMREVIEW_RATINGS.items()}
    for name, status in getattr(settings, "FACTCHECK_CLAIMREVIEW_RATINGS", {}).items():
        if status is None:
            table.pop(normalize_name(name), None)
            continue
        try:
            table[normalize_name(name)] = Status(status)
        except ValueError:
            raise ImproperlyConfigured(
                f"FACTCHECK_CLAIMREVIEW_RATINGS maps “{name}” to “{status}”, which is not a status."
            ) from None
    return table


# A URL as Django's URLValidator accepts it (http and https only), cheaper to check per row.
_URL = re.compile(
    r"https?://(?:[^\s:@/]+(?::[^\s@/]*)?@)?"
    r"(?:localhost|\[[0-9a-f:.]+\]|(?:[0-9]{1,3}\.){3}[0-9]{1,3}|"
    r"(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+(?:[^\W\d_]{2,63}|xn--[a-z0-9-]{1,59})\.?)"
    r"(?::[0-9]{1,5})?(?:[/?#]\S*)?\Z",
    re.IGNORECASE,
)
_GROUPED_NUMBER = re.compile(r"[+-]?[0-9]{1,3}(?:[,\u00a0\u202f ][0-9]{3})+(?:\.[0-9]+)?\Z")
_RELAY_SPLIT = re.compile(r"\s*(?:>|→)\s*")
_HEADER_WORDS = re.compile(r"[\s\-]+")
HEADER_ALIASES = {"url": "id", "claim_text": "claim", "text": "claim", "speaker_name": "speaker"}
REQUIRED_COLUMNS = ("claim", "speaker")
DECIMAL_STEP = Decimal("0.0001")
MAX_INTEGER_DIGITS = 16  # Claim.quantity_value: 20 digits, 4 after the point


@lru_cache(maxsize=65536)
def _norm(name):
    return normalize_name(name)


def content_key(speaker, text):
    """The stable key of a row without an id: the same speaker and claim text give the same key."""
    digest = hashlib.sha256(f"{_norm(speaker)}\x1f{normalize_name(text)}".encode()).hexdigest()
    return f"sha256:{digest}"


def _given_key(value):
    value = value.strip()
    if len(value) <= Claim._meta.get_field("import_key").max_length:
        return value
    return f"sha256:{hashlib.sha256(value.encode()).hexdigest()}"


# ---------------------------------------------------------------------------------------------
# Bytes to text, with line and column


BOMS = [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")]


def _encoding(head):
    """(encoding, byte-order mark) of a file starting with `head`: its BOM's, else UTF-8."""
    return next(((encoding, bom) for bom, encoding in BOMS if head.startswith(bom)), ("utf-8", b""))


def _advance(line, column, text):
    """The (line, column) just after `text`, starting from (line, column)."""
    breaks = text.count("\n")
    if breaks:
        return line + breaks, len(text) - text.rfind("\n")
    return line, column + len(text)


class _Text:
    """Decoded text chunks of a binary file: UTF-8 (BOM optional) or UTF-16 with its BOM.

    Anything else (invalid UTF-8 such as Latin-1, NUL characters) is an InvalidFile naming the
    line and column where the text stops being readable.
    """

    def __init__(self, binary, name, size=None):
        self.binary, self.name, self.size = binary, name, size
        self.bytes_read = 0

    def fail(self, line, column, message):
        raise InvalidFile(LineError(self.name, line, column, message))

    def __iter__(self):
        head = self.binary.read(4)
        if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
            self.fail(1, 1, "the file is UTF-32, which is not supported; save it as UTF-8")
        encoding, bom = _encoding(head)
        data = head[len(bom) :]
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        line, column = 1, 1
        self.bytes_read = len(head)
        final = False
        while not final:
            more = self.binary.read(CHUNK_BYTES)
            self.bytes_read += len(more)
            final = not more
            try:
                text = decoder.decode(data + more, final)
            except UnicodeDecodeError as error:
                good = error.object[: error.start].decode(encoding)
                line, column = _advance(line, column, good)
                bad = error.object[error.start : error.start + 1].hex().upper()
                if encoding == "utf-8":
                    self.fail(
                        line,
                        column,
                        f"byte 0x{bad} is not valid UTF-8 (the file may be Latin-1 or Windows-1252); "
                        "save it as UTF-8, e.g. “CSV UTF-8” in Excel",
                    )
                self.fail(line, column, f"the file ends in the middle of a {encoding.upper()} character")
            data = b""
            nul = text.find("\x00")
            if nul != -1:
                line, column = _advance(line, column, text[:nul])
                hint = "" if encoding != "utf-8" else " (a UTF-16 file without a byte-order mark?)"
                self.fail(line, column, f"NUL character: this is not a text file{hint}")
            line, column = _advance(line, column, text)
            if text:
                yield text


def _lines(chunks):
    """Physical lines with their endings (\\n, \\r\\n or \\r), as the csv module wants them."""
    pending = ""
    for chunk in chunks:
        lines = io.StringIO(pending + chunk, newline="").readlines()
        last = lines[-1]
        pending = lines.pop() if last[-1] not in "\r\n" or last[-1] == "\r" else ""
        yield from lines
    if pending:
        yield pending


# ---------------------------------------------------------------------------------------------
# CSV


@dataclass
class _Record:
    """One row of the file before cleaning: where it starts and how to name its fields."""

    line: int
    column: int  # JSON: the record's first character; CSV: 0 (each field has its own column)
    values: dict  # field -> text, None when the file has no such field
    original: list  # what goes back into rejected.csv
    columns: dict = field(default_factory=dict)  # CSV: field -> column number
    problems: list = field(default_factory=list)  # (field, message) found while reading


class _CsvReader:
    def __init__(self, text, name):
        self.text, self.name = text, name
        self.recent = []  # the physical lines of the record being read, for error positions
        self.header = []

    def _track(self, lines):
        for line in lines:
            self.recent.append(line)
            yield line

    def fail(self, line, column, message, field=""):
        raise InvalidFile(LineError(self.name, line, column, message, field))

    def __iter__(self):
        lines = self._track(_lines(self.text))
        first = ""
        skipped = 0
        for first in lines:
            if first.strip():
                break
            skipped += 1
        else:
            self.fail(1, 1, "the file is empty")
        delimiter = max(",;\t", key=first.count)
        reader = csv.reader(chain([first], lines), delimiter=delimiter, strict=True)
        self.recent = [first]
        done = skipped
        try:
            for fields in reader:
                start = done + 1
                done = reader.line_num + skipped
                if not self.header:
                    self._read_header(fields, start)
                elif any(value.strip() for value in fields):
                    yield self._record(fields, start)
                self.recent.clear()
        except csv.Error as error:
            line, column = _locate_csv_problem("".join(self.recent), delimiter, done + 1)
            what = next((text for known, text in CSV_PROBLEMS.items() if known in str(error)), str(error))
            self.fail(line, column, what)
        self.lines_read = done

    def _read_header(self, fields, line):
        names = [HEADER_ALIASES.get(key, key) for key in (_HEADER_WORDS.sub("_", f.strip().lower()) for f in fields)]
        seen = {}
        for number, name in enumerate(names, 1):
            if name and name in seen:
                self.fail(
                    line, number, f"the column “{fields[number - 1].strip()}” appears twice (also column {seen[name]})"
                )
            seen[name] = number
        missing = [name for name in REQUIRED_COLUMNS if name not in seen]
        if missing:
            self.fail(
                line,
                1,
                f"the header has no {' or '.join(missing)} column; the columns are described in the README "
                "and fixtures/sample-claims.csv",
            )
        self.header = fields
        self.columns = {name: number for name, number in seen.items() if name in _KNOWN_COLUMNS}
        self.ignored = [fields[n - 1].strip() for name, n in seen.items() if name and name not in _KNOWN_COLUMNS]
        self.index = [(name, number - 1) for name, number in self.columns.items()]

    def _record(self, fields, line):
        width = len(self.header)
        if len(fields) > width and any(value.strip() for value in fields[width:]):
            extra = next(n for n, value in enumerate(fields[width:], width + 1) if value.strip())
            self.fail(line, extra, f"this row has {len(fields)} fields but the header has {width}")
        values = {
            name: spreadsheet_value(fields[index].strip()) if index < len(fields) else "" for name, index in self.index
        }
        return _Record(line, 0, values, fields, self.columns)


_KNOWN_COLUMNS = frozenset(CSV_COLUMNS)


CSV_PROBLEMS = {
    "unexpected end of data": "a quoted field is never closed (its opening quote is here)",
    "expected after": 'unexpected text after a closing quote (a quote inside a quoted field is written twice: "")',
    "field larger than field limit": f"a field is longer than {csv.field_size_limit():,} characters",
}


def _locate_csv_problem(text, delimiter, line):
    """(line, field number) of the first quoting problem or over-long field in a record's text."""
    limit = csv.field_size_limit()
    column, field_start, quoted_at = 1, 0, None
    index, size = 0, len(text)
    while index < size:
        char = text[index]
        if quoted_at:
            if char == '"':
                if text[index + 1 : index + 2] == '"':
                    index += 2
                    continue
                quoted_at = None
                if text[index + 1 : index + 2] not in (delimiter, "\r", "\n", ""):
                    return line, column
            elif char == "\n":
                line += 1
        elif char == '"' and index == field_start:
            quoted_at = (line, column)
        elif char == delimiter or char in "\r\n":
            if index - field_start > limit:
                return line, column
            if char != delimiter:
                break
            column += 1
            field_start = index + 1
        index += 1
    return quoted_at or (line, column)


# ---------------------------------------------------------------------------------------------
# JSON: arrays, JSON Lines, and objects whose dataFeedElement / @graph array is streamed


class _JsonStream:
    """Top-level JSON values of a text stream, read a chunk at a time.

    A top-level array yields its elements; a top-level object with a `dataFeedElement` or
    `@graph` array yields that array's elements; any other object is yielded whole; several
    objects one after the other (JSON Lines) are yielded in turn. Each comes with the line
    and column where it starts.
    """

    STREAMED_KEYS = frozenset({"dataFeedElement", "@graph"})
    _SPACE = re.compile(r"[ \t\n\r]*")
    _decode = json.JSONDecoder().raw_decode

    def __init__(self, chunks, name):
        self.chunks, self.name = iter(chunks), name
        self.buf, self.pos, self.eof = "", 0, False
        self.mark, self.mark_line, self.mark_column = 0, 1, 1
        self.base_line, self.base_column = 1, 1

    def where(self, pos):
        """(line, column) of buf[pos]; counts forward from the last position asked for."""
        if pos < self.mark:  # only an error looks back
            return _advance(self.base_line, self.base_column, self.buf[:pos])
        self.mark_line, self.mark_column = _advance(self.mark_line, self.mark_column, self.buf[self.mark : pos])
        self.mark = pos
        return self.mark_line, self.mark_column

    def fail(self, pos, message):
        raise InvalidFile(LineError(self.name, *self.where(pos), message))

    def _fill(self):
        chunk = next(self.chunks, None)
        if chunk is None:
            self.eof = True
            return False
        if self.pos:  # drop what has been read, remembering where the rest starts
            self.base_line, self.base_column = self.where(self.pos)
            self.buf = self.buf[self.pos :]
            self.mark = max(self.mark - self.pos, 0)
            self.pos = 0
        self.buf += chunk
        return True

    def peek(self):
        while True:
            self.pos = self._SPACE.match(self.buf, self.pos).end()
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if self.eof or not self._fill():
                return ""

    def value(self):
        """The JSON value at the current position and where it starts; reads more as needed."""
        while True:
            try:
                value, end = self._decode(self.buf, self.pos)
            except json.JSONDecodeError as error:
                cut_short = error.msg.startswith("Unterminated string") or error.pos >= len(self.buf) - 16
                if cut_short and not self.eof and len(self.buf) - self.pos < MAX_RECORD_CHARS and self._fill():
                    continue
                if cut_short and not self.eof:
                    self.fail(self.pos, f"a record longer than {MAX_RECORD_CHARS:,} characters")
                self.fail(error.pos, f"invalid JSON: {error.msg}")
            except RecursionError:
                self.fail(self.pos, "the JSON is nested too deeply to be a record")
            if end == len(self.buf) and not self.eof and self._fill():
                continue  # a number or literal may go on in the next chunk
            start, self.pos = self.pos, end
            return value, start

    def records(self):
        char = self.peek()
        if not char:
            self.fail(self.pos, "the file is empty")
        if char == "[":
            self.pos += 1
            yield from self._array()
            if self.peek():
                self.fail(self.pos, "unexpected text after the end of the JSON array")
            return
        if char != "{":
            self.fail(self.pos, "expected a JSON array, an object, or one object per line (JSON Lines)")
        while char:
            if char != "{":
                self.fail(self.pos, "unexpected text after the end of a JSON object")
            yield from self._object()
            char = self.peek()

    def _array(self):
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            value, start = self.value()
            yield value, *self.where(start)
            char = self.peek()
            self.pos += 1
            if char == "]":
                return
            if char != ",":
                self.fail(self.pos - 1, "expected “,” or “]” in the array" if char else "the array is never closed")
            self.peek()

    def _object(self):
        start = self.pos
        try:
            value, end = self._decode(self.buf, start)
        except (json.JSONDecodeError, RecursionError):
            value, end = None, -1
        whole = end != -1 and (end < len(self.buf) or self.eof)
        if whole and not (isinstance(value, dict) and self.STREAMED_KEYS & value.keys()):
            self.pos = end
            yield value, *self.where(start)
            return
        # Too big for one chunk, broken, or a feed: read it key by key, streaming the feed.
        line, column = self.where(start)
        self.pos += 1
        found, streamed = {}, False
        char = self.peek()
        if char == "}":
            self.pos += 1
            yield found, line, column
            return
        while True:
            if char != '"':
                self.fail(
                    self.pos, "expected a property name in double quotes" if char else "the object is never closed"
                )
            key, _ = self.value()
            if self.peek() != ":":
                self.fail(self.pos, "expected “:” after a property name")
            self.pos += 1
            if key in self.STREAMED_KEYS and self.peek() == "[":
                self.pos += 1
                streamed = True
                yield from self._array()
            else:
                found[key], _ = self.value()
            char = self.peek()
            self.pos += 1
            if char == "}":
                break
            if char != ",":
                self.fail(self.pos - 1, "expected “,” or “}” in the object" if char else "the object is never closed")
            char = self.peek()
        if not streamed:
            yield found, line, column


def _json_records(text, name):
    """Flat records (our CSV column names as keys), from a JSON array or JSON Lines."""
    for value, line, column in _JsonStream(text, name).records():
        if not isinstance(value, dict):
            yield _Record(line, column, None, [json.dumps(value)])
            continue
        values = {}
        problems = []
        for key, item in value.items():
            name_ = HEADER_ALIASES.get(key, key)
            if name_ not in _KNOWN_COLUMNS:
                continue
            if isinstance(item, list) and name_ == "relayed_by" and all(isinstance(x, str) for x in item):
                item = " > ".join(item)
            if item is None:
                item = ""
            elif isinstance(item, bool) or not isinstance(item, str | int | float):
                problems.append((name_, f"expected text or a number, found {json.dumps(item)[:40]}"))
                item = ""
            values[name_] = str(item).strip()
        yield _Record(line, column, values, [json.dumps(value, ensure_ascii=False)], problems=problems)


# ---------------------------------------------------------------------------------------------
# Cleaning: a record's text values -> a staged row, or the reasons it cannot be one


def _is_url(value):
    return len(value) <= 1000 and _URL.match(value) is not None


def _parse_date(value):
    """A date from an ISO 8601 date or date-time ("2024-11-05", "2024-11-05T10:00:00Z")."""
    try:
        return date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value).date()
    except ValueError:
        return None


def _parse_moment(value):
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), time(), tzinfo=UTC)
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _parse_quantity(raw):
    """(value as text, None) or (None, the reason it is not a quantity we can store)."""
    cleaned = raw
    if _GROUPED_NUMBER.match(raw):
        cleaned = re.sub(r"[,\u00a0\u202f ]", "", raw)
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None, f"“{raw[:40]}” is not a number"
    if not value.is_finite():
        return None, f"“{raw[:40]}” is not a number"
    if value and value.adjusted() >= MAX_INTEGER_DIGITS:
        return None, f"{raw[:40]} is too large (at most {MAX_INTEGER_DIGITS} digits before the point)"
    if value != value.quantize(DECIMAL_STEP):
        return None, f"{raw[:40]} has more than 4 digits after the point"
    return str(value), None


def _choice(values, name, table, fail, *, default=None):
    raw = values.get(name)
    if raw is None:
        return None
    if not raw:
        return default
    value = table.get(_norm(raw))
    if value is None:
        known = ", ".join(sorted({v for v in table.values() if v}))
        fail(name, f"“{raw[:60]}” is not one of: {known}")
    return value


def _limited(values, name, limit, fail):
    value = values.get(name) or ""
    if len(value) > limit:
        fail(name, f"is {len(value):,} characters long; at most {limit:,} fit")
    return value


def _name(values, name, fail, *, required=False):
    value = _limited(values, name, 200, fail)
    if value and not _norm(value):
        fail(name, f"“{value[:60]}” has no letters or digits")
    elif required and not value:
        fail(name, "is empty")
    return value


def _url(values, name, fail):
    value = values.get(name) or ""
    if value and not _is_url(value):
        fail(name, f"“{value[:80]}” is not an http(s) URL")
    return value


def _date(values, name, fail):
    value = values.get(name) or ""
    if not value:
        return None
    parsed = _parse_date(value)
    if parsed is None:
        fail(name, f"“{value[:40]}” is not a date (use YYYY-MM-DD)")
        return None
    return parsed.isoformat()


def _clean_fields(values, fail):
    """A staged row from one record's values, calling fail(field, message) for each problem."""
    text = values.get("claim") or ""
    if not text:
        fail("claim", "the claim text is empty")
    speaker = _name(values, "speaker", fail, required=True)
    speaker_kind = _choice(values, "speaker_kind", SPEAKER_KINDS, fail, default=SpeakerKind.PERSON)

    quantity = None
    if any(values.get(name) is not None for name in ("quantity_value", "quantity_unit", "quantity_qualifier")):
        amount = None
        if values.get("quantity_value"):
            amount, problem = _parse_quantity(values["quantity_value"])
            if problem:
                fail("quantity_value", problem)
        unit = _limited(values, "quantity_unit", 100, fail)
        qualifier = _choice(values, "quantity_qualifier", QUALIFIERS, fail, default=Qualifier.EXACT) or ""
        if amount is None and (unit or qualifier) and not values.get("quantity_value"):
            fail("quantity_value", "a unit or qualifier needs a value")
        quantity = [amount, unit, qualifier]

    status = _choice(values, "status", STATUSES, fail)
    evidence = []
    if any(values.get(name) for name in ("evidence_url", "evidence_summary", "evidence_stance")):
        url = _url(values, "evidence_url", fail)
        if not url:
            fail("evidence_url", "evidence needs a URL")
        summary = values.get("evidence_summary") or ""
        if not summary:
            fail("evidence_summary", "evidence needs a summary")
        implied = {Status.VERIFIED: Stance.SUPPORTS, Status.FALSE: Stance.REFUTES}.get(status, Stance.CONTEXT)
        stance = _choice(values, "evidence_stance", STANCES, fail, default=implied) or implied
        evidence.append({"url": url, "citation": "", "summary": summary, "stance": stance, "added_at": None})

    chains = []
    appearance_fields = ("venue", "outlet", "relayed_by", "appearance_url", "appearance_date", "appearance_when")
    if any(values.get(name) for name in appearance_fields):
        venue = _choice(values, "venue", VENUES, fail)
        if not venue and not values.get("venue"):
            fail("venue", "an appearance needs a venue type")
        outlet = _name(values, "outlet", fail)
        relays = [name for name in _RELAY_SPLIT.split(values.get("relayed_by") or "") if name]
        for relay in relays:
            if len(relay) > 200 or not _norm(relay):
                fail("relayed_by", f"“{relay[:60]}” is not an outlet name")
        origin = {
            "venue": venue,
            "outlet": outlet,
            "url": _url(values, "appearance_url", fail),
            "date": _date(values, "appearance_date", fail),
            "when": _limited(values, "appearance_when", 200, fail),
        }
        relayed = {"venue": Venue.RELAYED_REPORT, "url": "", "date": None, "when": ""}
        chains.append([origin] + [{**relayed, "outlet": relay} for relay in relays])

    article = None
    article_fields = ("article_url", "article_headline", "article_outlet", "article_date")
    if any(values.get(name) for name in article_fields):
        headline = _limited(values, "article_headline", 500, fail)
        if not headline:
            fail("article_headline", "an article needs a headline")
        publisher = _name(values, "article_outlet", fail)
        if not publisher and chains:
            publisher = chains[0][-1]["outlet"]
        if not publisher:
            fail("article_outlet", "an article needs an outlet (article_outlet, or outlet / relayed_by)")
        article = {
            "url": _url(values, "article_url", fail),
            "headline": headline,
            "outlet": publisher,
            "published": _date(values, "article_date", fail),
        }

    key = values.get("id") or ""
    return {
        "key": _given_key(key) if key else (content_key(speaker, text) if speaker and text else ""),
        "text": text,
        "quote": values.get("quote"),
        "kind": _choice(values, "kind", CLAIM_KINDS, fail, default=ClaimKind.FACTUAL),
        "quantity": quantity,
        "speaker": {
            "name": speaker,
            "kind": speaker_kind or SpeakerKind.PERSON,
            "title": _limited(values, "speaker_title", 200, fail),
            "affiliation": _limited(values, "speaker_affiliation", 200, fail),
        },
        "article": article,
        "chains": chains,
        "evidence": evidence,
        "status": status,
        "reason": values.get("status_reason") or "",
    }


# ---------------------------------------------------------------------------------------------
# ClaimReview JSON-LD


def _types(node):
    kind = node.get("@type") if isinstance(node, dict) else None
    return set(kind) if isinstance(kind, list) else {kind}


def _first(node):
    return node[0] if isinstance(node, list) and node else node


def _text_of(node, *names):
    for name in names:
        value = node.get(name) if isinstance(node, dict) else None
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _name_of(node):
    node = _first(node)
    return node.strip() if isinstance(node, str) else _text_of(node, "name")


def _claimreview_records(text, name):
    """ClaimReview objects (also inside DataFeedItems) from an object, an array, a DataFeed or JSON Lines."""
    for value, line, column in _JsonStream(text, name).records():
        if "DataFeedItem" in _types(value):
            items = value.get("item")
            for item in items if isinstance(items, list) else [items]:
                yield _Record(line, column, item, [json.dumps(item, ensure_ascii=False)])
        else:
            yield _Record(line, column, value, [json.dumps(value, ensure_ascii=False)])


def _rating_status(rating, fail, ratings):
    """Our status for a reviewRating: its alternateName, else ratingValue within the scale."""
    if not isinstance(rating, dict):
        fail("reviewRating", "is missing" if rating is None else "is not a Rating object")
        return None
    label = _text_of(rating, "alternateName")
    status = ratings.get(_norm(label)) if label else None
    if status:
        return status
    value = rating.get("ratingValue")
    if value in (None, ""):
        if label:
            fail(
                "reviewRating.alternateName",
                f"“{label[:60]}” is not a known rating and there is no ratingValue; "
                "add it to FACTCHECK_CLAIMREVIEW_RATINGS",
            )
        else:
            fail("reviewRating", "has neither alternateName nor ratingValue")
        return None
    try:
        value = float(value)
        best = float(rating.get("bestRating", 5))
        worst = float(rating.get("worstRating", 1))
    except (TypeError, ValueError):
        fail("reviewRating.ratingValue", "ratingValue, bestRating and worstRating must be numbers")
        return None
    if not worst <= value <= best or best == worst:
        fail("reviewRating.ratingValue", f"{value:g} is outside worstRating {worst:g} .. bestRating {best:g}")
        return None
    scaled = (value - worst) / (best - worst)
    if scaled <= RATING_FALSE_UPTO:
        return Status.FALSE
    return Status.VERIFIED if scaled >= RATING_VERIFIED_FROM else Status.DISPUTED


def _appearance_chain(work, path, fail, depth=0):
    """Origin first: a CreativeWork and what it isBasedOn, as the chain of appearances."""
    if depth > MAX_NESTING:
        fail(path, "isBasedOn is nested too deeply")
        return []
    if isinstance(work, str):
        work = {"url": work}
    if not isinstance(work, dict):
        fail(path, "is not a CreativeWork")
        return []
    source = work.get("isBasedOn")
    chain_ = _appearance_chain(_first(source), f"{path}.isBasedOn", fail, depth + 1) if source else []
    url = _text_of(work, "url")
    if url and not _is_url(url):
        fail(f"{path}.url", f"“{url[:80]}” is not an http(s) URL")
    published = _text_of(work, "datePublished")
    day = _parse_date(published) if published else None
    if published and day is None:
        fail(f"{path}.datePublished", f"“{published[:40]}” is not a date")
    genre = VENUES.get(_norm(_text_of(work, "genre")))
    if not genre:
        social = "SocialMediaPosting" in _types(work)
        genre = Venue.RELAYED_REPORT if chain_ else (Venue.SOCIAL_MEDIA_POST if social else Venue.PUBLIC_REMARKS)
    outlet = _name_of(work.get("publisher"))
    if len(outlet) > 200:
        fail(f"{path}.publisher.name", "is longer than 200 characters")
    return [*chain_, {"venue": genre, "outlet": outlet, "url": url, "date": day and day.isoformat(), "when": ""}]


def _clean_claimreview(node, fail, ratings):
    if not isinstance(node, dict) or "ClaimReview" not in _types(node):
        fail(
            "@type",
            f"expected a ClaimReview, found {json.dumps(_types(node).pop() if isinstance(node, dict) else node)[:60]}",
        )
        return None
    text = _text_of(node, "claimReviewed")
    if not text:
        fail("claimReviewed", "is missing or empty")
    status = _rating_status(_first(node.get("reviewRating")), fail, ratings)
    claim = _first(node.get("itemReviewed"))
    claim = claim if isinstance(claim, dict) else {}
    author = _first(claim.get("author"))
    author = author if isinstance(author, dict) else {"name": author} if isinstance(author, str) else {}
    speaker = _text_of(author, "name") or UNATTRIBUTED
    if len(speaker) > 200 or not _norm(speaker):
        fail("itemReviewed.author.name", f"“{speaker[:60]}” is not a name")
    kind = SpeakerKind.PERSON if "Person" in _types(author) else SpeakerKind.INSTITUTION
    if speaker == UNATTRIBUTED:
        kind = SpeakerKind.UNNAMED_GROUP

    chains = []
    works = [("itemReviewed.firstAppearance", claim.get("firstAppearance"))]
    appearance = claim.get("appearance")
    works += [
        (f"itemReviewed.appearance[{n}]", work)
        for n, work in enumerate(appearance if isinstance(appearance, list) else [appearance])
    ]
    for path, work in works:
        if work:
            chains.append(_appearance_chain(work, path, fail))

    url = _text_of(node, "url")
    if url and not _is_url(url):
        fail("url", f"“{url[:80]}” is not an http(s) URL")
    reviewer = _name_of(node.get("author"))
    published = _text_of(node, "datePublished")
    moment = _parse_moment(published) if published else None
    if published and moment is None:
        fail("datePublished", f"“{published[:40]}” is not a date")
    label = _text_of(_first(node.get("reviewRating")), "alternateName") or (status and status.label)
    verdict = f"{reviewer or 'The reviewer'} rated this claim “{label}”."
    evidence = []
    if url or reviewer:
        stance = {Status.VERIFIED: Stance.SUPPORTS, Status.FALSE: Stance.REFUTES}.get(status, Stance.CONTEXT)
        citation = "" if url else f"{reviewer}, {published or 'undated'}"
        evidence.append(
            {
                "url": url,
                "citation": citation[:500],
                "summary": verdict,
                "stance": stance,
                "added_at": moment and moment.isoformat(),
            }
        )
    return {
        "key": _given_key(url) if url else content_key(speaker, text),
        "text": text,
        "quote": _text_of(claim, "text") or None,
        "kind": None,
        "quantity": None,
        "speaker": {
            "name": speaker,
            "kind": kind,
            "title": _text_of(author, "jobTitle")[:200],
            "affiliation": _name_of(author.get("affiliation"))[:200],
        },
        "article": None,
        "chains": chains,
        "evidence": evidence,
        "status": status,
        "reason": verdict,
    }


# ---------------------------------------------------------------------------------------------
# Reading a whole file into cleaned rows


def guess_format(filename, head):
    """csv, json or claimreview, from the file name and its first bytes."""
    suffix = Path(filename).suffix.lower()
    if suffix in {".csv", ".tsv"}:
        return ImportFormat.CSV
    encoding, bom = _encoding(head)
    sample = head[len(bom) :].decode(encoding, "ignore")
    if sample.lstrip()[:1] in ("[", "{"):
        return ImportFormat.CLAIMREVIEW if "ClaimReview" in sample or "schema.org" in sample else ImportFormat.JSON
    return ImportFormat.JSON if suffix in {".json", ".jsonl", ".ndjson", ".jsonld"} else ImportFormat.CSV


class _Rows:
    """Cleaned rows of one file, each with its record, or with the errors that reject it."""

    def __init__(self, binary, name, format, *, size=None, max_rows=None):
        self.name, self.format = name, format
        self.text = _Text(binary, name, size)
        self.max_rows = max_rows or settings.FACTCHECK_IMPORT_MAX_ROWS
        self.count = 0
        self.ignored_columns = []
        self.original_header = ["record"]

    def __iter__(self):
        """(record, row or None, [LineError]) for every row of the file."""
        if self.format == ImportFormat.CSV:
            reader = _CsvReader(self.text, self.name)
            records = iter(reader)
        elif self.format == ImportFormat.JSON:
            reader, records = None, _json_records(self.text, self.name)
        else:
            reader, records = None, _claimreview_records(self.text, self.name)
        ratings = claimreview_ratings() if self.format == ImportFormat.CLAIMREVIEW else None
        seen = {}
        for record in records:
            if reader and not self.count:
                self.ignored_columns, self.original_header = reader.ignored, reader.header
            self.count += 1
            if self.count > self.max_rows:
                raise InvalidFile(
                    LineError(
                        self.name,
                        record.line,
                        1,
                        f"the file has more than {self.max_rows:,} rows, the most one import takes "
                        "(FACTCHECK_IMPORT_MAX_ROWS); split it",
                    )
                )
            errors = []

            def fail(field, message, record=record, errors=errors):
                column = record.columns.get(field, 1) if record.columns else record.column
                errors.append(LineError(self.name, record.line, column, message, field))

            if self.format == ImportFormat.CLAIMREVIEW:
                row = _clean_claimreview(record.values, fail, ratings)
            elif record.values is None:
                fail("", "expected a JSON object (one record)")
                row = None
            else:
                for field_, message in record.problems:
                    fail(field_, message)
                row = _clean_fields(record.values, fail)
            if row and not errors:
                fingerprint = hash(row["key"])
                if fingerprint in seen:
                    fail(
                        "url"
                        if self.format == ImportFormat.CLAIMREVIEW
                        else "id"
                        if record.values.get("id")
                        else "claim",
                        f"the same claim as line {seen[fingerprint]} (key {row['key'][:60]})",
                    )
                else:
                    seen[fingerprint] = record.line
            if row:
                row["line"] = record.line
                row["column"] = record.columns.get("status", 1) if record.columns else record.column
            yield record, (None if errors else row), errors
        if not self.count:
            if reader:
                raise InvalidFile(LineError(self.name, reader.lines_read + 1, 1, "the header is followed by no rows"))
            raise InvalidFile(LineError(self.name, 1, 1, "the file holds no records"))


# ---------------------------------------------------------------------------------------------
# Comparing rows with the database


class _Entities:
    """Speakers, outlets and articles of one import, each looked up or created once.

    Speakers match on normalize_name of the name or of one of their aliases; outlets on
    their normalised name; articles on their URL, or outlet and headline when they have none.
    In a preview (create=False) new ones are counted, not written; their id is None.
    """

    def __init__(self, *, create):
        self.create = create
        self.speakers, self.outlets, self.articles = {}, {}, {}
        self.new_speakers, self.new_outlets = {}, {}
        self._aliases = None

    def resolve(self, rows):
        speakers = {}
        outlets = {}
        for row in rows:
            who = row["speaker"]
            speakers.setdefault(_norm(who["name"]), who)
            for link in chain.from_iterable(row["chains"]):
                if link["outlet"]:
                    outlets.setdefault(_norm(link["outlet"]), link["outlet"])
            if row["article"]:
                outlets.setdefault(_norm(row["article"]["outlet"]), row["article"]["outlet"])
        self._resolve_speakers({key: who for key, who in speakers.items() if key not in self.speakers})
        self._resolve_outlets({key: name for key, name in outlets.items() if key not in self.outlets})
        self._resolve_articles(rows)

    def speaker(self, row):
        return self.speakers[_norm(row["speaker"]["name"])]

    def outlet(self, name):
        return self.outlets[_norm(name)] if name else None

    def article(self, row):
        return self.articles[self._article_key(row["article"])] if row["article"] else None

    def _aliases_by_name(self):
        if self._aliases is None:
            self._aliases = {}
            for pk, aliases in Speaker.objects.exclude(aliases=[]).values_list("pk", "aliases"):
                for alias in aliases if isinstance(aliases, list) else []:
                    if isinstance(alias, str) and _norm(alias):
                        self._aliases.setdefault(_norm(alias), pk)
        return self._aliases

    def _resolve_speakers(self, wanted):
        if not wanted:
            return
        found = dict(Speaker.objects.filter(normalized_name__in=wanted).values_list("normalized_name", "pk"))
        aliases = self._aliases_by_name()
        for key in wanted.keys() - found.keys():
            if key in aliases:
                found[key] = aliases[key]
        missing = {key: who for key, who in wanted.items() if key not in found}
        if missing and self.create:
            Speaker.objects.bulk_create(
                [
                    Speaker(
                        name=who["name"],
                        normalized_name=key,
                        kind=who["kind"],
                        title=who["title"],
                        affiliation=who["affiliation"],
                    )
                    for key, who in missing.items()
                ],
                ignore_conflicts=True,
            )
            found.update(Speaker.objects.filter(normalized_name__in=missing).values_list("normalized_name", "pk"))
        for key, who in missing.items():
            self.new_speakers.setdefault(key, who["name"])
        self.speakers.update({key: found.get(key) for key in wanted})

    def _resolve_outlets(self, wanted):
        if not wanted:
            return
        found = dict(Outlet.objects.filter(normalized_name__in=wanted).values_list("normalized_name", "pk"))
        missing = {key: name for key, name in wanted.items() if key not in found}
        if missing and self.create:
            Outlet.objects.bulk_create(
                [Outlet(name=name, normalized_name=key) for key, name in missing.items()], ignore_conflicts=True
            )
            found.update(Outlet.objects.filter(normalized_name__in=missing).values_list("normalized_name", "pk"))
        for key, name in missing.items():
            self.new_outlets.setdefault(key, name)
        self.outlets.update({key: found.get(key) for key in wanted})

    @staticmethod
    def _article_key(article):
        return (
            ("url", article["url"]) if article["url"] else ("headline", _norm(article["outlet"]), article["headline"])
        )

    def _resolve_articles(self, rows):
        wanted = {}
        for row in rows:
            if row["article"]:
                key = self._article_key(row["article"])
                if key not in self.articles:
                    wanted.setdefault(key, row["article"])
        if not wanted:
            return
        urls = [key[1] for key in wanted if key[0] == "url"]
        headlines = [key[2] for key in wanted if key[0] == "headline"]
        found = {("url", url): pk for url, pk in Article.objects.filter(url__in=urls).values_list("url", "pk")}
        for pk, headline, outlet in Article.objects.filter(url="", headline__in=headlines).values_list(
            "pk", "headline", "outlet__normalized_name"
        ):
            found.setdefault(("headline", outlet, headline), pk)
        missing = {key: article for key, article in wanted.items() if key not in found}
        if missing and self.create:
            now = timezone.now()
            created = Article.objects.bulk_create(
                [
                    Article(
                        outlet_id=self.outlet(article["outlet"]),
                        headline=article["headline"],
                        url=article["url"],
                        published=article["published"],
                        created_at=now,
                    )
                    for article in missing.values()
                ]
            )
            found.update(zip(missing, (article.pk for article in created), strict=True))
        self.articles.update({key: found.get(key) for key in wanted})


@dataclass
class _Change:
    """What one row does to the database."""

    row: dict
    claim: dict | None = None  # the stored claim, None when the row creates one
    fields: dict = field(default_factory=dict)  # stored claim fields to change
    appearances: list = field(default_factory=list)  # (new key, parent key, appearance)
    evidence: list = field(default_factory=list)  # new evidence items
    cited: list = field(default_factory=list)  # stored evidence ids the status change rests on
    status: Status | None = None  # the new status, when there is an event to write
    error: str = ""

    @property
    def action(self):
        if self.error:
            return "rejected"
        if self.claim is None:
            return "created"
        return "updated" if (self.fields or self.appearances or self.evidence or self.status) else "unchanged"


_CLAIM_FIELDS = [
    "text",
    "quote",
    "kind",
    "quantity_value",
    "quantity_unit",
    "quantity_qualifier",
    "speaker_id",
    "article_id",
]


def _signature(appearance, entities):
    outlet = entities.outlet(appearance["outlet"])
    if outlet is None and appearance["outlet"]:  # a new outlet, in a preview
        outlet = ("new", _norm(appearance["outlet"]))
    return (appearance["venue"], outlet, appearance["url"], appearance["date"], appearance["when"])


def _plan(rows, entities, *, reason, lock=False):
    """Compare rows with the stored claims: one _Change per row."""
    entities.resolve(rows)
    stored = Claim.objects.filter(import_key__in=[row["key"] for row in rows])
    if lock:
        stored = stored.select_for_update()
    stored = {
        claim["import_key"]: claim for claim in stored.values("pk", "import_key", "status", "version", *_CLAIM_FIELDS)
    }
    appearances, evidence = {}, {}
    if stored:
        ids = [claim["pk"] for claim in stored.values()]
        for claim_id, *appearance in Appearance.objects.filter(claim_id__in=ids).values_list(
            "claim_id", "pk", "relayed_from_id", "venue_type", "outlet_id", "url", "date", "when"
        ):
            appearances.setdefault(claim_id, []).append(appearance)
        for claim_id, *item in Evidence.objects.filter(claim_id__in=ids).values_list(
            "claim_id", "pk", "url", "citation", "stance"
        ):
            evidence.setdefault(claim_id, []).append(item)

    changes = []
    for row in rows:
        claim = stored.get(row["key"])
        change = _Change(row, claim)
        known_evidence = evidence.get(claim["pk"], []) if claim else []
        _plan_appearances(change, appearances.get(claim["pk"], []) if claim else [], entities)
        sources = {(url, citation, stance) for _, url, citation, stance in known_evidence}
        change.evidence = [
            item for item in row["evidence"] if (item["url"], item["citation"], item["stance"]) not in sources
        ]
        stances = {item["stance"] for item in change.evidence} | {stance for *_, stance in known_evidence}
        current = claim["status"] if claim else None
        wanted = row["status"] or (None if claim else Status.UNCONFIRMED)
        if claim:
            change.fields = _changed_fields(row, claim, entities)
        if wanted and wanted != current:
            try:
                change.status = check_transition(
                    current,
                    wanted,
                    reason=reason,
                    has_supporting=Stance.SUPPORTS in stances,
                    has_refuting=Stance.REFUTES in stances,
                )
            except TransitionRefused as refusal:
                change.error = refusal.message
            bearing = {Status.VERIFIED: Stance.SUPPORTS, Status.FALSE: Stance.REFUTES}.get(wanted)
            change.cited = [pk for pk, _, _, stance in known_evidence if stance == bearing]
        changes.append(change)
    return changes


def _changed_fields(row, claim, entities):
    wanted = {"text": row["text"], "speaker_id": entities.speaker(row)}
    if row["quote"] is not None:
        wanted["quote"] = row["quote"]
    if row["kind"] is not None:
        wanted["kind"] = row["kind"]
    if row["quantity"] is not None:
        amount, unit, qualifier = row["quantity"]
        wanted.update(
            quantity_value=Decimal(amount) if amount is not None else None,
            quantity_unit=unit,
            quantity_qualifier=qualifier,
        )
    if row["article"] is not None:
        wanted["article_id"] = entities.article(row)
    return {name: value for name, value in wanted.items() if claim[name] != value}


def _plan_appearances(change, stored, entities):
    """The appearances to add: each chain of the row, less the part the claim already has.

    The stored appearances form a tree (relayed_from points to the parent); a chain is walked
    from its origin down that tree, and what does not match is added under the last match.
    """
    children = {}
    for pk, parent, venue, outlet, url, day, when in stored:
        children.setdefault(parent, []).append(((venue, outlet, url, day and day.isoformat(), when), pk))
    added = 0
    for links in change.row["chains"]:
        parent = None
        for link in links:
            signature = _signature(link, entities)
            match = next((pk for known, pk in children.get(parent, []) if known == signature), None)
            if match is None:
                added += 1
                match = ("new", added)
                children.setdefault(parent, []).append((signature, match))
                change.appearances.append((match, parent, link))
            parent = match


# ---------------------------------------------------------------------------------------------
# Writing in bulk


def _allocate_ids(model, count):
    """`count` fresh primary keys for `model`, in one query, so rows can be written with COPY."""
    if not count:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [pk for (pk,) in cursor.fetchall()]
        # SQLite: the import holds the write lock (BEGIN IMMEDIATE), so max + 1 stays free.
        cursor.execute(
            f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "  # noqa: S608 table name from the model
            f"coalesce((SELECT max(id) FROM {connection.ops.quote_name(table)}), 0))",
            [table],
        )
        first = cursor.fetchone()[0] + 1
        return list(range(first, first + count))


def _insert(model, columns, rows):
    """Insert rows (tuples in `columns` order): COPY on PostgreSQL, bulk_create elsewhere."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        sql = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
    else:
        model.objects.bulk_create([model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=500)


@dataclass
class _Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    def add(self, action):
        setattr(self, action, getattr(self, action) + 1)


CLAIM_COLUMNS = [
    *("id", "text", "quote", "speaker_id", "article_id", "span_exact", "span_prefix", "span_suffix", "kind"),
    *("quantity_value", "quantity_unit", "quantity_qualifier", "status", "version", "status_changed_at"),
    *("status_changed_by_id", "import_key", "created_at"),
]


def _write(changes, entities, *, user, reason_for, now):
    """Write the planned changes of one chunk: a fixed number of statements whatever its size."""
    changes = [change for change in changes if not change.error]
    new = [change for change in changes if change.claim is None]
    for change, pk in zip(new, _allocate_ids(Claim, len(new)), strict=True):
        change.claim_id = pk
    for change in changes:
        if change.claim is not None:
            change.claim_id = change.claim["pk"]
    _insert(
        Claim,
        CLAIM_COLUMNS,
        [
            (
                change.claim_id,
                change.row["text"],
                change.row["quote"] or "",
                entities.speaker(change.row),
                entities.article(change.row),
                "",
                "",
                "",
                change.row["kind"] or ClaimKind.FACTUAL,
                *_quantity(change.row["quantity"]),
                change.status,
                1,
                now,
                user.pk,
                change.row["key"],
                now,
            )
            for change in new
        ],
    )

    appearances = [(change, *planned) for change in changes for planned in change.appearances]
    ids = {}
    for (change, key, _, _), pk in zip(appearances, _allocate_ids(Appearance, len(appearances)), strict=True):
        ids[change.claim_id, key] = pk
    _insert(
        Appearance,
        ["id", "claim_id", "venue_type", "outlet_id", "url", "date", "when", "relayed_from_id"],
        [
            (
                ids[change.claim_id, key],
                change.claim_id,
                link["venue"],
                entities.outlet(link["outlet"]),
                link["url"],
                link["date"] and date.fromisoformat(link["date"]),
                link["when"],
                ids[change.claim_id, parent] if isinstance(parent, tuple) else parent,
            )
            for change, key, parent, link in appearances
        ],
    )

    items = [(change, item) for change in changes for item in change.evidence]
    evidence_ids = _allocate_ids(Evidence, len(items))
    _insert(
        Evidence,
        ["id", "claim_id", "url", "citation", "summary", "stance", "added_by_id", "added_at"],
        [
            (
                pk,
                change.claim_id,
                item["url"],
                item["citation"],
                item["summary"],
                item["stance"],
                user.pk,
                datetime.fromisoformat(item["added_at"]) if item["added_at"] else now,
            )
            for (change, item), pk in zip(items, evidence_ids, strict=True)
        ],
    )
    bearing = {Status.VERIFIED: Stance.SUPPORTS, Status.FALSE: Stance.REFUTES}
    for (change, item), pk in zip(items, evidence_ids, strict=True):
        if change.status and item["stance"] == bearing.get(change.status):
            change.cited.append(pk)

    edited = [change for change in changes if change.claim is not None and change.fields]
    if edited:
        fields = sorted({name for change in edited for name in change.fields})
        Claim.objects.bulk_update(
            [Claim(pk=change.claim_id, **{**_stored_values(change.claim), **change.fields}) for change in edited],
            [name.removesuffix("_id") for name in fields],
            batch_size=500,
        )
    moved = [change for change in changes if change.claim is not None and change.status]
    for status in {change.status for change in moved}:
        Claim.objects.filter(pk__in=[change.claim_id for change in moved if change.status == status]).update(
            status=status, version=F("version") + 1, status_changed_at=now, status_changed_by=user
        )

    events = [change for change in changes if change.status]
    event_ids = _allocate_ids(VerificationEvent, len(events))
    _insert(
        VerificationEvent,
        ["id", "claim_id", "from_status", "to_status", "by_id", "at", "reason", "version"],
        [
            (
                pk,
                change.claim_id,
                change.claim["status"] if change.claim else None,
                change.status,
                user.pk,
                now,
                reason_for(change.row),
                change.claim["version"] + 1 if change.claim else 1,
            )
            for change, pk in zip(events, event_ids, strict=True)
        ],
    )
    _insert(
        VerificationEvent.evidence.through,
        ["verificationevent_id", "evidence_id"],
        [(pk, cited) for change, pk in zip(events, event_ids, strict=True) for cited in change.cited],
    )


def _quantity(quantity):
    if not quantity or quantity[0] is None:
        return None, "", ""
    amount, unit, qualifier = quantity
    return Decimal(amount), unit, qualifier


def _stored_values(claim):
    return {name: claim[name] for name in _CLAIM_FIELDS}


# ---------------------------------------------------------------------------------------------
# The two steps


def job_directory(job):
    """MEDIA_ROOT/imports/<job id>/: the staged rows and the rejected rows of one import."""
    return Path(default_storage.path(f"imports/{job.pk}"))


def rejected_rows_path(job):
    """The CSV of rejected rows (line, column, field, error, then the row as it was), if any."""
    path = job_directory(job) / "rejected.csv"
    return path if path.exists() else None


def import_reason(job, row_reason=""):
    """The reason recorded on each VerificationEvent an import writes."""
    reason = f"Imported from {job.filename} (import #{job.pk})"
    return f"{reason}: {row_reason}" if row_reason else reason


def _open(source):
    """(binary file, size in bytes or None, close it afterwards?) for a path or a file object."""
    if isinstance(source, str | Path):
        handle = open(source, "rb")  # noqa: SIM115 closed by the caller
        return handle, Path(source).stat().st_size, True
    size = getattr(source, "size", None)
    if size is None and hasattr(source, "seek"):
        position = source.tell()
        size = source.seek(0, io.SEEK_END) - position
        source.seek(position)
    if hasattr(source, "seek"):
        source.seek(0)
    return source, size, False


def _peek(binary):
    head = binary.read(4096)
    binary.seek(0)
    return head


def validate(source, *, filename, user, format=None, mode=ImportMode.ATOMIC, progress=None):
    """Read and check a whole file; return the ImportJob that records the preview.

    `source` is a path or a binary file object (an UploadedFile will do). `progress(bytes
    read, total bytes)` is called as the file is read. The job ends VALIDATED, with its
    staged rows ready for apply(), or INVALID, with its errors; with mode SKIP_INVALID a file
    with bad rows is still VALIDATED and only its good rows are staged. Nothing is written
    to the claims, whatever the file holds.
    """
    binary, size, close = _open(source)
    try:
        if format is None:
            format = guess_format(filename, _peek(binary))
        job = ImportJob.objects.create(created_by=user, filename=Path(filename).name, format=format, mode=mode)
        name = job.filename
        limit = settings.FACTCHECK_IMPORT_MAX_BYTES
        if size is not None and size > limit:
            return _refuse(
                job,
                LineError(
                    name,
                    1,
                    1,
                    f"the file is {size:,} bytes; the most one import takes is {limit:,} (FACTCHECK_IMPORT_MAX_BYTES)",
                ),
            )
        return _validate(job, binary, size, progress)
    finally:
        if close:
            binary.close()


def _refuse(job, error, rows=0):
    job.state = ImportState.INVALID
    job.total_rows = rows
    job.errors = [error.as_dict()]
    job.message = str(error)
    job.save()
    return job


def _validate(job, binary, size, progress):
    directory = job_directory(job)
    directory.mkdir(parents=True, exist_ok=True)
    staged_path = directory / "staged.jsonl"
    rows = _Rows(binary, job.filename, job.format, size=size)
    entities = _Entities(create=False)
    counts = _Counts()
    errors = []
    reason = import_reason(job)
    with open(staged_path, "w", encoding="utf-8") as staged, _RejectedWriter(directory / "rejected.csv") as rejected:
        staged.write(json.dumps({"version": STAGED_VERSION, "format": job.format, "filename": job.filename}) + "\n")
        batch = []

        def flush():
            for change, record in zip(
                _plan([row for _, row in batch], entities, reason=reason), (r for r, _ in batch), strict=True
            ):
                counts.add(change.action)
                if change.error:
                    problem = LineError(job.filename, change.row["line"], change.row["column"], change.error, "status")
                    _keep(errors, [problem])
                    rejected.write(record, rows.original_header, [problem])
                else:
                    staged.write(json.dumps(change.row, ensure_ascii=False, separators=(",", ":")) + "\n")
            batch.clear()
            if progress:
                progress(rows.text.bytes_read, size)

        try:
            for record, row, problems in rows:
                if problems:
                    counts.rejected += 1
                    _keep(errors, problems)
                    rejected.write(record, rows.original_header, problems)
                    continue
                batch.append((record, row))
                if len(batch) >= BATCH_ROWS:
                    flush()
            if batch:
                flush()
        except InvalidFile as invalid:
            staged_path.unlink(missing_ok=True)
            return _refuse(job, invalid.error, rows.count)

    job.total_rows = rows.count
    job.created_count, job.updated_count = counts.created, counts.updated
    job.unchanged_count, job.rejected_count = counts.unchanged, counts.rejected
    job.new_speakers, job.new_outlets = len(entities.new_speakers), len(entities.new_outlets)
    job.errors = [error.as_dict() for error in errors]
    job.summary = {
        "new_speaker_names": sorted(entities.new_speakers.values())[:PREVIEW_NAMES],
        "new_outlet_names": sorted(entities.new_outlets.values())[:PREVIEW_NAMES],
        "ignored_columns": rows.ignored_columns,
        "staged_rows": rows.count - counts.rejected,
    }
    if counts.rejected and job.mode == ImportMode.ATOMIC:
        staged_path.unlink(missing_ok=True)
        job.state = ImportState.INVALID
        job.message = (
            f"{counts.rejected:,} of {rows.count:,} rows have errors; nothing will be imported. "
            "Fix them, or import with “skip invalid rows”."
        )
    else:
        job.state = ImportState.VALIDATED
        job.staged_path = str(staged_path)
        job.message = _summary_text(job, preview=True)
    job.save()
    return job


def _keep(errors, problems):
    errors.extend(problems[: max(0, PREVIEW_ERRORS - len(errors))])


class _RejectedWriter:
    """rejected.csv: where each rejected row is and why, then the row as the file had it."""

    def __init__(self, path):
        self.path, self.handle, self.writer = path, None, None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.handle:
            self.handle.close()

    def write(self, record, header, problems):
        if self.writer is None:
            append = self.path.exists()
            self.handle = open(self.path, "a", encoding="utf-8", newline="")  # noqa: SIM115 closed on exit
            self.writer = csv.writer(self.handle)
            if not append:
                self.writer.writerow(["line", "column", "field", "error", *header])
        first = problems[0]
        message = "; ".join(f"{p.field + ': ' if p.field else ''}{p.message}" for p in problems)
        cells = [first.line, first.column, first.field, message, *(record.original if record else [])]
        self.writer.writerow([spreadsheet_safe(str(cell)) for cell in cells])


def _summary_text(job, *, preview=False):
    verb = "would be" if preview else "were"
    parts = [
        f"{job.created_count:,} claims {verb} created",
        f"{job.updated_count:,} updated",
        f"{job.unchanged_count:,} unchanged",
    ]
    if job.rejected_count:
        parts.append(f"{job.rejected_count:,} rows rejected")
    parts.append(f"{job.new_speakers:,} new speakers and {job.new_outlets:,} new outlets")
    return f"{job.total_rows:,} rows: " + ", ".join(parts) + "."


def _staged_rows(path):
    with open(path, encoding="utf-8") as staged:
        meta = json.loads(staged.readline())
        if meta.get("version") != STAGED_VERSION:
            raise ValueError(f"{path} was staged by another version of the importer; validate the file again")
        for line in staged:
            yield json.loads(line)


def _chunks(iterable, size):
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def apply(job, *, progress=None):
    """Write a validated job's staged rows; return the job, SUCCEEDED or FAILED.

    Does not read the source file: the rows were cleaned by validate(). Each status change is
    checked again against the claim as it is now. All rows are written in one transaction, so
    an import is whole or absent; in SKIP_INVALID mode a row whose change is refused now is
    rejected (and added to rejected.csv) instead of failing the import. `progress(rows done,
    rows staged)` is called after each chunk, inside the transaction.
    """
    if job.state not in (ImportState.VALIDATED, ImportState.QUEUED) or not job.staged_path:
        raise ValueError(f"import #{job.pk} is {job.get_state_display().lower()}; only a validated import can run")
    user = job.created_by
    job.state, job.started_at = ImportState.RUNNING, timezone.now()
    job.processed_rows = 0
    job.save(update_fields=["state", "started_at", "processed_rows"])
    staged_total = job.summary.get("staged_rows", 0)
    rejected_before = job.rejected_count
    counts = _Counts(rejected=rejected_before)
    entities = _Entities(create=True)
    reason = import_reason(job)
    now = timezone.now()
    errors = list(job.errors)
    try:
        with transaction.atomic(), _RejectedWriter(job_directory(job) / "rejected.csv") as rejected:
            done = 0
            for rows in _chunks(_staged_rows(job.staged_path), BATCH_ROWS):
                changes = _plan(rows, entities, reason=reason, lock=True)
                refused = [change for change in changes if change.error]
                if refused:
                    problems = [
                        LineError(job.filename, c.row["line"], c.row["column"], c.error, "status") for c in refused
                    ]
                    if job.mode == ImportMode.ATOMIC:
                        raise _Refused(problems)
                    for problem in problems:
                        rejected.write(None, [], [problem])
                    _keep(errors, problems)
                _write(changes, entities, user=user, reason_for=lambda row: import_reason(job, row["reason"]), now=now)
                for change in changes:
                    counts.add(change.action)
                done += len(rows)
                if progress:
                    progress(done, staged_total)
    except _Refused as refusal:
        return _fail(job, refusal.problems, "The claims changed since the preview; nothing was imported.")
    except DatabaseError as error:
        log.exception("import #%s failed", job.pk)
        return _fail(job, [], f"The database refused the import; nothing was imported. ({error})")
    job.processed_rows = done
    job.created_count, job.updated_count = counts.created, counts.updated
    job.unchanged_count, job.rejected_count = counts.unchanged, counts.rejected
    job.new_speakers, job.new_outlets = len(entities.new_speakers), len(entities.new_outlets)
    job.summary = {
        **job.summary,
        "new_speaker_names": sorted(entities.new_speakers.values())[:PREVIEW_NAMES],
        "new_outlet_names": sorted(entities.new_outlets.values())[:PREVIEW_NAMES],
    }
    job.errors = [error if isinstance(error, dict) else error.as_dict() for error in errors]
    job.state, job.finished_at = ImportState.SUCCEEDED, timezone.now()
    job.message = _summary_text(job)
    job.save()
    Path(job.staged_path).unlink(missing_ok=True)
    return job


class _Refused(Exception):
    def __init__(self, problems):
        self.problems = problems


def _fail(job, problems, message):
    job.state, job.finished_at = ImportState.FAILED, timezone.now()
    job.processed_rows = 0
    job.created_count = job.updated_count = job.unchanged_count = 0
    job.new_speakers = job.new_outlets = 0
    job.errors = [problem.as_dict() for problem in problems[:PREVIEW_ERRORS]] or job.errors
    job.message = message
    job.save()
    return job


def import_file(path, *, user, format=None, mode=ImportMode.ATOMIC, dry_run=False, progress=None):
    """Validate, then (unless invalid or a dry run) apply: what the import_claims command does.

    `progress(phase, done, total)` gets ("reading", bytes, bytes) then ("writing", rows, rows).
    """
    job = validate(
        path,
        filename=Path(path).name,
        user=user,
        format=format,
        mode=mode,
        progress=progress and (lambda done, total: progress("reading", done, total)),
    )
    if dry_run:
        if job.staged_path:
            Path(job.staged_path).unlink(missing_ok=True)
        job.staged_path = ""
        job.message = f"Dry run, nothing imported. {job.message}"
        job.save(update_fields=["staged_path", "message"])
        return job
    if job.state != ImportState.VALIDATED:
        return job
    return apply(job, progress=progress and (lambda done, total: progress("writing", done, total)))


def discard(job):
    """Delete a job's staged and rejected files (the job itself stays, for the record)."""
    shutil.rmtree(job_directory(job), ignore_errors=True)
    if job.staged_path:
        job.staged_path = ""
        job.save(update_fields=["staged_path"])
