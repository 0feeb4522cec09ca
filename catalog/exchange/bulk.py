"""Bulk row writes that skip model instances: an import of 130,000 records cannot afford a model `__init__`
(Wagtail pages' is heavy) or Django's per-value insert compiler for each row.

Rows are plain dicts of column values by attname; `executemany` sends them in chunks. Values go through
the field's `get_db_prep_save` only for types the database driver cannot take as they are (JSON, dates,
UUIDs), so what is stored is exactly what `Model.save()` would store.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django.db import connections, models, router
from django.utils import timezone

CHUNK = 1000
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


def _converter(field: models.Field, connection):
    if field.get_internal_type() in _NATIVE:
        return None
    return lambda value: field.get_db_prep_save(value, connection)


def insert_rows(model: type[models.Model], rows: Iterable[Mapping[str, Any]]) -> None:
    """INSERT rows into the model's own table (for a page type: not into wagtailcore_page).

    A column missing from a row takes the field's default (auto_now fields: now); the auto primary key is
    left to the database.
    """
    connection = _connection(model)
    fields = [field for field in model._meta.local_concrete_fields if not isinstance(field, models.AutoField)]
    now = timezone.now()
    # (attname, converter, callable default or None, constant default), worked out once per call.
    plan = []
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            plan.append((field.attname, _converter(field, connection), None, now))
        elif callable(field.default):
            plan.append((field.attname, _converter(field, connection), field.get_default, None))
        else:
            plan.append((field.attname, _converter(field, connection), None, field.get_default()))
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )

    def values(row: Mapping[str, Any]) -> list:
        result = []
        for attname, convert, make_default, default in plan:
            if attname in row:
                value = row[attname]
            else:
                value = make_default() if make_default else default
            result.append(convert(value) if convert and value is not None else value)
        return result

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is PostgreSQL's bulk path; executemany costs psycopg several times more per row.
            columns = ", ".join(quote(field.column) for field in fields)
            with cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(values(row))
            return
        # One prepared statement for many rows, looped over in C by sqlite3.
        for chunk in chunked(list(rows), CHUNK):
            cursor.executemany(sql, [values(row) for row in chunk])


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
