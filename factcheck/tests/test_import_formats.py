"""What the importer reads: CSV in its encodings and dialects, JSON, JSON Lines, and ClaimReview JSON-LD."""

import codecs
import json
from decimal import Decimal
from itertools import count

import pytest

from factcheck import importing
from factcheck.importing import reading
from factcheck.models import Appearance, Claim, Evidence, ImportMode, ImportState, Speaker
from factcheck.tests.test_import import csv_text, row, run_import

pytestmark = pytest.mark.django_db

QUOTED = "Zelenskyy: “11,000” North Korean troops are in Kursk — Zélensky"


def imported(job):
    assert job.state == ImportState.SUCCEEDED, job.errors
    return job


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-8"),
        lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
        lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
        lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
    ],
    ids=["utf-8", "utf-8 with BOM", "utf-16 LE", "utf-16 BE"],
)
def test_csv_is_read_in_utf8_with_or_without_bom_and_in_utf16(encode, admin_user, tmp_path):
    content = encode(
        csv_text(row(QUOTED, "Volodymyr Zelenskyy", venue="public_remarks", relayed_by="Kyiv Independent"))
    )
    imported(run_import(tmp_path, content, admin_user))
    claim = Claim.objects.get()
    assert (claim.text, claim.speaker.name) == (QUOTED, "Volodymyr Zelenskyy")
    assert claim.appearances.count() == 2


def test_latin1_is_refused_at_the_first_byte_that_is_not_utf8(admin_user, tmp_path):
    content = csv_text(row("Plain.", "A"), row("Said by Zélensky.", "B")).encode("latin-1")
    job = run_import(tmp_path, content, admin_user)
    assert str(importing.LineError(**job.errors[0])).startswith("claims.csv:3:11: byte 0xE9 is not valid UTF-8")
    assert Claim.objects.count() == 0


@pytest.mark.parametrize("delimiter", [";", "\t"], ids=["semicolon", "tab"])
def test_csv_with_semicolons_or_tabs_is_read_too(delimiter, admin_user, tmp_path):
    content = delimiter.join(["claim", "speaker", "quantity_value"]) + "\n"
    content += delimiter.join(["Up to 8,000 troops moved.", "Antony Blinken", "8000"]) + "\n"
    imported(run_import(tmp_path, content, admin_user))
    assert Claim.objects.get().quantity_value == 8000


def test_an_excel_delimiter_line_is_obeyed_and_the_header_read_below_it(admin_user, tmp_path):
    # "sep=;" before the header tells Excel the delimiter; the claim has more commas than the header semicolons.
    content = "\ufeffsep=;\r\nclaim;speaker;quantity_value\r\n"
    content += "Up to 8,000 troops, maybe 11,000, moved.;Antony Blinken;8000\r\n"
    content += "Troops moved;;\r\n"
    job = run_import(tmp_path, content, admin_user)
    assert [str(importing.LineError(**error)) for error in job.errors] == ["claims.csv:4:2: speaker: is empty"]
    imported(run_import(tmp_path, content.rpartition("Troops")[0], admin_user))
    assert Claim.objects.get().text == "Up to 8,000 troops, maybe 11,000, moved."


def test_csv_headers_are_matched_loosely_and_unknown_columns_are_ignored_and_listed(admin_user, tmp_path):
    content = "Claim Text,Speaker Name,Speaker-Kind,Desk notes\n"
    content += "South Korea may send weapons.,South Korea,institution,ask Seoul\n"
    job = imported(run_import(tmp_path, content, admin_user))
    assert Speaker.objects.get().kind == "institution"
    assert job.summary["ignored_columns"] == ["Desk notes"]


