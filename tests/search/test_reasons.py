"""The "shares words" reason names the words that added most to the score, and a Chinese word whole rather
than with the parts the analyser also cuts it into."""

from __future__ import annotations

import pytest
from django.utils import translation

from search.demand import DemandRecord
from search.ranking import rank
from tests.factories import make_field, make_institution

pytestmark = pytest.mark.django_db


def shared_words(demand: DemandRecord, institution: str, language: str) -> str:
    with translation.override(language):
        matches = {match.external_id: match for match in rank(demand, engine="embedded")}
        prefix = translation.gettext("shares words with the demand: %(words)s").split("%")[0]
    (reason,) = [r for r in matches[institution].reasons if r.startswith(prefix)]
    return reason[len(prefix) :]


def test_a_chinese_word_is_named_whole(small_catalogue):
    # A taxonomy term, so the analyser keeps it whole as well as cutting it into 海上 and 风电.
    make_field("offshore-wind", "Offshore wind", "海上风电")
    make_institution(
        "dk-dtu",
        "Technical University of Denmark",
        small_catalogue["countries"]["DE"],
        description_zh="海上风电的运维与并网技术研究。",
    )
    words = shared_words(DemandRecord(external_id="d", title="海上风电运维培训"), "dk-dtu", "zh-hans").split(
        "、"
    )
    assert "海上风电" in words and "运维" in words
    assert not {"海上", "风电"} & set(words)


def test_the_words_that_added_most_come_first(small_catalogue):
    make_institution(
        "dk-dtu",
        "Technical University of Denmark",
        small_catalogue["countries"]["DE"],
        description_en="Turbine maintenance: turbine blades, turbine gearboxes and turbine towers. Offshore.",
    )
    words = shared_words(
        DemandRecord(external_id="d", title="offshore turbine maintenance"), "dk-dtu", "en"
    ).split(", ")
    assert words[0] == "turbine"


def test_related_and_detected_fields_come_in_code_order_whatever_the_hash_seed():
    """Fields that tie are listed in the order the taxonomy gives them: in code order, never in a set's
    order, which changes from one process to the next."""
    from search.analysis import FieldTerms, Taxonomy

    children = [
        "energy-wind",
        "energy-nuclear",
        "energy-solar",
        "energy-grid",
        "energy-hydro",
        "energy-storage",
    ]
    taxonomy = Taxonomy(
        [
            FieldTerms("energy", None, ("Energy", "电力")),
            *(FieldTerms(code, "energy", (code.replace("-", " "), "清洁能源")) for code in children),
        ]
    )
    assert list(taxonomy.related("energy")) == ["energy", *sorted(children)]
    assert list(taxonomy.detect("清洁能源")) == sorted(children)
