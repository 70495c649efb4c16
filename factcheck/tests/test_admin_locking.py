"""Optimistic locking in the admin: a save from a stale page overwrites nothing and says why.

alice and dora are two editors working on the same records; a third road (an import, a script)
is played by the ORM.
"""

import threading
import time

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import make_user
from factcheck.models import Appearance, Article, Claim, ClaimLink, Evidence, Note, Venue
from factcheck.tests.factories import (
    make_appearance,
    make_article,
    make_claim,
    make_evidence,
    make_outlet,
    make_speaker,
)
from factcheck.tests.test_admin import form_data, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def dora(db):
    return make_user("dora", group="Editors")


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice_client(editor):
    return client_of(editor)


@pytest.fixture
def dora_client(dora):
    return client_of(dora)


def opened(client, record):
    """The change page of `record` and what a browser would post back from it untouched."""
    page = url(type(record), "change", record.pk)
    response = client.get(page)
    assert response.status_code == 200
    return page, form_data(response)


def opened_by_both(record, alice_client, dora_client):
    """The change page of `record`, and what alice's and dora's browsers would post back from it."""
    page, alices = opened(alice_client, record)
    return page, alices, opened(dora_client, record)[1]


def save(client, page, data, **changes):
    return client.post(page, {**data, **changes, "_save": "Save"})


def conflict_rows(response):
    """{record name: {field label: (saved now, yours)}} from a refused save's page."""
    return {
        record.name: {label: (saved, yours) for label, saved, yours in record.rows}
        for record in response.context["edit_conflict"].records
    }


# Two editors, one record


def test_the_second_of_two_stale_speaker_saves_is_refused_and_shows_the_first(alice_client, dora_client):
    speaker = make_speaker("Antony Blinken", title="Secretary of State", affiliation="State Department")
    page, alices, doras = opened_by_both(speaker, alice_client, dora_client)

    assert save(dora_client, page, doras, affiliation="US government").status_code == 302
    refused = save(alice_client, page, alices, title="Former Secretary of State")

    assert refused.status_code == 409
    speaker.refresh_from_db()
    assert (speaker.title, speaker.affiliation) == ("Secretary of State", "US government")
    [message] = [str(message) for message in refused.context["messages"]]
    assert message.startswith(
        "Nothing was saved: speaker “Antony Blinken” changed after you opened this page, by dora at "
    )
    change = refused.context["edit_conflict"].changes[0]
    assert (change.user.username, change.get_change_message()) == ("dora", "Changed Affiliation.")
    assert "Changed by <strong>dora</strong>" in refused.text
    assert conflict_rows(refused) == {
        "speaker “Antony Blinken”": {
            "Title": ("Secretary of State", "Former Secretary of State"),
            "Affiliation": ("US government", "State Department"),
        }
    }
    assert "Former Secretary of State" in refused.text
    # The form now holds what is saved: saving it again cannot undo dora's change unseen.
    assert refused.context["adminform"].form["affiliation"].value() == "US government"


def test_a_refused_save_names_the_other_editor_by_their_full_name(alice_client, dora, dora_client):
    """As the app's pages name a person; the message and the list of changes had given the username."""
    dora.first_name, dora.last_name = "Dora", "Lindqvist"
    dora.save()
    speaker = make_speaker("Antony Blinken", title="Secretary of State", affiliation="State Department")
    page, alices, doras = opened_by_both(speaker, alice_client, dora_client)
    assert save(dora_client, page, doras, affiliation="US government").status_code == 302
    refused = save(alice_client, page, alices, title="Former Secretary of State")
    [message] = [str(message) for message in refused.context["messages"]]
    assert "changed after you opened this page, by Dora Lindqvist at " in message
    assert "Changed by <strong>Dora Lindqvist</strong>" in refused.text


def test_after_a_refusal_the_editor_redoes_the_change_on_the_saved_values(alice_client, dora_client):
    speaker = make_speaker("Antony Blinken", title="Secretary of State", affiliation="State Department")
    page, alices, doras = opened_by_both(speaker, alice_client, dora_client)
    save(dora_client, page, doras, affiliation="US government")
    refused = save(alice_client, page, alices, title="Former Secretary of State")

    again = save(alice_client, page, form_data(refused), title="Former Secretary of State")

    assert again.status_code == 302
    speaker.refresh_from_db()
    assert (speaker.title, speaker.affiliation) == ("Former Secretary of State", "US government")


def test_a_save_from_a_page_nobody_changed_meanwhile_is_kept(alice_client):
    speaker = make_speaker("Antony Blinken", title="Secretary of State")
    page, data = opened(alice_client, speaker)
    assert save(alice_client, page, data, title="Former Secretary of State").status_code == 302
    speaker.refresh_from_db()
    assert speaker.title == "Former Secretary of State"


