"""The office's evaluation tables (read from the tallies the profiles keep) and the quality watch (read from
the covering index) give the answers of the plain computation over every evaluation (counted ones only:
unit to institution, unsealed), on a hand-made set and on a generated catalogue after every kind of change."""

from __future__ import annotations

import datetime
import json
import random
from collections import defaultdict

import pytest

from catalog.models import Evaluation
from catalog.quality import institutions_below, shown_mean
from matching import statistics
from tests.factories import make_evaluation

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluations(small_catalogue):
    rng = random.Random(7)
    institutions = [small_catalogue[key] for key in ("tum", "wur", "lapsed")]
    for n in range(120):
        make_evaluation(
            f"ev-r{n}",
            rng.choice(institutions),
            round(rng.uniform(1, 5), 1),
            date=datetime.date(2020, 1, 1) + datetime.timedelta(days=rng.randrange(1500)),
            direction=rng.choice(["unit_to_institution", "unit_to_institution", "institution_to_unit"]),
            sealed_until=datetime.date(2099, 1, 1) if n % 9 == 0 else None,
        )
    return list(Evaluation.objects.counted().select_related("institution__country"))


def plain(evaluations, key, since=datetime.date.min) -> dict:
    ratings = defaultdict(list)
    for evaluation in evaluations:
        if evaluation.date >= since:
            ratings[key(evaluation)].append(evaluation.overall)
    return {name: (len(values), shown_mean(sum(values) / len(values))) for name, values in ratings.items()}


def test_evaluations_by_institution_match_the_plain_computation(evaluations):
    table = statistics.evaluations_by_institution()
    expected = plain(evaluations, lambda e: e.institution.name)
    assert {row[0]: (row[2], row[3]) for row in table.rows} == expected


def test_evaluations_by_country_match_the_plain_computation(evaluations):
    table = statistics.evaluations_by_country()
    expected = plain(evaluations, lambda e: e.institution.country.name)
    assert {row[0]: (row[1], row[2]) for row in table.rows} == expected


def test_the_quality_watch_matches_the_plain_computation(evaluations):
    since = datetime.date(2022, 1, 1)
    ratings = defaultdict(list)
    for evaluation in evaluations:
        if evaluation.date >= since:
            ratings[evaluation.institution.pk].append(evaluation.overall)
    raw = {pk: sum(values) / len(values) for pk, values in ratings.items()}
    threshold = sum(sorted(raw.values())[1:3]) / 2  # between the second and third institution
    expected = {pk: (len(ratings[pk]), shown_mean(mean)) for pk, mean in raw.items() if mean < threshold}
    watched = institutions_below(threshold, since)
    assert len(expected) == 2
    assert {row["institution_id"]: (row["count"], row["mean"]) for row in watched} == expected
    assert [row["mean"] for row in watched] == sorted(row["mean"] for row in watched)


@pytest.fixture
def generated():
    """A generated catalogue of 60 institutions in 4 countries with 600 evaluations over nine years,
    imported; then some turned into the other direction, some sealed, some deleted, one by one."""
    from bench.import_export import catalogue_records
    from catalog.exchange import Source, import_catalog

    records = catalogue_records(
        fields=6, countries=4, institutions=60, courses=0, evaluations=600, outcomes=0
    )
    import_catalog([Source("generated.jsonl", "".join(json.dumps(r) + "\n" for r in records).encode())])
    for n, evaluation in enumerate(Evaluation.objects.order_by("external_id")):
        if n % 7 == 3:
            evaluation.direction = "institution_to_unit"
            evaluation.save()
        elif n % 11 == 5:
            evaluation.sealed_until = datetime.date(2099, 1, 1)
            evaluation.save()
        elif n % 13 == 6:
            evaluation.delete()
    return list(Evaluation.objects.counted().select_related("institution__country"))


def test_the_generated_catalogue_tables_match_the_plain_computation(generated):
    by_institution = statistics.evaluations_by_institution()
    expected = plain(generated, lambda e: e.institution.name)
    assert len(expected) > 50
    assert {row[0]: (row[2], row[3]) for row in by_institution.rows} == expected
    means = [row[3] for row in by_institution.rows]
    assert means == sorted(means, reverse=True)
    shown = statistics.evaluations_by_institution(statistics.BEST_RATED_SHOWN)
    assert shown.rows == by_institution.rows[: statistics.BEST_RATED_SHOWN]
    by_country = statistics.evaluations_by_country()
    assert {row[0]: (row[1], row[2]) for row in by_country.rows} == plain(
        generated, lambda e: e.institution.country.name
    )
    assert sum(row[1] for row in by_country.rows) == len(generated)


@pytest.mark.parametrize(
    "since", [datetime.date(2015, 1, 1), datetime.date(2019, 6, 15), datetime.date(2023, 3, 1)]
)
def test_the_generated_catalogue_watch_matches_the_plain_computation(generated, since):
    ratings = defaultdict(list)
    for evaluation in generated:
        if evaluation.date >= since:
            ratings[evaluation.institution_id].append(evaluation.overall)
    raw = {pk: sum(values) / len(values) for pk, values in ratings.items()}
    threshold = 3.0
    expected = {pk: (len(ratings[pk]), shown_mean(mean)) for pk, mean in raw.items() if mean < threshold}
    watched = institutions_below(threshold, since)
    assert expected
    assert {row["institution_id"]: (row["count"], row["mean"]) for row in watched} == expected
    assert [row["mean"] for row in watched] == sorted(row["mean"] for row in watched)
