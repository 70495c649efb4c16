"""A venue type for an appearance whose source gives none: "not_stated" (Venue not stated).

Imports recorded such an appearance (a row with a date or an outlet but no venue, a ClaimReview
appearance without words) as public remarks. No data is changed here: those appearances cannot be
told from the ones a file called public remarks (neither keeps the file's words), so rewriting
either would state something the source did not say. docs/importing.md says how to find them.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("factcheck", "0042_apitoken_expiry"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="appearance",
            name="appearance_venue_valid",
        ),
        migrations.AlterField(
            model_name="appearance",
            name="venue_type",
            field=models.CharField(
                choices=[
                    ("statement_to_outlet", "Statement to the newsroom"),
                    ("interview", "Interview"),
                    ("press_conference", "Press conference"),
                    ("public_remarks", "Public remarks"),
                    ("social_media_post", "Social-media post"),
                    ("official_document", "Official document"),
                    ("advertisement", "Advertisement"),
                    ("anonymous_briefing", "Anonymous briefing"),
                    ("relayed_report", "Relayed report"),
                    ("not_stated", "Venue not stated"),
                ],
                max_length=30,
            ),
        ),
        migrations.AddConstraint(
            model_name="appearance",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "venue_type__in",
                        [
                            "statement_to_outlet",
                            "interview",
                            "press_conference",
                            "public_remarks",
                            "social_media_post",
                            "official_document",
                            "advertisement",
                            "anonymous_briefing",
                            "relayed_report",
                            "not_stated",
                        ],
                    )
                ),
                name="appearance_venue_valid",
            ),
        ),
    ]
