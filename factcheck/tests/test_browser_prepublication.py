"""An editor's journey through the pre-publication check, in Chromium: a draft of the seed story
checked against the demo's claims, its flags read, a flagged claim assigned, signed off and published."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from factcheck import extraction
from factcheck.models import Article, Assignment, Claim, Outlet, SignOff
from factcheck.tests.factories import make_claim, make_evidence
from factcheck.tests.test_browser import sign_in

# The check reads the story with the extraction engine: seconds on a loaded machine.
CHECK = 60_000

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def seed_draft(demo_site):
    body = (settings.BASE_DIR / "fixtures" / "seed-article.txt").read_text(encoding="utf-8").strip()
    body = body.replace("Late last month", "Last month")  # the story's next version, not yet published
    extraction.load_pipeline()  # loaded once per process: the live server's first check does not wait for it
    return Article.objects.create(
        outlet=Outlet.objects.get(name="B-17"), headline="Seed story, second version", body=body, state="draft"
    )


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_an_editor_checks_a_draft_of_the_seed_story_sees_the_flags_assigns_a_claim_and_signs_off(
    demo_site,
    seed_draft,
    open_page,
    javascript,
):
    page = open_page(javascript=javascript)
    page.set_default_timeout(CHECK)
    sign_in(page, demo_site, "editor")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Drafts").click()
    expect(page).to_have_url(f"{demo_site}/stories/?state=draft")
    expect(page.get_by_role("heading", level=1)).to_have_text("Draft stories")
    page.get_by_role("link", name="Check", exact=True).click()
    expect(page).to_have_url(f"{demo_site}/articles/{seed_draft.pk}/check/", timeout=CHECK)
    expect(page.get_by_role("heading", level=1)).to_have_text("Seed story, second version")

    # The claims in story order, both axes, and the flags: the two troop numbers conflict.
    claims = page.locator(".check-claims > li")
    expect(claims.first).to_contain_text("Andrii Kovalenko")
    assert claims.count() >= 18
    blinken = claims.filter(has=page.locator(".claim-line", has_text="Antony Blinken")).first
    expect(blinken.locator(".flag-figure")).to_contain_text("Figure conflicts with a tracked figure")
    expect(blinken).to_contain_text("conflicts with the tracked figure “11,000 North Korean troops in Kursk”")
    expect(blinken.locator(".axes .badge.status-unconfirmed")).to_have_text("Unable to independently confirm")
    expect(blinken).to_contain_text("Last month, US Secretary of State Antony Blinken said that up to 8,000")
    zelenskyy = claims.filter(has=page.locator(".claim-line", has_text="Volodymyr Zelenskyy")).first
    expect(zelenskyy.locator(".axes .badge.attribution-relayed")).to_be_visible()
    link = zelenskyy.locator(".flag-item").get_by_role("link", name=re.compile(r"claim #\d+")).first
    expect(link).to_have_attribute("href", re.compile(r"^/claims/\d+/$"))

    # The relayed claim goes to a reviewer to find the president's own words; back to the check.
    flagged = int(link.get_attribute("href").split("/")[2])
    link.click()
    page.locator("#assignees").get_by_label("Assign to").fill("reviewer")
    page.locator("#assignees").get_by_role("button", name="Assign", exact=True).click()
    expect(page.locator("#assignees .assignees")).to_contain_text("Marek Nowak")
    assert Assignment.objects.get().claim_id == flagged
    page.goto(f"{demo_site}/articles/{seed_draft.pk}/check/")

    # Signing off over open flags asks why: the note box is required, and a note of spaces only is
    # refused by the server beside the box, on the check page again, with what was typed kept.
    note = page.get_by_label("Note")
    expect(note).to_have_attribute("required", "")
    page.get_by_role("button", name=re.compile("Sign off with")).click()
    assert note.evaluate("box => box.matches(':invalid')")
    expect(page).to_have_url(f"{demo_site}/articles/{seed_draft.pk}/check/")
    note.fill("   ")
    page.get_by_role("button", name=re.compile("Sign off with")).click()
    expect(page.get_by_role("alert")).to_contain_text("still open", timeout=CHECK)
    expect(page.get_by_role("heading", level=1)).to_have_text("Seed story, second version")
    expect(page.locator(".sign-off-form .errorlist")).to_contain_text("still open: say in the note why")
    expect(page.get_by_label("Note")).to_have_value("   ")
    # With a note it is recorded, then the story is published.
    page.get_by_label("Note").fill("Figures attributed to each official; the conflict is in the copy.")
    page.get_by_role("button", name=re.compile("Sign off with")).click()
    expect(page.locator(".sign-off").first).to_contain_text("Signed off by Olena Koval", timeout=CHECK)
    expect(page.locator(".sign-off").first).to_contain_text("Figures attributed to each official")
    # Signed off: who and when, and what would reopen it, instead of the form offered again.
    expect(page.locator(".signed-off")).to_contain_text(re.compile(r"Signed off by Olena Koval .*: ready to publish"))
    expect(page.locator(".signed-off")).to_contain_text("Editing its text, or a flag the sign-off did not see")
    expect(page.get_by_label("Note")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("Sign off"))).to_have_count(0)
    page.get_by_role("button", name="Publish this story").click()
    expect(page.locator(".eyebrow")).to_contain_text("Check of a published story", timeout=CHECK)
    expect(page.get_by_role("button", name="Publish this story")).to_have_count(0)
    sign_off = SignOff.objects.get()
    assert sign_off.open_count >= 2 and sign_off.by.username == "editor"
    assert Article.objects.get(pk=seed_draft.pk).state == "published"


def seed_draft_checked_by_a_reviewer(demo_site, seed_draft, open_page):
    page = open_page()
    page.set_default_timeout(CHECK)
    sign_in(page, demo_site, "reviewer")
    page.goto(f"{demo_site}/articles/{seed_draft.pk}/check/")
    expect(page.locator(".flag-figure").first).to_be_visible(timeout=CHECK)
    return page


def test_a_reviewer_reads_the_check_but_has_no_sign_off(demo_site, seed_draft, open_page):
    page = seed_draft_checked_by_a_reviewer(demo_site, seed_draft, open_page)
    expect(page.get_by_text("An editor signs off and publishes drafts.")).to_be_visible()

    # The published story, whose claims are tracked as its own: each row names its claim once, after both
    # badges, where it had named it after each and again on a line of its own.
    lancet = Claim.objects.get(span_exact__contains="Lancet")
    page.goto(f"{demo_site}/articles/{lancet.article_id}/check/")
    row = page.locator(".check-claims > li").filter(has=page.get_by_text(lancet.text, exact=True))
    expect(row.locator(".axes")).to_contain_text(re.compile(rf"as this story's claim #{lancet.pk}\s+· Told as: "))
    expect(row.locator(".axes").get_by_role("link", name=f"#{lancet.pk}")).to_have_count(1)
    expect(row.locator(".own-claim")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("Sign off"))).to_have_count(0)


def test_each_flag_names_its_claim_once_as_the_link_to_it(demo_site, seed_draft, open_page):
    """A flag said "(claim #10)" and then "Open claim #10" beside it: the claim named twice."""
    page = seed_draft_checked_by_a_reviewer(demo_site, seed_draft, open_page)
    flags = page.locator(".flag-item").evaluate_all(
        """items => items.map(item => ({
            text: item.innerText,
            links: [...item.querySelectorAll("a")].map(link => [link.textContent, link.getAttribute("href")]),
        }))"""
    )
    assert {"figure", "evidence"} <= {
        code
        for code in page.locator(".flag-item > .flag").evaluate_all("flags => flags.map(f => f.classList[1])")
        for code in [code.removeprefix("flag-")]
    }
    for flag in flags:
        if not flag["links"]:  # a claim not tracked yet
            assert not re.search(r"#\d", flag["text"]), flag
            continue
        [(words, href)] = flag["links"]
        pk = href.split("/")[2]
        assert re.fullmatch(rf"(tracked )?claim #{pk}|#{pk}", words), flag
        assert len(re.findall(rf"#{pk}\b", flag["text"])) == 1, flag
        assert "Open claim" not in flag["text"]
    figure = page.locator(".flag-item").filter(has=page.locator(".flag-figure")).first
    expect(figure).to_contain_text(re.compile(r"\(\w[\w ]+, claim #\d+\)\.\s*$"))
    expect(figure.get_by_role("link")).to_have_text(re.compile(r"^claim #\d+$"))


def test_a_verdict_borrowed_from_a_look_alike_reads_as_the_look_alikes(demo_site, open_page):
    tracked = Claim.objects.get(text__startswith="Russia is training North Korean soldiers")
    editor = tracked.events.get().by
    make_evidence(tracked, "supports")
    tracked.set_status("verified", by=editor, reason="Satellite images.")
    words = "Russia is training North Korean soldiers to operate strike UAVs"
    draft = Article.objects.create(
        outlet=Outlet.objects.get(name="B-17"),
        headline="Training, a draft",
        body=f"Andrii Kovalenko said that {words}. B-17 was unable to independently confirm it.",
        state="draft",
    )
    own = make_claim(f"{words}.", speaker=tracked.speaker, article=draft, span_exact=words)
    extraction.load_pipeline()
    page = open_page()
    page.set_default_timeout(CHECK)
    sign_in(page, demo_site, "editor")
    page.goto(f"{demo_site}/articles/{draft.pk}/check/")
    row = page.locator(".check-claims > li").filter(has=page.locator(".own-claim")).first
    status = row.locator(".axes .axis").first
    expect(status.locator(".badge").first).to_have_text("Verified")
    # The look-alike's verdict and attribution both: named once, after the two badges.
    expect(status).to_contain_text(
        re.compile(rf"Verified Confirmed at the source as #{tracked.pk} \(a look-alike, \d+% alike\)")
    )
    expect(row.locator(".own-claim")).to_have_text(
        re.compile(rf"This draft's claim: #{own.pk}, itself Unable to independently confirm")
    )


def test_a_false_claim_under_another_speaker_is_flagged_and_a_claim_with_no_venue_confirms_nothing(
    demo_site, open_page
):
    tracked = Claim.objects.get(text__startswith="The US military should do away with tanks")
    editor = tracked.events.get().by
    make_evidence(tracked, "refutes")
    tracked.set_status("false", by=editor, reason="The Army's figures say otherwise.")
    draft = Article.objects.create(
        outlet=Outlet.objects.get(name="B-17"),
        headline="Tanks, a draft",
        body=(
            "A retired US general told B-17 the US military should do away with tanks, which are useless.\n"
            "Analysts say South Korea is considering sending weapons to Ukraine."
        ),
        state="draft",
    )
    extraction.load_pipeline()
    page = open_page()
    page.set_default_timeout(CHECK)
    sign_in(page, demo_site, "editor")
    page.goto(f"{demo_site}/articles/{draft.pk}/check/")
    general, analysts = page.locator(".check-claims > li").all()
    expect(general.locator(".claim-line")).to_contain_text("A retired US general")
    flag = general.locator(".flag-item").filter(has_text="Tracked as disputed or false")
    expect(flag).to_contain_text(f"The same words are tracked as false under Eric Schmidt: #{tracked.pk}")
    expect(analysts.locator(".axes .axis").nth(1)).to_have_text(
        "Attribution not checked the copy does not say where it was said"
    )
    expect(analysts).not_to_contain_text("Confirmed at the source")
    flag.get_by_role("link", name=f"#{tracked.pk}", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(tracked.text)
