"""The annual statistical report (年度统计报告) of a plan year, for all units or the units of one region or
department, and a plan's summary table (申请汇总表): statistics tables (matching.statistics.Table) that the
page shows with bar charts drawn on the server, the Excel download writes as sheets and the DOCX document
writes with its charts."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from catalog.quality import shown_mean
from catalog.text import pick_language
from matching.choices import ItemStatus, PlanAction, Side
from matching.models import AnnualPlan, GroupEvaluation, PlanEvent, Project, UnitOutcome
from matching.models.planning import REVIEW_LEVELS, SupervisingDepartment
from matching.services.planning import approved_projects
from matching.statistics import Table

CHART_ROWS = 12  # a chart draws the largest rows; the table below it holds them all


def _projects(year: int, department: SupervisingDepartment | None) -> QuerySet[Project]:
    projects = Project.objects.filter(plan_year=year)
    return projects.filter(unit__supervisors=department) if department is not None else projects


def _planned(year: int, department: SupervisingDepartment | None) -> QuerySet[Project]:
    """Projects of the year in a plan that was submitted (a plan still with its unit plans nothing yet)."""
    return _projects(year, department).filter(plan_items__plan__submitted_at__isnull=False).distinct()


def _approved(year: int, department: SupervisingDepartment | None) -> QuerySet[Project]:
    return Project.objects.filter(
        approved_projects(), pk__in=_projects(year, department).values("pk")
    ).distinct()


def _executed(year: int, department: SupervisingDepartment | None) -> QuerySet[Project]:
    """Approved projects whose group came back (the unit gave the return date with its summary)."""
    return _approved(year, department).filter(returned_on__isnull=False)


def scope_label(department: SupervisingDepartment | None) -> str:
    if department is None:
        return _("All regions and departments")
    return f"{department.name} ({department.get_kind_display()})"


def year_figures(year: int, department: SupervisingDepartment | None = None) -> Table:
    """Projects planned, approved and executed, participants, days, countries, fields, the execution rate,
    evaluation means and outcomes for one plan year."""
    approved, executed = _approved(year, department), _executed(year, department)
    executed_ids = executed.values("pk")
    totals = Project.objects.filter(pk__in=executed_ids).aggregate(people=Sum("headcount"), days=Sum("days"))
    person_days = sum(p.headcount * p.days for p in Project.objects.filter(pk__in=executed_ids))
    # Unsealed evaluations only: a sealed one is not read by anyone until the other side answered.
    groups = GroupEvaluation.objects.filter(
        group__inquiry__project__in=executed_ids, evaluation__sealed_until__isnull=True
    )
    of_institutions = groups.filter(side=Side.UNIT).aggregate(mean=Avg("evaluation__overall"))["mean"]
    of_groups = groups.filter(side=Side.INSTITUTION).aggregate(mean=Avg("evaluation__overall"))["mean"]
    approved_count, executed_count = approved.count(), executed.count()
    outcomes = (
        UnitOutcome.objects.filter(
            Q(projects__in=executed_ids) | Q(unit__projects__in=executed_ids), outcome__live=True
        )
        .distinct()
        .count()
    )
    rows = [
        [_("Projects planned"), _planned(year, department).count()],
        [_("Projects approved"), approved_count],
        [_("Projects executed"), executed_count],
        [_("Participants"), totals["people"] or 0],
        [_("Days abroad"), totals["days"] or 0],
        [_("Person-days abroad"), person_days],
        [_("Countries"), executed.values("destinations").exclude(destinations=None).distinct().count()],
        [pgettext("subject", "Fields"), executed.values("fields").exclude(fields=None).distinct().count()],
        [_("Execution rate (%)"), round(100 * executed_count / approved_count, 1) if approved_count else 0],
        [_("Mean rating of institutions by groups"), shown_mean(of_institutions)],
        [_("Mean rating of groups by institutions"), shown_mean(of_groups)],
        [_("Outcomes published by the units"), outcomes],
    ]
    return Table(
        f"planning-{year}", _("Annual report %(year)d") % {"year": year}, scope_label(department),
        [_("Figure"), _("Value")], rows,
    )  # fmt: skip


def stages(year: int, department: SupervisingDepartment | None = None) -> Table:
    """Planned, approved and executed side by side: the report's first chart."""
    rows = [
        [_("Planned"), _planned(year, department).count()],
        [_("Approved"), _approved(year, department).count()],
        [_("Executed"), _executed(year, department).count()],
    ]
    return Table(f"planning-{year}-stages", _("Projects planned, approved and executed"), "",
                 [_("Stage"), _("Projects")], rows)  # fmt: skip


def by_country(year: int, department: SupervisingDepartment | None = None) -> Table:
    counted = (
        _approved(year, department)
        .exclude(destinations=None)
        .values("destinations__name_zh", "destinations__name_en")
        .annotate(n=Count("pk", distinct=True), people=Sum("headcount"))
        .order_by("-people", "-n", "destinations__name_en")
    )
    rows = [
        [pick_language(r["destinations__name_zh"], r["destinations__name_en"]), r["people"], r["n"]]
        for r in counted
    ]
    return Table(f"planning-{year}-countries", _("Participants of approved projects by country"), "",
                 [_("Country"), _("Participants"), _("Projects")], rows)  # fmt: skip


def by_field(year: int, department: SupervisingDepartment | None = None) -> Table:
    counted = (
        _approved(year, department)
        .exclude(fields=None)
        .values("fields__name_zh", "fields__name_en")
        .annotate(n=Count("pk", distinct=True))
        .order_by("-n", "fields__name_en")
    )
    rows = [[pick_language(r["fields__name_zh"], r["fields__name_en"]), r["n"]] for r in counted]
    return Table(
        f"planning-{year}-fields",
        _("Approved projects by field"),
        "",
        [pgettext("subject", "Field"), _("Projects")],
        rows,
    )


