"""The public, read-only side: the ClaimReview feed of the verdicts we published, and each one's page.

Only verdicts an editor published on purpose (PublishedVerdict) appear, never a status an
import wrote: the feed lists the live ones, newest first, a page at a time (`?before=<id>`
continues after the last of the previous page; the Link header names the next page), and each
review's `url` is its page, /verdicts/<id>/, which anyone may read. Nothing here reads the
session: the responses are the same for everyone, and caches may keep them for five minutes.
"""

import base64
import hashlib
import json
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.csp import CSP
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from factcheck import exporting
from factcheck.models import Evidence, PublishedVerdict

PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
CACHE_SECONDS = 300
# What json_script escapes: the JSON-LD can then never close its <script> element or open another.
SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def public(response):
    """The same for everyone: shared caches may keep it for five minutes."""
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def site_of(request):
    return request.build_absolute_uri("/").rstrip("/")


@login_not_required  # public even if LoginRequiredMiddleware is turned on
@require_safe
def claimreview_feed(request):
    try:
        limit = min(max(int(request.GET.get("limit", PAGE_SIZE)), 1), MAX_PAGE_SIZE)
        before = int(request.GET["before"]) if request.GET.get("before") else None
    except ValueError:
        return HttpResponseBadRequest("limit and before must be whole numbers.")
    # A claim merged into another is reviewed there: its publication leaves the feed, not the web.
    publications = PublishedVerdict.objects.live().filter(claim__merged_into__isnull=True).order_by("-id")
    if before is not None:
        publications = publications.filter(id__lt=before)
    page = list(publications.for_public_page()[: limit + 1])
    site = site_of(request)
    document = exporting.feed_document([exporting.published_feed_item(item, site) for item in page[:limit]])
    response = JsonResponse(document, content_type="application/ld+json", json_dumps_params={"ensure_ascii": False})
    if len(page) > limit:
        following = urlencode({"before": page[limit - 1].pk, "limit": limit})
        response["Link"] = f'<{request.build_absolute_uri(request.path)}?{following}>; rel="next"'
    return public(response)


@login_not_required
@require_safe
def verdict_detail(request, pk):
    """A published verdict as the public reads it; 410 once withdrawn, a pointer onward once replaced."""
    cited = Prefetch("event__evidence", Evidence.objects.order_by("added_at", "id"))
    publication = get_object_or_404(PublishedVerdict.objects.for_public_page().prefetch_related(cited), pk=pk)
    context = {
        "publication": publication,
        "claim": publication.claim,
        "newsroom": settings.FACTCHECK_CLAIMREVIEW_AUTHOR,
    }
    script = None
    if publication.is_live:
        # Standing alone on the page, the ClaimReview names its vocabulary (the feed's DataFeed does, for its items).
        review = {"@context": "https://schema.org", **exporting.published_claimreview(publication, site_of(request))}
        script = json.dumps(review, ensure_ascii=False).translate(SCRIPT_ESCAPES)
        context["json_ld"] = mark_safe(script)  # noqa: S308 JSON with < > & escaped: it cannot leave its <script>
        claim = publication.claim
        context["chains"] = [(chain, claim.relayed_by_another(chain)) for chain in claim.attribution_chains()]
    status = 410 if publication.is_withdrawn else 200
    response = public(render(request, "factcheck/verdict_detail.html", context, status=status))
    # The JSON-LD is allowed by its hash, not the per-response nonce of the app's pages: a page
    # that shared caches keep would hand every reader the same nonce.
    response._csp_config = {**settings.SECURE_CSP, "script-src": [CSP.SELF, *script_hashes(script)]}
    return response


def script_hashes(*scripts):
    return [
        f"'sha256-{base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()}'"
        for script in scripts
        if script
    ]
