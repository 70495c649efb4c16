"""The Corrections queue: a verdict that turns puts the published stories that carried the claim in it,
until an editor records the outcome; the outcome is history the database keeps."""

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils.html import strip_tags

from factcheck import merging
from factcheck.models import Assignment, ClaimLink, CorrectionCase, CorrectionRefused, CorrectionTurn
from factcheck.tests.factories import make_appearance, make_article, make_claim, make_evidence
from factcheck.tests.test_import import csv_text, row, run_import

HTMX = {"HTTP_HX_REQUEST": "true"}


def queued():
    """The ids of the stories waiting in the queue."""
    return set(CorrectionCase.objects.open().values_list("article", flat=True))


@pytest.fixture
def stories(editor):
    """A claim carried by five stories in five ways, and stories that must stay out of it."""
    said = make_article(headline="Said it first", url="https://news.example/said")
    claim = make_claim("The dam held overnight.", article=said)
    restated = make_article(headline="Said it again")
    same = make_claim("The dam did not break overnight.", article=restated)
    ClaimLink.link(claim, same, ClaimLink.Kind.SAME_CLAIM, by=editor)
    merged_story = make_article(headline="Recorded twice")
    duplicate = make_claim("The dam held.", speaker=claim.speaker, article=merged_story)
    merging.merge(duplicate, claim, by=editor, reason="Twice.", merged_version=1, into_version=1)
    relayed = make_article(headline="Relayed it", url="https://news.example/relayed")
    make_appearance(claim, venue_type="relayed_report", url=relayed.url)
    # Two steps away: linked as the same claim to the restatement.
    far = make_article(headline="Said it a third time")
    ClaimLink.link(same, make_claim("The dam stood.", article=far), ClaimLink.Kind.SAME_CLAIM, by=editor)
    contradicted = make_article(headline="Said the opposite")
    ClaimLink.link(claim, make_claim("The dam broke.", article=contradicted), ClaimLink.Kind.CONTRADICTS, by=editor)
    unrelated = make_article(headline="Another story")
    make_claim("The bridge reopened.", article=unrelated)
    claim.refresh_from_db()
    return {
        "claim": claim,
        "carrying": {said.pk, restated.pk, merged_story.pk, relayed.pk, far.pk},
        "others": {contradicted.pk, unrelated.pk},
    }


def test_a_verdict_turning_disputed_queues_exactly_the_stories_that_carried_the_claim(stories, editor):
    claim = stories["claim"]
    assert queued() == set()
    claim.set_status("disputed", by=editor, reason="Engineers saw a crack.")
    assert queued() == stories["carrying"]
    assert not queued() & stories["others"]
    case = CorrectionCase.objects.get(article__headline="Said it again")
    assert (case.claim, case.event) == (claim, claim.events.latest())


def test_a_verdict_that_turns_twice_leaves_one_open_case_a_story(stories, editor):
    claim = stories["claim"]
    claim.set_status("disputed", by=editor, reason="Engineers saw a crack.")
    make_evidence(claim, "refutes")
    claim.set_status("false", by=editor, reason="The dam broke at 3 a.m.")
    assert CorrectionCase.objects.count() == len(stories["carrying"])
    # Another claim of a queued story turning adds nothing either.
    other = make_claim("The river rose.", article=CorrectionCase.objects.first().article)
    other.set_status("disputed", by=editor, reason="Gauges say otherwise.")
    assert CorrectionCase.objects.count() == len(stories["carrying"])


def test_recording_an_outcome_takes_the_story_out_and_a_later_turn_opens_a_new_case(stories, editor):
    claim = stories["claim"]
    claim.set_status("disputed", by=editor, reason="Engineers saw a crack.")
    case = CorrectionCase.objects.get(article__headline="Said it first")
    case.record_outcome("not_needed", by=editor, reason="The story said it was unconfirmed.")
    assert queued() == stories["carrying"] - {case.article_id}
    make_evidence(claim, "refutes")
    claim.set_status("false", by=editor, reason="The dam broke.")
    assert queued() == stories["carrying"]
    assert case.article.correction_cases.count() == 2


