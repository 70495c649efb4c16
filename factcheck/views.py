"""The reviewer workspace: the claim queue, the claim, speaker, outlet and article pages, and
the evidence, note and status actions on a claim.

Every view checks its permissions on every request, htmx partials included. An htmx request
(not boosted, not a history restore) gets a named partial of the page's template; everything
else gets the whole page, so each URL also works without JavaScript.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from factcheck import models
from factcheck.forms import ANY_STATUS, ClaimFilterForm, EvidenceForm, NoteForm, PageForm, StatusForm
from factcheck.models import (
    Appearance,
    Article,
    Claim,
    ClaimLink,
    ClaimRevision,
    Evidence,
    Note,
    Outlet,
    Speaker,
    VerificationEvent,
    locate_span,
)
from factcheck.verification import TRANSITIONS, StaleVersion, Status, TransitionRefused

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
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return checked

    return decorator


def wants_fragment(request):
    return bool(request.htmx) and not request.htmx.boosted and not request.htmx.history_restore_request


def render_page(request, template_name, context, *, fragment=None, status=200):
    """The page, or only `fragment` ("rows" or "other.html#rows") for an htmx request that asked for a part."""
    if fragment and wants_fragment(request):
        template_name = fragment if "#" in fragment else f"{template_name}#{fragment}"
    response = render(request, template_name, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
@permission_required("factcheck.view_claim")
def home(request):
    return redirect("claim_list")


@require_GET
@permission_required("factcheck.view_claim")
def claim_list(request):
    form = ClaimFilterForm(request.GET)
    form.is_valid()
    claims, next_page = form.page(form.claims().for_queue())
    context = {
        "form": form,
        "claims": claims,
        "next_page": next_page,
        "counts": status_counts(form.claims(with_status=False)),
        "current_status": form.chosen_status(),
        "status_label": "Any status" if form.chosen_status() == ANY_STATUS else Status(form.chosen_status()).label,
        "any_status": ANY_STATUS,
    }
    return render_page(
        request, "factcheck/claim_list.html", context, fragment="rows" if form.cleaned_data.get("after") else "results"
    )


@require_GET
@permission_required("factcheck.view_claim")
def claim_counts(request):
    """The counts per status for the queue's filters, refreshed whenever claims change."""
    form = ClaimFilterForm(request.GET)
    form.is_valid()
    current = form.chosen_status() if "status" in request.GET else None
    if not wants_fragment(request):
        return redirect(f"{reverse('claim_list')}?{request.GET.urlencode()}")
    context = {"counts": status_counts(form.claims(with_status=False)), "current_status": current}
    return render_page(request, "factcheck/claim_list.html", context, fragment="counts")


def status_counts(claims):
    """The counts per status and in all, as shown: past the cap a count reads "1000+"."""
    shown, total = capped(dict(claims.status_counts()))
    return {"by_status": [(status, status.label, shown[status]) for status in Status], "total": total}


def capped(counts):
    """({status: count as shown}, total as shown) for counts that stop at the cap plus one."""
    cap = models.STATUS_COUNT_CAP
    total = sum(min(count, cap) for count in counts.values())
    over = any(count > cap for count in counts.values())
    shown = {status: f"{cap}+" if count > cap else count for status, count in counts.items()}
    return shown, f"{total}+" if over else total


def get_claim(pk):
    """The claim and everything its page shows, in a fixed number of queries."""
    claims = Claim.objects.select_related("speaker", "article__outlet", "status_changed_by").prefetch_related(
        Prefetch("appearances", Appearance.objects.select_related("outlet")),
        Prefetch("evidence", Evidence.objects.select_related("added_by")),
        Prefetch(
            "events",
            VerificationEvent.objects.select_related("by").prefetch_related("evidence").order_by("-at", "-id"),
        ),
        Prefetch("revisions", ClaimRevision.objects.named().select_related("by")),
        Prefetch("notes", Note.objects.select_related("author")),
        Prefetch("links_from", ClaimLink.objects.select_related("to_claim__speaker")),
        Prefetch("links_to", ClaimLink.objects.select_related("from_claim__speaker")),
    )
    return get_object_or_404(claims, pk=pk)


