"""Importing through the admin: upload, preview, confirm, the background task, its progress and result.

Also the admin-side half of the bad-file corpus (each file answers 4xx with its line and column,
and nothing is written), the permissions on every screen, and the "export selected" actions.
"""

import csv
import io
import json
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from factcheck import admin_import, importing, tasks
from factcheck.models import Claim, ImportJob, ImportMode, ImportState, PublishedVerdict, VerificationEvent
from factcheck.tests.factories import make_appearance, make_claim
from factcheck.tests.test_import import SAMPLE, counts, csv_text, refused_since_the_preview, row
from factcheck.tests.test_import_bad_files import BAD_FILES, XLSX
from factcheck.tests.test_import_formats import claimreview
from factcheck.tests.test_publishing import decide

pytestmark = pytest.mark.django_db

CLAIMS = reverse("admin:factcheck_claim_changelist")
JOBS = reverse("admin:factcheck_importjob_changelist")
UPLOAD = reverse("admin:factcheck_importjob_upload")


def job_url(view, job):
    return reverse(f"admin:factcheck_importjob_{view}", args=[job.pk])


def upload(client, content, name="claims.csv", *, follow=False, **fields):
    data = content if isinstance(content, bytes) else content.encode()
    return client.post(
        UPLOAD, {"file": SimpleUploadedFile(name, data), "mode": ImportMode.ATOMIC, **fields}, follow=follow
    )


def uploaded_job(client, content, name="claims.csv", **fields):
    response = upload(client, content, name, **fields)
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ImportJob.objects.latest("id")
    assert response["Location"] == job_url("import", job)
    return job


def html(response):
    return response.content.decode()


# The flow, end to end


def test_an_import_goes_from_upload_through_preview_and_confirmation_to_its_result(
    importer_client, admin_user, tasks_run_inline
):
    form = importer_client.get(UPLOAD)
    assert form.status_code == 200
    assert 'enctype="multipart/form-data"' in html(form)
    assert "csrfmiddlewaretoken" in html(form)
    assert "At most <strong>200\xa0MB</strong>" in html(form) and "1,000,000 rows" in html(form)

    before = counts()
    job = uploaded_job(importer_client, SAMPLE.read_bytes(), "sample-claims.csv")
    assert counts() == before

    preview = importer_client.get(job_url("import", job))
    page = html(preview)
    assert preview.status_code == 200
    assert '<tr><th scope="row">New claims</th><td>8</td></tr>' in page
    assert '<tr><th scope="row">Updated claims</th><td>0</td></tr>' in page
    assert '<tr><th scope="row">New speakers</th><td>7: Andrii Kovalenko, Antony Blinken' in page
    assert "Kyiv Independent" in page
    assert job_url("confirm", job) in page and job_url("cancel", job) in page

    result = importer_client.post(job_url("confirm", job), follow=True)
    page = html(result)
    assert result.redirect_chain == [(job_url("import", job), 302)]
    job.refresh_from_db()
    assert job.state == ImportState.SUCCEEDED, job.message
    assert job.processed_rows == 8
    assert Claim.objects.count() == 8
    events = VerificationEvent.objects.all()
    assert events.count() == 8
    assert set(events.values_list("by__username", flat=True)) == {"root"}
    assert all(f"(import #{job.pk})" in reason for reason in events.values_list("reason", flat=True))

    assert '<progress value="100" max="100">' in page
    assert "8 of 8 rows written (100%)" in page
    assert "Succeeded" in page
    assert '<tr><th scope="row">New claims</th><td>8</td></tr>' in page
    assert f", in {admin_import.took(job)}</p>" in page
    assert 'hx-trigger="every 1s"' not in page


