"""The office's statistics page: a chart and a table for each figure, every table downloadable as CSV
(UTF-8 with a BOM, so Excel reads Chinese) or as an Excel workbook, their text cells never formulas."""

from __future__ import annotations

import csv
import io
import re

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from openpyxl import Workbook
from openpyxl.styles import Font

from catalog.roles import office_required
from catalog.spreadsheets import cells
from matching.statistics import TABLES, Table, page_tables

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@office_required
def statistics(request: HttpRequest) -> HttpResponse:
    name = request.GET.get("table")
    if name is not None:
        if name not in TABLES:
            raise Http404
        return download(TABLES[name](), request.GET.get("format", "csv"))
    return render(request, "matching/statistics.html", {"tables": page_tables()})


def download(table: Table, file_format: str) -> HttpResponse:
    if file_format == "csv":
        return csv_response(table)
    if file_format == "xlsx":
        return xlsx_response(table)
    raise Http404


def csv_response(table: Table) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # the BOM Excel needs to read UTF-8 (Chinese names) correctly
    writer = csv.writer(buffer)
    writer.writerow(cells(table.headers))
    writer.writerows(cells("" if value is None else value for value in row) for row in table.rows)
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table.name}.csv"'
    return response


def xlsx_response(table: Table) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    # Sheet titles: at most 31 characters, none of []:*?/\ .
    sheet.title = re.sub(r"[\[\]:*?/\\]", " ", str(table.title))[:31]
    sheet.append(cells(table.headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append(cells(row))
    for column, header in zip(sheet.columns, table.headers, strict=False):
        width = max([len(str(header)) * 2, *(len(str(cell.value or "")) * 2 for cell in column)])
        sheet.column_dimensions[column[0].column_letter].width = min(max(width, 10), 60)
    output = io.BytesIO()
    workbook.save(output)
    response = HttpResponse(output.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{table.name}.xlsx"'
    return response
