"""The daily re-check digest: each person is mailed the unconfirmed claims due (or overdue) that are theirs.

`send_digests(day)` is what `manage.py send_recheck_digest` runs. A digest sent is recorded
(RecheckDigest, one a person a day) in the transaction that sends it, so running it twice in a
day sends nothing more, and a mail that fails is sent by the next run. Whose claims are whose is
`recipients()`: each claim's assignees, else the people involved in it.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse

from factcheck.models import STATUS_COUNT_CAP, Assignment, Claim, RecheckDigest, assignable_people, capped_counts

# A digest lists this many claims, the soonest due first, and links to the queue for the rest.
DIGEST_CLAIMS = 50


def involved(due):
    """The ids of the people `due`'s claims are for: each claim's assignees, else (nobody assigned) who last
    decided its status (or recorded it) and who last moved its re-check date."""
    unassigned = due.exclude(Exists(Assignment.objects.filter(claim=OuterRef("pk"))))
    ids = set(Assignment.objects.filter(claim__in=due.values("pk")).values_list("assignee", flat=True))
    for column in ("status_changed_by", "recheck_set_by"):
        ids |= set(
            unassigned.order_by().exclude(**{f"{column}__isnull": True}).values_list(column, flat=True).distinct()
        )
    return ids


def theirs(people):
    """The condition on a claim that makes it one of `people`'s (see involved)."""
    assigned = Exists(Assignment.objects.filter(claim=OuterRef("pk")))
    return Exists(Assignment.objects.filter(claim=OuterRef("pk"), assignee__in=people)) | (
        ~assigned & (Q(status_changed_by__in=people) | Q(recheck_set_by__in=people))
    )


def recipients(due):
    """{person: their claims among `due`}: whom the digest reminds of which due claims.

    A claim's assignees; a claim nobody is assigned to goes to the people involved in it: who
    last decided its status (or recorded it) and who last moved its re-check date, so that no
    due claim is forgotten for want of an assignee. Only people who may still read claims: one who
    left the desk (deactivated, or out of its groups) is mailed no claim.
    """
    people = assignable_people().filter(pk__in=involved(due)).order_by("pk")
    return {person: due.filter(theirs([person])) for person in people}


def why_not(person):
    """Why `person` is mailed no digest: "inactive, no email address"."""
    reasons = ["inactive" if not person.is_active else "may not read claims"]
    if not person.email:
        reasons.append("no email address")
    return ", ".join(reasons)


@dataclass
class Sent:
    """What a run did: digests sent (person, number of claims listed); people skipped, sent today already or
    with no email address; how many claims were due, and how many of them are for nobody who may receive
    them (`unreached`), with the people they are for instead (`unreachable`, who may not read claims)."""

    sent: list = field(default_factory=list)
    already: list = field(default_factory=list)
    no_address: list = field(default_factory=list)
    due: int = 0
    unreached: int = 0
    unreachable: list = field(default_factory=list)


def send_digests(day):
    """Mail each person their claims due on or before `day` (see recipients), once a day; return what was sent."""
    due = Claim.objects.due_for_recheck().filter(recheck_on__lte=day)
    done = Sent()
    mailed = recipients(due)
    unreached = due.exclude(theirs(list(mailed)))
    counted = capped_counts({"due": due, "unreached": unreached})
    done.due, done.unreached = counted["due"], counted["unreached"]
    if done.unreached:
        done.unreachable = list(get_user_model().objects.filter(pk__in=involved(unreached)).order_by("username"))
    for person, claims in mailed.items():
        if not person.email:
            done.no_address.append(person)
            continue
        if RecheckDigest.objects.filter(person=person, day=day).exists():
            done.already.append(person)
            continue
        listed = list(claims.select_related("speaker").order_by("recheck_on", "id")[:DIGEST_CLAIMS])
        counted = capped_counts({"all": claims, "overdue": claims.filter(recheck_on__lt=day)})
        try:
            with transaction.atomic():
                RecheckDigest.objects.create(person=person, day=day, claims=[claim.pk for claim in listed])
                send(person, day, listed, counted)
        except IntegrityError:  # another run sent it meanwhile
            done.already.append(person)
            continue
        done.sent.append((person, len(listed)))
    return done


def send(person, day, claims, counted):
    site = settings.FACTCHECK_SITE_URL
    total, overdue = counted["all"], counted["overdue"]
    # Counted up to the cap: past it, "1000+".
    shown_total, overdue = (f"{STATUS_COUNT_CAP}+" if n > STATUS_COUNT_CAP else str(n) for n in (total, overdue))
    context = {
        "person": person,
        "day": day,
        "claims": [(claim, f"{site}{claim.get_absolute_url()}") for claim in claims],
        "total": shown_total,
        "overdue": overdue,
        "more": total > len(claims),
        "queue_url": f"{site}{reverse('recheck_list')}",
        "overdue_url": f"{site}{reverse('recheck_list')}?due=overdue",
    }
    subject = f"{shown_total} claim{'s' if total != 1 else ''} to re-check" + (
        f" ({overdue} overdue)" if overdue != "0" else ""
    )
    body = render_to_string("factcheck/email/recheck_digest.txt", context)
    send_mail(subject, body, None, [person.email])
