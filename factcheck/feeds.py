"""The public, read-only ClaimReview feed: claims with a verdict, as schema.org JSON-LD.

Newest first, a page at a time: `?before=<id>` continues after the last claim of the previous
page (the Link header names the next page). Caches may keep a page for five minutes.
"""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET

from factcheck import exporting
from factcheck.models import Claim
from factcheck.verification import Status

VERDICTS = [Status.VERIFIED, Status.DISPUTED, Status.FALSE]
PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
CACHE_SECONDS = 300


@login_not_required  # public even if LoginRequiredMiddleware is turned on
@require_GET
def claimreview_feed(request):
    try:
        limit = min(max(int(request.GET.get("limit", PAGE_SIZE)), 1), MAX_PAGE_SIZE)
        before = int(request.GET["before"]) if request.GET.get("before") else None
    except ValueError:
        return HttpResponseBadRequest("limit and before must be whole numbers.")
    claims = Claim.objects.not_merged().filter(status__in=VERDICTS).order_by("-id")
    if before is not None:
        claims = claims.filter(id__lt=before)
    page = list(exporting.for_export(claims)[: limit + 1])
    site = request.build_absolute_uri("/").rstrip("/")
    document = exporting.feed_document([exporting.feed_item(claim, site) for claim in page[:limit]])
    response = JsonResponse(document, content_type="application/ld+json", json_dumps_params={"ensure_ascii": False})
    if len(page) > limit:
        following = urlencode({"before": page[limit - 1].pk, "limit": limit})
        response["Link"] = f'<{request.build_absolute_uri(request.path)}?{following}>; rel="next"'
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    patch_vary_headers(response, ["Accept-Encoding"])
    return response
