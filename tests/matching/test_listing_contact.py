"""Contacting an institution from its page or a course's: a unit member picks one of the unit's demands or
writes a short request (kept as a private draft demand), and the inquiry opens through the existing flow;
a visitor is asked to sign in and comes back to the page; institution staff and the office are told why
they cannot; a private demand's link asks a visitor to sign in rather than answering 404."""

from __future__ import annotations

import pytest

from matching.choices import DemandStatus, Visibility
from matching.models import Demand, Inquiry
from tests.factories import activate_totp, make_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(small_catalogue):
    return make_course(
        "tum-robots",
        small_catalogue["tum"],
        "Robot cells",
        "机器人单元",
        fields=[small_catalogue["fields"]["manufacturing"]],
        days=10,
    )


def own_demand(people, external_id="x-robots", status="published"):
    return Demand.objects.create(
        organizing_unit=people["unit_x"],
        external_id=external_id,
        title="工业机器人培训",
        days=21,
        group_size=12,
        category="professional",
        status=status,
    )


def test_the_institution_page_offers_each_person_what_they_may_do(client, people, small_catalogue):
    url = small_catalogue["tum"].url
    anonymous = client.get(url).content.decode()
    assert "/accounts/login/?next=" in anonymous and "data-contact-sign-in" in anonymous
    client.force_login(people["xu"])
    assert "/institutions/de-tum/contact/" in client.get(url).content.decode()
    activate_totp(people["olivia"])
    for name in ("anna", "olivia"):
        client.force_login(people[name])
        page = client.get(url).content.decode()
        assert "data-contact-explained" in page and "/institutions/de-tum/contact/" not in page


def test_the_course_page_leads_to_contacting_its_institution_about_the_course(client, people, course):
    client.force_login(people["xu"])
    page = client.get(course.url).content.decode()
    assert "/institutions/de-tum/contact/?course=tum-robots" in page
    form = client.get("/zh-hans/institutions/de-tum/contact/?course=tum-robots").content.decode()
    assert "机器人单元" in form


def test_a_unit_member_contacts_an_institution_about_one_of_the_units_demands(client, people):
    demand = own_demand(people)
    client.force_login(people["xu"])
    response = client.post("/en/institutions/de-tum/contact/", {"demand": "x-robots", "text": "Guten Tag."})
    inquiry = Inquiry.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/inquiries/{inquiry.pk}/")
    assert (inquiry.demand, inquiry.institution.external_id) == (demand, "de-tum")
    # A second time leads to the same thread.
    again = client.post("/en/institutions/de-tum/contact/", {"demand": "x-robots", "text": "Noch einmal."})
    assert again["Location"].endswith(f"/inquiries/{inquiry.pk}/") and Inquiry.objects.count() == 1


def test_a_short_request_becomes_a_private_draft_of_the_unit(client, people, course):
    client.force_login(people["xu"])
    response = client.post(
        "/en/institutions/de-tum/contact/?course=tum-robots",
        {
            "demand": "",
            "title": "Robot cell training",
            "days": "10",
            "group_size": "8",
            "text": "Dates in May?",
        },
    )
    assert response.status_code == 302
    demand = Demand.objects.get()
    assert (demand.organizing_unit, demand.status, demand.visibility) == (
        people["unit_x"],
        DemandStatus.DRAFT,
        Visibility.PRIVATE,
    )
    assert list(demand.fields.values_list("code", flat=True)) == ["intelligent-manufacturing"]
    assert Inquiry.objects.get().demand == demand


def test_a_short_request_needs_its_title_days_and_group_and_keeps_the_message(client, people):
    client.force_login(people["xu"])
    for prefix, message in (("/en", "Needed for a new request."), ("/zh-hans", "新请求需要填写此项。")):
        response = client.post(
            f"{prefix}/institutions/de-tum/contact/", {"demand": "", "text": "KEPT-MESSAGE"}
        )
        body = response.content.decode()
        assert response.status_code == 400 and message in body and "KEPT-MESSAGE" in body
    assert not Inquiry.objects.exists() and not Demand.objects.exists()


def test_another_units_or_a_withdrawn_demand_cannot_be_chosen(client, people):
    own_demand(people, "x-withdrawn", status="withdrawn")
    own_demand(people, "x-other")
    client.force_login(people["yang"])
    response = client.post("/en/institutions/de-tum/contact/", {"demand": "x-other", "text": "Hi"})
    assert response.status_code == 400
    client.force_login(people["xu"])
    response = client.post("/en/institutions/de-tum/contact/", {"demand": "x-withdrawn", "text": "Hi"})
    assert response.status_code == 400
    assert not Inquiry.objects.exists()


def test_a_visitor_is_sent_to_sign_in_and_back(client):
    response = client.get("/en/institutions/de-tum/contact/?course=tum-robots")
    assert response.status_code == 302
    assert (
        "/accounts/login/?next=/en/institutions/de-tum/contact/%3Fcourse%3Dtum-robots" in response["Location"]
    )


def test_staff_and_the_office_are_told_why_they_cannot(client, people):
    activate_totp(people["olivia"])
    for name in ("anna", "olivia", "eve"):
        client.force_login(people[name])
        response = client.get("/zh-hans/institutions/de-tum/contact/")
        assert response.status_code == 403
        assert "只有组团单位成员才能通过平台联系培训机构" in response.content.decode()
        assert client.post("/en/institutions/de-tum/contact/", {"text": "x"}).status_code == 403
    assert not Inquiry.objects.exists()


def test_a_suspended_institution_cannot_be_contacted(client, people):
    client.force_login(people["xu"])
    assert client.get("/en/institutions/de-lapsed/contact/").status_code == 404


def test_a_private_demands_link_asks_a_visitor_to_sign_in(client, people):
    demand = own_demand(people, "x-private")
    Demand.objects.filter(pk=demand.pk).update(visibility=Visibility.PRIVATE)
    response = client.get("/en/demands/x-private/")
    assert (
        response.status_code == 302 and "/accounts/login/?next=/en/demands/x-private/" in response["Location"]
    )
