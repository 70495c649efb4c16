"""The story desk's web side: adding a story, the review screen, and saving it once (issue 9).

The proposals come from the hand annotation of the seed story (fixtures/seed-claims.json) turned
into the engine's Proposal objects, so these tests do not depend on how well the engine reads.
"""

import dataclasses
import html
import json
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.datastructures import MultiValueDict

from conftest import login
from factcheck.extraction import PipelineMissing, Proposal, Quantity
from factcheck.extraction import extract as extract_claims
from factcheck.forms import STORY_MAX_CHARACTERS
from factcheck.models import (
    Appearance,
    Article,
    Claim,
    ClaimLink,
    Outlet,
    Speaker,
    StoryDraft,
    VerificationEvent,
    text_digest,
)
from factcheck.storydesk import NO_CONFIRMATION, parse_relays
from factcheck.tests.factories import make_article, make_claim, make_draft, make_outlet, make_speaker
from factcheck.tests.test_admin_locking import race
from factcheck.tests.test_views_queue import count_queries

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SEED_TEXT = (FIXTURES / "seed-article.txt").read_text(encoding="utf-8").strip()
SEED = json.loads((FIXTURES / "seed-claims.json").read_text(encoding="utf-8"))
QUALIFIERS = {"": "", "up to": "up_to", "at least": "at_least", "about": "about"}
KINDS = {"person": "person", "institution": "institution", "group": "unnamed_group"}


def seed_proposals(body=SEED_TEXT):
    """The 18 hand-annotated claims of the seed story as the engine would propose them, in story order."""
    annotated = sorted(SEED["claims"], key=lambda item: body.index(item["span"]))
    index = {item["id"]: number for number, item in enumerate(annotated)}
    proposals = []
    for item in annotated:
        start = body.index(item["span"])
        venue = item["venue"]
        quantity = item.get("quantity")
        links = [("same_claim", index[item["same_as"]])] if item.get("same_as") else []
        links += [("contradicts", index[item["conflicts_with"]])] if item.get("conflicts_with") else []
        proposals.append(
            Proposal(
                content=[(start, start + len(item["span"]))],
                cue=[],
                source=[],
                speaker=item["speaker"]["name"],
                speaker_kind=KINDS[item["speaker"]["kind"]],
                title=item["speaker"].get("title", ""),
                venue=venue["type"],
                outlet=venue["outlet"],
                relayed_by=[venue["relayed_by"]] if venue["relayed_by"] not in (None, "B-17") else [],
                quote=item["span"] if item["direct_quote"] else "",
                claim=item["text"],
                kind=item["kind"],
                quantity=Quantity(str(quantity["value"]), quantity["unit"], QUALIFIERS[quantity.get("qualifier", "")])
                if quantity
                else None,
                hedged=bool(item.get("status_evidence")),
                hedge=item.get("status_evidence") or "",
                links=links,
            )
        )
    return proposals


def seed_draft(**fields):
    fields.setdefault("new_outlet", "B-17")
    return make_draft(SEED_TEXT, seed_proposals(), **fields)


def post_review(client, draft, action, changes=None, **headers):
    """Post the review form as the page holds it (every proposal's fields), with `changes` on top."""
    current = StoryDraft.objects.get(pk=draft.pk)
    data = {"action": action, "revision": current.revision}
    for record in current.proposals:
        prefix = f"p{record['key']}-"
        data[prefix + "shown"] = "1"
        for name, value in record["fields"].items():
            data[prefix + name] = value
    data.update(changes or {})
    return client.post(f"/stories/{draft.pk}/", data, **headers)


def accept_everything(client, draft, changes=None, **headers):
    post_review(client, draft, "accept_all", **headers)
    return post_review(client, draft, "save", changes, **headers)


# Who may use the desk


def desk_urls(draft):
    return ["/stories/new/", f"/stories/{draft.pk}/", "/stories/speakers/?q=kov", "/stories/in-review/"]


def test_anonymous_users_are_sent_to_sign_in(client):
    draft = make_draft()
    for url in desk_urls(draft):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=/stories/")
    response = client.post(f"/stories/{draft.pk}/", {"action": "accept_all"}, **HTMX)
    assert response["HX-Redirect"].startswith("/login/")
    assert client.post("/stories/new/", {"body": "Text.", "outlet": "X"}).status_code == 302
    assert StoryDraft.objects.count() == 1


def test_an_outsider_may_not_use_the_desk(outsider_client):
    draft = make_draft()
    for url in desk_urls(draft):
        assert outsider_client.get(url).status_code == 403
    assert outsider_client.post("/stories/new/", {"body": "Officials said so.", "outlet": "X"}).status_code == 403
    assert post_review(outsider_client, draft, "save").status_code == 403
    assert "Add a story" not in outsider_client.get("/claims/").text


@pytest.mark.parametrize("persona", ["reviewer_client", "editor_client"])
def test_reviewers_and_editors_use_the_desk(request, persona):
    client = request.getfixturevalue(persona)
    draft = make_draft()
    for url in desk_urls(draft):
        assert client.get(url).status_code == 200
    assert '<a href="/stories/new/">Add a story</a>' in client.get("/claims/").text


def test_only_get_and_post_are_allowed(reviewer_client):
    draft = make_draft()
    assert reviewer_client.put("/stories/new/").status_code == 405
    assert reviewer_client.delete(f"/stories/{draft.pk}/").status_code == 405
    assert reviewer_client.post("/stories/speakers/").status_code == 405


def test_a_head_of_the_desk_s_pages_answers_as_a_get_and_writes_nothing(reviewer_client):
    draft = make_draft()
    for url in desk_urls(draft):
        assert reviewer_client.head(url).status_code == 200
    draft.refresh_from_db()
    # A HEAD is read as the GET it mirrors, never as a post of the review form.
    assert draft.revision == 0


def test_posts_need_the_csrf_token(reviewer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    assert client.post("/stories/new/", {"body": "Officials said so.", "outlet": "X"}).status_code == 403


# Stories left in review


def test_stories_left_in_review_are_listed_newest_first_until_saved(reviewer_client, reviewer, editor):
    # A desk editor who left a story half-reviewed had no page that led back to it.
    mine = make_draft("Ferries will stop, minister says\nThe minister said ferries would stop.", by=reviewer)
    theirs = make_draft("Port to reopen\nOfficials said the port would reopen.", by=editor, as_draft=True)
    saved = seed_draft(by=reviewer)
    accept_everything(reviewer_client, saved)
    page = reviewer_client.get("/stories/new/")
    assert '<a href="/stories/in-review/">Stories in review</a>' in page.text
    listed = reviewer_client.get("/stories/in-review/").text
    assert listed.index(f'href="/stories/{theirs.pk}/"') < listed.index(f'href="/stories/{mine.pk}/"')
    assert f'href="/stories/{saved.pk}/"' not in listed
    assert "Daily Planet · pasted by you" in listed and "Draft for publication" in listed
    only_mine = reviewer_client.get("/stories/in-review/?by=me").text
    assert f'href="/stories/{mine.pk}/"' in only_mine and f'href="/stories/{theirs.pk}/"' not in only_mine
    work = reviewer_client.get("/me/").text
    section = work[work.index('id="work-in-review"') : work.index('id="work-claims"')]
    assert "Ferries will stop, minister says" in section and "Port to reopen" not in section


def test_stories_in_review_page_on_with_the_same_queries(reviewer_client, reviewer):
    drafts = [make_draft(f"Story {number}\nOfficials said so.", by=reviewer) for number in range(60)]
    few, first = count_queries(reviewer_client, "/stories/in-review/?by=me")
    assert len(re.findall(r'<a href="/stories/[0-9]+/"', first.text)) == 50
    older = f"/stories/in-review/?before={drafts[10].pk}&amp;by=me"
    assert older in first.text
    many, rest = count_queries(reviewer_client, html.unescape(older))
    assert len(re.findall(r'<a href="/stories/[0-9]+/"', rest.text)) == 10
    assert few == many <= 3


def test_a_number_past_every_draft_s_id_lists_them_all(reviewer_client, reviewer):
    # int() refuses a number of 4,301 digits: the page answered 500.
    draft = make_draft("Port to reopen\nOfficials said the port would reopen.", by=reviewer)
    for past in ["9" * 19, "9" * 5000]:
        listed = reviewer_client.get(f"/stories/in-review/?before={past}")
        assert listed.status_code == 200 and f'href="/stories/{draft.pk}/"' in listed.text


# Adding a story


def test_a_pasted_story_becomes_a_draft_in_review(reviewer_client):
    b17 = make_outlet("B-17")
    response = reviewer_client.post(
        "/stories/new/", {"body": SEED_TEXT, "outlet": "b-17", "url": "", "published": "2024-11-05"}
    )
    draft = StoryDraft.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/stories/{draft.pk}/"
    assert draft.outlet == b17
    assert draft.new_outlet == ""
    assert draft.headline == SEED_TEXT.split("\n")[0]
    assert draft.body == SEED_TEXT
    assert str(draft.published) == "2024-11-05"
    assert draft.created_by.username == "bob"
    assert Article.objects.count() == 0


@pytest.mark.parametrize(
    "dateline", ["KHARKIV, Dec 6 (Newswire) - ", "KYIV, Ukraine (AP) — ", "Seoul, Nov. 5 (Yonhap) -- ", "WASHINGTON — "]
)
def test_a_story_without_a_headline_is_headed_by_its_first_line_without_the_dateline(reviewer_client, dateline):
    # The proposed headline was "KHARKIV, Dec 6 (Newswire) - Russian drones struck …".
    lede = "Russian drones struck the city overnight, the governor said."
    reviewer_client.post("/stories/new/", {"body": f"{dateline}{lede}\nNine people were hurt.", "outlet": "B-17"})
    draft = StoryDraft.objects.get()
    assert draft.headline == lede
    assert draft.body.startswith(dateline.strip())


def test_a_new_outlet_is_only_named_until_the_story_is_saved(reviewer_client):
    reviewer_client.post(
        "/stories/new/",
        {"body": "Officials said the bridge was closed.", "outlet": "Daily Planet", "new_outlet_kind": "wire"},
    )
    draft = StoryDraft.objects.get()
    assert (draft.outlet, draft.new_outlet, draft.new_outlet_kind) == (None, "Daily Planet", "wire")
    assert not Outlet.objects.exists()


def test_pasted_html_is_reduced_to_its_paragraphs(reviewer_client):
    html = """<html><head><style>p {color: red}</style><script>var said = "no";</script></head>
    <body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
    <article><h1>Bridge  closed</h1><p>The mayor said on Monday that the bridge
    was closed.</p><div class="ad">Subscribe now</div><p>Engineers said it was &ldquo;unsafe&rdquo;.</p></article>
    <footer><p>&copy; Daily Planet</p></footer></body></html>"""
    reviewer_client.post("/stories/new/", {"body": html, "outlet": "Daily Planet"})
    draft = StoryDraft.objects.get()
    assert (
        draft.body
        == "Bridge closed\nThe mayor said on Monday that the bridge was closed.\nEngineers said it was “unsafe”."
    )
    assert draft.headline == "Bridge closed"


@pytest.mark.parametrize(
    ("name", "content", "body"),
    [
        ("story.txt", "\ufeffFirst line\r\n\r\nOfficials said so.\r\n".encode(), "First line\nOfficials said so."),
        ("story.html", b"<p>First line</p><p>Officials said &amp; did so.</p>", "First line\nOfficials said & did so."),
    ],
)
def test_a_story_can_be_uploaded_as_text_or_html(reviewer_client, name, content, body):
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    response = reviewer_client.post("/stories/new/", {"file": upload, "outlet": "Daily Planet"})
    assert response.status_code == 302
    assert StoryDraft.objects.get().body == body


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"outlet": "X"}, "body", "Paste the story's text, or upload it as a .txt or .html file."),
        ({"body": "Officials said so."}, "outlet", "This field is required."),
        ({"body": "Officials said so.", "outlet": "!!!"}, "outlet", "An outlet's name needs a letter or a digit."),
        # Refused on the review screen and in imports, it had made a new outlet "<b>Daily Planet</b>" here.
        ({"body": "Officials said so.", "outlet": "<b>Daily Planet</b>"}, "outlet", "it holds “<” or “>”"),
        ({"body": "Said.", "outlet": "X", "url": "not a url"}, "url", "Enter a valid URL."),
        ({"body": "Said.", "outlet": "X", "published": "5 Nov"}, "published", "Enter a valid date."),
        ({"body": "<div><script>x()</script></div>", "outlet": "X"}, "body", "No text was found in it"),
    ],
)
def test_a_story_with_a_mistake_is_refused_with_the_reason(reviewer_client, data, field, message):
    response = reviewer_client.post("/stories/new/", data)
    assert response.status_code == 422
    assert any(message in error for error in response.context["form"].errors[field])
    assert not StoryDraft.objects.exists()


