"""Export claims: python manage.py export_claims [--format csv|claimreview] [--status ...] [--output PATH]."""

from django.core.management.base import BaseCommand
from django.template.defaultfilters import pluralize

from factcheck import exporting
from factcheck.models import Claim, PublishedVerdict
from factcheck.verification import Status


class Command(BaseCommand):
    help = (
        "Export claims as spreadsheet-safe CSV (importable again) or their published verdicts as a ClaimReview "
        "JSON-LD DataFeed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=list(exporting.EXPORTERS), default="csv")
        parser.add_argument(
            "--status",
            action="append",
            choices=[status.value for status in Status],
            help="only claims with this status, or for ClaimReview this verdict as published (repeat for several)",
        )
        parser.add_argument("--output", "-o", help="the file to write (default: standard output)")

    def handle(self, *args, format, status, output, **options):
        claims = Claim.objects.not_merged().order_by("id")
        if status and format == "claimreview":
            # A ClaimReview rates as the verdict was published: a claim's status may have moved on since.
            rated = PublishedVerdict.objects.live().filter(event__to_status__in=status)
            claims = claims.filter(pk__in=rated.values("claim_id"))
        elif status:
            claims = claims.filter(status__in=status)
        if output:
            with open(output, "w", encoding="utf-8", newline="") as file:
                self.export(claims, format, file, bom=True)
            left_out = exporting.left_out_of_claimreview(claims) if format == "claimreview" else 0
            written = claims.count() - left_out
            self.stderr.write(f"Wrote {written:,} claim{pluralize(written)} to {output}.")
            if left_out:
                self.stderr.write(
                    f"{left_out:,} claim{pluralize(left_out)} left out: no verdict of ours published (a "
                    "ClaimReview is one, at its public page; a status imported from another checker or a file "
                    "never is). The CSV export carries them."
                )
        else:
            self.export(claims, format, _Unterminated(self.stdout), bom=False)

    def export(self, claims, format, file, *, bom):
        if format == "csv":
            exporting.write_csv(claims, file, bom=bom)
        else:
            exporting.write_claimreview(claims, file)


class _Unterminated:
    """The command's stdout without the newline OutputWrapper adds to each write."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text):
        self.wrapper.write(text, ending="")
