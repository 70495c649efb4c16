"""Spreadsheets as desks keep them: semicolons, Windows-1252, their own headers and day-first dates.

The columns are mapped once in the admin's preview and remembered for the next file with the
same header; the upload form and `import_claims` take the encoding and the date order.
"""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.template.defaultfilters import capfirst
from django.utils.html import escape

from factcheck import importing
from factcheck.models import Appearance, Claim, ColumnMapping, ImportJob, ImportMode, ImportState, Venue
from factcheck.tests.test_admin_import import html, job_url, uploaded_job
from factcheck.tests.test_import import write_file

pytestmark = pytest.mark.django_db


# A desk's tracking sheet as Excel on Windows saves it ("CSV", not "CSV UTF-8"): semicolons,
# Windows-1252 (curly quotes, accents, a euro sign), its own headers, dates day first.
DESK_HEADER = "Date;Who;Said what;Where said;Platform;Verdict;Checked by"
DESK_ROWS = [
    "31/10/2024;Andrii Kovalenko;“Russia is training 11,000 North Korean soldiers”;Statement to us;;Unconfirmed;Léa",
    "01/11/2024;Volodymyr Zelenskyy;The troops will be at the front within days;Tweet;X;Unconfirmed;Léa",
    "02/11/2024;Ministry of Defence;Drone production doubled this year;Press release;;Unconfirmed;José",
    "03/11/2024;Experts;Costs rose by €2bn;Interview;Kyiv Independent;Unconfirmed;José",
    "04/11/2024;Andrii Kovalenko;Pyongyang’s soldiers are in Kursk;Statement to us;;Unconfirmed;Zoë",
    "12/11/2024;Olena Shevchuk;Energy imports fell 30% since spring;Speech;;Unconfirmed;Zoë",
]
DESK_FIELDS = ["appearance_date", "speaker", "claim", "venue", "outlet", "status", ""]


def desk_sheet(rows=DESK_ROWS, header=DESK_HEADER):
    return ("\r\n".join([header, *rows]) + "\r\n").encode("cp1252")


def mapping_data(fields, **reading):
    data = {f"column_{number}": field for number, field in enumerate(fields, 1)}
    return {"encoding": "windows-1252", "date_order": "day_first", "remember": "on", **data, **reading}


def test_a_header_nobody_mapped_stops_at_the_header_and_asks_what_each_column_holds(importer_client, tasks_run_inline):
    job = uploaded_job(importer_client, desk_sheet(), "desk.csv", encoding="windows-1252", date_order="day_first")
    job.refresh_from_db()
    assert job.state == ImportState.INVALID
    columns = job.summary["columns_read"]
    assert columns["needed"] and columns["header"][:3] == ["Date", "Who", "Said what"]
    # Recognised names are proposed; the rest is the admin's to say.
    assert columns["fields"][:4] == ["appearance_date", "speaker", "", "venue"]
    assert columns["samples"][0][2] == "“Russia is training 11,000 North Korean soldiers”"
    page = html(importer_client.get(job_url("import", job)))
    assert "What does each column hold?" in page and 'id="import-columns"' in page
    assert "Pyongyang’s soldiers are in Kursk" not in page  # only the first rows are shown
    assert "Statement to us" in page


