"""The outcome's follow-up six months after a project closed: asked once per project by the daily command
(email and dashboard), answered by the unit, sent to the office's moderation as a revision of the
project's outcome, or kept for the office to read when there is none."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from catalog.models import Outcome
from matching.models import Notification, OutcomeFollowUp, Project, UnitOutcome
from matching.services.outcomes import submit_outcome
from matching.services.planning import FOLLOW_UP_AFTER, request_follow_ups
from tests.matching import test_outcomes, test_planning

pytestmark = pytest.mark.django_db

people = test_planning.people
ANSWER = {
    "what_changed": "FOLLOW-UP 三条产线完成改造，良品率提高。",
    "economic_benefit": "年节约成本300万元。",
    "social_benefit": "带动省内12家企业开展数字化改造。",
}


def closed_project(unit, *, closed_days_ago: int, title: str = "工业4.0培训") -> Project:
    return Project.objects.create(
        unit=unit, title=title, plan_year=timezone.localdate().year, headcount=12, days=21,
        category="professional", content="学习德国经验。", funding_source="central",
        central_funds=Decimal(60),
        classification="none", summary="顺利完成。", summary_filed_at=timezone.now(),
        closed_at=timezone.now() - datetime.timedelta(days=closed_days_ago),
    )  # fmt: skip


def published_outcome(people, small_catalogue) -> UnitOutcome:
    data = test_outcomes.outcome_post(small_catalogue)
    data.update(
        country=small_catalogue["countries"]["DE"],
        fields=[small_catalogue["fields"]["manufacturing"]],
        institutions=[small_catalogue["tum"]],
    )
    outcome = submit_outcome(people["unit_x"], data, by=people["xu"])
    test_outcomes.approve(outcome, people["olivia"])
    return UnitOutcome.objects.get(outcome=outcome)


def test_the_unit_is_asked_once_six_months_after_closure(people, django_capture_on_commit_callbacks):
    due = closed_project(people["unit_x"], closed_days_ago=FOLLOW_UP_AFTER.days, title="DUE")
    closed_project(people["unit_x"], closed_days_ago=FOLLOW_UP_AFTER.days - 1, title="NOT-YET")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("request_follow_ups", stdout=open("/dev/null", "w"))
    assert list(OutcomeFollowUp.objects.values_list("project__title", flat=True)) == ["DUE"]
    note = Notification.objects.get(user=people["xu"])
    assert "DUE" in note.text_zh and note.url.endswith(f"/projects/{due.pk}/follow-up/")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["xu@example.org"]
    assert request_follow_ups() == 0 and Notification.objects.count() == 1


def test_the_dashboard_lists_the_follow_ups_asked_of_the_unit(client, people):
    project = closed_project(people["unit_x"], closed_days_ago=200, title="ASKED-PROJECT")
    request_follow_ups()
    client.force_login(people["xu"])
    body = client.get("/zh-hans/dashboard/").content.decode()
    assert "ASKED-PROJECT" in body and f"/zh-hans/projects/{project.pk}/follow-up/" in body
    client.force_login(people["yang"])
    assert "ASKED-PROJECT" not in client.get("/zh-hans/dashboard/").content.decode()


def test_the_follow_up_revises_the_projects_outcome_for_moderation(client, people, small_catalogue):
    unit_outcome = published_outcome(people, small_catalogue)
    project = closed_project(people["unit_x"], closed_days_ago=200)
    request_follow_ups()
    client.force_login(people["xu"])
    form = client.get(f"/en/projects/{project.pk}/follow-up/")
    assert "outcome" in form.context["form"].fields
    response = client.post(
        f"/en/projects/{project.pk}/follow-up/", {**ANSWER, "outcome": str(unit_outcome.pk)}
    )
    assert response.status_code == 302
    follow_up = OutcomeFollowUp.objects.get(project=project)
    assert follow_up.revised_outcome and follow_up.answered_by == people["xu"]
    outcome = Outcome.objects.get(pk=unit_outcome.outcome_id)
    # The live version stays until the office approves the revision.
    assert outcome.live and outcome.workflow_in_progress and "FOLLOW-UP" not in outcome.summary_en
    revised = outcome.get_latest_revision_as_object()
    assert "FOLLOW-UP" in revised.summary_en and "Follow-up six months after closure" in revised.summary_en
    assert revised.economic_benefit.startswith("产能提高20%。") and "300万元" in revised.economic_benefit
    assert list(revised.institutions.all()) == [small_catalogue["tum"]]
    project.refresh_from_db()
    assert project.outcome == unit_outcome


def test_without_an_outcome_the_office_reads_the_follow_up(client, people):
    project = closed_project(people["unit_x"], closed_days_ago=200)
    client.force_login(people["xu"])
    response = client.post(f"/zh-hans/projects/{project.pk}/follow-up/", ANSWER)
    assert response.status_code == 302
    assert not OutcomeFollowUp.objects.get(project=project).revised_outcome
    client.force_login(people["olivia"])
    office = client.get("/zh-hans/office/planning/").content.decode()
    assert "FOLLOW-UP" in office and f'data-project="{project.pk}"' in office
    assert "300万元" in client.get(f"/zh-hans/projects/{project.pk}/").content.decode()


def test_the_form_keeps_the_input_on_errors_in_the_readers_language(client, people):
    project = closed_project(people["unit_x"], closed_days_ago=200)
    client.force_login(people["xu"])
    response = client.post(
        f"/zh-hans/projects/{project.pk}/follow-up/", {**ANSWER, "what_changed": "", "outcome": "１"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "300万元" in body and "必需字段" in body
    assert not OutcomeFollowUp.objects.exists()


def test_an_open_project_has_no_follow_up_yet(client, people):
    project = closed_project(people["unit_x"], closed_days_ago=200)
    Project.objects.filter(pk=project.pk).update(closed_at=None)
    client.force_login(people["xu"])
    response = client.post(f"/en/projects/{project.pk}/follow-up/", ANSWER)
    assert response.status_code == 302 and not OutcomeFollowUp.objects.exists()


@pytest.mark.parametrize("role", ["yang", "dai", "olivia", "anna"])
def test_only_the_unit_answers_its_follow_up(client, people, role):
    project = closed_project(people["unit_x"], closed_days_ago=200)
    client.force_login(people[role])
    assert client.get(f"/en/projects/{project.pk}/follow-up/").status_code == 404
    assert client.post(f"/en/projects/{project.pk}/follow-up/", ANSWER).status_code == 404
    assert not OutcomeFollowUp.objects.exists()
