"""Record types of the exchange format and their registry.

The catalogue registers its own types; a higher room (matching's `demand`) registers more with `register()`,
so the reader and writer never import it. A type knows its keys, how to read every row of its model in
canonical form, and how to write created and updated records in bulk.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from django.db import models
from django.utils.translation import gettext_noop

from catalog.exchange.bulk import Row, insert_rows, update_rows
from catalog.exchange.keys import Invalid, Key, Ref, Relation

UpdatePair = tuple[dict, dict]  # (incoming record, the record as it is in the database)
_ABSENT = object()


class RecordType:
    """A record type backed by one model: `keys` in export order, the first one the record's stable key."""

    name: str
    model: type[models.Model]
    keys: list[Key]
    #: Export and write order: a type may refer only to types of a lower order (or to itself).
    order: int

    def __init__(self) -> None:
        self.key = self.keys[0].name
        self.columns = [key for key in self.keys if not isinstance(key, Relation)]
        self.relations = [key for key in self.keys if isinstance(key, Relation)]
        self.self_refs = [key for key in self.columns if isinstance(key, Ref) and key.target == self.name]
        # Self references wait for store_self_refs(): the record they name may not exist yet.
        self.stored = [key for key in self.columns if key not in self.self_refs]
        # What clean(), references() and store() do with each key, worked out once: they run for every
        # record of an import (130,000 of them), a method lookup and a type test per key adding up.
        self._cleaning = [
            (
                key.name,
                key.clean if type(key).clean_present is Key.clean_present else None,
                key.clean_present,
                key.required,
                key.omit_when_absent,
                key.default_value,
            )
            for key in self.keys
        ]
        self._referring = [key for key in self.keys if type(key).references is not Key.references]
        # (name, attname, to_model or None when it is the value itself, the key's own store or None when
        # the value is simply set on the row).
        self._storing = [
            (
                key.name,
                key.attname,
                None if type(key).to_model is Key.to_model else key.to_model,
                None if type(key).store is Key.store else key.store,
            )
            for key in self.stored
        ]
        # Stored references that store as Ref does (the target's pk): name → target type.
        self._plain_refs = {
            key.name: key.target
            for key in self.stored
            if isinstance(key, Ref) and type(key).store is Ref.store
        }

    def __repr__(self) -> str:
        return f"<RecordType {self.name}>"

    # Reading a record.
    def clean(self, raw: dict) -> dict:
        """The canonical record: every key in order, missing optional keys at their default."""
        record: dict[str, Any] = {"type": self.name}
        for name, clean, clean_present, required, omit_when_absent, default_value in self._cleaning:
            value = raw.get(name, _ABSENT)
            if value is _ABSENT:
                if required:
                    raise Invalid(name, gettext_noop("missing required key"))
                if not omit_when_absent:
                    record[name] = default_value()
            elif value is None or clean is None:
                record[name] = clean_present(value)
            else:
                record[name] = clean(value)
        self.check(record)
        return record

    def check(self, record: dict) -> None:
        """Rules across keys; raise Invalid(key, message)."""

    def references(self, record: dict) -> Iterator[tuple[str, str, str]]:
        """(key name, record type, referenced key) for every reference the record makes."""
        for key in self._referring:
            if key.name in record:
                for target, value in key.references(record[key.name]):
                    yield key.name, target, value

    # Reading the database.
    def queryset(self) -> models.QuerySet:
        return self.model._default_manager.all()

    def existing(self, queryset: models.QuerySet | None = None) -> dict[str, dict]:
        """Every row of the model (or of `queryset`) in canonical form, by key: what export writes and
        import compares with."""
        lookups = list(dict.fromkeys(["pk", *self.row_lookups(), *(key.lookup for key in self.columns)]))
        owners = None if queryset is None else list(queryset.values_list("pk", flat=True))
        related = {key.name: key.load(self.model, owners) for key in self.relations}
        records = {}
        rows = self.queryset() if owners is None else self.queryset().filter(pk__in=owners)
        for row in rows.values(*lookups).iterator(chunk_size=5000):
            record = self.from_row(row, related)
            records[record[self.key]] = record
        return records

    def record_of(self, obj: models.Model) -> dict:
        """One object in canonical form."""
        return next(iter(self.existing(self.queryset().filter(pk=obj.pk)).values()))

    def row_lookups(self) -> list[str]:
        """Extra columns `from_row` needs."""
        return []

    def from_row(self, row: dict, related: dict[str, dict[int, Any]]) -> dict:
        record: dict[str, Any] = {"type": self.name}
        for key in self.keys:
            if isinstance(key, Relation):
                record[key.name] = related[key.name].get(row["pk"], key.default_value())
            else:
                record[key.name] = key.from_model(row[key.lookup])
        return record

    # Writing.
    def apply(self, created: list[dict], updated: list[UpdatePair], ctx: ImportContext) -> None:
        """Write created and changed records in bulk; the types they refer to are written already."""
        self.create(created, ctx)
        if updated:  # an update reads every key's pk first: 100,000 of them for the evaluations
            self.update(updated, ctx)
        ctx.forget(self.name)
        if self.self_refs:
            self.store_self_refs([*created, *(new for new, _old in updated)], ctx)
        self.replace_relations(created, updated, ctx)

    def build(self, record: dict, ctx: ImportContext) -> Row:
        """The record's column values by attname."""
        row = Row()
        self.store(row, record, ctx)
        return row

    def store(self, obj: Any, record: dict, ctx: ImportContext) -> None:
        # A Row takes setattr as an item; a model instance (a demand) takes it as an attribute.
        put = obj.__setitem__ if type(obj) is Row else functools.partial(setattr, obj)
        for name, attname, to_model, store in self._storing:
            value = record.get(name, _ABSENT)
            if value is _ABSENT:
                continue
            if store is not None:
                store(obj, value, ctx)
            else:
                put(attname, value if to_model is None else to_model(value))

    def build_rows(self, records: list[dict], ctx: ImportContext) -> list[Row]:
        """`build` of every record, key by key: a key's values are read from all records in one pass, and a
        reference looks up its target's pks once, not once per record (100,000 evaluations name their
        institution). A type with its own `build` or `store` builds record by record."""
        if type(self).build is not RecordType.build or type(self).store is not RecordType.store:
            return [self.build(record, ctx) for record in records]
        rows = [Row() for _record in records]
        for name, attname, to_model, store in self._storing:
            values = [record.get(name, _ABSENT) for record in records]
            if store is None:
                if to_model is not None:
                    values = [value if value is _ABSENT else to_model(value) for value in values]
                for row, value in zip(rows, values, strict=True):
                    if value is not _ABSENT:
                        row[attname] = value
            elif name in self._plain_refs:
                pks = ctx.pks(self._plain_refs[name])
                for row, value in zip(rows, values, strict=True):
                    if value is not _ABSENT:
                        row[attname] = None if value is None else pks[value]
            else:
                for row, value in zip(rows, values, strict=True):
                    if value is not _ABSENT:
                        store(row, value, ctx)
        return rows

    def create(self, records: list[dict], ctx: ImportContext) -> None:
        insert_rows(self.model, self.build_rows(records, ctx))

    def update_fields(self) -> list[str]:
        """The attnames an update writes."""
        return [key.attname for key in self.columns if key.name != self.key and key not in self.self_refs]

    def update(self, pairs: list[UpdatePair], ctx: ImportContext) -> list[Row]:
        pks = ctx.pks(self.name)
        rows = self.build_rows([new for new, _old in pairs], ctx)
        for row, (new, _old) in zip(rows, pairs, strict=True):
            row.pk = pks[new[self.key]]
        update_rows(self.model, rows, self.update_fields())
        return rows

    def store_self_refs(self, records: list[dict], ctx: ImportContext) -> None:
        """Second pass for references within the type (a field's parent), once every record has a pk."""
        pks = ctx.pks(self.name)
        rows = []
        for record in records:
            row = Row(pk=pks[record[self.key]])
            for key in self.self_refs:
                key.store(row, record.get(key.name), ctx)
            rows.append(row)
        update_rows(self.model, rows, [key.attname for key in self.self_refs])

    def replace_relations(self, created: list[dict], updated: list[UpdatePair], ctx: ImportContext) -> None:
        if not self.relations:
            return
        pks = ctx.pks(self.name)
        for relation in self.relations:
            values = {pks[record[self.key]]: record[relation.name] for record in created}
            stale = []
            for new, old in updated:
                if new[relation.name] != old[relation.name]:
                    values[pks[new[self.key]]] = new[relation.name]
                    stale.append(pks[new[self.key]])
            if values:
                relation.replace(self.model, values, ctx, stale=stale)

    def finish(self, ctx: ImportContext) -> None:
        """Runs once every type has been written (for derived data)."""


