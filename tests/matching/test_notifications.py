"""Notifications of negotiation: who is told, in the site and by email, in both languages; the unread count
and the notifications page."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.utils import timezone

from catalog.models import InstitutionStaff
from matching.choices import Side
from matching.models import Demand, Notification, UnitMembership
from matching.services.negotiation import (
    NegotiationRefused,
    express_interest,
    move_status,
    open_inquiry,
    post_message,
)
from tests.factories import activate_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(people):
    """The shared people; Olivia has set up her authenticator app, as the office must."""
    activate_totp(people["olivia"])
    return people


@pytest.fixture
def demand(people, small_catalogue):
    demand = Demand.objects.create(
        external_id="dm-x-robotics",
        organizing_unit=people["unit_x"],
        title="智能制造与工业机器人培训",
        topic="工业机器人与智能制造",
        days=21,
        group_size=12,
        category="professional",
    )
    demand.fields.add(small_catalogue["fields"]["manufacturing"])
    return demand


def recipients(notifications) -> set[str]:
    return {n.user.username for n in notifications}


def contact(demand, people, small_catalogue, capture):
    with capture(execute=True):
        return open_inquiry(demand, small_catalogue["tum"], by=people["xu"], text="你好", side=Side.UNIT)


def test_contacting_an_institution_tells_its_staff_in_the_site_and_by_email(
    demand, people, small_catalogue, django_capture_on_commit_callbacks
):
    inquiry = contact(demand, people, small_catalogue, django_capture_on_commit_callbacks)
    notification = Notification.objects.get()
    assert notification.user == people["anna"]
    assert notification.text_zh == "江苏省科学技术厅就培训需求「智能制造与工业机器人培训」联系了贵机构"
    assert "contacted your institution" in notification.text_en
    assert notification.url == f"/zh-hans/inquiries/{inquiry.pk}/"
    assert [message.to for message in mail.outbox] == [["anna@example.org"]]
    # Each language's text leads to the page in that language.
    body, site = mail.outbox[0].body, settings.PORTAL_BASE_URL
    assert f"{notification.text_zh}\n{site}/zh-hans/inquiries/{inquiry.pk}/\n" in body
    assert f"{notification.text_en}\n{site}/en/inquiries/{inquiry.pk}/\n" in body


def test_email_links_lead_to_the_public_site_even_when_the_admin_is_served_elsewhere(
    demand, people, small_catalogue, django_capture_on_commit_callbacks, settings
):
    settings.PORTAL_BASE_URL = "https://match.example.org"
    settings.WAGTAILADMIN_BASE_URL = "https://admin.example.net"
    inquiry = contact(demand, people, small_catalogue, django_capture_on_commit_callbacks)
    body = mail.outbox[0].body
    assert f"https://match.example.org/zh-hans/inquiries/{inquiry.pk}/" in body
    assert f"https://match.example.org/en/inquiries/{inquiry.pk}/" in body
    assert "admin.example.net" not in body


def test_a_reply_tells_the_units_confirmed_members_and_nobody_else(
    demand, people, small_catalogue, django_user_model, django_capture_on_commit_callbacks
):
    colleague = django_user_model.objects.create_user("zhou", "zhou@example.org", "pw")
    UnitMembership.objects.create(user=colleague, unit=people["unit_x"], confirmed_at=timezone.now())
    waiting = django_user_model.objects.create_user("qian", "qian@example.org", "pw")
    UnitMembership.objects.create(user=waiting, unit=people["unit_x"])
    inquiry = contact(demand, people, small_catalogue, django_capture_on_commit_callbacks)
    Notification.objects.all().delete()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        post_message(inquiry, by=people["anna"], text="Gladly.")
    assert recipients(Notification.objects.all()) == {"xu", "zhou"}
    assert sorted(m.to[0] for m in mail.outbox) == ["xu@example.org", "zhou@example.org"]
    assert all("Technical University of Munich" in n.text_en for n in Notification.objects.all())
    assert all("慕尼黑工业大学" in n.text_zh for n in Notification.objects.all())


def test_every_step_tells_the_other_side_and_never_the_actor_or_outsiders(
    demand, people, small_catalogue, django_user_model, django_capture_on_commit_callbacks
):
    second = django_user_model.objects.create_user("carl", "carl@example.org", "pw")
    InstitutionStaff.objects.create(user=second, institution=small_catalogue["tum"])
    inquiry = contact(demand, people, small_catalogue, django_capture_on_commit_callbacks)
    assert recipients(Notification.objects.all()) == {"anna", "carl"}
    with django_capture_on_commit_callbacks(execute=True):
        post_message(inquiry, by=people["anna"], text="Gladly.")
        post_message(inquiry, by=people["xu"], text="Thank you.")
        move_status(inquiry, "declined", by=people["xu"])
    told = recipients(Notification.objects.all())
    assert told == {"anna", "carl", "xu"}
    assert not Notification.objects.filter(user__username__in=["bruno", "yang", "eve", "olivia"]).exists()
    declined = Notification.objects.filter(text_en__contains="declined")
    assert recipients(declined) == {"anna", "carl"}
    assert {m.to[0] for m in mail.outbox} == {"anna@example.org", "carl@example.org", "xu@example.org"}
    assert all("@" not in n.text_en and "@" not in n.text_zh for n in Notification.objects.all())


def test_expressing_interest_tells_the_unit(
    demand, people, small_catalogue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        express_interest(demand, small_catalogue["tum"], by=people["anna"], text="We run this programme.")
    notification = Notification.objects.get()
    assert notification.user == people["xu"]
    assert notification.text_zh.startswith("慕尼黑工业大学对贵单位的培训需求")
    assert notification.text_en.startswith("Technical University of Munich is interested")
    assert [m.to for m in mail.outbox] == [["xu@example.org"]]


def test_a_refused_step_sends_nothing(demand, people, small_catalogue, django_capture_on_commit_callbacks):
    inquiry = contact(demand, people, small_catalogue, django_capture_on_commit_callbacks)
    Notification.objects.all().delete()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(NegotiationRefused), transaction.atomic():
            move_status(inquiry, "agreed", by=people["xu"])
    assert not Notification.objects.exists() and mail.outbox == []


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", "江苏省科学技术厅就培训需求"), ("en", "contacted your institution")],
)
def test_notifications_page_lists_them_in_the_readers_language_and_marks_them_read(
    client, demand, people, small_catalogue, language, expected, django_capture_on_commit_callbacks
):
    inquiry = contact(demand, people, small_catalogue, django_capture_on_commit_callbacks)
    client.force_login(people["anna"])
    assert client.get(f"/{language}/inquiries/").context["unread_notifications"] == 1
    response = client.get(f"/{language}/notifications/")
    assert response.status_code == 200
    assert expected in response.text and "data-new" in response.text
    assert f'href="/{language}/inquiries/{inquiry.pk}/"' in response.text
    assert response.context["unread_notifications"] == 0
    assert not Notification.objects.unread().exists()
    assert "data-new" not in client.get(f"/{language}/notifications/").text


def test_reading_the_thread_reads_its_notifications(
    client, demand, people, small_catalogue, django_capture_on_commit_callbacks
):
    inquiry = contact(demand, people, small_catalogue, django_capture_on_commit_callbacks)
    client.force_login(people["anna"])
    assert client.get(f"/en/inquiries/{inquiry.pk}/").context["unread_notifications"] == 0
    assert not Notification.objects.filter(user=people["anna"]).unread().exists()


def test_unread_count_counts_only_the_persons_own(
    client, demand, people, small_catalogue, django_capture_on_commit_callbacks
):
    inquiry = contact(demand, people, small_catalogue, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        post_message(inquiry, by=people["anna"], text="Gladly.")
        post_message(inquiry, by=people["anna"], text="And a brochure.")
    client.force_login(people["xu"])
    assert client.get("/en/inquiries/").context["unread_notifications"] == 2
    for name in ("bruno", "yang", "olivia"):
        client.force_login(people[name])
        response = client.get("/en/notifications/")
        assert response.context["unread_notifications"] == 0
        assert "data-notification" not in response.text


def test_notifications_page_needs_sign_in(client):
    response = client.get("/en/notifications/")
    assert response.status_code == 302 and "/accounts/login/" in response.url