def test_csv_headers_are_matched_without_regard_to_punctuation(admin_user, tmp_path):
    content = "Claim Text.,SPEAKER: name,Quantity (value),Quoté\n"
    content += "North Korea sent 8000 troops.,Kovalenko,8000,We sent 8000.\n"
    job = imported(run_import(tmp_path, content, admin_user))
    assert job.summary["ignored_columns"] == []
    claim = Claim.objects.get()
    assert (claim.speaker.name, claim.quantity_value) == ("Kovalenko", 8000)
    assert claim.quote == "We sent 8000."


def test_csv_records_spanning_lines_keep_the_physical_line_numbers_of_later_rows(admin_user, tmp_path):
    content = (
        'claim,speaker,status\r\n"A claim\r\nover three\r\nlines.",Kovalenko,unconfirmed\r\nNext.,Kovalenko,maybe\r\n'
    )
    job = run_import(tmp_path, content, admin_user)
    assert (job.errors[0]["line"], job.errors[0]["column"]) == (5, 3)


def test_a_formula_protected_by_an_export_is_read_back_as_written(admin_user, tmp_path):
    imported(run_import(tmp_path, csv_text(row("'=1+1 is what the post said.", "'@handle")), admin_user))
    claim = Claim.objects.get()
    assert (claim.text, claim.speaker.name) == ("=1+1 is what the post said.", "@handle")


def test_json_arrays_and_json_lines_use_the_csv_column_names(admin_user, tmp_path):
    records = [
        {"id": "k1", "claim": "Up to 8,000 troops.", "speaker": "Antony Blinken", "quantity_value": 8000},
        {
            "id": "k2",
            "claim": "11,000 troops.",
            "speaker": "Volodymyr Zelenskyy",
            "relayed_by": ["Kyiv Independent", "B-17"],
        }
        | {"venue": "public_remarks", "status": None},
    ]
    imported(run_import(tmp_path, json.dumps(records, indent=2), admin_user, name="claims.json"))
    assert Claim.objects.get(import_key="k1").quantity_value == 8000
    relays = Appearance.objects.filter(claim__import_key="k2", relayed_from__isnull=False).order_by("id")
    assert [appearance.outlet.name for appearance in relays] == ["Kyiv Independent", "B-17"]
    lines = "\n".join(json.dumps(record | {"id": record["id"] + "-l"}) for record in records)
    job = imported(run_import(tmp_path, lines, admin_user, name="claims.jsonl"))
    assert (job.format, job.created_count) == ("json", 2)


def test_json_keys_the_importer_does_not_know_are_ignored_and_listed(admin_user, tmp_path):
    records = [
        {"claim": "Up to 8,000 troops.", "speaker": "Antony Blinken", "desk_notes": "ask State", "speker": "x"},
        {"claim": "11,000 troops.", "speaker_name": "Volodymyr Zelenskyy", "desk_notes": "", "checked_by": "Ana"},
    ]
    job = imported(run_import(tmp_path, json.dumps(records), admin_user, name="claims.json"))
    assert job.created_count == 2
    assert job.summary["ignored_columns"] == ["desk_notes", "speker", "checked_by"]


@pytest.mark.parametrize("mode", [ImportMode.ATOMIC, ImportMode.SKIP_INVALID])
def test_records_wrapped_in_an_object_refuse_the_file_saying_where_they_are(mode, admin_user, tmp_path):
    """Another tool's dump, {"exported_at": …, "claims": [...]}: not one record with an empty claim, nor a
    row to skip ("1 of 1 row has errors … or import with 'skip invalid rows'", which would import nothing)."""
    dump = {"exported_at": "2025-04-03", "claims": [{"claim": "Taxes rose.", "speaker": "Ann Lee"}] * 2}
    job = run_import(tmp_path, json.dumps(dump), admin_user, name="dump.json", mode=mode)
    assert job.state == ImportState.INVALID
    assert [str(importing.LineError(**error)) for error in job.errors] == [
        "dump.json:1:1: the file is one object holding a list of 2 records under “claims”, not the records "
        "themselves: save that list alone, as a JSON array ([{…}, {…}]) or one record per line (JSON Lines)"
    ]
    assert "skip invalid rows" not in job.message and job.rejected_count == 0


