"""Create, list and revoke the bearer tokens of the JSON API (POST /api/check/).

python manage.py api_token create USERNAME --name "CMS plugin"   # prints the token, once
python manage.py api_token create USERNAME --expires-in 30       # or --expires 2027-03-31
python manage.py api_token list
python manage.py api_token revoke HINT                           # the token's first characters

A token expires 90 days after it is made (ApiToken.LIFETIME), or when --expires-in or --expires
says, at most a year away: then it is refused as a revoked one is.
"""

from argparse import ArgumentTypeError
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from factcheck.models import ApiToken


def days(text):
    """--expires-in: a whole number of days."""
    try:
        return int(text)
    except ValueError:
        raise ArgumentTypeError(f"a number of days, not “{text}”") from None


def day(text):
    """--expires: a date, YYYY-MM-DD."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ArgumentTypeError(f"a date as YYYY-MM-DD, not “{text}”") from None


def expiry(expires_in, expires_on):
    """How long a new token lives: {"lifetime": ...} for `expires_in` days or by default, {"expires_at": ...}
    the start of `expires_on` in the newsroom's time zone; refused if past or beyond ApiToken.MAX_LIFETIME."""
    if expires_in is not None and expires_in < 1:
        raise CommandError("--expires-in must be at least 1 day.")
    lifetime = timedelta(days=expires_in) if expires_in is not None else ApiToken.LIFETIME
    chosen = {"lifetime": lifetime}
    if expires_on is not None:
        at = timezone.make_aware(datetime.combine(expires_on, time.min))
        if at <= timezone.now():
            raise CommandError(f"{expires_on:%Y-%m-%d} is already past: choose a later date.")
        lifetime, chosen = at - timezone.now(), {"expires_at": at}
    if lifetime > ApiToken.MAX_LIFETIME:
        raise CommandError(
            f"A token lives at most {ApiToken.MAX_LIFETIME.days} days: make a new one when this one expires."
        )
    return chosen


def when(moment):
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


class Command(BaseCommand):
    help = "Create, list or revoke API tokens for POST /api/check/."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Create a token for a user and print it (shown only once).")
        create.add_argument("username")
        create.add_argument("--name", default="API", help="What uses the token, e.g. “CMS plugin”.")
        lifetime = create.add_mutually_exclusive_group()
        lifetime.add_argument(
            "--expires-in",
            type=days,
            metavar="DAYS",
            help=f"Days until it expires (default {ApiToken.LIFETIME.days}, at most {ApiToken.MAX_LIFETIME.days}).",
        )
        lifetime.add_argument(
            "--expires", type=day, metavar="YYYY-MM-DD", help="The day it expires (refused from that day on)."
        )
        actions.add_parser("list", help="List the tokens: hint, user, name, created, expiry, last used, state.")
        revoke = actions.add_parser("revoke", help="Revoke the token whose first characters are HINT.")
        revoke.add_argument("hint")

    def handle(self, *args, action, **options):
        getattr(self, action)(**options)

    def create(self, *, username, name, expires_in, expires, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called “{username}”.")
        if not user.has_perm("factcheck.view_claim"):
            raise CommandError(
                f"{username} may not read claims (not a reviewer or an editor): the token would not work."
            )
        token, raw = ApiToken.create_for(user, name, **expiry(expires_in, expires))
        expires = when(token.expires_at)
        self.stdout.write(f"Token for {username} ({name}), expires {expires}; it is shown only this once:")
        self.stdout.write(raw)

    def list(self, **options):
        for token in ApiToken.objects.select_related("user"):
            ends = f"{'expired' if token.state == ApiToken.State.EXPIRED else 'expires'} {when(token.expires_at)}"
            state = f"revoked {when(token.revoked_at)}" if token.revoked_at else token.state
            used = when(token.last_used_at) if token.last_used_at else "never"
            self.stdout.write(
                f"{token.hint}…  {token.user.username}  {token.name}  created {token.created_at:%Y-%m-%d}  "
                f"{ends}  last used {used}  {state}"
            )

    def revoke(self, *, hint, **options):
        tokens = list(ApiToken.objects.live().filter(hint__startswith=hint)[:2])
        if len(tokens) != 1:
            raise CommandError(f"{'No' if not tokens else 'More than one'} live token starts with “{hint}”.")
        tokens[0].revoke()
        self.stdout.write(f"Revoked {tokens[0]}.")
