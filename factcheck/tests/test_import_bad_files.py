"""A corpus of broken import files: each is refused with an error naming its line and column, and nothing is written.

BAD_FILES is meant to be reused (the admin upload tests parametrize over it too).
"""

import codecs
import csv
import io
import json
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from factcheck import importing
from factcheck.exporting import CSV_COLUMNS
from factcheck.models import Claim, ImportMode, ImportState
from factcheck.tests.test_import import counts, write_file

pytestmark = pytest.mark.django_db


@dataclass
class Bad:
    name: str
    content: bytes
    line: int
    column: int
    says: str  # a fragment of the first error, as shown ("file:line:column: field: message")
    filename: str = "claims.csv"
    settings: dict = field(default_factory=dict)

    def __str__(self):
        return self.name


def text(*lines):
    return ("\n".join(lines) + "\n").encode()


def jsonl(*records):
    return "\n".join(json.dumps(record) for record in records).encode() + b"\n"


GOOD = "Russia is training North Korean soldiers.,Andrii Kovalenko"
REVIEW = {
    "@type": "ClaimReview",
    "url": "https://factcheck.example/reviews/1",
    "claimReviewed": "North Korea has sent no troops to Russia.",
    "author": {"@type": "Organization", "name": "Example Checks"},
    "reviewRating": {"@type": "Rating", "alternateName": "False"},
}


def bad_quantity(name, cell, says):
    """A file whose one row's quantity_value (column 3) is `cell`, refused saying `says`."""
    return Bad(name, text("claim,speaker,quantity_value", f"{GOOD},{cell}"), 2, 3, says)


def review(**changes):
    changed = {**REVIEW, **changes}
    return {key: value for key, value in changed.items() if value is not None}


