"""Re-check dates for unconfirmed claims, the Due for re-check queue and the daily digest."""

import io
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from factcheck.models import Assignment, Claim, RecheckDigest
from factcheck.tests.factories import make_claim, make_evidence

HTMX = {"HTTP_HX_REQUEST": "true"}


def today():
    return timezone.localdate()


def due_in(days, *, by=None, text=None):
    """An unconfirmed claim due `days` from today (negative: overdue)."""
    claim = make_claim(text, by=by)
    Claim.objects.filter(pk=claim.pk).update(recheck_on=today() + timedelta(days=days))
    claim.refresh_from_db()
    return claim


def test_a_claim_recorded_unconfirmed_is_due_the_set_number_of_days_later(db, settings):
    settings.FACTCHECK_RECHECK_DAYS = 3
    assert make_claim().recheck_on == today() + timedelta(days=3)


def test_a_claim_sent_back_to_unconfirmed_is_due_again_from_then(editor, settings):
    claim = due_in(-20)
    make_evidence(claim, "supports")
    claim.set_status("verified", by=editor, reason="Seen.")
    assert claim not in Claim.objects.due_for_recheck()
    settings.FACTCHECK_RECHECK_DAYS = 10
    claim.set_status("unconfirmed", by=editor, reason="The source retracted.")
    claim.refresh_from_db()
    assert claim.recheck_on == today() + timedelta(days=10)
    assert claim in Claim.objects.due_for_recheck()


def test_an_editor_moves_the_date_without_javascript(editor_client):
    claim = make_claim()
    page = editor_client.get(f"/claims/{claim.pk}/").content.decode()
    assert 'name="recheck_on"' in page
    later = today() + timedelta(days=30)
    response = editor_client.post(f"/claims/{claim.pk}/recheck/", {"recheck_on": later.isoformat()})
    assert response.status_code == 302 and response.url == f"/claims/{claim.pk}/"
    claim.refresh_from_db()
    assert claim.recheck_on == later
    assert f"Re-check by {later:%-d %b %Y}." in editor_client.get(response.url).content.decode()


def test_an_editor_moves_the_date_with_htmx_and_gets_the_panel_back(editor_client):
    claim = make_claim()
    later = today() + timedelta(days=2)
    response = editor_client.post(f"/claims/{claim.pk}/recheck/", {"recheck_on": later.isoformat()}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="panel" id="recheck"')
    assert f'value="{later.isoformat()}"' in html and "<html" not in html


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("yesterday", "Enter the date as YYYY-MM-DD"),
        ("", "Pick a date."),
        ((timezone.localdate() - timedelta(days=1)).isoformat(), "has passed"),
        ("9999-12-31", "Pick a day within 5 years, by "),
        ((timezone.localdate() + timedelta(days=5 * 366)).isoformat(), "is further."),
    ],
)
def test_a_bad_date_is_refused_saying_why_and_keeps_what_was_typed(editor_client, value, error):
    claim = make_claim()
    before = claim.recheck_on
    for headers in ({}, HTMX):
        response = editor_client.post(f"/claims/{claim.pk}/recheck/", {"recheck_on": value}, **headers)
        assert response.status_code == 422
        html = response.content.decode()
        assert error in html and f'value="{value}"' in html
    claim.refresh_from_db()
    assert claim.recheck_on == before


def test_a_decided_claim_has_no_date_to_move(editor_client, editor):
    claim = make_claim()
    claim.set_status("disputed", by=editor, reason="Doubt.")
    assert 'name="recheck_on"' not in editor_client.get(f"/claims/{claim.pk}/").content.decode()
    later = (today() + timedelta(days=3)).isoformat()
    response = editor_client.post(f"/claims/{claim.pk}/recheck/", {"recheck_on": later})
    assert response.status_code == 422
    assert "Only a claim still unconfirmed has a re-check date." in response.content.decode()


def test_a_reviewer_sees_the_date_but_cannot_move_it(reviewer_client):
    claim = make_claim()
    page = reviewer_client.get(f"/claims/{claim.pk}/").content.decode()
    assert 'id="recheck"' in page and 'name="recheck_on"' not in page
    later = (today() + timedelta(days=3)).isoformat()
    assert reviewer_client.post(f"/claims/{claim.pk}/recheck/", {"recheck_on": later}).status_code == 403