def test_an_empty_post_is_refused_with_the_form_and_its_errors(reviewer_client):
    response = reviewer_client.post("/stories/new/", {})
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"body", "outlet"}
    assert "Paste the story&#x27;s text, or upload it as a .txt or .html file." in response.text
    assert 'action="/stories/new/"' in response.text
    assert not StoryDraft.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("story.pdf", b"%PDF", "story.pdf: choose a .txt or .html file (this one ends in “.pdf”)."),
        ("story.txt", "Café said so.".encode("latin-1"), "story.txt: not UTF-8 text (byte 0xe9 at position 3)"),
    ],
)
def test_a_bad_file_is_refused_with_its_name(reviewer_client, name, content, message):
    upload = SimpleUploadedFile(name, content)
    response = reviewer_client.post("/stories/new/", {"file": upload, "outlet": "X"})
    assert response.status_code == 422
    assert message in response.context["form"].errors["file"][0]
    assert message.split(":")[0] in response.text


def test_the_browser_is_never_asked_to_cut_a_long_paste(reviewer_client):
    page = reviewer_client.get("/stories/new/").text
    textarea = page[page.index("<textarea") : page.index(">", page.index("<textarea"))]
    assert 'name="body"' in textarea
    assert "maxlength" not in textarea


def test_a_story_too_long_for_the_desk_is_refused_with_its_length(reviewer_client):
    body = "Officials said so. " * (STORY_MAX_CHARACTERS // 19 + 1)
    response = reviewer_client.post("/stories/new/", {"body": body, "outlet": "X"})
    assert response.status_code == 422
    [error] = response.context["form"].errors["body"]
    assert f"{len(body.strip()):,} characters" in error
    assert f"at most {STORY_MAX_CHARACTERS:,}" in error
    assert not StoryDraft.objects.exists()


def test_a_long_html_page_is_measured_by_the_text_it_holds(reviewer_client):
    markup = "<div class='menu'>" + "<a href='/x'>Section</a>" * 10_000 + "</div>"
    page = f"<html><body>{markup}<p>Officials said so on Monday.</p></body></html>"
    assert len(page) > STORY_MAX_CHARACTERS
    response = reviewer_client.post("/stories/new/", {"body": page, "outlet": "X"})
    assert response.status_code == 302
    assert StoryDraft.objects.get().body.startswith("Officials said so on Monday.")


def test_pasting_and_uploading_at_once_is_refused(reviewer_client):
    upload = SimpleUploadedFile("story.txt", b"Officials said so.")
    response = reviewer_client.post("/stories/new/", {"file": upload, "body": "Other text.", "outlet": "X"})
    assert response.context["form"].errors["file"] == ["Paste the text or upload a file, not both."]


def test_a_new_outlet_that_looks_like_a_tracked_one_is_held_for_a_person(reviewer_client):
    tracked = make_outlet("B-17")
    story = {"body": "Officials said so.", "outlet": "В-17"}  # Cyrillic В
    assert "It is another outlet" not in reviewer_client.get("/stories/new/").text

    response = reviewer_client.post("/stories/new/", story)
    assert response.status_code == 422
    [error] = response.context["form"].errors["outlet"]
    assert "“В-17” looks like the tracked outlet “B-17”" in error
    assert "It is another outlet" in response.text
    assert not StoryDraft.objects.exists()

    response = reviewer_client.post("/stories/new/", {**story, "outlet_is_another": "on"})
    assert response.status_code == 302
    draft = StoryDraft.objects.get()
    assert (draft.outlet, draft.new_outlet) == (None, "В-17")
    assert Outlet.objects.get() == tracked  # created only when the story is saved


def test_the_intake_form_offers_the_tracked_outlets(reviewer_client):
    make_outlet("Kyiv Independent")
    page = reviewer_client.get("/stories/new/").text
    assert '<option value="Kyiv Independent"></option>' in page
    assert 'list="outlet-names"' in page
    assert 'enctype="multipart/form-data"' in page


def test_a_story_pasted_again_is_not_added_twice(reviewer_client):
    story = {"body": SEED_TEXT, "outlet": "B-17", "url": "https://b17.example/drones"}
    first = reviewer_client.post("/stories/new/", story)
    again = reviewer_client.post("/stories/new/", {**story, "url": ""}, follow=True)
    assert StoryDraft.objects.count() == 1
    assert again.redirect_chain[-1][0] == first["Location"]
    assert "This story is already in review (same text): nothing was added." in again.text
    # The same URL with other text (the story was updated since) is the same story.
    by_url = reviewer_client.post("/stories/new/", {**story, "body": "Updated: officials said so."}, follow=True)
    assert "already in review (same URL)" in by_url.text
    assert StoryDraft.objects.count() == 1


def test_a_story_that_reads_like_one_tracked_from_its_outlet_asks_before_it_is_added_again(reviewer_client):
    """A story pasted again with a word changed (or updated with a line) made a second copy of every claim."""
    b17 = make_outlet("B-17")
    tracked = make_article(b17, headline="Drones over Kursk", body=SEED_TEXT)
    changed = SEED_TEXT.replace("recently said", "said last week") + "\nThe ministry did not reply."
    story = {"body": changed, "outlet": "B-17"}
    response = reviewer_client.post("/stories/new/", story)
    assert response.status_code == 422
    text = html.unescape(response.content.decode())
    assert "This story reads like “Drones over Kursk”, tracked from B-17" in text
    assert f'href="/articles/{tracked.pk}/"' in text
    assert "It is another story: add it" in text
    assert not StoryDraft.objects.exists()
    # Told it is another story, the desk reads it.
    response = reviewer_client.post("/stories/new/", {**story, "another_story": "on"})
    assert response.status_code == 302 and StoryDraft.objects.count() == 1
    # Another story of the outlet, or the same words from another outlet, is no copy.
    other = {"body": "The mayor said the bridge would reopen in May.\nCouncillors said so too.", "outlet": "B-17"}
    assert reviewer_client.post("/stories/new/", other).status_code == 302
    make_outlet("Kyiv Independent")
    elsewhere = {"body": SEED_TEXT + "\nThe ministry did not reply.", "outlet": "Kyiv Independent"}
    assert reviewer_client.post("/stories/new/", elsewhere).status_code == 302
    assert StoryDraft.objects.count() == 3


def test_a_story_already_tracked_is_not_added_again(reviewer_client):
    article = make_article(body=SEED_TEXT.replace("\n", "\n\n") + "  ", url="https://b17.example/drones")
    response = reviewer_client.post("/stories/new/", {"body": SEED_TEXT, "outlet": "B-17"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/articles/{article.pk}/"
    assert "This story is already tracked (same text): nothing was added." in response.text
    response = reviewer_client.post(
        "/stories/new/", {"body": "Other words.", "outlet": "B-17", "url": "https://b17.example/drones"}, follow=True
    )
    assert "already tracked (same URL)" in response.text
    assert not StoryDraft.objects.exists()
    assert Article.objects.count() == 1


def test_an_article_keeps_the_digest_of_its_text():
    article = make_article(body="Officials  said\nso.")
    assert article.body_digest == text_digest("Officials said so.")
    article.body = "Other words."
    article.save(update_fields=["body"])
    article.refresh_from_db()
    assert article.body_digest == text_digest("Other words.")
    assert make_article(body="").body_digest == ""


# The review screen


def test_the_review_screen_marks_every_proposal_in_the_text(reviewer_client):
    body = "The mayor said on Monday that the bridge was closed. Nothing else happened."
    said = Proposal(
        content=[(30, 52)], cue=[(10, 14)], source=[(0, 9)], speaker="The mayor", claim="The bridge was closed."
    )
    draft = make_draft(body, [said])
    page = reviewer_client.get(f"/stories/{draft.pk}/").text
    assert '<span data-at="0" class="role-source" title="Source: proposal 1">The mayor</span>' in page
    assert '<span data-at="10" class="role-cue" title="Cue: proposal 1">said</span>' in page
    assert '<a class="ref" href="#proposal-1" aria-label="Proposal 1">1</a>' in page
    assert (
        '<span data-at="30" class="role-content" title="What was said: proposal 1">the bridge was closed.</span>'
        in page
    )
    assert '<span data-at="52"> Nothing else happened.</span>' in page
    # The pieces put together are the story, so a selection can be turned back into offsets.
    story = page.split("data-story>", 1)[1].split("</div>", 1)[0]
    pieces = [piece.split(">", 1)[1] for piece in story.split("<span data-at=")[1:]]
    assert "".join(piece.split("</span>", 1)[0] for piece in pieces) == body


def test_the_review_screen_lists_the_proposals_in_story_order_with_their_fields(reviewer_client):
    draft = seed_draft()
    response = reviewer_client.get(f"/stories/{draft.pk}/")
    page = response.text
    keys = [proposal["key"] for proposal in response.context["proposals"]]
    assert keys == list(range(1, 19))
    assert page.index('id="proposal-1"') < page.index('id="proposal-2"') < page.index('id="proposal-18"')
    zelenskyy = next(
        p for p in response.context["proposals"] if p["record"]["fields"]["speaker"] == "Volodymyr Zelenskyy"
    )
    assert zelenskyy["chain"] == ["Kyiv Independent", "B-17"]
    assert "Public remarks → Kyiv Independent → B-17" in " ".join(page.split())
    blinken = next(p for p in response.context["proposals"] if "8,000" in p["record"]["fields"]["claim"])
    assert blinken["figure"] == "up to 8,000 North Korean troops in Kursk"
    assert "18 proposed · 0 accepted · 0 rejected · <strong>18 to decide</strong>" in page
    assert "B-17 was unable to independently confirm his statements." in page
    assert 'value="Kyiv Independent → B-17"' not in page  # the story's own outlet is not typed in
    assert f'hx-post="/stories/{draft.pk}/"' in page


def queries_for_review(client, draft):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/stories/{draft.pk}/")
    assert response.status_code == 200
    return len(queries), response


def test_the_review_screen_takes_the_same_queries_for_few_and_many_proposals(reviewer_client):
    for name in ["Andrii Kovalenko", "Volodymyr Zelenskyy", "Experts"]:
        make_claim("Russia is training North Korean soldiers to use drones.", speaker=make_speaker(name))
    # Found by an alias, and a look-alike of a proposal's speaker: in the same queries.
    blinken = make_speaker("Tony Blinken", aliases=["Antony Blinken"])
    make_claim("Russia is training North Korean soldiers to use drones.", speaker=blinken)
    make_speaker("Eric Schmidt".replace("c", "\u0441"))
    make_outlet("Kyiv Independent")
    few = make_draft(SEED_TEXT, seed_proposals()[:2], new_outlet="B-17")
    many_proposals = seed_proposals() * 4  # 72 proposals
    many = make_draft(SEED_TEXT, many_proposals, new_outlet="B-17")
    assert len(many.proposals) == 72
    few_count, few_page = queries_for_review(reviewer_client, few)
    many_count, many_page = queries_for_review(reviewer_client, many)
    assert few_count == many_count
    assert few_count <= 10
    assert any(p["look_alikes"] for p in many_page.context["proposals"])
    assert any(p["look_alikes"] for p in few_page.context["proposals"])
    assert any(p["speaker"] == blinken for p in many_page.context["proposals"])
    assert any(p["twins"] for p in many_page.context["proposals"])


def test_the_review_screen_of_a_draft_does_not_call_its_address_the_story_as_published(reviewer_client):
    draft = make_draft(url="https://cms.example.org/preview/2", as_draft=True)
    page = reviewer_client.get(f"/stories/{draft.pk}/")
    assert "The story as published" not in page.text
    assert "Its page (a draft, not yet published)" in page.text
    StoryDraft.objects.filter(pk=draft.pk).update(as_draft=False)
    assert "The story as published" in reviewer_client.get(f"/stories/{draft.pk}/").text


def test_a_long_story_with_many_proposals_can_be_posted(reviewer_client):
    """The review form posts about 17 fields a proposal: past 58 proposals its posts went over
    Django's default of 1,000 fields, and every button answered 400 with the edits lost."""
    draft = make_draft(SEED_TEXT, seed_proposals() * 4, new_outlet="B-17")  # 72 proposals
    page = PageForm(reviewer_client.get(f"/stories/{draft.pk}/").text)
    posted = page.post(**{"action": "accept_all", "p72-claim": "The last proposal, reworded."})
    assert len(list(posted.lists())) > 1000
    assert reviewer_client.post(f"/stories/{draft.pk}/", posted).status_code == 302
    records = StoryDraft.objects.get().proposals
    assert {record["fields"]["decision"] for record in records} == {"accept"}
    assert records[-1]["fields"]["claim"] == "The last proposal, reworded."


def test_an_htmx_post_answers_with_the_desk_alone(reviewer_client):
    draft = seed_draft()
    response = post_review(reviewer_client, draft, "keep", {"p1-claim": "Russia passes drone techniques on."}, **HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<form id="desk"')
    assert "<html" not in response.text
    assert "HX-Request" in response["Vary"]
    assert "Changes kept." in response.text
    assert StoryDraft.objects.get().proposals[0]["fields"]["claim"] == "Russia passes drone techniques on."


def test_without_javascript_each_button_posts_and_returns_to_the_page(reviewer_client):
    draft = seed_draft()
    response = post_review(reviewer_client, draft, "accept_all", {"p2-decision": "reject"}, follow=True)
    assert response.redirect_chain == [(f"/stories/{draft.pk}/", 302)]
    assert "Accepted 17 proposals." in response.text
    decisions = [record["fields"]["decision"] for record in StoryDraft.objects.get().proposals]
    assert decisions.count("accept") == 17
    assert decisions[1] == "reject"
    assert "18 proposed · 17 accepted · 1 rejected · <strong>0 to decide</strong>" in response.text


def test_accept_all_leaves_rejected_proposals_rejected(reviewer_client):
    draft = seed_draft()
    post_review(reviewer_client, draft, "keep", {"p5-decision": "reject"})
    response = post_review(reviewer_client, draft, "accept_all", **HTMX)
    assert "Accepted 17 proposals." in response.text
    assert StoryDraft.objects.get().proposals[4]["fields"]["decision"] == "reject"
    again = post_review(reviewer_client, draft, "accept_all", **HTMX)
    assert "Every proposal was decided already." in again.text


def test_accept_all_on_a_story_with_no_proposals_does_not_say_they_were_decided(reviewer_client):
    draft = make_draft("The weather was fine today in the valley.")
    response = post_review(reviewer_client, draft, "accept_all", **HTMX)
    assert "Every proposal was decided already." not in response.text
    assert "There is no proposal to accept: add the claims the desk missed, then save." in response.text


def test_a_missed_claim_is_added_from_pasted_words(reviewer_client):
    draft = seed_draft()
    words = "Training with drones in particular would allow North Korea to catch up quickly"
    response = post_review(reviewer_client, draft, "add", {"add-words": f"  {words}  "}, follow=True)
    assert "Added proposal 19: check its speaker and venue." in response.text
    records = StoryDraft.objects.get().proposals
    added = next(record for record in records if record["key"] == 19)
    start = SEED_TEXT.index(words)
    assert added["content"] == [[start, start + len(words)]]
    assert added["by_hand"] is True
    assert added["fields"]["decision"] == "accept"
    assert added["fields"]["claim"] == words
    starts = [record["content"][0][0] for record in records]
    assert starts == sorted(starts)  # in story order


@pytest.mark.parametrize(
    "words, headers, added",
    [
        ("Training with drones in particular", {}, True),  # Enter in the words' box, without JavaScript
        (" ", {}, False),  # Enter in another box, the words' box empty: the changes are kept
        ("Training with drones in particular", HTMX, False),  # with JavaScript, site.js sends Enter in it as "add"
    ],
)
def test_enter_adds_the_words_typed_in_their_box_without_javascript(reviewer_client, words, headers, added):
    """Enter presses the form's first button, a hidden one (action "enter"): it had only kept the
    changes, and the words typed were lost."""
    draft = seed_draft()
    changes = {"add-words": words, "p1-title": "Minister of Defence"}
    response = post_review(reviewer_client, draft, "enter", changes, **headers, follow=True)
    assert response.status_code == 200
    records = StoryDraft.objects.get().proposals
    assert records[0]["fields"]["title"] == "Minister of Defence"  # kept either way
    assert any(record["by_hand"] for record in records) == added
    assert ("Added proposal 19" in response.text) == added


def test_pasted_words_are_found_whatever_their_spacing(reviewer_client):
    draft = seed_draft()
    post_review(reviewer_client, draft, "add", {"add-words": "South Korea\n recently said it was\tmulling"})
    added = StoryDraft.objects.get().proposals
    record = next(record for record in added if record["by_hand"])
    (start, _), *_ = record["source"]
    *_, (_, end) = record["content"]
    assert SEED_TEXT[start:end] == "South Korea recently said it was mulling"
    assert record["fields"]["speaker"] == "South Korea"


@pytest.mark.extraction
def test_words_added_with_who_said_them_are_read_as_the_story_is(reviewer_client):
    """The claim is what was said, its speaker who said it: "City officials say" was kept in the claim."""
    body = "The harbor opened in 2019.\nCity officials say the project is two years late, and the mayor agreed."
    draft = make_draft(body)
    post_review(reviewer_client, draft, "add", {"add-words": "City officials say the project is two years late"})
    (added,) = StoryDraft.objects.get().proposals
    fields = added["fields"]
    assert (fields["claim"], fields["speaker"], fields["speaker_kind"]) == (
        "The project is two years late.",
        "City officials",
        "unnamed_group",
    )
    assert [body[a:b] for a, b in added["content"]] == ["the project is two years late"]
    assert [body[a:b] for a, b in added["source"]] == ["City officials"]
    assert added["by_hand"] and fields["decision"] == "accept"


@pytest.mark.extraction
def test_words_added_with_a_pronoun_take_the_speaker_before_them_in_the_paragraph(reviewer_client):
    body = "Ana Ruiz, the mayor, said in an interview that the bridge was safe. She said it would reopen in May."
    proposals = extract_claims(body, outlet="Daily Planet")[:1]
    draft = make_draft(body, proposals)
    post_review(reviewer_client, draft, "add", {"add-words": "She said it would reopen in May"})
    added = next(record for record in StoryDraft.objects.get().proposals if record["by_hand"])
    assert (added["fields"]["speaker"], added["fields"]["venue"]) == ("Ana Ruiz", "interview")
    assert added["fields"]["claim"] == "It would reopen in May."


def test_words_that_are_a_proposals_claim_already_are_not_added_twice(reviewer_client):
    draft = seed_draft()
    record = StoryDraft.objects.get().proposals[3]
    (start, end), *_ = record["content"]
    response = post_review(reviewer_client, draft, "add", {"add-words": SEED_TEXT[start:end]}, **HTMX)
    assert response.status_code == 422
    assert f"These words are proposal {record['key']}’s claim already: correct that one." in response.text
    assert len(StoryDraft.objects.get().proposals) == 18


def test_selected_words_are_added_at_their_offsets(reviewer_client):
    body = "He said it. Later he said it."
    draft = make_draft(body)
    post_review(reviewer_client, draft, "add", {"add-words": "he said it", "add-start": "18", "add-end": "28"})
    assert StoryDraft.objects.get().proposals[0]["content"] == [[18, 28]]


def test_words_not_in_the_story_are_refused_with_them(reviewer_client):
    draft = seed_draft()
    response = post_review(reviewer_client, draft, "add", {"add-words": "Aliens landed in Kursk"})
    assert response.status_code == 422
    assert "These words are not in the story: “Aliens landed in Kursk”." in response.text
    nothing = post_review(reviewer_client, draft, "add", {"add-words": " "}, **HTMX)
    assert "Select the claim’s words in the story, or paste them here." in nothing.text
    assert len(StoryDraft.objects.get().proposals) == 18


def test_the_speaker_box_suggests_tracked_speakers(reviewer_client):
    make_speaker("Andrii Kovalenko", title="Head of the Center for Countering Disinformation")
    make_speaker("Antony Blinken")
    response = reviewer_client.get("/stories/speakers/?p3-speaker=kovalen", **HTMX)
    assert response.text == (
        '<option value="Andrii Kovalenko">Andrii Kovalenko, Head of the Center for Countering Disinformation</option>'
    )
    assert reviewer_client.get("/stories/speakers/?q=").text == ""


def test_a_tracked_speaker_is_shown_as_tracked(reviewer_client):
    kovalenko = make_speaker("Andrii Kovalenko")
    draft = seed_draft()
    page = reviewer_client.get(f"/stories/{draft.pk}/").text
    assert f'Tracked: <a href="/speakers/{kovalenko.pk}/" target="_blank" rel="noopener">Andrii Kovalenko</a>' in page
    assert "A new speaker, added when you save." in page  # Blinken, Zelenskyy, ...


def test_a_proposal_is_shown_anew_when_what_it_shows_changes_elsewhere(reviewer_client):
    draft = seed_draft()
    tracked = 'Tracked: <a href="/speakers/{}/" target="_blank" rel="noopener">Andrii Kovalenko</a>'
    page = reviewer_client.get(f"/stories/{draft.pk}/").text
    assert "Tracked: <a" not in page

    kovalenko = make_speaker("Andrii Kovalenko", title="Head of the Center for Countering Disinformation")
    page = reviewer_client.get(f"/stories/{draft.pk}/").text
    assert tracked.format(kovalenko.pk) + ", Head of the Center for Countering Disinformation" in page

    Speaker.objects.filter(pk=kovalenko.pk).update(title="Former head")
    page = reviewer_client.get(f"/stories/{draft.pk}/").text
    assert tracked.format(kovalenko.pk) + ", Former head" in page


def test_tracked_claims_that_look_like_a_proposal_are_offered(reviewer_client):
    kovalenko = make_speaker("Andrii Kovalenko")
    alike = make_claim("Russia is training North Korean soldiers to operate strike drones.", speaker=kovalenko)
    make_claim("The weather in Kyiv was mild.", speaker=kovalenko)
    make_claim("Russia is training North Korean soldiers to operate strike drones.", speaker=make_speaker("Else"))
    draft = seed_draft()
    response = reviewer_client.get(f"/stories/{draft.pk}/")
    offered = {p["key"]: [claim.pk for claim, _, _ in p["look_alikes"]] for p in response.context["proposals"]}
    c1 = key_of(draft, "operate strike UAVs")
    assert offered[c1] == [alike.pk]
    assert all(claims in ([], [alike.pk]) for claims in offered.values())
    assert f'name="p{c1}-tracked" value="{alike.pk}"' in response.text


# Saving


def key_of(draft, words):
    """The number of the proposal whose content holds `words`."""
    return next(r["key"] for r in draft.proposals if words in draft.body[r["content"][0][0] : r["content"][-1][1]])


def claim_spoken(words):
    return Claim.objects.get(span_exact__contains=words)


def test_a_claim_typed_on_the_desk_is_one_line_as_imported_claims_are(reviewer_client):
    # A text box posts its line breaks as "\r\n": the claim was saved with them, and two spaces.
    body = "Officials said the bridge was closed."
    proposal = Proposal(content=[(15, 36)], cue=[], source=[], speaker="Officials", claim="the bridge was closed")
    draft = make_draft(body, [proposal])
    key = StoryDraft.objects.get(pk=draft.pk).proposals[0]["key"]
    assert (
        accept_everything(reviewer_client, draft, {f"p{key}-claim": "The bridge\r\nwas   closed."}).status_code == 302
    )
    assert Claim.objects.get().text == "The bridge was closed."


def test_saving_writes_the_story_and_its_accepted_claims(reviewer_client, reviewer):
    draft = seed_draft(url="https://b17.example/drones")
    post_review(reviewer_client, draft, "keep", {"p2-decision": "reject"})
    response = accept_everything(reviewer_client, draft)
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/articles/{article.pk}/"
    assert (article.headline, article.url, article.body) == (draft.headline, draft.url, SEED_TEXT)
    assert article.outlet.name == "B-17"
    assert StoryDraft.objects.get().article == article

    claims = Claim.objects.filter(article=article)
    assert claims.count() == 17
    for claim in claims:
        start = SEED_TEXT.index(claim.span_exact)
        assert SEED_TEXT[max(0, start - 32) : start] == claim.span_prefix
        assert SEED_TEXT[start + len(claim.span_exact) :].startswith(claim.span_suffix)
        assert claim.status == "unconfirmed"
        assert claim.version == 1
    events = VerificationEvent.objects.filter(claim__article=article)
    assert events.count() == 17
    assert {(event.from_status, event.to_status, event.by) for event in events} == {(None, "unconfirmed", reviewer)}
    hedged = claim_spoken("Russia is training North Korean soldiers")
    assert hedged.events.get().reason == "B-17 was unable to independently confirm his statements."
    assert claim_spoken("Late last month").events.get().reason == NO_CONFIRMATION

    speakers = {speaker.name: speaker for speaker in Speaker.objects.all()}
    # The story's experts are no other story's: named with the story (_in_story shortens its headline).
    experts = f"Experts in “{draft.headline[:57].rstrip()}...” (story {article.pk})"
    assert set(speakers) == {
        "Andrii Kovalenko",
        "Antony Blinken",
        "Volodymyr Zelenskyy",
        experts,
        "Eric Schmidt",
        "South Korea",
    }
    assert speakers["South Korea"].kind == "institution"
    assert speakers[experts].kind == "unnamed_group"
    assert speakers["Antony Blinken"].title == "US Secretary of State"
    assert {outlet.name: outlet.kind for outlet in Outlet.objects.all()} == {
        "B-17": "news",
        "X": "social",
        "Kyiv Independent": "news",
    }
    assert (
        "Story saved with 17 claims (6 new speakers, 3 new outlets)." in reviewer_client.get(response["Location"]).text
    )


def chain_of(claim):
    return [
        [(appearance.venue_type, appearance.outlet.name if appearance.outlet else None) for appearance in chain]
        for chain in claim.attribution_chains()
    ]


def test_saving_records_where_each_claim_was_made_and_who_passed_it_on(reviewer_client):
    draft = seed_draft()
    accept_everything(reviewer_client, draft)
    assert chain_of(claim_spoken("We see an increase")) == [
        [("public_remarks", None), ("relayed_report", "Kyiv Independent"), ("relayed_report", "B-17")]
    ]
    assert chain_of(claim_spoken("In a post earlier this week on X")) == [
        [("social_media_post", "X"), ("relayed_report", "B-17")]
    ]
    assert chain_of(claim_spoken("poses a threat")) == [[("statement_to_outlet", "B-17")]]
    # Only the Kyiv Independent's two: B-17 passing on what it saw itself is the newsroom reporting it.
    assert set(Claim.objects.relayed()) == {claim_spoken("We see an increase"), claim_spoken("upped that number")}
    assert not Appearance.objects.filter(relayed_from__isnull=False).exclude(relayed_from__claim=F("claim")).exists()


def test_saving_links_restatements_and_conflicting_figures(reviewer_client):
    draft = seed_draft()
    accept_everything(reviewer_client, draft)
    c1 = claim_spoken("Russia is training North Korean soldiers")
    restated = {claim.span_exact for _, _, claim in c1.linked_claims()}
    assert {"Russia is passing on deadly drone techniques to North Korea, Ukraine official tells B-17"} <= restated
    blinken, zelenskyy = claim_spoken("up to 8,000"), claim_spoken("upped that number to 11,000")
    assert ClaimLink.objects.filter(
        kind="contradicts",
        from_claim=min(blinken, zelenskyy, key=lambda c: c.pk),
        to_claim=max(blinken, zelenskyy, key=lambda c: c.pk),
    ).exists()
    assert ClaimLink.objects.filter(kind="same_claim").count() == 2


def test_the_desk_edits_are_what_is_saved(reviewer_client):
    kovalenko = make_speaker("Andrii Kovalenko", title="Head of the Center")
    b17 = make_outlet("B-17")
    draft = seed_draft()
    post_review(reviewer_client, draft, "accept_all")
    response = post_review(
        reviewer_client,
        draft,
        "save",
        {
            "p1-claim": "Russia passes drone techniques to North Korea.",
            "p1-kind": "opinion",
            "p4-speaker": "andrii kovalenko",
            "p4-quantity_value": "2,000",
            "p4-quantity_unit": "drone types",
            "p4-quantity_qualifier": "at_least",
            "p4-venue": "interview",
            "p4-outlet": "Kyiv Post",
            "p4-relayed_by": "Reuters, AP → B-17",
            "p5-decision": "reject",
        },
    )
    assert response.status_code == 302
    headline = claim_spoken("Russia is passing on deadly drone techniques")
    assert (headline.text, headline.kind) == ("Russia passes drone techniques to North Korea.", "opinion")
    fourth = Claim.objects.get(article__isnull=False, quantity_unit="drone types")
    assert fourth.speaker == kovalenko
    assert (fourth.quantity_value, fourth.quantity_qualifier) == (2000, "at_least")
    assert fourth.quantity_display == "at least 2,000 drone types"
    assert chain_of(fourth) == [
        [
            ("interview", "Kyiv Post"),
            ("relayed_report", "Reuters"),
            ("relayed_report", "AP"),
            ("relayed_report", "B-17"),
        ]
    ]
    assert Article.objects.get().outlet == b17
    assert (
        Speaker.objects.get(name="Andrii Kovalenko").title == "Head of the Center"
    )  # a tracked speaker is not changed
    assert Claim.objects.filter(article__isnull=False).count() == 17


def test_a_claim_whose_venue_is_not_stated_is_made_where_not_stated_then_reported_by_the_outlets_named(reviewer_client):
    # Not "made in a relayed report on Reuters": the story says Reuters reported it, not that it was said there.
    body = "The bridge was closed, according to Reuters."
    said = Proposal(
        content=[(0, 21)],
        cue=[(23, 35)],
        source=[],
        speaker="Officials",
        relayed_by=["Reuters"],
        claim="The bridge was closed.",
    )
    draft = make_draft(body, [said])
    accept_everything(reviewer_client, draft)
    claim = Claim.objects.get()
    assert chain_of(claim) == [
        [("not_stated", None), ("relayed_report", "Reuters"), ("relayed_report", "Daily Planet")]
    ]
    assert claim.attribution == "relayed"


def test_another_outlets_own_report_is_saved_as_its_report_relayed_by_the_story(reviewer_client):
    body = "According to the Kyiv Independent, 40 drones were shot down overnight."
    draft = make_draft(body, extract_claims(body, outlet="Daily Planet"))
    accept_everything(reviewer_client, draft)
    claim = Claim.objects.get()
    assert (claim.speaker.name, claim.speaker.kind) == ("Kyiv Independent", "outlet_voice")
    assert chain_of(claim) == [[("relayed_report", "Kyiv Independent"), ("relayed_report", "Daily Planet")]]
    assert claim.attribution == "relayed"


def preview_of(page):
    """The review screen's chain preview of its one proposal, as a person reads it."""
    found = re.search(r'<p class="chain-preview">\s*<span class="muted">[^<]*</span>(.*?)(?:<span|</p>)', page, re.S)
    return " ".join(html.unescape(found.group(1)).split())


def as_previewed(claim, story_outlet):
    """A saved claim's chain in the review screen's words, to hold against what the screen showed."""
    [chain] = chain_of(claim) or [[]]
    if not chain:
        return (
            "not recorded: the story says neither where it was said nor who passed it on,"
            " so its attribution starts “not checked”"
        )
    (venue, outlet), *relays = chain
    words = (
        "Said where the story does not say"
        if venue == "not_stated"
        else Appearance(venue_type=venue).get_venue_type_display()
    )
    if outlet and venue == "statement_to_outlet":
        words = f"Statement to {outlet}"  # not "the newsroom", which the outlet may not be
    elif outlet and venue != "not_stated":
        words += f" ({outlet})"
    assert all(kind == "relayed_report" for kind, _ in relays)
    return words + ("".join(f" → {name}" for _, name in relays) or f" · told {story_outlet} directly")


CHAIN_SHAPES = [
    (venue, outlet, relays)
    for venue in ["", "public_remarks", "statement_to_outlet", "interview", "social_media_post"]
    for outlet in ["", "Riverton Courier", "Coastal News"]
    for relays in [
        "",
        "Coastal News",
        "Harbour Radio → Coastal News",
        "Riverton Courier",
        "Coastal News → Riverton Courier",
    ]
    if venue or not outlet  # an outlet without where it was said is refused on its field
]


def test_every_chain_the_review_screen_shows_is_the_chain_saved(reviewer_client):
    shown_and_saved = []
    for number, (venue, outlet, relays) in enumerate(CHAIN_SHAPES):
        body = f"According to Coastal News, an unnamed engineer said {number} bridges were unsafe."
        words = f"{number} bridges were unsafe"
        start = body.index(words)
        said = Proposal(
            [(start, start + len(words))],
            [],
            [],
            "An unnamed engineer",
            speaker_kind="unnamed_group",
            claim=words + ".",
        )
        draft = make_draft(body, [said], new_outlet="Riverton Courier")
        changes = {
            f"p{key_of(draft, words)}-{name}": value
            for name, value in [("venue", venue), ("outlet", outlet), ("relayed_by", relays)]
        }
        post_review(reviewer_client, draft, "keep", changes)
        shown = preview_of(reviewer_client.get(f"/stories/{draft.pk}/").text)
        assert accept_everything(reviewer_client, draft).status_code == 302, (venue, outlet, relays)
        claim = Claim.objects.get(article__body=body)
        shown_and_saved.append(((venue, outlet, relays), shown, as_previewed(claim, "Riverton Courier")))
    assert [(shape, shown) for shape, shown, _ in shown_and_saved] == [
        (shape, saved) for shape, _, saved in shown_and_saved
    ]


def test_the_outlet_a_claim_was_made_on_is_named_once_when_it_also_passed_it_on(reviewer_client):
    # "Interview (Coastal News) → Coastal News → …": the outlet of the venue, repeated as the
    # first relay, was shown and saved twice, a second appearance on the same outlet.
    body = "In an interview with Coastal News, the harbour master said the quay was unsafe."
    words = "the quay was unsafe"
    start = body.index(words)
    said = Proposal(
        [(start, start + len(words))],
        [],
        [],
        "The harbour master",
        claim="The quay was unsafe.",
        venue="interview",
        outlet="Coastal News",
        relayed_by=["Coastal News", "Harbour Radio"],
    )
    draft = make_draft(body, [said], new_outlet="Riverton Courier")
    assert preview_of(reviewer_client.get(f"/stories/{draft.pk}/").text) == (
        "Interview (Coastal News) → Harbour Radio → Riverton Courier"
    )
    accept_everything(reviewer_client, draft)
    assert chain_of(Claim.objects.get()) == [
        [("interview", "Coastal News"), ("relayed_report", "Harbour Radio"), ("relayed_report", "Riverton Courier")]
    ]


def test_a_claim_the_story_says_neither_where_nor_through_whom_is_recorded_as_not_checked(reviewer_client):
    # Not a relayed report on the story's own outlet: that read as the newsroom having it only
    # from another outlet, itself, and the check page flagged the claim as relayed words.
    body = "Minister says bread prices will fall\nThe finance minister Ivan Petrenko said bread prices will fall."
    words = "bread prices will fall"
    said = [
        Proposal([(start, start + len(words))], [], [], "Ivan Petrenko", claim=words.capitalize(), relayed_by=relays)
        for start, relays in [(body.index(words), []), (body.rindex(words), ["B-17"])]
    ]
    draft = make_draft(body, said, new_outlet="B-17", as_draft=True)
    preview = reviewer_client.get(f"/stories/{draft.pk}/").text.count("not recorded: the story says neither")
    assert preview == 2  # the review screen says so before saving, not "→ B-17"
    response = accept_everything(reviewer_client, draft)
    claims = Claim.objects.order_by("pk")
    assert [(chain_of(claim), claim.attribution) for claim in claims] == [([], "not_checked"), ([], "not_checked")]
    assert not Appearance.objects.exists()
    check = reviewer_client.get(response["Location"])
    assert check.status_code == 200
    assert "Relayed claim written as heard" not in check.text
    assert "The newsroom did not hear it from the speaker" not in reviewer_client.get(claims[0].get_absolute_url()).text


def test_a_statement_to_us_is_one_made_to_the_story_s_outlet_and_one_to_no_named_outlet_is_not_checked(
    reviewer_client,
):
    # As the attribution rules read it (verification.implied_attribution): the engine gives "told
    # us" the story's outlet; an outlet nobody named is not taken to be ours.
    body = "Port to reopen\nMaria Lopez told us the port will reopen on Monday."
    words = "the port will reopen on Monday"
    start = body.index(words)
    told_us = Proposal(
        [(start, start + len(words))], [], [], "Maria Lopez", claim=words, venue="statement_to_outlet", outlet="B-17"
    )
    draft = make_draft(body, [told_us], new_outlet="B-17")
    page = reviewer_client.get(f"/stories/{draft.pk}/").text
    preview = " ".join(re.search(r'<p class="chain-preview">(.*?)</p>', page, re.S).group(1).split())
    assert "· told B-17 directly" in preview
    assert "→" not in preview
    accept_everything(reviewer_client, draft)
    claim = Claim.objects.get()
    assert chain_of(claim) == [[("statement_to_outlet", "B-17")]]
    assert claim.attribution == "confirmed"

    other = body.replace("Maria Lopez told us", "Mayor Maria Lopez told a paper")
    start = other.index(words)
    to_a_paper = dataclasses.replace(told_us, content=[(start, start + len(words))], outlet="")
    accept_everything(reviewer_client, make_draft(other, [to_a_paper], new_outlet="B-17"))
    assert Claim.objects.exclude(pk=claim.pk).get().attribution == "not_checked"


def test_a_ticked_look_alike_is_linked_as_the_same_claim(reviewer_client):
    kovalenko = make_speaker("Andrii Kovalenko")
    tracked = make_claim("Russia is training North Korean soldiers to operate strike drones.", speaker=kovalenko)
    draft = seed_draft()
    key = key_of(draft, "operate strike UAVs")
    post_review(reviewer_client, draft, "accept_all")
    post_review(reviewer_client, draft, "save", {f"p{key}-tracked": [str(tracked.pk)]})
    new = claim_spoken("Russia is training North Korean soldiers to operate strike UAVs")
    assert ClaimLink.objects.filter(kind="same_claim", from_claim=tracked, to_claim=new).exists()


def test_a_tracked_claim_in_the_very_words_is_ticked_until_the_reviewer_unticks_it(reviewer_client):
    """Left unticked, "100% alike" was saved as a second claim beside the tracked one, its verdict
    and evidence apart: the import preview links such a row unless told otherwise, and so does the desk."""
    kovalenko = make_speaker("Andrii Kovalenko")
    words = "Russia is training North Korean soldiers to operate strike UAVs and reconnaissance drones."
    same = make_claim(words, speaker=kovalenko)
    near = make_claim("Russia is training North Korean soldiers to operate strike UAVs.", speaker=kovalenko)
    draft = seed_draft()
    key = key_of(draft, "operate strike UAVs")
    page = reviewer_client.get(f"/stories/{draft.pk}/").text
    assert f'name="p{key}-tracked" value="{same.pk}" checked' in page
    assert f'name="p{key}-tracked" value="{near.pk}">' in page  # offered, not chosen
    post_review(reviewer_client, draft, "accept_all")
    post_review(reviewer_client, draft, "save")
    new = claim_spoken("Russia is training North Korean soldiers to operate strike UAVs")
    assert ClaimLink.objects.filter(kind="same_claim", from_claim=same, to_claim=new).exists()
    assert not ClaimLink.objects.filter(from_claim=near).exists()


def proposal_block(page, key):
    """The review page's block of proposal `key`: its line and its fields."""
    start = page.index(f'<li id="proposal-{key}"')
    return page[start : page.index("</li>", page.index("</details>", start))]


def test_the_tracked_claims_like_a_proposal_are_chosen_on_its_line_without_opening_it(reviewer_client):
    """Whether a proposal is a tracked claim again is the question a story read before asks of every
    proposal: its look-alikes follow its line, outside its closed fields, so the desk stays one line
    (and a few look-alikes) a proposal. They had opened every proposal of such a story."""
    kovalenko = make_speaker("Andrii Kovalenko")
    same = make_claim(
        "Russia is training North Korean soldiers to operate strike UAVs and reconnaissance drones.", speaker=kovalenko
    )
    near = make_claim(
        "Russia is training North Koreans in drone operations and other warfare techniques.", speaker=kovalenko
    )
    draft = seed_draft()
    page = reviewer_client.get(f"/stories/{draft.pk}/").text
    for words, claim, ticked in [("operate strike UAVs", same, " checked"), ("drone operations", near, "")]:
        block = proposal_block(page, key_of(draft, words))
        assert '<details class="proposal-body">' in block  # closed
        assert block.index("</details>") < block.index(f'value="{claim.pk}"{ticked}>')

    key = key_of(draft, "drone operations")
    post_review(reviewer_client, draft, "keep", {f"p{key}-tracked": [str(near.pk)]})
    chosen = proposal_block(reviewer_client.get(f"/stories/{draft.pk}/").text, key)
    assert f'value="{near.pk}" checked>' in chosen and '<details class="proposal-body">' in chosen


def test_a_very_words_look_alike_unticked_stays_unticked(reviewer_client):
    kovalenko = make_speaker("Andrii Kovalenko")
    words = "Russia is training North Korean soldiers to operate strike UAVs and reconnaissance drones."
    same = make_claim(words, speaker=kovalenko)
    draft = seed_draft()
    key = key_of(draft, "operate strike UAVs")
    [record] = [record for record in StoryDraft.objects.get(pk=draft.pk).proposals if record["key"] == key]
    assert record["fields"]["tracked"] == [str(same.pk)]
    post_review(reviewer_client, draft, "keep", {f"p{key}-tracked": []})
    make_claim("A newer claim of his, which has the desk compare again.", speaker=kovalenko)
    assert f'value="{same.pk}" checked' not in reviewer_client.get(f"/stories/{draft.pk}/").text
    accept_everything(reviewer_client, draft)
    assert not ClaimLink.objects.filter(from_claim=same).exists()


def test_a_story_is_saved_once_however_often_it_is_posted(reviewer_client):
    draft = seed_draft()
    first = accept_everything(reviewer_client, draft)
    counts = [
        model.objects.count() for model in (Article, Claim, Speaker, Outlet, Appearance, ClaimLink, VerificationEvent)
    ]
    again = post_review(reviewer_client, draft, "save", follow=True)
    assert again.redirect_chain[-1][0] == first["Location"]
    assert "This story was saved already: nothing was added twice." in again.text
    assert [
        model.objects.count() for model in (Article, Claim, Speaker, Outlet, Appearance, ClaimLink, VerificationEvent)
    ] == counts
    assert reviewer_client.get(f"/stories/{draft.pk}/")["Location"] == first["Location"]


def test_a_second_draft_of_a_story_saved_meanwhile_writes_nothing(reviewer_client):
    first = seed_draft(url="https://b17.example/drones")
    second = seed_draft(url="https://b17.example/drones")
    accept_everything(reviewer_client, first)
    response = accept_everything(reviewer_client, second)
    assert response["Location"] == f"/articles/{Article.objects.get().pk}/"
    assert (
        "This story is already tracked (same URL): nothing was added." in reviewer_client.get(response["Location"]).text
    )
    assert Claim.objects.count() == 18
    text_only = seed_draft()
    accept_everything(reviewer_client, text_only)
    assert StoryDraft.objects.get(pk=text_only.pk).article == Article.objects.get()


def test_saving_waits_until_every_proposal_is_decided(reviewer_client):
    draft = seed_draft()
    response = post_review(reviewer_client, draft, "save", {"p1-decision": "accept", "p2-decision": "reject"})
    assert response.status_code == 422
    assert "Nothing was saved." in response.text
    assert "Accept or reject proposals 3, 4, 5" in response.text
    assert not Article.objects.exists()
    assert StoryDraft.objects.get().proposals[1]["fields"]["decision"] == "reject"  # what was decided is kept


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"p3-speaker": ""}, "speaker", "Name who said it (a tracked speaker or a new one)."),
        # A pronoun the engine found no one for ("It said…" opening a story) would be saved as a speaker.
        ({"p3-speaker": " It "}, "speaker", "“It” names nobody: name who said it, as the story does."),
        ({"p3-speaker": "THEY"}, "speaker", "“THEY” names nobody"),
        ({"p3-speaker": "we"}, "speaker", "“we” names nobody"),
        ({"p3-claim": " "}, "claim", "Write the claim as one sentence."),
        ({"p3-quantity_value": "lots"}, "quantity_value", "“lots” is not a number."),
        ({"p3-quantity_value": "0.00001"}, "quantity_value", "0.00001 has more than 4 digits after the point."),
        (
            {"p3-quantity_value": "12345678901234567"},
            "quantity_value",
            "is too large (at most 16 digits before the point).",
        ),
        # A decimal comma is refused, never read as a thousands separator (2,5 had been saved as 25).
        ({"p3-quantity_value": "2,5"}, "quantity_value", "“2,5” is not a number. Write a decimal with a point (2.5)"),
        ({"p3-quantity_value": "1,00"}, "quantity_value", "is not a number."),
        # A desk grouping thousands with a point means 8,000: read as 8, a thousand times too small.
        ({"p3-quantity_value": "8.000"}, "quantity_value", "“8.000” could be 8 or 8,000"),
        ({"p3-quantity_value": "", "p3-quantity_unit": "troops"}, "quantity_value", "Give the figure"),
        ({"p3-same_as": "3"}, "same_as", "A proposal cannot be linked to itself."),
        ({"p3-contradicts": "2, 99"}, "contradicts", "No proposal is numbered 99."),
        ({"p3-same_as": "first"}, "same_as", "“first” is not a proposal number."),
        ({"p3-venue": "carrier pigeon"}, "venue", "Select a valid choice."),
        # Saved, the outlet of a claim said where the story does not say was silently dropped.
        ({"p3-venue": "", "p3-outlet": "CNN"}, "outlet", "Choose how it was said on or to “CNN”"),
    ],
)
def test_an_accepted_proposal_with_a_mistake_is_shown_with_its_error(reviewer_client, changes, field, error):
    draft = seed_draft()
    post_review(reviewer_client, draft, "accept_all")
    response = post_review(reviewer_client, draft, "save", changes, **HTMX)
    assert response.status_code == 422
    shown = next(p for p in response.context["proposals"] if p["key"] == 3)
    assert any(error in message for message in shown["fields"][field]["errors"])
    assert "Complete or correct proposal 3." in response.text
    # Marked, and its fields open at the error (the proposals the engine filled show one line each).
    marked = 'id="proposal-3" class="proposal panel decision-accept invalid">'
    opened = re.escape(marked) + '.*?<details class="proposal-body" open>'
    assert re.search(opened, response.text, re.DOTALL)
    assert not Article.objects.exists()


