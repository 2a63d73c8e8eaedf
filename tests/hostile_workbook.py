"""A real workbook with hostile text in every text, Markdown, list and ID cell of every sheet.

The columns come from `sheetmap.schema`, so a column added later is attacked
too. Each text-like column of each sheet holds every payload once, alone in its
cell (payloads are rotated by a different offset per column, so one row holds
different payloads). Other cells hold valid values so that the workbook
validates without errors and every row reaches every page: all rows are
Public, horizons, stages and statuses cycle through their choices, references
point at the hostile IDs of other sheets, dates and numbers are real.

    hostile_workbook(path, payloads())       # the .xlsx
    hostile_config(folder, payloads())       # a sheetmap.yml with a hostile title too
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import yaml
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from sheetmap.schema import SHEETS, Column, Sheet

#: An extra column sheetmap does not know: it must never be shown anywhere.
UNKNOWN_COLUMN = "Secret plan"
#: Columns whose text is a list of IDs: a payload there must not contain the list separators.
_SEPARATORS = re.compile(r"[,;\n]")


def sheet_id(sheet: Sheet, payloads: Sequence[str], row: int) -> str:
    """The hostile ID of `row` (0-based) in `sheet`: a payload, unique thanks to a suffix."""
    text = payloads[row % len(payloads)]
    if sheet.name == "Objectives":
        # Initiatives list objective IDs separated by commas: keep each ID whole.
        text = _SEPARATORS.sub(" ", text)
    return f"{text} {sheet.name[:2].lower()}{row}"


def _id_column(sheet: Sheet) -> Column:
    return next(c for c in sheet.columns if c.kind == "id")


def _cell_text(column_index: int, payloads: Sequence[str], row: int) -> str:
    # A different offset per column: each column still sees every payload once.
    return payloads[(row + 7 * column_index) % len(payloads)]


def _value(sheet: Sheet, column: Column, index: int, payloads: Sequence[str], row: int) -> object:
    by_name = {s.name: s for s in SHEETS}
    day = dt.date(2026, 1 + row % 12, 1 + row % 27)
    if column.kind == "id":
        return sheet_id(sheet, payloads, row)
    if sheet.name == "Initiatives" and column.name == "Theme":
        return sheet_id(by_name["Themes"], payloads, row)
    if column.kind in ("text", "markdown", "list"):
        return _cell_text(index, payloads, row)
    if column.kind in ("ref", "reflist"):
        return sheet_id(by_name[column.target[0]], payloads, row)
    if column.kind == "choice":
        if column.name == "Visibility":
            return "Public"
        return column.choices[row % len(column.choices)]
    if column.kind == "date":
        if sheet.name == "Sprints" and column.name == "End":
            return day + dt.timedelta(days=13)
        return day
    if column.kind == "number":
        return row % 8
    if column.kind == "color":
        return f"#{(row * 2654435761) % 0xFFFFFF:06x}"
    raise AssertionError(f"no hostile value for {sheet.name}.{column.name} ({column.kind})")


def _put(sheet: object, row: int, col: int, value: object) -> None:
    cell = sheet.cell(row=row, column=col)  # type: ignore[attr-defined]
    if isinstance(value, str):
        # openpyxl refuses C0 controls; Excel stores them as _xHHHH_, which sheetmap decodes.
        value = ILLEGAL_CHARACTERS_RE.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
        cell.value = value
        cell.data_type = "s"  # a payload starting with '=' is text, not a formula
    else:
        cell.value = value


def hostile_workbook(path: Path, payloads: Sequence[str]) -> Path:
    """Write the workbook: every sheet of the schema, len(payloads) rows each."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for spec in SHEETS:
        sheet = workbook.create_sheet(spec.name)
        headers = [c.name for c in spec.columns] + [UNKNOWN_COLUMN]
        for col, header in enumerate(headers, start=1):
            _put(sheet, 1, col, header)
        for row in range(len(payloads)):
            for col, column in enumerate(spec.columns, start=1):
                _put(sheet, row + 2, col, _value(spec, column, col, payloads, row))
            _put(sheet, row + 2, len(headers), _cell_text(len(headers), payloads, row))
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def hostile_config(folder: Path, payloads: Sequence[str]) -> Path:
    """A sheetmap.yml whose title, description, base URL and footer link carry payloads too.

    The config is written by the team, not by everyone who can edit a cell,
    but escaping must not depend on who wrote the text.
    """
    config = {
        "title": payloads[0],
        "description": payloads[-1],
        # Passes the config's check (http(s) and a host), then tries to leave the attribute.
        "base_url": 'https://roadmap.example.com/x"><script>alert(1)</script><x a="',
        "footer_links": [{"title": payloads[1], "url": 'https://example.com/"onmouseover="alert(1)'}],
        "horizon_labels": {"Now": payloads[2]},
    }
    path = folder / "sheetmap.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path