def test_an_import_that_changes_nothing_says_so_on_its_button_and_its_result(importer_client, tasks_run_inline):
    """An export of the same claims imported back asked "Confirm: import 41 rows" and answered "41 of 41
    rows written (100%)" beside "0 created, 0 updated, 41 unchanged": nothing was written."""
    file = csv_text(row("One."), row("Two."))
    importer_client.post(job_url("confirm", uploaded_job(importer_client, file)))
    again = uploaded_job(importer_client, file)
    preview = html(importer_client.get(job_url("import", again)))
    assert 'value="Confirm: 2 rows unchanged, nothing to write"' in preview
    importer_client.post(job_url("confirm", again))
    again.refresh_from_db()
    assert (again.state, again.unchanged_count, again.created_count, again.updated_count) == ("succeeded", 2, 0, 0)
    result = html(importer_client.get(job_url("import", again)))
    assert "2 of 2 rows unchanged (100%): nothing was written." in result and "written (" not in result
    # One that writes says so as before.
    first = ImportJob.objects.earliest("id")
    assert "2 of 2 rows written (100%)." in html(importer_client.get(job_url("import", first)))
    # One that writes some rows and leaves others as they stand says both.
    mixed = uploaded_job(importer_client, csv_text(row("One."), row("Two."), row("Three.")))
    assert 'value="Confirm: import 3 rows (2 unchanged)"' in html(importer_client.get(job_url("import", mixed)))
    importer_client.post(job_url("confirm", mixed))
    assert "3 of 3 rows done (100%): 1 written, 2 unchanged." in html(importer_client.get(job_url("import", mixed)))


def test_a_file_refused_for_its_bad_rows_is_checked_again_skipping_them_without_a_new_upload(
    importer_client, tasks_run_inline
):
    """The page said "import with “skip invalid rows”" and offered no way to but uploading the file again."""
    job = uploaded_job(
        importer_client, "claim,speaker,quantity_value\nThe dam was hit.,Kovalenko,\nIt held.,Shmyhal,lots\n"
    )
    job.refresh_from_db()
    assert job.state == ImportState.INVALID
    page = html(importer_client.get(job_url("import", job)))
    assert re.search(r'<input type="radio" name="mode" value="skip_invalid"[^>]*>', page)
    columns = {"column_1": "claim", "column_2": "speaker", "column_3": "quantity_value"}
    response = importer_client.post(job_url("recheck", job), {"mode": ImportMode.SKIP_INVALID, **columns})
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.state, job.mode) == (ImportState.VALIDATED, ImportMode.SKIP_INVALID)
    assert (job.created_count, job.rejected_count) == (1, 1)
    importer_client.post(job_url("confirm", job))
    assert list(Claim.objects.values_list("text", flat=True)) == ["The dam was hit."]


def test_the_mode_radios_are_one_group_named_by_its_legend_on_upload_and_re_check(importer_client, tasks_run_inline):
    job = uploaded_job(importer_client, "claim,speaker\nIt held.,Shmyhal\nIt held.,\n")
    for url in (UPLOAD, job_url("import", job)):
        page = html(importer_client.get(url))
        group = re.search(r"<fieldset[^>]*>\s*<legend[^>]*>Mode:?</legend>(.*?)</fieldset>", page, re.S)
        assert group, url
        assert 'name="mode" value="atomic"' in group[1] and 'name="mode" value="skip_invalid"' in group[1]
        assert 'for=""' not in page  # no label pointing at nothing


def test_the_preview_lists_what_the_file_holds_that_the_importer_does_not_know(importer_client, tasks_run_inline):
    csv_job = uploaded_job(importer_client, "claim,speaker,Desk notes\nThe dam was hit.,Kovalenko,ask\n")
    page = html(importer_client.get(job_url("import", csv_job)))
    assert '<th scope="row">Columns ignored</th><td>Desk notes</td>' in page
    record = {"claim": "The dam was hit.", "speaker": "Kovalenko", "<b>notes</b>": "ask"}
    json_job = uploaded_job(importer_client, json.dumps([record]), name="claims.json")
    page = html(importer_client.get(job_url("import", json_job)))
    assert '<th scope="row">Keys ignored</th><td>&lt;b&gt;notes&lt;/b&gt;</td>' in page  # escaped
    page_graph = {"@graph": [{"@type": "WebPage", "name": "Fact check"}, claimreview(1)]}
    graph_job = uploaded_job(importer_client, json.dumps(page_graph), name="page.json")
    page = html(importer_client.get(job_url("import", graph_job)))
    assert '<th scope="row">Other types ignored</th><td>WebPage</td>' in page


def test_confirming_does_not_read_the_uploaded_file_again(importer_client, tasks_run_inline, monkeypatch):
    job = uploaded_job(importer_client, csv_text(row(), row("Another claim.")))

    def no_reading(*args, **kwargs):
        raise AssertionError("the file was read again")

    monkeypatch.setattr(importing, "FileRows", no_reading)
    monkeypatch.setattr(importing, "validate", no_reading)
    importer_client.post(job_url("confirm", job))
    job.refresh_from_db()
    assert job.state == ImportState.SUCCEEDED, job.message
    assert Claim.objects.count() == 2


