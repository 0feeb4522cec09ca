"""The application draft (申请表) of an agreed inquiry: a printable page and a DOCX file filled from the
demand, the agreed proposal and the expert review; only the unit, the institution and the office see it."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone, translation

from matching.choices import Side
from matching.models import ExpertReview
from matching.services.negotiation import move_status, open_inquiry, post_message, propose
from tests.factories import activate_totp
from tests.matching.test_negotiation import make_demand, terms

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreed(people, small_catalogue):
    """Unit X and TUM agreed on a three-week programme at 4800 EUR; an expert signed a review."""
    activate_totp(people["olivia"])
    demand = make_demand(people["unit_x"])
    demand.fields.add(small_catalogue["fields"]["manufacturing"])
    demand.destinations.add(small_catalogue["countries"]["DE"])
    ExpertReview.objects.create(
        demand=demand,
        email="expert@example.org",
        name="王教授",
        opinion="项目必要，方案可行。",
        signed_at=timezone.now(),
    )
    inquiry = open_inquiry(demand, small_catalogue["tum"], by=people["xu"], text="请介绍。", side=Side.UNIT)
    post_message(inquiry, by=people["anna"], text="Gladly.")
    propose(inquiry, by=people["anna"], **terms())
    return move_status(inquiry, "agreed", by=people["xu"])


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("who", ["xu", "anna", "olivia"])
def test_unit_institution_and_office_read_the_printable_draft(client, people, agreed, who, language):
    client.force_login(people[who])
    page = client.get(f"/{language}/inquiries/{agreed.pk}/application/")
    assert page.status_code == 200
    text = page.text
    assert "智能制造与工业机器人培训" in text and "4800.00 EUR" in text
    assert "项目必要，方案可行。" in text and "Munich, Stuttgart" in text
    assert "@media print" in text


def test_draft_is_in_the_readers_language(client, people, agreed):
    client.force_login(people["xu"])
    english = client.get(f"/en/inquiries/{agreed.pk}/application/").text
    chinese = client.get(f"/zh-hans/inquiries/{agreed.pk}/application/").text
    assert "Professional and technical" in english and "专业技术类" not in english
    assert "专业技术类" in chinese and "组团单位" in chinese


def test_docx_opens_and_holds_the_demand_title_and_price(client, people, agreed):
    from docx import Document

    client.force_login(people["anna"])
    response = client.get(f"/en/inquiries/{agreed.pk}/application.docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "智能制造与工业机器人培训" in text
    assert "4800.00 EUR" in text


@pytest.mark.parametrize("who", ["yang", "bruno", "eve"])
def test_other_units_and_institutions_are_refused(client, people, agreed, who):
    client.force_login(people[who])
    assert client.get(f"/en/inquiries/{agreed.pk}/application/").status_code == 404
    assert client.get(f"/en/inquiries/{agreed.pk}/application.docx").status_code == 404


def test_an_inquiry_not_yet_agreed_has_no_draft(client, people, small_catalogue):
    demand = make_demand(people["unit_x"])
    inquiry = open_inquiry(demand, small_catalogue["tum"], by=people["xu"], text="请介绍。", side=Side.UNIT)
    client.force_login(people["xu"])
    assert client.get(f"/en/inquiries/{inquiry.pk}/application/").status_code == 404


def test_anonymous_visitor_is_sent_to_sign_in(client, agreed):
    response = client.get(f"/en/inquiries/{agreed.pk}/application/")
    assert response.status_code == 302


def test_agreed_inquiry_page_links_the_draft_and_the_outcome_form(client, people, agreed):
    client.force_login(people["xu"])
    page = client.get(f"/en/inquiries/{agreed.pk}/").text
    assert f"/en/inquiries/{agreed.pk}/application/" in page
    assert f"/en/outcomes/submit/?inquiry={agreed.pk}" in page
    client.force_login(people["anna"])
    page = client.get(f"/en/inquiries/{agreed.pk}/").text
    assert f"/en/inquiries/{agreed.pk}/application/" in page and "/outcomes/submit/" not in page


def test_a_review_given_with_the_demand_fills_the_draft(client, people, agreed):
    from matching.views.application import application_sections

    demand = agreed.demand
    demand.expert_review = {
        "opinion": "同意申报。",
        "expert": "周立新",
        "affiliation": "东南大学",
        "title": "教授",
    }
    demand.save()
    with translation.override("en"):
        sections = application_sections(demand, None, None, agreed)
        review = {str(label): value for label, value in sections[-1].rows}
    assert review == {"Expert": "周立新, 教授, 东南大学", "Opinion": "同意申报。"}
    with translation.override("zh-hans"):
        sections = application_sections(demand, None, None, agreed)
    assert sections[-1].rows[0][1] == "周立新，教授，东南大学"