def test_a_figure_cleared_with_what_it_counts_is_saved_without_one_whatever_its_qualifier(reviewer_client):
    """The qualifier is a choice with no empty one ("Exactly" is none): a reviewer clearing a figure
    and its unit had the save refused until they knew to choose "Exactly"."""
    draft = seed_draft()
    post_review(reviewer_client, draft, "accept_all")
    cleared = {"p4-quantity_value": "", "p4-quantity_unit": "", "p4-quantity_qualifier": "about"}
    response = post_review(reviewer_client, draft, "save", {"p4-claim": "Drone types are shared.", **cleared})
    assert response.status_code == 302
    saved = Claim.objects.get(text="Drone types are shared.")
    assert (saved.quantity_value, saved.quantity_unit, saved.quantity_qualifier) == (None, "", "")


def test_an_outlet_typed_without_where_it_was_said_is_kept_and_the_preview_says_what_it_needs(reviewer_client):
    draft = seed_draft()
    post_review(reviewer_client, draft, "accept_all")
    response = post_review(reviewer_client, draft, "save", {"p3-venue": "", "p3-outlet": "CNN"}, **HTMX)
    assert response.status_code == 422
    assert not Article.objects.exists()
    page = reviewer_client.get(f"/stories/{draft.pk}/").text
    assert 'name="p3-outlet" id="id_p3-outlet" value="CNN"' in page
    assert "CNN is recorded once you choose where it was said" in page