def test_the_desk_sheet_imports_whole_after_mapping_and_the_mapping_is_remembered(importer_client, tasks_run_inline):
    job = uploaded_job(importer_client, desk_sheet(), "desk.csv", encoding="windows-1252", date_order="day_first")
    response = importer_client.post(job_url("recheck", job), mapping_data(DESK_FIELDS))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == ImportState.VALIDATED, job.errors
    assert (job.total_rows, job.created_count, job.rejected_count) == (6, 6, 0)
    assert job.summary["ignored_columns"] == ["Checked by"]
    importer_client.post(job_url("confirm", job))
    job.refresh_from_db()
    assert job.state == ImportState.SUCCEEDED, job.message
    assert Claim.objects.count() == 6
    first = Claim.objects.get(speaker__name="Andrii Kovalenko", text__startswith="“Russia")
    assert first.text == "“Russia is training 11,000 North Korean soldiers”"
    origin = first.appearances.get()
    assert (origin.venue_type, origin.date.isoformat()) == (Venue.STATEMENT_TO_OUTLET, "2024-10-31")
    venues = dict(Appearance.objects.values_list("claim__speaker__name", "venue_type"))
    assert venues["Volodymyr Zelenskyy"] == Venue.SOCIAL_MEDIA_POST
    assert venues["Ministry of Defence"] == Venue.OFFICIAL_DOCUMENT
    assert venues["Olena Shevchuk"] == Venue.PUBLIC_REMARKS
    assert Claim.objects.filter(text="Costs rose by €2bn").exists()

    # The next file with this header (spelt with other case and spacing) is read the same way, at once.
    assert ColumnMapping.objects.get().fields == DESK_FIELDS
    again = desk_sheet(
        ["13/11/2024;Andrii Kovalenko;A new claim;Statement to us;;Unconfirmed;Léa"],
        header="date; WHO ;Said  what;Where said;Platform;Verdict;Checked by",
    )
    second = uploaded_job(importer_client, again, "desk2.csv", encoding="windows-1252", date_order="day_first")
    second.refresh_from_db()
    assert second.state == ImportState.VALIDATED, second.errors
    assert second.summary["columns_read"]["mapped"] is True
    assert second.created_count == 1


def test_a_bad_row_of_the_desk_sheet_is_refused_with_its_line_and_column(importer_client, tasks_run_inline):
    rows = [*DESK_ROWS[:3], "31/13/2024;Experts;Costs rose;Interview;;Unconfirmed;José", *DESK_ROWS[4:]]
    job = uploaded_job(importer_client, desk_sheet(rows), "desk.csv", encoding="windows-1252", date_order="day_first")
    importer_client.post(job_url("recheck", job), mapping_data(DESK_FIELDS))
    job.refresh_from_db()
    assert job.state == ImportState.INVALID
    (error,) = job.errors
    assert (error["line"], error["column"], error["field"]) == (5, 1, "appearance_date")
    assert "31/13/2024" in error["message"] and "day first" in error["message"]
    assert not Claim.objects.exists()


def test_the_mapping_needs_claim_and_speaker_once_each(importer_client, tasks_run_inline):
    job = uploaded_job(importer_client, desk_sheet(), "desk.csv", encoding="windows-1252", date_order="day_first")
    fields = ["appearance_date", "speaker", "speaker", "venue", "outlet", "status", ""]
    response = importer_client.post(job_url("recheck", job), mapping_data(fields))
    assert response.status_code == 400
    assert "Columns 2 and 3 are both read as “speaker”" in html(response)
    response = importer_client.post(job_url("recheck", job), mapping_data(["", "speaker", "", "", "", "", ""]))
    assert "Say which column holds the claim." in html(response)
    assert not ColumnMapping.objects.exists()


@pytest.mark.parametrize(
    ("order", "written", "expected"),
    [
        ("day_first", "31/10/2024", "2024-10-31"),
        ("day_first", "05/11/2024", "2024-11-05"),
        ("month_first", "10/31/2024", "2024-10-31"),
        ("month_first", "05/11/2024", "2024-05-11"),
        ("day_first", "5.11.2024 00:00", "2024-11-05"),
        ("", "2024-11-05", "2024-11-05"),
        ("month_first", "5 November 2024", "2024-11-05"),
    ],
)
def test_dates_follow_the_chosen_order(admin_user, tmp_path, order, written, expected):
    content = f"claim,speaker,venue,appearance_date\nA claim.,Andrii Kovalenko,interview,{written}\n"
    job = importing.import_file(write_file(tmp_path, content), user=admin_user, date_order=order)
    assert job.state == ImportState.SUCCEEDED, job.errors
    assert Appearance.objects.get().date.isoformat() == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("13/04/2024", "2024-04-13"),
        ("04/13/2024", "2024-04-13"),
        ("31.12.2024 00:00", "2024-12-31"),
        ("05/05/2024", "2024-05-05"),
    ],
)
def test_without_a_date_order_a_date_that_reads_one_way_only_is_taken(admin_user, tmp_path, written, expected):
    content = f"claim,speaker,venue,appearance_date\nA claim.,Andrii Kovalenko,interview,{written}\n"
    job = importing.import_file(write_file(tmp_path, content), user=admin_user, date_order="")
    assert job.state == ImportState.SUCCEEDED, job.errors
    assert Appearance.objects.get().date.isoformat() == expected


