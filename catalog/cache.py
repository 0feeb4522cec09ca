"""The catalogue's stamp, part of the key of every cached fragment of a public page: a random value in the
shared cache, replaced after each commit that changes what a public page shows (catalog.signals), so a
fragment is never served after the change it no longer shows."""

from __future__ import annotations

import uuid

from django.core.cache import cache

STAMP_KEY = "catalog:stamp"


def catalogue_stamp() -> str:
    """The current stamp; a fresh one if the cache lost it (which only costs the cached fragments)."""
    stamp = cache.get(STAMP_KEY)
    if stamp is None:
        # add(): of two workers that both found it missing, the first one's stamp wins for both.
        cache.add(STAMP_KEY, uuid.uuid4().hex, timeout=None)
        stamp = cache.get(STAMP_KEY) or ""
    return stamp


def bump_catalogue_stamp() -> None:
    cache.set(STAMP_KEY, uuid.uuid4().hex, timeout=None)


class CatalogueStampMiddleware:
    """Reads the stamp when a page request starts, before the view loads anything: a change committed while
    the page renders then moves the stamp after it was read, and the fragment built from the older rows is
    stored under a key no later request asks for."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            request.catalogue_stamp = catalogue_stamp()
        return self.get_response(request)
