"""The annual statistical report (年度统计报告) of a plan year and a plan's summary table (申请汇总表), as
statistics tables (matching.statistics.Table) that the page shows and the Excel download writes."""

from __future__ import annotations

from django.db.models import Avg, Count, Sum
from django.utils.translation import gettext as _

from catalog.quality import shown_mean
from catalog.text import pick_language
from matching.models import AnnualPlan, GroupEvaluation, ItemStatus, PlanEvent, Project, Side, UnitOutcome
from matching.models.planning import REVIEW_LEVELS
from matching.services.planning import approved_projects
from matching.statistics import Table


def year_figures(year: int) -> Table:
    """Projects planned, approved and executed, participants, days, countries, fields, the execution rate,
    evaluation means and outcomes for one plan year."""
    planned = Project.objects.filter(plan_year=year, plan_items__plan__submitted_at__isnull=False).distinct()
    approved = Project.objects.filter(approved_projects(), plan_year=year).distinct()
    executed = approved.filter(returned_on__isnull=False)
    totals = Project.objects.filter(pk__in=executed.values("pk")).aggregate(
        people=Sum("headcount"), days=Sum("days")
    )
    groups = GroupEvaluation.objects.filter(group__inquiry__project__in=executed.values("pk"))
    of_institutions = groups.filter(side=Side.UNIT).aggregate(mean=Avg("evaluation__overall"))["mean"]
    of_groups = groups.filter(side=Side.INSTITUTION).aggregate(mean=Avg("evaluation__overall"))["mean"]
    approved_count, executed_count = approved.count(), executed.count()
    rows = [
        [_("Projects planned"), planned.count()],
        [_("Projects approved"), approved_count],
        [_("Projects executed"), executed_count],
        [_("Participants"), totals["people"] or 0],
        [_("Days abroad"), totals["days"] or 0],
        [_("Countries"), executed.values("destinations").exclude(destinations=None).distinct().count()],
        [_("Fields"), executed.values("fields").exclude(fields=None).distinct().count()],
        [_("Execution rate (%)"), round(100 * executed_count / approved_count, 1) if approved_count else 0],
        [_("Mean rating of institutions by groups"), shown_mean(of_institutions)],
        [_("Mean rating of groups by institutions"), shown_mean(of_groups)],
        [
            _("Outcomes published by the units"),
            UnitOutcome.objects.filter(unit__projects__in=executed.values("pk"), outcome__live=True)
            .distinct()
            .count(),
        ],
    ]
    return Table(
        f"planning-{year}", _("Annual report %(year)d") % {"year": year}, "", [_("Figure"), _("Value")], rows
    )


def by_country(year: int) -> Table:
    counted = (
        Project.objects.filter(approved_projects(), plan_year=year)
        .exclude(destinations=None)
        .values("destinations__name_zh", "destinations__name_en")
        .annotate(n=Count("pk", distinct=True), people=Sum("headcount"))
        .order_by("-n", "destinations__name_en")
    )
    rows = [
        [pick_language(r["destinations__name_zh"], r["destinations__name_en"]), r["n"], r["people"]]
        for r in counted
    ]
    return Table(f"planning-{year}-countries", _("Approved projects by country"), "",
                 [_("Country"), _("Projects"), _("Participants")], rows)  # fmt: skip


def by_field(year: int) -> Table:
    counted = (
        Project.objects.filter(approved_projects(), plan_year=year)
        .exclude(fields=None)
        .values("fields__name_zh", "fields__name_en")
        .annotate(n=Count("pk", distinct=True))
        .order_by("-n", "fields__name_en")
    )
    rows = [[pick_language(r["fields__name_zh"], r["fields__name_en"]), r["n"]] for r in counted]
    return Table(
        f"planning-{year}-fields", _("Approved projects by field"), "", [_("Field"), _("Projects")], rows
    )


def report_tables(year: int) -> list[Table]:
    return [year_figures(year), by_country(year), by_field(year)]


def summary_table(plan: AnnualPlan) -> Table:
    """The plan's application summary table: one row per project with its terms and each level's opinion."""
    opinions: dict[tuple[int, str], str] = {}
    for event in PlanEvent.objects.filter(plan=plan, action=PlanEvent.Action.REVIEWED).order_by("at", "pk"):
        opinions[(event.project_id, event.level)] = f"{event.get_decision_display()}: {event.opinion}".strip(
            ": "
        )
    rows = []
    items = plan.items.exclude(status=ItemStatus.REJECTED).select_related("project")
    for n, item in enumerate(items, 1):
        project = item.project
        rows.append([
            item.rank or n, project.title, plan.unit.name, project.plan_year, project.headcount, project.days,
            project.cities, ", ".join(str(c) for c in project.destinations.all()),
            ", ".join(i.name for i in project.institutions.all()), project.get_category_display(),
            project.get_classification_display(), project.get_funding_source_display(),
            float(project.central_funds),
            _("Yes") if project.outside_quota else _("No"), item.get_status_display(),
            *(opinions.get((project.pk, level), "") for level in REVIEW_LEVELS),
        ])  # fmt: skip
    columns = [
        _("Rank"), _("Project"), _("Organizing unit"), _("Plan year"), _("Headcount"), _("Days abroad"),
        _("Cities"),
        _("Destinations"), _("Planned institutions"), _("Category"), _("Classification"), _("Funding source"),
        _("Central funds requested (10,000 yuan)"), _("Outside the quota"), _("Status"),
        *(str(level.label) for level in REVIEW_LEVELS),
    ]  # fmt: skip
    return Table(f"plan-{plan.year}-{plan.pk}", _("Application summary table"), "", columns, rows)
