"""Import claims from a file: python manage.py import_claims PATH [--format ...] [--dry-run] [--skip-invalid].

Every run is recorded as an ImportJob. It is attributed to --user, or by default to the
inactive account "command-line-import", created on first use, which cannot log in.
"""

from pathlib import Path

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from factcheck import importing
from factcheck.importing import LineError
from factcheck.models import ImportEncoding, ImportFormat, ImportMode, ImportState
from factcheck.verification import CHOICES as STATUS_CHOICES

SYSTEM_USERNAME = "command-line-import"
ERRORS_SHOWN = 20
WORDS_SHOWN = 20  # rating labels, and venue texts not classified


class ProgressBar:
    """A one-line progress bar redrawn with carriage returns; only ever drawn on a terminal."""

    WIDTH = 30

    def __init__(self, stream):
        self.stream = stream
        self.drawn = None

    def __call__(self, phase, done, total):
        share = min(done / total, 1) if total else 0
        line = f"\r{phase:<8} [{'#' * round(share * self.WIDTH):<{self.WIDTH}}] {share:4.0%}"
        if line != self.drawn:
            self.stream.write(line, ending="")
            self.stream.flush()
            self.drawn = line

    def finish(self):
        if self.drawn:
            self.stream.write("")


class Command(BaseCommand):
    help = "Import claims from a CSV, JSON / JSON Lines or ClaimReview JSON-LD file (columns and mapping: README)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the file to import")
        parser.add_argument("--format", choices=ImportFormat.values, help="default: guessed from the name and content")
        parser.add_argument("--dry-run", action="store_true", help="check the file and show what would change")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="import the valid rows and report the others (default: import nothing if any row is invalid)",
        )
        parser.add_argument(
            "--encoding",
            choices=[value for value in ImportEncoding.values if value],
            default="",
            help="the file's encoding (default: UTF-8, or as its byte-order mark says)",
        )
        parser.add_argument(
            "--date-order",
            choices=["day-first", "month-first"],
            help="how dates in numbers only are read: 31/10/2024 is day-first, 10/31/2024 month-first "
            "(default: take those that read one way only, 13/04/2024; refuse 05/11/2024, which could be either)",
        )
        parser.add_argument(
            "--user",
            help=f"the username the import is recorded under (default: {SYSTEM_USERNAME}, an inactive account)",
        )

    def handle(self, *args, path, format, dry_run, skip_invalid, user, encoding, date_order, **options):
        if not Path(path).is_file():
            raise CommandError(f"{path}: no such file")
        progress = ProgressBar(self.stderr) if self.stderr.isatty() else None
        job = importing.import_file(
            path,
            user=self.importer(user),
            format=format,
            mode=ImportMode.SKIP_INVALID if skip_invalid else ImportMode.ATOMIC,
            encoding=encoding,
            date_order=(date_order or "").replace("-", "_"),
            dry_run=dry_run,
            progress=progress,
        )
        if progress:
            progress.finish()
        for error in job.errors[:ERRORS_SHOWN]:
            self.stderr.write(str(LineError(**error)))
        rejected = importing.rejected_rows_path(job)
        more = job.rejected_count - min(len(job.errors), ERRORS_SHOWN)
        if more > 0:
            self.stderr.write(f"… and {more:,} more rows with errors.")
        if rejected:
            self.stderr.write(f"Rejected rows and their errors: {rejected}")
        if (job.summary.get("columns_read") or {}).get("needed"):
            self.stderr.write(
                "The admin's import page asks what each column holds and remembers it for files with this header."
            )
        if job.state in (ImportState.INVALID, ImportState.FAILED):
            raise CommandError(f"Import #{job.pk}: {job.message}")
        duration = f" in {job.duration.total_seconds():.1f}s" if job.duration else ""
        self.stdout.write(self.style.SUCCESS(f"Import #{job.pk} ({job.get_format_display()}){duration}: {job.message}"))
        self.report_wording(job.summary)

    def report_wording(self, summary):
        """The file's own words and what they became: rating labels (kept as the checkers'), venue texts."""
        statuses = dict(STATUS_CHOICES)
        ratings = summary.get("ratings") or []
        if ratings:
            self.stdout.write("Ratings kept as their publishers', and the status each gave the claim:")
            for entry in ratings[:WORDS_SHOWN]:
                how = " (by its value)" if entry["by_value"] else ""
                label = entry["label"] or "(no label)"
                publishers = ", ".join(entry["publishers"])
                self.stdout.write(f"  {label} ({publishers}): {entry['count']:,} → {statuses[entry['status']]}{how}")
        if summary.get("venue_texts"):
            self.stdout.write(
                f"Venues in words: {summary['venue_texts']:,} kept, {summary['classified_venue_texts']:,} classified."
            )
            unclassified = summary.get("unclassified_venues") or []
            if unclassified:
                shown = "; ".join(f"“{text}” ({count:,})" for text, count in unclassified[:WORDS_SHOWN])
                self.stdout.write(f"Not classified (recorded as public remarks): {shown}")

    def importer(self, username):
        if username:
            try:
                return User.objects.get(username=username)
            except User.DoesNotExist:
                raise CommandError(f"There is no user {username!r}.") from None
        user, created = User.objects.get_or_create(
            username=SYSTEM_USERNAME,
            defaults={"first_name": "Command-line", "last_name": "import", "is_active": False},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return user
