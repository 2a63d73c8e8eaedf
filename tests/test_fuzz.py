"""Fuzzing: no input makes sheetmap raise anything but its own errors, or take long.

* The cell parsers (`values`), the Markdown sanitiser and `slugify` get any
  Unicode (lone surrogates included, as JSON from an API can carry them),
  huge strings, extreme numbers (inf, NaN, 10**400, subnormals), the
  extreme dates and times Python has, booleans and formula cells. Parsers
  may only raise `BadValue`; the sanitiser's output only ever holds its
  allowlist.
* The whole pipeline (read, validate, project, render both audiences,
  publish) on small generated workbooks and CSV folders: sheet names and
  headers drawn from the schema, its aliases and junk; cells of any type.
  The outcome is a report of problems or a `SheetmapError`, never another
  exception.
* The reader's filter that drops empty rows from sheet XML (sources/xlsx.py)
  changes nothing openpyxl reads, wherever its reads are cut.

The default run is quick; `pytest -m slow` runs the same with many more
examples (CI gives it a fixed budget: `--hypothesis-seed=0`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from conftest import write_workbook
from sheetmap import values
from sheetmap.config import Config
from sheetmap.errors import SheetmapError
from sheetmap.pipeline import build, load
from sheetmap.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render_markdown
from sheetmap.schema import DEFAULT_SYNONYMS, HORIZONS, SHEETS, STAGES, VISIBILITIES
from sheetmap.slugs import slugify
from sheetmap.sources import xlsx
from sheetmap.sources.table import FormulaWithoutValue

FAST = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
LONG = settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
#: A single call on one cell, huge ones included, on a slow shared machine (the slow shapes took minutes).
SECONDS = 10.0

# --- strategies --------------------------------------------------------------------------------------

#: Characters that mean something to Markdown, HTML, URLs, CSV, dates and numbers.
SPECIAL = [*"<>[]()!*_`~#&;:/\\\"'=-+.,%@\n\r\t \u00a0\u200b\u202e\ufeff\x00\x01", "e", "E", "1", "9"]
#: Shapes that made a Markdown converter or nh3 slow (see test_known_slow_markdown_shapes_stay_fast).
UNITS = ["<![CDATA[", "![a][", "<http://", "[a](", "**a** ", "a\n", "<a ", ">", "<dl><dd>", "www.a.b_c "]
texts = st.text(alphabet=st.one_of(st.characters(codec=None), st.sampled_from(SPECIAL)), max_size=120)


@st.composite
def huge_texts(draw: st.DrawFn) -> str:
    """Long strings made cheaply: a short unit repeated, as a hostile cell would be."""
    unit = draw(st.one_of(st.text(alphabet=st.sampled_from(SPECIAL), min_size=1, max_size=6), st.sampled_from(UNITS)))
    return unit * draw(st.integers(1, 60_000 // len(unit)))


numbers = st.one_of(
    st.integers(),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 5e-324, 1.7976931348623157e308, 2958465.9, 2958466.0, 1e16, -1.0]),
)
moments = st.one_of(
    st.dates(),
    st.datetimes(),
    st.times(),
    st.sampled_from([dt.date.min, dt.date.max, dt.datetime.min, dt.datetime.max, dt.time.max]),
)
cells = st.one_of(
    st.none(),
    texts,
    huge_texts(),
    numbers,
    moments,
    st.booleans(),
    texts.map(lambda t: FormulaWithoutValue("=" + t)),
)
DATE_FORMATS = [None, "%d.%m.%Y", "%m/%d/%Y", "%d/%m/%y", "%Y%m%d", "%d %B %Y", "%j", "%%"]


def _only_bad_value(call: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    try:
        return call()
    except values.BadValue as bad:
        assert bad.code.startswith("invalid-") and bad.message
        return bad
    finally:
        assert time.perf_counter() - started < SECONDS


def _parse_everything(value: Any, date1904: bool, date_format: str | None) -> None:
    shown = _only_bad_value(lambda: values.display(value))
    assert isinstance(shown, str)
    text, disguised = _only_bad_value(lambda: values.clean_text(value))
    assert isinstance(text, str) and isinstance(disguised, bool)
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]", text)
    for name, choices in (("Horizon", HORIZONS), ("Stage", STAGES), ("Visibility", VISIBILITIES)):
        got = _only_bad_value(lambda c=choices, n=name: values.parse_choice(value, n, c, DEFAULT_SYNONYMS["horizon"]))
        assert isinstance(got, values.BadValue) or got in choices
    number = _only_bad_value(lambda: values.parse_number(value, "Estimate"))
    assert isinstance(number, values.BadValue) or (math.isfinite(number) and number >= 0)
    _only_bad_value(lambda: values.parse_number(value, "Rank", minimum=None))
    day = _only_bad_value(lambda: values.parse_date(value, "Completed", date1904=date1904, date_format=date_format))
    assert isinstance(day, (values.BadValue, dt.date))
    color = _only_bad_value(lambda: values.parse_color(value, "Color"))
    assert isinstance(color, values.BadValue) or re.fullmatch("#[0-9a-f]{6}", color)
    items = _only_bad_value(lambda: values.parse_list(value))
    assert all(isinstance(i, str) and i == i.strip() and i for i in items)
    _only_bad_value(lambda: values.suggest(values.display(value), list(HORIZONS)))


# --- cell parsers, sanitiser, slugs ---------------------------------------------------------------------------


@FAST
@given(cells, st.booleans(), st.sampled_from(DATE_FORMATS))
def test_cell_parsers_raise_only_bad_value(value: Any, date1904: bool, date_format: str | None) -> None:
    _parse_everything(value, date1904, date_format)


@pytest.mark.slow
@LONG
@given(cells, st.booleans(), st.sampled_from(DATE_FORMATS))
def test_cell_parsers_raise_only_bad_value_long(value: Any, date1904: bool, date_format: str | None) -> None:
    _parse_everything(value, date1904, date_format)


def _sanitised(source: str) -> None:
    render_markdown.cache_clear()
    started = time.perf_counter()
    html, removed = render_markdown(source)
    assert time.perf_counter() - started < SECONDS, f"{len(source)} characters took too long"
    assert isinstance(html, str) and all(isinstance(r, str) and r for r in removed)
    for tag, attrs in re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)([^>]*)>", html):
        assert tag.lower() in ALLOWED_TAGS, (source[:200], html[:500])
        for name in re.findall(r"\s([^\s=/>]+)=", attrs):
            assert name in ALLOWED_ATTRIBUTES.get(tag, set()) | {"rel"}, (tag, name)
    assert not re.search(r"(?i)(href|src)\s*=\s*[\"']?\s*(javascript|vbscript|data):", html)


@FAST
@given(st.one_of(texts, huge_texts()))
def test_markdown_sanitiser_never_fails_or_stalls(source: str) -> None:
    _sanitised(source)


@pytest.mark.slow
@LONG
@given(st.one_of(texts, huge_texts()))
def test_markdown_sanitiser_never_fails_or_stalls_long(source: str) -> None:
    _sanitised(source)


@pytest.mark.parametrize(
    "unit",
    [
        "[",
        "![a][",
        "<![CDATA[",
        "<http://",
        "<a ",
        "[a](",
        "<a@",
        "**a** ",
        "`a` ",
        "&amp; ",
        "a\n",
        "- a\n",
        "- ",
        "> ",
        ">",
        " >",
        "\n=",
        "\n***",
        "_*",
        "*a",
        "&#",
        "www.a.b ",
        "ftp://a.b ",
        "a@b.cd ",
        "[a](javascript:x) ",
        "![a](http://x) ",
        "<dl><dd>",
        "<ul><li>",
        "<div>",
        "<b>x</i>",
    ],
)
def test_known_slow_markdown_shapes_stay_fast(unit: str) -> None:
    """Shapes that were slow: python-markdown was quadratic in unclosed '[' and '<' (20,000 '[' took 66 s)
    and in lines ('\\n=' 16,000 times: 6 s); nh3 is quadratic in how deep elements nest (32,767 quotes
    in one line, '>>>…', took it 6 s; 12,500 nested '<dl><dd>' 0.55 s). A cell of Excel's maximum length
    (32,767 characters) made of any of them renders in well under half a second of CPU (about 0.06 s at
    most on the machine this was measured on)."""
    source = (unit * (32_767 // len(unit) + 1))[:32_767]
    render_markdown.cache_clear()
    started = time.process_time()
    render_markdown(source)
    assert time.process_time() - started < 0.5, unit
    _sanitised(source)
    _sanitised(unit * 60 + "x" * 6_000)


def test_a_cell_too_costly_to_format_is_shown_as_text_and_reported() -> None:
    # Raw HTML that nests: past MAX_HTML_TAGS '<' the whole cell is text, every tag escaped.
    html, removed = render_markdown("<dl><dd>" * 1_000 + "\n\n<script>alert(1)</script>")
    assert html.startswith("<p>&lt;dl&gt;&lt;dd&gt;") and "&lt;script&gt;" in html and "<script" not in html
    assert removed == ("more HTML than sheetmap formats (2,002 '<' characters; the limit is 1,000, "
                       "so the cell is shown as plain text)",)  # fmt: skip
    # Quotes nested past MAX_QUOTE_DEPTH; as deep as that is still formatted.
    html, removed = render_markdown(">" * 5_000 + " deep")
    assert html.startswith("<p>&gt;&gt;&gt;") and "<blockquote>" not in html
    assert removed == ("quotes nested 5,000 deep (lines starting with '>'; the limit is 100, "
                       "so the cell is shown as plain text)",)  # fmt: skip
    html, removed = render_markdown("> " * 100 + "deep")
    assert html.count("<blockquote>") == 100 and removed == ()
    html, removed = render_markdown("**bold** " * 6_000)
    assert "<strong>" not in html and "50,000" in removed[0]
    # What python-markdown could not format in time, cmark does: '[' no longer counts, and the script is
    # removed and reported as in any other cell.
    html, removed = render_markdown("[" * 20_000 + "\n\n<script>alert(1)</script>")
    assert html.startswith("<p>[[[") and "<script" not in html and "alert" not in html
    assert removed == ("a <script> element",)
    # An ordinary long description with many links is formatted (python-markdown's limit was 64 of them).
    html, removed = render_markdown("See [the brief](https://example.com/brief). " * 400 + "\n\n- **one**\n- two")
    assert html.count("<a href=") == 400 and "<strong>one</strong>" in html and removed == ()


@FAST
@given(st.one_of(texts, huge_texts()))
def test_slugify_any_text(text: str) -> None:
    started = time.perf_counter()
    slug = slugify(text)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) and len(slug) <= 80
    assert time.perf_counter() - started < SECONDS


# --- the whole pipeline ------------------------------------------------------------------------------------

SHEET_NAMES = (
    [s.name for s in SHEETS] + [a for s in SHEETS for a in s.aliases] + ["Notes", "Sheet1", " ideas ", "ROADMAP"]
)
HEADERS = sorted(
    {c.name for s in SHEETS for c in s.columns} | {a for s in SHEETS for c in s.columns for a in c.aliases}
)
#: Values that parse in some column, so rows get past validation and reach the renderer.
GOOD = [
    *HORIZONS,
    *STAGES,
    *VISIBILITIES,
    "To do",
    "Done",
    "M",
    "High",
    "#2f5bd3",
    "2026-03-01",
    "3",
    "INIT-1",
    "OKR-1",
]

workbook_cells = st.one_of(
    st.none(),
    st.sampled_from(GOOD),
    texts,
    huge_texts().map(lambda t: t[:32_767]),  # Excel's longest cell
    numbers.filter(lambda n: not isinstance(n, int) or abs(n) < 2**63),
    st.dates(min_value=dt.date(1900, 3, 1)),
    st.booleans(),
    st.sampled_from(["=1+1", "=SUM(A1:A2)"]),
)


@st.composite
def workbooks(draw: st.DrawFn) -> dict[str, list[list[Any]]]:
    sheets: dict[str, list[list[Any]]] = {}
    for _ in range(draw(st.integers(1, 4))):
        name = draw(st.one_of(st.sampled_from(SHEET_NAMES), texts.filter(lambda t: 0 < len(t.strip()) <= 31)))
        name = re.sub(r"[\[\]:*?/\\\x00-\x1f\ud800-\udfff]", "", name)[:31].strip("'") or "Sheet"
        if name.casefold() in {n.casefold() for n in sheets}:
            continue
        width = draw(st.integers(1, 8))
        header = draw(st.lists(st.one_of(st.sampled_from(HEADERS), texts, st.none()), min_size=width, max_size=width))
        rows = [header, *draw(st.lists(st.lists(workbook_cells, min_size=0, max_size=width + 1), max_size=6))]
        if draw(st.booleans()):
            rows.insert(0, [draw(texts)])  # a title row above the header
        sheets[name] = rows
    return sheets


def _storable(value: Any) -> Any:
    """What an .xlsx cell can hold: no C0 controls, no lone surrogates, ints within Excel's range."""
    if isinstance(value, str):
        return re.sub("[\ud800-\udfff]", "", ILLEGAL_CHARACTERS_RE.sub("", value))
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def _run_pipeline(source: Path, tmp: Path) -> None:
    """Load, and when the report allows, build both audiences. Only problems or SheetmapError may result."""
    try:
        loaded = load([str(source)], Config())
        for problem in loaded.report:
            assert problem.code and problem.message
        if not loaded.report.ok():
            return
        for audience in ("public", "internal"):
            out = tmp / f"site-{audience}"
            result = build([str(source)], Config(), audience=audience, out=out)
            assert result.written and (out / "index.html").is_file() and (out / "roadmap.json").is_file()
    except SheetmapError as exc:
        assert str(exc)


