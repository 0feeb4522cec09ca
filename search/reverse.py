"""Reverse matching: the ranking turned around. For one institution, each demand is scored with the same
formulas `rank()` uses (build_query → terms from the embedded index's idf, average length and country
strengths → score_signals on the institution's features), and the demands are sorted by that score.
An institution that `rank()` would not rank for a demand (off topic, or outside the demand's only
destinations) is not shown that demand."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import translation

from search.demand import DemandRecord
from search.engines.embedded import EmbeddedIndex, current_index
from search.profiles import load_taxonomy
from search.ranking import build_query, reason_context
from search.reasons import reasons_for
from search.scoring import (
    DemandQuery,
    InstitutionFeatures,
    Term,
    build_terms,
    is_candidate,
    score_signals,
    total,
)


@dataclass
class DemandFit:
    """One demand as it fits the institution: the institution's score for it, each signal's share, and why.
    The reasons are left empty by `score_demands` and filled in by `add_reasons` from the query and terms
    the score came from."""

    demand: str
    score: float
    signals: dict[str, float]
    reasons: list[str] = field(default_factory=list)
    query: DemandQuery | None = field(default=None, repr=False, compare=False)
    terms: list[Term] = field(default_factory=list, repr=False, compare=False)


def institution_features(external_id: str, index: EmbeddedIndex | None = None) -> InstitutionFeatures | None:
    """What the engines know of an admitted, live institution; None for any other."""
    return (index or current_index()).admitted(external_id)


def score_demands(demands: Iterable[DemandRecord], institution: str) -> list[DemandFit]:
    """Every demand that fits the institution, best first, with its score and
    signals but no reasons yet: reasons cost time, so `add_reasons` gives them only to the fits shown."""
    index = current_index()
    features = institution_features(institution, index)
    if features is None:
        return []
    taxonomy = load_taxonomy()
    fits = []
    for demand in demands:
        query = build_query(demand, taxonomy)
        if query.is_empty:
            continue
        # The terms exactly as the embedded engine builds them for rank().
        terms = build_terms(query, index.idf(query.tokens), index.average_length, index.strengths)
        signals = score_signals(terms, features)
        if is_candidate(query, signals, features):
            fits.append(
                DemandFit(
                    demand=query.external_id, score=total(signals), signals=signals, query=query, terms=terms
                )
            )
    fits.sort(key=lambda fit: (-fit.score, fit.demand))
    return fits


def add_reasons(
    fits: Iterable[DemandFit], institution: str, *, language: str | None = None
) -> list[DemandFit]:
    """Gives each fit, in place, the reasons `rank()` would give the institution for its demand (in
    `language`), and returns the fits as a list. None are given once the institution is no longer admitted."""
    fits = list(fits)
    features = institution_features(institution)
    if features is None:
        return fits
    with translation.override(language or translation.get_language()):
        context = reason_context()
        for fit in fits:
            if fit.query is not None:
                fit.reasons = reasons_for(fit.query, fit.terms, features, context)
    return fits


def fit_demands(
    demands: Iterable[DemandRecord], institution: str, *, top: int = 20, language: str | None = None
) -> list[DemandFit]:
    """The `top` demands that fit the institution best, best first, with the
    signals and reasons `rank()` would give the institution for each (in `language`)."""
    return add_reasons(score_demands(demands, institution)[:top], institution, language=language)
