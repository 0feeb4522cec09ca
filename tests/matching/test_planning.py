"""From agreed match to approved plan: the project library with its entry criteria and history, agreements
checked before they become projects, the annual plan reviewed up the chain with deadlines and quotas, and
the summary and closure after training."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from matching.choices import InquiryStatus, ItemStatus, PlanAction, Side, Stage
from matching.models import (
    AnnualPlan,
    Demand,
    Notification,
    OrganizingUnit,
    PlanEvent,
    PlanningSettings,
    PlanYear,
    Project,
    ProjectChange,
    Quota,
    SupervisingDepartment,
)
from matching.models.planning import FOREIGN_AFFAIRS, library_years
from matching.services import planning
from matching.services.negotiation import move_status, open_inquiry, propose
from matching.services.planning import Decision, PlanningRefused
from tests.factories import activate_totp

pytestmark = pytest.mark.django_db

NEXT_YEAR = timezone.localdate().year + 1
REVIEW = {"opinion": "必要且可行。", "expert": "王教授", "affiliation": "南京大学", "title": "教授"}


def make_demand(unit, external_id="dm-plan", **extra) -> Demand:
    values = {
        "organizing_unit": unit, "external_id": external_id, "title": "智能制造与工业4.0培训",
        "topic": "工业机器人", "content": "学习德国工业4.0经验，国内无法解决。", "days": 21, "group_size": 12,
        "cities": 1, "category": "professional", "participants_max_age": 50,
        "participants_min_years_to_retirement": 8, "special_project_stated": True, "special_project": None,
        "expert_review": REVIEW, "organizer_level": "provincial", **extra,
    }  # fmt: skip
    return Demand.objects.create(**values)


def proposal(days=21, cities="Munich", start=None) -> dict:
    start = start or datetime.date(NEXT_YEAR, 4, 6)
    return {
        "outline": "Digital production",
        "start_date": start,
        "end_date": start + datetime.timedelta(days=days - 1),
        "cities": cities,
        "price_per_person": Decimal("4800"),
        "currency": "EUR",
        "language": "en",
    }


@pytest.fixture
def people(people, django_user_model):
    """Adds Dai, a member of the supervising department of unit X (not of Y), and Fang of the
    foreign-affairs office."""
    activate_totp(people["olivia"])
    dai = django_user_model.objects.create_user("dai", "dai@example.org", "pw")
    fang = django_user_model.objects.create_user("fang", "fang@example.org", "pw")
    fang.groups.add(Group.objects.get_or_create(name=FOREIGN_AFFAIRS)[0])
    department = SupervisingDepartment.objects.create(name="江苏省人民政府")
    department.members.add(dai)
    department.units.add(people["unit_x"])
    return {**people, "dai": dai, "fang": fang, "department": department}


@pytest.fixture
def demand(people, small_catalogue):
    demand = make_demand(people["unit_x"])
    demand.fields.set([small_catalogue["fields"]["manufacturing"]])
    demand.destinations.set([small_catalogue["countries"]["DE"]])
    return demand


def agree(demand, institution, people, **terms):
    inquiry = open_inquiry(demand, institution, by=people["xu"], text="Hallo", side=Side.UNIT)
    propose(inquiry, by=people["anna"], **proposal(**terms))
    return move_status(inquiry, InquiryStatus.AGREED, by=people["xu"])


def values(small_catalogue, unit=None, **extra) -> dict:
    """A project's terms, from a demand of the unit (X by default) that carries the expert review and the
    participants' ages the rules ask for."""
    unit = unit or OrganizingUnit.objects.get(name="江苏省科学技术厅")
    demand = Demand.objects.filter(organizing_unit=unit).first() or make_demand(unit, f"dm-{unit.pk}")
    return {
        "demand": demand,
        "title": "工业4.0培训",
        "plan_year": NEXT_YEAR,
        "headcount": 12,
        "days": 21,
        "cities": 1,
        "category": "professional",
        "content": "学习德国经验。",
        "funding_source": "central",
        "central_funds": Decimal("60"),
        "classification": "none",
        "fields": [small_catalogue["fields"]["manufacturing"]],
        "destinations": [small_catalogue["countries"]["DE"]],
        "institutions": [small_catalogue["tum"]],
        **extra,
    }


def form_data(small_catalogue, **extra) -> dict:
    data = {
        "title": "工业4.0培训",
        "plan_year": str(NEXT_YEAR),
        "headcount": "12",
        "days": "21",
        "cities": "1",
        "category": "professional",
        "content": "学习德国经验。",
        "funding_source": "central",
        "central_funds": "60",
        "classification": "none",
        "fields": [str(small_catalogue["fields"]["manufacturing"].pk)],
        "destinations": [str(small_catalogue["countries"]["DE"].pk)],
        "institutions": [str(small_catalogue["tum"].pk)],
    }
    return {**data, **extra}


