"""Every page reachable from the home page answers in both languages, without an error or a broken link."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.search.conftest import load_demo_catalogue

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="([^"#]+)')
# Filter and sort links multiply the pages without new templates; following pages of a list is enough.
KEPT_QUERY = re.compile(r"^(page=\d+)?$")


def internal_links(html: str) -> set[str]:
    links = set()
    for href in HREF.findall(html):
        parts = urlsplit(href.replace("&amp;", "&"))
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        if parts.path.startswith(("/static/", "/admin/", "/documents/")):
            continue
        if KEPT_QUERY.match(parts.query):
            links.add(f"{parts.path}?{parts.query}" if parts.query else parts.path)
    return links


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_page_reachable_from_home_answers(client, django_capture_on_commit_callbacks, language):
    with django_capture_on_commit_callbacks(execute=True):
        load_demo_catalogue()
    start = f"/{language}/"
    seen, queue, broken = set(), [start], []
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200:
            broken.append((url, response.status_code))
            continue
        if "text/html" in response["Content-Type"]:
            queue.extend(link for link in internal_links(response.text) if link.startswith(start))
    assert not broken
    # The directory, every institution, course and outcome, and the demand board were reached.
    assert len(seen) > 68 + 100 + 17
