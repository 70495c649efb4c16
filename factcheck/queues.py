"""The desk's queues: the stories owed a correction since a verdict turned (CorrectionCase), and the
unconfirmed claims due for a re-check; and the actions on them: an outcome recorded, a re-check date moved.

Like factcheck.views: a permission check on every request, htmx partials included; an htmx
request gets a named partial of the page's template, everything else the whole page.
"""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import trigger_client_event

from factcheck.forms import (
    DUE_CHOICES,
    CorrectionFilterForm,
    OutcomeForm,
    RecheckDateForm,
    RecheckFilterForm,
    due_claims,
)
from factcheck.models import Claim, CorrectionCase, CorrectionRefused, capped_counts, rows_to_draw
from factcheck.verification import TransitionRefused
from factcheck.views import (
    ROWS,
    capped,
    claim_page,
    errors_of,
    get_claim,
    permission_required,
    render_list,
    render_page,
    wants_fragment,
)

CORRECTIONS = "factcheck/correction_list.html"
CORRECTIONS_CHANGED = "corrections-changed"


@require_safe
@permission_required("factcheck.view_correctioncase")
def correction_list(request):
    """The Corrections queue: open cases longest waiting first; or the settled ones, latest first."""
    form = CorrectionFilterForm(request.GET)
    form.is_valid()
    cases, next_page = form.page(CorrectionCase.objects.for_queue())
    context = {"form": form, "cases": cases, "next_page": next_page, "state": form.chosen_state()}
    if not form.asks_for_more():
        context["counts"] = correction_counts()
    return render_list(request, CORRECTIONS, context, cases, more="rows", fragment="results")


@require_safe
@permission_required("factcheck.view_correctioncase")
def correction_tabs(request):
    """The queue's tabs with their counts, drawn again whenever an outcome is recorded."""
    form = CorrectionFilterForm(request.GET)
    form.is_valid()
    if not wants_fragment(request):
        return redirect(f"{reverse('correction_list')}?{request.GET.urlencode()}")
    context = {"form": form, "state": form.chosen_state(), "counts": correction_counts()}
    return render_page(request, CORRECTIONS, context, fragment="counts")


def correction_counts():
    """[(state, label, count as shown)] for the queue's tabs: capped counts, in one query."""
    cases = CorrectionCase.objects.all()
    counted = capped_counts(
        {
            "open": cases.open(),
            "published": cases.filter(outcome=CorrectionCase.Outcome.PUBLISHED),
            "not_needed": cases.filter(outcome=CorrectionCase.Outcome.NOT_NEEDED),
            "all": cases,
        }
    )
    shown, _ = capped(counted)
    return [(state, CorrectionFilterForm.STATES[state][0], shown.get(state)) for state in CorrectionFilterForm.STATES]


@require_POST
@permission_required("factcheck.view_correctioncase", "factcheck.record_correction")
def correction_record(request, pk):
    """An editor's outcome for one case: recorded (the case's row again, settled), or its form with the
    reason why not (422, or 409 when another editor settled it meanwhile)."""
    case = get_object_or_404(CorrectionCase.objects.for_queue(), pk=pk)
    form = OutcomeForm(request.POST)
    status, error = 200, None
    if not form.is_valid():
        status = 422
    else:
        data = form.cleaned_data
        try:
            case.record_outcome(
                data["outcome"],
                by=request.user,
                url=data["correction_url"],
                placement=data["correction_placement"],
                text=data["correction_text"],
                reason=data["reason"],
            )
        except CorrectionRefused as refused:
            status, error = (409 if refused.stale else 422), refused.message
            case = get_object_or_404(CorrectionCase.objects.for_queue(), pk=pk)
    done = None
    if status == 200:
        done = f"Recorded: {case.get_outcome_display().lower()} for “{case.article.headline}”."
        if not wants_fragment(request):
            messages.success(request, done)
            return redirect("correction_list")
    case.outcome_form, case.outcome_errors = form, ([error] if error else errors_of(form))
    context = {
        "form": CorrectionFilterForm({"case": case.pk}),
        "cases": [case],
        "case": case,
        "one_case": case,
        "done": done,
    }
    response = render_page(request, CORRECTIONS, context, fragment="case-row", status=status)
    return trigger_client_event(response, CORRECTIONS_CHANGED) if status == 200 else response


@require_safe
@permission_required("factcheck.view_claim")
def recheck_list(request):
    """Due for re-check: the unconfirmed claims, soonest due first (so the overdue lead)."""
    form = RecheckFilterForm(request.GET)
    form.is_valid()
    today = timezone.localdate()
    due = Claim.objects.due_for_recheck()
    claims, next_page = form.page(form.claims(due, today).for_rows())
    context = {
        "form": form,
        "claims": rows_to_draw(claims),
        "next_page": next_page,
        "recheck_days": settings.FACTCHECK_RECHECK_DAYS,
    }
    if not form.asks_for_more():
        counted = capped_counts({name: due_claims(due, name, today) for name, _ in DUE_CHOICES})
        shown, _ = capped(counted)
        context["counts"] = [(name, label, shown[name]) for name, label in DUE_CHOICES]
    return render_list(request, "factcheck/recheck_list.html", context, claims, more=ROWS, fragment="results")


@require_POST
@permission_required("factcheck.view_claim", "factcheck.schedule_recheck")
def claim_set_recheck(request, pk):
    """An editor moves an unconfirmed claim's re-check date: the claim page's re-check panel, or its error (422)."""
    claim = get_object_or_404(Claim, pk=pk)
    form = RecheckDateForm(request.POST)
    error = None
    if form.is_valid():
        try:
            claim.set_recheck_date(form.cleaned_data["recheck_on"], by=request.user)
        except TransitionRefused as refused:
            error = refused.message
    else:
        error = errors_of(form)[0]
    if error is None and not wants_fragment(request):
        messages.success(request, f"Re-check by {claim.recheck_on:%-d %b %Y}.")
        return redirect(claim)
    return claim_page(
        request,
        get_claim(pk),
        fragment="recheck",
        status=422 if error else 200,
        recheck={
            "error": error,
            "value": request.POST.get("recheck_on", ""),
            "done": None if error else f"Re-check by {claim.recheck_on:%-d %b %Y}.",
        },
    )
