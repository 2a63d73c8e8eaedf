"""Read .xlsx/.xlsm workbooks with openpyxl into raw tables.

openpyxl's read-only mode streams each sheet's XML. We drive its sheet
parser ourselves rather than `iter_rows()` because the latter pads rows to
the sheet's *declared* size: a file that claims A1:XFD1048576 (gnumeric
does) would produce a million empty rows. The parser yields only rows that
exist, each with its real row number.
"""

from __future__ import annotations

import functools
import re
import warnings
import zipfile
from pathlib import Path
from typing import Any, BinaryIO

from sheetmap.errors import SourceError
from sheetmap.sources.guard import check_workbook_file
from sheetmap.sources.table import CellValue, FormulaWithoutValue, RawRow, RawSheet
from sheetmap.sources.xlsx_calamine import read_with_calamine, reads_part

#: Excel escapes control characters in strings as _xHHHH_ (e.g. _x000D_ for CR).
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
#: Rows holding no value (no cells, or only cells without a value), and cells without
#: a value: what formatting whole rows leaves behind, by the million. Only those with an
#: explicit position (r="…") go, and only when the next row or cell has one too (or none
#: follows): openpyxl numbers an element without `r` from the one before it.
_EMPTY_ROW = re.compile(
    rb'<row\s[^<>]*?\br="[0-9]{1,7}"[^<>]*(?:/>|>\s*(?:<c\s[^<>]*(?:/>|>\s*</c>)\s*)*</row>)'
    rb'(?=\s*(?:<row\s[^<>]*?\br="|</sheetData>))'
)
_EMPTY_CELL = re.compile(rb'<c r="[A-Z]{1,3}[0-9]{1,7}"[^<>]*(?:/>|>\s*</c>)(?=\s*(?:<c r="|</row>))')
_READ_BYTES = 1 << 16


class _WithoutEmptyCells:
    """A sheet's XML stream with empty cells and rows removed before any parser sees them.

    openpyxl builds an element, and keeps a dict of row formatting, for every
    `<row>` it parses: a sheet of a million empty styled rows took 26 s and
    460 MB. Filtered, it reads in about a second with flat memory use, and the
    rows that hold data are untouched.
    """

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._carry = b""

    def read(self, size: int = -1) -> bytes:
        while True:
            chunk = self._raw.read(max(size, _READ_BYTES))
            data = self._carry + chunk
            if not chunk:
                self._carry = b""
                return _EMPTY_CELL.sub(b"", _EMPTY_ROW.sub(b"", data))
            # Cut before the last row (or tag) so that no element is split between reads.
            cut = data.rfind(b"<row")
            if cut <= 0:
                cut = data.rfind(b"<")
            if cut <= 0:
                self._carry = data
                continue
            self._carry = data[cut:]
            # The tag after the cut goes along, unchanged, so the last row before it can be judged.
            end = data.find(b">", cut)
            context = data[cut : end + 1] if end >= 0 else b""
            kept = _EMPTY_CELL.sub(b"", _EMPTY_ROW.sub(b"", data[:cut] + context))[: -len(context) or None]
            if kept:
                return kept


@functools.cache
def _parser_class() -> type[Any]:
    """openpyxl's sheet parser, reading cached values; built on first use.

    Importing openpyxl costs a good part of a second and python-calamine
    reads almost every workbook, so openpyxl is imported only when it reads.
    """
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    class _CachedValueParser(WorkSheetParser):
        """Reads cached values, and marks formula cells that have none."""

        def parse_cell(self, element: Any) -> dict[str, Any]:
            cell: dict[str, Any] = super().parse_cell(element)
            if cell["value"] is None:
                formula = element.find(FORMULA_TAG)
                # A text result that is empty (`=IF(…,"",…)`) is cached as t="str"
                # with an empty <v>; openpyxl reads both that and "no value" as None.
                empty_text = element.get("t") == "str" and element.find(VALUE_TAG) is not None
                if formula is not None and not empty_text:
                    cell["value"] = FormulaWithoutValue("=" + (formula.text or ""))
            elif isinstance(cell["value"], str) and "_x" in cell["value"]:
                cell["value"] = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), cell["value"])
            return cell

    return _CachedValueParser


def __getattr__(name: str) -> Any:
    # `xlsx._CachedValueParser` as before the parser was built lazily.
    if name == "_CachedValueParser":
        return _parser_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def read_xlsx(path: Path, display: str | None = None) -> list[RawSheet]:
    """Every worksheet of the workbook at `path`, as raw tables.

    Raises SourceError with an actionable message for files that are not
    readable workbooks. python-calamine reads the file when it can read it
    exactly as openpyxl does (see xlsx_calamine.py), several times faster.
    """
    # The guard inflates every part to check it; it hands over the sheets and shared strings
    # calamine's checks read next instead of having them inflated a second time.
    parts = check_workbook_file(path, keep=reads_part)
    name = display or str(path)
    fast = read_with_calamine(path, name, parts)
    del parts  # what calamine did not read is no use to openpyxl, which streams
    return fast if fast is not None else read_xlsx_openpyxl(path, name)


def read_xlsx_openpyxl(path: Path, name: str) -> list[RawSheet]:
    """`read_xlsx` with openpyxl only, for a file `check_workbook_file` has passed."""
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            # openpyxl warns about unsupported extensions and out-of-range
            # dates; the latter become '#VALUE!' and are reported per cell.
            warnings.simplefilter("ignore")
            workbook = load_workbook(path, read_only=True, data_only=True, keep_links=False)
            try:
                sheets = [
                    _read_sheet(workbook, ws, name, index)
                    for index, ws in enumerate(workbook.worksheets)
                    if hasattr(ws, "_worksheet_path")
                ]
            finally:
                workbook.close()
    except SourceError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError, IndexError) as exc:
        raise SourceError(
            f"{name} could not be read as an Excel workbook ({type(exc).__name__}: {exc}). "
            "Open it in Excel or LibreOffice and save it again as 'Excel Workbook (.xlsx)'."
        ) from None
    except Exception as exc:
        raise SourceError(
            f"{name} is damaged or not a workbook sheetmap can read ({type(exc).__name__}). "
            "Open it in Excel or LibreOffice and save it again as 'Excel Workbook (.xlsx)'."
        ) from None
    if not sheets:
        raise SourceError(
            f"{name} has no worksheets sheetmap can read. If it was saved as 'Strict Open XML "
            "Spreadsheet', save it again as 'Excel Workbook (.xlsx)'."
        )
    return sheets


def _read_sheet(workbook: Any, ws: Any, source: str, index: int) -> RawSheet:
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    rows: list[RawRow] = []
    with workbook._archive.open(ws._worksheet_path) as src:
        parser = _parser_class()(
            _WithoutEmptyCells(src),
            ws._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for number, cells in parser.parse():
            if not cells:
                continue
            width = max(c["column"] for c in cells)
            values: list[CellValue] = [None] * width
            for c in cells:
                values[c["column"] - 1] = c["value"]
            while values and values[-1] is None:
                values.pop()
            if any(v is not None and not (isinstance(v, str) and not v.strip()) for v in values):
                rows.append(RawRow(number, tuple(values)))
    return RawSheet(
        source=source,
        title=ws.title,
        rows=rows,
        date1904=workbook.epoch == CALENDAR_MAC_1904,
        index=index,
    )