@pytest.mark.parametrize("status", ["verified", "unconfirmed"])
def test_a_claim_confirmed_or_reopened_queues_nothing(stories, editor, status):
    claim = stories["claim"]
    make_evidence(claim, "supports")
    if status == "unconfirmed":
        claim.set_status("disputed", by=editor, reason="Doubt.")
        before = CorrectionCase.objects.count()
        claim.set_status("unconfirmed", by=editor, reason="Reopened.")
        assert CorrectionCase.objects.count() == before
    else:
        claim.set_status(status, by=editor, reason="Seen open.")
        assert queued() == set()


def test_a_claim_recorded_as_disputed_queues_nothing(editor):
    story = make_article()
    make_claim("The story itself said this was disputed.", article=story, status="disputed")
    assert queued() == set()


@pytest.mark.parametrize("attribution", ["misattributed", "denied"])
def test_an_attribution_found_misattributed_or_denied_queues_the_stories(stories, editor, attribution):
    claim = stories["claim"]
    make_evidence(claim, "context", primary_source=True)
    claim.set_attribution(attribution, by=editor, reason="The recording says otherwise.")
    assert queued() == stories["carrying"]


def test_an_import_that_turns_a_stored_claim_disputed_queues_its_story(admin_user, editor, tmp_path):
    story = {"article_url": "https://b17.example/story", "article_headline": "Drones", "article_outlet": "B-17"}
    run_import(tmp_path, csv_text(row(id="c1", status="unconfirmed", **story)), admin_user)
    assert queued() == set()
    run_import(
        tmp_path, csv_text(row(id="c1", status="disputed", status_reason="Blinken says 8,000.", **story)), editor
    )
    assert CorrectionCase.objects.get().article.url == "https://b17.example/story"


REASONS = ["Maps say otherwise.", "Seoul took it back."]  # the later turns' reasons, in order


def test_every_claim_of_a_story_that_turns_while_its_case_is_open_is_listed_on_it(editor_client, editor):
    story = make_article(headline="Troops moved")
    first = make_claim("Up to 11,000 troops were sent.", article=story)
    second = make_claim("The troops reached Kursk.", article=story)
    verified = make_claim("Up to 8,000 troops were moved.", article=story)
    make_evidence(verified, "supports")
    verified.set_status("verified", by=editor, reason="Seoul confirmed it.")
    first.set_status("disputed", by=editor, reason="Kyiv says 8,000.")
    second.set_status("disputed", by=editor, reason="Maps say otherwise.")
    verified.set_status("disputed", by=editor, reason="Seoul took it back.")
    case = CorrectionCase.objects.get()
    assert case.claim == first
    turns = list(
        CorrectionTurn.objects.filter(case=case).values_list("claim", "event__from_status", "event__to_status")
    )
    assert turns == [(second.pk, "unconfirmed", "disputed"), (verified.pk, "verified", "disputed")]
    for url in ("/corrections/", f"/articles/{story.pk}/"):
        page = editor_client.get(url).content.decode()
        assert "Also turned while" in page, url
        assert "The troops reached Kursk." in page and "Up to 8,000 troops were moved." in page, url
        assert "(was Verified)" in page, url
    queue = editor_client.get("/corrections/").content.decode()
    later = queue[queue.index("<ul>", queue.index('<div class="later-turns">')) :]
    items = [" ".join(strip_tags(item).split()) for item in later[: later.index("</ul>")].split("</li>")[:-1]]
    who = editor.get_username()
    assert [
        (item.split(f" by {who}, ")[0], item.endswith(reason)) for item, reason in zip(items, REASONS, strict=True)
    ] == [
        # Not "Kursk.: Disputed": the claim's own full stop, then a colon.
        ("The troops reached Kursk. → Disputed (was Unable to independently confirm)", True),
        ("Up to 8,000 troops were moved. → Disputed (was Verified)", True),
    ]


