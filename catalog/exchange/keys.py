"""The keys of exchange records: how each is checked, given its default, and stored in or read from a model.

A record type lists its keys in export order; each key turns an incoming JSON value into its canonical
form (the form the writer prints), so "unchanged" is a plain comparison of two canonical dicts.

Error messages are `Message`s: an English text marked for translation and its parameters, translated when
they are shown (the admin's import page, in the reader's language), printed in English on the command line.
"""

from __future__ import annotations

import abc
import copy
import datetime
import json
import math
import re
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext, gettext_noop

from catalog.exchange.bulk import chunked, insert_rows
from catalog.fields import validate_web_address

_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
# C0 control characters and DEL: none in one-line text; text of several lines may hold tabs and line breaks.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_BESIDE_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: The largest whole number every integer column holds (PostgreSQL's integer); keys may allow less.
MAX_INT = 2**31 - 1
# Defaults deepcopy() would return as they are.
_ATOMIC = frozenset({str, int, float, bool, type(None)})


class Message:
    """A message shown in its reader's language: an English text with %(name)s parameters, marked with
    `gettext_noop`, translated by `str()` in the active language; `english()` for the command line and
    logs; `as_json()` and `from_json()` to keep it in the database until it is shown. A parameter may be a
    Message itself (the line's place around a key's complaint)."""

    def __init__(self, text: str, **params: Any):
        self.text = text
        self.params = params

    def _render(self, translate: Any) -> str:
        if not self.params:
            return translate(self.text)
        params = {
            name: value._render(translate) if isinstance(value, Message) else value
            for name, value in self.params.items()
        }
        return translate(self.text) % params

    def __str__(self) -> str:
        return self._render(gettext)

    def english(self) -> str:
        return self._render(str)

    def __repr__(self) -> str:
        return f"Message({self.english()!r})"

    def as_json(self) -> dict:
        params = {
            name: value.as_json() if isinstance(value, Message) else value
            for name, value in self.params.items()
        }
        return {"text": self.text, "params": params}

    @classmethod
    def from_json(cls, data: Any) -> Message | str:
        """A stored message; text stored before messages were kept this way is shown as it is."""
        if not isinstance(data, dict):
            return str(data)
        params = {
            name: cls.from_json(value) if isinstance(value, dict) else value
            for name, value in data.get("params", {}).items()
        }
        return cls(data["text"], **params)


def _message(message: str | Message) -> Message:
    return message if isinstance(message, Message) else Message(message)


class ExchangeError(Exception):
    """Bad input: each message names the file, the line and the key. Nothing was written. `str()` is the
    English text (the command line, logs); `errors` are the messages to show in the reader's language."""

    def __init__(self, errors: list[str | Message]):
        self.errors = [_message(error) for error in errors]
        super().__init__("\n".join(error.english() for error in self.errors))


class Invalid(Exception):
    """A key's value is wrong; the reader adds the file, line and record. `message` is the English text,
    `said` the message to translate."""

    def __init__(self, key: str, message: str | Message):
        self.said = _message(message)
        super().__init__(self.said.english())
        self.key = key
        self.message = self.said.english()


def _show(value: Any) -> str:
    # json.dumps quotes text with its control characters escaped, so an error never prints them raw.
    text = repr(value) if not isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"


class Key:
    """A column-backed key. `attr` is the model attribute; with `omit_when_absent` a key the input leaves
    out stays out of the canonical record instead of taking its default."""

    def __init__(
        self,
        name: str,
        *,
        required: bool = False,
        default: Any = None,
        attr: str | None = None,
        omit_when_absent: bool = False,
    ):
        self.name = name
        self.required = required
        self.default = default
        self.omit_when_absent = omit_when_absent
        self.attr = attr or name
        #: The model column it is stored in, and what `values()` reads for export.
        self.attname = self.lookup = self.attr

    def default_value(self) -> Any:
        # A fresh copy of a list or dict; a text, number, bool or None is its own copy.
        if type(self.default) in _ATOMIC:
            return self.default
        return copy.deepcopy(self.default)

    def clean(self, value: Any) -> Any:
        """The canonical form of a present value; None is handled by `clean_present`."""
        return value

    def clean_present(self, value: Any) -> Any:
        if value is None:
            if self.required:
                raise Invalid(self.name, gettext_noop("must not be null"))
            return self.default_value()
        return self.clean(value)

    def references(self, value: Any) -> Iterator[tuple[str, str]]:
        """(record type, key) pairs this value refers to."""
        return iter(())

    # Between the canonical form and the model.
    def to_model(self, value: Any) -> Any:
        return value

    def from_model(self, value: Any) -> Any:
        return value

    def store(self, obj: Any, value: Any, ctx: Any) -> None:
        setattr(obj, self.attname, self.to_model(value))

    def fail(self, text: str | Message, **params: Any):
        """Refuse the value: `text` marked with gettext_noop, its %(name)s parameters given by name."""
        raise Invalid(self.name, Message(text, **params) if params else text)


