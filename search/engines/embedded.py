"""The embedded engine: the institution profiles held in memory as posting lists, patched when the index
version in the database moves. Scores the demand's terms with NumPy, then explains the best few exactly."""

from __future__ import annotations

import threading

import numpy as np
from django.db.models import BooleanField, Case, Value, When

from catalog.querysets import public_institutions
from search.analysis import idf
from search.cache import in_transaction
from search.models import IndexVersion, InstitutionProfile
from search.profiles import country_strengths
from search.scoring import (
    BM25_B,
    BM25_K1,
    TOPIC_MIN,
    DemandQuery,
    InstitutionFeatures,
    Term,
    build_terms,
)

# Scored with NumPy, then the best `top + max(SLACK, top)` re-scored exactly by rank(), so near-ties
# order the same way in both engines.
SLACK = 10


class EmbeddedIndex:
    """Posting lists over the profiles of admitted, live institutions. A save changes a few profiles, so
    the index is patched rather than rebuilt: rows of changed institutions leave the posting lists of
    their old words and fields and join those of their new ones; removed institutions are marked dead.
    Postings keep raw word counts, and BM25 is computed per query, so a changed average length needs no
    rebuild."""

    def __init__(self, strengths: dict[str, dict[str, float]], version: int):
        self.strengths = strengths
        self.version = version
        self.features: list[InstitutionFeatures] = []
        self.row_of: dict[int, int] = {}  # institution pk → row
        self.alive = np.zeros(0, dtype=bool)
        self.quality = np.zeros(0)
        self.cooperating = np.zeros(0)
        self.length = np.zeros(0)
        self.country_of = np.zeros(0, dtype=np.int32)
        self.country_ids: dict[str, int] = {}
        self.fields: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # code → (rows, specialty weights)
        self.tokens: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # word → (rows, counts)
        self.loaded_through = 0  # the index version of the newest profile this index holds
        self.stamp = ""  # the version's stamp when this copy was made

    @property
    def size(self) -> int:
        return int(self.alive.sum())

    @property
    def average_length(self) -> float:
        return float(self.length[self.alive].mean()) if self.size else 0.0

    def put(self, entries: list[tuple[int, InstitutionFeatures]]) -> None:
        """Add or replace institutions (pk, features)."""
        old_rows = [self.row_of[pk] for pk, _ in entries if pk in self.row_of]
        self._leave_postings(old_rows)
        grown = sum(1 for pk, _ in entries if pk not in self.row_of)
        if grown:
            self._grow(grown)
        field_rows: dict[str, tuple[list[int], list[float]]] = {}
        token_rows: dict[str, tuple[list[int], list[float]]] = {}
        for pk, institution in entries:
            row = self.row_of.get(pk)
            if row is None:
                row = self.row_of[pk] = len(self.features)
                self.features.append(institution)
            else:
                self.features[row] = institution
            self.alive[row] = True
            self.quality[row] = institution.quality
            self.cooperating[row] = institution.cooperating
            self.length[row] = institution.length
            self.country_of[row] = self.country_ids.setdefault(institution.country, len(self.country_ids))
            for code, weight in institution.specialties.items():
                if weight > 0:
                    rows, values = field_rows.setdefault(code, ([], []))
                    rows.append(row)
                    values.append(weight)
            for token, count in institution.token_counts.items():
                rows, values = token_rows.setdefault(token, ([], []))
                rows.append(row)
                values.append(count)
        _join(self.fields, field_rows)
        _join(self.tokens, token_rows)

    def remove(self, pks: set[int]) -> None:
        rows = [self.row_of.pop(pk) for pk in pks if pk in self.row_of]
        self._leave_postings(rows)
        self.alive[rows] = False

    def _leave_postings(self, rows: list[int]) -> None:
        if not rows:
            return
        dead = np.array(rows, dtype=np.int32)
        codes = {code for row in rows for code in self.features[row].specialties}
        words = {token for row in rows for token in self.features[row].token_counts}
        for postings, keys in ((self.fields, codes), (self.tokens, words)):
            for key in keys & postings.keys():
                posted, values = postings[key]
                # One institution changed (an evaluation, an edit) is by far the most frequent case.
                keep = posted != rows[0] if len(rows) == 1 else ~np.isin(posted, dead)
                if keep.any():
                    postings[key] = (posted[keep], values[keep])
                else:
                    del postings[key]

    def _grow(self, extra: int) -> None:
        self.alive = np.concatenate([self.alive, np.zeros(extra, dtype=bool)])
        for name in ("quality", "cooperating", "length"):
            setattr(self, name, np.concatenate([getattr(self, name), np.zeros(extra)]))
        self.country_of = np.concatenate([self.country_of, np.zeros(extra, dtype=np.int32)])

    def admitted(self, external_id: str) -> InstitutionFeatures | None:
        """The features of an admitted institution in the index, or None."""
        for row in np.flatnonzero(self.alive):
            if self.features[row].external_id == external_id:
                return self.features[row]
        return None

    def document_frequencies(self, tokens: list[str]) -> dict[str, int]:
        return {token: len(self.tokens[token][0]) for token in tokens if token in self.tokens}

    def idf(self, tokens: list[str]) -> dict[str, float]:
        return {token: idf(df, self.size) for token, df in self.document_frequencies(tokens).items()}

    def search(self, query: DemandQuery, terms: list[Term], top: int) -> list[InstitutionFeatures]:
        if not self.size:
            return []
        rows_total = len(self.features)
        topic = np.zeros(rows_total)
        score = np.zeros(rows_total)
        average_length = self.average_length
        for term in terms:
            if term.kind == "field" and term.key in self.fields:
                rows, weights = self.fields[term.key]
                topic[rows] += term.weight * weights
            elif term.kind == "token" and term.key in self.tokens:
                rows, counts = self.tokens[term.key]
                topic[rows] += term.weight * bm25_frequencies(counts, self.length[rows], average_length)
            elif term.kind == "country" and term.key in self.country_ids:
                score[self.country_of == self.country_ids[term.key]] += term.weight
            elif term.kind == "quality":
                score += term.weight * self.quality
            elif term.kind == "cooperating":
                score += term.weight * self.cooperating
        # A margin below the threshold: the exact re-scoring decides at the boundary.
        candidate = (topic >= TOPIC_MIN - 1e-6) & self.alive
        score += topic
        if query.destinations_only:
            allowed = [self.country_ids[c] for c in query.destinations if c in self.country_ids]
            candidate &= np.isin(self.country_of, allowed)
        rows = np.flatnonzero(candidate)
        window = top + max(SLACK, top)
        if len(rows) > window:
            rows = rows[np.argpartition(-score[rows], window)[:window]]
        return [self.features[row] for row in rows]


