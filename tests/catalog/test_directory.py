"""The institution directory: text search in both languages, facets with counts, sorting, pagination."""

from __future__ import annotations

import pytest

from catalog.models import Institution, InstitutionIndexPage
from tests.factories import make_institution

pytestmark = pytest.mark.django_db


def found(query: str) -> set[str]:
    return set(Institution.objects.public().search(query).values_list("external_id", flat=True))


def directory_url(language="en") -> str:
    return f"/{language}/institutions/"


@pytest.mark.parametrize("query", ["慕尼黑", "智能制造", "robotics", "Munich", "工业4.0", "慕尼黑 智能制造"])
def test_search_finds_tum_from_chinese_and_english(small_catalogue, query):
    assert "de-tum" in found(query)


def test_search_never_finds_a_suspended_institution(small_catalogue):
    assert "de-lapsed" not in found("robotics")


def test_search_does_not_find_what_is_not_there(small_catalogue):
    assert found("芯片") == set()
    assert found("智慧农业") == {"nl-wur"}


def test_directory_page_search_and_empty_state(client, small_catalogue):
    html = client.get(directory_url(), {"q": "慕尼黑"}).text
    assert "Technical University of Munich" in html and "Wageningen" not in html
    empty = client.get(directory_url("zh-hans"), {"q": "不存在的机构"}).text
    assert "没有符合条件的机构" in empty


def test_facets_show_counts_and_filter(client, small_catalogue):
    response = client.get(directory_url(), {"country": "NL"})
    facets = {facet["name"]: facet for facet in response.context["filter"].facet_options()}
    countries = {option["value"]: option["count"] for option in facets["country"]["options"]}
    # The country facet counts each alternative as if the country filter were not set.
    assert countries == {"DE": 1, "NL": 1}
    assert [i.external_id for i in response.context["page_obj"]] == ["nl-wur"]
    fields = {option["value"]: option["count"] for option in facets["field"]["options"]}
    assert fields == {"modern-agriculture": 1}


def test_cooperating_facet(client, small_catalogue):
    response = client.get(directory_url(), {"cooperating": "True"})
    assert [i.external_id for i in response.context["page_obj"]] == ["de-tum"]


def test_sort_by_rating_puts_rated_institutions_first(client, small_catalogue):
    response = client.get(directory_url(), {"sort": "-rating"})
    assert [i.external_id for i in response.context["page_obj"]][0] == "de-tum"


def test_directory_paginates(client, small_catalogue):
    germany = small_catalogue["countries"]["DE"]
    for number in range(14):
        make_institution(f"de-extra-{number:02d}", f"Extra Institute {number:02d}", germany)
    first = client.get(directory_url())
    assert first.context["page_obj"].paginator.num_pages == 2
    second = client.get(directory_url(), {"page": 2})
    assert len(second.context["page_obj"]) == 16 - 12
    assert 'rel="prev"' in second.text
    assert InstitutionIndexPage.objects.get().get_children().count() == 17
