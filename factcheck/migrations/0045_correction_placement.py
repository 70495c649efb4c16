"""Where a correction ran when it has no URL: a correction printed on page 2 or read on air is recorded
as published with that place (`correction_placement`) in place of a URL; a published correction
still needs its text and one of the two.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("factcheck", "0044_claim_warned_words"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="correctioncase",
            name="correction_outcome_complete",
        ),
        migrations.AddField(
            model_name="correctioncase",
            name="correction_placement",
            field=models.CharField(
                blank=True,
                help_text="Where a correction with no URL ran: “in print, page 2”, “on air, 6 pm bulletin”.",
                max_length=200,
                verbose_name="where it ran",
            ),
        ),
        migrations.AddConstraint(
            model_name="correctioncase",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("correction_placement", ""),
                        ("correction_text", ""),
                        ("correction_url", ""),
                        ("decided_at__isnull", True),
                        ("decided_by__isnull", True),
                        ("outcome", ""),
                        ("reason", ""),
                    ),
                    models.Q(
                        models.Q(
                            models.Q(
                                ("outcome", "published"),
                                ("reason", ""),
                                models.Q(("correction_text", ""), _negated=True),
                                models.Q(
                                    models.Q(("correction_url", ""), _negated=True),
                                    models.Q(("correction_placement", ""), _negated=True),
                                    _connector="OR",
                                ),
                            ),
                            models.Q(
                                ("correction_placement", ""),
                                ("correction_text", ""),
                                ("correction_url", ""),
                                ("outcome", "not_needed"),
                                models.Q(("reason", ""), _negated=True),
                            ),
                            _connector="OR",
                        ),
                        ("decided_at__isnull", False),
                        ("decided_by__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="correction_outcome_complete",
            ),
        ),
    ]
