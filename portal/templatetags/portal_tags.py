"""Template helpers shared by every page: language switching and bilingual labels."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

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
