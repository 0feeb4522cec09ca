"""What a newcomer to planning finds set up: the foreign-affairs office's group, the supervising departments
in the office's admin, "Planning" in the main navigation for the roles that plan, and the way from a
demand to a project."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from catalog.roles import FOREIGN_AFFAIRS, OFFICE_REVIEWERS, is_foreign_affairs
from matching.models import SupervisingDepartment
from tests.matching import test_planning

pytestmark = pytest.mark.django_db

# The planning tests' people (Dai of X's supervising department, Fang of the foreign-affairs office).
people, demand = test_planning.people, test_planning.demand


def test_the_foreign_affairs_group_exists_after_migrating(people):
    group = Group.objects.get(name=FOREIGN_AFFAIRS)
    assert is_foreign_affairs(people["fang"]) and not is_foreign_affairs(people["olivia"])
    assert group.user_set.filter(pk=people["fang"].pk).exists()
    office = Group.objects.get(name=OFFICE_REVIEWERS)
    assert office.permissions.filter(codename="change_supervisingdepartment").exists()


def test_the_office_keeps_supervising_departments_in_the_admin(client, people):
    client.force_login(people["olivia"])
    listing = client.get("/admin/snippets/matching/supervisingdepartment/")
    assert listing.status_code == 200 and "江苏省人民政府" in listing.content.decode()
    response = client.post(
        "/admin/snippets/matching/supervisingdepartment/add/",
        {"name": "山东省人民政府", "kind": "region", "units": [str(people["unit_y"].pk)], "members": []},
    )
    assert response.status_code == 302
    assert list(SupervisingDepartment.objects.get(name="山东省人民政府").units.all()) == [people["unit_y"]]


@pytest.mark.parametrize(
    "role, expected",
    [
        ("anon", None),
        ("anna", None),
        ("eve", None),
        ("xu", "/en/projects/"),
        ("dai", "/en/plans/"),
        ("fang", "/en/plans/"),
    ],
)
def test_planning_is_in_the_main_navigation_for_the_roles_that_plan(client, people, role, expected):
    if role != "anon":
        client.force_login(people[role])
    navigation = client.get("/en/demands/").context["main_navigation"]
    planning = [item["url"] for item in navigation if item["key"] == "planning"]
    assert planning == ([expected] if expected else [])


def test_the_office_finds_its_planning_page_in_the_navigation(client, people):
    client.force_login(people["olivia"])
    navigation = client.get("/zh-hans/demands/", HTTP_ACCEPT_LANGUAGE="zh-hans").context["main_navigation"]
    assert {"label": "计划管理", "url": "/zh-hans/office/planning/", "key": "planning"} in navigation


def test_the_unit_makes_its_demand_a_project_from_the_demand_page(client, people, demand):
    demand.status = "published"
    demand.save()
    client.force_login(people["xu"])
    body = client.get(f"/en/demands/{demand.external_id}/").content.decode()
    assert f'href="/en/projects/new/?demand={demand.external_id}"' in body
    form = client.get(f"/en/projects/new/?demand={demand.external_id}").context["form"]
    assert form.initial["title"] == demand.title and form.initial["headcount"] == demand.group_size
    client.force_login(people["yang"])
    assert "data-make-project" not in client.get(f"/en/demands/{demand.external_id}/").content.decode()
