"""The public ClaimReview feed: the verdicts we published, newest first (test_publishing.py: which ones)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from factcheck.models import PublishedVerdict
from factcheck.tests.factories import make_appearance, make_claim, make_evidence

pytestmark = pytest.mark.django_db

URL = "/feeds/claimreview.json"


def decided(text, status, editor, *, publish=True):
    """A claim given `status` here, and that verdict published (unless `publish` is false)."""
    claim = make_claim(text)
    make_appearance(claim, url="https://example.org/said")
    make_evidence(claim, {"verified": "supports", "false": "refutes"}.get(status, "context"))
    event = claim.set_status(status, by=editor, reason="Decided for the feed test.")
    return PublishedVerdict.publish(event, by=editor) if publish else claim


def reviewed(response):
    return [element["item"]["claimReviewed"] for element in response.json()["dataFeedElement"]]


def test_anyone_can_read_the_feed_of_published_verdicts_newest_first(client, editor):
    decided("Verified one.", "verified", editor)
    make_claim("Still unconfirmed.")
    decided("Disputed, not published.", "disputed", editor, publish=False)
    decided("Disputed one.", "disputed", editor)
    decided("False one.", "false", editor)
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    assert response.json()["@type"] == "DataFeed"
    assert reviewed(response) == ["False one.", "Disputed one.", "Verified one."]
    item = response.json()["dataFeedElement"][0]["item"]
    assert item["url"].startswith("http://testserver/verdicts/")
    assert item["author"]["url"] == "http://testserver"


def test_the_feed_is_cacheable_for_five_minutes(client, editor):
    response = client.get(URL)
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]


def test_the_feed_and_a_verdict_page_answer_head_requests(client, editor):
    """Link checkers and previewers ask with HEAD first: the public side answered 405."""
    publication = decided("Verified one.", "verified", editor)
    for url in (URL, f"/verdicts/{publication.pk}/"):
        response = client.head(url)
        assert response.status_code == 200, url
    assert client.post(URL).status_code == 405


def test_the_feed_pages_with_a_link_to_the_next_page(client, editor):
    published = [decided(f"Claim {n}.", "disputed", editor) for n in range(5)]
    first = client.get(URL, {"limit": 2})
    assert reviewed(first) == ["Claim 4.", "Claim 3."]
    assert first["Link"] == f'<http://testserver{URL}?before={published[3].pk}&limit=2>; rel="next"'
    last = client.get(URL, {"limit": 2, "before": published[1].pk})
    assert reviewed(last) == ["Claim 0."]
    assert "Link" not in last


def test_the_feed_reads_a_fixed_number_of_queries(client, editor):
    for n in range(3):
        decided(f"Claim {n}.", "verified", editor)
    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"limit": 2})
    for n in range(3):
        decided(f"More {n}.", "false", editor)
    with CaptureQueriesContext(connection) as more:
        client.get(URL, {"limit": 5})
    assert len(few) == len(more) <= 3


@pytest.mark.parametrize("query", [{"limit": "ten"}, {"before": "x"}])
def test_a_feed_query_that_is_not_a_number_is_a_bad_request(client, query):
    assert client.get(URL, query).status_code == 400


def test_the_feed_is_read_only(client):
    assert client.post(URL).status_code == 405


def test_the_feed_stays_public_when_every_other_page_needs_a_login(client, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "django.contrib.auth.middleware.LoginRequiredMiddleware"]
    assert client.get(URL).status_code == 200
    assert client.get("/claims/").status_code == 302
