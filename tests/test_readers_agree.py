"""python-calamine and openpyxl read every workbook to the same raw tables.

`read_xlsx` lets python-calamine read a workbook when it can read it exactly
as the openpyxl reader would (sources/xlsx_calamine.py), and openpyxl reads
the rest. Here both readers read the same real files: openpyxl-written
fixtures of every kind of value, files saved the way Excel saves them
(shared strings, errors, cached formula results, namespace prefixes), the
hostile XSS workbook, the samples, the benchmark's generated workbook, and
the real-world quirk files. Where calamine declines, the test says which
files and why; the only differences allowed are the ones where openpyxl
fails (see DIFFERENCES).
"""

from __future__ import annotations

import datetime as dt
import os
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from conftest import benchmark_module, write_workbook
from hostile_workbook import hostile_workbook
from sheetmap.sources import FormulaWithoutValue, RawSheet, read_source
from sheetmap.sources.guard import check_workbook_file
from sheetmap.sources.xlsx import read_xlsx_openpyxl
from sheetmap.sources.xlsx_calamine import read_with_calamine, reads_part
from sheetmap.values import display
from xss_payloads import payloads

REPO = Path(__file__).resolve().parents[1]
SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _realworld() -> Path:
    env = os.environ.get("SHEETMAP_REALWORLD")
    return Path(env) if env else REPO.parent / "shared" / "realworld"


QUIRKS = sorted((_realworld() / "quirks").glob("*.xlsx"))

#: Files calamine leaves to openpyxl, and why (each is checked to be declined, and read by openpyxl).
DECLINED = {
    # `<t>City </t>` without xml:space="preserve": calamine would drop the space
    "calamine__issue_174_gnumeric_full_dimension.xlsx",
    # every XML part is UTF-16, which calamine cannot parse
    "roo__Pfand_from_windows_phone_utf16.xlsx",
}
#: (file, sheet, row, column) -> (calamine's value, openpyxl's): only where openpyxl is the one that fails.
DIFFERENCES = {
    # a date cell past 9999-12-31: openpyxl replaces it with '#VALUE!', calamine keeps the serial
    # (validation then says "out of range" instead of "'#VALUE!' is not a date")
    ("python-calamine__issue139_date_overflow.xlsx", "bad_xlsx_dates", 2, 1): (2994626, "#VALUE!"),
}


def both(path: Path) -> tuple[list[RawSheet] | None, list[RawSheet]]:
    """(calamine's reading or None where it declines, openpyxl's reading).

    calamine reads twice: inflating the parts itself, and from the parts the guard inflated
    and handed over (as `read_xlsx` does); both must give the same.
    """
    fast = read_with_calamine(path, str(path))
    handed_over = read_with_calamine(path, str(path), check_workbook_file(path, keep=reads_part))
    assert handed_over == fast
    return fast, read_xlsx_openpyxl(path, str(path))


def assert_same(fast: list[RawSheet], slow: list[RawSheet], name: str = "") -> None:
    """Same sheets, same row numbers, equal values of the same kind that display the same."""
    assert [(s.title, s.index, s.date1904, s.source) for s in fast] == [
        (s.title, s.index, s.date1904, s.source) for s in slow
    ]
    for a, b in zip(fast, slow, strict=True):
        assert [r.number for r in a.rows] == [r.number for r in b.rows], a.title
        for ra, rb in zip(a.rows, b.rows, strict=True):
            expected = list(rb.values)
            for column in range(len(expected)):
                calamine_value, openpyxl_value = DIFFERENCES.get((name, a.title, ra.number, column + 1), (None, None))
                if openpyxl_value is not None and expected[column] == openpyxl_value:
                    expected[column] = calamine_value
            assert ra.values == tuple(expected), (a.title, ra.number)
            for x, y in zip(ra.values, expected, strict=True):
                # an int where openpyxl has a float ('3.0' in the file) is the one type change allowed
                assert type(x) is type(y) or {type(x), type(y)} == {int, float}, (a.title, ra.number, x, y)
                assert display(x) == display(y), (a.title, ra.number, x, y)


