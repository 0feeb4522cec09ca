"""Ranking with the embedded engine: topic across languages, related fields, destinations, quality,
cooperation, and the hard rule that suspended institutions never appear."""

from __future__ import annotations

import dataclasses
import datetime

import pytest

from catalog.models import Institution
from search.demand import DemandRecord
from search.ranking import rank
from search.scoring import quality_value
from tests.factories import make_country, make_evaluation, make_field, make_institution

pytestmark = pytest.mark.django_db(transaction=False)


def ranked(demand: DemandRecord, **options) -> list[str]:
    return [match.external_id for match in rank(demand, **options)]


def test_chinese_demand_finds_an_institution_described_only_in_english(small_catalogue):
    germany = small_catalogue["countries"]["DE"]
    make_institution(
        "de-robo", "Robotics Academy", germany, description_en="Industrial robotics and smart factory."
    )
    assert "de-robo" in ranked(DemandRecord(title="工业机器人与智能制造培训"))


def test_english_demand_finds_an_institution_described_only_in_chinese(small_catalogue):
    assert ranked(DemandRecord(title="Smart farming and greenhouse horticulture"))[0] == "nl-wur"


def test_signals_add_up_to_the_score_and_reasons_follow_the_language(small_catalogue):
    english = rank(
        DemandRecord(title="Industry 4.0 for manufacturing", fields=["intelligent-manufacturing"]),
        language="en",
    )[0]
    assert english.external_id == "de-tum"
    assert round(sum(english.signals.values()), 4) == english.score
    assert set(english.signals) == {"topic", "destination", "quality", "cooperation"}
    assert "specialty: Intelligent manufacturing" in english.reasons
    chinese = rank(DemandRecord(title="智能制造", fields=["intelligent-manufacturing"]), language="zh-hans")[
        0
    ]
    assert any("智能制造" in reason and "特长" in reason for reason in chinese.reasons)


def test_suspended_institutions_never_appear(small_catalogue):
    assert "de-lapsed" not in ranked(
        DemandRecord(title="robotics seminars", fields=["intelligent-manufacturing"]), top=50
    )


def test_a_parent_or_child_field_is_a_partial_match(small_catalogue):
    manufacturing = small_catalogue["fields"]["manufacturing"]
    make_field("industrial-robots", "Industrial robots", "工业机器人", parent=manufacturing)
    demand = DemandRecord(title="x", fields=["industrial-robots"])
    match = rank(demand)[0]
    assert match.external_id == "de-tum"
    full = rank(DemandRecord(title="x", fields=["intelligent-manufacturing"]))[0]
    assert 0 < match.signals["topic"] < full.signals["topic"]


def test_named_destination_ranks_higher_and_destinations_only_filters(small_catalogue):
    netherlands = small_catalogue["countries"]["NL"]
    manufacturing = small_catalogue["fields"]["manufacturing"]
    make_institution("nl-fab", "Dutch Production Lab", netherlands, specialties=[(manufacturing, 1.0)])
    # Fields only: both are as much about the subject ("factory" would reach TUM's 工厂 course as well).
    demand = DemandRecord(title="x", fields=["intelligent-manufacturing"])
    assert ranked(demand)[0] == "de-tum"  # Germany is strong in manufacturing
    assert ranked(dataclasses.replace(demand, destinations=["NL"]))[0] == "nl-fab"
    assert ranked(dataclasses.replace(demand, destinations=["NL"], destinations_only=True)) == ["nl-fab"]


def test_cooperating_institutions_gain_for_management_demands(small_catalogue):
    demand = DemandRecord(title="x", fields=["intelligent-manufacturing"])
    professional = rank(dataclasses.replace(demand, category="professional"))[0]
    management = rank(dataclasses.replace(demand, category="management"))[0]
    assert professional.signals["cooperation"] == 0
    assert management.signals["cooperation"] > 0


def test_one_perfect_rating_does_not_beat_forty_good_ones():
    today = datetime.date(2025, 6, 1)
    one = quality_value([(5.0, today)], catalogue_mean=4.0, today=today)
    forty = quality_value([(4.6, today)] * 40, catalogue_mean=4.0, today=today)
    unrated = quality_value([], catalogue_mean=4.0, today=today)
    poor = quality_value([(2.5, today)] * 10, catalogue_mean=4.0, today=today)
    assert forty > one > unrated > poor


def test_recent_evaluations_count_more():
    today = datetime.date(2025, 6, 1)
    recent_good = quality_value([(5.0, today), (3.0, datetime.date(2015, 6, 1))], 4.0, today)
    old_good = quality_value([(3.0, today), (5.0, datetime.date(2015, 6, 1))], 4.0, today)
    assert recent_good > old_good


def test_a_new_evaluation_moves_the_ranking_at_once(small_catalogue):
    germany = small_catalogue["countries"]["DE"]
    manufacturing = small_catalogue["fields"]["manufacturing"]
    rival = make_institution(
        "de-rival",
        "Rival Institute",
        germany,
        specialties=[(manufacturing, 1.0)],
        description_en="Robotics.",
        description_zh="机器人。",
    )
    demand = DemandRecord(title="robotics", fields=["intelligent-manufacturing"])
    before = {m.external_id: m for m in rank(demand)}
    for number in range(12):
        make_evaluation(f"ev-rival-{number}", rival, 2.0)
    after = {m.external_id: m for m in rank(demand)}
    assert after["de-rival"].signals["quality"] < before["de-rival"].signals["quality"]


def test_suspending_an_institution_removes_it_from_the_ranking_at_once(small_catalogue):
    demand = DemandRecord(title="robotics", fields=["intelligent-manufacturing"])
    assert "de-tum" in ranked(demand)
    tum = Institution.objects.get(external_id="de-tum")
    tum.status = "suspended"
    tum.save()
    assert "de-tum" not in ranked(demand)