def test_the_story_page_says_who_turned_each_claim_and_quotes_each_claim_whole(editor_client, editor, reviewer):
    """The first turn read "… the crossing →" with no "by <who>", where the later turns had it, and
    a claim longer than 120 characters was cut off."""
    story = make_article(headline="Bridge")
    words = (
        "The new bridge over the river, which the council approved in a vote last spring, will open to traffic "
        "in eighteen months."
    )
    first = make_claim(words, article=story)
    second = make_claim(f"{words[:-1]}, the mayor added.", article=story)
    first.set_status("disputed", by=editor, reason="The contract says three years.")
    second.set_status("disputed", by=reviewer, reason="Same contract.")
    page = " ".join(strip_tags(editor_client.get(f"/articles/{story.pk}/").content.decode()).split())
    corrections = page[page.index("Corrections Awaiting an outcome") :]
    assert f"{words} → Disputed (was Unable to independently confirm), by {editor.get_username()}, " in corrections
    assert f"{words[:-1]}, the mayor added. → Disputed" in corrections
    assert f"by {reviewer.get_username()}, " in corrections


def test_a_turn_after_the_outcome_opens_a_new_case_and_the_settled_one_keeps_its_turns(editor_client, editor):
    story = make_article(headline="Troops moved")
    first = make_claim("Up to 11,000 troops were sent.", article=story)
    second = make_claim("The troops reached Kursk.", article=story)
    third = make_claim("The troops crossed the border.", article=story)
    first.set_status("disputed", by=editor, reason="Kyiv says 8,000.")
    second.set_status("disputed", by=editor, reason="Maps say otherwise.")
    settled = CorrectionCase.objects.get()
    settled.record_outcome("not_needed", by=editor, reason="The story called both unconfirmed.")
    third.set_status("disputed", by=editor, reason="No border crossing seen.")
    reopened = CorrectionCase.objects.open().get()
    assert (reopened.article, reopened.claim) == (story, third)
    assert list(settled.later_turns.values_list("claim", flat=True)) == [second.pk]
    assert not reopened.later_turns.exists()
    page = editor_client.get("/corrections/?state=not_needed").content.decode()
    assert "The troops reached Kursk." in page and "The troops crossed the border." not in page


def test_an_import_that_turns_two_claims_of_a_story_opens_one_case_listing_both(admin_user, editor, tmp_path):
    story = {"article_url": "https://b17.example/story", "article_headline": "Drones", "article_outlet": "B-17"}
    stored = [row("Drones hit the depot.", id="c1", **story), row("The depot burned.", id="c2", **story)]
    run_import(tmp_path, csv_text(*stored), admin_user)
    turned = [
        row("Drones hit the depot.", id="c1", status="disputed", status_reason="Satellite images.", **story),
        row("The depot burned.", id="c2", status="disputed", status_reason="No smoke seen.", **story),
    ]
    run_import(tmp_path, csv_text(*turned), editor)
    case = CorrectionCase.objects.get()
    assert case.claim.text == "Drones hit the depot."
    assert list(case.later_turns.values_list("claim__text", flat=True)) == ["The depot burned."]


def test_the_database_refuses_to_change_or_remove_a_later_turn(editor):
    story = make_article(headline="Troops moved")
    make_claim("Up to 11,000 troops were sent.", article=story).set_status("disputed", by=editor, reason="8,000.")
    make_claim("The troops reached Kursk.", article=story).set_status("disputed", by=editor, reason="Maps.")
    table = CorrectionTurn._meta.db_table
    for statement in (f"UPDATE {table} SET claim_id = claim_id", f"DELETE FROM {table}"):  # noqa: S608
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert CorrectionTurn.objects.count() == 1


@pytest.fixture
def case(editor):
    claim = make_claim("The dam held overnight.", article=make_article(headline="Said it first"))
    claim.set_status("disputed", by=editor, reason="Engineers saw a crack.")
    return CorrectionCase.objects.get()


