"""Text analysis: jieba's cut of a short run of Chinese is kept (a long one is cut each time), and cut again
once jieba learns a taxonomy term."""

from __future__ import annotations

from search.analysis import _add_jieba_word, _cut_for_search, tokenize


def test_a_text_cut_before_jieba_learns_a_term_is_cut_with_the_term_afterwards():
    text = "氦闪蝶翼工艺培训"
    assert "氦闪蝶翼" not in tokenize(text)

    _add_jieba_word("氦闪蝶翼")

    assert "氦闪蝶翼" in tokenize(text)


def test_only_short_runs_are_kept_so_what_anyone_sends_cannot_fill_the_memory():
    _cut_for_search.cache_clear()
    short, long = "智能制造培训", "智能制造" * 50  # a sentence of 200 characters without punctuation

    assert tokenize(short) == tokenize(short) and tokenize(long) == tokenize(long)

    assert _cut_for_search.cache_info().currsize == 1
    assert "智能" in tokenize(long) and "制造" in tokenize(long)
