"""In Chromium: an admin imports a desk's spreadsheet, mapping its columns, and chooses what to do with a duplicate."""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from factcheck import importing, tasks
from factcheck.models import Claim, ImportJob, ImportMode, ImportState
from factcheck.tests.factories import make_claim, make_speaker
from factcheck.tests.test_browser import PHONE, sign_in
from factcheck.tests.test_import_sheets import DESK_ROWS, STANDARD_SHEET, desk_sheet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def run_check(page):
    """Run the check the page's post queued, once the browser shows the job waiting for it: run before
    the post reached the server, it found nothing to check, and the reload raced the navigation."""
    expect(page.locator("#import-read")).to_be_visible()
    tasks.check_file.call(ImportJob.objects.latest("id").pk)
    page.reload()


@pytest.mark.parametrize("javascript", [True, False])
def test_an_admin_maps_the_desk_sheet_links_a_duplicate_and_imports_the_rest(
    open_page,
    demo_site,
    tmp_path,
    settings,
    javascript,
):
    settings.MEDIA_ROOT = tmp_path / "media"
    tracked = make_claim("Drone production doubled this year.", speaker=make_speaker("Ministry of Defence"))
    sheet = tmp_path / "desk.csv"
    sheet.write_bytes(desk_sheet())
    page = open_page(javascript=javascript)
    sign_in(page, demo_site, "admin")
    page.goto(f"{demo_site}/admin/factcheck/importjob/upload/")
    page.get_by_label("File").set_input_files(str(sheet))
    page.get_by_label("Encoding").select_option("windows-1252")
    page.get_by_label("Dates").select_option("day_first")
    expect(page.get_by_role("group", name="Mode").get_by_role("radio", name="All or nothing")).to_be_checked()
    page.get_by_role("button", name="Check the file").click()
    run_check(page)
    expect(page.get_by_role("group", name="Mode").get_by_role("radio", name="Skip invalid rows")).to_be_visible()

    expect(page.get_by_role("heading", name="What does each column hold?")).to_be_visible()
    columns = page.locator("#import-columns")
    expect(columns).to_contain_text("“Russia is training 11,000 North Korean soldiers”")  # read as Windows-1252
    expect(page.get_by_label("Who")).to_have_value("speaker")  # recognised, proposed
    page.get_by_label("Said what").select_option("claim")
    expect(page.get_by_label("Remember these columns")).to_be_checked()
    page.get_by_role("button", name="Check the file again").click()
    run_check(page)

    expect(page.get_by_role("heading", name="Preview: nothing is written until you confirm")).to_be_visible()
    duplicates = page.locator("#import-duplicates")
    expect(duplicates).to_contain_text("Drone production doubled this year")
    duplicates.get_by_label(f"Same claim as #{tracked.pk}", exact=True).check()
    page.get_by_role("button", name=re.compile("Confirm: import 6 rows")).click()
    expect(page.locator("#import-rows")).to_be_visible()  # confirmed: queued for the task below
    tasks.run_import.call(ImportJob.objects.latest("id").pk)
    page.reload()
    expect(page.locator("#import-message")).to_contain_text("1 row linked to tracked claims")
    job = ImportJob.objects.latest("id")
    assert job.state == ImportState.SUCCEEDED
    assert Claim.objects.filter(speaker__name="Ministry of Defence").count() == 1
    assert tracked.appearances.get().venue_type == "official_document"
    assert Claim.objects.count() == 18 + 1 + len(DESK_ROWS) - 1


def test_a_file_with_the_standard_header_is_not_offered_to_be_remembered(open_page, demo_site, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    sheet = tmp_path / "standard.csv"
    sheet.write_bytes(STANDARD_SHEET)
    page = open_page()
    sign_in(page, demo_site, "admin")
    page.goto(f"{demo_site}/admin/factcheck/importjob/upload/")
    page.get_by_label("File").set_input_files(str(sheet))
    page.get_by_role("button", name="Check the file").click()
    run_check(page)
    expect(page.get_by_role("heading", name="Preview: nothing is written until you confirm")).to_be_visible()
    expect(page.get_by_label("claim", exact=True)).to_have_value("claim")
    remember = page.get_by_label("Remember these columns")
    expect(remember).not_to_be_checked()
    # The box follows the columns as they are chosen: ticked once one is read otherwise than its name says.
    page.get_by_label("venue", exact=True).select_option("appearance_when")
    expect(remember).to_be_checked()
    page.get_by_label("venue", exact=True).select_option("venue")
    expect(remember).not_to_be_checked()
    # Until the person ticks or unticks it: then their choice stands.
    page.get_by_label("venue", exact=True).select_option("appearance_when")
    remember.uncheck()
    page.get_by_label("speaker", exact=True).select_option("")
    expect(remember).not_to_be_checked()


def test_on_a_phone_the_import_errors_fit_the_screen_and_no_error_is_cut(open_page, demo_site, tmp_path, settings):
    """At 390 px the errors table ran to 474 px, its error text cut at the screen's edge."""
    settings.MEDIA_ROOT = tmp_path / "media"
    rows = [
        "claim,speaker,appearance_date,status",
        "The new bridge will cost €2 billion.,Françoise Müller,04/13/2025,Probably wrong",
        "Wind power supplies half of Denmark's electricity.,Søren Kierkegaard-Næss,,verified",
    ]
    sheet = tmp_path / "newsroom.csv"
    sheet.write_text("\n".join(rows) + "\n", encoding="utf-8")
    job = importing.validate(
        sheet,
        filename="newsroom.csv",
        user=User.objects.get(username="admin"),
        mode=ImportMode.SKIP_INVALID,
        date_order="day_first",
    )
    assert len(job.errors) == 3
    page = open_page(viewport=PHONE)
    sign_in(page, demo_site, "admin")
    page.goto(f"{demo_site}/admin/factcheck/importjob/{job.pk}/import/")
    errors = page.locator("#import-errors")
    expect(errors).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for cell in errors.locator("td").all():
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, cell.inner_text()
        assert cell.evaluate("cell => cell.scrollWidth <= cell.clientWidth"), cell.inner_text()
