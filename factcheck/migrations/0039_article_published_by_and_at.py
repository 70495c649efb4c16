"""Who published a draft story, and when (Article.publish): the act had left no record.

published_by is added as Django adds a nullable column (ALTER TABLE on both databases);
published_at with its check by hand, as in 0025: Django would rebuild the article table on SQLite
to add a table constraint, dropping its triggers (claim outlets, tallies). SQLite takes the check
on the new column, which may name the others.
"""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

run = importlib.import_module("factcheck.migrations.0002_append_only_events_and_search").run

ARTICLES = "factcheck_article"
CHECK = (
    "(published_at IS NULL AND published_by_id IS NULL)"
    " OR (published_at IS NOT NULL AND published_by_id IS NOT NULL AND state = 'published')"
)
FORWARD = {
    "postgresql": [
        f"ALTER TABLE {ARTICLES} ADD COLUMN published_at timestamp with time zone NULL",
        f"ALTER TABLE {ARTICLES} ADD CONSTRAINT article_published_by_and_at CHECK ({CHECK})",
    ],
    "sqlite": [f"ALTER TABLE {ARTICLES} ADD COLUMN published_at datetime NULL CHECK ({CHECK})"],
}
BACKWARD = {
    "postgresql": [
        f"ALTER TABLE {ARTICLES} DROP CONSTRAINT article_published_by_and_at",
        f"ALTER TABLE {ARTICLES} DROP COLUMN published_at",
    ],
    "sqlite": [f"ALTER TABLE {ARTICLES} DROP COLUMN published_at"],
}


class Migration(migrations.Migration):
    dependencies = [
        ("factcheck", "0038_merged_claim_guard_waits_for_merges"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="published_by",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="article",
                    name="published_at",
                    field=models.DateTimeField(blank=True, editable=False, null=True),
                ),
                migrations.AddConstraint(
                    model_name="article",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("published_at__isnull", True), ("published_by__isnull", True))
                        | models.Q(
                            ("published_at__isnull", False), ("published_by__isnull", False), ("state", "published")
                        ),
                        name="article_published_by_and_at",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(run(FORWARD), run(BACKWARD))],
        ),
    ]