# The library.


def test_an_agreement_becomes_a_project_without_retyping(client, people, demand, small_catalogue):
    inquiry = agree(demand, small_catalogue["tum"], people)
    client.force_login(people["xu"])
    page = client.get(f"/en/inquiries/{inquiry.pk}/")
    assert f"/en/inquiries/{inquiry.pk}/project/" in page.content.decode()
    form = client.get(f"/en/inquiries/{inquiry.pk}/project/")
    assert form.status_code == 200
    assert form.context["form"].initial["title"] == demand.title
    assert form.context["form"].initial["days"] == 21
    response = client.post(
        f"/en/inquiries/{inquiry.pk}/project/", form_data(small_catalogue, title=demand.title)
    )
    project = Project.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/projects/{project.pk}/")
    assert (project.inquiry, project.demand, project.unit) == (inquiry, demand, people["unit_x"])
    # A second visit finds the project rather than making another.
    again = client.get(f"/en/inquiries/{inquiry.pk}/project/")
    assert again.status_code == 302 and Project.objects.count() == 1


def test_an_eight_day_three_city_proposal_in_germany_shows_its_findings_before_the_unit_agrees(
    client, people, demand, small_catalogue
):
    inquiry = open_inquiry(demand, small_catalogue["tum"], by=people["xu"], text="Hallo", side=Side.UNIT)
    propose(inquiry, by=people["anna"], **proposal(days=8, cities="Munich, Stuttgart, Berlin"))
    client.force_login(people["xu"])
    body = client.get(f"/en/inquiries/{inquiry.pk}/").content.decode()
    assert "data-proposal-findings" in body
    assert 'data-rule="min-days"' in body and 'data-rule="cities"' in body
    inquiry = move_status(inquiry, InquiryStatus.AGREED, by=people["xu"])
    refused = client.get(f"/en/inquiries/{inquiry.pk}/project/")
    assert "data-agreement-refused" in refused.content.decode()
    response = client.post(f"/en/inquiries/{inquiry.pk}/project/", form_data(small_catalogue))
    assert response.status_code == 409 and not Project.objects.exists()
    with pytest.raises(PlanningRefused) as error:
        planning.create_project(
            people["unit_x"], by=people["xu"], values=values(small_catalogue), inquiry=inquiry
        )
    assert {f.rule for f in error.value.findings} >= {"min-days", "cities"}


def test_a_group_above_the_institutions_largest_group_is_an_error(people, demand, small_catalogue):
    tum = small_catalogue["tum"]
    tum.max_group_size = 10
    tum.save()
    findings = planning.agreement_findings(agree(demand, tum, people))
    assert "institution-group-size" in {f.rule for f in planning.errors(findings)}


def test_the_institution_sees_no_findings_box(client, people, demand, small_catalogue):
    inquiry = open_inquiry(demand, small_catalogue["tum"], by=people["xu"], text="Hallo", side=Side.UNIT)
    propose(inquiry, by=people["anna"], **proposal(days=8))
    client.force_login(people["anna"])
    assert "data-proposal-findings" not in client.get(f"/en/inquiries/{inquiry.pk}/").content.decode()


def test_a_project_enters_the_library_directly_and_keeps_input_on_errors(
    client, people, demand, small_catalogue
):
    client.force_login(people["xu"])
    prefilled = client.get(f"/en/projects/new/?demand={demand.external_id}")
    assert prefilled.context["form"].initial["title"] == demand.title
    bad = client.post("/zh-hans/projects/new/", form_data(small_catalogue, days="8"))
    assert bad.status_code == 409
    assert 'data-rule="min-days"' in bad.content.decode()
    assert bad.context["form"]["days"].value() == "8"
    assert not Project.objects.exists()
    odd = client.post(
        "/zh-hans/projects/new/", form_data(small_catalogue, headcount="²", destinations=["9" * 30])
    )
    assert odd.status_code == 400
    # Without a demand there is no expert review, which the office requires by default.
    unreviewed = client.post("/zh-hans/projects/new/", form_data(small_catalogue))
    assert 'data-rule="expert-review"' in unreviewed.content.decode()
    good = client.post("/zh-hans/projects/new/", form_data(small_catalogue, demand=str(demand.pk)))
    assert good.status_code == 302
    assert Project.objects.get().demand == demand
    other = make_demand(people["unit_y"], "dm-y")
    assert (
        client.post("/zh-hans/projects/new/", form_data(small_catalogue, demand=str(other.pk))).status_code
        == 400
    )


