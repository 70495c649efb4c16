"""The admins' exports too big for a request: each export job's page follows its task, then offers the file.

The claim list's export actions queue these (ClaimAdmin.export); the file is kept under MEDIA_ROOT,
which no URL serves, and is downloaded only through the job's own URL, behind
`factcheck.import_claims`, the permission the export actions ask for.
"""

from django.contrib import admin
from django.http import FileResponse, Http404, HttpResponseGone
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods

from factcheck import exporting, tasks
from factcheck.admin import ReadOnlyAdmin, left_out_message
from factcheck.admin_import import size, took
from factcheck.models import ExportJob, ExportState
from factcheck.views import refused


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdmin):
    """Exports: made only by the claim list's export actions, read here, never edited or deleted."""

    list_display = ["created_at", "created_by", "format", "claim_count", "state", "progress", "download"]
    list_filter = ["state", "format"]
    list_select_related = ["created_by"]
    show_full_result_count = False
    fields = [
        ("created_by", "created_at"),
        ("format", "claim_count"),
        ("state", "progress"),
        "message",
        "left_out_note",
        "download",
        ("started_at", "finished_at", "took"),
        "heartbeat_at",
    ]
    readonly_fields = ["progress", "left_out_note", "download", "took"]

    def has_export_permission(self, request):
        return request.user.has_perm("factcheck.import_claims")

    def has_view_permission(self, request, obj=None):
        return self.has_export_permission(request)

    @admin.display(description="progress")
    def progress(self, job):
        if job.state == ExportState.QUEUED:
            return "Queued, waiting for the task worker (this page follows it)."
        total = job.claim_count - job.left_out
        if job.state == ExportState.RUNNING:
            done = tasks.export_progress(job)
            percent = done * 100 // total if total else 0
            return f"{done:,} of {total:,} written ({percent}%)."
        if job.state == ExportState.DONE:
            return f"{job.written:,} written ({size(job.file_size)})."
        return "Failed: see the message."

    @admin.display(description="left out")
    def left_out_note(self, job):
        return left_out_message(job.left_out, job.claim_count) if job.left_out else "-"

    @admin.display(description="file")
    def download(self, job):
        if job.file_removed_at:
            return job.removal_message
        if tasks.export_file(job) is None:
            return "-"
        url = reverse("admin:factcheck_exportjob_download", args=[job.pk])
        return format_html('<a href="{}" download>Download {}</a>', url, job.filename)

    @admin.display(description="duration")
    def took(self, job):
        return took(job)

    def get_urls(self):
        download = require_http_methods(["GET", "HEAD"])(self.download_view)
        return [
            path("<int:pk>/download/", self.admin_site.admin_view(download), name="factcheck_exportjob_download"),
            *super().get_urls(),
        ]

    def download_view(self, request, pk):
        """The written file, to whoever may export; 404 until it is written (or after it failed).

        410 Gone once the sweep has removed it: unlike "not written yet", waiting will not bring it
        back, and a link kept in a bookmark or a chat message is told so, and why.
        """
        if not self.has_export_permission(request):
            raise refused(request.user, ["factcheck.import_claims"])
        job = get_object_or_404(ExportJob, pk=pk)
        if job.file_removed_at:
            return HttpResponseGone(job.removal_message, content_type="text/plain; charset=utf-8")
        file = tasks.export_file(job)
        if file is None:
            raise Http404("This export has no file: it is not written yet, or it failed.")
        content_type = exporting.EXPORTERS[job.format][1]
        return FileResponse(file.open("rb"), as_attachment=True, filename=job.filename, content_type=content_type)