def rewrite(source: Path, target: Path, parts: dict[str, bytes]) -> Path:
    """A copy of the workbook at `source` with some parts replaced (or added)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, parts.pop(info.filename, None) or src.read(info.filename))
        for name, data in parts.items():
            dst.writestr(name, data)
    return target


def with_sheet_xml(tmp_path: Path, name: str, sheet_data: str, *, shared: list[str] | None = None) -> Path:
    """A workbook whose one sheet 'S' holds `sheet_data` (the inside of <sheetData>), as Excel lays it out."""
    base = write_workbook(tmp_path / f"base-{name}", {"S": [["x"]]})
    parts = {
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{SHEET_NS}">'
            f"<sheetData>{sheet_data}</sheetData></worksheet>"
        ).encode()
    }
    if shared is not None:
        with zipfile.ZipFile(base) as z:
            types = z.read("[Content_Types].xml")
            rels = z.read("xl/_rels/workbook.xml.rels")
        parts["xl/sharedStrings.xml"] = (
            f'<sst xmlns="{SHEET_NS}" count="{len(shared)}" uniqueCount="{len(shared)}">'
            + "".join(f"<si>{s}</si>" for s in shared)
            + "</sst>"
        ).encode()
        parts["[Content_Types].xml"] = types.replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        )
        parts["xl/_rels/workbook.xml.rels"] = rels.replace(
            b"</Relationships>",
            b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"'
            b' Target="sharedStrings.xml" Id="rIdS"/></Relationships>',
        )
    return rewrite(base, tmp_path / name, parts)


# --- files written by openpyxl ---------------------------------------------------------------------------------


EVERY_KIND = [
    ["text", "  spaced  ", "tab\there", "line1\nline2\n", "ümlaut ✓ 漢字", "a_x000D_b", "=1+1", "=SUM(A1:A3)"],
    [1, 2.5, -0.0, 0.1 + 0.2, 10**15, 1e-310, 123456789012345678, True, False],
    [dt.datetime(2025, 10, 25, 12, 53), dt.datetime(2025, 10, 25, 12, 53, 17, 123456), dt.date(2026, 3, 1)],
    [dt.time(12, 30), dt.timedelta(hours=36, minutes=5), dt.datetime(1900, 1, 1), dt.datetime(1900, 3, 1)],
    [None, None, "after a gap"],
    [],
    [None, None, None, None, None, None, None, None, None, None, "far right"],
]


@pytest.mark.parametrize("epoch1904", [False, True], ids=["1900", "1904"])
def test_every_kind_of_value_written_by_openpyxl(tmp_path: Path, epoch1904: bool) -> None:
    rows = [list(r) for r in EVERY_KIND]
    if epoch1904:  # dates before 1904 do not exist in a 1904 workbook (openpyxl writes them negative)
        rows[3] = [dt.time(12, 30), dt.timedelta(hours=36, minutes=5), dt.datetime(1904, 1, 2), "x"]
    path = write_workbook(tmp_path / "kinds.xlsx", {"First": rows, "Second": [["ID"], ["INIT-1"]]}, epoch1904=epoch1904)
    fast, slow = both(path)
    assert fast is not None, "calamine declined an ordinary workbook"
    assert_same(fast, slow)
    first = fast[0].rows
    assert first[0].values[6:] == (FormulaWithoutValue("=1+1"), FormulaWithoutValue("=SUM(A1:A3)"))
    assert first[0].values[5] == "a\rb"
    assert [r.number for r in first] == [1, 2, 3, 4, 5, 7]  # the empty row 6 is skipped
    assert fast[0].date1904 is epoch1904


def test_negative_date_serials_are_left_to_openpyxl(tmp_path: Path) -> None:
    # calamine reads a negative serial in a date cell as a time of day; openpyxl reads the date
    path = write_workbook(tmp_path / "old.xlsx", {"S": [[dt.datetime(1903, 6, 1), dt.time(6, 0)]]}, epoch1904=True)
    fast, slow = both(path)
    assert fast is None
    assert slow[0].rows[0].values == (dt.datetime(1903, 6, 1), dt.time(6, 0))
    assert read_source(str(path))[0].rows == slow[0].rows


def test_many_negative_numbers_read_in_linear_time(tmp_path: Path) -> None:
    """Each negative number's cell is looked up (a negative date serial would be misread); finding it once
    searched back to the sheet's start: 20,000 of them took 11.6 s of CPU, now 0.2 s."""
    rows = [["ID", "Delta"]] + [[f"B-{n}", -n - 0.5] for n in range(20_000)]
    path = write_workbook(tmp_path / "budget.xlsx", {"Budget": rows})
    started = time.process_time()
    fast = read_with_calamine(path, str(path))
    assert time.process_time() - started < 3
    assert fast is not None
    assert_same(fast, read_xlsx_openpyxl(path, str(path)))