@pytest.mark.parametrize(
    ("typed", "names"),
    [
        ("Kyiv Independent → B-17", ["Kyiv Independent", "B-17"]),
        ("Kyiv Independent -> Reuters, AP; B-17", ["Kyiv Independent", "Reuters", "AP", "B-17"]),
        ("Kyiv Independent > B-17", ["Kyiv Independent", "B-17"]),
        ("Kyiv Independent\nB-17", ["Kyiv Independent", "B-17"]),
        ("Kyiv Independent → <b>B-17</b>", ["Kyiv Independent", "<b>B-17</b>"]),
        ("A>B", ["A>B"]),
    ],
)
def test_the_outlets_that_passed_a_claim_on_are_read_at_arrows_commas_and_lines_not_in_a_word(typed, names):
    assert parse_relays(typed) == names


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        (
            {"p3-relayed_by": "Kyiv Independent → <b>B-17</b>"},
            "relayed_by",
            "“<b>B-17</b>” cannot be an outlet's name: it holds “<” or “>”. Write the names only.",
        ),
        (
            {"p3-relayed_by": "Reuters, --"},
            "relayed_by",
            "“--” cannot be an outlet's name: it has no letters or digits.",
        ),
        ({"p3-outlet": "<i>CNN</i>"}, "outlet", "“<i>CNN</i>” cannot be an outlet's name: it holds “<” or “>”."),
        ({"p3-relayed_by": "R" * 201}, "relayed_by", "is 201 characters long; an outlet's name fits in 200."),
    ],
)
def test_a_name_that_cannot_be_an_outlets_is_refused_on_its_field_and_creates_no_outlet(
    reviewer_client, changes, field, error
):
    draft = seed_draft()
    post_review(reviewer_client, draft, "accept_all")
    response = post_review(reviewer_client, draft, "save", changes)
    assert response.status_code == 422
    shown = next(p for p in response.context["proposals"] if p["key"] == 3)
    assert any(error in message for message in shown["fields"][field]["errors"])
    assert "Complete or correct proposal 3." in response.text
    assert not Article.objects.exists()
    assert not Outlet.objects.exists()


