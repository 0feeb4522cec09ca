"""The office's quality watch: institutions whose recent mean rating is below a threshold it sets."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from catalog.models import QualityWatch
from tests.factories import activate_totp, make_evaluation

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(client, people):
    activate_totp(people["olivia"])
    client.force_login(people["olivia"])
    return client


def test_institutions_below_the_threshold_are_listed(office, small_catalogue):
    today = timezone.localdate()
    wur = small_catalogue["wur"]
    make_evaluation("ev-poor-1", wur, 2.5, date=today)
    make_evaluation("ev-poor-2", wur, 3.0, date=today)
    make_evaluation("ev-old", wur, 5.0, date=today - datetime.timedelta(days=365 * 10))  # outside the window
    html = office.get("/en/office/quality/").text
    assert 'data-institution="nl-wur"' in html and "2.75" in html
    assert 'data-institution="de-tum"' not in html  # TUM's mean 4.25 is above 3.5


def test_the_office_sets_the_threshold(office, small_catalogue):
    response = office.post("/en/office/quality/", {"threshold": "4.5", "recent_years": "5"})
    assert response.status_code == 302
    setting = QualityWatch.load()
    assert (setting.threshold, setting.recent_years) == (4.5, 5)
    make_evaluation("ev-recent", small_catalogue["tum"], 4.0, date=timezone.localdate())
    assert 'data-institution="de-tum"' in office.get("/zh-hans/office/quality/").text


def test_a_bad_threshold_keeps_the_input(office, small_catalogue):
    response = office.post("/en/office/quality/", {"threshold": "7", "recent_years": "3"})
    assert response.status_code == 200 and 'value="7"' in response.text
    assert QualityWatch.load().threshold == 3.5


@pytest.mark.parametrize("years", ["2026", "9" * 30])
def test_a_window_of_too_many_years_is_a_form_error_and_the_list_stays_as_saved(
    office, small_catalogue, years
):
    """Found by tests/test_fuzz.py: the refused input used to reach the list (a date before year 1: a 500)."""
    make_evaluation("ev-poor", small_catalogue["wur"], 2.5, date=timezone.localdate())
    response = office.post("/en/office/quality/", {"threshold": "3.5", "recent_years": years})
    assert response.status_code == 200 and response.context["form"].errors["recent_years"]
    assert response.context["setting"].recent_years == 3 and 'data-institution="nl-wur"' in response.text
    assert QualityWatch.load().recent_years == 3


@pytest.mark.parametrize("name", ["anna", "xu", "eve"])
def test_only_the_office_sees_the_quality_watch(client, people, name):
    client.force_login(people[name])
    assert client.get("/en/office/quality/").status_code == 403
