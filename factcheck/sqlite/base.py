"""Django's SQLite backend, whose schema changes keep what the migrations wrote by hand.

SQLite cannot alter most of a table in place, so Django rebuilds it (`_remake_table`: a new
table from the model, the rows copied, the old table dropped, the new one renamed). What
Django's models do not know of went with the old table: the migrations' triggers (the
append-only history and its guards, the claims' outlets, the tallies) and a column's CHECK
written by hand. Worse, renaming the new table failed when a trigger of another table named
it ("error in trigger factcheck_claim_tally_insert: no such table: main.factcheck_article"),
so migrating back past 0039 stopped there.

Here every trigger is set aside for a rebuild and written again after it, so whatever a
migration rebuilds, forward or back, the guards stay. And a foreign key's column is dropped in
place, as SQLite can (3.35 and later) and Django does for other columns, instead of rebuilding
the table for it.

Each connection also gets `factcheck_claim_key` (factcheck.text.claim_key), which an index of the
claims computes (migration 0044).
"""

from django.db.backends.sqlite3 import base, schema

from factcheck.text import claim_key


class DatabaseSchemaEditor(schema.DatabaseSchemaEditor):
    def _remake_table(self, model, *args, **kwargs):
        triggers = self._triggers()
        for name in triggers:
            self.execute(f"DROP TRIGGER {self.quote_name(name)}")
        try:
            super()._remake_table(model, *args, **kwargs)
        finally:  # a rebuild that failed in a migration that is not atomic keeps its guards too
            for sql in triggers.values():
                self.execute(sql)

    def _triggers(self):
        """{name: the SQL that made it} of every trigger of the database, oldest first.

        Written again in that order, they keep it: SQLite runs a table's triggers newest first, which
        migration 0050 relies on."""
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY rowid")
            return dict(cursor.fetchall())

    def remove_field(self, model, field):
        # SQLite refuses to drop a column another part of the schema names (an index, a CHECK, a
        # trigger): an error then, where a rebuild would have dropped those silently.
        if field.many_to_one and not (field.primary_key or field.unique or field.db_index):
            table, column = self.quote_name(model._meta.db_table), self.quote_name(field.column)
            self.execute(self.sql_delete_column % {"table": table, "column": column})
        else:
            super().remove_field(model, field)


class DatabaseWrapper(base.DatabaseWrapper):
    SchemaEditorClass = DatabaseSchemaEditor

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        # What claim_warned_words_idx keeps of a claim (migration 0044), as Django's own functions are
        # given to each connection: every road that writes a claim through the app computes it.
        connection.create_function("factcheck_claim_key", 1, claim_key, deterministic=True)
        return connection
