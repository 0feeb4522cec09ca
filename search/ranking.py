"""`rank()`: the one way to rank institutions for a demand. Every caller — the `match` command, the API,
the "find institutions" page, a demand's page, reverse matching — goes through it."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.utils import translation

from catalog.models import Country, Field
from search.analysis import Taxonomy, query_words
from search.cache import in_transaction, until_taxonomy_changes
from search.demand import DemandRecord
from search.es import SEARCH_SERVER_ERRORS, ServerResting, breaker
from search.models import IndexVersion
from search.profiles import country_words, load_taxonomy
from search.reasons import reasons_for
from search.scoring import (
    DemandQuery,
    InstitutionFeatures,
    Term,
    expand_fields,
    is_candidate,
    score_signals,
    total,
)

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Words of the title and topic say more about the subject than the body of the text.
CONTENT_FIELD_SHARE = 0.8

# The longest text (title, topic or content) and stay abroad that the "find institutions" form and the match
# API accept: the analysis of a text takes time in proportion to its length (a second for 1.8 MB), and a
# longer text adds nothing a ranking could use.
DEMAND_TEXT_MAX_LENGTH = 4000
DEMAND_DAYS_MAX = 730


@dataclass
class Match:
    """One ranked institution (its primary key and its external id, the exchange format's name for it): its
    score, each signal's contribution (they add up to the score), and why."""

    institution_id: int
    external_id: str
    name_en: str
    name_zh: str
    country: str
    score: float
    signals: dict[str, float]
    reasons: list[str] = field(default_factory=list)

    def as_record(self) -> dict[str, Any]:
        return {
            "institution": self.external_id,
            "name_en": self.name_en,
            "country": self.country,
            "score": self.score,
            "signals": self.signals,
            "reasons": self.reasons,
        }


def get_engine(name: str | None = None):
    name = name or settings.SEARCH_BACKEND
    if name == "embedded":
        from search.engines.embedded import EmbeddedEngine

        return EmbeddedEngine()
    if name == "elasticsearch":
        from search.engines.elasticsearch import ElasticsearchEngine

        return ElasticsearchEngine()
    raise ValueError(f"unknown engine {name!r}")


def build_query(demand: DemandRecord, taxonomy: Taxonomy | None = None) -> DemandQuery:
    """A demand as the engines see it; fields are detected when none are given."""
    taxonomy = taxonomy or load_taxonomy()
    given = [code for code in demand.fields if code in taxonomy.fields]
    headline = f"{demand.title} {demand.topic}"
    content = demand.content
    detected_terms: dict[str, list[str]] = {}
    words = query_words(f"{headline}\n{content}", ignored=country_words())
    if given:
        fields = dict.fromkeys(given, 1.0)
    else:
        fields = {}
        for text, share in ((headline, 1.0), (content, CONTENT_FIELD_SHARE)):
            for code, found in taxonomy.detect(text).items():
                fields[code] = max(fields.get(code, 0.0), round(found.weight * share, 4))
                detected_terms.setdefault(code, [])
                detected_terms[code] = sorted(set(detected_terms[code]) | set(found.terms))
    return DemandQuery(
        external_id=demand.external_id,
        fields=fields,
        detected_terms=detected_terms,
        expanded_fields=expand_fields(fields, taxonomy.related),
        tokens=list(words),
        written={token: word for token, (word, _weight) in words.items()},
        weights={token: weight for token, (_word, weight) in words.items()},
        destinations=list(demand.destinations),
        destinations_only=demand.destinations_only,
        category=demand.category or "",
    )


# How many analysed demands `analysed` keeps: a demand is ranked again and again (its page, the API, the
# alerts), and analysing its text (jieba, the lexicon) costs more than ranking 100,000 institutions for it.
ANALYSED_KEPT = 256
_analysed: OrderedDict[tuple, DemandQuery] = OrderedDict()
_analysed_lock = threading.Lock()


def analysed(demand: DemandRecord) -> DemandQuery:
    """`build_query(demand)`, kept for the demands ranked last until the taxonomy changes. The query is
    shared: nobody may change it."""
    if in_transaction():
        return build_query(demand)
    key = (
        IndexVersion.taxonomy_state(),
        demand.external_id,
        demand.title,
        demand.topic,
        demand.content,
        tuple(demand.fields),
        tuple(demand.destinations),
        demand.destinations_only,
        demand.category,
    )
    with _analysed_lock:
        query = _analysed.get(key)
        if query is not None:
            _analysed.move_to_end(key)
            return query
    query = build_query(demand)
    with _analysed_lock:
        _analysed[key] = query
        while len(_analysed) > ANALYSED_KEPT:
            _analysed.popitem(last=False)
    return query


class Ranking(list):
    """Matches, best first, and the engine that ranked them."""

    def __init__(self, matches=(), *, engine: str):
        super().__init__(matches)
        self.engine = engine


def with_engine(engine: str | None, call: Callable[[Any], T]) -> tuple[T, str]:
    """`call(engine)` with the engine asked for, or the configured one, and the name of the engine that
    answered. When the configured Elasticsearch engine does not answer, or failed within
    ELASTICSEARCH_RETRY_AFTER seconds, the embedded engine answers instead; an engine asked for by name
    must answer."""
    chosen = engine or settings.SEARCH_BACKEND
    if chosen == "elasticsearch" and breaker.is_open():
        if engine is not None:
            raise ServerResting("the search server failed moments ago")
        chosen = "embedded"
    try:
        return call(get_engine(chosen)), chosen
    except SEARCH_SERVER_ERRORS as error:
        if chosen == "embedded":
            raise
        breaker.trip()
        if engine is not None:
            raise
        logger.warning("search server unavailable, the embedded engine answers instead: %s", error)
        return call(get_engine("embedded")), "embedded"


def rank(
    demand: DemandRecord, *, top: int = 10, engine: str | None = None, language: str | None = None
) -> Ranking:
    """The `top` institutions for a demand, best first, each with its signals and reasons
    (in `language`, or the active language). When the configured Elasticsearch engine does not answer,
    or failed within ELASTICSEARCH_RETRY_AFTER seconds, the embedded engine ranks instead and the ranking
    says so; an engine asked for by name must answer."""
    # The index version and the taxonomy stamp are read once for the whole ranking.
    with IndexVersion.read_once():
        return _rank(demand, top, engine, language)


def _rank(demand: DemandRecord, top: int, engine: str | None, language: str | None) -> Ranking:
    query = analysed(demand)
    if query.is_empty:
        return Ranking(engine=engine or settings.SEARCH_BACKEND)
    (terms, candidates), chosen = with_engine(engine, lambda found: found.candidates(query, top))
    scored = []
    for features in candidates:
        signals = score_signals(terms, features)
        if is_candidate(query, signals, features):
            scored.append((total(signals), features, signals))
    scored.sort(key=lambda item: (-item[0], item[1].external_id))
    scored = scored[:top]
    with translation.override(language or translation.get_language()):
        context = reason_context()
        matches = [
            Match(
                institution_id=f.institution_id,
                external_id=f.external_id,
                name_en=f.name_en,
                name_zh=f.name_zh,
                country=f.country,
                score=score,
                signals=signals,
                reasons=reasons_for(query, terms, f, context),
            )
            for score, f, signals in scored
        ]
    return Ranking(matches, engine=chosen)


def rank_for_institution(
    queries: list[DemandQuery], external_id: str, *, engine: str | None = None
) -> tuple[InstitutionFeatures | None, list[list[Term]]]:
    """`rank()` turned around (reverse matching): the features of one admitted institution and the
    scoring terms of each demand, from the engine asked for or the configured one, so that
    `score_signals(terms, features)` gives the score `rank()` gives it. No terms for an institution
    nobody may find."""

    def call(found) -> tuple[InstitutionFeatures | None, list[list[Term]]]:
        features = found.admitted(external_id)
        return features, (found.scoring_terms(queries) if features is not None else [])

    answer, _chosen = with_engine(engine, call)
    return answer


@dataclass
class ReasonContext:
    """Names the reasons need: fields and countries in both languages, and countries' strengths."""

    fields: dict[str, Field]
    countries: dict[str, Country]

    @classmethod
    def load(cls) -> ReasonContext:
        return cls(
            fields={f.code: f for f in Field.objects.all()},
            countries={c.code: c for c in Country.objects.prefetch_related("strengths__field")},
        )


reason_context = until_taxonomy_changes(ReasonContext.load)


def match_output(demand: DemandRecord, ranking: Ranking) -> dict[str, Any]:
    """The match output of EXCHANGE-FORMAT.md for one demand, naming the engine that really ranked."""
    return {
        "engine": ranking.engine,
        "demand": demand.external_id,
        "results": [match.as_record() for match in ranking],
    }
