"""Admission and exit: the office admits, suspends and withdraws institutions with a written reason; the
history is kept and shown; staff are told why; a suspended institution vanishes at once from the directory,
search, the ranking and the match API, and its open negotiations are marked."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from catalog.choices import InstitutionStatus
from catalog.models import Institution, StatusChange
from catalog.services import change_institution_status
from matching.choices import InquiryStatus, Side
from matching.models import Demand, Inquiry, Notification
from matching.services.negotiation import open_inquiry
from search.demand import DemandRecord
from search.ranking import rank
from tests.factories import activate_totp

pytestmark = pytest.mark.django_db

ROBOTICS = {"title": "智能制造与机器人", "fields": ["intelligent-manufacturing"], "destinations": ["DE"]}
REASON = "Repeated complaints about cancelled programmes; suspended until the review ends."


@pytest.fixture
def people(people):
    """The shared people; Olivia has set up her authenticator app, as the office must."""
    activate_totp(people["olivia"])
    return people


@pytest.fixture
def thread(people, small_catalogue):
    """Xu's unit has an open negotiation with TUM about a robotics demand."""
    demand = Demand.objects.create(
        external_id="dm-x-robotics",
        organizing_unit=people["unit_x"],
        title="智能制造与工业机器人培训",
        topic="工业机器人",
        content="学习德国工业4.0经验。",
        days=21,
        group_size=12,
        category="professional",
    )
    demand.fields.add(small_catalogue["fields"]["manufacturing"])
    return open_inquiry(
        demand, small_catalogue["tum"], by=people["xu"], text="请介绍培训项目。", side=Side.UNIT
    )


def ranked_ids() -> list[str]:
    return [match.external_id for match in rank(DemandRecord(**ROBOTICS), top=10)]


def api_ids(client) -> list[str]:
    response = client.post("/api/v1/match?top=10", data=json.dumps(ROBOTICS), content_type="application/json")
    return [row["institution"] for row in response.json()["results"]]


def directory(client) -> str:
    return client.get("/en/institutions/").text


def searched() -> set[str]:
    return set(Institution.objects.public().search("robotics").values_list("external_id", flat=True))


def suspend(client, institution, reason=REASON, status="suspended"):
    """The office's form, posted on the English site (the tests read its English messages)."""
    with translation.override("en"):
        url = reverse("office-institution-status", args=[institution.pk])
    return client.post(url, {"to_status": status, "reason": reason})


def test_suspending_with_a_reason_records_history_and_emails_staff(
    client, people, small_catalogue, django_capture_on_commit_callbacks
):
    tum = small_catalogue["tum"]
    client.force_login(people["olivia"])
    with django_capture_on_commit_callbacks(execute=True):
        response = suspend(client, tum)
    assert response.status_code == 302 and response.url.endswith(reverse("office-institutions"))
    change = StatusChange.objects.get(institution=tum)
    assert (change.from_status, change.to_status) == ("active", "suspended")
    assert change.reason == REASON and change.changed_by == people["olivia"]
    [message] = mail.outbox
    assert message.to == ["anna@example.org"]
    assert REASON in message.body
    assert "Suspended" in message.body and "暂停" in message.subject + message.body
    page = client.get(reverse("office-institution-status", args=[tum.pk])).text
    assert REASON in page


def test_a_suspended_institution_vanishes_at_once_from_directory_search_rank_and_api(
    client, people, small_catalogue
):
    tum = small_catalogue["tum"]
    assert "Technical University of Munich" in directory(client)
    assert "de-tum" in searched() and "de-tum" in ranked_ids() and "de-tum" in api_ids(client)

    change_institution_status(tum, InstitutionStatus.SUSPENDED, REASON, people["olivia"])

    assert "Technical University of Munich" not in directory(client)
    assert "de-tum" not in searched()
    assert "de-tum" not in ranked_ids()
    assert "de-tum" not in api_ids(client)


def test_suspending_marks_the_open_negotiation_and_tells_the_unit(people, small_catalogue, thread):
    change_institution_status(small_catalogue["tum"], InstitutionStatus.SUSPENDED, REASON, people["olivia"])
    thread.refresh_from_db()
    assert thread.institution_inactive is True
    told = Notification.objects.get(user=people["xu"])
    assert "Technical University of Munich has been suspended" in told.text_en
    assert "慕尼黑工业大学" in told.text_zh


