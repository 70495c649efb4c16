"""The pages' HTML ids: each one once on a page, and every reference to an id (a label's `for`,
`aria-describedby`, `aria-labelledby`) names an element the page has. A duplicate id sends a
label's click, and a screen reader, to another form's field."""

from collections import Counter
from html.parser import HTMLParser

import pytest

from factcheck.models import ArticleState, CorrectionCase, PublishedVerdict
from factcheck.tests.factories import make_appearance, make_article, make_claim, make_evidence

pytestmark = pytest.mark.django_db

REFERENCES = ("for", "aria-describedby", "aria-labelledby", "aria-controls", "list")


class Ids(HTMLParser):
    """The ids a page gives its elements, and the ids its attributes refer to."""

    def __init__(self):
        super().__init__()
        self.given = Counter()
        self.referred = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.given[attrs["id"]] += 1
        for name in REFERENCES:
            for target in (attrs.get(name) or "").split():
                self.referred.append((tag, name, target))


def id_problems(html):
    page = Ids()
    page.feed(html)
    twice = [f"id {name!r} given {times} times" for name, times in page.given.items() if times > 1]
    missing = [
        f"<{tag} {name}={target!r}> names no element" for tag, name, target in page.referred if target not in page.given
    ]
    return twice + missing


@pytest.fixture
def disputed(editor):
    """A claim an editor disputed here (so its verdict can be published), in a story that carried it."""
    claim = make_claim("The dam held overnight.", article=make_article(headline="Said it first"))
    make_appearance(claim)
    make_evidence(claim, "refutes")
    claim.refresh_from_db()
    claim.set_status("disputed", by=editor, reason="Engineers saw a crack.")
    make_evidence(claim, "supports")
    return claim


def test_every_id_is_given_once_and_every_reference_finds_its_element(editor_client, disputed):
    assert CorrectionCase.objects.filter(article=disputed.article).exists()
    pages = [
        "/claims/",
        "/claims/?status=all&q=dam&limit=1",
        f"/claims/{disputed.pk}/",
        f"/articles/{disputed.article_id}/",
        "/corrections/",
        "/rechecks/",
    ]
    problems = {}
    for url in pages:
        response = editor_client.get(url)
        assert response.status_code == 200, url
        problems[url] = id_problems(response.text)
    assert problems == {url: [] for url in pages}


def test_a_drafts_check_with_its_sign_off_form_keeps_its_references(editor_client):
    draft = make_article(state=ArticleState.DRAFT, body="The mayor said the bridge was closed.")
    response = editor_client.get(f"/articles/{draft.pk}/check/")
    assert "sign-off-form" in response.text
    assert id_problems(response.text) == []


def test_the_checker_finds_a_duplicate_id_and_a_dangling_reference():
    html = '<label for="a">A</label><input id="a"><input id="a" aria-describedby="a_helptext">'
    assert id_problems(html) == ["id 'a' given 2 times", "<input aria-describedby='a_helptext'> names no element"]


def test_a_claim_page_with_refused_forms_and_a_live_verdict_keeps_its_ids_unique(editor_client, editor, disputed):
    PublishedVerdict.publish(disputed.events.latest(), by=editor)
    url = f"/claims/{disputed.pk}/"
    refused = [
        editor_client.post(f"{url}evidence/", {"summary": "No source given."}),
        editor_client.post(f"{url}publish/", {"event": disputed.events.latest().pk, "summary": "x" * 5001}),
        editor_client.post(f"{url}notes/", {"body": ""}),
        editor_client.post(f"{url}assignees/", {"username": "nobody", "action": "assign"}),
        editor_client.post(f"{url}status/", {"status": "false", "version": disputed.version, "reason": ""}),
    ]
    assert all(400 <= response.status_code < 500 for response in refused)
    assert [id_problems(response.text) for response in refused] == [[]] * len(refused)
    assert id_problems(editor_client.get(url).text) == []


def test_the_reviewers_pages_keep_their_ids_unique(reviewer_client, disputed):
    for url in ["/claims/", f"/claims/{disputed.pk}/", f"/articles/{disputed.article_id}/"]:
        assert id_problems(reviewer_client.get(url).text) == [], url
