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
parts calamine cannot parse (UTF-16), and sheets whose cells holding a value
span a rectangle of more than `MAX_CELLS` positions (calamine holds the whole
rectangle; `xlsx_extent.py` bounds it from the XML before calamine reads).

Known, deliberate differences (openpyxl is the one that fails):

* Strict Open XML workbooks: openpyxl finds no worksheets, calamine reads them;
* a date cell beyond 9999-12-31: openpyxl turns it into '#VALUE!', calamine
  keeps the number, which validation reports as a date out of range.

Callers must have run `guard.check_workbook_file` first: it bounds the size
of every part and refuses DTDs, so the parts can be read whole here. It can
hand over the parts `reads_part` names, already inflated.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from defusedxml.ElementTree import fromstring

from sheetmap.background import Helper
from sheetmap.sources.table import CellValue, FormulaWithoutValue, RawRow, RawSheet
from sheetmap.sources.xlsx_extent import Unbounded, held_cells

#: calamine holds a sheet as a rectangle of 32-byte cells from its first to its last value;
#: past this many positions (128 MB) the streaming openpyxl reader is used. goal 1's
#: 100,000 tasks are 800,000; a sheet of 150,000 rows in columns A-Z still fits.
MAX_CELLS = 4_000_000
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
_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"


class Declined(Exception):
    """calamine would not read this workbook exactly as openpyxl does; use openpyxl."""


def reads_part(name: str) -> bool:
    """Whether the checks here read the part `name` (where Excel and most writers put sheets and shared strings)."""
    return name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml"


def read_with_calamine(path: Path, source: str, parts: dict[str, bytes] | None = None) -> list[RawSheet] | None:
    """Every worksheet, as `xlsx.read_xlsx` would return them; None where openpyxl must read the file.

    `parts` holds parts already inflated (by the guard), by name; each is
    taken out once read. Never raises for a damaged or unusual file: the
    openpyxl reader then reads it, or explains what is wrong with it.
    """
    parts = {} if parts is None else parts
    try:
        from python_calamine import CalamineWorkbook, SheetTypeEnum
    except ImportError:  # no wheel for this platform: openpyxl reads everything
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            package = _Package.open(archive, parts)
            elsewhere = _checked_elsewhere(package, parts)
            with (
                Helper(partial(_scan_kept, parts), wanted=bool(elsewhere)) as helper,
                helper.map(elsewhere, min_items=1) as scanning,
            ):
                workbook = CalamineWorkbook.from_path(str(path))
                try:
                    # chart and dialog sheets hold no table (openpyxl skips them too)
                    names = [meta.name for meta in workbook.sheets_metadata if meta.typ == SheetTypeEnum.WorkSheet]
                    rows: dict[str, list[RawRow]] = {}
                    scans: dict[str, _Scan | Declined] = {}
                    # The sheet the helper checks goes last: the others are read meanwhile.
                    for name in sorted(names, key=lambda n: package.sheet_parts.get(n) in elsewhere):
                        part = package.sheet_parts.get(name)
                        if part is None:
                            raise Declined(f"no part for sheet {name!r}")
                        scan: _Scan | Declined
                        if part in elsewhere:
                            scans = scans or dict(zip(elsewhere, scanning.results(), strict=True))
                            scan = scans[part]
                            parts.pop(part, None)
                        else:
                            scan = _scan_sheet(parts.pop(part) if part in parts else archive.read(part))
                        if isinstance(scan, Declined):
                            raise scan
                        rows[name] = _rows(workbook.get_sheet_by_name(name), scan)
                finally:
                    workbook.close()
    except Exception:  # calamine's errors, zip or XML surprises, Declined: openpyxl decides
        return None
    sheets = [RawSheet(source, name, rows[name], package.date1904, index=i) for i, name in enumerate(names)]
    return sheets or None


#: A sheet part this big (inflated; about 15,000 rows) has its XML checked in a helper process while
#: this one reads the other sheets: 0.2-0.4 s for goal 1's 100,000 tasks (issue 9).
CHECK_ELSEWHERE_FROM = 4 << 20


def _checked_elsewhere(package: _Package, parts: dict[str, bytes]) -> list[str]:
    """The part whose checks a helper does: the biggest sheet's, when it is big and not the only sheet.

    One only: this process reads every other sheet meanwhile, and needs
    that one's checks before calamine may read it (its size bound).
    """
    sizes = {part: len(parts[part]) for part in set(package.sheet_parts.values()) if part in parts}
    if len(sizes) < 2:
        return []
    biggest = max(sorted(sizes), key=sizes.__getitem__)
    return [biggest] if sizes[biggest] >= CHECK_ELSEWHERE_FROM else []


