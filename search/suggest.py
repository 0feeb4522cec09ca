"""Suggestions as a person types: the public institutions (by either language's name), the taxonomy's
fields (names and synonyms) and the countries whose words begin with what was typed.

What is typed goes through the analyser's own cut (`analysis.analyse`: lower case, the Latin word pattern,
the stemmer), so a suggestion is found by the words matching finds. Every English word typed must begin a
word of the name (or its stem); Chinese typed is looked for anywhere in a Chinese name, since a Chinese
prefix is rarely a whole word yet (`慕尼` of 慕尼黑, `工业大学` inside 慕尼黑工业大学).

The entries are read once per catalogue stamp (catalog.cache), so a change to the catalogue is suggested
from the next keystroke on, and each keystroke costs a few dictionary look-ups and one page query."""

from __future__ import annotations

import bisect
import heapq
import threading
from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from catalog.cache import catalogue_stamp
from catalog.text import reader_is_chinese
from search.analysis import _CJK_RUN, analyse

# Longer input says nothing more to a typeahead and costs jieba and the scan more: it is cut to this.
MAX_QUERY_LENGTH = 60
MAX_RESULTS = 8
MIN_LATIN_PREFIX = 2
# At most this many of one kind, so that one word shared by many institutions leaves room for a field.
MAX_PER_KIND = 5
KIND_ORDER = {"field": 0, "country": 1, "institution": 2}


@dataclass(frozen=True)
class Entry:
    """Something that can be suggested: its kind, its key (an institution's page id, a field's or a
    country's code), its names and every text it is found by."""

    kind: str
    key: str | int
    name_zh: str
    name_en: str
    texts: tuple[str, ...]

    def name(self) -> str:
        first, second = (self.name_zh, self.name_en) if reader_is_chinese() else (self.name_en, self.name_zh)
        return first or second


@dataclass
class SuggestIndex:
    """Sorted (word, entry) pairs for English prefixes, and the Chinese texts for substrings."""

    entries: list[Entry]
    words: list[tuple[str, int]]
    words_of: list[frozenset[str]]
    chinese_of: list[str]
    # Each Chinese character → the entries whose Chinese texts hold it, so a Chinese query reads a few
    # entries, not the catalogue.
    with_character: dict[str, set[int]]
    # Each entry's names in lower case, and the rest of its place in a ranking (kind, length, name).
    order_of: list[tuple[tuple[str, str], tuple[int, int, str]]]

    @classmethod
    def build(cls, entries: list[Entry]) -> SuggestIndex:
        words: list[tuple[str, int]] = []
        words_of: list[frozenset[str]] = []
        chinese_of: list[str] = []
        with_character: dict[str, set[int]] = {}
        for number, entry in enumerate(entries):
            own: set[str] = set()
            chinese: list[str] = []
            for text in entry.texts:
                # The Latin words only: the Chinese runs are kept whole, so jieba need not cut them.
                analysis = analyse(_CJK_RUN.sub(" ", text.lower()))
                own.update(analysis.english)
                own.update(analysis.stems)
                chinese += _CJK_RUN.findall(text)
            words_of.append(frozenset(own))
            chinese_of.append("\n".join(chinese))
            for character in set("".join(chinese)):
                with_character.setdefault(character, set()).add(number)
            words += [(word, number) for word in own]
        words.sort()
        order_of = [
            (
                (entry.name_zh.lower(), entry.name_en.lower()),
                (KIND_ORDER[entry.kind], len(entry.name_en or entry.name_zh), entry.name_en),
            )
            for entry in entries
        ]
        return cls(entries, words, words_of, chinese_of, with_character, order_of)

    def beginning(self, prefix: str) -> set[int]:
        """The entries with a word that begins with `prefix`."""
        start = bisect.bisect_left(self.words, (prefix, -1))
        found = set()
        for word, number in self.words[start:]:
            if not word.startswith(prefix):
                break
            found.add(number)
        return found

    def find(self, query: str) -> list[Entry]:
        query = query[:MAX_QUERY_LENGTH].lower()
        english = analyse(_CJK_RUN.sub(" ", query)).english
        chinese = _CJK_RUN.findall(query)
        # One Latin letter begins a word of most names: it says nothing yet.
        if not chinese and max((len(word) for word in english), default=0) < MIN_LATIN_PREFIX:
            return []
        candidates: set[int] | None = None
        if chinese:
            # The entries holding every character typed, the rarest character's first.
            sets = sorted((self.with_character.get(c, set()) for c in set("".join(chinese))), key=len)
            candidates = set(sets[0]).intersection(*sets[1:])
            candidates = {n for n in candidates if all(run in self.chinese_of[n] for run in chinese)}
        if english:
            # The longest word narrows the candidates most.
            first, *others = sorted(english, key=len, reverse=True)
            beginning = self.beginning(first)
            candidates = beginning if candidates is None else candidates & beginning
            candidates = {
                n for n in candidates if all(any(w.startswith(o) for w in self.words_of[n]) for o in others)
            }
        return self.ranked(candidates or (), query.strip())

    def ranked(self, numbers, query: str) -> list[Entry]:
        def order(number: int):
            # A name that begins with what was typed first, then fields before countries before institutions,
            # shorter names first.
            names, rest = self.order_of[number]
            return (not (names[0].startswith(query) or names[1].startswith(query)), *rest)

        # The best MAX_PER_KIND of each kind (a partial sort: a short prefix may match thousands), then
        # the best MAX_RESULTS of those.
        by_kind: dict[str, list[int]] = {}
        for number in numbers:
            by_kind.setdefault(self.entries[number].kind, []).append(number)
        best = [n for kind in by_kind.values() for n in heapq.nsmallest(MAX_PER_KIND, kind, key=order)]
        return [self.entries[number] for number in sorted(best, key=order)[:MAX_RESULTS]]