def test_hostile_xss_workbook(tmp_path: Path) -> None:
    """Every payload of the XSS corpus, in every text cell of every sheet: read alike, character for character."""
    path = hostile_workbook(tmp_path / "hostile.xlsx", payloads())
    fast, slow = both(path)
    assert fast is not None
    assert_same(fast, slow)


@pytest.mark.parametrize("name", ["acme-roadmap.xlsx", "minimal.xlsx"])
def test_sample_workbooks(name: str) -> None:
    path = REPO / "sample_sheets" / name
    fast, slow = both(path)
    assert fast is not None
    assert_same(fast, slow)


def test_benchmark_workbook_saved_like_excel(tmp_path: Path) -> None:
    """The benchmark's generator writes what Excel writes: shared strings, a dimension, real dates."""
    generate = benchmark_module("generate")
    path = generate.write_workbook(generate.SMOKE_SHAPES["smoke-typos-a"], tmp_path / "bench.xlsx")
    with zipfile.ZipFile(path) as z:
        assert "xl/sharedStrings.xml" in z.namelist()
    fast, slow = both(path)
    assert fast is not None
    assert_same(fast, slow)
    assert sum(len(s.rows) for s in fast) == generate.SMOKE_SHAPES["smoke-typos-a"].rows + 7  # + a header per sheet


text_cell = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30
).filter(lambda s: not ILLEGAL_CHARACTERS_RE.search(s) and not s.startswith("="))
any_cell = st.one_of(
    st.none(),
    text_cell,
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=64).filter(lambda x: abs(x) < 1e300),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)).map(
        lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000)
    ),
    st.dates(min_value=dt.date(1900, 3, 1)),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(any_cell, max_size=6), min_size=1, max_size=6))
def test_any_cells_written_by_openpyxl(tmp_path: Path, rows: list[list[object]]) -> None:
    path = write_workbook(tmp_path / "any.xlsx", {"S": rows})
    fast, slow = both(path)
    if fast is None:  # only text whose surrounding spaces openpyxl did not mark, or negative numbers with times
        return
    assert_same(fast, slow)


# --- files shaped the way Excel and LibreOffice save them --------------------------------------------------------


def test_excel_shaped_cells(tmp_path: Path) -> None:
    """Shared strings with rich text, errors, cached and missing formula results, booleans, empty text results."""
    shared = [
        '<r><t xml:space="preserve">Hello </t></r><r><rPr><b/></rPr><t>world</t></r>',
        '<t>a_x000D_b &amp; _x0041_</t><rPh sb="0" eb="1"><t>PH</t></rPh>',
        "<t>Now</t>",
    ]
    data = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
        '<c r="C1" t="str"><f>IF(A1="","","")</f><v></v></c>'  # an empty text result: empty, not missing
        '<c r="D1"><f>1+1</f></c>'  # never calculated
        '<c r="E1" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="F1" t="e"><v>#N/A</v></c>'
        '<c r="G1"><f>2*3</f><v>6</v></c><c r="H1" t="b"><v>1</v></c><c r="I1"><v>1E+20</v></c>'
        '<c r="J1" t="s"><f>"Now"</f><v>2</v></c></row>'
        '<row r="2"><c r="A2"><f t="shared" ref="A2:A4" si="0">G1+1</f></c><c r="C2" t="e"/></row>'
        '<row r="3"><c r="A3"><f t="shared" si="0"/><v>8</v></c></row>'
        '<row r="4"><c r="A4"><f t="shared" si="0"/></c></row>'
        '<row r="9"><c r="B9" t="e"><v>#REF!</v></c></row>'
    )
    path = with_sheet_xml(tmp_path, "excel.xlsx", data, shared=shared)
    fast, slow = both(path)
    assert fast is not None
    assert_same(fast, slow)
    values = {r.number: r.values for r in fast[0].rows}
    assert values[1] == (
        "Hello world",
        "a\rb & A",
        None,
        FormulaWithoutValue("=1+1"),
        "#DIV/0!",
        "#N/A",
        6,
        True,
        1e20,
        "Now",
    )
    assert values[2] == (FormulaWithoutValue("=G1+1"),)
    assert values[3] == (8,) and values[4] == (FormulaWithoutValue("="),) and values[9] == (None, "#REF!")


