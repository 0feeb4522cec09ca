"""Training outcomes submitted by a unit: a draft page in the office's moderation workflow, public only
once an office reviewer approves it, then in the showcase and on the institution's page."""

from __future__ import annotations

import pytest
from django.utils import timezone

from catalog.models import Outcome, OutcomeIndexPage
from matching.models import Side
from matching.services.negotiation import move_status, open_inquiry, post_message, propose
from tests.factories import activate_totp
from tests.matching.test_negotiation import make_demand, terms

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreed(people, small_catalogue):
    """Unit X agreed with TUM on a programme starting in two months."""
    activate_totp(people["olivia"])
    demand = make_demand(people["unit_x"])
    demand.fields.add(small_catalogue["fields"]["manufacturing"])
    inquiry = open_inquiry(demand, small_catalogue["tum"], by=people["xu"], text="请介绍。", side=Side.UNIT)
    post_message(inquiry, by=people["anna"], text="Gladly.")
    propose(inquiry, by=people["anna"], **terms())
    return move_status(inquiry, "agreed", by=people["xu"])


def outcome_post(small_catalogue, **extra) -> dict:
    values = {
        "title_zh": "机器人产线改造成果",
        "title_en": "Robot line retrofit",
        "summary_zh": "学员回国后改造了三条产线。",
        "summary_en": "Back home the group retrofitted three production lines.",
        "economic_benefit": "产能提高20%。",
        "social_benefit": "培养了40名技术骨干。",
        "fields": [small_catalogue["fields"]["manufacturing"].pk],
        "country": small_catalogue["countries"]["DE"].pk,
        "institutions": [small_catalogue["tum"].pk],
        "year": timezone.localdate().year,
    }
    return {**values, **extra}


def approve(outcome: Outcome, reviewer) -> None:
    """An office reviewer approves the current task through Wagtail's workflow API."""
    task_state = outcome.current_workflow_task_state
    task_state.task.specific.on_action(task_state, reviewer, "approve")


def test_the_showcase_is_moderated_by_the_office_review_workflow(small_catalogue):
    assert OutcomeIndexPage.objects.get().get_workflow().name == "Office review"


def test_the_form_is_prefilled_from_an_agreed_inquiry(client, people, agreed, small_catalogue):
    client.force_login(people["xu"])
    page = client.get(f"/en/outcomes/submit/?inquiry={agreed.pk}")
    assert page.status_code == 200 and "data-prefilled" in page.text
    form = page.context["form"]
    assert form.initial["institutions"] == [small_catalogue["tum"].pk]
    assert form.initial["country"] == small_catalogue["countries"]["DE"].pk
    assert form.initial["fields"] == [small_catalogue["fields"]["manufacturing"].pk]
    assert form.initial["year"] == terms()["start_date"].year


def test_submission_is_a_draft_in_moderation_until_the_office_approves(
    client, people, agreed, small_catalogue, django_capture_on_commit_callbacks
):
    client.force_login(people["xu"])
    response = client.post("/en/outcomes/submit/", outcome_post(small_catalogue))
    assert response.status_code == 302

    outcome = Outcome.objects.get(title_en="Robot line retrofit")
    assert not outcome.live and outcome.organizing_unit == "江苏省科学技术厅"
    assert outcome.latest_revision is not None and outcome.workflow_in_progress
    assert list(outcome.institutions.all()) == [small_catalogue["tum"]]
    assert not Outcome.objects.public().filter(pk=outcome.pk).exists()

    mine = client.get("/en/outcomes/mine/")
    assert f'data-outcome="{outcome.external_id}" data-state="in_review"' in mine.text
    client.logout()
    assert client.get(outcome.url_path.replace("/home", "/en", 1)).status_code == 404
    assert "Robot line retrofit" not in client.get("/en/outcomes/").text
    assert "Robot line retrofit" not in client.get(small_catalogue["tum"].url).text

    with django_capture_on_commit_callbacks(execute=True):
        approve(outcome, people["olivia"])
    outcome.refresh_from_db()
    assert outcome.live and not outcome.workflow_in_progress
    assert Outcome.objects.public().filter(pk=outcome.pk).exists()
    assert "Robot line retrofit" in client.get("/en/outcomes/").text
    assert "Robot line retrofit" in client.get(small_catalogue["tum"].url).text

    client.force_login(people["xu"])
    assert 'data-state="published"' in client.get("/en/outcomes/mine/").text


def test_a_form_error_is_shown_next_to_the_field(client, people, small_catalogue):
    client.force_login(people["xu"])
    response = client.post("/en/outcomes/submit/", outcome_post(small_catalogue, title_en=""))
    assert response.status_code == 400
    assert not Outcome.objects.exists()


@pytest.mark.parametrize("who", ["anna", "eve"])
def test_only_unit_members_submit_outcomes(client, people, who):
    client.force_login(people[who])
    assert client.get("/en/outcomes/submit/").status_code == 403
    assert client.get("/en/outcomes/mine/").status_code == 403


def test_another_units_inquiry_does_not_prefill(client, people, agreed):
    client.force_login(people["yang"])
    page = client.get(f"/en/outcomes/submit/?inquiry={agreed.pk}")
    assert page.status_code == 200 and "data-prefilled" not in page.text


def test_a_unit_sees_only_its_own_outcomes(client, people, agreed, small_catalogue):
    client.force_login(people["xu"])
    client.post("/en/outcomes/submit/", outcome_post(small_catalogue))
    client.force_login(people["yang"])
    assert "Robot line retrofit" not in client.get("/en/outcomes/mine/").text
