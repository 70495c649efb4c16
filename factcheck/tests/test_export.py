"""Exporting claims: spreadsheet-safe CSV, ClaimReview JSON-LD, and the round trip back through the importer."""

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SQLITE_HISTORY_GUARDS
from factcheck import exporting, importing
from factcheck.exporting import FORMULA_STARTS, spreadsheet_safe, spreadsheet_value
from factcheck.models import (
    Appearance,
    ArticleRevision,
    Claim,
    ClaimLink,
    ClaimRevision,
    CorrectionCase,
    Evidence,
    ExternalReview,
    Note,
    Outlet,
    OutletClaimTally,
    OutletTally,
    OutletTotal,
    PublishedVerdict,
    Speaker,
    SpeakerTally,
    SpeakerTotal,
    StoryTally,
    StoryTotal,
    VerdictWithdrawal,
    VerificationEvent,
)
from factcheck.tests.factories import make_appearance, make_article, make_claim, make_evidence, make_speaker
from factcheck.tests.test_import import SAMPLE
from factcheck.tests.test_publishing import decide


@settings(max_examples=500)
@given(st.text())
def test_no_exported_cell_starts_a_formula_and_the_import_gets_the_value_back(value):
    cell = spreadsheet_safe(value)
    assert cell[:1] not in FORMULA_STARTS or exporting._PLAIN_NUMBER.match(cell)
    assert spreadsheet_value(cell) == value
    out = io.StringIO()
    csv.writer(out).writerow([cell, "next"])
    (read,) = csv.reader(io.StringIO(out.getvalue(), newline=""))
    assert read == [cell, "next"]


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil.example")', '\'=HYPERLINK("http://evil.example")'),
        ("+1 555 0100", "'+1 555 0100"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("-5", "-5"),
        ("-12.5", "-12.5"),
        ("'=already", "''=already"),
        ("'tis", "'tis"),
        ("Plain text", "Plain text"),
    ],
)
def test_cells_that_a_spreadsheet_would_run_get_an_apostrophe_and_numbers_stay_numbers(value, cell):
    assert spreadsheet_safe(value) == cell