def test_a_valid_file_is_previewed_without_writing_and_cancelled_without_trace(importer_client, tasks_run_inline):
    job = uploaded_job(importer_client, csv_text(row()))
    staged = job.staged_path
    response = importer_client.post(job_url("cancel", job), follow=True)
    assert response.redirect_chain == [(CLAIMS, 302)]
    assert "cancelled; nothing was imported" in html(response)
    job.refresh_from_db()
    assert job.state == ImportState.FAILED
    assert job.staged_path == "" and not importing.job_directory(job).exists()
    assert staged
    importer_client.post(job_url("confirm", job))
    job.refresh_from_db()
    assert job.state == ImportState.FAILED
    assert Claim.objects.count() == 0


# Bad files


@pytest.mark.parametrize("bad", BAD_FILES, ids=str)
def test_a_bad_file_uploaded_in_the_admin_answers_4xx_with_its_line_and_column_and_writes_nothing(
    bad, importer_client, settings, tasks_run_inline
):
    for name, value in bad.settings.items():
        setattr(settings, name, value)
    before = counts()
    # Checked in the background, then shown on the job's page; a file over the size limit is
    # refused by the upload itself.
    response = upload(importer_client, bad.content, bad.filename, follow=True)
    assert response.status_code == 422
    assert response.redirect_chain in ([], [(job_url("import", ImportJob.objects.latest("id")), 302)])
    page = html(response)
    assert f'<td class="line">{bad.line}</td><td class="column">{bad.column}</td>' in page
    assert escape(bad.says) in page
    assert "This file cannot be imported" in page
    assert job_url("confirm", ImportJob.objects.latest("id")) not in page
    assert counts() == before


def test_what_a_bad_file_holds_is_shown_escaped(importer_client, tasks_run_inline):
    response = upload(importer_client, csv_text(row(status="<script>alert(1)</script>")), follow=True)
    assert response.status_code == 422
    assert "<script>alert(1)" not in html(response)
    assert "&lt;script&gt;alert(1)" in html(response)


def test_the_error_report_of_a_refused_file_downloads_as_csv(importer_client, tasks_run_inline):
    upload(importer_client, csv_text(row(), row("Second.", status="probably"), row("Third.", speaker="!!!")))
    job = ImportJob.objects.latest("id")
    assert job.state == ImportState.INVALID
    response = importer_client.get(job_url("report", job))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert lines[0][:4] == ["line", "column", "field", "error"]
    assert [line[:2] for line in lines[1:]] == [["3", "22"], ["4", "8"]]


def test_the_error_report_of_an_unreadable_file_lists_its_error(importer_client, tasks_run_inline):
    upload(importer_client, b"claim,speaker\nab\x00c,Kovalenko\n")
    job = ImportJob.objects.latest("id")
    response = importer_client.get(job_url("report", job))
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0] == ["line", "column", "field", "error"]
    assert lines[1][:2] == ["2", "3"] and "NUL" in lines[1][3]


def test_the_error_reports_start_with_a_byte_order_mark_so_that_excel_reads_them_as_utf_8(
    importer_client, tasks_run_inline
):
    # Without it Excel on Windows read the downloads as Windows-1252: "Kovalenko – adviser" came out
    # as "Kovalenko â€“ adviser", in the very file the desk corrects and imports again.
    rows = [row("Prices rose 13% – says minister.", status="probably")]
    job = uploaded_job(importer_client, csv_text(*rows), mode=ImportMode.SKIP_INVALID)
    rejected = b"".join(importer_client.get(job_url("report", job)).streaming_content)
    assert rejected.startswith(b"\xef\xbb\xbfline,column,field,error,")
    assert "Prices rose 13% – says minister." in rejected.decode("utf-8-sig")
    upload(importer_client, "claim,speaker\nOne – two,Zoë\x00\n")
    errors = importer_client.get(job_url("report", ImportJob.objects.latest("id")))
    assert errors.content.startswith(b"\xef\xbb\xbfline,column,field,error")


def test_an_upload_without_a_file_shows_the_form_again_with_400(importer_client):
    response = importer_client.post(UPLOAD, {"mode": ImportMode.ATOMIC})
    assert response.status_code == 400
    assert "This field is required." in html(response)
    assert not ImportJob.objects.exists()


# Skip-invalid mode


