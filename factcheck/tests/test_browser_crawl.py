"""Every page of the app in Chromium, failing on any console error, htmx error or CSP violation.

To crawl a new page, add its address to PAGES ({claim}, {speaker}, {outlet}, {article}, {job},
{draft}, {duplicate} and {merged} are filled in from the demo story); every model registered in
the admin is crawled (changelist, add form, change form) without being listed, as long as one
object of it exists.
"""

import re
from pathlib import Path

import pytest
from axes.models import AccessFailureLog
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import RequestFactory
from django.urls import reverse
from playwright.sync_api import expect

from factcheck import merging, storydesk, tasks
from factcheck.models import (
    ApiToken,
    Assignment,
    Claim,
    ColumnMapping,
    ExternalReview,
    ImportJob,
    Note,
    PublishedVerdict,
)
from factcheck.tests.factories import make_claim, make_evidence
from factcheck.tests.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PAGES = [
    "/claims/",
    "/claims/?status=all&limit=5",
    "/claims/?status=all&q=drones&speaker=Kovalenko&outlet={outlet}&venue=social_media_post&relay=relayed"
    "&kind=factual&since=2020-01-01&until=2099-12-31&sort=oldest",
    "/claims/?status=verified&sort=relevance&q=nothing+matches+this",
    "/claims/?status=all&assignee=me",
    "/claims/{claim}/",
    "/me/",
    "/notifications/",
    "/claims/{claim}/merge/",
    "/claims/{duplicate}/merge/?into={claim}",
    "/claims/{merged}/?merged=1",
    "/claims/{claim}/?merged_from={merged}",
    "/speakers/{speaker}/",
    "/outlets/{outlet}/",
    "/articles/{article}/",
    "/articles/{article}/check/",
    "/stories/?state=draft",
    "/claims/?status=all&story=draft",
    "/speakers/",
    "/speakers/?q=kovalenko&sort=latest",
    "/outlets/",
    "/stories/?sort=latest&limit=1",
    "/admin/",
    "/admin/factcheck/",
    "/admin/factcheck/claim/?q=drones&status__exact=unconfirmed",
    "/admin/factcheck/importjob/upload/",
    "/admin/factcheck/importjob/{job}/import/",
    "/admin/password_change/",
    "/stories/new/",
    "/stories/{draft}/",
    "/verdicts/{verdict}/",
    "/corrections/",
    "/corrections/?state=all&limit=1",
    "/rechecks/",
    "/rechecks/?due=overdue",
    "/claims/?status=all&due=week&correction=open",
]

# Reported to the test from inside every page, before any of the page's own scripts run.
WATCH = """
const report = (text) => window.reportProblem(`${text} (on ${location.pathname}${location.search})`);
document.addEventListener("securitypolicyviolation", (event) => report(
  `CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline code"}` +
  ` at ${event.sourceFile}:${event.lineNumber} ${event.sample}`));
document.addEventListener("htmx:error", (event) => report(`htmx error: ${JSON.stringify(event.detail.errorInfo)}`));
window.htmxInFlight = 0;
document.addEventListener("htmx:beforeRequest", () => window.htmxInFlight++);
document.addEventListener("htmx:afterRequest", () => window.htmxInFlight--);
"""


@pytest.fixture
def watched_page(open_page):
    """A browser page that records every console error, uncaught exception, htmx error and CSP violation."""
    page = open_page()
    problems = []

    def report(text):
        problems.append(text)

    def on_console(message):
        if message.type == "error":
            report(f"console: {message.text} at {message.location}")

    page.context.expose_function("reportProblem", report)
    page.context.add_init_script(WATCH)
    page.on("console", on_console)
    page.on("pageerror", lambda error: report(f"uncaught: {error}"))
    return page, problems


# After the load event: the page's own htmx requests (counts, look-ups loaded after it is shown)
# answered, then the tasks already queued (a CSP violation is reported in a task of its own) and a
# frame drawn, and for a polling page its next htmx swap. A fixed 100 ms had cost the crawl 13 s.
SETTLE = """async () => {
  for (let waited = 0; window.htmxInFlight > 0; waited += 20) {
    if (waited >= 10000) return `${window.htmxInFlight} htmx request(s) still unanswered after 10 s`;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await new Promise((resolve) => {
  if (document.querySelector('[hx-trigger^="every"]')) {
    document.body.addEventListener("htmx:afterSettle", () => resolve(), {once: true});
    setTimeout(resolve, 5000);
  } else {
    requestAnimationFrame(() => setTimeout(resolve, 0));
  }
  });
  return null;
}"""


