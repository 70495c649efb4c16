"""The import_claims command: summary, errors with file:line:column, exit status, who the import is recorded under."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from factcheck.management.commands.import_claims import SYSTEM_USERNAME, ProgressBar
from factcheck.models import Claim, ImportJob
from factcheck.tests.test_import import SAMPLE, csv_text, row, write_file

pytestmark = pytest.mark.django_db


def run(*args, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_claims", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_an_import_prints_a_summary_and_is_recorded_under_the_system_account_by_default():
    out, err = run(str(SAMPLE))
    job = ImportJob.objects.get()
    assert f"Import #{job.pk} (CSV)" in out
    assert "8 claims were created" in out
    assert Claim.objects.count() == 8
    assert "\r" not in err  # no progress bar when not on a terminal
    system = User.objects.get(username=SYSTEM_USERNAME)
    assert job.created_by == system
    assert not system.is_active and not system.has_usable_password()


def test_an_import_is_recorded_under_the_user_named(editor):
    run(str(SAMPLE), user="alice")
    assert ImportJob.objects.get().created_by == editor
    assert Claim.objects.first().events.get().by == editor


def test_an_unknown_user_is_refused_before_anything_is_read():
    with pytest.raises(CommandError, match="no user 'nobody'"):
        run(str(SAMPLE), user="nobody")
    assert not ImportJob.objects.exists()


def test_an_invalid_file_fails_with_each_error_as_file_line_column(tmp_path):
    path = write_file(tmp_path, csv_text(row(status="probably"), row("", "Nobody")))
    with pytest.raises(CommandError, match="2 of 2 rows have errors") as failure:
        call_command("import_claims", str(path), stdout=io.StringIO(), stderr=(err := io.StringIO()))
    lines = err.getvalue().splitlines()
    assert lines[0] == (
        "claims.csv:2:22: status: “probably” is not one of: "
        "unconfirmed (Unable to independently confirm), verified, disputed, false"
    )
    assert lines[1] == "claims.csv:3:2: claim: the claim text is empty"
    assert "rejected.csv" in lines[2]
    assert failure.value.returncode == 1
    assert Claim.objects.count() == 0


def test_a_refused_file_names_the_option_that_skips_its_invalid_rows(tmp_path):
    """It said only "import with “skip invalid rows”", the admin's words: the command's option is --skip-invalid."""
    path = write_file(tmp_path, csv_text(row("Good."), row("Bad.", status="probably")))
    with pytest.raises(CommandError, match="--skip-invalid"):
        run(str(path))
    run(str(path), skip_invalid=True)
    assert Claim.objects.count() == 1


def test_a_dry_run_imports_nothing_and_says_what_would_happen():
    out, _ = run(str(SAMPLE), dry_run=True)
    assert "Dry run, nothing imported" in out and "8 claims would be created" in out
    assert Claim.objects.count() == 0


def test_skipping_invalid_rows_imports_the_rest_and_lists_the_rejected(tmp_path):
    path = write_file(tmp_path, csv_text(row("Good."), row("Bad.", status="probably")))
    out, err = run(str(path), skip_invalid=True)
    assert "1 claim was created" in out and "1 row rejected" in out
    assert err.startswith("claims.csv:3:22: status:")
    assert Claim.objects.count() == 1


def test_the_format_can_be_named(tmp_path):
    path = write_file(tmp_path, '{"claim": "One.", "speaker": "A"}\n{"claim": "Two.", "speaker": "B"}\n', "claims.txt")
    run(str(path), format="json")
    assert Claim.objects.count() == 2


def test_a_missing_file_is_an_error():
    with pytest.raises(CommandError, match="no such file"):
        run("/nonexistent/claims.csv")


def test_the_progress_bar_redraws_one_line():
    out = io.StringIO()

    class Terminal:
        def write(self, text, ending="\n"):
            out.write(text + ending)

        def flush(self):
            pass

    bar = ProgressBar(Terminal())
    bar("reading", 50, 100)
    bar("reading", 50, 100)
    bar("writing", 100, 100)
    bar.finish()
    assert out.getvalue() == f"\rreading  [{'#' * 15:<30}]  50%\rwriting  [{'#' * 30}] 100%\n"
