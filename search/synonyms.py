"""The taxonomy learns from the catalogue: words (and their translations, from the bilingual lexicon) that
institutions stating a field use far more often than the others are suggested as the field's synonyms.
The office accepts or rejects each one (search/views.py); nothing reaches a ranking before a person
has accepted it, and an accepted one reaches it at once, as an edit of the field's synonyms does."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from catalog.models import Field, InstitutionSpecialty
from catalog.querysets import public_institutions
from search.analysis import has_cjk, is_generic, tokenize
from search.models import InstitutionProfile, SuggestionLanguage, SuggestionStatus, SynonymSuggestion
from search.profiles import country_words, load_taxonomy

# A specialty the institution states with at least this weight marks it as one of the field's.
STATED_WEIGHT = 0.5
# At least this many of the field's institutions must use a word: a word of one or two is their own.
MIN_EVIDENCE = 3
# Dunning's log-likelihood ratio (G², one degree of freedom): 10.83 is chance at p < 0.001.
MIN_SCORE = 10.83
# The field's institutions use the word at least this many times as often as the catalogue does.
MIN_LIFT = 2.0
# The strongest suggestions kept per field: the office reads them, and a long tail says little.
PER_FIELD = 15


@dataclass(frozen=True)
class Candidate:
    """A term suggested for a field, with the statistics that suggest it."""

    field_id: int
    term: str
    translates: str
    score: float
    evidence: int
    users: int

    @property
    def language(self) -> str:
        return SuggestionLanguage.CHINESE if has_cjk(self.term) else SuggestionLanguage.ENGLISH


def log_likelihood(both: int, with_field: int, with_term: int, total: int) -> float:
    """Dunning's G² of a 2×2 table: documents with or without the field, using the term or not."""
    table = (
        (both, with_field - both),
        (with_term - both, total - with_field - with_term + both),
    )
    rows = (with_field, total - with_field)
    columns = (with_term, total - with_term)
    g2 = 0.0
    for i in range(2):
        for j in range(2):
            observed = table[i][j]
            expected = rows[i] * columns[j] / total
            if observed > 0 and expected > 0:
                g2 += observed * math.log(observed / expected)
    return 2 * g2


def _translations(token: str) -> tuple[str, ...]:
    """A word's translations into the other language, as terms a field's synonyms can hold (English
    phrases, Chinese words); none for generic words."""
    from search.lexicon import lexicon

    if is_generic(token):
        return ()
    if has_cjk(token):
        return lexicon().to_english(token)
    return lexicon().to_chinese((token,))


def documents() -> tuple[dict[int, set[str]], dict[int, set[int]], dict[str, set[str]]]:
    """For each findable institution that states specialties: the terms it uses (its words, and their
    translations) and the fields it states; and each translated term with the words it translates."""
    fields: dict[int, set[int]] = defaultdict(set)
    specialties = InstitutionSpecialty.objects.filter(
        public_institutions("institution__"), weight__gte=STATED_WEIGHT
    ).values_list("institution_id", "field_id")
    for institution_id, field_id in specialties:
        fields[institution_id].add(field_id)
    translated_from: dict[str, set[str]] = defaultdict(set)
    translations: dict[str, tuple[str, ...]] = {}
    terms: dict[int, set[str]] = {}
    profiles = InstitutionProfile.objects.filter(institution_id__in=list(fields)).values_list(
        "institution_id", "token_counts"
    )
    for institution_id, counts in profiles.iterator(chunk_size=2000):
        words = set(counts)
        used = set(words)
        for word in words:
            if word not in translations:
                translations[word] = _translations(word)
            for term in translations[word]:
                if term not in words:
                    used.add(term)
                    translated_from[term].add(word)
        terms[institution_id] = used
    return terms, fields, translated_from