def empty_the_database():
    """Delete every claim and what hangs off it, history included: a fresh database for the round trip."""
    models = [
        VerdictWithdrawal,
        PublishedVerdict,
        CorrectionCase,
        VerificationEvent.evidence.through,
        VerificationEvent,
        ClaimRevision,
        ArticleRevision,
        Note,
        ClaimLink,
        Claim,
    ]
    tables = [model._meta.db_table for model in models]
    tables += [
        "factcheck_evidence",
        "factcheck_appearance",
        "factcheck_article",
        "factcheck_speaker",
        "factcheck_outlet",
        # Last: the tally triggers write into these as the rows above go.
        *(model._meta.db_table for model in (SpeakerTally, OutletTally, OutletClaimTally, StoryTally)),
        *(model._meta.db_table for model in (SpeakerTotal, OutletTotal, StoryTotal)),
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE waits for no pending foreign-key check
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            return
        for trigger in SQLITE_HISTORY_GUARDS:
            cursor.execute(f"DROP TRIGGER {trigger}")
        for table in tables:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 our own table names
        for statement in SQLITE_HISTORY_GUARDS.values():
            cursor.execute(statement)


def varied_claims(editor):
    """The demo story (relays, quantities, unnamed sources) and claims with every status and odd text."""
    call_command("load_demo", stdout=io.StringIO())
    minister = make_speaker("Rustem Umerov", title="Minister of Defence", affiliation="Government of Ukraine")
    article = make_article(
        Outlet.objects.get(name="Kyiv Independent"), headline="Umerov: shells", url="https://ki.example/a"
    )
    article.published = date(2024, 11, 2)
    article.save()
    verified = make_claim("Ukraine received 500,000 shells.", speaker=minister, article=article, quantity_value=500000)
    briefing = {"url": "https://mod.example/briefing", "date": date(2024, 11, 1), "venue_text": "a ministry briefing"}
    make_appearance(verified, "press_conference", **briefing)
    make_evidence(verified, "supports", summary="Delivery records.")
    verified.set_status("verified", by=editor, reason="Delivery records confirm it.")
    false = make_claim("=1+1 troops crossed the border.", speaker=minister, quote="-5 degrees in Kursk")
    make_evidence(false, "refutes", url="", citation="Ministry statement, 3 November", summary="No crossing.")
    false.set_status("false", by=editor, reason="The ministry denies it.")
    disputed = make_claim("North Korean troops number -12.5 thousand.", quantity_value=Decimal("-12.5"))
    disputed.quantity_unit, disputed.quantity_qualifier = "thousand troops", "about"
    disputed.save()
    disputed.set_status("disputed", by=editor, reason="Figures disagree.")


def publish_verdicts(editor):
    """Publish the verdicts varied_claims gave (publishing asks where a claim was made: an interview, if nowhere)."""
    for claim in Claim.objects.exclude(status="unconfirmed"):
        if not claim.appearances.exists():
            make_appearance(claim, "interview", url=f"https://news.example/{claim.pk}")
        PublishedVerdict.publish(claim.events.latest("version"), by=editor)


def snapshot(claims=None, *, claimreview=False):
    """What an export promises to carry back, claim by claim (ClaimReview carries less; see the README)."""
    claims = Claim.objects.all() if claims is None else claims
    speakers = Speaker.objects.filter(pk__in=claims.values("speaker"))
    entries = []
    for claim in exporting.for_export(claims):
        chains = [
            [
                (link.venue_type, link.venue_text, link.outlet.name if link.outlet else "", link.url, link.date)
                + (() if claimreview else (link.when,))
                for link in links
            ]
            for links in claim.attribution_chains()
        ]
        entry = {"text": claim.text, "quote": claim.quote, "speaker": claim.speaker.name, "status": claim.status}
        entry["chains"] = chains
        if not claimreview:
            article = claim.article
            entry["article"] = article and (article.url, article.headline, article.outlet.name, article.published)
            entry.update(
                kind=claim.kind, quantity=(claim.quantity_value, claim.quantity_unit, claim.quantity_qualifier)
            )
        entries.append(entry)
    people = [
        (s.name, s.kind, s.title, s.affiliation) if not claimreview or s.kind == "person" else (s.name, "organization")
        for s in speakers
    ]
    return sorted(entries, key=lambda entry: (entry["speaker"], entry["text"])), sorted(people)


@pytest.mark.django_db
@pytest.mark.parametrize(("format", "filename"), [("csv", "export.csv"), ("claimreview", "export.json")])
def test_an_export_imported_into_an_empty_database_gives_back_the_same_claims(format, filename, editor, tmp_path):
    varied_claims(editor)
    publish_verdicts(editor)
    claimreview = format == "claimreview"  # only the verdicts we published: their claims come back
    before = snapshot(
        Claim.objects.filter(publications__isnull=False) if claimreview else None, claimreview=claimreview
    )
    path = tmp_path / filename
    call_command("export_claims", format=format, output=str(path), stderr=io.StringIO())
    empty_the_database()
    assert Claim.objects.count() == Speaker.objects.count() == 0
    job = importing.import_file(path, user=editor)
    assert job.state == "succeeded", job.errors
    assert job.created_count == (3 if claimreview else 21)
    assert snapshot(claimreview=claimreview) == before
    assert not ExternalReview.objects.exists()  # our own verdicts, not another checker's


@pytest.mark.django_db
def test_the_csv_export_has_the_import_columns_and_one_row_per_claim(editor):
    varied_claims(editor)
    lines = list(exporting.csv_lines(Claim.objects.order_by("id")))
    assert lines[0].startswith("\ufeffid,claim,quote,")
    rows = list(csv.DictReader(io.StringIO("".join(lines).removeprefix("\ufeff"))))
    assert list(rows[0]) == exporting.CSV_COLUMNS
    assert len(rows) == 21
    zelenskyy = next(row for row in rows if row["claim"].startswith("There are 11,000"))
    assert (zelenskyy["venue"], zelenskyy["relayed_by"], zelenskyy["quantity_value"]) == (
        "public_remarks",
        "Kyiv Independent > B-17",
        "11000",
    )
    false = next(row for row in rows if row["status"] == "false")
    assert (false["claim"], false["quote"]) == ("'=1+1 troops crossed the border.", "'-5 degrees in Kursk")
    assert (false["evidence_citation"], false["evidence_stance"]) == ("Ministry statement, 3 November", "refutes")
    assert next(row for row in rows if row["status"] == "disputed")["quantity_value"] == "-12.5"


@pytest.mark.django_db
def test_an_export_reads_a_fixed_number_of_queries_whatever_the_number_of_claims(editor, django_assert_num_queries):
    varied_claims(editor)
    with django_assert_num_queries(3):
        list(exporting.csv_lines(Claim.objects.all()))
    publish_verdicts(editor)
    with django_assert_num_queries(2):
        list(exporting.claimreview_chunks(Claim.objects.all()))
    published("One more.", editor)
    with django_assert_num_queries(2):
        list(exporting.claimreview_chunks(Claim.objects.all()))


@pytest.mark.django_db
def test_claimreview_export_has_googles_required_and_recommended_properties(editor, settings):
    settings.FACTCHECK_SITE_URL = "https://desk.example"
    settings.FACTCHECK_CLAIMREVIEW_AUTHOR = "The Standards Desk"
    varied_claims(editor)
    relayed = Claim.objects.get(text="There are 11,000 North Korean troops in the Kursk region.")
    decide(relayed, "disputed", editor)
    publish_verdicts(editor)
    document = exporting.claimreview_document(Claim.objects.all())
    assert (document["@context"], document["@type"]) == ("https://schema.org", "DataFeed")
    reviews = {element["item"]["claimReviewed"]: element["item"] for element in document["dataFeedElement"]}
    review = reviews["Ukraine received 500,000 shells."]
    claim = Claim.objects.get(text="Ukraine received 500,000 shells.")
    publication = claim.publications.get()
    assert review["url"] == f"https://desk.example/verdicts/{publication.pk}/"
    assert review["author"] == {"@type": "Organization", "name": "The Standards Desk", "url": "https://desk.example"}
    assert review["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "Verified",
        "ratingValue": 5,
        "bestRating": 5,
        "worstRating": 1,
    }
    assert review["datePublished"] == publication.at.date().isoformat()
    item = review["itemReviewed"]
    assert item["author"] == {
        "@type": "Person",
        "name": "Rustem Umerov",
        "jobTitle": "Minister of Defence",
        "affiliation": {"@type": "Organization", "name": "Government of Ukraine"},
    }
    assert item["firstAppearance"]["url"] == "https://mod.example/briefing"
    assert item["datePublished"] == "2024-11-01"
    relayed = reviews["There are 11,000 North Korean troops in the Kursk region."]["itemReviewed"]["appearance"][0]
    assert relayed["publisher"]["name"] == "B-17"
    assert relayed["isBasedOn"]["publisher"]["name"] == "Kyiv Independent"
    assert relayed["isBasedOn"]["isBasedOn"]["genre"] == "Public remarks"


@pytest.mark.django_db
def test_the_export_command_filters_by_status_and_writes_to_stdout_without_a_bom(editor, capsys):
    varied_claims(editor)
    publish_verdicts(editor)
    call_command("export_claims", status=["verified", "false"])
    out = capsys.readouterr().out
    rows = list(csv.DictReader(io.StringIO(out)))
    assert not out.startswith("\ufeff")
    assert sorted(row["status"] for row in rows) == ["false", "verified"]
    call_command("export_claims", format="claimreview", status=["disputed"])
    document = json.loads(capsys.readouterr().out)
    assert [element["item"]["reviewRating"]["alternateName"] for element in document["dataFeedElement"]] == ["Disputed"]


@pytest.mark.django_db
def test_the_claimreview_export_filters_by_the_verdict_as_published_not_the_claims_status_since(editor, capsys):
    """A verdict published "False" whose claim an editor has since marked disputed is still a False
    rating in the feed: --status false exports it, --status disputed does not."""
    publication = published("The port handled 3 million containers.", editor)
    publication.claim.set_status("disputed", by=editor, reason="New port figures came in.")

    def ratings(*statuses):
        call_command("export_claims", format="claimreview", status=list(statuses))
        feed = json.loads(capsys.readouterr().out)["dataFeedElement"]
        return [element["item"]["reviewRating"]["alternateName"] for element in feed]

    assert ratings("false") == ["False"]
    assert ratings("disputed") == []
    assert ratings("disputed", "false") == ["False"]


@pytest.mark.django_db
def test_an_export_download_streams_the_claims_as_an_attachment(editor):
    varied_claims(editor)
    response = exporting.export_response(Claim.objects.filter(status="verified"), "csv", filename="verified.csv")
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="verified.csv"'
    body = b"".join(response.streaming_content).decode()
    assert body.count("\n") == 2 and "Ukraine received 500,000 shells." in body
    publish_verdicts(editor)
    response = exporting.export_response(Claim.objects.all(), "claimreview")
    assert response["Content-Disposition"].endswith('.jsonld"')
    assert len(json.loads(b"".join(response.streaming_content))["dataFeedElement"]) == 3


@pytest.mark.django_db
def test_an_exported_csv_reimported_into_the_same_database_changes_nothing(editor, tmp_path):
    assert importing.import_file(SAMPLE, user=editor).created_count == 8
    path = tmp_path / "again.csv"
    call_command("export_claims", output=str(path), stderr=io.StringIO())
    job = importing.import_file(path, user=editor)
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 8)