def test_the_library_holds_the_next_three_years_only(people, small_catalogue):
    assert library_years() == [NEXT_YEAR, NEXT_YEAR + 1, NEXT_YEAR + 2]
    for year in (NEXT_YEAR - 1, NEXT_YEAR + 3):
        with pytest.raises(PlanningRefused):
            planning.create_project(
                people["unit_x"], by=people["xu"], values=values(small_catalogue, plan_year=year)
            )


def test_each_change_of_a_project_is_kept_with_who_and_when(client, people, small_catalogue):
    project = planning.create_project(people["unit_x"], by=people["xu"], values=values(small_catalogue))
    client.force_login(people["xu"])
    response = client.post(
        f"/en/projects/{project.pk}/edit/",
        form_data(small_catalogue, headcount="10", plan_year=str(NEXT_YEAR + 1),
                  destinations=[str(small_catalogue["countries"]["NL"].pk)]),
    )  # fmt: skip
    assert response.status_code == 302
    change = ProjectChange.objects.get()
    assert change.by == people["xu"]
    assert change.changed["headcount"] == ["12", "10"]
    assert change.changed["plan_year"] == [str(NEXT_YEAR), str(NEXT_YEAR + 1)]
    assert change.changed["destinations"] == ["Germany", "Netherlands"]
    assert "headcount" in client.get(f"/en/projects/{project.pk}/").content.decode()


def test_the_offices_own_entry_conditions_are_checked(people, small_catalogue):
    conditions = PlanningSettings.current()
    conditions.max_headcount, conditions.min_days = 10, 30
    conditions.save()
    findings = planning.entry_findings(values(small_catalogue), None, people["unit_x"])
    assert {"entry-headcount", "entry-days", "expert-review"} <= {f.rule for f in planning.errors(findings)}
    conditions.max_headcount, conditions.min_days, conditions.require_expert_review = 12, 21, False
    conditions.save()
    terms = values(small_catalogue)
    assert not planning.errors(planning.entry_findings(terms, terms["demand"], people["unit_x"]))


def test_the_unit_alone_changes_its_projects(client, people, small_catalogue):
    project = planning.create_project(people["unit_x"], by=people["xu"], values=values(small_catalogue))
    for name in ("yang", "dai", "olivia", "anna"):
        client.force_login(people[name])
        assert client.post(f"/en/projects/{project.pk}/edit/", form_data(small_catalogue)).status_code in (
            403,
            404,
        )


# The annual plan and its chain.


def no_review(settings):
    """Projects typed directly carry no expert review; these tests are about the chain."""
    settings.require_expert_review = False
    settings.save()


@pytest.fixture
def plan(people, small_catalogue) -> AnnualPlan:
    no_review(PlanningSettings.current())
    PlanYear.objects.create(year=NEXT_YEAR, deadline=timezone.localdate() + datetime.timedelta(days=30))
    first = planning.create_project(
        people["unit_x"], by=people["xu"], values=values(small_catalogue, title="A")
    )
    second = planning.create_project(
        people["unit_x"], by=people["xu"], values=values(small_catalogue, title="B")
    )
    plan = planning.open_plan(people["unit_x"], NEXT_YEAR)
    return planning.select_projects(plan, [first, second], by=people["xu"])


def review_all(plan, by, decision=ItemStatus.APPROVED, opinion="同意"):
    items = list(plan.items.filter(status=ItemStatus.PENDING).order_by("pk"))
    decisions = {item.pk: Decision(decision, opinion, rank) for rank, item in enumerate(reversed(items), 1)}
    return planning.review_plan(plan, decisions, by=by)


def test_a_plan_goes_up_the_chain_and_is_filed(people, plan):
    plan = planning.submit_plan(plan, by=people["xu"])
    assert plan.stage == Stage.DEPARTMENT
    assert Notification.objects.filter(user=people["dai"]).exists()
    with pytest.raises(PlanningRefused):
        review_all(plan, people["olivia"])
    plan = review_all(plan, people["dai"])
    assert plan.stage == Stage.OFFICE
    plan = review_all(plan, people["olivia"])
    assert plan.stage == Stage.FOREIGN_AFFAIRS
    assert Notification.objects.filter(user=people["fang"]).exists()
    plan = review_all(plan, people["fang"])
    assert plan.stage == Stage.APPROVED
    assert set(plan.items.values_list("status", flat=True)) == {ItemStatus.APPROVED}
    assert Notification.objects.filter(user=people["xu"], text_en__contains="approved").exists()
    reviews = PlanEvent.objects.filter(plan=plan, action=PlanAction.REVIEWED)
    assert reviews.count() == 6 and not reviews.filter(actor=None).exists()
    assert [item.project.title for item in plan.items.order_by("rank")] == ["B", "A"]


