"""Every public page type renders in Chinese and in English, with the reader's language throughout."""

from __future__ import annotations

import re

import pytest

from catalog.models import CourseLibraryPage, InstitutionIndexPage, OutcomeIndexPage
from tests.factories import make_course, make_outcome

pytestmark = pytest.mark.django_db

LANGUAGES = ("zh-hans", "en")


def url_in(language: str, page) -> str:
    return f"/{language}{page.url_path.removeprefix('/home')}"


@pytest.fixture
def outcome(small_catalogue):
    return make_outcome(
        "oc-1",
        "工业机器人产线改造",
        "Robot line retrofit",
        institutions=[small_catalogue["tum"]],
        fields=[small_catalogue["fields"]["manufacturing"]],
        country=small_catalogue["countries"]["DE"],
        year=2019,
        summary_zh="培训后改造了两条产线。",
        summary_en="Two lines were retrofitted.",
        organizing_unit="江苏省科学技术厅",
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_type_renders(client, small_catalogue, outcome, language):
    pages = [
        InstitutionIndexPage.objects.get(),
        small_catalogue["tum"],
        small_catalogue["course"],
        CourseLibraryPage.objects.get(),
        OutcomeIndexPage.objects.get(),
        outcome,
    ]
    assert client.get(f"/{language}/").status_code == 200
    assert client.get(f"/{language}/demands/").status_code == 200
    for page in pages:
        response = client.get(url_in(language, page))
        assert response.status_code == 200, page
        assert f'<html lang="{"zh-Hans" if language == "zh-hans" else "en"}"' in response.text


def test_chinese_site_shows_chinese_content_and_interface(client, small_catalogue):
    response = client.get(url_in("zh-hans", small_catalogue["tum"]))
    html = response.text
    assert "<title>慕尼黑工业大学" in html
    assert "机器人、生产工程与工业4.0培训项目" in html
    assert "质量记录" in html and "Quality record" not in html
    assert "Institutions" not in html


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_home_pages_cards_each_say_what_their_page_holds(client, small_catalogue, language):
    """No two of the home page's cards (directory, courses, outcomes, demands, find, search) share words."""
    html = client.get(f"/{language}/").text
    texts = re.findall(r'<a class="path-card"[^>]*>\s*<h3>[^<]*</h3>\s*<p>(.*?)</p>', html, re.S)
    texts = [" ".join(text.split()) for text in texts]
    assert len(texts) == 6 and all(texts)
    assert len(set(texts)) == len(texts)


def test_english_site_shows_english_content(client, small_catalogue):
    html = client.get(url_in("en", small_catalogue["tum"])).text
    assert "<title>Technical University of Munich" in html
    assert "Robotics, production engineering" in html
    assert "Quality record" in html


def test_content_falls_back_to_the_other_language_when_empty(client, small_catalogue):
    # Wageningen has a Chinese description only; the English page shows it rather than nothing.
    html = client.get(url_in("en", small_catalogue["wur"])).text
    assert "现代农业、设施园艺与食品科学" in html


def test_institution_page_shows_quality_summary(client, small_catalogue):
    html = client.get(url_in("en", small_catalogue["tum"])).text
    assert "4.2" in html and "2 evaluations" in html


def test_suspended_institution_is_not_listed_and_says_so(client, small_catalogue):
    directory = client.get(url_in("en", InstitutionIndexPage.objects.get())).text
    assert "Lapsed Training" not in directory
    page = client.get(url_in("zh-hans", small_catalogue["lapsed"])).text
    assert "该机构目前未获准入" in page


def test_first_visit_follows_the_browser_language(client):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")["Location"] == "/en/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")["Location"] == "/zh-hans/"


def test_language_switcher_keeps_the_page(client, small_catalogue):
    path = url_in("zh-hans", small_catalogue["tum"])
    response = client.post("/i18n/setlang/", {"language": "en", "next": path})
    assert response["Location"] == url_in("en", small_catalogue["tum"])


def test_course_library_lists_premium_courses_of_admitted_institutions(client, small_catalogue):
    html = client.get(url_in("en", CourseLibraryPage.objects.get())).text
    assert "Industry 4.0 for plant managers" in html
    zh = client.get(url_in("zh-hans", CourseLibraryPage.objects.get())).text
    assert "面向工厂管理者的工业4.0" in zh


@pytest.mark.parametrize(("language", "name"), [("en", "English"), ("zh-hans", "英语")])
def test_the_course_librarys_language_facet_names_each_language_in_the_readers(
    client, small_catalogue, language, name
):
    response = client.get(url_in(language, CourseLibraryPage.objects.get()))
    facets = {facet["name"]: facet for facet in response.context["filter"].facet_options()}
    assert [(o["value"], o["label"]) for o in facets["language"]["options"]] == [("en", name)]
    assert 'name="language" value="en"' in response.text


def test_showcase_filters_by_year(client, small_catalogue, outcome):
    showcase = url_in("en", OutcomeIndexPage.objects.get())
    assert "Robot line retrofit" in client.get(showcase, {"year": 2019}).text
    assert "Robot line retrofit" not in client.get(showcase, {"year": 2020}).text


@pytest.fixture
def wageningen_outcome(small_catalogue):
    return make_outcome(
        "oc-2",
        "设施园艺示范",
        "Greenhouse demonstration",
        institutions=[small_catalogue["wur"]],
        organizing_unit="山东省农业农村厅",
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_showcase_filters_by_institution_and_by_unit(
    client, small_catalogue, outcome, wageningen_outcome, language
):
    showcase = url_in(language, OutcomeIndexPage.objects.get())
    page = client.get(showcase).text
    assert 'data-facet="institution"' in page and 'data-facet="unit"' in page
    assert 'name="unit" value="山东省农业农村厅"' in page and 'name="institution" value="nl-wur"' in page

    by_institution = client.get(showcase, {"institution": "nl-wur"}).text
    assert 'data-outcome="oc-2"' in by_institution and 'data-outcome="oc-1"' not in by_institution
    by_unit = client.get(showcase, {"unit": "江苏省科学技术厅"}).text
    assert 'data-outcome="oc-1"' in by_unit and 'data-outcome="oc-2"' not in by_unit
    both = client.get(showcase, {"unit": ["江苏省科学技术厅", "山东省农业农村厅"]}).text
    assert 'data-outcome="oc-1"' in both and 'data-outcome="oc-2"' in both


@pytest.mark.parametrize(
    "query", [{"institution": "de-lapsed"}, {"unit": "x" * 5000}, {"institution": "\x00"}, {"unit": ""}]
)
def test_odd_showcase_filters_answer_without_error(client, small_catalogue, outcome, query):
    assert client.get(url_in("en", OutcomeIndexPage.objects.get()), query).status_code == 200


def test_the_showcase_offers_no_unit_of_an_unpublished_outcome(client, small_catalogue, outcome):
    make_outcome("oc-draft", "草稿成果", organizing_unit="未发布的单位").unpublish()
    assert "未发布的单位" not in client.get(url_in("zh-hans", OutcomeIndexPage.objects.get())).text


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_course_page_leads_to_contacting_its_institution(client, small_catalogue, language):
    tum = small_catalogue["tum"]
    page = client.get(url_in(language, small_catalogue["course"])).text
    assert f'href="{url_in(language, tum)}#contact"' in page
    assert f'href="/{language}/find/?text=' in page
    assert 'id="contact"' in client.get(url_in(language, tum)).text


def test_a_course_of_a_suspended_institution_offers_no_contact(client, small_catalogue):
    course = make_course("de-lapsed-01", small_catalogue["lapsed"], "Lapsed seminar", "停训研讨")
    page = client.get(url_in("en", course))
    if page.status_code == 200:
        assert "#contact" not in page.text