@require_GET
@permission_required("factcheck.view_claim")
def claim_detail(request, pk):
    return claim_page(request, get_claim(pk))


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
    done=None,
):
    linked = claim.linked_claims()
    offered = decisions(claim, status_form)
    status_errors = [status_error] if status_error else []
    if status_form is not None and not any(decision["open"] for decision in offered):
        # A change no button offers (a forged or outdated post): its errors go above the buttons.
        status_errors += errors_of(status_form)
    context = {
        "claim": claim,
        "timeline": claim.timeline(),
        "chains": claim.attribution_chains(),
        "sentence": story_sentence(claim),
        "same_claims": [(label, other) for kind, label, other in linked if kind == "same_claim"],
        "conflicts": [other for kind, _, other in linked if kind == "contradicts"],
        "updates": [(label, other) for kind, label, other in linked if kind == "updates"],
        "evidence_form": evidence_form or EvidenceForm(),
        "note_form": note_form or NoteForm(),
        "decisions": offered,
        "status_errors": status_errors,
        "done": done,
        # Only the whole page shows the queue's counts: counted once, and only when shown.
        "counts": SimpleLazyObject(lambda: status_counts(Claim.objects.all())),
        "current_status": None,
    }
    return render_page(request, "factcheck/claim_detail.html", context, fragment=fragment, status=status)


DECISION_BUTTONS = {
    Status.VERIFIED: "Mark verified",
    Status.DISPUTED: "Mark disputed",
    Status.FALSE: "Mark false",
    Status.UNCONFIRMED: "Back to unable to confirm",
}
# The evidence a decision cites unless the editor unticks it.
CITED_BY_DEFAULT = {
    Status.VERIFIED: {Evidence.Stance.SUPPORTS},
    Status.DISPUTED: {Evidence.Stance.REFUTES},
    Status.FALSE: {Evidence.Stance.REFUTES},
    Status.UNCONFIRMED: set(),
}


def decisions(claim, form=None):
    """The status changes the editor may make now, each with what its inline form shows."""
    current = Status(claim.status) if claim.version else None
    posted = form.data.get("status") if form is not None else None
    items = []
    for status in sorted(TRANSITIONS[current], key=list(Status).index):
        reopened = status == posted
        cited = (
            {str(pk) for pk in form.data.getlist("evidence")}
            if reopened
            else {str(item.pk) for item in claim.evidence.all() if item.stance in CITED_BY_DEFAULT[status]}
        )
        items.append(
            {
                "status": status,
                "label": status.label,
                "button": DECISION_BUTTONS[status],
                "open": reopened,
                "reason": form.data.get("reason", "") if reopened else "",
                "errors": errors_of(form) if reopened else [],
                "cited": cited,
            }
        )
    return items


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
    form = EvidenceForm(request.POST)
    return attach(request, pk, form, "added_by", form_name="evidence_form", fragment="review", done="Evidence added.")


@require_POST
@permission_required("factcheck.view_claim", "factcheck.add_note")
def claim_add_note(request, pk):
    form = NoteForm(request.POST)
    return attach(request, pk, form, "author", form_name="note_form", fragment="notes", done="Note added.")


def attach(request, pk, form, author_field, *, form_name, fragment, done):
    """Save a piece of evidence or a note on the claim, by the signed-in user; or show the form's errors."""
    claim = get_object_or_404(Claim, pk=pk)
    if not form.is_valid():
        return claim_page(request, get_claim(pk), fragment=fragment, status=422, **{form_name: form})
    form.instance.claim = claim
    setattr(form.instance, author_field, request.user)
    form.save()
    return action_done(request, pk, done, fragment=fragment)