BAD_FILES = [
    # Files that cannot be read as a whole
    Bad("empty file", b"", 1, 1, "empty"),
    Bad("only blank lines", b"\n\n  \n", 1, 1, "empty"),
    Bad("header only", text("claim,speaker"), 2, 1, "no rows"),
    Bad("missing speaker column", text("claim,outlet", "A claim.,B-17"), 1, 1, "no speaker column"),
    Bad("missing claim column", text("speaker,outlet", "Kovalenko,B-17"), 1, 1, "no claim column"),
    Bad("duplicate header", text("claim,speaker,claim", "a,b,c"), 1, 3, "appears twice"),
    Bad("duplicate header by alias", text("claim,speaker,Speaker Name", "a,b,c"), 1, 3, "appears twice"),
    Bad("broken quoting", text("claim,speaker", '"Russia "is" training",Kovalenko'), 2, 1, "closing quote"),
    Bad(
        "unclosed quote at the end",
        text("claim,speaker", GOOD, '"never closed,Kovalenko', "more"),
        3,
        1,
        "never closed",
    ),
    Bad("quote in the second field", text("claim,speaker", 'A claim.,"Kova"lenko'), 2, 2, "closing quote"),
    Bad("too many fields", text("claim,speaker", "A claim.,Kovalenko,surplus"), 2, 3, "3 fields"),
    Bad("huge field", text("claim,speaker", "a" * 200_000 + ",Kovalenko"), 2, 1, "longer than"),
    Bad("NUL byte", b"claim,speaker\nab\x00c,Kovalenko\n", 2, 3, "NUL"),
    Bad("binary file", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 1, 1, "not valid UTF-8"),
    Bad("Latin-1", "claim,speaker\nZélensky said it,Kovalenko\n".encode("latin-1"), 2, 2, "not valid UTF-8"),
    Bad("invalid UTF-8 late in a line", b"claim,speaker\nA claim,Kovalenko \xff\n", 2, 19, "0xFF"),
    Bad("UTF-32", "claim,speaker\n".encode("utf-32"), 1, 1, "UTF-32"),
    Bad("UTF-16 cut in half", codecs.BOM_UTF16_LE + "claim,speaker\n".encode("utf-16-le") + b"x", 2, 1, "UTF-16"),
    Bad(
        "over the size limit",
        text("claim,speaker", GOOD),
        1,
        1,
        "FACTCHECK_IMPORT_MAX_BYTES",
        settings={"FACTCHECK_IMPORT_MAX_BYTES": 20},
    ),
    Bad(
        "over the row limit",
        text("claim,speaker", *[f"Claim {n}.,Kovalenko" for n in range(5)]),
        5,
        1,
        "more than 3 rows",
        settings={"FACTCHECK_IMPORT_MAX_ROWS": 3},
    ),
    # Rows that are wrong (in an all-or-nothing import, one is enough to refuse the file)
    Bad("empty claim text", text("claim,speaker", ",Kovalenko"), 2, 1, "empty"),
    Bad("speaker without letters", text("claim,speaker", "A claim.,!!!"), 2, 2, "no letters"),
    Bad("speaker name too long", text("claim,speaker", "A claim.," + "K" * 201), 2, 2, "at most 200"),
    Bad("quantity that is not a number", text("claim,speaker,quantity_value", f"{GOOD},lots"), 2, 3, "not a number"),
    bad_quantity(
        "quantity with a decimal comma",
        '"4,5"',
        "“4,5” is not a number. Write a decimal with a point (4.5); commas only group thousands (8,000)",
    ),
    bad_quantity(
        "quantity with a point grouping thousands",
        "8.000",
        "“8.000” could be 8 or 8,000 (a point grouping thousands, as in German or Spanish): write 8000 or 8",
    ),
    Bad(
        "quantity with a point grouping thousands, after a figure with spaces grouping them",
        text("claim,speaker,quantity_value", f"{GOOD},12 000", "Another claim.,Kovalenko,1.125"),
        3,
        3,
        "could be 1.125 or 1,125 (a point grouping thousands, as in German or Spanish): write 1125 or 1.1250",
    ),
    Bad(
        "quantity with a point grouping thousands in a sheet like our export's but saved by Excel in German",
        text(
            ";".join(CSV_COLUMNS),
            ";".join(
                {"claim": GOOD, "quantity_value": "8.000", "speaker": "Kovalenko"}.get(c, "") for c in CSV_COLUMNS
            ),
        ),
        2,
        5,
        "could be 8 or 8,000",
    ),
    bad_quantity(
        "quantity in European notation",
        '"1.234,5"',
        "“1.234,5” is not a number. Write a decimal with a point (1234.5); commas only group thousands (8,000)",
    ),
    Bad("quantity too precise", text("claim,speaker,quantity_value", f"{GOOD},1.23456"), 2, 3, "4 digits"),
    Bad("quantity too large", text("claim,speaker,quantity_value", f"{GOOD},1e20"), 2, 3, "too large"),
    Bad(
        "unit without a value",
        text("claim,speaker,quantity_value,quantity_unit", f"{GOOD},,troops"),
        2,
        3,
        "needs a value",
    ),
    Bad(
        "unknown qualifier",
        text("claim,speaker,quantity_value,quantity_qualifier", f"{GOOD},5,roughly"),
        2,
        4,
        "not one of",
    ),
    Bad("bad date", text("claim,speaker,venue,appearance_date", f"{GOOD},interview,2024-13-45"), 2, 4, "not a date"),
    Bad(
        "date in another format",
        text("claim,speaker,venue,appearance_date", f"{GOOD},interview,05/11/2024"),
        2,
        4,
        "YYYY-MM-DD",
    ),
    Bad(
        "bad URL", text("claim,speaker,venue,appearance_url", f"{GOOD},interview,not a url"), 2, 4, "not an http(s) URL"
    ),
    Bad(
        "FTP URL",
        text("claim,speaker,venue,appearance_url", f"{GOOD},interview,ftp://files.example/x"),
        2,
        4,
        "http(s)",
    ),
    Bad("unknown status", text("claim,speaker,status", f"{GOOD},probably"), 2, 3, "not one of"),
    # A venue that is none of ours is kept in its words and classified (test_import_venues); only length refuses it.
    Bad("venue text too long", text("claim,speaker,venue", f"{GOOD},{'a tweet ' * 40}"), 2, 3, "at most 300 fit"),
    Bad("unknown speaker kind", text("claim,speaker,speaker_kind", f"{GOOD},robot"), 2, 3, "not one of"),
    Bad("unknown claim kind", text("claim,speaker,kind", f"{GOOD},rumour"), 2, 3, "not one of"),
    Bad(
        "unknown evidence stance",
        text("claim,speaker,evidence_url,evidence_summary,evidence_stance", f"{GOOD},https://a.example/,Seen.,maybe"),
        2,
        5,
        "not one of",
    ),
    Bad(
        "evidence without a source",
        text("claim,speaker,evidence_summary", f"{GOOD},Seen it."),
        2,
        1,
        "URL or a citation",
    ),
    Bad(
        "evidence without a summary",
        text("claim,speaker,evidence_url", f"{GOOD},https://a.example/"),
        2,
        1,
        "needs a summary",
    ),
    Bad("verified without evidence", text("claim,speaker,status", f"{GOOD},verified"), 2, 3, "supporting evidence"),
    Bad(
        "false with only supporting evidence",
        text(
            "claim,speaker,status,evidence_url,evidence_summary,evidence_stance",
            f"{GOOD},false,https://a.example/,Yes.,supports",
        ),
        2,
        3,
        "refuting evidence",
    ),
    Bad(
        "article without a headline",
        text("claim,speaker,article_url,article_outlet", f"{GOOD},https://a.example/,B-17"),
        2,
        1,
        "headline",
    ),
    Bad(
        "the same claim twice, with other values",
        text("claim,speaker,status", f"{GOOD},unconfirmed", "Another claim.,Someone,", f"{GOOD},disputed"),
        4,
        1,
        "same claim as line 2, with other values",
    ),
    Bad("the same id twice", text("id,claim,speaker", "c1,One.,A", "c1,Two.,B"), 3, 1, "same claim as line 2"),
    Bad(
        "one invalid row late in the file",
        text("claim,speaker", *[f"Claim {n}.,Kovalenko" for n in range(49)], "Last.,"),
        51,
        2,
        "empty",
    ),
    # JSON and JSON Lines
    Bad(
        "JSON syntax error",
        b'[\n {"claim": "a", "speaker": "b"}\n {"claim": "c", "speaker": "d"}\n]',
        3,
        2,
        "expected “,”",
        "c.json",
    ),
    Bad("deeply nested JSON", b"[" * 100_000, 1, 2, "nested too deeply", "c.json"),
    Bad("deeply nested value", b'{"claim": ' + b"[" * 100_000, 1, 11, "nested too deeply", "c.json"),
    Bad("JSON not an array", b'"just a string"', 1, 1, "expected a JSON array", "c.json"),
    Bad("trailing garbage", b'[{"claim": "a", "speaker": "b"}] xyz', 1, 34, "after the end", "c.json"),
    Bad("unclosed array", b'[{"claim": "a", "speaker": "b"}', 1, 32, "never closed", "c.json"),
    Bad("empty array", b"[]", 1, 1, "no records", "c.json"),
    Bad(
        "JSON Lines with a bad line",
        jsonl({"claim": "a", "speaker": "b"})[:-1] + b'\n{"claim": "c", "speaker": }\n',
        2,
        27,
        "Expecting value",
        "c.jsonl",
    ),
    # A broken object is read key by key (JsonValues._object) to find where it breaks
    Bad(
        "JSON Lines record without a colon",
        b'{"claim": "a", "speaker": "b"}\n{"claim": "c",\n "speaker" "d"}\n',
        3,
        12,
        "expected “:” after a property name",
        "c.jsonl",
    ),
    Bad("JSON object never closed", b'{"claim": "a",\n "speaker": "b"\n', 3, 1, "the object is never closed", "c.json"),
    Bad(
        "JSON object with a comma before its end",
        b'{"claim": "a",\n "speaker": "b",\n}',
        3,
        1,
        "expected a property name after “,”",
        "c.json",
    ),
    Bad(
        "JSON record that is not an object",
        b'[{"claim": "a", "speaker": "b"},\n  [1, 2]]',
        2,
        3,
        "JSON object",
        "c.json",
    ),
    Bad("JSON value of the wrong type", b'[{"claim": "a", "speaker": {"name": "b"}}]', 1, 2, "expected text", "c.json"),
    # Half a character (a lone surrogate), which only a JSON escape writes: the write failed on it
    Bad(
        "half a character in JSON",
        b'[{"claim": "Drones hit Odesa.", "speaker": "B"},\n {"claim": "Drones \\ud83d hit.", "speaker": "B"}]',
        2,
        2,
        "holds half of a character (\\ud83d, a lone UTF-16 surrogate) at character 8",
        "c.json",
    ),
    Bad("half a character in a key", b'{"\\udc00": "x", "claim": "a", "speaker": "b"}\n', 1, 1, "the name", "c.jsonl"),
    Bad(
        "half a character in a ClaimReview",
        json.dumps(review(itemReviewed={"author": {"name": "Andrii \udc9a Kovalenko"}})).encode(),
        1,
        1,
        "holds half of a character (\\udc9a",
        "r.json",
    ),
    # A page's other node, whose type would be listed as left out (the preview had failed to draw it)
    Bad(
        "half a character in a page's other node",
        json.dumps({"@context": "https://schema.org", "@graph": [{"@type": "Web\ud83dPage"}, review()]}).encode(),
        1,
        47,  # where the node starts
        "holds half of a character (\\ud83d",
        "r.json",
    ),
    # ClaimReview
    Bad(
        "ClaimReview without claimReviewed", json.dumps(review(claimReviewed=None)).encode(), 1, 1, "missing", "r.json"
    ),
    Bad("ClaimReview without reviewRating", json.dumps(review(reviewRating=None)).encode(), 1, 1, "missing", "r.json"),
    Bad(
        "rating out of range",
        json.dumps(review(reviewRating={"ratingValue": 9, "bestRating": 5, "worstRating": 1})).encode(),
        1,
        1,
        "outside",
        "r.json",
    ),
    Bad(
        "unknown rating",
        json.dumps(review(reviewRating={"alternateName": "Spicy"})).encode(),
        1,
        1,
        "FACTCHECK_CLAIMREVIEW_RATINGS",
        "r.json",
    ),
    Bad(
        "not a ClaimReview",
        json.dumps(review(**{"@type": "NewsArticle"})).encode(),
        1,
        1,
        "expected a ClaimReview",
        "r.json",
    ),
    Bad(
        "ClaimReview with a bad URL",
        json.dumps(review(url="javascript:alert(1)")).encode(),
        1,
        1,
        "not an http(s) URL",
        "r.json",
    ),
    Bad(
        "ClaimReview with a bad date",
        json.dumps(review(datePublished="21/11/2026")).encode(),
        1,
        1,
        "“21/11/2026” is not a date: ClaimReview writes ISO 8601 (2024-11-05",
        "r.json",
    ),
    Bad(
        "DataFeed with one bad element",
        json.dumps(
            {
                "@context": "https://schema.org",
                "@type": "DataFeed",
                "dataFeedElement": [review(), review(url="https://f.example/2", claimReviewed="")],
            },
            indent=1,
        ).encode(),
        18,
        3,
        "claimReviewed",
        "feed.json",
    ),
]


