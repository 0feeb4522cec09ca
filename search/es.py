"""The Elasticsearch client for the whole project, made once per process, and the breaker that keeps
rankings off a server that has just failed.

With ELASTICSEARCH_API_COMPAT=false the client sends plain JSON media types, which OpenSearch-compatible
servers accept; the client itself rewrites headers passed to it, so a transport node does it."""

from __future__ import annotations

import functools
import re
import time

from django.conf import settings
from elastic_transport import Urllib3HttpNode
from elasticsearch import ApiError, Elasticsearch, TransportError

# What a search server that is down, unreachable or failing raises.
SEARCH_SERVER_ERRORS = (TransportError, ApiError, ConnectionError, OSError)

_COMPAT_MEDIA_TYPE = re.compile(r"application/vnd\.elasticsearch\+([\w-]+);\s*compatible-with=\d+")


class PlainJsonNode(Urllib3HttpNode):
    """Sends `application/json` where the client would send Elasticsearch's compatibility media types."""

    def perform_request(self, method, target, body=None, headers=None, request_timeout=None, **kwargs):
        if headers:
            headers = headers.copy()
            for name in ("accept", "content-type"):
                if name in headers:
                    headers[name] = _COMPAT_MEDIA_TYPE.sub(r"application/\1", headers[name])
        if request_timeout is None:
            return super().perform_request(method, target, body=body, headers=headers, **kwargs)
        return super().perform_request(
            method, target, body=body, headers=headers, request_timeout=request_timeout, **kwargs
        )


@functools.cache
def client_for(url: str, api_compat: bool, timeout: float) -> Elasticsearch:
    options = {"request_timeout": timeout, "max_retries": 0, "retry_on_timeout": False}
    if not api_compat:
        options["node_class"] = PlainJsonNode
    return Elasticsearch(url, **options)


def get_client() -> Elasticsearch:
    return client_for(
        settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_API_COMPAT, settings.ELASTICSEARCH_TIMEOUT
    )


class ServerResting(ConnectionError):
    """The search server failed a moment ago and is not asked again yet."""


class Breaker:
    """After the search server fails, rankings leave it alone for ELASTICSEARCH_RETRY_AFTER seconds, so a
    server that hangs costs one timeout rather than one per page. Kept per process: no cache round trip on
    every ranking, and each worker finds out for itself."""

    def __init__(self) -> None:
        self.failed_at: dict[str, float] = {}

    def trip(self) -> None:
        self.failed_at[settings.ELASTICSEARCH_URL] = time.monotonic()

    def is_open(self) -> bool:
        """Whether rankings leave the configured server alone for now."""
        failed_at = self.failed_at.get(settings.ELASTICSEARCH_URL)
        return failed_at is not None and time.monotonic() - failed_at < settings.ELASTICSEARCH_RETRY_AFTER

    def reset(self) -> None:
        self.failed_at.clear()


breaker = Breaker()


def index_alias() -> str:
    """The alias searches use; each rebuild makes a new timestamped index behind it."""
    return f"{settings.ELASTICSEARCH_INDEX_PREFIX}_institutions"