def test_the_queue_lists_the_overdue_first_and_filters_by_due_date(reviewer_client, editor):
    later = due_in(20, text="Due in three weeks.")
    soon = due_in(2, text="Due in two days.")
    overdue = due_in(-3, text="Three days late.")
    decided = due_in(-9, text="Decided since.")
    decided.set_status("disputed", by=editor, reason="Doubt.")

    def listed(url):
        html = reviewer_client.get(url).content.decode()
        return [text for text in ("Three days late.", "Due in two days.", "Due in three weeks.") if text in html], html

    order, html = listed("/rechecks/")
    assert order == ["Three days late.", "Due in two days.", "Due in three weeks."]
    assert html.index("Three days late.") < html.index("Due in two days.") < html.index("Due in three weeks.")
    assert "Decided since." not in html and "(overdue)" in html
    assert '<span class="count" data-due="overdue">1</span>' in html
    assert '<span class="count" data-due="week">1</span>' in html
    assert '<span class="count" data-due="all">3</span>' in html
    assert listed("/rechecks/?due=overdue")[0] == ["Three days late."]
    assert listed("/rechecks/?due=week")[0] == ["Due in two days."]
    del later, soon, overdue


def test_the_queue_pages_on_and_costs_the_same_queries_at_any_page_size(reviewer_client):
    for days in range(-3, 5):
        due_in(days)
    reviewer_client.get("/rechecks/")

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            response = reviewer_client.get(url)
        return len(captured), response

    small, first = queries("/rechecks/?limit=2")
    large, _ = queries("/rechecks/?limit=8")
    assert small == large <= 6
    after = first.content.decode().split("after=")[1].split('"')[0].replace("&amp;", "&")
    more = reviewer_client.get(f"/rechecks/?limit=2&after={after}", **HTMX).content.decode()
    assert more.count('class="claim-row"') == 2


def test_an_outsider_sees_no_queue(outsider_client):
    assert outsider_client.get("/rechecks/").status_code == 403


@pytest.fixture
def due_claims(editor, reviewer):
    """alice recorded two claims now due (one overdue) and one due next week; bob one due today."""
    return {
        "alice": [due_in(-2, by=editor, text="Alice's overdue claim."), due_in(0, by=editor, text="Alice's claim.")],
        "alice_later": due_in(7, by=editor, text="Alice's claim for next week."),
        "bob": [due_in(0, by=reviewer, text="Bob's claim.")],
    }


def digest(day=None):
    out = io.StringIO()
    call_command("send_recheck_digest", *(["--date", day.isoformat()] if day else []), stdout=out)
    return out.getvalue()


def test_the_digest_sends_each_person_the_claims_due_that_are_theirs(due_claims, mailoutbox):
    output = digest()
    assert "Sent alice 2 claims" in output and "Sent bob 1 claim " in output
    mails = {mail.to[0]: mail for mail in mailoutbox}
    assert set(mails) == {"alice@example.org", "bob@example.org"}
    alice = mails["alice@example.org"]
    assert alice.subject == "2 claims to re-check (1 overdue)"
    assert "Alice's overdue claim." in alice.body and "Alice's claim." in alice.body
    assert "next week" not in alice.body and "Bob's claim." not in alice.body
    assert f"/claims/{due_claims['alice'][0].pk}/" in alice.body
    assert mails["bob@example.org"].subject == "1 claim to re-check"
    assert "Every claim overdue, in the queue: http://127.0.0.1:8000/rechecks/?due=overdue" in alice.body


def test_the_digest_marks_each_claim_due_today_or_overdue_as_the_queue_does(due_claims, mailoutbox):
    """A claim due on the digest's day reads "(due today)", as in the queues and on its page; it had no mark."""
    overdue, due_today = due_claims["alice"]
    digest()
    [body] = [mail.body for mail in mailoutbox if mail.to == ["alice@example.org"]]
    lines = body.splitlines()
    marks = {claim.text: lines[lines.index(f"- {claim.text}") + 1] for claim in (overdue, due_today)}
    assert marks[overdue.text].endswith(f"re-check by {overdue.recheck_on:%-d %b %Y} (overdue)")
    assert marks[due_today.text].endswith(f"re-check by {due_today.recheck_on:%-d %b %Y} (due today)")
    # Sent for a later day, today's claim is overdue by then.
    mailoutbox.clear()
    RecheckDigest.objects.all().delete()
    digest(today() + timedelta(days=1))
    [body] = [mail.body for mail in mailoutbox if mail.to == ["alice@example.org"]]
    assert "(due today)" not in body and body.count("(overdue)") == 2


