"""The reviewer queue, /claims/: filters, search, keyset pages, counts per status, partials."""

import html
import re
from datetime import timedelta
from itertools import count, groupby
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import empty_caches
from factcheck import models
from factcheck.forms import SORTS, ClaimFilterForm, encode_cursor
from factcheck.models import Article, Assignment, Claim, Evidence, Outlet, RowsAfter, Speaker, Venue, VerificationEvent
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

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
serial = count()


def texts(response):
    return [claim.text for claim in response.context["claims"]]


def counts_in(response):
    return {status: count for status, _, count in response.context["counts"]["by_status"]}


def claim_saying(fragment):
    return Claim.objects.get(span_exact__contains=fragment)


def verify(claim, by=None):
    make_evidence(claim, "supports")
    claim.refresh_from_db()
    claim.set_status("verified", by=by or recorder(), reason="Confirmed by the ministry.")


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    for url in ["/", "/claims/", "/claims/?status=verified", "/claims/counts/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")


def test_an_anonymous_htmx_request_navigates_the_whole_window_to_login(client):
    response = client.get("/claims/?q=drones", **HTMX, HTTP_HX_CURRENT_URL="http://testserver/claims/?q=drones")
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/login/?next=/claims/%3Fq%3Ddrones"


def test_an_account_without_a_role_is_refused(outsider_client):
    assert outsider_client.get("/claims/").status_code == 403
    assert outsider_client.get("/claims/counts/", **HTMX).status_code == 403
    assert "You cannot do this" in outsider_client.get("/claims/").text


def test_the_queue_shows_unconfirmed_claims_newest_first_by_default(reviewer_client):
    older = make_claim("The bridge was closed in March.")
    decided = make_claim("The port reopened on Monday.")
    verify(decided)
    newer = make_claim("Exports fell by a third.")
    response = reviewer_client.get("/claims/")
    assert response.status_code == 200
    assert texts(response) == [newer.text, older.text]
    assert response.context["form"]["status"].value() == "unconfirmed"
    assert "<h1>Claims</h1>" in response.text
    assert f'href="/claims/{newer.pk}/"' in response.text


def test_status_all_and_oldest_first(reviewer_client):
    first, second = make_claim("First."), make_claim("Second.")
    verify(second)
    response = reviewer_client.get("/claims/?status=all&sort=oldest")
    assert texts(response) == [first.text, second.text]
    assert texts(reviewer_client.get("/claims/?status=verified")) == [second.text]


def test_filtering_by_speaker_ignores_case_and_accents(reviewer_client, demo):
    response = reviewer_client.get("/claims/?speaker=andrii+KOVALENKO")
    claims = response.context["claims"]
    assert len(claims) == 9
    assert {claim.speaker.name for claim in claims} == {"Andrii Kovalenko"}
    Speaker.objects.create(name="Zélia Kovalenko-Smith")
    make_claim("Another Kovalenko spoke.", speaker=Speaker.objects.get(name="Zélia Kovalenko-Smith"))
    assert len(reviewer_client.get("/claims/?speaker=kovalenko").context["claims"]) == 10
    assert len(reviewer_client.get("/claims/?speaker=zelia").context["claims"]) == 1


def test_filtering_by_outlet_covers_published_made_on_and_relayed_by(reviewer_client, demo):
    outlets = dict(Outlet.objects.values_list("name", "pk"))
    on_x = texts(reviewer_client.get(f"/claims/?outlet={outlets['X']}"))
    assert on_x == ["North Korean troops are receiving training in using Lancet drones."]
    by_kyiv_independent = texts(reviewer_client.get(f"/claims/?outlet={outlets['Kyiv Independent']}"))
    assert len(by_kyiv_independent) == 2
    assert all("Korea" in text for text in by_kyiv_independent)
    assert len(texts(reviewer_client.get(f"/claims/?outlet={outlets['B-17']}"))) == 18


def test_an_outlet_number_past_every_id_is_reported_not_a_server_error(reviewer_client):
    make_claim("Still listed.")
    for url in ["/claims/?outlet=99999999999999999999", "/claims/?outlet=99999999999999999999&q=listed"]:
        response = reviewer_client.get(url)
        assert response.status_code == 200
        assert texts(response) == ["Still listed."]
        assert "Ensure this value is less than or equal to" in response.text
    assert reviewer_client.get("/claims/counts/?outlet=99999999999999999999", **HTMX).status_code == 200


def test_a_claim_whose_venue_is_not_recorded_is_neither_direct_nor_relayed(reviewer_client, demo):
    unrecorded = make_claim("The dam held, the minister said.")
    assert not unrecorded.appearances.exists()
    assert unrecorded.text in texts(reviewer_client.get("/claims/"))
    assert unrecorded.text not in texts(reviewer_client.get("/claims/?relay=direct"))
    assert unrecorded.text not in texts(reviewer_client.get("/claims/?relay=relayed"))
    # Searched, the facets answer on PostgreSQL: the same there.
    assert unrecorded.text not in texts(reviewer_client.get("/claims/?relay=direct&q=dam"))
    assert unrecorded.text in texts(reviewer_client.get("/claims/?q=dam"))


def test_filtering_by_venue_relay_and_kind(reviewer_client, demo):
    posts = texts(reviewer_client.get(f"/claims/?venue={Venue.SOCIAL_MEDIA_POST}"))
    assert posts == ["North Korean troops are receiving training in using Lancet drones."]
    relayed = reviewer_client.get("/claims/?relay=relayed").context["claims"]
    assert {claim.pk for claim in relayed} == {
        claim_saying("upped that number").pk,
        claim_saying("We see an increase").pk,
    }
    assert all(claim.is_relayed for claim in relayed)
    direct = reviewer_client.get("/claims/?relay=direct").context["claims"]
    assert len(direct) == 16
    assert not any(claim.is_relayed for claim in direct)
    predictions = texts(reviewer_client.get("/claims/?kind=prediction"))
    assert "Future wars will be fought using AI drones." in predictions
    assert len(predictions) == 3
    combined = texts(reviewer_client.get("/claims/?relay=direct&kind=prediction&speaker=blinken"))
    assert combined == ["North Korean troops in Kursk will enter the fighting shortly."]


def test_relayed_is_what_another_outlet_passed_on_not_what_the_story_itself_reported(reviewer_client):
    newsroom, wire = make_outlet("B-17"), make_outlet("Kyiv Independent")

    def claim_in_the_newsroom(text, *chain):
        claim = make_claim(text, article=make_article(outlet=newsroom))
        before = None
        for venue, outlet in chain:
            before = make_appearance(claim, venue, outlet=outlet, relayed_from=before)
        return claim

    reported = claim_in_the_newsroom(
        "Remarks reported.", (Venue.PUBLIC_REMARKS, None), (Venue.RELAYED_REPORT, newsroom)
    )
    wired = claim_in_the_newsroom("Remarks wired.", (Venue.PUBLIC_REMARKS, None), (Venue.RELAYED_REPORT, wire))
    told = claim_in_the_newsroom("Told the wire.", (Venue.STATEMENT_TO_OUTLET, wire))
    told_us = claim_in_the_newsroom("Told us.", (Venue.STATEMENT_TO_OUTLET, newsroom))
    assert set(texts(reviewer_client.get("/claims/?relay=relayed"))) == {wired.text, told.text}
    assert set(texts(reviewer_client.get("/claims/?relay=direct"))) == {reported.text, told_us.text}
    rows = {claim.text: claim.is_relayed for claim in reviewer_client.get("/claims/").context["claims"]}
    assert rows == {reported.text: False, wired.text: True, told.text: True, told_us.text: False}
    page = reviewer_client.get(f"/claims/{reported.pk}/").text
    assert '<span class="badge direct">Direct</span>' in page  # as the queue says


def test_filtering_by_story_shows_its_headline_and_a_way_back(reviewer_client):
    story = make_article(headline="Grain corridor talks resume")
    inside = make_claim("Talks resume next week.", article=story)
    make_claim("Something in no story.")
    response = reviewer_client.get(f"/claims/?article={story.pk}")
    assert texts(response) == [inside.text]
    assert "Grain corridor talks resume" in response.text
    assert "Show every story" in response.text


def test_filtering_by_the_date_a_claim_was_recorded(reviewer_client):
    today = timezone.localdate()
    old = make_claim("Said long ago.")
    Claim.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=30))
    recent = make_claim("Said today.")
    since = (today - timedelta(days=1)).isoformat()
    until = (today - timedelta(days=2)).isoformat()
    assert texts(reviewer_client.get(f"/claims/?since={since}")) == [recent.text]
    assert texts(reviewer_client.get(f"/claims/?until={until}")) == [old.text]
    assert texts(reviewer_client.get(f"/claims/?since={today}&until={today}")) == [recent.text]


def test_an_invalid_filter_is_reported_and_ignored(reviewer_client):
    make_claim("Still listed.")
    response = reviewer_client.get("/claims/?since=yesterday&limit=500&kind=rumour&after=not-a-cursor")
    assert response.status_code == 200
    assert texts(response) == ["Still listed."]
    assert "start again from the first page" in response.text
    assert "Enter a valid date." in response.text
    assert "A page shows at most 100 rows: the address&#x27;s “limit” asks for more." in response.text
    assert "Select a valid choice" in response.text
    for limit, said in [("0", "at least 1 row"), ("lots", "is no number of rows")]:
        assert said in reviewer_client.get("/claims/", {"limit": limit}).text