def test_a_stale_claim_text_save_is_refused_and_keeps_the_other_editors_wording(alice_client, dora_client):
    claim = make_claim("Russia launched 80 drones overnight.", quote="eighty drones")
    page, alices, doras = opened_by_both(claim, alice_client, dora_client)

    assert save(dora_client, page, doras, text="Russia launched 80 Shahed drones overnight.").status_code == 302
    refused = save(alice_client, page, alices, quote="about eighty drones")

    assert refused.status_code == 409
    claim.refresh_from_db()
    assert (claim.text, claim.quote) == ("Russia launched 80 Shahed drones overnight.", "eighty drones")
    rows = conflict_rows(refused)[f"claim “{claim.text}”"]
    assert rows["Text"] == ("Russia launched 80 Shahed drones overnight.", "Russia launched 80 drones overnight.")
    assert rows["Verbatim quote"] == ("eighty drones", "about eighty drones")


def test_a_verdict_given_after_the_page_was_opened_neither_makes_it_stale_nor_is_undone(editor, alice_client, dora):
    claim = make_claim("Russia launched 80 drones overnight.")
    page, data = opened(alice_client, claim)
    claim.set_status("disputed", by=dora, reason="The air force counted 60.")

    assert save(alice_client, page, data, text="Russia launched 80 drones on Tuesday night.").status_code == 302

    claim.refresh_from_db()
    assert (claim.text, claim.status, claim.version) == ("Russia launched 80 drones on Tuesday night.", "disputed", 2)
    assert claim.events.latest().to_status == "disputed"


# Inline rows


def test_a_stale_inline_row_refuses_the_whole_claim_page(alice_client, dora_client):
    claim = make_claim()
    evidence = make_evidence(claim, "supports", summary="The ministry's figures match.")
    page, alices = opened(alice_client, claim)
    evidence_admin, doras = opened(dora_client, evidence)
    assert (
        save(dora_client, evidence_admin, doras, stance="refutes", summary="The figures are lower.").status_code == 302
    )

    # alice rewords the claim and adds a note; the evidence row she was shown is now out of date.
    refused = save(
        alice_client,
        page,
        alices,
        text="Reworded.",
        **{"notes-TOTAL_FORMS": "1", "notes-0-body": "Call the ministry back."},
    )

    assert refused.status_code == 409
    evidence.refresh_from_db()
    claim.refresh_from_db()
    assert (evidence.stance, evidence.summary) == ("refutes", "The figures are lower.")
    assert claim.text != "Reworded."
    assert not claim.notes.exists()
    records = {record.name: record for record in refused.context["edit_conflict"].records}
    stale = records[f"evidence “{evidence}”"]
    assert stale.what == "changed by someone else after you opened the page"
    assert {label: (saved, yours) for label, saved, yours in stale.rows} == {
        "Stance": ("Refutes", "Supports"),
        "Summary": ("The figures are lower.", "The ministry's figures match."),
    }
    # What alice did is listed, so that she can do it again.
    assert records[f"claim “{claim}”"].what == "your change: not saved"
    assert records["new note"].rows == [("Body", "(empty)", "Call the ministry back.")]
    assert [entry.user.username for entry in refused.context["edit_conflict"].changes] == ["dora"]


def test_a_stale_inline_row_marked_for_deletion_is_not_deleted(alice_client, dora_client):
    claim = make_claim()
    appearance = make_appearance(claim, Venue.PUBLIC_REMARKS, when="on Monday")
    page, alices, doras = opened_by_both(claim, alice_client, dora_client)
    assert save(dora_client, page, doras, **{"appearances-0-when": "on Monday morning"}).status_code == 302

    refused = save(alice_client, page, alices, **{"appearances-0-DELETE": "on"})

    assert refused.status_code == 409
    appearance.refresh_from_db()
    assert appearance.when == "on Monday morning"
    record = refused.context["edit_conflict"].records[0]
    assert record.what == "changed by someone else after you opened the page; you asked to delete it"
    assert record.rows == [("When", "on Monday morning", "on Monday")]


def test_an_unchanged_inline_row_can_be_deleted(alice_client):
    claim = make_claim()
    make_appearance(claim)
    page, data = opened(alice_client, claim)
    assert save(alice_client, page, data, **{"appearances-0-DELETE": "on"}).status_code == 302
    assert not claim.appearances.exists()


