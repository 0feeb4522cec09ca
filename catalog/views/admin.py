"""The administering office's catalogue upload in the Wagtail admin: choose a .jsonl file; the task worker
checks it (a dry run) while its page shows the progress; the page then shows what would change, or every
error with file, line and key; confirming queues the import, all or nothing.

The file waits in the database (catalog.CatalogueUpload), not on one server's disk, so any web server shows
the upload and the worker reads it. Every office member sees every upload, as each may import."""

from __future__ import annotations

from typing import NamedTuple

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, Table, TitleColumn

from catalog.exchange import Message, record_types
from catalog.models import CatalogueUpload
from catalog.roles import office_required
from catalog.services import confirm_upload, upload_catalogue

MAX_UPLOAD = 100 * 1024 * 1024
# Uploads listed under the form, newest first.
LISTED = 10


def admin_header(title: str, icon: str) -> dict[str, str]:
    """An admin page's title and icon as Wagtail's generic admin template (wagtailadmin/generic/base.html)
    reads them: in <title> and in the page's header."""
    return {"page_title": title, "header_title": title, "header_icon": icon}


class UploadForm(forms.Form):
    """One catalogue file in the exchange format."""

    file = forms.FileField(label=_("Catalogue file (JSON Lines, .jsonl)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".jsonl"):
            raise forms.ValidationError(_("Choose a .jsonl file."))
        if upload.size > MAX_UPLOAD:
            limit = {"size": MAX_UPLOAD // 2**20}
            raise forms.ValidationError(_("The file is larger than %(size)d MB.") % limit)
        return upload


@office_required
def import_catalogue(request: HttpRequest) -> HttpResponse:
    """GET: the upload form and the latest uploads. POST a file: keep it, queue its check, go to its page."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        upload = upload_catalogue(file.name, file.read(), by=request.user)
        return redirect("catalog_import_upload", pk=upload.pk)
    uploads = CatalogueUpload.objects.without_file().select_related("uploaded_by")[:LISTED]
    context = {
        "form": form,
        "uploads": uploads,
        "uploads_table": Table(
            [
                TitleColumn("name", label=_("File"), url_name="catalog_import_upload"),
                Column("status", label=_("Status"), accessor="get_status_display"),
                Column(
                    "uploaded_by", label=_("Uploaded by"), accessor=lambda upload: upload.uploaded_by or "—"
                ),
                Column("created_at", label=_("Uploaded at")),
            ],
            uploads,
        ),
        **admin_header(_("Import catalogue"), "upload"),
    }
    return TemplateResponse(request, "catalog/admin/import_form.html", context)


@office_required
def catalogue_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: where an upload stands; the page refreshes itself while a task works on it. POST: import what
    was previewed."""
    upload = get_object_or_404(CatalogueUpload.objects.without_file(), pk=pk)
    if request.method == "POST":
        if confirm_upload(upload):
            messages.success(request, _("Importing %(name)s.") % {"name": upload.name})
        else:
            messages.error(request, _("This upload has nothing left to import."))
        return redirect("catalog_import_upload", pk=upload.pk)
    # The reader's messages, in the language of whoever reads the page now.
    errors = [str(Message.from_json(error)) for error in upload.errors]
    rows = _rows(upload)
    context = {
        "upload": upload,
        "rows": rows,
        "counts_table": Table(
            [
                Column("record_type", label=_("Record type"), accessor=RecordCounts.record_type),
                Column("created", label=_("Created")),
                Column("updated", label=_("Updated")),
                Column("unchanged", label=_("Unchanged")),
            ],
            rows,
        ),
        "errors": errors,
        **admin_header(_("Import catalogue"), "upload"),
    }
    return TemplateResponse(request, "catalog/admin/import_upload.html", context)


class RecordCounts(NamedTuple):
    """What an upload would change, or changed, in one record type."""

    label: str  # in the reader's language
    name: str  # as the exchange format names it
    created: int
    updated: int
    unchanged: int

    def record_type(self) -> str:
        return format_html("{} <code>{}</code>", self.label, self.name)


def _rows(upload: CatalogueUpload) -> list[RecordCounts]:
    labels = {record_type.name: record_type.model._meta.verbose_name_plural for record_type in record_types()}
    return [
        RecordCounts(labels.get(name, name), name, created, updated, unchanged)
        for name, created, updated, unchanged in upload.counts
    ]
