"""Email the notifications still due: the daily digest of those who chose one, and any single email that failed.

Run it daily (cron, a scheduler). Safe to run twice: what is sent is marked sent.
"""

from django.core.management.base import BaseCommand

from factcheck.models import Notification
from factcheck.notifying import send_emails


class Command(BaseCommand):
    help = "Email the notifications still due: each person's daily digest, and single emails that failed."

    def handle(self, *args, **options):
        sent = send_emails(Notification.objects.all(), digest=True)
        self.stdout.write(f"{sent} email{'s' if sent != 1 else ''} sent.")
