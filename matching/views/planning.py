"""Pages of planning: the unit's project library, a project (from an agreement or typed), the annual plan
with its review at each level, the summary and closure after training, and the office's planning page
(plan years, quotas, entry conditions and weights, overdue summaries) with its annual report."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from itertools import chain

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from catalog.numbers import object_id, positive_int
from catalog.roles import is_office, office_required
from catalog.spreadsheets import cells
from matching.choices import DemandStatus, ItemStatus, Stage
from matching.forms.planning import (
    FollowUpForm,
    PlanningSettingsForm,
    PlanProjectsForm,
    PlanYearForm,
    ProjectForm,
    QuotaForm,
    ReviewForm,
    SummaryForm,
)
from matching.models import (
    AnnualPlan,
    Demand,
    Inquiry,
    OutcomeFollowUp,
    PlanEvent,
    PlanningSettings,
    PlanYear,
    Project,
    Quota,
    SupervisingDepartment,
    TrainingGroup,
    member_unit,
    member_unit_or_403,
)
from matching.models.planning import has_planning_role, library_years
from matching.planning_application import project_application as project_application_sections
from matching.services import planning as services
from matching.services.planning import Decision, PlanningRefused
from matching.views.application import DOCX_TYPE, sections_docx
from matching.views.statistics import XLSX, xlsx_response
from matching.views.steps import permitted, run_step

PER_PAGE = 20


def _planner(request: HttpRequest) -> None:
    if not has_planning_role(request.user):
        raise PermissionDenied


# The library.


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    _planner(request)
    projects = (
        Project.objects.visible_to(request.user).select_related("unit").order_by("-plan_year", "title", "pk")
    )
    year = positive_int(request.GET.get("year"), 2100)
    if year:
        projects = projects.filter(plan_year=year)
    page = Paginator(projects, PER_PAGE).get_page(request.GET.get("page"))
    context = {"page_obj": page, "projects": page.object_list, "year": year,
               "unit": member_unit(request.user),
               "years": library_years()}  # fmt: skip
    return render(request, "matching/planning/project_list.html", context)


def _project_form_page(request, form, *, inquiry=None, project=None, findings=None, error=None, status=200):
    context = {"form": form, "inquiry": inquiry, "project": project, "error": error,
               "findings": services.shown(findings or [])}  # fmt: skip
    return render(request, "matching/planning/project_form.html", context, status=status)


def _save_project(request, form, *, inquiry=None, project=None) -> HttpResponse:
    try:
        if project is None:
            project = services.create_project(
                member_unit_or_403(request.user), by=request.user, values=form.values(), inquiry=inquiry
            )
            messages.success(request, _("The project is in the library."))
        else:
            services.update_project(project, by=request.user, values=form.values())
            messages.success(request, _("The project was saved."))
    except PlanningRefused as refused:
        return _project_form_page(request, form, inquiry=inquiry, project=project, findings=refused.findings,
                                  error=refused.message, status=409)  # fmt: skip
    return redirect("matching:project-detail", pk=project.pk)


@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    """A project typed directly, or from one of the unit's demands (`?demand=`) with its terms filled in."""
    demands = Demand.objects.editable_by(request.user).exclude(status=DemandStatus.WITHDRAWN)
    member_unit_or_403(request.user)
    if request.method == "POST":
        form = ProjectForm(request.POST, demands=demands)
        if form.is_valid():
            return _save_project(request, form)
        return _project_form_page(request, form, status=400)
    demand = demands.filter(external_id=request.GET.get("demand", "")[:100]).first()
    initial = services.demand_values(demand) if demand else {}
    return _project_form_page(request, ProjectForm(initial=initial, demands=demands))


@login_required
def project_from_inquiry(request: HttpRequest, pk: int) -> HttpResponse:
    """The project an agreement becomes, its terms filled in from the demand and the agreed proposal."""
    unit = member_unit_or_403(request.user)
    inquiry = get_object_or_404(Inquiry.objects.visible_to(request.user), pk=pk, demand__organizing_unit=unit)
    existing = Project.objects.filter(inquiry=inquiry).first()
    if existing is not None:
        return redirect("matching:project-detail", pk=existing.pk)
    blocking = services.errors(services.agreement_findings(inquiry))
    if request.method == "POST":
        form = ProjectForm(request.POST)
        if form.is_valid():
            return _save_project(request, form, inquiry=inquiry)
        return _project_form_page(request, form, inquiry=inquiry, findings=blocking, status=400)
    initial = services.agreement_values(inquiry)
    return _project_form_page(request, ProjectForm(initial=initial), inquiry=inquiry, findings=blocking)


def _visible_project(request: HttpRequest, pk: int) -> Project:
    return get_object_or_404(
        Project.objects.visible_to(request.user).select_related("unit", "demand", "inquiry__institution"),
        pk=pk,
    )


