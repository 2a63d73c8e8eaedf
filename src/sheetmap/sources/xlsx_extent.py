"""How many cells python-calamine will hold for a sheet, bounded from the sheet's XML before it reads it.

calamine keeps a sheet as one rectangle of 32-byte cells, from the first
cell that holds a value to the last: a sheet with a value in A1 and another
in Z300000 costs 250 MB before Python sees a single row. Cells without a
value (formatted ones, by the million) do not count, nor does the declared
`<dimension>`. So the bound is taken from the cells that can hold a value,
which all come before the last `<v` or `<is` element of the sheet.

Two ways to the bound:

* Excel, LibreOffice, Google Sheets and openpyxl write every cell as
  `<c r="B17" …>`. One regular expression pass then checks that every cell
  before the last value is written that way and lies within the last
  value's row and the declared (or a guessed) last column, and the bound is
  that row times that column.
* Anything else (cells or rows without positions, prefixed elements, odd
  attribute spelling, a cell beyond the guess) is walked tag by tag the way
  calamine places cells: a row or cell without `r` follows the one before,
  self-closing elements count as opened and closed. Slower, and only for
  unusual files.

`held_cells` raises `Unbounded` for what it cannot bound (comments, CDATA or
processing instructions among unusual cells, positions beyond Excel's limits).
"""

from __future__ import annotations

import functools
import re

#: Excel's limits; a position beyond them overflows calamine's arithmetic.
MAX_ROW = 1_048_576
MAX_COLUMN = 16_384

