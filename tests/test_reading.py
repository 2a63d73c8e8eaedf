"""Reading sources: workbooks written by openpyxl, CSV files and folders, combined sources.

Every fixture is a real file written by the test; positions are asserted
as the cells a person would click on.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import write_workbook
from sheetmap.config import Config
from sheetmap.errors import SourceError
from sheetmap.pipeline import Loaded, load
from sheetmap.sources import FormulaWithoutValue, read_source, read_sources

HEADER = ["ID", "Title", "Horizon", "Visibility"]


def _load(*sources: Path) -> Loaded:
    return load([str(s) for s in sources], Config())


def _codes(loaded: Loaded) -> list[tuple[str, str | None, str | None]]:
    """(code, sheet, cell) of every problem, in report order."""
    return [(p.code, p.sheet, p.cell) for p in loaded.report.problems]


def set_cached_values(path: Path, sheet_part: str, values: dict[str, str | float]) -> None:
    """Give formula cells a cached result, as a spreadsheet app does when it saves.

    openpyxl writes `<c r="E2"><f>…</f><v /></c>`; this rewrites such cells
    to hold `<v>value</v>` (with `t="str"` for text), byte-editing the zip.
    """
    with zipfile.ZipFile(path) as src:
        members = [(info, src.read(info.filename)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in members:
            if info.filename == sheet_part:
                xml = data.decode("utf-8")
                for cell, value in values.items():
                    kind = ' t="str"' if isinstance(value, str) else ""
                    xml, count = re.subn(
                        rf'<c r="{cell}"([^>]*)><f>(.*?)</f><v\s*/>',
                        lambda m, c=cell, k=kind, v=value: f'<c r="{c}"{m.group(1)}{k}><f>{m.group(2)}</f><v>{v}</v>',
                        xml,
                    )
                    assert count == 1, f"no formula cell {cell} in {sheet_part}"
                data = xml.encode("utf-8")
            dst.writestr(info, data)


# --- workbooks ---------------------------------------------------------------------------------------------------


def test_aliases_for_sheet_and_columns(tmp_path: Path) -> None:
    book = write_workbook(
        tmp_path / "aliases.xlsx",
        {
            "ROADMAP": [["Key", "Name", "Status", "Audience"], ["INIT-1", "Slow reports", "Now", "Public"]],
            "Experiments": [["Key", "Idea", "Parent", "Status"], ["IDEA-1", "Cache tiles", "INIT-1", "Prototyping"]],
        },
    )
    loaded = _load(book)
    assert [p for p in loaded.report.problems if p.severity == "error"] == []
    (card,) = loaded.roadmap.initiatives
    assert (card.id, card.title, card.horizon, card.visibility) == ("INIT-1", "Slow reports", "Now", "Public")
    (idea,) = loaded.roadmap.ideas
    assert (idea.id, idea.title, idea.initiative, idea.stage) == ("IDEA-1", "Cache tiles", "INIT-1", "Prototyping")


def test_title_rows_above_the_header_keep_real_row_numbers(tmp_path: Path) -> None:
    book = write_workbook(
        tmp_path / "titled.xlsx",
        {
            "Initiatives": [
                ["Larkspur roadmap, Q3"],
                ["Edited by the product team; do not sort"],
                ["ID", "Title", "Horizon"],
                ["INIT-1", "Slow reports", "Now"],
                ["INIT-2", "Lost dashboards", "Nwo"],
            ]
        },
    )
    loaded = _load(book)
    assert [i.place.row for i in loaded.roadmap.initiatives if i.place] == [4, 5]
    (problem,) = [p for p in loaded.report.problems if p.code == "invalid-choice"]
    assert (problem.sheet, problem.cell, problem.row, problem.column) == ("Initiatives", "C5", 5, "Horizon")


def test_blank_rows_are_skipped_and_numbering_kept(tmp_path: Path) -> None:
    book = write_workbook(
        tmp_path / "gaps.xlsx",
        {
            "Initiatives": [
                HEADER,
                ["INIT-1", "Slow reports", "Next", "Public"],
                [None, None, None, None],
                ["", "   ", None, ""],
                ["INIT-2", "Lost dashboards", "Next", "Public"],
                [],
                ["INIT-3", None, "Later", "Public"],
            ]
        },
    )
    loaded = _load(book)
    assert [(i.id, i.place.row if i.place else 0) for i in loaded.roadmap.initiatives] == [
        ("INIT-1", 2),
        ("INIT-2", 5),
        ("INIT-3", 7),
    ]
    assert _codes(loaded) == [("missing-value", "Initiatives", "B7")]


def test_odd_casing_and_spaces_in_headers_values_and_tab_names(tmp_path: Path) -> None:
    book = write_workbook(
        tmp_path / "casing.xlsx",
        {
            " initiatives ": [
                [" id", " TITLE ", " horizon ", "visibility  "],
                ["INIT-1", "Slow reports", " NEXT ", " public "],
                ["INIT-2", "Lost dashboards", "later", "INTERNAL"],
                ["INIT-3", "Onboarding is slow", "Now", "Public"],
            ]
        },
    )
    loaded = _load(book)
    # the sheet has no Problem/Description/Objectives columns: the card's Horizon cell is pointed at
    assert _codes(loaded) == [("now-needs-detail", " initiatives ", "C4")]
    assert [(i.horizon, i.visibility) for i in loaded.roadmap.initiatives] == [
        ("Next", "Public"),
        ("Later", "Internal"),
        ("Now", "Public"),
    ]


def test_1904_dates_come_out_right(tmp_path: Path) -> None:
    book = write_workbook(
        tmp_path / "mac.xlsx",
        {
            "Initiatives": [
                ["ID", "Title", "Horizon", "Completed"],
                ["INIT-1", "Slow reports", "Done", dt.date(2025, 3, 14)],
                # A plain number in a date column counts days from 1904-01-01 in this workbook.
                ["INIT-2", "Lost dashboards", "Done", 45000],
            ]
        },
        epoch1904=True,
    )
    with zipfile.ZipFile(book) as z:
        assert b'date1904="1"' in z.read("xl/workbook.xml")  # the fixture really is a 1904 workbook
    (raw,) = read_source(str(book))
    assert raw.date1904
    loaded = _load(book)
    assert loaded.report.errors == 0
    assert [i.completed for i in loaded.roadmap.initiatives] == [
        dt.date(2025, 3, 14),
        dt.date(1904, 1, 1) + dt.timedelta(days=45000),
    ]
    assert loaded.roadmap.initiatives[1].completed == dt.date(2027, 3, 16)


def test_numeric_serial_in_1900_workbook(tmp_path: Path) -> None:
    book = write_workbook(
        tmp_path / "pc.xlsx",
        {"Initiatives": [["ID", "Title", "Horizon", "Completed"], ["INIT-1", "Slow reports", "Done", 45000]]},
    )
    assert _load(book).roadmap.initiatives[0].completed == dt.date(2023, 3, 15)


def test_formula_with_cached_value_is_read(tmp_path: Path) -> None:
    book = write_workbook(
        tmp_path / "cached.xlsx",
        {
            "Initiatives": [
                ["ID", "Title", "Horizon", "Rank"],
                ["INIT-1", "Slow reports", '=IF(TRUE,"Now","Later")', "=1+1"],
            ]
        },
    )
    set_cached_values(book, "xl/worksheets/sheet1.xml", {"C2": "Now", "D2": 2})
    (raw,) = read_source(str(book))
    assert raw.rows[1].values == ("INIT-1", "Slow reports", "Now", 2)
    loaded = _load(book)
    assert loaded.report.errors == 0
    (card,) = loaded.roadmap.initiatives
    assert (card.horizon, card.rank) == ("Now", 2.0)


def test_formula_whose_cached_value_is_empty_text_is_blank(tmp_path: Path) -> None:
    """`=IF(…,"",…)` saved by Excel or LibreOffice: `t="str"` with an empty `<v>`; the cell is empty, not an error."""
    book = write_workbook(
        tmp_path / "empty-result.xlsx",
        {
            "Initiatives": [
                ["ID", "Title", "Horizon", "Completed", "Rank"],
                ["INIT-1", "Slow reports", "Next", '=IF(C2="Done",TODAY(),"")', "=1+1"],
            ]
        },
    )
    set_cached_values(book, "xl/worksheets/sheet1.xml", {"D2": ""})
    (raw,) = read_source(str(book))
    assert raw.rows[1].values[3:] == (None, FormulaWithoutValue("=1+1"))
    loaded = _load(book)
    assert [(p.code, p.cell) for p in loaded.report.problems] == [("formula-without-value", "E2")]
    assert loaded.roadmap.initiatives[0].completed is None


def test_formula_without_cached_value_is_an_error_at_its_cell(tmp_path: Path) -> None:
    book = write_workbook(
        tmp_path / "uncached.xlsx",
        {
            "Initiatives": [
                ["Roadmap"],
                ["ID", "Title", "Horizon", "Rank"],
                ["INIT-1", "Slow reports", "Next", "=1+1"],
            ]
        },
    )
    (raw,) = read_source(str(book))
    assert raw.rows[2].values[3] == FormulaWithoutValue("=1+1")
    loaded = _load(book)
    (problem,) = [p for p in loaded.report.problems if p.severity == "error"]
    assert (problem.code, problem.sheet, problem.cell, problem.row, problem.column) == (
        "formula-without-value",
        "Initiatives",
        "D3",
        3,
        "Rank",
    )
    assert "=1+1" in problem.message and "computed value" in problem.message
    assert problem.fix and "save" in problem.fix


def test_unknown_sheets_are_ignored(tmp_path: Path) -> None:
    book = write_workbook(
        tmp_path / "extra.xlsx",
        {
            "Initiatives": [HEADER, ["INIT-1", "Slow reports", "Next", "Public"]],
            "Scratch": [["whatever", "this", "is"], [1, 2, 3]],
        },
    )
    loaded = _load(book)
    assert loaded.report.problems == []
    assert [i.id for i in loaded.roadmap.initiatives] == ["INIT-1"]


# --- CSV ---------------------------------------------------------------------------------------------------------


def test_csv_folder_is_a_workbook(tmp_path: Path) -> None:
    folder = tmp_path / "roadmap"
    folder.mkdir()
    (folder / "Initiatives.csv").write_text(
        "ID,Title,Horizon,Visibility\nINIT-1,Slow reports,Next,Public\n\nINIT-2,Lost dashboards,Nwo,Public\n",
        encoding="utf-8",
    )
    (folder / "Ideas.csv").write_text("ID,Title,Initiative\nIDEA-1,Cache tiles,INIT-2\n", encoding="utf-8")
    (folder / "notes.txt").write_text("not a sheet", encoding="utf-8")
    loaded = _load(folder)
    assert [i.id for i in loaded.roadmap.initiatives] == ["INIT-1", "INIT-2"]
    assert [(x.id, x.initiative) for x in loaded.roadmap.ideas] == [("IDEA-1", "INIT-2")]
    (problem,) = loaded.report.problems
    assert (problem.code, problem.source, problem.sheet, problem.cell, problem.row) == (
        "invalid-choice",
        f"{folder}/Initiatives.csv",
        "Initiatives",
        "C4",
        4,
    )


def test_single_csv_named_after_no_sheet_is_matched_by_headers(tmp_path: Path) -> None:
    product = write_workbook(
        tmp_path / "product.xlsx",
        {
            "Initiatives": [HEADER, ["INIT-1", "Slow reports", "Next", "Public"]],
            "Ideas": [["ID", "Title", "Initiative"], ["IDEA-1", "Cache tiles", "INIT-1"]],
        },
    )
    jira = tmp_path / "Jira.csv"
    jira.write_text(
        "Summary,Issue key,Status,Sprint,Sprint,Custom field (Story Points),Assignee,Resolved,Labels\n"
        "Cache tiles in Redis,LUM-1,Closed,Sprint 41,Sprint 42,3,Dana,25/Oct/25 12:53 PM,perf\n"
        "Warm the cache,LUM-2,In Progress,Sprint 42,,5,Eli,,\n",
        encoding="utf-8",
    )
    (raw,) = read_source(str(jira))
    assert raw.title == "Jira" and raw.match_by_headers
    loaded = _load(product, jira)
    assert loaded.report.errors == 0
    tasks = [(t.id, t.title, t.sprint, t.status, t.estimate, t.assignee, t.done_on) for t in loaded.roadmap.tasks]
    assert tasks == [
        ("LUM-1", "Cache tiles in Redis", "Sprint 42", "Done", 3.0, "Dana", dt.date(2025, 10, 25)),
        ("LUM-2", "Warm the cache", "Sprint 42", "In progress", 5.0, "Eli", None),
    ]
    assert [s.name for s in loaded.roadmap.sprints] == ["Sprint 42"]
    unknown = [p for p in loaded.report.problems if p.code == "unknown-column"]
    assert [(p.sheet, p.cell, p.column) for p in unknown] == [("Jira", "I1", "Labels")]


def test_csv_named_after_a_sheet(tmp_path: Path) -> None:
    csv_file = tmp_path / "initiatives.csv"
    csv_file.write_text("Key;Name;Status\nINIT-1;Slow reports;Later\n", encoding="utf-8")
    loaded = _load(csv_file)
    assert loaded.report.errors == 0
    assert [(i.id, i.title, i.horizon) for i in loaded.roadmap.initiatives] == [("INIT-1", "Slow reports", "Later")]


def test_csv_quotes_are_excels(tmp_path: Path) -> None:
    """Excel doubles quotes inside a quoted cell; a cell that starts with one must come back as typed."""
    csv_file = tmp_path / "Initiatives.csv"
    csv_file.write_text('ID,Title,Horizon,Problem\r\nINIT-1,Alerts,Now,"""Smart"" alerts"\r\n', encoding="utf-8")
    (raw,) = read_source(str(csv_file))
    assert raw.rows[1].values == ("INIT-1", "Alerts", "Now", '"Smart" alerts')


