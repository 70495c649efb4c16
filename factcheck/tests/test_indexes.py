"""The index pages of speakers, outlets and stories, and the track records drawn on speaker and outlet pages."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import empty_caches
from factcheck.models import Claim, OutletTally, SpeakerTally, StoryTotal, Venue
from factcheck.tests.factories import (
    make_appearance,
    make_article,
    make_claim,
    make_claims,
    make_evidence,
    make_outlet,
    make_speaker,
    recorder,
)
from factcheck.tests.test_views_pages import HTMX, queries_for

pytestmark = pytest.mark.django_db


def names_on(response, pattern=r'<div class="index-name">\s*<a href="[^"]+">([^<]+)</a>'):
    return re.findall(pattern, response.text)


def speakers_with(counts):
    """Speakers named by their number of claims: {3: speaker with three claims, ...}."""
    found = {}
    for count in counts:
        speaker = make_speaker(f"Speaker with {count}")
        for number in range(count):
            make_claim(f"Claim {number} of {count}.", speaker=speaker)
        found[count] = speaker
    return found


def test_the_header_links_the_three_indexes(reviewer_client):
    page = reviewer_client.get("/claims/").text
    for url in ("/speakers/", "/outlets/", "/stories/"):
        assert f'href="{url}"' in page


def test_speakers_sort_by_number_of_claims_or_latest_claim(reviewer_client):
    speakers = speakers_with([2, 5, 1])
    assert names_on(reviewer_client.get("/speakers/")) == ["Speaker with 5", "Speaker with 2", "Speaker with 1"]
    make_claim("Said just now.", speaker=speakers[1])
    latest = names_on(reviewer_client.get("/speakers/?sort=latest"))
    assert latest == ["Speaker with 1", "Speaker with 5", "Speaker with 2"]


def test_a_speaker_without_claims_is_listed_last_and_left_out_of_latest(reviewer_client):
    speakers_with([1])
    make_speaker("Nobody Yet")
    assert names_on(reviewer_client.get("/speakers/"))[-1] == "Nobody Yet"
    assert "Nobody Yet" not in names_on(reviewer_client.get("/speakers/?sort=latest"))


def test_speakers_are_found_by_any_spelling_of_part_of_the_name(reviewer_client):
    make_claim(speaker=make_speaker("Volodymyr Zelenskyy"))
    make_claim(speaker=make_speaker("Antony Blinken"))
    assert names_on(reviewer_client.get("/speakers/?q=ZELENSKYY")) == ["Volodymyr Zelenskyy"]
    assert names_on(reviewer_client.get("/speakers/?q=zélensk")) == ["Volodymyr Zelenskyy"]
    empty = reviewer_client.get("/speakers/?q=nobody")
    assert "No speakers match “nobody”." in empty.text


def test_stories_are_found_by_headline_and_outlets_by_name(reviewer_client):
    b17 = make_outlet("B-17")
    make_claim(article=make_article(outlet=b17, headline="Troops moved to Kursk"))
    make_article(outlet=make_outlet("Kyiv Independent"), headline="Drones over Kharkiv")
    stories = reviewer_client.get("/stories/?q=kursk")
    assert names_on(stories) == ["Troops moved to Kursk"]
    assert names_on(reviewer_client.get("/outlets/?q=b-17")) == ["B-17"]
    assert names_on(reviewer_client.get("/outlets/?q=kyiv")) == ["Kyiv Independent"]


def test_a_row_shows_its_counts_by_status(reviewer_client, editor):
    speaker = make_speaker("Counted")
    claims = [make_claim(speaker=speaker) for _ in range(3)]
    make_evidence(claims[0], "refutes")
    claims[0].set_status("false", by=editor, reason="Shown wrong.")
    page = reviewer_client.get("/speakers/").text
    assert "3 claims" in page
    assert '<span class="visually-hidden">Unable to independently confirm: </span>2</li>' in page
    assert '<span class="visually-hidden">False: </span>1</li>' in page
    assert page.count('<rect class="status-') == 2  # the small bar: unconfirmed and false


def test_pages_follow_on_from_the_cursor_without_repeats_or_gaps(reviewer_client):
    speakers_with([1, 2, 3, 4, 5])
    seen, url = [], "/speakers/?limit=2"
    while url:
        response = reviewer_client.get(url, **(HTMX if seen else {}))
        seen += names_on(response)
        url = f"/speakers/?limit=2&after={response.context['next_page']}" if response.context["next_page"] else None
    assert seen == [f"Speaker with {count}" for count in (5, 4, 3, 2, 1)]


def test_equal_counts_page_by_id_and_a_broken_cursor_is_reported(reviewer_client):
    for number in range(3):
        make_claim(speaker=make_speaker(f"Tied {number}"))
    first = reviewer_client.get("/speakers/?limit=2")
    rest = reviewer_client.get(f"/speakers/?limit=2&after={first.context['next_page']}", **HTMX)
    assert sorted(names_on(first) + names_on(rest)) == ["Tied 0", "Tied 1", "Tied 2"]
    assert "<html" not in rest.text
    broken = reviewer_client.get("/speakers/?after=nonsense")
    assert "This link to more results is broken" in broken.text
    # An unknown order is said, not ignored unsaid.
    assert (
        "Select a valid choice. size is not one of the available choices."
        in reviewer_client.get("/speakers/?sort=size").text
    )


def test_a_search_through_htmx_answers_the_results_alone(reviewer_client):
    speakers_with([1])
    response = reviewer_client.get("/speakers/?q=speaker", **HTMX)
    assert response.text.lstrip().startswith('<section id="results"')
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("url", ["/speakers/", "/outlets/", "/stories/"])
def test_the_indexes_refuse_anonymous_visitors_and_accounts_without_a_role(outsider_client, url):
    anonymous = Client()
    assert anonymous.get(url)["Location"] == f"/login/?next={url}"
    assert anonymous.get(url, **HTMX)["HX-Redirect"] == f"/login/?next={url}"
    assert outsider_client.get(url).status_code == 403


def fill(count):
    """`count` claims, each by its own speaker, in its own story from its own outlet, relayed by another."""
    for claim in make_claims({"text": f"Budget claim {number}.", "article": make_article()} for number in range(count)):
        origin = make_appearance(claim, Venue.SOCIAL_MEDIA_POST, outlet=make_outlet())
        make_appearance(claim, Venue.RELAYED_REPORT, outlet=make_outlet(), relayed_from=origin)


def test_an_index_costs_the_same_queries_for_10_or_100_rows(reviewer_client, subtests):
    """Each index is a subtest of one set of rows, each page counted with nothing kept from another."""
    indexes = ["/speakers/", "/outlets/", "/stories/"]
    fill(10)
    small = {}
    for url in indexes:
        empty_caches()
        small[url], _ = queries_for(reviewer_client, f"{url}?limit=10")
    fill(90)
    for url in indexes:
        with subtests.test(url=url):
            empty_caches()
            large, response = queries_for(reviewer_client, f"{url}?limit=100")
            assert response.text.count('class="index-row"') == 100
            assert small[url] == large


# Track records


def test_the_speaker_charts_show_the_database_counts(reviewer_client, editor):
    speaker = make_speaker("Charted")
    claims = [make_claim(speaker=speaker) for _ in range(4)]
    make_evidence(claims[0], "supports")
    claims[0].set_status("verified", by=editor, reason="Confirmed.")
    claims[1].set_status("disputed", by=editor, reason="Contested.")
    response = reviewer_client.get(f"/speakers/{speaker.pk}/")
    chart = response.context["record"]["charts"][0]
    from_database = {
        status: Claim.objects.filter(speaker=speaker, status=status).count() for status in chart["bars"][0]
    }
    from_database = {
        bar["value"]: Claim.objects.filter(speaker=speaker, status=bar["value"]).count() for bar in chart["bars"]
    }
    assert (
        {bar["value"]: bar["claims"] for bar in chart["bars"]}
        == from_database
        == {
            "unconfirmed": 2,
            "verified": 1,
            "disputed": 1,
            "false": 0,
        }
    )
    month = chart["columns"][-1]
    assert month["claims"] == 4
    assert {part["value"]: part["claims"] for part in month["parts"]} == from_database
    # The widest bar is the largest count; the numbers are in a table for screen readers too.
    widths = {bar["value"]: bar["width"] for bar in chart["bars"]}
    assert widths["unconfirmed"] == 2 * widths["verified"] > 0 == widths["false"]
    assert '<svg class="bars" viewBox="0 0 320 112" role="img" aria-labelledby="bars-status-table">' in response.text
    assert 'data-status="verified">1</a>' in response.text
    assert "<time datetime=" in response.text


def test_the_outlet_chart_shows_the_database_counts_by_role(reviewer_client, editor):
    b17, kyiv = make_outlet("B-17"), make_outlet("Kyiv Independent")
    story = make_article(outlet=b17)
    for _ in range(3):
        claim = make_claim(article=story)
        said = make_appearance(claim, Venue.PUBLIC_REMARKS, outlet=kyiv)
        make_appearance(claim, Venue.RELAYED_REPORT, outlet=b17, relayed_from=said)
    make_evidence(claim, "refutes")
    claim.set_status("false", by=editor, reason="Shown wrong.")
    bars = {
        bar["role"]: bar for bar in reviewer_client.get(f"/outlets/{b17.pk}/").context["record"]["charts"][0]["bars"]
    }
    for role, bar in bars.items():
        stored = dict(OutletTally.objects.filter(outlet=b17, role=role).values_list("status", "claims"))
        assert {part["value"]: part["claims"] for part in bar["parts"] if part["claims"]} == {
            status: claims for status, claims in stored.items() if claims
        }
    assert {role: bar["claims"] for role, bar in bars.items()} == {"made": 0, "published": 3, "relayed": 3}
    published = {part["value"]: part for part in bars["published"]["parts"]}
    assert published["false"]["claims"] == 1
    assert published["unconfirmed"]["width"] == pytest.approx(2 * published["false"]["width"], abs=0.2)


def test_the_outlets_index_counts_each_claim_of_an_outlet_once_as_the_queue_does(reviewer_client, editor):
    """B-17 published two claims, one made to it, the other relayed by it: two claims, as the queue
    filtered by the outlet lists them (its parts in them, by role, are four)."""
    b17, kyiv = make_outlet("B-17"), make_outlet("Kyiv Independent")
    story = make_article(outlet=b17)
    made_to_it, relayed = make_claim("Made to B-17.", article=story), make_claim("Relayed by B-17.", article=story)
    make_appearance(made_to_it, Venue.STATEMENT_TO_OUTLET, outlet=b17)
    said = make_appearance(relayed, Venue.PUBLIC_REMARKS, outlet=kyiv)
    make_appearance(relayed, Venue.RELAYED_REPORT, outlet=b17, relayed_from=said)
    make_evidence(relayed, "refutes")
    relayed.set_status("false", by=editor, reason="Shown wrong.")
    queue = reviewer_client.get("/claims/", {"status": "all", "outlet": b17.pk}).context["claims"]
    assert len(queue) == 2
    page = reviewer_client.get("/outlets/?q=b-17").text
    row = page.split('<li class="index-row">')[1]
    assert '<span class="index-total">2 claims</span>' in row
    # The bar by verdict, each claim once too: one unconfirmed, one false, half the bar each.
    assert re.findall(r'title="([^"]+)"><span class="visually-hidden">[^<]*</span>(\d+)</li>', row) == [
        ("Unable to independently confirm", "1"),
        ("False", "1"),
    ]
    assert re.findall(r'<rect class="status-(\w+)" x="[^"]+" y="0" width="([^"]+)"', row) == [
        ("unconfirmed", "50.0"),
        ("false", "50.0"),
    ]
    assert "a claim counts once, whatever parts the outlet played in it" in page


@pytest.mark.parametrize("count", [3, 30])
def test_a_track_record_costs_one_query_whatever_the_history(count, django_assert_num_queries):
    from factcheck import tallies

    speaker = make_speaker()
    for _ in range(count):
        make_claim(speaker=speaker)
    SpeakerTally.objects.filter(speaker=speaker).update(month="2024-01-01")  # spread over months: a long history
    with django_assert_num_queries(1):
        tallies.speaker_record(speaker)
    outlet = make_outlet()
    with django_assert_num_queries(1):
        tallies.outlet_record(outlet)


def test_the_charts_use_no_inline_style(reviewer_client, demo):
    speaker = Claim.objects.first().speaker
    for url in (f"/speakers/{speaker.pk}/", "/outlets/", "/speakers/", "/stories/"):
        assert "style=" not in reviewer_client.get(url).text


def test_the_outlet_and_story_of_a_claim_are_linked_from_its_page(reviewer_client):
    claim = make_claim(article=make_article())
    make_appearance(claim, outlet=make_outlet("Where said"))
    page = reviewer_client.get(f"/claims/{claim.pk}/").text
    for url in (
        claim.speaker.get_absolute_url(),
        claim.article.get_absolute_url(),
        claim.article.outlet.get_absolute_url(),
    ):
        assert f'href="{url}' in page
    assert f'href="{claim.appearances.get().outlet.get_absolute_url()}"' in page
    assert recorder()  # the claim was recorded through the write path


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index is PostgreSQL's")
def test_a_headline_search_is_served_by_the_trigram_index():
    make_article(headline="Troops moved to Kursk")
    search = StoryTotal.objects.filter(article__headline__icontains="kurs").values("article_id")
    with connection.cursor() as cursor:
        # A test's few rows would be read whole anyway: leave the planner only bitmap scans.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = search.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row for (row,) in cursor.fetchall())
    assert "article_headline_trgm_idx" in plan
    assert [row["article_id"] for row in search] != []


def test_the_stories_index_does_not_read_the_stories_text(reviewer_client):
    make_claim(article=make_article(headline="Troops moved to Kursk", body="A long text. " * 500))
    with CaptureQueriesContext(connection) as queries:
        page = reviewer_client.get("/stories/")
    assert "Troops moved to Kursk" in page.text
    assert not any('"factcheck_article"."body"' in query["sql"] for query in queries.captured_queries)
