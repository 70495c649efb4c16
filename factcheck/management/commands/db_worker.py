"""django-tasks-db's `db_worker`, which also fails the imports of workers that died.

A worker killed mid-task (SIGKILL, out of memory, a lost host) leaves its import job checking
or running for ever. Every worker here sweeps for such jobs (factcheck.tasks.fail_abandoned)
on a thread beside the tasks it runs, and removes the export files kept for
FACTCHECK_EXPORT_KEEP_DAYS (factcheck.tasks.sweep), so the deployment needs no second service or cron job:
the command keeps its name, as django.contrib.staticfiles' runserver keeps Django's.
"""

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from factcheck import tasks


class Command(db_worker.Command):
    help = f"{db_worker.Command.help}; it also fails import jobs whose worker died and removes old export files."

    def handle(self, *args, **options):
        # With --reload the tasks run in a child process, which sweeps; its parent only restarts it.
        if not options["reload"] or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            tasks.Sweeper().start()
        super().handle(*args, **options)