def test_skipping_invalid_rows_commits_the_others_and_the_rejected_rows_download(importer_client, tasks_run_inline):
    rows = [row("One."), row("Two.", speaker="!!!"), row("Three."), row("Four.", status="probably"), row("Five.")]
    job = uploaded_job(importer_client, csv_text(*rows), mode=ImportMode.SKIP_INVALID)
    preview = html(importer_client.get(job_url("import", job)))
    assert '<tr><th scope="row">Rows rejected</th><td>2</td></tr>' in preview
    assert "Download the rejected rows" in preview

    importer_client.post(job_url("confirm", job))
    job.refresh_from_db()
    assert job.state == ImportState.SUCCEEDED, job.message
    assert Claim.objects.count() + job.rejected_count == job.total_rows == len(rows)
    assert set(Claim.objects.values_list("text", flat=True)) == {"One.", "Three.", "Five."}

    result = html(importer_client.get(job_url("import", job)))
    # Of the file's 5 rows, as the summary below counts them ("3 of 3 rows written" counted the staged rows).
    assert "5 of 5 rows done (100%): 3 written, 2 rejected." in result
    assert "5 rows: 3 claims were created, 0 updated, 0 unchanged; 2 rows rejected" in result
    assert "Download the rejected rows" in result
    response = importer_client.get(job_url("report", job))
    assert response["Content-Disposition"] == f'attachment; filename="import-{job.pk}-rejected-rows.csv"'
    rejected = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [(line["line"], line["claim"]) for line in rejected] == [("3", "Two."), ("5", "Four.")]


def test_a_new_speaker_whose_every_row_is_refused_is_not_previewed_as_new(importer_client, tasks_run_inline):
    rows = [
        row("One.", speaker="Valerii Zaluzhnyi"),
        row("Two.", speaker="Oleksandr Syrskyi", status="verified"),  # no supporting evidence: refused
        row("Three.", speaker="!!!"),  # refused by the file's own checks
        row("Four.", speaker="Oleksandr Syrskyi", status="false"),  # no refuting evidence: refused
        row("Five.", speaker="Kyrylo Budanov", outlet="Ukrainska Pravda", venue="statement_to_outlet"),
    ]
    job = uploaded_job(importer_client, csv_text(*rows), mode=ImportMode.SKIP_INVALID)
    preview = html(importer_client.get(job_url("import", job)))
    assert "<td>2: Kyrylo Budanov, Valerii Zaluzhnyi</td>" in preview
    assert "Syrskyi" not in preview.split("Rows rejected")[0]
    # The database side's refusals (lines 3 and 5) among the file's own (line 4), in the file's order.
    assert re.findall(r'<td class="line">(\d+)</td>', preview) == ["3", "4", "5"]

    importer_client.post(job_url("confirm", job))
    job.refresh_from_db()
    assert (job.state, job.new_speakers, job.rejected_count) == (ImportState.SUCCEEDED, 2, 3)
    assert job.message.endswith("3 rows rejected; 2 new speakers and 1 new outlet.")
    assert "2 claims were created" in job.message


def test_the_preview_of_a_json_file_says_what_can_be_changed_in_a_sentence(importer_client, tasks_run_inline):
    job = uploaded_job(importer_client, json.dumps([row("One.")]), name="claims.json")
    preview = " ".join(html(importer_client.get(job_url("import", job))).split())
    assert "Change the encoding, the date order or whether invalid rows are skipped, and the file is checked" in preview
    assert "1 claim would be created, 0 updated, 0 unchanged; 1 new speaker and 0 new outlets." in preview
    assert 'value="Confirm: import 1 row"' in preview


def test_an_import_refused_since_the_preview_shows_every_refused_row_and_their_download(
    importer_client, admin_user, editor, tmp_path, monkeypatch, tasks_run_inline
):
    job = refused_since_the_preview(admin_user, editor, tmp_path, monkeypatch, ImportMode.ATOMIC, refused=(3, 6))
    importer_client.post(job_url("confirm", job))
    job.refresh_from_db()
    assert (job.state, job.rejected_count) == (ImportState.FAILED, 2)
    page = html(importer_client.get(job_url("import", job)))
    assert "the rules now refuse 2 of the 7 rows. Nothing was imported." in page
    assert '<td class="line">4</td>' in page and '<td class="line">7</td>' in page
    assert "Download the rejected rows with their errors (CSV)" in page
    response = importer_client.get(job_url("report", job))
    assert response["Content-Disposition"] == f'attachment; filename="import-{job.pk}-rejected-rows.csv"'
    rejected = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [(line["line"], line["field"]) for line in rejected] == [("4", "status"), ("7", "status")]


