"""The demand board: who sees which demand in lists, counts and pages; facets, search, pagination; the unit's
own demands; a demand's page with its findings, reviews and the unit's buttons."""

from __future__ import annotations

import pytest
from django.utils import timezone

from matching.models import Demand, ExpertReview, UnitMembership
from tests.factories import activate_totp

pytestmark = pytest.mark.django_db

REVIEW = {"opinion": "必要且可行。", "expert": "王教授", "affiliation": "南京大学", "title": "教授"}


@pytest.fixture
def people(people):
    """The shared people; Olivia has set up her authenticator app, as the office must."""
    activate_totp(people["olivia"])
    return people


def make_demand(unit, external_id: str, *, status="published", visibility="public", **extra) -> Demand:
    """A demand that passes every rule unless `extra` says otherwise."""
    values = {
        "title": f"机器人培训 {external_id}",
        "topic": "工业机器人",
        "days": 21,
        "group_size": 12,
        "cities": 1,
        "category": "professional",
        "participants_max_age": 50,
        "participants_min_years_to_retirement": 8,
        "special_project_stated": True,
        "special_project": None,
        "expert_review": REVIEW,
        "organizer_level": "provincial",
        **extra,
    }
    demand = Demand.objects.create(
        organizing_unit=unit,
        external_id=external_id,
        status=status,
        visibility=visibility,
        published_at=timezone.now() if status == "published" else None,
        **values,
    )
    return demand


@pytest.fixture
def board(people, small_catalogue):
    """Unit X's demands in every state and visibility, and a private one of unit Y; all in the same field and
    destination, so a facet's count is the number the reader may see."""
    x, y = people["unit_x"], people["unit_y"]
    demands = [
        make_demand(x, "x-public"),
        make_demand(x, "x-registered", visibility="registered"),
        make_demand(x, "x-private", visibility="private"),
        make_demand(x, "x-draft", status="draft"),
        make_demand(x, "x-withdrawn", status="withdrawn"),
        make_demand(y, "y-private", visibility="private", days=120, backbone_plan=False),
    ]
    for demand in demands:
        demand.fields.set([small_catalogue["fields"]["manufacturing"]])
        demand.destinations.set([small_catalogue["countries"]["DE"]])
    return {demand.external_id: demand for demand in demands}


ALL = {"x-public", "x-registered", "x-private", "x-draft", "x-withdrawn", "y-private"}
SEES = {
    None: {"x-public"},
    "anna": {"x-public", "x-registered"},
    "xu": {"x-public", "x-registered", "x-private", "x-draft", "x-withdrawn"},
    "yang": {"x-public", "x-registered", "y-private"},
    "olivia": ALL,
}


def listed(response) -> set[str]:
    return {demand.external_id for demand in response.context["page_obj"]}


@pytest.mark.parametrize("who", list(SEES))
def test_the_board_lists_and_counts_only_what_the_reader_may_see(client, people, board, who):
    if who:
        client.force_login(people[who])
    response = client.get("/en/demands/")
    assert response.status_code == 200
    assert listed(response) == SEES[who]
    assert response.context["paginator"].count == len(SEES[who])
    facets = {facet["name"]: facet for facet in response.context["filter"].facet_options()}
    assert {o["value"]: o["count"] for o in facets["field"]["options"]} == {
        "intelligent-manufacturing": len(SEES[who])
    }
    assert {o["value"]: o["count"] for o in facets["destination"]["options"]} == {"DE": len(SEES[who])}
    html = response.content.decode()
    for hidden in ALL - SEES[who]:
        assert hidden not in html