@pytest.mark.parametrize(
    ("order", "written", "message"),
    [
        ("", "05/11/2024", "could be day first or month first"),
        ("", "31/02/2024", "no such day (no day 31 in month 2, nor day 2 in month 31)"),
        ("", "13/13/2024", "no such day"),
        # "there is no day 4 in month 13" said of 04/13/2025 read day first: the month is what is wrong.
        (
            "day_first",
            "10/31/2024",
            "not a date written day first (DD/MM/YYYY): there is no month 31 (the file's dates are read day first: "
            "was this one month first?)",
        ),
        (
            "month_first",
            "31/10/2024",
            "not a date written month first (MM/DD/YYYY): there is no month 31 (the file's dates are read month "
            "first: was this one day first?)",
        ),
        ("day_first", "31/02/2024", "not a date written day first (DD/MM/YYYY): there is no day 31 in month 2"),
    ],
)
def test_a_date_impossible_in_the_chosen_order_is_an_error_at_its_line_and_column(
    admin_user, tmp_path, order, written, message
):
    content = (
        "claim,speaker,venue,appearance_date\nFirst.,Someone,interview,2024-01-01\n"
        f"A claim.,Someone,interview,{written}\n"
    )
    job = importing.import_file(write_file(tmp_path, content), user=admin_user, date_order=order)
    assert job.state == ImportState.INVALID
    (error,) = job.errors
    assert (error["line"], error["column"], error["field"]) == (3, 4, "appearance_date")
    assert message in error["message"]


@pytest.mark.parametrize(
    ("encoding", "python_codec"), [("utf-8", "utf-8"), ("windows-1252", "cp1252"), ("latin-1", "latin-1")]
)
def test_the_three_encodings_are_read_as_told(admin_user, tmp_path, encoding, python_codec):
    text = "Zoë Müller said ‘prices’ rose" if encoding != "latin-1" else "Zoë Müller said prices rose by £5 (ç, ß, ø)"
    content = f"claim;speaker\n{text};José Núñez\n".encode(python_codec)
    job = importing.import_file(write_file(tmp_path, content), user=admin_user, encoding=encoding)
    assert job.state == ImportState.SUCCEEDED, job.errors
    claim = Claim.objects.select_related("speaker").get()
    assert (claim.text, claim.speaker.name) == (text, "José Núñez")


def test_windows_1252_read_as_utf_8_says_where_and_what_to_choose(admin_user, tmp_path):
    content = "claim;speaker\nFine.;Someone\n“Curly”;Someone\n".encode("cp1252")
    job = importing.import_file(write_file(tmp_path, content), user=admin_user)
    (error,) = job.errors
    assert (error["line"], error["column"]) == (3, 1)
    assert "Windows-1252" in error["message"]


def test_a_tab_separated_file_with_quoted_commas_in_its_header_is_read(admin_user, tmp_path):
    content = '"Claim, as said"\tspeaker\tvenue\nPrices rose, a lot.\tSomeone\tA tweet\n'
    path = write_file(tmp_path, content)
    ColumnMapping.objects.remember(["Claim, as said", "speaker", "venue"], ["claim", "speaker", "venue"], by=admin_user)
    job = importing.import_file(path, user=admin_user)
    assert job.state == ImportState.SUCCEEDED, job.errors
    assert Claim.objects.get().text == "Prices rose, a lot."
    assert Appearance.objects.get().venue_type == Venue.SOCIAL_MEDIA_POST


@pytest.mark.parametrize(
    ("label", "venue"),
    [
        ("Statement to us", Venue.STATEMENT_TO_OUTLET),
        ("a tweet", Venue.SOCIAL_MEDIA_POST),
        ("Tweet", Venue.SOCIAL_MEDIA_POST),
        ("Press release", Venue.OFFICIAL_DOCUMENT),
        ("a press release", Venue.OFFICIAL_DOCUMENT),
        ("Facebook post", Venue.SOCIAL_MEDIA_POST),
        ("Press briefing", Venue.PRESS_CONFERENCE),
        ("TV ad", Venue.ADVERTISEMENT),
        ("the speech", Venue.PUBLIC_REMARKS),
        ("Interview", Venue.INTERVIEW),
    ],
)
def test_venue_labels_accept_common_synonyms(admin_user, tmp_path, label, venue):
    job = importing.import_file(
        write_file(tmp_path, f"claim,speaker,where said\nA claim.,Someone,{label}\n"), user=admin_user
    )
    assert job.state == ImportState.SUCCEEDED, job.errors
    assert Appearance.objects.get().venue_type == venue


