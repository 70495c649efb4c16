"""Claims out of the database: spreadsheet-safe CSV and ClaimReview JSON-LD.

The CSV columns are the ones `importing` reads, so an export imports back unchanged. The
ClaimReview document follows Google's structured-data requirements for fact checks; what the
format cannot carry is listed in the README ("Importing and exporting").
"""

import csv
import json
import re

FORMULA_STARTS = frozenset("=+-@\t\r")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?\Z")

CSV_COLUMNS = [
    "id",
    "claim",
    "quote",
    "kind",
    "quantity_value",
    "quantity_unit",
    "quantity_qualifier",
    "speaker",
    "speaker_kind",
    "speaker_title",
    "speaker_affiliation",
    "venue",
    "outlet",
    "relayed_by",
    "appearance_url",
    "appearance_date",
    "appearance_when",
    "article_url",
    "article_headline",
    "article_outlet",
    "article_date",
    "status",
    "status_reason",
    "evidence_url",
    "evidence_summary",
    "evidence_stance",
]
RELAY_SEPARATOR = " > "


def spreadsheet_safe(value):
    """`value` as a cell a spreadsheet shows as text instead of running it as a formula.

    A cell starting with = + - @, a tab or a carriage return gets a leading apostrophe. Plain
    numbers such as "-5" are left alone, so a negative quantity stays a number. A cell that
    already starts with an apostrophe before one of those characters (or before another
    apostrophe) gets one more, so `spreadsheet_value` always undoes exactly what this adds.
    """
    first = value[:1]
    if (first in FORMULA_STARTS and not _PLAIN_NUMBER.match(value)) or (
        first == "'" and (value[1:2] in FORMULA_STARTS or value[1:2] == "'")
    ):
        return "'" + value
    return value


def spreadsheet_value(cell):
    """The value `spreadsheet_safe` was given: one protective apostrophe removed."""
    if cell[:1] == "'" and (cell[1:2] in FORMULA_STARTS or cell[1:2] == "'"):
        return cell[1:]
    return cell


def write_safe_csv_row(writer, row):
    writer.writerow([spreadsheet_safe(str(cell)) for cell in row])


__all__ = ["CSV_COLUMNS", "RELAY_SEPARATOR", "csv", "json", "spreadsheet_safe", "spreadsheet_value"]