def claimreview(n=1, rating="False", **changes):
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"https://checks.example/review/{n}",
        "claimReviewed": f"North Korea has sent no troops to Russia ({n}).",
        "datePublished": "2024-11-06",
        "author": {"@type": "Organization", "name": "Example Checks", "url": "https://checks.example"},
        "reviewRating": {"@type": "Rating", "alternateName": rating},
        "itemReviewed": {
            "@type": "Claim",
            "author": {
                "@type": "Person",
                "name": "Kim Yo Jong",
                "jobTitle": "Vice Department Director",
                "affiliation": {"@type": "Organization", "name": "Workers' Party of Korea"},
            },
            "datePublished": "2024-10-30",
            "appearance": [
                {
                    "@type": "CreativeWork",
                    "url": f"https://kcna.example/statement/{n}",
                    "datePublished": "2024-10-30",
                    "publisher": {"@type": "Organization", "name": "KCNA"},
                }
            ],
        },
    }
    return review | changes


FEED = {"@context": "https://schema.org", "@type": "DataFeed", "dataFeedElement": [claimreview(1), claimreview(2)]}
SHAPES = {
    "a single object": claimreview(1),
    "an array": [claimreview(1), claimreview(2)],
    "a DataFeed": FEED,
    "a DataFeed of DataFeedItems": FEED
    | {
        "dataFeedElement": [
            {"@type": "DataFeedItem", "item": claimreview(1)},
            {"@type": "DataFeedItem", "item": [claimreview(2), claimreview(3)]},
        ]
    },
    "an @graph": {"@context": "https://schema.org", "@graph": [claimreview(1), claimreview(2)]},
    "types as IRIs": [
        claimreview(1, **{"@type": "http://schema.org/ClaimReview"}),
        claimreview(2, **{"@type": ["schema:ClaimReview"]}),
    ],
}


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_claimreview_is_read_as_an_object_an_array_or_a_data_feed(shape, admin_user, tmp_path):
    document = SHAPES[shape]
    job = imported(run_import(tmp_path, json.dumps(document, indent=1), admin_user, name="feed.json"))
    assert job.format == "claimreview"
    assert job.created_count == Claim.objects.count() == json.dumps(document).count('ClaimReview"')
    assert set(Claim.objects.values_list("status", flat=True)) == {"false"}


def test_a_page_graph_imports_its_reviews_and_lists_the_other_nodes_as_ignored(admin_user, tmp_path):
    # As a fact-checker's page publishes it (WordPress SEO plugins): the review beside the page,
    # the site and the organisation, which are no claims and no errors.
    page = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebPage", "@id": "https://checks.example/review/1#page", "name": "Fact check"},
            claimreview(1),
            {"@type": ["Organization", "NewsMediaOrganization"], "@id": "https://checks.example/#org"},
            {"@type": "BreadcrumbList", "itemListElement": []},
        ],
    }
    job = imported(run_import(tmp_path, json.dumps(page, indent=1), admin_user, name="page.json"))
    assert (job.created_count, job.rejected_count) == (1, 0)
    assert job.summary["ignored_columns"] == ["WebPage", "NewsMediaOrganization, Organization", "BreadcrumbList"]


def test_a_record_with_a_claim_reviewed_but_another_type_is_still_an_error(admin_user, tmp_path):
    records = json.dumps([claimreview(1), claimreview(2, **{"@type": "Review"})])
    job = run_import(tmp_path, records, admin_user, name="feed.json")
    assert job.state == ImportState.INVALID
    assert [str(importing.LineError(**error)) for error in job.errors] == [
        "feed.json:1:771: @type: expected a ClaimReview, found a Review"
    ]


