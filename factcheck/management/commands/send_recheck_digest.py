"""Mail each person the unconfirmed claims due for a re-check: once a day, safe to run again.

    python manage.py send_recheck_digest [--date YYYY-MM-DD]

Run it daily (cron, a scheduler). Mail goes out through Django's email settings: printed on the
console by default (EMAIL_BACKEND). See factcheck.rechecks.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from factcheck.models import STATUS_COUNT_CAP
from factcheck.rechecks import send_digests, why_not


class Command(BaseCommand):
    help = "Mail each person the unconfirmed claims due for a re-check (one digest a person a day)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="The day the digest is for, as YYYY-MM-DD (default: today).")

    def handle(self, *args, **options):
        day = timezone.localdate()
        if options["date"]:
            try:
                day = date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"--date: “{options['date']}” is no date; write it as YYYY-MM-DD.") from None
        done = send_digests(day)
        for person, count in done.sent:
            self.stdout.write(f"Sent {person.get_username()} {count} claim{'s' if count != 1 else ''} due by {day}.")
        for person in done.already:
            self.stdout.write(f"Skipped {person.get_username()}: today's digest ({day}) was sent already.")
        for person in done.no_address:
            self.stdout.write(f"Not mailed: {person.get_username()} has claims due but no email address.")
        if not done.due:
            self.stdout.write(f"No claim is due for a re-check by {day}.")
        elif done.unreached:
            self.stdout.write(self.unreached(done, day))

    @staticmethod
    def unreached(done, day):
        """Due claims that are nobody's to receive, and why: those they are for may not receive them."""
        count = f"{STATUS_COUNT_CAP}+" if done.unreached > STATUS_COUNT_CAP else str(done.unreached)
        claims = f"{count} claim{'s' if done.unreached != 1 else ''} due by {day}"
        if done.unreachable:
            people = ", ".join(f"{person.get_username()} ({why_not(person)})" for person in done.unreachable)
            whose = f"They are for {people} only"
        else:
            whose = "Nobody is assigned them, and no account recorded, decided or scheduled them"
        return (
            f"Not mailed: {claims} are for nobody who may receive them. {whose}: a claim goes to its "
            "assignees, else to whoever last decided, recorded or moved its date. Assign them, or move "
            "their dates as an editor, to have them mailed."
        )
