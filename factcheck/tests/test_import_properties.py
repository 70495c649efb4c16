"""The readers under generated input: they fail only with InvalidFile, and valid rows come back as written."""

import csv
import io
import json
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factcheck.exporting import CSV_COLUMNS, spreadsheet_safe
from factcheck.importing import FileRows, FirstRows, InvalidFile, Repeat
from factcheck.importing.cleaning import Row, Speaker
from factcheck.models import ImportFormat, Venue, normalize_name
from factcheck.text import clean_claim, clean_name, clean_text

PROPERTY = settings(deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow])


def read(content, format=ImportFormat.CSV):
    """Every (row, errors) of `content`, or the InvalidFile that stopped the reading."""
    try:
        return [(row, errors) for _, row, errors in FileRows(io.BytesIO(content), "generated", format)]
    except InvalidFile as invalid:
        error = invalid.error
        assert error.line >= 1 and error.column >= 1
        assert str(error).startswith(f"generated:{error.line}:{error.column}: ")
        return invalid


@PROPERTY
@given(st.binary(max_size=3000))
def test_the_csv_reader_fails_only_with_invalid_file_on_any_bytes(content):
    read(content)


@PROPERTY
@given(st.text(max_size=3000))
def test_the_csv_reader_fails_only_with_invalid_file_on_any_text_after_a_header(body):
    outcome = read(("claim,speaker,status,quantity_value,venue,relayed_by,appearance_date\n" + body).encode())
    if not isinstance(outcome, InvalidFile):
        for row, errors in outcome:
            assert (row is None) == bool(errors)
            assert all(error.line >= 2 and error.column >= 1 for error in errors)


@PROPERTY
@given(st.binary(max_size=2000), st.sampled_from([ImportFormat.JSON, ImportFormat.CLAIMREVIEW]))
def test_the_json_readers_fail_only_with_invalid_file_on_any_bytes(content, format):
    read(content, format)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)
claimreview_keys = st.sampled_from(["@type", "claimReviewed", "reviewRating", "itemReviewed", "url", "author", "x"])


@PROPERTY
@given(st.lists(st.dictionaries(claimreview_keys, json_values, max_size=6), max_size=4), st.booleans())
def test_the_claimreview_reader_fails_only_with_invalid_file_on_odd_json(records, as_lines):
    content = "\n".join(map(json.dumps, records)) if as_lines and records else json.dumps(records, indent=1)
    read(content.encode(), ImportFormat.CLAIMREVIEW)


def words(min_size=1, max_size=60):
    return (
        st.text(
            st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), min_size=min_size, max_size=max_size
        )
        .map(str.strip)
        .filter(bool)
    )


def names():
    # NFKC can make a name longer (one "ﷺ" is 18 letters) than the 200 characters that fit, and
    # write a "<" or ">" of another width ("＜") as the one an outlet's name may not hold.
    return words(max_size=60).filter(
        lambda name: (
            normalize_name(name)
            and len(clean_name(name)) <= 200
            and not set(clean_name(name)) & {"<", ">", "→"}
            and "->" not in clean_name(name)
        )
    )


valid_rows = st.fixed_dictionaries(
    {
        "claim": words(max_size=300).filter(clean_claim),
        "quote": words(max_size=100) | st.just(""),
        "speaker": names(),
        "status": st.sampled_from(["", "unconfirmed", "disputed"]),
        "quantity_value": st.decimals(min_value=-(10**15), max_value=10**15, places=4).map(lambda d: format(d, "f")),
        "quantity_unit": words(max_size=40),
        "venue": st.sampled_from(Venue.values),
        "outlet": names(),
        "relayed_by": st.lists(names(), max_size=3),
        "appearance_date": st.dates().map(lambda day: day.isoformat()),
    }
)


@PROPERTY
@given(st.lists(valid_rows, min_size=1, max_size=5))
def test_valid_generated_rows_read_back_as_written_once_cleaned(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for values in rows:
        cells = {**values, "id": "", "relayed_by": " > ".join(values["relayed_by"])}
        writer.writerow([spreadsheet_safe(cells.get(column, "")) for column in CSV_COLUMNS])
    read_back = read(out.getvalue().encode())
    assert not isinstance(read_back, InvalidFile), read_back
    keys = set()
    for values, (row, errors) in zip(rows, read_back, strict=True):
        keys.add(row and row.key)
        if not isinstance(row, Row):  # the same speaker and text again: a Repeat, or with other values an error
            assert [error.message[:18] for error in errors] in ([], ["the same claim as "])
            continue
        assert (row.text, row.quote, row.speaker.name, row.status or "") == (
            clean_claim(values["claim"]),
            clean_text(values["quote"]),
            clean_name(values["speaker"]),
            values["status"],
        )
        assert Decimal(row.quantity[0]) == Decimal(values["quantity_value"])
        (chain,) = row.chains
        assert [link.outlet for link in chain] == [clean_name(values["outlet"]), *map(clean_name, values["relayed_by"])]
        assert (chain[0].venue, chain[0].date) == (values["venue"], values["appearance_date"])


@PROPERTY
@given(st.lists(st.tuples(st.text(max_size=4), st.lists(st.text(max_size=3), max_size=3)), max_size=300))
def test_the_first_row_of_every_key_is_remembered_exactly(rows):
    seen, first = FirstRows(), {}
    for line, (key, texts) in enumerate(rows, 1):
        row = Row(
            line, line % 7, key, " ".join(texts), None, None, None, Speaker("", "", "", ""), None, [], [], None, ""
        )
        earlier = first.get(key)
        assert seen.first(row) == (earlier and (earlier[0], earlier[1] == row.text))
        first.setdefault(key, (line, row.text))


def test_two_rows_with_the_same_key_and_different_values_are_always_refused():
    rows = read(
        "\n".join(
            [
                "id,claim,speaker,status",
                "c1,Troops moved.,Blinken,unconfirmed",
                "c2,Troops moved.,Zelenskyy,unconfirmed",
                "c1,Troops moved.,Blinken,unconfirmed",  # an exact repeat of line 2
                "c1,Troops moved.,Blinken,disputed",  # line 2's key with another value
                "c3,Another claim.,Blinken,unconfirmed",
                "c2,Troops moved.,Zelenskyy,unconfirmed",  # an exact repeat of line 3
            ]
        ).encode()
    )
    kept = [row.key for row, errors in rows if isinstance(row, Row)]
    assert kept == ["c1", "c2", "c3"]
    refused = [(number, errors) for number, (row, errors) in enumerate(rows, 2) if errors]
    assert len(refused) == 1 and refused[0][0] == 5
    assert "the same claim as line 2, with other values" in refused[0][1][0].message
    repeats = [(number, row.first) for number, (row, errors) in enumerate(rows, 2) if isinstance(row, Repeat)]
    assert repeats == [(4, 2), (7, 3)]
