"""API tokens expire (ApiToken.expires_at): a new one 90 days after it is made by default.

Tokens made before this migration get the same 90 days, counted from the day it runs rather than
from when each was made: counted from then, a token in use for months would stop at the deploy,
and the CMS relying on it would lose the check without warning. Revoked tokens get the same date;
they stay refused whatever it is.
"""

from datetime import timedelta

from django.db import migrations, models
from django.utils import timezone

LIFETIME = timedelta(days=90)  # ApiToken.LIFETIME when this migration was written


def give_existing_tokens_an_expiry(apps, schema_editor):
    apps.get_model("factcheck", "ApiToken").objects.update(expires_at=timezone.now() + LIFETIME)


class Migration(migrations.Migration):
    dependencies = [
        ("factcheck", "0041_storydraft_in_review_idx"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.RunPython(give_existing_tokens_an_expiry, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(
                editable=False, help_text="From then on the token is refused, as a revoked one is."
            ),
        ),
        migrations.AddConstraint(
            model_name="apitoken",
            constraint=models.CheckConstraint(
                condition=models.Q(("expires_at__gt", models.F("created_at"))), name="apitoken_expires_after_made"
            ),
        ),
    ]