def test_a_closed_negotiation_is_left_alone(people, small_catalogue, thread):
    Inquiry.objects.filter(pk=thread.pk).update(status=InquiryStatus.AGREED)
    change_institution_status(small_catalogue["tum"], InstitutionStatus.WITHDRAWN, REASON, people["olivia"])
    thread.refresh_from_db()
    assert thread.institution_inactive is False
    assert not Notification.objects.filter(user=people["xu"]).exists()


def test_a_missing_reason_is_refused_and_the_form_keeps_the_input(client, people, small_catalogue):
    tum = small_catalogue["tum"]
    client.force_login(people["olivia"])
    response = suspend(client, tum, reason="   ", status="withdrawn")
    assert response.status_code == 200
    html = response.text
    assert "Write the reason for this decision." in html
    assert '<option value="withdrawn" selected>' in html
    tum.refresh_from_db()
    assert tum.status == "active" and not StatusChange.objects.exists()


def test_the_service_refuses_a_missing_reason_or_no_change(people, small_catalogue):
    tum = small_catalogue["tum"]
    with pytest.raises(ValidationError):
        change_institution_status(tum, InstitutionStatus.SUSPENDED, "", people["olivia"])
    with pytest.raises(ValidationError):
        change_institution_status(tum, InstitutionStatus.ACTIVE, REASON, people["olivia"])
    assert not StatusChange.objects.exists()


def test_no_change_is_a_form_error(client, people, small_catalogue):
    client.force_login(people["olivia"])
    response = suspend(client, small_catalogue["tum"], status="active")
    assert response.status_code == 200 and "already" in response.text
    assert not StatusChange.objects.exists()


@pytest.mark.parametrize("name", ["anna", "bruno", "xu", "eve"])
def test_other_roles_cannot_change_or_list_statuses(client, people, small_catalogue, name):
    client.force_login(people[name])
    assert client.get(reverse("office-institutions")).status_code == 403
    assert suspend(client, small_catalogue["tum"]).status_code == 403
    assert Institution.objects.get(pk=small_catalogue["tum"].pk).status == "active"


def test_visitors_are_sent_to_sign_in(client, small_catalogue):
    response = client.get(reverse("office-institutions"))
    assert response.status_code == 302 and "login" in response.url


def test_the_office_list_filters_by_status_and_searches(client, people, small_catalogue):
    client.force_login(people["olivia"])
    suspended = client.get(reverse("office-institutions"), {"status": "suspended"}).text
    assert 'data-institution="de-lapsed"' in suspended and 'data-institution="de-tum"' not in suspended
    found = client.get(reverse("office-institutions"), {"q": "慕尼黑"}).text
    assert 'data-institution="de-tum"' in found and 'data-institution="nl-wur"' not in found


def test_the_dashboard_links_the_office_to_the_list(client, people):
    client.force_login(people["olivia"])
    assert reverse("office-institutions") in client.get(reverse("dashboard")).text


def test_re_admitting_brings_the_institution_back(
    client, people, small_catalogue, thread, django_capture_on_commit_callbacks
):
    tum = small_catalogue["tum"]
    with django_capture_on_commit_callbacks(execute=True):
        change_institution_status(tum, InstitutionStatus.SUSPENDED, REASON, people["olivia"])
        change_institution_status(
            tum, InstitutionStatus.ACTIVE, "The review found no fault.", people["olivia"]
        )
    assert "Technical University of Munich" in directory(client)
    assert "de-tum" in searched() and "de-tum" in ranked_ids() and "de-tum" in api_ids(client)
    thread.refresh_from_db()
    assert thread.institution_inactive is False
    assert list(StatusChange.objects.filter(institution=tum).values_list("to_status", flat=True)) == [
        "active",
        "suspended",
    ]
    staff_mail = [message for message in mail.outbox if message.to == ["anna@example.org"]]
    assert len(staff_mail) == 2 and "The review found no fault." in staff_mail[1].body


def test_publishing_the_latest_revision_later_keeps_the_offices_decision(people, small_catalogue):
    tum = small_catalogue["tum"]
    tum.save_revision(user=people["anna"])
    change_institution_status(tum, InstitutionStatus.SUSPENDED, REASON, people["olivia"])
    Institution.objects.get(pk=tum.pk).latest_revision.publish()
    assert Institution.objects.get(pk=tum.pk).status == "suspended"