def test_a_claimreview_becomes_a_claim_with_its_speaker_appearance_and_the_review_as_evidence(admin_user, tmp_path):
    imported(run_import(tmp_path, json.dumps(claimreview()), admin_user, name="review.json"))
    claim = Claim.objects.get()
    assert claim.text == "North Korea has sent no troops to Russia (1)."
    assert claim.import_key.startswith("https://checks.example/review/1#")
    speaker = claim.speaker
    assert (speaker.name, speaker.kind, speaker.title, speaker.affiliation) == (
        "Kim Yo Jong",
        "person",
        "Vice Department Director",
        "Workers' Party of Korea",
    )
    appearance = claim.appearances.get()
    assert (appearance.outlet.name, appearance.url, str(appearance.date)) == (
        "KCNA",
        "https://kcna.example/statement/1",
        "2024-10-30",
    )
    evidence = claim.evidence.get()
    # Added when it was imported (it said "Added by admin, 6 Nov 2024", the review's date); the review's
    # own date is the review's, in its words.
    assert (evidence.url, evidence.stance) == ("https://checks.example/review/1", "refutes")
    assert evidence.added_at == claim.events.get().at
    assert evidence.summary == "Example Checks rated this claim “False” on 6 Nov 2024."
    assert list(claim.events.get().evidence.all()) == [evidence]


def test_a_review_identified_by_its_id_is_keyed_by_it(admin_user, tmp_path):
    review = claimreview(url=None) | {"@id": "https://checks.example/review/9"}
    imported(run_import(tmp_path, json.dumps({k: v for k, v in review.items() if v}), admin_user, name="r.json"))
    assert Claim.objects.get().import_key.startswith("https://checks.example/review/9#")


def test_a_page_reviewing_several_claims_gives_one_claim_each(admin_user, tmp_path):
    page = "https://checks.example/roundup"
    reviews = [claimreview(1, url=page), claimreview(2, url=page, rating="True")]
    job = imported(run_import(tmp_path, json.dumps(reviews), admin_user, name="feed.json"))
    assert job.created_count == 2
    assert imported(run_import(tmp_path, json.dumps(reviews), admin_user, name="feed.json")).unchanged_count == 2


def test_an_appearance_based_on_another_is_a_relay_chain(admin_user, tmp_path):
    relayed = {
        "@type": "NewsArticle",
        "url": "https://b17.example/story",
        "publisher": {"name": "B-17"},
        "isBasedOn": {"@type": "SocialMediaPosting", "url": "https://x.com/post/1", "publisher": {"name": "X"}},
    }
    review = claimreview(
        itemReviewed=claimreview()["itemReviewed"] | {"appearance": relayed, "firstAppearance": relayed["isBasedOn"]}
    )
    imported(run_import(tmp_path, json.dumps(review), admin_user, name="review.json"))
    origin, relay = Claim.objects.get().appearances.order_by("id")
    assert (origin.venue_type, origin.outlet.name) == ("social_media_post", "X")
    assert (relay.venue_type, relay.outlet.name, relay.relayed_from) == ("relayed_report", "B-17", origin)


def test_the_first_appearance_listed_again_without_its_date_is_one_appearance(admin_user, tmp_path):
    """Feeds give firstAppearance with its date and list it again among the appearances, often undated."""
    first = {"@type": "CreativeWork", "url": "https://x.com/joe/status/9", "datePublished": "2024-10-30"}
    undated = {"@type": "CreativeWork", "url": "https://x.com/joe/status/9"}
    other = {"@type": "CreativeWork", "url": "https://x.com/joe/status/10"}
    item = claimreview()["itemReviewed"] | {"firstAppearance": first, "appearance": [undated, other]}
    imported(run_import(tmp_path, json.dumps(claimreview(itemReviewed=item)), admin_user, name="review.json"))
    appearances = Claim.objects.get().appearances.order_by("id")
    assert [(appearance.url, str(appearance.date)) for appearance in appearances] == [
        ("https://x.com/joe/status/9", "2024-10-30"),
        ("https://x.com/joe/status/10", "None"),
    ]
    again = imported(run_import(tmp_path, json.dumps(claimreview(itemReviewed=item)), admin_user, name="review.json"))
    assert again.unchanged_count == 1


