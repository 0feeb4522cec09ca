"""Ids from a path, a query parameter or a form: one too long for the database's 64-bit integers, or
written in other digits ("²"), is a 404 or a form error, never a query the database cannot run."""

from __future__ import annotations

import pytest
from django.urls import URLResolver, get_resolver, resolve
from django.utils import translation

from catalog.numbers import object_id, positive_int
from catalog.views.staff import StaffInvitationForm

OURS = ("catalog.", "matching.", "portal.", "search.")
TOO_LONG = "1" * 30


def our_routes(resolver: URLResolver | None = None, prefix: str = ""):
    """Each route of the portal's own views, with the prefixes of the includes it is under."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from our_routes(entry, prefix + str(entry.pattern))
        elif getattr(entry.callback, "view_class", entry.callback).__module__.startswith(OURS):
            yield prefix + str(entry.pattern)


def test_every_id_in_the_portals_paths_is_taken_by_the_id_converter():
    routes = list(our_routes())
    assert any("<id:pk>" in route for route in routes)
    assert [route for route in routes if "<int:" in route] == []


def test_an_id_too_long_for_the_database_matches_none_of_the_portals_paths():
    with translation.override("en"):  # the language prefix that resolves is the active language's
        longest = resolve(f"/en/office/institutions/{'9' * 18}/status/")
        assert longest.url_name == "office-institution-status" and longest.kwargs == {"pk": 10**18 - 1}
        # Left to Wagtail's pages, where no page has such a path.
        assert resolve(f"/en/office/institutions/{TOO_LONG}/status/").url_name == "wagtail_serve"


@pytest.mark.django_db
def test_a_page_with_an_id_too_long_for_the_database_is_a_404(client, people):
    client.force_login(people["xu"])
    assert client.get(f"/zh-hans/training-groups/{TOO_LONG}/").status_code == 404


@pytest.mark.parametrize(
    ("value", "number"),
    [("7", 7), ("0007", 7), ("100", 100), ("101", None), ("0", None), ("²", None), ("①", None), ("٣", None)],
)
def test_positive_int_takes_only_ascii_digits_within_bounds(value, number):
    assert positive_int(value, 100) == number


def test_an_id_past_64_bits_is_none():
    assert object_id(str(2**63 - 1)) == 2**63 - 1
    assert object_id(str(2**63)) is None and object_id(TOO_LONG) is None and object_id(None) is None


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", TOO_LONG])
def test_an_institution_that_cannot_be_an_id_is_a_form_error(small_catalogue, value):
    form = StaffInvitationForm({"email": "new@example.org", "institution": value}, choose_institution=True)
    assert not form.is_valid() and "institution" in form.errors
