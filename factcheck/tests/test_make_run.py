"""`make run`: the address it serves is the one the app's links and export ids start with."""

import os
import shutil
import subprocess

import pytest
from django.conf import settings

MAKE = shutil.which("make")
pytestmark = pytest.mark.skipif(MAKE is None, reason="make is not installed")


def run_make(tmp_path, *arguments, **environment):
    """`make run ...` with a stand-in Python that prints, for each command, its FACTCHECK_SITE_URL and arguments."""
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    python = bin_dir / "python"
    # The server waits a moment, as a real one would, so that the worker beside it has started.
    python.write_text('#!/bin/sh\necho "$FACTCHECK_SITE_URL $*"\n[ "$2" = runserver ] && sleep 1\nexit 0\n')
    python.chmod(0o755)
    (bin_dir / ".installed-run").touch()  # newer than requirements.txt: nothing is installed
    env = {key: value for key, value in os.environ.items() if key not in {"FACTCHECK_SITE_URL", "DATABASE_URL"}}
    result = subprocess.run(  # noqa: S603 the project's own Makefile, with the test's arguments
        [MAKE, "-s", "--no-print-directory", "run", f"VENV={tmp_path / 'venv'}", *arguments],
        cwd=settings.BASE_DIR,
        env={**env, **environment},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.splitlines()


def command(lines, name):
    [line] = [line for line in lines if f"manage.py {name}" in line]
    return line


def test_make_run_on_another_port_gives_the_app_that_address(tmp_path):
    lines = run_make(tmp_path, "PORT=8311")
    assert command(lines, "runserver") == "http://127.0.0.1:8311 manage.py runserver 127.0.0.1:8311"
    assert command(lines, "db_worker").startswith("http://127.0.0.1:8311 ")  # the emails it sends link there
    assert command(lines, "load_demo").startswith("http://127.0.0.1:8311 ")


def test_an_address_set_in_the_environment_is_kept(tmp_path):
    lines = run_make(tmp_path, "PORT=8311", FACTCHECK_SITE_URL="https://desk.example.org")
    assert command(lines, "runserver").startswith("https://desk.example.org ")
    assert command(lines, "db_worker").startswith("https://desk.example.org ")
