"""Workbooks written by other programs (LibreOffice, Numbers, gnumeric, Google Sheets, Excel Mobile…).

Each one is read correctly or refused with a clear SourceError, in seconds,
never with another exception. Cell values are checked against openpyxl's
own (non-streaming) reader as the oracle. The files live in the shared
realworld/quirks folder (see its ORIGIN.md); the tests skip without it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import time
import warnings
from pathlib import Path

import openpyxl
import pytest

from conftest import run_sheetmap
from sheetmap.config import Config
from sheetmap.errors import SourceError
from sheetmap.parse import build_roadmap
from sheetmap.pipeline import load
from sheetmap.report import Report
from sheetmap.report_format import format_json, format_text
from sheetmap.sources import RawRow, RawSheet, read_source
from sheetmap.tables import match_tables


def _realworld() -> Path:
    env = os.environ.get("SHEETMAP_REALWORLD")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "realworld"


QUIRKS = _realworld() / "quirks"
FILES = sorted(QUIRKS.glob("*.xlsx")) if QUIRKS.is_dir() else []
pytestmark = pytest.mark.skipif(not FILES, reason=f"no real-world files in {QUIRKS}")
SECONDS = 5.0
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def quirk(name: str) -> Path:
    return QUIRKS / name


def _read(path: Path) -> tuple[list[RawSheet] | SourceError, float]:
    started = time.perf_counter()
    try:
        result: list[RawSheet] | SourceError = read_source(str(path))
    except SourceError as refused:
        result = refused
    return result, time.perf_counter() - started


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_read_or_refused_quickly(path: Path) -> None:
    result, seconds = _read(path)
    assert seconds < SECONDS, f"{path.name} took {seconds:.1f} s"
    if isinstance(result, SourceError):
        message = str(result)
        assert path.name in message and "Traceback" not in message
        return
    assert result, path.name
    assert all(isinstance(s, RawSheet) and s.source == str(path) for s in result)
    # The whole pipeline copes too: no Initiatives sheet is a reported problem, not a crash.
    loaded = load([str(path)], Config())
    assert any(p.code == "missing-sheet" for p in loaded.report.problems)
    assert format_text(loaded.report, [str(path)]) and json.loads(format_json(loaded.report))


@pytest.mark.parametrize("path", [p for p in FILES if "strict_ooxml" not in p.name], ids=lambda p: p.name)
def test_values_match_openpyxl(path: Path) -> None:
    """Our streaming reader yields exactly the cells openpyxl's full reader finds (control escapes undone)."""
    result, _ = _read(path)
    assert not isinstance(result, SourceError), str(result)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        workbook = openpyxl.load_workbook(path, data_only=True)
    worksheets = [ws for ws in workbook.worksheets if hasattr(ws, "_cells")]
    assert [s.title for s in result] == [ws.title for ws in worksheets]
    for raw, ws in zip(result, worksheets, strict=True):
        ours = {
            (row.number, column + 1): value
            for row in raw.rows
            for column, value in enumerate(row.values)
            if value is not None and not (isinstance(value, str) and not value.strip())
        }
        theirs = {}
        for (row, column), cell in ws._cells.items():
            value = cell.value
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            if isinstance(value, str):
                value = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)
            theirs[(row, column)] = value
        # Where openpyxl fails and python-calamine (which reads first) does not: a date past 9999
        # is '#VALUE!' to openpyxl, its serial to calamine (tests/test_readers_agree.py DIFFERENCES).
        if path.name == "python-calamine__issue139_date_overflow.xlsx" and theirs.get((2, 1)) == "#VALUE!":
            theirs[(2, 1)] = 2994626
        assert ours == theirs, raw.title


def test_the_cli_reports_instead_of_crashing() -> None:
    readable = [p for p in FILES if not isinstance(_read(p)[0], SourceError)]
    result = run_sheetmap("validate", *readable, "--format", "json", cwd=QUIRKS.parent)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert json.loads(result.stdout)["errors"] >= 1


def test_1904_dates() -> None:
    (sheet,) = read_source(str(quirk("calamine__date_1904.xlsx")))
    assert sheet.date1904
    workbook = openpyxl.load_workbook(quirk("calamine__date_1904.xlsx"))
    assert workbook["Sheet1"]["A1"].value == dt.datetime(2021, 1, 1)  # the oracle
    assert sheet.rows[0].number == 1 and sheet.rows[0].values[0] == dt.datetime(2021, 1, 1)
    assert sheet.rows[1].values[0] == dt.datetime(2021, 1, 2)
    numbers = read_source(str(quirk("roo__numbers-export_apple_1904.xlsx")))
    assert [s.title for s in numbers] == ["Sheet 1", "Sheet 2"]
    assert all(s.date1904 for s in numbers)


