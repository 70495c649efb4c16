"""The key of the words of each claim tracked as disputed, false, misattributed or denied, in an index
(claim_warned_words_idx): the pre-publication check finds a story's claim among them by its words in
one probe, whoever the speaker (a false claim repeated word for word under another name was missed).

An index on an expression, not a column: the database computes it on every write, whatever the road
(the admin, the views, an import's COPY, the shell, SQL), and only for the claims it keeps. The key is
`factcheck_claim_key(text)`, the MD5 of the words as `factcheck.text.normalize_name` compares them
(case, accents, punctuation, quotes and spacing ignored); an MD5, as a B-tree refuses entries over
2.7 kB and a claim's text has no limit. On SQLite the function is Python's `claim_key`, given to each
connection (factcheck.sqlite). On PostgreSQL it is written here in SQL: Unicode's compatibility
decomposition (NFKD, which needs a UTF-8 database), lower case, the marks and invisible characters
removed, every run of characters neither letter nor digit (in the database's locale) one space. It
agrees with normalize_name but where case folding does more than lower case ("ß" stays "ß"), and the
check computes both sides of the comparison with it, so they always agree with each other.
"""

from django.db import migrations, models

import factcheck.models

# The characters normalize_name removes before comparing: the marks NFKD separates from their letters
# (the Combining Diacritical Marks blocks) and the invisible ones (factcheck.text.INVISIBLE, its common part).
REMOVED = (
    r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
    r"\u00ad\u034f\u061c\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f\ufeff]"
)

CREATE = f"""
CREATE FUNCTION factcheck_claim_key(words text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN md5(btrim(regexp_replace(
    regexp_replace(lower(normalize(words, NFKD)), '{REMOVED}', '', 'g'),
    '[^[:alnum:]]+', ' ', 'g'
)))
"""


def create_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS factcheck_claim_key(text)")


# The planner has no figures for the key over the whole table (those of a partial index serve only
# the index), so it guessed a look-up of 20 keys would find 12,000 claims, and read the 120,000
# disputed or false ones beside the index (25 ms at a million claims, 250 ms with a cold cache).
# With statistics on the key, it reads the index alone: 0.2 ms.
STATISTICS = "claim_words_key_stats"


def create_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE STATISTICS {STATISTICS} ON (factcheck_claim_key(text)) FROM factcheck_claim")
        # Only claims already there are worth analysing: a new database's claims analysed empty
        # stay "empty" to the planner until autovacuum looks again, and every plan made meanwhile
        # (the triggers' among them, which scanned every claim for each claim written until
        # migration 0046) takes them for a page of rows.
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM factcheck_claim)")
            if cursor.fetchone()[0]:
                schema_editor.execute("ANALYZE factcheck_claim")


def drop_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}")


class Migration(migrations.Migration):
    dependencies = [("factcheck", "0043_appearance_venue_not_stated")]

    operations = [
        migrations.RunPython(create_function, drop_function),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(
                factcheck.models.ClaimKey("text"),
                condition=models.Q(
                    ("status__in", ["disputed", "false"]),
                    ("attribution__in", ["misattributed", "denied"]),
                    _connector="OR",
                ),
                name="claim_warned_words_idx",
            ),
        ),
        migrations.RunPython(create_statistics, drop_statistics),
    ]