@pytest.mark.parametrize(
    "asked, said",
    [
        ("status=any", "Select a valid choice. any is not one of the available choices."),
        ("attribution=said", "Select a valid choice. said is not one of the available choices."),
        (f"speaker={'Zakharova' * 30}", "Ensure this value has at most 200 characters"),
    ],
)
def test_an_invalid_status_attribution_or_speaker_is_reported_beside_its_filter(reviewer_client, asked, said):
    """These three had been ignored without a word: "status=any" listed the unconfirmed claims."""
    response = reviewer_client.get(f"/claims/?{asked}")
    assert response.status_code == 200
    assert said in html.unescape(response.text)


def test_searching_lancet_finds_the_post_on_x(reviewer_client, demo):
    response = reviewer_client.get("/claims/?q=Lancet")
    assert texts(response) == ["North Korean troops are receiving training in using Lancet drones."]
    assert "matching “Lancet”" in response.text


def test_search_combines_with_filters_and_reports_no_match(reviewer_client, demo):
    assert texts(reviewer_client.get("/claims/?q=drones&speaker=schmidt")) == [
        "Future wars will be fought using AI drones."
    ]
    response = reviewer_client.get("/claims/?q=submarines")
    assert texts(response) == []
    assert "No claims marked “Unable to independently confirm” match “submarines”." in response.text


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("drones", {"drones", "drones of war", "tanks and drones"}),
        ("drone", {"drones", "drones of war", "tanks and drones"}),  # PostgreSQL's stem, SQLite's word start
        ("tanks drones", {"tanks and drones"}),
        ("tanks or missiles", {"tanks and drones", "missiles north"}),
        ("TANKS OR missiles", {"tanks and drones", "missiles north"}),
        ("drones -tanks", {"drones", "drones of war"}),
        ("war or tanks drones", {"drones of war", "tanks and drones"}),  # "or" binds the words it stands between
        ('"drones of war"', {"drones of war"}),
        ('"war drones"', set()),  # a phrase's words in its order
        ('-"drones of war" drones', {"drones", "tanks and drones"}),
        ("north", {"missiles north"}),
        ("or", set()),  # "or" is an operator, not the start of "North"
        ("-", set()),
    ],
)
def test_search_reads_words_or_exclusions_and_phrases_alike_on_both_databases(reviewer_client, query, found):
    texts_of = {
        "drones": "Drones were seen over the port.",
        "drones of war": "Drones of war were launched.",
        "tanks and drones": "Tanks and drones crossed the river.",
        "missiles north": "Missiles fell in the north.",
        "grain": "Grain exports rose.",
    }
    made = {make_claim(text).text: name for name, text in texts_of.items()}
    response = reviewer_client.get("/claims/", {"q": query, "status": "all"})
    assert {made[text] for text in texts(response)} == found


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("kyiv", {"Kyiv", "KYIV"}),
        ("KYIV", {"Kyiv", "KYIV"}),
        ("київ", {"Київ"}),  # case in any script
        ("ЗЕЛЕНСЬКИЙ", {"Зеленський"}),
        # Accents are folded, as the speaker filter folds them: "alvarez" finds "Álvarez", and back.
        ("café", {"café", "CAFÉ", "cafe"}),
        ("cafe", {"café", "CAFÉ", "cafe"}),
        ("alvarez", {"Álvarez", "ÁLVAREZ"}),
        ("ÁLVAREZ", {"Álvarez", "ÁLVAREZ"}),
        ("electricite", {"Électricité"}),
        ("Łódź", {"Lodz"}),
        ('"electricite was named"', {"Électricité"}),  # a phrase too
        ("Zelenskyy", {"Zelenskyy"}),  # not spellings and transliterations one another
        ("Зеленскии", set()),  # nor letters of their own in another script: "й" is no "и"
    ],
)
def test_search_ignores_case_in_any_script_and_accents_on_both_databases(reviewer_client, query, found):
    words = ["Kyiv", "KYIV", "Київ", "Зеленський", "café", "CAFÉ", "cafe", "Zelenskyy", "Zelensky"]
    for word in [*words, "Álvarez", "ÁLVAREZ", "Électricité", "Lodz"]:
        make_claim(f"{word} was named in the report.")
    response = reviewer_client.get("/claims/", {"q": query, "status": "all"})
    assert {text.split()[0] for text in texts(response)} == found


@pytest.mark.postgres
def test_postgresql_ranks_the_best_match_first(reviewer_client):
    if connection.vendor != "postgresql":
        pytest.skip("ranking needs PostgreSQL full-text search")
    passing = make_claim("The report mentions grain once.")
    central = make_claim("Grain exports: grain shipments and grain prices rose.", quote="Grain, grain, grain.")
    response = reviewer_client.get("/claims/?q=grain")
    assert texts(response) == [central.text, passing.text]
    # PostgreSQL matches stems: "shipment" finds "shipments".
    assert texts(reviewer_client.get("/claims/?q=shipment")) == [central.text]


def summary(response):
    return " ".join(response.text.split('id="queue-summary"', 1)[1].split(">", 1)[1].split("</p>", 1)[0].split())


def test_relevance_ranks_only_the_newest_matches_where_it_ranks(reviewer_client, monkeypatch):
    """PostgreSQL ranks the RANKED_MATCHES newest matches; SQLite ranks nothing, so it cuts nothing:
    every match, newest first, as the summary says."""
    monkeypatch.setattr(models, "RANKED_MATCHES", 2)
    oldest = make_claim("Drones, drones and drones.")
    newer = [make_claim(f"Drones seen {number}.") for number in range(2)]
    make_claim("The newest claims are about grain.")  # the window holds the newest *matches*
    make_claim("Grain again.")
    response = reviewer_client.get("/claims/?q=drones")
    if connection.vendor == "postgresql":
        assert set(texts(response)) == {claim.text for claim in newer}
        assert "best match first, ranking at most the 2 newest matches" in summary(response)
    else:
        assert texts(response) == [*(claim.text for claim in reversed(newer)), oldest.text]
        assert summary(response).endswith("matching “drones” · newest first")
        assert "SQLite" not in response.text  # the database's name says nothing to the desk
    assert oldest.text in texts(reviewer_client.get("/claims/?q=drones&sort=newest"))


def test_the_summary_does_not_speak_of_more_matches_than_there_are(reviewer_client):
    """Three matches are not "the 250 newest matches"."""
    for number in range(3):
        make_claim(f"Drones seen {number}.")
    response = reviewer_client.get("/claims/?q=drones")
    if connection.vendor == "postgresql":
        assert summary(response).endswith("best match first, ranking at most the 250 newest matches")
    else:
        assert summary(response) == "3 claims · Unable to independently confirm · matching “drones” · newest first"


@pytest.mark.parametrize(
    ("asked", "named"),
    [
        ("speaker=KOVALENKO", "speaker “KOVALENKO”"),
        ("outlet={x}", "outlet “X”"),
        (f"venue={Venue.SOCIAL_MEDIA_POST}", "venue: Social-media post"),
        ("kind=prediction", "kind: Prediction"),
        ("attribution=relayed", "relayed: only another outlet&#x27;s word"),
        ("relay=relayed", "relayed by another outlet"),
        ("relay=direct", "direct"),
        ("story=published", "not in a draft"),
        ("due=soon", "re-check overdue or due this week"),
        ("since=2000-01-02", "recorded from 2 Jan 2000"),
        ("until=2099-12-31", "recorded until 31 Dec 2099"),
        ("assignee=none", "assigned to no one"),
        ("article={story}", "in the story “"),
    ],
)
def test_the_summary_names_every_filter_in_force_as_it_names_the_search(reviewer_client, demo, asked, named):
    asked = asked.format(x=Outlet.objects.get(name="X").pk, story=demo.pk)
    said = summary(reviewer_client.get(f"/claims/?status=all&q=&{asked}"))
    assert said.startswith(tuple(f"{n} claim" for n in range(1, 19))), said
    assert f" · {named}" in said, said
    assert said.endswith(" · newest first")


def test_the_summary_names_the_filters_in_the_forms_order_after_the_search(reviewer_client, demo):
    said = summary(reviewer_client.get("/claims/?status=all&kind=prediction&speaker=blinken&relay=direct&q=fighting"))
    assert " · matching “fighting” · speaker “blinken” · direct · kind: Prediction · " in said, said


def test_an_unfiltered_summary_names_no_filter(reviewer_client, demo):
    assert summary(reviewer_client.get("/claims/?status=all")) == "18 claims · Any status · newest first"


@pytest.mark.parametrize("query", ["%E2%80%8B", "x" * 201], ids=["zero-width space", "too long"])
def test_a_search_box_that_searches_nothing_lists_every_claim_not_the_newest_matches(
    reviewer_client, monkeypatch, query
):
    """A box of only an invisible character, or one refused as too long, is no search: the queue
    is not cut to the RANKED_MATCHES newest claims and called matches."""
    monkeypatch.setattr(models, "RANKED_MATCHES", 2)
    claims = [make_claim(f"Claim {number} of the day.") for number in range(3)]
    response = reviewer_client.get(f"/claims/?q={query}")
    assert set(texts(response)) == {claim.text for claim in claims}
    assert "newest matches" not in response.text
    assert "3 claims · Unable to independently confirm · newest first" in " ".join(response.text.split())


def relayed(claim, venue, *, relays):
    """An appearance of `claim` at `venue`, relayed by an outlet's report when `relays`."""
    said = make_appearance(claim, venue)
    if relays:
        make_appearance(claim, Venue.RELAYED_REPORT, relayed_from=said)