def bm25_frequencies(counts: np.ndarray, lengths: np.ndarray, average_length: float) -> np.ndarray:
    """`scoring.bm25_frequency` over arrays."""
    norm = 1 - BM25_B + BM25_B * (lengths / average_length if average_length else 1.0)
    return counts * (BM25_K1 + 1) / (counts + BM25_K1 * norm)


def _join(postings: dict[str, tuple[np.ndarray, np.ndarray]], new: dict[str, tuple[list, list]]) -> None:
    for key, (rows, values) in new.items():
        rows_array, values_array = np.array(rows, dtype=np.int32), np.array(values, dtype=np.float64)
        if key in postings:
            posted, posted_values = postings[key]
            rows_array = np.concatenate([posted, rows_array])
            values_array = np.concatenate([posted_values, values_array])
        postings[key] = (rows_array, values_array)


_lock = threading.Lock()
_cached: EmbeddedIndex | None = None

# Above this share of changed institutions (and this many), loading everything again is quicker than
# patching.
PATCH_LIMIT = 0.2
PATCH_ALWAYS = 50


def current_index() -> EmbeddedIndex:
    """The in-memory index, brought up to date when another save has moved the version: patched when the
    version only moved on, loaded again when it went back (a rollback, a flushed database)."""
    global _cached
    version, stamp = IndexVersion.state()
    if in_transaction():
        return load_index(version)
    with _lock:
        if _cached is None or version <= _cached.version and stamp != _cached.stamp:
            _cached = load_index(version)
        elif version > _cached.version:
            _cached = refresh_index(_cached, version)
        _cached.stamp = stamp
        return _cached


# Features of an institution → where its profile row keeps them.
FEATURE_COLUMNS = {
    "institution_id": "institution_id",
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


def profile_rows(**filters):
    """(pk, index version of its last change, features) of the profiles of institutions anyone may find."""
    for pk, changed_in, _findable, features in _rows(public_institutions("institution__"), **filters):
        yield pk, changed_in, features


def _rows(*conditions, **filters):
    findable = Case(
        When(public_institutions("institution__"), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    rows = (
        InstitutionProfile.objects.filter(*conditions, **filters)
        .annotate(findable=findable)
        .values_list("institution_id", "index_version", "findable", *FEATURE_COLUMNS.values())
    )
    for pk, changed_in, is_findable, *values in rows.iterator(chunk_size=2000):
        features = InstitutionFeatures(**dict(zip(FEATURE_COLUMNS, values, strict=True)))
        yield pk, changed_in, is_findable, features


def load_index(version: int) -> EmbeddedIndex:
    index = EmbeddedIndex(country_strengths(), version)
    rows = list(profile_rows())
    index.put([(pk, features) for pk, _, features in rows])
    index.loaded_through = max((changed_in for _, changed_in, _ in rows), default=0)
    return index


def refresh_index(index: EmbeddedIndex, version: int) -> EmbeddedIndex:
    """Patch the index with the profiles changed since it was loaded: admitted institutions join or are
    replaced, the others leave (every change of status or publication rebuilds the profile). Load
    everything again when much has changed, or when the count of admitted institutions disagrees (one
    was deleted, or changed without a save)."""
    changed = list(_rows(index_version__gt=index.loaded_through))
    admitted_count = InstitutionProfile.objects.filter(public_institutions("institution__")).count()
    if len(changed) > max(PATCH_ALWAYS, PATCH_LIMIT * admitted_count):
        return load_index(version)
    index.remove({pk for pk, _, admitted, _ in changed if not admitted})
    index.put([(pk, features) for pk, _, admitted, features in changed if admitted])
    if len(index.row_of) != admitted_count:
        return load_index(version)
    index.loaded_through = max([index.loaded_through, *(changed_in for _, changed_in, _, _ in changed)])
    index.strengths = country_strengths()
    index.version = version
    return index


class EmbeddedEngine:
    name = "embedded"

    def candidates(self, query: DemandQuery, top: int) -> tuple[list[Term], list[InstitutionFeatures]]:
        index = current_index()
        terms = build_terms(query, index.idf(query.tokens), index.average_length, index.strengths)
        return terms, index.search(query, terms, top)

    def scoring_terms(self, queries: list[DemandQuery]) -> list[list[Term]]:
        """Each demand's terms, as `candidates` builds them."""
        index = current_index()
        return [build_terms(q, index.idf(q.tokens), index.average_length, index.strengths) for q in queries]

    def admitted(self, external_id: str) -> InstitutionFeatures | None:
        return current_index().admitted(external_id)