@pytest.mark.django_db
def test_a_quantity_with_three_decimals_is_exported_so_that_it_reads_back_the_same(editor, tmp_path):
    """The importer refuses "2.125" in a file (2125 with a point grouping thousands, or 2.125?): the
    export writes "2.1250", which only reads one way."""
    make_claim("Prices rose 2.125 times.", quantity_value=Decimal("2.125"))
    path = tmp_path / "export.csv"
    call_command("export_claims", output=str(path), stderr=io.StringIO())
    (exported,) = csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines())
    assert exported["quantity_value"] == "2.1250"
    empty_the_database()
    job = importing.import_file(path, user=editor)
    assert job.state == "succeeded", job.errors
    assert Claim.objects.get().quantity_value == Decimal("2.125")


@pytest.mark.django_db
@pytest.mark.parametrize("columns", [exporting.CSV_COLUMNS, [c for c in exporting.CSV_COLUMNS if c != "venue_text"]])
def test_an_export_made_before_figures_had_a_fourth_decimal_reads_back_the_same(columns, editor, tmp_path):
    """Exports once wrote 2.125 (and, before venue texts, had no venue_text column): our own
    export's point is a decimal point, whatever its digits."""
    make_claim("Prices rose 2.125 times.", quantity_value=Decimal("2.125"))
    path = tmp_path / "export.csv"
    call_command("export_claims", output=str(path), stderr=io.StringIO())
    rows = [{**row, "quantity_value": "2.125"} for row in csv.DictReader(path.read_text("utf-8-sig").splitlines())]
    with path.open("w", newline="", encoding="utf-8") as old:
        writer = csv.DictWriter(old, columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    empty_the_database()
    job = importing.import_file(path, user=editor)
    assert job.state == "succeeded", job.errors
    assert Claim.objects.get().quantity_value == Decimal("2.125")


@pytest.mark.django_db
def test_the_status_reason_exported_is_the_latest_status_changes_not_an_attribution_changes(editor, tmp_path):
    """Deciding who said it after the verdict must not put that reason on the verdict of the re-imported claim."""
    claim = make_claim("Drone output doubled.")
    claim.set_status("disputed", by=editor, reason="Two ministries give other figures.")
    claim.refresh_from_db()
    claim.set_attribution("relayed", by=editor, reason="Only B-17 reports it.")
    path = tmp_path / "export.csv"
    call_command("export_claims", output=str(path), stderr=io.StringIO())
    (exported,) = csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines())
    assert (exported["status"], exported["attribution"]) == ("disputed", "relayed")
    assert exported["status_reason"] == "Two ministries give other figures."
    empty_the_database()
    job = importing.import_file(path, user=editor)
    assert Claim.objects.get().events.get().reason == (
        f"Imported from export.csv (import #{job.pk}): Two ministries give other figures."
    )


