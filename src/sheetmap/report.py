"""Validation problems as data: where, what, how bad, and how to fix it.

Readers and rules never raise for a bad cell; they add a `Problem` to a
`Report` and carry on, so the user sees every mistake in one run.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

from sheetmap.refs import parse_cell

Severity = Literal["error", "warning", "notice"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "notice")

#: Every problem code and its default severity. Codes never change meaning.
DEFAULT_SEVERITY: dict[str, Severity] = {
    # structure: the workbook cannot be read as meant
    "missing-sheet": "error",
    "missing-column": "error",
    "missing-value": "error",
    "invalid-choice": "error",
    "invalid-date": "error",
    "invalid-number": "error",
    "invalid-color": "error",
    "duplicate-id": "error",
    "unknown-reference": "error",
    "formula-without-value": "error",
    "sprint-dates": "error",
    # harmless, but worth knowing
    "unknown-column": "notice",
    "unknown-sheet": "notice",
    # content and product rules
    "unsafe-content": "warning",
    "now-needs-detail": "warning",
    "tactical-card": "warning",
    "done-without-date": "warning",
    "experiment-without-result": "warning",
    "public-links-internal": "warning",
    "task-without-estimate": "warning",
    "task-done-without-date": "warning",
    "overlapping-sprints": "warning",
    "invisible-characters": "warning",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, at one place.

    `sheet` is the tab's name as written in the workbook; `cell` and `row`
    are None when no single cell is at fault. `message` names the value,
    what was expected and, where one is close, a suggestion; `fix` says
    what to do in spreadsheet terms.
    """

    code: str
    message: str
    severity: Severity = "error"
    source: str | None = None
    sheet: str | None = None
    row: int | None = None
    cell: str | None = None
    column: str | None = None
    value: str | None = None
    fix: str | None = None
    url: str | None = None
    #: ordering hints (source and tab positions); not part of the JSON
    order: tuple[int, int] = field(default=(0, 0), compare=False)

    @property
    def where(self) -> str:
        """'Initiatives!C14', 'Initiatives' or '' for a human."""
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        if self.sheet and self.row:
            return f"{self.sheet} row {self.row}"
        return self.sheet or ""

    def as_json(self) -> dict[str, object]:
        """The SPEC §5 fields in its order, then `source` and, when known, `value`, `fix` and `url`."""
        data: dict[str, object] = {
            "severity": self.severity,
            "code": self.code,
            "sheet": self.sheet,
            "cell": self.cell,
            "row": self.row,
            "column": self.column,
            "message": self.message,
            "source": self.source,
        }
        if self.value is not None:
            data["value"] = self.value
        if self.fix:
            data["fix"] = self.fix
        if self.url:
            data["url"] = self.url
        return data

    def sort_key(self) -> tuple[int, int, int, int, str, str]:
        column = 0
        if self.cell:
            try:
                column = parse_cell(self.cell)[1] + 1
            except ValueError:
                column = 0
        return (
            self.order[0],
            self.order[1],
            self.row or 0,
            column,
            self.code,
            self.message,
        )


class Report:
    """An ordered collection of problems with severities applied.

    `overrides` maps a code to a severity or "off" (from `sheetmap.yml`'s
    `rules:`), so teams decide which product rules matter to them.
    """

    def __init__(self, overrides: Mapping[str, str] | None = None) -> None:
        self._problems: list[Problem] = []
        self._overrides = dict(overrides or {})

    def add(self, problem: Problem) -> None:
        wanted = self._overrides.get(problem.code, DEFAULT_SEVERITY.get(problem.code, problem.severity))
        if wanted == "off":
            return
        self._problems.append(replace(problem, severity=wanted))  # type: ignore[arg-type]

    def extend(self, problems: Iterable[Problem]) -> None:
        for p in problems:
            self.add(p)

    @property
    def problems(self) -> list[Problem]:
        return sorted(self._problems, key=Problem.sort_key)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.problems)

    def __len__(self) -> int:
        return len(self._problems)

    def count(self, severity: Severity) -> int:
        return sum(1 for p in self._problems if p.severity == severity)

    @property
    def errors(self) -> int:
        return self.count("error")

    @property
    def warnings(self) -> int:
        return self.count("warning")

    def ok(self, *, strict: bool = False) -> bool:
        """True when a build may go ahead (no errors; with strict, no warnings)."""
        return self.errors == 0 and not (strict and self.warnings)

    def as_json(self) -> dict[str, object]:
        return {
            "errors": self.errors,
            "warnings": self.warnings,
            "notices": self.count("notice"),
            "problems": [p.as_json() for p in self.problems],
        }
