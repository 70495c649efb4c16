"""The stories index searches headlines by any part of a word (`headline__icontains`): on
PostgreSQL a trigram index over the upper-cased headline serves that LIKE '%...%' (213 ms -> 1 ms
at 217,220 stories, benchmarks/README.md). SQLite scans, as it does for every other search."""

from django.db import migrations

INDEX = "article_headline_trgm_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # The expression is the one Django's icontains compiles to: UPPER("headline"::text).
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON factcheck_article USING gin (UPPER(headline::text) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("factcheck", "0020_speaker_queue_index")]

    operations = [migrations.RunPython(create, drop)]
