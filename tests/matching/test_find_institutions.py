"""The "find institutions" page, a demand's matches and an institution's similar institutions."""

from __future__ import annotations

import pytest

from matching.models import Demand, OrganizingUnit

pytestmark = pytest.mark.django_db


def test_find_page_ranks_a_typed_demand_with_bars_and_reasons(client, small_catalogue):
    response = client.get("/zh-hans/find/", {"text": "工业机器人与智能制造", "destinations": ["DE"]})
    assert response.status_code == 200
    html = response.text
    assert 'data-match="de-tum"' in html and "signal-bars" in html
    assert "慕尼黑工业大学" in html


def test_find_page_explains_an_empty_search_and_keeps_the_input(client, small_catalogue):
    response = client.get("/en/find/", {"text": "", "destinations_only": "on"})
    assert response.status_code == 200
    assert "Describe the training or choose at least one field." in response.text
    nothing = client.get("/en/find/", {"text": "Quantum chemistry of rare earths"})
    assert "No admitted institution fits this demand." in nothing.text
    assert "Quantum chemistry of rare earths" in nothing.text


def test_find_page_is_in_the_navigation(client, small_catalogue):
    assert 'href="/zh-hans/find/"' in client.get("/zh-hans/").text


def test_demand_page_shows_its_matches(client, small_catalogue):
    unit = OrganizingUnit.objects.create(name="江苏省科学技术厅")
    demand = Demand.objects.create(
        external_id="dm-1",
        organizing_unit=unit,
        title="智能制造培训",
        topic="工业机器人",
        days=21,
        group_size=12,
        category="professional",
    )
    demand.fields.add(small_catalogue["fields"]["manufacturing"])
    html = client.get(f"/en/demands/{demand.external_id}/").text
    assert 'data-match="de-tum"' in html


def test_institution_page_lists_similar_institutions(client, small_catalogue):
    from tests.factories import make_institution

    make_institution(
        "de-fab",
        "Smart Factory Institute",
        small_catalogue["countries"]["DE"],
        specialties=[(small_catalogue["fields"]["manufacturing"], 1.0)],
    )
    html = client.get("/en/institutions/de-tum/").text
    assert "data-similar" in html and "Smart Factory Institute" in html
