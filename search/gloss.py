"""A glossary of a Chinese text's key terms, for readers of English: each word that says something about
the subject, with the English the taxonomy or the bilingual lexicon gives it. It is a reading aid shown
when a unit wrote no English, and every page that shows it says it is no translation."""

from __future__ import annotations

from dataclasses import dataclass

import jieba

from search.analysis import _CJK_RUN, CHINESE_STOPWORDS, is_generic
from search.lexicon import MAX_JOINED_WORDS
from search.profiles import country_words, load_taxonomy

# A glossary longer than this is read as a translation, which it is not.
MAX_TERMS = 16


@dataclass(frozen=True)
class GlossEntry:
    """A Chinese term and its English glosses."""

    term: str
    english: tuple[str, ...]


def gloss(*texts: str, limit: int = MAX_TERMS) -> list[GlossEntry]:
    """The key terms of the texts in their order, each once, with their English: a field's English name
    where the term names a field of the taxonomy, else the lexicon's translations (phrases before words).
    Generic words, stop words and countries' names are left out; so are terms without any English."""
    from search.lexicon import lexicon

    taxonomy = load_taxonomy()
    field_names = _field_names(taxonomy)
    countries = country_words()
    entries: list[GlossEntry] = []
    seen: set[str] = set()
    for text in texts:
        for run in _CJK_RUN.findall((text or "").lower()):
            words = jieba.lcut(run)
            for phrase, english in _named_or_translated(words, field_names, lexicon()):
                if phrase in seen or phrase in CHINESE_STOPWORDS or phrase in countries or is_generic(phrase):
                    continue
                seen.add(phrase)
                entries.append(GlossEntry(phrase, english))
                if len(entries) >= limit:
                    return entries
    return entries


def _field_names(taxonomy) -> dict[str, tuple[str, ...]]:
    """Chinese terms of the taxonomy (names and synonyms) → the English names of their fields."""
    from catalog.models import Field

    english = dict(Field.objects.values_list("code", "name_en"))
    names: dict[str, tuple[str, ...]] = {}
    for code, field in taxonomy.fields.items():
        for term in field.terms:
            term = term.strip().lower()
            if term and _CJK_RUN.fullmatch(term) and english.get(code):
                names[term] = (*names.get(term, ()), english[code])
    return names


def _named_or_translated(words: list[str], field_names, lexicon_) -> list[tuple[str, tuple[str, ...]]]:
    """The text's terms with their English, the longest run of words (up to MAX_JOINED_WORDS) that the
    taxonomy names or the lexicon knows first; a long word neither knows is glossed by its parts."""
    found: list[tuple[str, tuple[str, ...]]] = []
    start = 0
    while start < len(words):
        for end in range(min(len(words), start + MAX_JOINED_WORDS), start, -1):
            phrase = "".join(words[start:end])
            english = field_names.get(phrase) or lexicon_.to_english(phrase)
            if english:
                found.append((phrase, english))
                start = end
                break
        else:
            found += lexicon_.translate_chinese(words[start : start + 1])
            start += 1
    return found
