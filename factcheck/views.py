# Placeholder views so the admin's "View on site" links resolve; the reviewer workspace
# (issue 3) replaces this module.
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from factcheck.models import Article, Claim, Outlet, Speaker


@require_GET
def home(request):
    return redirect("claim_list")


@login_required
@require_GET
def claim_list(request):
    return render(request, "factcheck/placeholder.html", {"object": None})


def _detail(model):
    @login_required
    @require_GET
    def view(request, pk):
        return render(
            request,
            "factcheck/placeholder.html",
            {"object": get_object_or_404(model, pk=pk)},
        )

    return view


claim_detail = _detail(Claim)
speaker_detail = _detail(Speaker)
outlet_detail = _detail(Outlet)
article_detail = _detail(Article)
