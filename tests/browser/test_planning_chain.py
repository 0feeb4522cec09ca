"""The planning chain in Chromium, once in Chinese and once in English: the unit makes a project of its
agreed inquiry, opens its annual plan and chooses the project; the quota refuses the plan with the numbers;
the unit takes fewer people and submits; its supervising department, the office and the foreign-affairs
office each review and rank it, and it is filed; the unit files its summary and closes the project."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from matching.models import AnnualPlan, Project, Quota, Stage
from matching.models.planning import PlanYear
from tests.browser import test_demand_negotiation
from tests.browser.test_demand_negotiation import said, sign_in, snap
from tests.browser.test_quality_loop import sign_in_with_authenticator
from tests.matching import test_planning

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

people, demand = test_planning.people, test_planning.demand
person_page = test_demand_negotiation.person_page


@pytest.fixture
def agreement(people, demand, small_catalogue):
    """X agreed a 21-day programme in Munich with TUM for next year; the year is open and X's quota is 8
    people (a cap of 9), below the 12 of the demand. Dai and Fang have verified their addresses."""
    for name in ("dai", "fang"):
        people[name].emailaddress_set.create(email=people[name].email, verified=True, primary=True)
    inquiry = test_planning.agree(demand, small_catalogue["tum"], people)
    year = test_planning.NEXT_YEAR
    PlanYear.objects.create(year=year, deadline=timezone.localdate() + datetime.timedelta(days=30))
    Quota.objects.create(year=year, unit=people["unit_x"], headcount=8)
    return inquiry


def review(page: Page, language: str, plan: AnnualPlan, opinion: str) -> None:
    page.goto(f"/{language}/plans/{plan.pk}/")
    box = page.locator("[data-review]")
    box.locator("select[name$=-decision]").select_option("approved")
    box.locator("textarea[name$=-opinion]").fill(opinion)
    box.locator("input[name$=-rank]").fill("1")
    box.locator("[data-send-review]").click()
    expect(page).to_have_url(re.compile(rf"/{language}/plans/$"))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_unit_builds_and_files_its_plan_up_the_chain_and_closes_the_project(
    person_page, live_server, people, agreement, language
):
    year = test_planning.NEXT_YEAR
    xu = person_page(language)
    sign_in(xu, language, "xu@example.org", "pw")
    # The agreement becomes a project without retyping: only the funding is the unit's to add.
    xu.goto(f"/{language}/inquiries/{agreement.pk}/project/")
    expect(xu.locator("#id_title")).to_have_value(agreement.demand.title)
    xu.locator("#id_funding_source").select_option("central")
    xu.locator("#id_central_funds").fill("60")
    xu.locator("main form button[type=submit]").click()
    expect(xu).to_have_url(re.compile(rf"/{language}/projects/\d+/$"))
    project = Project.objects.get(inquiry=agreement)

    # The plan: opened for the year, the project chosen, the quota refuses it with the numbers.
    xu.locator("[data-nav=planning]").click()
    xu.goto(f"/{language}/plans/")
    xu.locator("#plan-year").select_option(str(year))
    xu.locator("form[action$='/plans/new/'] button").click()
    expect(xu).to_have_url(re.compile(rf"/{language}/plans/\d+/$"))
    plan = AnnualPlan.objects.get(unit=people["unit_x"], year=year)
    xu.locator("input[name=projects]").check()
    xu.locator("[data-choose] form button").first.click()
    xu.locator("[data-submit-plan]").click()
    refusal = said(
        language,
        "The plan uses %(used)d places of the quota; the quota is %(quota)d and the plan may apply for at "
        "most %(cap)d. Remove projects or people.",
        used=12, quota=8, cap=9,
    )  # fmt: skip
    expect(xu.locator("[data-error]")).to_have_text(refusal)
    snap(xu, f"planning-{language}-01-quota")
    # Fewer people, then the plan goes to the supervising department.
    xu.goto(f"/{language}/projects/{project.pk}/edit/")
    xu.locator("#id_headcount").fill("9")
    xu.locator("main form button[type=submit]").click()
    expect(xu).to_have_url(re.compile(rf"/{language}/projects/{project.pk}/$"))
    xu.goto(f"/{language}/plans/{plan.pk}/")
    xu.locator("[data-submit-plan]").click()
    expect(xu.locator("[data-stage]")).to_have_attribute("data-stage", Stage.DEPARTMENT)

    # Each level reviews, gives its opinion and ranks: the department, the office, foreign affairs.
    dai = person_page(language)
    sign_in(dai, language, "dai@example.org", "pw")
    review(dai, language, plan, "符合本省产业需求。")
    olivia = person_page(language)
    sign_in_with_authenticator(olivia, language, people["olivia"], "olivia@example.org")
    olivia.goto(f"/{language}/plans/{plan.pk}/")
    expect(olivia.locator("[data-score]")).to_have_count(1)
    review(olivia, language, plan, "同意，列入年度计划。")
    fang = person_page(language)
    sign_in(fang, language, "fang@example.org", "pw")
    review(fang, language, plan, "同意备案。")
    plan.refresh_from_db()
    assert plan.stage == Stage.APPROVED

    # After training: the summary, then funds settled and the project closed.
    xu.goto(f"/{language}/projects/{project.pk}/")
    expect(xu.locator("[data-opinions] li")).to_have_count(3)
    returned = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()
    xu.locator("[data-after-training] input[name=returned_on]").fill(returned)
    xu.locator("[data-after-training] textarea[name=summary]").fill("团组按计划完成培训。")
    xu.locator("[data-after-training] form button[type=submit]").first.click()
    expect(xu.locator(".messages")).to_contain_text(said(language, "The summary was filed."))
    xu.locator("[data-close]").click()
    expect(xu.locator("[data-after-training] [data-closed]")).to_be_visible()
    snap(xu, f"planning-{language}-02-closed")
    project.refresh_from_db()
    assert project.headcount == 9 and project.closed_at and project.summary == "团组按计划完成培训。"
