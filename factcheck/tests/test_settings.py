"""Production settings: refuse the development key, and `check --deploy` finds no issues."""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from factcheck import settings as settings_module

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-for-the-deploy-check",
    "ALLOWED_HOSTS": "factcheck.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://factcheck.example.org",
}


def manage(*args, **environment):
    env = {key: value for key, value in os.environ.items() if key not in PRODUCTION}
    env.update(environment)
    return subprocess.run(  # noqa: S603 our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_finds_no_issues_in_production_mode_and_says_so_as_the_guide_quotes():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr and "issues" not in result.stderr
    assert result.stdout == "System check identified no issues (0 silenced).\n"
    guide = (settings.BASE_DIR / "docs" / "deploying.md").read_text(encoding="utf-8")
    assert guide.count(f'"{result.stdout.strip()}"') == 2  # the commands' comment, and the decisions


def test_production_refuses_the_development_secret_key():
    result = manage("check", **(PRODUCTION | {"SECRET_KEY": settings_module.DEVELOPMENT_SECRET_KEY}))
    assert result.returncode != 0
    assert "development key" in result.stderr


def test_production_refuses_when_no_secret_key_is_set():
    environment = {key: value for key, value in PRODUCTION.items() if key != "SECRET_KEY"}
    result = manage("check", **environment)
    assert result.returncode != 0
    assert "development key" in result.stderr


def test_every_environment_variable_is_documented():
    source = (settings.BASE_DIR / "factcheck" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r'(?:environ\.get|env_bool|env_list)\("([A-Z_]+)"', source)) | {"DATABASE_URL"}
    assert len(read) > 20
    documented = (settings.BASE_DIR / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert {name for name in read if f"`{name}`" not in documented} == set()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner settings")
def test_the_apps_connections_plan_for_an_ssd_and_for_many_requests_at_once(db):
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone() == ("1.1",)
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone() == ("0",)
        cursor.execute("SHOW work_mem")
        assert cursor.fetchone() == ("16MB",)


@pytest.mark.parametrize(
    "name, value",
    [
        *[("DATABASE_WORK_MEM", memory) for memory in ("16MB -c fsync=off", "32kB", "2048GB", "lots")],
        *[("DATABASE_RANDOM_PAGE_COST", cost) for cost in ("cheap", "-1", "nan", "1.1 -c fsync=off")],
        *[("DATABASE_PARALLEL_WORKERS", workers) for workers in ("two", "-1", "1.5")],
    ],
)
def test_a_planner_setting_that_postgresql_would_refuse_is_refused_by_name(name, value):
    result = manage("check", DATABASE_URL="postgres://app@db.internal/factcheck", **{name: value})
    assert result.returncode != 0
    assert f"{name}={value!r}" in result.stderr


def test_the_options_a_database_url_gives_are_kept_after_the_apps_own():
    url = "postgres://app@db.internal/factcheck?options=-c%20statement_timeout%3D5000%20-c%20work_mem%3D64MB"
    command = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS']['options'])"
    result = manage("shell", "-c", command, DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("-c work_mem=16MB -c statement_timeout=5000 -c work_mem=64MB")


@pytest.mark.parametrize("environment", [{"DEBUG": "1"}, PRODUCTION], ids=["debug", "production"])
def test_each_of_djangos_messages_is_logged_once_at_the_level_asked(environment):
    """Django logs to its own console handler when DEBUG is on; the root's printed the same lines again."""
    said = "import logging; logging.getLogger('django.request').warning('Not Found: /nowhere'); "
    said += "logging.getLogger('django.utils.autoreload').info('Watching for file changes')"
    shown = manage("shell", "-c", said, **environment).stderr
    assert shown.count("Not Found: /nowhere") == 1, shown
    assert shown.count("Watching for file changes") == 1, shown
    quiet = manage("shell", "-c", said, LOG_LEVEL="WARNING", **environment).stderr
    assert quiet.count("Not Found: /nowhere") == 1, quiet
    assert "Watching for file changes" not in quiet


def test_each_environment_variable_is_described_in_one_row_only():
    """Two rows for one variable drift apart: the page once told email twice, differently."""
    documented = (settings.BASE_DIR / "docs" / "configuration.md").read_text(encoding="utf-8")
    first_cells = re.findall(r"^\| (.+?) \|", documented, re.MULTILINE)
    names = [name for cell in first_cells for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", cell)]
    assert len(names) > 20
    assert sorted({name for name in names if names.count(name) > 1}) == []