@pytest.mark.parametrize("bad", BAD_FILES, ids=str)
def test_a_bad_file_is_refused_with_its_line_and_column_and_nothing_is_written(bad, admin_user, tmp_path, settings):
    for name, value in bad.settings.items():
        setattr(settings, name, value)
    path = write_file(tmp_path, bad.content, bad.filename)
    before = counts()
    job = importing.import_file(path, user=admin_user)
    assert job.state == ImportState.INVALID
    error = job.errors[0]
    assert (error["file"], error["line"], error["column"]) == (bad.filename, bad.line, bad.column), error
    shown = str(importing.LineError(**error))
    assert shown.startswith(f"{bad.filename}:{bad.line}:{bad.column}: ")
    assert bad.says in shown
    assert counts() == before


def test_a_json_number_with_three_decimals_is_read_as_written(admin_user, tmp_path):
    """Only text may group thousands with a point: a JSON number 1.234 is 1.234, never refused."""
    content = '[{"claim": "Inflation is 1.234 times higher.", "speaker": "B", "quantity_value": 1.234}]'
    job = importing.import_file(write_file(tmp_path, content, "c.json"), user=admin_user)
    assert job.state == ImportState.SUCCEEDED, job.errors
    assert Claim.objects.get().quantity_value == Decimal("1.234")


