"""Text shown in the other language, for want of a translation, says so: a `lang` attribute for screen
readers and a small note in the reader's language."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def test_a_description_written_only_in_chinese_is_marked_on_the_english_site(client, small_catalogue):
    html = client.get("/en/institutions/nl-wur/").content.decode()
    assert re.search(r'<p class="prose" lang="zh-hans">现代农业、设施园艺与食品科学。</p>', html)
    assert '<small class="fallback-note muted">Shown in Chinese</small>' in html
    # The institution's English name is the reader's language: nothing to mark.
    assert re.search(r"<h1>Wageningen University &amp; Research</h1>", html)


def test_text_in_the_readers_language_carries_no_mark(client, small_catalogue):
    html = client.get("/zh-hans/institutions/nl-wur/").content.decode()
    assert '<p class="prose">现代农业、设施园艺与食品科学。</p>' in html
    assert "fallback-note" not in html
    # The other language's name, shown under the heading, is marked as that language.
    assert '<p class="alt-name" lang="en">Wageningen University &amp; Research</p>' in html


def test_an_english_only_text_is_marked_on_the_chinese_site(client, small_catalogue):
    tum = small_catalogue["tum"]
    tum.description_zh = ""
    tum.save_revision().publish()
    html = client.get("/zh-hans/institutions/de-tum/").content.decode()
    shown = "Robotics, production engineering and Industry 4.0 programmes."
    assert f'<p class="prose" lang="en">{shown}</p>' in html
    assert '<small class="fallback-note muted">以英文显示</small>' in html
