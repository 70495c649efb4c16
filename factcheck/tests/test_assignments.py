"""Assignments, mentions and notifications: who may assign, what is recorded, who is notified and
emailed, the unread count, My work, and the queue's assignee filter."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import make_user
from factcheck import notifying
from factcheck.models import (
    Assignment,
    AssignmentAction,
    AssignmentRecord,
    Claim,
    CorrectionCase,
    Note,
    Notification,
    NotificationSettings,
)
from factcheck.tests.factories import make_article, make_claim, make_claims, make_evidence, make_outlet
from factcheck.tests.test_admin import form_data, messages_in
from factcheck.tests.test_views_queue import count_queries

HTMX = {"HTTP_HX_REQUEST": "true"}


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def claim():
    return make_claim("Russia fired 120 drones overnight.")


# Assigning


def test_an_editor_assigns_a_claim_and_the_assignee_is_notified_and_emailed(
    editor, reviewer, claim, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(editor).post(f"/claims/{claim.pk}/assignees/", {"username": "bob"}, **HTMX)
    assert response.status_code == 200
    assert "Assigned to bob." in response.text
    assert '<section id="assignees"' in response.text and ">bob</a>" in response.text
    assignment = Assignment.objects.get()
    assert (assignment.claim, assignment.assignee, assignment.assigned_by) == (claim, reviewer, editor)
    record = AssignmentRecord.objects.get()
    assert (record.claim, record.assignee, record.by, record.action) == (claim, reviewer, editor, "assigned")
    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind, notification.claim, notification.actor) == (
        reviewer,
        "assigned",
        claim,
        editor,
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["bob@example.org"]
    assert "alice assigned you claim" in mail.outbox[0].subject
    assert f"/claims/{claim.pk}/" in mail.outbox[0].body
    assert not Notification.objects.filter(email_due=True).exists()


def test_a_claim_whose_text_breaks_lines_is_emailed_with_a_one_line_subject(
    editor, reviewer, django_capture_on_commit_callbacks
):
    # An imported spreadsheet's cell: "\r\n" in a header stopped the email, and every daily run after it.
    claim = make_claim("Unemployment fell to 3.5%\r\nthe lowest in 50 years.")
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(editor).post(f"/claims/{claim.pk}/assignees/", {"username": "bob"}, **HTMX)
    assert len(mail.outbox) == 1
    assert "fell to 3.5% the lowest" in mail.outbox[0].subject
    assert not Notification.objects.filter(email_due=True).exists()


def test_assigning_without_javascript_redirects_to_the_claim_with_a_message(editor, reviewer, claim):
    client = signed_in(editor)
    response = client.post(f"/claims/{claim.pk}/assignees/", {"username": "BOB"})
    assert response.status_code == 302 and response.url == f"/claims/{claim.pk}/"
    page = client.get(response.url)
    assert "Assigned to bob." in page.text
    assert re.search(r'<a class="person" href="[^"]*assignee=bob">bob</a>', page.text)
    # Who assigned them, and when.
    assigned_at = Assignment.objects.get().assigned_at
    assert re.search(r'by alice, <time datetime="([^"]+)"', page.text).group(1) == assigned_at.isoformat()


def test_a_reviewer_cannot_assign_and_sees_no_form(reviewer, claim):
    client = signed_in(reviewer)
    assert client.post(f"/claims/{claim.pk}/assignees/", {"username": "bob"}).status_code == 403
    assert not Assignment.objects.exists() and not AssignmentRecord.objects.exists()
    page = client.get(f"/claims/{claim.pk}/")
    assert 'id="assignees"' in page.text
    assert "No one yet." in page.text
    assert 'name="username"' not in page.text


def test_a_person_is_assigned_by_the_name_the_header_shows_them_by(editor, reviewer, claim):
    """Typing the name the app shows a colleague by was refused: only the username was taken."""
    reviewer.first_name, reviewer.last_name = "Marek", "Nowak"
    reviewer.save()
    client = signed_in(editor)
    assert client.post(f"/claims/{claim.pk}/assignees/", {"username": "marek nowak"}, **HTMX).status_code == 200
    assert Assignment.objects.get().assignee == reviewer
    # Two people of one name: the username says which.
    namesake = User.objects.create(username="marek2", first_name="Marek", last_name="Nowak", is_staff=True)
    namesake.groups.add(*reviewer.groups.all())
    response = client.post(f"/claims/{claim.pk}/assignees/", {"username": "Marek Nowak"}, **HTMX)
    assert response.status_code == 422
    assert "Two or more people are called “Marek Nowak”: give the username" in response.text


def test_nobody_without_access_can_be_assigned(editor, outsider, claim):
    client = signed_in(editor)
    for name in ["charlie", "nobody"]:
        response = client.post(f"/claims/{claim.pk}/assignees/", {"username": name}, **HTMX)
        assert response.status_code == 422
        assert f"No one who may read claims is called “{name}”." in response.text
        # What was typed stays in the box.
        assert f'value="{name}"' in response.text
    User.objects.filter(username="bob").exists()
    assert not Assignment.objects.exists() and not Notification.objects.exists()


def test_assigning_twice_records_and_notifies_once(editor, reviewer, claim):
    client = signed_in(editor)
    client.post(f"/claims/{claim.pk}/assignees/", {"username": "bob"})
    response = client.post(f"/claims/{claim.pk}/assignees/", {"username": "bob"}, **HTMX)
    assert "bob was assigned already." in response.text
    assert Assignment.objects.count() == 1
    assert AssignmentRecord.objects.count() == 1
    assert Notification.objects.count() == 1


def test_assigning_oneself_notifies_nobody(editor, claim):
    signed_in(editor).post(f"/claims/{claim.pk}/assignees/", {"username": "alice"})
    assert Assignment.objects.get().assignee == editor
    assert not Notification.objects.exists()


def test_unassigning_leaves_a_record_and_the_records_cannot_be_changed(editor, reviewer, claim):
    client = signed_in(editor)
    client.post(f"/claims/{claim.pk}/assignees/", {"username": "bob"})
    response = client.post(f"/claims/{claim.pk}/assignees/", {"username": "bob", "action": "unassign"}, **HTMX)
    assert "bob unassigned." in response.text
    assert not Assignment.objects.exists()
    actions = list(AssignmentRecord.objects.order_by("id").values_list("action", "assignee__username", "by__username"))
    assert actions == [(AssignmentAction.ASSIGNED, "bob", "alice"), (AssignmentAction.UNASSIGNED, "bob", "alice")]
    record = AssignmentRecord.objects.first()
    for change in (lambda: AssignmentRecord.objects.filter(pk=record.pk).update(by=reviewer), record.delete):
        with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
            change()
    assert AssignmentRecord.objects.count() == 2


def test_a_claim_can_have_several_assignees(editor, reviewer, claim):
    dave = make_user("dave", group="Reviewers")
    client = signed_in(editor)
    for name in ["bob", "dave"]:
        client.post(f"/claims/{claim.pk}/assignees/", {"username": name})
    page = client.get(f"/claims/{claim.pk}/")
    assert page.text.index(">bob</a>") < page.text.index(">dave</a>")
    assert set(Assignment.objects.values_list("assignee", flat=True)) == {reviewer.pk, dave.pk}


def test_the_assigned_panel_names_people_as_the_header_does_and_unassigns_by_username(editor, reviewer, claim):
    """The panel and its messages named the assignee and the assigner by their usernames, where the
    header, the history and the notifications use their full names. A name may hold a comma."""
    User.objects.filter(pk=editor.pk).update(first_name="Alice", last_name="Marsh")
    User.objects.filter(pk=reviewer.pk).update(first_name="Bob", last_name="Ruiz, Jr")
    story = make_article(make_outlet("B-17"), headline="Drones overnight", body="Text.")
    client = signed_in(editor)
    for url in [f"/claims/{claim.pk}/assignees/", f"/articles/{story.pk}/assignees/"]:
        response = client.post(url, {"username": "bob"}, **HTMX)
        assert "Assigned to Bob Ruiz, Jr." in response.text
        panel = response.text[response.text.index('id="assignees"') :]
        assert re.search(r'assignee=bob">Bob Ruiz, Jr</a>\s*<span class="muted">by Alice Marsh, ', panel)
        assert 'aria-label="Unassign Bob Ruiz, Jr"' in panel and 'name="username" value="bob"' in panel
        assert ">bob<" not in panel and "by alice" not in panel
        response = client.post(url, {"username": "bob", "action": "unassign"}, **HTMX)
        assert "Bob Ruiz, Jr unassigned." in response.text and "No one yet." in response.text
    assert not Assignment.objects.exists()


def test_an_editor_assigns_a_story_from_its_page(editor, reviewer):
    story = make_article(make_outlet("B-17"), headline="Drones overnight", body="Text.")
    client = signed_in(editor)
    response = client.post(f"/articles/{story.pk}/assignees/", {"username": "bob"}, **HTMX)
    assert response.status_code == 200 and "Assigned to bob." in response.text
    assert Assignment.objects.get().article == story
    assert Notification.objects.get().article == story
    assert client.post(f"/articles/{story.pk}/assignees/", {"username": ""}).status_code == 422
    page = client.get(f"/articles/{story.pk}/")
    assert ">bob</a>" in page.text and 'name="username"' in page.text
    assert signed_in(reviewer).post(f"/articles/{story.pk}/assignees/", {"username": "bob"}).status_code == 403


def test_a_merged_claim_cannot_be_assigned(editor, reviewer, admin_user):
    from factcheck import merging

    kept = make_claim("Drones again, overnight.")
    duplicate = make_claim("Drones again.", speaker=kept.speaker)
    merging.merge(
        duplicate, kept, by=admin_user, reason="Twice.", merged_version=duplicate.version, into_version=kept.version
    )
    response = signed_in(editor).post(f"/claims/{duplicate.pk}/assignees/", {"username": "bob"}, **HTMX)
    assert response.status_code == 409
    assert not Assignment.objects.exists()

    # Nor from the admin, which assigned it and notified bob of a read-only claim. Found by a new user's round.
    client = signed_in(editor)
    data = {"action": "assign_people", "_selected_action": [duplicate.pk, kept.pk]}
    done = client.post("/admin/factcheck/claim/", {**data, "apply": "yes", "person": reviewer.pk, "what": "assign"})
    assert done.status_code == 302
    assert not Assignment.objects.exists() and not Notification.objects.exists()
    listing = client.get("/admin/factcheck/claim/")
    assert f"Claim #{duplicate.pk} was merged into claim #{kept.pk}" in listing.text


def test_a_claim_merged_after_it_was_assigned_leaves_my_work(editor, reviewer, admin_user):
    from factcheck import merging

    kept = make_claim("Drones again, overnight.")
    duplicate = make_claim("Drones again.", speaker=kept.speaker)
    Assignment.objects.assign([duplicate], reviewer, by=editor)
    merging.merge(
        duplicate, kept, by=admin_user, reason="Twice.", merged_version=duplicate.version, into_version=kept.version
    )
    page = signed_in(reviewer).get("/me/").text
    # Its page leads to the kept claim, and, read-only, it cannot be unassigned there.
    assert "Drones again." not in page[page.index('id="work-claims"') : page.index('id="work-stories"')]


def test_the_admin_assigns_selected_claims_to_a_person_after_asking_whom(
    editor, reviewer, django_capture_on_commit_callbacks
):
    claims = [make_claim(f"Claim {number}.") for number in range(3)]
    User.objects.filter(pk=reviewer.pk).update(first_name="Bob", last_name="Ruiz")
    client = signed_in(editor)
    data = {"action": "assign_people", "_selected_action": [claim.pk for claim in claims]}
    asked = client.post("/admin/factcheck/claim/", data)
    assert asked.status_code == 200 and "Assign 3 claims" in asked.text
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post("/admin/factcheck/claim/", {**data, "apply": "yes", "person": reviewer.pk, "what": "assign"})
    assert done.status_code == 302
    assert Assignment.objects.filter(assignee=reviewer).count() == 3
    assert "Assigned 3 of 3 to Bob Ruiz (the others" in client.get(done.url).text  # named as the app names people
    assert AssignmentRecord.objects.count() == 3 and Notification.objects.count() == 3
    # One email for the three: the notifications of one change go together.
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == "factcheck: 3 notifications"
    assert all(f"/claims/{claim.pk}/" in mail.outbox[0].body for claim in claims)
    # Reviewers have no such action.
    asked = signed_in(reviewer).post("/admin/factcheck/claim/", data)
    assert not Assignment.objects.filter(assignee=reviewer).exclude(claim__in=claims).exists()
    assert "Assign 3 claims" not in asked.text


# Mentions


def test_a_note_mentioning_a_colleague_notifies_them_and_links_the_name(editor, reviewer, claim):
    response = signed_in(editor).post(
        f"/claims/{claim.pk}/notes/", {"body": "@bob can you call the ministry? Thanks @Bob."}, **HTMX
    )
    assert response.status_code == 200
    assert "Note added; @bob notified." in response.text
    assert "Not notified" not in response.text  # @Bob is @bob
    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind, notification.claim) == (reviewer, "mentioned", claim)
    assert notification.note == Note.objects.get()
    assert Note.objects.get().mentions == ["bob"]
    assert response.text.count('<a class="mention" href="/claims/?status=all&amp;assignee=bob">') == 2
    assert ">@Bob</a>." in response.text


def test_unknown_names_outsiders_and_addresses_are_left_as_text(editor, outsider, claim):
    body = "Ask @nobody and @charlie, or write to desk@example.org."
    response = signed_in(editor).post(f"/claims/{claim.pk}/notes/", {"body": body}, **HTMX)
    assert not Notification.objects.exists()
    # The writer is told who was not, lest a misspelt name leave them thinking a colleague knows.
    assert "Note added. Not notified: @nobody, @charlie (no active account" in response.text
    page = signed_in(editor).get(f"/claims/{claim.pk}/")
    assert body in page.text
    assert 'class="mention"' not in page.text


def test_names_past_the_twentieth_are_said_not_notified(editor, reviewer, claim, monkeypatch):
    """A note notifies its first MENTIONS_PER_NOTE names: the others had been dropped unsaid."""
    monkeypatch.setattr(notifying, "MENTIONS_PER_NOTE", 2)
    body = "@nobody @alice, then @bob and @somebody."
    response = signed_in(editor).post(f"/claims/{claim.pk}/notes/", {"body": body}, **HTMX)
    assert not Notification.objects.exists()
    assert "Not notified: @nobody (no active account" in response.text
    assert "Not notified: @bob, @somebody (a note notifies the first 2 names)." in response.text


def test_a_mention_is_escaped_with_the_rest_of_the_note(editor, reviewer, claim):
    signed_in(editor).post(f"/claims/{claim.pk}/notes/", {"body": "<script>alert(1)</script> @bob <b>now</b>"})
    page = signed_in(editor).get(f"/claims/{claim.pk}/")
    assert "<script>alert(1)</script>" not in page.text
    assert '&lt;script&gt;alert(1)&lt;/script&gt; <a class="mention"' in page.text
    assert "&lt;b&gt;now&lt;/b&gt;" in page.text


def test_mentioning_oneself_or_an_inactive_account_notifies_nobody(editor, reviewer, claim):
    reviewer.is_active = False
    reviewer.save()
    response = signed_in(editor).post(f"/claims/{claim.pk}/notes/", {"body": "Note to self @alice, and @bob."}, **HTMX)
    assert not Notification.objects.exists()
    assert "Not notified: @bob (" in response.text  # oneself is no news


def test_the_writer_mentioning_themselves_is_not_told_they_were_notified(editor, reviewer, claim):
    response = signed_in(editor).post(f"/claims/{claim.pk}/notes/", {"body": "@bob and I (@alice) call them."}, **HTMX)
    assert Notification.objects.get().recipient == reviewer
    assert "Note added; @bob notified." in response.text


def test_a_note_added_in_the_admin_notifies_the_people_it_mentions(editor, reviewer, claim):
    response = signed_in(editor).post("/admin/factcheck/note/add/", {"claim": claim.pk, "body": "@bob please look."})
    assert response.status_code == 302
    assert Notification.objects.get().recipient == reviewer
    assert Note.objects.get().author == editor


def test_the_admin_says_who_a_note_did_not_notify_as_the_claim_page_does(editor, reviewer, claim, monkeypatch):
    # The admin's note form said only "added successfully": a misspelt name went unnoticed there.
    monkeypatch.setattr(notifying, "MENTIONS_PER_NOTE", 2)
    client = signed_in(editor)
    added = client.post(
        "/admin/factcheck/note/add/", {"claim": claim.pk, "body": "@bob @nobody, and @somebody."}, follow=True
    )
    told = next(str(message) for message in added.context["messages"] if "notified" in str(message))
    assert told == (
        "@bob notified. Not notified: @nobody (no active account that may read claims has that name). "
        "Not notified: @somebody (a note notifies the first 2 names)."
    )
    page = client.get(f"/admin/factcheck/claim/{claim.pk}/change/")
    notes = next(inline.formset for inline in page.context["inline_admin_formsets"] if inline.formset.model is Note)
    data = form_data(page) | {f"{notes.prefix}-TOTAL_FORMS": 2, f"{notes.prefix}-1-body": "@nobdy call them."}
    saved = client.post(f"/admin/factcheck/claim/{claim.pk}/change/", data, follow=True)
    assert Note.objects.filter(body="@nobdy call them.").exists()
    assert any("Not notified: @nobdy (no active account" in message for message in messages_in(saved))


# Notifications, the unread count, emails


def test_the_header_counts_unread_notifications_without_a_query_of_its_own(editor, reviewer, claim):
    client = signed_in(reviewer)
    none, page = count_queries(client, f"/claims/{claim.pk}/")
    assert 'id="unread-count"' not in page.text
    Notification.objects.bulk_create(
        Notification(recipient=reviewer, kind="assigned", claim=claim, actor=editor) for _ in range(3)
    )
    some, page = count_queries(client, f"/claims/{claim.pk}/")
    assert some == none
    assert re.search(r'id="unread-count" aria-label="3 unread">3</span>', page.text)
    Notification.objects.bulk_create(
        Notification(recipient=reviewer, kind="assigned", claim=claim, actor=editor) for _ in range(100)
    )
    _, page = count_queries(client, "/claims/")
    assert ">99+</span>" in page.text
    # Another person's notifications are not counted.
    _, page = count_queries(signed_in(editor), "/claims/")
    assert 'id="unread-count"' not in page.text


def test_the_list_shows_notifications_newest_first_and_marks_them_read(editor, reviewer, claim):
    client = signed_in(editor)
    client.post(f"/claims/{claim.pk}/assignees/", {"username": "bob"})
    client.post(f"/claims/{claim.pk}/notes/", {"body": "@bob over to you"})
    bob = signed_in(reviewer)
    page = bob.get("/notifications/")
    text = page.text
    assert text.index("mentioned you on") < text.index("assigned you")
    assert text.count('class="badge new"') == 2
    assert "over to you" in text
    assert 'id="unread-count"' not in text
    assert not Notification.objects.unread().exists()
    again = bob.get("/notifications/")
    assert 'class="badge new"' not in again.text
    assert 'id="unread-count"' not in bob.get("/claims/").text


def test_the_email_settings_say_when_emails_go_out_without_naming_a_command(reviewer):
    page = signed_in(reviewer).get("/notifications/").text
    emails = page.split('id="notification-settings"')[1].split("</section>")[0]
    assert "once a day" in emails and reviewer.email in emails
    assert "send_notification_emails" not in emails


def test_a_head_of_the_notifications_marks_none_of_them_read(editor, reviewer, claim):
    signed_in(editor).post(f"/claims/{claim.pk}/assignees/", {"username": "bob"})
    bob = signed_in(reviewer)
    assert bob.head("/notifications/").status_code == 200
    assert Notification.objects.unread().filter(recipient=reviewer).count() == 1
    bob.get("/notifications/")
    assert not Notification.objects.unread().exists()


def test_notification_pages_cost_the_same_queries_for_10_or_100(editor, reviewer, claim):
    client = signed_in(reviewer)
    Notification.objects.bulk_create(
        Notification(recipient=reviewer, kind="assigned", claim=claim, actor=editor) for _ in range(120)
    )
    small, page = count_queries(client, "/notifications/?limit=10")
    assert page.text.count('<li class="notification') == 10 and "Older notifications" in page.text
    Notification.objects.update(read_at=None)
    large, page = count_queries(client, "/notifications/?limit=100")
    assert page.text.count('<li class="notification') == 100
    assert small == large <= 6
    older = re.search(r'href="(/notifications/\?before=\d+&amp;limit=100)"', page.text).group(1).replace("&amp;", "&")
    assert client.get(older).text.count('<li class="notification') == 20
    # "²" is a digit int() refuses: the list starts from the newest.
    assert client.get("/notifications/?before=²&limit=100").text.count('<li class="notification') == 100
    # So is a number of 5,000 digits (a 500 before): past every id, the same first page.
    assert client.get(f"/notifications/?before={'9' * 5000}&limit=100").text.count('<li class="notification') == 100


def test_each_notification_is_emailed_at_once_by_default(editor, reviewer, claim, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(editor).post(f"/claims/{claim.pk}/notes/", {"body": "@bob see this"})
    assert len(mail.outbox) == 1
    assert "alice mentioned you on claim" in mail.outbox[0].body
    call_command("send_notification_emails", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mail.outbox) == 1


def test_a_daily_digest_gathers_the_days_notifications_once(
    editor, reviewer, claim, django_capture_on_commit_callbacks
):
    signed_in(reviewer).post("/notifications/settings/", {"email": "daily"})
    assert NotificationSettings.objects.get(user=reviewer).email == "daily"
    other = make_claim("The bridge reopened.")
    with django_capture_on_commit_callbacks(execute=True):
        for target in (claim, other):
            signed_in(editor).post(f"/claims/{target.pk}/assignees/", {"username": "bob"})
    assert mail.outbox == []
    call_command("send_notification_emails", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == ["bob@example.org"] and digest.subject == "factcheck: 2 notifications"
    assert f"/claims/{claim.pk}/" in digest.body and f"/claims/{other.pk}/" in digest.body
    call_command("send_notification_emails", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("leaves", ["deactivated", "out of every group"])
def test_the_daily_digest_mails_nothing_to_someone_who_left_the_desk_since(
    leaves, editor, reviewer, claim, django_capture_on_commit_callbacks
):
    signed_in(reviewer).post("/notifications/settings/", {"email": "daily"})
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(editor).post(f"/claims/{claim.pk}/notes/", {"body": "@bob the minister's aide is the source"})
    if leaves == "deactivated":
        User.objects.filter(pk=reviewer.pk).update(is_active=False)
    else:
        reviewer.groups.clear()
    call_command("send_notification_emails", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert mail.outbox == []
    assert not Notification.objects.get(recipient=reviewer).email_due  # not kept to mail later either


def test_who_chose_no_email_gets_none(editor, reviewer, claim, django_capture_on_commit_callbacks):
    response = signed_in(reviewer).post("/notifications/settings/", {"email": "none"}, **HTMX)
    assert "Saved: no email." in response.text
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(editor).post(f"/claims/{claim.pk}/assignees/", {"username": "bob"})
    call_command("send_notification_emails", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert mail.outbox == []
    assert Notification.objects.get().recipient == reviewer


def test_a_bad_email_choice_is_refused_and_changes_nothing(reviewer):
    response = signed_in(reviewer).post("/notifications/settings/", {"email": "hourly"}, **HTMX)
    assert response.status_code == 422
    assert "Choose one of the options." in response.text
    assert not NotificationSettings.objects.exists()


def test_a_failed_email_is_kept_for_the_next_run(editor, reviewer, claim, django_capture_on_commit_callbacks, settings):
    settings.MAILERS = {"default": {"BACKEND": "factcheck.tests.test_assignments.BrokenMailer"}}
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(editor).post(f"/claims/{claim.pk}/assignees/", {"username": "bob"})
    assert response.status_code == 302
    assert Notification.objects.get().email_due
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    call_command("send_notification_emails", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mail.outbox) == 1 and not Notification.objects.get().email_due


class BrokenMailer:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("The mail server is down.")


# My work


def test_my_work_lists_the_claims_and_stories_assigned_to_me(editor, reviewer, claim):
    story = make_article(make_outlet("B-17"), headline="Drones overnight", body="Text.")
    elsewhere = make_claim("Not mine.")
    client = signed_in(editor)
    client.post(f"/claims/{claim.pk}/assignees/", {"username": "bob"})
    client.post(f"/articles/{story.pk}/assignees/", {"username": "bob"})
    client.post(f"/claims/{elsewhere.pk}/assignees/", {"username": "alice"})
    page = signed_in(reviewer).get("/me/")
    claims = page.text[page.text.index('id="work-claims"') : page.text.index('id="work-stories"')]
    assert claim.text in claims and elsewhere.text not in claims and "assigned by alice" in claims
    assert "Drones overnight" in page.text[page.text.index('id="work-stories"') :]
    assert "?status=all&amp;assignee=me" in claims
    # Mentions are not work assigned: the page says where they are.
    assert 'Notes that mention you are in <a href="/notifications/">Notifications</a>' in page.text


def test_my_work_costs_the_same_queries_for_10_or_100_assignments(editor, reviewer):
    claims = make_claims({"text": f"Claim {number}."} for number in range(101))
    stories = [make_article(make_outlet(f"Outlet {number}"), headline=f"Story {number}") for number in range(101)]
    for target_list in (claims, stories):
        Assignment.objects.assign(target_list, reviewer, by=editor)
    client = signed_in(reviewer)
    small, page = count_queries(client, "/me/?limit=10")
    assert page.text.count("assigned by alice") == 20
    large, page = count_queries(client, "/me/?limit=100")
    assert page.text.count("assigned by alice") == 200
    assert small == large <= 6


# The queue's assignee filter


def test_the_queue_filters_by_assignee(editor, reviewer):
    mine, theirs, nobodys = make_claim("Mine."), make_claim("Theirs."), make_claim("Unassigned one.")
    Assignment.objects.assign([mine], reviewer, by=editor)
    Assignment.objects.assign([theirs], editor, by=editor)
    client = signed_in(reviewer)

    def shown(query):
        text = client.get(f"/claims/?{query}").text
        return {claim.text for claim in (mine, theirs, nobodys) if f">{claim.text}</a>" in text}

    assert shown("assignee=me") == {"Mine."}
    assert shown("assignee=none") == {"Unassigned one."}
    assert shown("assignee=alice") == {"Theirs."}
    assert shown("assignee=ALICE") == {"Theirs."}
    assert shown("") == {"Mine.", "Theirs.", "Unassigned one."}
    page = client.get("/claims/?assignee=alice")
    assert '<option value="alice" selected>alice</option>' in page.text
    assert client.get("/claims/?assignee=<script>").status_code == 200
    assert "Write a username" in client.get("/claims/?assignee=<script>").text


def test_the_counts_follow_the_assignee_filter_per_person(editor, reviewer):
    mine = [make_claim(f"Mine {number}.") for number in range(3)]
    make_claim("Unassigned one.")
    Assignment.objects.assign(mine, reviewer, by=editor)
    bob, alice = signed_in(reviewer), signed_in(editor)
    counts = bob.get("/claims/counts/?assignee=me", **HTMX).text
    assert re.search(r"Unable to independently confirm\D*3\b", counts)
    # The same address counts alice's, not bob's (no count kept from his).
    counts = alice.get("/claims/counts/?assignee=me", **HTMX).text
    assert not re.search(r"Unable to independently confirm\D*3\b", counts)
    Assignment.objects.assign(mine[:1], editor, by=editor)
    counts = alice.get("/claims/counts/?assignee=me", **HTMX).text
    assert re.search(r"Unable to independently confirm\D*1\b", counts)


@pytest.mark.parametrize("assignee", ["me", "none", "alice"])
def test_the_filtered_queue_costs_the_same_queries_for_10_or_100_rows(editor, reviewer, assignee):
    claims = make_claims({"text": f"Claim {number}."} for number in range(110))
    if assignee != "none":
        Assignment.objects.assign(claims, reviewer if assignee == "me" else editor, by=editor)
    client = signed_in(reviewer)
    small, page = count_queries(client, f"/claims/?assignee={assignee}&limit=10")
    assert page.text.count('class="claim-row"') == 10
    large, page = count_queries(client, f"/claims/?assignee={assignee}&limit=100")
    assert small == large <= 6
    small, _ = count_queries(client, f"/claims/counts/?assignee={assignee}", **HTMX)
    assert small <= 6


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's plan")
@pytest.mark.parametrize("who", ["me", "me, searching", "none"])
def test_the_assignee_filter_is_served_by_an_index(editor, reviewer, who):
    from factcheck.models import Claim

    Assignment.objects.assign([make_claim("Mine.")], reviewer, by=editor)
    person = "none" if who == "none" else reviewer
    claims = (
        Claim.objects.not_merged().assigned_to(person, by_facet=who == "me, searching").filter(status="unconfirmed")
    )
    with connection.cursor() as cursor:
        # A test's few rows would be read whole anyway: leave the planner no sequential scan.
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = claims.order_by("-created_at", "-id")[:25].query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row for (row,) in cursor.fetchall())
    if who == "me, searching":  # the claim's own facets (migration 0032), which the search index intersects
        assert "facets @>" in plan and "factcheck_assignment" not in plan, plan
    else:  # the person's assignments, or each claim's (one a claim) probed in turn
        assert "assignment_assignee_idx" in plan or "assignment_claim_unique" in plan, plan
        assert "Seq Scan on factcheck_assignment" not in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the facets are PostgreSQL's")
@pytest.mark.parametrize("search", ["", "troops"])
def test_the_queue_reads_the_assignee_from_the_facets_only_when_searching(editor, reviewer, search):
    mine = make_claim("Troops crossed the river.")
    make_claim("Troops crossed the border.")
    Assignment.objects.assign([mine], reviewer, by=editor)
    client = signed_in(reviewer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/claims/?assignee=me&q={search}")
    assert [claim.pk for claim in response.context["claims"]] == [mine.pk]
    page = next(
        query["sql"] for query in queries if 'FROM "factcheck_claim"' in query["sql"] and "LIMIT" in query["sql"]
    )
    assert ("assignee:" in page) == bool(search), page


def test_my_work_lists_my_claims_due_for_a_re_check_and_my_stories_owing_a_correction(editor, reviewer):
    today = timezone.localdate()
    overdue, later, not_mine = make_claim("Overdue claim."), make_claim("Due next month."), make_claim("Not mine.")
    Claim.objects.filter(pk__in=[overdue.pk, not_mine.pk]).update(recheck_on=today - timedelta(days=1))
    Claim.objects.filter(pk=later.pk).update(recheck_on=today + timedelta(days=30))
    story = make_article(make_outlet("B-17"), headline="Troops moved overnight")
    carried = make_claim("Eight thousand troops moved.", article=story)
    Assignment.objects.assign([overdue, later, not_mine], editor, by=editor)
    Assignment.objects.assign([overdue, later], reviewer, by=editor)
    Assignment.objects.assign([story], reviewer, by=editor)
    make_evidence(carried, "refutes")
    carried.set_status("disputed", by=editor, reason="The ministry's figures differ.")

    page = signed_in(reviewer).get("/me/").text
    due = page[page.index('id="work-rechecks"') : page.index('id="work-corrections"')]
    assert "Overdue claim." in due and "Overdue" in due
    assert "Due next month." not in due and "Not mine." not in due
    owed = page[page.index('id="work-corrections"') :]
    case = CorrectionCase.objects.get(article=story)
    assert "Troops moved overnight" in owed and f"?case={case.pk}" in owed

    case.record_outcome("not_needed", by=editor, reason="The story gave the ministry's figure as disputed.")
    page = signed_in(reviewer).get("/me/").text
    assert "No story of yours awaits a correction." in page[page.index('id="work-corrections"') :]


def test_my_work_says_how_a_claim_turned_when_its_speaker_denied_it(editor, reviewer):
    story = make_article(make_outlet("B-17"), headline="Troops moved overnight")
    denied = make_claim("Eight thousand troops moved.", article=story)
    Assignment.objects.assign([story], reviewer, by=editor)
    make_evidence(denied, "context", primary_source=True)
    denied.set_attribution("denied", by=editor, reason="The ministry says he never said it.")

    page = signed_in(reviewer).get("/me/").text
    owed = page[page.index('id="work-corrections"') :]
    # Its status is still unable to confirm: the queue holds the story for the denial.
    assert "now denied by the speaker" in owed and "now unable" not in owed


def test_my_works_link_to_all_my_claims_due_lists_the_overdue_ones_it_shows(reviewer):
    today = timezone.localdate()
    overdue, due = make_claim("Overdue claim."), make_claim("Due tomorrow.")
    Claim.objects.filter(pk=overdue.pk).update(recheck_on=today - timedelta(days=2))
    Claim.objects.filter(pk=due.pk).update(recheck_on=today + timedelta(days=1))
    Assignment.objects.assign([overdue, due], reviewer, by=reviewer)

    page = signed_in(reviewer).get("/me/?limit=1").text
    section = page[page.index('id="work-rechecks"') : page.index('id="work-corrections"')]
    assert "Overdue claim." in section and "Due tomorrow." not in section
    more = re.search(r'href="([^"]+)">All of them, in the queue', section).group(1).replace("&amp;", "&")
    listed = signed_in(reviewer).get(more).text
    assert "Overdue claim." in listed and "Due tomorrow." in listed


def test_notifications_name_the_actor_by_their_full_name_else_their_username(
    editor, reviewer, claim, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=editor.pk).update(first_name="Alice", last_name="Marsh")
    editor.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(editor).post(f"/claims/{claim.pk}/assignees/", {"username": "bob"})
        signed_in(editor).post(f"/claims/{claim.pk}/notes/", {"body": "@bob have a look"})
    assert [message.subject.split(":", 1)[1].split(" claim")[0] for message in mail.outbox] == [
        " Alice Marsh assigned you",
        " Alice Marsh mentioned you on",
    ]
    assert all("alice" not in message.body for message in mail.outbox)
    listed = signed_in(reviewer).get("/notifications/").text
    assert "<strong>Alice Marsh</strong>" in listed and "<strong>alice</strong>" not in listed
    assert "assigned by Alice Marsh" in signed_in(reviewer).get("/me/").text
    User.objects.filter(pk=editor.pk).update(first_name="", last_name="")
    assert "<strong>alice</strong>" in signed_in(reviewer).get("/notifications/").text
