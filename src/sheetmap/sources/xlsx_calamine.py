"""Read .xlsx workbooks with python-calamine: the same raw tables as the openpyxl reader, several times faster.

calamine parses a workbook in Rust; on a 120,000-row roadmap it reads in
about a tenth of openpyxl's time. It reads cells slightly differently,
though, so this module looks at the sheet XML itself (plain byte searches,
plus a regular expression only where they find something) and either makes
the result equal to what `xlsx.py` would produce, or declines:

* a formula with no cached value reads as empty in calamine; here it becomes
  `FormulaWithoutValue`, so validation still says so;
* an error value (`#N/A`, `#DIV/0!`) reads as empty too; here it is its text;
* a date without a time of day is a `date` in calamine, a `datetime` in
  openpyxl; whole numbers are floats in calamine, ints in openpyxl; empty
  text is `""`; each is converted;
* the 1904 date system is read from the workbook part.

It declines (returns None, and the openpyxl reader runs) where calamine would
lose something or use too much memory: text whose surrounding spaces the
writer did not mark as significant (`<t>City </t>` without `xml:space`:
calamine drops them), negative serials in date cells (calamine reads them as
times of day), cells without a position next to a formula or an error, XML
parts calamine cannot parse (UTF-16), and sheets whose used range would take
more memory than `MAX_CELLS` positions (calamine holds the whole rectangle).

Known, deliberate differences (openpyxl is the one that fails):

* Strict Open XML workbooks: openpyxl finds no worksheets, calamine reads them;
* a date cell beyond 9999-12-31: openpyxl turns it into '#VALUE!', calamine
  keeps the number, which validation reports as a date out of range.

Callers must have run `guard.check_workbook_file` first: it bounds the size
of every part and refuses DTDs, so the parts can be read whole here.
"""

from __future__ import annotations

import datetime as dt
import html
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from defusedxml.ElementTree import fromstring

from sheetmap.sources.table import CellValue, FormulaWithoutValue, RawRow, RawSheet

#: calamine holds a sheet as a rectangle of 32-byte cells from its first to its last
#: value; past this many positions (about 250 MB) the streaming openpyxl reader is used.
MAX_CELLS = 8_000_000
#: Whole numbers up to this size become ints, as openpyxl reads "3" (floats are exact up to 2**53).
_EXACT = 2.0**53

_PREFIX = rb"(?:[A-Za-z_][\w.-]*:)?"
#: A formula element, with or without a namespace prefix (Strict files and some writers use one).
_FORMULA_TAG = re.compile(rb"<" + _PREFIX + rb"f[\s/>]")
#: A cell whose first child is a formula (the schema puts <f> first), with its cached value if any.
_FORMULA_CELL = re.compile(
    rb"<(" + _PREFIX + rb")c\b([^>]*)>\s*<" + _PREFIX + rb"f\b[^>]*?(?:/>|>([^<]*)</" + _PREFIX + rb"f>)(.*?)</\1c>",
    re.S,
)
#: A cell holding an error value (t="e"), formula or not; self-closing ones hold nothing.
_ERROR_CELL = re.compile(rb"<(" + _PREFIX + rb")c\b([^>]*\st=\"e\"[^>]*)(?<!/)>(.*?)</\1c>", re.S)
_ERROR_CELL_START = re.compile(rb"<" + _PREFIX + rb"c\b[^>]*\st=\"e\"[^>]*(?<!/)>")
_VALUE = re.compile(rb"<" + _PREFIX + rb"v(?:\s[^>]*)?(?:/>|>([^<]*)</)")
_TYPE = re.compile(rb'\st="([^"]*)"')
_REF = re.compile(rb'\sr="([A-Z]{1,3})([0-9]+)"')
#: Text in a <t> element (no xml:space attribute) that starts or ends with white space: calamine trims it.
#: Patterns that begin with a literal scan fast; the prefixed forms are used only where a prefix occurs.
_UNPRESERVED = re.compile(rb"<t>(?:[ \t\r\n]|[^<]*[ \t\r\n]</)")
_UNPRESERVED_PREFIXED = re.compile(rb"<" + _PREFIX + rb"t>(?:[ \t\r\n]|[^<]*[ \t\r\n]</)")
_ROW_REF = re.compile(rb"<" + _PREFIX + rb'row\s[^>]*?\br="([0-9]+)"')
_WIDE_REF = re.compile(rb' r="[A-Z][A-Z]')
_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"


class Declined(Exception):
    """calamine would not read this workbook exactly as openpyxl does; use openpyxl."""


