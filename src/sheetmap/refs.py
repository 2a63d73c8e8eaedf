"""A1 cell references: column numbers to letters and back."""

from __future__ import annotations

import re

_A1 = re.compile(r"^([A-Z]{1,3})([1-9][0-9]*)$")


def column_letter(index: int) -> str:
    """0-based column index -> spreadsheet letters (0 -> 'A', 26 -> 'AA')."""
    if index < 0:
        raise ValueError(f"column index must be >= 0, not {index}")
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """Spreadsheet letters -> 0-based column index ('A' -> 0, 'AA' -> 26)."""
    if not letters or not letters.isalpha() or not letters.isupper():
        raise ValueError(f"not column letters: {letters!r}")
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def cell_name(row: int, column: int) -> str:
    """Real 1-based row and 0-based column -> 'C14'."""
    return f"{column_letter(column)}{row}"


def parse_cell(name: str) -> tuple[int, int]:
    """'C14' -> (14, 2): the row number and 0-based column index."""
    m = _A1.match(name)
    if not m:
        raise ValueError(f"not an A1 cell reference: {name!r}")
    return int(m.group(2)), column_index(m.group(1))


def qualified(sheet: str, cell: str) -> str:
    """'Initiatives', 'C14' -> 'Initiatives!C14', quoting names as spreadsheets do."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", sheet):
        return f"{sheet}!{cell}"
    return "'" + sheet.replace("'", "''") + f"'!{cell}"
