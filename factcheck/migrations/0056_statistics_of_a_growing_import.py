"""PostgreSQL: `factcheck_analyze_looked_up()`, which an import calls as its claims outgrow their statistics
(importing.writing.Statistics).

ANALYZE inside the import's transaction counts the rows it has written, and every plan the
triggers made on those tables is made again. Only a table's owner may analyse it, and the
application's role owns nothing (grant_app_role): the function runs as the owner, with a
search_path no session's temporary table comes first on.
"""

import importlib

from django.db import migrations

run = importlib.import_module("factcheck.migrations.0002_append_only_events_and_search").run
AS_OWNER = importlib.import_module("factcheck.migrations.0049_outlets_count_each_claim_once").AS_OWNER

# The tables the triggers look each statement's rows up in: the claims, their appearances, their outlets, the stories.
POSTGRES_FORWARD = [
    f"""
    CREATE FUNCTION factcheck_analyze_looked_up() RETURNS void LANGUAGE plpgsql {AS_OWNER} AS $$
    BEGIN
        ANALYZE factcheck_claim, factcheck_appearance, factcheck_claimoutlet, factcheck_article;
    END;
    $$;
    """
]
POSTGRES_BACKWARD = ["DROP FUNCTION factcheck_analyze_looked_up();"]


class Migration(migrations.Migration):
    dependencies = [("factcheck", "0055_statement_triggers_by_index")]

    operations = [
        migrations.RunPython(run({"postgresql": POSTGRES_FORWARD}), run({"postgresql": POSTGRES_BACKWARD})),
    ]
