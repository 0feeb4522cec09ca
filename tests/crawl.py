"""Every page a person of each role reaches: the access matrix's pages that role may read, then every link
found on them, in one language. The interface-language tests read the pages' words; the browser tests run
axe-core on the same pages."""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

from tests.test_access_matrix import (
    OK,
    PLANNING_ROLES,
    PLANNING_ROWS,
    ROLES,
    ROWS,
    TRAINING_ROWS,
    expectations,
    filled,
)

# Downloads and places that are no page of the portal's interface.
SKIPPED = re.compile(
    r"\.(csv|xlsx|jsonl|json|svg|png|jpe?g|pdf|zip|txt|xml)$|/accounts/logout/|/private-files/|/documents/"
)
# Pages each role opens first, beside the matrix's rows: the home page and the account pages.
START = {
    "anon": ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"],
    "signed-in": ["/", "/accounts/email/", "/accounts/password/change/", "/accounts/2fa/"],
}
# A crawl stops after this many pages for one role, so a page of endless links cannot hold it.
LIMIT = 200


def start_paths(role: str, world: dict) -> list[str]:
    """The pages a role may read according to the access matrix, and its start pages; paths without the
    language prefix."""
    paths = list(START["anon" if role == "anon" else "signed-in"])
    rows = [(row, ROLES) for row in [*ROWS, *TRAINING_ROWS]] + [
        (row, PLANNING_ROLES) for row in PLANNING_ROWS
    ]
    for row, roles in rows:
        if row.get and expectations(row.get, roles)[role] == OK:
            path = filled(row.path, world)
            if not SKIPPED.search(urlsplit(path).path):
                paths.append(path)
    return paths


def shape(url: str) -> tuple:
    """Pages that differ only in the values of their query (another page of a list, another facet) are
    one kind of page: the crawl reads the first of each."""
    parts = urlsplit(url)
    return parts.path, tuple(sorted({key for key, _value in parse_qsl(parts.query)}))


class Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a" and (href := dict(attrs).get("href")):
            self.hrefs.append(href)


def links(html: str, prefix: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith(f"{prefix}/"):
            continue  # another site, or the other language
        if SKIPPED.search(parts.path):
            continue
        query = urlencode(parse_qsl(parts.query))
        found.append(parts.path + (f"?{query}" if query else ""))
    return found


def crawl(client, role: str, world: dict, language: str, limit: int = LIMIT) -> dict[str, str]:
    """The HTML of every page the role reaches in that language, by URL: the start pages, then every
    link on them, breadth first. The client is signed in as the role already."""
    prefix = f"/{language}"
    queue = deque(prefix + path for path in start_paths(role, world))
    seen, pages = set(), {}
    while queue and len(pages) < limit:
        url = queue.popleft()
        if shape(url) in seen:
            continue
        seen.add(shape(url))
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        pages[url] = html
        queue.extend(links(html, prefix))
    return pages


__all__ = ["ROLES", "crawl", "links", "start_paths"]
