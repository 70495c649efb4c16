"""Create, list and revoke the bearer tokens of the JSON API (POST /api/check/).

python manage.py api_token create USERNAME --name "CMS plugin"   # prints the token, once
python manage.py api_token list
python manage.py api_token revoke HINT                           # the token's first characters
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from factcheck.models import ApiToken


class Command(BaseCommand):
    help = "Create, list or revoke API tokens for POST /api/check/."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Create a token for a user and print it (shown only once).")
        create.add_argument("username")
        create.add_argument("--name", default="API", help="What uses the token, e.g. “CMS plugin”.")
        actions.add_parser("list", help="List the tokens: hint, user, name, created, last used, revoked.")
        revoke = actions.add_parser("revoke", help="Revoke the token whose first characters are HINT.")
        revoke.add_argument("hint")

    def handle(self, *args, action, **options):
        getattr(self, action)(**options)

    def create(self, *, username, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called “{username}”.")
        if not user.has_perm("factcheck.view_claim"):
            raise CommandError(
                f"{username} may not read claims (not a reviewer or an editor): the token would not work."
            )
        _, raw = ApiToken.create_for(user, name)
        self.stdout.write(f"Token for {username} ({name}); it is shown only this once:")
        self.stdout.write(raw)

    def list(self, **options):
        for token in ApiToken.objects.select_related("user"):
            revoked = f"revoked {token.revoked_at:%Y-%m-%d %H:%M}" if token.revoked_at else "live"
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
            self.stdout.write(
                f"{token.hint}…  {token.user.username}  {token.name}  created {token.created_at:%Y-%m-%d}  "
                f"last used {used}  {revoked}"
            )

    def revoke(self, *, hint, **options):
        tokens = list(ApiToken.objects.filter(hint__startswith=hint, revoked_at__isnull=True)[:2])
        if len(tokens) != 1:
            raise CommandError(f"{'No' if not tokens else 'More than one'} live token starts with “{hint}”.")
        tokens[0].revoke()
        self.stdout.write(f"Revoked {tokens[0]}.")
