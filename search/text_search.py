"""One text search for every search box of the portal: the directory, the course library, the outcome
showcase, the demand board and the site-wide search page all read what was typed as a demand is read
(search/ranking.py: build_query — the analyser's words, their translations from the bilingual lexicon and
the taxonomy's fields they name) and score with the matching formulas (search/scoring.py), so 风电 finds an
institution that writes only of wind turbines.

Institutions are searched in the embedded engine's index of their profiles. Other texts (courses, outcomes,
demands) are held in an index of the same kind, one per collection and process, built from the analysed
texts of the collection and built again when the collection's stamp moves."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from search.analysis import analyse
from search.cache import in_transaction
from search.demand import DemandRecord
from search.engines.embedded import EmbeddedIndex, current_index
from search.models import IndexVersion
from search.profiles import combined_specialties, load_taxonomy
from search.scoring import TOPIC_MIN, DemandQuery, InstitutionFeatures, Term, build_terms, score_signals

# The longest query read: a search box's words, not a document.
MAX_QUERY_LENGTH = 200
# The most results a search returns, best first: enough for any list a person pages through.
MAX_RESULTS = 500


@dataclass(frozen=True)
class Document:
    """A text to be found: its key, its texts (any language) and the taxonomy fields it is filed under."""

    key: int
    texts: tuple[str, ...]
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hit:
    """A document found: its key and how well it matches (the topic signal, 0 to 12)."""

    key: int
    score: float


def text_query(text: str) -> DemandQuery | None:
    """What was typed, read as the title of a demand; None when it holds no word to search for."""
    from search.ranking import build_query

    text = (text or "").strip()[:MAX_QUERY_LENGTH]
    if not text:
        return None
    query = build_query(DemandRecord(external_id="", title=text))
    return None if query.is_empty else query


def _topic_terms(query: DemandQuery, index: EmbeddedIndex) -> list[Term]:
    # Only the subject: a search box says nothing of destinations, and the record is no relevance.
    terms = build_terms(query, index.idf(query.tokens), index.average_length, {})
    return [term for term in terms if term.signal == "topic"]


def _search(index: EmbeddedIndex, query: DemandQuery) -> list[tuple[float, InstitutionFeatures]]:
    terms = _topic_terms(query, index)
    found = []
    for features in index.search(query, terms, MAX_RESULTS):
        topic = score_signals(terms, features)["topic"]
        if topic >= TOPIC_MIN:
            found.append((topic, features))
    found.sort(key=lambda item: (-item[0], item[1].external_id))
    return found[:MAX_RESULTS]


def search_institutions(text: str) -> list[Hit] | None:
    """Findable institutions about what was typed, best first (keys are external ids turned to pks by the
    caller's query); None when nothing searchable was typed."""
    query = text_query(text)
    if query is None:
        return None
    index = current_index()
    pk_of = index.pks_by_external_id()
    return [Hit(pk_of[f.external_id], score) for score, f in _search(index, query) if f.external_id in pk_of]


class TextCollection:
    """A collection of documents searched as institutions are: an EmbeddedIndex over their analysed texts
    (the document's key as its id, its fields as its specialties), built on first search and again when
    `stamp()` changes. Texts analysed once are remembered, so a rebuild analyses only what changed."""

    def __init__(self, name: str, documents: Callable[[], Iterable[Document]], stamp: Callable[[], str]):
        self.name = name
        self.documents = documents
        self.stamp = stamp
        self._lock = threading.Lock()
        self._index: EmbeddedIndex | None = None
        self._stamp: str | None = None
        self._analysed: dict[int, tuple[tuple[str, ...], str, Counter, dict]] = {}

    def index(self) -> EmbeddedIndex:
        if in_transaction():
            # What a transaction reads may yet roll back (and the stamp moves only after a commit).
            return self._build(remember=False)
        # Fields are detected in the texts, so a change of the taxonomy builds the index again too.
        stamp = f"{self.stamp()}:{IndexVersion.taxonomy_state()}"
        with self._lock:
            if self._index is None or stamp != self._stamp:
                self._index = self._build()
                self._stamp = stamp
            return self._index

    def _build(self, *, remember: bool = True) -> EmbeddedIndex:
        index = EmbeddedIndex({}, 0)
        taxonomy = load_taxonomy()
        state = IndexVersion.taxonomy_state()
        analysed: dict[int, tuple[tuple[str, ...], str, Counter, dict]] = {}
        entries = []
        for document in self.documents():
            known = self._analysed.get(document.key)
            if known and known[0] == document.texts and known[1] == state:
                counts, detected = known[2], known[3]
            else:
                analysis = analyse("\n".join(t for t in document.texts if t))
                counts, detected = Counter(analysis.tokens()), taxonomy.detect(analysis)
            analysed[document.key] = (document.texts, state, counts, detected)
            entries.append((document.key, features_of(document, counts, detected)))
        index.put(entries)
        if remember:
            self._analysed = analysed
        return index

    def search(self, text: str) -> list[Hit] | None:
        """Documents about what was typed, best first; None when nothing searchable was typed."""
        query = text_query(text)
        if query is None:
            return None
        return [Hit(int(f.external_id), score) for score, f in _search(self.index(), query)]


def features_of(document: Document, counts: Counter, detected: dict) -> InstitutionFeatures:
    """A document as the engine's features: its words, the fields it is filed under and those its texts
    speak of (weighed as an institution's: search/profiles.py), and no country, record or cooperation."""
    specialties, sources = combined_specialties(dict.fromkeys(document.fields, 1.0), set(), detected)
    return InstitutionFeatures(
        institution_id=document.key,
        external_id=str(document.key),
        name_en="",
        name_zh="",
        country="",
        cooperating=False,
        specialties=specialties,
        specialty_sources=sources,
        token_counts=dict(counts),
        length=sum(counts.values()),
        quality=0.0,
        rating_mean=None,
        rating_count=0,
    )


def keys(hits: list[Hit] | None) -> list[int] | None:
    """The keys of the hits, best first; None stays None (nothing searchable was typed)."""
    return None if hits is None else [hit.key for hit in hits]


def register() -> None:
    """Hand the catalogue's lists their text search (catalog/filters.py: TEXT_SEARCH), which the catalogue
    may not import itself: the search room knows the catalogue, not the other way round."""
    from catalog.filters import TEXT_SEARCH

    TEXT_SEARCH["institutions"] = lambda text: keys(search_institutions(text))
    TEXT_SEARCH["courses"] = lambda text: keys(courses.search(text))
    TEXT_SEARCH["outcomes"] = lambda text: keys(outcomes.search(text))
    TEXT_SEARCH["institutions-all"] = lambda text: keys(all_institutions.search(text))


def _fields_by(through, key: str) -> dict[int, list[str]]:
    fields: dict[int, list[str]] = {}
    for pk, code in through.objects.values_list(key, "field__code"):
        fields.setdefault(pk, []).append(code)
    return fields


def course_documents() -> Iterable[Document]:
    """Courses anyone may find: their titles and summaries, their provider's names, their fields."""
    from catalog.models import Course

    fields = _fields_by(Course.fields.through, "course_id")
    rows = Course.objects.public().values_list(
        "pk", "title_en", "title_zh", "summary_en", "summary_zh", "provider__name_en", "provider__name_zh"
    )
    for pk, *texts in rows.iterator(chunk_size=2000):
        yield Document(pk, tuple(texts), tuple(sorted(fields.get(pk, ()))))


def outcome_documents() -> Iterable[Document]:
    """Published outcomes: titles, summaries, benefits, the organizing unit, the institutions' names."""
    from catalog.models import Outcome

    fields = _fields_by(Outcome.fields.through, "outcome_id")
    names: dict[int, list[str]] = {}
    for pk, name_en, name_zh in Outcome.institutions.through.objects.values_list(
        "outcome_id", "institution__name_en", "institution__name_zh"
    ):
        names.setdefault(pk, []).extend([name_en, name_zh])
    rows = Outcome.objects.public().values_list(
        "pk",
        "title_zh",
        "title_en",
        "summary_zh",
        "summary_en",
        "economic_benefit",
        "social_benefit",
        "organizing_unit",
    )
    for pk, *texts in rows.iterator(chunk_size=2000):
        yield Document(pk, (*texts, *names.get(pk, ())), tuple(sorted(fields.get(pk, ()))))


def institution_documents() -> Iterable[Document]:
    """Every institution, whatever its status (the office's list searches them all): its names, external
    id, city, descriptions and the fields it states. Who may find which is the caller's queryset."""
    from catalog.models import Institution, InstitutionSpecialty

    fields = _fields_by(InstitutionSpecialty, "institution_id")
    rows = Institution.objects.values_list(
        "pk", "name_en", "name_zh", "external_id", "city", "description_en", "description_zh"
    )
    for pk, *texts in rows.iterator(chunk_size=2000):
        yield Document(pk, tuple(texts), tuple(sorted(fields.get(pk, ()))))


def _catalogue_stamp() -> str:
    from catalog.cache import catalogue_stamp

    return catalogue_stamp()


courses = TextCollection("courses", course_documents, _catalogue_stamp)
outcomes = TextCollection("outcomes", outcome_documents, _catalogue_stamp)
all_institutions = TextCollection("institutions", institution_documents, _catalogue_stamp)
