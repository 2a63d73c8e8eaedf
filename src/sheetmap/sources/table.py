"""The raw table every source reader produces.

A reader (xlsx, CSV, Google Sheets) turns one tab of a spreadsheet into a
`RawSheet`: rows of plain Python values, each row carrying its real
spreadsheet row number so that every later message can point at a cell.
Nothing here knows about initiatives or ideas; that is `tables.py` and
`parse.py`'s job.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field


class FormulaWithoutValue:
    """A formula cell whose file holds no cached result.

    Workbooks written by programs (and never opened in a spreadsheet app)
    store `=SUM(A1:A3)` without the value; we cannot compute it, so the cell
    is reported instead of silently read as empty.
    """

    __slots__ = ("formula",)

    def __init__(self, formula: str) -> None:
        self.formula = formula

    def __repr__(self) -> str:
        return f"FormulaWithoutValue({self.formula!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FormulaWithoutValue) and other.formula == self.formula

    def __hash__(self) -> int:
        return hash(("FormulaWithoutValue", self.formula))


#: What one cell may hold once read. Spreadsheet dates arrive as `datetime`
#: or `date`; CSV and Google Sheets give `str`, `int` or `float`.
CellValue = str | int | float | bool | dt.datetime | dt.date | dt.time | FormulaWithoutValue | None


@dataclass(frozen=True)
class RawRow:
    """One non-blank row: its 1-based spreadsheet row number and its values.

    `values[0]` is column A. Trailing empty cells may be missing.
    """

    number: int
    values: tuple[CellValue, ...]


@dataclass
class RawSheet:
    """One tab of one source, as read.

    `source` is how the user named the source (a path or URL) and is shown
    in reports; `title` is the tab's name exactly as written in the workbook.
    `date1904` tells how numeric date serials in this sheet count days (Excel
    for Mac's 1904 system). `cell_url`, when set, turns an A1 cell into a link
    a person can open (Google Sheets).
    """

    source: str
    title: str
    rows: list[RawRow] = field(default_factory=list)
    date1904: bool = False
    cell_url: Callable[[str], str] | None = None
    #: Position of the tab within its source, for stable ordering of reports.
    index: int = 0
    #: A lone CSV file's name may not be a sheet name (`Jira.csv`): then its
    #: headers decide which sheet it is.
    match_by_headers: bool = False


def is_blank(value: CellValue) -> bool:
    """True for a cell a person would call empty."""
    return value is None or (isinstance(value, str) and not value.strip())