def korean_troops_north(speaker, *, relays, kind="factual", verified=True):
    """A claim with the words of "North Korean troops", not the phrase."""
    claim = make_claim("Korean troops north of the river.", speaker=speaker, kind=kind)
    relayed(claim, Venue.INTERVIEW, relays=relays)
    if verified:
        verify(claim)


@pytest.fixture
def walks(monkeypatch):
    """What each walk of a search found (None: the index answers), and a switch that sends every search to the index."""
    real_walk = models.walked_matches
    record = SimpleNamespace(tried=[], index_only=False)

    def walk(*args, **kwargs):
        record.tried.append(None if record.index_only else real_walk(*args, **kwargs))
        return record.tried[-1]

    monkeypatch.setattr(models, "walked_matches", walk)
    return record


NEWEST_WALKED_WITH = [
    *("", "&sort=newest", "&sort=oldest", "&status=unconfirmed", "&kind=factual", "&speaker=zakharova"),
    *("&relay=direct", "&assignee=none", "&story=published", "&speaker=zakharova&assignee=none"),
    *("&status=verified", "&kind=opinion&speaker=zakharova"),  # values that keep few claims
    "&relay=relayed",  # one claim in four, checked on each claim walked
]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the walk serves PostgreSQL's search index")
def test_a_search_found_by_walking_the_newest_claims_pages_as_the_index_would(
    reviewer_client, reviewer, editor, monkeypatch, walks, subtests
):
    """Each sort and filter is a subtest of one set of claims: the searches only read them."""
    monkeypatch.setattr(models, "RANKED_MATCHES", 7)
    monkeypatch.setattr(models, "PROBED", 6)
    monkeypatch.setattr(models, "WALKED", 30)
    moment = timezone.now()
    # Filters the walk checks claim by claim: the kind, the relay state (one of the claim's
    # facets), the speaker, whose two namesakes' claims it merges, no one assigned and a
    # published story (a few claims are assigned, a few are in a draft).
    zakharovas = [make_speaker("Maria Zakharova"), make_speaker("Maria V. Zakharova")]
    for number in range(10):  # the oldest matches of a phrase, then a gap of other claims
        opinion = number == 9  # left unconfirmed
        text = f"The grain corridor deal holds, day {number}."
        claim = make_claim(text, speaker=zakharovas[number % 2], kind="opinion" if opinion else "factual")
        relayed(claim, Venue.INTERVIEW, relays=number % 2)
        if not opinion:
            verify(claim)
    korean_troops_north(zakharovas[0], relays=True, kind="opinion", verified=False)
    for number in range(45):
        text = f"North Korean troops crossed, report {number}." if number % 3 else f"Troops from North Korea? {number}"
        claim = make_claim(
            text,
            quote="North Korean troops" * (number % 4 == 1),
            kind="factual" if number % 7 else "opinion",
            speaker=zakharovas[number % 2] if number % 5 else None,
            article=make_article(state="draft" if number % 11 == 5 else "published"),
        )
        relayed(claim, Venue.INTERVIEW if number % 4 else Venue.STATEMENT_TO_OUTLET, relays=number % 3 == 1)
        if number % 9 == 4:
            Assignment.objects.assign([claim], reviewer, by=editor)
        if number % 2:
            verify(claim)
    korean_troops_north(zakharovas[0], relays=False)
    for number in range(3):  # and its newest
        claim = make_claim(f"The grain corridor deal is off, {number}.", speaker=zakharovas[1])
        relayed(claim, Venue.STATEMENT_TO_OUTLET, relays=number == 1)
        verify(claim)
    Claim.objects.update(created_at=moment)  # tied, as an import leaves them: the ids break the ties

    for sort in NEWEST_WALKED_WITH:
        with subtests.test(sort=sort):
            # Found by walking, or not; the last, a gap away from its oldest matches, first not, then by walking.
            searches = [('"North Korean troops"', True), ("troops korean", True), ('"Korean troops north"', False)]
            # One word is left to the planner, but not within two namesakes: it cannot merge their indexes.
            searches.append(("troops", "speaker=zakharova" in sort))
            for query, walked in [*searches, ('"grain corridor deal"', None)]:
                walks.index_only, walks.tried = False, []
                found = searched_pages(reviewer_client, f"q={query}&status=all{sort}")
                assert found, query
                found_walking = any(walk is not None for walk in walks.tried)
                if sort == "&kind=opinion&speaker=zakharova":  # tried, but too few match for a walk to find
                    assert not found_walking and (bool(walks.tried) or not walked), query
                elif walked is not None:
                    assert found_walking == walked, query
                walks.index_only = True
                assert found == searched_pages(reviewer_client, f"q={query}&status=all{sort}"), query  # as the index


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the walk serves PostgreSQL's search index")
@pytest.mark.parametrize(
    "asked, walked",
    [
        ("q=drones&speaker=zakharova", True),  # two namesakes: the planner cannot merge their indexes
        ("q=drones or missiles&speaker=zakharova", True),
        ("q=drones&speaker=blinken", False),  # one word, one speaker: the planner walks its index itself
        ('q="grain deal"&speaker=blinken', True),  # a phrase's matches are misjudged
        ('q="grain deal"&attribution=relayed', True),  # the attribution's own index gives its claims in order
        ('q="grain deal"&speaker=blinken&attribution=relayed', False),  # the speaker's index does not
        ("q=drones&speaker=zakharova&attribution=relayed", False),
        ("q=drones&speaker=zakharova&sort=oldest", True),
        ("q=drones&speaker=kim", False),  # five speakers: too many parts to merge
        ('q="grain deal"&speaker=nobody', False),  # no speaker: nothing to walk
        ('q="grain deal"&relay=relayed', True),  # one claim in four, found by walking the newest
        ('q="grain deal"&relay=relayed&kind=opinion', False),  # two that keep few: one claim in twenty
        # The status asked last is the one read (after the test's status=all).
        ('q="grain deal"&relay=relayed&status=verified', False),
        ('q="grain deal"&relay=relayed&status=unconfirmed', True),
        ('q="grain deal"&relay=relayed&attribution=relayed', True),  # words that reach us relayed go with it
        ('q="grain deal"&relay=relayed&attribution=confirmed', False),
        ('q="grain deal"&relay=relayed&speaker=blinken', False),
    ],
)
def test_a_search_within_speakers_walks_their_claims_where_their_indexes_serve_it(
    reviewer_client, walks, asked, walked
):
    kims = ("Kim Jong Un", "Kim Yo Jong", "Kim Jong Nam", "Kim Il Sung", "Kim Dae Jung")
    for name in ("Maria Zakharova", "Maria V. Zakharova", "Antony Blinken", *kims):
        make_claim("Drones and missiles: the grain deal holds.", speaker=make_speaker(name))
    assert reviewer_client.get(f"/claims/?status=all&{asked}").status_code == 200
    assert bool(walks.tried) == walked


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the walk serves PostgreSQL's search index")
@pytest.mark.parametrize(
    "asked, walked",
    [
        ("status=all", True),  # every claim of the outlet is kept
        ("status=all&attribution=not_checked", True),  # most of them
        ("status=verified", False),  # 4 in 10: ranking's newest matches are dear to walk for
        ("status=verified&sort=oldest", True),  # a page of them is not
        ("status=all&attribution=relayed&sort=oldest", False),  # 2 in 10, even for a page
    ],
)
def test_a_search_walks_an_outlet_only_when_the_filters_keep_enough_of_its_claims(
    reviewer_client, editor, monkeypatch, walks, asked, walked
):
    monkeypatch.setattr(models, "PROBED", 4)  # ranked, an outlet keeping fewer claims is the index's
    outlet = make_outlet("Kyiv Independent")
    for number in range(10):
        claim = make_claim("Drones over Kharkiv.", article=make_article(outlet=outlet))
        if number < 2:
            claim.set_attribution("relayed", by=editor, reason="Only the agency's word for it.")
        elif number < 6:
            verify(claim)
    assert reviewer_client.get(f"/claims/?q=drones&outlet={outlet.pk}&{asked}").status_code == 200
    assert bool(walks.tried) == walked


