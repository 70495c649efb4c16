"""What the deployment needs beyond Django's defaults: the client's address behind a proxy,
the page a throttled sign-in gets, no cached copies of signed-in pages, and no file spooled to
disk for someone who may not upload it.

Login throttling itself is django-axes (settings.AXES_*); Content-Security-Policy is Django's
own (settings.SECURE_CSP). docs/deploying.md explains both.
"""

import ipaddress

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http import QueryDict
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.datastructures import MultiValueDict


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


def takes_files(*perms):
    """Marks a view that takes uploaded files from users holding `perms`: UploadGate lets their large
    uploads be read; the view still checks its permissions itself."""

    def decorator(view):
        view.upload_perms = perms
        return view

    return decorator


class UploadGate(FileUploadHandler):
    """The first upload handler: a multipart body Django would spool to disk is refused before a byte
    of it is read, unless its address takes files (takes_files) and the user may upload them there.

    Django parses a multipart body wherever request.POST is first read: the CSRF middleware reads it
    for any POST that carries a CSRF cookie (which a script sets as it likes), before any view asks
    who is posting, and so do the error pages (a 404 for any address) through requires_csrf_token.
    A file over FILE_UPLOAD_MAX_MEMORY_SIZE was then written to FILE_UPLOAD_TEMP_DIR as it arrived,
    for anyone, at any address. Every parse goes through the upload handlers, so the check here holds
    on every road; smaller bodies stay in memory and are left to the views.
    """

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length <= settings.FILE_UPLOAD_MAX_MEMORY_SIZE:
            return None
        request = self.request
        if request.resolver_match is None:
            # An error page for a request that reached no view (no such address) reads the body
            # for its CSRF check: it gets none, and answers what it answers.
            return QueryDict(encoding=encoding), MultiValueDict()
        perms = getattr(request.resolver_match.func, "upload_perms", None)
        if perms is None:
            raise RequestDataTooBig(
                f"{request.path} takes no files: a form posted there is at most "
                f"{settings.FILE_UPLOAD_MAX_MEMORY_SIZE:,} bytes."
            )
        user = getattr(request, "user", None)  # None: refused before authentication ran
        if user is None or not user.has_perms(perms):
            # The error page reads request.POST again (its CSRF check): it must find it empty, not parse it.
            request._mark_post_parse_error()
            signed_in = user is not None and user.is_authenticated
            raise PermissionDenied(
                "Your account may not upload files here." if signed_in else "Sign in before uploading a file."
            )
        return None

    def receive_data_chunk(self, raw_data, start):
        return raw_data  # to the handlers after it, which keep the file

    def file_complete(self, file_size):
        return None