def _as_xlsx(sheets: dict[str, list[list[Any]]], tmp: Path) -> Path:
    cleaned = {name: [[_storable(v) for v in row] for row in rows] for name, rows in sheets.items()}
    return write_workbook(tmp / "fuzz.xlsx", cleaned)


def _as_csv_folder(sheets: dict[str, list[list[Any]]], tmp: Path) -> Path:
    folder = tmp / "csv"
    folder.mkdir()
    for name, rows in sheets.items():
        safe = re.sub(r"[^\w .-]", "_", name).strip(". ") or "Sheet"
        text = io.StringIO()
        csv.writer(text).writerows([["" if v is None else _storable(v) for v in row] for row in rows])
        (folder / f"{safe}.csv").write_text(text.getvalue(), encoding="utf-8", errors="surrogatepass")
    return folder


def _pipeline_case(sheets: dict[str, list[list[Any]]], as_csv: bool, factory: pytest.TempPathFactory) -> None:
    tmp = factory.mktemp("fuzz")
    source = _as_csv_folder(sheets, tmp) if as_csv else _as_xlsx(sheets, tmp)
    _run_pipeline(source, tmp)


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(workbooks(), st.booleans())
def test_the_whole_pipeline_reports_or_refuses_but_never_crashes(
    tmp_path_factory: pytest.TempPathFactory, sheets: dict[str, list[list[Any]]], as_csv: bool
) -> None:
    _pipeline_case(sheets, as_csv, tmp_path_factory)


