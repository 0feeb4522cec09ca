"""Whole numbers a request carries — a query parameter, a form value, a part of the path — and the ids among
them. "²" and "①" pass `str.isdigit()` but `int()` refuses them, and a 30-digit id overflows the database's
64-bit integers; here both are a missing value, an invalid choice or a 404, never a server error."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

# The largest id the database's 64-bit integers hold; any id of ID_DIGITS digits is smaller.
MAX_ID = 2**63 - 1
ID_DIGITS = 18


def positive_int(value: object, maximum: int) -> int | None:
    """`value` as a whole number from 1 to `maximum` written in ASCII digits, or None."""
    if not isinstance(value, str) or not (value.isascii() and value.isdigit()):
        return None
    # Compared as text first: int() of thousands of digits is slow, and refused past 4,300.
    if len(value.lstrip("0")) > len(str(maximum)):
        return None
    number = int(value)
    return number if 1 <= number <= maximum else None


def object_id(value: object) -> int | None:
    """`value` as an id the database can hold, or None."""
    return positive_int(value, MAX_ID)


class IdConverter:
    """`<id:pk>` in a URL pattern: at most ID_DIGITS digits, so a longer id is a 404 rather than a query
    the database cannot run. Registered by the catalogue's app config."""

    regex = f"[0-9]{{1,{ID_DIGITS}}}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int | str) -> str:
        return str(value)


class IdChoiceField(forms.ModelChoiceField):
    """A choice of one object by its id; what cannot be an id is an invalid choice before any query."""

    def to_python(self, value):
        if isinstance(value, str) and value not in self.empty_values and object_id(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A choice of objects by their ids; a value that cannot be an id is invalid before any query."""

    def _check_values(self, value):
        for pk in value:
            if isinstance(pk, str) and object_id(pk) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)