def test_a_rejected_proposal_needs_nothing(reviewer_client):
    draft = seed_draft()
    post_review(reviewer_client, draft, "keep", {"p3-decision": "reject", "p3-speaker": "", "p3-claim": ""})
    response = accept_everything(reviewer_client, draft)
    assert response.status_code == 302
    assert Claim.objects.count() == 17


def test_saving_with_htmx_goes_to_the_article_page(reviewer_client):
    draft = seed_draft()
    post_review(reviewer_client, draft, "accept_all", **HTMX)
    response = post_review(reviewer_client, draft, "save", **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/articles/{Article.objects.get().pk}/"


def test_the_article_page_marks_every_saved_claim(reviewer_client):
    draft = seed_draft()
    page = reviewer_client.get(accept_everything(reviewer_client, draft)["Location"]).text
    for claim in Claim.objects.all():
        assert f'id="span-{claim.pk}"' in page
    assert "No longer found in the text" not in page
    queue = reviewer_client.get("/claims/").text
    assert queue.count('class="claim-row"') == 18


def test_look_alikes_are_sought_again_when_a_speaker_changes(reviewer_client):
    draft = seed_draft()
    key = key_of(draft, "operate strike UAVs")
    blinken = make_speaker("Antony Blinken")
    alike = make_claim("Russia is training North Korean soldiers to operate strike drones.", speaker=blinken)
    page = reviewer_client.get(f"/stories/{draft.pk}/")
    assert next(p for p in page.context["proposals"] if p["key"] == key)["look_alikes"] == []
    post_review(reviewer_client, draft, "keep", {f"p{key}-speaker": "Antony Blinken"})
    record = next(r for r in StoryDraft.objects.get().proposals if r["key"] == key)
    assert record["alike_for"][0] == blinken.pk
    assert [claim_id for claim_id, _ in record["alike"]] == [alike.pk]
    page = reviewer_client.get(f"/stories/{draft.pk}/")
    assert [
        claim.pk for claim, _, _ in next(p for p in page.context["proposals"] if p["key"] == key)["look_alikes"]
    ] == [alike.pk]


def test_a_claim_tracked_after_the_story_was_pasted_is_offered_too(reviewer_client):
    kovalenko = make_speaker("Andrii Kovalenko")
    draft = seed_draft()
    later = make_claim("Russia is training North Korean soldiers to operate strike drones.", speaker=kovalenko)
    page = reviewer_client.get(f"/stories/{draft.pk}/")
    offered = [claim.pk for p in page.context["proposals"] for claim, _, _ in p["look_alikes"]]
    assert later.pk in offered


def test_what_the_engine_proposes_that_the_form_cannot_show_is_left_out():
    body = "The mayor said the bridge was closed. Engineers said it was unsafe."
    proposals = [
        Proposal(content=[(60, 90)], cue=[], source=[], speaker="Ghost"),  # beyond the text
        Proposal(
            content=[(38, 47), (48, 52)],
            cue=[(48, 52)],
            source=[(38, 47)],
            speaker="Engineers",
            links=[("same_claim", 0), ("contradicts", 2)],
        ),
        Proposal(
            content=[(15, 36)], cue=[(10, 14)], source=[(0, 9)], speaker="The mayor", venue="telepathy", kind="rumour"
        ),
    ]
    draft = make_draft(body, proposals)
    first, second = draft.proposals
    assert [record["key"] for record in draft.proposals] == [1, 2]
    assert first["fields"]["speaker"] == "The mayor"
    assert (first["fields"]["venue"], first["fields"]["kind"]) == ("", "factual")
    assert second["fields"]["contradicts"] == "1"  # the link to the proposal left out is dropped
    assert second["fields"]["same_as"] == ""


def test_a_proposal_the_engine_links_to_many_others_can_be_saved(reviewer_client):
    """A story of many districts' figures: the engine links each figure to every other speaker's of the
    same unit, and the list of proposal numbers outgrew the field (200 characters) that holds it."""
    sentences = [f"District {number} officials said {number} homes were damaged." for number in range(1, 71)]
    body = " ".join(sentences)
    proposals, start = [], 0
    for sentence in sentences:
        end = start + len(sentence)
        proposals.append(
            Proposal(
                content=[(start, end)], cue=[], source=[], speaker=sentence[: sentence.index(" said")], claim=sentence
            )
        )
        start = end + 1
    proposals[-1].links = [("contradicts", index) for index in range(69)]
    draft = make_draft(body, proposals)
    assert len(draft.proposals[-1]["fields"]["contradicts"]) > 200

    with CaptureQueriesContext(connection) as queries:
        response = accept_everything(reviewer_client, draft)

    assert response.status_code == 302, response.context and response.context.get("errors")
    assert ClaimLink.objects.filter(kind="contradicts").count() == 69
    # Written at once: a story's figures may contradict each other pairwise, thousands of links.
    assert sum('"factcheck_claimlink"' in query["sql"] for query in queries) == 1


def test_without_its_pipeline_the_engine_proposes_nothing_and_says_why(reviewer_client, settings):
    settings.FACTCHECK_SPACY_PIPELINE = "no_such_pipeline"
    response = reviewer_client.post(
        "/stories/new/", {"body": "Officials said the bridge was closed.", "outlet": "X"}, follow=True
    )
    assert StoryDraft.objects.get().proposals == []
    assert "FACTCHECK_SPACY_PIPELINE" in response.text
    assert "The desk found no attributed claims in this story." in response.text


# Names through `for_name`: aliases matched, look-alikes never added silently

CYRILLIC_ZELENSKYY = "Z\u0435l\u0435nskyy"  # Cyrillic е (U+0435) for both Latin e
ONE_CLAIM = "Zelensky said the bridge at Kursk was destroyed on Monday."


def one_claim_draft(speaker, *, relayed_by=(), body=ONE_CLAIM):
    words = "the bridge at Kursk was destroyed on Monday"
    start = body.index(words)
    proposal = Proposal(
        content=[(start, start + len(words))],
        cue=[],
        source=[],
        speaker=speaker,
        venue="public_remarks",
        relayed_by=list(relayed_by),
        claim="The bridge at Kursk was destroyed on Monday.",
    )
    return make_draft(body, [proposal], new_outlet="B-17")


def test_a_speaker_named_by_an_alias_is_the_tracked_speaker(reviewer_client):
    tracked = make_speaker("Volodymyr Zelenskyy", aliases=["Zelensky"])
    draft = one_claim_draft("Zelensky")
    page = reviewer_client.get(f"/stories/{draft.pk}/").text
    assert f'Tracked: <a href="/speakers/{tracked.pk}/" target="_blank" rel="noopener">Volodymyr Zelenskyy</a>' in page
    response = accept_everything(reviewer_client, draft)
    assert response.status_code == 302, response.content
    assert Claim.objects.get().speaker == tracked
    assert Speaker.objects.count() == 1


@pytest.mark.parametrize(
    ("tracked_name", "aliases"), [("Zelenskyy", []), ("Volodymyr Zelenskyy", ["Zelenskyy"])], ids=["name", "alias"]
)
def test_a_look_alike_speaker_is_shown_as_a_possible_duplicate_and_not_saved(reviewer_client, tracked_name, aliases):
    tracked = make_speaker(tracked_name, aliases=aliases)
    draft = one_claim_draft(CYRILLIC_ZELENSKYY)
    page = reviewer_client.get(f"/stories/{draft.pk}/").text
    assert (
        f"“{CYRILLIC_ZELENSKYY}” looks like the tracked speaker "
        f'<a href="/speakers/{tracked.pk}/" target="_blank" rel="noopener">{tracked_name}</a>'
    ) in page
    assert "Cyrillic small letter ie" in page
    assert f'name="p1-confirmed" value="{CYRILLIC_ZELENSKYY}"' in page
    for headers in ({}, HTMX):
        response = accept_everything(reviewer_client, draft, **headers)
        assert response.status_code == 422
        assert f"looks like the speaker #{tracked.pk}" in response.text
        assert "tick that it is someone else" in response.text
    assert not Article.objects.exists()
    assert Speaker.objects.count() == 1


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["without JavaScript", "htmx"])
def test_the_tracked_speaker_can_be_picked_for_a_look_alike(reviewer_client, headers):
    tracked = make_speaker("Volodymyr Zelenskyy", aliases=["Zelenskyy"])
    draft = one_claim_draft(CYRILLIC_ZELENSKYY)
    response = post_review(reviewer_client, draft, "keep", {"action": "", "p1-use_tracked": "speaker"}, **headers)
    assert response.status_code == (200 if headers else 302)
    assert StoryDraft.objects.get().proposals[0]["fields"]["speaker"] == "Volodymyr Zelenskyy"
    assert accept_everything(reviewer_client, draft).status_code == 302
    assert Claim.objects.get().speaker == tracked
    assert Speaker.objects.count() == 1


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["without JavaScript", "htmx"])
def test_a_look_alike_confirmed_as_someone_else_is_added(reviewer_client, headers):
    make_speaker("Zelenskyy")
    draft = one_claim_draft(CYRILLIC_ZELENSKYY)
    post_review(reviewer_client, draft, "keep", {"p1-confirmed": CYRILLIC_ZELENSKYY}, **headers)
    page = reviewer_client.get(f"/stories/{draft.pk}/").text
    assert f'value="{CYRILLIC_ZELENSKYY}" checked' in page
    response = accept_everything(reviewer_client, draft)
    assert response.status_code == 302, response.content
    assert Claim.objects.get().speaker.name == CYRILLIC_ZELENSKYY
    assert Speaker.objects.count() == 2