CHECKERS_FEED = {
    "@context": "https://schema.org",
    "@type": "DataFeed",
    "dataFeedElement": [
        {
            "@type": "ClaimReview",
            "datePublished": "2025-03-14",
            "url": "https://checkers.example/fact-check/crime-rate",
            "claimReviewed": "Crime in the capital is at a 30-year low.",
            "author": {"@type": "Organization", "name": "Example Checks"},
            "reviewRating": {"@type": "Rating", "alternateName": "True", "ratingValue": 6, "bestRating": 6},
            "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "Vitali Klitschko"}},
        }
    ],
}


def another_checkers_verdict(tmp_path, user):
    """A claim rated "True" only by Example Checks, imported from their ClaimReview feed."""
    path = tmp_path / "checkers.json"
    path.write_text(json.dumps(CHECKERS_FEED))
    assert importing.import_file(path, user=user).state == "succeeded"
    claim = Claim.objects.get(text__startswith="Crime in the capital")
    assert claim.status == "verified"
    return claim


@pytest.mark.django_db
def test_the_claimreview_export_never_publishes_another_checkers_verdict_as_ours(editor, tmp_path):
    imported = another_checkers_verdict(tmp_path, editor)
    ours = published("The port handled 40 million tonnes.", editor)
    document = exporting.claimreview_document(Claim.objects.all())
    reviewed = {element["item"]["claimReviewed"] for element in document["dataFeedElement"]}
    assert reviewed == {ours.claim.text}
    assert imported.text not in "".join(exporting.claimreview_chunks(Claim.objects.all()))
    # Once an editor decides it here and publishes the verdict, it is ours.
    make_appearance(imported, "public_remarks", url="https://news.example/speech")
    PublishedVerdict.publish(imported.set_status("disputed", by=editor, reason="Police figures disagree."), by=editor)
    (element,) = exporting.claimreview_document(Claim.objects.filter(pk=imported.pk))["dataFeedElement"]
    assert element["item"]["reviewRating"]["alternateName"] == "Disputed"


