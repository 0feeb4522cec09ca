"""The writer: the catalogue as deterministic JSON Lines, types in dependency order, each sorted by key.

Every key is written with its value or default, so importing the output into an empty database and
exporting again gives the same lines.
"""

from __future__ import annotations

import json
from typing import TextIO

from catalog.exchange.reader import Progress
from catalog.exchange.registry import record_types


def export_catalog(
    out: TextIO, types: list[str] | None = None, progress: Progress | None = None
) -> dict[str, int]:
    """Write the records of the given types (all when None) to `out`; returns the count per type."""
    counts = {}
    chosen = record_types(types)
    for position, record_type in enumerate(chosen, 1):
        records = record_type.existing()
        out.writelines(json.dumps(records[key], ensure_ascii=False) + "\n" for key in sorted(records))
        counts[record_type.name] = len(records)
        if progress:
            progress("exporting", position, len(chosen))
    return counts
