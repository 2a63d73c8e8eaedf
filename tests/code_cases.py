"""One small workbook per problem code, and exactly what it must report.

Used by test_rules.py (every code at its exact sheet and cell) and by
test_docs_codes.py (the example message in docs/validation.md is the one
sheetmap really prints for the case).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

D = dt.date
Sheets = dict[str, list[list[Any]]]

#: A valid Initiatives sheet for cases about the other sheets.
BASE: Sheets = {"Initiatives": [["ID", "Title", "Horizon"], ["INIT-1", "Reports are slow", "Next"]]}


@dataclass(frozen=True)
class Case:
    """`sheets` reports exactly `expected`: (code, sheet, cell, row) for each problem."""

    sheets: Sheets
    expected: tuple[tuple[str, str | None, str | None, int | None], ...]
    #: what the problem's message must contain
    says: tuple[str, ...] = ()
    config: dict[str, Any] = field(default_factory=dict)


CASES: dict[str, Case] = {
    "missing-sheet": Case(
        {"Notes": [["Remember to update the roadmap"]], "Plan": [["ID", "Title"]]},
        (("missing-sheet", None, None, None),),
        says=("There is no Initiatives sheet", "'Notes', 'Plan'"),
    ),
    "missing-column": Case(
        {"Initiatives": [["Our roadmap"], ["ID", "Title"], ["INIT-1", "Reports are slow"]]},
        (("missing-column", "Initiatives", None, 2),),
        says=("no 'Horizon' column", "header row 2"),
    ),
    "missing-value": Case(
        {"Initiatives": [["ID", "Title", "Horizon"], ["INIT-1", None, "Next"]]},
        (("missing-value", "Initiatives", "B2", 2),),
        says=("Title is empty",),
    ),
    "invalid-choice": Case(
        {"Initiatives": [["ID", "Title", "Horizon"], ["INIT-1", "Reports are slow", "Nwo"]]},
        (("invalid-choice", "Initiatives", "C2", 2),),
        says=("Horizon 'Nwo' is not one of Now, Next, Later, Done. Did you mean 'Now'?",),
    ),
    "invalid-date": Case(
        {
            "Initiatives": [
                ["ID", "Title", "Horizon", "Completed"],
                ["INIT-1", "Exports timed out", "Done", "last week"],
            ]
        },
        # not also done-without-date: the cell already says what is wrong
        (("invalid-date", "Initiatives", "D2", 2),),
        says=("Completed 'last week' is not a date",),
    ),
    "invalid-number": Case(
        {**BASE, "Tasks": [["ID", "Title", "Estimate"], ["T-1", "Search API", -3]]},
        (("invalid-number", "Tasks", "C2", 2),),
        says=("Estimate -3 is below 0",),
    ),
    "invalid-color": Case(
        {**BASE, "Themes": [["Name", "Color"], ["Payments", "#12345"]]},
        (("invalid-color", "Themes", "B2", 2),),
        says=("Color '#12345' is not a colour",),
    ),
    "duplicate-id": Case(
        {
            "Initiatives": [
                ["ID", "Title", "Horizon"],
                ["INIT-1", "Reports are slow", "Next"],
                ["INIT-1", "Exports time out", "Later"],
            ]
        },
        (("duplicate-id", "Initiatives", "A3", 3),),
        says=("'INIT-1' is used twice: also at Initiatives!A2",),
    ),
    "unknown-reference": Case(
        {**BASE, "Ideas": [["ID", "Title", "Initiative"], ["IDEA-1", "Cache tiles", "INIT-7"]]},
        (("unknown-reference", "Ideas", "C2", 2),),
        says=("'INIT-7'", "Did you mean 'INIT-1'?"),
    ),
    "formula-without-value": Case(
        {"Initiatives": [["ID", "Title", "Horizon", "Rank"], ["INIT-1", "Reports are slow", "Next", "=1+1"]]},
        (("formula-without-value", "Initiatives", "D2", 2),),
        says=("=1+1",),
    ),
    "sprint-dates": Case(
        {**BASE, "Sprints": [["Sprint", "Start", "End"], ["Sprint 7", D(2026, 3, 10), D(2026, 3, 1)]]},
        (("sprint-dates", "Sprints", "C2", 2),),
        says=("Sprint 7 ends on 2026-03-01, before it starts on 2026-03-10",),
    ),
    "unknown-column": Case(
        {"Initiatives": [["ID", "Title", "Horizn", "Horizon"], ["INIT-1", "Reports are slow", "", "Next"]]},
        (("unknown-column", "Initiatives", "C1", 1),),
        says=("Column 'Horizn'", "Did you mean 'Horizon'?"),
    ),
    "unknown-sheet": Case(
        {**BASE, "Idaes": [["ID", "Title"], ["IDEA-1", "Cache tiles"]]},
        (("unknown-sheet", "Idaes", None, None),),
        says=("Did you mean 'Ideas'?",),
    ),
    "unsafe-content": Case(
        {
            "Initiatives": [
                ["ID", "Title", "Horizon", "Description"],
                ["INIT-1", "Reports are slow", "Next", "Faster <script>alert(1)</script> reports"],
            ]
        },
        (("unsafe-content", "Initiatives", "D2", 2),),
        says=("<script>",),
    ),
    "now-needs-detail": Case(
        {
            "Initiatives": [
                ["ID", "Title", "Horizon", "Problem", "Description", "Objectives"],
                ["INIT-1", "Reports are slow", "Now", "People wait 8 s for a dashboard.", "", ""],
            ]
        },
        (("now-needs-detail", "Initiatives", "E2", 2),),
        says=("is in Now but has no Description and Objectives",),
    ),
    "tactical-card": Case(
        {"Initiatives": [["ID", "Title", "Horizon"], ["INIT-1", "Add CSV export", "Next"]]},
        (("tactical-card", "Initiatives", "B2", 2),),
        says=("'Add CSV export' reads like a task",),
    ),
    "done-without-date": Case(
        {"Initiatives": [["ID", "Title", "Horizon", "Completed"], ["INIT-1", "Exports timed out", "Done", None]]},
        (("done-without-date", "Initiatives", "D2", 2),),
        says=("is Done but has no Completed date",),
    ),
    "experiment-without-result": Case(
        {
            **BASE,
            "Ideas": [
                ["ID", "Title", "Initiative", "Stage", "Actual"],
                ["IDEA-1", "Cache tiles", "INIT-1", "Failed", ""],
            ],
        },
        (("experiment-without-result", "Ideas", "E2", 2),),
        says=("is Failed but has no Actual result",),
    ),
    "public-links-internal": Case(
        {
            "Initiatives": [
                ["ID", "Title", "Horizon", "Objectives", "Visibility"],
                ["INIT-1", "Reports are slow", "Next", "OKR-1", "Public"],
            ],
            "Objectives": [["ID", "Objective", "Visibility"], ["OKR-1", "Keep big accounts happy", "Internal"]],
        },
        (("public-links-internal", "Initiatives", "D2", 2),),
        says=("points at objective OKR-1, which is Internal",),
    ),
    "task-without-estimate": Case(
        {**BASE, "Tasks": [["ID", "Title", "Sprint", "Estimate"], ["T-1", "Search API", "Sprint 7", None]]},
        (("task-without-estimate", "Tasks", "D2", 2),),
        says=("Task T-1 is planned in Sprint 7 but has no Estimate",),
    ),
    "task-done-without-date": Case(
        {
            **BASE,
            "Tasks": [["ID", "Title", "Sprint", "Status", "Done on"], ["T-1", "Search API", "Sprint 7", "Done", None]],
        },
        (("task-done-without-date", "Tasks", "E2", 2),),
        says=("Task T-1 is Done but has no Done on date",),
    ),
    "overlapping-sprints": Case(
        {
            **BASE,
            "Sprints": [
                ["Sprint", "Start", "End", "Team"],
                ["Sprint 7", D(2026, 3, 2), D(2026, 3, 13), "Core"],
                ["Sprint 8", D(2026, 3, 12), D(2026, 3, 25), "Core"],
            ],
        },
        (("overlapping-sprints", "Sprints", "B3", 3),),
        says=("Sprint 8 starts on 2026-03-12, before Sprint 7 of team Core ends on 2026-03-13",),
    ),
    "invisible-characters": Case(
        {"Initiatives": [["ID", "Title", "Horizon"], ["INIT-1", "Reports are\u202e slow", "Next"]]},
        (("invisible-characters", "Initiatives", "B2", 2),),
        says=("invisible or text-direction characters",),
    ),
}
