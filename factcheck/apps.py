import contextlib
from pathlib import Path

from django.apps import AppConfig
from django.conf import settings
from django.db.backends.signals import connection_created


class FactcheckConfig(AppConfig):
    name = "factcheck"
    verbose_name = "Fact-checking"

    def ready(self):
        from factcheck import revisions

        connection_created.connect(revisions.on_connection_created)
        # Django spools large uploads there but does not create it. A process that cannot (a
        # build step with a read-only MEDIA_ROOT) takes no uploads anyway.
        with contextlib.suppress(OSError):
            Path(settings.FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
