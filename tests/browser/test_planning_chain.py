"""The planning chain in Chromium, once in Chinese and once in English: the unit makes a project of its
agreed inquiry, opens its annual plan and chooses the project; its region's quota refuses the plan with the
numbers; the unit takes fewer people and submits; its supervising department, the office and the
foreign-affairs office each review and rank it, and it is filed; the application form shows each level's
opinion; the group trains, keeps its log and both sides rate each other; the unit files its summary and
closes the project; the office's annual report counts it; six months later the unit is asked for the
outcome's follow-up and answers it, and the office reads the answer."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from matching.choices import Stage
from matching.models import AnnualPlan, Project, Quota, TrainingGroup
from matching.models.planning import PlanYear
from matching.services.planning import FOLLOW_UP_AFTER, request_follow_ups
from tests.browser import test_demand_negotiation
from tests.browser.test_demand_negotiation import said, sign_in, snap
from tests.browser.test_quality_loop import LEADER_SCORES, TUM_SCORES, sign_in_with_authenticator
from tests.matching import test_planning

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

people, demand = test_planning.people, test_planning.demand
person_page = test_demand_negotiation.person_page


@pytest.fixture
def agreement(people, demand, small_catalogue):
    """X agreed a 21-day programme in Munich with TUM for next year; the year is open and the quota of X's
    region, 江苏省人民政府, is 8 people (a cap of 9, regions may apply for 120%), below the 12 of the demand.
    Dai and Fang have verified their addresses."""
    for name in ("dai", "fang"):
        people[name].emailaddress_set.create(email=people[name].email, verified=True, primary=True)
    inquiry = test_planning.agree(demand, small_catalogue["tum"], people)
    year = test_planning.NEXT_YEAR
    PlanYear.objects.create(year=year, deadline=timezone.localdate() + datetime.timedelta(days=30))
    Quota.objects.create(year=year, department=people["department"], headcount=8)
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
    # The agreement becomes a project without retyping: only the funding, who takes part and the
    # agreement it serves are the unit's to add.
    xu.goto(f"/{language}/inquiries/{agreement.pk}/project/")
    expect(xu.locator("#id_title")).to_have_value(agreement.demand.title)
    xu.locator("#id_funding_source").select_option("central")
    xu.locator("#id_central_funds").fill("60")
    xu.locator("#id_participants").fill("省科技厅处级干部4人，企业技术骨干8人")
    xu.locator("#id_agreement").fill("中德科技合作协定")
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
        "With this plan, the plans of %(holder)s use %(used)d places of its quota; the quota is %(quota)d "
        "and its plans may apply for at most %(cap)d. Remove projects or people.",
        holder="江苏省人民政府", used=12, quota=8, cap=9,
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

    # The application form comes from the project, with each level's opinion and rank.
    xu.goto(f"/{language}/projects/{project.pk}/")
    expect(xu.locator("[data-opinions] li")).to_have_count(3)
    xu.locator("[data-application]").click()
    form = xu.locator("[data-project-application]")
    for opinion in ("符合本省产业需求。", "同意，列入年度计划。", "同意备案。"):
        expect(form).to_contain_text(opinion)
    expect(form).to_contain_text(said(language, "Participant make-up"))
    expect(form).to_contain_text("中德科技合作协定")
    with xu.expect_download() as download:
        xu.locator("[data-application-docx]").click()
    assert download.value.suggested_filename == f"application-project-{project.pk}.docx"
    snap(xu, f"planning-{language}-02-application")

    # The group trains: Xu opens it from the agreement and keeps its log; the leader rates TUM and TUM
    # rates the group, each from its own link; both read the other's rating once both have answered.
    start = timezone.localdate() - datetime.timedelta(days=24)
    xu.goto(f"/{language}/inquiries/{agreement.pk}/training-group/")
    xu.locator("#id_start_date").fill(start.isoformat())
    xu.locator("#id_end_date").fill((start + datetime.timedelta(days=20)).isoformat())
    xu.locator("#id_participants").fill("9")
    xu.locator("#id_leader_name").fill("王组长")
    xu.locator("main form button[type=submit]").click()
    expect(xu).to_have_url(re.compile(rf"/{language}/training-groups/\d+/$"))
    group = TrainingGroup.objects.get(inquiry=agreement)
    log = xu.locator("details.log-form")
    log.locator("summary").click()
    log.locator("[name=date]").fill(start.isoformat())
    log.locator("[name=place]").fill("Munich")
    log.locator("[name=content]").fill("数字化工厂参观与研讨。")
    log.locator("[name=hours]").fill("6")
    log.locator("button[type=submit]").click()
    expect(xu.locator("body")).to_contain_text("数字化工厂参观与研讨。")
    rate(person_page(language), f"/{language}/evaluate/{group.unit_token}/", LEADER_SCORES, "课程实用。")
    rate(
        person_page(language),
        f"/{language}/evaluate/{group.institution_token}/",
        TUM_SCORES,
        "Well prepared.",
    )
    xu.goto(f"/{language}/training-groups/{group.pk}/")
    expect(xu.locator("[data-sealed]")).to_have_count(0)
    expect(xu.locator("[data-evaluation=institution]")).to_contain_text("Well prepared.")
    expect(xu.locator("[data-evaluation=unit]")).to_contain_text("课程实用。")

    # After training: the summary, then funds settled and the project closed.
    xu.goto(f"/{language}/projects/{project.pk}/")
    expect(xu.locator("[data-after-training] input[name=returned_on]")).to_have_value(
        group.end_date.isoformat()
    )
    xu.locator("[data-after-training] textarea[name=summary]").fill("团组按计划完成培训。")
    xu.locator("[data-after-training] form button[type=submit]").first.click()
    expect(xu.locator(".messages")).to_contain_text(said(language, "The summary was filed."))
    xu.locator("[data-close]").click()
    expect(xu.locator("[data-after-training] [data-closed]")).to_be_visible()
    snap(xu, f"planning-{language}-03-closed")
    project.refresh_from_db()
    assert project.headcount == 9 and project.closed_at and project.summary == "团组按计划完成培训。"

    # The office's annual report for the region counts the executed project and both ratings.
    olivia.goto(f"/{language}/office/planning/report/?year={year}")
    olivia.locator("#department").select_option(str(people["department"].pk))
    olivia.locator("main form.inline-filter button").click()
    figures = olivia.locator(f"[data-table=planning-{year}] tbody")
    expect(figures).to_contain_text(said(language, "Projects executed"))
    expect(olivia.locator(f"[data-chart=planning-{year}-stages] svg[role=img]")).to_be_visible()
    expect(olivia.locator("[data-scope]")).to_contain_text("江苏省人民政府")
    with olivia.expect_download() as download:
        olivia.locator("[data-download-docx]").click()
    assert download.value.suggested_filename == f"annual-report-{year}-{people['department'].pk}.docx"
    snap(olivia, f"planning-{language}-04-report")

    # Six months after closing, the unit is asked for the outcome's follow-up on its dashboard, answers,
    # and the office reads the answer on its planning page.
    Project.objects.filter(pk=project.pk).update(closed_at=timezone.now() - FOLLOW_UP_AFTER)
    assert request_follow_ups() == 1
    xu.goto(f"/{language}/dashboard/")
    xu.locator("[data-follow-ups] a").first.click()
    expect(xu).to_have_url(re.compile(rf"/{language}/projects/{project.pk}/follow-up/$"))
    xu.locator("textarea[name=what_changed]").fill("三家企业引入数字化产线。")
    xu.locator("textarea[name=economic_benefit]").fill("年节约成本约200万元。")
    xu.locator("textarea[name=social_benefit]").fill("培训本省技术人员120人次。")
    xu.locator("main form button[type=submit]").click()
    expect(xu.locator("[data-follow-up-answer]")).to_contain_text("三家企业引入数字化产线。")
    olivia.goto(f"/{language}/office/planning/")
    expect(olivia.locator(f"[data-follow-ups] [data-project='{project.pk}']")).to_contain_text("三家企业")
    snap(olivia, f"planning-{language}-05-follow-up")


def rate(page: Page, path: str, scores: dict[str, int], comment: str) -> None:
    """One side's evaluation from its link (no account: the link is the key)."""
    page.goto(path)
    for name, score in scores.items():
        page.locator(f"input[name={name}][value='{score}']").check()
    page.locator("textarea[name=comment]").fill(comment)
    page.locator(".training-evaluate form button[type=submit]").click()
    expect(page.locator("[data-thanks]")).to_be_visible()
