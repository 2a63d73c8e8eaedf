"""The three report formats: text for people, JSON for tools, GitHub workflow commands."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import run_sheetmap, write_workbook
from sheetmap.report import Problem, Report
from sheetmap.report_format import display_source, format_github, format_json, format_text, summary

ANSI = re.compile("\x1b\\[[0-9;]*m")


def _report(*problems: Problem) -> Report:
    report = Report()
    report.extend(problems)
    return report


def _p(code: str, sheet: str | None, cell: str | None, row: int | None, message: str, **kw: object) -> Problem:
    tab = {"Initiatives": 0, "Ideas": 1}.get(sheet or "", 0)
    return Problem(
        code=code,
        message=message,
        source="roadmap.xlsx",
        sheet=sheet,
        cell=cell,
        row=row,
        order=(0, tab),
        **kw,  # type: ignore[arg-type]
    )


MIXED = (
    _p("tactical-card", "Initiatives", "B14", 14, "Title 'Add SSO' reads like a task.", fix="Name the problem."),
    _p("invalid-choice", "Ideas", "D3", 3, "Stage 'Done' is not one of Discovering, ….", fix="Pick one."),
    _p("invalid-choice", "Initiatives", "C2", 2, "Horizon 'Nwo' is not one of Now, Next, Later, Done.", fix="Now."),
    _p("unknown-column", "Initiatives", "AA1", 1, "Column 'Budget' is not a column of the Initiatives sheet."),
    _p("missing-sheet", None, None, None, "There is no Initiatives sheet. Sheets found: 'Notes'."),
)


def test_text_groups_by_sheet_orders_by_row_and_aligns() -> None:
    text = format_text(_report(*MIXED), ["roadmap.xlsx"], width=None)
    assert text.splitlines() == [
        "roadmap.xlsx",
        "  —    error    There is no Initiatives sheet. Sheets found: 'Notes'. [missing-sheet]",
        "",
        "Sheet 'Initiatives' in roadmap.xlsx",
        "  AA1  notice   Column 'Budget' is not a column of the Initiatives sheet. [unknown-column]",
        "  C2   error    Horizon 'Nwo' is not one of Now, Next, Later, Done. [invalid-choice]",
        "                Fix: Now.",
        "  B14  warning  Title 'Add SSO' reads like a task. [tactical-card]",
        "                Fix: Name the problem.",
        "",
        "Sheet 'Ideas' in roadmap.xlsx",
        "  D3   error    Stage 'Done' is not one of Discovering, …. [invalid-choice]",
        "                Fix: Pick one.",
        "",
        "3 errors, 1 warning, 1 notice in roadmap.xlsx",
    ]


def test_text_wraps_long_messages_under_their_own_column() -> None:
    long = "Horizon 'Nwo' is not one of Now, Next, Later, Done. " * 3
    text = format_text(_report(_p("invalid-choice", "Initiatives", "C2", 2, long.strip(), fix="x " * 60)), [], width=80)
    lines = text.splitlines()[1:-2]
    assert all(len(line) <= 80 for line in lines)
    assert lines[0].startswith("  C2  error    Horizon")
    assert all(line.startswith(" " * 15) for line in lines[1:])
    fix = [line for line in lines if "Fix:" in line]
    assert len(fix) == 1 and lines[-1].startswith(" " * 20)  # continuation of the fix is indented under it


def test_text_shows_the_link_to_a_google_cell() -> None:
    url = "https://docs.google.com/spreadsheets/d/abc/edit#gid=0&range=C2"
    text = format_text(_report(_p("invalid-choice", "Initiatives", "C2", 2, "Bad.", fix="Fix it.", url=url)), [])
    assert f"               Open: {url}" in text.splitlines()


def test_text_has_colour_only_when_asked_and_never_with_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    report = _report(*MIXED)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert not ANSI.search(format_text(report, []))
    coloured = format_text(report, [], color=True)
    assert "\x1b[1;31m" in coloured and "\x1b[33m" in coloured
    assert ANSI.sub("", coloured) == format_text(report, [])
    monkeypatch.setenv("NO_COLOR", "1")
    assert not ANSI.search(format_text(report, [], color=True))


def test_cell_text_cannot_garble_the_terminal() -> None:
    message = "Title 'Line one\nLine two \x1b[2J\u202eevil' is odd."
    text = format_text(_report(_p("invisible-characters", "Initiatives", "B2", 2, message)), [], width=None)
    line = text.splitlines()[1]
    assert "Line one ↵ Line two \ufffd[2J\ufffdevil" in line
    assert "\x1b" not in text and "\u202e" not in text


def test_summary_counts_and_strict_note() -> None:
    report = _report(MIXED[0])
    assert summary(report, ["roadmap.xlsx"]) == "0 errors, 1 warning in roadmap.xlsx"
    assert summary(report, ["a.xlsx", "b.xlsx"], strict=True) == (
        "0 errors, 1 warning in a.xlsx, b.xlsx (--strict: warnings count as errors)"
    )
    assert summary(Report(), ["roadmap.xlsx"], strict=True) == "0 errors, 0 warnings in roadmap.xlsx"


def test_sources_inside_the_current_folder_are_shown_relative(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert display_source(str(tmp_path / "plans" / "roadmap.xlsx")) == "plans/roadmap.xlsx"
    assert display_source("/elsewhere/roadmap.xlsx") == "/elsewhere/roadmap.xlsx"
    assert display_source("https://docs.google.com/x") == "https://docs.google.com/x"


def test_json_is_spec_shaped_and_sorted() -> None:
    data = json.loads(format_json(_report(*MIXED)))
    assert list(data) == ["errors", "warnings", "notices", "problems"]
    assert (data["errors"], data["warnings"], data["notices"]) == (3, 1, 1)
    assert [(p["sheet"], p["cell"], p["row"]) for p in data["problems"]] == [
        (None, None, None),
        ("Initiatives", "AA1", 1),
        ("Initiatives", "C2", 2),
        ("Initiatives", "B14", 14),
        ("Ideas", "D3", 3),
    ]
    first = data["problems"][2]
    assert list(first)[:7] == ["severity", "code", "sheet", "cell", "row", "column", "message"]


def test_github_commands_escape_what_the_format_needs() -> None:
    problem = _p(
        "invalid-choice",
        "Road: map, 2026",
        "C14",
        14,
        "Horizon '100%\r\nNow' is not one of Now, Next.",
        fix="Change it to 'Now'.",
    )
    out = format_github(_report(problem), ["roadmap.xlsx"])
    command = out.splitlines()[0]
    assert command == (
        "::error file=roadmap.xlsx,title=invalid-choice at Road%3A map%2C 2026!C14::"
        "Road: map, 2026!C14 Horizon '100%25%0D%0ANow' is not one of Now, Next. Fix: Change it to 'Now'."
    )


def test_github_prints_one_command_per_problem_then_the_full_list() -> None:
    report = _report(*MIXED)
    lines = format_github(report, ["roadmap.xlsx"]).splitlines()
    commands = lines[: len(MIXED)]
    assert [c.split(" ", 1)[0] for c in commands] == ["::error", "::notice", "::error", "::warning", "::error"]
    assert commands[1].startswith("::notice file=roadmap.xlsx,title=unknown-column at Initiatives!AA1::")
    assert commands[0].startswith("::error file=roadmap.xlsx,title=missing-sheet::There is no Initiatives sheet.")
    stop = lines[len(MIXED)]
    assert stop.startswith("::stop-commands::sheetmap-")
    token = stop.split("::")[2]
    assert lines[-1] == f"::{token}::"
    full = "\n".join(lines[len(MIXED) + 1 : -1])
    assert full == format_text(report, ["roadmap.xlsx"], width=None)


def test_github_log_cannot_be_turned_into_workflow_commands_by_cell_text() -> None:
    # A title that, printed on its own line, GitHub would run as a command.
    evil = _p("tactical-card", "Initiatives", "B2", 2, "Title 'x\n::add-mask::secret\n::error::fake' is odd.")
    lines = format_github(_report(evil), []).splitlines()
    assert lines[0].startswith("::warning file=roadmap.xlsx,title=tactical-card at Initiatives!B2::")
    assert "%0A::add-mask::secret%0A::error::fake" in lines[0]
    stop, body, resume = lines[1], lines[2:-1], lines[-1]
    token = stop.removeprefix("::stop-commands::")
    assert resume == f"::{token}::" and all(token not in line for line in body)
    assert not any(line.strip().startswith("::") for line in body)


def test_cli_prints_plain_text_to_a_pipe_with_the_summary_last(tmp_path: Path) -> None:
    write_workbook(
        tmp_path / "roadmap.xlsx",
        {
            "Initiatives": [
                ["ID", "Title", "Horizon", "Completed"],
                ["INIT-1", "Add SSO", "Nwo", None],
                ["INIT-2", "Exports failed", "Done", None],
            ]
        },
    )
    result = run_sheetmap("validate", "roadmap.xlsx", cwd=tmp_path)
    assert result.returncode == 1
    assert "\x1b" not in result.stdout
    lines = result.stdout.splitlines()
    assert lines[0] == "Sheet 'Initiatives' in roadmap.xlsx"
    assert [line.split()[0] for line in lines if line.startswith("  ") and not line.startswith("   ")] == [
        "B2",
        "C2",
        "D3",
    ]
    assert lines[-1] == "1 error, 2 warnings in roadmap.xlsx"


def test_cli_github_format_on_a_broken_workbook(tmp_path: Path) -> None:
    write_workbook(tmp_path / "roadmap.xlsx", {"Initiatives": [["ID", "Title", "Horizon"], ["I-1", "Slow", "Nwo"]]})
    result = run_sheetmap("validate", "roadmap.xlsx", "--format", "github", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        "::error file=roadmap.xlsx,title=invalid-choice at Initiatives!C2::Initiatives!C2 Horizon 'Nwo' is not one of "
        "Now, Next, Later, Done. Did you mean 'Now'? Fix: Change it to 'Now'."
    )
    assert "1 error, 0 warnings in roadmap.xlsx" in result.stdout