OUTLET_WALKED_WITH = [
    *("", "&sort=newest", "&sort=oldest", "&status=verified"),
    *("&relay=direct", "&relay=direct&sort=newest", "&assignee=none", "&story=published", "&kind=factual"),
    *("&attribution=relayed", "&attribution=relayed&sort=oldest"),
]
OUTLET_WALKED = {  # where "troops", "drones" and the phrase are found by walking the outlet
    *("", "&sort=newest", "&sort=oldest", "&assignee=none", "&story=published"),
    "&relay=direct&sort=newest",  # ranked, "Direct" is the index's: it passes over the relayed claims
    "&attribution=relayed&sort=oldest",  # ranked, two in three of the outlet's claims are too few to walk
}


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the walk serves PostgreSQL's search index")
@pytest.mark.parametrize("recorded", ["tied", "out of id order"])
def test_a_search_within_an_outlet_found_by_walking_its_claims_pages_as_the_index_would(
    reviewer_client, reviewer, editor, monkeypatch, walks, recorded, subtests
):
    """Each sort and filter is a subtest of one set of claims: the searches only read them."""
    monkeypatch.setattr(models, "RANKED_MATCHES", 5)
    monkeypatch.setattr(models, "PROBED", 6)
    monkeypatch.setattr(models, "WALKED", 30)
    # An outlet of 40 claims is cheaper read through the index
    # (test_a_walk_goes_on_only_where_it_reads_fewer_claims_than_the_index_would_read_matches): told it holds
    # ten thousand times more, in the same shares, the search walks it where its words are common.
    real_kept = ClaimFilterForm.outlet_kept
    monkeypatch.setattr(ClaimFilterForm, "outlet_kept", lambda form: (real_kept(form)[0] * 10_000, real_kept(form)[1]))
    kyiv, other = make_outlet("Kyiv Independent"), make_outlet("Other")
    for number in range(40):
        text = f"North Korean troops crossed, report {number}." if number % 3 else f"Drones over Kharkiv, {number}."
        # A few in a draft, a few assigned, a few opinions, most relayed: for the filters walked with the outlet.
        story = make_article(outlet=kyiv if number % 2 else other, state="draft" if number % 7 == 3 else "published")
        claim = make_claim(text, article=story, kind="opinion" if number % 6 == 1 else "factual")
        if number % 3 != 1:  # two in three: an attribution the walk with the outlet checks on each claim
            claim.set_attribution("relayed", by=editor, reason="Only the agency's word for it.")
        if number % 5 == 0:  # said to the Kyiv Independent: for half of them, its second part in the claim
            make_appearance(claim, Venue.STATEMENT_TO_OUTLET, outlet=kyiv)
        else:  # said directly somewhere: for the walk with "Direct", which a claim without a venue is not
            make_appearance(claim, Venue.INTERVIEW)
        if number % 9 == 2:
            Assignment.objects.assign([claim], reviewer, by=editor)
        if number % 4:
            verify(claim)
    moment = timezone.now()
    if recorded == "tied":  # as an import leaves them: the ids break the ties
        Claim.objects.update(created_at=moment)
    else:
        for pk in Claim.objects.values_list("pk", flat=True):
            Claim.objects.filter(pk=pk).update(created_at=moment - timedelta(minutes=pk * 7 % 13))
    involving = set(Claim.objects.involving_outlet(kyiv).values_list("pk", flat=True))
    for sort in OUTLET_WALKED_WITH:
        with subtests.test(sort=sort):
            for query in ['"North Korean troops"', "troops", "drones", "kharkiv or troops", "submarines"]:
                walks.index_only, walks.tried = False, []
                params = f"q={query}&outlet={kyiv.pk}&status=all{sort}"
                found = searched_pages(reviewer_client, params)
                assert set(found) <= involving and len(set(found)) == len(found), query
                # Common enough to be found by walking the outlet.
                if query in ("troops", "drones", '"North Korean troops"') and sort in OUTLET_WALKED:
                    assert any(walk is not None for walk in walks.tried), query
                # Ranked, the index intersects "Direct" with the outlet.
                if "relay=direct" in sort and "sort=" not in sort:
                    assert all(walk is None for walk in walks.tried), query
                walks.index_only = True
                # What the index finds, in the same order.
                assert found == searched_pages(reviewer_client, params), query


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the walk serves PostgreSQL's search index")
@pytest.mark.parametrize(("probed", "walked"), [(12, True), (13, False)])
def test_a_ranked_search_leaves_an_outlet_keeping_fewer_claims_than_a_probe_reads_to_the_index(
    reviewer_client, monkeypatch, walks, probed, walked
):
    """The probe would read every claim of it, seldom find the newest matches ranking takes, and give way to
    the index after all. Sorted by date, a walk needs a page of matches, and is tried whatever the outlet."""
    monkeypatch.setattr(models, "PROBED", probed)
    kyiv = make_outlet("Kyiv Independent")
    claims = [make_claim(f"Troops crossed, report {n}.", article=make_article(outlet=kyiv)) for n in range(12)]
    assert sorted(searched_pages(reviewer_client, f"q=troops&outlet={kyiv.pk}&status=all")) == sorted(
        claim.pk for claim in claims
    )
    assert bool(walks.tried) == walked  # tried, or not even tried
    walks.tried = []
    assert len(searched_pages(reviewer_client, f"q=troops&outlet={kyiv.pk}&status=all&sort=newest")) == 12
    assert any(walk is not None for walk in walks.tried)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the walk serves PostgreSQL's search index")
def test_an_outlet_is_not_walked_for_a_status_that_keeps_few_of_its_claims(reviewer_client, monkeypatch, walks):
    monkeypatch.setattr(models, "PROBED", 4)
    kyiv = make_outlet("Kyiv Independent")
    claims = [make_claim(f"Troops crossed, report {n}.", article=make_article(outlet=kyiv)) for n in range(12)]
    verify(claims[3])  # one in twelve: under WALKED_OUTLET_SHARE
    walks.tried = []
    assert len(searched_pages(reviewer_client, f"q=troops&outlet={kyiv.pk}&status=all&sort=newest")) == 12
    assert any(walk is not None for walk in walks.tried)  # walked: every claim of the outlet is kept
    walks.tried = []
    assert searched_pages(reviewer_client, f"q=troops&outlet={kyiv.pk}&status=verified") == [claims[3].pk]
    assert walks.tried == []  # not even tried: the search index answers


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the walk serves PostgreSQL's search index")
@pytest.mark.parametrize(("against", "walked"), [(None, True), (40, True), (19, False), (12, False)])
def test_a_walk_goes_on_only_where_it_reads_fewer_claims_than_the_index_would_read_matches(
    monkeypatch, against, walked
):
    monkeypatch.setattr(models, "PROBED", 6)
    monkeypatch.setattr(models, "WALKED", 30)
    for number in range(40):  # every other claim, newest first, has the word: five in the first ten
        make_claim(f"Troops crossed, report {number}." if number % 2 else f"Drones seen, report {number}.")
    ordering = SORTS["newest"]
    claims = Claim.objects.order_by(*ordering)
    # The probe finds three matches in six claims: five need ten claims walked, where the index
    # would read half of `against`.
    found = models.walked_matches(claims, "troops", ordering, 5, against=against)
    if walked:
        assert [match.pk for match in found] == [claim.pk for claim in claims if "Troops" in claim.text][:5]
    else:
        assert found is None


def searched_pages(client, params):
    """The ids of every claim the queue lists for `params`, four to a page, following "load more"."""
    seen, after = [], ""
    while True:
        response = client.get(f"/claims/?{params}&limit=4{after}", **HTMX)
        seen += [claim.pk for claim in response.context["claims"]]
        if not response.context["next_page"]:
            return seen
        after = f"&after={response.context['next_page']}"


def test_counts_stop_at_the_cap(reviewer_client, monkeypatch):
    monkeypatch.setattr(models, "STATUS_COUNT_CAP", 2)
    for number in range(3):
        make_claim(f"Waiting {number}.")
    verify(make_claim("Decided."))
    response = reviewer_client.get("/claims/counts/", **HTMX)
    assert counts_in(response) == {"unconfirmed": "2+", "verified": 1, "disputed": 0, "false": 0}
    assert response.context["counts"]["total"] == "3+"
    assert '<span class="count" data-status="unconfirmed">2+</span>' in response.text


def test_load_more_pages_through_every_claim_once(reviewer_client):
    made = [make_claim(f"Claim {number}.") for number in range(7)]
    seen, url = [], "/claims/?limit=3"
    for _ in range(4):
        response = reviewer_client.get(url, **HTMX)
        seen += texts(response)
        if not response.context["next_page"]:
            break
        url = f"/claims/?limit=3&after={response.context['next_page']}"
    assert seen == [claim.text for claim in reversed(made)]


def test_load_more_works_on_claims_recorded_at_the_same_moment(reviewer_client):
    made = [make_claim(f"Same moment {number}.") for number in range(5)]
    Claim.objects.filter(pk__in=[claim.pk for claim in made]).update(created_at=timezone.now())
    first = reviewer_client.get("/claims/?limit=2")
    second = reviewer_client.get(f"/claims/?limit=2&after={first.context['next_page']}")
    third = reviewer_client.get(f"/claims/?limit=2&after={second.context['next_page']}")
    pages = texts(first) + texts(second) + texts(third)
    assert sorted(pages) == sorted(claim.text for claim in made)
    assert third.context["next_page"] is None


def test_load_more_for_htmx_returns_only_the_next_rows(reviewer_client):
    for number in range(3):
        make_claim(f"Row {number}.")
    first = reviewer_client.get("/claims/?limit=2")
    assert "More claims" in first.text
    response = reviewer_client.get(f"/claims/?limit=2&after={first.context['next_page']}", **HTMX)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="filters"' not in response.text
    assert response.text.count('class="claim-row"') == 1
    assert "More claims" not in response.text


def test_a_load_more_link_without_javascript_shows_the_next_page(reviewer_client):
    for number in range(3):
        make_claim(f"Row {number}.")
    first = reviewer_client.get("/claims/?limit=2")
    response = reviewer_client.get(f"/claims/?limit=2&after={first.context['next_page']}")
    assert "<html" in response.text
    assert texts(response) == ["Row 0."]


def test_relevance_pages_carry_the_rank_in_the_cursor(reviewer_client):
    for number in range(3):
        make_claim(f"Drone report {number}.")
    first = reviewer_client.get("/claims/?q=drone&limit=2")
    ranked = connection.vendor == "postgresql"  # SQLite ranks nothing: its search sorts by date
    assert len(first.context["next_page"].split("~")) == (3 if ranked else 2)
    second = reviewer_client.get(f"/claims/?q=drone&limit=2&after={first.context['next_page']}")
    assert sorted(texts(first) + texts(second)) == [f"Drone report {number}." for number in range(3)]


