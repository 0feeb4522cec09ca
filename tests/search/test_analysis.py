"""Text analysis: jieba's cut of a run of Chinese is kept, and cut again once jieba learns a taxonomy term."""

from __future__ import annotations

from search.analysis import _add_jieba_word, tokenize


def test_a_text_cut_before_jieba_learns_a_term_is_cut_with_the_term_afterwards():
    text = "氦闪蝶翼工艺培训"
    assert "氦闪蝶翼" not in tokenize(text)

    _add_jieba_word("氦闪蝶翼")

    assert "氦闪蝶翼" in tokenize(text)
