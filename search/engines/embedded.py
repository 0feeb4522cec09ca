"""The embedded engine: the institution profiles held in memory as posting lists, patched when the index
version in the database moves. Scores the demand's terms with NumPy, then explains the best few exactly."""

from __future__ import annotations

import dataclasses
import itertools
import marshal
import threading
from array import array
from collections.abc import Iterable

import numpy as np
from django.db.models import BooleanField, Case, Value, When

from catalog.querysets import public_institutions
from search.analysis import idf
from search.cache import in_transaction
from search.models import IndexVersion, InstitutionProfile
from search.profiles import country_strengths
from search.scoring import (
    TOPIC_MIN,
    DemandQuery,
    InstitutionFeatures,
    Term,
    build_terms,
    length_norm,
    saturated,
)

# Scored with NumPy, then the best `top + max(SLACK, top)` re-scored exactly by rank(), so near-ties
# order the same way in both engines.
SLACK = 10
# Institutions `put` unpacks at a time.
PUT_CHUNK = 2000


class EmbeddedIndex:
    """Posting lists over the profiles of admitted, live institutions. A save changes a few profiles, so
    the index is patched rather than rebuilt: rows of changed institutions leave the posting lists of
    their old words and fields and join those of their new ones; removed institutions are marked dead.
    Postings keep raw word counts, and BM25 is computed per query, so a changed average length needs no
    rebuild.

    Built for 100,000 institutions in a web worker: each row's features are kept packed (`_meta`: its
    names, fields and record as marshal bytes; `_words`: its words as vocabulary numbers and counts) and
    unpacked only for the few candidates a search returns, about 2.5 kB an institution where the
    features as Python objects took 7 kB (bench/match.py states the figure)."""

    def __init__(self, strengths: dict[str, dict[str, float]], version: int):
        self.strengths = strengths
        self.version = version
        self.features = _FeatureRows(self)  # row → InstitutionFeatures, unpacked when read
        self._meta: list[bytes] = []
        self._words: list[bytes] = []
        self._vocabulary: dict[str, int] = {}  # word → its number in `_words`
        self._spelling: list[str] = []  # number → word
        self.row_of: dict[int, int] = {}  # institution pk → row
        self._row_of_external: dict[str, int] = {}  # external id → row, of admitted rows
        self.alive = np.zeros(0, dtype=bool)
        self.quality = np.zeros(0)
        self.cooperating = np.zeros(0)
        self.length = np.zeros(0)
        self.country_of = np.zeros(0, dtype=np.int32)
        self.country_ids: dict[str, int] = {}
        self.fields: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # code → (rows, specialty weights)
        self.tokens: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # word → (rows, counts as int32)
        self.loaded_through = 0  # the index version of the newest profile this index holds
        self.stamp = ""  # the version's stamp when this copy was made
        self._changed()

    def _changed(self) -> None:
        # Every search reads the size and the average length (each word's idf too): counted once a change.
        self._size = int(self.alive.sum())
        self._average_length = float(self.length[self.alive].mean()) if self._size else 0.0
        self._norm: np.ndarray | None = None
        self._saturation: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # word → `_frequencies(word)`
        self._pks_by_external_id: dict[str, int] | None = None

    @property
    def size(self) -> int:
        return self._size

    @property
    def average_length(self) -> float:
        return self._average_length

    def _length_norm(self) -> np.ndarray:
        """BM25's length normalisation of every row, for the current average length."""
        if self._norm is None:
            self._norm = length_norm(self.length, self._average_length)
        return self._norm

    def put(self, entries: Iterable[tuple[int, InstitutionFeatures]]) -> None:
        """Add or replace institutions (pk, features). Read a chunk at a time, and their postings gathered
        in typed arrays, so that loading 100,000 profiles never holds them all as Python objects: each
        row's words join flat arrays (word number, row, count), sorted into posting lists a few million
        postings at a time."""
        field_rows: dict[str, tuple[array, array]] = {}
        words = _Postings()
        vocabulary, spelling = self._vocabulary, self._spelling
        entries = iter(entries)
        while chunk := list(itertools.islice(entries, PUT_CHUNK)):
            self._leave_postings([self.row_of[pk] for pk, _ in chunk if pk in self.row_of])
            grown = sum(1 for pk, _ in chunk if pk not in self.row_of)
            if grown:
                self._grow(grown)
            for pk, institution in chunk:
                meta, packed, numbers, counts = _pack(institution, vocabulary, spelling)
                row = self.row_of.get(pk)
                if row is None:
                    row = self.row_of[pk] = len(self._meta)
                    self._meta.append(meta)
                    self._words.append(packed)
                else:
                    self._meta[row] = meta
                    self._words[row] = packed
                self._row_of_external[institution.external_id] = row
                self.alive[row] = True
                self.quality[row] = institution.quality
                self.cooperating[row] = institution.cooperating
                self.length[row] = institution.length
                self.country_of[row] = self.country_ids.setdefault(institution.country, len(self.country_ids))
                for code, weight in institution.specialties.items():
                    if weight > 0:
                        rows, values = field_rows.setdefault(code, (array("i"), array("d")))
                        rows.append(row)
                        values.append(weight)
                words.add(row, numbers, counts)
            words.sort()
        _join(self.fields, field_rows, np.float64)
        for number, (rows, counts) in words.posting_lists().items():
            token = spelling[number]
            if token in self.tokens:
                posted, posted_counts = self.tokens[token]
                rows, counts = np.concatenate([posted, rows]), np.concatenate([posted_counts, counts])
            self.tokens[token] = (rows, counts)
        self._changed()

    def remove(self, pks: set[int]) -> None:
        rows = [self.row_of.pop(pk) for pk in pks if pk in self.row_of]
        self._leave_postings(rows)
        self.alive[rows] = False
        self._changed()

    def _leave_postings(self, rows: list[int]) -> None:
        if not rows:
            return
        dead = np.array(rows, dtype=np.int32)
        left = [self.features[row] for row in rows]
        for features in left:
            if self._row_of_external.get(features.external_id) in rows:
                del self._row_of_external[features.external_id]
        codes = {code for features in left for code in features.specialties}
        words = {token for features in left for token in features.token_counts}
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
        row = self._row_of_external.get(external_id)
        return self.features[row] if row is not None and self.alive[row] else None

    def pks_by_external_id(self) -> dict[str, int]:
        """Each admitted institution's pk by its external id (without unpacking a row)."""
        if self._pks_by_external_id is None:
            pk_at = {row: pk for pk, row in self.row_of.items()}
            self._pks_by_external_id = {
                external_id: pk_at[row] for external_id, row in self._row_of_external.items() if row in pk_at
            }
        return self._pks_by_external_id

    def document_frequencies(self, tokens: list[str]) -> dict[str, int]:
        return {token: len(self.tokens[token][0]) for token in tokens if token in self.tokens}

    def idf(self, tokens: list[str]) -> dict[str, float]:
        return {token: idf(df, self.size) for token, df in self.document_frequencies(tokens).items()}

    def _frequencies(self, token: str) -> tuple[np.ndarray, np.ndarray]:
        """`token`'s posting rows and BM25's saturated term frequency in each, for the current average
        length: worked out the first time a demand uses the word, then kept until the index changes (kept
        together, so that a search meanwhile never pairs one list's rows with another's frequencies)."""
        kept = self._saturation
        pair = kept.get(token)
        if pair is None:
            rows, counts = self.tokens[token]
            pair = kept[token] = (rows, saturated(counts, self._length_norm()[rows]))
        return pair

    def search(self, query: DemandQuery, terms: list[Term], top: int) -> list[InstitutionFeatures]:
        if not self.size:
            return []
        # Only rows in the posting lists of the demand's fields and words can reach TOPIC_MIN: the other
        # signals are added for those rows alone.
        topic = np.zeros(len(self._meta))
        # Each row is in one country: the countries' weights are gathered in one pass, not one per country.
        country_weights = np.zeros(len(self.country_ids))
        for term in terms:
            if term.kind == "field" and term.key in self.fields:
                rows, weights = self.fields[term.key]
                topic[rows] += term.weight * weights
            elif term.kind == "token" and term.key in self.tokens:
                rows, frequencies = self._frequencies(term.key)
                topic[rows] += term.weight * frequencies
            elif term.kind == "country" and term.key in self.country_ids:
                country_weights[self.country_ids[term.key]] += term.weight
        # A margin below the threshold: the exact re-scoring decides at the boundary.
        rows = np.flatnonzero(topic >= TOPIC_MIN - 1e-6)
        rows = rows[self.alive[rows]]
        countries = self.country_of[rows]
        if query.destinations_only:
            allowed = [self.country_ids[c] for c in query.destinations if c in self.country_ids]
            keep = np.isin(countries, allowed)
            rows, countries = rows[keep], countries[keep]
        # Added in the same order as rank() adds the signals, so near-ties compare as they do there.
        score = np.zeros(len(rows))
        if country_weights.any():
            score += country_weights[countries]
        for term in terms:
            if term.kind == "quality":
                score += term.weight * self.quality[rows]
            elif term.kind == "cooperating":
                score += term.weight * self.cooperating[rows]
        score += topic[rows]
        window = top + max(SLACK, top)
        if len(rows) > window:
            rows = rows[np.argpartition(-score, window)[:window]]
        return [self.features[row] for row in rows]


