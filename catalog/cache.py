"""The catalogue's stamp and what hangs on it.

The stamp is a random value in the shared cache, replaced after each commit that changes what a public page
shows (catalog.signals). Everything cached for the public pages is keyed on it, so nothing is served after
the change it no longer shows:

- fragments of the page templates (`{% wagtailpagecache 3600 "name" ... request.catalogue_stamp %}`), the
  navigation's index pages and the route from a path to its page (with the page's site and view
  restrictions). A value under a stamp never changes, so these live in each worker's own memory (the
  cache Django's fragment tags use when settings name it, `template_fragments`): a request reads the stamp
  from the shared cache and nothing else for them;
- the ETag of a page answered to an anonymous visitor, made from the stamp before the page is routed or
  rendered: a browser that holds the page gets 304 for the price of reading the stamp. A signed-in person's
  page carries an ETag of its own content (without the CSRF tokens, which change with every answer).
"""

from __future__ import annotations

import hashlib
import re
import time
import uuid

from django.core.cache import cache, caches
from django.core.cache.backends.base import InvalidCacheBackendError
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import get_language

STAMP_KEY = "catalog:stamp"
# The per-process cache for values keyed on the stamp: the alias Django's {% cache %} tags (and Wagtail's)
# store fragments in when it exists.
STAMPED = "template_fragments"
# Fragments expire after an hour (the templates say so), so a page may show a change that no row records,
# such as an evaluation whose seal date passed, up to an hour late; an ETag lasts no longer.
ETAG_PERIOD = 3600
CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')


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


def stamped_cache():
    """The cache for values keyed on the stamp: each worker's memory, or the shared cache without one."""
    try:
        return caches[STAMPED]
    except InvalidCacheBackendError:
        return cache


def _serves_a_page(request) -> bool:
    match = request.resolver_match
    return (
        match is not None
        and match.url_name == "wagtail_serve"
        and request.method in ("GET", "HEAD")
        and not getattr(request, "is_preview", False)
    )


def _route(request, path: str) -> bool:
    """Give Wagtail the route of this path from the stamped cache, or find it and keep it there. Returns
    whether the page has view restrictions (such a page gets no ETag)."""
    from wagtail.models import Page, Site

    host = request._get_raw_host()
    key = f"route:{request.catalogue_stamp}:{host}:{request.path}"
    store = stamped_cache()
    entry = store.get(key)
    if entry is None:
        result = Page.route_for_request(request, path)
        if result is None:
            return False
        page, args, kwargs = result
        restrictions = list(page.get_view_restrictions())
        store.set(key, (Site.find_for_request(request), page, args, kwargs, restrictions), ETAG_PERIOD)
    else:
        site, page, args, kwargs, restrictions = entry
        request._wagtail_site = site
        request._wagtail_route_for_request = (page, args, kwargs)
    # Wagtail's check of view restrictions (an on_serve_page hook) asks the page for them: two queries a
    # request otherwise. Restrictions and sites move the stamp like pages do (catalog.signals).
    page.get_view_restrictions = lambda: restrictions
    return bool(restrictions)


# What the header's navigation and a listing's contact box ask of a signed-in person: their unit membership
# (with its unit) and their staff membership, one query for the three.
PERSON_RELATIONS = ("unit_membership__unit", "institution_staff")


def _load_person(user) -> None:
    from django.contrib.auth import get_user_model

    loaded = get_user_model().objects.select_related(*PERSON_RELATIONS).filter(pk=user.pk).first()
    if loaded is None:
        return
    for name in {relation.split("__")[0] for relation in PERSON_RELATIONS}:
        if name in loaded._state.fields_cache and name not in user._state.fields_cache:
            user._state.fields_cache[name] = loaded._state.fields_cache[name]


def _csrf_secret(request, *, answered: bool = False) -> str:
    """The CSRF cookie the visitor sent or, once the page is answered, the one the answer sets (a first
    visit gets one, and its next request sends it)."""
    from django.conf import settings

    sent = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    return request.META.get("CSRF_COOKIE", sent) if answered else sent


def _anonymous_etag(request, csrf: str) -> str:
    """What an anonymous visitor's page depends on: the catalogue's stamp, the address, the language and
    the visitor's CSRF cookie (the page's forms carry a token made from it), within an hour."""
    parts = (
        request.catalogue_stamp,
        request.scheme,
        request._get_raw_host(),
        request.get_full_path(),
        get_language(),
        csrf,
        str(int(time.time() // ETAG_PERIOD)),
    )
    return '"' + hashlib.blake2b("|".join(parts).encode(), digest_size=16).hexdigest() + '"'


def _content_etag(request, response) -> str:
    digest = hashlib.blake2b(CSRF_INPUT.sub(rb"\1\2", response.content), digest_size=16)
    digest.update(_csrf_secret(request, answered=True).encode())
    return '"' + digest.hexdigest() + '"'


class CatalogueStampMiddleware:
    """Reads the stamp when a page request starts, before the view loads anything: a change committed while
    the page renders then moves the stamp after it was read, and whatever is built from the older rows is
    stored under a key no later request asks for. For Wagtail's pages it also routes from the stamped cache
    and answers conditional requests (ETag, 304)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            request.catalogue_stamp = catalogue_stamp()
        response = self.get_response(request)
        etag = getattr(request, "page_etag", None)
        if etag is None or response.status_code != 200 or response.streaming or response.has_header("ETag"):
            return response
        if etag is False:
            # Signed in: the page's own content, checked once it is rendered.
            etag = _content_etag(request, response)
            conditional = get_conditional_response(request, etag=etag, response=response)
            if conditional is not response:
                response = conditional
        elif _csrf_secret(request, answered=True) != _csrf_secret(request):
            # A first visit: the next request sends the cookie this answer sets.
            etag = _anonymous_etag(request, _csrf_secret(request, answered=True))
        response["ETag"] = etag
        patch_cache_control(response, private=True, no_cache=True)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not _serves_a_page(request) or not hasattr(request, "catalogue_stamp"):
            return None
        path = view_args[0] if view_args else view_kwargs.get("path", "")
        restricted = _route(request, path)
        if restricted or request.COOKIES.get("messages"):
            return None
        if request.user.is_authenticated:
            _load_person(request.user)
            request.page_etag = False
            return None
        request.page_etag = _anonymous_etag(request, _csrf_secret(request))
        response = get_conditional_response(request, etag=request.page_etag)
        if response is not None:
            response["ETag"] = request.page_etag
            patch_cache_control(response, private=True, no_cache=True)
        return response
