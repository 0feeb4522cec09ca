"""Reverse matching: the ranking turned around. For one institution, each demand is scored with the same
formulas `rank()` uses, by the same engine (`search/ranking.py: rank_for_institution`, the configured
`SEARCH_BACKEND`, falling back as `rank()` does): build_query → the engine's scoring terms →
score_signals on the institution's features, and the demands are sorted by that score. An institution
that `rank()` would not rank for a demand (off topic, or outside the demand's only destinations) is not
shown that demand."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import translation

from search.demand import DemandRecord
from search.profiles import load_taxonomy
from search.ranking import build_query, rank_for_institution, reason_context
from search.reasons import reasons_for
from search.scoring import DemandQuery, InstitutionFeatures, Term, is_candidate, score_signals, total


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
    features: InstitutionFeatures | None = field(default=None, repr=False, compare=False)


def score_demands(
    demands: Iterable[DemandRecord], institution: str, *, engine: str | None = None
) -> list[DemandFit]:
    """Every demand that fits the institution, best first, with its score and
    signals but no reasons yet: reasons cost time, so `add_reasons` gives them only to the fits shown."""
    taxonomy = load_taxonomy()
    queries = [query for query in (build_query(d, taxonomy) for d in demands) if not query.is_empty]
    features, all_terms = rank_for_institution(queries, institution, engine=engine)
    if features is None:
        return []
    fits = []
    for query, terms in zip(queries, all_terms, strict=True):
        signals = score_signals(terms, features)
        if is_candidate(query, signals, features):
            fit = DemandFit(
                query.external_id, total(signals), signals, query=query, terms=terms, features=features
            )
            fits.append(fit)
    fits.sort(key=lambda fit: (-fit.score, fit.demand))
    return fits


def add_reasons(fits: Iterable[DemandFit], *, language: str | None = None) -> list[DemandFit]:
    """Gives each fit, in place, the reasons `rank()` would give the institution for its demand (in
    `language`), from the terms and features its score came from, and returns the fits as a list."""
    fits = list(fits)
    with translation.override(language or translation.get_language()):
        context = reason_context()
        for fit in fits:
            if fit.query is not None and fit.features is not None:
                fit.reasons = reasons_for(fit.query, fit.terms, fit.features, context)
    return fits


def fit_demands(
    demands: Iterable[DemandRecord], institution: str, *, top: int = 20, language: str | None = None
) -> list[DemandFit]:
    """The `top` demands that fit the institution best, best first, with the
    signals and reasons `rank()` would give the institution for each (in `language`)."""
    return add_reasons(score_demands(demands, institution)[:top], language=language)
