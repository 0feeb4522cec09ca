"""Public pages keep fragments and their routes in the cache, keyed by language, page and the catalogue's
stamp: the page shows a change at once (an edit, a suspension, a new evaluation, a course, an outcome, a
view restriction), its ETag changes with it (a browser holding the page gets 304 until then), a signed-in
person never gets another's page, and each page type stays within a fixed number of queries, for anonymous
readers and signed-in unit members."""

from __future__ import annotations

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.services import change_institution_status
from tests.factories import make_course, make_evaluation, make_outcome

pytestmark = pytest.mark.django_db

INSTITUTION = "/en/institutions/de-tum/"
COURSE = "/en/institutions/de-tum/de-tum-im-01/"
DIRECTORY = "/en/institutions/"

# Queries per page once its route and fragments are cached: anonymous, the stamp and nothing else (the
# directories count their results, a course asks for its institution) and signed in, with the session,
# the user, their groups, their unit and staff memberships (one query), notifications and permissions (the
# admin link in the header).
CEILINGS = {
    "/en/": (1, 8),
    "/zh-hans/": (1, 8),
    DIRECTORY: (3, 10),
    INSTITUTION: (1, 8),
    "/zh-hans/institutions/de-tum/": (1, 8),
    COURSE: (2, 9),
    "/en/outcomes/": (3, 10),
    "/en/outcomes/oc-1/": (1, 8),
}


@pytest.fixture(autouse=True)
def empty_cache():
    from catalog.models import QualityLabelRule

    # The quality label's settings row, made by the first page that reads it, moves the stamp when made.
    QualityLabelRule.load()
    cache.clear()
    caches["template_fragments"].clear()
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


def etag_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response["ETag"]


def test_a_page_held_by_the_browser_is_not_sent_again_until_it_changes(client, small_catalogue, people):
    etag = etag_of(client, INSTITUTION)
    assert client.get(INSTITUTION, HTTP_IF_NONE_MATCH=etag).status_code == 304
    # Another language, another address: another ETag.
    assert etag_of(client, "/zh-hans/institutions/de-tum/") != etag
    tum = small_catalogue["tum"]
    tum.description_en = "Now also hydrogen technology."
    tum.save_revision().publish()
    edited = client.get(INSTITUTION, HTTP_IF_NONE_MATCH=etag)
    assert edited.status_code == 200 and "Now also hydrogen technology." in edited.content.decode()
    assert edited["ETag"] != etag
    etag = edited["ETag"]
    make_evaluation("ev-3", tum, 3.0)
    evaluated = client.get(INSTITUTION, HTTP_IF_NONE_MATCH=etag)
    assert evaluated.status_code == 200 and "3 evaluations" in evaluated.content.decode()
    etag = evaluated["ETag"]
    directory = etag_of(client, DIRECTORY)
    change_institution_status(tum, "suspended", "Under review.", by=people["olivia"])
    suspended = client.get(INSTITUTION, HTTP_IF_NONE_MATCH=etag)
    assert suspended.status_code == 200 and "not currently admitted" in suspended.content.decode()
    listing = client.get(DIRECTORY, HTTP_IF_NONE_MATCH=directory)
    assert listing.status_code == 200 and "Technical University of Munich" not in listing.content.decode()


def test_a_new_csrf_cookie_gets_the_page_again(client, small_catalogue):
    """The page's forms carry a token made from the CSRF cookie: a browser with another cookie (after
    signing out, say) must not keep a page whose token no longer matches."""
    etag = etag_of(client, INSTITUTION)
    client.cookies["csrftoken"] = "x" * 32
    assert client.get(INSTITUTION, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_a_signed_in_person_gets_their_own_page_and_their_own_etag(client, small_catalogue, people):
    from matching.models import Notification

    client.force_login(people["xu"])
    first = client.get(INSTITUTION)
    assert "xu@example.org" in first.content.decode()
    assert client.get(INSTITUTION, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    # The header counts unread notifications: a new one changes the page and its ETag.
    Notification.objects.create(user=people["xu"], text_zh="新消息", text_en="News", url="/")
    changed = client.get(INSTITUTION, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    client.force_login(people["yang"])
    other = client.get(INSTITUTION, HTTP_IF_NONE_MATCH=changed["ETag"])
    assert other.status_code == 200
    assert "yang@example.org" in other.content.decode() and "xu@example.org" not in other.content.decode()
    # A listing's contact box reads the person's unit: a member contacts, staff are told why not.
    assert "data-contact-listing" in other.content.decode()
    client.force_login(people["anna"])
    staff = client.get(INSTITUTION).content.decode()
    assert "data-contact-explained" in staff and "data-contact-listing" not in staff
    client.logout()
    anonymous = client.get(INSTITUTION).content.decode()
    assert "xu@example.org" not in anonymous and "yang@example.org" not in anonymous


def test_an_unpublished_page_is_gone_at_once_though_its_route_was_cached(client, small_catalogue):
    page(client, COURSE)
    small_catalogue["course"].unpublish()
    assert client.get(COURSE).status_code == 404


def test_a_view_restriction_applies_at_once_though_the_route_was_cached(client, small_catalogue):
    from wagtail.models import PageViewRestriction

    etag = etag_of(client, INSTITUTION)
    PageViewRestriction.objects.create(
        page=small_catalogue["tum"], restriction_type=PageViewRestriction.LOGIN
    )
    restricted = client.get(INSTITUTION, HTTP_IF_NONE_MATCH=etag)
    assert restricted.status_code == 302 and "ETag" not in restricted