def test_prefixed_namespace(tmp_path: Path) -> None:
    """Some writers put every element in a prefix (`<x:c>`): formulas and errors are still found."""
    data = (
        '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>ID</x:t></x:is></x:c>'
        '<x:c r="B1"><x:f>1+1</x:f></x:c><x:c r="C1" t="e"><x:v>#N/A</x:v></x:c></x:row>'
    )
    base = write_workbook(tmp_path / "base.xlsx", {"S": [["x"]]})
    xml = f'<x:worksheet xmlns:x="{SHEET_NS}"><x:sheetData>{data}</x:sheetData></x:worksheet>'
    path = rewrite(base, tmp_path / "prefixed.xlsx", {"xl/worksheets/sheet1.xml": xml.encode()})
    fast, slow = both(path)
    assert fast is not None
    assert_same(fast, slow)
    assert fast[0].rows[0].values == ("ID", FormulaWithoutValue("=1+1"), "#N/A")


@pytest.mark.parametrize(
    "case, sheet_data, shared",
    [
        # calamine trims text its writer did not mark with xml:space="preserve"
        (
            "unmarked shared",
            '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
            ["<r><t>Hello </t></r><r><t>world</t></r>"],
        ),
        ("unmarked inline", '<row r="1"><c r="A1" t="inlineStr"><is><t> lead</t></is></c></row>', None),
        # openpyxl writes text of nothing but spaces without xml:space (a blank cell either way)
        ("spaces only", '<row r="1"><c r="A1" t="inlineStr"><is><t>   </t></is></c></row>', None),
        # a formula cell without a position: its place depends on the cells before it
        ("no position", '<row r="1"><c t="s"><v>0</v></c><c><f>1+1</f></c></row>', ["<t>ID</t>"]),
        # two values as far apart as a sheet allows: calamine would hold the whole rectangle
        (
            "far apart",
            '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>2</v></c></row>',
            None,
        ),
        ("hidden far cell", '<row r="1"><c r="A1"><v>1</v><c r="A1048576"><v>2</v></c></c></row>', None),
    ],
)
def test_what_calamine_would_misread_goes_to_openpyxl(
    tmp_path: Path, case: str, sheet_data: str, shared: list[str] | None
) -> None:
    path = with_sheet_xml(tmp_path, "case.xlsx", sheet_data, shared=shared)
    started = time.perf_counter()
    fast, slow = both(path)
    assert fast is None, case
    assert time.perf_counter() - started < 5
    assert read_source(str(path)) == slow


def test_values_away_from_a1_and_fixes_outside_calamines_rectangle(tmp_path: Path) -> None:
    """calamine's rectangle starts at C5 here; formulas without values lie above it (A2) and right of it (Z9)."""
    data = (
        '<row r="2"><c r="A2"><f>1+1</f></c></row>'
        '<row r="5"><c r="C5" t="inlineStr"><is><t>x</t></is></c><c r="D5"><v>3</v></c></row>'
        '<row r="6"><c r="E6"><v>2.5</v></c></row><row r="9"><c r="Z9"><f>2+2</f></c></row>'
    )
    fast, slow = both(with_sheet_xml(tmp_path, "offset.xlsx", data))
    assert fast is not None
    assert_same(fast, slow)
    assert [r.number for r in fast[0].rows] == [2, 5, 6, 9]
    assert fast[0].rows[1].values == (None, None, "x", 3) and fast[0].rows[3].values[25] == FormulaWithoutValue("=2+2")


