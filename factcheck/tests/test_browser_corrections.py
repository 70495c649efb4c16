"""An editor follows a turned verdict to the Corrections queue and records the outcome, in Chromium."""

import re

import pytest
from playwright.sync_api import expect

from factcheck.models import Claim, CorrectionCase
from factcheck.tests.test_browser import PHONE, fits_the_window, mark_disputed, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-javascript"])
def test_an_editor_disputes_a_claim_and_records_the_correction_published(open_page, demo_site, javascript):
    page = open_page(javascript=javascript)
    sign_in(page, demo_site, "editor")
    blinken = Claim.objects.get(span_exact__contains="up to 8,000")
    page.goto(f"{demo_site}/claims/{blinken.pk}/")
    mark_disputed(page, "Seoul's intelligence service says 11,000.")
    expect(page.locator("#claim-status")).to_have_text("Disputed")
    # The decision says where it led: the story that carried the claim now waits for an outcome.
    said = page.locator(".done, .messages").filter(has_text="Marked “Disputed”")
    expect(said).to_contain_text(
        f"The published story “{blinken.article.headline}” now waits under Corrections until an editor records "
        "whether it needs a correction."
    )
    said.get_by_role("link", name="Corrections").click()
    case = CorrectionCase.objects.get()
    expect(page).to_have_url(f"{demo_site}/corrections/?case={case.pk}")
    row = page.locator(".case-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(blinken.article.headline)
    expect(row).to_contain_text("Disputed")
    expect(page.locator('.count[data-state="open"]')).to_have_text("1")

    # Half a form first: refused, saying what is missing, and what was typed is kept.
    row.get_by_label("Correction published").check()
    row.get_by_label("Correction as published").fill("An earlier version gave 8,000 as settled.")
    row.get_by_role("button", name="Record the outcome").click()
    row = page.locator(".case-row")
    expect(row.get_by_role("alert")).to_have_text(
        "Say where the correction ran: its URL, or where it ran without one (in print, on air)."
    )
    expect(row.get_by_label("Correction as published")).to_have_value("An earlier version gave 8,000 as settled.")

    row.get_by_label("Correction URL").fill("https://b17.example/corrections/1")
    row.get_by_role("button", name="Record the outcome").click()
    if javascript:
        expect(page.locator(".case-row .done")).to_contain_text("Recorded: correction published")
        expect(page.locator(".case-row .outcome")).to_contain_text("An earlier version gave 8,000 as settled.")
    else:
        expect(page.locator("#messages")).to_contain_text("Recorded: correction published")
        expect(page.get_by_text("No story is waiting for a correction.")).to_be_visible()
    case = CorrectionCase.objects.get()
    assert (case.outcome, case.decided_by.username) == ("published", "editor")

    page.goto(f"{demo_site}/articles/{blinken.article_id}/")
    corrections = page.locator("#corrections")
    expect(corrections).to_contain_text("Correction published")
    expect(corrections).to_contain_text("An earlier version gave 8,000 as settled.")
    expect(corrections.get_by_role("link", name=re.compile("The correction as published"))).to_have_attribute(
        "href", "https://b17.example/corrections/1"
    )


def test_a_correction_read_on_air_is_recorded_with_no_url_and_the_tabs_count_again(open_page, demo_site):
    blinken = Claim.objects.get(span_exact__contains="up to 8,000")
    blinken.set_status("disputed", by=blinken.events.get().by, reason="Seoul says 11,000.")
    page = open_page()
    sign_in(page, demo_site, "editor")
    page.goto(f"{demo_site}/corrections/")
    tabs = page.get_by_role("navigation", name="Cases by outcome")
    expect(tabs.locator('.count[data-state="open"]')).to_have_text("1")
    expect(tabs.locator('.count[data-state="published"]')).to_have_text("0")
    expect(tabs.locator('.count[data-state="all"]')).to_have_text("1")
    row = page.locator(".case-row")
    row.get_by_label("Correction published").check()
    row.get_by_label("Where it ran").fill("On air, 6 pm bulletin")
    row.get_by_label("Correction as published").fill("We said 8,000 troops as if settled; Seoul says 11,000.")
    row.get_by_role("button", name="Record the outcome").click()
    expect(page.locator(".case-row .done")).to_contain_text("Recorded: correction published")
    expect(page.locator(".case-row .outcome")).to_contain_text("Where it ran: On air, 6 pm bulletin")
    expect(page.locator(".case-row .outcome").get_by_role("link")).to_have_count(0)
    expect(tabs.locator('.count[data-state="open"]')).to_have_text("0")
    expect(tabs.locator('.count[data-state="published"]')).to_have_text("1")
    expect(tabs.get_by_role("link", name=re.compile("Awaiting an outcome"))).to_have_attribute("aria-current", "page")
    case = CorrectionCase.objects.get()
    assert (case.outcome, case.correction_url, case.correction_placement) == ("published", "", "On air, 6 pm bulletin")


def test_a_reviewer_reads_the_queue_without_the_form(open_page, demo_site):
    blinken = Claim.objects.get(span_exact__contains="up to 8,000")
    editor = blinken.events.get().by
    blinken.set_status("disputed", by=editor, reason="Seoul says 11,000.")
    page = open_page()
    sign_in(page, demo_site, "reviewer")
    page.goto(f"{demo_site}/corrections/")
    expect(page.locator(".case-row")).to_contain_text(blinken.article.headline)
    expect(page.get_by_role("button", name="Record the outcome")).to_have_count(0)


def test_on_a_phone_every_tab_of_the_corrections_queue_is_on_the_screen(open_page, demo_site):
    """At 390 px the tabs ran on one line past the screen's edge, "Correction published" cut off, with
    nothing to say they scrolled: they wrap."""
    page = open_page(viewport=PHONE)
    sign_in(page, demo_site, "reviewer")
    page.goto(f"{demo_site}/corrections/")
    tabs = page.get_by_role("navigation", name="Cases by outcome").get_by_role("link")
    expect(tabs).to_have_count(4)
    for tab in tabs.all():
        expect(tab).to_be_in_viewport(ratio=1)
    assert fits_the_window(page)