@pytest.mark.parametrize("who", [who for who in SEES if who])
def test_a_demand_page_is_404_for_a_signed_in_reader_who_may_not_see_it(client, people, board, who):
    client.force_login(people[who])
    for external_id in ALL:
        expected = 200 if external_id in SEES[who] else 404
        assert client.get(f"/en/demands/{external_id}/").status_code == expected, external_id


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_visitor_following_a_link_to_a_demand_they_may_not_see_is_asked_to_sign_in(
    client, people, board, language
):
    assert client.get(f"/{language}/demands/x-public/").status_code == 200
    for external_id in [*(ALL - SEES[None]), "no-such-demand"]:
        path = f"/{language}/demands/{external_id}/"
        response = client.get(path)
        assert response.status_code == 302, external_id
        assert response["Location"].startswith(f"/{language}/accounts/login/?next=/{language}/demands/")
        assert "SECRET" not in response.content.decode()
    # An address that is no demand's at all is simply not found.
    assert client.get(f"/{language}/demands/%E2%80%AE%00/").status_code == 404


def test_after_signing_in_the_visitor_lands_on_the_demand(client, people, board):
    response = client.get("/en/demands/x-private/")
    client.force_login(people["xu"])
    next_path = response["Location"].split("next=", 1)[1]
    assert next_path == "/en/demands/x-private/"
    assert client.get(next_path).status_code == 200


def test_the_status_facet_is_offered_only_to_units_and_the_office(client, people, board):
    assert "status" not in {f["name"] for f in client.get("/en/demands/").context["filter"].facet_options()}
    client.force_login(people["anna"])
    assert "status" not in {f["name"] for f in client.get("/en/demands/").context["filter"].facet_options()}
    client.force_login(people["xu"])
    facets = {f["name"]: f for f in client.get("/en/demands/").context["filter"].facet_options()}
    assert {o["value"]: o["count"] for o in facets["status"]["options"]} == {
        "draft": 1,
        "published": 3,
        "withdrawn": 1,
    }
    assert listed(client.get("/en/demands/?status=draft")) == {"x-draft"}


def test_facets_filter_and_count_the_alternatives(client, people, board, small_catalogue):
    board["x-registered"].fields.set([small_catalogue["fields"]["agriculture"]])
    client.force_login(people["yang"])
    response = client.get("/en/demands/?field=modern-agriculture")
    assert listed(response) == {"x-registered"}
    facets = {f["name"]: f for f in response.context["filter"].facet_options()}
    # The field facet counts as if no field were chosen, so the alternatives show.
    assert {o["value"]: o["count"] for o in facets["field"]["options"]} == {
        "intelligent-manufacturing": 2,
        "modern-agriculture": 1,
    }


def test_the_days_range_facet_counts_and_filters(client, people, board):
    client.force_login(people["olivia"])
    response = client.get("/en/demands/")
    facets = {f["name"]: f for f in response.context["filter"].facet_options()}
    assert [(o["value"], o["count"]) for o in facets["days"]["options"]] == [("14-30", 5), ("90-", 1)]
    assert listed(client.get("/en/demands/?days=90-")) == {"y-private"}
    assert listed(client.get("/en/demands/?days_min=100")) == {"y-private"}
    assert listed(client.get("/en/demands/?days_max=30")) == ALL - {"y-private"}


def test_the_category_facet_filters(client, people, board):
    board["x-public"].category = "management"
    board["x-public"].save()
    assert listed(client.get("/en/demands/?category=management")) == {"x-public"}
    assert listed(client.get("/en/demands/?category=professional")) == set()


def test_text_search_finds_titles_topics_and_units(client, people, board):
    board["x-public"].topic = "先进封装工艺"
    board["x-public"].save()
    client.force_login(people["xu"])
    assert listed(client.get("/en/demands/?q=先进封装")) == {"x-public"}
    assert listed(client.get("/en/demands/?q=江苏省科学技术厅")) == SEES["xu"]
    assert listed(client.get("/en/demands/?q=nothing-like-this")) == set()


def test_the_board_is_paginated(client, people):
    for number in range(13):
        make_demand(people["unit_x"], f"page-{number:02d}")
    first = client.get("/en/demands/")
    assert len(first.context["page_obj"]) == 12
    assert first.context["paginator"].num_pages == 2
    assert len(client.get("/en/demands/?page=2").context["page_obj"]) == 1