@login_required
def project_application(request: HttpRequest, pk: int) -> HttpResponse:
    """The application form (申请表) of a project, with each level's review opinion, as a page."""
    project = _visible_project(request, pk)
    context = {"project": project, "sections": project_application_sections(project)}
    return render(request, "matching/planning/application.html", context)


@login_required
def project_application_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """The same application form as a Word document."""
    project = _visible_project(request, pk)
    title = _("Application form for a training project abroad")
    document = sections_docx(title, project.title, project_application_sections(project))
    response = HttpResponse(document, content_type=DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="application-project-{project.pk}.docx"'
    return response


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(
        Project.objects.visible_to(request.user).select_related("unit", "demand", "inquiry"), pk=pk
    )
    own = member_unit(request.user) == project.unit
    settings = PlanningSettings.current()
    context = {
        "project": project,
        "own": own,
        "findings": services.shown(services.project_findings(project)),
        "changes": project.changes.select_related("by")[:50],
        "opinions": PlanEvent.objects.filter(project=project).select_related("actor", "plan"),
        "approved": services.is_approved(project),
        "summary_due": project.summary_due(settings.summary_days),
        "summary_form": SummaryForm(initial=_summary_initial(project)),
        "under_review": services.under_review(project),
    }
    if is_office(request.user):
        context["score"] = services_score(project)
    return render(request, "matching/planning/project_detail.html", context)


def services_score(project: Project, with_match: bool = True):
    from matching.review_score import review_score

    return review_score(project, with_match=with_match)


def _summary_initial(project: Project) -> dict:
    group = getattr(project.inquiry, "training_group", None) if project.inquiry_id else None
    return {
        "returned_on": project.returned_on or (group.end_date if group else None),
        "summary": project.summary,
    }


def _own_project(request: HttpRequest, pk: int) -> Project:
    return get_object_or_404(Project.objects.editable_by(request.user), pk=pk)


@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _own_project(request, pk)
    form = ProjectForm(request.POST or None, instance=Project.objects.get(pk=project.pk))
    if request.method == "POST":
        if form.is_valid():
            return _save_project(request, form, project=project)
        return _project_form_page(request, form, project=project, status=400)
    return _project_form_page(request, form, project=project)


@login_required
@require_POST
def project_summary(request: HttpRequest, pk: int) -> HttpResponse:
    project = _own_project(request, pk)
    form = SummaryForm(request.POST)
    to_project = redirect("matching:project-detail", pk=project.pk)
    if not form.is_valid():
        for error in [_("Please correct the marked fields."), *chain(*form.errors.values())]:
            messages.error(request, error)
        return to_project
    return run_step(
        request,
        lambda: services.file_summary(project, by=request.user, **form.cleaned_data),
        refused=PlanningRefused,
        done=_("The summary was filed."),
        then=to_project,
    )


@login_required
@require_POST
def project_close(request: HttpRequest, pk: int) -> HttpResponse:
    project = _own_project(request, pk)
    return run_step(
        request,
        lambda: services.settle_and_close(project, by=request.user),
        refused=PlanningRefused,
        done=_("Funds are settled and the project is closed."),
        then=redirect("matching:project-detail", pk=project.pk),
    )


@login_required
def project_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    """The outcome's follow-up of a closed project: what changed, the economic and social benefit."""
    project = _own_project(request, pk)
    follow_up = getattr(project, "follow_up", None)
    answers = ("what_changed", "economic_benefit", "social_benefit")
    initial = {name: getattr(follow_up, name) for name in answers} if follow_up else {}
    form = FollowUpForm(request.POST or None, project=project, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            sent = _("The follow-up was sent to the office as a revision of the outcome.")
            kept = _("The follow-up was saved; the office reads it with the project.")
            return run_step(
                request,
                lambda: services.file_follow_up(project, by=request.user, **form.cleaned_data),
                refused=PlanningRefused,
                done=lambda follow_up: sent if follow_up.revised_outcome else kept,
                then=redirect("matching:project-detail", pk=project.pk),
            )
    context = {"project": project, "form": form, "follow_up": follow_up}
    return render(request, "matching/planning/follow_up.html", context, status=status)


# The annual plan.


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    _planner(request)
    plans = AnnualPlan.objects.visible_to(request.user).order_by("-year", "unit__name")
    stage = request.GET.get("stage")
    if stage in Stage.values:
        plans = plans.filter(stage=stage)
    page = Paginator(plans, PER_PAGE).get_page(request.GET.get("page"))
    unit = member_unit(request.user)
    context = {"page_obj": page, "plans": page.object_list, "unit": unit, "stages": Stage.choices,
               "stage": stage, "open_years": PlanYear.objects.all() if unit else []}  # fmt: skip
    return render(request, "matching/planning/plan_list.html", context)


@login_required
@require_POST
def plan_open(request: HttpRequest) -> HttpResponse:
    unit = member_unit_or_403(request.user)
    year = positive_int(request.POST.get("year"), 2100)
    try:
        if year is None:
            raise PlanningRefused(_("Choose a plan year."))
        plan = services.open_plan(unit, year)
    except PlanningRefused as refused:
        messages.error(request, refused.message)
        return redirect("matching:plan-list")
    return redirect("matching:plan-detail", pk=plan.pk)


def _visible_plan(request: HttpRequest, pk: int) -> AnnualPlan:
    return get_object_or_404(AnnualPlan.objects.visible_to(request.user), pk=pk)


def _library(plan: AnnualPlan):
    return Project.objects.filter(unit=plan.unit, plan_year=plan.year)


def _review_forms(plan: AnnualPlan, items, data=None) -> list[tuple]:
    return [
        (item, ReviewForm(data, prefix=f"item-{item.pk}", initial={"rank": n}))
        for n, item in enumerate(items, 1)
    ]


def _plan_page(request, plan: AnnualPlan, *, review_forms=None, error=None, findings=None, status=200):
    items = list(plan.items.select_related("project__unit", "project__demand"))
    office = is_office(request.user)
    scores = {}
    if office:
        # The match line ranks the whole catalogue for each project; the list shows the other four lines and
        # the project's page the full score.
        scores = {item.pk: services_score(item.project, with_match=False) for item in items}
        for item in items:
            item.score = scores[item.pk]
        if request.GET.get("sort") == "score":
            items.sort(key=lambda item: -item.score.total)
        floor = positive_int(request.GET.get("min_score"), 100)
        if floor:
            items = [item for item in items if item.score.total >= floor]
    own = member_unit(request.user) == plan.unit
    acts = services.acts_at(request.user, plan)
    pending = [item for item in items if item.status == ItemStatus.PENDING]
    context = {
        "plan": plan,
        "items": items,
        "own": own,
        "acts": acts,
        "office": office,
        "usages": services.quota_usages(plan),
        "events": plan.events.select_related("actor", "project"),
        "deadline": PlanYear.objects.filter(year=plan.year).first(),
        "error": error,
        "findings": services.shown(findings or []),
        "select_form": PlanProjectsForm(
            library=_library(plan),
            initial={"projects": [i.project_id for i in items if i.status != ItemStatus.REJECTED]},
        )
        if own
        else None,
        "review_forms": review_forms or (_review_forms(plan, pending) if acts else []),
        "sort": request.GET.get("sort", ""),
        "min_score": request.GET.get("min_score", ""),
    }
    return render(request, "matching/planning/plan_detail.html", context, status=status)


def _plan_step(
    request: HttpRequest,
    plan: AnnualPlan,
    step: Callable[[], object],
    done: str,
    then: HttpResponse | None = None,
    **page,
) -> HttpResponse:
    """A step on a plan: the message `done` and the plan (or `then`); refused, the plan's page again with
    why and any findings (409), `page` as it was posted."""
    return run_step(
        request,
        step,
        refused=PlanningRefused,
        back=lambda refused: _plan_page(
            request, plan, error=refused.message, findings=refused.findings, status=409, **page
        ),
        done=done,
        then=redirect("matching:plan-detail", pk=plan.pk) if then is None else then,
    )


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_page(request, _visible_plan(request, pk))


def _own_plan(request: HttpRequest, pk: int) -> AnnualPlan:
    return get_object_or_404(AnnualPlan, pk=pk, unit=member_unit_or_403(request.user))


@login_required
@require_POST
def plan_projects(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _own_plan(request, pk)
    form = PlanProjectsForm(request.POST, library=_library(plan))
    if not form.is_valid():
        return _plan_page(request, plan, error=_("Choose projects of the library."), status=400)
    projects = list(form.cleaned_data["projects"])
    saved = _("The plan's projects were saved.")
    return _plan_step(request, plan, lambda: services.select_projects(plan, projects, by=request.user), saved)


@login_required
@require_POST
def plan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _own_plan(request, pk)
    submitted = _("The plan was submitted for review.")
    return _plan_step(request, plan, lambda: services.submit_plan(plan, by=request.user), submitted)


@login_required
@require_POST
def plan_review(request: HttpRequest, pk: int) -> HttpResponse:
    plan = permitted(request, _visible_plan(request, pk), services.acts_at)
    pending = list(plan.items.filter(status=ItemStatus.PENDING).select_related("project"))
    forms = _review_forms(plan, pending, request.POST)
    if not all(form.is_valid() for _item, form in forms):
        return _plan_page(
            request, plan, review_forms=forms, error=_("Please correct the marked fields."), status=400
        )
    decisions = {item.pk: Decision(**form.cleaned_data) for item, form in forms}
    return _plan_step(
        request,
        plan,
        lambda: services.review_plan(plan, decisions, by=request.user),
        _("Your review was recorded."),
        then=redirect("matching:plan-list"),
        review_forms=forms,
    )


# The office.


@office_required
def office_planning(request: HttpRequest) -> HttpResponse:
    """Plan years and deadlines, quotas, entry conditions and weights, overdue summaries."""
    settings = PlanningSettings.current()
    which = request.POST.get("form") if request.method == "POST" else None
    settings_form = PlanningSettingsForm(request.POST if which == "settings" else None, instance=settings)
    year_form = PlanYearForm(request.POST if which == "year" else None, prefix="year")
    quota_form = QuotaForm(request.POST if which == "quota" else None, prefix="quota")
    if which == "settings" and settings_form.is_valid():
        settings_form.save()
        messages.success(request, _("The settings were saved."))
        return redirect("matching:office-planning")
    if which == "year" and year_form.is_valid():
        data = year_form.cleaned_data
        PlanYear.objects.update_or_create(year=data["year"], defaults={"deadline": data["deadline"]})
        messages.success(request, _("The plan year was saved."))
        return redirect("matching:office-planning")
    if which == "quota" and quota_form.is_valid():
        data = quota_form.cleaned_data
        Quota.objects.update_or_create(
            year=data["year"], unit=data["unit"], department=data["department"],
            defaults={"headcount": data["headcount"], "local_or_enterprise": data["local_or_enterprise"]},
        )  # fmt: skip
        messages.success(request, _("The quota was saved."))
        return redirect("matching:office-planning")
    quotas = Paginator(Quota.objects.select_related("unit", "department"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "settings_form": settings_form,
        "year_form": year_form,
        "quota_form": quota_form,
        "years": PlanYear.objects.all(),
        "page_obj": quotas,
        "quotas": quotas.object_list,
        "overdue": services.overdue_summaries()[:100],
        # Follow-ups of projects without an outcome in the showcase: the office reads them here.
        "follow_ups": OutcomeFollowUp.objects.filter(
            answered_at__isnull=False, revised_outcome=False
        ).select_related("project__unit")[:100],
        "summary_days": settings.summary_days,
    }
    return render(request, "matching/planning/office.html", context, status=400 if which else 200)


@office_required
def groups_abroad(request: HttpRequest) -> HttpResponse:
    """The training groups abroad today, where they are, and the last entry of each one's log."""
    groups = TrainingGroup.objects.abroad_on(timezone.localdate())
    page = Paginator(groups, PER_PAGE).get_page(request.GET.get("page"))
    context = {"page_obj": page, "groups": page.object_list, "today": timezone.localdate()}
    return render(request, "matching/planning/groups_abroad.html", context)


@login_required
def plan_summary_table(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan's application summary table (申请汇总表) as an Excel workbook."""
    from matching.planning_report import summary_table

    return xlsx_response(summary_table(_visible_plan(request, pk)))


@office_required
def planning_report(request: HttpRequest) -> HttpResponse:
    """The annual statistical report of a plan year, for every unit or those of one region or department:
    a page with charts, an Excel workbook (`format=xlsx`) and a Word document (`format=docx`)."""
    from matching.planning_report import chart_of, report_docx, report_tables

    this_year = timezone.localdate().year
    year = positive_int(request.GET.get("year"), 2100) or this_year
    department_id = object_id(request.GET.get("department"))
    department = SupervisingDepartment.objects.filter(pk=department_id).first() if department_id else None
    tables = report_tables(year, department)
    name = f"annual-report-{year}" + (f"-{department.pk}" if department else "")
    if request.GET.get("format") == "xlsx":
        return workbook_response(tables, name)
    if request.GET.get("format") == "docx":
        response = HttpResponse(report_docx(tables, year, department), content_type=DOCX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{name}.docx"'
        return response
    years = sorted({*PlanYear.objects.values_list("year", flat=True), this_year, year}, reverse=True)
    context = {
        "year": year,
        "years": years,
        "department": department,
        "departments": SupervisingDepartment.objects.order_by("kind", "name"),
        "sections": [(table, chart_of(table)) for table in tables],
        "query": f"year={year}" + (f"&department={department.pk}" if department else ""),
    }
    return render(request, "matching/planning/report.html", context)


def workbook_response(tables, name: str) -> HttpResponse:
    """Several tables as the sheets of one workbook, their text cells never formulas."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        sheet = workbook.create_sheet(re.sub(r"[\[\]:*?/\\]", " ", str(table.title))[:31])
        sheet.append(cells(table.headers))
        for row in table.rows:
            sheet.append(cells(row))
    output = io.BytesIO()
    workbook.save(output)
    response = HttpResponse(output.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