def test_an_inline_row_deleted_meanwhile_is_reported_not_recreated(alice_client, dora_client):
    claim = make_claim()
    appearance = make_appearance(claim, Venue.PUBLIC_REMARKS, when="on Monday")
    page, alices, doras = opened_by_both(claim, alice_client, dora_client)
    assert save(dora_client, page, doras, **{"appearances-0-DELETE": "on"}).status_code == 302

    refused = save(alice_client, page, alices, **{"appearances-0-when": "on Monday morning"})

    assert refused.status_code == 409
    assert not Appearance.objects.filter(claim=claim).exists()
    record = refused.context["edit_conflict"].records[0]
    assert (record.name, record.what) == (
        f"appearance #{appearance.pk}",
        "deleted by someone else after you opened the page",
    )
    assert ("When", "(empty)", "on Monday morning") in record.rows


def test_an_inline_row_deleted_in_its_own_admin_meanwhile_is_reported_with_who_deleted_it(alice_client, admin_user):
    claim = make_claim()
    evidence = make_evidence(claim, "context", summary="Background.")
    page, alices = opened(alice_client, claim)
    root = client_of(admin_user)
    assert root.post(url(Evidence, "delete", evidence.pk), {"post": "yes"}).status_code == 302

    refused = save(alice_client, page, alices, text="Reworded.")

    assert refused.status_code == 409
    claim.refresh_from_db()
    assert claim.text != "Reworded."
    assert f"evidence #{evidence.pk}" in {record.name for record in refused.context["edit_conflict"].records}
    assert "Deleted by <strong>root</strong>" in refused.text


def test_rows_added_meanwhile_survive_a_save_from_a_page_opened_before(alice_client, dora_client):
    claim = make_claim()
    make_evidence(claim, "context", summary="Background.")
    page, alices, doras = opened_by_both(claim, alice_client, dora_client)
    added = {
        "evidence-TOTAL_FORMS": "2",
        "evidence-1-stance": "supports",
        "evidence-1-url": "https://example.org/ministry",
        "evidence-1-summary": "The ministry confirms.",
    }
    assert save(dora_client, page, doras, **added).status_code == 302

    assert save(alice_client, page, alices, text="Reworded.").status_code == 302

    claim.refresh_from_db()
    assert claim.text == "Reworded."
    assert sorted(claim.evidence.values_list("summary", flat=True)) == ["Background.", "The ministry confirms."]


# Every admin that edits shared records, one mechanism


def make_link():
    first, second = make_claim(), make_claim()
    return ClaimLink.link(first, second, "contradicts")


EDITED = [
    (make_speaker, "affiliation", "Ministry of Defence", "affiliation"),
    (make_outlet, "domain", "kyivindependent.com", "domain"),
    (lambda: make_article(body="First draft."), "body", "Second draft.", "body"),
    (make_claim, "quote", "exact words", "quote"),
    (lambda: make_evidence(make_claim(), "context"), "summary", "Another reading.", "summary"),
    (lambda: Note.objects.create(claim=make_claim(), body="First.", author=make_user("nina")), "body", "Then.", "body"),
    (make_link, "kind", "updates", "kind"),
]
EDITED_IDS = ["speaker", "outlet", "article", "claim", "evidence", "note", "claimlink"]


@pytest.mark.parametrize(("make", "field", "value", "posted"), EDITED, ids=EDITED_IDS)
def test_every_admin_refuses_a_page_changed_by_another_road_since(alice_client, make, field, value, posted):
    record = make()
    page, data = opened(alice_client, record)
    type(record).objects.filter(pk=record.pk).update(**{field: value})  # as an import or a script would

    refused = save(alice_client, page, data)

    assert refused.status_code == 409
    record.refresh_from_db()
    assert getattr(record, field) == value
    assert "No change through the admin is recorded since you opened this page" in refused.text
    assert "changed after you opened this page, not through the admin." in refused.text


@pytest.mark.parametrize(("make", "field", "value", "posted"), EDITED, ids=EDITED_IDS)
def test_every_admin_saves_a_page_nobody_changed(alice_client, make, field, value, posted):
    record = make()
    page, data = opened(alice_client, record)
    if isinstance(record, ClaimLink):
        data["to_claim"], data["from_claim"] = data["from_claim"], data["to_claim"]  # "updates" has a direction
    assert save(alice_client, page, data, **{posted: value}).status_code == 302
    record.refresh_from_db()
    assert getattr(record, field) == value


def test_a_page_posted_without_its_fingerprint_is_refused(alice_client):
    speaker = make_speaker("Antony Blinken", title="Secretary of State")
    page, data = opened(alice_client, speaker)
    del data["edit_fingerprint"]
    refused = save(alice_client, page, data, title="Former Secretary of State")
    assert refused.status_code == 409
    speaker.refresh_from_db()
    assert speaker.title == "Secretary of State"


def test_only_editable_pages_carry_a_fingerprint(editor_client, reviewer):
    claim = make_claim()
    make_evidence(claim)
    editable = editor_client.get(url(Claim, "change", claim.pk)).text
    assert 'name="edit_fingerprint"' in editable and 'name="evidence-0-edit_fingerprint"' in editable
    read_only = client_of(reviewer).get(url(Claim, "change", claim.pk)).text
    assert "edit_fingerprint" not in read_only and "Edit fingerprint" not in read_only
    assert 'name="edit_fingerprint"' not in editor_client.get(url(Claim, "add")).text


