"""The expert pool (专家库): a unit invites an expert of the pool by field, or any address, which joins the
pool; a signed review fills in the expert's entry; the office lists the pool by field and status, page by
page, adds and edits experts, retires them (no longer offered or invitable) and reads each one's reviews."""

from __future__ import annotations

import pytest

from matching.choices import ExpertStatus
from matching.models import Expert, ExpertReview
from matching.services.demands import invite_expert, sign_review
from tests.factories import activate_totp
from tests.test_access_matrix import make_demand

pytestmark = pytest.mark.django_db


@pytest.fixture
def demand(people, small_catalogue):
    """Unit X's private demand in intelligent manufacturing."""
    demand = make_demand(people["unit_x"], "x-private", visibility="private")
    demand.fields.set([small_catalogue["fields"]["manufacturing"]])
    return demand


def expert(name: str, email: str, *fields, status=ExpertStatus.ACTIVE) -> Expert:
    entry = Expert.objects.create(name=name, email=email, affiliation="南京大学", title="教授", status=status)
    entry.fields.set(fields)
    return entry


def test_an_address_a_unit_invites_joins_the_pool_once(people, demand):
    invite_expert(demand, "Wang@Example.org", people["xu"])
    invite_expert(demand, "wang@example.org", people["xu"])
    assert list(Expert.objects.values_list("email", "status")) == [("Wang@Example.org", "active")]


def test_the_invitation_page_offers_the_active_experts_of_the_demands_field(
    client, people, demand, small_catalogue
):
    fields = small_catalogue["fields"]
    expert("李研究员", "li@example.org", fields["manufacturing"])
    expert("赵教授", "zhao@example.org", fields["agriculture"])
    expert("钱教授", "qian@example.org", fields["manufacturing"], status=ExpertStatus.RETIRED)
    client.force_login(people["xu"])
    page = client.get("/zh-hans/demands/x-private/reviews/invite/").content.decode()
    assert "李研究员" in page
    assert "赵教授" not in page and "钱教授" not in page
    other = client.get("/zh-hans/demands/x-private/reviews/invite/", {"field": "modern-agriculture"})
    assert "赵教授" in other.content.decode()
    assert "li@example.org" not in page  # units see who, not the address


def test_a_unit_invites_an_expert_of_the_pool(client, people, demand, small_catalogue):
    li = expert("李研究员", "li@example.org", small_catalogue["fields"]["manufacturing"])
    client.force_login(people["xu"])
    response = client.post(f"/en/demands/x-private/reviews/invite/{li.pk}/")
    assert response.status_code == 302
    assert list(ExpertReview.objects.values_list("email", flat=True)) == ["li@example.org"]
    assert list(li.reviews().values_list("demand__external_id", flat=True)) == ["x-private"]


def test_a_retired_expert_cannot_be_invited(client, people, demand, small_catalogue):
    qian = expert("钱教授", "qian@example.org", small_catalogue["fields"]["manufacturing"], status="retired")
    client.force_login(people["xu"])
    assert client.post(f"/en/demands/x-private/reviews/invite/{qian.pk}/").status_code == 404
    assert not ExpertReview.objects.exists()


def test_another_unit_cannot_invite_for_the_demand(client, people, demand, small_catalogue):
    li = expert("李研究员", "li@example.org", small_catalogue["fields"]["manufacturing"])
    client.force_login(people["yang"])
    assert client.post(f"/en/demands/x-private/reviews/invite/{li.pk}/").status_code in (403, 404)
    assert not ExpertReview.objects.exists()


def test_a_signed_review_fills_in_the_experts_entry(people, demand):
    review = invite_expert(demand, people["eve"].email, people["xu"])
    sign_review(
        review, expert=people["eve"], name="Eve Expert", affiliation="Uni", title="Prof.", opinion="OK"
    )
    entry = Expert.objects.get(email__iexact=people["eve"].email)
    assert (entry.name, entry.affiliation, entry.title, entry.user) == (
        "Eve Expert",
        "Uni",
        "Prof.",
        people["eve"],
    )


@pytest.fixture
def office(client, people):
    activate_totp(people["olivia"])
    client.force_login(people["olivia"])
    return client


def test_the_office_lists_the_pool_by_field_and_status_page_by_page(office, small_catalogue):
    manufacturing = small_catalogue["fields"]["manufacturing"]
    for number in range(25):
        expert(f"专家{number:02d}", f"e{number}@example.org", manufacturing)
    expert("赵教授", "zhao@example.org", small_catalogue["fields"]["agriculture"], status="retired")
    first = office.get("/zh-hans/office/experts/", {"field": "intelligent-manufacturing"}).content.decode()
    assert first.count("data-expert=") == 20
    assert "姓名" in first and "名称" not in first
    second = office.get("/zh-hans/office/experts/", {"field": "intelligent-manufacturing", "page": "2"})
    assert second.content.decode().count("data-expert=") == 5
    retired = office.get("/en/office/experts/", {"status": "retired"}).content.decode()
    assert retired.count("data-expert=") == 1 and "赵教授" in retired
    nothing = office.get("/en/office/experts/", {"q": "nobody"}).content.decode()
    assert "data-empty" in nothing


def test_the_office_adds_an_expert_and_a_mistake_keeps_the_input(office):
    data = {
        "name": "王教授",
        "email": "wang@example.org",
        "affiliation": "南京大学",
        "title": "教授",
        "fields": ["intelligent-manufacturing"],
        "status": "active",
    }
    response = office.post("/zh-hans/office/experts/add/", data)
    assert response.status_code == 302
    wang = Expert.objects.get(email="wang@example.org")
    assert list(wang.fields.values_list("code", flat=True)) == ["intelligent-manufacturing"]
    again = office.post("/zh-hans/office/experts/add/", {**data, "email": "WANG@example.org", "name": "王二"})
    assert again.status_code == 200
    page = again.content.decode()
    assert "王二" in page and "field-error" in page
    assert Expert.objects.count() == 1


def test_the_office_retires_an_expert_and_reads_the_reviews(office, people, demand, small_catalogue):
    li = expert("李研究员", "li@example.org", small_catalogue["fields"]["manufacturing"])
    invite_expert(demand, "li@example.org", people["xu"])
    page = office.get(f"/zh-hans/office/experts/{li.pk}/").content.decode()
    assert demand.title in page
    response = office.post(
        f"/zh-hans/office/experts/{li.pk}/",
        {
            "name": "李研究员",
            "email": "li@example.org",
            "affiliation": "",
            "title": "",
            "fields": ["intelligent-manufacturing"],
            "status": "retired",
        },
    )
    assert response.status_code == 302
    li.refresh_from_db()
    assert li.status == ExpertStatus.RETIRED
    assert not Expert.objects.active().exists()


def test_the_office_dashboard_leads_to_the_pool(office):
    assert "/zh-hans/office/experts/" in office.get("/zh-hans/dashboard/").content.decode()
