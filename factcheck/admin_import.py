"""The admins' import screens: upload -> check (a task) -> preview -> confirm -> import (a task).

The upload only saves the file; reading and checking it, like writing it once confirmed, runs
on the task worker (factcheck.tasks), and the job's page follows each with a progress bar.
All behind `factcheck.import_claims`, through the ImportJob admin's own URLs.
"""

import codecs
import csv

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRefresh

from factcheck import importing, tasks
from factcheck.admin import ReadOnlyAdmin
from factcheck.exporting import CSV_COLUMNS, spreadsheet_safe
from factcheck.importing.reading import fields_named, workbook
from factcheck.models import (
    Claim,
    ColumnMapping,
    DateOrder,
    ImportEncoding,
    ImportFormat,
    ImportJob,
    ImportMode,
    ImportState,
)
from factcheck.security import takes_files
from factcheck.storydesk import percent_alike
from factcheck.verification import CHOICES as STATUS_CHOICES
from factcheck.views import refused, render_page, wants_fragment


class ReadingForm(forms.Form):
    """How to read a file: its encoding and its date order (the upload form, and the re-check)."""

    encoding = forms.ChoiceField(
        choices=ImportEncoding.choices,
        required=False,
        help_text="A byte-order mark at the start of the file wins over this.",
    )
    date_order = forms.ChoiceField(
        choices=DateOrder.choices,
        required=False,
        label="Dates",
        help_text="How dates in numbers only are read; 2024-10-31 and 31 October 2024 are read whatever this says.",
    )
    mode = forms.ChoiceField(
        choices=ImportMode.choices,
        initial=ImportMode.ATOMIC,
        widget=forms.RadioSelect,
        help_text="All or nothing refuses the whole file if one row is wrong; "
        "skipping invalid rows imports the others and lets you download the rejected ones.",
    )


class ImportForm(ReadingForm):
    # An empty file is the importer's to refuse, with its line and column, like any bad file.
    file = forms.FileField(allow_empty_file=True, max_length=255)
    format = forms.ChoiceField(
        choices=[("", "Guess from the file name and its first bytes"), *ImportFormat.choices], required=False
    )
    field_order = ["file", "format", "encoding", "date_order", "mode"]

    def clean_file(self):
        file = self.cleaned_data["file"]
        kind = workbook(file.read(4096))
        file.seek(0)
        if kind:
            raise forms.ValidationError(kind)
        return file


class RatingMappingForm(forms.Form):
    """The status each rating label of a previewed ClaimReview file gives the claim, as the admin decides.

    A label whose rows the file rated by their value alone may keep that ("": by each rating's value).
    """

    def __init__(self, job, *args, **kwargs):
        super().__init__(*args, **kwargs)
        overrides = job.summary.get("rating_overrides") or {}
        self.labels = []  # (field name, normalised label, the status the file's mapping gives, or None)
        for entry in job.summary.get("ratings", []):
            if not entry["key"] or any(key == entry["key"] for _, key, _ in self.labels):
                continue
            statuses = {other["status"] for other in job.summary["ratings"] if other["key"] == entry["key"]}
            mapped = entry["status"] if len(statuses) == 1 and not entry["by_value"] else None
            name = f"label_{len(self.labels)}"
            self.labels.append((name, entry["key"], mapped))
            self.fields[name] = forms.ChoiceField(
                label=entry["label"],
                choices=STATUS_CHOICES if mapped else [("", "By each rating's value"), *STATUS_CHOICES],
                required=False,
                initial=overrides.get(entry["key"], mapped or ""),
            )

    def overrides(self):
        """normalised label -> status, for the labels whose status the admin changed."""
        return {
            key: status for name, key, mapped in self.labels if (status := self.cleaned_data[name]) and status != mapped
        }


FIELD_CHOICES = [("", "(ignore this column)"), *((name, name) for name in CSV_COLUMNS)]