def test_a_confirmation_holds_for_the_name_confirmed_only(reviewer_client):
    make_speaker("Zelenskyy")
    make_speaker("Kovalenko")
    draft = one_claim_draft(CYRILLIC_ZELENSKYY)
    other = "K\u043evalenko"  # Cyrillic о
    response = accept_everything(reviewer_client, draft, {"p1-speaker": other, "p1-confirmed": CYRILLIC_ZELENSKYY})
    assert response.status_code == 422
    assert f"“{other}” looks like the speaker" in response.text
    assert Speaker.objects.count() == 2


def test_a_look_alike_outlet_in_the_relay_is_flagged_and_can_be_replaced(reviewer_client):
    tracked = make_outlet("Kyiv Independent")
    imitation = "Kyiv Ind\u0435pendent"
    draft = one_claim_draft("Zelensky", relayed_by=[imitation])
    page = reviewer_client.get(f"/stories/{draft.pk}/").text
    assert f'looks like the tracked outlet <a href="/outlets/{tracked.pk}/"' in page
    assert accept_everything(reviewer_client, draft).status_code == 422
    post_review(reviewer_client, draft, "keep", {"action": "", "p1-use_tracked": f"outlet:{imitation}"})
    assert StoryDraft.objects.get().proposals[0]["fields"]["relayed_by"] == "Kyiv Independent"
    assert accept_everything(reviewer_client, draft).status_code == 302
    assert [outlet for _, outlet in chain_of(Claim.objects.get())[0][1:]] == ["Kyiv Independent", "B-17"]
    assert Outlet.objects.filter(name=imitation).count() == 0


@pytest.mark.parametrize(("named", "tracked_name"), [("WRVT", "WRVT Radio"), ("Guardian", "The Guardian")])
def test_an_outlet_named_by_part_of_a_tracked_outlets_name_is_offered_as_it(reviewer_client, named, tracked_name):
    # "according to WRVT" made an outlet "WRVT" beside the tracked "WRVT Radio", and nobody was asked.
    tracked = make_outlet(tracked_name)
    draft = one_claim_draft("Zelensky", relayed_by=[named])
    page = reviewer_client.get(f"/stories/{draft.pk}/").text
    assert f'“{named}” looks like the tracked outlet <a href="/outlets/{tracked.pk}/"' in page
    assert accept_everything(reviewer_client, draft).status_code == 422
    post_review(reviewer_client, draft, "keep", {"action": "", "p1-use_tracked": f"outlet:{named}"})
    assert StoryDraft.objects.get().proposals[0]["fields"]["relayed_by"] == tracked_name
    assert accept_everything(reviewer_client, draft).status_code == 302
    assert [outlet for _, outlet in chain_of(Claim.objects.get())[0][1:]] == [tracked_name, "B-17"]
    assert not Outlet.objects.filter(name=named).exists()


def test_an_outlet_confirmed_as_another_than_the_tracked_one_whose_name_holds_it_is_added(reviewer_client):
    make_outlet("WRVT Radio")
    draft = one_claim_draft("Zelensky", relayed_by=["WRVT"])
    assert accept_everything(reviewer_client, draft, {"p1-confirmed": "WRVT"}).status_code == 302
    assert Outlet.objects.filter(name="WRVT").exists()


@pytest.mark.parametrize("named", ["WRVTX", "Radio Free", "WRVT Radio News"])
def test_an_outlet_whose_words_are_not_all_in_a_tracked_outlets_name_is_not_offered_as_it(reviewer_client, named):
    make_outlet("WRVT Radio")
    draft = one_claim_draft("Zelensky", relayed_by=[named])
    assert "looks like the tracked outlet" not in reviewer_client.get(f"/stories/{draft.pk}/").text
    assert accept_everything(reviewer_client, draft).status_code == 302


def test_the_speaker_box_suggests_the_speaker_an_alias_or_a_look_alike_means(reviewer_client):
    tracked = make_speaker("Volodymyr Zelenskyy", aliases=["Zelensky", "Zelenskyy"])
    make_speaker("Zelenska")
    for typed in ["Zelensky", CYRILLIC_ZELENSKYY]:
        response = reviewer_client.get("/stories/speakers/", {"q": typed}, **HTMX)
        assert response.text.startswith(f'<option value="{tracked.name}">'), response.text


