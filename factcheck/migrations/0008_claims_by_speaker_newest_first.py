"""A speaker's claims indexed newest first: (speaker, created_at, id) replaces the index on speaker alone.

The speaker page and the story desk's look-alike claims read a speaker's newest claims and stop
after a page of them; on speaker_id alone they had to read and sort every claim of the speaker.
The index serves everything the old one did (it starts with speaker_id), so imports keep one index.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("factcheck", "0007_story_desk")]

    operations = [
        migrations.AlterField(
            model_name="claim",
            name="speaker",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="claims",
                to="factcheck.speaker",
            ),
        ),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(fields=["speaker", "-created_at", "-id"], name="claim_speaker_recent_idx"),
        ),
    ]
