"""Cells of CSV and Excel downloads: text that would start a formula stays text, anything else as it is."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from catalog.spreadsheets import cells


@pytest.mark.parametrize(
    "text", ["=1+1", "+1", "-1", "@SUM(1)", "\t=1", "\r=1", '=HYPERLINK("http://evil","x")']
)
def test_text_that_could_start_a_formula_gets_a_leading_quote(text):
    assert cells([text]) == ["'" + text]


def test_numbers_dates_empty_cells_and_plain_text_stay_as_they_are():
    row = [-3, -1.5, Decimal("-2.50"), 0, None, "", datetime.date(2024, 3, 1), "Garching", "慕尼黑", "a=b"]
    assert cells(row) == row
    assert [type(value) for value in cells(row)] == [type(value) for value in row]
