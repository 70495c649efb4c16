"""An editor merges a duplicate claim from the claim page, with htmx and without JavaScript."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from factcheck.models import Claim, ClaimMerge
from factcheck.tests.factories import make_claim, make_evidence, make_speaker
from factcheck.tests.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def a_duplicate_of_the_lancet_claim():
    kept = Claim.objects.get(span_exact__contains="Lancet")
    return kept, make_claim(f"{kept.text.rstrip('.')} again.", speaker=kept.speaker)


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-javascript"])
def test_an_editor_merges_a_possible_duplicate_into_the_claim_shown(open_page, demo_site, javascript):
    kept, duplicate = a_duplicate_of_the_lancet_claim()
    page = open_page(javascript=javascript)
    sign_in(page, demo_site, "editor")
    page.goto(f"{demo_site}/claims/{kept.pk}/")
    if not javascript:  # looked up on asking; with JavaScript, once the page is shown
        page.get_by_role("link", name=f"Look for claims by {kept.speaker.name} worded alike").click()

    duplicates = page.locator("#duplicates")
    expect(duplicates).to_contain_text(duplicate.text)
    duplicates.locator("li", has_text=duplicate.text).get_by_role("link", name="Merge into this claim").click()
    confirm = page.locator("#merge")
    expect(confirm.locator("#merge-compare")).to_contain_text(duplicate.text)
    expect(confirm.locator("#merge-compare")).to_contain_text(kept.text)
    if javascript:  # the confirmation opened in place, on the claim page
        expect(page).to_have_url(f"{demo_site}/claims/{kept.pk}/")
    confirm.get_by_label("Why are they the same claim?").fill("The same words, recorded twice.")
    confirm.get_by_role("button", name=f"Merge claim {duplicate.pk} into claim {kept.pk}").click()

    expect(page).to_have_url(f"{demo_site}/claims/{kept.pk}/")
    expect(page.locator(".messages")).to_contain_text(f"Claim #{duplicate.pk} merged into this one")
    expect(page.locator("#merged-claims")).to_contain_text(duplicate.text)
    expect(page.locator(".history")).to_contain_text("The same words, recorded twice.")
    assert ClaimMerge.objects.get().merged_id == duplicate.pk

    page.goto(f"{demo_site}/claims/{duplicate.pk}/")
    expect(page).to_have_url(f"{demo_site}/claims/{kept.pk}/?merged_from={duplicate.pk}")
    expect(page.locator("#merged-notice")).to_contain_text(f"Claim {duplicate.pk}, which you opened, was merged")
    page.locator("#merged-notice").get_by_role("link", name=f"Read claim {duplicate.pk} as it was").click()
    expect(page.locator("#merged-notice")).to_contain_text("This claim is read-only.")
    expect(page.locator(".history")).to_contain_text(f"Merged into claim {kept.pk}")


def test_claims_of_different_speakers_merge_once_the_editor_ticks_that_they_are_one(open_page, demo_site):
    kept, _ = a_duplicate_of_the_lancet_claim()
    other = make_claim(f"{kept.text.rstrip('.')}, he said.", speaker=make_speaker("Someone Else"))
    page = open_page(javascript=True)
    sign_in(page, demo_site, "editor")
    page.goto(f"{demo_site}/claims/{other.pk}/merge/?into={kept.pk}")
    confirm = page.locator("#merge")
    expect(confirm.locator("#merge-speakers")).to_contain_text("The speakers differ")
    confirm.get_by_label("Why are they the same claim?").fill("A misattributed copy.")
    merge_button = confirm.get_by_role("button", name=f"Merge claim {other.pk} into claim {kept.pk}")
    merge_button.click()
    expect(confirm.get_by_role("alert")).to_contain_text("Claims of different speakers are almost never")
    assert not ClaimMerge.objects.exists()

    confirm.get_by_label("They are the same claim though the speakers differ").check()
    merge_button.click()
    expect(page).to_have_url(f"{demo_site}/claims/{kept.pk}/")
    assert ClaimMerge.objects.get().merged_id == other.pk


def test_a_merge_of_differing_verdicts_offers_no_merge_button(open_page, demo_site):
    kept, duplicate = a_duplicate_of_the_lancet_claim()
    make_evidence(kept, "refutes")
    kept.set_status("disputed", by=get_user_model().objects.get(username="editor"), reason="Doubts.")
    page = open_page(javascript=True)
    sign_in(page, demo_site, "editor")
    page.goto(f"{demo_site}/claims/{duplicate.pk}/merge/?into={kept.pk}")
    expect(page.locator("#merge").get_by_role("alert")).to_contain_text("The verdicts differ")
    expect(
        page.get_by_role("button", name=f"Merge claim {duplicate.pk} into claim {kept.pk}", exact=True)
    ).to_have_count(0)


def test_the_admin_merge_form_says_which_claim_cannot_be_kept_before_the_editor_types_a_reason(open_page, demo_site):
    """The form listed the status only; "Whether the speaker said it differs" came after the reason."""
    kept, duplicate = a_duplicate_of_the_lancet_claim()
    assert (kept.attribution, duplicate.attribution) == ("confirmed", "not_checked")
    page = open_page(javascript=True)
    sign_in(page, demo_site, "editor")
    page.goto(f"{demo_site}/admin/factcheck/claim/")
    for claim in (kept, duplicate):
        page.locator(f'input[name="_selected_action"][value="{claim.pk}"]').check()
    page.locator('select[name="action"]').select_option("merge_duplicates")
    page.get_by_role("button", name="Run").click()

    table = page.locator("#claims-to-merge")
    expect(table.get_by_role("columnheader", name="Attribution")).to_be_visible()
    expect(table).to_contain_text("Confirmed at the source")
    expect(page.locator(f"#refused-{duplicate.pk}")).to_contain_text(
        f"Keeping #{duplicate.pk} is refused: Whether the speaker said it differs"
    )
    expect(page.get_by_label(f"#{kept.pk}", exact=True)).to_be_checked()
    page.get_by_label("Reason:").fill("The same words, recorded twice.")
    page.get_by_role("button", name="Merge the other claim into the one kept").click()
    expect(page.locator(".messagelist")).to_contain_text(f"Merged claim #{duplicate.pk} into claim #{kept.pk}")
    assert ClaimMerge.objects.get().into_id == kept.pk