# Text through the desk is cleaned as on every other road in

ZERO_WIDTH_AND_BIDI = [
    "\u200b",
    "\u200d",
    "\u2060",
    "\u00ad",
    "\u202e",
    "\u202c",
    "\u2066",
    "\u2069",
    "\u200f",
    "\ufeff",
]


def hide_in(text):
    """`text` with zero-width and bidi control characters slipped in after every third word."""
    words = text.split(" ")
    return " ".join(
        word + ZERO_WIDTH_AND_BIDI[index % len(ZERO_WIDTH_AND_BIDI)] if index % 3 == 0 else word
        for index, word in enumerate(words)
    )


def extraction_available():
    try:
        return bool(extract_claims("Officials said the bridge was closed.", outlet="B-17"))
    except PipelineMissing:
        return False


def test_a_role_the_story_names_no_one_for_is_proposed_and_saved_as_one_person(reviewer_client):
    if not extraction_available():
        pytest.skip("the spaCy pipeline is not installed")
    body = (
        "Residents of Dunmore were told to boil their water on Tuesday.\n"
        "The mayor said the pipes had been fouled by floodwater. "
        "She added that the supply would be restored by the weekend."
    )
    reviewer_client.post("/stories/new/", {"body": body, "outlet": "Dunmore Gazette"})
    draft = StoryDraft.objects.get()
    # It was an unnamed group, as "experts" are, and "she" went to someone else.
    assert [(r["fields"]["speaker"], r["fields"]["speaker_kind"], r["fields"]["title"]) for r in draft.proposals] == [
        ("The mayor", "person", "Mayor"),
        ("The mayor", "person", ""),
    ]
    page = reviewer_client.get(f"/stories/{draft.pk}/").text
    assert '<option value="person" selected>Person</option>' in page
    accept_everything(reviewer_client, draft)
    mayor = Speaker.objects.get()
    headline = "Residents of Dunmore were told to boil their water on Tue..."
    assert mayor.name == f"The mayor in “{headline}” (story {Article.objects.get().pk})"
    assert (mayor.kind, mayor.title) == ("person", "Mayor")
    assert mayor.description == "Described in the story as “The mayor”."
    assert Claim.objects.filter(speaker=mayor).count() == 2


def mayor_draft(body, headline):
    """A story whose one claim is said by "The mayor", a person it does not name."""
    start = body.index("the bridge")
    proposal = Proposal(
        content=[(start, len(body) - 1)],
        cue=[(10, 14)],
        source=[(0, 9)],
        speaker="The mayor",
        title="Mayor",
        claim=body[start:].capitalize(),
    )
    return make_draft(body, [proposal], headline=headline)


def test_a_person_named_only_by_a_role_is_someone_of_that_story_alone(reviewer_client):
    # Both stories' claims were recorded as said by one speaker, "The mayor": Dunmore's mayor and
    # Ashby's were one person, and the second story's desk offered the first's claims as look-alikes.
    dunmore = mayor_draft("The mayor said the bridge would reopen on Friday.", "Dunmore bridge to reopen")
    accept_everything(reviewer_client, dunmore)
    ashby = mayor_draft("The mayor said the bridge would stay shut until May.", "Ashby bridge stays shut")
    page = reviewer_client.get(f"/stories/{ashby.pk}/").text
    assert "Dunmore" not in page
    accept_everything(reviewer_client, ashby)
    first, second = (
        Claim.objects.get(article__headline=headline).speaker
        for headline in ("Dunmore bridge to reopen", "Ashby bridge stays shut")
    )
    assert first != second
    assert first.name == f"The mayor in “Dunmore bridge to reopen” (story {first.claims.get().article_id})"
    assert (second.kind, second.title, second.description) == (
        "person",
        "Mayor",
        "Described in the story as “The mayor”.",
    )


ANONYMOUS = (
    "A senior official at the authority, who spoke on condition of anonymity because they were not authorized to "
    "discuss the matter"
)


def sources_draft(body, headline, said, outlet):
    """A story whose claims are said by the sources `said` names: {source words: (kind, claim words)}."""
    proposals = []
    for source, (kind, words) in said.items():
        start, at = body.index(words), body.index(source)
        proposals.append(
            Proposal(
                content=[(start, start + len(words))],
                cue=[],
                source=[(at, at + len(source))],
                speaker=source,
                speaker_kind=kind,
                claim=words[0].upper() + words[1:] + ".",
            )
        )
    return make_draft(body, proposals, headline=headline, new_outlet=outlet)


def test_every_unnamed_source_is_someone_of_its_story_alone_whatever_kind_the_engine_gave(reviewer_client):
    # "The official", "Port users" and an anonymous official, proposed as unnamed sources, were saved
    # as speakers of every story: another outlet's "The official" was offered as that one.
    body = (
        "The official said the board had no other choice. Port users said the delays had cost them millions. "
        f"{ANONYMOUS}, said the contractor had billed overtime that was never worked. "
        "South Korea said it was watching the port."
    )
    said = {
        "The official": ("unnamed_group", "the board had no other choice"),
        "Port users": ("unnamed_group", "the delays had cost them millions"),
        ANONYMOUS: ("unnamed_group", "the contractor had billed overtime that was never worked"),
        "South Korea": ("institution", "it was watching the port"),
    }
    first = sources_draft(body, "Port board fires contractor", said, "Coastal News")
    assert accept_everything(reviewer_client, first).status_code == 302
    story = Article.objects.get().pk
    speakers = {claim.speaker.name: claim.speaker for claim in Claim.objects.select_related("speaker")}
    assert set(speakers) == {
        f"The official in “Port board fires contractor” (story {story})",
        f"Port users in “Port board fires contractor” (story {story})",
        f"A senior official at the authority in “Port board fires contractor” (story {story})",
        "South Korea",
    }
    # The name is short; how the story describes them is the speaker's description, whole.
    anonymous = speakers[f"A senior official at the authority in “Port board fires contractor” (story {story})"]
    assert (anonymous.kind, anonymous.description) == ("unnamed_group", f"Described in the story as “{ANONYMOUS}”.")
    assert speakers[f"Port users in “Port board fires contractor” (story {story})"].description == (
        "Described in the story as “Port users”."
    )

    body = "The official said the board had been left with no other choice. South Korea said it was watching."
    said = {
        "The official": ("person", "the board had been left with no other choice"),
        "South Korea": ("institution", "it was watching"),
    }
    page = saved_offering_no_tracked_speaker(
        reviewer_client, sources_draft(body, "Board defends its vote", said, "Riverton Courier")
    )
    assert "Port board fires contractor" not in page
    official = Claim.objects.get(text__startswith="The board had been left").speaker
    assert official.name == f"The official in “Board defends its vote” (story {official.claims.get().article_id})"
    assert Speaker.objects.filter(name="South Korea").get().claims.count() == 2


def saved_offering_no_tracked_speaker(client, draft):
    """The draft's review screen, which offers no tracked speaker as a look-alike, once the draft is saved."""
    page = client.get(f"/stories/{draft.pk}/").text
    assert "looks like the tracked speaker" not in page
    assert accept_everything(client, draft).status_code == 302
    return page


@pytest.mark.parametrize("kind", ["unnamed_group", "person"])
def test_an_unnamed_source_is_never_offered_as_another_storys_tracked_speaker(reviewer_client, kind):
    """Speakers saved before unnamed sources were kept to their story: "The official" of every story."""
    make_speaker("The official", kind="unnamed_group")
    make_speaker("Port users", kind="unnamed_group")
    body = "The official said the board had no other choice. Port users said the delays had cost them millions."
    said = {
        "The official": (kind, "the board had no other choice"),
        "Port users": ("unnamed_group", "the delays had cost them millions"),
    }
    page = saved_offering_no_tracked_speaker(
        reviewer_client, sources_draft(body, "Board defends its vote", said, "Riverton Courier")
    )
    assert "Tracked: <a" not in page
    assert Speaker.objects.count() == 4


def test_a_pasted_story_is_cleaned_before_its_claims_are_proposed(reviewer_client):
    dirty = hide_in(SEED_TEXT)
    assert dirty != SEED_TEXT
    response = reviewer_client.post(
        "/stories/new/", {"body": dirty, "outlet": "B\u200b-17", "headline": hide_in("A b c d")}
    )
    assert response.status_code == 302
    draft = StoryDraft.objects.get()
    assert draft.body == SEED_TEXT
    assert draft.body_digest == text_digest(SEED_TEXT)
    assert (draft.headline, draft.new_outlet) == ("A b c d", "B-17")
    # The engine read the clean text: the same proposals, at the same offsets, as a clean paste gives.
    StoryDraft.objects.all().delete()
    reviewer_client.post("/stories/new/", {"body": SEED_TEXT, "outlet": "B-17"})
    assert draft.proposals == StoryDraft.objects.get().proposals
    assert draft.proposals or not extraction_available()
    for record in draft.proposals:
        for start, end in record["content"]:
            assert not any(char in draft.body[start:end] for char in ZERO_WIDTH_AND_BIDI)


def test_a_story_pasted_again_with_hidden_characters_is_found(reviewer_client):
    reviewer_client.post("/stories/new/", {"body": SEED_TEXT, "outlet": "B-17"})
    draft = StoryDraft.objects.get()
    response = reviewer_client.post("/stories/new/", {"body": hide_in(SEED_TEXT), "outlet": "B-17"})
    assert response["Location"] == f"/stories/{draft.pk}/"
    assert StoryDraft.objects.count() == 1


def test_an_uploaded_story_is_cleaned_too(reviewer_client):
    upload = SimpleUploadedFile("story.html", f"<p>{hide_in('Officials said the bridge was closed.')}</p>".encode())
    reviewer_client.post("/stories/new/", {"file": upload, "outlet": "B-17"})
    assert StoryDraft.objects.get().body == "Officials said the bridge was closed."


def test_what_the_review_form_posts_is_cleaned(reviewer_client):
    draft = one_claim_draft("Zelensky")
    post_review(
        reviewer_client,
        draft,
        "keep",
        {
            "p1-claim": "\u202eThe bridge\u200b at Kursk was destroyed.\u202c",
            "p1-speaker": "\u2066Andrii\u00a0 Kovalenko\u2069",
            "p1-title": "Head\u200d of the Centre",
            "p1-relayed_by": "Kyiv\u200b Independent, \u200fB-17",
        },
    )
    fields = StoryDraft.objects.get().proposals[0]["fields"]
    assert fields["claim"] == "The bridge at Kursk was destroyed."
    assert fields["speaker"] == "Andrii Kovalenko"
    assert fields["title"] == "Head of the Centre"
    assert fields["relayed_by"] == "Kyiv Independent → B-17"
    assert accept_everything(reviewer_client, draft).status_code == 302
    claim = Claim.objects.get()
    assert (claim.text, claim.speaker.name, claim.speaker.title) == (
        "The bridge at Kursk was destroyed.",
        "Andrii Kovalenko",
        "Head of the Centre",
    )


def test_words_pasted_with_hidden_characters_are_found_in_the_story(reviewer_client):
    draft = one_claim_draft("Zelensky")
    response = post_review(reviewer_client, draft, "add", {"add-words": "Zelensky\u200b said\u202e the bridge"}, **HTMX)
    assert "Added proposal" in response.text
    (added,) = [record for record in StoryDraft.objects.get().proposals if record["by_hand"]]
    start, end = added["content"][0]
    assert ONE_CLAIM[start:end] == "Zelensky said the bridge"


# Two people on one draft: a stale post is refused, not written over the other's edits


def form_of(client, draft):
    """What the review page's form holds for `client`: the fields of every proposal, and the revision drawn."""
    page = client.get(f"/stories/{draft.pk}/")
    data = {"revision": str(page.context["draft"].revision)}
    for record in page.context["draft"].proposals:
        data[f"p{record['key']}-shown"] = "1"
        data.update({f"p{record['key']}-{name}": value for name, value in record["fields"].items()})
    return data


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["without JavaScript", "htmx"])
def test_a_post_from_a_page_drawn_before_another_edit_is_refused_with_its_input_kept(reviewer, editor, headers):
    draft = seed_draft()
    bob, dora = login(Client(), reviewer), login(Client(), editor)
    bobs, doras = form_of(bob, draft), form_of(dora, draft)
    assert (
        bob.post(f"/stories/{draft.pk}/", {**bobs, "p1-claim": "Bob's wording.", "action": "keep"}).status_code == 302
    )
    response = dora.post(f"/stories/{draft.pk}/", {**doras, "p2-claim": "Dora's wording.", "action": "keep"}, **headers)
    assert response.status_code == 409
    assert "Someone else changed this story’s proposals since you opened it: nothing was kept." in response.text
    assert "Dora&#x27;s wording." in response.text  # her input, still on the page
    # ... and not kept: leaving the page asks first (site.js), as after any edit not posted.
    assert re.search(r'<form id="desk"[^>]* data-unsaved-warning data-unsaved>', response.text)
    kept = StoryDraft.objects.get()
    assert [kept.proposals[0]["fields"]["claim"], kept.revision] == ["Bob's wording.", 1]
    assert kept.proposals[1]["fields"]["claim"] != "Dora's wording."
    # The refusal draws the form at the current revision: posting it again keeps her change.
    assert f'name="revision" value="{kept.revision}"' in response.text
    again = dora.post(f"/stories/{draft.pk}/", {**doras, "revision": "1", "p2-claim": "Dora's wording."})
    assert again.status_code == 302
    assert StoryDraft.objects.get().proposals[1]["fields"]["claim"] == "Dora's wording."