def test_an_assigned_claim_is_in_its_assignees_digest_and_no_longer_in_the_deciders(
    due_claims, mailoutbox, editor, reviewer
):
    overdue = due_claims["alice"][0]
    Assignment.objects.assign([overdue], reviewer, by=editor)

    assert "Sent alice 1 claim " in digest()
    mails = {mail.to[0]: mail for mail in mailoutbox}
    assert "Alice's overdue claim." not in mails["alice@example.org"].body
    bob = mails["bob@example.org"]
    assert bob.subject == "2 claims to re-check (1 overdue)"
    assert "Alice's overdue claim." in bob.body and "Bob's claim." in bob.body
    # bob recorded one of them and decided none: the mail names both reasons they are his.
    assert "2 unconfirmed claims of yours are due for a re-check" in bob.body
    assert "those assigned to you, and those nobody is assigned that you decided, recorded or scheduled" in bob.body


def test_the_digest_run_twice_a_day_sends_once_and_records_what_it_sent(due_claims, mailoutbox):
    digest()
    assert len(mailoutbox) == 2
    output = digest()
    assert len(mailoutbox) == 2
    assert "Skipped alice: today's digest" in output
    record = RecheckDigest.objects.get(person__username="alice", day=today())
    assert sorted(record.claims) == sorted(claim.pk for claim in due_claims["alice"])
    digest(today() + timedelta(days=7))
    assert len(mailoutbox) == 4  # a week later: alice (three claims now) and bob, again


def test_the_digest_skips_people_without_an_address_or_account(due_claims, mailoutbox):
    User.objects.filter(username="bob").update(email="")
    User.objects.filter(username="alice").update(is_active=False)
    output = digest()
    assert output.startswith("Not mailed: bob has claims due but no email address.\n")
    assert "Not mailed: 2 claims due by" in output and "alice (inactive)" in output  # hers reach nobody
    assert mailoutbox == []


def test_the_digest_tells_nobody_who_may_no_longer_read_claims(due_claims, mailoutbox, editor):
    """alice left the desk (her account stays, in no group): the claims she decided are no longer hers to read."""
    editor.groups.clear()
    output = digest()
    assert "Sent alice" not in output and "alice (may not read claims)" in output
    assert [mail.to for mail in mailoutbox] == [["bob@example.org"]]
    assert not RecheckDigest.objects.filter(person=editor).exists()


