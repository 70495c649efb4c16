"""The reviewer workspace: the claim queue, the claim, speaker, outlet and article pages, and
the evidence, note and status actions on a claim.

Every view checks its permissions on every request, htmx partials included. An htmx request
(not boosted, not a history restore) gets a named partial of the page's template; everything
else gets the whole page, so each URL also works without JavaScript.
"""

import functools
import hashlib
import json
from datetime import UTC
from functools import wraps
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.models import Permission
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import (
    CharField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    StringAgg,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Cast, Concat
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from factcheck import merging, models, prepublication, storydesk, tallies, work
from factcheck.forms import (
    ANY_STATUS,
    MAX_PAGE_SIZE,
    PAGE_PARAMETERS,
    PROPOSAL_FIELDS,
    AssignForm,
    AttributionForm,
    ClaimFilterForm,
    EvidenceForm,
    IndexForm,
    MergeForm,
    NoteForm,
    NotificationSettingsForm,
    OlderForm,
    PageForm,
    ProposalForm,
    PublishForm,
    SignOffForm,
    StatusForm,
    StoryForm,
    WithdrawForm,
    names_nobody,
)
from factcheck.models import (
    PERSON_FIELDS,
    STORY_DESK,
    Appearance,
    AppearanceRevision,
    Article,
    Assignment,
    AssignmentRecord,
    Claim,
    ClaimLink,
    ClaimMerge,
    ClaimRevision,
    CorrectionCase,
    Evidence,
    ExternalReview,
    LookalikeName,
    Note,
    Notification,
    NotificationSettings,
    Outlet,
    OutletClaimTally,
    OutletKind,
    OutletTotal,
    PublishedVerdict,
    RowsAsJSON,
    SignOff,
    SignOffRefused,
    Speaker,
    SpeakerTally,
    SpeakerTotal,
    StoryDraft,
    StoryTally,
    StoryTotal,
    Venue,
    VerificationEvent,
    locate_span,
    normalize_name,
    rows_to_draw,
)
from factcheck.notifying import mentions_told
from factcheck.security import takes_files
from factcheck.storydesk import Tracked
from factcheck.text import display_name, figure_shown, lookalike_difference, read_figure
from factcheck.verification import (
    ATTRIBUTION_TRANSITIONS,
    EVIDENCE_NEEDED,
    NEEDS_PRIMARY_SOURCE,
    PRIMARY_SOURCE,
    PUBLISHABLE,
    TRANSITIONS,
    Attribution,
    PublicationRefused,
    StaleVersion,
    Status,
    TransitionRefused,
    cites,
)

CLAIMS_CHANGED = "claims-changed"
ROWS = "factcheck/claim_list.html#rows"


def permission_required(*perms):
    """Send anonymous users to the login page (htmx too, as a full navigation); refuse the rest with 403."""

    def decorator(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            if not request.user.is_authenticated:
                if request.htmx:
                    back = request.htmx.current_url_abs_path or request.get_full_path()
                    return HttpResponseClientRedirect(redirect_to_login(back).url)
                return redirect_to_login(request.get_full_path())
            if not request.user.has_perms(perms):
                raise refused(request.user, perms)
            return view(request, *args, **kwargs)

        return checked

    return decorator


def refused(user, perms):
    """PermissionDenied saying, in the permissions' own words, what the account may not do (shown by 403.html)."""
    missing = [perm for perm in perms if not user.has_perm(perm)]
    names = [
        permission.name[0].lower() + permission.name[1:]
        for perm in missing
        for permission in Permission.objects.filter(
            content_type__app_label=perm.partition(".")[0], codename=perm.partition(".")[2]
        )
    ]
    return PermissionDenied(f"Your account lacks the permission: {'; '.join(names)}." if names else "")


def wants_fragment(request):
    return bool(request.htmx) and not request.htmx.boosted and not request.htmx.history_restore_request


def render_page(request, template_name, context, *, fragment=None, status=200):
    """The page, or only `fragment` ("rows" or "other.html#rows") for an htmx request that asked for a part."""
    if fragment and wants_fragment(request):
        template_name = fragment if "#" in fragment else f"{template_name}#{fragment}"
    response = render(request, template_name, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
@permission_required("factcheck.view_claim")
def home(request):
    return redirect("claim_list")


@require_safe
@permission_required("factcheck.view_claim")
def claim_list(request):
    form = ClaimFilterForm(request.GET, user=request.user)
    form.is_valid()
    claims, next_page = form.page(form.claims())
    context = {
        "form": form,
        "claims": rows_to_draw(claims),
        "next_page": next_page,
        # Counted by the counts partial, which the page loads once it is shown: never for "load more".
        "counts": uncounted(),
        "queue_filters": without_page(request.GET),
        "current_status": form.chosen_status(),
        "current_attribution": form.cleaned_data.get("attribution") or None,
        "status_label": "Any status" if form.chosen_status() == ANY_STATUS else Status(form.chosen_status()).label,
        "any_status": ANY_STATUS,
    }
    return render_list(request, "factcheck/claim_list.html", context, claims, more="more", fragment="results")


def render_list(request, template_name, context, rows, *, more, fragment=None):
    """A page of a list that loads more rows with htmx ("More …"): the page (or its `fragment`), or,
    asked for a page after the first, its `more` fragment with `rows`.

    `shown` in the context counts the rows the page now shows (its "More" sends it on). After "load
    more" through htmx, the address the browser keeps is the list's first page with that many rows
    (up to MAX_PAGE_SIZE): back from a row, or reloaded, the list is as it was left.
    """
    form = context["form"]
    context["shown"] = shown = form.rows_before() + len(rows)
    if wants_fragment(request) and "after" in form.errors:
        # "More" (htmx, in the button's place) with a cursor that is broken: said there, not a list in the list.
        context["first_page"] = list_address(request, without_page(request.GET))
        return render_page(request, "factcheck/claim_list.html", context, fragment="broken-more", status=400)
    if not form.asks_for_more():
        return render_page(request, template_name, context, fragment=fragment)
    response = render_page(request, template_name, context, fragment=more)
    if wants_fragment(request):
        query = without_page(request.GET)
        if shown:  # none when a hand-made `shown` counts no rows and the page is empty: the first page
            query["limit"] = min(shown, MAX_PAGE_SIZE)
        response["HX-Replace-Url"] = list_address(request, query)
    return response


def list_address(request, query):
    return f"{request.path}?{query.urlencode()}" if query else request.path


def without_page(query):
    """`query` less where its list stands (PAGE_PARAMETERS): the question, which a link to another
    question keeps. A changed filter, sort or search starts at a page of the usual size, whatever
    number of rows "More" had loaded the list it leaves to."""
    question = query.copy()
    for name in PAGE_PARAMETERS:
        question.pop(name, None)
    return question


@require_safe
@permission_required("factcheck.view_claim")
def claim_counts(request):
    """The counts per status for the queue's filters, loaded after the page and whenever claims change."""
    form = ClaimFilterForm(request.GET, user=request.user)
    form.is_valid()
    current = form.chosen_status() if "status" in request.GET else None
    if not wants_fragment(request):
        return redirect(f"{reverse('claim_list')}?{request.GET.urlencode()}")
    filters = sorted((name, value) for name, value in request.GET.lists() if name not in UNCOUNTED_PARAMETERS)
    if form.cleaned_data.get("assignee"):
        # "me" is someone else for each person, and assigning writes no verification event.
        latest = AssignmentRecord.objects.order_by("-pk").values_list("pk", flat=True).first()
        filters += [("me", request.user.pk), ("assignments", latest)]
    counts = recently_counted(
        f"queue:{filters}",
        lambda: status_counts(form.claims(with_status=False), form.claims(with_attribution=False)),
    )
    context = {
        "counts": counts,
        "queue_filters": without_page(request.GET),
        "current_status": current,
        "current_attribution": form.cleaned_data.get("attribution") or None,
    }
    return render_page(request, "factcheck/claim_list.html", context, fragment="counts")


# Query parameters that do not change the counts per status (the attribution filter counts apart).
UNCOUNTED_PARAMETERS = {"status", "sort", *PAGE_PARAMETERS}
# How long counts are kept; a status change or a new claim shows at once (recently_counted).
COUNTS_SECONDS = 60


def recently_counted(key, count):
    """`count()`, kept for a minute under `key` and the latest verification event.

    Capped counts over a filtered million claims can take tens of milliseconds; the counts of a
    filter several people look at are made once. Every status change and every new claim writes
    an event, so either is counted at once; other edits (a claim moved to another speaker) show
    within the minute.
    """
    latest = VerificationEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    digest = hashlib.sha256(key.encode()).hexdigest()
    return cache.get_or_set(f"counts:{digest}:{latest}", count, COUNTS_SECONDS)


def queue_filters_came_from(request):
    """The filters of the queue this page was opened from (the Referer the browser sent, htmx's
    boosted links included); none when it came from anywhere else."""
    came_from = urlsplit(request.headers.get("Referer", ""))
    filters = QueryDict(mutable=True)
    if came_from.netloc == request.get_host() and came_from.path == reverse("claim_list"):
        for name, values in QueryDict(came_from.query).lists():
            if name in ClaimFilterForm.base_fields and name not in PAGE_PARAMETERS:
                filters.setlist(name, values)
    return filters


def uncounted():
    """The counts' place, without the numbers: the statuses as links, counted when htmx loads the partial."""
    return {
        "by_status": [(status, status.label, None) for status in Status],
        "total": None,
        "by_attribution": [(state, state.label, None) for state in Attribution],
        "loaded": False,
    }


def status_counts(claims, by_attribution=None):
    """The counts per status and in all, and per attribution state (of `by_attribution`, else
    of `claims`), as shown: past the cap a count reads "1000+"."""
    shown, total = capped(dict(claims.status_counts()))
    said, _ = capped(dict((claims if by_attribution is None else by_attribution).attribution_counts()))
    return {
        "by_status": [(status, status.label, shown[status]) for status in Status],
        "total": total,
        "by_attribution": [(state, state.label, said[state]) for state in Attribution],
        "loaded": True,
    }


def capped(counts):
    """({status: count as shown}, total as shown) for counts that stop at the cap plus one."""
    cap = models.STATUS_COUNT_CAP
    total = sum(min(count, cap) for count in counts.values())
    over = any(count > cap for count in counts.values())
    shown = {status: f"{cap}+" if count > cap else count for status, count in counts.items()}
    return shown, f"{total}+" if over else total


# assignee_names' separators: control characters, which no username or name holds.
FIELD, RECORD = "\x1f", "\x1e"


def assignee_names(subject):
    """Who is assigned to the outer claim or story, by whom and when: each assignee's username, full
    name, the assigner's full name and username, and when, read with it in one column, no query of its own."""

    def full_name(person):
        return Concat(f"{person}__first_name", Value(" "), f"{person}__last_name")

    fields = [
        "assignee__username",
        full_name("assignee"),
        "assigned_by__username",
        full_name("assigned_by"),
        Cast("assigned_at", CharField()),
    ]
    shown = Concat(*(part for field in fields for part in (field, Value(FIELD))))
    names = Assignment.objects.filter(**{subject: OuterRef("pk")}).order_by().values(subject)
    names = names.annotate(names=StringAgg(shown, Value(RECORD)))
    return Subquery(names.values("names"), output_field=CharField())


def assignees_of(target):
    """[{"username", "name", "by", "at"}] of the claim's or story's assignees (annotated by assignee_names),
    each person named as display_name names them, by name."""
    assignees = []
    for item in filter(None, (target.assignee_names or "").split(RECORD)):
        username, full_name, by_username, by_full_name, at = item.split(FIELD)[:5]
        at = parse_datetime(at)
        if at is not None and timezone.is_naive(at):
            at = timezone.make_aware(at, UTC)
        name, by = full_name.strip() or username, by_full_name.strip() or by_username
        assignees.append({"username": username, "name": name, "by": by, "at": at})
    return sorted(assignees, key=lambda assignee: assignee["name"].casefold())


@functools.cache
def rare_lists():
    """The lists of a claim's rows its page shows that most claims have none of, each read as JSON in the
    claim's own query (models.RowsAsJSON): prefetched, each was a query more for a claim that had some."""
    return {
        "merges_in": RowsAsJSON(ClaimMerge.objects.all(), "into", {"by": PERSON_FIELDS, "merged": ("id", "text")}),
        "appearance_revisions": RowsAsJSON(AppearanceRevision.objects.named(), "claim", {"by": PERSON_FIELDS}),
        "revisions": RowsAsJSON(ClaimRevision.objects.named(), "claim", {"by": PERSON_FIELDS}),
        "notes": RowsAsJSON(Note.objects.all(), "claim", {"author": PERSON_FIELDS}),
        "external_reviews": RowsAsJSON(ExternalReview.objects.all(), "claim", {}),
    }


@functools.cache
def claim_page_annotations():
    """What get_claim reads with the claim beyond its columns, compiled to SQL once a process (models.compiled):
    resolved and compiled for every page, these subqueries were a tenth of its CPU."""
    return models.compiled(
        Claim,
        {
            "has_publications": Exists(PublishedVerdict.objects.filter(claim=OuterRef("pk"))),
            "has_links": Exists(ClaimLink.objects.filter(Q(from_claim=OuterRef("pk")) | Q(to_claim=OuterRef("pk")))),
            **{f"{name}_json": rows.subquery() for name, rows in rare_lists().items()},
            "assignee_names": assignee_names("claim"),
        },
    )


def get_claim(pk):
    """The claim and everything its page shows, in a fixed number of queries.

    Edits, notes, merges into the claim, changes of its appearances and other checkers' ratings come as JSON
    with the claim's own query (rare_lists), as do the assignees. Publications and links to other
    claims are read only for a claim that has some (the claim's own query says so): most claims have none,
    and their page costs two queries less.
    """
    claims = (
        Claim.objects.select_related(
            "speaker", "article__outlet", "status_changed_by", "merged_into", "merge_record__by"
        )
        .annotate(**claim_page_annotations())
        .prefetch_related(
            Prefetch("appearances", Appearance.objects.select_related("outlet")),
            Prefetch("evidence", Evidence.objects.select_related("added_by")),
            # Each event with the ids of the evidence it cites, which is the claim's own (claim_page).
            Prefetch(
                "events",
                VerificationEvent.objects.select_related("by")
                .annotate(cited_ids=StringAgg(Cast("evidence__id", CharField()), Value(","), default=Value("")))
                .order_by("-at", "-id"),
            ),
        )
    )
    claim = get_object_or_404(claims, pk=pk)
    for name, rows in rare_lists().items():
        prefetched(claim, name, rows.rows(getattr(claim, f"{name}_json")))
    if claim.has_publications:
        # Built only when read: built for every claim, with_judged_words() was a tenth of the page's CPU.
        publications = PublishedVerdict.objects.with_judged_words().select_related(
            "event", "by", "withdrawal__by", "replaced_by"
        )
        prefetch_related_objects([claim], Prefetch("publications", publications.order_by("-at", "-id")))
    else:
        prefetched(claim, "publications", [])
    claim.rated_elsewhere = sorted(claim.external_reviews.all(), key=lambda review: review.publisher.lower())
    return claim


def prefetched(claim, name, rows):
    """Give `claim.<name>.all()` these rows, as prefetch_related gives it the rows it read."""
    queryset = getattr(claim, name).all()
    queryset._result_cache, queryset._prefetch_done = rows, True
    claim._prefetched_objects_cache[name] = queryset


@require_safe
@permission_required("factcheck.view_claim")
def claim_detail(request, pk):
    """The claim's page; a claim merged into another sends there, unless asked for itself (?merged=1)."""
    if request.GET.get("duplicates") == "1" and wants_fragment(request):
        claim = get_object_or_404(Claim.objects.select_related("speaker"), pk=pk)
        context = {"claim": claim, "duplicates": merging.possible_duplicates(claim)}
        return render_page(request, "factcheck/claim_detail.html", context, fragment="duplicates")
    claim = get_claim(pk)
    if claim.merged_into_id and request.GET.get("merged") != "1":
        return redirect(f"{claim.merged_into.get_absolute_url()}?merged_from={claim.pk}")
    return claim_page(request, claim)


def claim_page(
    request,
    claim,
    *,
    fragment=None,
    status=200,
    evidence_form=None,
    note_form=None,
    status_form=None,
    status_error=None,
    publish_form=None,
    withdraw_form=None,
    publication_error=None,
    attribution_form=None,
    attribution_error=None,
    assign_form=None,
    done=None,
    recheck=None,
):
    linked = claim.linked_claims() if claim.has_links else []
    evidence = {item.pk: item for item in claim.evidence.all()}
    for event in claim.events.all():
        event.cited = [evidence[int(pk)] for pk in event.cited_ids.split(",") if pk and int(pk) in evidence]
    offered = decisions(claim, status_form)
    filters = queue_filters_came_from(request)
    status_errors = [status_error] if status_error else []
    merged_from = request.GET.get("merged_from", "")
    if status_form is not None and (claim.merged_into_id or not any(decision["open"] for decision in offered)):
        # A change no button offers (a forged or outdated post): its errors go above the buttons.
        status_errors += errors_of(status_form)
    offered_attribution = attribution_decisions(claim, attribution_form)
    attribution_errors = [attribution_error] if attribution_error else []
    if attribution_form is not None and not any(decision["open"] for decision in offered_attribution):
        attribution_errors += errors_of(attribution_form)
    context = {
        "claim": claim,
        "timeline": claim.timeline(),
        "chains": [
            (chain, claim.relayed_by_another(chain), claim.passed_on_by_another(chain))
            for chain in claim.attribution_chains()
        ],
        "sentence": story_sentence(claim),
        "same_claims": [(label, other) for kind, label, other in linked if kind == "same_claim"],
        "conflicts": [other for kind, _, other in linked if kind == "contradicts"],
        "updates": [(label, other) for kind, label, other in linked if kind == "updates"],
        "evidence_form": evidence_form or EvidenceForm(),
        "note_form": note_form or NoteForm(),
        "decisions": offered,
        "status_errors": status_errors,
        "publishing": publishing(claim, publish_form, withdraw_form, publication_error),
        "attribution_decisions": offered_attribution,
        "attribution_errors": attribution_errors,
        "done": done,
        # The re-check panel's outcome (factcheck.queues.claim_set_recheck): its error, the date typed, or done.
        "recheck": recheck or {},
        # Looked up by the page once shown (claim_detail), or here when asked for without JavaScript.
        "duplicates": merging.possible_duplicates(claim) if request.GET.get("duplicates") == "1" else None,
        "merges_in": list(claim.merges_in.all()),
        "followed_merge": next((item for item in claim.merges_in.all() if str(item.merged_id) == merged_from), None),
        # The queue's counts, loaded by the page once it is shown, with the filters it was opened from.
        "counts": uncounted(),
        "queue_filters": filters,
        "current_status": None,
        "current_attribution": filters.get("attribution") or None,
        "assignees": assignees_of(claim),
        "assign_form": assign_form or AssignForm(),
    }
    return render_page(request, "factcheck/claim_detail.html", context, fragment=fragment, status=status)


DECISION_BUTTONS = {
    Status.VERIFIED: "Mark verified",
    Status.DISPUTED: "Mark disputed",
    Status.FALSE: "Mark false",
    Status.UNCONFIRMED: "Back to unable to confirm",
}


def decisions(claim, form=None):
    """The status changes the editor may make now, each with what its inline form shows."""
    current = Status(claim.status) if claim.version else None
    return decision_forms(
        claim,
        sorted(TRANSITIONS[current], key=list(Status).index),
        DECISION_BUTTONS,
        lambda status, item: cites(status, item.stance),
        form and form.data.get("status"),
        form,
        needs=EVIDENCE_NEEDED.get,
    )


ATTRIBUTION_BUTTONS = {
    Attribution.CONFIRMED: "Confirm who said it",
    Attribution.RELAYED: "Only relayed",
    Attribution.MISATTRIBUTED: "Mark misattributed",
    Attribution.DENIED: "Denied by the speaker",
    Attribution.NOT_CHECKED: "Back to not checked",
}


def attribution_decisions(claim, form=None):
    """The attribution changes the editor may make now (none before the claim is recorded)."""
    if not claim.version:
        return []
    return decision_forms(
        claim,
        sorted(ATTRIBUTION_TRANSITIONS[Attribution(claim.attribution)], key=list(Attribution).index),
        ATTRIBUTION_BUTTONS,
        lambda state, item: item.primary_source and state in NEEDS_PRIMARY_SOURCE,
        form and form.data.get("attribution"),
        form,
        needs=lambda state: PRIMARY_SOURCE if state in NEEDS_PRIMARY_SOURCE else None,
    )


def decision_forms(claim, offered, buttons, cited_by_default, posted, form, *, needs):
    """What each decision's inline form shows: the one `posted` reopened with the editor's input and errors.

    Each says what evidence it must cite (`needs(value)`, in words, None when a reason is enough) and
    whether the claim has any, before it is posted rather than only in the refusal after.
    """
    items = []
    for value in offered:
        reopened = value == posted
        by_default = {str(item.pk) for item in claim.evidence.all() if cited_by_default(value, item)}
        cited = {str(pk) for pk in form.data.getlist("evidence")} if reopened else by_default
        items.append(
            {
                "value": value,
                "label": value.label,
                "button": buttons[value],
                "open": reopened,
                "reason": form.data.get("reason", "") if reopened else "",
                "errors": errors_of(form) if reopened else [],
                "cited": cited,
                "needs": needs(value),
                "has_needed": bool(by_default),
            }
        )
    return items


def publishing(claim, publish_form=None, withdraw_form=None, error=None):
    """The claim's publications and what an editor may do next: publish its latest verdict, withdraw the live one.

    Reads the prefetched `events` and `publications`.
    """
    publications = list(claim.publications.all())
    live = next((publication for publication in publications if publication.is_live), None)
    latest = max(claim.events.all(), key=lambda event: event.version, default=None)
    verdict = latest is not None and latest.to_status in PUBLISHABLE
    # A merged claim is read-only: its verdict is the kept claim's to publish.
    offered = latest is not None and (live is None or live.event_id != latest.pk) and not claim.merged_into_id
    return {
        "live": live,
        "past": [publication for publication in publications if publication is not live],
        "latest": latest,
        "publishable": verdict and latest.decided_here and offered,
        "imported": verdict and not latest.decided_here,
        "publish_form": publish_form or PublishForm(initial={"event": latest.pk if latest else None}),
        "withdraw_form": withdraw_form or WithdrawForm(initial={"publication": live.pk if live else None}),
        "error": error,
    }


def errors_of(form):
    return [error for errors in form.errors.values() for error in errors]


def story_sentence(claim):
    """The line of the story around the claim's span, with the span in <mark>; None when it is gone."""
    body = claim.article.body if claim.article else ""
    found = locate_span(body, claim.span_exact, claim.span_prefix, claim.span_suffix)
    if found is None:
        return None
    start, end = found
    line_start = body.rfind("\n", 0, start) + 1
    line_end = body.find("\n", end)
    line_end = len(body) if line_end == -1 else line_end
    before, after = body[line_start:start], body[end:line_end]
    if len(before) > 300:
        before = "…" + before[-300:]
    if len(after) > 300:
        after = after[:300] + "…"
    return format_html("{}<mark>{}</mark>{}", before, body[start:end], after)


@require_POST
@permission_required("factcheck.view_claim", "factcheck.add_evidence")
def claim_add_evidence(request, pk):
    def add(claim, form):
        form.instance.claim, form.instance.added_by = claim, request.user
        form.save()
        return "Evidence added."

    return on_claim(request, pk, EvidenceForm(request.POST), add, form_name="evidence_form", fragment="review")


@require_POST
@permission_required("factcheck.view_claim", "factcheck.add_note")
def claim_add_note(request, pk):
    """A note on the claim; the people it mentions (@username) who may read claims are notified."""

    def add(claim, form):
        note = Note.write(claim, form.cleaned_data["body"], by=request.user)
        notified, untold = mentions_told(note, request.user)
        done = f"Note added; {', '.join(notified)} notified." if notified else "Note added."
        return " ".join([done, *untold])

    return on_claim(request, pk, NoteForm(request.POST), add, form_name="note_form", fragment="notes")


@require_POST
@permission_required("factcheck.view_claim", "factcheck.assign_work")
def claim_assign(request, pk):
    """Assign a person to the claim, or take them off it (editors: factcheck.assign_work)."""

    def assign(claim, form):
        return assign_from(form, claim, request.user)

    return on_claim(request, pk, AssignForm(request.POST), assign, form_name="assign_form", fragment="assignees")


def assign_from(form, target, by):
    """Do what an AssignForm asks on a claim or story; what was done, in a sentence."""
    person = form.cleaned_data["username"]
    if form.cleaned_data["action"] == "unassign":
        removed = Assignment.objects.unassign([target], person, by=by)
        return f"{display_name(person)} unassigned." if removed else f"{display_name(person)} was not assigned."
    made = Assignment.objects.assign([target], person, by=by)
    return f"Assigned to {display_name(person)}." if made else f"{display_name(person)} was assigned already."


def on_claim(request, pk, form, act, *, form_name, fragment):
    """Do `act(claim, form)` (evidence, a note, an assignment) when the form is valid, and show what
    was done; or show the form's errors. A merged claim is read-only."""
    if not form.is_valid():
        claim = get_claim(pk)
        if not claim.merged_into_id:
            return claim_page(request, claim, fragment=fragment, status=422, **{form_name: form})
    with transaction.atomic():
        # Under the claim's lock, which a merge takes too: one merged meanwhile gets nothing added.
        claim = get_object_or_404(Claim.objects.select_for_update(), pk=pk)
        done = None if claim.merged_into_id else act(claim, form)
    if claim.merged_into_id:
        return merged_refused(request, claim, fragment=fragment)
    return action_done(request, pk, done, fragment=fragment)


@require_POST
@permission_required("factcheck.view_claim", "factcheck.change_claim_status")
def claim_change_status(request, pk):
    return decide(request, pk, "status")


@require_POST
@permission_required("factcheck.view_claim", "factcheck.change_claim_status")
def claim_change_attribution(request, pk):
    return decide(request, pk, "attribution")


def decide(request, pk, axis):
    """An editor's decision on one axis ("status" or "attribution") from the claim page: written, or
    refused with the page's panel saying why (400 a malformed post, 422 the rules, 409 a stale page)."""
    claim = get_claim(pk)
    form = (StatusForm if axis == "status" else AttributionForm)(request.POST, claim=claim)
    if not form.is_valid():
        return claim_page(request, claim, fragment="review", status=400, **{f"{axis}_form": form})
    write = claim.set_status if axis == "status" else claim.set_attribution
    try:
        event = write(
            form.cleaned_data[axis],
            by=request.user,
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
            evidence=form.cleaned_data["evidence"],
        )
    except TransitionRefused as refused:
        form.add_error(None, refused.message)
        return claim_page(request, claim, fragment="review", status=422, **{f"{axis}_form": form})
    except StaleVersion as stale:
        # Show the claim as it is now, with the reason why nothing was written, and the decision
        # posted reopened with the reason typed (if it is still offered), to be posted again.
        context = {f"{axis}_error": str(stale), f"{axis}_form": form}
        return claim_page(request, get_claim(pk), fragment="review", status=409, **context)
    # What was done, and where it led: a turn puts the published stories that carried the claim in
    # the Corrections queue (docs/corrections-and-rechecks.md), which the editor is told and led to.
    waiting = CorrectionCase.objects.waiting_on(event).select_related("article").only("pk", "article__headline")
    done = render_to_string(
        "factcheck/claim_detail.html#decided-message",
        {"claim": claim, "axis": axis, "waiting": list(waiting.order_by("pk"))},
        request=request,
    )
    # The review panel, and out of band every other panel that shows the claim's state.
    return action_done(request, pk, done, fragment="decided")


def merged_refused(request, claim, *, fragment):
    """409: nothing is added to a merged claim (the database refuses it too); it is read-only."""
    message = models.merged_refusal(claim).message
    if not request.htmx:
        messages.error(request, message)
        return redirect(f"{claim.get_absolute_url()}?merged=1")
    return claim_page(request, get_claim(claim.pk), fragment=fragment, status=409, status_error=message)


@require_POST
@permission_required("factcheck.view_claim", "factcheck.publish_verdict")
def claim_publish(request, pk):
    def publish(event, data):
        publication = PublishedVerdict.publish(event, by=request.user, summary=data["summary"])
        return f"Published “{publication.rating.label}”: anyone may now read it."

    return publication_action(
        request,
        pk,
        PublishForm(request.POST),
        "publish_form",
        lambda claim, data: pick(claim.events, data["event"]),
        publish,
    )


@require_POST
@permission_required("factcheck.view_claim", "factcheck.publish_verdict")
def claim_withdraw(request, pk):
    def withdraw(publication, data):
        publication.withdraw(by=request.user, reason=data["reason"])
        return "Withdrawn: the verdict is off the feed, and its page says why."

    def chosen(claim, data):
        return pick(claim.publications, data["publication"])

    return publication_action(request, pk, WithdrawForm(request.POST), "withdraw_form", chosen, withdraw)


def pick(related, pk):
    """The prefetched record of `related` with this pk, or None."""
    return next((record for record in related.all() if record.pk == pk), None)


def publication_action(request, pk, form, form_name, chosen, act):
    """Publish or withdraw on the claim page: 400 for a post naming nothing of this claim, 422 refused
    (or a summary or reason too long), 409 stale."""
    claim = get_claim(pk)
    valid = form.is_valid()
    named = all(name in form.cleaned_data for name, field in form.fields.items() if field.widget.is_hidden)
    record = chosen(claim, form.cleaned_data) if named else None
    if record is None:
        error = "That verdict is not one of this claim's: reload the page."
        return claim_page(request, claim, fragment="review", status=400, publication_error=error, **{form_name: form})
    if not valid:
        error = " ".join(f"{form.fields[name].label}: {' '.join(errors)}" for name, errors in form.errors.items())
        return claim_page(request, claim, fragment="review", status=422, publication_error=error, **{form_name: form})
    try:
        done = act(record, form.cleaned_data)
    except PublicationRefused as refused:
        status = 409 if refused.stale else 422
        claim = get_claim(pk)
        return claim_page(
            request, claim, fragment="review", status=status, publication_error=refused.message, **{form_name: form}
        )
    return action_done(request, pk, done, fragment="review")


def action_done(request, pk, message, *, fragment):
    """After a change: the updated panels and a claims-changed event for htmx, else redirect (PRG)."""
    if not request.htmx:
        messages.success(request, message)
        return redirect("claim_detail", pk=pk)
    response = claim_page(request, get_claim(pk), fragment=fragment, done=message)
    return trigger_client_event(response, CLAIMS_CHANGED)


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("factcheck.view_claim", "factcheck.merge_claims")
def claim_merge(request, pk):
    """Merge claim `pk` into another: GET shows both claims side by side to confirm (?into=N), POST merges.

    A refused merge answers 422 with the reason, a stale one (either claim's status changed since
    the page was drawn) 409; both write nothing. A merge done goes to the kept claim.
    """
    merged = get_object_or_404(Claim.objects.select_related("speaker", "merged_into"), pk=pk)
    form = MergeForm(request.POST if request.method == "POST" else None)
    into_id = form.data.get("into") if form.is_bound else request.GET.get("into", "")
    into = Claim.objects.select_related("speaker").filter(pk=into_id).first() if str(into_id).isdecimal() else None
    if request.method != "POST":  # GET, or HEAD (the same page without its body)
        # "Keep claim N instead" swaps the two: the way back stays the claim the editor came from.
        back = into if into is not None and request.GET.get("back") == str(into.pk) else merged
        return merge_page(request, merged, into, asked=bool(into_id), back=back)
    if not form.is_valid() or into is None:
        return merge_page(request, merged, into, form=form, status=422, asked=True)
    try:
        record = merging.merge(
            merged,
            into,
            by=request.user,
            reason=form.cleaned_data["reason"],
            merged_version=form.cleaned_data["merged_version"],
            into_version=form.cleaned_data["into_version"],
            speakers_differ=form.cleaned_data["speakers_differ"],
        )
    except merging.MergeRefused as refused:
        return merge_page(request, merged, into, form=form, error=refused.message, status=422)
    except StaleVersion as stale:
        merged.refresh_from_db()
        into.refresh_from_db()
        return merge_page(request, merged, into, form=form, error=merging.nothing_merged(stale), status=409)
    moved = record.moved_summary()
    messages.success(request, f"Claim #{merged.pk} merged into this one: it gained {moved}.")
    if merged.publications.live().exists():
        messages.warning(request, STILL_PUBLISHED.format(merged=merged.pk))
    if wants_fragment(request):
        response = HttpResponseClientRedirect(into.get_absolute_url())
        return trigger_client_event(response, CLAIMS_CHANGED)
    return redirect(into)


# A verdict published before a merge stays online (the feed leaves the merged claim out, the web
# keeps its page): the editor merging is told, before and after, and may withdraw it.
STILL_PUBLISHED = (
    "Claim #{merged}'s published verdict stays online, out of the feed: withdraw it on claim #{merged}'s page "
    "if it no longer stands, and publish this claim's verdict if it should be read."
)


def merge_page(request, merged, into, *, form=None, error=None, status=200, asked=False, back=None):
    """The merge confirmation: both claims, what the kept one would gain, and the form; or the form to pick one.
    `back`: the claim whose page the editor came from (by default the one merged)."""
    refused = speakers_differ = None
    if into is not None:
        try:
            merging.check(merged, into)
        except merging.MergeRefused as refusal:
            # Different speakers: the editor may confirm it; another refusal: no Merge button.
            if refusal.code == "speakers_differ":
                speakers_differ = refusal.message
            elif refusal.code != "reason_required":
                refused = refusal.message
    missing = "There is no claim with that number." if into is None and asked else None
    # The error posted and the refusal may be one message; different speakers are said by their checkbox.
    problems = [
        problem for problem in dict.fromkeys((error, missing, refused)) if problem and problem != speakers_differ
    ]
    context = {
        "merged": merged,
        "into": into,
        "back": back or merged,
        "reason": form.data.get("reason", "") if form is not None else "",
        "problems": problems,
        "refused": refused,
        "speakers_differ": speakers_differ,
        "speakers_differ_refused": speakers_differ is not None and speakers_differ == error,
        "speakers_differ_label": merging.SPEAKERS_DIFFER_CONFIRMATION,
        "errors": errors_of(form) if form is not None and form.is_bound and not form.is_valid() else [],
        "gains": into and merge_gains(merged),
        "published": into and merged.publications.live().first(),
    }
    return render_page(request, "factcheck/claim_merge.html", context, fragment="merge", status=status)


def merge_gains(claim):
    """What the merged claim holds, that the kept one would gain (less what it already records)."""
    return {
        "appearances": claim.appearances.count(),
        "evidence": claim.evidence.count(),
        "notes": claim.notes.count(),
        "links": claim.links_from.count() + claim.links_to.count(),
    }


@require_safe
@permission_required("factcheck.view_claim", "factcheck.view_speaker")
def speaker_detail(request, pk):
    speaker = get_object_or_404(Speaker, pk=pk)
    form = PageForm(request.GET)
    form.is_valid()
    claims, next_page = form.page(speaker.claims.not_merged().for_rows())
    context = {
        "speaker": speaker,
        "form": form,
        "claims": rows_to_draw(claims),
        "next_page": next_page,
        "record": tallies.speaker_record(speaker),
    }
    if not form.asks_for_more():
        # Other fact-checkers' ratings of the speaker's claims: their track record, kept apart from ours.
        external = ExternalReview.objects.filter(claim__speaker=speaker, claim__merged_into__isnull=True)
        context["external_ratings"] = list(external.ratings_by_publisher()[:EXTERNAL_RATINGS_SHOWN])
    return render_list(request, "factcheck/speaker_detail.html", context, claims, more=ROWS)


EXTERNAL_RATINGS_SHOWN = 40  # (publisher, label) pairs on a speaker's page, the commonest first


@require_safe
@permission_required("factcheck.view_claim", "factcheck.view_outlet")
def outlet_detail(request, pk):
    """The outlet, its claims newest first, and their record (from the tallies) on both axes."""
    outlet = get_object_or_404(Outlet, pk=pk)
    form = PageForm(request.GET)
    form.is_valid()
    claims, next_page = form.page(Claim.objects.not_merged().involving_outlet(outlet).for_rows())
    context = {
        "outlet": outlet,
        "form": form,
        "claims": rows_to_draw(claims),
        "next_page": next_page,
        "record": tallies.outlet_record(outlet),
    }
    return render_list(request, "factcheck/outlet_detail.html", context, claims, more=ROWS)


@require_safe
@permission_required("factcheck.view_claim", "factcheck.view_speaker")
def speaker_list(request):
    speakers = SpeakerTotal.objects.select_related("speaker")
    return index_page(request, speakers, "speaker", SpeakerTally, title="Speakers")


@require_safe
@permission_required("factcheck.view_claim", "factcheck.view_outlet")
def outlet_list(request):
    outlets = OutletTotal.objects.select_related("outlet")
    return index_page(request, outlets, "outlet", OutletClaimTally, title="Outlets")


@require_safe
@permission_required("factcheck.view_claim", "factcheck.view_article")
def story_list(request):
    # The index shows the headline, not the text: a story's body stays in the database.
    stories = StoryTotal.objects.select_related("article__outlet").defer("article__body")
    if request.GET.get("state") == Article.State.DRAFT:
        return index_page(
            request, stories.filter(article__state=Article.State.DRAFT), "article", StoryTally, title="Draft stories"
        )
    return index_page(request, stories, "article", StoryTally, title="Stories")


def index_page(request, totals, subject, tally, *, title):
    """A page of speakers, outlets or stories with their counts by status: a fixed number of queries.

    Their totals in the chosen order (keyset-paged on the totals' indexes), then the counts by
    status of those on the page. A name filters on the normalised name (headline for stories).
    """
    form = IndexForm(request.GET, subject=f"{subject}_id")
    form.is_valid()
    if query := form.cleaned_data.get("q"):
        if subject == "article":
            totals = totals.filter(article__headline__icontains=query)
        else:
            totals = totals.filter(**{f"{subject}__normalized_name__contains": normalize_name(query)})
    rows, next_page = form.page(totals)
    counts = tallies.counts_by_subject(tally, subject, [getattr(row, f"{subject}_id") for row in rows])
    entries = [
        {"total": row, "subject": getattr(row, subject), "bar": status_bar(counts[getattr(row, f"{subject}_id")])}
        for row in rows
    ]
    context = {"form": form, "entries": entries, "next_page": next_page, "subject": subject, "title": title}
    return render_list(request, "factcheck/index.html", context, rows, more="rows", fragment="results")


def status_bar(counts):
    """[(status, label, claims, x, width)]: a compact bar 100 units wide, split by status (drawn in SVG)."""
    total, left, parts = sum(counts.values()), 0.0, []
    for status in Status:
        width = round(100 * counts.get(status, 0) / total, 2) if total else 0
        parts.append((status, status.label, counts.get(status, 0), round(left, 2), width))
        left += width
    return parts


def get_article(pk):
    articles = Article.objects.select_related("outlet").annotate(assignee_names=assignee_names("article"))
    return get_object_or_404(articles, pk=pk)


def checked_article(pk):
    """A story with what its check page shows of it: its outlet, who published it, and its review at the desk."""
    return get_object_or_404(Article.objects.select_related("outlet", "published_by").with_desk_review(), pk=pk)


@require_safe
@permission_required("factcheck.view_claim", "factcheck.view_article")
def article_check(request, pk):
    article = checked_article(pk)
    return check_page(request, article)


def check_page(request, article, *, form=None, error=None, refused_flags=(), status=200):
    """The pre-publication check of a story (factcheck.prepublication), its sign-offs, and what this person may do.

    An `error` is shown at the top and again where it arose: beside the flags `refused_flags`
    names (publishing refused over flags the sign-off did not see), else beside the sign-off.
    """
    report = prepublication.check_article(article)
    sign_offs = list(article.sign_offs.select_related("by").order_by("-at", "-id"))
    flags = [flag.to_record() for flag in report.flags]
    latest = sign_offs[0] if sign_offs else None
    signed_as_is = latest is not None and latest.body_digest == article.body_digest
    unseen = latest.unseen(flags) if signed_as_is and article.is_draft else []

    def flagged(records):
        keys = {SignOff.flag_key(record) for record in records}
        return [flag for flag, record in zip(report.flags, flags, strict=True) if SignOff.flag_key(record) in keys]

    faulty_flags, new_flags = flagged(refused_flags), flagged(unseen)
    context = {
        "article": article,
        "report": report,
        "sign_offs": sign_offs,
        "signed_as_is": signed_as_is,
        # The latest sign-off covers the story as it stands: no form then, it is ready to publish.
        "standing": latest if latest is not None and latest.stands_for(article, flags) else None,
        # Else, if it saw this text: the flags it did not see, which ask for another sign-off, marked where they are.
        "new_flags": new_flags,
        "form": (form or SignOffForm(initial={"body_digest": article.body_digest})).ask_for_note(
            SignOff.needs_note(flags)
        ),
        "error": error,
        "faulty_flags": faulty_flags,
        "error_at": f"check-{faulty_flags[0].item}" if faulty_flags else "sign-off-heading",
        "may_sign_off": article.is_draft and request.user.has_perm("factcheck.sign_off_story"),
    }
    return render_page(request, "factcheck/article_check.html", context, status=status)


@require_POST
@permission_required("factcheck.view_claim", "factcheck.view_article", "factcheck.sign_off_story")
def article_sign_off(request, pk):
    article = checked_article(pk)
    form = SignOffForm(request.POST)
    if not form.is_valid():
        return check_page(request, article, form=form, error="The sign-off form was incomplete: try again.", status=400)
    if form.cleaned_data["body_digest"] != article.body_digest:
        error = "The story's text changed since this check was drawn: read the check again, then sign off."
        return check_page(
            request, article, form=SignOffForm(initial={"body_digest": article.body_digest}), error=error, status=409
        )
    flags = [flag.to_record() for flag in prepublication.check_article(article).flags]
    try:
        SignOff.record(article, by=request.user, flags=flags, note=form.cleaned_data["note"])
    except SignOffRefused as refused:
        if refused.field:
            form.add_error(refused.field, refused.message)
        status = 409 if refused.already_signed_off else 422
        return check_page(request, article, form=form, error=refused.message, status=status)
    open_flags = f" with {len(flags)} flag{pluralize(len(flags))} open" if flags else ""
    messages.success(request, f"Signed off{open_flags}. An editor can now publish it.")
    return redirect("article_check", pk=article.pk)


@require_POST
@permission_required("factcheck.view_claim", "factcheck.view_article", "factcheck.sign_off_story")
def article_publish(request, pk):
    article = checked_article(pk)
    flags = [flag.to_record() for flag in prepublication.check_article(article).flags]
    try:
        article.publish(by=request.user, flags=flags)
    except SignOffRefused as refused:
        return check_page(request, article, error=refused.message, refused_flags=refused.flags, status=409)
    messages.success(request, "Published. The story keeps its sign-off.")
    return redirect("article_check", pk=article.pk)


@require_safe
@permission_required("factcheck.view_claim", "factcheck.view_article")
def article_detail(request, pk):
    return article_page(request, get_article(pk))


def article_page(request, article, *, fragment=None, status=200, assign_form=None, done=None):
    if fragment:
        context = {"article": article, "assignees": assignees_of(article), "assign_form": assign_form or AssignForm()}
        return render_page(
            request, "factcheck/article_detail.html", {**context, "done": done}, fragment=fragment, status=status
        )
    claims = list(article.claims.select_related("speaker").order_by("id"))
    story, missing, overlapping = highlight_claims(article.body, claims)
    context = {
        "article": article,
        "claims": claims,
        "story": story,
        "missing": missing,
        "overlapping": overlapping,
        "statuses": list(Status),
        "revisions": article.revisions.select_related("by").order_by("-at", "-id"),
        # Every correction case of the story (a handful at most), the open one first.
        "corrections": article.correction_cases.select_related("claim", "event__by", "decided_by")
        .with_later_turns()
        .order_by(F("decided_at").desc(nulls_first=True), "-id"),
        "assignees": assignees_of(article),
        "assign_form": assign_form or AssignForm(),
        "done": done,
    }
    return render_page(request, "factcheck/article_detail.html", context, status=status)


@require_POST
@permission_required("factcheck.view_claim", "factcheck.view_article", "factcheck.assign_work")
def article_assign(request, pk):
    """Assign a person to the story, or take them off it (editors: factcheck.assign_work)."""
    article = get_object_or_404(Article, pk=pk)
    form = AssignForm(request.POST)
    if not form.is_valid():
        fragment = "assignees" if wants_fragment(request) else None
        return article_page(request, get_article(pk), fragment=fragment, status=422, assign_form=form)
    done = assign_from(form, article, request.user)
    if not request.htmx:
        messages.success(request, done)
        return redirect(article)
    return article_page(request, get_article(pk), fragment="assignees", done=done)


@require_safe
@permission_required("factcheck.view_claim")
def my_work(request):
    """What is assigned to the signed-in person, and whatever else other workflows list (factcheck.work)."""
    form = PageForm(request.GET)
    form.is_valid()
    limit = form.cleaned_data.get("limit") or work.SECTION_SIZE
    sections = [section(request.user, limit) for section in work.SECTIONS]
    context = {"sections": [section for section in sections if section is not None], "limit": limit}
    return render_page(request, "factcheck/my_work.html", context)


@require_safe
@permission_required("factcheck.view_claim")
def notification_list(request):
    """The person's notifications, newest first; those shown unread are marked read (and stay
    marked new on this page). Older ones page on with ?before=<id>."""
    form = OlderForm(request.GET)
    form.is_valid()
    limit = form.cleaned_data.get("limit") or work.SECTION_SIZE
    mine = Notification.objects.filter(recipient=request.user).select_related("actor", "claim", "article", "note")
    notifications, older = form.older_page(mine, limit)
    unread = [item.pk for item in notifications if item.read_at is None]
    if unread and request.method == "GET":  # a HEAD (a link checker's, say) reads nothing
        Notification.objects.filter(pk__in=unread).update(read_at=timezone.now())
        request.user.unread_notifications = max(0, getattr(request.user, "unread_notifications", 0) - len(unread))
    choice = NotificationSettings.objects.filter(user=request.user).first() or NotificationSettings(user=request.user)
    context = {
        "notifications": notifications,
        "older": older,
        "limit": form.cleaned_data.get("limit"),
        "settings_form": NotificationSettingsForm(instance=choice),
    }
    return render_page(request, "factcheck/notification_list.html", context)


@require_POST
@permission_required("factcheck.view_claim")
def notification_settings(request):
    """The person's choice of notification emails: each, a daily digest, or none."""
    choice = NotificationSettings.objects.filter(user=request.user).first() or NotificationSettings(user=request.user)
    form = NotificationSettingsForm(request.POST, instance=choice)
    if not form.is_valid():
        context = {"settings_form": form, "notifications": [], "older": None, "limit": None}
        return render_page(request, "factcheck/notification_list.html", context, fragment="settings", status=422)
    form.save()
    done = f"Saved: {form.instance.get_email_display().lower()}."
    if not wants_fragment(request):
        messages.success(request, done)
        return redirect("notification_list")
    context = {"settings_form": form, "done": done}
    return render_page(request, "factcheck/notification_list.html", context, fragment="settings")


def highlight_claims(body, claims):
    """The story's text with each claim's span in a <mark>, numbered; then the claims not marked.

    Spans inside another span are nested inside its mark. A span that crosses the end of an
    earlier one cannot be nested; it is left unmarked and listed apart, as are spans that are
    no longer found in the text. A claim recorded without its words (an import's) is listed
    unmarked: no words of it were lost. Each claim gets `number`, its place in the story's list.
    """
    located, missing = [], []
    for number, claim in enumerate(claims, start=1):
        claim.number = number
        if not claim.span_exact:
            continue
        found = locate_span(body, claim.span_exact, claim.span_prefix, claim.span_suffix)
        if found is None:
            missing.append(claim)
        else:
            located.append((found[0], found[1], claim))
    located.sort(key=lambda item: (item[0], -item[1], item[2].number))

    roots, open_marks, overlapping = [], [], []
    for start, end, claim in located:
        while open_marks and open_marks[-1]["end"] <= start:
            open_marks.pop()
        if open_marks and end > open_marks[-1]["end"]:
            overlapping.append(claim)
            continue
        mark = {"start": start, "end": end, "claim": claim, "inside": []}
        (open_marks[-1]["inside"] if open_marks else roots).append(mark)
        open_marks.append(mark)

    def render_text(marks, start, end):
        parts, position = [], start
        for mark in marks:
            parts.append(escape(body[position : mark["start"]]))
            claim = mark["claim"]
            parts.append(
                format_html(
                    '<mark class="span status-{}" id="span-{}">{}'
                    '<a class="ref" href="#claim-{}" title="{}" aria-label="Claim {}: {}">{}</a></mark>',
                    claim.status,
                    claim.pk,
                    render_text(mark["inside"], mark["start"], mark["end"]),
                    claim.pk,
                    claim.status_label,
                    claim.number,
                    claim.status_label,
                    claim.number,
                )
            )
            position = mark["end"]
        parts.append(escape(body[position:end]))
        return mark_safe("".join(parts))  # noqa: S308 every part above is escaped or built by format_html

    return render_text(roots, 0, len(body)), missing, overlapping


# The story desk (factcheck/storydesk.py): every view needs models.STORY_DESK (Reviewers and Editors).
# Outlets offered by name for a story, and speakers suggested as one types: capped lists, since
# typing any other name still works.
OUTLET_NAMES = 1000
SPEAKER_SUGGESTIONS = 12


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required(*STORY_DESK)
@takes_files(*STORY_DESK)
def story_new(request):
    """Add a story, pasted or uploaded: a new one becomes a draft with its claims proposed, a known one does not."""
    # Bound on every POST, an empty one too: it is refused with the form's errors.
    posted = request.method == "POST"
    form = StoryForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        initial={"new_outlet_kind": OutletKind.NEWS},
    )
    if posted and form.is_valid():
        data = form.cleaned_data
        found = storydesk.already_in(data["url"], data["body"])
        if found.article:
            messages.info(request, f"This story is already tracked (same {found.by}): nothing was added.")
            return redirect(found.article)
        if found.draft:
            messages.info(request, f"This story is already in review (same {found.by}): nothing was added.")
            return redirect(found.draft)
        form.near_copy = None if data["another_story"] else storydesk.near_copy(data["tracked_outlet"], data["body"])
        if form.near_copy:
            where = data["tracked_outlet"].name
            form.add_error("body", f"This story reads like “{form.near_copy.headline}”, tracked from {where}.")
        else:
            draft, warning = storydesk.start_draft(
                by=request.user,
                headline=data["headline"],
                outlet=data["tracked_outlet"],
                new_outlet=data["outlet"],
                new_outlet_kind=data["new_outlet_kind"],
                url=data["url"],
                published=data["published"],
                body=data["body"],
                as_draft=data["as_draft"],
            )
            if warning:
                messages.warning(request, warning)
            return redirect(draft)
    context = {"form": form, "outlets": Outlet.objects.order_by("name").values_list("name", flat=True)[:OUTLET_NAMES]}
    return render_page(request, "factcheck/story_new.html", context, status=422 if form.is_bound else 200)


# Stories in review a page shows; older ones follow with ?before=<id>.
DRAFTS_PAGE = 50


@require_safe
@permission_required(*STORY_DESK)
def story_drafts(request):
    """The stories pasted into the desk and not saved yet, newest first (?by=me: mine only): a
    review left half-done is found again here. The drafts are one query, whatever their number
    (storydraft_in_review_idx); a draft's text and proposals are not read."""
    drafts = StoryDraft.objects.in_review()
    mine = request.GET.get("by") == "me"
    if mine:
        drafts = drafts.filter(created_by=request.user)
    form = OlderForm(request.GET)
    form.is_valid()
    drafts, older = form.older_page(drafts, DRAFTS_PAGE)
    context = {"drafts": drafts, "mine": mine, "older": older}
    return render_page(request, "factcheck/story_drafts.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required(*STORY_DESK)
def story_review(request, pk):
    """The review screen: the story with every proposal marked, and the proposals to accept, correct or reject.

    Every POST first keeps what the form holds, then does what its button says: keep, accept
    all, add the selected or pasted words as a claim, or save the story.
    """
    draft = get_object_or_404(StoryDraft.objects.select_related("outlet", "article__outlet"), pk=pk)
    if draft.article_id:
        messages.info(request, "This story was saved already: nothing was added twice.")
        return desk_redirect(request, draft.article)
    if request.method != "POST":  # GET, or HEAD (the same page without its body)
        known = Tracked.of(draft.proposals, draft.outlet_name)
        # Claims tracked since the last look are compared now, for this page only: a GET writes nothing.
        storydesk.seek_look_alikes(draft.proposals, known)
        return review_page(request, draft, known)
    records = draft.proposals
    stale = request.POST.get("revision") != str(draft.revision)
    storydesk.apply_edits(records, request.POST)
    known = Tracked.of(records, draft.outlet_name)
    if stale:
        return stale_review(request, draft)
    swapped = storydesk.use_tracked(records, request.POST, known)
    action = request.POST.get("action", "keep")
    if action == "enter":  # Enter in a text box; in the words' box with JavaScript, site.js posts "add"
        action = "add" if request.POST.get("add-words", "").strip() and not request.htmx else "keep"
    done, error = None, None
    if action == "accept_all":
        count = storydesk.accept_all(records)
        if count:
            done = f"Accepted {count} proposal{pluralize(count)}."
        elif records:
            done = "Every proposal was decided already."
        else:
            done = "There is no proposal to accept: add the claims the desk missed, then save."
    elif action == "add":
        added, error = add_missed_claim(draft, request.POST)
        done = added and f"Added proposal {added['key']}: check its speaker and venue."
    elif action != "save":
        done = " ".join(swapped) or "Changes kept."
    storydesk.seek_look_alikes(records, known)
    # Written only if nobody posted since this form was drawn (two posts at once: one wins).
    posted = draft.revision
    draft.revision += 1
    if not StoryDraft.objects.filter(pk=draft.pk, revision=posted).update(proposals=records, revision=draft.revision):
        draft.revision = posted
        return stale_review(request, draft)
    if action == "save":
        return save_draft(request, draft, known)
    if not wants_fragment(request) and error is None:
        messages.success(request, done)
        return redirect(draft)
    return review_page(
        request,
        draft,
        known,
        done=done,
        add_error=error,
        unadded=request.POST if error else None,
        status=422 if error else 200,
    )


def stale_review(request, draft):
    """409: the draft changed since this form was drawn; the person's input is shown over it as it is now, unsaved."""
    current = StoryDraft.objects.only("revision", "proposals").get(pk=draft.pk)
    draft.revision, draft.proposals = current.revision, current.proposals
    # The form now loads what is saved: posting it again counts as changes only what differs from that.
    loaded = {record["key"]: storydesk.loaded_json(record["fields"]) for record in draft.proposals}
    clashes = storydesk.merge_edits(draft.proposals, request.POST)
    known = Tracked.of(draft.proposals, draft.outlet_name)
    problems = [
        "Someone else changed this story’s proposals since you opened it: nothing was kept. "
        "Your changes are shown below over theirs; check them and post again to keep them."
    ]
    both = {}
    for key, name, _ in clashes:
        both.setdefault(key, []).append(PROPOSAL_FIELDS[name]["label"].lower())
    if both:
        where = "; ".join(f"proposal {key} ({', '.join(names)})" for key, names in both.items())
        problems.append(f"You both changed {where}: yours is shown, theirs is under the field.")
    return review_page(
        request, draft, known, problems=problems, status=409, loaded=loaded, clashes=clashes, unadded=request.POST
    )


def add_missed_claim(draft, data):
    """The proposal added for the words selected (start and end offsets) or pasted; or (None, the error)."""
    words = data.get("add-words", "")
    try:
        start, end = int(data.get("add-start", "")), int(data.get("add-end", ""))
    except ValueError:
        start = end = None
    found = storydesk.find_words(draft.body, words, start, end)
    if not words.strip() and start is None:
        return None, "Select the claim’s words in the story, or paste them here."
    if found is None:
        return None, f"These words are not in the story: “{words.strip()[:200]}”."
    try:
        return storydesk.add_missed_claim(draft.proposals, draft.body, *found, outlet=draft.outlet_name), None
    except storydesk.AlreadyProposed as proposed:
        return None, str(proposed)


def save_draft(request, draft, known):
    """Save the story when every proposal is decided and every accepted one is complete; else show what is missing."""
    forms_by_key = review_forms(draft, storydesk.look_alikes(draft.proposals), known)
    undecided = [record["key"] for record in draft.proposals if record["fields"]["decision"] not in storydesk.DECIDED]
    invalid = [key for key, form in forms_by_key.items() if not form.is_valid()]
    if undecided or invalid:
        problems = []
        if undecided:
            problems.append(f"Accept or reject proposal{pluralize(undecided)} {numbers(undecided)}.")
        if invalid:
            problems.append(f"Complete or correct proposal{pluralize(invalid)} {numbers(invalid)}.")
        return review_page(request, draft, known, forms_by_key=forms_by_key, problems=problems, status=422)
    accepted = [(form.record, form.cleaned_data) for form in forms_by_key.values() if form.accepted]
    try:
        saved = storydesk.save_story(draft, accepted, by=request.user)
    except LookalikeName as lookalike:
        # Tracked since this page was drawn: shown now, to be picked or confirmed as someone else.
        known = Tracked.of(draft.proposals, draft.outlet_name)
        problems = [f"{lookalike}. Nothing was saved: use the tracked one, or tick that it is another."]
        return review_page(request, draft, known, problems=problems, status=409)
    if saved.created:
        messages.success(
            request,
            f"Story saved with {saved.claims} claim{pluralize(saved.claims)}"
            f" ({saved.new_speakers} new speaker{pluralize(saved.new_speakers)},"
            f" {saved.new_outlets} new outlet{pluralize(saved.new_outlets)}).",
        )
    elif saved.why_not == "saved before":
        messages.info(request, "This story was saved already: nothing was added twice.")
    else:
        messages.info(request, f"This story is already tracked ({saved.why_not}): nothing was added.")
    if saved.article.is_draft:
        return desk_redirect(request, reverse("article_check", args=[saved.article.pk]))
    return desk_redirect(request, saved.article)


def desk_redirect(request, to):
    """To another page: a full navigation for htmx (the review form would be the wrong target), else a redirect."""
    if request.htmx and not request.htmx.boosted:
        return HttpResponseClientRedirect(to if isinstance(to, str) else to.get_absolute_url())
    return redirect(to)


def numbers(keys):
    return ", ".join(map(str, keys))


def review_forms(draft, look_alikes, known):
    """{key: ProposalForm} bound to what each proposal holds, to check them before saving."""
    keys = [record["key"] for record in draft.proposals]
    data = storydesk.form_data(draft.proposals)
    return {
        record["key"]: ProposalForm(
            data,
            record=record,
            keys=keys,
            look_alikes=[claim for claim, _ in look_alikes.get(record["key"], [])],
            twins=name_twins(record["fields"], known),
        )
        for record in draft.proposals
    }


def name_twins(values, known):
    """[(field, name, the tracked speaker or outlet it looks like)] for the look-alike names a proposal holds."""
    twins = [("speaker", values["speaker"], known.speaker_twin(values["speaker"], values["speaker_kind"]))]
    relays = storydesk.parse_relays(values["relayed_by"])
    outlets = [("outlet", values["outlet"]), *(("relayed_by", name) for name in relays)]
    twins += [(field, name, known.outlet_twin(name)) for field, name in outlets]
    return [(field, name, twin) for field, name, twin in twins if twin is not None]


def proposal_fields(record, errors, theirs=None):
    """Each field of a proposal as the page writes it out: name, id, label, value, options and errors.

    `theirs` holds, by field, what someone else saved there while this person changed it too.
    """
    prefix = f"p{record['key']}-"
    theirs = theirs or {}
    shown = {}
    for name, spec in PROPOSAL_FIELDS.items():
        value = record["fields"].get(name, "")
        clash = (
            [f"Someone else saved “{their_words(name, theirs[name])}” here meanwhile; yours is shown."]
            if name in theirs
            else []
        )
        shown[name] = field = {
            **spec,
            "name": prefix + name,
            "id": f"id_{prefix}{name}",
            "value": value,
            "errors": [*errors.get(name, ()), *clash],
            "options": None,
        }
        if spec["choices"] is not None and name != "tracked":
            field["options"] = [(choice, label, choice == value) for choice, label in spec["choices"]]
    return shown


def their_words(name, value):
    """A field's value as a person reads it: the label of a choice, names joined, "nothing" for none."""
    choices = dict(PROPOSAL_FIELDS[name]["choices"] or ())
    if isinstance(value, list):
        value = ", ".join(map(str, value))
    return str(choices.get(value, value)) if value else "nothing"


def review_page(
    request,
    draft,
    known,
    *,
    forms_by_key=None,
    done=None,
    problems=(),
    add_error=None,
    status=200,
    loaded=None,
    clashes=(),
    unadded=None,
):
    """The review screen (or its #desk part for htmx), in a fixed number of queries however many proposals.

    The fields are written out from the proposals' records; forms exist only when saving found
    mistakes, to show them. Each proposal's form loads its fields as shown, or as `loaded` says
    (after a refused post: as saved, with the person's changes shown over them); `clashes` lists
    the fields both people changed, (key, name, the value saved). `unadded` is the post whose words
    for a missed claim were not added (refused, or not found): its box shows them again.
    """
    alike = storydesk.look_alikes(draft.proposals)
    forms_by_key = forms_by_key or {}
    loaded = loaded or {}
    theirs = {}
    for key, name, value in clashes:
        theirs.setdefault(key, {})[name] = value
    linked_from = {}
    for record in draft.proposals:
        for name in ("same_as", "contradicts"):
            try:
                others = storydesk.parse_numbers(record["fields"][name])
            except ValueError:
                continue
            for other in others:
                linked_from.setdefault(other, []).append((name, record["key"]))
    proposals = []
    for record in draft.proposals:
        key, values = record["key"], record["fields"]
        form = forms_by_key.get(key)
        errors = form.errors if form is not None else {}
        proposals.append(
            {
                "key": key,
                "record": record,
                "fields": proposal_fields(record, errors, theirs.get(key)),
                "loaded": loaded.get(key) or storydesk.loaded_json(values),
                "invalid": bool(errors) or key in theirs,
                "parts": [
                    (role, [draft.body[start:end] for start, end in record[role]])
                    for role in storydesk.ROLES
                    if record[role]
                ],
                "speaker": known.speaker(values["speaker"], values["speaker_kind"]),
                "twins": [
                    {
                        "field": field,
                        "what": "speaker" if field == "speaker" else "outlet",
                        "name": name,
                        "twin": twin,
                        "difference": lookalike_difference(name, twin.name),
                        "confirmed": storydesk.is_confirmed(values, name),
                        "use": "speaker" if field == "speaker" else f"outlet:{name}",
                    }
                    for field, name, twin in name_twins(values, known)
                ],
                "new_outlets": [
                    name
                    for name in [values["outlet"], *storydesk.parse_relays(values["relayed_by"])]
                    if name and known.outlet(name) is None
                ],
                "chain": (
                    chain := storydesk.relay_chain(
                        {**values, "relayed_by": storydesk.parse_relays(values["relayed_by"])}, draft.outlet_name
                    )
                ),
                # Neither where it was said nor who passed it on: saved with no appearance (_write_chain).
                "unrecorded": not values["venue"] and len(chain) < 2,
                "venue_label": (label := VENUE_LABELS.get(values["venue"], "Said where the story does not say")),
                "made_on": models.venue_on(values["venue"], label, bool(values["outlet"])),
                "kind_label": KIND_LABELS.get(values["kind"], values["kind"]),
                "figure": figure(values),
                "look_alikes": [
                    (claim, str(claim.pk) in map(str, values["tracked"]), storydesk.percent_alike(similarity))
                    for claim, similarity in alike.get(key, [])
                ],
                "linked_from": linked_from.get(key, []),
            }
        )
        proposals[-1]["attention"] = needs_attention(proposals[-1])
        proposals[-1]["digest"] = rendered_from(proposals[-1], draft.outlet_name)
    decisions = [record["fields"]["decision"] for record in draft.proposals]
    context = {
        "draft": draft,
        "proposals": proposals,
        "segments": storydesk.story_segments(draft.body, draft.proposals),
        "speaker_names": sorted({record["fields"]["speaker"] for record in draft.proposals} - {""}),
        "speakers_url": reverse("story_speakers"),
        "counts": {
            "all": len(decisions),
            "accepted": decisions.count("accept"),
            "rejected": decisions.count("reject"),
            "undecided": len(decisions) - decisions.count("accept") - decisions.count("reject"),
        },
        "done": done,
        "problems": problems,
        "add_error": add_error,
        "unadded": {name: unadded.get(f"add-{name}", "") for name in ("words", "start", "end")} if unadded else {},
        # After a refused post (`loaded`: someone else kept changes first) the form shows this
        # person's edits, none of them kept: leaving the page asks first (site.js).
        "unsaved": bool(loaded),
    }
    return render_page(request, "factcheck/story_review.html", context, fragment="desk", status=status)


def needs_attention(proposal):
    """What the reviewer has to settle on a proposal, as its line says: its fields open for these.

    Each is a field the engine left empty or filled with what saving refuses, a look-alike speaker
    or outlet, words added by hand, or a mistake found on saving. The engine gives no confidence
    score, so these are all the screen can go by. The tracked claims that look like it are shown
    below its line, open or closed: ticking one is settled there.
    """
    values, record = proposal["record"]["fields"], proposal["record"]
    reasons = []
    if proposal["invalid"]:
        reasons.append("See the fields marked")  # a mistake found on saving, or a field both people changed
    if record["by_hand"]:
        reasons.append("Added by hand: check its speaker and venue")
    if not values["claim"].strip():
        reasons.append("No claim written")
    elif record.get("answers") and values["claim"] == record.get("answer"):
        reasons.append(f"An answer to whether {record['answers']}: write what it claims")
    if not values["speaker"].strip():
        reasons.append("No speaker")
    elif names_nobody(values["speaker"]):
        reasons.append(f"“{values['speaker']}” names nobody")
    reasons += [f"“{twin['name']}” looks like a tracked {twin['what']}" for twin in proposal["twins"]]
    if values["outlet"] and not values["venue"]:
        reasons.append(f"How was it said on or to {values['outlet']}?")
    elif proposal["unrecorded"]:
        reasons.append("The story says neither where it was said nor who passed it on")
    return reasons


def rendered_from(proposal, outlet_name):
    """A digest of all a proposal's block shows, so the page renders a proposal again only when it
    changed: a story of 72 proposals costs about 1 ms of template work each (benchmarks/README.md)."""
    shown = json.dumps([proposal, outlet_name], sort_keys=True, default=_shown_fields)
    return hashlib.blake2b(shown.encode(), digest_size=16).hexdigest()


def _shown_fields(value):
    """What the review screen shows of a tracked speaker, outlet or claim."""
    fields = ("pk", "name", "title", "text", "status")
    return [value._meta.label, *(str(getattr(value, field, "")) for field in fields)]


VENUE_LABELS = dict(Venue.choices)
KIND_LABELS = dict(Claim.Kind.choices)
QUALIFIER_LABELS = dict(Claim.Qualifier.choices)


def figure(fields):
    """ "up to 8000 North Korean troops": a proposal's figure as its fields hold it."""
    if not fields["quantity_value"]:
        return ""
    qualifier = QUALIFIER_LABELS.get(fields["quantity_qualifier"], "") if fields["quantity_qualifier"] else ""
    # As a claim shows it once saved ("14,000,000"); a figure that is no number yet stays as typed.
    value, _ = read_figure(fields["quantity_value"])
    number = fields["quantity_value"] if value is None else figure_shown(value)
    return " ".join(filter(None, [qualifier.lower(), number, fields["quantity_unit"]]))


@require_safe
@permission_required(*STORY_DESK)
def story_speakers(request):
    """Tracked speakers whose name contains what was typed, as <option>s for the review screen's speaker list."""
    # The speaker box sends its own name (p3-speaker); ?q= works too.
    typed = request.GET.get("q") or next((value for name, value in request.GET.items() if name.endswith("speaker")), "")
    key = normalize_name(typed)
    speakers = Speaker.objects.filter(normalized_name__contains=key).order_by("name") if key else Speaker.objects.none()
    speakers = list(speakers[:SPEAKER_SUGGESTIONS])
    # First the speaker saving would record for this name (as `for_name` finds one: by an alias,
    # "Zelensky"), or the tracked one it imitates (Cyrillic е for Latin e), as a name typed never shows.
    meant = key and (Speaker.objects.aliased(typed) or Speaker.objects.lookalikes(typed).first())
    if meant:
        speakers = [meant, *[speaker for speaker in speakers if speaker.pk != meant.pk]][:SPEAKER_SUGGESTIONS]
    response = render(request, "factcheck/story_review.html#speaker-options", {"speakers": speakers, "typed": typed})
    patch_vary_headers(response, ["HX-Request"])
    return response
