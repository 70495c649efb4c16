from django.apps import AppConfig
from django.db.backends.signals import connection_created


class FactcheckConfig(AppConfig):
    name = "factcheck"
    verbose_name = "Fact-checking"

    def ready(self):
        from factcheck import revisions

        connection_created.connect(revisions.on_connection_created)