class _FeatureRows:
    """`index.features[row]`: the row's InstitutionFeatures, unpacked from the index's bytes."""

    def __init__(self, index: EmbeddedIndex):
        self.index = index

    def __len__(self) -> int:
        return len(self.index._meta)

    def __getitem__(self, row) -> InstitutionFeatures:
        index = self.index
        values = marshal.loads(index._meta[row])
        numbers = np.frombuffer(index._words[row], dtype=np.uint32)
        half = len(numbers) // 2
        spelling = index._spelling
        values[WORDS_AT] = dict(
            zip(
                [spelling[number] for number in numbers[:half].tolist()], numbers[half:].tolist(), strict=True
            )
        )
        return InstitutionFeatures(*values)


# The order of InstitutionFeatures' fields, as `_pack` keeps them.
FEATURE_FIELDS = [field.name for field in dataclasses.fields(InstitutionFeatures)]
WORDS_AT = FEATURE_FIELDS.index("token_counts")


def _pack(
    features: InstitutionFeatures, vocabulary: dict[str, int], spelling: list[str]
) -> tuple[bytes, bytes, array, array]:
    """A row's features as two byte strings: every value but the words (marshal), and the words as
    vocabulary numbers followed by their counts (uint32); and those numbers and counts. New words join
    the vocabulary."""
    values = [getattr(features, name) for name in FEATURE_FIELDS]
    values[WORDS_AT] = None
    token_counts = features.token_counts
    found = list(map(vocabulary.get, token_counts))
    if None in found:
        for at, token in enumerate(token_counts):
            if found[at] is None:
                found[at] = vocabulary[token] = len(spelling)
                spelling.append(token)
    numbers = array("I", found)
    counts = array("I", token_counts.values())
    return marshal.dumps(values), numbers.tobytes() + counts.tobytes(), numbers, counts