def test_an_htmx_filter_request_gets_the_results_partial(reviewer_client):
    make_claim("Partial row.")
    response = reviewer_client.get("/claims/?q=partial", **HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="results"')
    assert "<html" not in response.text
    assert "Partial row." in response.text
    assert 'id="status-counts"' in response.text
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize(
    "headers",
    [{}, {**HTMX, "HTTP_HX_BOOSTED": "true"}, {**HTMX, "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"}],
    ids=["plain", "boosted", "history-restore"],
)
def test_plain_boosted_and_history_restore_requests_get_the_whole_page(reviewer_client, headers):
    response = reviewer_client.get("/claims/?speaker=kovalenko", **headers)
    assert "<html" in response.text
    assert 'value="kovalenko"' in response.text
    assert "HX-Request" in response["Vary"]


def test_every_filter_link_and_form_works_without_javascript(reviewer_client):
    make_claim("A claim.")
    page = reviewer_client.get("/claims/").text
    assert '<form id="filters" class="filters" method="get" action="/claims/"' in page
    assert 'hx-push-url="true"' in page
    assert 'href="/claims/?status=verified"' in page


def test_counts_per_status_follow_the_other_filters(reviewer_client):
    kyiv = make_speaker("Kyiv official")
    for text in ["One.", "Two.", "Three."]:
        make_claim(text, speaker=kyiv)
    verify(make_claim("Four.", speaker=kyiv))
    make_claim("Elsewhere.")
    every = reviewer_client.get("/claims/counts/", **HTMX)
    assert counts_in(every) == {"unconfirmed": 4, "verified": 1, "disputed": 0, "false": 0}
    response = reviewer_client.get("/claims/counts/?speaker=kyiv&status=verified", **HTMX)
    assert counts_in(response) == {"unconfirmed": 3, "verified": 1, "disputed": 0, "false": 0}
    assert response.context["counts"]["total"] == 4
    assert 'aria-current="page"' in response.text


def test_the_queue_shows_the_statuses_and_loads_their_counts_after_the_page(reviewer_client):
    make_claim("Waiting.")
    page = reviewer_client.get("/claims/?speaker=waiting")
    assert page.context["counts"]["loaded"] is False
    assert 'hx-trigger="load, claims-changed from:body"' in page.text
    assert 'href="/claims/?speaker=waiting&amp;status=verified"' in page.text
    assert 'class="count"' not in page.text
    more = reviewer_client.get(f"/claims/?limit=1&after={page.context['next_page'] or '1~1'}", **HTMX)
    assert 'id="status-counts"' not in more.text


def test_counts_stay_right_after_a_status_change_though_they_are_kept_a_minute(reviewer_client):
    claims = [make_claim(f"Waiting {number}.") for number in range(3)]
    assert counts_in(reviewer_client.get("/claims/counts/", **HTMX))["verified"] == 0
    verify(claims[0])
    counts = counts_in(reviewer_client.get("/claims/counts/", **HTMX))
    assert (counts["unconfirmed"], counts["verified"]) == (2, 1)
    make_claim("Another.")
    assert counts_in(reviewer_client.get("/claims/counts/", **HTMX))["unconfirmed"] == 3


def test_the_counts_partial_refreshes_on_claims_changed(reviewer_client):
    make_claim("Waiting.")
    page = reviewer_client.get("/claims/?speaker=x").text
    assert 'hx-get="/claims/counts/?speaker=x&amp;status=unconfirmed"' in page
    response = reviewer_client.get("/claims/counts/?status=unconfirmed", **HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<nav id="status-counts"')
    assert 'hx-trigger="claims-changed from:body"' in response.text
    assert '<span class="count" data-status="unconfirmed">1</span>' in response.text
    assert "HX-Request" in response["Vary"]


def test_the_counts_url_without_htmx_leads_to_the_queue(reviewer_client):
    response = reviewer_client.get("/claims/counts/?status=verified&q=port")
    assert response.status_code == 302
    assert response["Location"] == "/claims/?status=verified&q=port"


def test_empty_states_say_why_the_list_is_empty(reviewer_client):
    nothing_waiting = reviewer_client.get("/claims/")
    assert "Nothing is waiting." in nothing_waiting.text
    make_claim("Only unconfirmed.")
    assert "No claims are marked “False”." in reviewer_client.get("/claims/?status=false").text
    narrowed = reviewer_client.get("/claims/?kind=prediction")
    assert "match these filters" in narrowed.text
    assert "look in every status" in narrowed.text


def test_a_row_shows_the_claims_age_venue_relay_and_evidence(reviewer_client, settings):
    settings.TIME_ZONE = "Europe/Kyiv"
    claim = make_claim("Shelling hit 40 homes.", speaker=make_speaker("Oleh Synyehubov"))
    recorded = (timezone.now() - timedelta(days=3, hours=2)).replace(second=0, microsecond=0)
    Claim.objects.filter(pk=claim.pk).update(created_at=recorded)
    origin = make_appearance(claim, Venue.SOCIAL_MEDIA_POST, outlet=make_outlet("X"))
    make_appearance(claim, Venue.RELAYED_REPORT, outlet=make_outlet("Kyiv Independent"), relayed_from=origin)
    make_appearance(
        claim,
        Venue.RELAYED_REPORT,
        outlet=make_outlet("B-17"),
        relayed_from=claim.appearances.get(outlet__name="Kyiv Independent"),
    )
    make_evidence(claim)
    make_evidence(claim, "refutes")
    quiet = make_claim("Nobody has looked at this yet.")

    page = reviewer_client.get("/claims/").text
    row = page.split('id="claim-' + str(claim.pk) + '-text"')[1].split("</article>")[0]
    # Every outlet that passed it on, in order: the Kyiv Independent is why it is relayed.
    assert '<p class="meta venue">Social-media post on X · relayed by Kyiv Independent → B-17</p>' in row
    assert "2 pieces of evidence" in row
    # The age, with the exact time in the newsroom's zone (Kyiv: UTC+2 in winter, +3 in summer).
    kyiv = recorded.astimezone(ZoneInfo("Europe/Kyiv"))
    exact = f"{kyiv.day} {kyiv:%b %Y, %H:%M} {kyiv.tzname()}"
    assert f'recorded <time datetime="{recorded.isoformat()}" title="{exact}">3\xa0days ago</time>' in row
    quiet_row = page.split('id="claim-' + str(quiet.pk) + '-text"')[1].split("</article>")[0]
    assert "no evidence yet" in quiet_row
    assert "just now" in quiet_row
    assert 'class="meta venue"' not in quiet_row
    # Nowhere recorded is not "Direct": nobody has said how the newsroom heard it.
    assert "Venue not recorded" in quiet_row and "Direct" not in quiet_row


@pytest.mark.parametrize("status", ["unconfirmed", "verified", "all"])
@pytest.mark.parametrize("query", ["", "q=submarines", "kind=prediction", "q=submarines&kind=prediction"])
def test_every_empty_state_is_a_sentence(reviewer_client, status, query):
    page = reviewer_client.get(f"/claims/?status={status}&{query}").text
    empty = page.split('<div class="empty">')[1].split("</strong>")[0].split("<strong>")[1]
    label = {"unconfirmed": " marked “Unable to independently confirm”", "verified": " marked “Verified”", "all": ""}
    expected = {
        "": {
            "unconfirmed": "Nothing is waiting.",
            "verified": "No claims are marked “Verified”.",
            "all": "No claims have been recorded yet.",
        }[status],
        "q=submarines": f"No claims{label[status]} match “submarines”.",
        "kind=prediction": f"No claims{label[status]} match these filters.",
        "q=submarines&kind=prediction": f"No claims{label[status]} match “submarines” with these filters.",
    }[query]
    assert empty == expected
    assert "any status" not in page.split('<div class="empty">')[1].lower()


def test_the_search_hint_says_what_this_database_does(reviewer_client):
    hint = reviewer_client.get("/claims/").text.split('<p class="hint">')[1].split("</p>")[0]
    if connection.vendor == "postgresql":
        assert "ranks the best matches first" in hint
    else:
        assert "matches are not ranked" in hint and "SQLite" not in hint


def test_the_sort_offers_best_match_only_where_the_database_ranks(reviewer_client):
    """SQLite offered "Best match" and "Best match, or newest" beside a hint saying it ranks nothing."""
    make_claim("Drones were seen.")
    for sort in ["", "relevance", "newest"]:
        page = reviewer_client.get("/claims/", {"q": "drones", "sort": sort})
        select = page.text.split('name="sort"')[1].split("</select>")[0]
        options = re.findall(r"<option[^>]*>([^<]*)</option>", select)
        chosen = re.search(r"<option[^>]*selected[^>]*>([^<]*)</option>", select)
        if connection.vendor == "postgresql":
            assert options == ["Best match, or newest", "Newest first", "Oldest first", "Best match"]
        else:
            assert options == ["Newest first", "Oldest first"]
            assert chosen is None or chosen.group(1) == "Newest first"
            assert page.context["claims"] and "newest first" in page.text


def test_the_queue_refuses_post(reviewer_client):
    assert reviewer_client.post("/claims/").status_code == 405


def make_varied_claims(count):
    """`count` claims, each with its own speaker, story, outlet, relay (by a wire, another outlet) and evidence."""
    numbers = [next(serial) for _ in range(count)]
    rows = [
        {
            "text": f"Drone claim {number}.",
            "speaker": make_speaker(f"Speaker {number}", title="Official"),
            "article": make_article(outlet=make_outlet(f"Outlet {number}"), headline=f"Story {number}"),
            "quantity_value": number,
            "quantity_unit": "drones",
        }
        for number in numbers
    ]
    for number, claim in zip(numbers, make_claims(rows), strict=True):
        origin = make_appearance(claim, Venue.PUBLIC_REMARKS)
        make_appearance(claim, Venue.RELAYED_REPORT, outlet=make_outlet(f"Wire {number}"), relayed_from=origin)
        Evidence.objects.create(
            claim=claim, url="https://example.org/", summary="s", stance="context", added_by=recorder()
        )


def count_queries(client, url, **headers):
    """The queries of one request, counted as the first after the outlet select's options were kept a minute."""
    cache.delete(models.OUTLET_CHOICES_KEY)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return len(queries), response


QUEUE_QUERIES = {
    "default": "",
    "search": "&q=drone&sort=relevance",
    "filters": "&speaker=speaker&relay=relayed&venue=public_remarks&kind=factual&status=all",
}


def test_the_queue_costs_the_same_queries_for_10_or_100_rows(reviewer_client, subtests):
    """Each search and filter is a subtest of one set of claims: the pages only read them."""
    make_varied_claims(100)
    for name, query in QUEUE_QUERIES.items():
        with subtests.test(query=name):
            empty_caches()
            small, page = count_queries(reviewer_client, f"/claims/?limit=10{query}")
            large, full = count_queries(reviewer_client, f"/claims/?limit=100{query}")
            assert len(page.context["claims"]) == 10
            assert len(full.context["claims"]) == 100
            assert small == large
            # Every row's age, venue and relay, and evidence count are in those queries.
            assert full.text.count('<p class="meta venue">Public remarks · relayed by Wire ') == 100
            assert full.text.count("1 piece of evidence") == 100
            assert full.text.count("recorded <time datetime=") == 100
            assert large <= 6
            more_small, _ = count_queries(
                reviewer_client, f"/claims/?limit=10{query}&after={page.context['next_page']}", **HTMX
            )
            more_large, _ = count_queries(
                reviewer_client, f"/claims/?limit=90{query}&after={page.context['next_page']}", **HTMX
            )
            assert more_small == more_large
            assert more_large <= 6


def test_a_phrase_search_stays_within_six_queries_for_10_or_100_rows(reviewer_client, subtests):
    # On PostgreSQL a phrase may walk the newest claims first (a probe, then a walk) before the
    # index answers: two queries more at most, however many rows a page shows.
    make_varied_claims(100)
    for name, sort in {"relevance": "", "newest": "&sort=newest"}.items():
        with subtests.test(sort=name):
            empty_caches()
            url = f'/claims/?q="drone claim"{sort}'
            for limit in (10, 100):
                queries, page = count_queries(reviewer_client, f"{url}&limit={limit}")
                assert len(page.context["claims"]) == limit
                assert queries <= 6
            first = reviewer_client.get(f"{url}&limit=10")
            queries, more = count_queries(reviewer_client, f"{url}&limit=10&after={first.context['next_page']}", **HTMX)
            assert len(more.context["claims"]) == 10
            assert queries <= 6


def test_the_counts_partial_costs_the_same_queries_for_10_or_100_claims(reviewer_client):
    make_varied_claims(10)
    small, _ = count_queries(reviewer_client, "/claims/counts/?status=unconfirmed", **HTMX)
    make_varied_claims(90)
    large, _ = count_queries(reviewer_client, "/claims/counts/?status=unconfirmed", **HTMX)
    assert small == large
    assert large <= 6


@pytest.mark.parametrize("limit", [10, 100])
def test_every_filter_at_once_stays_within_six_queries(reviewer_client, limit):
    make_varied_claims(3)
    story = Article.objects.first()
    filters = (
        f"q=drone&speaker=speaker&outlet={story.outlet_id}&article={story.pk}&venue=public_remarks&relay=relayed"
        f"&kind=factual&since=2020-01-01&until=2100-01-01&status=all&limit={limit}"
    )
    queries, response = count_queries(reviewer_client, f"/claims/?{filters}")
    assert len(response.context["claims"]) == 1
    assert queries <= 6


def test_load_more_through_1000_pages_of_claims_recorded_at_one_instant_skips_and_repeats_none(reviewer_client):
    # An import gives every claim one created_at: the cursor's id alone tells the pages apart.
    speaker, instant, by = make_speaker("Importer"), timezone.now(), recorder()
    claims = Claim.objects.bulk_create(
        [Claim(text=f"Imported claim {number}.", speaker=speaker, created_at=instant) for number in range(1001)]
    )
    # Each recorded with its first event, as an import records them: the event, then the claim's version.
    VerificationEvent.objects.bulk_create(
        [
            VerificationEvent(claim=claim, to_status="unconfirmed", by=by, reason="Imported.", version=1)
            for claim in claims
        ]
    )
    Claim.objects.filter(speaker=speaker).update(version=1)
    seen, cursor = [], None
    for _ in range(1000):
        rows, cursor = Claim.objects.keyset_page(SORTS["newest"], cursor, 1)
        seen += [claim.pk for claim in rows]
    assert len(seen) == len(set(seen)) == 1000
    assert seen == sorted(seen, reverse=True)
    last, end = Claim.objects.keyset_page(SORTS["newest"], cursor, 1)
    assert len(last) == 1 and end is None
    assert [*seen, last[0].pk] == sorted(Claim.objects.values_list("pk", flat=True), reverse=True)
    # The view's cursor, through its URL form, lands where the model's does.
    page = reviewer_client.get(f"/claims/?limit=100&after={encode_cursor([instant, seen[499]])}", **HTMX)
    assert [claim.pk for claim in page.context["claims"]] == seen[500:600]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's plan")
def test_the_cursor_is_one_row_comparison_that_postgresql_uses_as_an_index_condition(db):
    rows = Claim.objects.filter(status="unconfirmed").order_by(*SORTS["newest"])
    query = rows.filter(RowsAfter(SORTS["newest"], [timezone.now(), 10]))[:26]
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")  # as for the attribution filter's plan below
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(line for (line,) in cursor.fetchall())
    assert "claim_queue_idx" in plan
    conditions = [line for line in plan.splitlines() if "Index Cond:" in line]
    assert any("= 'unconfirmed'" in line and "ROW(created_at, id) < ROW(" in line for line in conditions), plan


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's plan")
def test_a_walk_within_an_outlet_starts_at_the_cursor_in_the_outlets_index(db):
    claims, ordering = Claim.objects.not_merged().through_outlet(make_outlet(), SORTS["newest"])
    sql, params = models.ordered_after(claims, ordering, [timezone.now(), 10]).query.sql_with_params()
    assert sql.count('"factcheck_claimoutlet"') == 1, sql  # the cursor reads the join the walk is ordered by
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(line for (line,) in cursor.fetchall())
    conditions = [line for line in plan.splitlines() if "Index Cond:" in line]
    assert any("ROW(created_at, claim_id) < ROW(" in line for line in conditions), plan


def row_of(client, claim):
    page = client.get("/claims/?status=all").text
    return page.split(f'id="claim-{claim.pk}-text"')[1].split("</article>")[0]


def test_a_row_is_drawn_again_whenever_what_it_shows_changes(reviewer_client, editor):
    article = make_article(make_outlet("Kyiv Post"), headline="Strikes on the grid")
    claim = make_claim("Shelling hit 40 homes.", speaker=make_speaker("Oleh Synyehubov"), article=article)
    assert "Oleh Synyehubov" in row_of(reviewer_client, claim)  # drawn once, now kept
    three_days_ago = timezone.now() - timedelta(days=3)

    changes = [
        (lambda: Speaker.objects.filter(pk=claim.speaker_id).update(name="Oleh Syniehubov"), "Oleh Syniehubov"),
        (lambda: Speaker.objects.filter(pk=claim.speaker_id).update(title="Governor"), "Oleh Syniehubov</a>, Governor"),
        (lambda: Article.objects.filter(pk=article.pk).update(headline="Strikes on the power grid"), "the power grid"),
        (lambda: Outlet.objects.filter(pk=article.outlet_id).update(name="The Kyiv Post"), "(The Kyiv Post)"),
        (lambda: Article.objects.filter(pk=article.pk).update(state="draft"), "In the draft"),
        (lambda: make_evidence(claim), "1 piece of evidence"),
        (lambda: make_appearance(claim, Venue.SOCIAL_MEDIA_POST, outlet=make_outlet("X")), "Social-media post on X"),
        (lambda: Claim.objects.filter(pk=claim.pk).update(text="Shelling hit 41 homes."), "41 homes"),
        (lambda: Claim.objects.filter(pk=claim.pk).update(kind="prediction"), "Prediction"),
        (lambda: claim.set_status("verified", by=editor, reason="The governor's office confirmed it."), "Verified"),
        (lambda: Claim.objects.filter(pk=claim.pk).update(created_at=three_days_ago), "3\xa0days ago"),
    ]
    for change, shown in changes:
        change()
        assert shown in row_of(reviewer_client, claim), shown


def test_a_rows_re_check_date_turns_overdue_the_day_it_passes(reviewer_client, monkeypatch):
    claim = make_claim("The bridge will reopen in May.")
    Claim.objects.filter(pk=claim.pk).update(recheck_on=timezone.localdate() + timedelta(days=1))
    assert "(overdue)" not in row_of(reviewer_client, claim)
    later = timezone.localdate() + timedelta(days=2)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: later)
    assert "(overdue)" in row_of(reviewer_client, claim)


def test_a_rows_re_check_date_turns_due_today_on_its_day_and_overdue_the_day_after(reviewer_client, monkeypatch):
    claim = make_claim("The ferry will run again in June.")
    tomorrow = timezone.localdate() + timedelta(days=1)
    Claim.objects.filter(pk=claim.pk).update(recheck_on=tomorrow)
    assert "(due today)" not in row_of(reviewer_client, claim)
    days = [(tomorrow, "(due today)", "(overdue)"), (tomorrow + timedelta(days=1), "(overdue)", "(due today)")]
    for day, shown, not_shown in days:
        monkeypatch.setattr(timezone, "localdate", lambda *args, day=day, **kwargs: day)
        row = row_of(reviewer_client, claim)
        assert shown in row and not_shown not in row


def test_rows_are_copied_from_the_fragments_cache_and_drawn_the_same(reviewer_client):
    from django.core.cache.utils import make_template_fragment_key

    claim = make_claim("Shelling hit 40 homes.")
    make_appearance(claim, Venue.SOCIAL_MEDIA_POST, outlet=make_outlet("X"))
    caches["fragments"].clear()
    drawn = reviewer_client.get("/claims/", **HTMX).text
    assert "Social-media post on X" in drawn
    assert reviewer_client.get("/claims/", **HTMX).text == drawn

    key = make_template_fragment_key("claim-row", [Claim.objects.for_queue().get(pk=claim.pk).row_key])
    assert "Shelling hit 40 homes." in caches["fragments"].get(key)
    caches["fragments"].set(key, "<li>the kept copy</li>")
    assert "<li>the kept copy</li>" in reviewer_client.get("/claims/", **HTMX).text
    caches["fragments"].clear()


def test_the_filters_kept_as_drawn_follow_the_values_asked_for_and_the_outlets(
    reviewer_client, django_capture_on_commit_callbacks
):
    def filters(query=""):
        return reviewer_client.get(f"/claims/?{query}").text.split('<form id="filters"')[1].split("</form>")[0]

    assert '<option value="prediction" selected>' in filters("kind=prediction")
    opinion = filters("kind=opinion")
    assert '<option value="opinion" selected>' in opinion
    assert '<option value="prediction" selected>' not in opinion
    assert 'value="drones"' in filters("kind=opinion&q=drones")
    assert 'value="tanks"' in filters("kind=opinion&q=tanks")  # the search box is drawn apart
    assert "Enter a valid date" in filters("since=soon")
    assert "Enter a valid date" not in filters("since=2024-01-01")
    # A story saved with a new outlet: the queue offers it at once, where it waited for the cached
    # options' minute to pass. Committed, as the desk's save commits it.
    with django_capture_on_commit_callbacks(execute=True):
        outlet = make_outlet("Kyiv Post")
    assert ">Kyiv Post</option>" in filters()
    with django_capture_on_commit_callbacks(execute=True):
        outlet.name = "The Kyiv Post"
        outlet.save()
    assert ">The Kyiv Post</option>" in filters()
    Outlet.objects.filter(pk=outlet.pk).update(name="Kyiv Post Daily")  # no save(): kept the minute
    assert ">The Kyiv Post</option>" in filters()
    cache.delete(models.OUTLET_CHOICES_KEY)
    assert ">Kyiv Post Daily</option>" in filters()


def test_appearances_are_read_only_for_the_rows_not_drawn_yet(reviewer_client):

    claims = [make_claim(f"Shelling hit {number} homes.") for number in range(3)]
    for claim in claims:
        make_appearance(claim, Venue.SOCIAL_MEDIA_POST, outlet=make_outlet(f"Outlet {claim.pk}"))
    caches["fragments"].clear()

    def appearance_reads():
        with CaptureQueriesContext(connection) as queries:
            page = reviewer_client.get("/claims/", **HTMX).text
        return sum(query["sql"].startswith('SELECT "factcheck_appearance"') for query in queries), page

    assert appearance_reads()[0] == 1
    reads, page = appearance_reads()
    assert reads == 0
    assert page.count("Social-media post on Outlet ") == 3
    assert "· and 1 more" not in page
    make_appearance(claims[0], Venue.PRESS_CONFERENCE, outlet=make_outlet("Kyiv Post"))
    reads, page = appearance_reads()
    assert reads == 1
    assert "· and 1 more" in page  # its second appearance
    caches["fragments"].clear()


def test_rows_copied_from_their_drawn_copies_read_as_when_drawn(reviewer_client, editor):
    """The queue, a search and "load more", each drawn with no row drawn yet, then copied from the
    drawn rows: the same page, byte for byte."""
    make_varied_claims(12)
    decided = make_claim("Drone claim repeated.")
    verify(decided, by=editor)
    models.ClaimLink.link(make_claim("Drone claim said again."), decided, models.LinkKind.SAME_CLAIM)
    first = reviewer_client.get("/claims/?limit=5&status=all")
    urls = [
        "/claims/",
        "/claims/?status=all&relay=relayed",
        "/claims/?q=drone&status=all",
        f"/claims/?limit=5&status=all&after={first.context['next_page']}&shown=5",
    ]
    for url in urls:
        caches["fragments"].clear()
        drawn = reviewer_client.get(url, **HTMX).text
        copied = reviewer_client.get(url, **HTMX).text
        assert drawn.count('<li class="claim-row">') >= 5
        assert copied == drawn, url


def test_a_rows_age_step_changes_whenever_its_shown_age_does(monkeypatch):
    from django.utils.timesince import timesince

    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now)
    # Every 7 minutes and 13 seconds over 800 days (minutes, hours, days, weeks, months and years),
    # in runs of one step. The age shown only grows with the age, so a run whose first and last
    # ages show the same shows it throughout: only those two are asked of timesince.
    ages = [now - timedelta(seconds=seconds) for seconds in range(0, 800 * 24 * 3600, 433)]
    shown_at_step = {}
    for step, same_step in groupby(ages, key=models.age_step):
        run = list(same_step)
        shown = timesince(run[0], now, depth=1)
        assert shown_at_step.setdefault(step, shown) == shown == timesince(run[-1], now, depth=1), (step, run[0])
    assert len(set(shown_at_step.values())) >= 50  # the scan saw every unit


