"""The open data page and its downloads: the public catalogue as exchange-format JSON Lines and as CSV."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from catalog import open_data

#: The CSV files, by the name in their address: (record type, label).
CSV_FILES = {
    "institutions": ("institution", _("Institutions")),
    "courses": ("course", _("Courses")),
    "outcomes": ("outcome", _("Training outcomes")),
    "fields": ("field", pgettext_lazy("subject", "Fields")),
    "countries": ("country", pgettext_lazy("open data", "Countries")),
}


def page(request: HttpRequest) -> HttpResponse:
    files = [(name, label) for name, (_type, label) in CSV_FILES.items()]
    context = {"csv_files": files, "licence": settings.OPEN_DATA_LICENCE}
    return render(request, "catalog/open_data.html", context)


def _download(content_type: str, stem: str, extension: str) -> HttpResponse:
    response = HttpResponse(content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}-{datetime.date.today()}.{extension}"'
    return response


def catalogue_jsonl(request: HttpRequest) -> HttpResponse:
    response = _download("application/jsonl", "training-match-catalogue", "jsonl")
    open_data.write_jsonl(response)
    return response


def catalogue_csv(request: HttpRequest, name: str) -> HttpResponse:
    if name not in CSV_FILES:
        raise Http404
    response = _download("text/csv", f"training-match-{name}", "csv")
    # A byte-order mark so spreadsheet programs read the Chinese text as UTF-8.
    response.write("\ufeff")
    open_data.write_csv(response, CSV_FILES[name][0])
    return response