def test_a_record_holding_half_a_character_is_rejected_alone_when_skipping(admin_user, tmp_path):
    content = '[{"claim": "Drones hit Odesa.", "speaker": "B"}, {"claim": "Drones \\ud83d hit.", "speaker": "B"}]'
    job = importing.import_file(write_file(tmp_path, content, "c.json"), user=admin_user, mode=ImportMode.SKIP_INVALID)
    assert (job.state, job.created_count, job.rejected_count) == (ImportState.SUCCEEDED, 1, 1)
    with open(importing.rejected_rows_path(job), newline="", encoding="utf-8") as rejected:
        (refused,) = list(csv.DictReader(rejected))
    assert (refused["line"], refused["column"], refused["field"]) == ("1", "50", "claim")
    assert refused["record"] == '{"claim": "Drones \\ud83d hit.", "speaker": "B"}'  # as the file wrote it


def test_half_a_character_in_a_claimreview_is_named_by_its_path(admin_user, tmp_path):
    content = json.dumps(review(itemReviewed={"author": {"name": "Andrii \udc9a Kovalenko"}}))
    job = importing.import_file(write_file(tmp_path, content, "r.json"), user=admin_user)
    assert job.errors[0]["field"] == "itemReviewed.author.name"


def zipped(*entries):
    """A ZIP archive of (name, bytes) entries, as a workbook is."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as written:
        for name, data in entries:
            written.writestr(name, data)
    return archive.getvalue()


XLSX = zipped(("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<workbook/>"))
ODS = zipped(("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"), ("content.xml", b"<x/>"))
XLS = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


@pytest.mark.parametrize(
    "content, name, says",
    [
        (XLSX, "newsroom.xlsx", "This is an Excel workbook, not a CSV file: save it as “CSV UTF-8"),
        (XLSX, "newsroom.csv", "This is an Excel workbook, not a CSV file: save it as “CSV UTF-8"),
        (XLS, "newsroom.xls", "This is an Excel 97-2003 workbook (.xls), not a CSV file: save it as “CSV UTF-8"),
        (ODS, "newsroom.ods", "This is an OpenDocument spreadsheet (.ods), not a CSV file: save it as “Text CSV"),
    ],
)
def test_a_spreadsheet_workbook_is_refused_before_it_is_read_saying_how_to_save_it_as_csv(
    content, name, says, admin_user, tmp_path
):
    """An .xlsx was guessed as CSV and told "byte 0x87 is not valid UTF-8 (… Windows-1252?)", whose advice
    gave "NUL character: this is not a text file"."""
    for encoding in ("", "windows-1252"):
        job = importing.import_file(write_file(tmp_path, content, name), user=admin_user, encoding=encoding)
        assert job.state == ImportState.INVALID
        assert job.errors[0]["message"].startswith(says), job.errors
        assert "UTF-8 (is the file" not in job.message and "NUL" not in job.message
