"""From bytes to records that know where they are: decoding, CSV, JSON, JSON Lines, JSON-LD feeds.

Everything streams: a file is read a chunk at a time and each record is handed on as soon as
it is read, so memory does not grow with the file. Whatever cannot be read is an InvalidFile
naming the line and column where reading stopped.
"""

import codecs
import csv
import io
import json
import operator
import re
from dataclasses import dataclass, field
from itertools import chain, islice

from factcheck.exporting import CSV_COLUMNS, is_export_header, spreadsheet_value
from factcheck.models import normalize_name
from factcheck.text import half_character, unambiguous

CHUNK_BYTES = 1 << 20
MAX_RECORD_CHARS = 16 << 20
BOMS = [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")]
KNOWN_COLUMNS = frozenset(CSV_COLUMNS)
HEADER_ALIASES = {
    "url": "id",
    "claim_text": "claim",
    "text": "claim",
    "speaker_name": "speaker",
    # Headers as desks write them (normalised as column_names does): "Where said", "Said by"...
    **dict.fromkeys(["statement", "what_was_said", "what_they_said", "the_claim", "claim_made"], "claim"),
    **dict.fromkeys(["who", "who_said_it", "said_by", "speaker_s_name", "person", "politician"], "speaker"),
    **dict.fromkeys(["where_said", "how_said", "venue_type", "type_of_statement", "said_where"], "venue"),
    **dict.fromkeys(["platform", "channel", "where_published", "said_on"], "outlet"),
    **dict.fromkeys(["date", "date_said", "when_said", "statement_date", "said_on_date"], "appearance_date"),
    **dict.fromkeys(["verdict", "rating", "finding", "verification_status"], "status"),
    **dict.fromkeys(["reason", "why", "verdict_reason", "explanation"], "status_reason"),
    **dict.fromkeys(["verbatim", "exact_words", "quotation"], "quote"),
    **dict.fromkeys(["role", "job_title", "position"], "speaker_title"),
    **dict.fromkeys(["party", "affiliation", "organisation", "organization"], "speaker_affiliation"),
    **dict.fromkeys(["link", "source_link", "appearance_link", "where_to_see_it"], "appearance_url"),
}
REQUIRED_COLUMNS = ("claim", "speaker")
# The encodings an import may be told its file is in ("": UTF-8, or what a byte-order mark says).
ENCODINGS = {"": "utf-8", "utf-8": "utf-8", "windows-1252": "cp1252", "latin-1": "latin-1"}
# A claim or speaker cell this short may be a header's ("Claim Text."); longer ones are not checked.
MAX_HEADER_CELL = 16


@dataclass(frozen=True)
class LineError:
    """One problem in an import file, where a person can find it (lines and columns from 1): for CSV
    the field's column; for JSON where the record starts, `field` the path to the value
    ("reviewRating.alternateName"); for syntax and encoding errors the character."""

    file: str
    line: int
    column: int
    message: str
    field: str = ""

    def __str__(self):
        field = f"{self.field}: " if self.field else ""
        return f"{self.file}:{self.line}:{self.column}: {field}{self.message}"


class InvalidFile(Exception):
    """The file cannot be read any further (encoding, syntax, limits, header): nothing is imported."""

    def __init__(self, error):
        super().__init__(str(error))
        self.error = error


class NeedsMapping(InvalidFile):
    """A CSV header without the claim or speaker column: someone must say what its columns mean,
    shown `columns_read` (see columns_read())."""

    def __init__(self, error, columns_read):
        super().__init__(error)
        self.columns_read = columns_read


def columns_read(header, names, samples, **flags):
    """How a CSV file's columns are read, for the preview to show and to change: the field of each
    column (`names`), shown at its first column only; `mapped` (as someone mapped them), `needed`
    (they must be mapped before the file can be read)."""
    fields, seen = [], set()
    for name in names:
        fields.append(name if name in KNOWN_COLUMNS and name not in seen else "")
        seen.add(name)
    return {
        "header": [cell.strip() for cell in header],
        "fields": fields,
        "samples": [[cell.strip()[:80] for cell in row] for row in samples],
        **flags,
    }


def fields_named(header):
    """The field of each column as the header's names alone give it, with no mapping remembered."""
    return columns_read(header, CsvRecords.column_names(header), [])["fields"]


@dataclass
class Record:
    """One record of a file, before cleaning: where it starts and what it holds."""

    line: int
    column: int  # JSON: where the record starts; CSV: 0, each field has its own column
    values: object  # CSV and JSON: field -> text (None: not in the file); ClaimReview: the object
    original: list  # the record as the file had it, for rejected.csv
    problems: list = field(default_factory=list)  # (field, message) found while reading


SAVE_AS_CSV = "save it as “CSV UTF-8 (Comma delimited)” (File › Save As in Excel) and upload the .csv"


def workbook(head):
    """What a spreadsheet workbook starting with `head` is and how to make a CSV file of it, else "".

    A workbook is no text file: read as CSV it fails on its first compressed bytes, with advice on
    encodings that cannot help."""
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE2, Excel 97-2003's container
        return f"This is an Excel 97-2003 workbook (.xls), not a CSV file: {SAVE_AS_CSV}"
    if not head.startswith(b"PK\x03\x04"):
        return ""
    if b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet" in head[:100]:
        return (
            "This is an OpenDocument spreadsheet (.ods), not a CSV file: save it as “Text CSV” (File › Save As "
            "in LibreOffice, character set Unicode (UTF-8)) and upload the .csv"
        )
    if b"xl/" in head or b"[Content_Types].xml" in head:
        return f"This is an Excel workbook, not a CSV file: {SAVE_AS_CSV}"
    return "This is a ZIP archive, not a text file: unpack it and upload the CSV or JSON file it holds"


def encoding_of(head):
    """(encoding, byte-order mark) of a file starting with `head`: its BOM's, else UTF-8."""
    return next(((encoding, bom) for bom, encoding in BOMS if head.startswith(bom)), ("utf-8", b""))


def advance(line, column, text):
    """The (line, column) just after `text`, starting from (line, column)."""
    breaks = text.count("\n")
    if breaks:
        return line + breaks, len(text) - text.rfind("\n")
    return line, column + len(text)


class Text:
    """Decoded text chunks of a binary file: UTF-8, UTF-16 with its BOM, or the encoding it was said
    to be in (`encoding`, a key of ENCODINGS). A byte-order mark wins over what the file was said
    to be: it cannot be mistaken."""

    def __init__(self, binary, name, encoding):
        self.binary, self.name = binary, name
        self.bytes_read = 0
        self.declared = ENCODINGS[encoding or ""]

    def fail(self, line, column, message):
        raise InvalidFile(LineError(self.name, line, column, message))

    def __iter__(self):
        head = self.binary.read(4)
        if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
            self.fail(1, 1, "the file is UTF-32, which is not supported; save it as UTF-8")
        encoding, bom = encoding_of(head)
        if not bom:
            encoding = self.declared
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        data = head[len(bom) :]
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
                line, column = advance(line, column, error.object[: error.start].decode(encoding))
                bad = error.object[error.start : error.start + 1].hex().upper()
                if encoding == "cp1252":
                    self.fail(
                        line, column, f"byte 0x{bad} means nothing in Windows-1252; is the file Latin-1 or UTF-8?"
                    )
                if encoding != "utf-8":
                    self.fail(line, column, f"the file ends in the middle of a {encoding.upper()} character")
                self.fail(
                    line,
                    column,
                    f"byte 0x{bad} is not valid UTF-8 (is the file Latin-1 or Windows-1252?); "
                    "choose its encoding (Windows-1252 for Excel's “CSV” on Windows), or save it as UTF-8",
                )
            data = b""
            nul = text.find("\x00")
            if nul != -1:
                line, column = advance(line, column, text[:nul])
                hint = " (UTF-16 without a byte-order mark?)" if encoding == "utf-8" else ""
                self.fail(line, column, f"NUL character: this is not a text file{hint}")
            line, column = advance(line, column, text)
            if text:
                yield text


def physical_lines(chunks):
    """Lines with their endings (\\n, \\r\\n or \\r), as the csv module wants them."""
    pending = ""
    for chunk in chunks:
        lines = io.StringIO(pending + chunk, newline="").readlines()
        # A last line without its "\n" may go on in the next chunk (after a "\r", its "\n").
        pending = "" if lines[-1].endswith("\n") else lines.pop()
        yield from lines
    if pending:
        yield pending


# ---------------------------------------------------------------------------------------------
# CSV

CSV_PROBLEMS = {
    "unexpected end of data": "a quoted field is never closed (its opening quote is here)",
    "expected after": 'unexpected text after a closing quote (a quote inside a quoted field is written twice: "")',
    "field larger than field limit": f"a field is longer than {csv.field_size_limit():,} characters",
}


class CsvRecords:
    """The records of a CSV file with a header row, each with its physical line.

    Unknown columns are ignored (and listed in `ignored`). Cells lose surrounding spaces and the
    apostrophe an export put before a formula. A header line repeated further down (files joined
    together) is an error at its line; one naming other columns or another order stops the
    reading, since the rows after it would be read into the wrong columns.
    """

    SAMPLES = 3  # rows shown under each column when the columns must be mapped

    def __init__(self, text, mapping_for):
        self.text = text  # a Text, whose fail() stops the reading
        # header cells -> the field of each column ("" to ignore it), or None: recognise the names.
        self.mapping_for = mapping_for
        self.mapped = False
        self.recent = []  # the physical lines of the record being read, to place a syntax error
        self.header, self.ignored = [], []
        self.samples = []  # the first rows' fields, shown when the columns are mapped again
        self.lines_read = 0

    def _remembered(self, lines):
        for line in lines:
            self.recent.append(line)
            yield line

    def __iter__(self):
        lines = self._remembered(physical_lines(self.text))
        first, skipped = self._first_line(lines, 0) or self.text.fail(1, 1, "the file is empty")
        if hint := _DELIMITER_LINE.match(first):  # Excel's "sep=;": the delimiter, then the header
            delimiter = hint[1]
            first, skipped = self._first_line(lines, skipped + 1) or self.text.fail(
                skipped + 1, 1, f"the file has no header after its “{first.strip()}” line"
            )
        else:
            unquoted = _QUOTED.sub("", first)  # a quoted header cell may hold any delimiter
            delimiter = max(",;\t", key=unquoted.count)
        reader = csv.reader(chain([first], lines), delimiter=delimiter, strict=True)
        self.delimiter = delimiter
        self.recent = [first]
        done = skipped
        try:
            for fields in reader:
                start, done = done + 1, reader.line_num + skipped
                if not self.header:
                    problem = self._read_header(fields, start)
                    if problem:
                        self._ask_for_mapping(fields, start, problem, reader)
                elif (text := "".join(fields)).strip():  # rows of empty cells are left out
                    if len(self.samples) < self.SAMPLES:
                        self.samples.append(fields)
                    yield self._record(fields, start, has_apostrophe="'" in text)
                self.recent = []
        except csv.Error as error:
            line, column = locate_csv_problem("".join(self.recent), delimiter, done + 1)
            self.text.fail(
                line, column, next((text for known, text in CSV_PROBLEMS.items() if known in str(error)), str(error))
            )
        self.lines_read = done

    @staticmethod
    def _first_line(lines, skipped):
        """(the next line that is not blank, how many lines were read before it), or None."""
        for line in lines:
            if line.strip():
                return line, skipped
            skipped += 1
        return None

    @staticmethod
    def column_names(fields):
        # Case, spacing and punctuation ignored, as for enumerated values: "Claim Text." is claim_text.
        keys = (normalize_name(f).replace(" ", "_") for f in fields)
        return [HEADER_ALIASES.get(key, key) for key in keys]

    def columns_read(self):
        return columns_read(self.header, self.header_names, self.samples, mapped=self.mapped)

    def _ask_for_mapping(self, fields, line, problem, reader):
        column, message = problem
        samples = list(islice(reader, self.SAMPLES))
        error = LineError(
            self.text.name,
            line,
            column,
            # Read on the admin's import page, which asks below it, and by import_claims, which adds where to answer.
            f"{message}: say what each column holds, or name the columns as docs/importing.md and "
            "fixtures/sample-claims.csv do",
        )
        raise NeedsMapping(error, columns_read(fields, self.column_names(fields), samples, mapped=False, needed=True))

    def _read_header(self, fields, line):
        """Read the header; None when the rows can be read, else (column, why someone must map the columns)."""
        mapping = self.mapping_for(fields)
        if mapping is not None and len(mapping) == len(fields):
            names, self.mapped = [name or "" for name in mapping], True
        else:
            names = self.column_names(fields)
        seen = {}
        for number, name in enumerate(names, 1):
            if name in KNOWN_COLUMNS and name in seen:
                message = f"the column “{fields[number - 1].strip()}” appears twice (also column {seen[name]})"
                if self.mapped:
                    self.text.fail(line, number, message)
                return number, message
            seen.setdefault(name, number)
        missing = [name for name in REQUIRED_COLUMNS if name not in seen]
        if missing:
            return 1, f"the header has no {' or '.join(missing)} column"
        self.header, self.header_line, self.header_names = fields, line, names
        self.exported = is_export_header(names, self.delimiter)  # our own export: its points are decimal points
        self.columns = {name: number for name, number in seen.items() if name in KNOWN_COLUMNS}
        self.ignored = [
            fields[n - 1].strip()
            for n, name in enumerate(names, 1)
            if (name not in KNOWN_COLUMNS and (name or self.mapped)) and fields[n - 1].strip()
        ]
        self.names = list(self.columns)
        # Claim and speaker at least: itemgetter of two or more indices gives a tuple.
        self.pick = operator.itemgetter(*(number - 1 for number in self.columns.values()))
        return None

    def _record(self, fields, line, has_apostrophe):
        """The Record of a row's fields. Without an apostrophe in the row (most rows), no cell can
        hold a formula an export protected, and the cells are not searched for one."""
        width = len(self.header)
        if len(fields) > width:
            extra = next((n for n, value in enumerate(fields[width:], width + 1) if value.strip()), None)
            if extra:
                self.text.fail(line, extra, f"this row has {len(fields)} fields but the header has {width}")
        elif len(fields) < width:
            fields = fields + [""] * (width - len(fields))
        cells = list(map(str.strip, self.pick(fields)))
        if has_apostrophe and "\n'" in "\n" + "\n".join(cells):  # an apostrophe an export put before a formula
            cells = list(map(spreadsheet_value, cells))
        values = dict(zip(self.names, cells, strict=True))
        if len(values["claim"]) <= MAX_HEADER_CELL and len(values["speaker"]) <= MAX_HEADER_CELL:
            repeated = self._repeated_header(fields, line)
            if repeated:
                return Record(line, 0, None, fields, problems=[("", repeated)])
        return Record(line, 0, values, fields)

    def _repeated_header(self, fields, line):
        """Why this row is no record but a header line again, or None when it is a record."""
        first = f"line {self.header_line}"
        if self.mapped:
            if list(map(normalize_name, fields)) != list(map(normalize_name, self.header)):
                return None
        else:
            names = self.column_names(fields)
            if not set(REQUIRED_COLUMNS) <= set(names):
                return None
            if names[: len(self.header_names)] != self.header_names or any(names[len(self.header_names) :]):
                self.text.fail(
                    line,
                    1,
                    f"a second header line, naming other columns than the header on {first}: the rows after it "
                    "would be read into the wrong columns; split the file here",
                )
        return f"this line repeats the header (as on {first}), e.g. where two files were joined; remove it"


_QUOTED = re.compile(r'"[^"]*"')
_DELIMITER_LINE = re.compile(r"sep=([,;\t|])\r?\n?\Z", re.IGNORECASE)


def locate_csv_problem(text, delimiter, line):
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


class JsonValues:
    """(value, line, column) of each top-level JSON value of a text stream, read a chunk at a time; the
    elements of a top-level array, or of an object's `dataFeedElement` or `@graph` array."""

    STREAMED_KEYS = frozenset({"dataFeedElement", "@graph"})
    _SPACE = re.compile(r"[ \t\n\r]*")
    # What decoding leaves unread of a number the buffer's end cuts: "12345." | "5", "1e" | "5", "1e+" | "5".
    _NUMBER_CUT = re.compile(r"(?:\.|[eE][+-]?)?\Z")
    _decode = json.JSONDecoder().raw_decode

    def __init__(self, chunks, name):
        self.chunks, self.name = iter(chunks), name
        self.buf, self.pos, self.eof = "", 0, False
        self.mark, self.mark_line, self.mark_column = 0, 1, 1  # a position whose line is known
        self.base_line, self.base_column = 1, 1  # where buf[0] is

    def where(self, pos):
        """(line, column) of buf[pos]; counts on from the last position asked for."""
        if pos < self.mark:  # only an error looks back
            return advance(self.base_line, self.base_column, self.buf[:pos])
        self.mark_line, self.mark_column = advance(self.mark_line, self.mark_column, self.buf[self.mark : pos])
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
        """(the JSON value at the current position, where it starts), reading more as needed."""
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
            except ValueError:  # Python reads no integer of more than 4,300 digits
                self.fail(self.pos, "a number too long to read")
            if not self.eof and self._NUMBER_CUT.match(self.buf, end) and self._fill():
                continue  # a value that ends the buffer, or a number cut after its point or exponent, may go on
            start, self.pos = self.pos, end
            return value, start

    def __iter__(self):
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
        try:  # an object is whole once its "}" is read: no need to read on, as for a number
            value, end = self._decode(self.buf, self.pos)
        except (ValueError, RecursionError):  # broken, or cut short: read key by key, to say where
            value, end = None, -1
        start = self.pos
        if end != -1 and not (isinstance(value, dict) and self.STREAMED_KEYS & value.keys()):
            self.pos = end
            yield value, *self.where(start)
            return
        # Longer than the buffer, broken, or a feed: read it key by key, streaming the feed.
        line, column = self.where(start)
        self.pos += 1
        found, streamed = {}, False
        char = self.peek()
        while char != "}":
            if char != '"':
                self.fail(
                    self.pos, "expected a property name in double quotes" if char else "the object is never closed"
                )
            key, _ = self.value()
            if self.peek() != ":":
                self.fail(self.pos, "expected “:” after a property name")
            self.pos += 1
            if self.peek() == "[" and key in self.STREAMED_KEYS:
                self.pos += 1
                streamed = True
                yield from self._array()
            else:
                found[key], _ = self.value()
            char = self.peek()
            if char == ",":
                self.pos += 1
                char = self.peek()
                if char == "}":
                    self.fail(self.pos, "expected a property name after “,”")
            elif char != "}":
                self.fail(self.pos, "expected “,” or “}” in the object" if char else "the object is never closed")
        self.pos += 1
        if not streamed:
            yield found, line, column


def half_character_in(value, path=""):
    """(the path to the first string or name in a JSON value holding half a character, what is wrong)
    or None. Only a JSON escape writes one ("\\ud83d", a character cut in two where the file was
    written); nothing can store it, so its record is refused, never written."""
    if isinstance(value, str):
        half = half_character(value)
        return half and (path, half)
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        inner = f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}" if path else key
        if isinstance(key, str) and (half := half_character(key)):
            return json.dumps(inner)[1:-1], f"the name {half}"
        if found := half_character_in(item, inner):
            return found
    return None