def test_a_claimreview_without_an_author_is_attributed_to_an_unnamed_source(admin_user, tmp_path):
    review = claimreview(itemReviewed={"@type": "Claim"})
    imported(run_import(tmp_path, json.dumps(review), admin_user, name="review.json"))
    assert (Speaker.objects.get().name, Speaker.objects.get().kind) == ("Unattributed", "unnamed_group")


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("False", "false"),
        ("Pants on Fire!", "false"),
        ("  INCORRECT ", "false"),
        ("True", "verified"),
        ("Correct", "verified"),
        ("Accurate", "verified"),
        ("Misleading", "disputed"),
        ("Half True", "disputed"),
        ("half-true", "disputed"),
        ("Mixed", "disputed"),
        ("Unproven", "unconfirmed"),
        ("Unverified", "unconfirmed"),
        ("Unable to independently confirm", "unconfirmed"),
    ],
)
def test_review_ratings_map_to_statuses_by_their_name(name, status, admin_user, tmp_path):
    imported(run_import(tmp_path, json.dumps(claimreview(rating=name)), admin_user, name="review.json"))
    assert Claim.objects.get().status == status


@pytest.mark.parametrize(
    ("rating", "status"),
    [
        ({"ratingValue": 1}, "false"),
        ({"ratingValue": 3}, "disputed"),
        ({"ratingValue": "5"}, "verified"),
        ({"ratingValue": 9, "worstRating": 0, "bestRating": 10}, "verified"),
        ({"ratingValue": 1, "worstRating": 0, "bestRating": 10}, "false"),
        ({"alternateName": "Four Pinocchios", "ratingValue": 2, "bestRating": 10, "worstRating": 1}, "false"),
    ],
)
def test_without_a_known_name_the_rating_value_decides_within_its_scale(rating, status, admin_user, tmp_path):
    review = claimreview(reviewRating={"@type": "Rating", **rating})
    imported(run_import(tmp_path, json.dumps(review), admin_user, name="review.json"))
    assert Claim.objects.get().status == status


@pytest.mark.parametrize(
    ("rating", "said"),
    [
        ({"ratingValue": 4}, "Example Checks rated this claim 4 on a scale of 1 to 5 on 6 Nov 2024."),
        (
            {"ratingValue": "7.5", "worstRating": 0, "bestRating": 10},
            "Example Checks rated this claim 7.5 on a scale of 0 to 10 on 6 Nov 2024.",
        ),
        (
            {"alternateName": "Mostly True", "ratingValue": 4},
            "Example Checks rated this claim “Mostly True” on 6 Nov 2024.",
        ),
    ],
)
def test_a_rating_without_a_label_is_quoted_as_the_number_they_gave_not_as_our_status(
    rating, said, admin_user, tmp_path
):
    review = claimreview(reviewRating={"@type": "Rating", **rating})
    imported(run_import(tmp_path, json.dumps(review), admin_user, name="review.json"))
    claim = Claim.objects.get()
    assert claim.evidence.get().summary == said
    assert said in claim.events.get().reason


def test_an_unknown_rating_is_an_error_at_its_record(admin_user, tmp_path):
    feed = FEED | {"dataFeedElement": [claimreview(1), claimreview(2, rating="Spicy")]}
    job = run_import(tmp_path, json.dumps(feed, indent=1), admin_user, name="feed.json")
    shown = str(importing.LineError(**job.errors[0]))
    assert shown.startswith("feed.json:45:3: reviewRating.alternateName: “Spicy” is not a known rating")
    assert Claim.objects.count() == 0