@pytest.mark.django_db
def test_the_admin_export_says_which_claims_it_left_out_and_why(admin_user, client, tmp_path):
    imported = another_checkers_verdict(tmp_path, admin_user)
    ours = published("Exports doubled.", admin_user).claim
    client.force_login(admin_user)
    selected = {"action": "export_claimreview", "_selected_action": [imported.pk, ours.pk]}
    response = client.post("/admin/factcheck/claim/", selected)
    document = json.loads(b"".join(response.streaming_content))
    assert [element["item"]["claimReviewed"] for element in document["dataFeedElement"]] == [ours.text]
    page = client.get("/admin/factcheck/claim/").text
    assert "1 of the 2 selected claims left out of the ClaimReview export" in page
    assert "imported from another checker" in page


@pytest.mark.django_db
def test_the_export_command_says_how_many_claims_it_left_out(editor, tmp_path):
    another_checkers_verdict(tmp_path, editor)
    published("Exports doubled.", editor)
    errors = io.StringIO()
    call_command("export_claims", format="claimreview", output=str(tmp_path / "out.jsonld"), stderr=errors)
    assert "Wrote 1 claim to" in errors.getvalue()
    assert "1 claim left out: no verdict of ours published" in errors.getvalue()


@pytest.mark.django_db
def test_the_csv_export_says_whether_each_status_is_our_verdict_or_an_imports(editor, tmp_path):
    """Another checker's rating, imported, keeps its `status` (a round trip gives it back) but is never
    passed off as our verdict: `status_source` says whose it is."""
    imported = another_checkers_verdict(tmp_path, editor)
    ours = make_claim("The port handled 40 million tonnes.")
    make_evidence(ours, "supports")
    ours.set_status("verified", by=editor, reason="Port records confirm it.")
    recorded = make_claim("Exports doubled.")
    rows = {
        row["claim"]: (row["status"], row["status_source"])
        for row in csv.DictReader("".join(exporting.csv_lines(Claim.objects.all(), bom=False)).splitlines())
    }
    assert rows == {
        imported.text: ("verified", "imported"),
        ours.text: ("verified", "ours"),
        recorded.text: ("unconfirmed", "ours"),
    }
    imported.set_status("disputed", by=editor, reason="Police figures disagree.")
    (row,) = csv.DictReader("".join(exporting.csv_lines(Claim.objects.filter(pk=imported.pk), bom=False)).splitlines())
    assert (row["status"], row["status_source"]) == ("disputed", "ours")


