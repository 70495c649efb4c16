"""My work: what the signed-in person should do next, in sections.

Each section is a function `(user, limit) -> Section` listed in SECTIONS, costing one query
whatever the limit: the stories they left in review on the story desk (None, no section, for
someone who may not use it), what is assigned to the person, their claims due for a re-check,
and the correction cases of their stories and claims.
"""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from factcheck.forms import MAX_PAGE_SIZE, due_claims
from factcheck.models import STORY_DESK, Assignment, Claim, CorrectionCase, CorrectionTurn, StoryDraft, display_name

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


def assigned(user, limit, subject, *related, **conditions):
    """The person's newest assignments of one subject ("claim" or "article"), with what rows show."""
    assignments = (
        Assignment.objects.filter(assignee=user, **{f"{subject}__isnull": False}, **conditions)
        .select_related(*related, "assigned_by")
        .order_by("-assigned_at", "-id")
    )
    return first(assignments, limit)


def assigned_claims(user, limit):
    # A claim merged since it was assigned is read-only, and its page leads to the kept claim.
    assignments, more = assigned(user, limit, "claim", "claim__speaker", claim__merged_into__isnull=True)
    rows = []
    for item in assignments:
        claim = item.claim
        detail = f"{claim.speaker.name} · assigned by {display_name(item.assigned_by)}"
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
    rows = []
    for item in assignments:
        story = item.article
        draft = story.is_draft
        rows.append(
            Row(
                # A draft is worked on at its pre-publication check.
                reverse("article_check", args=[story.pk]) if draft else story.get_absolute_url(),
                story.headline,
                f"{story.outlet.name} · assigned by {display_name(item.assigned_by)}",
                item.assigned_at,
                "Draft" if draft else "",
                "state-draft" if draft else "",
            )
        )
    return Section(
        key="stories",
        title="Stories assigned to me",
        rows=rows,
        empty="No stories are assigned to you.",
        more_url=f"{reverse('my_work')}?limit={MAX_PAGE_SIZE}" if more and limit < MAX_PAGE_SIZE else "",
        more_label="Show more",
    )


def rechecks_due(user, limit):
    """My claims due for a re-check this week or overdue, the soonest first."""
    today = timezone.localdate()
    due = due_claims(Claim.objects.due_for_recheck().assigned_to(user), "soon", today)
    claims, more = first(due.select_related("speaker").order_by("recheck_on", "id"), limit)
    rows = []
    for claim in claims:
        overdue = claim.recheck_on < today
        rows.append(
            Row(
                claim.get_absolute_url(),
                str(claim),
                f"{claim.speaker.name} · re-check by {claim.recheck_on:%d %b %Y}",
                badge="Overdue" if overdue else "Due",
                badge_class="overdue" if overdue else "status-unconfirmed",
            )
        )
    return Section(
        key="rechecks",
        title="Due for re-check",
        rows=rows,
        empty="None of your claims is due for a re-check this week.",
        more_url=f"{reverse('claim_list')}?status=unconfirmed&assignee=me&due=soon" if more else "",
        more_label="All of them, in the queue",
    )


def corrections_owed(user, limit):
    """Open correction cases of the stories, or of the claims, assigned to me: the longest waiting first."""
    mine = Assignment.objects.filter(assignee=user)
    turned_later = CorrectionTurn.objects.filter(case=OuterRef("pk"), claim__in=mine.values("claim"))
    cases = CorrectionCase.objects.open().filter(
        Exists(mine.filter(article=OuterRef("article")))
        | Exists(mine.filter(claim=OuterRef("claim")))
        | Exists(turned_later)
    )
    cases, more = first(cases.select_related("article", "claim", "event").order_by("opened_at", "id"), limit)
    rows = [
        Row(
            f"{reverse('correction_list')}?case={case.pk}",
            case.article.headline,
            f"carried “{case.claim.text[:80]}”, now {turned_state(case).lower()}",
            case.opened_at,
            "Correction?",
            "outcome-open",
        )
        for case in cases
    ]
    return Section(
        key="corrections",
        title="Corrections to settle",
        rows=rows,
        empty="No story of yours awaits a correction.",
        more_url=reverse("correction_list") if more else "",
        more_label="The Corrections queue",
    )


def stories_in_review(user, limit):
    """The stories I pasted into the desk and left unsaved, newest first; none for who may not use the desk."""
    if not user.has_perms(STORY_DESK):
        return None
    drafts, more = first(StoryDraft.objects.in_review().filter(created_by=user), limit)
    rows = [
        Row(
            draft.get_absolute_url(),
            draft.headline,
            f"{draft.outlet_name} · pasted by you",
            draft.created_at,
            "Draft for publication" if draft.as_draft else "",
            "state-draft" if draft.as_draft else "",
        )
        for draft in drafts
    ]
    return Section(
        key="in-review",
        title="My stories in review",
        rows=rows,
        empty="You have no story left in review.",
        more_url=f"{reverse('story_drafts')}?by=me" if more else reverse("story_drafts"),
        more_label="All my stories in review" if more else "Everyone's stories in review",
    )


def turned_state(case):
    """What the claim is now on the axis whose turn opened the case: a denied claim is still unconfirmed."""
    return case.claim.attribution_label if case.event.is_attribution else case.claim.status_label


SECTIONS = [stories_in_review, assigned_claims, assigned_stories, rechecks_due, corrections_owed]
