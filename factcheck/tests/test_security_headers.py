"""Content-Security-Policy on every page, and no cached copies of signed-in pages.

The browser crawl (test_browser_crawl.py) checks that pages run under this policy with no
violation; these tests check the headers and the markup the policy relies on.
"""

import json
import re

import pytest
from django.conf import settings
from django.urls import reverse

from factcheck.tests.factories import make_appearance, make_article, make_claim, make_evidence

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def claim(db):
    article = make_article(url="https://example.org/story", body="The minister said the bridge is open.")
    claim = make_claim("The bridge is open.", article=article, span_exact="the bridge is open")
    make_appearance(claim, outlet=article.outlet, url="https://example.org/statement")
    make_evidence(claim)
    return claim


def app_pages(claim):
    return [
        "/claims/",
        "/claims/?status=all&since=2020-01-01",
        claim.get_absolute_url(),
        claim.speaker.get_absolute_url(),
        claim.article.outlet.get_absolute_url(),
        claim.article.get_absolute_url(),
    ]


def admin_pages(claim):
    return [
        reverse("admin:index"),
        reverse("admin:factcheck_claim_changelist"),
        reverse("admin:factcheck_claim_change", args=[claim.pk]),
        reverse("admin:factcheck_importjob_upload"),
    ]


def policy(response):
    """The enforced policy as {directive: [values]}."""
    header = response.headers["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";"))}


def assert_scripts_and_styles_carry_the_nonce(response):
    directives = policy(response)
    for directive in ["script-src", "style-src"]:
        assert "'unsafe-inline'" not in directives[directive]
        assert "'unsafe-eval'" not in directives[directive]
    nonces = [value for value in directives["script-src"] if value.startswith("'nonce-")]
    assert len(nonces) == 1, directives["script-src"]
    nonce = nonces[0].removeprefix("'nonce-").removesuffix("'")
    assert f"'nonce-{nonce}'" in directives["style-src"]
    scripts = re.findall(r"<script\b[^>]*>", response.text)
    assert scripts, "the page loads no script"
    for tag in scripts + re.findall(r"<style\b[^>]*>", response.text):
        assert f'nonce="{nonce}"' in tag, tag


def test_the_policy_allows_only_our_origin_and_nonces():
    directives = {name: [str(value) for value in values] for name, values in settings.SECURE_CSP.items()}
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    for values in directives.values():
        assert "'unsafe-inline'" not in values
        assert "'unsafe-eval'" not in values
        assert "*" not in values


def test_the_login_page_is_under_the_policy(client):
    response = client.get("/login/")
    assert response.status_code == 200
    assert_scripts_and_styles_carry_the_nonce(response)


def test_every_app_page_is_under_the_policy(reviewer_client, claim):
    for page in app_pages(claim):
        response = reviewer_client.get(page)
        assert response.status_code == 200, page
        assert_scripts_and_styles_carry_the_nonce(response)
        assert " style=" not in response.text, page


def test_every_htmx_fragment_is_under_the_policy(reviewer_client, claim):
    response = reviewer_client.get("/claims/", **HTMX)
    assert response.status_code == 200
    assert "Content-Security-Policy" in response.headers
    assert "<script" not in response.text


def test_admin_pages_are_under_the_policy(admin_client, claim):
    for page in admin_pages(claim):
        response = admin_client.get(page)
        assert response.status_code == 200, page
        assert_scripts_and_styles_carry_the_nonce(response)


def test_each_response_gets_its_own_nonce(reviewer_client, claim):
    first, second = (policy(reviewer_client.get("/claims/"))["script-src"] for _ in range(2))
    assert first != second


def test_htmx_runs_without_eval_or_injected_styles(reviewer_client, claim):
    page = reviewer_client.get("/claims/").text
    config = json.loads(re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", page).group(1))
    assert config["allowEval"] is False
    assert config["includeIndicatorStyles"] is False


def test_the_queue_filters_use_a_trigger_htmx_can_parse_without_eval(reviewer_client):
    page = reviewer_client.get("/claims/").text
    trigger = re.search(r'<form id="filters"[^>]*hx-trigger="([^"]*)"', page).group(1)
    # An unparenthesised selector with [..] reads as an event filter, which needs eval.
    assert trigger == "submit, change from:(#filters select, #filters input[type=date])"


def test_our_templates_carry_no_inline_style_or_script():
    """No inline code. A published verdict's JSON-LD is data, not code: escaped JSON, allowed by its hash
    (test_publishing.py)."""
    offenders = []
    inline_script = r'<script(?![^>]*\b(?:src=|type="application/ld\+json"))[^>]*>'
    for template in sorted((settings.BASE_DIR / "templates").rglob("*.html")):
        text = template.read_text()
        for pattern in [r"<style\b", r"\sstyle=", inline_script, r"\son[a-z]+=", r"javascript:"]:
            offenders += [f"{template.name}: {match}" for match in re.findall(pattern, text)]
    assert offenders == []


# Cache-Control


def assert_private_no_store(response):
    directives = {part.strip() for part in response.headers.get("Cache-Control", "").split(",")}
    assert {"private", "no-store"} <= directives, response.headers.get("Cache-Control")


def test_signed_in_pages_are_private_and_never_stored(reviewer_client, claim):
    for page in app_pages(claim):
        assert_private_no_store(reviewer_client.get(page))
    assert_private_no_store(reviewer_client.get("/claims/", **HTMX))
    assert_private_no_store(reviewer_client.get(reverse("claim_counts")))


def test_signed_in_posts_and_admin_pages_are_private_and_never_stored(editor_client, admin_client, claim):
    response = editor_client.post(reverse("claim_add_note", args=[claim.pk]), {"body": "Call the ministry."})
    assert response.status_code == 302
    assert_private_no_store(response)
    for page in admin_pages(claim):
        assert_private_no_store(admin_client.get(page))


def test_an_outsiders_refusal_is_not_stored_either(outsider_client, claim):
    response = outsider_client.get(claim.get_absolute_url())
    assert response.status_code == 403
    assert_private_no_store(response)


def test_the_public_feed_stays_cacheable_for_everyone(client, reviewer_client, claim):
    for visitor in [client, reviewer_client]:
        response = visitor.get(reverse("claimreview_feed"))
        assert response.status_code == 200
        assert "public" in response.headers["Cache-Control"]
        assert "no-store" not in response.headers["Cache-Control"]
        assert "Cookie" not in response.headers.get("Vary", "")