@require_POST
@permission_required("factcheck.view_claim", "factcheck.change_claim_status")
def claim_change_status(request, pk):
    claim = get_claim(pk)
    form = StatusForm(request.POST, claim=claim)
    if not form.is_valid():
        return claim_page(request, claim, status_form=form, fragment="review", status=400)
    try:
        claim.set_status(
            form.cleaned_data["status"],
            by=request.user,
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
            evidence=form.cleaned_data["evidence"],
        )
    except TransitionRefused as refused:
        form.add_error(None, refused.message)
        return claim_page(request, claim, status_form=form, fragment="review", status=422)
    except StaleVersion as stale:
        # Show the claim as it is now, with the reason why nothing was written.
        return claim_page(request, get_claim(pk), status_error=str(stale), fragment="review", status=409)
    return action_done(request, pk, f"Marked “{claim.status_label}”.", fragment="review")


def action_done(request, pk, message, *, fragment):
    """After a change: the updated panel and a claims-changed event for htmx, else redirect (PRG)."""
    if not request.htmx:
        messages.success(request, message)
        return redirect("claim_detail", pk=pk)
    response = claim_page(request, get_claim(pk), fragment=fragment, done=message)
    return trigger_client_event(response, CLAIMS_CHANGED)


@require_GET
@permission_required("factcheck.view_claim", "factcheck.view_speaker")
def speaker_detail(request, pk):
    speaker = get_object_or_404(Speaker, pk=pk)
    form = PageForm(request.GET)
    form.is_valid()
    claims, next_page = form.page(speaker.claims.for_queue())
    context = {
        "speaker": speaker,
        "form": form,
        "claims": claims,
        "next_page": next_page,
        "counts": status_counts(speaker.claims.all()),
    }
    fragment = ROWS if form.cleaned_data.get("after") else None
    return render_page(request, "factcheck/speaker_detail.html", context, fragment=fragment)


@require_GET
@permission_required("factcheck.view_claim", "factcheck.view_outlet")
def outlet_detail(request, pk):
    outlet = get_object_or_404(Outlet, pk=pk)
    form = PageForm(request.GET)
    form.is_valid()
    claims, next_page = form.page(Claim.objects.involving_outlet(outlet).for_queue())
    context = {
        "outlet": outlet,
        "form": form,
        "claims": claims,
        "next_page": next_page,
        "record": outlet_record(outlet),
    }
    fragment = ROWS if form.cleaned_data.get("after") else None
    return render_page(request, "factcheck/outlet_detail.html", context, fragment=fragment)


def outlet_record(outlet):
    """How the claims an outlet published, carried first or relayed have fared: capped counts per status."""
    appearances = Appearance.objects.filter(outlet=outlet)
    roles = {
        "published": Claim.objects.filter(article__outlet=outlet),
        "made": Claim.objects.filter(pk__in=appearances.filter(relayed_from__isnull=True).values("claim_id")),
        "relayed": Claim.objects.filter(pk__in=appearances.filter(relayed_from__isnull=False).values("claim_id")),
        "total": Claim.objects.involving_outlet(outlet),
    }
    shown = {role: capped(dict(claims.status_counts())) for role, claims in roles.items()}
    by_status = [(status, status.label, {role: shown[role][0][status] for role in roles}) for status in Status]
    return {"by_status": by_status, "totals": {role: shown[role][1] for role in roles}}


@require_GET
@permission_required("factcheck.view_claim", "factcheck.view_article")
def article_detail(request, pk):
    article = get_object_or_404(Article.objects.select_related("outlet"), pk=pk)
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
    }
    return render_page(request, "factcheck/article_detail.html", context)


def highlight_claims(body, claims):
    """The story's text with each claim's span in a <mark>, numbered; then the claims not marked.

    Spans inside another span are nested inside its mark. A span that crosses the end of an
    earlier one cannot be nested; it is left unmarked and listed apart, as are spans that are
    no longer found in the text. Each claim gets `number`, its place in the story's list.
    """
    located, missing = [], []
    for number, claim in enumerate(claims, start=1):
        claim.number = number
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