class Text(Key):
    """A string no longer than its column; required text must not be blank. One line (a name, a code)
    unless `multiline` (a description, a comment): control characters never, tabs and line breaks there."""

    def __init__(self, name: str, *, max_length: int | None = None, multiline: bool = False, **kwargs):
        kwargs.setdefault("default", "")
        super().__init__(name, **kwargs)
        self.max_length = max_length
        self.multiline = multiline
        self._control = _CONTROL_BESIDE_LINES if multiline else _CONTROL

    def clean(self, value: Any) -> str:
        if not isinstance(value, str):
            self.fail(gettext_noop("expected text, got %(value)s"), value=_show(value))
        if self.required and not value.strip():
            self.fail(gettext_noop("must not be empty"))
        if self.max_length and len(value) > self.max_length:
            self.fail(gettext_noop("longer than %(limit)s characters"), limit=self.max_length)
        if self._control.search(value):
            _check_characters(self, value, multiline=self.multiline)
        return value

    def from_model(self, value: Any) -> str:
        return value or ""


def _check_characters(key: Key, text: str, *, multiline: bool = False) -> None:
    found = (_CONTROL_BESIDE_LINES if multiline else _CONTROL).search(text)
    if found:
        key.fail(
            gettext_noop("control character U+%(code)s at position %(position)s"),
            code=f"{ord(found.group()):04X}",
            position=found.start() + 1,
        )


class CheckedText(Text):
    """Text that, when not empty, must also pass a Django validator; `problem` says why it did not."""

    validator: Any = None
    problem = ""

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if value:
            try:
                type(self).validator(value)  # through the class: a plain function would bind to self
            except ValidationError:
                self.fail(self.problem, value=_show(value))
        return value


class Url(CheckedText):
    """A web address the site links to: http or https only (never `javascript:`); "" for none."""

    validator = validate_web_address
    problem = gettext_noop("%(value)s is not an http or https address")


class Email(CheckedText):
    """An email address, as the model's EmailField checks it; "" for none."""

    validator = validate_email
    problem = gettext_noop("%(value)s is not an email address")

    def __init__(self, name: str, *, max_length: int = 254, **kwargs):
        super().__init__(name, max_length=max_length, **kwargs)


class Code(Text):
    """A record's stable key (`code`, `external_id`): letters, digits, `-` and `_`."""

    def __init__(self, name: str, *, max_length: int = 100):
        super().__init__(name, required=True, max_length=max_length)

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if not _SLUG.fullmatch(value):
            self.fail(
                gettext_noop("%(value)s may hold only letters, digits, '-' and '_'"), value=_show(value)
            )
        return value


class Choice(Key):
    """One of a value set; a nullable choice is stored as "" in its blank model column."""

    def __init__(self, name: str, choices: Iterable[str], *, nullable: bool = False, **kwargs):
        super().__init__(name, **kwargs)
        self.choices = list(choices)
        self.nullable = nullable

    def clean(self, value: Any) -> str | None:
        if self.nullable and value == "":
            return None
        if value not in self.choices:
            self.fail(
                gettext_noop("%(value)s is not one of: %(choices)s"),
                value=_show(value),
                choices=", ".join(self.choices),
            )
        return value

    def to_model(self, value: str | None) -> str:
        return value or ""

    def from_model(self, value: str) -> str | None:
        return (value or None) if self.nullable else value


class Bool(Key):
    """true or false; a nullable one (`backbone_plan`) may also be null, meaning "not stated"."""

    def __init__(self, name: str, *, nullable: bool = False, **kwargs):
        kwargs.setdefault("default", None if nullable else False)
        super().__init__(name, **kwargs)
        self.nullable = nullable

    def clean(self, value: Any) -> bool:
        if not isinstance(value, bool):
            self.fail(gettext_noop("expected true or false, got %(value)s"), value=_show(value))
        return value