class RecheckForm(ReadingForm):
    """Read a checked file again: another encoding or date order and, for CSV, what each column holds."""

    # Ticked by default only for columns read otherwise than their names say: a standard header needs no mapping.
    remember = forms.BooleanField(required=False, label="Remember these columns for the next file with this header")

    def __init__(self, *args, columns_read=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Left out, the job keeps its mode: a file refused for its bad rows is checked again
        # skipping them, without being uploaded again.
        self.fields["mode"].required = False
        columns_read = columns_read or {}  # none: a JSON file, or a CSV file whose header was never read
        self.header, samples = columns_read.get("header", []), columns_read.get("samples", [])
        self.named_fields = fields_named(self.header)
        self.columns = []
        for number, cell in enumerate(self.header, 1):
            name = f"column_{number}"
            self.fields[name] = forms.ChoiceField(
                choices=FIELD_CHOICES, required=False, label=cell or f"(column {number} has no name)"
            )
            # What the column's name alone reads it as: the box to remember the columns follows (site.js).
            self.fields[name].widget.attrs["data-named"] = self.named_fields[number - 1]
            self.initial.setdefault(name, columns_read["fields"][number - 1])
            examples = [row[number - 1] for row in samples if number <= len(row) and row[number - 1]]
            self.columns.append((number, name, examples))
        if not self.header:
            del self.fields["remember"]
        else:
            # A header that must be mapped will be read otherwise than its names say.
            differs = columns_read.get("needed") or columns_read["fields"] != self.named_fields
            self.initial.setdefault("remember", differs)
        # How the columns were read, to say so: a remembered mapping, chosen for this file only, or by their names.
        source = columns_read.get("source") if columns_read.get("mapped") else ""
        self.read_as = "" if source == "chosen" and columns_read["fields"] == self.named_fields else source

    def bound_columns(self):
        return [(number, self.header[number - 1], self[name], examples) for number, name, examples in self.columns]

    def clean(self):
        cleaned = super().clean()
        if not self.header:
            return cleaned
        chosen = [cleaned.get(name, "") for _, name, _ in self.columns]
        for field in {name for name in chosen if name}:
            numbers = [str(n) for n, name in enumerate(chosen, 1) if name == field]
            if len(numbers) > 1:
                raise forms.ValidationError(f"Columns {' and '.join(numbers)} are both read as “{field}”: choose one.")
        missing = [field for field in ("claim", "speaker") if field not in chosen]
        if missing:
            raise forms.ValidationError(f"Say which column holds the {' and the '.join(missing)}.")
        cleaned["fields"] = chosen
        return cleaned


def with_byte_order_mark(path):
    """A CSV file's bytes after a byte-order mark, as export_claims writes it: else Excel reads it as Windows-1252."""
    yield codecs.BOM_UTF8
    with open(path, "rb") as file:
        yield from iter(lambda: file.read(1 << 16), b"")


def error_report(job):
    """A download of what was wrong with a job's file: its rejected rows, or its errors; None if nothing was."""
    rejected = importing.rejected_rows_path(job)
    if job.rejected_count and rejected:
        return StreamingHttpResponse(
            with_byte_order_mark(rejected),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="import-{job.pk}-rejected-rows.csv"'},
        )
    if not job.errors:
        return None
    response = HttpResponse(codecs.BOM_UTF8, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
    writer = csv.writer(response)
    writer.writerow(["line", "column", "field", "error"])
    for error in job.errors:
        cells = [error.get("line", ""), error.get("column", ""), error.get("field", ""), error.get("message", "")]
        writer.writerow([spreadsheet_safe(str(cell)) for cell in cells])
    return response


def progress_of(job):
    """(done, to do, percent): bytes read while checking, rows written after; once the import has
    succeeded, the file's rows, as its summary counts them (rejected and unchanged ones too)."""
    if job.state == ImportState.CHECKING:
        total, done = job.file_size, tasks.progress_done(job)
    elif job.state == ImportState.SUCCEEDED:
        total = done = job.total_rows
    else:
        total, done = job.summary.get("staged_rows", job.total_rows - job.rejected_count), tasks.progress_done(job)
    if not total:
        return 0, 0, 100 if job.state == ImportState.SUCCEEDED else 0
    return done, total, min(100, done * 100 // total)


def size(amount):
    """A size as a person writes it: "200 MB" where filesizeformat writes "200.0 MB"; "1.5 MB" stays."""
    return filesizeformat(amount).replace(".0\xa0", "\xa0")


def took(job):
    if not job.duration:
        return None
    seconds = job.duration.total_seconds()
    return f"{seconds:.1f} s" if seconds >= 1 else f"{seconds * 1000:.0f} ms"


IMPORT_PAGE = "admin/factcheck/importjob/import.html"
PREVIEW_STATES = {ImportState.VALIDATED, ImportState.INVALID}


def job_context(job):
    """What an import's page and its progress partial show of the job."""
    done, total, percent = progress_of(job)
    written = job.created_count + job.updated_count
    amount = size if job.state == ImportState.CHECKING else "{:,}".format
    return {
        "job": job,
        "running": job.state in tasks.WORKING_STATES,
        "checked": "staged_rows" in job.summary,
        "took": took(job),
        "has_report": bool(job.errors or (job.rejected_count and importing.rejected_rows_path(job))),
        "done": amount(done),
        "total": amount(total),
        "total_count": total,  # as a number, for pluralize
        "percent": percent,
        "staged_rows": f"{job.summary.get('staged_rows', 0):,}",
        # Every row to write is a claim as it stands (an export imported back): the button and the
        # result say so rather than "import" and "written". The preview's figures until the import's.
        "nothing_to_write": bool(job.summary.get("staged_rows")) and not (job.created_count or job.updated_count),
        "figures": {name: f"{getattr(job, name):,}" for name in importing.COUNTS},
        # A finished import whose rows were not all written, nor all unchanged: each part counted.
        "written": f"{written:,}",
        "parts_done": job.state == ImportState.SUCCEEDED and written != job.total_rows != job.unchanged_count,
        "rating_form": RatingMappingForm(job) if job.summary.get("ratings") else None,
        "rating_rows": rating_rows(job),
    }


def rating_rows(job):
    """The preview's rating labels, each with the status it gives now."""
    overrides = job.summary.get("rating_overrides") or {}
    labels = dict(STATUS_CHOICES)
    return [
        {
            **entry,
            "mapped": labels.get(overrides.get(entry["key"], entry["status"]), ""),
            "changed": entry["key"] in overrides,
        }
        for entry in job.summary.get("ratings", [])
    ]


def duplicate_rows(job):
    """The preview's possible duplicates, one entry a row with the tracked claims it looks like, and the
    choice made already: the same claim as the first it is 100% alike, else none (import it)."""
    rows = {}
    for item in job.summary.get("possible_duplicates", []):
        entry = rows.setdefault(
            item["line"],
            {"line": item["line"], "speaker": item["speaker"], "text": item["text"], "claims": [], "chosen": None},
        )
        percent = percent_alike(item["similarity"])
        entry["claims"].append({"id": item["claim"], "text": item["claim_text"], "percent": percent})
        if percent == 100 and entry["chosen"] is None:
            entry["chosen"] = item["claim"]
    return list(rows.values())


def posted_duplicate_choices(post):
    """line -> "skip", "import" or a claim id, from the confirm form's `duplicate_<line>` radio buttons."""
    choices = {}
    for name, value in post.items():
        line = name.removeprefix("duplicate_")
        if line != name and line.isdecimal():
            choices[int(line)] = int(value) if value.isdecimal() else value
    return choices


def recheck_form(job, data=None):
    """The form to read a checked job's file again, or None once the file is gone (confirmed, cancelled)."""
    if not importing.can_recheck(job):
        return None
    columns_read = job.summary.get("columns_read") if job.format == ImportFormat.CSV else None
    initial = {"encoding": job.encoding, "date_order": job.date_order, "mode": job.mode}
    return RecheckForm(data, initial=initial, columns_read=columns_read)


@admin.register(ColumnMapping)
class ColumnMappingAdmin(ReadOnlyAdmin):
    """The column mappings imports remember, by header: read, or deleted to be asked again, by who may import."""

    list_display = ["header_text", "fields_text", "updated_by", "updated_at"]
    list_select_related = ["updated_by"]
    fields = ["header", "fields", "updated_by", "updated_at"]

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("factcheck.import_claims")

    has_delete_permission = has_view_permission

    @admin.display(description="header")
    def header_text(self, mapping):
        return " · ".join(mapping.header)

    @admin.display(description="read as")
    def fields_text(self, mapping):
        return " · ".join(field or "(ignored)" for field in mapping.fields)


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    """Import jobs: listed and read here, made only by the upload screen, never edited or deleted."""

    list_display = ["created_at", "created_by", "filename", "format", "mode", "state", "counts", "took", "page"]
    list_filter = ["state", "format", "mode"]
    list_select_related = ["created_by"]
    search_fields = ["filename", "created_by__username"]
    show_full_result_count = False
    fields = [
        ("created_by", "created_at"),
        ("filename", "format", "mode"),
        ("encoding", "date_order"),
        ("state", "page"),
        "message",
        ("file_size", "bytes_read"),
        ("total_rows", "processed_rows"),
        ("created_count", "updated_count", "unchanged_count", "rejected_count"),
        ("new_speakers", "new_outlets"),
        ("started_at", "finished_at", "took"),
        "heartbeat_at",
        "errors",
        "summary",
    ]
    readonly_fields = ["page", "took"]

    def has_import_permission(self, request):
        return request.user.has_perm("factcheck.import_claims")

    def has_view_permission(self, request, obj=None):
        return self.has_import_permission(request)

    @admin.display(description="claims")
    def counts(self, job):
        counts = f"{job.created_count} new · {job.updated_count} updated · {job.unchanged_count} unchanged"
        return f"{counts} · {job.rejected_count} rejected" if job.rejected_count else counts

    @admin.display(description="duration")
    def took(self, job):
        return took(job)

    @admin.display(description="import page")
    def page(self, job):
        label = "Preview" if job.state == ImportState.VALIDATED else "Progress and result"
        return format_html('<a href="{}">{}</a>', reverse("admin:factcheck_importjob_import", args=[job.pk]), label)

    def get_urls(self):
        read = ["GET", "HEAD"]  # a HEAD answers as the GET does, without the body

        def view(methods, function):
            return self.admin_site.admin_view(require_http_methods(methods)(function))

        return [
            path("upload/", view([*read, "POST"], self.upload_view), name="factcheck_importjob_upload"),
            path("<int:pk>/import/", view(read, self.import_view), name="factcheck_importjob_import"),
            path("<int:pk>/import/progress/", view(read, self.progress_view), name="factcheck_importjob_progress"),
            path("<int:pk>/import/confirm/", view(["POST"], self.confirm_view), name="factcheck_importjob_confirm"),
            path("<int:pk>/import/cancel/", view(["POST"], self.cancel_view), name="factcheck_importjob_cancel"),
            path("<int:pk>/import/ratings/", view(["POST"], self.ratings_view), name="factcheck_importjob_ratings"),
            path("<int:pk>/import/recheck/", view(["POST"], self.recheck_view), name="factcheck_importjob_recheck"),
            path("<int:pk>/import/errors.csv", view(read, self.report_view), name="factcheck_importjob_report"),
            *super().get_urls(),
        ]

    def import_job(self, request, pk):
        if not self.has_import_permission(request):
            raise refused(request.user, ["factcheck.import_claims"])
        return get_object_or_404(ImportJob.objects.select_related("created_by"), pk=pk)

    def back(self, request, job, message="", level=messages.WARNING):
        """To the job's page, saying `message` there if there is one."""
        if message:
            self.message_user(request, message, level)
        return redirect("admin:factcheck_importjob_import", job.pk)

    def page_context(self, request, job, recheck=None):
        duplicates = duplicate_rows(job) if job.state in PREVIEW_STATES else []
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Import #{job.pk}: {job.filename}",
            "recheck": recheck or (recheck_form(job) if job.state in PREVIEW_STATES else None),
            "duplicate_rows": duplicates,
            "linked_by_default": sum(1 for row in duplicates if row["chosen"]),
            **job_context(job),
        }

    @takes_files("factcheck.import_claims")
    def upload_view(self, request):
        """The upload form; a posted file is saved and checked in the background, its page following the check."""
        if not self.has_import_permission(request):
            raise refused(request.user, ["factcheck.import_claims"])
        form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
        if form.is_valid():
            how = dict(form.cleaned_data)  # the format ("": guessed), mode, encoding and date order
            upload = how.pop("file")
            job = importing.receive(upload, filename=upload.name, user=request.user, **how)
            if job.state == ImportState.INVALID:  # over the size limit, known without reading it
                return TemplateResponse(request, IMPORT_PAGE, self.page_context(request, job), status=422)
            tasks.check_file.enqueue(job.pk)
            return self.back(request, job)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "claim_opts": Claim._meta,
            "title": "Import claims",
            "form": form,
            "max_bytes": size(settings.FACTCHECK_IMPORT_MAX_BYTES),
            "max_rows": f"{settings.FACTCHECK_IMPORT_MAX_ROWS:,}",
        }
        return TemplateResponse(
            request, "admin/factcheck/importjob/upload.html", context, status=400 if form.errors else 200
        )

    def import_view(self, request, pk):
        """One import's page: the check's progress, the preview, then the import's progress, then its result."""
        job = self.import_job(request, pk)
        status = 422 if job.state == ImportState.INVALID else 200
        return TemplateResponse(request, IMPORT_PAGE, self.page_context(request, job), status=status)

    def progress_view(self, request, pk):
        """The progress bar and, once the task has finished, its result: polled by htmx."""
        job = self.import_job(request, pk)
        if not wants_fragment(request):
            return self.back(request, job)
        if job.state in PREVIEW_STATES:
            # The check has ended, and the preview is not a partial: the whole page is loaded again.
            return HttpResponseClientRefresh()
        return render_page(request, IMPORT_PAGE, job_context(job), fragment="progress")

    def confirm_view(self, request, pk):
        """Queue the validated rows to be written; the file is not read again."""
        job = self.import_job(request, pk)
        # Once queued, the page's progress panel says where the job is (queued, running, done or
        # failed); a "queued" banner would stay on screen after the job had moved on.
        if job.state == ImportState.VALIDATED:
            importing.choose_duplicates(job, posted_duplicate_choices(request.POST))
        if not tasks.start_import(job):
            return self.back(
                request, job, f"Import #{job.pk} was not waiting for confirmation, so nothing new was queued."
            )
        return self.back(request, job)

    def ratings_view(self, request, pk):
        """Save the status each rating label gives, before the import is confirmed; rows take it as they are written."""
        job = self.import_job(request, pk)
        form = RatingMappingForm(job, request.POST)
        if job.state != ImportState.VALIDATED or not form.labels:
            return self.back(request, job, f"Import #{job.pk} is not waiting for confirmation.")
        if not form.is_valid():
            return self.back(request, job, "Choose one of the statuses for each rating.", messages.ERROR)
        overrides = form.overrides()
        # Only while it still waits: a job confirmed meanwhile runs with the mapping it was confirmed with.
        job.summary["rating_overrides"] = overrides
        if not ImportJob.objects.filter(pk=job.pk, state=ImportState.VALIDATED).update(summary=job.summary):
            return self.back(request, job, f"Import #{job.pk} was confirmed meanwhile; the mapping was not changed.")
        labels = {key: form.fields[name].label for name, key, _ in form.labels}
        changed = ", ".join(f"{labels[key]} → {status}" for key, status in overrides.items()) or "none changed"
        return self.back(
            request, job, f"Rating mapping saved ({changed}); it applies when you confirm.", messages.SUCCESS
        )

    def cancel_view(self, request, pk):
        """Drop a validated import's staged rows; the job stays on record, marked as never run."""
        job = self.import_job(request, pk)
        if job.state == ImportState.INVALID:  # nothing to cancel: only the file kept for a re-check goes
            importing.uploaded_file_path(job).unlink(missing_ok=True)
            self.message_user(request, f"The file of import #{job.pk} was deleted.", messages.SUCCESS)
            return redirect("admin:factcheck_claim_changelist")
        cancelled = ImportJob.objects.filter(pk=job.pk, state=ImportState.VALIDATED).update(
            state=ImportState.FAILED,
            finished_at=timezone.now(),
            message=f"Cancelled by {request.user} after the preview; nothing was imported.",
        )
        if not cancelled:
            return self.back(request, job, f"Import #{job.pk} was no longer waiting for confirmation.")
        importing.discard(job)
        self.message_user(request, f"Import of {job.filename} cancelled; nothing was imported.", messages.SUCCESS)
        return redirect("admin:factcheck_claim_changelist")

    def recheck_view(self, request, pk):
        """Check the kept file again with another encoding, date order or column mapping (remembered if asked)."""
        job = self.import_job(request, pk)
        form = recheck_form(job, request.POST)
        if form is None:
            return self.back(request, job, f"Import #{job.pk} can no longer be checked again.")
        if not form.is_valid():
            return TemplateResponse(request, IMPORT_PAGE, self.page_context(request, job, form), status=400)
        mapping = None
        if form.header:
            mapping = {"header": form.header, "fields": form.cleaned_data["fields"]}
            if form.cleaned_data["remember"] and mapping["fields"] == form.named_fields:
                ColumnMapping.objects.forget(form.header)  # the header's own names read it: nothing to remember
            elif form.cleaned_data["remember"]:
                ColumnMapping.objects.remember(form.header, mapping["fields"], by=request.user)
        encoding, date_order = form.cleaned_data["encoding"], form.cleaned_data["date_order"]
        mode = form.cleaned_data["mode"] or job.mode
        if importing.recheck(job, encoding=encoding, date_order=date_order, mode=mode, column_mapping=mapping):
            tasks.check_file.enqueue(job.pk)
        return self.back(request, job)

    def report_view(self, request, pk):
        """The rejected rows (or the errors) of a job's file, as a CSV to open in a spreadsheet."""
        response = error_report(self.import_job(request, pk))
        if response is None:
            raise Http404("This import has no errors to report.")
        return response