@pytest.mark.parametrize(
    ("label", "status"),
    [("Open", "unconfirmed"), ("True", "verified"), ("Misleading", "disputed"), ("Pending", "unconfirmed")],
)
def test_status_labels_accept_common_synonyms(admin_user, tmp_path, label, status):
    content = (
        f"statement,who,verdict,evidence_url,evidence_summary\nA claim.,Someone,{label},https://example.org/a,Seen.\n"
    )
    job = importing.import_file(write_file(tmp_path, content), user=admin_user)
    assert job.state == ImportState.SUCCEEDED, job.errors
    assert Claim.objects.get().status == status


@pytest.mark.parametrize(
    ("label", "status"),
    [
        ("Mostly true", "disputed"),
        ("Mostly false", "disputed"),
        ("Pants on fire", "false"),
        ("Unproven", "unconfirmed"),
    ],
)
@pytest.mark.parametrize("name", ["claims.csv", "claims.jsonl"])
def test_a_status_column_reads_a_rating_as_a_claimreview_does(admin_user, tmp_path, label, status, name):
    record = {"claim": "A claim.", "speaker": "Someone", "status": label, "evidence_url": "https://example.org/a"}
    record["evidence_summary"] = "Seen."
    record["status_reason"] = "Two sources disagree."
    content = json.dumps(record) if name.endswith("jsonl") else f"{','.join(record)}\n{','.join(record.values())}\n"
    job = importing.import_file(write_file(tmp_path, content, name), user=admin_user)
    assert job.state == ImportState.SUCCEEDED, job.errors
    claim = Claim.objects.get()
    assert claim.status == status
    # The file's own word for it stays in the history, beside the status it gave.
    assert claim.events.get().reason == (
        f"Imported from {name} (import #{job.pk}): The file said “{label}”. Two sources disagree."
    )


@pytest.mark.parametrize("label", ["disputed", "Disputed", ""])
def test_a_status_written_as_ours_adds_no_words_to_the_reason(admin_user, tmp_path, label):
    content = f"claim,speaker,status,status_reason\nA claim.,Someone,{label},Two sources disagree.\n"
    job = importing.import_file(write_file(tmp_path, content), user=admin_user)
    assert (
        Claim.objects.get().events.get().reason == f"Imported from claims.csv (import #{job.pk}): Two sources disagree."
    )


def test_an_unknown_status_is_refused_naming_what_can_be_written_labels_included(admin_user, tmp_path):
    content = "claim,speaker,status\nA claim.,Someone,Probably\n"
    job = importing.import_file(write_file(tmp_path, content), user=admin_user)
    assert job.state == ImportState.INVALID
    (error,) = job.errors
    assert (error["line"], error["column"], error["field"]) == (2, 3, "status")
    assert error["message"] == (
        "“Probably” is not one of: unconfirmed (Unable to independently confirm), verified, disputed, false"
    )


