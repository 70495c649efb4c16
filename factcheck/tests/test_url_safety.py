"""A stored URL becomes a link only if it is http or https, whatever road it came in by; and a
`next` address never sends anyone off the site after signing in or out.

The URLs here reach the database through the ORM, as the shell, an import path or SQL could
store them, skipping every form's validation; no page may then offer them as a link.
"""

import html.parser
import json
import re
from urllib.parse import quote, urlsplit

import pytest
from django.urls import reverse

from factcheck.models import Evidence, PublishedVerdict
from factcheck.templatetags.links import is_web_url
from factcheck.tests.factories import make_appearance, make_article, make_claim, make_evidence

pytestmark = pytest.mark.django_db

HOSTILE_URLS = [
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    " \x01javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "https:alert(1)",
    "//evil.example/",
]


class Anchors(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a" and (href := dict(attrs).get("href")) is not None:
            self.hrefs.append(href)  # entities already decoded, as a browser reads them


def offsite_hrefs(page):
    """Every link that leaves the site, as the browser would read its address."""
    parser = Anchors()
    parser.feed(page)
    offsite = []
    for href in parser.hrefs:
        # Browsers drop leading spaces and control characters, and tabs and newlines anywhere.
        address = re.sub(r"[\t\n\r]", "", href).lstrip("".join(map(chr, range(0x21))))
        if urlsplit(address).scheme or address.startswith("//"):
            offsite.append(address)
    return offsite


def assert_no_unsafe_link(page, where):
    for address in offsite_hrefs(page):
        assert urlsplit(address).scheme in {"http", "https"} and not address.startswith("//"), (where, address)


@pytest.fixture
def stored(request):
    """A claim whose story, appearance and evidence all carry `request.param` as their URL."""
    url = request.param
    article = make_article(url=url, body="The minister said the bridge is open.")
    claim = make_claim("The bridge is open.", article=article, span_exact="the bridge is open")
    make_appearance(claim, outlet=article.outlet, url=url)
    make_evidence(claim, url=url, citation="")
    make_evidence(claim, url=url, citation="Ministry statement")
    return claim


def app_pages(claim):
    return [
        claim.get_absolute_url(),
        claim.article.get_absolute_url(),
        claim.speaker.get_absolute_url(),
        claim.article.outlet.get_absolute_url(),
        "/claims/",
    ]


def admin_pages(claim):
    evidence = claim.evidence.first()
    return [
        reverse("admin:factcheck_claim_change", args=[claim.pk]),
        reverse("admin:factcheck_claim_changelist"),
        reverse("admin:factcheck_article_change", args=[claim.article.pk]),
        reverse("admin:factcheck_article_changelist"),
        reverse("admin:factcheck_evidence_change", args=[evidence.pk]),
        reverse("admin:factcheck_evidence_changelist"),
        reverse("admin:factcheck_outlet_change", args=[claim.article.outlet.pk]),
    ]


@pytest.mark.parametrize("stored", HOSTILE_URLS, indirect=True)
def test_a_hostile_url_is_never_a_link_in_the_app(reviewer_client, stored):
    for page in app_pages(stored):
        response = reviewer_client.get(page)
        assert response.status_code == 200, page
        assert_no_unsafe_link(response.text, page)


@pytest.mark.parametrize("stored", HOSTILE_URLS, indirect=True)
def test_a_hostile_url_is_shown_as_text_so_an_editor_can_see_it(reviewer_client, stored):
    claim_page = reviewer_client.get(stored.get_absolute_url()).text
    assert claim_page.count('class="not-linked"') == 3  # the appearance and both evidence items
    assert "Ministry statement: " in claim_page
    assert 'class="not-linked"' in reviewer_client.get(stored.article.get_absolute_url()).text


@pytest.mark.parametrize("stored", HOSTILE_URLS, indirect=True)
def test_a_hostile_url_is_never_a_link_in_the_admin(editor_client, reviewer_client, stored):
    # The editor gets the change forms' inputs; the reviewer the read-only displays.
    for visitor in [editor_client, reviewer_client]:
        for page in admin_pages(stored):
            response = visitor.get(page)
            assert response.status_code == 200, page
            assert_no_unsafe_link(response.text, page)


@pytest.mark.parametrize("stored", ["ftp://files.example.org/statement.pdf"], indirect=True)
def test_an_ftp_url_is_not_linked_in_the_app_or_the_admins_inputs(editor_client, stored):
    for page in [*app_pages(stored), *admin_pages(stored)]:
        links = offsite_hrefs(editor_client.get(page).text)
        assert not [address for address in links if address.startswith("ftp:")], page


@pytest.mark.parametrize("stored", ["https://example.org/statement?id=1&lang=en"], indirect=True)
def test_a_web_url_is_a_link_everywhere_it_is_shown(editor_client, stored):
    href = 'href="https://example.org/statement?id=1&amp;lang=en"'
    claim_page = editor_client.get(stored.get_absolute_url()).text
    assert claim_page.count(href) == 3
    assert 'rel="noopener noreferrer"' in claim_page
    assert href in editor_client.get(stored.article.get_absolute_url()).text
    evidence = Evidence.objects.filter(claim=stored).first()
    assert href in editor_client.get(reverse("admin:factcheck_evidence_change", args=[evidence.pk])).text


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://example.org/a", True),
        ("HTTP://EXAMPLE.ORG", True),
        ("http://[::1]:8000/", True),
        ("", False),
        (None, False),
        ("example.org/no-scheme", False),
        ("http://[unclosed", False),
        ("mailto:desk@example.org", False),
        *[(url, False) for url in HOSTILE_URLS],
    ],
)
def test_only_http_and_https_addresses_count_as_web_urls(url, linked):
    assert is_web_url(url) is linked