@pytest.mark.parametrize("prefix", ["/zh-hans", "/en"])
def test_the_board_and_a_demand_page_render_in_both_languages(client, people, board, prefix):
    client.force_login(people["xu"])
    for url in ("/demands/", "/demands/mine/", "/demands/x-public/", "/demands/x-draft/"):
        response = client.get(prefix + url)
        assert response.status_code == 200, url
        assert f'<html lang="{"zh-Hans" if prefix == "/zh-hans" else "en"}"' in response.content.decode()


def test_a_message_waiting_for_the_reader_is_shown_once_on_the_board(client, people, board):
    client.force_login(people["xu"])
    client.post("/en/demands/x-draft/publish/")  # its message waits for the next page the reader opens
    page = client.get("/en/demands/mine/").content.decode()
    assert page.count("The demand is published.") == 1


# The unit's own demands.


def test_my_units_demands_include_drafts_and_withdrawn_ones_and_nothing_of_other_units(client, people, board):
    client.force_login(people["xu"])
    response = client.get("/en/demands/mine/")
    assert listed(response) == {"x-public", "x-registered", "x-private", "x-draft", "x-withdrawn"}
    client.force_login(people["yang"])
    assert listed(client.get("/en/demands/mine/")) == {"y-private"}


def test_my_units_demands_ask_to_sign_in_and_explain_a_pending_membership(
    client, people, board, django_user_model
):
    response = client.get("/en/demands/mine/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    zhao = django_user_model.objects.create_user("zhao", "zhao@example.org", "pw")
    UnitMembership.objects.create(user=zhao, unit=people["unit_x"])
    client.force_login(zhao)
    response = client.get("/en/demands/mine/")
    assert response.status_code == 200
    assert "waits for confirmation" in response.content.decode()
    assert listed(response) == set()


# A demand's page.


def test_a_demand_page_shows_the_units_buttons_only_to_the_unit(client, people, board):
    client.force_login(people["xu"])
    html = client.get("/en/demands/x-draft/").content.decode()
    assert "/en/demands/x-draft/edit/" in html
    assert "/en/demands/x-draft/publish/" in html
    assert "/en/demands/x-draft/reviews/invite/" in html
    html = client.get("/en/demands/x-public/").content.decode()
    assert "/en/demands/x-public/withdraw/" in html and "/en/demands/x-public/publish/" not in html
    client.force_login(people["yang"])
    html = client.get("/en/demands/x-public/").content.decode()
    assert "/edit/" not in html and "/withdraw/" not in html and "/reviews/invite/" not in html


def test_a_demand_page_shows_its_matches_findings_and_signed_reviews(client, people, board):
    demand = board["x-public"]
    demand.group_size = 4
    demand.days = 120
    demand.backbone_plan = True
    demand.save()
    ExpertReview.objects.create(demand=demand, email="wang@example.org", **{
        "name": "王教授", "affiliation": "南京大学", "title": "教授", "opinion": "建议支持。",
        "signed_at": timezone.now(),
    })  # fmt: skip
    ExpertReview.objects.create(demand=demand, email="pending@example.org")
    response = client.get("/en/demands/x-public/")
    html = response.content.decode()
    assert "matches" in response.context
    assert "demand_inquiries" in response.context  # for the negotiation pages' include
    assert 'data-rule="small-group-long-term"' in html
    assert "建议支持。" in html and "王教授" in html
    # Pending invitations are the unit's business.
    assert "pending@example.org" not in html
    client.force_login(people["xu"])
    assert "pending@example.org" in client.get("/en/demands/x-public/").content.decode()


def test_justifications_are_shown_to_the_unit_and_the_office_only(client, people, board, small_catalogue):
    demand = board["x-public"]
    demand.category = "management"
    demand.justifications = {"cooperating-institution": "唯一开设该课程的机构"}
    demand.save()
    demand.institutions.set([small_catalogue["wur"]])
    assert "唯一开设该课程的机构" not in client.get("/en/demands/x-public/").content.decode()
    client.force_login(people["olivia"])
    assert "唯一开设该课程的机构" in client.get("/en/demands/x-public/").content.decode()
