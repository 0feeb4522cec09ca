"""The reader: checks every record of one or more JSON Lines files, then upserts them all or nothing.

Reading happens in three passes: parse and check each line (bad JSON, unknown type, missing key, bad
value, duplicate key), check references against the files and the database, compare each record with
its canonical form in the database. Only then, inside one transaction, each type writes in bulk.
"""

from __future__ import annotations

import contextlib
import gc
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils.translation import gettext_noop

from catalog.exchange.bulk import page_cache_for_import
from catalog.exchange.keys import ExchangeError, Invalid, Message
from catalog.exchange.pages import index_pages
from catalog.exchange.registry import (
    ImportContext,
    RecordType,
    UpdatePair,
    get_type,
    record_types,
    type_names,
)

#: Sent inside the import's transaction once an import has changed something, with `institution_ids` (a
#: frozenset of the institutions whose record, courses, evaluations, outcomes or specialty names changed)
#: and `report` (counts per type): the search room rebuilds their profiles in bulk, instead of once per saved
#: row, and they commit with the import, so that no process dying after the commit can leave a live
#: institution out of matching.
catalog_imported = Signal()

#: progress(stage, done, total): called now and then while reading and writing.
Progress = Callable[[str, int, int], None]

MAX_ERRORS = 50
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Source:
    """One file to import: the name the errors show, and its bytes."""

    name: str
    data: bytes

    @classmethod
    def from_path(cls, path: str | Path) -> Source:
        return cls(str(path), Path(path).read_bytes())


@dataclass(slots=True)
class Incoming:
    """A checked record and where it came from, for the errors of the later passes."""

    record: dict
    source: str
    line: int


