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
from collections.abc import Iterable, Mapping

from sheetmap.sources.table import CellValue, FormulaWithoutValue

#: Invisible and direction-changing characters that can disguise text
#: (e.g. a right-to-left override that makes a title read differently).
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
#: Control characters, and lone surrogates (JSON from an API can hold them; no file can store them).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_COLOR = re.compile(r"^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")
#: Colour names people type instead of a code, and a code to suggest for each.
_NAMED_COLORS = {
    "red": "#d64545",
    "orange": "#e8833a",
    "yellow": "#e9c46a",
    "green": "#2a9d8f",
    "teal": "#2a9d8f",
    "blue": "#2f5bd3",
    "navy": "#1d3557",
    "purple": "#8e6cb8",
    "violet": "#8e6cb8",
    "pink": "#d6649a",
    "brown": "#8d5b3e",
    "grey": "#6c757d",
    "gray": "#6c757d",
    "black": "#222222",
}
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
    if value.__class__ is str:  # most cells: answered before the other checks
        return value
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
    suggestion = suggest(text, choices, aliases={k: v for k, v in (synonyms or {}).items() if v in choices})
    if suggestion:
        raise BadValue(
            "invalid-choice",
            f"{column} '{text}' is not one of {listed}. Did you mean '{suggestion}'?",
            f"Change it to '{suggestion}'.",
        )
    raise BadValue(
        "invalid-choice",
        f"{column} '{text}' is not one of {listed}.",
        f"Pick one of {listed} (the cell's drop-down list in the starter workbook offers them). "
        f"If '{text.strip()}' is your team's word for one of them, add it under synonyms: in sheetmap.yml.",
    )


def _squeeze(text: str) -> str:
    """Letters and digits only: 'In-Progress', 'in progress' and 'InProgress' are the same."""
    return re.sub(r"[\W_]+", "", fold(text))


def suggest(
    text: str,
    candidates: tuple[str, ...] | list[str],
    cutoff: float = 0.6,
    *,
    aliases: Mapping[str, str] | None = None,
) -> str | None:
    """The candidate a person most likely meant by a value that matched none, if any is close.

    Tried in order: the same letters with other spacing or punctuation
    ('ToDo' -> 'To do'); a single candidate that starts with what was typed
    ('Disc' -> 'Discovering'); then the closest spelling ('Nwo' -> 'Now').
    `aliases` (other word -> candidate) are matched the same way and suggest
    the candidate they stand for ('Complted' -> 'Done' via 'completed').
    """
    if not text.strip():
        return None
    words = {fold(c): c for c in candidates}
    for alias, target in (aliases or {}).items():
        if target in candidates:
            words.setdefault(fold(alias), target)
    squeezed = _squeeze(text)
    for word, target in words.items():
        if squeezed and _squeeze(word) == squeezed:
            return target
    if len(squeezed) >= 3:
        starting = {target for word, target in words.items() if _squeeze(word).startswith(squeezed)}
        if len(starting) == 1:
            return starting.pop()
    near = closest(fold(text), words, cutoff)
    return None if near is None else words[near]


def closest(word: str, candidates: Iterable[str], cutoff: float) -> str | None:
    """`difflib.get_close_matches(word, candidates, n=1, cutoff=cutoff)`'s one answer, or None; faster.

    get_close_matches works out the full similarity (`ratio`, the costly
    part) of every candidate whose quick upper bounds reach the cutoff:
    among thousands of IDs that differ in a digit, nearly all of them. Only
    the best one is wanted, so a candidate whose upper bound is below the
    best so far is passed over: the same answer (ties go, as there, to the
    candidate that sorts last), in a fraction of the time.
    """
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(word)
    best_score, best = cutoff, None
    for candidate in candidates:
        matcher.set_seq1(candidate)
        # Each bound is at least the next, and `ratio` at most either (difflib's own order of checks).
        if matcher.real_quick_ratio() < best_score or matcher.quick_ratio() < best_score:
            continue
        score = matcher.ratio()
        if score > best_score or (score == best_score and (best is None or candidate > best)):
            best_score, best = score, candidate
    return best


def parse_number(value: CellValue, column: str, *, minimum: float | None = 0) -> float:
    """A number (also from text such as '3', '2.5' or '2,5')."""
    if isinstance(value, bool):
        raise BadValue("invalid-number", f"{column} '{display(value)}' is not a number.", "Enter a number.")
    number: float
    if isinstance(value, (int, float)):
        # An int past float's range (JSON from an API can hold one) is as unusable as inf.
        number = _as_float(value)
    else:
        text = display(value).strip().replace("\u00a0", "").replace(" ", "")
        if re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+", text):
            text = text.replace(",", "")  # 1,000 is a thousands separator
        elif re.fullmatch(r"[-+]?\d+,\d+", text):
            text = text.replace(",", ".")  # 2,5 is a decimal comma
        try:
            number = float(text)
        except ValueError:
            raise _not_a_number(display(value), column) from None
    if math.isnan(number) or math.isinf(number):
        raise BadValue("invalid-number", f"{column} '{display(value)}' is not a number.", "Enter a number.")
    if minimum is not None and number < minimum:
        raise BadValue(
            "invalid-number",
            f"{column} {display(value)} is below {minimum:g}; it must be {minimum:g} or more.",
            f"Enter a number of at least {minimum:g}.",
        )
    return number


