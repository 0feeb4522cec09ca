"""The planning documents: the annual statistical report for a year and a region or department (page with
charts, Word and Excel), the application form made from a project (page and Word), and the quotas the office
sets for regions and departments as well as for units."""

from __future__ import annotations

import io

import docx
import pytest
from django.utils import timezone, translation

from matching.choices import ItemStatus, QuotaHolderKind, Stage
from matching.models import AnnualPlan, Project, Quota, SupervisingDepartment
from matching.planning_report import by_holder, chart_of, report_tables, year_figures
from matching.services import planning
from matching.services.planning import PlanningRefused
from tests.matching import test_planning
from tests.matching.test_planning import (
    NEXT_YEAR,
    approved_plan,
    review_all,
    values,
    workbook,
)

pytestmark = pytest.mark.django_db

# The planning people (Dai of X's region, Fang of foreign affairs) and X's plan of two projects of 12.
people, plan = test_planning.people, test_planning.plan


@pytest.fixture(autouse=True)
def english():
    """The tables' labels in English, as the checks below name them."""
    with translation.override("en"):
        yield


def figures(tables) -> dict:
    return {str(label): value for label, value in tables[0].rows}


def document(response) -> docx.Document:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    return docx.Document(io.BytesIO(response.content))


def text_of(doc: docx.Document) -> str:
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


@pytest.fixture
def two_regions(people, plan, small_catalogue):
    """X's plan (two projects of 12) approved through its region, 江苏省人民政府; Y's plan (one project of 6)
    approved through a department, 农业农村部, the group back home."""
    approved_plan(people, plan)
    ministry = SupervisingDepartment.objects.create(name="农业农村部", kind=QuotaHolderKind.DEPARTMENT)
    ministry.units.add(people["unit_y"])
    ministry.members.add(people["dai"])
    project = planning.create_project(
        people["unit_y"],
        by=people["yang"],
        values=values(small_catalogue, unit=people["unit_y"], headcount=6),
    )
    other = planning.open_plan(people["unit_y"], NEXT_YEAR)
    planning.select_projects(other, [project], by=people["yang"])
    other = planning.submit_plan(other, by=people["yang"])
    for who in ("dai", "olivia", "fang"):
        other = review_all(other, people[who])
    Project.objects.filter(pk=project.pk).update(returned_on=timezone.localdate())
    return {"region": people["department"], "ministry": ministry, "y_project": project}


# The annual report.


def test_the_region_or_department_filter_changes_the_figures(two_regions):
    everyone = figures(report_tables(NEXT_YEAR))
    assert (everyone["Projects approved"], everyone["Projects executed"], everyone["Participants"]) == (
        3,
        1,
        6,
    )
    region = figures(report_tables(NEXT_YEAR, two_regions["region"]))
    assert (region["Projects planned"], region["Projects approved"], region["Projects executed"]) == (2, 2, 0)
    assert region["Participants"] == 0 and region["Execution rate (%)"] == 0
    ministry = figures(report_tables(NEXT_YEAR, two_regions["ministry"]))
    assert (ministry["Projects approved"], ministry["Projects executed"], ministry["Participants"]) == (
        1,
        1,
        6,
    )
    assert ministry["Execution rate (%)"] == 100.0 and ministry["Person-days abroad"] == 6 * 21
    assert figures([year_figures(NEXT_YEAR + 1)])["Projects approved"] == 0


def test_the_report_compares_regions_and_departments_only_unfiltered(two_regions):
    rows = {row[0]: row[1:] for row in by_holder(NEXT_YEAR).rows}
    assert rows["江苏省人民政府"][1:] == [2, 2, 0, 24]
    assert rows["农业农村部"][1:] == [1, 1, 1, 6]
    assert len(report_tables(NEXT_YEAR)) == 5 and len(report_tables(NEXT_YEAR, two_regions["region"])) == 4


def test_each_chart_scales_its_bars_to_the_largest_and_the_figures_table_has_none(two_regions):
    tables = report_tables(NEXT_YEAR)
    assert chart_of(tables[0]) is None
    stages = chart_of(tables[1])
    assert [(bar.value, bar.share) for bar in stages.bars] == [(3, 1.0), (3, 1.0), (1, pytest.approx(1 / 3))]
    assert "Executed: 1" in stages.summary


