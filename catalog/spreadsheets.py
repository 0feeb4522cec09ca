"""Cells for CSV and Excel downloads, so that text people typed never runs as a formula when the file is
opened: every export writes its rows through `cells()`.

OWASP's advice on CSV injection: text starting with =, +, -, @, a tab or a carriage return gets a leading
single quote. Only text changes; numbers (a negative one too), dates and empty cells stay as they are.
"""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> object:
    """The value as a spreadsheet program should read it: text that could start a formula stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def cells(row: Iterable[object]) -> list[object]:
    """A row for `csv.writer.writerow()` or `Worksheet.append()`."""
    return [cell(value) for value in row]