def test_an_editor_records_a_published_correction_and_the_story_page_shows_it(editor_client, editor, case):
    response = editor_client.post(
        f"/corrections/{case.pk}/outcome/",
        {
            "outcome": "published",
            "correction_url": "https://news.example/said#correction",
            "correction_text": "An earlier version said the dam held.",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.outcome, case.decided_by, case.correction_text) == (
        "published",
        editor,
        "An earlier version said the dam held.",
    )
    queue = editor_client.get("/corrections/").content.decode()
    assert f'id="case-{case.pk}"' not in queue and "No story is waiting for a correction." in queue
    page = editor_client.get(f"/articles/{case.article_id}/").content.decode()
    assert "An earlier version said the dam held." in page
    assert 'href="https://news.example/said#correction"' in page
    settled = editor_client.get("/corrections/?state=published").content.decode()
    assert f'id="case-{case.pk}"' in settled


def test_a_correction_that_ran_in_print_or_on_air_is_recorded_with_where_it_ran_and_no_url(editor_client, case):
    response = editor_client.post(
        f"/corrections/{case.pk}/outcome/",
        {
            "outcome": "published",
            "correction_placement": "In print, page 2",
            "correction_text": "An earlier version said the dam held.",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.outcome, case.correction_url, case.correction_placement) == ("published", "", "In print, page 2")
    page = editor_client.get(f"/articles/{case.article_id}/").content.decode()
    assert "Where it ran: In print, page 2" in page and "An earlier version said the dam held." in page
    assert "The correction as published" not in page  # no link to nowhere


def test_where_a_correction_ran_is_history_the_database_keeps(editor, case):
    case.record_outcome("published", by=editor, placement="On air, 6 pm bulletin", text="We erred.")
    with pytest.raises(DatabaseError), transaction.atomic():
        CorrectionCase.objects.filter(pk=case.pk).update(correction_placement="Nowhere")
    case.refresh_from_db()
    assert case.correction_placement == "On air, 6 pm bulletin"


def test_the_database_refuses_a_published_correction_that_ran_nowhere(editor, case):
    with pytest.raises(DatabaseError), transaction.atomic():
        CorrectionCase.objects.filter(pk=case.pk).update(
            outcome="published", correction_text="We erred.", decided_by=editor, decided_at=case.opened_at
        )


def test_with_htmx_the_row_comes_back_settled(editor_client, case):
    response = editor_client.post(
        f"/corrections/{case.pk}/outcome/", {"outcome": "not_needed", "reason": "Already said so."}, **HTMX
    )
    assert response.status_code == 200
    assert "corrections-changed" in response.headers["HX-Trigger"]
    html = response.content.decode()
    assert f'id="case-{case.pk}"' in html and "No correction needed" in html and "Already said so." in html
    assert "<html" not in html


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"outcome": "published", "correction_text": "We erred."}, "Say where the correction ran"),
        ({"outcome": "published", "correction_url": "https://x.example/c"}, "give its text as published"),
        ({"outcome": "published", "correction_placement": "On air"}, "give its text as published"),
        ({"outcome": "not_needed"}, "Say why no correction is needed."),
        ({}, "Choose: a correction was published, or none is needed."),
        ({"outcome": "published", "correction_url": "not a url", "correction_text": "We erred."}, "valid URL"),
    ],
)
def test_an_incomplete_outcome_is_refused_with_what_is_missing_and_keeps_the_input(editor_client, case, data, error):
    for headers in ({}, HTMX):
        response = editor_client.post(f"/corrections/{case.pk}/outcome/", data, **headers)
        assert response.status_code == 422
        html = response.content.decode()
        assert error.replace("’", "&#x27;") in html or error in html
        for value in data.values():
            assert value in html
    case.refresh_from_db()
    assert case.is_open


def test_a_second_outcome_is_refused_as_stale_and_changes_nothing(client, editor, admin_user, case):
    case.record_outcome("not_needed", by=editor, reason="Said so already.")
    client.force_login(admin_user)
    response = client.post(f"/corrections/{case.pk}/outcome/", {"outcome": "not_needed", "reason": "Another reason."})
    assert response.status_code == 409
    assert "alice recorded this story" in response.content.decode()
    case.refresh_from_db()
    assert (case.reason, case.decided_by) == ("Said so already.", editor)
    with pytest.raises(CorrectionRefused):
        CorrectionCase.objects.get(pk=case.pk).record_outcome("not_needed", by=admin_user, reason="Again.")


