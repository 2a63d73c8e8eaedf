"""Validation problems: each code at the exact cell, and the JSON report of SPEC §5."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import run_sheetmap, write_workbook
from sheetmap import rules
from sheetmap.audience import project
from sheetmap.config import Config
from sheetmap.parse import build_roadmap
from sheetmap.pipeline import load
from sheetmap.refs import parse_cell
from sheetmap.report import SEVERITIES, Problem, Report
from sheetmap.schema import SHEETS
from sheetmap.sources import FormulaWithoutValue, RawRow, RawSheet

HEADER = ["ID", "Title", "Horizon", "Visibility"]


def _problems(tmp_path: Path, sheets: dict[str, list[list[Any]]], name: str = "book.xlsx") -> list[Problem]:
    book = write_workbook(tmp_path / name, sheets)
    return load([str(book)], Config()).report.problems


def _where(p: Problem) -> tuple[str, str | None, str | None, int | None, str | None]:
    return (p.code, p.sheet, p.cell, p.row, p.column)


def _of(problems: list[Problem], code: str) -> list[Problem]:
    return [p for p in problems if p.code == code]


def test_unknown_column_is_a_notice_at_its_header_cell(tmp_path: Path) -> None:
    problems = _problems(
        tmp_path,
        {
            "Initiatives": [
                ["Our roadmap"],
                ["ID", "Title", "Horizon", "Budget (k€)", "Visibilty"],
                ["INIT-1", "Slow reports", "Next", 120, "Public"],
            ]
        },
    )
    assert [(_where(p), p.severity) for p in problems] == [
        (("unknown-column", "Initiatives", "D2", 2, "Budget (k€)"), "notice"),
        (("unknown-column", "Initiatives", "E2", 2, "Visibilty"), "notice"),
    ]
    assert "Did you mean 'Visibility'?" in problems[1].message


def test_missing_sheet_lists_the_sheets_found(tmp_path: Path) -> None:
    problems = _problems(tmp_path, {"Cards": [HEADER], "Ideas": [["ID", "Title"], ["IDEA-1", "Cache"]]})
    (problem,) = _of(problems, "missing-sheet")
    assert (problem.severity, problem.sheet, problem.cell, problem.row) == ("error", None, None, None)
    assert problem.source == str(tmp_path / "book.xlsx")
    assert "Initiatives" in problem.message and "'Cards', 'Ideas'" in problem.message
    assert problem.fix and "Initiatives" in problem.fix


def test_missing_column_names_the_header_row(tmp_path: Path) -> None:
    problems = _problems(
        tmp_path,
        {"Initiatives": [["Title row"], ["ID", "Title", "Theme"], ["INIT-1", "Slow reports", "Reporting"]]},
    )
    # The empty cells of the missing column are not reported again row by row.
    assert [_where(p) for p in problems] == [("missing-column", "Initiatives", None, 2, "Horizon")]
    assert problems[0].severity == "error"
    assert "'Status'" in problems[0].message and "row 2" in problems[0].message


def test_missing_value(tmp_path: Path) -> None:
    problems = _problems(
        tmp_path,
        {"Initiatives": [HEADER, ["INIT-1", "", "Next", ""], [None, "Lost dashboards", "Later", "Public"]]},
    )
    assert [_where(p) for p in problems] == [
        ("missing-value", "Initiatives", "B2", 2, "Title"),
        ("missing-value", "Initiatives", "A3", 3, "ID"),
    ]


def test_invalid_choice_suggests_the_closest(tmp_path: Path) -> None:
    rows = [HEADER] + [[f"INIT-{n}", f"Card {n}", "Later", "Public"] for n in range(1, 13)]
    rows.append(["INIT-13", "Slow reports", "Nwo", "Public"])
    problems = _problems(tmp_path, {"Initiatives": rows})
    (problem,) = problems
    assert _where(problem) == ("invalid-choice", "Initiatives", "C14", 14, "Horizon")
    assert problem.message == "Horizon 'Nwo' is not one of Now, Next, Later, Done. Did you mean 'Now'?"
    assert problem.value == "Nwo"


def test_invalid_date_and_number(tmp_path: Path) -> None:
    problems = _problems(
        tmp_path,
        {
            "Initiatives": [
                ["ID", "Title", "Horizon", "Completed", "Rank"],
                ["INIT-1", "Slow reports", "Done", "last spring", "first"],
                ["INIT-2", "Lost dashboards", "Done", dt.date(2025, 2, 1), -4],
            ],
            "Tasks": [["ID", "Title", "Estimate", "Done on"], ["LUM-1", "Cache", -3, "2026-02-30"]],
        },
    )
    assert [_where(p) for p in problems if p.severity == "error"] == [
        ("invalid-date", "Initiatives", "D2", 2, "Completed"),
        ("invalid-number", "Initiatives", "E2", 2, "Rank"),
        ("invalid-number", "Tasks", "C2", 2, "Estimate"),
        ("invalid-date", "Tasks", "D2", 2, "Done on"),
    ]
    by_cell = {p.cell + p.sheet: p for p in problems}  # type: ignore[operator]
    assert "'last spring'" in by_cell["D2Initiatives"].message
    assert "-3" in by_cell["C2Tasks"].message and "0" in by_cell["C2Tasks"].message
    # A negative rank is allowed: it only orders cards.
    assert not [p for p in problems if p.cell == "E3"]


def test_duplicate_id_is_the_second_row_and_names_the_first(tmp_path: Path) -> None:
    problems = _problems(
        tmp_path,
        {
            "ROADMAP": [
                HEADER,
                ["INIT-1", "Slow reports", "Next", "Public"],
                ["INIT-2", "Lost dashboards", "Later", "Public"],
                ["init-1", "Slow reports again", "Later", "Public"],
            ]
        },
    )
    (problem,) = problems
    assert _where(problem) == ("duplicate-id", "ROADMAP", "A4", 4, "ID")
    assert "ROADMAP!A2" in problem.message


def test_unknown_reference_is_checked_against_ids_of_a_sheet_with_problems(tmp_path: Path) -> None:
    problems = _problems(
        tmp_path,
        {
            # Every initiative row has a problem; their IDs still exist.
            "Initiatives": [
                ["ID", "Title", "Horizon", "Objectives"],
                ["INIT-1", "", "Nwo", "OKR-1"],
                ["INIT-2", "Lost dashboards", "", "OKR-9"],
            ],
            "Objectives": [["ID", "Objective"], ["OKR-1", "Grow"]],
            "Ideas": [
                ["ID", "Title", "Initiative"],
                ["IDEA-1", "Cache tiles", "INIT-1"],
                ["IDEA-2", "Warm cache", "init-2"],
                ["IDEA-3", "Precompute", "INIT-99"],
            ],
            "Feedback": [["Item", "Feedback"], ["IDEA-3", "Please"], ["IDEA-404", "Also please"]],
        },
    )
    refs = _of(problems, "unknown-reference")
    assert [_where(p) for p in refs] == [
        ("unknown-reference", "Initiatives", "D3", 3, "Objectives"),
        ("unknown-reference", "Ideas", "C4", 4, "Initiative"),
        ("unknown-reference", "Feedback", "A3", 3, "Item"),
    ]
    assert "'INIT-99'" in refs[1].message
    assert {p.code for p in problems} == {"missing-value", "invalid-choice", "unknown-reference"}


def test_reference_to_a_sheet_missing_its_title_column(tmp_path: Path) -> None:
    problems = _problems(
        tmp_path,
        {
            "Initiatives": [["ID", "Horizon"], ["INIT-1", "Next"]],
            "Ideas": [["ID", "Title", "Initiative"], ["IDEA-1", "Cache tiles", "INIT-1"]],
        },
    )
    assert [p.code for p in problems] == ["missing-column"]


def test_every_problem_is_found_in_one_pass(tmp_path: Path) -> None:
    problems = _problems(
        tmp_path,
        {
            "Initiatives": [
                [*HEADER, "Completed", "Extra"],
                ["INIT-1", "Slow reports", "Nwo", "Publik", "yesterday", "x"],
                ["INIT-1", "", "Next", "Public", None, None],
            ],
            "Tasks": [["ID", "Title", "Estimate"], ["LUM-1", "Cache", -1]],
        },
    )
    assert [_where(p)[:3] for p in problems] == [
        ("unknown-column", "Initiatives", "F1"),
        ("invalid-choice", "Initiatives", "C2"),
        ("invalid-choice", "Initiatives", "D2"),
        ("invalid-date", "Initiatives", "E2"),
        ("duplicate-id", "Initiatives", "A3"),
        ("missing-value", "Initiatives", "B3"),
        ("invalid-number", "Tasks", "C2"),
    ]


# --- the JSON report ---------------------------------------------------------------------------------------------


def test_json_report_shape_and_order(tmp_path: Path) -> None:
    write_workbook(
        tmp_path / "b-product.xlsx",
        {
            "Ideas": [["ID", "Title", "Initiative"], ["IDEA-1", "Cache tiles", "INIT-99"]],
            "ROADMAP": [
                ["Key", "Title", "Status", "Visibility", "Secret"],
                ["INIT-1", "Slow reports", "Nwo", "Public", "x"],
                ["INIT-2", "", "Later", "Public", None],
            ],
        },
    )
    write_workbook(
        tmp_path / "a-sprints.xlsx",
        {"Tasks": [["ID", "Title", "Estimate"], ["LUM-1", "Cache", -2], ["LUM-1", "Again", 1]]},
    )
    result = run_sheetmap("validate", "b-product.xlsx", "a-sprints.xlsx", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    assert {"errors", "warnings", "problems"} <= set(report)
    assert (report["errors"], report["warnings"]) == (5, 0)
    keys = {"severity", "code", "sheet", "cell", "row", "column", "message"}
    for problem in report["problems"]:
        assert keys <= set(problem), problem
        assert problem["severity"] in ("error", "warning", "notice")
        assert isinstance(problem["message"], str) and problem["message"]
    where = [(p["source"], p["sheet"], p["row"], p["cell"], p["column"], p["code"]) for p in report["problems"]]
    # Sorted by source (in the order given), sheet (tab order), row, column.
    assert where == [
        ("b-product.xlsx", "Ideas", 2, "C2", "Initiative", "unknown-reference"),
        ("b-product.xlsx", "ROADMAP", 1, "E1", "Secret", "unknown-column"),
        ("b-product.xlsx", "ROADMAP", 2, "C2", "Horizon", "invalid-choice"),
        ("b-product.xlsx", "ROADMAP", 3, "B3", "Title", "missing-value"),
        ("a-sprints.xlsx", "Tasks", 2, "C2", "Estimate", "invalid-number"),
        ("a-sprints.xlsx", "Tasks", 3, "A3", "ID", "duplicate-id"),
    ]
    choice = report["problems"][2]
    # the tab's own header ('Status') names the column in the message; "column" keeps the canonical name
    assert choice["message"] == "Status 'Nwo' is not one of Now, Next, Later, Done. Did you mean 'Now'?"
    assert choice["severity"] == "error"


def test_json_report_for_a_missing_sheet_has_null_cell_and_row(tmp_path: Path) -> None:
    write_workbook(tmp_path / "book.xlsx", {"Sheet1": [["a", "b"], [1, 2]]})
    result = run_sheetmap("validate", "book.xlsx", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1
    (problem,) = json.loads(result.stdout)["problems"]
    assert (problem["code"], problem["cell"], problem["row"], problem["severity"]) == (
        "missing-sheet",
        None,
        None,
        "error",
    )
    assert "'Sheet1'" in problem["message"]


def test_text_report_names_sheet_cell_value_and_fix(tmp_path: Path) -> None:
    write_workbook(tmp_path / "book.xlsx", {"Initiatives": [HEADER, ["INIT-1", "Slow reports", "Nwo", "Public"]]})
    result = run_sheetmap("validate", "book.xlsx", cwd=tmp_path)
    assert result.returncode == 1
    assert "Initiatives" in result.stdout and "C2" in result.stdout
    assert "'Nwo'" in result.stdout and "Did you mean 'Now'?" in result.stdout and "Fix:" in result.stdout
    assert "1 error" in result.stdout


# --- any table at all --------------------------------------------------------------------------------------------

_TAB_NAMES = [name for sheet in SHEETS for name in (sheet.name, *sheet.aliases)] + ["Scratch"]
_HEADERS = [*sorted({a for sheet in SHEETS for c in sheet.columns for a in (c.name, *c.aliases)}), "Junk", ""]
_VALUES = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.sampled_from(["Now", " next ", "Done", "Public", "INIT-1", "IDEA-1", "OKR-1", "S1", "XL", "3", "-1"]),
    st.sampled_from(["2026-03-01", "#fff", "a, b", "**x**", "<script>x</script>", "[a](javascript:x)"]),
    st.integers(-10, 3_000_000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.builds(FormulaWithoutValue, st.just("=1+1")),
)


@st.composite
def _workbooks(draw: st.DrawFn) -> list[RawSheet]:
    sheets = []
    for index, title in enumerate(draw(st.lists(st.sampled_from(_TAB_NAMES), min_size=1, max_size=5))):
        width = draw(st.integers(1, 6))
        number = draw(st.integers(1, 3))
        rows = [RawRow(number, tuple(draw(st.sampled_from(_HEADERS)) or None for _ in range(width)))]
        for _ in range(draw(st.integers(0, 5))):
            number += draw(st.integers(1, 3))
            rows.append(RawRow(number, tuple(draw(_VALUES) for _ in range(draw(st.integers(0, width + 1))))))
        source = draw(st.sampled_from(["a.xlsx", "b.xlsx"]))
        sheets.append(RawSheet(source, title, rows, date1904=draw(st.booleans()), index=index))
    return sheets


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_workbooks())
def test_any_table_gives_problems_at_real_cells_never_an_exception(raw: list[RawSheet]) -> None:
    report = Report()
    roadmap = build_roadmap(raw, Config(), report)
    rules.check(roadmap, report)
    for problem in report.problems:
        assert problem.severity in SEVERITIES and problem.message
        assert problem.sheet is None or problem.sheet in {r.title for r in raw}
        if problem.cell:
            assert parse_cell(problem.cell)[0] == problem.row, problem
    for audience in ("public", "internal"):
        project(roadmap, audience)
