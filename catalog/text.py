"""Language helpers shared by the catalogue and the search room: the reader's language for
bilingual fields, and splitting a query into the words Chinese and English readers type."""

from __future__ import annotations

import logging
import re

import jieba
from django.utils.translation import get_language

jieba.setLogLevel(logging.WARNING)

_CJK = re.compile(r"[\u3400-\u9fff]")
_TOKEN = re.compile(r"[\u3400-\u9fff]+|[a-z0-9][a-z0-9+#.\-]*", re.IGNORECASE)


def reader_is_chinese() -> bool:
    return (get_language() or "").lower().startswith("zh")


def pick_language(zh: str, en: str) -> str:
    """The text in the reader's language, falling back to the other language when it is empty."""
    first, second = (zh, en) if reader_is_chinese() else (en, zh)
    return first or second or ""


class bilingual:  # noqa: N801 - used like a field declaration on models
    """`name = bilingual("name")` reads `name_zh` or `name_en`, whichever the reader needs."""

    def __init__(self, base: str):
        self.base = base

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return pick_language(getattr(obj, f"{self.base}_zh"), getattr(obj, f"{self.base}_en"))


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def query_terms(query: str) -> list[str]:
    """Words a search must find: English words as typed, Chinese runs segmented by jieba."""
    terms: list[str] = []
    for run in _TOKEN.findall(query.lower()):
        if has_cjk(run) and len(run) > 3:
            words = [word for word in jieba.cut(run) if len(word) > 1]
            terms.extend(words or [run])
        else:
            terms.append(run)
    return terms
