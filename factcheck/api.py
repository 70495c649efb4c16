"""The JSON API: the pre-publication check for a CMS (`POST /api/check/`), with bearer tokens.

A token (factcheck.models.ApiToken, `manage.py api_token create USERNAME`) acts as its user, who
needs the reviewers' right to read claims. This is the one view exempt from CSRF: it reads no
cookie, so a page elsewhere cannot make a signed-in browser call it.
"""

import json

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from factcheck import prepublication, storydesk
from factcheck.models import ApiToken
from factcheck.text import clean_name, half_character

FIELDS = {"text": "the story's text (plain text or HTML)", "headline": "its headline", "outlet": "your newsroom"}


def error(status, message, **headers):
    response = JsonResponse({"error": message}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def bearer_user(request):
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return ApiToken.user_for(token.strip()) if scheme.lower() == "bearer" else None


@csrf_exempt  # token-authenticated, no cookies: see the module's docstring
@login_not_required  # the token signs the request in, not the session
@require_POST
def check(request):
    user = bearer_user(request)
    if user is None:
        return error(
            401,
            "Send a valid API token: “Authorization: Bearer <token>”.",
            WWW_Authenticate='Bearer realm="factcheck"',
        )
    if not user.has_perm("factcheck.view_claim"):
        return error(403, "This token's account may not read the tracked claims.")
    limit = settings.FACTCHECK_API_MAX_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return error(413, f"The request body is {declared:,} bytes; the limit is {limit:,}.")
    try:
        body = request.body
    except RequestDataTooBig:
        return error(413, f"The request body is larger than the limit of {limit:,} bytes.")
    if len(body) > limit:
        return error(413, f"The request body is {len(body):,} bytes; the limit is {limit:,}.")
    data, problem = parse(body)
    if problem:
        return error(400, problem)
    text = storydesk.story_text(data["text"])
    report = prepublication.check_story(
        text, outlet_name=clean_name(data.get("outlet") or ""), headline=storydesk.story_text(data.get("headline", ""))
    )
    return JsonResponse(report.to_json())


def parse(body):
    """(the request's JSON object, None), or (None, what is wrong with it and where)."""
    try:
        data = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as problem:
        return None, f"The body is not UTF-8 text (byte {problem.start})."
    except json.JSONDecodeError as problem:
        return None, f"The body is not valid JSON: {problem.msg} at line {problem.lineno}, column {problem.colno}."
    except (ValueError, RecursionError):  # valid JSON that Python's reader refuses to read
        return None, "The body is JSON this API cannot read: a number too long or values nested too deep."
    if not isinstance(data, dict):
        return None, 'Send a JSON object: {"text": "...", "headline": "...", "outlet": "..."}.'
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        return None, f"Unknown field{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}; send {', '.join(FIELDS)}."
    for name, what in FIELDS.items():
        if name in data and not isinstance(data[name], str):
            return None, f"“{name}” ({what}) must be a string, not {json_type(data[name])}."
        if name in data and (half := half_character(data[name])):
            return None, f"“{name}” {half}: the text was cut inside a character; send it whole."
    if not (data.get("text") or "").strip():
        return None, "“text” is missing or empty: send the story's text to check."
    return data, None


def json_type(value):
    """What a JSON value is, in JSON's words: null, true or false, a number, an array or an object."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    return {int: "a number", float: "a number", list: "an array", dict: "an object"}[type(value)]