def test_the_report_page_draws_accessible_charts_in_both_languages(client, people, two_regions):
    client.force_login(people["olivia"])
    for language in ("en", "zh-hans"):
        page = client.get(f"/{language}/office/planning/report/?year={NEXT_YEAR}")
        body = page.content.decode()
        assert page.status_code == 200
        assert body.count('<svg role="img"') == 4 and "<desc id=" in body and "<table" in body
    body = client.get(
        f"/en/office/planning/report/?year={NEXT_YEAR}&department={two_regions['ministry'].pk}"
    ).content.decode()
    assert "data-scope" in body and "农业农村部" in body and f"planning-{NEXT_YEAR}-holders" not in body
    # An unknown or malformed region shows every unit, never an error.
    for odd in ("999999", "x", "-1", "1" * 40):
        assert client.get(f"/en/office/planning/report/?department={odd}").status_code == 200


def test_the_report_downloads_as_word_with_its_charts_and_tables(client, people, two_regions):
    client.force_login(people["olivia"])
    ministry = two_regions["ministry"].pk
    doc = document(
        client.get(f"/en/office/planning/report/?year={NEXT_YEAR}&department={ministry}&format=docx")
    )
    text = text_of(doc)
    assert f"Annual statistical report {NEXT_YEAR}" in text and "农业农村部" in text
    assert "Projects executed" in text and "Person-days abroad" in text
    figures_table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Figure")
    counted = {row.cells[0].text: row.cells[1].text for row in figures_table.rows[1:]}
    assert counted["Participants"] == "6" and counted["Execution rate (%)"] == "100.0"
    assert len(doc.inline_shapes) >= 3  # the bars of the charts
    everyone = document(client.get(f"/zh-hans/office/planning/report/?year={NEXT_YEAR}&format=docx"))
    assert f"{NEXT_YEAR}年度统计报告" in text_of(everyone)


def test_the_report_downloads_as_excel_filtered(client, people, two_regions):
    client.force_login(people["olivia"])
    region = two_regions["region"].pk
    book = workbook(
        client.get(f"/en/office/planning/report/?year={NEXT_YEAR}&department={region}&format=xlsx")
    )
    counted = dict(list(book.worksheets[0].values)[1:])
    assert counted["Projects approved"] == 2 and counted["Projects executed"] == 0
    assert len(book.worksheets) == 4
    book = workbook(client.get(f"/en/office/planning/report/?year={NEXT_YEAR}&format=xlsx"))
    assert dict(list(book.worksheets[0].values)[1:])["Projects approved"] == 3 and len(book.worksheets) == 5


def test_only_the_office_reads_the_report(client, people, two_regions):
    for who in ("xu", "dai", "fang"):
        client.force_login(people[who])
        response = client.get(f"/en/office/planning/report/?year={NEXT_YEAR}&format=docx")
        assert response.status_code in (302, 403, 404)


# The application form.


def test_the_application_form_holds_every_item_of_the_guide_and_each_levels_opinion(client, people, plan):
    project = plan.items.order_by("pk").first().project
    Project.objects.filter(pk=project.pk).update(
        participants="省科技厅处级干部8人，企业技术骨干4人", cross_regional=True, agreement="中德科技合作协定"
    )
    approved_plan(people, plan)
    client.force_login(people["xu"])
    detail = client.get(f"/en/projects/{project.pk}/").content.decode()
    assert f"/en/projects/{project.pk}/application/" in detail
    page = client.get(f"/en/projects/{project.pk}/application/")
    body = page.content.decode()
    assert page.status_code == 200
    labels = ("Participant make-up", "Group across regions and departments", "Intergovernmental agreement",
              "Central special funds requested", "Expert review", "Review opinions",
              "Supervising department", "Foreign-affairs office")  # fmt: skip
    for label in labels:
        assert label in body, label
    assert "中德科技合作协定" in body and "企业技术骨干4人" in body and "王教授" in body
    assert body.count("同意") >= 3
    doc = document(client.get(f"/en/projects/{project.pk}/application.docx"))
    text = text_of(doc)
    assert "中德科技合作协定" in text and "Administering office" in text and "rank" in text
    zh = client.get(f"/zh-hans/projects/{project.pk}/application/").content.decode()
    assert "中德科技合作协定" in zh


