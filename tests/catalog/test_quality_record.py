"""An institution's quality record: mean per dimension, number of evaluations, and the yearly trend."""

from __future__ import annotations

import datetime

import pytest

from catalog.models import Institution
from catalog.quality import public_mean, ranking_mean, shown_mean
from matching.statistics import evaluations_by_institution
from search.models import InstitutionProfile
from tests.factories import make_evaluation

pytestmark = pytest.mark.django_db


def test_record_has_means_per_dimension_and_per_year(small_catalogue):
    tum = small_catalogue["tum"]
    make_evaluation(
        "ev-a",
        tum,
        4.0,
        date=datetime.date(2019, 5, 1),
        scores={"curriculum": 5, "teaching": 3, "organisation": 4, "logistics": 4, "usefulness": 4},
    )
    make_evaluation(
        "ev-b",
        tum,
        3.0,
        date=datetime.date(2021, 5, 1),
        scores={"curriculum": 3, "teaching": 3, "organisation": 3, "logistics": 3, "usefulness": 3},
    )
    make_evaluation(
        "ev-c",
        tum,
        5.0,
        date=datetime.date(2021, 5, 1),
        direction="institution_to_unit",
        scores={"attendance": 5},
    )
    record = tum.quality_record()
    assert (
        record.count == 4
    )  # two from the fixture, two here; the institution's own rating of a group is not counted
    assert {d["name"]: d["mean"] for d in record.dimensions} == {
        "curriculum": 4.0,
        "teaching": 3.0,
        "organisation": 3.5,
        "logistics": 3.5,
        "usefulness": 3.5,
    }
    assert [(p.year, p.mean, p.count) for p in record.years] == [
        (2019, 4.0, 1),
        (2021, 3.0, 1),
        (2024, 4.25, 2),
    ]


def test_institution_page_shows_the_record_and_its_trend(client, small_catalogue):
    make_evaluation(
        "ev-old", small_catalogue["tum"], 3.5, date=datetime.date(2018, 1, 1), scores={"teaching": 3}
    )
    html = client.get("/en/institutions/de-tum/").text
    assert 'data-dimension="teaching"' in html and "<polyline" in html and "2018" in html


def test_unrated_institution_says_so(client, small_catalogue):
    assert "No evaluations yet." in client.get("/en/institutions/nl-wur/").text


def test_the_record_the_directory_the_statistics_and_a_match_read_one_mean(small_catalogue):
    tum = small_catalogue["tum"]
    for number, overall in enumerate([3.0, 4.2, 4.9]):  # with the fixture's 4.5 and 4.0: 4.12
        make_evaluation(f"ev-mean-{number}", tum, overall)
    make_evaluation("ev-sealed", tum, 1.0, sealed_until=datetime.date(2999, 1, 1))
    record = tum.quality_record()
    listed = Institution.objects.with_quality().get(pk=tum.pk)
    (row,) = [row for row in evaluations_by_institution().rows if row[0] == tum.name]
    profile = InstitutionProfile.objects.get(institution=tum)
    assert record.mean == 4.12 and record.count == 5
    assert shown_mean(listed.rating_mean) == row[3] == shown_mean(profile.rating_mean) == record.mean


def test_the_ranking_pulls_few_or_old_evaluations_toward_the_catalogue_mean_and_the_record_does_not():
    today = datetime.date(2025, 6, 1)
    assert public_mean([5.0]) == 5.0
    assert 4.0 < ranking_mean([(5.0, today)], catalogue_mean=4.0, today=today) < 4.5
    assert ranking_mean([], catalogue_mean=3.5, today=today) == 3.5
    old = ranking_mean([(5.0, datetime.date(2009, 6, 1))], catalogue_mean=4.0, today=today)
    assert 4.0 < old < ranking_mean([(5.0, today)], catalogue_mean=4.0, today=today)