# Permissions


def test_the_import_button_is_shown_only_to_those_who_may_import(importer_client, editor, client):
    assert UPLOAD in html(importer_client.get(CLAIMS))
    client.force_login(editor)
    page = html(client.get(CLAIMS))
    assert "Mark verified" in page  # the editor's own changelist, without the button
    assert UPLOAD not in page


@pytest.fixture
def validated_job(admin_user, tmp_path):
    source = tmp_path / "claims.csv"
    source.write_text(csv_text(row()))
    return importing.validate(source, filename="claims.csv", user=admin_user)


def every_import_request(job):
    return [
        ("get", UPLOAD),
        ("post", UPLOAD),
        ("get", JOBS),
        ("get", job_url("import", job)),
        ("get", job_url("progress", job)),
        ("post", job_url("confirm", job)),
        ("post", job_url("cancel", job)),
        ("get", job_url("report", job)),
        ("get", reverse("admin:factcheck_importjob_change", args=[job.pk])),
    ]


@pytest.mark.parametrize("persona", ["editor", "reviewer"])
def test_staff_without_the_import_permission_are_refused_every_import_screen(persona, request, client, validated_job):
    client.force_login(request.getfixturevalue(persona))
    for method, url in every_import_request(validated_job):
        response = getattr(client, method)(url, HTTP_HX_REQUEST="true" if "progress" in url else None)
        assert response.status_code == 403, (method, url)
    validated_job.refresh_from_db()
    assert validated_job.state == ImportState.VALIDATED


def test_outsiders_are_sent_to_the_admin_login(outsider_client, validated_job):
    for method, url in every_import_request(validated_job):
        response = getattr(outsider_client, method)(url)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith(reverse("admin:login"))


def test_a_forged_confirmation_from_a_reviewer_is_refused(reviewer_client, validated_job, tasks_are_only_recorded):
    response = reviewer_client.post(job_url("confirm", validated_job))
    assert response.status_code == 403
    validated_job.refresh_from_db()
    assert validated_job.state == ImportState.VALIDATED
    assert tasks_are_only_recorded.results == []


def test_the_confirmation_needs_the_csrf_token(admin_user, validated_job, tasks_are_only_recorded):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    assert client.post(job_url("confirm", validated_job)).status_code == 403
    assert tasks_are_only_recorded.results == []


@pytest.mark.parametrize("view", ["confirm", "cancel"])
def test_the_actions_answer_405_to_a_get(importer_client, validated_job, view):
    assert importer_client.get(job_url(view, validated_job)).status_code == 405


def test_the_pages_answer_405_to_a_post(importer_client, validated_job):
    assert importer_client.post(job_url("import", validated_job)).status_code == 405
    assert importer_client.post(job_url("progress", validated_job)).status_code == 405


# Confirmation, the task and its progress


def test_a_double_confirmation_queues_the_import_once(importer_client, validated_job, tasks_are_only_recorded):
    first = importer_client.post(job_url("confirm", validated_job), follow=True)
    second = importer_client.post(job_url("confirm", validated_job), follow=True)
    assert "<h2>Queued</h2>" in html(first)
    assert "was not waiting for confirmation" in html(second)
    assert len(tasks_are_only_recorded.results) == 1
    assert tasks_are_only_recorded.results[0].args == [validated_job.pk]
    validated_job.refresh_from_db()
    assert validated_job.state == ImportState.QUEUED


def test_a_double_confirmation_runs_the_import_once(importer_client, validated_job, tasks_run_inline):
    stale = ImportJob.objects.get(pk=validated_job.pk)
    importer_client.post(job_url("confirm", validated_job))
    importer_client.post(job_url("confirm", validated_job))
    assert tasks.start_import(stale) is False
    assert Claim.objects.count() == 1
    assert VerificationEvent.objects.count() == 1


def test_the_task_does_not_run_a_job_twice(validated_job, tasks_are_only_recorded):
    assert tasks.start_import(validated_job)
    assert tasks.run_import.call(validated_job.pk) == ImportState.SUCCEEDED
    assert tasks.run_import.call(validated_job.pk) == ImportState.SUCCEEDED
    assert VerificationEvent.objects.count() == 1