def test_an_empty_demand_ranks_nothing(small_catalogue):
    assert rank(DemandRecord(title="")) == []


def test_unrelated_institutions_are_not_ranked(small_catalogue):
    make_country("JP", "Japan", "日本")
    assert ranked(DemandRecord(title="Quantum chemistry of rare earth catalysts")) == []


def test_the_patched_index_ranks_like_a_freshly_loaded_one(small_catalogue):
    from search.engines import embedded
    from search.models import IndexVersion

    demand = DemandRecord(title="robotics and smart farming", fields=["intelligent-manufacturing"])
    held = embedded.load_index(IndexVersion.current())
    wur = Institution.objects.get(external_id="nl-wur")
    wur.description_en = "Robotics for greenhouses and smart farming."
    wur.save()
    make_evaluation("ev-patch", small_catalogue["tum"], 2.0)
    tum = Institution.objects.get(external_id="de-tum")
    tum.status = "suspended"
    tum.save()
    patched = embedded.refresh_index(held, IndexVersion.current())
    assert patched is held  # patched in place, not loaded again
    fresh = embedded.load_index(IndexVersion.current())
    for index in (patched, fresh):
        assert index.size == 1 and index.average_length == fresh.average_length
    ranked_patched = [f.external_id for f in patched.search(*_query_and_terms(demand, patched), top=10)]
    ranked_fresh = [f.external_id for f in fresh.search(*_query_and_terms(demand, fresh), top=10)]
    assert ranked_patched == ranked_fresh == ["nl-wur"]


def test_a_new_institution_joins_the_patched_index_and_a_deleted_one_leaves(small_catalogue):
    from search.engines import embedded
    from search.models import IndexVersion

    held = embedded.load_index(IndexVersion.current())
    make_institution(
        "de-kit",
        "Karlsruhe Institute of Technology",
        small_catalogue["countries"]["DE"],
        specialties=[(small_catalogue["fields"]["manufacturing"], 1.0)],
    )
    patched = embedded.refresh_index(held, IndexVersion.current())
    assert patched is held and patched.size == 3 and patched.admitted("de-kit") is not None

    Institution.objects.get(external_id="nl-wur").delete()
    after_delete = embedded.refresh_index(patched, IndexVersion.current())
    assert after_delete.size == 2 and after_delete.admitted("nl-wur") is None


def _query_and_terms(demand, index):
    from search.ranking import build_query
    from search.scoring import build_terms

    query = build_query(demand)
    return query, build_terms(query, index.idf(query.tokens), index.average_length, index.strengths)


def test_the_index_gives_back_each_row_as_it_was_put(small_catalogue):
    """The embedded index keeps its rows packed (search/engines/embedded.py); every row unpacks to the
    features it was given, words and counts in their order, and is found by its external id and pk."""
    from search.engines import embedded
    from search.models import IndexVersion

    given = {pk: features for pk, _changed, features in embedded.profile_rows()}
    index = embedded.load_index(IndexVersion.current())
    assert len(given) == index.size == 2
    for pk, features in given.items():
        assert index.features[index.row_of[pk]] == features
        assert list(index.features[index.row_of[pk]].token_counts) == list(features.token_counts)
        assert index.admitted(features.external_id) == features
    assert index.pks_by_external_id() == {features.external_id: pk for pk, features in given.items()}
    renamed = dataclasses.replace(
        next(iter(given.values())), external_id="xx-renamed", token_counts={"new": 2}
    )
    pk = next(iter(given))
    index.put([(pk, renamed)])
    assert index.features[index.row_of[pk]] == renamed and index.tokens["new"][1].tolist() == [2]
    assert index.admitted("xx-renamed") == renamed and index.admitted(given[pk].external_id) is None


def test_each_word_lists_its_rows_in_the_order_they_were_put_and_a_replaced_row_moves_to_the_end(
    monkeypatch,
):
    from search.engines import embedded
    from search.scoring import InstitutionFeatures

    def features(pk: int, words: dict[str, int]) -> InstitutionFeatures:
        length = sum(words.values())
        return InstitutionFeatures(
            pk, f"x-{pk}", f"X {pk}", f"X{pk}", "DE", False, {}, {}, words, length, 1.0, None, 0
        )

    words = [
        {"solar": 2, "wind": 1},
        {"wind": 3},
        {"grid": 1, "solar": 1},
        {"solar": 4},
        {"wind": 1, "grid": 2},
    ]
    given = [(pk, features(pk, counts)) for pk, counts in enumerate(words, start=1)]
    monkeypatch.setattr(embedded, "PUT_CHUNK", 2)  # the words are sorted into posting lists a chunk at a time
    index = embedded.EmbeddedIndex({}, 1)
    index.put(given)

    def postings() -> dict[str, tuple[list[int], list[int]]]:
        return {word: (rows.tolist(), counts.tolist()) for word, (rows, counts) in index.tokens.items()}

    assert [index.row_of[pk] for pk, _ in given] == [0, 1, 2, 3, 4]
    assert postings() == {
        "solar": ([0, 2, 3], [2, 1, 4]),
        "wind": ([0, 1, 4], [1, 3, 1]),
        "grid": ([2, 4], [1, 2]),
    }

    index.put([(3, features(3, {"wind": 5}))])
    assert postings() == {"solar": ([0, 3], [2, 4]), "wind": ([0, 1, 4, 2], [1, 3, 1, 5]), "grid": ([4], [2])}
    assert index.features[2].token_counts == {"wind": 5} and index.size == 5