class ImportContext:
    """What the record types share while one import writes: keys → pks, and what the import touched."""

    def __init__(self) -> None:
        self._pks: dict[str, dict[str, int]] = {}
        #: Institutions whose records, courses, evaluations or outcomes changed: for the post-import hooks.
        self.affected_institutions: set[int] = set()
        #: Pages created or updated, by model, for Wagtail's search index.
        self.changed_pages: dict[type[models.Model], set[int]] = {}
        #: Scratch space for a type's own lookups (e.g. organizing units by name).
        self.cache: dict[str, Any] = {}

    def pks(self, type_name: str) -> dict[str, int]:
        """Key → primary key of every record of the type in the database."""
        if type_name not in self._pks:
            record_type = get_type(type_name)
            self._pks[type_name] = dict(record_type.queryset().values_list(record_type.key, "pk"))
        return self._pks[type_name]

    def forget(self, type_name: str) -> None:
        self._pks.pop(type_name, None)

    def page_changed(self, model: type[models.Model], pks: list[int]) -> None:
        self.changed_pages.setdefault(model, set()).update(pks)


_registry: dict[str, RecordType] = {}


def register(record_type: RecordType) -> RecordType:
    """Add a record type (an instance); a type of the same name replaces the old one."""
    _registry[record_type.name] = record_type
    return record_type


def get_type(name: str) -> RecordType:
    return _registry[name]


def record_types(names: list[str] | None = None) -> list[RecordType]:
    """Registered types in dependency order, optionally only the named ones."""
    types = sorted(_registry.values(), key=lambda record_type: record_type.order)
    if names is not None:
        types = [record_type for record_type in types if record_type.name in names]
    return types


def type_names() -> list[str]:
    return [record_type.name for record_type in record_types()]
