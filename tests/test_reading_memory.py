"""Reading a workbook costs memory in proportion to its values, whatever its used range says.

python-calamine holds each sheet as one rectangle from its first value to its
last, 32 bytes a position: a value in A1 and another in Z300000 cost 250 MB
before Python sees a row. `sources/xlsx_extent.py` bounds that rectangle from
the sheet's XML before calamine reads it, and `xlsx_calamine.py` leaves a
sheet whose rectangle would pass `MAX_CELLS` to openpyxl, which streams.

Here real workbooks with pathological sheets are read by `read_source` in a
fresh process, whose peak memory (`VmHWM`) is measured; the bound is
checked against calamine's own rectangle on odd XML (Hypothesis); the layout
Excel writes is checked to take the quick path; and the guard's hand-over of
the parts it inflated is checked to be exactly what zipfile reads.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from collections.abc import Iterable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import benchmark_module, write_workbook
from sheetmap.sources import guard
from sheetmap.sources.guard import check_workbook_file
from sheetmap.sources.xlsx_calamine import MAX_CELLS, reads_part
from sheetmap.sources.xlsx_extent import Unbounded, _last_value, _usual_bound, held_cells

SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
COLUMNS = [chr(65 + i) for i in range(26)]
#: Well under the 400 MB a whole build may take; a fresh Python with the readers imported is about 25 MB.
READ_LIMIT_MB = 200

#: Reads the workbook given as argv[1] in a fresh process and prints what it read and its peak memory.
#: The address space is capped so that a regression fails this test instead of exhausting the machine.
_READ_AND_MEASURE = """
import json, resource, sys
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
from sheetmap.sources import read_source
from sheetmap.sources.xlsx_calamine import read_with_calamine
path = sys.argv[1]
sheets = read_source(path)
# VmHWM starts afresh at exec; ru_maxrss would inherit the size of the (large) test process that forked us.
peak = int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM:")).split()[1]) // 1024
rows = [[r.number, len(r.values), repr(r.values[0]), repr(r.values[-1])] for r in sheets[0].rows]
on_calamine = read_with_calamine(Path(path), path) is not None
print(json.dumps({"rows": rows, "peak_mb": peak, "calamine": on_calamine}))
"""


def read_in_fresh_process(path: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", _READ_AND_MEASURE, str(path)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, object] = json.loads(done.stdout)
    return result


def workbook_with_sheet(path: Path, sheet_data: Iterable[str], dimension: str | None = None) -> Path:
    """A real workbook (written by openpyxl) whose one sheet 'S' holds `sheet_data`, streamed into the zip."""
    base = write_workbook(path.with_name("base-" + path.name), {"S": [["x"]]})
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info, src.read(info.filename))
                continue
            with dst.open(info.filename, "w") as sheet:
                declared = f'<dimension ref="{dimension}"/>' if dimension else ""
                sheet.write(f'<worksheet xmlns="{SHEET_NS}">{declared}<sheetData>'.encode())
                for piece in sheet_data:
                    sheet.write(piece.encode())
                sheet.write(b"</sheetData></worksheet>")
    return path


def header_row() -> str:
    return '<row r="1">' + "".join(f'<c r="{c}1"><v>1</v></c>' for c in COLUMNS) + "</row>"


# --- pathological sheets, read in a fresh process --------------------------------------------------------------


def test_far_apart_values_are_read_by_openpyxl_in_little_memory(tmp_path: Path) -> None:
    """A1:Z1 and Z300000: calamine would hold 7.8 million positions (337 MB measured before the bound)."""
    path = workbook_with_sheet(
        tmp_path / "far.xlsx", [header_row(), '<row r="300000"><c r="Z300000"><v>2</v></c></row>']
    )
    read = read_in_fresh_process(path)
    assert read["calamine"] is False
    assert read["rows"] == [[1, 26, "1", "1"], [300000, 26, "None", "2"]]
    assert read["peak_mb"] < READ_LIMIT_MB, read["peak_mb"]


def test_cells_without_positions_cannot_hide_a_huge_rectangle(tmp_path: Path) -> None:
    """5,000 cells without `r` after A1 reach column GJK; with a value in A4000 that is 20 million positions
    (781 MB measured when only cell positions were looked at)."""
    row = '<row r="1"><c r="A1"><v>1</v></c>' + "<c><v>1</v></c>" * 5000 + "</row>"
    path = workbook_with_sheet(tmp_path / "implied.xlsx", [row, '<row r="4000"><c r="A4000"><v>2</v></c></row>'])
    read = read_in_fresh_process(path)
    assert read["calamine"] is False
    assert read["rows"] == [[1, 5001, "1", "1"], [4000, 1, "2", "2"]]
    assert read["peak_mb"] < READ_LIMIT_MB, read["peak_mb"]


def test_a_million_formatted_empty_rows_stay_on_calamine(tmp_path: Path) -> None:
    """Formatting whole rows leaves a million empty cells; calamine skips cells without a value, so the sheet
    stays on the fast reader (it went to openpyxl before: 8.5 s of CPU instead of about 1 s)."""

    def rows() -> Iterable[str]:
        for n in range(1, 101):
            yield f'<row r="{n}">' + "".join(f'<c r="{c}{n}"><v>{n}</v></c>' for c in "ABCDEFGH") + "</row>"
        for n in range(101, 1_048_577):
            yield f'<row r="{n}" s="1" customFormat="1"><c r="A{n}" s="1"/></row>'

    path = workbook_with_sheet(tmp_path / "formatted.xlsx", rows(), dimension="A1:H1048576")
    read = read_in_fresh_process(path)
    assert read["calamine"] is True
    assert read["rows"] == [[n, 8, str(n), str(n)] for n in range(1, 101)]
    assert read["peak_mb"] < READ_LIMIT_MB, read["peak_mb"]


@pytest.mark.parametrize("last_row, on_calamine", [(MAX_CELLS // 26, True), (MAX_CELLS // 26 + 1, False)])
def test_the_largest_rectangle_calamine_may_hold(tmp_path: Path, last_row: int, on_calamine: bool) -> None:
    """At `MAX_CELLS` positions (A1:Z153846) calamine still reads, in well under the limit; a row more: openpyxl."""
    last = f'<row r="{last_row}"><c r="Z{last_row}"><v>2</v></c></row>'
    read = read_in_fresh_process(workbook_with_sheet(tmp_path / "edge.xlsx", [header_row(), last]))
    assert read["calamine"] is on_calamine
    assert read["rows"] == [[1, 26, "1", "1"], [last_row, 26, "None", "2"]]
    assert read["peak_mb"] < READ_LIMIT_MB, read["peak_mb"]


# --- the bound ----------------------------------------------------------------------------------------------------


def _bound(path: Path) -> list[tuple[int, int | None]]:
    """(held_cells, the quick path's bound or None) of every sheet of the workbook."""
    found = []
    with zipfile.ZipFile(path) as archive:
        for name in sorted(n for n in archive.namelist() if n.startswith("xl/worksheets/")):
            data = archive.read(name)
            begin, end = data.find(b"sheetData"), data.rfind(b"sheetData")
            cells = data[begin:end]
            found.append((held_cells(data, begin, cells), _usual_bound(data, begin, cells, _last_value(cells))))
    return found


def test_the_layout_excel_writes_takes_the_quick_path(tmp_path: Path) -> None:
    """The benchmark's workbook is saved as Excel saves (shared strings, a dimension): each sheet's bound is its
    declared rectangle, found in one pass, not by walking every tag."""
    generate = benchmark_module("generate")
    path = generate.write_workbook(generate.SMOKE_SHAPES["smoke-mixed"], tmp_path / "bench.xlsx")
    bounds = _bound(path)
    assert all(quick == total for total, quick in bounds), bounds
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    dimension = xml.split('<dimension ref="', 1)[1].split('"', 1)[0]  # e.g. A1:N21
    letters = "".join(c for c in dimension.split(":")[1] if c.isalpha())
    rows = int("".join(c for c in dimension.split(":")[1] if c.isdigit()))
    assert bounds[0][0] == rows * (ord(letters) - 64)


def test_a_wrong_dimension_still_takes_the_quick_path(tmp_path: Path) -> None:
    """Some writers declare `A1` whatever the sheet holds: the width is then guessed as A-Z, checked cell by cell."""
    rows = [
        f'<row r="{n}">' + "".join(f'<c r="{c}{n}" t="n"><v>{n}</v></c>' for c in "ABCD") + "</row>"
        for n in range(1, 51)
    ]
    path = workbook_with_sheet(tmp_path / "dimension-a1.xlsx", rows, dimension="A1")
    assert _bound(path) == [(50 * 26, 50 * 26)]


def test_a_cell_beyond_the_guess_is_found(tmp_path: Path) -> None:
    rows = ['<row r="1"><c r="A1"><v>1</v></c><c r="AB1"><v>1</v></c></row>', '<row r="9"><c r="B9"><v>1</v></c></row>']
    path = workbook_with_sheet(tmp_path / "wide.xlsx", rows, dimension="A1:B9")
    assert _bound(path) == [(9 * 28, None)]  # the declared B, then Z, are both too narrow: every tag is walked


def test_positions_beyond_excel_cannot_be_bounded(tmp_path: Path) -> None:
    rows = ['<row r="1"><c r="A1"><v>1</v></c><c><v>2</v></c></row>', '<row r="2"><c r="A99999999"><v>1</v></c></row>']
    path = workbook_with_sheet(tmp_path / "beyond.xlsx", rows)
    with pytest.raises(Unbounded):
        _bound(path)


def _position(column: int, row: int, lower: bool) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return (letters.lower() if lower else letters) + str(row)


_attribute = st.sampled_from(['{k}="{v}"', "{k}='{v}'", '{k} = "{v}"', '{k}\n="{v}"'])
_cell = st.fixed_dictionaries(
    {
        "r": st.one_of(st.none(), st.tuples(st.integers(1, 40), st.integers(1, 60), st.booleans())),
        "second_r": st.one_of(st.none(), st.tuples(st.integers(1, 40), st.integers(1, 60), st.booleans())),
        "spelling": _attribute,
        "style_first": st.booleans(),
        "prefix": st.booleans(),
        "content": st.sampled_from(["", "<v>1</v>", "<v></v>", '<is><t>x</t></is>', "<f>1+1</f>", None]),
    }
)  # fmt: skip
_row = st.fixed_dictionaries(
    {
        "r": st.one_of(st.none(), st.integers(1, 60)),
        "spelling": _attribute,
        "empty": st.booleans(),
        "cells": st.lists(_cell, max_size=6),
    }
)


def _sheet_data(rows: list[dict[str, object]]) -> str:
    parts = []
    for row in rows:
        attributes = " " + str(row["spelling"]).format(k="r", v=row["r"]) if row["r"] is not None else ""
        if row["empty"] and not row["cells"]:
            parts.append(f"<row{attributes}/>")
            continue
        cells = []
        for cell in row["cells"]:
            spelling = str(cell["spelling"])
            names = []
            if cell["style_first"]:
                names.append('s="0"')
            for key in ("r", "second_r"):
                if cell[key] is not None:
                    names.append(spelling.format(k="r", v=_position(*cell[key])))
            tag = "x:c" if cell["prefix"] else "c"
            head = f"<{tag}" + "".join(" " + n for n in names)
            cells.append(f"{head}/>" if cell["content"] is None else f"{head}>{cell['content']}</{tag}>")
        parts.append(f"<row{attributes}>{''.join(cells)}</row>")
    return "".join(parts)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_row, min_size=1, max_size=8))
