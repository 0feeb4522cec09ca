"""Public pages keep fragments in the cache, keyed by language, page and the catalogue's stamp: the page
shows a change at once (an edit, a suspension, a new evaluation, a course, an outcome), and each page
type stays within a fixed number of queries, for anonymous readers and signed-in unit members."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.services import change_institution_status
from tests.factories import make_course, make_evaluation, make_outcome

pytestmark = pytest.mark.django_db

INSTITUTION = "/en/institutions/de-tum/"
COURSE = "/en/institutions/de-tum/de-tum-im-01/"
DIRECTORY = "/en/institutions/"

# Queries per page once its fragments are cached: anonymous (site, page, ancestors, the stamp read by
# the cache) and signed in (with the session, the user, their unit, notifications and permissions).
# Signed in, the header asks for the person's unit, notifications and permissions (the admin link).
CEILINGS = {
    "/en/": (4, 12),
    "/zh-hans/": (4, 12),
    DIRECTORY: (6, 14),
    INSTITUTION: (8, 16),
    "/zh-hans/institutions/de-tum/": (8, 16),
    COURSE: (10, 18),
    "/en/outcomes/": (6, 14),
    "/en/outcomes/oc-1/": (8, 16),
}


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


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
    )


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_an_edit_of_the_institution_shows_at_once(client, small_catalogue):
    tum = small_catalogue["tum"]
    assert "Robotics, production engineering" in page(client, INSTITUTION)
    tum.description_en = "Now also hydrogen technology."
    tum.save_revision().publish()
    assert "Now also hydrogen technology." in page(client, INSTITUTION)


def test_a_suspension_shows_at_once_on_the_page_and_in_the_directory(client, small_catalogue, people):
    assert "Technical University of Munich" in page(client, DIRECTORY)
    assert "not currently admitted" not in page(client, INSTITUTION)
    change_institution_status(small_catalogue["tum"], "suspended", "Under review.", by=people["olivia"])
    assert "not currently admitted" in page(client, INSTITUTION)
    assert "Technical University of Munich" not in page(client, DIRECTORY)


def test_a_new_evaluation_shows_at_once_and_a_sealed_one_when_unsealed(client, small_catalogue):
    tum = small_catalogue["tum"]
    assert "2 evaluations" in page(client, INSTITUTION)
    make_evaluation("ev-3", tum, 3.0)
    assert "3 evaluations" in page(client, INSTITUTION)
    assert "3 evaluations" in page(client, DIRECTORY)
    sealed = make_evaluation("ev-4", tum, 5.0, sealed_until="2099-01-01")
    assert "3 evaluations" in page(client, INSTITUTION)
    sealed.sealed_until = None
    sealed.save(update_fields=["sealed_until"])
    assert "4 evaluations" in page(client, INSTITUTION)


def test_a_course_change_shows_on_the_institution_and_course_pages(client, small_catalogue):
    assert "Industry 4.0 for plant managers" in page(client, INSTITUTION)
    make_course("de-tum-ai-02", small_catalogue["tum"], "Applied AI for engineers", days=10)
    assert "Applied AI for engineers" in page(client, INSTITUTION)
    course = small_catalogue["course"]
    course.title_en = "Industry 4.0 for factory directors"
    course.save_revision().publish()
    assert "Industry 4.0 for factory directors" in page(client, COURSE)
    assert "Industry 4.0 for factory directors" in page(client, INSTITUTION)
    course.unpublish()
    assert "Industry 4.0 for factory directors" not in page(client, INSTITUTION)


def test_a_new_outcome_shows_on_the_institution_page(client, small_catalogue, outcome):
    assert "Robot line retrofit" in page(client, INSTITUTION)
    make_outcome("oc-2", "数字孪生工厂", "Digital twin factory", institutions=[small_catalogue["tum"]])
    assert "Digital twin factory" in page(client, INSTITUTION)


@pytest.mark.django_db(transaction=True)
def test_the_stamp_moves_with_a_change_and_again_after_its_commit():
    from django.db import transaction

    from catalog.cache import catalogue_stamp
    from tests.factories import make_country

    before = catalogue_stamp()
    with transaction.atomic():
        make_country("FR", "France", "法国")
        during = catalogue_stamp()
    assert len({before, during, catalogue_stamp()}) == 3


def test_each_language_has_its_own_fragment(client, small_catalogue):
    assert "慕尼黑工业大学" in page(client, "/zh-hans/institutions/de-tum/")
    assert "<h1>Technical University of Munich</h1>" in page(client, INSTITUTION)


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "unit member"])
@pytest.mark.parametrize("url", CEILINGS)
def test_a_public_page_stays_within_its_queries(client, small_catalogue, outcome, people, url, signed_in):
    if signed_in:
        client.force_login(people["xu"])
    page(client, url)
    with CaptureQueriesContext(connection) as queries:
        page(client, url)
    ceiling = CEILINGS[url][signed_in]
    assert len(queries) <= ceiling, "\n".join(query["sql"][:160] for query in queries.captured_queries)
