"""Every list's "More …" button: its answer gives the browser the address of the list's first page
with as many rows as are shown now, so back from a row, or a reload, finds the rows where they were.
It had been so in the claim queue only: back from a speaker after "More speakers" showed the first page."""

import html
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from factcheck.forms import MAX_PAGE_SIZE
from factcheck.models import Claim
from factcheck.tests.factories import make_article, make_claim, make_outlet, make_speaker

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


# Each list with three rows: (its path, filters its address keeps, ending in "&" when any).


def queue(editor):
    for _ in range(3):
        make_claim()
    return "/claims/", "status=all&"


def speakers(editor):
    for _ in range(3):
        make_claim(speaker=make_speaker())
    return "/speakers/", "sort=latest&"


def outlets(editor):
    for _ in range(3):
        make_claim(article=make_article(outlet=make_outlet()))
    return "/outlets/", "q=outlet&"


def stories(editor):
    for _ in range(3):
        make_claim(article=make_article())
    return "/stories/", "sort=latest&"


def corrections(editor):
    for _ in range(3):
        make_claim(article=make_article()).set_status("disputed", by=editor, reason="Doubted.")
    return "/corrections/", "state=open&"


def rechecks(editor):
    overdue = [make_claim().pk for _ in range(3)]
    Claim.objects.filter(pk__in=overdue).update(recheck_on=timezone.localdate() - timedelta(days=1))
    return "/rechecks/", "due=overdue&"


def speaker_page(editor):
    speaker = make_speaker()
    for _ in range(3):
        make_claim(speaker=speaker)
    return f"/speakers/{speaker.pk}/", ""


def outlet_page(editor):
    outlet = make_outlet()
    for _ in range(3):
        make_claim(article=make_article(outlet=outlet))
    return f"/outlets/{outlet.pk}/", ""


LISTS = [queue, speakers, outlets, stories, corrections, rechecks, speaker_page, outlet_page]


def more_link(response):
    """The address the "More …" button asks htmx for (a query, on the list's own path)."""
    found = re.search(r'<li class="load-more">\s*<a href="[^"]*" hx-get="([^"]+)"', response.text)
    assert found, "no “More” button"
    return response.request["PATH_INFO"] + html.unescape(found.group(1))


def rows_in(response):
    return len(re.findall(r'<li class="(?:claim|index|case)-row', response.text))


@pytest.mark.parametrize("listed", LISTS, ids=[listed.__name__ for listed in LISTS])
def test_more_gives_the_browser_the_first_page_with_every_row_shown(reviewer_client, editor, listed):
    path, filters = listed(editor)
    first = reviewer_client.get(f"{path}?{filters}limit=2")
    assert rows_in(first) == 2
    more = reviewer_client.get(more_link(first), **HTMX)
    assert (more.status_code, rows_in(more)) == (200, 1)
    assert more["HX-Replace-Url"] == f"{path}?{filters}limit=3"
    assert rows_in(reviewer_client.get(more["HX-Replace-Url"])) == 3  # back, or reloaded
    # Without JavaScript the next page is an address of its own, which the browser keeps as it is.
    assert "HX-Replace-Url" not in reviewer_client.get(more_link(first))


@pytest.mark.parametrize("listed", LISTS, ids=[listed.__name__ for listed in LISTS])
def test_the_address_asks_for_at_most_a_full_page_and_ignores_a_shown_that_counts_no_rows(
    reviewer_client, editor, listed
):
    path, filters = listed(editor)
    link = more_link(reviewer_client.get(f"{path}?{filters}limit=2"))
    assert "shown=2" in link
    for shown, limit in [("150", MAX_PAGE_SIZE), ("abc", 1), ("-5", 1), ("1" * 40, 1)]:
        more = reviewer_client.get(link.replace("shown=2", f"shown={shown}"), **HTMX)
        assert more["HX-Replace-Url"] == f"{path}?{filters}limit={limit}", shown