def test_the_review_pages_rank_and_decide_each_project(client, people, plan):
    planning.submit_plan(plan, by=people["xu"])
    items = list(plan.items.order_by("pk"))
    client.force_login(people["dai"])
    page = client.get(f"/zh-hans/plans/{plan.pk}/")
    assert "data-review" in page.content.decode()
    data = {}
    for item in items:
        data.update(
            {
                f"item-{item.pk}-decision": "approved",
                f"item-{item.pk}-opinion": "",
                f"item-{item.pk}-rank": "1",
            }
        )
    twice = client.post(f"/zh-hans/plans/{plan.pk}/review/", data)
    assert twice.status_code == 409  # two projects ranked 1
    data[f"item-{items[1].pk}-rank"] = "2"
    assert client.post(f"/zh-hans/plans/{plan.pk}/review/", data).status_code == 302
    plan.refresh_from_db()
    assert plan.stage == Stage.OFFICE


def test_a_returned_project_sends_the_plan_back_with_the_reason(people, plan):
    plan = planning.submit_plan(plan, by=people["xu"])
    with pytest.raises(PlanningRefused):
        review_all(plan, people["dai"], ItemStatus.RETURNED, opinion="")
    plan = review_all(plan, people["dai"], ItemStatus.RETURNED, opinion="请补充必要性论证")
    assert plan.stage == Stage.UNIT
    assert PlanEvent.objects.filter(opinion="请补充必要性论证", decision=ItemStatus.RETURNED).count() == 2
    project = plan.items.first().project
    assert not planning.under_review(project)
    plan = planning.submit_plan(plan, by=people["xu"])
    assert set(plan.items.values_list("status", flat=True)) == {ItemStatus.PENDING}


