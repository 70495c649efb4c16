"""An editor assigns a claim on its page; the assignee sees it in My work and in the header's unread count."""

import pytest
from playwright.sync_api import expect

from factcheck.models import Assignment, Claim
from factcheck.tests.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-javascript"])
def test_an_editor_assigns_a_claim_and_the_assignee_finds_it_in_my_work(open_page, demo_site, javascript):
    claim = Claim.objects.get(span_exact__contains="Lancet")
    editor = open_page(javascript=javascript)
    sign_in(editor, demo_site, "editor")
    editor.goto(f"{demo_site}/claims/{claim.pk}/")
    panel = editor.locator("#assignees")
    expect(panel).to_contain_text("No one yet.")
    panel.get_by_label("Assign to").fill("nobody")
    panel.get_by_role("button", name="Assign", exact=True).click()
    expect(editor.locator("#assignees")).to_contain_text("No one who may read claims is called “nobody”.")
    editor.locator("#assignees").get_by_label("Assign to").fill("reviewer")
    editor.locator("#assignees").get_by_role("button", name="Assign", exact=True).click()
    expect(editor.locator("#assignees .assignees")).to_contain_text("Marek Nowak by Olena Koval")
    expect(editor.locator("body")).to_contain_text("Assigned to Marek Nowak.")
    assert Assignment.objects.get().claim_id == claim.pk

    reviewer = open_page(javascript=javascript)
    sign_in(reviewer, demo_site, "reviewer")
    expect(reviewer.locator("#unread-count")).to_have_text("1")
    reviewer.get_by_role("link", name="My work").click()
    expect(reviewer.locator("#work-claims")).to_contain_text(claim.text)
    expect(reviewer.locator("#work-claims")).to_contain_text("assigned by Olena Koval")
    reviewer.locator("#notifications-link").click()
    expect(reviewer.locator(".notifications-list")).to_contain_text("Olena Koval assigned you")
    expect(reviewer.locator("#unread-count")).to_have_count(0)
    reviewer.locator(".notifications-list").get_by_role("link", name=f"claim {claim.pk}").click()
    expect(reviewer.locator("#assignees")).to_contain_text("Marek Nowak")
    # A reviewer sees who is assigned, and no form to change it.
    expect(reviewer.locator("#assignees").get_by_label("Assign to")).to_have_count(0)


def test_a_mention_names_who_wrote_it_as_the_header_names_them(open_page, demo_site):
    claim = Claim.objects.get(span_exact__contains="Lancet")
    editor = open_page()
    sign_in(editor, demo_site, "editor")
    expect(editor.locator(".account .name")).to_have_text("Olena Koval")
    editor.goto(f"{demo_site}/claims/{claim.pk}/")
    editor.locator("#notes").get_by_label("Note", exact=True).fill("@reviewer can you find the original post?")
    editor.get_by_role("button", name="Add note").click()
    expect(editor.locator("#notes")).to_contain_text("can you find the original post?")

    reviewer = open_page()
    sign_in(reviewer, demo_site, "reviewer")
    reviewer.locator("#notifications-link").click()
    expect(reviewer.locator(".notifications-list")).to_contain_text(f"Olena Koval mentioned you on claim {claim.pk}")