def test_a_job_whose_staged_rows_are_gone_fails_instead_of_running_for_ever(validated_job, tasks_are_only_recorded):
    tasks.start_import(validated_job)
    Path(validated_job.staged_path).unlink()
    with pytest.raises(FileNotFoundError):
        tasks.run_import.call(validated_job.pk)
    validated_job.refresh_from_db()
    assert validated_job.state == ImportState.FAILED
    assert "Nothing was imported" in validated_job.message
    assert Claim.objects.count() == 0


def progress(client, job):
    return client.get(job_url("progress", job), HTTP_HX_REQUEST="true")


def test_the_progress_partial_polls_while_the_import_runs_and_stops_when_it_ends(
    importer_client, validated_job, tasks_run_inline, django_assert_max_num_queries
):
    ImportJob.objects.filter(pk=validated_job.pk).update(state=ImportState.RUNNING)
    with django_assert_max_num_queries(3):  # the session, the user, the job: polled every second
        running = progress(importer_client, validated_job)
    fragment = html(running)
    assert running.status_code == 200
    assert "HX-Request" in running["Vary"]
    assert "<html" not in fragment and "<body" not in fragment
    assert fragment.lstrip().startswith('<section id="import-progress"')
    assert '<progress value="0" max="100">' in fragment
    assert f'hx-get="{job_url("progress", validated_job)}" hx-trigger="every 1s"' in fragment
    assert "0 of 1 row written (0%)" in fragment

    ImportJob.objects.filter(pk=validated_job.pk).update(state=ImportState.VALIDATED)
    importer_client.post(job_url("confirm", validated_job))
    finished = html(progress(importer_client, validated_job))
    assert "<html" not in finished
    assert '<progress value="100" max="100">' in finished
    assert "hx-trigger" not in finished and "hx-get" not in finished
    assert "1 of 1 row written (100%)" in finished
    assert '<tr><th scope="row">New claims</th><td>1</td></tr>' in finished


def test_the_job_page_follows_the_job_and_leaves_no_queued_banner_behind(
    importer_client, validated_job, tasks_are_only_recorded, settings
):
    settings.TIME_ZONE = "America/New_York"
    page = html(importer_client.post(job_url("confirm", validated_job), follow=True))
    assert '<ul class="messagelist">' not in page  # the panel below says it, and changes with the job
    assert "<h2>Queued</h2>" in page
    assert re.search(r"uploaded by root\s+on <time datetime=\S+>\d+ \w+ \d{4}, \d\d:\d\d E[SD]T</time>", page)
    # Named as the app names people: their full name, once they have one.
    User.objects.filter(username="root").update(first_name="Rosa", last_name="Ortiz")
    assert "uploaded by Rosa Ortiz" in html(importer_client.get(job_url("import", validated_job)))

    tasks.run_import.call(validated_job.pk)
    finished = html(progress(importer_client, validated_job))
    assert "<h2>Succeeded</h2>" in finished
    assert "Queued" not in finished
    assert re.search(r"Finished <time datetime=\S+>\d+ \w+ \d{4}, \d\d:\d\d E[SD]T</time>", finished)

    ImportJob.objects.filter(pk=validated_job.pk).update(state=ImportState.FAILED, message="The disk is full.")
    failed = html(progress(importer_client, validated_job))
    assert "<h2>Failed, nothing imported</h2>" in failed


def test_the_job_page_loads_htmx_and_sends_the_csrf_token_with_it(importer_client, validated_job):
    ImportJob.objects.filter(pk=validated_job.pk).update(state=ImportState.QUEUED)
    page = html(importer_client.get(job_url("import", validated_job)))
    assert "htmx" in page and "<script" in page
    assert """hx-headers='{"x-csrftoken": """ in page
    assert 'hx-trigger="every 1s"' in page
    assert "waiting for the task worker" in page


