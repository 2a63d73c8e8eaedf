"""Cell values -> typed values, or a reason a person can act on.

Each parser returns the typed value, or raises `BadValue` with what was
expected and, where one is close, a suggestion. They are pure functions of
the cell, so they are easy to test exhaustively.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import unicodedata
from collections.abc import Mapping

from sheetmap.sources.table import CellValue, FormulaWithoutValue

#: Invisible and direction-changing characters that can disguise text
#: (e.g. a right-to-left override that makes a title read differently).
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_COLOR = re.compile(r"^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")
_EXCEL_1900 = dt.date(1899, 12, 30)
_EXCEL_1904 = dt.date(1904, 1, 1)
#: Text date styles people and tools write: ISO, Jira's `25/Oct/25 12:53 PM`.
_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d/%b/%y %I:%M %p",
    "%d/%b/%Y %I:%M %p",
    "%d/%b/%y",
    "%d %b %Y",
    "%d %B %Y",
    "%b %d, %Y",
    "%B %d, %Y",
)


class BadValue(ValueError):
    """A cell value that does not fit its column."""

    def __init__(self, code: str, message: str, fix: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.fix = fix


def display(value: CellValue) -> str:
    """A cell value as a person would see it in the sheet."""
    if value is None:
        return ""
    if isinstance(value, FormulaWithoutValue):
        return value.formula
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def clean_text(value: CellValue) -> tuple[str, bool]:
    """Plain text of a cell, trimmed, with invisible characters removed.

    Returns the text and whether anything invisible was removed (reported
    as `invisible-characters`, since it can disguise what a title says).
    """
    text = display(value)
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    stripped = _INVISIBLE.sub("", text)
    return stripped.strip(), stripped != text


def fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def parse_choice(
    value: CellValue,
    column: str,
    choices: tuple[str, ...],
    synonyms: Mapping[str, str] | None = None,
) -> str:
    """A fixed-choice value, matched case-insensitively, trimmed, through synonyms."""
    text = display(value)
    key = fold(text)
    for choice in choices:
        if fold(choice) == key:
            return choice
    if synonyms and key in synonyms and synonyms[key] in choices:
        return synonyms[key]
    listed = ", ".join(choices)
    suggestion = suggest(text, choices)
    hint = f" Did you mean '{suggestion}'?" if suggestion else ""
    raise BadValue(
        "invalid-choice",
        f"{column} '{text}' is not one of {listed}.{hint}",
        f"Change it to {('‘' + suggestion + '’') if suggestion else 'one of ' + listed}"
        " (the drop-down list in the starter workbook has them).",
    )


def suggest(text: str, candidates: tuple[str, ...] | list[str], cutoff: float = 0.6) -> str | None:
    """The closest candidate to a misspelt value, if any is close enough."""
    if not text.strip():
        return None
    by_fold = {fold(c): c for c in candidates}
    near = difflib.get_close_matches(fold(text), list(by_fold), n=1, cutoff=cutoff)
    return by_fold[near[0]] if near else None


def parse_number(value: CellValue, column: str, *, minimum: float | None = 0) -> float:
    """A number (also from text such as '3', '2.5' or '2,5')."""
    if isinstance(value, bool):
        raise BadValue("invalid-number", f"{column} '{display(value)}' is not a number.", "Enter a number.")
    number: float
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = display(value).strip().replace("\u00a0", "").replace(" ", "")
        if re.fullmatch(r"[-+]?\d+,\d+", text):
            text = text.replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            raise BadValue(
                "invalid-number", f"{column} '{display(value)}' is not a number.", "Enter a number such as 3 or 2.5."
            ) from None
    if math.isnan(number) or math.isinf(number):
        raise BadValue("invalid-number", f"{column} '{display(value)}' is not a number.", "Enter a number.")
    if minimum is not None and number < minimum:
        raise BadValue(
            "invalid-number",
            f"{column} {display(value)} is below {minimum:g}; it must be {minimum:g} or more.",
            f"Enter a number of at least {minimum:g}.",
        )
    return number


def parse_date(value: CellValue, column: str, *, date1904: bool = False, date_format: str | None = None) -> dt.date:
    """A date from a spreadsheet date, a serial number, ISO text, Jira's style, or the config's format."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_serial(float(value), column, date1904)
    text = display(value).strip()
    formats = ((date_format,) if date_format else ()) + _DATE_FORMATS
    for fmt in formats:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return _from_serial(float(text), column, date1904)
    expected = "a date such as 2026-03-01" + (f" or in the form {date_format}" if date_format else "")
    raise BadValue(
        "invalid-date",
        f"{column} '{text}' is not a date; expected {expected}.",
        "Enter a real date (Format > Number > Date) or write it as YYYY-MM-DD.",
    )


def _from_serial(serial: float, column: str, date1904: bool) -> dt.date:
    # Spreadsheet serials count days from an epoch (1900 system via the
    # 1899-12-30 convention that also absorbs Lotus' 1900 leap-year bug).
    if not 1 <= serial <= 2958465:  # 9999-12-31
        raise BadValue(
            "invalid-date",
            f"{column} {display(serial)} is not a date sheetmap can read (out of range).",
            "Enter a real date or write it as YYYY-MM-DD.",
        )
    epoch = _EXCEL_1904 if date1904 else _EXCEL_1900
    return epoch + dt.timedelta(days=int(serial))


def parse_color(value: CellValue, column: str) -> str:
    """A colour as #rrggbb (also accepted: #rgb and rrggbb without '#')."""
    text = display(value).strip()
    m = _COLOR.match(text)
    if not m:
        raise BadValue(
            "invalid-color",
            f"{column} '{text}' is not a colour; expected #rrggbb, e.g. #2f5bd3.",
            "Enter a hex colour such as #2f5bd3 (most colour pickers show it).",
        )
    hexes = m.group(1).lower()
    if len(hexes) == 3:
        hexes = "".join(c * 2 for c in hexes)
    return "#" + hexes


def parse_list(value: CellValue) -> tuple[str, ...]:
    """Comma-, semicolon- or line-separated items, trimmed, without repeats, in order."""
    text, _ = clean_text(value)
    seen: dict[str, None] = {}
    for part in re.split(r"[,;\n]", text):
        item = " ".join(part.split())
        if item and item not in seen:
            seen[item] = None
    return tuple(seen)


def normalise_nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)