class Int(Key):
    """A whole number within [minimum, maximum], never more than its column holds; null when not given."""

    def __init__(self, name: str, *, minimum: int | None = None, maximum: int = MAX_INT, **kwargs):
        super().__init__(name, **kwargs)
        self.minimum, self.maximum = minimum, maximum

    def clean(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(gettext_noop("expected a whole number, got %(value)s"), value=_show(value))
        _check_range(self, value)
        return value


class Number(Key):
    """A decimal number within [minimum, maximum], kept as a float (4 and 4.0 are the same value)."""

    def __init__(self, name: str, *, minimum: float | None = None, maximum: float | None = None, **kwargs):
        super().__init__(name, **kwargs)
        self.minimum, self.maximum = minimum, maximum

    def clean(self, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not _is_finite(value):
            self.fail(gettext_noop("expected a number, got %(value)s"), value=_show(value))
        _check_range(self, value)
        return float(value)


def _is_finite(value: int | float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # a whole number too large for a float
        return False


def _check_range(key: Int | Number, value: float) -> None:
    low, high = key.minimum, key.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        if high is None:
            key.fail(gettext_noop("%(value)s is out of range (at least %(low)s)"), value=value, low=low)
        key.fail(
            gettext_noop("%(value)s is out of range (%(low)s to %(high)s)"), value=value, low=low, high=high
        )


class Date(Key):
    """An ISO date, "2019-06-30"."""

    def clean(self, value: Any) -> str:
        if not isinstance(value, str):
            self.fail(gettext_noop("expected an ISO date like 2019-06-30, got %(value)s"), value=_show(value))
        try:
            return datetime.date.fromisoformat(value).isoformat()
        except ValueError:
            self.fail(gettext_noop("%(value)s is not an ISO date like 2019-06-30"), value=_show(value))

    def to_model(self, value: str) -> datetime.date:
        return datetime.date.fromisoformat(value)

    def from_model(self, value: datetime.date) -> str:
        return value.isoformat()


class TextList(Key):
    """A list of strings, order kept (synonyms, teaching languages)."""

    def __init__(self, name: str, **kwargs):
        kwargs.setdefault("default", [])
        super().__init__(name, **kwargs)

    def clean(self, value: Any) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.fail(gettext_noop("expected a list of texts, got %(value)s"), value=_show(value))
        for item in value:
            _check_characters(self, item)
        return value

    def from_model(self, value: Any) -> list[str]:
        return value or []


class Scores(Key):
    """Named scores from 1 to 5, keys sorted so PostgreSQL's jsonb and SQLite export alike."""

    def __init__(self, name: str, **kwargs):
        kwargs.setdefault("default", {})
        super().__init__(name, **kwargs)

    def clean(self, value: Any) -> dict[str, int | float]:
        if not isinstance(value, dict):
            self.fail(gettext_noop("expected an object of scores, got %(value)s"), value=_show(value))
        for label, score in value.items():
            _check_characters(self, label)
            if isinstance(score, bool) or not isinstance(score, int | float) or not 1 <= score <= 5:
                self.fail(
                    gettext_noop("score %(label)s: %(value)s is out of range (1 to 5)"),
                    label=_show(label),
                    value=_show(score),
                )
        return dict(sorted(value.items()))

    def from_model(self, value: Any) -> dict:
        return dict(sorted((value or {}).items()))


class Obj(Key):
    """A small nullable object (special project, expert review, funding): known sub-keys, in their order."""

    def __init__(self, name: str, keys: list[Key], **kwargs):
        super().__init__(name, **kwargs)
        self.keys = keys

    def clean(self, value: Any) -> dict:
        if not isinstance(value, dict):
            self.fail(gettext_noop("expected an object or null, got %(value)s"), value=_show(value))
        result = {}
        for key in self.keys:
            if key.name in value:
                try:
                    result[key.name] = key.clean_present(value[key.name])
                except Invalid as error:
                    self.fail(gettext_noop("%(key)s: %(problem)s"), key=key.name, problem=error.said)
        return result


class Ref(Key):
    """A reference to another record by its key; stored as the foreign key `attr`."""

    def __init__(self, name: str, target: str, *, target_key: str, **kwargs):
        super().__init__(name, **kwargs)
        self.target = target
        self.target_key = target_key
        self.lookup = f"{self.attr}__{target_key}"
        self.attname = f"{self.attr}_id"

    def clean(self, value: Any) -> str:
        if not isinstance(value, str) or not value:
            self.fail(
                gettext_noop("expected the key of a %(type)s, got %(value)s"),
                type=self.target,
                value=_show(value),
            )
        return value

    def references(self, value: Any) -> Iterator[tuple[str, str]]:
        if value is not None:
            yield self.target, value

    def store(self, obj: Any, value: Any, ctx: Any) -> None:
        setattr(obj, self.attname, ctx.pks(self.target)[value] if value is not None else None)


class Relation(Key, abc.ABC):
    """A key kept in rows of its own (many-to-many, weighted children), written after its owner.
    Each kind of relation says how its rows are read (`load`) and written (`replace`); its value is a list
    of references to `target` records, named by their `target_key`."""

    def __init__(self, name: str, target: str, *, target_key: str, **kwargs):
        kwargs.setdefault("default", [])
        super().__init__(name, **kwargs)
        self.target = target
        self.target_key = target_key

    def store(self, obj: Any, value: Any, ctx: Any) -> None:
        pass  # saved by replace() once the owner has its primary key

    @abc.abstractmethod
    def load(self, model, owners: list[int] | None = None) -> dict[int, Any]:
        """The canonical value of every owner (or of these owners) that has one, by owner pk."""

    @abc.abstractmethod
    def replace(self, model, values: dict[int, Any], ctx: Any, *, stale: list[int]) -> None:
        """Make the rows of these owners (pk → canonical value) the given values; `stale` owners had rows."""


class RefList(Relation):
    """A set of references kept in a many-to-many field; canonical form: sorted, without repeats."""

    def clean(self, value: Any) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
            self.fail(
                gettext_noop("expected a list of %(type)s keys, got %(value)s"),
                type=self.target,
                value=_show(value),
            )
        return sorted(set(value))

    def references(self, value: Any) -> Iterator[tuple[str, str]]:
        for item in value:
            yield self.target, item

    def _through(self, model):
        field = model._meta.get_field(self.attr)
        return field.remote_field.through, field.m2m_field_name(), field.m2m_reverse_field_name()

    def load(self, model, owners: list[int] | None = None) -> dict[int, list[str]]:
        through, owner, target = self._through(model)
        values: dict[int, list[str]] = {}
        rows = (
            through.objects.all() if owners is None else through.objects.filter(**{f"{owner}_id__in": owners})
        )
        for owner_id, key in rows.values_list(f"{owner}_id", f"{target}__{self.target_key}"):
            values.setdefault(owner_id, []).append(key)
        return {owner_id: sorted(keys) for owner_id, keys in values.items()}

    def replace(self, model, values: dict[int, list[str]], ctx: Any, *, stale: list[int]) -> None:
        through, owner, target = self._through(model)
        _delete_rows(through, f"{owner}_id", stale)
        pks = ctx.pks(self.target)
        insert_rows(
            through,
            [
                {f"{owner}_id": owner_pk, f"{target}_id": pks[key]}
                for owner_pk, keys in values.items()
                for key in keys
            ],
        )


class Weighted(Relation):
    """Weighted fields kept as orderable child rows (specialties, strengths):
    [{"field": …, "weight": 0–1}], in the order given."""

    def clean(self, value: Any) -> list[dict]:
        if not isinstance(value, list):
            self.fail(
                gettext_noop('expected a list of {"%(type)s": …, "weight": …}, got %(value)s'),
                type=self.target,
                value=_show(value),
            )
        result, seen = [], set()
        for item in value:
            if not isinstance(item, dict) or not isinstance(item.get(self.target), str):
                self.fail(
                    gettext_noop('expected {"%(type)s": …, "weight": …}, got %(value)s'),
                    type=self.target,
                    value=_show(item),
                )
            weight = item.get("weight", 1.0)
            if isinstance(weight, bool) or not isinstance(weight, int | float) or not 0 <= weight <= 1:
                self.fail(
                    gettext_noop('%(type)s "%(key)s": weight %(value)s is out of range (0 to 1)'),
                    type=self.target,
                    key=item[self.target],
                    value=_show(weight),
                )
            if item[self.target] in seen:
                self.fail(
                    gettext_noop('%(type)s "%(key)s" is listed twice'),
                    type=self.target,
                    key=item[self.target],
                )
            seen.add(item[self.target])
            result.append({self.target: item[self.target], "weight": float(weight)})
        return result

    def references(self, value: Any) -> Iterator[tuple[str, str]]:
        for item in value:
            yield self.target, item[self.target]

    def _rows(self, model):
        relation = model._meta.get_field(self.attr)
        return relation.related_model, relation.field.name

    def load(self, model, owners: list[int] | None = None) -> dict[int, list[dict]]:
        rows, owner = self._rows(model)
        values: dict[int, list[dict]] = {}
        query = rows.objects.all() if owners is None else rows.objects.filter(**{f"{owner}_id__in": owners})
        query = query.order_by(owner, "sort_order", "pk").values_list(
            f"{owner}_id", f"{self.target}__{self.target_key}", "weight"
        )
        for owner_id, key, weight in query:
            values.setdefault(owner_id, []).append({self.target: key, "weight": weight})
        return values

    def replace(self, model, values: dict[int, list[dict]], ctx: Any, *, stale: list[int]) -> None:
        rows, owner = self._rows(model)
        _delete_rows(rows, f"{owner}_id", stale)
        pks = ctx.pks(self.target)
        insert_rows(
            rows,
            [
                {
                    f"{owner}_id": owner_pk,
                    f"{self.target}_id": pks[item[self.target]],
                    "weight": item["weight"],
                    "sort_order": position,
                }
                for owner_pk, items in values.items()
                for position, item in enumerate(items)
            ],
        )


def _delete_rows(model, column: str, owners: list[int]) -> None:
    for chunk in chunked(owners):
        model.objects.filter(**{f"{column}__in": chunk}).delete()
