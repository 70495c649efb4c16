"""Mentions and notification emails.

A note's `@username` names a person; those who may read claims are notified (Note.write). Each
notification is emailed as its recipient chose (NotificationSettings): at once, in a daily
digest (`manage.py send_notification_emails`, run daily by cron), or never. Emails go through
Django's email framework (the console backend unless EMAIL_BACKEND says otherwise).
"""

import logging
import re
from itertools import groupby

from django.conf import settings
from django.core.mail import send_mail
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from factcheck.models import EmailChoice, Notification, NotificationSettings, assignable_people, display_name

logger = logging.getLogger(__name__)

# "@bob", "@anna.k" (a full stop ending the sentence is not part of the name); not "x@example.org".
MENTION = re.compile(r"(?<![\w@.+-])@([\w.@+-]*[\w+-])")
# The most people one note can notify: a pasted list of 500 names notifies nobody past it.
MENTIONS_PER_NOTE = 20

# What each kind of notification says, after the actor's name.
NOTIFICATION_SENTENCES = {
    Notification.Kind.ASSIGNED: "assigned you",
    Notification.Kind.MENTIONED: "mentioned you on",
}


def mentioned_names(text, *, every=False):
    """The names mentioned in `text`, lower-cased, each once, in order: the first MENTIONS_PER_NOTE,
    which a note notifies, or `every` one."""
    names = list(dict.fromkeys(name.lower() for name in MENTION.findall(text)))
    return names if every else names[:MENTIONS_PER_NOTE]


def mentions_told(note, writer):
    """What the writer of a note just recorded is told of its mentions: (the names it notified,
    "@bob"; a sentence for each group it did not, and why), the same in the app and the admin.

    A misspelt name would otherwise leave the writer thinking a colleague was told.
    """
    writer = writer.get_username()
    # The writer's own name is linked in the note, but nobody notifies themselves.
    notified = [f"@{name}" for name in note.mentions if name != writer]
    told = {name.lower() for name in [*note.mentions, writer]}
    named, every = mentioned_names(note.body), mentioned_names(note.body, every=True)
    untold = []
    if missed := [f"@{name}" for name in named if name not in told]:
        untold.append(f"Not notified: {', '.join(missed)} (no active account that may read claims has that name).")
    if beyond := [f"@{name}" for name in every[len(named) :] if name != writer.lower()]:
        untold.append(f"Not notified: {', '.join(beyond)} (a note notifies the first {len(named)} names).")
    return notified, untold


def mentioned_people(text):
    """The active people who may read claims whose username (any case) the text mentions."""
    names = mentioned_names(text)
    if not names:
        return []
    return list(assignable_people().annotate(lower_name=Lower("username")).filter(lower_name__in=names))


def link_mentions(text, usernames):
    """The text, escaped, with each mention of one of `usernames` linked to their claims in the queue."""
    known = {name.lower(): name for name in usernames}
    parts, position = [], 0
    for match in MENTION.finditer(text):
        username = known.get(match.group(1).lower())
        if username is None:
            continue
        url = f"{reverse('claim_list')}?status=all&assignee={username}"
        parts += [conditional_escape(text[position : match.start()])]
        parts += [format_html('<a class="mention" href="{}">@{}</a>', url, match.group(1))]
        position = match.end()
    parts.append(conditional_escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 every part is escaped or built by format_html


def describe(notification):
    """ "Alice Marsh assigned you claim 12: “…”": one line for emails, the actor by their display name."""
    actor = display_name(notification.actor) if notification.actor_id else "Someone"
    subject = notification.subject
    what = f"claim {subject.pk}" if notification.claim_id else f"the story {subject.pk}"
    return f"{actor} {verb(notification)} {what}: {subject}"


def verb(notification):
    return NOTIFICATION_SENTENCES.get(notification.kind) or f"{notification.get_kind_display().lower()}:"


def absolute(url):
    return f"{settings.FACTCHECK_SITE_URL}{url}"


def send_emails(notifications, *, digest=False):
    """Email what is due of `notifications`, one email per person listing theirs: to those who
    chose an email each (the notifications of one change, or those a failure left due), and to
    those who chose daily when `digest`; nothing to those who chose none. Marks them sent: safe
    to run twice. Nothing goes to someone who may no longer read claims. Returns the number of emails sent."""
    due = (
        notifications.filter(email_due=True)
        .select_related("recipient", "actor", "claim", "article")
        .order_by("recipient_id", "created_at", "id")
    )
    choices = dict(NotificationSettings.objects.filter(user__in=due.values("recipient")).values_list("user", "email"))
    # Asked again at sending time: someone who left the desk since (deactivated, out of its groups) is mailed no claim.
    readers = set(assignable_people().filter(pk__in=due.values("recipient")).values_list("pk", flat=True))
    sent, unsent = 0, []
    for recipient_id, group in groupby(due, key=lambda item: item.recipient_id):
        items = list(group)
        recipient = items[0].recipient
        choice = choices.get(recipient_id, EmailChoice.EACH)
        if choice == EmailChoice.DAILY and not digest:
            continue
        if choice == EmailChoice.NONE or not recipient.email or recipient_id not in readers:
            unsent += items
            continue
        sent += email(recipient, items)
        # Marked as soon as sent: a failure for the next person does not send this one twice.
        Notification.objects.filter(pk__in=[item.pk for item in items]).update(email_due=False)
    Notification.objects.filter(pk__in=[item.pk for item in unsent]).update(email_due=False)
    return sent


def email(recipient, notifications):
    if len(notifications) == 1:
        subject = f"factcheck: {describe(notifications[0])}"[:150]
    else:
        subject = f"factcheck: {len(notifications)} notifications"
    lines = [(describe(item), absolute(item.subject.get_absolute_url())) for item in notifications]
    body = render_to_string(
        "factcheck/notification_email.txt",
        {
            "recipient": recipient,
            "lines": lines,
            "list_url": absolute(reverse("notification_list")),
            "now": timezone.now(),
        },
    )
    # One line: a claim's text may hold any line break (an imported spreadsheet's \r\n), which a header may not.
    return send_mail(" ".join(subject.split()), body, None, [recipient.email])


def email_now(notification_ids):
    """Email these new notifications to those who chose an email each; a failure is logged and
    left due, for the next send_notification_emails to retry: the change that notified stays made."""
    try:
        send_emails(Notification.objects.filter(pk__in=notification_ids))
    except Exception:
        logger.exception("Notification emails not sent; send_notification_emails will try again")