@pytest.mark.slow
@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(workbooks(), st.booleans())
def test_the_whole_pipeline_reports_or_refuses_but_never_crashes_long(
    tmp_path_factory: pytest.TempPathFactory, sheets: dict[str, list[list[Any]]], as_csv: bool
) -> None:
    _pipeline_case(sheets, as_csv, tmp_path_factory)


@st.composite
def valid_workbooks(draw: st.DrawFn) -> dict[str, list[list[Any]]]:
    """Workbooks that validate, with any text in their free-text cells: these reach every renderer."""
    n = draw(st.integers(1, 4))
    free = st.one_of(texts, huge_texts().map(lambda t: t[:2_000]))
    initiatives = [["ID", "Title", "Horizon", "Visibility", "Theme", "Tags", "Problem", "Description", "Outcome",
                    "Owner", "Notes", "Completed", "Rank"]]  # fmt: skip
    for i in range(n):
        initiatives.append(
            [f"INIT-{i}", draw(free) or "t", draw(st.sampled_from(HORIZONS)), draw(st.sampled_from(VISIBILITIES)),
             draw(free), draw(free), draw(free), draw(free), draw(free), draw(free), draw(free),
             draw(st.dates(min_value=dt.date(1900, 3, 1))), draw(st.floats(-1e300, 1e300))]
        )  # fmt: skip
    ideas = [["ID", "Title", "Initiative", "Stage", "Hypothesis", "Description", "Target", "Actual", "Visibility"]]
    for i in range(draw(st.integers(0, 3))):
        ideas.append(
            [f"IDEA-{i}", draw(free) or "t", f"INIT-{draw(st.integers(0, n - 1))}", draw(st.sampled_from(STAGES)),
             draw(free), draw(free), draw(free), draw(free), "Public"]
        )  # fmt: skip
    return {"Initiatives": initiatives, "Ideas": ideas}


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(valid_workbooks())
def test_any_text_in_valid_rows_renders(
    tmp_path_factory: pytest.TempPathFactory, sheets: dict[str, list[list[Any]]]
) -> None:
    tmp = tmp_path_factory.mktemp("fuzz-valid")
    source = _as_xlsx(sheets, tmp)
    loaded = load([str(source)], Config())
    errors = [p for p in loaded.report if p.severity == "error"]
    if errors:
        # A title of invisible characters cleans up to nothing; text starting with '=' is a formula
        # without a value: both are reported, as they should be.
        assert all(p.code in ("missing-value", "formula-without-value") for p in errors), errors
        return
    _run_pipeline(source, tmp)


