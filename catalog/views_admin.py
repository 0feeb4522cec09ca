"""The administering office's catalogue upload in the Wagtail admin: choose a .jsonl file, see what would
change (or the error with file, line and key), confirm to apply.

Between the two steps the upload waits in a private temporary file named by a random token; the token is
kept in the uploader's session, so only the same session can confirm it, and the file goes once used.
"""

from __future__ import annotations

import secrets
import tempfile
import time
from pathlib import Path

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from catalog.exchange import ExchangeError, ImportReport, Source, import_catalog, record_types
from catalog.roles import office_required

MAX_UPLOAD = 100 * 1024 * 1024
STASH = Path(tempfile.gettempdir()) / "catalog-imports"
STASH_TTL = 24 * 3600
SESSION_KEY = "catalog_import"


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


def _stash(request: HttpRequest, name: str, data: bytes) -> str:
    """Keep the upload for the confirmation step; returns the token the form posts back."""
    STASH.mkdir(mode=0o700, exist_ok=True)
    for old in STASH.glob("*.jsonl"):  # previews nobody confirmed
        if old.stat().st_mtime < time.time() - STASH_TTL:
            old.unlink(missing_ok=True)
    _discard(request)
    token = secrets.token_urlsafe(24)
    (STASH / f"{token}.jsonl").write_bytes(data)
    request.session[SESSION_KEY] = {"token": token, "name": name}
    return token


def _unstash(request: HttpRequest, token: str) -> Source | None:
    """The upload previewed in this session under this token, or None (expired, or not this session's)."""
    stashed = request.session.get(SESSION_KEY)
    if not stashed or not secrets.compare_digest(stashed["token"], token):
        return None
    # The path comes from the session's token, never from the posted one.
    path = STASH / f"{stashed['token']}.jsonl"
    if not path.exists():
        return None
    return Source(stashed["name"], path.read_bytes())


def _discard(request: HttpRequest) -> None:
    stashed = request.session.pop(SESSION_KEY, None)
    if stashed:
        (STASH / f"{stashed['token']}.jsonl").unlink(missing_ok=True)


def _render(request: HttpRequest, form: UploadForm, **context) -> HttpResponse:
    return TemplateResponse(request, "catalog/admin/import_form.html", {"form": form, **context})


@office_required
def import_catalogue(request: HttpRequest) -> HttpResponse:
    """GET: the upload form. POST a file: the dry run. POST a token: apply what was previewed."""
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _render(request, form)
    upload = form.cleaned_data["file"]
    source = Source(upload.name, upload.read())
    try:
        report = import_catalog([source], dry_run=True)
    except ExchangeError as error:
        return _render(request, UploadForm(), errors=error.errors, filename=upload.name)
    token = _stash(request, upload.name, source.data) if report.changed else None
    return _render(
        request, UploadForm(), report=report, rows=_rows(report), token=token, filename=upload.name
    )


def _confirm(request: HttpRequest) -> HttpResponse:
    source = _unstash(request, request.POST["token"])
    if source is None:
        messages.error(request, _("That preview has expired. Choose the file again."))
        return redirect("catalog_import")
    try:
        report = import_catalog([source])
    except ExchangeError as error:
        # The catalogue changed since the preview in a way that makes the file wrong now.
        _discard(request)
        return _render(request, UploadForm(), errors=error.errors, filename=source.name)
    _discard(request)
    messages.success(request, _("Imported %(name)s.") % {"name": source.name})
    return TemplateResponse(
        request,
        "catalog/admin/import_done.html",
        {"report": report, "rows": _rows(report), "filename": source.name},
    )


def _rows(report: ImportReport) -> list[tuple[str, str, int, int, int]]:
    """(label in the reader's language, type, created, updated, unchanged) per record type."""
    labels = {record_type.name: record_type.model._meta.verbose_name_plural for record_type in record_types()}
    return [
        (labels[name], name, counts.created, counts.updated, counts.unchanged)
        for name, counts in report.counts.items()
    ]
