"""Bulk row writes that skip model instances: an import of 130,000 records cannot afford a model `__init__`
(Wagtail pages' is heavy) or Django's per-value insert compiler for each row.

Rows are plain dicts of column values by attname; `executemany` sends them in chunks. Values go through
the field's `get_db_prep_save` only for types the database driver cannot take as they are (JSON, dates,
UUIDs), so what is stored is exactly what `Model.save()` would store.
"""

from __future__ import annotations

import contextlib
import datetime
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.db import connections, models, router
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils import timezone

CHUNK = 1000
# Rows in one multi-row upsert statement (PostgreSQL).
UPSERT_CHUNK = 500
# SQLite's page cache while an import writes, in KiB: 10,000 institutions with 100,000 evaluations fill about
# 50 MB of pages. With SQLite's default of 2 MB, a transaction that size spills its pages to the file and
# reads them back, half a million system calls.
IMPORT_PAGE_CACHE_KIB = 64 * 1024
# Field types whose Python values the drivers (sqlite3, psycopg) store unchanged.
_NATIVE = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "EmailField",
    "FloatField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
    "URLField",
}


class Row(dict):
    """Column values by attname; record keys store into it with setattr, as into a model instance."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    __setattr__ = dict.__setitem__


def chunked(items: list, size: int = 900) -> Iterator[list]:
    """Slices small enough for SQLite's limit on query parameters."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _connection(model: type[models.Model]):
    return connections[router.db_for_write(model)]


@contextlib.contextmanager
def page_cache_for_import(connection) -> Iterator[None]:
    """On SQLite, hold the pages an import writes in memory until it commits (IMPORT_PAGE_CACHE_KIB); the
    connection's own cache size comes back afterwards. Other databases keep their settings."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{IMPORT_PAGE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def _converter(field: models.Field, connection):
    """A function of one non-null value giving what `field.get_db_prep_save` gives, or None when that is
    the value itself. JSON and date columns of Django's own field classes go straight to the backend's
    adapter (what `get_db_prep_save` ends in for a plain dict, list or date); any other value, and any
    field class that changes these steps, takes the field's own path."""
    if field.get_internal_type() in _NATIVE:
        return None
    kind = type(field)
    prep_save = field.get_db_prep_save
    ops = connection.ops
    if _unchanged(kind, models.JSONField, ("get_db_prep_save", "get_db_prep_value", "get_prep_value")):
        adapt_json, encoder = ops.adapt_json_value, field.encoder
        if encoder is None and type(ops).adapt_json_value is BaseDatabaseOperations.adapt_json_value:
            # The backend stores json.dumps(value) as text (SQLite): one encoder for every value.
            adapt_json = _json_text

        def convert(value):
            if type(value) is dict or type(value) is list:
                return adapt_json(value, encoder)
            return prep_save(value, connection)

        return convert
    if kind is models.DateField:
        adapt_date = ops.adapt_datefield_value

        def convert(value):
            return adapt_date(value) if type(value) is datetime.date else prep_save(value, connection)

        return convert
    # Others (a page's publication times: the same `now` on every row) are worked out once per value.
    last: list = [_NOTHING, None]

    def convert(value):
        if value is not last[0]:
            last[0], last[1] = value, prep_save(value, connection)
        return last[1]

    return convert if kind in _IMMUTABLE_VALUES else (lambda value: prep_save(value, connection))


def _encoder():
    """A function giving what `json.dumps(value)` gives. json.dumps builds an encoder for every value it is
    handed; an import stores 100,000 evaluations' scores and 30,000 profile columns, so one is built once."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # Python without its C accelerator
        return json.dumps
    defaults = json.JSONEncoder()  # json.dumps's settings: ASCII only, ", " and ": ", NaN allowed
    encode = make(
        None, defaults.default, json.encoder.encode_basestring_ascii, None, ": ", ", ", False, False, True
    )

    def dumps(value: Any, _encoder: Any = None) -> str:
        if type(value) is str:  # the C encoder wants a container at the top
            return json.dumps(value)
        return "".join(encode(value, 0))

    return dumps


_json_text = _encoder()
_NOTHING = object()
# Field classes whose values are immutable, so a value seen again (the same object) converts alike.
_IMMUTABLE_VALUES = {models.DateTimeField, models.DateField, models.UUIDField}


def _is_auto_now(field: models.Field) -> bool:
    return getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)


def _unchanged(kind: type, base: type, methods: tuple[str, ...]) -> bool:
    """Whether the field class `kind` is `base` or a subclass that keeps base's `methods`."""
    return issubclass(kind, base) and all(getattr(kind, name) is getattr(base, name) for name in methods)