def read_with_calamine(path: Path, source: str) -> list[RawSheet] | None:
    """Every worksheet, as `xlsx.read_xlsx` would return them; None where openpyxl must read the file.

    Never raises for a damaged or unusual file: the openpyxl reader then
    reads it, or explains what is wrong with it.
    """
    try:
        from python_calamine import CalamineWorkbook, SheetTypeEnum
    except ImportError:  # no wheel for this platform: openpyxl reads everything
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            package = _Package.open(archive)
            workbook = CalamineWorkbook.from_path(str(path))
            try:
                sheets: list[RawSheet] = []
                for meta in workbook.sheets_metadata:
                    if meta.typ != SheetTypeEnum.WorkSheet:
                        continue  # chart and dialog sheets hold no table (openpyxl skips them too)
                    part = package.sheet_parts.get(meta.name)
                    if part is None:
                        raise Declined(f"no part for sheet {meta.name!r}")
                    scan = _scan_sheet(archive.read(part))
                    rows = _rows(workbook.get_sheet_by_name(meta.name), scan)
                    sheets.append(RawSheet(source, meta.name, rows, package.date1904, index=len(sheets)))
            finally:
                workbook.close()
    except Exception:  # calamine's errors, zip or XML surprises, Declined: openpyxl decides
        return None
    return sheets or None


@dataclass
class _Package:
    """Where the workbook's parts are, and whether calamine can read its text faithfully."""

    sheet_parts: dict[str, str]
    date1904: bool

    @classmethod
    def open(cls, archive: zipfile.ZipFile) -> _Package:
        workbook_part = _office_document(archive)
        root = fromstring(archive.read(workbook_part))
        date1904 = any(
            _local(e.tag) == "workbookPr" and e.get("date1904", "").strip().lower() in ("1", "true") for e in root
        )
        targets = _relationships(archive, workbook_part)
        parts: dict[str, str] = {}
        for element in root.iter():
            if _local(element.tag) != "sheet":
                continue
            rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
            name = element.get("name")
            if name is not None and rid in targets:
                parts[name] = targets[rid][1]
        for kind, part in targets.values():
            shared_strings = kind.endswith("/sharedStrings") and part in archive.namelist()
            if shared_strings and _unpreserved(_utf8(archive.read(part))):
                raise Declined("shared strings with unmarked surrounding spaces")
        return cls(parts, date1904)


def _office_document(archive: zipfile.ZipFile) -> str:
    for kind, part in _relationships(archive, "").values():
        if kind.endswith("/officeDocument"):
            return part
    raise Declined("no office document relationship")


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, part name) of `part` ('' for the package)."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{name}.rels")
    if rels not in archive.namelist():
        return {}
    found: dict[str, tuple[str, str]] = {}
    for element in fromstring(archive.read(rels)):
        target = element.get("Target", "")
        if element.tag != f"{{{_RELATIONSHIPS}}}Relationship" or element.get("TargetMode") == "External":
            continue
        path = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        found[element.get("Id", "")] = (element.get("Type", ""), path)
    return found


def _unpreserved(xml: bytes) -> bool:
    """Whether some text starts or ends with white space its writer did not mark as significant."""
    return bool((_UNPRESERVED_PREFIXED if b":t>" in xml else _UNPRESERVED).search(xml))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _utf8(data: bytes) -> bytes:
    """The part's bytes, when they are UTF-8 (what every writer but Excel Mobile uses)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:64]:
        raise Declined("UTF-16 part")
    return data


@dataclass
class _Scan:
    """What the sheet XML says that calamine's values do not tell."""

    #: (row, column), 1-based -> the value openpyxl reads there (a formula without value, an error)
    fixes: dict[tuple[int, int], CellValue] = field(default_factory=dict)
    #: cells holding a negative number: calamine reads a negative date serial as a time of day
    negative: set[tuple[int, int]] = field(default_factory=set)


def _scan_sheet(data: bytes) -> _Scan:
    data = _utf8(data)
    # Only the cells count: <xm:f> in a data validation's extension is not a cell's formula.
    begin, end = data.find(b"sheetData"), data.rfind(b"sheetData")
    cells = data[begin:end] if 0 <= begin < end else b""
    _check_extent(cells)
    scan = _Scan()
    at = cells.find(b"v>-")
    while at >= 0:
        start = max(cells.rfind(b"<c ", 0, at), cells.rfind(b":c ", 0, at))
        scan.negative.add(_position(cells[start : cells.find(b">", start)]))
        at = cells.find(b"v>-", at + 3)
    if b"inlineStr" in cells and _unpreserved(cells):
        raise Declined("inline strings with unmarked surrounding spaces")
    if b"<f" in cells or b":f" in cells:  # cheap tests first: most sheets have no formulas
        formulas = len(_FORMULA_TAG.findall(cells))
        found = 0
        for match in _FORMULA_CELL.finditer(cells):
            found += 1
            _formula_cell(scan, match.group(2), match.group(3), match.group(4))
        if found != formulas:
            raise Declined("formula cells of an unexpected shape")
    if b't="e"' in cells:
        found = 0
        for match in _ERROR_CELL.finditer(cells):
            found += 1
            value = _VALUE.search(match.group(3))
            if value and value.group(1):
                scan.fixes.setdefault(_position(match.group(2)), html.unescape(value.group(1).decode("utf-8")))
        if found != len(_ERROR_CELL_START.findall(cells)):
            raise Declined("error cells of an unexpected shape")
    return scan


