"""My work: what the signed-in person should do next, in sections.

Each section is a function `(user, limit) -> Section` listed in SECTIONS, costing one query
whatever the limit. This module gives what is assigned to the person; other workflows (claims
due for re-check, stories flagged for a correction) add their own function to SECTIONS.
"""

from dataclasses import dataclass, field

from django.urls import reverse

from factcheck.forms import MAX_PAGE_SIZE
from factcheck.models import Assignment

# Rows a section shows; the rest are a link away (`more_url`).
SECTION_SIZE = 25


@dataclass
class Row:
    url: str
    title: str
    # A short line under the title: who, when, state.
    detail: str = ""
    when: object = None
    badge: str = ""
    badge_class: str = ""


@dataclass
class Section:
    key: str
    title: str
    rows: list = field(default_factory=list)
    empty: str = "Nothing here."
    # A link to the rest (or to the whole list elsewhere); none when there is nothing more to see.
    more_url: str = ""
    more_label: str = ""


def first(rows, limit):
    """The first `limit` of `rows` (read with one more) and whether there are more."""
    rows = list(rows[: limit + 1])
    return rows[:limit], len(rows) > limit


def assigned(user, limit, subject, *related):
    """The person's newest assignments of one subject ("claim" or "article"), with what rows show."""
    assignments = (
        Assignment.objects.filter(assignee=user, **{f"{subject}__isnull": False})
        .select_related(*related, "assigned_by")
        .order_by("-assigned_at", "-id")
    )
    return first(assignments, limit)


def assigned_claims(user, limit):
    assignments, more = assigned(user, limit, "claim", "claim__speaker")
    rows = []
    for item in assignments:
        claim = item.claim
        detail = f"{claim.speaker.name} · assigned by {item.assigned_by.get_username()}"
        rows.append(Row(claim.get_absolute_url(), str(claim), detail, item.assigned_at, claim.status_label))
        rows[-1].badge_class = f"status-{claim.status}"
    return Section(
        key="claims",
        title="Claims assigned to me",
        rows=rows,
        empty="No claims are assigned to you.",
        # The queue pages through them all, with its filters and counts.
        more_url=f"{reverse('claim_list')}?status=all&assignee=me" if rows else "",
        more_label="All claims assigned to me, in the queue" if more else "These claims in the queue",
    )


def assigned_stories(user, limit):
    assignments, more = assigned(user, limit, "article", "article__outlet")
    rows = [
        Row(
            item.article.get_absolute_url(),
            item.article.headline,
            f"{item.article.outlet.name} · assigned by {item.assigned_by.get_username()}",
            item.assigned_at,
        )
        for item in assignments
    ]
    return Section(
        key="stories",
        title="Stories assigned to me",
        rows=rows,
        empty="No stories are assigned to you.",
        more_url=f"{reverse('my_work')}?limit={MAX_PAGE_SIZE}" if more and limit < MAX_PAGE_SIZE else "",
        more_label="Show more",
    )


# The lead adds here: re-check due (claims due or overdue), corrections flagged (stories to correct).
SECTIONS = [assigned_claims, assigned_stories]