def test_the_queue_reads_no_storys_whole_text(reviewer_client):
    make_claim("The bridge will reopen.", article=make_article(body="A long story. " * 2000))
    with CaptureQueriesContext(connection) as queries:
        page = reviewer_client.get("/claims/").text
    assert "The bridge will reopen." in page
    assert not [query["sql"] for query in queries if '"factcheck_article"."body"' in query["sql"]]


def test_the_queue_reads_only_the_columns_its_rows_show(reviewer_client):
    """The claim's quote and span, the speaker's aliases and description, the story's address are the
    claim page's: every row reading them was a twentieth of a queue partial's CPU."""
    make_claim("The bridge will reopen.", quote="“The bridge will reopen,” he said.", span_exact="The bridge")
    with CaptureQueriesContext(connection) as queries:
        page = reviewer_client.get("/claims/", **HTMX).text
    assert "The bridge will reopen." in page
    [rows] = [query["sql"] for query in queries if query["sql"].startswith('SELECT "factcheck_claim"."id"')]
    for column in ['"factcheck_claim"."quote"', '"factcheck_claim"."span_exact"', '"factcheck_speaker"."aliases"']:
        assert column not in rows
    for column in ['"factcheck_article"."url"', '"factcheck_outlet"."domain"']:
        assert column not in rows


