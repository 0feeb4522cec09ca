"""The catalogue exchange format (shared/EXCHANGE-FORMAT.md): record types, the reader and the writer.

    from catalog.exchange import Source, import_catalog, export_catalog
    report = import_catalog([Source.from_path("catalog.jsonl")])

A higher room adds a record type with `register(MyType())` (see matching/exchange.py).
"""

from __future__ import annotations

from catalog.exchange import records  # noqa: F401 - registers the catalogue's own record types
from catalog.exchange.keys import ExchangeError, Invalid, Message
from catalog.exchange.reader import ImportReport, Source, TypeCounts, catalog_imported, import_catalog
from catalog.exchange.registry import (
    ImportContext,
    RecordType,
    UpdatePair,
    record_types,
    register,
    type_names,
)
from catalog.exchange.writer import export_catalog

__all__ = [
    "ExchangeError",
    "ImportContext",
    "ImportReport",
    "Invalid",
    "Message",
    "RecordType",
    "Source",
    "TypeCounts",
    "UpdatePair",
    "catalog_imported",
    "export_catalog",
    "import_catalog",
    "record_types",
    "register",
    "type_names",
]