def test_an_unreviewed_project_says_so_and_other_units_cannot_read_it(client, people, plan):
    project = plan.items.first().project
    client.force_login(people["xu"])
    assert "Not reviewed yet" in client.get(f"/en/projects/{project.pk}/application/").content.decode()
    client.force_login(people["yang"])
    assert client.get(f"/en/projects/{project.pk}/application/").status_code == 404
    assert client.get(f"/en/projects/{project.pk}/application.docx").status_code == 404


# Quotas of regions and departments.


def y_plan(people, catalogue, headcount: int, **extra) -> AnnualPlan:
    """Y's plan for next year with a new project of `headcount` added to its library's projects."""
    project = planning.create_project(
        people["unit_y"],
        by=people["yang"],
        values=values(catalogue, unit=people["unit_y"], headcount=headcount, **extra),
    )
    opened = planning.open_plan(people["unit_y"], NEXT_YEAR)
    library = list(Project.objects.filter(unit=project.unit, plan_year=NEXT_YEAR))
    return planning.select_projects(opened, library, by=people["yang"])


def test_a_regions_quota_counts_the_plans_of_all_its_units_up_to_120_percent(people, plan, small_catalogue):
    region = people["department"]
    region.units.add(people["unit_y"])
    Quota.objects.create(year=NEXT_YEAR, department=region, headcount=30)  # a cap of 36
    planning.submit_plan(plan, by=people["xu"])  # 24 people
    second = y_plan(people, small_catalogue, 13)
    [usage] = planning.holder_usages(second)
    assert (usage.holder, usage.quota, usage.cap, usage.used, usage.plans) == (
        "江苏省人民政府",
        30,
        36,
        37,
        2,
    )
    with pytest.raises(PlanningRefused) as refused:
        planning.submit_plan(second, by=people["yang"])
    assert all(str(n) in refused.value.message for n in ("江苏省人民政府", 37, 30, 36))
    Project.objects.filter(unit=people["unit_y"]).update(headcount=12)
    assert planning.submit_plan(second, by=people["yang"]).stage == Stage.DEPARTMENT


def test_a_department_plans_within_its_quota_and_outside_groups_do_not_count(people, plan, small_catalogue):
    ministry = SupervisingDepartment.objects.create(name="农业农村部", kind=QuotaHolderKind.DEPARTMENT)
    ministry.units.add(people["unit_y"])
    Quota.objects.create(year=NEXT_YEAR, department=ministry, headcount=12)
    second = y_plan(people, small_catalogue, 13)
    [usage] = planning.holder_usages(second)
    assert (usage.cap, usage.used, usage.over) == (12, 13, True)
    backbone = y_plan(people, small_catalogue, 4, days=120, classification="backbone_plan", title="骨干")
    [usage] = planning.holder_usages(backbone)
    assert (usage.used, usage.outside) == (13, 4)
    Project.objects.filter(unit=people["unit_y"], headcount=13).update(headcount=12)
    assert not planning.holder_usages(second)[0].over


def test_a_plan_returned_to_its_unit_leaves_the_regions_count(people, plan, small_catalogue):
    region = people["department"]
    region.units.add(people["unit_y"])
    Quota.objects.create(year=NEXT_YEAR, department=region, headcount=20)
    planning.submit_plan(plan, by=people["xu"])
    second = y_plan(people, small_catalogue, 6)
    assert planning.holder_usages(second)[0].used == 30
    review_all(AnnualPlan.objects.get(pk=plan.pk), people["dai"], decision=ItemStatus.RETURNED)
    assert planning.holder_usages(second)[0].used == 6


def test_the_plan_page_shows_each_quota_it_counts_against(client, people, plan):
    Quota.objects.create(year=NEXT_YEAR, unit=people["unit_x"], headcount=30)
    Quota.objects.create(year=NEXT_YEAR, department=people["department"], headcount=20)
    client.force_login(people["xu"])
    body = client.get(f"/en/plans/{plan.pk}/").content.decode()
    assert "Quota 30 · used 24 · the plan may apply for at most 36." in body
    assert "Quota 20 · used 24 by 1 plan with this one · its plans may apply for at most 24." in body
    assert "data-over-quota" not in body


def test_a_quota_has_exactly_one_holder(people):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Quota.objects.create(year=NEXT_YEAR, headcount=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        Quota.objects.create(
            year=NEXT_YEAR, headcount=5, unit=people["unit_x"], department=people["department"]
        )
