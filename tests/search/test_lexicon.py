"""The bilingual lexicon: which senses of CC-CEDICT it keeps, phrases before words in both directions, and
one load per process."""

from __future__ import annotations

import threading

import jieba
import pytest

from search import lexicon as lexicon_module
from search.analysis import ENGLISH_STOPWORDS, analyse
from search.lexicon import build, gloss_words, lexicon, load


def english(text: str) -> list[tuple[str, tuple[str, ...]]]:
    analysis = analyse(text)
    stems = [s for w, s in zip(analysis.english, analysis.stems, strict=True) if w not in ENGLISH_STOPWORDS]
    return lexicon().translate_english(stems)


def chinese(text: str) -> list[tuple[str, tuple[str, ...]]]:
    return lexicon().translate_chinese(list(jieba.cut(text)))


def test_saline_alkali_land_is_saline_soil():
    words = " ".join(lexicon().to_english("盐碱地")).split()
    assert "saline" in words and "soil" in words


def test_coral_reef_both_ways():
    assert lexicon().to_english("珊瑚礁") == ("coral reef",)
    assert "珊瑚礁" in dict(english("coral reefs"))["coral reef"]


def test_air_traffic_control_is_translated_as_one_phrase_not_word_by_word():
    assert chinese("空中交通管制") == [("空中交通管制", ("air traffic control",))]
    assert english("air traffic control") == [("air traffic control", ("空中交通管制",))]


def test_bridge_health_monitoring_reaches_its_chinese_words():
    found = dict(english("bridge health monitoring"))
    assert "桥梁" in found["bridge"] and "健康" in found["health"] and "监测" in found["monitor"]


def test_a_long_word_the_dictionary_lacks_is_translated_by_its_parts():
    assert [phrase for phrase, _ in chinese("民航交通管理")] == ["民航", "交通", "管理"]


@pytest.mark.parametrize("word", ["和", "的", "与", "及", "等"])
def test_function_characters_are_never_glossed(word):
    assert lexicon().to_english(word) == ()
    assert chinese(f"桥梁{word}隧道") == [("桥梁", ("bridge",)), ("隧道", ("tunnel",))]


@pytest.mark.parametrize("word", ["正在", "目前", "进一步", "各国", "为了"])
def test_words_jieba_knows_as_function_words_are_never_glossed(word):
    assert lexicon().to_english(word) == ()


@pytest.mark.parametrize(
    "sense",
    [
        "CL:個|个[ge4]",
        "surname Wang",
        "variant of 冰[bing1]",
        "old variant of 和[he2]",
        "see also 的士[di1 shi4]",
        "abbr. for 空中交通管制",
        "(fig.) infertile woman",
        "(slang) methamphetamine",
        "Taiwan pr. [han4]",
        "classifier for rinses of clothes",
        "and",
        "(PRC law) non-custodial sentence with specified restrictions on one's activities for up to 3 years",
    ],
)
def test_senses_that_translate_nothing_are_skipped(sense):
    assert gloss_words(sense) is None


def test_a_sense_loses_its_parentheses_and_the_words_that_stand_for_someone():
    assert gloss_words("bridge (lit. and fig.)") == ("bridge",)
    assert gloss_words("to improve (sth)") == ("improve",)
    assert gloss_words("to keep a close watch over sb") == ("keep", "close", "watch")


# A small dictionary in CC-CEDICT's format: eight words mean "to help", "to support" and "to aid", so in it
# those are everyday English words, and "desalination" a word of a domain.
SMALL_CEDICT = "\n".join(
    [
        "# a small dictionary",
        "淡化 淡化 [dan4 hua4] /to help/to support/to aid/desalination/",
        *(
            f"{w} {w} [x] /to help/to support/to aid/"
            for w in "帮助 支持 援助 协助 辅助 帮忙 扶助 赞助".split()
        ),
        "和 和 [he2] /and/together with/peace/",
        "冰川 冰川 [bing1 chuan1] /glacier/",
        "冰河 冰河 [bing1 he2] /glacier/",
    ]
)


@pytest.fixture
def small_cedict(tmp_path, monkeypatch):
    path = tmp_path / "cedict.txt"
    path.write_text(SMALL_CEDICT, encoding="utf-8")
    monkeypatch.setattr(lexicon_module, "cedict_path", lambda: path)
    return path


def test_a_rare_later_sense_is_kept_before_everyday_ones(small_cedict):
    small = build(small_cedict)
    assert small.to_english("淡化") == ("help", "support", "desalination")
    assert small.to_english("和") == ()


def test_english_goes_first_to_the_chinese_word_more_common_in_chinese(small_cedict):
    assert build(small_cedict).to_chinese(["glacier"]) == ("冰川", "冰河")


def test_the_lexicon_is_cached_for_the_next_process(small_cedict, tmp_path, monkeypatch):
    stale = tmp_path / "itm-lexicon-0000.marshal"
    stale.write_bytes(b"from an older version")
    first = load(tmp_path)
    assert len(list(tmp_path.glob("itm-lexicon-*.marshal"))) == 1 and not stale.exists()

    def no_build(*args):
        raise AssertionError("built again")

    monkeypatch.setattr(lexicon_module, "build", no_build)
    assert load(tmp_path) == first


def test_threads_asking_at_once_share_one_lexicon(monkeypatch):
    monkeypatch.setattr(lexicon_module, "_lexicon", None)
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(id(lexicon()))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(seen)) == 1