# --- the empty-row filter of the xlsx reader -----------------------------------------------------------------

SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


@st.composite
def sheet_xml(draw: st.DrawFn) -> bytes:
    """Sheet XML with rows and cells in the shapes writers produce: positioned or not, empty, styled or valued."""
    rows = []
    number = 0
    for _ in range(draw(st.integers(0, 12))):
        number += draw(st.integers(1, 3))
        with_r = draw(st.booleans())
        attrs = (f' r="{number}"' if with_r else "") + draw(
            st.sampled_from(["", ' s="1" customFormat="1"', ' spans="1:3"', ' ht="20"'])
        )
        cells = []
        column = 0
        for _ in range(draw(st.integers(0, 4))):
            column += draw(st.integers(1, 2))
            ref = f' r="{"ABCDEFGH"[column - 1]}{number}"' if draw(st.booleans()) and with_r else ""
            kind = draw(st.sampled_from(["empty", "styled", "styled-open", "number", "inline", "formula", "bool"]))
            cells.append(
                {
                    "empty": f"<c{ref}/>",
                    "styled": f'<c{ref} s="2"/>',
                    "styled-open": f'<c{ref} s="2"></c>',
                    "number": f"<c{ref}><v>{draw(st.integers(-5, 5))}</v></c>",
                    "inline": f'<c{ref} t="inlineStr"><is><t>x{number}</t></is></c>',
                    "formula": f"<c{ref}><f>1+1</f></c>",
                    "bool": f'<c{ref} t="b"><v>1</v></c>',
                }[kind]
            )
        body = "".join(cells)
        rows.append(f"<row{attrs}/>" if not body and draw(st.booleans()) else f"<row{attrs}>{body}</row>")
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{SHEET_NS}"><sheetData>{"".join(rows)}</sheetData>'
        "</worksheet>"
    ).encode()