@pytest.mark.postgres
def test_the_rows_are_locked_by_the_queries_that_fetch_them_whatever_their_number(editor_client):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks: its write lock covers each admin save whole")

    def locking_queries_for_saving_a_claim_with(rows):
        claim = make_claim()
        for _ in range(rows):
            make_evidence(claim, "context")
            make_appearance(claim)
        page, data = opened(editor_client, claim)
        with CaptureQueriesContext(connection) as queries:
            assert save(editor_client, page, data, text="Reworded.").status_code == 302
        return [query["sql"] for query in queries if "FOR NO KEY UPDATE" in query["sql"]]

    one, six = locking_queries_for_saving_a_claim_with(1), locking_queries_for_saving_a_claim_with(6)
    # The claim, then its appearances and its evidence (it has no notes to fetch): one query each, as before.
    assert len(one) == len(six) == 3
    assert all('FOR NO KEY UPDATE OF "factcheck_' in sql for sql in six)


# Real concurrency


WAITING_ON_A_LOCK = (
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
)


def race(saves, record):
    """Run `saves` (callables posting a form) at once, while `record`'s row is held, then let them go.

    Each save starts while the row is locked by this thread, and the lock is released only once all
    of them are waiting on it: they cannot help but overlap.
    """
    results = [None] * len(saves)

    def run(index):
        try:
            results[index] = saves[index]().status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(saves))]
    with transaction.atomic():
        type(record).objects.select_for_update().get(pk=record.pk)
        for thread in threads:
            thread.start()
        wait_for_waiters(len(saves), "The saves never all waited on the row.")
    for thread in threads:
        thread.join(timeout=30)
    return results


def wait_for_waiters(count, failure):
    """Return once `count` other sessions wait on a lock (this one holds it); fail the test after 20 s."""
    deadline = time.monotonic() + 20
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # else a transaction sees one snapshot
            cursor.execute(WAITING_ON_A_LOCK)
            if cursor.fetchone()[0] >= count:
                return
            time.sleep(0.02)
    pytest.fail(failure)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_stale_speaker_saves_racing_on_postgresql_lose_nothing(editor, dora):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    speaker = make_speaker("Antony Blinken", title="Secretary of State", affiliation="State Department")
    alice, other = client_of(editor), client_of(dora)
    page, alices = opened(alice, speaker)
    _, doras = opened(other, speaker)

    codes = race(
        [
            lambda: save(alice, page, alices, title="Former Secretary of State"),
            lambda: save(other, page, doras, affiliation="US government"),
        ],
        speaker,
    )

    assert sorted(codes) == [302, 409]
    speaker.refresh_from_db()
    kept = {"title": speaker.title, "affiliation": speaker.affiliation}
    assert kept in (
        {"title": "Former Secretary of State", "affiliation": "State Department"},
        {"title": "Secretary of State", "affiliation": "US government"},
    )
    assert LogEntry.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_inline_row_and_its_own_admin_racing_on_postgresql_lose_nothing(editor, dora):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    claim = make_claim()
    evidence = make_evidence(claim, "supports", summary="The ministry's figures match.")
    alice, other = client_of(editor), client_of(dora)
    claim_page, alices = opened(alice, claim)
    evidence_page, doras = opened(other, evidence)

    codes = race(
        [
            lambda: save(alice, claim_page, alices, **{"evidence-0-summary": "Figures match, checked twice."}),
            lambda: save(other, evidence_page, doras, stance="refutes"),
        ],
        evidence,
    )

    assert sorted(codes) == [302, 409]
    evidence.refresh_from_db()
    assert (evidence.stance, evidence.summary) in (
        ("supports", "Figures match, checked twice."),
        ("refutes", "The ministry's figures match."),
    )


def test_article_and_outlet_forms_show_their_records_own_values(alice_client, dora_client):
    """The comparison shows choices and related records by their names, not their codes."""
    outlet, other = make_outlet("Kyiv Independent"), make_outlet("B-17")
    article = make_article(outlet=outlet, headline="Drones over Kyiv")
    page, alices, doras = opened_by_both(article, alice_client, dora_client)
    save(dora_client, page, doras, outlet=other.pk)
    refused = save(alice_client, page, alices, headline="Drones over Kyiv at night")
    assert conflict_rows(refused)["article “Drones over Kyiv”"] == {
        "Headline": ("Drones over Kyiv", "Drones over Kyiv at night"),
        "Outlet": ("B-17", "Kyiv Independent"),
    }
    assert Article.objects.get().outlet == other
