"""The signals of a match and their formulas, written once for both engines.

A demand becomes a list of scoring terms. Each term belongs to one signal (topic, destination, quality,
cooperation) and adds `weight × value` to an institution's score, where the value comes from the
institution's profile: a specialty weight, 1 for a word it uses, 1 for its country, its quality. The
embedded engine sums the terms over posting lists; the Elasticsearch engine sends them as function_score
functions; the explanation evaluates them for one institution. So the engines cannot disagree on a formula.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from catalog.quality import ranking_mean

# How much each signal can weigh. Topic dominates: a demand is about a subject first.
TOPIC_FIELDS = 6.0
TOPIC_TEXT = 6.0
DESTINATION_STRENGTH = 2.0
DESTINATION_NAMED = 2.5
QUALITY = 2.0
COOPERATION = 1.0

# Full-text relevance is Okapi BM25, scaled so that a text using every word of the demand once, at
# average length, scores TOPIC_TEXT.
BM25_K1 = 1.2
BM25_B = 0.75

# A word used by more than this share of the institutions is common (its BM25 idf is below COMMON_IDF).
COMMON_SHARE = 0.25
COMMON_IDF = math.log(1 + (1 - COMMON_SHARE) / COMMON_SHARE)

# An institution must be at least this much about the demand's subject to be ranked at all, so that a
# strong destination or a good record cannot carry an institution that shares one common word with it.
TOPIC_MIN = 0.5

# A parent or child field counts as a partial match.
RELATED_FIELD = 0.5

# Categories for which cooperating institutions are preferred (2020 guide, 申报要求 4).
COOPERATION_CATEGORIES = frozenset({"management", "general"})

SIGNALS = ("topic", "destination", "quality", "cooperation")


@dataclass(frozen=True)
class Term:
    """`weight × value` added to the `signal`; `kind` says where the value is read from, `key` which one."""

    signal: str
    kind: str  # "field": specialty weight of `key`; "token": BM25 term frequency of word `key`;
    #            "country": is in `key`; "quality": the quality value; "cooperating": is cooperating
    key: str
    weight: float
    # For "token" terms: the average length of the indexed texts.
    average_length: float = 0.0


@dataclass
class InstitutionFeatures:
    """What the engines know of one institution (the embedded index row, the Elasticsearch document)."""

    institution_id: int
    external_id: str
    name_en: str
    name_zh: str
    country: str
    cooperating: bool
    specialties: dict[str, float]
    specialty_sources: dict[str, str]
    token_counts: dict[str, int]
    length: int
    quality: float
    rating_mean: float | None
    rating_count: int

    def value(self, term: Term) -> float:
        if term.kind == "field":
            return self.specialties.get(term.key, 0.0)
        if term.kind == "token":
            return bm25_frequency(self.token_counts.get(term.key, 0), self.length, term.average_length)
        if term.kind == "country":
            return 1.0 if self.country == term.key else 0.0
        if term.kind == "quality":
            return self.quality
        if term.kind == "cooperating":
            return 1.0 if self.cooperating else 0.0
        raise ValueError(term.kind)


@dataclass
class DemandQuery:
    """A demand as the engines see it: its fields (given or detected), words, destinations and category."""

    external_id: str
    fields: dict[str, float]
    detected_terms: dict[str, list[str]]
    expanded_fields: dict[str, float]
    tokens: list[str]
    destinations: list[str]
    destinations_only: bool
    category: str
    # token → the word as the demand wrote it (or a translation and the word it translates), for the reasons.
    written: dict[str, str] = field(default_factory=dict)
    # token → how much it counts: 1 for a word the demand wrote (the default), less for a translation.
    weights: dict[str, float] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not self.fields and not self.tokens


# BM25, once: the reasons and the judges' baseline call it with numbers, the embedded engine with numpy arrays
# of every row at once.


def length_norm(length, average_length: float):
    """BM25's length normalisation: 1 for a text of average length, more for a longer one."""
    return 1 - BM25_B + BM25_B * (length / average_length if average_length else 1.0)


