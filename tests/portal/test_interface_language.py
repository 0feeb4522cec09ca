"""The Chinese site speaks Chinese and the English site English: every page each role reaches (the access
matrix's worlds, crawled link by link) is read word by word, and a word of the other language that is not
content (what people and the catalogue wrote, kept in the database), a name, a code or a unit fails.
Text marked with a `lang` of the other language (content shown in its fallback language) is content."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.db import models

from tests.crawl import ROLES, crawl
from tests.test_access_matrix import planning_world, training_world, world  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.interface]

# Latin words the Chinese interface may show: names of things that have no Chinese name, codes and units.
LATIN_ALLOWED = {
    # The portal's own name in both languages, and the languages' names in the language switcher.
    "training", "match", "english",
    # Formats, file types and units.
    "api", "csv", "json", "jsonl", "xlsx", "excel", "word", "docx", "odt", "pptx", "pdf", "qr", "url", "http",
    "https", "totp", "iso", "svg", "kb", "mb", "gb",
    # Currencies (ISO 4217), as a proposal's price names them.
    "eur", "cny", "usd", "gbp", "chf", "jpy", "aud", "cad", "dkk", "hkd", "krw", "nok", "rub", "sek", "sgd",
    "nzd",
    # Names.
    "wagtail", "django", "redoc", "openapi",
}  # fmt: skip
# Names of several words, read as one.
LATIN_NAMES = ("JSON Lines", "CC-CEDICT", "CC BY")
# Chinese the English interface may show: the language switcher names the other language in its own words,
# and a few official terms are quoted beside their English name, so that a reader can match them with the
# Chinese paperwork (the application form, its summary table, the project library, cross-regional groups,
# the intermediaries the guide forbids).
HAN_ALLOWED = {"简体中文", "中文", "申请表", "申请汇总表", "项目库", "双跨团组", "红顶中介"}

LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z’'-]*[A-Za-z]")
HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# Addresses name places, not words of the interface.
ADDRESS = re.compile(r"\S+@\S+|https?://\S+|/[\w/.-]+")
# Attributes a person reads (or hears from a screen reader).
READ_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "aria-description"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Words(HTMLParser):
    """The text a person reads on a page, leaving out scripts, styles and what is marked as another
    language (content shown in its fallback language, the switcher's names)."""

    def __init__(self, language: str):
        super().__init__(convert_charrefs=True)
        self.language = language
        self.stack: list[bool] = []  # for each open element: is it left out?
        self.texts: list[str] = []

    def skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = (attrs.get("lang") or "").lower()
        other = bool(lang) and not lang.startswith(self.language[:2])
        skip = self.skipping() or other or tag in {"script", "style", "template"}
        if not skip:
            self.texts.extend(value for name, value in attrs.items() if name in READ_ATTRIBUTES and value)
            if tag == "input" and attrs.get("type") in {"submit", "button", "reset"}:
                self.texts.append(attrs.get("value") or "")
        if tag not in VOID:
            self.stack.append(skip)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not self.skipping():
            self.texts.append(data)


def read(html: str, language: str) -> str:
    parser = Words(language)
    parser.feed(html)
    text = ADDRESS.sub(" ", "\n".join(parser.texts))
    for name in LATIN_NAMES:
        text = text.replace(name, " ")
    return text


def content() -> str:
    """Everything people and the catalogue wrote: the free text of every row (fields with choices hold
    codes whose labels the interface translates, so they are not content)."""
    texts = []

    def walk(value):
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str):
            texts.append(value)

    for model in apps.get_models():
        names = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.JSONField) and not field.choices
        ]
        if names:
            for row in model._default_manager.values_list(*names):
                walk(list(row))
    return "\n".join(texts)


def foreign_words(pages: dict[str, str], language: str) -> dict[str, set[str]]:
    """Words of the other language on each page that are neither content nor allowed."""
    written = content()
    latin_written = {word.lower() for word in LATIN_WORD.findall(written)}
    found = {}
    for url, html in pages.items():
        text = read(html, language)
        if language == "zh-hans":
            words = {
                word
                for word in LATIN_WORD.findall(text)
                if word.lower() not in LATIN_ALLOWED and word.lower() not in latin_written
            }
        else:
            words = {run for run in HAN_RUN.findall(text) if run not in HAN_ALLOWED and run not in written}
        if words:
            found[url] = words
    return found


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("role", ROLES)
def test_every_page_speaks_the_language_of_the_site(client, people, request, role, language):
    built = request.getfixturevalue("planning_world")
    if role != "anon":
        client.force_login(people[role])
    pages = crawl(client, role, built, language)
    assert len(pages) > 10
    assert not foreign_words(pages, language)


def test_the_reader_finds_words_of_the_other_language_outside_content():
    html = (
        '<html lang="zh-hans"><title>机构 Directory</title><main><p>德国 Munich</p>'
        '<p lang="en">Shown in English</p><img alt="Logo"><script>var x = "Hidden";</script>'
        '<a href="/zh-hans/x/">https://example.org</a></main></html>'
    )
    words = set(LATIN_WORD.findall(read(html, "zh-hans")))
    assert words == {"Directory", "Munich", "Logo"}
    english = '<html lang="en"><p>Institutions 机构</p><a lang="zh-hans">简体中文</a></html>'
    assert HAN_RUN.findall(read(english, "en")) == ["机构"]
