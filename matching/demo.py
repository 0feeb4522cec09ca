"""Demo planning data for `manage.py load_demo`: a supervising region, demo people of each planning role,
a plan year with plans in each state (with the unit, returned to its unit for revision with the
department's reason, at the department, at the office, at the foreign-affairs office) and last year's plan
approved, quotas of a unit and of the region, and a project closed after training with its summary. Made
once per database."""

from __future__ import annotations

import datetime
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from catalog.roles import FOREIGN_AFFAIRS, OFFICE_REVIEWERS
from matching.choices import ItemStatus, PlanAction, QuotaHolderKind, Stage
from matching.models import (
    AnnualPlan,
    Demand,
    OrganizingUnit,
    PlanEvent,
    PlanItem,
    PlanYear,
    Project,
    Quota,
    SupervisingDepartment,
    UnitMembership,
)
from matching.services.planning import demand_values

DEPARTMENT = "江苏省人民政府"
# unit → (demo account, where its plan for next year stands)
UNITS = {
    "江苏省科学技术厅": ("demo-jiangsu-kjt@example.org", Stage.UNIT),
    "江苏省生态环境厅": ("demo-jiangsu-sthjt@example.org", Stage.DEPARTMENT),
    "山东省农业农村厅": ("demo-shandong-nynct@example.org", Stage.OFFICE),
    "深圳职业技术大学": ("demo-szpu@example.org", Stage.FOREIGN_AFFAIRS),
    "苏州市人民政府": ("demo-suzhou@example.org", Stage.UNIT),
}
# Units of the department whose plan it returned for revision, and why.
RETURNED = {
    "苏州市人民政府": "参训人员构成不明确，拟访机构与培训内容不对应。"
    "请补充参训人员名单和拟访机构的培训安排后重新提交。",
}
DEPARTMENT_MEMBER = "demo-department@example.org"
OFFICE_MEMBER = "demo-office@example.org"
FOREIGN_AFFAIRS_MEMBER = "demo-foreign-affairs@example.org"
# The levels a plan passed on its way to each stage (the units at the office and approved have no
# supervising department: their plans go to the office first).
PASSED = {
    Stage.UNIT: [],
    Stage.DEPARTMENT: [],
    Stage.OFFICE: [],
    Stage.FOREIGN_AFFAIRS: [Stage.OFFICE],
    Stage.APPROVED: [Stage.OFFICE, Stage.FOREIGN_AFFAIRS],
}


def person(email: str, group: str | None = None):
    """A demo account without a password (set one with `manage.py changepassword EMAIL`), its address
    verified."""
    user = get_user_model().objects.create_user(username=email, email=email)
    user.set_unusable_password()
    user.save()
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if group:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def project_of(demand: Demand, year: int, by, **extra) -> Project:
    values = demand_values(demand)
    lists = {name: values.pop(name) for name in ("fields", "destinations", "institutions")}
    values.update(
        plan_year=year, funding_source="central", central_funds=Decimal("60"),
        participants="处级干部2人，业务骨干与技术人员若干", agreement="", **extra,
    )  # fmt: skip
    project = Project.objects.create(unit=demand.organizing_unit, created_by=by, **values)
    for name, items in lists.items():
        getattr(project, name).set(items)
    return project