class _Postings:
    """The words of the rows `put` reads, gathered as flat arrays (word number, row, count) for a chunk of
    rows, then sorted by word into each word's posting list: its rows stay in the order they were read."""

    def __init__(self) -> None:
        self._numbers, self._rows, self._counts = array("I"), array("i"), array("I")
        self._lists: dict[int, tuple[array, array]] = {}  # word number → (rows, counts)

    def add(self, row: int, numbers: array, counts: array) -> None:
        self._numbers.extend(numbers)
        self._rows.extend(array("i", [row]) * len(numbers))
        self._counts.extend(counts)

    def sort(self) -> None:
        if not self._numbers:
            return
        numbers = np.frombuffer(self._numbers, dtype=np.uint32)
        order = np.argsort(numbers, kind="stable")
        numbers = numbers[order]
        rows = np.frombuffer(self._rows, dtype=np.int32)[order]
        counts = np.frombuffer(self._counts, dtype=np.uint32)[order].view(np.int32)
        self._numbers, self._rows, self._counts = array("I"), array("i"), array("I")
        starts = np.flatnonzero(np.concatenate([[True], numbers[1:] != numbers[:-1]]))
        ends = [*starts[1:].tolist(), len(numbers)]
        lists = self._lists
        for number, start, end in zip(numbers[starts].tolist(), starts.tolist(), ends, strict=True):
            posting = lists.get(number)
            if posting is None:
                posting = lists[number] = (array("i"), array("i"))
            posting[0].frombytes(rows[start:end].tobytes())
            posting[1].frombytes(counts[start:end].tobytes())

    def posting_lists(self) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        """Each word number's rows and counts (int32)."""
        self.sort()
        lists = {
            number: (np.frombuffer(rows, dtype=np.int32), np.frombuffer(counts, dtype=np.int32))
            for number, (rows, counts) in self._lists.items()
        }
        self._lists = {}
        return lists


def _join(
    postings: dict[str, tuple[np.ndarray, np.ndarray]], new: dict[str, tuple[array, array]], dtype
) -> None:
    for key, (rows, values) in new.items():
        rows_array, values_array = np.frombuffer(rows, dtype=np.int32), np.frombuffer(values, dtype=dtype)
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
    newest = [0]

    def entries():
        for pk, changed_in, features in profile_rows():
            newest[0] = max(newest[0], changed_in)
            yield pk, features

    index.put(entries())
    index.loaded_through = newest[0]
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