def json_records(text, ignored):
    """Flat records (the CSV column names as keys) from a JSON array or JSON Lines; the keys the
    importer does not know are left out and added to `ignored` (a dict: the order first seen)."""
    for number, (value, line, column) in enumerate(JsonValues(text, text.name)):
        original = [json.dumps(value, ensure_ascii=False)]
        if not original[0].isascii() and (half := half_character_in(value)):
            yield Record(line, column, None, [json.dumps(value)], problems=[half])
            continue
        if not isinstance(value, dict):
            yield Record(line, column, None, original, problems=[("", "expected a JSON object (one record)")])
            continue
        if wrapped := _wrapped_records(value):
            key, count = wrapped
            if not number:  # the file's first value: the file is a wrapper, not a row to skip
                where = f"the file is one object holding a list of {count:,} records under “{key[:40]}”"
                text.fail(
                    line,
                    column,
                    f"{where}, not the records themselves: save that list alone, as a JSON array ([{{…}}, {{…}}]) "
                    "or one record per line (JSON Lines)",
                )
            message = (
                f"this object is no record (it has no claim or speaker): its “{key[:40]}” holds a list of "
                f"{count:,} records; import them as a JSON array, or one record per line (JSON Lines)"
            )
            yield Record(line, column, None, original, problems=[("", message)])
            continue
        values, problems = {}, []
        for key, item in value.items():
            name = HEADER_ALIASES.get(key, key)
            if name not in KNOWN_COLUMNS:
                ignored.setdefault(key)
                continue
            if name == "relayed_by" and isinstance(item, list) and all(isinstance(each, str) for each in item):
                item = " > ".join(item)
            if item is None:
                item = ""
            elif isinstance(item, bool) or not isinstance(item, str | int | float):
                problems.append((name, f"expected text or a number, found {json.dumps(item)[:40]}"))
                item = ""
            values[name] = unambiguous(str(item)) if isinstance(item, float) else str(item).strip()
        yield Record(line, column, values, original, problems=problems)


