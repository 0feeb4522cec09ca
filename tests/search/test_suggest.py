"""The typeahead's suggestions (GET /api/v1/suggest): institutions by either language's name, fields by name
and synonym, countries, found through the analyser's cut, in the reader's language, never a suspended
institution, never a server error, and fresh after the catalogue changes."""

from __future__ import annotations

import pytest

from catalog.models import Institution
from search.suggest import MAX_QUERY_LENGTH, MAX_RESULTS
from tests.factories import make_institution

pytestmark = pytest.mark.django_db

SUGGEST = "/api/v1/suggest"


def suggest(client, q: str, lang: str = "en") -> list[dict]:
    response = client.get(SUGGEST, {"q": q, "lang": lang})
    assert response.status_code == 200
    return response.json()["results"]


def names(results: list[dict]) -> list[str]:
    return [result["name"] for result in results]


def test_an_institution_is_suggested_by_the_beginning_of_a_word_of_its_english_name(client, small_catalogue):
    results = suggest(client, "munic")
    assert names(results) == ["Technical University of Munich"]
    assert results[0]["kind"] == "institution"
    assert results[0]["url"] == "/en/institutions/de-tum/"
    assert results[0]["other_name"] == "慕尼黑工业大学"


def test_every_word_typed_must_begin_a_word_of_the_name(client, small_catalogue):
    assert names(suggest(client, "tech univ")) == ["Technical University of Munich"]
    assert names(suggest(client, "tech wagen")) == []


def test_an_institution_is_suggested_by_part_of_its_chinese_name_in_chinese(client, small_catalogue):
    results = suggest(client, "工业大学", lang="zh-hans")
    assert names(results) == ["慕尼黑工业大学"]
    assert results[0]["kind_label"] == "培训机构"
    assert results[0]["url"].startswith("/zh-hans/")


def test_a_field_is_suggested_by_a_synonym_and_leads_to_the_directory_filtered_by_it(client, small_catalogue):
    results = suggest(client, "robot")
    assert results[0] == {
        "kind": "field",
        "kind_label": "Field",
        "name": "Intelligent manufacturing",
        "other_name": "智能制造",
        "url": "/en/institutions/?field=intelligent-manufacturing",
        "param": "field",
        "value": "intelligent-manufacturing",
    }
    assert names(suggest(client, "智慧", lang="zh-hans")) == ["现代农业"]


def test_a_country_is_suggested_in_either_language(client, small_catalogue):
    assert [(r["kind"], r["value"]) for r in suggest(client, "germ")] == [("country", "DE")]
    assert [(r["kind"], r["value"]) for r in suggest(client, "荷", lang="zh-hans")] == [("country", "NL")]


def test_a_suspended_institution_is_never_suggested(client, small_catalogue):
    assert suggest(client, "lapsed") == []
    assert suggest(client, "停训") == []


def test_a_new_institution_is_suggested_at_the_next_keystroke(client, small_catalogue):
    assert suggest(client, "fraunhofer") == []
    make_institution("de-fraunhofer", "Fraunhofer Academy", small_catalogue["countries"]["DE"])
    assert names(suggest(client, "fraunhofer")) == ["Fraunhofer Academy"]
    Institution.objects.filter(external_id="de-fraunhofer").update(status="suspended")
    page = Institution.objects.get(external_id="de-fraunhofer")
    page.save_revision().publish()  # a save that signals, as the office's status change does
    assert suggest(client, "fraunhofer") == []


def test_the_list_is_capped(client, small_catalogue):
    for number in range(12):
        make_institution(f"de-academy-{number}", f"Academy {number}", small_catalogue["countries"]["DE"])
    results = suggest(client, "acad")
    assert 0 < len(results) <= MAX_RESULTS


@pytest.mark.parametrize(
    "q",
    [
        "",
        " ",
        "\x00",
        "<script>",
        "%",
        "x" * 100_000,
        "字" * 5_000,
        "a b c d e f g h",
        "ｒｏｂｏｔ",
        "²",
        "*",
        "\\",
    ],
)
def test_any_input_is_answered_without_a_server_error(client, small_catalogue, q):
    response = client.get(SUGGEST, {"q": q})
    assert response.status_code == 200
    assert len(response.json()["query"]) <= MAX_QUERY_LENGTH


def test_the_suggestions_are_throttled_per_address(client, small_catalogue, monkeypatch):
    from django.core.cache import cache

    from search.api import SuggestThrottle

    cache.clear()
    monkeypatch.setattr(SuggestThrottle, "rate", "3/minute")
    codes = [client.get(SUGGEST, {"q": "tum"}).status_code for _ in range(4)]
    cache.clear()
    assert codes == [200, 200, 200, 429]
