"""Fixtures shared by the test modules: uploads kept in a temporary directory, tasks run inline,
and the browser (Debian's Chromium driven by Playwright).

The browser is Debian's Chromium headless shell (package chromium-headless-shell) where it is
installed, else Debian's Chromium (package chromium). Without either the browser tests are
skipped, unless FACTCHECK_REQUIRE_BROWSER=1 (as in CI), where a missing browser is a failure.
"""

import itertools
import os
import threading
from pathlib import Path

import psycopg
import pytest
from django.db import connection, connections
from django.tasks import default_task_backend
from django.test import override_settings
from playwright.sync_api import expect, sync_playwright

from conftest import is_superuser, load_demo

# The headless shell is the same Chromium build (same version, same Blink) without the browser's
# windowing layers; Playwright runs it too for headless tests. It took half the CPU of
# `chromium --headless` on the same browser tests (docs/development.md), and Chromium's CPU is
# most of a browser test's.
HEADLESS_SHELL = Path("/usr/bin/chromium-headless-shell")
CHROMIUM = Path("/usr/bin/chromium")
LAPTOP = {"width": 1366, "height": 850}
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
DUMMY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}

# Playwright's 5 s default is tight on a loaded 2-core machine; a real failure still fails.
expect.set_options(timeout=10_000)


@pytest.fixture(scope="session")
def media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


TEST_NUMBERS = itertools.count()


@pytest.fixture(autouse=True)
def media_in_tmp(settings, media_root):
    """Uploaded and staged files go to the test's own directory, which the storage makes when it first
    writes: most tests write none, and pytest's tmp_path, made for each of them, was 1 ms a test."""
    location = media_root / str(next(TEST_NUMBERS))
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": location}},
    }
    return location


@pytest.fixture
def importer_client(client, admin_user):
    """A client signed in as the superuser, who imports."""
    client.force_login(admin_user)
    return client


@pytest.fixture
def tasks_run_inline():
    """The confirmed import runs inside the confirm request, as the worker would run it."""
    with override_settings(TASKS=IMMEDIATE):
        yield


@pytest.fixture
def tasks_are_only_recorded():
    """Tasks are enqueued, never run: the backend's `results` lists them."""
    with override_settings(TASKS=DUMMY):
        default_task_backend.clear()
        yield default_task_backend


# The sizes ANALYZE writes of each table and index, which the planner reads.
PLANNER_SIZES = """
    SELECT oid, reltuples, relpages, relallvisible FROM pg_class WHERE relnamespace = 'public'::regnamespace
"""


@pytest.fixture
def analysed(db):
    """For a test that runs ANALYZE: the sizes it wrote are put back when it ends.

    ANALYZE writes a table's size in place (pg_class.reltuples, relpages), which a rollback leaves:
    every later test in the same database planned for the tables as that test left them, and a plan
    test failed or passed by the order the tests ran in. Put back from another connection, as only a
    superuser may; for another user the sizes stay.
    """
    if not is_superuser(connection):
        yield
        return
    settings = connection.settings_dict
    where = {"dbname": settings["NAME"], "user": settings["USER"], "host": settings["HOST"], "port": settings["PORT"]}
    with psycopg.connect(**where, password=settings["PASSWORD"] or None, autocommit=True) as other:
        sizes = other.execute(PLANNER_SIZES).fetchall()
        yield
        # Committed at once: the test's rollback, after it, leaves pg_class as put back.
        other.cursor().executemany(
            "UPDATE pg_class SET reltuples = %s, relpages = %s, relallvisible = %s WHERE oid = %s",
            [(tuples, pages, visible, oid) for oid, tuples, pages, visible in sizes],
        )


@pytest.fixture(scope="module")
def browser(django_db_setup):
    executable = next((path for path in (HEADLESS_SHELL, CHROMIUM) if path.exists()), None)
    if executable is None:
        reason = f"Neither {HEADLESS_SHELL} nor {CHROMIUM} is installed (apt-get install chromium-headless-shell)"
        if os.environ.get("FACTCHECK_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason}, and FACTCHECK_REQUIRE_BROWSER=1 requires it.")
        pytest.skip(reason)
    # Playwright's sync API keeps an event loop running in this thread, which makes Django
    # refuse ORM calls here (fixtures, the flush after each test) unless told it is safe.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    serialized = {alias: getattr(connections[alias], "_test_serialized_contents", None) for alias in connections}
    playwright = sync_playwright().start()
    # With Playwright's loop running, Django hands this thread fresh connection objects, which
    # lack the snapshot that serialized_rollback restores (the Editors and Reviewers groups).
    for alias, contents in serialized.items():
        if contents is not None:
            connections[alias]._test_serialized_contents = contents
    chromium = playwright.chromium.launch(
        executable_path=str(executable),
        headless=True,
        args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    )
    yield chromium
    chromium.close()
    playwright.stop()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Serving:
    """The live server's app, counting the requests it is still serving.

    Closing the browser stops it asking, not the server answering: a request still running when
    the test's database is emptied takes its tables' locks in the other order, and PostgreSQL
    ends the flush as a deadlock (seen once, after a click that opened a claim page).
    """

    def __init__(self, app):
        self.app = app
        self.running = 0
        self.changed = threading.Condition()

    def __call__(self, environ, start_response):
        with self.changed:
            self.running += 1
        try:
            return self.app(environ, start_response)
        finally:
            with self.changed:
                self.running -= 1
                self.changed.notify_all()

    def wait_until_idle(self, timeout=30):
        with self.changed:
            if not self.changed.wait_for(lambda: self.running == 0, timeout):
                pytest.fail(f"The live server was still serving {self.running} request(s) after {timeout} s.")


@pytest.fixture
def live_server(live_server):
    """pytest-django's live server, which has answered every request before the test's database is emptied.

    The browser's pages (open_page) close first, being set up after this.
    """
    httpd = live_server.thread.httpd
    if not isinstance(httpd.get_app(), Serving):
        httpd.set_app(Serving(httpd.get_app()))
    yield live_server
    httpd.get_app().wait_until_idle()


@pytest.fixture
def demo_site(browser, live_server):
    """The demo (`load_demo --accounts`) served to the browser: its base URL."""
    with override_settings(DEBUG=True):  # as `make run` serves it: production refuses the demo accounts
        load_demo(accounts=True)
    return live_server.url


@pytest.fixture
def open_page(browser, live_server):
    """A new browser window of the given size (JavaScript on unless told otherwise)."""
    contexts = []

    def open_page(viewport=LAPTOP, javascript=True):
        context = browser.new_context(viewport=viewport, java_script_enabled=javascript)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
