"""Fixtures of the search tests: a real Elasticsearch-compatible server (osmem-server) per test, and the
demo catalogue where a test is about the demo."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from catalog.exchange import Source, import_catalog
from search.es import breaker

DEMO = Path(__file__).resolve().parents[2] / "catalog" / "demo_data"


@pytest.fixture(autouse=True)
def fresh_breaker():
    """A server one test saw fail is not left alone in the next (ports are reused)."""
    breaker.reset()
    yield
    breaker.reset()


@pytest.fixture
def elasticsearch(settings, osmem_url):
    """Switches the project to the Elasticsearch engine on a fresh osmem clone, with its own index names."""
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = osmem_url
    settings.ELASTICSEARCH_API_COMPAT = False
    settings.ELASTICSEARCH_INDEX_PREFIX = f"test_{uuid.uuid4().hex[:8]}"
    return osmem_url


def load_demo_catalogue():
    files = sorted(DEMO.glob("*.jsonl"))
    return import_catalog([Source(path.name, path.read_bytes()) for path in files])


@pytest.fixture
def demo_catalogue(db, django_capture_on_commit_callbacks):
    # The import indexes once it has committed; run those callbacks inside the test's transaction.
    with django_capture_on_commit_callbacks(execute=True):
        return load_demo_catalogue()