def test_a_late_submission_is_refused_in_the_readers_language(client, people, plan):
    PlanYear.objects.filter(year=NEXT_YEAR).update(deadline=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(people["xu"])
    response = client.post(f"/zh-hans/plans/{plan.pk}/submit/")
    assert response.status_code == 409
    plan.refresh_from_db()
    assert plan.stage == Stage.UNIT
    english = client.post(f"/en/plans/{plan.pk}/submit/")
    assert "late submissions are not accepted" in english.content.decode()


def test_a_unit_without_a_department_goes_to_the_office(people, small_catalogue):
    no_review(PlanningSettings.current())
    PlanYear.objects.create(year=NEXT_YEAR, deadline=timezone.localdate())
    project = planning.create_project(
        people["unit_y"], by=people["yang"], values=values(small_catalogue, unit=people["unit_y"])
    )
    plan = planning.select_projects(
        planning.open_plan(people["unit_y"], NEXT_YEAR), [project], by=people["yang"]
    )
    assert planning.submit_plan(plan, by=people["yang"]).stage == Stage.OFFICE


def test_a_department_sees_its_units_plans_only(client, people, plan, small_catalogue):
    planning.submit_plan(plan, by=people["xu"])
    other = AnnualPlan.objects.create(unit=people["unit_y"], year=NEXT_YEAR, submitted_at=timezone.now(),
                                      stage=Stage.OFFICE)  # fmt: skip
    client.force_login(people["dai"])
    assert client.get(f"/en/plans/{plan.pk}/").status_code == 200
    assert client.get(f"/en/plans/{other.pk}/").status_code == 404
    assert [p.pk for p in client.get("/en/plans/").context["plans"]] == [plan.pk]
    client.force_login(people["fang"])
    assert client.get(f"/en/plans/{plan.pk}/").status_code == 404  # not at the foreign-affairs office yet


# Quotas.


def test_the_quota_allows_120_percent_and_names_the_numbers(people, plan, small_catalogue):
    Quota.objects.create(year=NEXT_YEAR, unit=people["unit_x"], headcount=20)
    assert planning.quota_usage(plan).cap == 24 and planning.quota_usage(plan).used == 24
    extra = planning.create_project(
        people["unit_x"], by=people["xu"], values=values(small_catalogue, headcount=1)
    )
    planning.select_projects(plan, [*Project.objects.exclude(pk=extra.pk), extra], by=people["xu"])
    with pytest.raises(PlanningRefused) as error:
        planning.submit_plan(plan, by=people["xu"])
    assert all(str(n) in error.value.message for n in (25, 20, 24))
    Quota.objects.update(local_or_enterprise=False, headcount=24)
    assert planning.quota_usage(plan).cap == 24


def test_backbone_and_small_long_term_groups_do_not_count(people, plan, small_catalogue):
    small = planning.create_project(
        people["unit_x"],
        by=people["xu"],
        values=values(small_catalogue, headcount=4, days=90, classification="none"),
    )
    five = planning.create_project(
        people["unit_x"], by=people["xu"], values=values(small_catalogue, headcount=5, days=90)
    )
    backbone = planning.create_project(
        people["unit_x"],
        by=people["xu"],
        values=values(small_catalogue, days=120, classification="backbone_plan"),
    )
    assert small.outside_quota and backbone.outside_quota and not five.outside_quota
    shorter = Project(headcount=4, days=89, category="professional", classification="none")
    assert not shorter.outside_quota
    planning.select_projects(plan, [small, five, backbone], by=people["xu"])
    usage = planning.quota_usage(plan)
    assert (usage.used, usage.outside) == (5, 16)


def test_the_plan_page_shows_quota_used_and_cap(client, people, plan):
    Quota.objects.create(year=NEXT_YEAR, unit=people["unit_x"], headcount=10)
    client.force_login(people["xu"])
    body = client.get(f"/en/plans/{plan.pk}/").content.decode()
    assert "Quota 10 · used 24 · the plan may apply for at most 12." in body
    assert "data-over-quota" in body


# After training.


def approved_plan(people, plan):
    plan = planning.submit_plan(plan, by=people["xu"])
    for who in ("dai", "olivia", "fang"):
        plan = review_all(plan, people[who])
    return plan


def test_the_unit_files_its_summary_and_closes(client, people, plan):
    approved_plan(people, plan)
    project = plan.items.first().project
    client.force_login(people["xu"])
    assert client.post(f"/en/projects/{project.pk}/close/").status_code == 302
    project.refresh_from_db()
    assert project.closed_at is None
    returned = (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
    client.post(f"/en/projects/{project.pk}/summary/", {"returned_on": returned, "summary": "顺利完成。"})
    client.post(f"/en/projects/{project.pk}/close/")
    project.refresh_from_db()
    assert project.summary_filed_at and project.funds_settled_at and project.closed_at


def test_overdue_summaries_are_listed_for_the_office(client, people, plan):
    approved_plan(people, plan)
    late, fresh = (item.project for item in plan.items.order_by("pk"))
    Project.objects.filter(pk=late.pk).update(returned_on=timezone.localdate() - datetime.timedelta(days=31))
    Project.objects.filter(pk=fresh.pk).update(returned_on=timezone.localdate() - datetime.timedelta(days=30))
    assert list(planning.overdue_summaries()) == [late]
    client.force_login(people["olivia"])
    body = client.get("/en/office/planning/").content.decode()
    assert f'data-project="{late.pk}"' in body and f'data-project="{fresh.pk}"' not in body


# Exports.


def workbook(response) -> openpyxl.Workbook:
    assert response.status_code == 200
    return openpyxl.load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )


def test_the_summary_table_downloads_as_excel_with_text_never_a_formula(client, people, plan):
    Project.objects.filter(title="A").update(title="=HYPERLINK(1)")
    approved_plan(people, plan)
    client.force_login(people["olivia"])
    sheet = workbook(client.get(f"/en/plans/{plan.pk}/summary.xlsx")).active
    rows = list(sheet.values)
    assert rows[0][1] == "Project" and len(rows) == 3
    assert "'=HYPERLINK(1)" in {row[1] for row in rows}
    assert rows[1][-1].startswith("Approved")


def test_the_annual_report_counts_the_year(client, people, plan):
    approved_plan(people, plan)
    project = plan.items.first().project
    Project.objects.filter(pk=project.pk).update(returned_on=timezone.localdate())
    client.force_login(people["olivia"])
    page = client.get(f"/zh-hans/office/planning/report/?year={NEXT_YEAR}")
    assert page.status_code == 200
    book = workbook(client.get(f"/en/office/planning/report/?year={NEXT_YEAR}&format=xlsx"))
    figures = dict(list(book.worksheets[0].values)[1:])
    assert figures["Projects approved"] == 2 and figures["Projects executed"] == 1
    assert figures["Participants"] == 12 and figures["Execution rate (%)"] == 50.0
    assert client.get("/en/office/planning/report/?year=²").status_code == 200
