"""The taxonomy learns from the catalogue: a word that institutions stating a field use far more often than
the others is suggested as the field's synonym, a word everyone uses is not; accepting a suggestion changes
a ranking at once, rejecting it changes nothing; only the office sees and decides."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from catalog.models import Field
from search.demand import DemandRecord
from search.models import SuggestionStatus, SynonymSuggestion
from search.ranking import rank
from search.synonyms import decide, log_likelihood, refresh
from tests.factories import activate_totp, ensure_site_tree, make_country, make_field, make_institution

pytestmark = pytest.mark.django_db

SUGGESTIONS = "/admin/taxonomy/suggestions/"


@pytest.fixture
def wind_catalogue(db):
    """Seven institutions state wind energy, six of which write of turbines; ten state agriculture. Every
    one of them calls itself a university. The seventh wind institution never writes "turbine"."""
    ensure_site_tree()
    wind = make_field("wind-energy", "Wind energy", "风能")
    farming = make_field("agriculture", "Agriculture", "农业")
    denmark = make_country("DK", "Denmark", "丹麦")
    for n in range(6):
        make_institution(
            f"wind-{n}",
            f"Wind University {n}",
            denmark,
            specialties=[(wind, 1.0)],
            description_en=f"A university teaching offshore turbine blades, course {n}.",
        )
    make_institution(
        "wind-quiet",
        "Coastal University",
        denmark,
        specialties=[(wind, 1.0)],
        description_en="A university by the sea.",
    )
    for n in range(10):
        make_institution(
            f"farm-{n}",
            f"Farming University {n}",
            denmark,
            specialties=[(farming, 1.0)],
            description_en=f"A university teaching crops and irrigation, course {n}.",
        )
    return {"wind": wind, "farming": farming}


def pending(field: Field) -> dict[str, SynonymSuggestion]:
    return {s.term: s for s in SynonymSuggestion.objects.filter(field=field, status=SuggestionStatus.PENDING)}


def test_log_likelihood_is_zero_at_chance_and_grows_with_association():
    assert log_likelihood(5, 10, 10, 20) == pytest.approx(0.0)
    assert log_likelihood(6, 7, 6, 17) > 10.83 > log_likelihood(4, 5, 4, 11)


def test_a_word_the_fields_institutions_share_is_suggested_a_common_one_is_not(wind_catalogue):
    refresh()
    wind = pending(wind_catalogue["wind"])
    assert "turbine" in wind and "blade" in wind
    assert wind["turbine"].evidence == 6 and wind["turbine"].users == 6
    assert wind["turbine"].language == "en" and wind["turbine"].translates == ""
    assert "university" not in wind  # every institution uses it
    assert "course" not in wind and "teach" not in wind
    farming = pending(wind_catalogue["farming"])
    assert "turbine" not in farming
    # The lexicon's translations of the field's words are suggested too, in the other language.
    translated = [s for s in wind.values() if s.language == "zh-hans"]
    assert translated and all(s.translates for s in translated)
    assert any("turbine" in s.translates for s in translated)


def test_nothing_changes_until_a_person_accepts(wind_catalogue):
    refresh()
    assert Field.objects.get(code="wind-energy").synonyms == []


def quiet_is_ranked() -> bool:
    return "wind-quiet" in [m.external_id for m in rank(DemandRecord(title="turbine maintenance"), top=20)]


def test_accepting_a_suggestion_changes_the_ranking(
    wind_catalogue, people, django_capture_on_commit_callbacks
):
    refresh()
    assert not quiet_is_ranked()
    suggestion = pending(wind_catalogue["wind"])["turbine"]
    with django_capture_on_commit_callbacks(execute=True):
        decided = decide(suggestion.pk, accept=True, by=people["olivia"])
    assert decided.status == SuggestionStatus.ACCEPTED and decided.decided_by == people["olivia"]
    assert decided.decided_at is not None
    assert "turbine" in Field.objects.get(code="wind-energy").synonyms
    # The demand now speaks of wind energy, which the quiet institution states.
    assert quiet_is_ranked()
    # Decided once: a second decision and a new computation leave it as it is.
    assert decide(suggestion.pk, accept=False, by=people["olivia"]) is None
    refresh()
    assert SynonymSuggestion.objects.get(pk=suggestion.pk).status == SuggestionStatus.ACCEPTED


def test_rejecting_a_suggestion_changes_nothing(wind_catalogue, people, django_capture_on_commit_callbacks):
    refresh()
    suggestion = pending(wind_catalogue["wind"])["turbine"]
    with django_capture_on_commit_callbacks(execute=True):
        decide(suggestion.pk, accept=False, by=people["olivia"])
    assert Field.objects.get(code="wind-energy").synonyms == []
    assert not quiet_is_ranked()
    refresh()  # a rejected term is not suggested again
    assert SynonymSuggestion.objects.filter(field=wind_catalogue["wind"], term="turbine").count() == 1
    assert SynonymSuggestion.objects.get(pk=suggestion.pk).status == SuggestionStatus.REJECTED


def test_the_command_and_the_task_compute_the_suggestions(wind_catalogue, capsys):
    call_command("suggest_synonyms")
    assert "turbine" in capsys.readouterr().out
    SynonymSuggestion.objects.all().delete()
    call_command("suggest_synonyms", "--queue")  # the tests' task backend runs it at once
    assert pending(wind_catalogue["wind"])


@pytest.mark.parametrize("role", ["anna", "xu", "eve"])
def test_only_the_office_sees_and_decides(client, people, wind_catalogue, role):
    refresh()
    suggestion = pending(wind_catalogue["wind"])["turbine"]
    assert client.get(SUGGESTIONS).status_code == 302  # a visitor is sent to sign in
    client.force_login(people[role])
    # The Wagtail admin refuses as it does for its other pages: back to its sign-in or its home page.
    refused = client.get(SUGGESTIONS)
    assert refused.status_code == 302 and not refused.url.startswith(SUGGESTIONS)
    response = client.post(f"{SUGGESTIONS}{suggestion.pk}/", {"decision": "accept"})
    assert response.status_code == 302 and not response.url.startswith(SUGGESTIONS)
    assert SynonymSuggestion.objects.get(pk=suggestion.pk).status == SuggestionStatus.PENDING
    assert Field.objects.get(code="wind-energy").synonyms == []


def test_the_office_accepts_in_the_admin(client, people, wind_catalogue, django_capture_on_commit_callbacks):
    refresh()
    suggestion = pending(wind_catalogue["wind"])["turbine"]
    activate_totp(people["olivia"])  # the office signs in with a second factor
    client.force_login(people["olivia"])
    page = client.get(SUGGESTIONS)
    assert page.status_code == 200 and "turbine" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{SUGGESTIONS}{suggestion.pk}/", {"decision": "accept", "status": "pending"})
    assert response.status_code == 302
    assert "turbine" in Field.objects.get(code="wind-energy").synonyms
    assert "turbine" in client.get(f"{SUGGESTIONS}?status=accepted").content.decode()
    assert client.post(f"{SUGGESTIONS}{suggestion.pk}/", {"decision": "maybe"}).status_code == 302
    assert client.get(f"{SUGGESTIONS}?status=nonsense&page=x").status_code == 200
