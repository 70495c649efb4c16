"""What the deployment needs beyond Django's defaults: the client's address behind a proxy,
the page a throttled sign-in gets, and no cached copies of signed-in pages.

Login throttling itself is django-axes (settings.AXES_*); Content-Security-Policy is Django's
own (settings.SECURE_CSP). docs/deploying.md explains both.
"""

import ipaddress

from django.conf import settings
from django.contrib import admin
from django.shortcuts import render
from django.utils.cache import patch_cache_control


def client_ip(request):
    """The address the login throttle counts: the peer, or what the trusted proxies saw.

    Behind N reverse proxies (settings.TRUSTED_PROXY_COUNT), each appends the address it was
    reached from to X-Forwarded-For, so the Nth entry from the right is the client as the
    outermost proxy saw it; entries further left are whatever the client chose to send.
    """
    peer = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if not proxies or not hops:
        return peer
    candidate = hops[-min(proxies, len(hops))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:  # a proxy that forwards garbage is misconfigured: count its own address
        return peer


def lockout_response(request, original_response, credentials):
    """The answer to a sign-in while its account or address is locked, on either login page."""
    in_admin = request.resolver_match is not None and request.resolver_match.namespace == admin.site.name
    context = {
        **(admin.site.each_context(request) if in_admin else {}),
        "base_template": "admin/base_site.html" if in_admin else "factcheck/base.html",
        "login_url": request.path,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(request, "registration/locked_out.html", context, status=429)


def private_pages(get_response):
    """Pages for a signed-in user are kept by no shared cache and no browser disk cache."""

    def middleware(request):
        response = get_response(request)
        # Responses that declare themselves public (the ClaimReview feed) are the same for
        # everyone; checking first keeps their anonymous requests from loading a session.
        if "public" not in response.get("Cache-Control", "") and request.user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response

    return middleware