def test_semicolon_csv_with_a_quoted_semicolon(tmp_path: Path) -> None:
    """Excel in countries with a decimal comma writes `;` between cells."""
    csv_file = tmp_path / "Initiatives.csv"
    csv_file.write_text('Key;Name;Status\r\nINIT-1;"Reports; exports";Later\r\n', encoding="utf-8")
    loaded = _load(csv_file)
    assert loaded.report.problems == []
    assert [(i.id, i.title, i.horizon) for i in loaded.roadmap.initiatives] == [("INIT-1", "Reports; exports", "Later")]
    # with a title line above the header, and commas in the cells
    csv_file.write_text("Larkspur roadmap\r\nID;Title;Horizon\r\nINIT-1;Slow, reports;Later\r\n", encoding="utf-8")
    (raw,) = read_source(str(csv_file))
    assert [(r.number, r.values) for r in raw.rows] == [
        (1, ("Larkspur roadmap",)),
        (2, ("ID", "Title", "Horizon")),
        (3, ("INIT-1", "Slow, reports", "Later")),
    ]


def test_csv_rows_are_numbered_as_a_spreadsheet_shows_them(tmp_path: Path) -> None:
    """A cell with line breaks is one row in the spreadsheet, so later rows keep their row numbers."""
    csv_file = tmp_path / "Initiatives.csv"
    csv_file.write_text(
        'ID,Title,Horizon,Problem\r\nINIT-1,Slow reports,Later,"First line\r\nsecond line"\r\nINIT-2,Lost,Nwo,\r\n',
        encoding="utf-8",
    )
    loaded = _load(csv_file)
    assert [(p.code, p.cell, p.row) for p in loaded.report.problems] == [("invalid-choice", "C3", 3)]
    assert "second line" in loaded.roadmap.initiatives[0].problem.text