def test_the_bound_holds_calamines_rectangle(tmp_path: Path, rows: list[dict[str, object]]) -> None:
    """Rows and cells with or without positions, self-closing, with a second `r`, spelled with other quotes and
    spaces, prefixed: the bound is never below the rectangle calamine really holds."""
    from python_calamine import CalamineWorkbook

    data = f'<worksheet xmlns="{SHEET_NS}" xmlns:x="{SHEET_NS}"><sheetData>{_sheet_data(rows)}</sheetData></worksheet>'
    xml = data.encode()
    begin, end = xml.find(b"sheetData"), xml.rfind(b"sheetData")
    try:
        bound = held_cells(xml, begin, xml[begin:end])
    except Unbounded:
        return  # then openpyxl reads the file
    path = workbook_with_sheet(tmp_path / "odd.xlsx", [_sheet_data(rows)])
    try:
        with CalamineWorkbook.from_path(str(path)) as workbook:
            sheet = workbook.get_sheet_by_name("S")
            end_position = sheet.end
    except Exception:
        assume(False)  # calamine refuses it: openpyxl reads the file
        return
    if end_position is not None:
        assert (end_position[0] + 1) * (end_position[1] + 1) <= bound, (bound, end_position)


# --- the guard's hand-over ----------------------------------------------------------------------------------------


