"""What is loaded from the taxonomy is kept across the frequent saves of institutions and evaluations, and
loaded again as soon as a field, a country or a country's strength changes."""

from __future__ import annotations

import pytest

from catalog.models import CountryStrength
from search.demand import DemandRecord
from search.profiles import country_strengths, load_taxonomy
from search.ranking import rank, reason_context
from tests.factories import make_evaluation

# Committed transactions: inside a test's transaction nothing is ever kept (it could be rolled back).
pytestmark = pytest.mark.django_db(transaction=True)

ROBOTICS_IN_GERMANY = DemandRecord(external_id="d1", title="机器人应用培训", destinations=["DE"])


def test_an_evaluation_leaves_the_taxonomy_loaded(small_catalogue):
    taxonomy, strengths, context = load_taxonomy(), country_strengths(), reason_context()
    make_evaluation("ev-new", small_catalogue["tum"], 2.0)
    assert load_taxonomy() is taxonomy
    assert country_strengths() is strengths
    assert reason_context() is context


def test_a_new_synonym_is_used_by_the_next_ranking(small_catalogue):
    demand = DemandRecord(external_id="d2", title="Mechatronik-Schulung")
    assert not rank(demand, engine="embedded")
    taxonomy = load_taxonomy()
    manufacturing = small_catalogue["fields"]["manufacturing"]
    manufacturing.synonyms = [*manufacturing.synonyms, "mechatronik"]
    manufacturing.save()
    assert load_taxonomy() is not taxonomy
    assert [match.external_id for match in rank(demand, engine="embedded")] == ["de-tum"]


def test_a_changed_strength_is_used_by_the_next_ranking(small_catalogue):
    before = rank(ROBOTICS_IN_GERMANY, engine="embedded")[0].signals["destination"]
    CountryStrength.objects.filter(country__code="DE").update(weight=0.2)
    # A queryset update sends no signal; saving one strength (as the admin does) does.
    CountryStrength.objects.filter(country__code="DE").first().save()
    after = rank(ROBOTICS_IN_GERMANY, engine="embedded")[0].signals["destination"]
    assert after < before
    assert country_strengths()["DE"]["intelligent-manufacturing"] == 0.2