def test_a_failed_mail_is_sent_by_the_next_run(due_claims, mailoutbox, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr("factcheck.rechecks.send_mail", refuse)
    with pytest.raises(ConnectionRefusedError):
        digest()
    assert not RecheckDigest.objects.exists()
    monkeypatch.undo()
    digest()
    assert len(mailoutbox) == 2


def test_a_bad_date_is_refused():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_recheck_digest", "--date", "tomorrow")


def test_the_claim_queue_filters_by_re_check_date(reviewer_client):
    due_in(-1, text="A day late.")
    due_in(3, text="Due in three days.")
    due_in(30, text="Due next month.")
    overdue = reviewer_client.get("/claims/?due=overdue").content.decode()
    assert "A day late." in overdue and "Due in three days." not in overdue and "Due next month." not in overdue
    week = reviewer_client.get("/claims/?due=week").content.decode()
    assert "Due in three days." in week and "A day late." not in week and "Due next month." not in week


def test_the_editor_who_moved_a_date_gets_the_claim_too(editor_client, editor, admin_user, mailoutbox):
    claim = make_claim(text="Recorded by someone without an address.")
    User.objects.filter(username="recorder").update(email="")
    editor_client.post(f"/claims/{claim.pk}/recheck/", {"recheck_on": today().isoformat()})
    claim.refresh_from_db()
    assert (claim.recheck_on, claim.recheck_set_by) == (today(), editor)
    output = digest()
    # The recorder, an account in no group, may not read claims: neither mailed nor listed as unmailed.
    assert "Sent alice 1 claim" in output and "recorder" not in output
    assert [mail.to for mail in mailoutbox] == [["alice@example.org"]]
    assert "Recorded by someone without an address." in mailoutbox[0].body


def test_an_edit_saved_from_an_older_form_keeps_the_date(editor):
    claim = make_claim()
    loaded = Claim.objects.get(pk=claim.pk)
    claim.set_recheck_date(today() + timedelta(days=40), by=editor)
    loaded.quote = "Edited meanwhile."
    loaded.save()
    claim.refresh_from_db()
    assert (claim.quote, claim.recheck_on) == ("Edited meanwhile.", today() + timedelta(days=40))


def plan_of(rows):
    with connection.cursor() as cursor:
        # A test's few rows would be read whole anyway: make the planner show the index it can use.
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = rows.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row for (row,) in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_the_queue_reads_the_re_check_index_in_order(db):
    due_in(-1)
    page = Claim.objects.due_for_recheck().order_by("recheck_on", "id")[:26]
    plan = plan_of(page)
    assert "claim_recheck_idx" in plan and "Sort" not in plan


def test_the_date_field_says_and_enforces_the_bounds(editor_client):
    claim = make_claim()
    page = editor_client.get(f"/claims/{claim.pk}/").content.decode()
    latest = Claim.latest_recheck_date()
    day = today()
    # The same day five years on; 28 February for a 29th of February with none five years on.
    five_years_on = date(day.year + 5, day.month, day.day if (day.month, day.day) != (2, 29) else 28)
    assert latest == five_years_on
    assert f'min="{today().isoformat()}" max="{latest.isoformat()}"' in page
    assert f"Today or a later day, within five years (by {latest:%-d %b %Y})." in page
    too_far = editor_client.post(
        f"/claims/{claim.pk}/recheck/", {"recheck_on": (latest + timedelta(days=1)).isoformat()}
    )
    assert too_far.status_code == 422
    assert "is further." in too_far.content.decode()
    response = editor_client.post(f"/claims/{claim.pk}/recheck/", {"recheck_on": latest.isoformat()})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.recheck_on == latest


def test_an_overdue_claims_date_box_offers_today_so_changing_it_as_it_is_moves_it_to_today(editor_client):
    """The box held the past date, under a `min` of today: the browser refused the click without a word."""
    overdue, later = due_in(-3), due_in(4)
    page = editor_client.get(f"/claims/{overdue.pk}/").content.decode()
    assert f'min="{today().isoformat()}"' in page and f'value="{today().isoformat()}"' in page
    assert f"{overdue.recheck_on:%-d %b %Y}" in page and "Overdue" in page  # the date due is still said
    page = editor_client.get(f"/claims/{later.pk}/").content.decode()
    assert f'value="{later.recheck_on.isoformat()}"' in page


def test_the_digest_tells_no_claims_due_from_claims_due_that_nobody_may_receive(editor, mailoutbox):
    assert digest() == f"No claim is due for a re-check by {today()}.\n"
    due_in(-1, by=editor), due_in(0, by=editor)
    User.objects.filter(pk=editor.pk).update(is_active=False, email="")
    output = digest()
    assert "No claim is due" not in output
    assert f"Not mailed: 2 claims due by {today()} are for nobody who may receive them." in output
    assert "alice (inactive, no email address)" in output
    assert mailoutbox == []


def test_the_demos_digest_says_why_its_due_claims_reach_nobody(demo, mailoutbox):
    """The demo's dates were set by seed-annotation, an inactive account with no address."""
    output = digest()
    assert "claims due by" in output and "seed-annotation (inactive, no email address)" in output
    assert "move" in output  # and how to have one mailed


def test_a_claim_due_today_says_so_in_the_queue_and_on_its_page_without_being_called_overdue(reviewer_client):
    claim = due_in(0, text="Due this very day.")
    for url in ("/rechecks/", "/claims/"):
        html = reviewer_client.get(url).content.decode()
        assert '<span class="recheck due-today">' in html and "(due today)" in html
        assert "(overdue)" not in html
    page = reviewer_client.get(f"/claims/{claim.pk}/").content.decode()
    assert '<span class="badge due-today">Due today</span>' in page and "Overdue" not in page