class PageForm(HTMLParser):
    """What a browser posts from a page's form: text and hidden inputs, what is checked or chosen."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.data, self.textarea, self.select = [], None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type", "text") in ("text", "hidden"):
            self.data.append((name, attrs.get("value", "")))
        elif tag == "input" and name and attrs.get("type") in ("radio", "checkbox") and "checked" in attrs:
            self.data.append((name, attrs.get("value", "on")))
        elif tag == "textarea":
            self.textarea = [name, ""]
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.data.append((self.select, attrs.get("value", "")))

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea:
            self.data.append(tuple(self.textarea))
            self.textarea = None
        elif tag == "select":
            self.select = None

    def post(self, **changes):
        posted = MultiValueDict()
        for name, value in self.data:
            posted.appendlist(name, value)
        for name, value in changes.items():
            posted.setlist(name, [value])
        return posted


def test_a_post_from_a_stale_page_shows_the_others_work_with_its_own_changes_and_posting_again_keeps_both(
    reviewer, editor
):
    draft = seed_draft()
    bob, dora = login(Client(), reviewer), login(Client(), editor)
    bobs, doras = PageForm(bob.get(f"/stories/{draft.pk}/").text), PageForm(dora.get(f"/stories/{draft.pk}/").text)
    original = StoryDraft.objects.get().proposals
    bob_changes = {"p1-decision": "reject", "p3-claim": "Reviewer fixed claim 3.", "action": "keep"}
    assert bob.post(f"/stories/{draft.pk}/", bobs.post(**bob_changes)).status_code == 302

    refused = dora.post(f"/stories/{draft.pk}/", doras.post(**{"p2-claim": "Editor fixed claim 2.", "action": "keep"}))
    assert refused.status_code == 409
    shown = PageForm(refused.text).post()
    assert [shown["p1-decision"], shown["p2-claim"], shown["p3-claim"]] == [
        "reject",
        "Editor fixed claim 2.",
        "Reviewer fixed claim 3.",
    ]
    assert "You both changed" not in refused.text

    assert dora.post(f"/stories/{draft.pk}/", PageForm(refused.text).post(action="keep")).status_code == 302
    kept = [record["fields"] for record in StoryDraft.objects.get().proposals]
    assert [kept[0]["decision"], kept[1]["claim"], kept[2]["claim"]] == [
        "reject",
        "Editor fixed claim 2.",
        "Reviewer fixed claim 3.",
    ]
    assert kept[3:] == [record["fields"] for record in original[3:]]


def test_a_field_both_changed_shows_the_own_value_and_says_what_the_other_saved(reviewer, editor):
    draft = seed_draft()
    bob, dora = login(Client(), reviewer), login(Client(), editor)
    bobs, doras = PageForm(bob.get(f"/stories/{draft.pk}/").text), PageForm(dora.get(f"/stories/{draft.pk}/").text)
    assert (
        bob.post(f"/stories/{draft.pk}/", bobs.post(**{"p3-claim": "Bob's claim 3.", "action": "keep"})).status_code
        == 302
    )

    refused = dora.post(f"/stories/{draft.pk}/", doras.post(**{"p3-claim": "Dora's claim 3.", "action": "keep"}))
    assert refused.status_code == 409
    assert PageForm(refused.text).post()["p3-claim"] == "Dora's claim 3."
    assert "You both changed proposal 3 (claim): yours is shown, theirs is under the field." in refused.text
    assert "Someone else saved “Bob&#x27;s claim 3.” here meanwhile; yours is shown." in refused.text
    assert dora.post(f"/stories/{draft.pk}/", PageForm(refused.text).post(action="keep")).status_code == 302
    assert StoryDraft.objects.get().proposals[2]["fields"]["claim"] == "Dora's claim 3."


def test_a_forged_loaded_value_keeps_no_more_than_what_was_posted(reviewer, editor):
    draft = seed_draft()
    bob, dora = login(Client(), reviewer), login(Client(), editor)
    bobs, doras = PageForm(bob.get(f"/stories/{draft.pk}/").text), PageForm(dora.get(f"/stories/{draft.pk}/").text)
    assert (
        bob.post(f"/stories/{draft.pk}/", bobs.post(**{"p1-decision": "reject", "action": "keep"})).status_code == 302
    )
    for forged in ["not json", "[1, 2]", '{"decision": 7, "claim": ["x"]}']:
        refused = dora.post(f"/stories/{draft.pk}/", doras.post(**{"p1-loaded": forged, "action": "keep"}))
        assert refused.status_code == 409
        # Unreadable: every field she posted counts as hers, as she could post them anyway.
        assert "p1-decision" not in PageForm(refused.text).post()
    assert StoryDraft.objects.get().proposals[0]["fields"]["decision"] == "reject"


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["without JavaScript", "htmx"])
def test_words_to_add_from_a_stale_page_are_kept_in_their_box_and_added_when_posted_again(reviewer, editor, headers):
    """The 409 page said "your changes are shown below", but the words typed or selected in "Its
    words" came back as an empty box: the claim to add was lost without a word."""
    draft = seed_draft()
    bob, dora = login(Client(), reviewer), login(Client(), editor)
    bobs, doras = PageForm(bob.get(f"/stories/{draft.pk}/").text), PageForm(dora.get(f"/stories/{draft.pk}/").text)
    assert (
        bob.post(f"/stories/{draft.pk}/", bobs.post(**{"p1-decision": "reject", "action": "keep"})).status_code == 302
    )
    words = "Training with drones in particular"
    start = str(SEED_TEXT.index(words))
    end = str(int(start) + len(words))
    typed = {"add-words": words, "add-start": start, "add-end": end, "action": "add"}
    refused = dora.post(f"/stories/{draft.pk}/", doras.post(**typed), **headers)
    assert refused.status_code == 409
    shown = PageForm(refused.text).post()
    assert [shown["add-words"], shown["add-start"], shown["add-end"]] == [words, start, end]
    assert dora.post(f"/stories/{draft.pk}/", PageForm(refused.text).post(action="add")).status_code == 302
    added = next(record for record in StoryDraft.objects.get().proposals if record["by_hand"])
    assert added["content"] == [[int(start), int(end)]]


def test_words_not_found_stay_in_their_box_to_be_corrected(reviewer_client):
    draft = seed_draft()
    words = "Training with drones in particlar would allow North Korea to catch up quickly"
    response = post_review(reviewer_client, draft, "add", {"add-words": words}, **HTMX)
    assert response.status_code == 422
    assert PageForm(response.text).post()["add-words"] == words
    # Once the words are added, or another button is pressed, the box is empty again.
    assert PageForm(post_review(reviewer_client, draft, "keep", **HTMX).text).post()["add-words"] == ""


def test_saving_from_a_stale_page_saves_nothing(reviewer_client):
    draft = seed_draft()
    post_review(reviewer_client, draft, "accept_all")
    response = reviewer_client.post(
        f"/stories/{draft.pk}/", {**form_of(reviewer_client, draft), "revision": "0", "action": "save"}
    )
    assert response.status_code == 409
    assert not Article.objects.exists()


def test_a_post_without_the_revision_is_refused(reviewer_client):
    draft = seed_draft()
    assert reviewer_client.post(f"/stories/{draft.pk}/", {"action": "accept_all"}).status_code == 409
    assert StoryDraft.objects.get().revision == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_posts_racing_on_postgresql_keep_one_and_refuse_the_other(reviewer, editor):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    draft = seed_draft()
    bob, dora = login(Client(), reviewer), login(Client(), editor)
    bobs, doras = form_of(bob, draft), form_of(dora, draft)
    codes = race(
        [
            lambda: bob.post(f"/stories/{draft.pk}/", {**bobs, "p1-claim": "Bob's wording.", "action": "keep"}),
            lambda: dora.post(f"/stories/{draft.pk}/", {**doras, "p1-claim": "Dora's wording.", "action": "keep"}),
        ],
        draft,
    )
    assert sorted(codes) == [302, 409]
    kept = StoryDraft.objects.get()
    assert kept.revision == 1
    assert kept.proposals[0]["fields"]["claim"] in ("Bob's wording.", "Dora's wording.")


def test_a_proposal_shows_its_figure_with_thousands_separators_and_its_unit(reviewer_client):
    draft = seed_draft()
    page = reviewer_client.get(f"/stories/{draft.pk}/").text
    assert "Figure: up to 8,000 North Korean troops" in page
    post_review(reviewer_client, draft, "edit", {"p4-quantity_value": "14000000", "p4-quantity_unit": "euros"})
    assert "Figure: 14,000,000 euros" in reviewer_client.get(f"/stories/{draft.pk}/").text


@pytest.mark.parametrize(
    ("engine", "shown", "saved"),
    [
        ("112000000", "112,000,000", Decimal(112_000_000)),  # "$112 million"
        ("2.5", "2.5", Decimal("2.5")),
        ("1.234", "1.2340", Decimal("1.234")),  # not "1.234", which reads as 1 or 1,234 and is refused
    ],
)
def test_the_figure_field_shows_the_engines_figure_as_its_line_does_and_reads_it_back(
    reviewer_client, engine, shown, saved
):
    """The field showed the engine's "112000000" under a line reading "Figure: 112,000,000 dollars": a
    person counting zeros to check it. Grouped, it reads as the line does, and the desk reads it back."""
    body = "The mayor said the bridge cost $112 million."
    words = "the bridge cost $112 million"
    start = body.index(words)
    said = Proposal(
        content=[(start, start + len(words))],
        cue=[],
        source=[],
        speaker="The mayor",
        claim="The bridge cost $112 million.",
        quantity=Quantity(engine, "dollars", ""),
    )
    draft = make_draft(body, [said])
    page = reviewer_client.get(f"/stories/{draft.pk}/").text
    field = re.search(r'<input[^>]*name="p1-quantity_value"[^>]*>', page)[0]
    assert f'value="{shown}"' in field and 'maxlength="None"' not in field
    accept_everything(reviewer_client, draft)
    assert Claim.objects.get().quantity_value == saved


@pytest.mark.parametrize("said", ["Officials warn of long winter", "The union called for a recount."])
def test_a_proposal_the_engine_could_not_draft_opens_for_a_person_to_write_its_claim(reviewer_client, said):
    """The desk filled an empty draft with the content's words ("long winter"), which read as written."""
    body = f"Port faces storm\n\n{said}"
    draft = make_draft(body, extract_claims(body, outlet="Daily Planet"))
    [record] = draft.proposals
    assert record["fields"]["claim"] == ""
    assert "No claim written" in reviewer_client.get(f"/stories/{draft.pk}/").text


def test_an_answer_the_engine_could_not_draft_opens_until_a_person_writes_its_claim(reviewer_client):
    """'Time will tell.' was proposed closed, a draft that said nothing of the question asked."""
    body = 'Port deal signed\n\nAsked whether voters would back the plan, Ana Ruiz said: "Time will tell."'
    draft = make_draft(body, extract_claims(body, outlet="Daily Planet"))
    page = reviewer_client.get(f"/stories/{draft.pk}/").text
    assert "An answer to whether voters would back the plan: write what it claims" in page
    [record] = draft.proposals
    record["fields"]["claim"] = "Voters may not back the plan."
    draft.save()
    page = reviewer_client.get(f"/stories/{draft.pk}/").text
    assert "An answer to" not in page


@pytest.mark.parametrize(
    ("body", "who"),
    [
        (
            "Pier to open in spring\n\nThe mayor said in a post on X that construction would begin in February.",
            "The mayor",
        ),
        ("Pier to open in spring\n\nThe harbour master said the pier would open in May.", "The harbour master"),
    ],
)
def test_a_speaker_described_by_their_role_is_not_titled_with_it_again(reviewer_client, body, who):
    # The review read "The mayor, Mayor".
    make_outlet("B-17")
    reviewer_client.post("/stories/new/", {"body": body, "outlet": "b-17", "url": "", "published": "2024-11-05"})
    page = reviewer_client.get(f"/stories/{StoryDraft.objects.get().pk}/").text
    lines = re.findall(r'<span class="proposal-who">(.*?)</span>', page)
    assert lines == [who]