def _scan_kept(parts: dict[str, bytes], part: str) -> _Scan | Declined:
    """`_scan_sheet` of an inflated part, in a helper: refusals come back as values, pickled."""
    try:
        return _scan_sheet(parts[part])
    except Declined as declined:
        return declined


@dataclass
class _Package:
    """Where the workbook's parts are, and whether calamine can read its text faithfully."""

    sheet_parts: dict[str, str]
    date1904: bool

    @classmethod
    def open(cls, archive: zipfile.ZipFile, inflated: dict[str, bytes]) -> _Package:
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
            if not kind.endswith("/sharedStrings") or part not in archive.namelist():
                continue
            if _unpreserved(_utf8(inflated.pop(part) if part in inflated else archive.read(part))):
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
    prefixed = b":" in xml and b":t>" in xml  # a colon is rare in sheet XML, and finding none is quick
    return bool((_UNPRESERVED_PREFIXED if prefixed else _UNPRESERVED).search(xml))


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
    try:
        if held_cells(data, begin, cells) > MAX_CELLS:
            raise Declined("a used range too large to hold")
    except Unbounded as exc:
        raise Declined(str(exc)) from None
    # Every check below is one byte search over the cells (about 25 ms for goal 1's 27 MB of tasks);
    # a prefix (`<x:f>`) needs a colon, which most sheets hold nowhere.
    prefixed = b":" in cells
    scan = _Scan()
    at = cells.find(b"v>-")
    while at >= 0:
        start = cells.rfind(b"<c", 0, at)
        if prefixed:  # looked for only after the `<c`: searching back to the start for each would be quadratic
            start = max(start, cells.rfind(b":c", max(start, 0), at))
        scan.negative.add(_position(cells[start : cells.find(b">", start)]))
        at = cells.find(b"v>-", at + 3)
    if b"inlineStr" in cells and _unpreserved(cells):
        raise Declined("inline strings with unmarked surrounding spaces")
    if b"<f" in cells or (prefixed and b":f" in cells):  # cheap tests first: most sheets have no formulas
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


class _Strings(dict[str, "str | None"]):
    """Each text read once: calamine makes a new string for every cell, and a 100,000-row sheet
    repeats its statuses and names; empty text reads as no value, as in openpyxl."""

    def __missing__(self, key: str) -> str:
        self[key] = key
        return key


def _rows(sheet: Any, scan: _Scan) -> list[RawRow]:
    """calamine's rectangle -> RawRows numbered as in the sheet, cells as openpyxl reads them."""
    fixes: dict[int, dict[int, CellValue]] = {}
    for (row, column), fix in scan.fixes.items():
        fixes.setdefault(row, {})[column] = fix
    rows: list[RawRow] = []
    append = rows.append
    start = sheet.start
    if start is not None:  # iter_rows() of an empty sheet fails
        first_row, first_column = start
        lead: list[CellValue] = [None] * first_column
        negative = {row for row, _ in scan.negative}
        strings = _Strings()
        strings[""] = None
        other = _other
        # iter_rows() makes one row of Python values at a time (to_python() makes them all at once,
        # 40 MB more for goal 1); it yields the rows above the rectangle first, empty.
        number = first_row
        for number, cells in enumerate(itertools.islice(sheet.iter_rows(), first_row, None), first_row + 1):
            if number in negative:
                _refuse_negative_dates(number, first_column, cells, scan.negative)
            values: list[CellValue] = [strings[v] if type(v) is str else other(v) for v in cells]
            if first_column:
                values[:0] = lead
            if number in fixes:
                _apply(values, fixes.pop(number))
            while values and values[-1] is None:
                values.pop()
            for value in values:  # usually the first value decides
                if value is not None and (type(value) is not str or value.strip()):
                    append(RawRow(number, tuple(values)))
                    break
        if number - first_row != sheet.height:
            raise Declined("python-calamine iterated the rows differently")  # a future version, say
    if fixes:  # formula or error cells on rows calamine saw as empty
        for number in sorted(fixes):
            values = []
            _apply(values, fixes[number])
            _append(rows, number, values)
        rows.sort(key=lambda r: r.number)
    return rows


def _refuse_negative_dates(number: int, first_column: int, cells: list[Any], negative: set[tuple[int, int]]) -> None:
    for column, value in enumerate(cells, first_column + 1):
        if type(value) is dt.time and (number, column) in negative:
            raise Declined("a negative date serial, which calamine reads as a time of day")


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