def by_holder(year: int) -> Table:
    """Each region's and department's projects planned, approved and executed, and its participants."""
    rows = []
    for department in SupervisingDepartment.objects.order_by("kind", "name"):
        approved = _approved(year, department)
        people = Project.objects.filter(pk__in=approved.values("pk")).aggregate(n=Sum("headcount"))["n"]
        rows.append([
            department.name, department.get_kind_display(), _planned(year, department).count(),
            approved.count(), _executed(year, department).count(), people or 0,
        ])  # fmt: skip
    rows.sort(key=lambda row: (-row[3], -row[2], row[0]))
    return Table(
        f"planning-{year}-holders", _("By region and department"), "",
        [_("Region or department"), _("Kind of body"), _("Projects planned"), _("Projects approved"),
         _("Projects executed"), _("Participants")],
        rows, series=[3],
    )  # fmt: skip


def report_tables(year: int, department: SupervisingDepartment | None = None) -> list[Table]:
    tables = [year_figures(year, department), stages(year, department), by_country(year, department),
              by_field(year, department)]  # fmt: skip
    if department is None:
        tables.append(by_holder(year))
    return tables


# Charts: the same bars on the page (SVG) and in the document (a table whose bar cells hold images).


@dataclass
class Bar:
    label: str
    value: float
    share: float  # of the largest value, 0 to 1


@dataclass
class Chart:
    name: str
    title: str
    measure: str
    bars: list[Bar]

    @property
    def height(self) -> int:
        return 28 * len(self.bars) + 8

    @property
    def summary(self) -> str:
        """The chart in words, for screen readers (the table below it has every figure)."""
        return "; ".join(f"{bar.label}: {bar.value:g}" for bar in self.bars)


def chart_of(table: Table) -> Chart | None:
    """A bar chart of the table's charted column over its first rows (each table comes largest first);
    None for the figures table, whose values have different units, and for an empty table."""
    if not table.rows or table.name.count("-") < 2:
        return None
    column = table.series[0]
    rows = table.rows[:CHART_ROWS]
    largest = max((row[column] or 0) for row in rows) or 1
    bars = [Bar(str(row[0]), row[column] or 0, (row[column] or 0) / largest) for row in rows]
    return Chart(table.name, str(table.title), str(table.columns[column]), bars)


def report_docx(tables: list[Table], year: int, department: SupervisingDepartment | None) -> bytes:
    """The report as a Word document: its figures, then each table with its chart drawn as bars."""
    from docx import Document
    from docx.shared import Cm, Pt

    document = Document()
    document.add_heading(_("Annual statistical report %(year)d") % {"year": year}, level=0)
    document.add_paragraph(scope_label(department))
    for table in tables:
        document.add_heading(str(table.title), level=1)
        chart = chart_of(table)
        if chart is not None:
            document.add_paragraph(_("Chart: %(measure)s") % {"measure": chart.measure}).runs[0].italic = True
            bars = document.add_table(rows=0, cols=3)
            for bar in chart.bars:
                cells = bars.add_row().cells
                cells[0].text = bar.label
                if bar.value:
                    cells[1].paragraphs[0].add_run().add_picture(
                        io.BytesIO(BAR_PNG), width=Cm(max(0.1, 8 * bar.share)), height=Pt(9)
                    )
                cells[2].text = f"{bar.value:g}"
        if not table.rows:
            document.add_paragraph(_("Nothing to count yet."))
            continue
        grid = document.add_table(rows=1, cols=len(table.columns))
        grid.style = "Table Grid"
        for cell, header in zip(grid.rows[0].cells, table.headers, strict=True):
            cell.text = header
            cell.paragraphs[0].runs[0].bold = True
        for row in table.rows:
            for cell, value in zip(grid.add_row().cells, row, strict=True):
                cell.text = "—" if value is None else str(value)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _bar_png() -> bytes:
    """One bar: a small image of the portal's accent colour that Word stretches to each bar's length."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 8), (37, 99, 235)).save(buffer, format="PNG")
    return buffer.getvalue()


BAR_PNG = _bar_png()


# The plan's summary table.


def summary_table(plan: AnnualPlan) -> Table:
    """The plan's application summary table: one row per project with its terms and each level's opinion."""
    opinions: dict[tuple[int, str], str] = {}
    for event in PlanEvent.objects.filter(plan=plan, action=PlanAction.REVIEWED).order_by("at", "pk"):
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
            float(project.central_funds), _("Yes") if project.cross_regional else _("No"), project.agreement,
            _("Yes") if project.outside_quota else _("No"), item.get_status_display(),
            *(opinions.get((project.pk, level), "") for level in REVIEW_LEVELS),
        ])  # fmt: skip
    columns = [
        _("Rank"), _("Project"), _("Organizing unit"), _("Plan year"), _("Headcount"), _("Days abroad"),
        _("Cities"),
        _("Destinations"), _("Planned institutions"), _("Category"), _("Classification"), _("Funding source"),
        _("Central funds requested (10,000 yuan)"), _("Across regions and departments"),
        _("Intergovernmental agreement"), _("Outside the quota"), _("Status"),
        *(str(level.label) for level in REVIEW_LEVELS),
    ]  # fmt: skip
    return Table(f"plan-{plan.year}-{plan.pk}", _("Application summary table"), "", columns, rows)