def _formula_cell(scan: _Scan, attributes: bytes, formula: bytes | None, rest: bytes) -> None:
    """Record what openpyxl reads in a formula cell where calamine reads nothing."""
    kind = _TYPE.search(attributes)
    cell_type = kind.group(1) if kind else b"n"
    value = _VALUE.search(rest)
    if value is not None and value.group(1):
        return  # a cached value: calamine reads it (errors are handled with the other error cells)
    if cell_type == b"str" and value is not None:
        return  # an empty text result (=IF(…,"",…)): empty in both readers
    if cell_type == b"inlineStr" and b"is>" in rest:
        return
    text = html.unescape(formula.decode("utf-8")) if formula else ""
    scan.fixes[_position(attributes)] = FormulaWithoutValue("=" + text)


def _position(attributes: bytes) -> tuple[int, int]:
    ref = _REF.search(attributes)
    if ref is None:
        raise Declined("a formula, error or negative cell without its position")
    column = 0
    for letter in ref.group(1):
        column = column * 26 + letter - 64
    return int(ref.group(2)), column


def _check_extent(cells: bytes) -> None:
    """Decline sheets whose used rectangle calamine would have to hold in memory whole."""
    if b'\nr="' in cells or b'\tr="' in cells or b'\rr="' in cells:
        raise Declined("cell positions after a line break")  # the searches below look after a space
    at = max(cells.rfind(b"<row"), cells.rfind(b":row "))
    last = _ROW_REF.match(cells, cells.rfind(b"<", 0, at + 1)) if at >= 0 else None
    # rows without numbers follow one another: there are at most as many as <row> tags
    last_row = int(last.group(1)) if last else cells.count(b"row")
    if re.search(rb' r="[A-Z]{1,3}[0-9]{%d}' % (len(str(last_row)) + 1), cells):
        raise Declined("a cell below the last row")
    columns = 26
    if _WIDE_REF.search(cells):
        for letters in (3, 2):
            found = re.findall(rb' r="([A-Z]{%d})[0-9]' % letters, cells)
            if found:
                columns = 0
                for letter in max(found):
                    columns = columns * 26 + letter - 64
                break
    if last_row * columns > MAX_CELLS:
        raise Declined("a used range too large to hold")


def _rows(sheet: Any, scan: _Scan) -> list[RawRow]:
    """calamine's rectangle -> RawRows numbered as in the sheet, cells as openpyxl reads them."""
    start = sheet.start
    data = sheet.to_python(skip_empty_area=True) if start is not None else []
    first_row, first_column = start if start is not None else (0, 0)
    fixes: dict[int, dict[int, CellValue]] = {}
    for (row, column), fix in scan.fixes.items():
        fixes.setdefault(row, {})[column] = fix
    rows: list[RawRow] = []
    # calamine makes a new string for every cell; sharing equal ones keeps a
    # 100,000-row sheet of repeated statuses and names small
    strings: dict[str, str] = {}
    shared = strings.setdefault
    if scan.negative:
        for offset, cells in enumerate(data):
            for column, value in enumerate(cells, first_column + 1):
                if type(value) is dt.time and (first_row + offset + 1, column) in scan.negative:
                    raise Declined("a negative date serial, which calamine reads as a time of day")
    for offset, cells in enumerate(data):
        number = first_row + offset + 1
        values: list[CellValue] = [None] * first_column if first_column else []
        values += [(shared(v, v) if v else None) if type(v) is str else _other(v) for v in cells]
        if number in fixes:
            _apply(values, fixes.pop(number))
        _append(rows, number, values)
    if fixes:  # formula or error cells on rows calamine saw as empty
        for number in sorted(fixes):
            values = []
            _apply(values, fixes[number])
            _append(rows, number, values)
        rows.sort(key=lambda r: r.number)
    return rows


def _other(value: Any) -> CellValue:
    """A non-text cell as openpyxl reads it: whole numbers as int, dates as datetime."""
    kind = type(value)
    if kind is float:
        return int(value) if value.is_integer() and -_EXACT < value < _EXACT else value
    if kind is dt.date:
        return dt.datetime(value.year, value.month, value.day)
    return value


def _apply(values: list[CellValue], fixes: dict[int, CellValue]) -> None:
    for column, value in fixes.items():
        if len(values) < column:
            values.extend([None] * (column - len(values)))
        values[column - 1] = value


def _append(rows: list[RawRow], number: int, values: list[CellValue]) -> None:
    """Add the row without its trailing empty cells, unless it holds nothing a person would call a value."""
    while values and values[-1] is None:
        values.pop()
    if any(v is not None and not (isinstance(v, str) and not v.strip()) for v in values):
        rows.append(RawRow(number, tuple(values)))