def published(text, editor, status="false"):
    """A claim said in an interview, with an editor's verdict published: its public page is /verdicts/<id>/."""
    claim = make_claim(text)
    make_appearance(claim, "interview", url="https://news.example/interview")
    make_evidence(claim, "refutes", summary="Port records say otherwise.")
    return PublishedVerdict.publish(decide(claim, status, editor), by=editor)


@pytest.mark.django_db
def test_every_url_of_the_claimreview_export_is_a_page_the_public_can_read(editor, client, settings):
    """A ClaimReview's url is where the public reads the verdict: the published verdict's page, never the
    desk's claim page (login only). A verdict nobody published has no such page and is left out."""
    settings.FACTCHECK_SITE_URL = "http://testserver"
    publication = published("The port handled 40 million tonnes.", editor)
    withdrawn = published("Exports doubled.", editor)
    withdrawn.withdraw(by=editor, reason="We read the wrong table.")
    decided = make_claim("Imports halved.")
    decide(decided, "disputed", editor)
    make_claim("Grain prices rose.")  # recorded, unconfirmed: no verdict at all
    document = exporting.claimreview_document(Claim.objects.all())
    reviews = [element["item"] for element in document["dataFeedElement"]]
    assert [review["url"] for review in reviews] == [f"http://testserver/verdicts/{publication.pk}/"]
    assert reviews[0]["reviewRating"]["alternateName"] == "False"
    for review in reviews:
        assert client.get(review["url"]).status_code == 200  # client: nobody signed in
    # A verdict decided since stays internal: the export is the verdict as the public reads it.
    decide(publication.claim, "disputed", editor, reason="The port's own figures disagree.")
    (element,) = exporting.claimreview_document(Claim.objects.all())["dataFeedElement"]
    assert element["item"]["reviewRating"]["alternateName"] == "False"
    assert exporting.left_out_of_claimreview(Claim.objects.all()) == 3


@pytest.mark.django_db
def test_a_claimreview_export_imported_into_the_same_database_changes_nothing(editor, tmp_path):
    publication = published("The port handled 40 million tonnes.", editor)
    claim = publication.claim
    decide(claim, "disputed", editor, reason="The port's own figures disagree.")
    Claim.objects.filter(pk=claim.pk).update(text="The port handled 41 million tonnes.")
    path = tmp_path / "ours.jsonld"
    call_command("export_claims", format="claimreview", output=str(path), stderr=io.StringIO())
    before = counts_of_everything()
    job = importing.import_file(path, user=editor)
    assert (job.state, job.unchanged_count) == ("succeeded", 1), job.errors
    assert counts_of_everything() == before
    claim.refresh_from_db()
    assert (claim.text, claim.status) == ("The port handled 41 million tonnes.", "disputed")


def counts_of_everything():
    models = [Claim, Speaker, Outlet, Appearance, Evidence, ExternalReview, VerificationEvent, ClaimRevision]
    return {model.__name__: model.objects.count() for model in models}