_PREFIX = rb"(?:[A-Za-z_][\w.-]*:)?"
_FIRST_REF = re.compile(rb'<c r="[A-Z]{1,3}([1-9][0-9]{0,6})"')
_DIMENSION = re.compile(rb"<" + _PREFIX + rb'dimension\s[^>]*?\bref="[^":]*:?([A-Z]{1,3})[0-9]+"')
#: A prefixed cell (`<x:c`): the fast check looks at `<c` only.
_PREFIXED_CELL = re.compile(rb":c[\s/>]")
#: Where a row or cell element starts, and the whole tag as calamine's XML reader takes it.
_TAG_START = re.compile(rb"<(?:/" + _PREFIX + rb"row|" + _PREFIX + rb"(?:row|c))(?=[\s/>])")
_TAG = re.compile(rb"<(/?)" + _PREFIX + rb"""(row|c)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(/?)>""")
_ATTRIBUTE = re.compile(rb"""([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_POSITION = re.compile(rb"([A-Za-z]{0,3})([0-9]{1,7})")


class Unbounded(Exception):
    """The sheet's XML does not say how many cells calamine would hold."""


def held_cells(data: bytes, begin: int, cells: bytes) -> int:
    """An upper bound on the cells calamine holds for the sheet `data`, whose cells are `cells` (from `begin`)."""
    last = _last_value(cells)
    if last < 0:
        return 0
    bound = _usual_bound(data, begin, cells, last)
    if bound is not None:
        return bound
    rows, columns = _walk(cells, last)
    return rows * columns


def _last_value(cells: bytes) -> int:
    """Where the last `<v` or `<is` element starts (-1 without one): no cell after it holds a value."""
    starts = [cells.rfind(b"<v"), cells.rfind(b"<is")]
    if b":" in cells:  # prefixed elements (`<x:v>`) need a colon, which most sheets hold nowhere
        starts += [cells.rfind(b":v"), cells.rfind(b":is")]
    return max(starts)


def _usual_bound(data: bytes, begin: int, cells: bytes, last: int) -> int | None:
    """The bound for a sheet whose cells are all `<c r="…" …>` within the guessed rectangle; None otherwise."""
    if b":" in cells and _PREFIXED_CELL.search(cells, 0, last):
        return None
    found = _FIRST_REF.match(cells, max(cells.rfind(b"<c", 0, last), 0))
    if found is None or int(found.group(1)) > MAX_ROW:
        return None
    rows = found.group(1).decode()
    # The declared width is the first guess (unless wider than ZZ: some writers declare
    # A1:XFD…), Z the second (some declare A1 whatever the data); then the walk.
    declared = _DIMENSION.search(data, 0, begin)
    guesses = [declared.group(1).decode()] if declared and len(declared.group(1)) < 3 else []
    if not guesses or _column(guesses[0]) < 26:
        guesses.append("Z")
    for letters in guesses:
        if not _outside(letters, rows).search(cells, 0, last):
            return int(rows) * _column(letters)
    return None


@functools.lru_cache(maxsize=64)
def _outside(letters: str, rows: str) -> re.Pattern[bytes]:
    """Finds a cell tag that is not `<c r="…"` within column `letters` and row `rows`, or that has a second `r`.

    After the position, an `r` may only end an attribute's value (`t="str"`): anywhere else it
    could start a second `r` attribute, which calamine would take instead of the first.
    """
    column = _up_to(letters, "A", "A", "Z", shorter="[A-Z]" if len(letters) > 1 else "")
    row = _up_to(rows, "1", "0", "9", shorter=f"[1-9][0-9]{{0,{len(rows) - 2}}}+" if len(rows) > 1 else "")
    return re.compile(rb'<c(?! r="(?:' + column.encode() + rb")(?:" + row.encode() + rb')"[^r>]*+(?:r"[^r>]*+)*+>)')


def _up_to(value: str, first: str, low: str, high: str, shorter: str) -> str:
    """A regular expression for the strings over `low`-`high` (`first`-`high` first) that sort at most at `value`.

    Same-length strings compare as numbers (or column letters) do; `shorter` matches the shorter ones.
    """
    options = [shorter] if shorter else []
    for i, char in enumerate(value):
        least = first if i == 0 else low
        if char > least:
            rest = len(value) - i - 1
            options.append(
                re.escape(value[:i]) + f"[{least}-{chr(ord(char) - 1)}]" + (f"[{low}-{high}]{{{rest}}}" if rest else "")
            )
    options.append(re.escape(value))
    return "|".join(options)


def _column(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def _walk(cells: bytes, last: int) -> tuple[int, int]:
    """(last row, last column) that calamine can give a value, walking the row and cell tags as it does."""
    if b"<!--" in cells or b"<![CDATA[" in cells or b"<?" in cells:
        raise Unbounded("comments, CDATA or processing instructions among the cells")  # they could hide tags
    row = column = 0  # calamine's 0-based counters
    rows = columns = 0
    for start in _TAG_START.finditer(cells, 0, last):
        tag = _TAG.match(cells, start.start())
        if tag is None:
            raise Unbounded("a row or cell tag of an unexpected shape")
        closing, name, attributes, empty = tag.groups()
        is_row = name == b"row"
        if closing:
            if is_row:
                row, column = row + 1, 0
            continue
        position = _positions(attributes)
        if is_row:
            if position is not None:
                row = position[0]
            if empty:
                row, column = row + 1, 0
            continue
        if position is not None:
            at_row, column = position
        else:
            at_row = row
        rows, columns = max(rows, at_row + 1), max(columns, column + 1)
        column += 1
    return rows, columns


def _positions(attributes: bytes) -> tuple[int, int] | None:
    """The position the tag's `r` attribute gives, 0-based; of several, the furthest row and column.

    calamine takes one of several `r` attributes (usually the last, not always): the furthest is a bound.
    """
    found = [_position(double or single) for name, double, single in _ATTRIBUTE.findall(attributes) if name == b"r"]
    if not found:
        return None
    return max(r for r, _ in found), max(c for _, c in found)


def _position(ref: bytes) -> tuple[int, int]:
    """0-based (row, column) of `B17` or `17` (a row's position), within Excel's limits."""
    found = _POSITION.fullmatch(ref)
    if found is None:
        raise Unbounded(f"a position calamine cannot read: {ref[:20]!r}")
    row, column = int(found.group(2)), _column(found.group(1).decode())
    if not 1 <= row <= MAX_ROW or column > MAX_COLUMN:
        raise Unbounded(f"a position beyond Excel's limits: {ref[:20]!r}")
    return row - 1, column - 1
