"""Every problem code at its exact sheet and cell, and the product rules' edges."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from code_cases import BASE, CASES
from conftest import run_sheetmap, write_workbook
from sheetmap.config import Config
from sheetmap.pipeline import load
from sheetmap.report import DEFAULT_SEVERITY, Problem

D = dt.date
REPO = Path(__file__).resolve().parents[1]


def _problems(tmp_path: Path, sheets: dict[str, list[list[Any]]], config: Config | None = None) -> list[Problem]:
    book = write_workbook(tmp_path / "roadmap.xlsx", sheets)
    return load([str(book)], config or Config()).report.problems


def _where(problems: list[Problem]) -> list[tuple[str, str | None, str | None, int | None]]:
    return [(p.code, p.sheet, p.cell, p.row) for p in problems]


def test_every_code_has_a_case() -> None:
    assert set(CASES) == set(DEFAULT_SEVERITY)


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_code_is_reported_at_its_exact_sheet_and_cell(tmp_path: Path, code: str) -> None:
    case = CASES[code]
    problems = _problems(tmp_path, case.sheets)
    assert _where(problems) == list(case.expected)
    for problem in problems:
        assert problem.severity == DEFAULT_SEVERITY[problem.code]
        for words in case.says:
            assert words in problem.message
        assert problem.fix, f"{code} has no fix"
        assert problem.source == str(tmp_path / "roadmap.xlsx")


def test_json_names_the_tab_as_written_and_the_cell(tmp_path: Path) -> None:
    write_workbook(
        tmp_path / "roadmap.xlsx",
        {
            "ROADMAP": [
                ["Team roadmap"],
                ["Key", "Name", "Status"],
                ["INIT-1", "Reports are slow", "Next"],
                ["INIT-2", "Exports time out", "Nwo"],
            ]
        },
    )
    result = run_sheetmap("validate", "roadmap.xlsx", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert data["errors"] == 1 and data["warnings"] == 0
    assert data["problems"] == [
        {
            "severity": "error",
            "code": "invalid-choice",
            "sheet": "ROADMAP",
            "cell": "C4",
            "row": 4,
            "column": "Horizon",
            # the message names the column as the tab heads it; "column" is the canonical name
            "message": "Status 'Nwo' is not one of Now, Next, Later, Done. Did you mean 'Now'?",
            "source": "roadmap.xlsx",
            "value": "Nwo",
            "fix": "Change it to 'Now'.",
        }
    ]


# -- now-needs-detail ---------------------------------------------------------


def test_now_card_with_everything_is_fine(tmp_path: Path) -> None:
    problems = _problems(
        tmp_path,
        {
            "Initiatives": [
                ["ID", "Title", "Horizon", "Problem", "Description", "Objectives"],
                ["INIT-1", "Reports are slow", "Now", "People wait.", "Cache tiles.", "OKR-1"],
            ],
            "Objectives": [["ID", "Objective"], ["OKR-1", "Fast product"]],
        },
    )
    assert problems == []


def test_now_card_without_detail_columns_points_at_its_horizon_cell(tmp_path: Path) -> None:
    problems = _problems(tmp_path, {"Initiatives": [["ID", "Title", "Horizon"], ["INIT-1", "Reports are slow", "Now"]]})
    assert _where(problems) == [("now-needs-detail", "Initiatives", "C2", 2)]
    assert "Problem, Description and Objectives" in problems[0].message
    assert problems[0].fix and "add it to the header row" in problems[0].fix


def test_now_card_with_an_unknown_objective_is_one_problem_not_two(tmp_path: Path) -> None:
    problems = _problems(
        tmp_path,
        {
            "Initiatives": [
                ["ID", "Title", "Horizon", "Problem", "Description", "Objectives"],
                ["INIT-1", "Reports are slow", "Now", "People wait.", "Cache tiles.", "OKR-9"],
            ],
            "Objectives": [["ID", "Objective"], ["OKR-1", "Fast product"]],
        },
    )
    assert _where(problems) == [("unknown-reference", "Initiatives", "F2", 2)]


# -- tactical-card --------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    ["Add CSV export", "implement SSO", "Migrate to Postgres", "Set up the Slack app", "Redesign settings"],
)
def test_task_like_titles_are_tactical(tmp_path: Path, title: str) -> None:
    problems = _problems(tmp_path, {"Initiatives": [["ID", "Title", "Horizon"], ["INIT-1", title, "Later"]]})
    assert _where(problems) == [("tactical-card", "Initiatives", "B2", 2)]
    assert problems[0].value == title


@pytest.mark.parametrize(
    ("title", "horizon"),
    [
        ("Teams can't find the report they need", "Next"),
        ("Address book is out of date", "Later"),  # 'Add' only as a whole word
        ("Fixed-price plans confuse buyers", "Later"),
        ("Build times are too slow", "Next"),  # a task verb, but a statement of a problem
        ("Support tickets take days to close", "Later"),
        ("Release notes don't reach customers", "Later"),
        ("Add CSV export", "Done"),  # the completed roadmap is history, not a plan
    ],
)
def test_problem_titles_and_done_cards_are_not_tactical(tmp_path: Path, title: str, horizon: str) -> None:
    rows = [["ID", "Title", "Horizon", "Completed"], ["INIT-1", title, horizon, D(2026, 1, 5)]]
    assert _problems(tmp_path, {"Initiatives": rows}) == []


# -- done-without-date, experiment-without-result -----------------------------


def test_done_without_a_completed_column_points_at_horizon(tmp_path: Path) -> None:
    problems = _problems(tmp_path, {"Initiatives": [["ID", "Title", "Horizon"], ["INIT-1", "Exports failed", "Done"]]})
    assert _where(problems) == [("done-without-date", "Initiatives", "C2", 2)]
    assert problems[0].fix and "Add a Completed column" in problems[0].fix


def test_experiment_still_running_needs_no_result(tmp_path: Path) -> None:
    rows = [["ID", "Title", "Initiative", "Stage", "Actual"], ["IDEA-1", "Cache tiles", "INIT-1", "Validating", ""]]
    assert _problems(tmp_path, {**BASE, "Ideas": rows}) == []


def test_experiment_without_result_names_the_target(tmp_path: Path) -> None:
    rows = [["ID", "Title", "Stage", "Target", "Actual"], ["IDEA-1", "Cache tiles", "Successful", "+20%", None]]
    problems = _problems(tmp_path, {**BASE, "Ideas": rows})
    assert _where(problems) == [("experiment-without-result", "Ideas", "E2", 2)]
    assert problems[0].fix and "+20%" in problems[0].fix


# -- public-links-internal --------------------------------------------------------


def test_public_idea_under_internal_initiative(tmp_path: Path) -> None:
    problems = _problems(
        tmp_path,
        {
            "Initiatives": [["ID", "Title", "Horizon", "Visibility"], ["INIT-1", "Reports are slow", "Next", ""]],
            "Ideas": [
                ["ID", "Title", "Initiative", "Visibility"],
                ["IDEA-1", "Cache tiles", "INIT-1", "Public"],
                ["IDEA-2", "Load tiles lazily", "INIT-1", "Internal"],
            ],
        },
    )
    assert _where(problems) == [("public-links-internal", "Ideas", "D2", 2)]
    assert "INIT-1, which is Internal" in problems[0].message


def test_default_visibility_public_makes_links_public(tmp_path: Path) -> None:
    sheets = {
        "Initiatives": [["ID", "Title", "Horizon", "Objectives"], ["INIT-1", "Reports are slow", "Next", "OKR-1"]],
        "Objectives": [["ID", "Objective"], ["OKR-1", "Fast product"]],
    }
    assert _problems(tmp_path, sheets, Config(default_visibility="Public")) == []


# -- sprints and tasks ------------------------------------------------------------


def test_sprint_of_one_day_and_back_to_back_sprints_are_fine(tmp_path: Path) -> None:
    rows = [
        ["Sprint", "Start", "End"],
        ["Sprint 1", D(2026, 3, 2), D(2026, 3, 2)],
        ["Sprint 2", D(2026, 3, 3), D(2026, 3, 16)],
    ]
    assert _problems(tmp_path, {**BASE, "Sprints": rows}) == []


def test_sprint_dates_as_text_are_checked_too(tmp_path: Path) -> None:
    rows = [["Sprint", "Start", "End"], ["Sprint 1", "2026-03-16", "2026-03-02"]]
    assert _where(_problems(tmp_path, {**BASE, "Sprints": rows})) == [("sprint-dates", "Sprints", "C2", 2)]


def test_sprints_of_different_teams_may_overlap(tmp_path: Path) -> None:
    rows = [
        ["Sprint", "Start", "End", "Team"],
        ["Core 7", D(2026, 3, 2), D(2026, 3, 13), "Core"],
        ["Apps 7", D(2026, 3, 4), D(2026, 3, 17), "Apps"],
        ["Core 8", D(2026, 3, 12), D(2026, 3, 25), "core "],
    ]
    problems = _problems(tmp_path, {**BASE, "Sprints": rows})
    assert _where(problems) == [("overlapping-sprints", "Sprints", "B4", 4)]


def test_an_inverted_sprint_is_not_also_reported_as_overlapping(tmp_path: Path) -> None:
    rows = [
        ["Sprint", "Start", "End"],
        ["Sprint 1", D(2026, 3, 2), D(2026, 3, 13)],
        ["Sprint 2", D(2026, 3, 30), D(2026, 3, 3)],
    ]
    assert _where(_problems(tmp_path, {**BASE, "Sprints": rows})) == [("sprint-dates", "Sprints", "C3", 3)]


def test_tasks_outside_sprints_and_sheets_without_estimates_are_fine(tmp_path: Path) -> None:
    sheets = {
        **BASE,
        "Tasks": [
            ["ID", "Title", "Sprint", "Estimate", "Status"],
            ["T-1", "Spike: caching", None, None, "To do"],  # backlog: no sprint yet
        ],
        "Sprint backlog": [["ID", "Title", "Sprint", "Status"], ["T-2", "Search API", "Sprint 7", "Done"]],
    }
    assert _problems(tmp_path, sheets) == []


def test_invalid_estimate_is_not_also_a_missing_estimate(tmp_path: Path) -> None:
    rows = [["ID", "Title", "Sprint", "Estimate"], ["T-1", "Search API", "Sprint 7", "three"]]
    assert _where(_problems(tmp_path, {**BASE, "Tasks": rows})) == [("invalid-number", "Tasks", "D2", 2)]


# -- severities from the config -------------------------------------------------------


def test_rules_are_turned_off_and_up_by_config(tmp_path: Path) -> None:
    sheets = {
        "Initiatives": [
            ["ID", "Title", "Horizon"],
            ["INIT-1", "Add CSV export", "Later"],
            ["INIT-2", "Reports are slow", "Now"],
        ]
    }
    config = Config(rules={"tactical-card": "off", "now-needs-detail": "error"})
    problems = _problems(tmp_path, sheets, config)
    assert [(p.code, p.severity, p.cell) for p in problems] == [("now-needs-detail", "error", "C3")]


def test_strict_turns_warnings_into_failures(tmp_path: Path) -> None:
    write_workbook(tmp_path / "roadmap.xlsx", {"Initiatives": [["ID", "Title", "Horizon"], ["I-1", "Add SSO", "Next"]]})
    assert run_sheetmap("validate", "roadmap.xlsx", cwd=tmp_path).returncode == 0
    strict = run_sheetmap("validate", "roadmap.xlsx", "--strict", cwd=tmp_path)
    assert strict.returncode == 1
    assert strict.stdout.rstrip().endswith("0 errors, 1 warning in roadmap.xlsx (--strict: warnings count as errors)")
    (tmp_path / "sheetmap.yml").write_text("rules:\n  tactical-card: off\n")
    assert run_sheetmap("validate", "roadmap.xlsx", "--strict", cwd=tmp_path).returncode == 0


def test_the_sample_roadmap_follows_every_rule() -> None:
    loaded = load([str(REPO / "sample_sheets" / "acme-roadmap.xlsx")], Config())
    assert loaded.report.problems == []
