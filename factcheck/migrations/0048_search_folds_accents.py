"""PostgreSQL: the search folds accents ("alvarez" finds "Álvarez", "cafe" finds "café"), as the speaker
filter already did and SQLite's search now does (text.accent_blind).

The search configuration `factcheck_search` is PostgreSQL's English one with the `unaccent` dictionary
(a trusted extension shipped with PostgreSQL) before its stemmer, for the words of the claims and of
every search alike (models.SEARCH_CONFIG). A generated column's expression cannot be changed in place on
PostgreSQL 15: `search_document` is made again, every claim's with it, and the search index after it.
"""

import importlib

from django.db import migrations

run = importlib.import_module("factcheck.migrations.0002_append_only_events_and_search").run


def documents(config):
    """The claim's search document and its index (migrations 0002 and 0031), read with `config`."""
    weighted = " || ".join(
        f"setweight(to_tsvector('{config}', coalesce({column}, '')), '{weight}')"
        for column, weight in [("text", "A"), ("quote", "B"), ("span_exact", "C")]
    )
    return [
        "ALTER TABLE factcheck_claim DROP COLUMN search_document;",  # and claim_search_idx with it
        f"ALTER TABLE factcheck_claim ADD COLUMN search_document tsvector GENERATED ALWAYS AS ({weighted}) STORED;",
        "CREATE INDEX claim_search_idx ON factcheck_claim USING GIN (search_document, facets);",
    ]


POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent;",
    "CREATE TEXT SEARCH CONFIGURATION factcheck_search (COPY = english);",
    "ALTER TEXT SEARCH CONFIGURATION factcheck_search"
    " ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;",
    *documents("factcheck_search"),
    "ANALYZE factcheck_claim;",
]
POSTGRES_BACKWARD = [*documents("english"), "DROP TEXT SEARCH CONFIGURATION factcheck_search;"]


class Migration(migrations.Migration):
    dependencies = [("factcheck", "0047_relayed_by_another_outlet")]

    operations = [
        migrations.RunPython(run({"postgresql": POSTGRES_FORWARD}), run({"postgresql": POSTGRES_BACKWARD})),
    ]
