"""One analyser for every text search: the directory, the course library, the outcome showcase, the demand
board and the site-wide search page find what is written in the other language (风电 finds a text that
speaks only of wind turbines), list the best first, and show only what the reader may see."""

from __future__ import annotations

import pytest
from django.urls import reverse

from matching.models import Demand
from search.text_search import courses, search_institutions
from tests.factories import make_country, make_course, make_field, make_institution, make_outcome

pytestmark = pytest.mark.django_db


@pytest.fixture
def wind(small_catalogue, people):
    """An English-only wind institute with an English-only course and outcome, and two demands of unit X:
    a public one written in English, a private one."""
    field = make_field(
        "wind-power",
        "Wind power",
        "风电",
        synonyms=["风力发电", "海上风电", "wind energy", "offshore wind", "wind turbines"],
    )
    denmark = make_country("DK", "Denmark", "丹麦")
    institute = make_institution(
        "dk-wind",
        "Nordsee Wind Academy",
        denmark,
        description_en="Service training for offshore wind turbines and wind energy parks.",
    )
    course = make_course(
        "dk-wind-01",
        institute,
        "Offshore wind turbine service",
        premium=True,
        summary_en="Blade inspection and gearbox maintenance for wind turbines.",
    )
    outcome = make_outcome(
        "oc-wind",
        "",
        "Fewer turbine stops after the offshore wind course",
        institutions=[institute],
        summary_en="The group cut downtime of the wind energy park by a third.",
    )
    common = {
        "organizing_unit": people["unit_x"],
        "days": 21,
        "group_size": 12,
        "category": "professional",
        "status": "published",
    }
    public = Demand.objects.create(
        external_id="wind-public", title="Offshore wind turbine maintenance", visibility="public", **common
    )
    private = Demand.objects.create(
        external_id="wind-private", title="Wind energy grid connection", visibility="private", **common
    )
    return {
        "field": field,
        "institute": institute,
        "course": course,
        "outcome": outcome,
        "public": public,
        "private": private,
    }


def test_a_chinese_word_finds_an_institution_that_writes_only_english(wind, small_catalogue):
    found = [hit.key for hit in search_institutions("风电")]
    assert found == [wind["institute"].pk]
    assert search_institutions("  ") is None
    assert [hit.key for hit in search_institutions("机器人")][0] == small_catalogue["tum"].pk


def test_the_directory_searches_with_the_analyser(client, wind):
    page = client.get("/zh-hans/institutions/", {"q": "风电"}).content.decode()
    assert "Nordsee Wind Academy" in page and "Technical University of Munich" not in page
    # An English word finds a Chinese-only description: Wageningen writes 现代农业 and 园艺 only.
    page = client.get("/en/institutions/", {"q": "horticulture"}).content.decode()
    assert "Wageningen" in page and "Nordsee" not in page
    assert "Lapsed" not in client.get("/en/institutions/", {"q": "robotics"}).content.decode()


def test_the_course_library_and_the_showcase_search_with_the_analyser(client, wind):
    assert [hit.key for hit in courses.search("风电")] == [wind["course"].pk]
    page = client.get("/zh-hans/courses/", {"q": "风电"}).content.decode()
    assert "Offshore wind turbine service" in page and "Industry 4.0 for plant managers" not in page
    page = client.get("/zh-hans/outcomes/", {"q": "风电"}).content.decode()
    assert "Fewer turbine stops" in page
    page = client.get("/en/outcomes/", {"q": "区块链"}).content.decode()
    assert "Fewer turbine stops" not in page and "Try fewer filters" in page


def test_the_demand_board_searches_with_the_analyser(client, wind):
    page = client.get(reverse("matching:demand-list"), {"q": "风电"}).content.decode()
    assert "Offshore wind turbine maintenance" in page
    assert "Wind energy grid connection" not in page  # private: not for a visitor


def test_the_site_search_finds_every_kind_the_reader_may_see(client, people, wind):
    response = client.get("/zh-hans/search/", {"q": "风电"})
    assert response.status_code == 200
    page = response.content.decode()
    for title in (
        "Nordsee Wind Academy",
        "Offshore wind turbine service",
        "Fewer turbine stops",
        "Offshore wind turbine maintenance",
    ):
        assert title in page
    assert "Wind energy grid connection" not in page  # private: not for a visitor
    only_courses = client.get("/zh-hans/search/", {"q": "风电", "kind": "courses"}).content.decode()
    assert "Offshore wind turbine service" in only_courses and "Nordsee Wind Academy</a>" not in only_courses
    client.force_login(people["anna"])
    assert "Wind energy grid connection" not in client.get("/en/search/", {"q": "wind"}).content.decode()
    client.force_login(people["xu"])  # his unit's own
    assert "Wind energy grid connection" in client.get("/en/search/", {"q": "wind"}).content.decode()


def test_the_site_search_is_in_the_navigation_and_says_what_to_do(client, wind):
    home = client.get("/en/search/").content.decode()
    assert 'href="/en/search/"' in home and "Type a subject" in home
    nothing = client.get("/zh-hans/search/", {"q": "xqzv", "page": "x", "kind": "nonsense"})
    assert nothing.status_code == 200 and "xqzv" in nothing.content.decode()
    assert client.get("/zh-hans/search/", {"q": "风电" * 500}).status_code == 200