def test_the_command_takes_the_encoding_and_the_date_order(admin_user, tmp_path):
    ColumnMapping.objects.remember(DESK_HEADER.split(";"), DESK_FIELDS, by=admin_user)
    path = write_file(tmp_path, desk_sheet(), "desk.csv")
    with pytest.raises(CommandError):
        call_command("import_claims", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    out = io.StringIO()
    call_command(
        "import_claims", str(path), encoding="windows-1252", date_order="day-first", stdout=out, stderr=io.StringIO()
    )
    assert "6 claims were created" in out.getvalue()
    assert ImportJob.objects.latest("id").date_order == "day_first"


def test_the_command_says_how_to_map_a_header_it_does_not_know(admin_user, tmp_path):
    path = write_file(tmp_path, desk_sheet(), "desk.csv")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_claims", str(path), encoding="windows-1252", stdout=io.StringIO(), stderr=err)
    assert "desk.csv:1:1: the header has no claim column" in err.getvalue()


def test_two_columns_read_as_one_field_must_be_mapped_and_unknown_columns_may_repeat(admin_user, tmp_path):
    header = "Notes;Who;Date;Date said;Statement;Notes"
    path = write_file(tmp_path, f"{header}\nx;Someone;2024-01-02;2024-01-03;A claim.;y\n")
    job = importing.import_file(path, user=admin_user)
    assert job.state == ImportState.INVALID
    (error,) = job.errors
    assert (error["line"], error["column"]) == (1, 4)
    assert "“Date said” appears twice (also column 3)" in error["message"]

    ColumnMapping.objects.remember(header.split(";"), ["", "speaker", "", "", "claim", ""], by=admin_user)
    job = importing.import_file(path, user=admin_user)
    assert job.state == ImportState.SUCCEEDED, job.errors
    assert job.summary["ignored_columns"] == ["Notes", "Date", "Date said", "Notes"]


STANDARD_SHEET = b"claim,speaker,venue\nThe bridge reopens in May.,Mira Dobos,interview\n"


def remember_box(page):
    """The "Remember these columns" checkbox as the preview draws it."""
    return next(tag for tag in page.split("<input") if 'name="remember"' in tag).split(">")[0]


def test_a_file_whose_header_is_all_standard_names_offers_not_to_remember_and_saves_no_mapping(
    importer_client, tasks_run_inline
):
    job = uploaded_job(importer_client, STANDARD_SHEET, "standard.csv")
    job.refresh_from_db()
    assert job.state == ImportState.VALIDATED, job.errors
    assert "checked" not in remember_box(html(importer_client.get(job_url("import", job))))
    # Ticked anyway, the columns the header names alone are no mapping to remember.
    response = importer_client.post(job_url("recheck", job), mapping_data(["claim", "speaker", "venue"], encoding=""))
    assert response.status_code == 302
    assert not ColumnMapping.objects.exists()


def test_the_box_is_ticked_when_the_columns_are_read_otherwise_than_the_header_names_them(
    importer_client, admin_user, tasks_run_inline
):
    asked = uploaded_job(importer_client, desk_sheet(), "desk.csv", encoding="windows-1252", date_order="day_first")
    assert "checked" in remember_box(html(importer_client.get(job_url("import", asked))))
    # A standard header someone once mapped otherwise: read as remembered, and offered to remember again.
    ColumnMapping.objects.remember(["claim", "speaker", "venue"], ["claim", "speaker", ""], by=admin_user)
    remembered = uploaded_job(importer_client, STANDARD_SHEET, "standard.csv")
    assert "checked" in remember_box(html(importer_client.get(job_url("import", remembered))))


def test_mapping_a_remembered_header_back_to_its_standard_names_forgets_the_mapping(
    importer_client, admin_user, tasks_run_inline
):
    ColumnMapping.objects.remember(["claim", "speaker", "venue"], ["claim", "speaker", ""], by=admin_user)
    job = uploaded_job(importer_client, STANDARD_SHEET, "standard.csv")
    importer_client.post(job_url("recheck", job), mapping_data(["claim", "speaker", "venue"], encoding=""))
    assert not ColumnMapping.objects.exists()
    job.refresh_from_db()
    assert job.state == ImportState.VALIDATED, job.errors


def test_columns_chosen_for_this_file_and_not_remembered_are_not_said_to_be_mapped_before(
    importer_client, admin_user, tasks_run_inline
):
    """Checked again with "Remember these columns" unticked, the preview said "The columns were read as mapped
    before for a file with this header" while no mapping was saved."""
    asked = uploaded_job(importer_client, desk_sheet(), "desk.csv", encoding="windows-1252", date_order="day_first")
    data = mapping_data(DESK_FIELDS)
    del data["remember"]
    importer_client.post(job_url("recheck", asked), data)
    assert not ColumnMapping.objects.exists()
    page = html(importer_client.get(job_url("import", asked)))
    assert "mapped before" not in page
    assert "The columns are read as chosen below, for this file only (not remembered)." in page
    # A remembered mapping is said to be one, and where it is listed.
    ColumnMapping.objects.remember(DESK_HEADER.split(";"), DESK_FIELDS, by=admin_user)
    again = uploaded_job(importer_client, desk_sheet(), "desk.csv", encoding="windows-1252", date_order="day_first")
    page = html(importer_client.get(job_url("import", again)))
    assert "The columns were read as mapped before for a file with this header (see Column mappings)." in page


def test_the_admin_page_asks_for_the_columns_as_itself_and_the_command_points_to_the_admin(
    importer_client, tasks_run_inline, tmp_path
):
    """The admin's page said "(the admin's import page asks, and remembers it …)", as if from elsewhere."""
    job = uploaded_job(importer_client, desk_sheet(), "desk.csv", encoding="windows-1252", date_order="day_first")
    page = html(importer_client.get(job_url("import", job)))
    assert "the admin's import page" not in page
    assert (
        "the header has no claim column: say what each column holds, or name the columns as docs/importing.md" in page
    )
    path = tmp_path / "desk.csv"
    path.write_bytes(desk_sheet())
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_claims", str(path), "--encoding", "windows-1252", stderr=err)
    assert (
        "The admin's import page asks what each column holds and remembers it for files with this header"
        in err.getvalue()
    )


# Rows from two desks: some dates can only be day first, others only month first, one could be either.
MIXED_ORDERS = (
    "claim,speaker,venue,appearance_date\n"
    "First.,Someone,interview,25/03/2026\n"
    "Second.,Someone,interview,03/25/2026\n"
    "Third.,Someone,interview,05/04/2026\n"
    "Fourth.,Someone,interview,2026-03-01\n"
    "Fifth.,Someone,interview,26/03/2026\n"
)
BOTH_WAYS = (
    "the file's dates are written both ways: lines 2, 6 (25/03/2026) can only be day first, line 3 (03/25/2026) "
    "only month first; line 4 (05/04/2026) could be either: no date order can decide it, so it is not imported: "
    "write it YYYY-MM-DD"
)


def test_a_file_mixing_the_date_orders_says_so_and_imports_no_date_that_could_be_either(admin_user, client, tmp_path):
    job = importing.validate(
        write_file(tmp_path, MIXED_ORDERS), filename="claims.csv", user=admin_user, mode=ImportMode.SKIP_INVALID
    )
    assert (job.state, job.created_count, job.rejected_count) == (ImportState.VALIDATED, 4, 1)
    assert job.summary["mixed_dates"] == BOTH_WAYS
    assert "The file's dates are written both ways" in job.message
    assert [error["line"] for error in job.errors] == [4]
    client.force_login(admin_user)
    assert escape(capfirst(BOTH_WAYS)) in client.get(job_url("import", job)).text
    job = importing.apply(job)
    assert job.state == ImportState.SUCCEEDED
    dates = dict(Appearance.objects.values_list("claim__text", "date"))
    assert {text: day.isoformat() for text, day in dates.items()} == {
        "First.": "2026-03-25",
        "Second.": "2026-03-25",
        "Fourth.": "2026-03-01",
        "Fifth.": "2026-03-26",
    }


@pytest.mark.parametrize("order", ["day_first", "month_first"])
def test_a_date_order_chosen_for_a_file_mixing_them_guesses_no_date(admin_user, tmp_path, order):
    """Read in either order, line 4 would be a guess: the file is refused, whatever skipping is asked."""
    path = write_file(tmp_path, MIXED_ORDERS)
    assert importing.import_file(path, user=admin_user, date_order=order).state == ImportState.INVALID
    job = importing.import_file(path, user=admin_user, date_order=order, mode=ImportMode.SKIP_INVALID)
    assert job.state == ImportState.INVALID
    (error,) = job.errors
    assert (error["line"], error["column"], error["field"]) == (4, 4, "appearance_date")
    assert error["message"].startswith(BOTH_WAYS)
    assert not Claim.objects.exists()
    job = importing.validate(path, filename="claims.csv", user=admin_user, date_order=order)
    assert job.state == ImportState.INVALID and job.errors[0]["line"] == 4


def test_a_file_in_one_order_says_nothing_of_mixing(admin_user, tmp_path):
    content = "claim,speaker,venue,appearance_date\nFirst.,Someone,interview,25/03/2026\n"
    content += "Second.,Someone,interview,05/04/2026\n"
    job = importing.import_file(write_file(tmp_path, content), user=admin_user, date_order="day_first")
    assert job.state == ImportState.SUCCEEDED, job.errors
    assert not job.summary["mixed_dates"] and "both ways" not in job.message
    assert Appearance.objects.get(claim__text="Second.").date.isoformat() == "2026-04-05"