def _wrapped_records(value):
    """(key, number of records) of the list of records an object holding no claim and no speaker has, as
    another tool's dump wraps them ({"exported_at": …, "claims": [...]}); else None."""
    if _is_record(value):
        return None
    for key, item in value.items():
        if isinstance(item, list) and item and all(isinstance(each, dict) for each in item) and _is_record(item[0]):
            return key, len(item)
    return None


def _is_record(node):
    return bool({HEADER_ALIASES.get(key, key) for key in node} & {"claim", "speaker"})


def types_of(node):
    """The schema.org types a JSON-LD node's @type declares: "schema:ClaimReview" and
    "https://schema.org/ClaimReview" are "ClaimReview"."""
    kind = node.get("@type") if isinstance(node, dict) else None
    names = kind if isinstance(kind, list) else [kind]
    return {_TYPE_NAME.sub("", name) for name in names if isinstance(name, str)}


_TYPE_NAME = re.compile(r"^.*[/#:]")
REVIEW_TYPES = frozenset({"ClaimReview", "DataFeedItem"})


def claimreview_records(text, ignored):
    """ClaimReview objects, also inside DataFeedItems, from an object, an array, a DataFeed, an
    @graph or JSON Lines. The other nodes of a page's @graph (its WebPage, Organization,
    BreadcrumbList) are no reviews: they are left out, their types added to `ignored` (a dict,
    as json_records'). A node reviewing a claim (`claimReviewed`) under another type is read, and
    refused as that type."""
    for value, line, column in JsonValues(text, text.name):
        types = types_of(value)
        if types and not types & REVIEW_TYPES and "claimReviewed" not in value:
            # Its type is listed as left out: half a character there could be neither shown nor stored.
            if half := half_character_in(value["@type"]):
                yield Record(line, column, None, [json.dumps(value)], problems=[("@type", half[1])])
                continue
            ignored.setdefault(", ".join(sorted(types)))
            continue
        items = value.get("item") if "DataFeedItem" in types else value
        for item in items if isinstance(items, list) else [items]:
            original = json.dumps(item, ensure_ascii=False)
            if not original.isascii() and (half := half_character_in(item)):
                yield Record(line, column, None, [json.dumps(item)], problems=[half])
            else:
                yield Record(line, column, item, [original])
