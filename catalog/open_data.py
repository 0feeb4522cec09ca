"""Open data: the public catalogue (every field and country, admitted live institutions, their live courses,
the published outcomes) as exchange-format JSON Lines and as CSV, each opening with its licence and date.
Evaluations (sealed or not, with their comments) and demands are never part of it."""

from __future__ import annotations

import csv
import datetime
import json
from typing import TextIO

from django.conf import settings
from django.utils.translation import gettext as _

from catalog.exchange import record_types
from catalog.models import Course, Institution, Outcome
from catalog.spreadsheets import cells

#: The record types of the download; `None` takes every row of the type.
PUBLIC_TYPES = {
    "field": lambda: None,
    "country": lambda: None,
    "institution": lambda: Institution.objects.public(),
    "course": lambda: Course.objects.public(),
    "outcome": lambda: Outcome.objects.public(),
}


def public_records(types: list[str] | None = None) -> dict[str, list[dict]]:
    """The download's records by type (all of PUBLIC_TYPES when None), in the writer's order, by key."""
    found = {}
    for record_type in record_types(types or list(PUBLIC_TYPES)):
        records = record_type.existing(PUBLIC_TYPES[record_type.name]())
        found[record_type.name] = [records[key] for key in sorted(records)]
    if "outcome" in found:
        # An outcome names only institutions of the download, so the file imports into an empty database.
        listed = set(Institution.objects.public().values_list("external_id", flat=True))
        for outcome in found["outcome"]:
            outcome["institutions"] = [key for key in outcome["institutions"] if key in listed]
    return found


def notice(today: datetime.date | None = None) -> str:
    """The licence line, in the active language."""
    return _("International Training Match open data, %(date)s. Licence: %(licence)s.") % {
        "date": (today or datetime.date.today()).isoformat(),
        "licence": settings.OPEN_DATA_LICENCE,
    }


def write_jsonl(out: TextIO) -> None:
    """The exchange format: a `#` line the reader ignores, then one record a line."""
    out.write(f"# {notice()}\n")
    for records in public_records().values():
        out.writelines(json.dumps(record, ensure_ascii=False) + "\n" for record in records)


def write_csv(out: TextIO, type_name: str) -> None:
    """One record type as CSV: the licence line, a header of the exchange format's keys, a row a record.
    Lists are joined with "; ", weighted fields written as `code:weight`."""
    (record_type,) = record_types([type_name])
    names = [key.name for key in record_type.keys]
    writer = csv.writer(out)
    writer.writerow(cells([f"# {notice()}"]))
    writer.writerow(names)
    for record in public_records([type_name])[type_name]:
        writer.writerow(cells(_cell(record[name]) for name in names))


def _cell(value: object) -> object:
    if isinstance(value, list):
        return "; ".join(f"{v['field']}:{v['weight']}" if isinstance(v, dict) else str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value
