"""The common shapes of cells, typed without the general path.

A big workbook has a million cells, and nearly all of them are plain ASCII
text, a date the spreadsheet stored as a date, a number stored as a number,
or a choice spelt exactly. `converter` returns, for one column, a function
that types such a cell directly, and answers `SLOW` for anything else:
blanks, formulas, non-ASCII or multi-line text, values to report. The caller
then takes the general path (`parse._Reader.field`), which reports problems.

Each shortcut gives exactly what the general path gives for the same cell
(`tests/test_fast_cells.py` compares the two on many values), so which path a
cell took never shows in the output.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from typing import Any

from sheetmap.schema import Column
from sheetmap.sources.table import CellValue
from sheetmap.values import fold, split_list

#: "Take the general path": the shortcut does not know this cell.
SLOW: Any = object()

Converter = Callable[[CellValue], Any]


def converter(column: Column, synonyms: Mapping[str, str] | None) -> Converter:
    """A function typing `column`'s plain cells, or answering SLOW."""
    kind = column.kind
    if kind in ("id", "text", "ref"):
        return _text
    if kind in ("list", "reflist"):
        return _list
    if kind == "choice":
        return _choice(column.choices, synonyms or {})
    if kind == "date":
        return _date
    if kind == "number":
        return _number(None if column.name == "Rank" else 0.0)
    return _slow  # colours and Markdown: few, or handled by the caller


def _slow(value: CellValue) -> Any:
    return SLOW


def _plain(value: CellValue) -> str | None:
    """The trimmed text of a one-line ASCII cell without control characters, else None.

    Such text has nothing for `values.clean_text` to remove (control,
    invisible and direction characters are all outside printable ASCII).
    """
    if value.__class__ is str and value.isascii() and value.isprintable():
        text = value.strip()
        return text or None  # blank: the general path says whether that is a problem
    return None


def _text(value: CellValue) -> Any:
    text = _plain(value)
    return SLOW if text is None else text


def _list(value: CellValue) -> Any:
    text = _plain(value)
    return SLOW if text is None else split_list(text)


def _choice(choices: tuple[str, ...], synonyms: Mapping[str, str]) -> Converter:
    # The general path tries the choices in order, then the synonyms that name a choice.
    spelled: dict[str, str] = {}
    for choice in choices:
        spelled.setdefault(fold(choice), choice)
    for word, choice in synonyms.items():
        if choice in choices:
            spelled.setdefault(word, choice)

    def convert(value: CellValue) -> Any:
        if value.__class__ is str:
            return spelled.get(fold(value), SLOW)
        return SLOW

    return convert


def _date(value: CellValue) -> Any:
    if value.__class__ is dt.datetime:
        return value.date()
    if value.__class__ is dt.date:
        return value
    return SLOW


def _number(minimum: float | None) -> Converter:
    def convert(value: CellValue) -> Any:
        if value.__class__ is float:
            number: float = value
        elif value.__class__ is int and -(2**53) <= value <= 2**53:
            number = float(value)
        else:
            return SLOW
        if math.isfinite(number) and (minimum is None or number >= minimum):
            return number
        return SLOW

    return convert