def test_the_rating_names_can_be_configured(admin_user, tmp_path, settings):
    settings.FACTCHECK_CLAIMREVIEW_RATINGS = {"Spicy": "disputed", "False": None}
    document = [claimreview(1, rating="Spicy"), claimreview(2, rating="False")]
    job = run_import(tmp_path, json.dumps(document), admin_user, name="feed.json")
    assert job.errors[0]["line"] == 1 and "“False” is not a known rating" in job.errors[0]["message"]
    imported(run_import(tmp_path, json.dumps(document[:1]), admin_user, name="feed.json"))
    assert Claim.objects.get().status == "disputed"


def test_reimporting_a_feed_with_a_new_verdict_records_one_event(admin_user, tmp_path):
    imported(run_import(tmp_path, json.dumps(claimreview(rating="Unproven")), admin_user, name="r.json"))
    job = imported(run_import(tmp_path, json.dumps(claimreview(rating="False")), admin_user, name="r.json"))
    assert (job.updated_count, job.created_count) == (1, 0)
    claim = Claim.objects.get()
    assert [(e.from_status, e.to_status) for e in claim.events.order_by("version")] == [
        (None, "unconfirmed"),
        ("unconfirmed", "false"),
    ]
    assert Evidence.objects.count() == 2  # the same review page, now refuting


@pytest.mark.parametrize("name", ["claims.csv", "claims.json", "claims.jsonl", "feed.json"])
def test_files_read_a_few_bytes_at_a_time_give_the_same_result(name, admin_user, tmp_path, monkeypatch):
    contents = {
        "claims.csv": codecs.BOM_UTF16_LE
        + csv_text(row(QUOTED, venue="public_remarks", relayed_by="B-17"), row('Multi\r\n"line".', "Zélensky")).encode(
            "utf-16-le"
        ),
        "claims.json": json.dumps([{"claim": QUOTED, "speaker": "Zélensky", "quantity_value": 12345.5}] * 1, indent=2),
        # Each object longer than a chunk, so read key by key.
        "claims.jsonl": "\n".join(
            json.dumps(record, indent=2, ensure_ascii=False)
            for record in [
                {
                    "claim": QUOTED,
                    "speaker": "Zélensky",
                    "quantity_value": 12345.5,
                    "venue": "interview",
                    "relayed_by": ["B-17", "X"],
                },
                {"claim": "Up to 8,000 troops.", "speaker": "Antony Blinken", "venue": "public_remarks"},
            ]
        ),
        "feed.json": json.dumps(FEED, indent=2, ensure_ascii=False),
    }
    monkeypatch.setattr(reading, "CHUNK_BYTES", 5)
    first = imported(run_import(tmp_path, contents[name], admin_user, name=name))
    assert first.created_count >= 1
    snapshot = sorted(Claim.objects.values_list("text", "speaker__name", "quantity_value", "status"))
    monkeypatch.setattr(reading, "CHUNK_BYTES", 1 << 20)
    assert imported(run_import(tmp_path, contents[name], admin_user, name=name)).unchanged_count == first.created_count
    assert sorted(Claim.objects.values_list("text", "speaker__name", "quantity_value", "status")) == snapshot


def test_errors_keep_their_line_and_column_when_read_a_few_bytes_at_a_time(admin_user, tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "CHUNK_BYTES", 3)
    feed = FEED | {"dataFeedElement": [claimreview(1), claimreview(2, claimReviewed="")]}
    job = run_import(tmp_path, json.dumps(feed, indent=1), admin_user, name="feed.json")
    assert (job.errors[0]["line"], job.errors[0]["column"], job.errors[0]["field"]) == (45, 3, "claimReviewed")
    job = run_import(
        tmp_path, b'[\n  {"claim": "a", "speaker": "b"},\n  {"claim": "c" "speaker": "d"}\n]', admin_user, name="c.json"
    )
    assert (job.errors[0]["line"], job.errors[0]["column"]) == (3, 17)


