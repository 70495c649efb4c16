"""The check on a story's state, which 0025 wrote by hand, declared to Django's models.

The database has it already (PostgreSQL: article_state_valid; SQLite: the column's CHECK), so
nothing is run. Unknown to Django, it was left out of the table Django builds anew on SQLite to
change one (factcheck/sqlite): a later migration rebuilding the article table would have dropped it.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("factcheck", "0039_article_published_by_and_at")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddConstraint(
                    model_name="article",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("state__in", ["draft", "published"])), name="article_state_valid"
                    ),
                ),
            ],
        ),
    ]