def saturated(count, norm):
    """BM25's saturated term frequency, given the length normalisation; 0 for no occurrence."""
    return count * (BM25_K1 + 1) / (count + BM25_K1 * norm)


def bm25_frequency(count: int, length: int, average_length: float) -> float:
    """BM25's saturated term frequency, 1 for one occurrence in a text of average length."""
    return saturated(count, length_norm(length, average_length)) if count else 0.0


def quality_value(
    ratings: Iterable[tuple[float, datetime.date]], catalogue_mean: float, today: datetime.date
) -> float:
    """The quality signal's value for an institution: the ranking's mean (catalog.quality), 1 to 5, as 0 to
    QUALITY."""
    return round(QUALITY * (ranking_mean(ratings, catalogue_mean, today) - 1.0) / 4.0, 6)


def expand_fields(fields: dict[str, float], related) -> dict[str, float]:
    """Each demand field with its parent and children at a partial weight (`related(code)`)."""
    expanded: dict[str, float] = {}
    for code, weight in fields.items():
        for relative, share in related(code).items():
            expanded[relative] = max(expanded.get(relative, 0.0), weight * share)
    return expanded


def build_terms(
    query: DemandQuery,
    idf: dict[str, float],
    average_length: float,
    country_strengths: dict[str, dict[str, float]],
) -> list[Term]:
    """The scoring terms of a demand. `idf` gives each demand word's weight in the catalogue and
    `average_length` the texts' average length; `country_strengths[country][field]` each country's
    strength in a field."""
    terms: list[Term] = []
    # Fields detected from a word or two weigh less than fields given or named throughout.
    field_total = max(1.0, sum(query.fields.values())) if query.fields else 0.0
    if field_total:
        for code, weight in sorted(query.expanded_fields.items()):
            terms.append(Term("topic", "field", code, TOPIC_FIELDS * weight / field_total))
    # Words the catalogue uses everywhere say nothing about a subject: left out, unless there are no others.
    used = [token for token in query.tokens if idf.get(token, 0.0) > 0]
    telling = [token for token in used if idf[token] >= COMMON_IDF] or used
    weighted = {token: query.weights.get(token, 1.0) * idf[token] for token in telling}
    # A text in one language can only use the words the demand wrote, or only their translations: each
    # side is measured against the larger, so translating a demand takes nothing from its own words.
    own = sum(weight for token, weight in weighted.items() if query.weights.get(token, 1.0) == 1.0)
    scale = max(own, sum(weighted.values()) - own)
    for token, weight in weighted.items():
        terms.append(Term("topic", "token", token, TOPIC_TEXT * weight / scale, average_length))
    for country, strengths in sorted(country_strengths.items()):
        weight = 0.0
        if field_total:
            fit = sum(query.expanded_fields.get(code, 0.0) * strength for code, strength in strengths.items())
            weight += DESTINATION_STRENGTH * min(1.0, fit / field_total)
        if country in query.destinations:
            weight += DESTINATION_NAMED
        if weight > 0:
            terms.append(Term("destination", "country", country, weight))
    terms.append(Term("quality", "quality", "", 1.0))
    if query.category in COOPERATION_CATEGORIES:
        terms.append(Term("cooperation", "cooperating", "", COOPERATION))
    return terms


def is_candidate(query: DemandQuery, signals: dict[str, float], features: InstitutionFeatures) -> bool:
    """An institution is ranked only if it is about the demand's subject (topic ≥ TOPIC_MIN), and only
    in a named destination when the demand allows no other."""
    if query.destinations_only and features.country not in query.destinations:
        return False
    return signals["topic"] >= TOPIC_MIN


def score_signals(terms: list[Term], features: InstitutionFeatures) -> dict[str, float]:
    """Each signal's contribution for one institution, rounded; the score is their sum."""
    totals = dict.fromkeys(SIGNALS, 0.0)
    for term in terms:
        totals[term.signal] += term.weight * features.value(term)
    return {signal: round(value, 4) for signal, value in totals.items()}


def total(signals: dict[str, float]) -> float:
    return round(math.fsum(signals.values()), 4)