def test_the_queue_the_story_page_and_a_refusal_name_each_person_by_their_full_name(editor_client, editor):
    """As the header names a person; they had been named by their username."""
    maria = User.objects.create_user("mkowalska", first_name="Maria", last_name="Kowalska")
    story = make_article(headline="Troops moved")
    first = make_claim("Up to 11,000 troops were sent.", article=story)
    second = make_claim("The troops reached Kursk.", article=story)
    first.set_status("disputed", by=maria, reason="Kyiv says 8,000.")
    second.set_status("disputed", by=maria, reason="Maps say otherwise.")
    case = CorrectionCase.objects.get()
    waiting = editor_client.get("/corrections/").text
    assert "by Maria Kowalska," in waiting
    case.record_outcome("not_needed", by=maria, reason="The story called both unconfirmed.")
    refused = editor_client.post(f"/corrections/{case.pk}/outcome/", {"outcome": "not_needed", "reason": "Again."})
    assert refused.status_code == 409
    assert "Maria Kowalska recorded this story" in refused.text
    settled = editor_client.get("/corrections/?state=not_needed").text
    assert settled.count("by Maria Kowalska,") == 3  # the turn that opened the case, the later one, the outcome
    for page in (waiting, refused.text, settled, editor_client.get(f"/articles/{story.pk}/").text):
        assert "mkowalska" not in page
    assert "by Maria Kowalska," in editor_client.get(f"/articles/{story.pk}/").text


def test_a_reviewer_reads_the_queue_but_cannot_record_an_outcome(reviewer_client, case):
    page = reviewer_client.get("/corrections/").content.decode()
    assert "Said it first" in page and "Record the outcome" not in page
    response = reviewer_client.post(f"/corrections/{case.pk}/outcome/", {"outcome": "not_needed", "reason": "No."})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.is_open


def test_a_link_to_a_case_that_is_not_there_says_so_not_that_no_story_waits(editor_client, case):
    page = editor_client.get(f"/corrections/?case={case.pk + 1}").content.decode()
    assert f"No correction case #{case.pk + 1}." in page
    assert "No story is waiting" not in page  # one is: `case` is open


def test_an_outsider_sees_no_queue(outsider_client, case):
    assert outsider_client.get("/corrections/").status_code == 403