def _not_a_number(text: str, column: str) -> BadValue:
    # '3 pts' or '~5': the number a person meant is usually at the front.
    # (One `\s*` per run of spaces: two adjacent ones took minutes on a cell of 60,000 spaces.)
    lead = re.match(r"\s*(?:[~≈]\s*)?([-+]?\d+(?:[.,]\d+)?)", text)
    if lead:
        number = lead.group(1).replace(",", ".")
        return BadValue(
            "invalid-number",
            f"{column} '{text}' is not a number. Did you mean {number}?",
            f"Change it to {number}: only the number goes in the cell, without units or words.",
        )
    return BadValue("invalid-number", f"{column} '{text}' is not a number.", "Enter a number such as 3 or 2.5.")


def parse_date(value: CellValue, column: str, *, date1904: bool = False, date_format: str | None = None) -> dt.date:
    """A date from a spreadsheet date, a serial number, ISO text, Jira's style, or the config's format."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_serial(_as_float(value), column, date1904)
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
    raise BadValue("invalid-date", f"{column} '{text}' is not a date; expected {expected}.", _date_fix(text))


def _date_fix(text: str) -> str:
    """How to repair a date that did not read, for the usual ways it goes wrong."""
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if iso:
        return (
            f"There is no such day as {text} (month {int(iso.group(2))}, day {int(iso.group(3))}): "
            "correct the month or the day."
        )
    numeric = re.fullmatch(r"(\d{1,2})([./-])(\d{1,2})\2(\d{2}|\d{4})", text)
    if numeric:
        sep = numeric.group(2)
        year = "%Y" if len(numeric.group(4)) == 4 else "%y"
        return (
            f"'{text}' could be day-month or month-day. Write it as YYYY-MM-DD, or set "
            f"date_format: '%d{sep}%m{sep}{year}' (or '%m{sep}%d{sep}{year}') in sheetmap.yml "
            "to read every date the way your team writes them."
        )
    return "Enter a real date (Format > Number > Date in most spreadsheet apps) or write it as YYYY-MM-DD."


def _as_float(value: int | float) -> float:
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def _from_serial(serial: float, column: str, date1904: bool) -> dt.date:
    # Spreadsheet serials count days from an epoch (1900 system via the
    # 1899-12-30 convention that also absorbs Lotus' 1900 leap-year bug).
    epoch = _EXCEL_1904 if date1904 else _EXCEL_1900
    if not 1 <= serial < (dt.date.max - epoch).days + 1:  # up to 9999-12-31 in either date system
        raise BadValue(
            "invalid-date",
            f"{column} {display(serial)} is not a date sheetmap can read (out of range).",
            "Enter a real date or write it as YYYY-MM-DD.",
        )
    return epoch + dt.timedelta(days=int(serial))


def parse_color(value: CellValue, column: str) -> str:
    """A colour as #rrggbb (also accepted: #rgb and rrggbb without '#')."""
    text = display(value).strip()
    m = _COLOR.match(text)
    if not m:
        named = _NAMED_COLORS.get(fold(text))
        if named:
            raise BadValue(
                "invalid-color",
                f"{column} '{text}' is not a colour code; expected #rrggbb. Did you mean '{named}'?",
                f"Change it to {named}, or to the hex code of the shade you want (colour pickers show it).",
            )
        raise BadValue(
            "invalid-color",
            f"{column} '{text}' is not a colour; expected #rrggbb, e.g. #2f5bd3.",
            "Enter a hex colour: '#' and six digits or letters a-f, such as #2f5bd3 (most colour pickers show it).",
        )
    hexes = m.group(1).lower()
    if len(hexes) == 3:
        hexes = "".join(c * 2 for c in hexes)
    return "#" + hexes


def parse_list(value: CellValue) -> tuple[str, ...]:
    """Comma-, semicolon- or line-separated items, trimmed, without repeats, in order."""
    return split_list(clean_text(value)[0])


def split_list(text: str) -> tuple[str, ...]:
    """The items of a list cell's cleaned text."""
    seen: dict[str, None] = {}
    for part in re.split(r"[,;\n]", text):
        item = " ".join(part.split())
        if item and item not in seen:
            seen[item] = None
    return tuple(seen)


def normalise_nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)