def test_the_guard_hands_over_exactly_what_zipfile_reads(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "book.xlsx", {"Ideas": [["ID", "Title"], ["IDEA-1", "Faster exports"]], "Other": [["x"]]}
    )
    kept = check_workbook_file(path, keep=reads_part)
    with zipfile.ZipFile(path) as archive:
        expected = {n: archive.read(n) for n in archive.namelist() if reads_part(n)}
    assert kept == expected and set(kept) == {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"}
    assert check_workbook_file(path) == {}


def test_the_guard_keeps_no_more_than_its_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_workbook(tmp_path / "book.xlsx", {"A": [["x" * 3000]], "B": [["y" * 3000]]})
    with zipfile.ZipFile(path) as archive:
        first = len(archive.read("xl/worksheets/sheet1.xml"))
    monkeypatch.setattr(guard, "KEEP_BYTES", first + 10)
    assert list(check_workbook_file(path, keep=reads_part)) == ["xl/worksheets/sheet1.xml"]


def test_a_part_named_twice_is_handed_over_as_zipfile_reads_it(tmp_path: Path) -> None:
    """zipfile reads the last member of a name given twice; the guard keeps that one, or none."""
    path = write_workbook(tmp_path / "book.xlsx", {"S": [["first"]]})
    twice = tmp_path / "twice.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(twice, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
        with pytest.warns(UserWarning, match="Duplicate name"):
            dst.writestr(
                "xl/worksheets/sheet1.xml", b'<worksheet xmlns="' + SHEET_NS.encode() + b'"><sheetData/></worksheet>'
            )
    with zipfile.ZipFile(twice) as archive:
        expected = archive.read("xl/worksheets/sheet1.xml")
    assert check_workbook_file(twice, keep=reads_part)["xl/worksheets/sheet1.xml"] == expected


_excel_cell = st.tuples(
    st.integers(1, 40),  # column
    st.integers(1, 60),  # row
    st.sampled_from(["<v>1</v>", '<is><t>x</t></is>', "<f>1+1</f>", "", None]),
    st.sampled_from(["", ' t="n"', ' s="0" t="str"', ' t="inlineStr"', ' cm="1"']),
    st.one_of(st.none(), st.tuples(st.integers(1, 40), st.integers(1, 60))),  # a second `r`, as calamine takes it
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(_excel_cell, min_size=1, max_size=12),
    st.one_of(st.none(), st.tuples(st.integers(1, 40), st.integers(1, 60))),
)
def test_the_quick_bound_holds_calamines_rectangle(
    tmp_path: Path,
    cells: list[tuple[int, int, str | None, str, tuple[int, int] | None]],
    declared: tuple[int, int] | None,
) -> None:
    """Cells as Excel writes them, in any order, under a right, wrong or missing dimension."""
    from python_calamine import CalamineWorkbook

    rows = []
    for column, row, content, attributes, second in cells:
        again = f' r="{_position(*second, False)}"' if second else ""
        head = f'<c r="{_position(column, row, False)}"{attributes}{again}'
        rows.append(f'<row r="{row}">' + (f"{head}/>" if content is None else f"{head}>{content}</c>") + "</row>")
    dimension = f"A1:{_position(*declared, False)}" if declared else None
    path = workbook_with_sheet(tmp_path / "excel.xlsx", rows, dimension=dimension)
    ((bound, _quick),) = _bound(path)
    with CalamineWorkbook.from_path(str(path)) as workbook:
        end_position = workbook.get_sheet_by_name("S").end
    if end_position is not None:
        assert (end_position[0] + 1) * (end_position[1] + 1) <= bound, (bound, end_position)
