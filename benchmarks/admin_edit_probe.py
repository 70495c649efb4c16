"""Concurrent editors through the admin (issue 8, item 2): does a save from a stale page overwrite anyone?

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck_probe \\
        .venv/bin/python benchmarks/admin_edit_probe.py --url http://127.0.0.1:8765 --editors 4 --rounds 50

against a server already running on that database, e.g.

    DEBUG=0 SECRET_KEY=... ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0 DATABASE_URL=... \\
        .venv/bin/gunicorn factcheck.wsgi --bind 127.0.0.1:8765 --workers 4

The script makes its editors (probe-editor-N, in the Editors group), a speaker, and a claim with
one evidence item, through the ORM on the same database. Then each editor, in its own thread
and over real HTTP, logs in to the admin and, --rounds times on each page, opens the change page
and saves it with one value changed: the speaker's title, affiliation, description or Wikidata
id, or the claim's text, quote or span, or its evidence row's summary, one of them per editor.
Nobody else writes that value, so a save counts as a silent overwrite when an editor finds its
last saved value gone when it next opens the page, or at the end. Every answer is counted: 302
(saved), 409 (refused as stale) and anything else (an error).
"""

import argparse
import os
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

import django

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import transaction  # noqa: E402

from factcheck.models import Claim, Evidence, Speaker  # noqa: E402

PASSWORD = "probe-editor-password"  # noqa: S105
# The value each editor owns on each page, by form field name.
SPEAKER_FIELDS = ["title", "affiliation", "description", "wikidata_id"]
CLAIM_FIELDS = ["text", "quote", "span_exact", "evidence-0-summary"]


class FormReader(HTMLParser):
    """The fields of the form with the given id, as a browser would post them untouched."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, {}
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"submit", "button", "file"}:
            if attrs.get("type") not in {"checkbox", "radio"} or "checked" in attrs:
                self.fields[name] = attrs.get("value", "")
        elif tag == "select":
            self.select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields[self.select] = attrs.get("value", "")
        elif tag == "textarea":
            self.textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data.removeprefix("\n") if not self.fields[self.textarea] else data


class Editor:
    """One editor's browser: its own cookies, and the headers of a page served over HTTPS behind a proxy.

    Production settings mark cookies Secure and redirect plain HTTP, so the probe says it came
    through an HTTPS proxy (SECURE_PROXY_SSL_HEADER) and keeps its cookies itself.
    """

    def __init__(self, base, username):
        self.base = base
        self.cookies = {}
        self.opener = urllib.request.build_opener(NoRedirect)
        login = f"{base}/admin/login/"
        self.request("GET", login)
        status, _ = self.request("POST", login, {"username": username, "password": PASSWORD, "next": "/admin/"})
        if status != 302:
            raise RuntimeError(f"{username} could not log in ({status})")

    def request(self, method, url, fields=None):
        data = None
        origin = "https://" + urllib.parse.urlsplit(url).netloc
        headers = {
            "X-Forwarded-Proto": "https",
            "Referer": origin + urllib.parse.urlsplit(url).path,
            "Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items()),
        }
        if method == "POST":
            data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}).encode()
        request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
            return response.status, response.read().decode(errors="replace")

    def open(self, url, form_id):
        status, html = self.request("GET", url)
        if status != 200:
            raise RuntimeError(f"GET {url} answered {status}")
        reader = FormReader(form_id)
        reader.feed(html)
        return reader.fields


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def set_up(editors):
    group = Group.objects.get(name="Editors")
    users = []
    for number in range(editors):
        user, _ = User.objects.update_or_create(username=f"probe-editor-{number}", defaults={"is_staff": True})
        user.set_password(PASSWORD)
        user.save()
        user.groups.add(group)
        users.append(user)
    stamp = time.strftime("%H%M%S")
    speaker = Speaker.objects.create(name=f"Probe speaker {stamp}", title="start", affiliation="start")
    with transaction.atomic():
        claim = Claim.objects.create(text=f"Probe claim {stamp}.", speaker=speaker)
        claim.set_status("unconfirmed", by=users[0], reason="Made by the admin edit probe.")
    Evidence.objects.create(
        claim=claim, stance="context", url="https://example.org/probe", summary="start", added_by=users[0]
    )
    return users, speaker, claim


def edit(editor, url, form_id, field, rounds, tally, lost):
    last = None
    for round_number in range(rounds):
        fields = editor.open(url, form_id)
        if last is not None and fields.get(field) != last:
            lost.append((field, last, fields.get(field)))
        value = f"{field[:4]}-{round_number}"
        status, _ = editor.request("POST", url, {**fields, field: value, "_save": "Save"})
        tally[status] += 1
        if status == 302:
            last = value
    return last


def run(base, users, page, form_id, fields, rounds):
    tally, lost, last = Counter(), [], {}
    editors = [Editor(base, user.username) for user in users]
    barrier = threading.Barrier(len(editors))

    def work(editor, field):
        barrier.wait()
        last[field] = edit(editor, f"{base}{page}", form_id, field, rounds, tally, lost)

    threads = [threading.Thread(target=work, args=pair) for pair in zip(editors, fields, strict=False)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally, lost, last, time.monotonic() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8765")
    parser.add_argument("--editors", type=int, default=4, choices=range(2, 5))
    parser.add_argument("--rounds", type=int, default=50)
    options = parser.parse_args()
    users, speaker, claim = set_up(options.editors)
    evidence = claim.evidence.get()
    pages = [
        ("speaker", f"/admin/factcheck/speaker/{speaker.pk}/change/", "speaker_form", SPEAKER_FIELDS),
        ("claim", f"/admin/factcheck/claim/{claim.pk}/change/", "claim_form", CLAIM_FIELDS),
    ]
    for label, page, form_id, fields in pages:
        tally, lost, last, seconds = run(options.url, users, page, form_id, fields, options.rounds)
        speaker.refresh_from_db()
        claim.refresh_from_db()
        evidence.refresh_from_db()
        saved = {
            "title": speaker.title,
            "affiliation": speaker.affiliation,
            "description": speaker.description,
            "wikidata_id": speaker.wikidata_id,
            "text": claim.text,
            "quote": claim.quote,
            "span_exact": claim.span_exact,
            "evidence-0-summary": evidence.summary,
        }
        gone_at_end = [field for field, value in last.items() if value is not None and saved[field] != value]
        posts = sum(tally.values())
        print(
            f"{label}: {posts} saves by {len(users)} editors in {seconds:.1f} s: "
            f"{tally[302]} saved, {tally[409]} refused as stale, {posts - tally[302] - tally[409]} other "
            f"({dict(tally)}); silent overwrites: {len(lost)} seen on reopening, {len(gone_at_end)} at the end"
        )


if __name__ == "__main__":
    main()
