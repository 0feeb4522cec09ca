"""Language helpers shared by every room: the reader's language, and bilingual fields read in it.
(Splitting text into words is the search room's analyser, search/analysis.py, and nobody else's.)"""

from __future__ import annotations

from django.utils.translation import get_language


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
