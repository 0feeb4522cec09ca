"""What an import borrows from the process while it runs, Python's garbage collector and (on SQLite) a
larger page cache, it gives back when it ends, whether it succeeds or refuses its input."""

from __future__ import annotations

import gc
import json

import pytest
from django.db import connection

from catalog.exchange import ExchangeError, Source, import_catalog

pytestmark = pytest.mark.django_db

FIELD = {"type": "field", "code": "rail-transit", "name_zh": "轨道交通", "name_en": "Rail transit"}


def source(*records: dict) -> Source:
    return Source("catalog.jsonl", "".join(json.dumps(record) + "\n" for record in records).encode())


def cache_size() -> int:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        return cursor.fetchone()[0]


@pytest.mark.parametrize(
    "records, refused",
    [
        pytest.param([FIELD], False, id="imported"),
        pytest.param([FIELD, {**FIELD, "code": "metro", "parent": "nowhere"}], True, id="refused"),
    ],
)
def test_an_import_gives_back_the_garbage_collector_and_the_page_cache(records, refused):
    sqlite = connection.vendor == "sqlite"
    before = cache_size() if sqlite else None
    assert gc.isenabled()

    try:
        import_catalog([source(*records)])
    except ExchangeError:
        assert refused
    else:
        assert not refused

    assert gc.isenabled()
    if sqlite:
        assert cache_size() == before


def test_an_import_inside_a_paused_collector_leaves_it_paused():
    gc.disable()
    try:
        import_catalog([source(FIELD)])
        assert not gc.isenabled()
    finally:
        gc.enable()
