"""The Elasticsearch client for the whole project, made once per process.

With ELASTICSEARCH_API_COMPAT=false the client sends plain JSON media types, which OpenSearch-compatible
servers accept; the client itself rewrites headers passed to it, so a transport node does it."""

from __future__ import annotations

import functools
import re

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
def client_for(url: str, api_compat: bool) -> Elasticsearch:
    options = {"request_timeout": 5, "max_retries": 0, "retry_on_timeout": False}
    if not api_compat:
        options["node_class"] = PlainJsonNode
    return Elasticsearch(url, **options)


def get_client() -> Elasticsearch:
    return client_for(settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_API_COMPAT)


def index_alias() -> str:
    """The alias searches use; each rebuild makes a new timestamped index behind it."""
    return f"{settings.ELASTICSEARCH_INDEX_PREFIX}_institutions"