def test_the_status_links_follow_the_filters_though_they_are_kept(reviewer_client):
    for kind in ["prediction", "opinion", "prediction"]:
        page = reviewer_client.get(f"/claims/?kind={kind}&status=verified").text
        nav = page.split('id="status-counts"')[1].split("</nav>")[0]
        assert f'href="/claims/?kind={kind}&amp;status=disputed"' in nav
        assert 'class="status-verified" aria-current="page"' in nav
        assert "kind=" + ({"prediction": "opinion", "opinion": "prediction"}[kind]) not in nav


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's plan")
def test_the_attribution_filter_walks_its_index_newest_first(reviewer_client, editor):
    make_claim("Denied by the ministry.").set_attribution("denied", by=editor, reason="The ministry denied it.")
    with CaptureQueriesContext(connection) as queries:
        page = reviewer_client.get("/claims/?attribution=denied&status=all").text
    assert "Denied by the ministry." in page
    [sql] = [query["sql"] for query in queries if '"factcheck_claim"."attribution" =' in query["sql"]]
    with connection.cursor() as cursor:
        # A test's few rows would be read whole, or gathered and sorted, for nothing: leave the planner the
        # indexes that give them in order, as it takes them at a million claims for a page of 26.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(line for (line,) in cursor.fetchall())
    assert "claim_attribution_idx" in plan
    assert "Sort Key" not in plan.split("claim_attribution_idx")[0], plan  # given in order, not sorted


def summary_of(response):
    """The queue's summary line as a person reads it, spaces collapsed."""
    start = response.text.index('id="queue-summary"')
    line = response.text[response.text.index(">", start) + 1 : response.text.index("</p>", start)]
    return " ".join(line.split())


