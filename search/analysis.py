"""Text analysis for matching: Chinese or English text → tokens, and text → taxonomy fields with weights.

One analyser serves demands, institutions and courses. Chinese is segmented with jieba, with every
taxonomy term added to its dictionary so that a field's name or synonym comes out as one token. A demand's
words are expanded with their translations into the other language (the bilingual lexicon), so that it
reaches an institution that describes the same subject only in the other language."""

from __future__ import annotations

import functools
import logging
import math
import re
import threading
from collections import Counter
from dataclasses import dataclass, field

import jieba

jieba.setLogLevel(logging.WARNING)

_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_LATIN_WORD = re.compile(r"[a-z0-9][a-z0-9+#]*(?:\.[0-9]+)?")
_CJK = re.compile(r"[\u3400-\u9fff]")

# Words that say nothing about a topic; the catalogue's own frequencies (idf) weaken the rest.
ENGLISH_STOPWORDS = frozenset(
    "a an and are as at be by for from has have in into is it its of on or our that the their this to "
    "was we were will with within about over under more most than such other also new how who which "
    "training course courses programme programmes program programs provide provides offers offer "
    "including include includes based level levels experience practical".split()
)
CHINESE_STOPWORDS = frozenset(
    "的 与 和 及 等 在 对 为 以 了 是 并 中 其 将 从 由 向 或 及其 以及 通过 进行 开展 相关 方面 提供 "
    "培训 课程 项目 学习 能力 提升 提高 人员 研修 考察 我们 机构 方向 内容 需求 主要 必要性".split()
)

