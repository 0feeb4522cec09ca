"""The demo planning `load_demo` adds after the catalogue: a plan year with a plan in each state (one of
them returned to its unit with the department's reason), a supervising region with its demo member, quotas
of a unit and of the region, and a closed project with its summary; made once."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from catalog.roles import is_foreign_affairs, is_office
from matching.choices import ItemStatus, PlanAction, Stage
from matching.demo import (
    DEPARTMENT_MEMBER,
    FOREIGN_AFFAIRS_MEMBER,
    OFFICE_MEMBER,
    RETURNED,
    UNITS,
    load_planning_demo,
)
from matching.models import AnnualPlan, OrganizingUnit, Project, Quota, SupervisingDepartment
from matching.services.planning import is_approved
from tests.matching.test_planning import make_demand

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_units(small_catalogue):
    for n, name in enumerate(UNITS):
        make_demand(OrganizingUnit.objects.create(name=name), f"dm-demo-{n}")


def test_the_demo_holds_a_plan_in_each_state_and_a_closed_project(demo_units, client):
    assert load_planning_demo()
    plans = list(AnnualPlan.objects.all())
    next_year = max(plan.year for plan in plans)
    in_next_year = {plan.stage for plan in plans if plan.year == next_year}
    assert in_next_year == {Stage.UNIT, Stage.DEPARTMENT, Stage.OFFICE, Stage.FOREIGN_AFFAIRS}
    assert {plan.stage for plan in plans if plan.year < next_year} == {Stage.APPROVED}
    department = SupervisingDepartment.objects.get()
    assert department.members.get().email == DEPARTMENT_MEMBER and department.kind == "region"
    assert Quota.objects.filter(department=department).count() == 1 and Quota.objects.count() == 2
    closed = Project.objects.get(closed_at__isnull=False)
    assert closed.summary and is_approved(closed)
    users = get_user_model().objects
    assert is_office(users.get(email=OFFICE_MEMBER))
    assert is_foreign_affairs(users.get(email=FOREIGN_AFFAIRS_MEMBER))
    assert not users.get(email=DEPARTMENT_MEMBER).has_usable_password()
    client.force_login(users.get(email=DEPARTMENT_MEMBER))
    waiting = client.get("/en/plans/?stage=department").context["plans"]
    assert [plan.stage for plan in waiting] == [Stage.DEPARTMENT]
    assert not load_planning_demo() and AnnualPlan.objects.count() == 6


def test_the_demo_holds_a_plan_returned_to_its_unit_with_the_reason(demo_units, client):
    assert load_planning_demo()
    [(name, reason)] = RETURNED.items()
    plan = AnnualPlan.objects.get(unit__name=name)
    assert plan.stage == Stage.UNIT and plan.submitted_at is not None
    assert [item.status for item in plan.items.all()] == [ItemStatus.RETURNED]
    returned = plan.events.get(action=PlanAction.RETURNED)
    assert returned.level == Stage.DEPARTMENT and returned.actor.email == DEPARTMENT_MEMBER
    assert plan.events.get(decision=ItemStatus.RETURNED).opinion == reason
    # The unit reads the reason on its plan's page, and may choose its projects and submit it again.
    member = get_user_model().objects.get(email=UNITS[name][0])
    client.force_login(member)
    page = client.get(f"/zh-hans/plans/{plan.pk}/").content.decode()
    assert reason in page and "退回" in page and "data-submit-plan" in page
    # The department that returned it still reads it.
    client.force_login(get_user_model().objects.get(email=DEPARTMENT_MEMBER))
    assert client.get(f"/zh-hans/plans/{plan.pk}/").status_code == 200


def test_without_the_demo_demands_nothing_is_made(small_catalogue):
    assert not load_planning_demo() and not AnnualPlan.objects.exists()