def json_values(text, size=None):
    """(value, line, column) of each top-level value JsonValues reads from `text` handed to it
    `size` characters at a time (all at once by default)."""
    size = size or len(text)
    return list(reading.JsonValues([text[start : start + size] for start in range(0, len(text), size)], "c.jsonl"))


LONG_RECORD = {
    "id": "k1",
    "claim": 'Up to 8,000 “troops”, she said: "{not a brace}, nor a colon:" \\ then no more.',
    "speaker": "Zélensky",
    "quantity_value": 8000,
    "relayed_by": ["Kyiv Independent", "B-17"],
    "status": None,
    "desk": {"checked": True, "by": ["Ana", {"shift": "night", "hours": -12}], "again": False},
}
LONG_TEXT = json.dumps(LONG_RECORD, indent=2, ensure_ascii=False)  # 22 lines
SHORT_RECORD = {"claim": "On one line.", "speaker": "Antony Blinken"}
READ_KEY_BY_KEY = {
    "one object": (LONG_TEXT, [(LONG_RECORD, 1, 1)]),
    "JSON Lines": (
        f"{LONG_TEXT}\n  {json.dumps(SHORT_RECORD)}\n{json.dumps(LONG_RECORD)}\n",
        [(LONG_RECORD, 1, 1), (SHORT_RECORD, 23, 3), (LONG_RECORD, 24, 1)],
    ),
}


@pytest.mark.parametrize("shape", READ_KEY_BY_KEY)
def test_objects_longer_than_a_chunk_are_read_key_by_key_as_they_are_read_whole(shape):
    """A record that does not fit in what has been read yet is read one key at a time: it must come
    out as it does read whole, starting at the same line and column, wherever the chunks are cut."""
    text, records = READ_KEY_BY_KEY[shape]
    assert json_values(text) == records
    for size in range(1, len(LONG_TEXT)):
        assert json_values(text, size) == records, f"read {size} characters at a time"


BROKEN_OBJECTS = {
    "a key without its colon": ('{"claim": "a",\n  "speaker" "b"}', "2:13: expected “:” after a property name"),
    "a comma before the closing brace": (
        '{"claim": "a",\n "speaker": "b",\n}',
        "3:1: expected a property name after “,”",
    ),
    "no closing brace": ('{"claim": "a",\n "speaker": "b"\n', "3:1: the object is never closed"),
    "no closing brace after a comma": ('{"claim": "a",\n "speaker": "b",  ', "2:19: the object is never closed"),
    "a key not in quotes": ('{"claim": "a",\n speaker: "b"}', "2:2: expected a property name in double quotes"),
    "a missing comma": ('{"claim": "a"\n "speaker": "b"}', "2:2: expected “,” or “}” in the object"),
    "a broken record after a long one": (
        f'{LONG_TEXT}\n{{"claim": "a",\n  "speaker" "b"}}',
        "24:13: expected “:” after a property name",
    ),
}


@pytest.mark.parametrize("broken", BROKEN_OBJECTS)
def test_an_error_inside_an_object_read_key_by_key_names_its_line_and_column(broken):
    """A broken object is read key by key to say where it breaks: the same place wherever the chunks are cut."""
    text, where = BROKEN_OBJECTS[broken]
    for size in range(1, len(text) + 1):
        with pytest.raises(importing.InvalidFile) as refused:
            json_values(text, size)
        assert str(refused.value.error) == f"c.jsonl:{where}", f"read {size} characters at a time"


@pytest.mark.parametrize("number", ["12345.5", "-7", "1e5", "1E+5", "2.5e-3", "0.125", "-0.5E-2"])
def test_a_number_is_read_whole_wherever_a_chunk_cuts_it(number):
    """A number's digits, point, exponent and sign may fall in two chunks: the object read key by key
    takes the number whole, as Python's json reads it, never a part of it and a stray character."""
    text = f'{{"claim": "a",\n "quantity_value": {number}, "speaker": "b"}}'
    expected = [({"claim": "a", "quantity_value": json.loads(number), "speaker": "b"}, 1, 1)]
    for size in range(1, len(text)):
        assert json_values(text, size) == expected, f"read {size} characters at a time"