# Words a demand uses whatever its subject: they say how, not what. A demand's words leave them out (and
# do not translate them) unless it has no others; the catalogue's frequencies find the rest (scoring).
GENERIC_WORDS = frozenset(
    "研究 系统 管理 技术 质量 体系 服务 建设 发展 工作 水平 经验 先进 国际 国外 境外 应用 "
    "方法 模式 机制 实践 运行 综合 创新 单位 骨干 选派 我省 我市 我局 我厅 我区 我单位 我公司 "
    "拟 急需 research system management manage technology technique quality service "
    "development develop international foreign advanced application method practice innovation study work "
    "staff learn participant".split()
)


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def stem(word: str) -> str:
    """A light English stemmer: plurals and common suffixes, enough to join 'robots' and 'robot'."""
    if word.endswith("ss"):
        return word
    for suffix, replacement in (("ies", "y"), ("ing", ""), ("ed", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: len(word) - len(suffix)] + replacement
    return word


@dataclass(frozen=True)
class Analysis:
    """A text cut once: its English words (as written and stemmed, stop words kept so phrases match) and
    jieba's Chinese words. Tokens for relevance and fields for the taxonomy both read from it."""

    english: tuple[str, ...]
    stems: tuple[str, ...]
    chinese: tuple[str, ...]

    def words(self) -> list[tuple[str, str]]:
        """(token, the word as written) for relevance, so a reason can show the word, not its stem."""
        words = [
            (stemmed, word)
            for word, stemmed in zip(self.english, self.stems, strict=True)
            if word not in ENGLISH_STOPWORDS and len(word) > 1
        ]
        words += [(word, word) for word in self.chinese if len(word) > 1 and word not in CHINESE_STOPWORDS]
        return words

    def tokens(self) -> list[str]:
        return [token for token, _word in self.words()]


def analyse(text: str) -> Analysis:
    if not text:
        return Analysis((), (), ())
    text = text.lower()
    english = tuple(_LATIN_WORD.findall(_CJK_RUN.sub(" ", text)))
    chinese = tuple(
        word
        for run in _CJK_RUN.findall(text)
        for word in (_cut_for_search(run) if len(run) <= CACHED_RUN else jieba.cut_for_search(run))
    )
    return Analysis(english, tuple(stem(word) for word in english), chinese)


# The longest run of Chinese whose cut is kept: names and phrases repeat, long runs rarely do, and a bound
# keeps what anyone can send (a demand, a query) from filling a web worker's memory: at most 50,000 runs of
# 64 characters.
CACHED_RUN = 64


@functools.lru_cache(maxsize=50_000)
def _cut_for_search(run: str) -> tuple[str, ...]:
    # Catalogue texts repeat their runs of Chinese (an institution's name in its description and its
    # courses' titles, 培训 in most of them): jieba cuts each once. Emptied when jieba learns a word.
    return tuple(jieba.cut_for_search(run))


def tokenize(text: str) -> list[str]:
    """Words of a text for full-text relevance: stemmed English words and jieba's Chinese words."""
    return analyse(text).tokens()


def words_of(text: str) -> list[tuple[str, str]]:
    """Each word of a text as (token, the word as written)."""
    return analyse(text).words()


# What a translated word counts against a word the text really wrote (1): the lexicon's sense may not be
# the one meant, and a text in the other language may name the subject otherwise.
TRANSLATED = 0.5


def query_words(text: str, *, ignored: frozenset[str] = frozenset()) -> dict[str, tuple[str, float]]:
    """A demand's words for matching: token → (the word to show, its weight). The words it wrote weigh 1;
    their translations into the other language TRANSLATED, shown with the word they translate. Generic
    words and the `ignored` tokens (the countries' names: the destination signal reads those) are left
    out, unless nothing else is left.

    The demand is expanded, not the institutions: the index keeps one entry per word written, a better
    lexicon needs no re-indexing, and both engines receive the same words before the query is built."""
    words: dict[str, tuple[str, float]] = {}
    for token, word in words_of(text):
        words.setdefault(token, (word, 1.0))
    kept = {token: word for token, word in words.items() if not is_generic(token) and token not in ignored}
    if not kept:
        return words
    for token, shown in translated_words(text):
        if not is_generic(token) and token not in ignored:
            kept.setdefault(token, (shown, TRANSLATED))
    return kept


def translated_words(text: str) -> list[tuple[str, str]]:
    """The tokens of a text's translations, each with "translation (the words translated)": Chinese words
    and phrases (jieba's precise cut) into English, English words and phrases into Chinese, each phrase
    before its words. Generic words are not translated."""
    from search.lexicon import lexicon  # the lexicon is built with this module's stemmer and stop words

    found: list[tuple[str, str]] = []
    lexicon_ = lexicon()
    text = text.lower()
    for run in _CJK_RUN.findall(text):
        for phrase, english in lexicon_.translate_chinese(jieba.lcut(run)):
            if not is_generic(phrase):
                found += [
                    (token, f"{translation} ({phrase})")
                    for translation in english
                    for token in _tokens(translation)
                ]
    english_words = _LATIN_WORD.findall(_CJK_RUN.sub(" ", text))
    stems = [stem(word) for word in english_words if word not in ENGLISH_STOPWORDS and len(word) > 1]
    for phrase, chinese in lexicon_.translate_english(stems):
        if not is_generic(phrase):
            found += [
                (token, f"{translation} ({phrase})")
                for translation in chinese
                for token in _tokens(translation)
            ]
    return found


@functools.lru_cache(maxsize=20_000)
def _tokens(text: str) -> tuple[str, ...]:
    # The same translations come back demand after demand.
    return tuple(tokenize(text))


_GENERIC_TOKENS = frozenset(stem(word) for word in GENERIC_WORDS)
_SAYS_NOTHING = _GENERIC_TOKENS | CHINESE_STOPWORDS


@functools.lru_cache(maxsize=20_000)
def is_generic(token: str) -> bool:
    """A generic word, or a Chinese word made only of generic and stop words (技术培训, 管理体系)."""
    if token in _GENERIC_TOKENS:
        return True
    if not has_cjk(token):
        return False
    # Can the word be cut, from its start, into words that say nothing?
    ends = {0}
    for end in range(1, len(token) + 1):
        if any(token[start:end] in _SAYS_NOTHING for start in ends):
            ends.add(end)
    return len(token) in ends


@dataclass(frozen=True)
class FieldTerms:
    """A field of the taxonomy as the analyser sees it: its code, parent and the terms that name it."""

    code: str
    parent: str | None
    terms: tuple[str, ...]


@dataclass
class FieldMatch:
    """How strongly a text speaks of a field, and which words showed it."""

    weight: float
    terms: list[str] = field(default_factory=list)


class Taxonomy:
    """The field taxonomy prepared for analysis: terms → fields, and each field's parent and children."""

    def __init__(self, fields: list[FieldTerms]):
        self.fields = {f.code: f for f in fields}
        self.parent = {f.code: f.parent for f in fields if f.parent in {g.code for g in fields}}
        self.children: dict[str, set[str]] = {}
        for child, parent in self.parent.items():
            self.children.setdefault(parent, set()).add(child)
        self._chinese: dict[str, set[str]] = {}
        self._english: dict[tuple[str, ...], set[str]] = {}
        for f in fields:
            for term in f.terms:
                term = term.strip().lower()
                if not term:
                    continue
                if has_cjk(term):
                    self._chinese.setdefault(term, set()).add(f.code)
                    _add_jieba_word(term)
                else:
                    words = tuple(stem(w) for w in _LATIN_WORD.findall(term))
                    if words:
                        self._english.setdefault(words, set()).add(f.code)
        # English phrases by their first word, so a text is scanned once, not once per phrase length.
        self._phrases_from: dict[str, list[tuple[str, ...]]] = {}
        for phrase in self._english:
            self._phrases_from.setdefault(phrase[0], []).append(phrase)

    def related(self, code: str) -> dict[str, float]:
        """A field, its parent and its children, with how much each counts as a match (1 or 0.5). Children
        come in code order, as the fields a term names do in `detect`: so that the reasons list fields that
        tie in the same order in every process (a set's order changes with the hash seed)."""
        related = {code: 1.0}
        if code in self.parent:
            related.setdefault(self.parent[code], 0.5)
        for child in sorted(self.children.get(code, ())):
            related.setdefault(child, 0.5)
        return related

    def detect(self, text: str | Analysis) -> dict[str, FieldMatch]:
        """The fields a text speaks of; a field named by several terms, or often, weighs more."""
        analysis = text if isinstance(text, Analysis) else analyse(text)
        hits: dict[str, Counter] = {}
        for word in analysis.chinese:
            for code in sorted(self._chinese.get(word, ())):
                hits.setdefault(code, Counter())[word] += 1
        stems = analysis.stems
        for start, first in enumerate(stems):
            for phrase in self._phrases_from.get(first, ()):
                if stems[start : start + len(phrase)] == phrase:
                    for code in sorted(self._english[phrase]):
                        hits.setdefault(code, Counter())[" ".join(phrase)] += 1
        return {
            code: FieldMatch(weight=_detected_weight(counter), terms=sorted(counter))
            for code, counter in hits.items()
        }


def _detected_weight(counter: Counter) -> float:
    """One mention is a hint (0.5); distinct terms or repeated mentions make it a strong signal (up to 1)."""
    distinct = len(counter)
    mentions = sum(counter.values())
    return min(1.0, 0.5 + 0.25 * (distinct - 1) + 0.1 * (mentions - distinct))


_jieba_lock = threading.Lock()
_jieba_words: set[str] = set()


def _add_jieba_word(term: str) -> None:
    with _jieba_lock:
        if term not in _jieba_words:
            jieba.add_word(term, freq=max(jieba.get_FREQ(term) or 0, 20000))
            _jieba_words.add(term)
            _cut_for_search.cache_clear()  # a run may now be cut otherwise


def idf(document_frequency: int, documents: int) -> float:
    """BM25's inverse document frequency, never negative."""
    return math.log(1 + (documents - document_frequency + 0.5) / (document_frequency + 0.5))