def catalogue_entries() -> list[Entry]:
    """The entries of the catalogue as the public may find it: fields, countries with a public institution,
    public institutions."""
    from catalog.models import Country, Field, Institution
    from catalog.querysets import public_institutions

    entries = [
        Entry("field", f.code, f.name_zh, f.name_en, (f.name_zh, f.name_en, *(f.synonyms or [])))
        for f in Field.objects.only("code", "name_zh", "name_en", "synonyms")
    ]
    entries += [
        Entry("country", c.code, c.name_zh, c.name_en, (c.name_zh, c.name_en))
        for c in Country.objects.filter(public_institutions("institutions__")).distinct()
    ]
    entries += [
        Entry("institution", pk, name_zh, name_en or title, (name_zh, name_en, title))
        for pk, name_zh, name_en, title in Institution.objects.public().values_list(
            "pk", "name_zh", "name_en", "title"
        )
    ]
    return entries


_lock = threading.Lock()
_built: tuple[str, SuggestIndex] | None = None


def suggest_index() -> SuggestIndex:
    """The index of the current catalogue, built again once the catalogue's stamp has moved."""
    global _built
    stamp = catalogue_stamp()
    with _lock:
        if _built is None or _built[0] != stamp:
            _built = (stamp, SuggestIndex.build(catalogue_entries()))
        return _built[1]


def suggestions(query: str) -> list[dict]:
    """What to suggest for `query`, in the active language: each with its kind, its name, the name in the
    other language, the kind's label, and where it leads (an institution's page; the directory filtered by
    the field or country), with `param`/`value` for a form that takes the code itself."""
    from catalog.models import Institution, InstitutionIndexPage

    found = suggest_index().find(query)
    if not found:
        return []
    pages = Institution.objects.in_bulk([e.key for e in found if e.kind == "institution"])
    directory = InstitutionIndexPage.objects.live().first()
    directory_url = directory.url if directory else ""
    labels = {"field": pgettext("subject", "Field"), "country": _("Country"), "institution": _("Institution")}
    results = []
    for entry in found:
        if entry.kind == "institution":
            page = pages.get(entry.key)
            if page is None:
                continue
            url, param, value = page.url, "", ""
        else:
            param = "field" if entry.kind == "field" else "country"
            value = entry.key
            url = f"{directory_url}?{urlencode({param: value})}" if directory_url else ""
        name = entry.name()
        other = entry.name_en if name == entry.name_zh else entry.name_zh
        results.append(
            {
                "kind": entry.kind,
                "kind_label": labels[entry.kind],
                "name": name,
                "other_name": other if other != name else "",
                "url": url,
                "param": param,
                "value": value,
            }
        )
    return results