def insert_rows(model: type[models.Model], rows: Iterable[Mapping[str, Any]]) -> None:
    """INSERT rows into the model's own table (for a page type: not into wagtailcore_page).

    A column missing from a row takes the field's default (auto_now fields: now); the auto primary key is
    left to the database.
    """
    connection = _connection(model)
    fields = [field for field in model._meta.local_concrete_fields if not isinstance(field, models.AutoField)]
    now = timezone.now()
    # (attname, converter, callable default or None, constant default), worked out once per call.
    # A field without a default has a constant one (None or ""), like a field with a non-callable default.
    plan = []
    for field in fields:
        convert = _converter(field, connection)
        if field.has_default() and callable(field.default) and not _is_auto_now(field):
            plan.append((field.attname, convert, field.get_default, None))
        else:
            default = now if _is_auto_now(field) else field.get_default()
            # Converted once, here, rather than on every row that leaves the column out.
            plan.append(
                (
                    field.attname,
                    convert,
                    None,
                    convert(default) if convert and default is not None else default,
                )
            )
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )

    def column(rows: list[Mapping[str, Any]], attname, convert, make_default, default) -> list:
        if make_default is None and convert is None:
            return [row.get(attname, default) for row in rows]
        values = [row.get(attname, _NOTHING) for row in rows]
        if make_default is None:  # a converted constant for rows without the column
            return [
                default if value is _NOTHING else value if value is None else convert(value)
                for value in values
            ]
        values = [make_default() if value is _NOTHING else value for value in values]
        if convert is None:
            return values
        return [value if value is None else convert(value) for value in values]

    def values(rows: list[Mapping[str, Any]]) -> list[tuple]:
        # Column by column: a column most rows leave at its default costs one list comprehension.
        return list(zip(*(column(rows, *step) for step in plan), strict=True))

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is PostgreSQL's bulk path; executemany costs psycopg several times more per row.
            columns = ", ".join(quote(field.column) for field in fields)
            with cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
                for chunk in chunked(list(rows), CHUNK):
                    for row_values in values(chunk):
                        copy.write_row(row_values)
            return
        # One prepared statement for many rows, looped over in C by sqlite3.
        for chunk in chunked(list(rows), CHUNK):
            cursor.executemany(sql, values(chunk))


def update_rows(model: type[models.Model], rows: list[Mapping[str, Any]], attnames: list[str]) -> None:
    """UPDATE the given columns of rows identified by row["pk"]; columns of a parent table (a page's
    title) go to that table. auto_now columns are set to now."""
    if not rows:
        return
    connection = _connection(model)
    quote = connection.ops.quote_name
    by_table: dict[type[models.Model], list[models.Field]] = {}
    for attname in attnames:
        field = model._meta.get_field(attname)
        by_table.setdefault(field.model._meta.concrete_model, []).append(field)
    for owner in model._meta.get_parent_list() + [model]:
        for field in owner._meta.local_concrete_fields:
            if getattr(field, "auto_now", False) and field not in by_table.get(owner, []):
                by_table.setdefault(owner, []).append(field)
    now = timezone.now()
    with connection.cursor() as cursor:
        for table_model, fields in by_table.items():
            converters = [_converter(field, connection) for field in fields]
            assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
            table, pk = quote(table_model._meta.db_table), quote(table_model._meta.pk.column)
            sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"

            def values(row: Mapping[str, Any], fields=fields, converters=converters) -> list:
                result = []
                for field, convert in zip(fields, converters, strict=True):
                    value = now if getattr(field, "auto_now", False) else row[field.attname]
                    result.append(convert(value) if convert and value is not None else value)
                return [*result, row["pk"]]

            for chunk in chunked(rows, CHUNK):
                cursor.executemany(sql, [values(row) for row in chunk])


def upsert_rows(
    model: type[models.Model], attnames: Sequence[str], rows: Iterable[Sequence[Any]], *, unique: str
) -> None:
    """INSERT rows (values in the order of `attnames`) into the model's table; a row whose `unique` column
    matches a stored one updates that row's other columns instead. One `INSERT … ON CONFLICT … DO UPDATE`
    statement, which SQLite and PostgreSQL both speak, prepared once for every row: what
    `bulk_create(update_conflicts=True)` writes, without building a model instance and compiling a
    statement per batch. Values go through the converters `insert_rows` uses."""
    connection = _connection(model)
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(attname) for attname in attnames]
    converters = [_converter(field, connection) for field in fields]
    unique_column = model._meta.get_field(unique).column
    updated = ", ".join(
        f"{quote(field.column)} = EXCLUDED.{quote(field.column)}"
        for field in fields
        if field.column != unique_column
    )
    placeholders = "({})".format(", ".join(["%s"] * len(fields)))

    def sql(rows: int) -> str:
        return "INSERT INTO {} ({}) VALUES {} ON CONFLICT ({}) DO UPDATE SET {}".format(
            quote(model._meta.db_table),
            ", ".join(quote(field.column) for field in fields),
            ", ".join([placeholders] * rows),
            quote(unique_column),
            updated,
        )

    def values(chunk: list[Sequence[Any]]) -> list[tuple]:
        columns = []
        for position, convert in enumerate(converters):
            column = [row[position] for row in chunk]
            if convert is not None:
                column = [value if value is None else convert(value) for value in column]
            columns.append(column)
        return list(zip(*columns, strict=True))

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # One prepared statement for every row, looped over in C by sqlite3.
            for chunk in chunked(list(rows), CHUNK):
                cursor.executemany(sql(1), values(chunk))
            return
        # psycopg sends each row of executemany as a statement of its own: PostgreSQL takes a chunk in one.
        for chunk in chunked(list(rows), UPSERT_CHUNK):
            cursor.execute(sql(len(chunk)), [value for row in values(chunk) for value in row])