def test_1904_dates_reach_the_roadmap() -> None:
    """As the Completed column of an Initiatives sheet, the LibreOffice 1904 dates stay right."""
    (sheet,) = read_source(str(quirk("calamine__date_1904.xlsx")))
    first, second = sheet.rows[0].values[0], sheet.rows[1].values[0]
    sheet.title = "Initiatives"
    sheet.rows = [
        RawRow(1, ("ID", "Title", "Horizon", "Completed")),
        RawRow(2, ("INIT-1", "Reports", "Done", first)),
        RawRow(3, ("INIT-2", "Reports", "Done", second)),
        # a bare serial number counts from 1904-01-01 in this workbook
        RawRow(4, ("INIT-3", "Reports", "Done", 42005)),
    ]
    report = Report()
    roadmap = build_roadmap([sheet], Config(), report)
    assert [i.completed for i in roadmap.initiatives] == [
        dt.date(2021, 1, 1),
        dt.date(2021, 1, 2),
        dt.date(2019, 1, 2),
    ]
    assert report.errors == 0


def test_header_on_row_9_is_found() -> None:
    (sheet,) = read_source(str(quirk("calamine__header-row_offset.xlsx")))
    assert [r.number for r in sheet.rows] == [3, 9, 10]
    sheet.title = "Initiatives"
    report = Report()
    aliases = {"Initiatives": {"ID": ("Columns",), "Title": ("Column A",), "Horizon": ("Column B",)}}
    tables = match_tables([sheet], report, column_aliases=aliases)
    table = tables["Initiatives"]
    assert [r.place.row for r in table.records] == [10]
    assert table.records[0].cells["ID"] == ("put data here", "A10")
    assert table.records[0].cells["Horizon"] == (2, "C10")
    # 'Note 1' above the table is not a header; the unmapped header cell is reported where it is.
    assert [(p.code, p.cell, p.row) for p in report.problems] == [("unknown-column", "D9", 9)]


def test_strict_ooxml_is_read() -> None:
    # openpyxl finds no worksheets in it; python-calamine reads it (checked cell for cell
    # against the Transitional twin in tests/test_readers_agree.py)
    result, _ = _read(quirk("calamine__strict_iso_paths_strict_ooxml.xlsx"))
    assert not isinstance(result, SourceError), str(result)
    (sheet,) = result
    assert sheet.title == "ml_out" and len(sheet.rows) == 76 and sheet.rows[0].values[0] == "Item"


def test_gnumeric_full_dimension_reads_its_two_rows_fast() -> None:
    result, seconds = _read(quirk("calamine__issue_174_gnumeric_full_dimension.xlsx"))
    assert not isinstance(result, SourceError)
    (sheet,) = result
    assert seconds < 2.0
    assert [r.number for r in sheet.rows] == [1, 2]
    assert sheet.rows[0].values[:2] == ("Your Ref #", "Contact Name")
    assert len(sheet.rows[1].values) == 11


def test_x000d_escapes_are_unescaped() -> None:
    (sheet,) = read_source(str(quirk("roo__x000D_chinese_sheet_merges_richtext.xlsx")))
    assert sheet.title == "情人节活动"
    texts = [v for r in sheet.rows for v in r.values if isinstance(v, str)]
    assert not any("_x000D_" in t for t in texts)
    assert any("\r\n" in t for t in texts)
    assert "1、实物奖中奖概率设置为100%\r\n2、抽到的是卡片1" in texts[texts.index("sss实物奖卡片1") + 2]


def test_cyrillic_sheet_names_survive() -> None:
    sheets = read_source(str(quirk("xlsx2csv__sheets_cyrillic_names.xlsx")))
    assert [s.title for s in sheets] == ["Реестр", "Вариант использования"]
    assert sheets[0].rows[0].values[0] == "№"
    loaded = load([str(quirk("xlsx2csv__sheets_cyrillic_names.xlsx"))], Config())
    (missing,) = [p for p in loaded.report.problems if p.code == "missing-sheet"]
    assert "'Реестр', 'Вариант использования'" in missing.message


def test_hidden_sheets_are_read_and_the_chart_sheet_skipped() -> None:
    sheets = read_source(str(quirk("calamine__any_sheets_hidden_veryhidden_chart.xlsx")))
    assert [s.title for s in sheets] == ["Visible", "Hidden", "VeryHidden"]


def test_overflowing_date_is_an_invalid_date() -> None:
    (sheet,) = read_source(str(quirk("python-calamine__issue139_date_overflow.xlsx")))
    sheet.title = "Initiatives"
    sheet.rows = [
        RawRow(1, ("ID", "Title", "Horizon", "Completed")),
        RawRow(2, ("INIT-1", "Reports", "Done", sheet.rows[1].values[0])),
    ]
    report = Report()
    build_roadmap([sheet], Config(), report)
    assert [(p.code, p.cell) for p in report.problems if p.severity == "error"] == [("invalid-date", "D2")]
