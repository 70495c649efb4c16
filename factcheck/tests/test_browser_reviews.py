"""An admin imports a fact-checker's ClaimReview feed: the preview's rating mapping, changed before
confirming, then the other checkers' ratings on the claim and speaker pages (issue 12, item 1)."""

import re

import pytest
from playwright.sync_api import expect

from factcheck import tasks
from factcheck.models import Claim, ImportJob, Speaker
from factcheck.tests.test_browser import sign_in
from factcheck.tests.test_import_reviews import feed, several_publishers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-javascript"])
def test_an_admin_changes_the_rating_mapping_before_confirming_and_sees_the_ratings_kept(
    open_page,
    demo_site,
    javascript,
    tmp_path,
):
    path = tmp_path / "politifact.json"
    path.write_text(feed(*several_publishers()), encoding="utf-8")
    page = open_page(javascript=javascript)
    sign_in(page, demo_site, "admin")
    page.goto(f"{demo_site}/admin/factcheck/importjob/upload/")
    page.get_by_label("File").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#import-read")).to_be_visible()  # the post reached the server: a job to check
    tasks.check_file.call(ImportJob.objects.get().pk)
    if not javascript:  # nothing polls: the admin reloads
        page.reload()
    expect(page.get_by_role("heading", name="Preview: nothing is written until you confirm")).to_be_visible()

    ratings = page.locator("#import-ratings")
    expect(ratings.locator("tr", has_text="Half True")).to_contain_text("PolitiFact")
    expect(ratings.locator("tr", has_text="Half True")).to_contain_text("2")
    expect(ratings.locator("tr", has_text="Mostly True")).to_contain_text("Disputed")
    page.get_by_label("Mostly True", exact=True).select_option("verified")
    page.get_by_role("button", name="Save the mapping").click()
    expect(page.locator(".messagelist")).to_contain_text("Mostly True → verified")
    expect(page.locator("#import-ratings tr", has_text="Mostly True")).to_contain_text("Verified (your choice)")

    page.get_by_role("button", name=re.compile("Confirm: import")).click()
    expect(page.locator("#import-rows")).to_be_visible()  # confirmed: queued for the task below
    tasks.run_import.call(ImportJob.objects.get().pk)
    claim = Claim.objects.get(external_reviews__label="Mostly True")
    assert claim.status == "verified"

    page = open_page(javascript=javascript)  # a reviewer's own browser
    sign_in(page, demo_site, "reviewer")
    page.goto(f"{demo_site}{claim.get_absolute_url()}")
    reviews = page.locator("#external-reviews")
    expect(reviews).to_contain_text("PolitiFact: Mostly True")
    expect(reviews).to_contain_text("(5 on 1 .. 6)")
    expect(reviews.get_by_role("link", name="their review")).to_have_attribute(
        "href", "https://www.politifact.example/checks/2/"
    )
    page.goto(f"{demo_site}{Speaker.objects.get(name='Barack Obama').get_absolute_url()}")
    expect(page.locator("#external-ratings tr", has_text="Half True")).to_contain_text("2")