# Redirects after signing in and out stay on this site, whatever `next` asks for.

PASSWORD = "correct horse battery staple"  # every persona's (conftest.make_user)
OFFSITE_NEXT = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "https:evil.example",
    " https://evil.example/",
    "/\t/evil.example/",
]


def assert_stays_on_site(response):
    """A redirect a browser follows to this site: read as browsers read it (tabs and newlines dropped,
    a backslash as a slash), it has neither a scheme nor a host."""
    assert response.status_code == 302
    location = re.sub(r"[\t\n\r]", "", response["Location"]).replace("\\", "/")
    assert not urlsplit(location).scheme and not urlsplit(location).netloc, response["Location"]


@pytest.mark.parametrize("page", ["/login/", "/admin/login/"])
@pytest.mark.parametrize("offsite", OFFSITE_NEXT)
def test_signing_in_never_redirects_off_the_site(client, editor, page, offsite):
    response = client.post(
        f"{page}?next={quote(offsite)}", {"username": "alice", "password": PASSWORD, "next": offsite}
    )
    assert_stays_on_site(response)


@pytest.mark.parametrize("offsite", OFFSITE_NEXT)
def test_a_signed_in_visit_to_the_login_page_never_redirects_off_the_site(editor_client, offsite):
    assert_stays_on_site(editor_client.get(f"/login/?next={quote(offsite)}"))


@pytest.mark.parametrize("offsite", OFFSITE_NEXT)
def test_signing_out_never_redirects_off_the_site(editor_client, offsite):
    assert_stays_on_site(editor_client.post("/logout/", {"next": offsite}))


def test_an_htmx_request_from_another_origin_is_sent_to_sign_in_with_no_offsite_next(client):
    response = client.get("/claims/", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="https://evil.example/claims/")
    assert response["HX-Redirect"] == "/login/?next=/claims/"


def urls_in(document):
    """Every "url" of a JSON-LD document, however deep."""
    if isinstance(document, dict):
        for key, value in document.items():
            yield from [value] if key == "url" else urls_in(value)
    elif isinstance(document, list):
        for value in document:
            yield from urls_in(value)


@pytest.mark.parametrize("stored", HOSTILE_URLS, indirect=True)
def test_a_hostile_url_never_reaches_the_public_page_or_feed_of_a_published_verdict(client, editor, stored):
    publication = PublishedVerdict.publish(stored.set_status("verified", by=editor, reason="Seen open."), by=editor)
    page = client.get(publication.get_absolute_url()).text
    assert_no_unsafe_link(page, "the public page")
    review = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)[1])
    feed = client.get(reverse("claimreview_feed")).json()
    for document in [review, feed]:
        urls = list(urls_in(document))
        assert urls and all(is_web_url(url) for url in urls), urls
