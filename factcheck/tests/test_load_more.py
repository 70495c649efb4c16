"""Every list's "More …" button: its answer gives the browser the address of the list's first page
with as many rows as are shown now, so back from a row, or a reload, finds the rows where they were.
It had been so in the claim queue only: back from a speaker after "More speakers" showed the first page."""

import html
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from factcheck import forms, models
from factcheck.forms import MAX_PAGE_SIZE
from factcheck.models import Claim
from factcheck.tests.factories import make_article, make_claim, make_outlet, make_speaker
from factcheck.tests.test_story_desk import PageForm as SubmittedForm

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


# The lists with a filter form, and a change of question on each: (the list, the form's id, a field, its new value).
FILTERED = [
    (queue, "filters", "sort", "oldest"),
    (speakers, "index-filters", "sort", "claims"),
    (outlets, "index-filters", "sort", "latest"),
    (stories, "index-filters", "q", "story"),
    (rechecks, "recheck-filters", "due", ""),
]


@pytest.mark.parametrize(("listed", "form_id", "field", "value"), FILTERED, ids=[row[0].__name__ for row in FILTERED])
def test_a_changed_filter_after_back_starts_at_the_usual_page_size(
    reviewer_client, editor, monkeypatch, listed, form_id, field, value
):
    """Back (or a reload) after "More" opens the list's address with `limit`, the rows it showed. The
    filter form sent that limit on with the next question (a sort, a search, a filter), whose
    answer then showed as many rows as the old list had been loaded to, not a page."""
    monkeypatch.setattr(forms, "PAGE_SIZE", 2)
    path, filters = listed(editor)
    back = reviewer_client.get(f"{path}?{filters}limit=3")
    assert rows_in(back) == 3
    form = re.search(rf'<form id="{form_id}".*?</form>', back.text, re.S).group(0)
    asked = SubmittedForm(form).post(**{field: value})
    assert "limit" not in asked
    for headers in ({}, HTMX):  # the form's own submit, and htmx's
        assert rows_in(reviewer_client.get(path, asked, **headers)) == 2


@pytest.mark.parametrize("listed", LISTS, ids=[listed.__name__ for listed in LISTS])
def test_only_more_keeps_the_limit_in_the_links_of_a_list(reviewer_client, editor, listed):
    """The queue's status and attribution links, the re-check tabs, "look in every status": each
    asks another question, which starts at the usual page size."""
    path, filters = listed(editor)
    page = reviewer_client.get(f"{path}?{filters}limit=2")
    links = [html.unescape(link) for link in re.findall(r'(?:href|hx-get)="([^"]*)"', page.text)]
    kept = [link for link in links if "limit=" in link and "after=" not in link]
    assert kept == []


def past_the_end(form):
    """An `after` in `form`'s sort that no row follows: the least values of a list read in descending
    order, the greatest (the year 9999, the largest id) of one read in ascending order."""
    greatest = {"recheck_on": "9999-12-31", "opened_at": "253402300799999999"}
    return "~".join(
        "-1" if field.startswith("-") else greatest.get(field, str(models.LARGEST_ID)) for field in form.ordering()
    )


@pytest.mark.parametrize("listed", LISTS, ids=[listed.__name__ for listed in LISTS])
def test_more_with_no_rows_and_no_count_of_rows_shown_gives_the_address_of_the_first_page(
    reviewer_client, editor, listed
):
    """A "More" whose page is empty (its rows gone since, or a hand-made address) with a `shown` that
    counts no rows gave the browser the address with limit=0: Back or a reload then said "A page shows
    at least 1 row: the address's “limit” asks for fewer.", of a limit nobody wrote."""
    path, filters = listed(editor)
    after = past_the_end(reviewer_client.get(f"{path}?{filters}limit=2").context["form"])
    first_page = f"{path}?{filters}".removesuffix("&").removesuffix("?")
    for shown in ["&shown=abc", "&shown=", "&shown=0", "&shown=-1", ""]:
        more = reviewer_client.get(f"{path}?{filters}limit=2&after={after}{shown}", **HTMX)
        assert (more.status_code, rows_in(more)) == (200, 0), shown
        assert more["HX-Replace-Url"] == first_page, shown
        back = reviewer_client.get(more["HX-Replace-Url"])
        assert rows_in(back) == 3
        assert "“limit”" not in html.unescape(back.text)