class _Trickle(io.BytesIO):
    """A stream that hands out at most `chunk` bytes per read, so elements are cut at every place."""

    def __init__(self, data: bytes, chunk: int) -> None:
        super().__init__(data)
        self.chunk = chunk

    def read(self, size: int | None = -1) -> bytes:
        return super().read(self.chunk if size is None or size < 0 else min(size, self.chunk))


def _parsed(source: Any) -> list[tuple[int, list[tuple[int, Any]]]]:
    parser = xlsx._CachedValueParser(source, [], data_only=True)
    return [
        (number, [(c["column"], c["value"]) for c in cells if c["value"] is not None])
        for number, cells in parser.parse()
        if any(c["value"] is not None for c in cells)
    ]


@settings(max_examples=300, deadline=None)
@given(sheet_xml(), st.sampled_from([1, 7, 64, 1 << 16]))
def test_dropping_empty_rows_changes_nothing_openpyxl_reads(xml: bytes, chunk: int) -> None:
    assert _parsed(xlsx._WithoutEmptyCells(_Trickle(xml, chunk))) == _parsed(io.BytesIO(xml))


def test_the_filter_really_drops_styled_rows() -> None:
    xml = (
        f'<worksheet xmlns="{SHEET_NS}"><sheetData><row r="1"><c r="A1"><v>1</v></c><c r="B1" s="1"/></row>'
        + "".join(f'<row r="{n}" s="1" customFormat="1"><c r="A{n}" s="1"/></row>' for n in range(2, 1000))
        + "</sheetData></worksheet>"
    ).encode()
    filtered = xlsx._WithoutEmptyCells(io.BytesIO(xml))
    kept = b"".join(iter(lambda: filtered.read(4096), b""))
    assert kept.count(b"<row") == 1 and b'<c r="B1"' not in kept
