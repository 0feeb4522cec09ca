"""Template helpers shared by every page: language switching and bilingual labels."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def other_languages(request):
    """The languages the reader can switch to, each with its name in that language."""
    from django.conf import settings

    current = get_language()
    names = {"zh-hans": "中文", "en": "English"}
    return [
        {"code": code, "name": names.get(code, code)} for code, _ in settings.LANGUAGES if code != current
    ]


def fallback_language(obj, base: str) -> str | None:
    """The language of a bilingual field's text when the reader is shown the other language's (no text in
    their own), else None."""
    from catalog.text import reader_is_chinese

    zh, en = getattr(obj, f"{base}_zh", "") or "", getattr(obj, f"{base}_en", "") or ""
    if reader_is_chinese():
        return "en" if en and not zh else None
    return "zh-hans" if zh and not en else None


@register.simple_tag
def lang_of(obj, base: str) -> str:
    """` lang="en"` inside an element's tag when its text is shown in the other language, for screen
    readers and the browser's hyphenation and fonts."""
    language = fallback_language(obj, base)
    return format_html(' lang="{}"', language) if language else ""


@register.simple_tag
def fallback_note(obj, base: str) -> str:
    """A small note after a text shown in the other language: 以英文显示, or Shown in Chinese."""
    language = fallback_language(obj, base)
    if language is None:
        return ""
    note = _("Shown in English") if language == "en" else _("Shown in Chinese")
    return format_html('<small class="fallback-note muted">{}</small>', note)


@register.filter
def language_name(code: str) -> str:
    """A teaching language's code in the reader's language: "de" reads 德语 or German."""
    from catalog.places import language_name as name

    return name(code)


@register.filter
def language_names(codes) -> str:
    """A list of teaching languages' codes, named in the reader's language."""
    from catalog.places import language_name as name
    from catalog.text import reader_is_chinese

    return ("、" if reader_is_chinese() else ", ").join(name(code) for code in codes or [])


@register.filter
def city(name: str) -> str:
    """A city, or a list of cities as a proposal gives them, in the reader's language."""
    from catalog.places import city_names

    return city_names(name)


@register.filter
def oneline(text: str) -> str:
    """Text on one line, runs of white space as one space: an email's subject made of two languages."""
    return " ".join(str(text).split())


@register.filter
def stars(value) -> str:
    """A rating out of five as a one-decimal number, or an empty string when there is none."""
    if value is None:
        return ""
    return f"{value:.1f}"


def page_label(page) -> str:
    """A page's title in the reader's language."""
    specific = page.specific
    for attribute in ("heading", "name"):
        value = getattr(specific, attribute, None)
        if value:
            return value
    return specific.title


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context, page):
    """The way from the home page to this page, each step titled in the reader's language."""
    ancestors = page.get_ancestors().filter(depth__gt=2).specific()
    crumbs = [{"label": page_label(ancestor), "url": ancestor.url} for ancestor in ancestors]
    crumbs.append({"label": page_label(page), "url": None})
    return {"crumbs": crumbs, "LANGUAGE_CODE": context.get("LANGUAGE_CODE")}