BROKEN = "This link to more results is broken; start again from the first page."
# The lists that say what is wrong with their address; a speaker's or an outlet's page shows its first page.
SAYS_WHAT_IS_WRONG = [queue, speakers, outlets, stories, corrections, rechecks]


@pytest.mark.parametrize("listed", LISTS, ids=[listed.__name__ for listed in LISTS])
def test_an_after_with_a_number_beyond_any_row_gives_the_first_page(reviewer_client, editor, listed):
    """A cursor's id or count of 26 digits, or one past a 64-bit integer, reached the database: SQLite
    refused it (OverflowError, a 500) on every list."""
    path, filters = listed(editor)
    after = re.search(r"after=([^&]+)", more_link(reviewer_client.get(f"{path}?{filters}limit=2"))).group(1)
    parts = after.split("~")
    for at in range(len(parts)):
        for huge in ["9" * 26, "-" + "9" * 26, str(models.LARGEST_ID + 1), str(-models.LARGEST_ID - 2)]:
            broken = "~".join(huge if index == at else part for index, part in enumerate(parts))
            page = reviewer_client.get(f"{path}?{filters}after={broken}")
            assert (page.status_code, rows_in(page)) == (200, 3), broken
            if listed in SAYS_WHAT_IS_WRONG:
                assert BROKEN in html.unescape(page.text), broken


@pytest.mark.parametrize("listed", SAYS_WHAT_IS_WRONG, ids=[listed.__name__ for listed in SAYS_WHAT_IS_WRONG])
def test_an_after_with_a_null_character_is_a_broken_link(reviewer_client, editor, listed):
    """It said "Null characters are not allowed.", of no field the reader could see."""
    path, filters = listed(editor)
    page = reviewer_client.get(f"{path}?{filters}after=1%00")
    assert (page.status_code, rows_in(page)) == (200, 3)
    assert BROKEN in html.unescape(page.text)
    assert "Null characters" not in page.text


@pytest.mark.parametrize("rank", ["nan", "inf", "-inf"])
def test_a_rank_that_is_no_number_is_a_broken_link(rank):
    """PostgreSQL sorts NaN above every rank: "after NaN" was the first page again, without a word."""
    assert forms.decode_cursor(f"{rank}~1796654755030446~2", forms.SORTS["relevance"]) is None
    assert forms.decode_cursor("0.5~1796654755030446~2", forms.SORTS["relevance"]) is not None


@pytest.mark.parametrize("listed", LISTS, ids=[listed.__name__ for listed in LISTS])
def test_more_with_a_broken_link_says_so_in_place_of_the_button(reviewer_client, editor, listed):
    """htmx puts the answer to "More" in the button's place: a broken cursor answered with the list's
    results (a second #results inside the list) or, on a speaker's or an outlet's page, the whole page
    inside the list, and the reason shown nowhere."""
    path, filters = listed(editor)
    first_page = f"{path}?{filters}".removesuffix("&").removesuffix("?")
    for after in ["zzz", "1%00", "1~" + "9" * 26]:
        more = reviewer_client.get(f"{path}?{filters}limit=2&after={after}&shown=2", **HTMX)
        assert more.status_code == 400, after
        assert re.fullmatch(r'\s*<li class="load-more">.*</li>\s*', more.text, re.S), more.text
        assert BROKEN.removesuffix(" start again from the first page.") in html.unescape(more.text)
        assert f'href="{html.escape(first_page)}"' in more.text
        assert "HX-Replace-Url" not in more