def test_the_progress_url_without_htmx_goes_to_the_job_page(importer_client, validated_job):
    response = importer_client.get(job_url("progress", validated_job))
    assert response.status_code == 302
    assert response["Location"] == job_url("import", validated_job)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_task_reports_its_progress_where_the_job_page_sees_it_while_the_import_runs(
    transactional_db, admin_user, tmp_path, monkeypatch
):
    monkeypatch.setattr(importing, "BATCH_ROWS", 2)
    source = tmp_path / "claims.csv"
    source.write_text(csv_text(*[row(f"Claim {n}.") for n in range(5)]))
    job = importing.validate(source, filename="claims.csv", user=admin_user)
    seen = []
    report = tasks.Progress.__call__

    def watched(progress, done, total):
        report(progress, done, total)
        # What the job page would show now, while apply() still holds its transaction open.
        seen.append(tasks.progress_done(ImportJob.objects.get(pk=job.pk)))

    monkeypatch.setattr(tasks.Progress, "__call__", watched)
    ImportJob.objects.filter(pk=job.pk).update(state=ImportState.QUEUED)
    assert tasks.run_import.call(job.pk) == ImportState.SUCCEEDED
    assert seen == [2, 4, 5]
    assert ImportJob.objects.get(pk=job.pk).processed_rows == 5
    importing.discard(job)


# The ImportJob admin


def test_the_import_jobs_are_listed_with_their_counts_and_read_only(importer_client, validated_job):
    page = html(importer_client.get(JOBS))
    assert "claims.csv" in page
    assert "1 new · 0 updated · 0 unchanged" in page
    assert job_url("import", validated_job) in page
    assert UPLOAD in page
    assert reverse("admin:factcheck_importjob_add") not in page
    detail = importer_client.get(reverse("admin:factcheck_importjob_change", args=[validated_job.pk]))
    assert detail.status_code == 200
    assert 'name="_save"' not in html(detail)
    assert job_url("import", validated_job) in html(detail)
    assert importer_client.get(reverse("admin:factcheck_importjob_add")).status_code == 403


# Export selected claims


@pytest.fixture
def three_claims(db):
    return [make_claim(f"Claim {n} to export.") for n in range(3)]


def export(client, action, claims):
    return client.post(CLAIMS, {"action": action, "_selected_action": [claim.pk for claim in claims]})


def test_exporting_selected_claims_as_csv_downloads_exactly_those(importer_client, three_claims):
    response = export(importer_client, "export_csv", three_claims[:2])
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert sorted(row["claim"] for row in rows) == ["Claim 0 to export.", "Claim 1 to export."]


def test_exporting_selected_claims_as_claimreview_downloads_exactly_those(importer_client, editor, three_claims):
    for claim in three_claims:  # published: a ClaimReview is a verdict we published
        make_appearance(claim, "interview", url="https://news.example/interview")
        PublishedVerdict.publish(decide(claim, "disputed", editor), by=editor)
    response = export(importer_client, "export_claimreview", three_claims[1:])
    assert response["Content-Type"] == "application/ld+json; charset=utf-8"
    feed = json.loads(b"".join(response.streaming_content))
    reviewed = sorted(item["item"]["claimReviewed"] for item in feed["dataFeedElement"])
    assert reviewed == ["Claim 1 to export.", "Claim 2 to export."]


def test_editors_without_the_import_permission_cannot_export(editor_client, three_claims):
    page = html(editor_client.get(CLAIMS))
    assert "export_csv" not in page and "export_claimreview" not in page
    response = export(editor_client, "export_csv", three_claims)
    assert not response.has_header("Content-Disposition")


def test_a_row_repeated_within_the_file_is_named_apart_from_unchanged_claims(importer_client, tasks_run_inline):
    """Line 4 repeats line 2: no stored claim was unchanged (the preview said "Unchanged claims 1")."""
    job = uploaded_job(importer_client, csv_text(row("Said once."), row("Said twice."), row("Said once.")))
    preview = html(importer_client.get(job_url("import", job)))
    assert '<tr><th scope="row">Unchanged claims</th><td>0</td></tr>' in preview
    assert '<th scope="row">Rows repeating an earlier row</th><td>1: line 4 repeats line 2</td>' in preview
    assert 'value="Confirm: import 2 rows"' in preview
    importer_client.post(job_url("confirm", job))
    result = html(importer_client.get(job_url("import", job)))
    assert "3 of 3 rows done (100%): 2 written, 1 repeating an earlier row." in result
    assert "1 row repeats an earlier one (line 4 repeats line 2)" in result


def test_an_excel_workbook_is_refused_at_upload_saying_to_save_it_as_csv(importer_client):
    response = upload(importer_client, XLSX, "newsroom.xlsx", encoding="windows-1252")
    assert response.status_code == 400
    page = html(response)
    assert "This is an Excel workbook, not a CSV file: save it as “CSV UTF-8 (Comma delimited)”" in page
    assert not ImportJob.objects.exists()