def test_a_broken_number_is_refused_where_it_breaks_not_after_reading_the_rest_of_the_file():
    """A run of digits and points that is no number ("1.2.2.2…") is refused at once: the reader reads
    on only where a number was cut after its point or exponent, not to the end of a large file."""
    chunks_read = count()

    def chunks():
        yield "[1.2"
        while next(chunks_read) < 1000:
            yield ".2" * 64

    with pytest.raises(importing.InvalidFile) as refused:
        list(reading.JsonValues(chunks(), "c.json"))
    assert str(refused.value.error).startswith("c.json:1:"), refused.value.error
    assert next(chunks_read) <= 2


def test_a_number_too_long_to_read_is_refused_where_its_record_starts():
    text = '[{"claim": "a", "speaker": "b"},\n {"claim": "c", "quantity_value": ' + "9" * 5000 + "}]"
    with pytest.raises(importing.InvalidFile) as refused:
        json_values(text)
    assert str(refused.value.error) == "c.jsonl:2:2: a number too long to read"


def test_a_number_cut_by_a_chunk_after_its_decimal_point_is_read_whole(admin_user, tmp_path, monkeypatch):
    """A quantity like 12345.5 imports whatever the file's size: a chunk may end anywhere in it."""
    content = '{"claim": "Up to 12,345.5 tonnes were shipped.", "speaker": "Antony Blinken", "quantity_value": 12345.5}'
    # Text hands on its 4-byte head with the first chunk: that chunk ends just after "12345.".
    monkeypatch.setattr(reading, "CHUNK_BYTES", content.index("12345.5}") + len("12345.") - 4)
    imported(run_import(tmp_path, content, admin_user, name="claims.jsonl"))
    assert Claim.objects.get().quantity_value == Decimal("12345.5")


@pytest.mark.parametrize(
    ("filename", "head", "guessed"),
    [
        ("claims.csv", b"claim,speaker\n", "csv"),
        ("claims.txt", b"claim;speaker\n", "csv"),
        ("claims.json", b'[{"claim": "x"}]', "json"),
        ("claims.jsonl", b'{"claim": "x"}\n', "json"),
        ("feed.json", b'{"@context": "https://schema.org", "@type": "DataFeed"}', "claimreview"),
        ("upload", codecs.BOM_UTF16_LE + '[{"@type": "ClaimReview"}]'.encode("utf-16-le"), "claimreview"),
    ],
)
def test_the_format_is_guessed_from_the_name_and_the_first_bytes(filename, head, guessed):
    assert importing.guess_format(filename, head) == guessed


@pytest.mark.parametrize(
    "written",
    [
        *("2024-10-30", "2024-10-30T09:15:00+09:00", "Wed, 30 Oct 2024 09:15:00 +0900", "30 October 2024"),
        "Oct 30, 2024",
        # As spreadsheets write dates they show: Excel's and Google Sheets' 30-Oct-2024, Sheets' long date
        *("30-Oct-2024", "30-October-2024", "Wednesday, October 30, 2024"),
    ],
)
def test_dates_are_read_in_iso_rfc_2822_or_with_a_named_month(written, admin_user, tmp_path):
    review = claimreview(datePublished=written)
    review["itemReviewed"]["appearance"][0]["datePublished"] = written
    imported(run_import(tmp_path, json.dumps(review), admin_user, name="review.json"))
    assert str(Appearance.objects.get().date) == "2024-10-30"
    imported(run_import(tmp_path, csv_text(row(venue="interview", appearance_date=written)), admin_user))
    assert str(Appearance.objects.get(claim__speaker__name="Andrii Kovalenko").date) == "2024-10-30"