def visit(page, problems, url):
    response = page.goto(url)
    assert response.status == 200, f"{url} answered {response.status}"
    unanswered = page.evaluate(SETTLE)
    assert unanswered is None, f"{url}: {unanswered}"
    assert page.url == url, f"{url} went on to {page.url} by itself"
    assert problems == [], "\n".join([url, *problems])


def admin_pages(superuser):
    """The changelist, add form and first object's change form of every model in the admin."""
    request = RequestFactory().get("/admin/")
    request.user = superuser
    pages, empty = [], []
    for model, model_admin in admin.site._registry.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages.append(reverse(f"{name}_changelist"))
        if model_admin.has_add_permission(request):
            pages.append(reverse(f"{name}_add"))
        if first := model._default_manager.order_by("pk").first():
            pages.append(reverse(f"{name}_change", args=[first.pk]))
        else:
            empty.append(model._meta.label)
    assert empty == [], f"make an object of each of {empty} before the crawl, so its change form is crawled"
    return pages


def make_one_of_everything(page, base):
    """What the demo story lacks: evidence, a note, duplicates (one merged), a published verdict, an assignment,
    notifications, an API token, a failed sign-in, an export job, an import job, its task."""
    claim = Claim.objects.get(span_exact__contains="Lancet")
    make_evidence(claim, url="https://example.org/lancet")
    for words in ("again", "once more"):
        make_claim(f"{claim.text.rstrip('.')} {words}.", speaker=claim.speaker)
    merged = Claim.objects.get(text__endswith="once more.")
    merging.merge(
        merged, claim, by=User.objects.get(username="admin"), reason="Recorded twice.", merged_version=1, into_version=1
    )
    judged = Claim.objects.exclude(pk=claim.pk).order_by("pk").first()
    make_evidence(judged, "refutes", url="https://example.org/refuted")
    editor = User.objects.get(username="editor")
    PublishedVerdict.publish(judged.set_status("false", by=editor, reason="Shown wrong."), by=editor)
    ExternalReview.objects.create(  # another checker's rating, shown on the claim and speaker pages
        claim=claim, publisher="PolitiFact", label="Half True", url="https://www.politifact.example/checks/1/"
    )
    ColumnMapping.objects.remember(["Who", "Said what"], ["speaker", "claim"], by=User.objects.get(username="admin"))
    # A mention and an assignment: notifications for the editor and the reviewer, an assignment and its record.
    Note.write(claim, "@editor: ask the ministry for the footage.", by=User.objects.get(username="admin"))
    Assignment.objects.assign([claim], User.objects.get(username="reviewer"), by=editor)
    ApiToken.create_for(User.objects.get(username="reviewer"), "CMS plugin")
    # An export too big for a request, written by its task: its page offers the file.
    tasks.run_export.call(tasks.queue_export(Claim.objects.all(), "csv", user=User.objects.get(username="admin")).pk)

    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill("nobody")
    page.get_by_label("Password").fill("a wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("do not match")
    assert AccessFailureLog.objects.exists()

    sign_in(page, base, "admin")
    page.goto(f"{base}/admin/factcheck/importjob/upload/")
    page.get_by_label("File").set_input_files("fixtures/sample-claims.csv")
    page.get_by_role("button", name="Check the file").click()
    # The check is a task too: its page polls until the task has run, then loads the preview.
    expect(page.locator("#import-read")).to_contain_text("waiting for the task worker")
    tasks.check_file.call(ImportJob.objects.get().pk)
    expect(page.get_by_role("heading", name="Preview: nothing is written until you confirm")).to_be_visible()
    # Confirmed, it waits for a task worker (none runs here): its page polls through htmx.
    page.get_by_role("button", name=re.compile("Confirm: import")).click()
    expect(page.locator("#import-rows")).to_contain_text("waiting for the task worker")
    return ImportJob.objects.get()


def story_in_review():
    """A story pasted at the desk, its proposals awaiting review: the desk's busiest page."""
    body = Path("fixtures/seed-article.txt").read_text(encoding="utf-8")
    draft, _ = storydesk.start_draft(
        by=User.objects.get(username="reviewer"),
        headline=body.split("\n", 1)[0],
        outlet=None,
        new_outlet="The Desk's Own Outlet",
        new_outlet_kind="news",
        url="",
        published=None,
        body=body,
    )
    return draft.pk


def test_every_page_runs_without_console_errors_htmx_errors_or_csp_violations(watched_page, demo_site):
    page, problems = watched_page
    job = make_one_of_everything(page, demo_site)
    claim = Claim.objects.get(span_exact__contains="Lancet")
    ids = {
        "claim": claim.pk,
        "speaker": claim.speaker_id,
        "outlet": claim.article.outlet_id,
        "article": claim.article_id,
        "job": job.pk,
        "draft": story_in_review(),
        "duplicate": Claim.objects.get(text__endswith="again.").pk,
        "merged": Claim.objects.get(text__endswith="once more.").pk,
        "verdict": PublishedVerdict.objects.get().pk,
    }
    pages = [url.format(**ids) for url in PAGES] + admin_pages(User.objects.get(username="admin"))
    assert problems == []
    for url in pages:
        visit(page, problems, f"{demo_site}{url}")

    page.context.clear_cookies()
    visit(page, problems, f"{demo_site}/verdicts/{ids['verdict']}/")
    visit(page, problems, f"{demo_site}/login/")
    visit(page, problems, f"{demo_site}/admin/login/")


def test_the_queue_filters_and_load_more_run_through_htmx_without_errors(watched_page, demo_site):
    page, problems = watched_page
    sign_in(page, demo_site, "editor")
    visit(page, problems, f"{demo_site}/claims/?status=all&limit=5")
    page.evaluate("window.notReloaded = true")

    page.get_by_role("link", name="More claims").click()
    expect(page.locator("#results .claim-row")).to_have_count(10)

    # Choosing a date applies it at once, as choosing from a list does: the trigger parses.
    page.locator("summary", has_text="More filters").click()
    page.get_by_label("Recorded from").fill("2099-01-01")
    expect(page).to_have_url(re.compile("since=2099-01-01"))
    expect(page.locator("#results .claim-row")).to_have_count(0)
    page.get_by_label("Kind").select_option("opinion")
    expect(page).to_have_url(re.compile("kind=opinion"))
    assert page.evaluate("window.notReloaded === true"), "the filters reloaded the page instead of using htmx"
    assert problems == []


def test_the_story_desks_htmx_actions_run_without_errors(watched_page, demo_site):
    page, problems = watched_page
    sign_in(page, demo_site, "reviewer")
    visit(page, problems, f"{demo_site}/stories/{story_in_review()}/")
    page.evaluate("window.notReloaded = true")
    page.get_by_role("button", name="Accept all").first.click()
    expect(page.locator("#desk")).to_contain_text("accepted")
    page.evaluate(SETTLE)
    assert page.evaluate("window.notReloaded === true"), "Accept all reloaded the page instead of using htmx"
    assert problems == []


def test_an_editors_status_change_and_the_admins_action_pages_run_without_errors(watched_page, demo_site):
    page, problems = watched_page
    sign_in(page, demo_site, "admin")
    claim = Claim.objects.get(span_exact__contains="Lancet")
    visit(page, problems, f"{demo_site}/claims/{claim.pk}/")
    page.locator("summary", has_text="Mark disputed").click()
    decision = page.locator("details.decision[open] form")
    decision.get_by_label("Why “Disputed”?").fill("Two officials disagree.")
    decision.get_by_role("button", name="Mark disputed").click()
    expect(page.locator("#claim-status")).to_have_text("Disputed")

    visit(page, problems, f"{demo_site}/admin/factcheck/claim/")
    page.locator(f'input[name="_selected_action"][value="{claim.pk}"]').check()
    page.locator('select[name="action"]').select_option("mark_unconfirmed")
    page.get_by_role("button", name="Run").click()
    expect(page.get_by_role("button", name=re.compile("Mark “Unable to independently confirm”"))).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert problems == []


def test_the_admins_widgets_run_without_errors_when_used(watched_page, demo_site):
    page, problems = watched_page
    sign_in(page, demo_site, "admin")
    claim = Claim.objects.get(span_exact__contains="Lancet")

    visit(page, problems, f"{demo_site}/admin/factcheck/claim/{claim.pk}/change/")
    page.locator("#select2-id_speaker-container").click()  # the speaker autocomplete
    page.locator(".select2-search__field").fill("Kov")
    expect(page.locator(".select2-results__option").first).to_contain_text("Kovalenko")
    page.keyboard.press("Escape")
    appearances = page.locator("#appearances-group tr.dynamic-appearances")
    before = appearances.count()
    page.locator("#appearances-group .add-row").get_by_text("Add another Appearance").click()
    expect(appearances).to_have_count(before + 1)

    visit(page, problems, f"{demo_site}/admin/factcheck/article/{claim.article_id}/change/")
    page.locator(".datetimeshortcuts a", has_text="Today").click()
    page.locator(".datetimeshortcuts .date-icon").click()  # the calendar pop-up
    expect(page.locator(".calendarbox").first).to_be_visible()
    page.wait_for_timeout(200)
    assert problems == []