def planned(
    unit: OrganizingUnit, year: int, stage: str, project: Project, people: dict, returned: str = ""
) -> AnnualPlan:
    """The unit's plan of one project, at `stage`, with the events of the levels it passed; with a reason
    in `returned`, back with the unit after its department returned it."""
    sent = stage != Stage.UNIT or returned
    submitted = timezone.now() - datetime.timedelta(days=20) if sent else None
    plan = AnnualPlan.objects.create(unit=unit, year=year, stage=stage, submitted_at=submitted)
    status = ItemStatus.APPROVED if stage == Stage.APPROVED else ItemStatus.PENDING
    status = ItemStatus.RETURNED if returned else status
    PlanItem.objects.create(plan=plan, project=project, status=status, rank=None if submitted is None else 1)
    if submitted is None:
        return plan
    submitted_by = people["unit"]
    PlanEvent.objects.create(plan=plan, level=Stage.UNIT, action=PlanAction.SUBMITTED, actor=submitted_by)
    for level in PASSED[stage]:
        actor = people[level]
        PlanEvent.objects.create(
            plan=plan, project=project, level=level, action=PlanAction.REVIEWED, rank=1, actor=actor,
            decision=ItemStatus.APPROVED, opinion="符合单位职能，培训内容必要。",
        )  # fmt: skip
        last = level == Stage.FOREIGN_AFFAIRS
        action = PlanAction.APPROVED if last else PlanAction.FORWARDED
        PlanEvent.objects.create(plan=plan, level=level, action=action, actor=actor)
    if returned:
        actor = people[Stage.DEPARTMENT]
        PlanEvent.objects.create(
            plan=plan, project=project, level=Stage.DEPARTMENT, action=PlanAction.REVIEWED, rank=1,
            actor=actor, decision=ItemStatus.RETURNED, opinion=returned,
        )  # fmt: skip
        PlanEvent.objects.create(plan=plan, level=Stage.DEPARTMENT, action=PlanAction.RETURNED, actor=actor)
    return plan


@transaction.atomic
def load_planning_demo() -> bool:
    """Returns False (and changes nothing) when the database has its demo plans already, or lacks the
    demo units' demands."""
    if SupervisingDepartment.objects.filter(name=DEPARTMENT).exists() or PlanYear.objects.exists():
        return False
    units = {name: OrganizingUnit.objects.filter(name=name).first() for name in UNITS}
    demands = {name: Demand.objects.filter(organizing_unit=unit).first() for name, unit in units.items()}
    if not all(demands.values()):
        return False
    office, foreign = person(OFFICE_MEMBER, OFFICE_REVIEWERS), person(FOREIGN_AFFAIRS_MEMBER, FOREIGN_AFFAIRS)
    department = SupervisingDepartment.objects.create(name=DEPARTMENT, kind=QuotaHolderKind.REGION)
    department.members.add(reviewer := person(DEPARTMENT_MEMBER))
    department.units.add(units["江苏省科学技术厅"], units["江苏省生态环境厅"], units["苏州市人民政府"])
    today = timezone.localdate()
    this_year, next_year = today.year, today.year + 1
    PlanYear.objects.create(year=this_year, deadline=datetime.date(this_year, 1, 31))
    PlanYear.objects.create(year=next_year, deadline=today + datetime.timedelta(days=60))
    Quota.objects.create(year=next_year, unit=units["江苏省科学技术厅"], headcount=30)
    Quota.objects.create(year=next_year, department=department, headcount=40)
    for name, (email, stage) in UNITS.items():
        unit = units[name]
        member = person(email)
        UnitMembership.objects.create(user=member, unit=unit, confirmed_at=timezone.now())
        people = {"unit": member, Stage.DEPARTMENT: reviewer, Stage.OFFICE: office,
                  Stage.FOREIGN_AFFAIRS: foreign}  # fmt: skip
        project = project_of(demands[name], next_year, member)
        planned(unit, next_year, stage, project, people, returned=RETURNED.get(name, ""))
    # Last year's plan of the vocational university: approved, trained, summarised and closed.
    unit = units["深圳职业技术大学"]
    member = UnitMembership.objects.get(unit=unit).user
    returned, demand = today - datetime.timedelta(days=40), demands["深圳职业技术大学"]
    closed = project_of(
        demand,
        this_year,
        member,
        title=f"{demand.title}（{this_year}）",
        returned_on=returned,
        summary="团组按计划完成培训，学员回国后在校内开设两门新课程。",
        summary_filed_at=timezone.now() - datetime.timedelta(days=30),
        funds_settled_at=timezone.now() - datetime.timedelta(days=20),
        closed_at=timezone.now() - datetime.timedelta(days=20),
    )
    people = {"unit": member, Stage.OFFICE: office, Stage.FOREIGN_AFFAIRS: foreign}
    planned(unit, this_year, Stage.APPROVED, closed, people)
    return True