def test_the_summary_counts_the_claims_shown_and_load_more_updates_it(reviewer_client):
    for number in range(7):
        make_claim(f"North report {number}.")
    first = reviewer_client.get("/claims/?limit=3&q=North", **HTMX)
    assert summary_of(first).startswith("Showing 3 claims · ")
    assert summary_of(first).endswith("· more below")
    assert "shown=3" in first.text  # "load more" says how many rows the page shows
    second = reviewer_client.get(f"/claims/?limit=3&q=North&after={first.context['next_page']}&shown=3", **HTMX)
    assert 'id="queue-summary" class="summary" role="status" hx-swap-oob="true"' in second.text
    assert summary_of(second).startswith("Showing 6 claims · ")
    third = reviewer_client.get(f"/claims/?limit=3&q=North&after={second.context['next_page']}&shown=6", **HTMX)
    assert summary_of(third).startswith("7 claims · ")
    assert "more below" not in summary_of(third)


def test_the_summary_counts_only_rows_a_page_was_sent_whatever_shown_says(reviewer_client):
    # "?shown=99999999999" on a first page read "100000000002 claims": `shown` counts the rows
    # "load more" was sent after, and there are none before a first page.
    for number in range(3):
        make_claim(f"East report {number}.")
    for shown in ["99999999999", "-5", "1" * 40, "abc"]:
        assert summary_of(reviewer_client.get(f"/claims/?q=East&shown={shown}")).startswith("3 claims · ")
    first = reviewer_client.get("/claims/?limit=2&q=East")
    more = f"/claims/?limit=2&q=East&after={first.context['next_page']}"
    assert summary_of(reviewer_client.get(f"{more}&shown=2", **HTMX)).startswith("3 claims · ")
    # More rows than there can be ids is no count of rows: the page counts its own.
    assert summary_of(reviewer_client.get(f"{more}&shown={'1' * 40}", **HTMX)).startswith("1 claim · ")


def test_a_single_page_of_results_states_their_number(reviewer_client):
    for number in range(2):
        make_claim(f"South report {number}.")
    assert summary_of(reviewer_client.get("/claims/?q=South")).startswith("2 claims · ")


def test_the_next_page_without_javascript_says_how_many_more_it_shows(reviewer_client):
    for number in range(3):
        make_claim(f"Row {number}.")
    first = reviewer_client.get("/claims/?limit=2")
    response = reviewer_client.get(f"/claims/?limit=2&after={first.context['next_page']}")
    assert summary_of(response).startswith("1 more claim · ")


def test_a_refusal_says_which_permission_is_missing(reviewer, editor):
    # The 403 page said only "an editor or an administrator can add you to the Reviewers or Editors
    # group", to a reviewer already in Reviewers and to an editor refused an import alike.
    reviewer_client, editor_client = Client(), Client()
    reviewer_client.force_login(reviewer)
    editor_client.force_login(editor)
    claim = make_claim()
    refused = reviewer_client.post(reverse("claim_change_status", args=[claim.pk]), {"status": "verified"})
    assert refused.status_code == 403
    assert "lacks the permission: can change the verification status of a claim." in refused.text
    assert "An editor or an administrator can add you" not in refused.text
    upload = editor_client.get(reverse("admin:factcheck_importjob_upload"))
    assert upload.status_code == 403
    assert "lacks the permission: can import and export claims in bulk." in upload.text


def test_a_claim_the_same_as_a_decided_one_says_so_on_its_row_and_follows_that_verdict(reviewer_client):
    """A story repeating a claim the desk has decided puts the restatement in the queue, unconfirmed
    until an editor decides it: its row says what the newsroom already holds of the claim it repeats."""
    decided = make_claim("North Korea sent 11,000 troops.")
    decided.set_status("disputed", by=recorder(), reason="The intelligence services disagree.")
    repeated = make_claim("North Korea has sent 11,000 soldiers.")
    contradicted = make_claim("North Korea sent no troops.")
    still_open = make_claim("The troops are in Kursk.")
    models.ClaimLink.link(repeated, decided, models.LinkKind.SAME_CLAIM)
    models.ClaimLink.link(contradicted, decided, models.LinkKind.CONTRADICTS)
    models.ClaimLink.link(still_open, make_claim("Troops are in the Kursk region."), models.LinkKind.SAME_CLAIM)

    rows = rows_of(reviewer_client.get("/claims/"))
    assert f"Same claim as #{decided.pk}: Disputed" in rows[repeated.text]
    assert "Same claim as" not in rows[contradicted.text]  # a contradiction is no restatement
    assert "Same claim as" not in rows[still_open.text]  # a twin nobody decided says nothing yet

    decided.refresh_from_db()
    make_evidence(decided, "refutes")
    decided.refresh_from_db()
    decided.set_status("false", by=recorder(), reason="The ministry retracted the figure.")
    rows = rows_of(reviewer_client.get("/claims/", **HTMX))  # the drawn row is not shown again stale
    assert f"Same claim as #{decided.pk}: False" in rows[repeated.text]


def rows_of(response):
    """Each row's text (as a person reads it: tags dropped, spaces collapsed) by its claim's words."""
    rows = {}
    for row in response.text.split('<li class="claim-row">')[1:]:
        words = " ".join(html.unescape(re.sub(r"<[^>]+>", "", row.split("</li>")[0])).split())
        claim = html.unescape(re.search(r'class="claim-text"><a [^>]+>([^<]+)</a>', row)[1])
        rows[claim] = words
    return rows


@pytest.mark.parametrize(("name", "title"), [("The mayor", "Mayor"), ("The harbour master", "Harbour master")])
def test_a_speaker_described_by_their_role_is_not_titled_with_it_again(reviewer_client, name, title):
    # The row read "The mayor, Mayor".
    claim = make_claim("The pier will open in May.", speaker=make_speaker(name, title=title))
    row = row_of(reviewer_client, claim)
    assert f"{name}</a>" in row
    assert f"{name}</a>, {title}" not in row


def test_the_rows_annotations_compiled_once_read_what_django_compiles_anew(editor):
    """for_rows() reads a row's evidence count, appearances and twin's verdict through SQL compiled
    once a process (models.compiled): the same values as the expressions compiled for each query."""
    wire = make_outlet("Wire")
    plain = make_claim("Nothing is known of it.")
    relayed = make_claim("The dam was hit twice.", article=make_article(outlet=make_outlet("Kyiv Post")))
    origin = make_appearance(relayed, Venue.PUBLIC_REMARKS)
    make_appearance(relayed, Venue.RELAYED_REPORT, outlet=wire, relayed_from=origin)
    make_evidence(relayed, "supports")
    make_evidence(relayed, "context")
    decided = make_claim("The dam was hit two times.")
    verify(decided, by=editor)
    models.ClaimLink.link(relayed, decided, models.LinkKind.SAME_CLAIM)
    names = list(models.queue_expressions())

    compiled = Claim.objects.for_rows().order_by("pk").values_list(*names)
    anew = Claim.objects.annotate(**models.queue_expressions()).order_by("pk").values_list(*names)

    assert list(compiled) == list(anew)
    by_claim = dict(zip([plain.pk, relayed.pk, decided.pk], compiled, strict=True))
    assert by_claim[plain.pk] == (0, None, None)
    assert by_claim[relayed.pk][0] == 2
    assert by_claim[relayed.pk][1].count('"Wire"') == 1  # its relay, by the wire
    assert by_claim[relayed.pk][2] == f"{decided.pk}:verified"


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the probe and the gathering read PostgreSQL's facets")
def test_filters_that_seldom_meet_page_as_the_planner_would_whether_gathered_or_walked(
    reviewer_client, monkeypatch, subtests
):
    """Two filters read from the facets, with or without a search: when none of the first claims matches,
    the matches are gathered (models.gathered_if_none_first); the pages are those the planner's walk gives."""
    monkeypatch.setattr(models, "PROBED", 6)
    real = models.gathered_if_none_first
    record = SimpleNamespace(found=[], planner_only=False)

    def gathered_if_none_first(claims, ordering, cursor):
        record.found.append(None if record.planner_only else real(claims, ordering, cursor))
        return record.found[-1]

    monkeypatch.setattr(models, "gathered_if_none_first", gathered_if_none_first)
    for number in range(40):
        claim = make_claim(f"Claim {number} of the filters.", kind="opinion" if number % 13 == 3 else "factual")
        relayed(claim, Venue.INTERVIEW if number % 4 else Venue.SOCIAL_MEDIA_POST, relays=number % 3 == 1)
        if number % 5 == 2:
            verify(claim)
    Claim.objects.update(created_at=timezone.now())  # tied, as an import leaves them: the ids break the ties
    cases = [
        "venue=interview&relay=relayed",  # one claim in four of the first: walked
        "venue=social_media_post&kind=opinion",  # one old claim: gathered
        "status=verified&kind=opinion",  # none
        "venue=social_media_post&relay=relayed&sort=oldest",
        "status=all&venue=interview&relay=direct",
        "status=verified&venue=interview",
        "q=claim filters&venue=interview&relay=relayed",  # ranked
        "q=claim&venue=social_media_post&kind=opinion&sort=newest",
        'q="claim 16"&venue=social_media_post&relay=direct',
        "q=nothing&status=verified&kind=opinion",
    ]
    branches = set()
    for params in cases:
        with subtests.test(params=params):
            record.found, record.planner_only = [], False
            found = searched_pages(reviewer_client, params)
            assert record.found, params  # the first claims were probed
            branches |= {"walked" if each is None else "gathered" if each.exists() else "none" for each in record.found}
            record.planner_only = True
            assert found == searched_pages(reviewer_client, params), params
    assert branches == {"walked", "gathered", "none"}
    record.found = []
    searched_pages(reviewer_client, "venue=interview")  # one filter: the planner's
    searched_pages(reviewer_client, "venue=interview&speaker=claim")  # the speaker's own index
    assert record.found == []