def test_cells_placed_by_the_cells_before_them(tmp_path: Path) -> None:
    """Rows and cells without positions, `r` after another attribute, in single quotes: the extent of such a
    sheet is found by walking its tags, and calamine still reads it, the same as openpyxl."""
    data = (
        '<row><c t="inlineStr"><is><t>a</t></is></c><c s="0" r="C1"><v>2</v></c></row>'
        "<row r='3'><c r='B3'><v>4</v></c><c><v>5</v></c></row><row><c><v>6</v></c></row>"
    )
    fast, slow = both(with_sheet_xml(tmp_path, "implied.xlsx", data))
    assert fast is not None
    assert_same(fast, slow)
    assert [(r.number, r.values) for r in fast[0].rows] == [(1, ("a", None, 2)), (3, (None, 4, 5)), (4, (6,))]


def test_formatted_empty_rows_after_the_values(tmp_path: Path) -> None:
    """Formatting whole rows leaves empty cells far below the values: calamine skips them, and reads the sheet."""
    values = "".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>row {n}</t></is></c></row>' for n in range(1, 4))
    formatted = "".join(f'<row r="{n}" s="1" customFormat="1"><c r="A{n}" s="1"/></row>' for n in range(4, 20_000))
    fast, slow = both(
        with_sheet_xml(
            tmp_path, "formatted.xlsx", values + formatted + '<row r="1048576"><c r="XFD1048576" s="1"/></row>'
        )
    )
    assert fast is not None
    assert_same(fast, slow)
    assert [r.values for r in fast[0].rows] == [("row 1",), ("row 2",), ("row 3",)]


def test_far_apart_values_read_quickly_in_little_memory(tmp_path: Path) -> None:
    path = with_sheet_xml(
        tmp_path,
        "far.xlsx",
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>2</v></c></row>',
    )
    started = time.perf_counter()
    (sheet,) = read_source(str(path))
    assert time.perf_counter() - started < 5
    assert [r.number for r in sheet.rows] == [1, 1_048_576] and len(sheet.rows[1].values) == 16384


# --- real-world files ---------------------------------------------------------------------------------------------


@pytest.mark.skipif(not QUIRKS, reason="shared/realworld/quirks not found (set SHEETMAP_REALWORLD)")
@pytest.mark.parametrize("path", [p for p in QUIRKS if "strict_ooxml" not in p.name], ids=lambda p: p.name)
def test_real_world_files(path: Path) -> None:
    fast, slow = both(path)
    if path.name in DECLINED:
        assert fast is None
        return
    assert fast is not None, f"calamine declined {path.name}"
    assert_same(fast, slow, path.name)


STRICT_TO_TRANSITIONAL = [
    (b"http://purl.oclc.org/ooxml/spreadsheetml/main", SHEET_NS.encode()),
    (
        b"http://purl.oclc.org/ooxml/officeDocument/relationships",
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    ),
    (b"http://purl.oclc.org/ooxml/drawingml/main", b"http://schemas.openxmlformats.org/drawingml/2006/main"),
    (b"http://purl.oclc.org/ooxml/officeDocument/", b"http://schemas.openxmlformats.org/officeDocument/2006/"),
]


@pytest.mark.skipif(not QUIRKS, reason="shared/realworld/quirks not found (set SHEETMAP_REALWORLD)")
def test_strict_ooxml_is_read_like_its_transitional_twin(tmp_path: Path) -> None:
    """openpyxl finds no worksheets in a Strict file; calamine reads it, cell for cell as openpyxl reads
    the same file with the Transitional namespaces written in."""
    strict = _realworld() / "quirks" / "calamine__strict_iso_paths_strict_ooxml.xlsx"
    twin = tmp_path / "transitional.xlsx"
    with zipfile.ZipFile(strict) as src, zipfile.ZipFile(twin, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            for old, new in STRICT_TO_TRANSITIONAL:
                data = data.replace(old, new)
            dst.writestr(info, data)
    (sheet,) = read_source(str(strict))
    (expected,) = read_xlsx_openpyxl(twin, str(strict))
    assert sheet.title == "ml_out" and len(sheet.rows) == 76 and len(sheet.rows[0].values) == 18
    assert sheet.rows == expected.rows
