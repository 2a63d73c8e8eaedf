"""The shortcuts for plain cells (fast_cells.py) give exactly what the general path gives.

Which path a cell takes must never show: for every column of every sheet
and many values, a shortcut either declines (SLOW) or returns the value the
general path returns, for a cell the general path reports nothing about.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sheetmap.config import Config
from sheetmap.fast_cells import SLOW, converter
from sheetmap.parse import _Reader
from sheetmap.report import Report
from sheetmap.schema import SHEETS, Column
from sheetmap.sources.table import FormulaWithoutValue
from sheetmap.tables import CellNames, Place, Record

COLUMNS = [(sheet.name, column) for sheet in SHEETS for column in sheet.columns]

#: Values people and programs put in cells, the awkward ones included.
SAMPLES: list[Any] = [
    None, "", "   ", "INIT-1", "  INIT-1 ", "Now", "now", " NEXT ", "Nwo", "shipped", "Completed", "in  progress",
    "Dev, UX;  Mobile", "a,,b", "Public", "internal", "private", "M", "xl", "extra large", "3", "2.5", "2,5",
    "1,000", "-1", "12 pts", "2026-03-01", "25/Oct/25 12:53 PM", "#2f5bd3", "teal", "line one\nline two",
    "tab\there", "Caf\u00e9", "\u202eevil", "zero\u200bwidth", "bell\x07", "\u00a0nbsp", 0, 1, -3, 2.5, 7.0,
    float("nan"), float("inf"), -0.0, 2**60, True, False, 45000, 45000.5,
    dt.datetime(2026, 3, 1), dt.datetime(2026, 3, 1, 12, 30), dt.date(2026, 3, 1), dt.time(9, 30),
    FormulaWithoutValue("=A1"),
]  # fmt: skip


def _general(sheet: str, column: Column, value: Any) -> tuple[Any, list[str]]:
    """What the general path makes of `value` in `column`, and the codes it reports."""
    report = Report(Config().rules)
    reader = _Reader(Config(), report)
    place = Place("book.xlsx", sheet, 2, (0, 0), cells=CellNames(2, {column.name: 0}))
    result = reader.field(Record(place, {column.name: value}), sheet, column)
    return result, [p.code for p in report]


def _agree(sheet: str, column: Column, value: Any) -> None:
    shortcut = converter(column, Config().synonyms.get(column.choice_set))(value)
    if shortcut is SLOW:
        return
    result, codes = _general(sheet, column, value)
    assert codes == [], (column.name, value, codes)
    assert shortcut == result and type(shortcut) is type(result), (column.name, value, shortcut, result)


@pytest.mark.parametrize(("sheet", "column"), COLUMNS, ids=[f"{s}.{c.name}" for s, c in COLUMNS])
def test_shortcut_agrees_with_the_general_path(sheet: str, column: Column) -> None:
    for value in SAMPLES:
        _agree(sheet, column, value)


def test_plain_cells_take_the_shortcut() -> None:
    """The shortcut is taken for the common cells (else it would be dead weight)."""
    by_name = {(s, c.name): c for s, c in COLUMNS}
    cases = [
        (("Initiatives", "ID"), "INIT-1", "INIT-1"),
        (("Initiatives", "Horizon"), " next ", "Next"),
        (("Tasks", "Status"), "Selected for Development", "To do"),
        (("Initiatives", "Tags"), "Dev, UX;Dev", ("Dev", "UX")),
        (("Tasks", "Done on"), dt.datetime(2026, 3, 1, 8), dt.date(2026, 3, 1)),
        (("Tasks", "Estimate"), 3, 3.0),
        (("Initiatives", "Rank"), -2, -2.0),
    ]
    for key, value, expected in cases:
        assert converter(by_name[key], Config().synonyms.get(by_name[key].choice_set))(value) == expected


def test_cells_with_something_to_report_take_the_general_path() -> None:
    by_name = {(s, c.name): c for s, c in COLUMNS}
    for key, value in [
        (("Initiatives", "Title"), "\u202eevil"),
        (("Initiatives", "Title"), "   "),
        (("Initiatives", "Horizon"), "Nwo"),
        (("Tasks", "Estimate"), -1),
        (("Tasks", "Estimate"), float("nan")),
        (("Tasks", "Done on"), "2026-03-01"),
        (("Initiatives", "ID"), FormulaWithoutValue("=A1")),
    ]:
        assert converter(by_name[key], Config().synonyms.get(by_name[key].choice_set))(value) is SLOW


cell_values = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.text(alphabet=" ,;abcINOWXLtdo-1\n", max_size=20),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 1, 1)),
    st.dates(),
    st.sampled_from(SAMPLES),
)


@settings(max_examples=300, deadline=None)
@given(index=st.integers(min_value=0, max_value=len(COLUMNS) - 1), value=cell_values)
def test_any_value_agrees(index: int, value: Any) -> None:
    _agree(*COLUMNS[index], value)