_CELL = st.text(alphabet=st.sampled_from(list('ab ,;\t"\n-:1é')), max_size=10)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(st.lists(_CELL, min_size=3, max_size=3), min_size=1, max_size=5),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_csv_round_trip(rows: list[list[str]], delimiter: str) -> None:
    """Whatever a spreadsheet app writes (its quoting, any of the three delimiters) reads back cell for cell."""
    header = ["ID", "Title", "Horizon"]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows([header, *rows])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "Initiatives.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
        (raw,) = read_source(str(path))

    def cells(values: tuple[object, ...] | list[str]) -> list[str]:
        # spaces around a value do not matter (every reader trims them), nor trailing empty cells
        padded = [str(v or "").strip() for v in values] + [""] * 3
        return padded[:3]

    expected = [(n, cells(r)) for n, r in enumerate([header, *rows], start=1) if any(v.strip() for v in r)]
    assert [(r.number, cells(r.values)) for r in raw.rows] == expected


# --- several sources ---------------------------------------------------------------------------------------------


def test_product_and_sprint_workbooks_combine(tmp_path: Path) -> None:
    product = write_workbook(
        tmp_path / "product.xlsx",
        {
            "Initiatives": [HEADER, ["INIT-1", "Slow reports", "Next", "Public"]],
            "Ideas": [["ID", "Title", "Initiative"], ["IDEA-1", "Cache tiles", "INIT-1"]],
        },
    )
    sprints = write_workbook(
        tmp_path / "sprints.xlsx",
        {
            "Sprints": [
                ["Sprint", "Start", "End", "Goal"],
                ["Sprint 42", dt.date(2026, 3, 2), dt.date(2026, 3, 13), "Ship the cache"],
            ],
            "Sprint backlog": [
                ["ID", "Title", "Sprint", "Item", "Estimate"],
                ["LUM-1", "Cache tiles in Redis", "Sprint 42", "IDEA-1", 3],
                ["LUM-2", "Warm the cache", "Sprint 42", "IDEA-7", 2],
            ],
        },
    )
    raw = read_sources([str(product), str(sprints)])
    assert [(r.source, r.title) for r in raw] == [
        (str(product), "Initiatives"),
        (str(product), "Ideas"),
        (str(sprints), "Sprints"),
        (str(sprints), "Sprint backlog"),
    ]
    loaded = _load(product, sprints)
    assert [(t.id, t.sprint, t.item) for t in loaded.roadmap.tasks] == [
        ("LUM-1", "Sprint 42", "IDEA-1"),
        ("LUM-2", "Sprint 42", ""),
    ]
    assert [(s.name, s.start, s.end, s.goal) for s in loaded.roadmap.sprints] == [
        ("Sprint 42", dt.date(2026, 3, 2), dt.date(2026, 3, 13), "Ship the cache")
    ]
    # The reference is checked against the other workbook's Ideas, and the problem names its own source.
    (problem,) = [p for p in loaded.report.problems if p.severity == "error"]
    assert (problem.code, problem.source, problem.sheet, problem.cell) == (
        "unknown-reference",
        str(sprints),
        "Sprint backlog",
        "D3",
    )
    assert "IDEA-7" in problem.message


