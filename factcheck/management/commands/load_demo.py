"""Load the seed story and its 18 annotated claims (fixtures/seed-*.json), once.

With --accounts, also create the demo editor, reviewer and admin; `make run` asks for them
only on the default SQLite demo database. Their passwords are in this file, so production
(DEBUG off) refuses them: an existing "admin" would otherwise become a superuser whose
password everyone knows.
"""

import json
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from factcheck.models import (
    Appearance,
    Article,
    Claim,
    ClaimLink,
    LinkKind,
    Outlet,
    OutletKind,
    Speaker,
    SpeakerKind,
    Venue,
    normalize_name,
    span_context,
)
from factcheck.storydesk import NO_CONFIRMATION

FIXTURES = settings.BASE_DIR / "fixtures"
ARTICLE_FILE = FIXTURES / "seed-article.txt"
CLAIMS_FILE = FIXTURES / "seed-claims.json"

OUTLETS = {
    "B-17": {"kind": OutletKind.NEWS},
    "X": {"kind": OutletKind.SOCIAL, "domain": "x.com"},
    "Kyiv Independent": {"kind": OutletKind.NEWS, "domain": "kyivindependent.com"},
}
SPEAKER_KINDS = {
    "person": SpeakerKind.PERSON,
    "institution": SpeakerKind.INSTITUTION,
    "group": SpeakerKind.UNNAMED_GROUP,
}
QUALIFIERS = {"": "", "up to": "up_to", "at least": "at_least", "about": "about"}

DEMO_ACCOUNTS = [
    # username, password, group, superuser, full name
    ("editor", "editor-demo", "Editors", False, "Olena Koval"),
    ("reviewer", "reviewer-demo", "Reviewers", False, "Marek Nowak"),
    ("admin", "admin-demo", None, True, ""),
]
SEED_USERNAME = "seed-annotation"

# Days from the load to a claim's re-check date, as if the story had been annotated a while ago:
# recorded today, every claim would be due in FACTCHECK_RECHECK_DAYS, past "Due this week", and
# the re-check queue would show a newcomer nothing due. Relative to the day, so no test ages.
RECHECK_IN_DAYS = {"c8": -3, "c13": -1, "c6": 0, "c15": 2, "c3": 4}


class Command(BaseCommand):
    help = "Load the demo story and its annotated claims (does nothing if already loaded)."

    def add_arguments(self, parser):
        parser.add_argument("--accounts", action="store_true", help="Also create the demo accounts.")

    def handle(self, *args, accounts=False, **options):
        if accounts and not settings.DEBUG:
            raise CommandError("DEBUG is off: the demo accounts, whose passwords are public, are for a local demo.")
        body = ARTICLE_FILE.read_text(encoding="utf-8").strip()
        annotation = json.loads(CLAIMS_FILE.read_text(encoding="utf-8"))
        headline = annotation["article"]["headline"]
        if Article.objects.filter(headline=headline).exists():
            self.stdout.write("The demo story is already loaded.")
        else:
            count = load_story(body, annotation)
            self.stdout.write(self.style.SUCCESS(f"Loaded the demo story with {count} claims."))
        if accounts:
            create_demo_accounts()
            self.stdout.write("Demo accounts (local demo database only):")
            for username, password, group, *_ in DEMO_ACCOUNTS:
                role = group or "Superuser"
                self.stdout.write(f"  {role:<11} username {username!r:<11} password {password!r}")


@transaction.atomic
def load_story(body, annotation):
    recorder, _ = User.objects.get_or_create(
        username=SEED_USERNAME,
        defaults={"first_name": "Seed", "last_name": "annotation", "is_active": False},
    )
    outlets = {
        name: Outlet.objects.get_or_create(normalized_name=normalize_name(name), defaults={"name": name, **fields})[0]
        for name, fields in OUTLETS.items()
    }
    meta = annotation["article"]
    article = Article.objects.create(outlet=outlets[meta["outlet"]], headline=meta["headline"], body=body)

    speakers = {}
    claims = {}
    for item in annotation["claims"]:
        who = item["speaker"]
        if who["name"] not in speakers:
            speakers[who["name"]], _ = Speaker.objects.get_or_create(
                normalized_name=normalize_name(who["name"]),
                defaults={
                    "name": who["name"],
                    "kind": SPEAKER_KINDS[who["kind"]],
                    "title": who.get("title", ""),
                    "affiliation": who.get("affiliation", ""),
                    "description": f"Described in the story as “{who['name'].lower()}”."
                    if who["kind"] == "group"
                    else "",
                },
            )
        start = body.index(item["span"])
        prefix, suffix = span_context(body, start, start + len(item["span"]))
        quantity = item.get("quantity") or {}
        claim = Claim.objects.create(
            text=item["text"],
            quote=item["span"] if item["direct_quote"] else "",
            speaker=speakers[who["name"]],
            article=article,
            span_exact=item["span"],
            span_prefix=prefix,
            span_suffix=suffix,
            kind=item["kind"],
            quantity_value=quantity.get("value"),
            quantity_unit=quantity.get("unit", ""),
            quantity_qualifier=QUALIFIERS[quantity.get("qualifier", "")],
        )
        add_appearances(claim, item, outlets, article_outlet=article.outlet)
        claim.set_status(item["status"], by=recorder, reason=item.get("status_evidence") or NO_CONFIRMATION)
        claims[item["id"]] = claim

    today = timezone.localdate()
    for key, days in RECHECK_IN_DAYS.items():
        # Not set_recheck_date, which refuses a day already past: the demo's claims were never rechecked.
        Claim.objects.filter(pk=claims[key].pk).update(recheck_on=today + timedelta(days=days))

    for item in annotation["claims"]:
        for key, kind in [("same_as", LinkKind.SAME_CLAIM), ("conflicts_with", LinkKind.CONTRADICTS)]:
            if item.get(key):
                ClaimLink.link(claims[item["id"]], claims[item[key]], kind, by=recorder)
    return len(claims)


def add_appearances(claim, item, outlets, *, article_outlet):
    """The attribution chain: where it was said, then each outlet that passed it on.

    "relayed_by: Kyiv Independent" in a B-17 story reads: said in public remarks, reported by
    the Kyiv Independent, relayed by B-17.
    """
    venue = item["venue"]
    origin = Appearance.objects.create(
        claim=claim,
        venue_type=venue["type"],
        outlet=outlets.get(venue["outlet"]),
        when=item.get("when", ""),
    )
    relays = [venue["relayed_by"]] if venue["relayed_by"] else []
    if relays and relays[-1] != article_outlet.name:
        relays.append(article_outlet.name)
    previous = origin
    for name in relays:
        previous = Appearance.objects.create(
            claim=claim, venue_type=Venue.RELAYED_REPORT, outlet=outlets[name], relayed_from=previous
        )


def create_demo_accounts():
    for username, password, group, superuser, full_name in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(username=username)
        user.first_name, _, user.last_name = full_name.partition(" ")
        user.email = user.email or f"{username}@example.org"  # the re-check digest's address
        user.is_staff = True
        user.is_superuser = superuser
        user.set_password(password)
        user.save()
        if group:
            user.groups.set([Group.objects.get(name=group)])