def compute() -> list[Candidate]:
    """The suggestions the catalogue makes now, strongest first within each field."""
    terms, fields, translated_from = documents()
    total = len(terms)
    if not total:
        return []
    users = Counter(term for used in terms.values() for term in used)
    together: dict[int, Counter] = defaultdict(Counter)
    holders = Counter()
    for institution_id, used in terms.items():
        for field_id in fields[institution_id]:
            holders[field_id] += 1
            together[field_id].update(used)
    taxonomy = load_taxonomy()
    codes = dict(Field.objects.values_list("pk", "code"))
    decided = set(
        SynonymSuggestion.objects.exclude(status=SuggestionStatus.PENDING).values_list("field_id", "term")
    )
    countries = country_words()
    found: list[Candidate] = []
    for field_id, counter in together.items():
        with_field = holders[field_id]
        kept: list[Candidate] = []
        for term, both in counter.items():
            if both < MIN_EVIDENCE or (field_id, term) in decided:
                continue
            lift = both * total / (with_field * users[term])
            if lift < MIN_LIFT:
                continue
            score = log_likelihood(both, with_field, users[term], total)
            if score < MIN_SCORE or not _telling(term, countries):
                continue
            if codes.get(field_id) in taxonomy.detect(term):
                continue  # the taxonomy already reads this term as the field (its name or a synonym)
            named = named_parts(taxonomy, codes.get(field_id))
            sources = translated_from.get(term, set())
            if part_of(term, named) or (sources and all(part_of(word, named) for word in sources)):
                continue  # a piece of the field's own name (人工 of 人工智能), or a translation of one
            via = ", ".join(sorted(sources)[:3])
            kept.append(Candidate(field_id, term, via, round(score, 2), both, users[term]))
        kept.sort(key=lambda c: (-c.score, c.term))
        found += kept[:PER_FIELD]
    return found


def named_parts(taxonomy, code: str | None) -> tuple[tuple[str, ...], frozenset[str]]:
    """The Chinese terms that name a field, and the (stemmed) English words of those that do."""
    terms = [t.strip().lower() for t in (taxonomy.fields[code].terms if code in taxonomy.fields else ())]
    chinese = tuple(t for t in terms if has_cjk(t))
    english = frozenset(token for t in terms if not has_cjk(t) for token in tokenize(t))
    return chinese, english


def part_of(term: str, named: tuple[tuple[str, ...], frozenset[str]]) -> bool:
    """A term that is only a piece of the field's names: its institutions use it because they name the
    field (jieba cuts 人工 and 智能 out of 人工智能), not because it is another word for it."""
    chinese, english = named
    if has_cjk(term):
        return any(term in name for name in chinese)
    tokens = tokenize(term)
    return bool(tokens) and all(token in english for token in tokens)


def _telling(term: str, countries: frozenset[str]) -> bool:
    """A term that says something about a subject: not a stop, generic or country word, not a number."""
    tokens = tokenize(term)
    if not tokens or any(token.isdigit() for token in tokens):
        return False
    return not all(is_generic(token) or token in countries for token in tokens)


def refresh() -> int:
    """Compute the suggestions again: pending ones are replaced, decided ones stay as the office left them
    (a rejected term is not suggested again). Returns how many are pending."""
    candidates = compute()
    with transaction.atomic():
        SynonymSuggestion.objects.filter(status=SuggestionStatus.PENDING).delete()
        SynonymSuggestion.objects.bulk_create(
            [
                SynonymSuggestion(
                    field_id=c.field_id,
                    term=c.term[:120],
                    language=c.language,
                    translates=c.translates[:255],
                    score=c.score,
                    evidence=c.evidence,
                    users=c.users,
                )
                for c in candidates
            ],
            batch_size=500,
            ignore_conflicts=True,
        )
    return len(candidates)


def decide(suggestion_id: int, *, accept: bool, by) -> SynonymSuggestion | None:
    """Accept or reject a pending suggestion; None when it is no longer pending. Accepting adds the term to
    the field's synonyms and saves the field, which moves the taxonomy stamp (demands are read with it at
    once) and queues the rebuild of the institutions' profiles (search/signals.py: taxonomy_changed)."""
    with transaction.atomic():
        suggestion = (
            SynonymSuggestion.objects.select_for_update()
            .filter(pk=suggestion_id, status=SuggestionStatus.PENDING)
            .first()
        )
        if suggestion is None:
            return None
        if accept:
            field = Field.objects.select_for_update().get(pk=suggestion.field_id)
            if suggestion.term.lower() not in {synonym.lower() for synonym in field.synonyms}:
                field.synonyms = [*field.synonyms, suggestion.term]
                field.save(update_fields=["synonyms"])
        suggestion.status = SuggestionStatus.ACCEPTED if accept else SuggestionStatus.REJECTED
        suggestion.decided_by = by
        suggestion.decided_at = timezone.now()
        suggestion.save(update_fields=["status", "decided_by", "decided_at"])
    return suggestion
