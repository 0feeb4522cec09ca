"""Pages of reports on listings: the report form beside an institution, course, outcome or demand, the
reporter's own reports, the office's queue and decision, and the handled reports an institution's staff
may read about their institution."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from catalog.roles import office_required, staff_institution
from matching.choices import ReportKind, ReportStatus
from matching.forms.reports import HandleReportForm, ReportFilter, ReportForm
from matching.models import Report
from matching.services import reports as services
from matching.services.reports import ReportRefused

REPORTS_PER_PAGE = 20


@login_required
def report_listing(request: HttpRequest, kind: str, external_id: str) -> HttpResponse:
    """Anyone signed in reports a listing they may see."""
    listings = services.reportable(kind, request.user)
    if listings is None:
        raise Http404
    target = get_object_or_404(listings, external_id=external_id)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.file_report(request.user, kind, target, **form.cleaned_data)
        messages.success(
            request, _("Thank you. The office will look at your report and tell you what it decided.")
        )
        return redirect("matching:my-reports")
    context = {
        "form": form,
        "kind": kind,
        "kind_label": ReportKind(kind).label,
        "target": target,
        "target_name": services.target_name(target),
        "target_url": services.listing_url(kind, target),
    }
    return render(request, "matching/report_form.html", context, status=400 if form.is_bound else 200)


def _shown(reports) -> list[dict]:
    return [
        {"report": report, "name": services.target_name(report.target), "url": services.target_url(report)}
        for report in reports
    ]


def _targets(reports):
    return reports.select_related("institution", "course", "outcome", "demand", "reporter", "handled_by")


@login_required
def my_reports(request: HttpRequest) -> HttpResponse:
    page = Paginator(_targets(Report.objects.filter(reporter=request.user)), REPORTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "matching/report_list.html", {"page_obj": page, "reports": _shown(page), "mine": True}
    )


@office_required
def office_reports(request: HttpRequest) -> HttpResponse:
    """The office's queue, open reports by default, filtered and paginated."""
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = ReportStatus.OPEN
    filtered = ReportFilter(data, queryset=_targets(Report.objects.all()))
    reports = filtered.qs if filtered.is_valid() else Report.objects.none()
    page = Paginator(reports, REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"filter": filtered, "page_obj": page, "reports": _shown(page)}
    return render(request, "matching/office_reports.html", context)


@office_required
def office_report(request: HttpRequest, pk: int) -> HttpResponse:
    """One report, and the office's decision on it (dismiss, or uphold with a note; suspending an
    institution stays on its admission page, linked from here)."""
    report = get_object_or_404(_targets(Report.objects.all()), pk=pk)
    form = HandleReportForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.handle_report(
                report,
                by=request.user,
                upheld=form.cleaned_data["decision"] == "uphold",
                resolution=form.cleaned_data["resolution"],
            )
        except ReportRefused as refused:
            error = refused.message
        else:
            messages.success(request, _("The decision was recorded and the reporter told."))
            return redirect("matching:office-reports")
    institution = report.institution or (report.course.provider if report.course else None)
    context = {
        "report": report,
        "form": form,
        "error": error,
        "name": services.target_name(report.target),
        "url": services.target_url(report),
        "institution": institution,
    }
    status = 409 if error else 400 if form.is_bound else 200
    return render(request, "matching/office_report.html", context, status=status)


@login_required
def institution_reports(request: HttpRequest) -> HttpResponse:
    """Institution staff read the handled reports about their institution, its courses and outcomes."""
    institution = staff_institution(request.user)
    if institution is None:
        raise PermissionDenied
    reports = _targets(Report.objects.handled().about_institution(institution))
    page = Paginator(reports, REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page_obj": page, "reports": _shown(page), "institution": institution}
    return render(request, "matching/report_list.html", context)