def test_initiatives_only_in_the_second_source(tmp_path: Path) -> None:
    sprints = write_workbook(tmp_path / "a.xlsx", {"Tasks": [["ID", "Title"], ["LUM-1", "Cache tiles"]]})
    product = write_workbook(tmp_path / "b.xlsx", {"Initiatives": [HEADER, ["INIT-1", "Slow reports", "Next", ""]]})
    loaded = _load(sprints, product)
    assert [p.code for p in loaded.report.problems] == []
    assert [i.id for i in loaded.roadmap.initiatives] == ["INIT-1"]


# --- unreadable sources ------------------------------------------------------------------------------------------


def test_unreadable_sources_raise_source_error(tmp_path: Path) -> None:
    text = tmp_path / "notes.xlsx"
    text.write_text("ID,Title\nINIT-1,Slow\n", encoding="utf-8")
    good = write_workbook(tmp_path / "good.xlsx", {"Initiatives": [HEADER, ["INIT-1", "Slow reports", "Next", ""]]})
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    empty_folder = tmp_path / "empty"
    empty_folder.mkdir()
    for path, words in [
        (tmp_path / "missing.xlsx", "does not exist"),
        (text, "text file"),
        (truncated, "damaged"),
        (empty_folder, "no .csv files"),
        (tmp_path / "old.xls", "does not exist"),
    ]:
        with pytest.raises(SourceError) as caught:
            read_source(str(path))
        assert str(path.name) in str(caught.value) and words in str(caught.value), str(caught.value)
    legacy = tmp_path / "legacy.xls"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(SourceError, match="xlsx"):
        read_source(str(legacy))
