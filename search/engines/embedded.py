"""The embedded engine: the institution profiles held in memory as posting lists, reloaded when the index
version in the database moves. Scores the demand's terms with NumPy, then explains the best few exactly."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from search.analysis import idf
from search.models import IndexVersion, InstitutionProfile
from search.profiles import country_strengths
from search.scoring import TOPIC_MIN, DemandQuery, InstitutionFeatures, Term, bm25_frequency, build_terms

# Scored with NumPy, then the best `top + max(SLACK, top)` re-scored exactly by rank(), so near-ties
# order the same way in both engines.
SLACK = 10


@dataclass
class Hit:
    features: InstitutionFeatures


class EmbeddedIndex:
    """Posting lists over the profiles of admitted, live institutions."""

    def __init__(
        self, features: list[InstitutionFeatures], strengths: dict[str, dict[str, float]], version: int
    ):
        self.features = features
        self.strengths = strengths
        self.version = version
        self.size = len(features)
        self.quality = np.array([f.quality for f in features], dtype=np.float64)
        self.cooperating = np.array([f.cooperating for f in features], dtype=np.float64)
        countries = sorted({f.country for f in features})
        self.country_ids = {code: i for i, code in enumerate(countries)}
        self.country_of = np.array([self.country_ids[f.country] for f in features], dtype=np.int32)
        self.average_length = sum(f.length for f in features) / self.size if self.size else 0.0
        field_rows: dict[str, tuple[list[int], list[float]]] = {}
        token_rows: dict[str, tuple[list[int], list[float]]] = {}
        for row, institution in enumerate(features):
            for code, weight in institution.specialties.items():
                if weight > 0:
                    ids, weights = field_rows.setdefault(code, ([], []))
                    ids.append(row)
                    weights.append(weight)
            for token, count in institution.token_counts.items():
                ids, frequencies = token_rows.setdefault(token, ([], []))
                ids.append(row)
                frequencies.append(bm25_frequency(count, institution.length, self.average_length))
        self.fields = _postings(field_rows)
        self.tokens = _postings(token_rows)

    def document_frequencies(self, tokens: list[str]) -> dict[str, int]:
        return {token: len(self.tokens[token][0]) for token in tokens if token in self.tokens}

    def idf(self, tokens: list[str]) -> dict[str, float]:
        return {token: idf(df, self.size) for token, df in self.document_frequencies(tokens).items()}

    def search(self, query: DemandQuery, terms: list[Term], top: int) -> list[InstitutionFeatures]:
        if not self.size:
            return []
        topic = np.zeros(self.size)
        score = np.zeros(self.size)
        for term in terms:
            if term.kind == "field" and term.key in self.fields:
                rows, weights = self.fields[term.key]
                topic[rows] += term.weight * weights
            elif term.kind == "token" and term.key in self.tokens:
                rows, frequencies = self.tokens[term.key]
                topic[rows] += term.weight * frequencies
            elif term.kind == "country" and term.key in self.country_ids:
                score[self.country_of == self.country_ids[term.key]] += term.weight
            elif term.kind == "quality":
                score += term.weight * self.quality
            elif term.kind == "cooperating":
                score += term.weight * self.cooperating
        # A margin below the threshold: the exact re-scoring decides at the boundary.
        candidate = topic >= TOPIC_MIN - 1e-6
        score += topic
        if query.destinations_only:
            allowed = [self.country_ids[c] for c in query.destinations if c in self.country_ids]
            candidate &= np.isin(self.country_of, allowed)
        rows = np.flatnonzero(candidate)
        window = top + max(SLACK, top)
        if len(rows) > window:
            rows = rows[np.argpartition(-score[rows], window)[:window]]
        return [self.features[row] for row in rows]


def _postings(rows: dict[str, tuple[list[int], list[float]]]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    return {
        key: (np.array(ids, dtype=np.int32), np.array(values, dtype=np.float64))
        for key, (ids, values) in rows.items()
    }


_lock = threading.Lock()
_cached: EmbeddedIndex | None = None


def current_index() -> EmbeddedIndex:
    """The in-memory index, reloaded from the profiles when another save has moved the version."""
    global _cached
    version = IndexVersion.current()
    with _lock:
        if _cached is None or _cached.version != version:
            _cached = load_index(version)
        return _cached


# Features of an institution → where its profile row keeps them.
FEATURE_COLUMNS = {
    "external_id": "institution__external_id",
    "name_en": "institution__name_en",
    "name_zh": "institution__name_zh",
    "country": "institution__country__code",
    "cooperating": "institution__cooperating",
    "specialties": "specialties",
    "specialty_sources": "specialty_sources",
    "token_counts": "token_counts",
    "length": "length",
    "quality": "quality",
    "rating_mean": "rating_mean",
    "rating_count": "rating_count",
}


def load_index(version: int) -> EmbeddedIndex:
    rows = (
        InstitutionProfile.objects.filter(institution__status="active", institution__live=True)
        .values_list(*FEATURE_COLUMNS.values())
        .order_by("institution__external_id")
    )
    features = [
        InstitutionFeatures(**dict(zip(FEATURE_COLUMNS, row, strict=True)))
        for row in rows.iterator(chunk_size=2000)
    ]
    return EmbeddedIndex(features, country_strengths(), version)


class EmbeddedEngine:
    name = "embedded"

    def candidates(self, query: DemandQuery, top: int) -> tuple[list[Term], list[InstitutionFeatures]]:
        index = current_index()
        terms = build_terms(query, index.idf(query.tokens), index.average_length, index.strengths)
        return terms, index.search(query, terms, top)