def test_the_database_refuses_to_change_or_remove_a_case(editor, case):
    table = CorrectionCase._meta.db_table
    for statement in (
        f"UPDATE {table} SET article_id = article_id",  # noqa: S608 still open: only an outcome may be written
        f"DELETE FROM {table}",  # noqa: S608
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    case.record_outcome("not_needed", by=editor, reason="Said so already.")
    with pytest.raises(DatabaseError), transaction.atomic():
        CorrectionCase.objects.filter(pk=case.pk).update(reason="Rewritten.")
    with pytest.raises(DatabaseError), transaction.atomic():
        CorrectionCase.objects.filter(pk=case.pk).update(outcome="", decided_by=None, decided_at=None, reason="")
    case.refresh_from_db()
    assert case.reason == "Said so already."


def test_the_database_keeps_one_open_case_a_story(case):
    with pytest.raises(DatabaseError), transaction.atomic():
        CorrectionCase.objects.create(
            article=case.article, claim=case.claim, event=case.event, opened_at=case.opened_at
        )


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def make_cases(count, editor):
    for number in range(count):
        claim = make_claim(f"Claim {number} held.", article=make_article(headline=f"Story {number}"))
        claim.set_status("disputed", by=editor, reason="Doubt.")


@pytest.mark.parametrize("state", ["open", "not_needed", "all"])
def test_the_queue_costs_the_same_queries_at_any_page_size(editor_client, editor, state):
    make_cases(6, editor)
    for case in CorrectionCase.objects.all()[:3]:
        case.record_outcome("not_needed", by=editor, reason="Said so.")
    editor_client.get("/corrections/")  # the session and permissions, cached
    small = queries_for(editor_client, f"/corrections/?state={state}&limit=1")
    assert small == queries_for(editor_client, f"/corrections/?state={state}&limit=6") <= 6
    response = editor_client.get(f"/corrections/?state={state}&limit=6")
    assert response.content.decode().count('class="case-row') == {"open": 3, "not_needed": 3, "all": 6}[state]


def test_the_story_page_shows_its_corrections_in_a_fixed_number_of_queries(editor_client, editor, case):
    url = f"/articles/{case.article_id}/"
    editor_client.get(url)
    first = queries_for(editor_client, url)
    case.record_outcome("not_needed", by=editor, reason="Said so.")
    make_evidence(case.claim, "refutes")
    case.claim.set_status("false", by=editor, reason="Broke.")
    assert case.article.correction_cases.count() == 2
    assert queries_for(editor_client, url) == first


def test_the_tabs_are_counted_again_for_htmx_and_send_the_others_to_the_queue(editor_client, case):
    tabs = editor_client.get("/corrections/counts/?state=open", **HTMX)
    assert tabs.status_code == 200
    html = tabs.content.decode()
    assert (
        html.lstrip().startswith('<nav id="correction-counts"') and 'hx-trigger="corrections-changed from:body"' in html
    )
    assert '<span class="count" data-state="open">1</span>' in html
    assert '<span class="count" data-state="published">0</span>' in html
    assert '<span class="count" data-state="all">1</span>' in html
    plain = editor_client.get("/corrections/counts/?state=published")
    assert (plain.status_code, plain.headers["Location"]) == (302, "/corrections/?state=published")


def test_an_outsider_gets_no_tabs(outsider_client, case):
    assert outsider_client.get("/corrections/counts/", **HTMX).status_code == 403


def test_the_counts_are_capped(editor_client, editor, monkeypatch):
    monkeypatch.setattr("factcheck.models.STATUS_COUNT_CAP", 2)
    make_cases(3, editor)
    page = editor_client.get("/corrections/").content.decode()
    assert '<span class="count" data-state="open">2+</span>' in page


def test_the_claim_queue_filters_by_correction_state(reviewer_client, editor, case):
    make_claim("A claim nobody doubts.", article=case.article)
    listed = reviewer_client.get("/claims/?status=all&correction=open").content.decode()
    assert case.claim.text in listed and "A claim nobody doubts." not in listed
    case.record_outcome("not_needed", by=editor, reason="Said so.")
    assert case.claim.text not in reviewer_client.get("/claims/?status=all&correction=open").content.decode()
    assert case.claim.text in reviewer_client.get("/claims/?status=all&correction=any").content.decode()


def test_a_claim_that_turned_while_the_case_was_open_is_found_by_the_filter_and_in_my_work(
    reviewer_client, reviewer, editor, case
):
    later = make_claim("The dam gave way at dawn.", article=case.article)
    later.set_status("disputed", by=editor, reason="Photos show it standing.")
    assert CorrectionTurn.objects.filter(case=case, claim=later).exists()
    listed = reviewer_client.get("/claims/?status=all&correction=open").content.decode()
    assert later.text in listed and case.claim.text in listed
    Assignment.objects.assign([later], reviewer, by=editor)
    owed = reviewer_client.get("/me/").content.decode()
    assert case.article.headline in owed.split('id="work-corrections"')[1]
    case.record_outcome("not_needed", by=editor, reason="Said so.")
    assert later.text not in reviewer_client.get("/claims/?status=all&correction=open").content.decode()
    assert later.text in reviewer_client.get("/claims/?status=all&correction=any").content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_the_open_cases_are_read_from_their_own_index_in_order(case):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = CorrectionCase.objects.open().order_by("opened_at", "id")[:26].query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row for (row,) in cursor.fetchall())
    assert "correctioncase_open_idx" in plan and "Sort" not in plan