@dataclass
class TypeCounts:
    """How many records of one type an import created, updated and left unchanged."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    """What an import created, updated and left unchanged, per type (for a dry run: would have)."""

    counts: dict[str, TypeCounts]
    dry_run: bool = False
    institution_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def changed(self) -> bool:
        return any(counts.created or counts.updated for counts in self.counts.values())

    def table(self) -> str:
        """A plain-text summary, one row per type."""
        rows = [f"{'type':<12} {'created':>9} {'updated':>9} {'unchanged':>9}"]
        for name, counts in self.counts.items():
            rows.append(f"{name:<12} {counts.created:>9} {counts.updated:>9} {counts.unchanged:>9}")
        if not self.changed:
            rows.append("nothing changed")
        return "\n".join(rows)


class _Errors(list):
    """Errors collected over a pass, so one run reports every bad line (up to MAX_ERRORS)."""

    def add(self, message: Message) -> None:
        self.append(message)
        if len(self) >= MAX_ERRORS:
            self.append(Message(gettext_noop("… stopped after this many errors")))
            raise ExchangeError(self)


def _at(source: str, line: int, problem: Message) -> Message:
    """A problem on a line of a file."""
    return Message(gettext_noop("%(file)s:%(line)s: %(problem)s"), file=source, line=line, problem=problem)


def _of_key(record: str | Message, key: str, problem: Message) -> Message:
    """A problem with one key of a record."""
    return Message(
        gettext_noop('%(record)s: key "%(key)s": %(problem)s'), record=record, key=key, problem=problem
    )


def _record(type_name: str, key: object) -> str | Message:
    """A record by its type and key, or by its type alone while its key is unknown."""
    if not isinstance(key, str):
        return type_name
    return Message(gettext_noop('%(type)s "%(key)s"'), type=type_name, key=key)


def import_catalog(
    sources: Iterable[Source], *, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Import the records of the sources (later files win over earlier ones for the same key).

    Raises ExchangeError, naming file, line and key, and writes nothing when any record is wrong.
    With dry_run, reports what would change and writes nothing.
    """
    with _collector_paused():
        return _import(sources, dry_run=dry_run, progress=progress)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Hold Python's cyclic garbage collector while an import runs. An import keeps every record it read,
    the rows it builds and the profiles it works out (millions of objects, none of them garbage) until it
    ends; as they pile up the collector walked them all again and again, a fifth of the import's time.
    Reference counting still frees what the import drops; cycles wait for the collector to resume."""
    if not gc.isenabled():  # a caller holds it already
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _import(sources: Iterable[Source], *, dry_run: bool, progress: Progress | None) -> ImportReport:
    incoming = read(sources, progress)
    try:
        with page_cache_for_import(transaction.get_connection()), transaction.atomic():
            ctx = ImportContext()
            check_references(incoming, ctx)
            plan = compare(incoming, progress)
            counts = {
                name: TypeCounts(len(created), len(updated), unchanged)
                for name, (created, updated, unchanged) in plan.items()
            }
            if dry_run:
                return ImportReport(counts, dry_run=True)
            write(plan, ctx, progress)
            affected = frozenset(ctx.affected_institutions)
            report = ImportReport(counts, institution_ids=affected)
            if report.changed:
                catalog_imported.send(sender=ImportReport, institution_ids=affected, report=report)
            transaction.on_commit(lambda: after_import(ctx))
    except IntegrityError as error:
        refused = Message(gettext_noop("the database refused the import: %(error)s"), error=str(error))
        raise ExchangeError([refused]) from error
    return report


def read(sources: Iterable[Source], progress: Progress | None = None) -> dict[str, dict[str, Incoming]]:
    """Parse and check every line; records by type and key."""
    sources = list(sources)
    total = sum(len(source.data) for source in sources)
    done = 0
    incoming: dict[str, dict[str, Incoming]] = {}
    errors = _Errors()
    for source in sources:
        seen: dict[tuple[str, str], int] = {}
        data = source.data[len(_BOM) :] if source.data.startswith(_BOM) else source.data
        for number, raw in enumerate(data.split(b"\n"), 1):
            done += len(raw) + 1
            if progress and number % 5000 == 0:
                progress("reading", done, total)
            line = raw.strip()
            if not line or line.startswith(b"#"):
                continue
            parsed = _parse(source.name, number, line, errors)
            if parsed is None:
                continue
            record_type, record = parsed
            key = record[record_type.key]
            previous = seen.get((record_type.name, key))
            if previous:
                duplicate = Message(gettext_noop("duplicate of line %(line)s"), line=previous)
                record = _record(record_type.name, key)
                errors.add(_at(source.name, number, _of_key(record, record_type.key, duplicate)))
                continue
            seen[(record_type.name, key)] = number
            incoming.setdefault(record_type.name, {})[key] = Incoming(record, source.name, number)
    if progress:
        progress("reading", total, total)
    if errors:
        raise ExchangeError(errors)
    return incoming


def _parse(name: str, number: int, line: bytes, errors: _Errors) -> tuple[RecordType, dict] | None:
    def bad(problem: Message) -> None:
        return errors.add(_at(name, number, problem))

    try:
        raw = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError:
        return bad(Message(gettext_noop("bad JSON: not UTF-8")))
    except json.JSONDecodeError as error:
        detail = Message(
            gettext_noop("bad JSON: %(detail)s (column %(column)s)"), detail=error.msg, column=error.colno
        )
        return bad(detail)
    except ValueError:  # Python's own limit on the digits of a whole number
        return bad(Message(gettext_noop("bad JSON: a number with too many digits")))
    except RecursionError:
        return bad(Message(gettext_noop("bad JSON: nested too deeply")))
    if not isinstance(raw, dict):
        return bad(Message(gettext_noop("bad JSON: a record must be an object")))
    if "type" not in raw:
        return bad(Message(gettext_noop('key "type": missing required key')))
    try:
        record_type = get_type(raw["type"])
    except (KeyError, TypeError):
        unknown = Message(
            gettext_noop('key "type": unknown type %(type)s (known: %(known)s)'),
            type=json.dumps(raw["type"], ensure_ascii=False),
            known=", ".join(type_names()),
        )
        return bad(unknown)
    try:
        return record_type, record_type.clean(raw)
    except Invalid as error:
        return bad(_of_key(_record(record_type.name, raw.get(record_type.key)), error.key, error.said))


def check_references(incoming: dict[str, dict[str, Incoming]], ctx: ImportContext) -> None:
    """Every reference must name a record of the files or of the database."""
    errors = _Errors()
    for record_type in record_types(list(incoming)):
        for key, item in incoming[record_type.name].items():
            for key_name, target, value in record_type.references(item.record):
                if value not in incoming.get(target, ()) and value not in ctx.pks(target):
                    unknown = Message(gettext_noop('unknown %(type)s "%(key)s"'), type=target, key=value)
                    record = _record(record_type.name, key)
                    errors.add(_at(item.source, item.line, _of_key(record, key_name, unknown)))
    if errors:
        raise ExchangeError(errors)


Plan = dict[str, tuple[list[dict], list[UpdatePair], int]]


def compare(incoming: dict[str, dict[str, Incoming]], progress: Progress | None = None) -> Plan:
    """Split each type's records into created, updated (with the old record) and the unchanged count."""
    plan: Plan = {}
    chosen = record_types(list(incoming))
    for position, record_type in enumerate(chosen, 1):
        existing = record_type.existing()
        created, updated, unchanged = [], [], 0
        for key, item in incoming[record_type.name].items():
            old = existing.get(key)
            if old is None:
                created.append(item.record)
            elif old == item.record:
                unchanged += 1
            else:
                updated.append((item.record, old))
        plan[record_type.name] = (created, updated, unchanged)
        if progress:
            progress("comparing", position, len(chosen))
    return plan


def write(plan: Plan, ctx: ImportContext, progress: Progress | None = None) -> None:
    total = sum(len(created) + len(updated) for created, updated, _ in plan.values())
    done = 0
    for record_type in record_types(list(plan)):
        created, updated, _unchanged = plan[record_type.name]
        if created or updated:
            record_type.apply(created, updated, ctx)
            done += len(created) + len(updated)
            if progress:
                progress("writing", done, total)
    for record_type in record_types():
        record_type.finish(ctx)


def after_import(ctx: ImportContext) -> None:
    """Once committed: Wagtail's page search index (the admin's page search, not matching)."""
    for model, pks in ctx.changed_pages.items():
        index_pages.enqueue(model._meta.label, sorted(pks))
