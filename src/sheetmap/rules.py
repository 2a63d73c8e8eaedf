"""Product rules: checks on what the roadmap says, not on how the cells are typed.

Each rule reads the typed (internal) roadmap and adds problems at the cell
a person should edit. The severities in `report.DEFAULT_SEVERITY` apply;
teams turn each rule up, down or off under `rules:` in sheetmap.yml.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable

from sheetmap.model import Roadmap, Sprint
from sheetmap.report import Report
from sheetmap.schema import fold
from sheetmap.tables import Place

Rule = Callable[[Roadmap, Report], None]
RULES: list[Rule] = []

#: Titles that start like a to-do item ("Add CSV export") rather than a problem to solve.
_TASK_VERBS = re.compile(
    r"^(add|build|implement|create|make|fix|update|upgrade|migrate|refactor|integrate|ship|release|launch|deploy|"
    r"write|set up|setup|install|remove|replace|rewrite|rework|redesign|rebuild|support|enable|introduce|develop|"
    r"configure|convert|port|rename|move|switch to|hook up|wire up)\b",
    re.IGNORECASE,
)
#: Words that make a title a statement about a problem even when it starts like a
#: task: "Build times are too slow", "Support tickets take days to close".
_STATEMENT = re.compile(
    r"\b(is|are|was|were|cannot|can not|takes?|took|fails?|failed|loses?|lost|needs?|has to|have to)\b|n't\b",
    re.IGNORECASE,
)

_DETAIL_COLUMNS = ("Problem", "Description", "Objectives")


def rule(func: Rule) -> Rule:
    RULES.append(func)
    return func


#: Codes after which the cell's field is left empty: a rule that then finds
#: the field empty would only repeat, less helpfully, what is already reported.
_EMPTIED_BY = frozenset(
    {
        "missing-value",
        "invalid-choice",
        "invalid-date",
        "invalid-number",
        "invalid-color",
        "formula-without-value",
        "unknown-reference",
    }
)


def check(roadmap: Roadmap, report: Report) -> None:
    """Run every product rule over the full (internal) roadmap.

    A rule's problem is left out when its cell already has a problem that
    emptied the field (a Completed of 'last week' is an invalid date, not
    also a Done card without a date).
    """
    taken = {(p.source, p.sheet, p.cell) for p in report.problems if p.cell and p.code in _EMPTIED_BY}
    found = Report()
    for each in RULES:
        each(roadmap, found)
    report.extend(p for p in found.problems if (p.source, p.sheet, p.cell) not in taken)


def _cell(place: Place, *columns: str) -> tuple[str | None, str | None]:
    """The first of `columns` the sheet has, and its A1 cell in the record's row."""
    for column in columns:
        cell = place.cells.get(column)
        if cell:
            return column, cell
    return (columns[0] if columns else None), None


def _label(place: Place | None, column: str) -> str:
    return place.label(column) if place else column


def _in_sheet(place: Place | None) -> str:
    """Words naming the tab (in sheet 'OKRs'), to send the person to the right row."""
    return f" in sheet '{place.sheet}'" if place else ""


def _names(items: Iterable[str]) -> str:
    """'Problem', 'Problem and Description', 'Problem, Description and Objectives'."""
    names = list(items)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@rule
def now_needs_detail(roadmap: Roadmap, report: Report) -> None:
    """A card in Now says why (Problem), what (Description) and which objective it serves."""
    for i in roadmap.initiatives:
        if i.horizon != "Now" or i.place is None:
            continue
        present = {"Problem": i.problem, "Description": i.description, "Objectives": i.objectives}
        missing = [name for name in _DETAIL_COLUMNS if not present[name]]
        if not missing:
            continue
        absent = [name for name in missing if name not in i.place.cells]
        column, cell = _cell(i.place, *[m for m in missing if m in i.place.cells], "Horizon")
        shown = _names(i.place.label(name) for name in missing)
        fix = f"Fill in {shown} in this row, or move the card to Next until you know more."
        if absent:
            plural = "s" if len(absent) > 1 else ""
            fix += f" (The sheet has no {_names(absent)} column{plural}: add it to the header row.)"
        report.add(
            i.place.problem(
                "now-needs-detail",
                f"'{i.title}' is in Now but has no {shown}. A card in Now should say why we are "
                "doing it, what we are doing and which objective it serves.",
                column=column,
                cell=cell,
                value="",
                fix=fix,
            )
        )


@rule
def tactical_card(roadmap: Roadmap, report: Report) -> None:
    """Roadmap cards are problems to solve; 'Add CSV export' is a task."""
    for i in roadmap.initiatives:
        if i.place is None or i.horizon == "Done":
            continue
        match = _TASK_VERBS.match(i.title)
        if match and not _STATEMENT.search(i.title):
            column, cell = _cell(i.place, "Title")
            report.add(
                i.place.problem(
                    "tactical-card",
                    f"{i.place.label('Title')} '{i.title}' reads like a task ('{match.group(0)} …'), "
                    "not a problem to solve.",
                    column=column,
                    cell=cell,
                    value=i.title,
                    fix="Name the customer's problem instead, e.g. 'Teams can't find the report they need', "
                    "and put the solution in Description or in the Ideas sheet.",
                )
            )


@rule
def done_without_date(roadmap: Roadmap, report: Report) -> None:
    """The completed roadmap is ordered by date; a Done card without one cannot be placed."""
    for i in roadmap.initiatives:
        if i.horizon != "Done" or i.completed is not None or i.place is None:
            continue
        has_column = "Completed" in i.place.cells
        column, cell = _cell(i.place, "Completed", "Horizon")
        completed = i.place.label("Completed")
        fix = f"Enter the date it was finished in the {completed} column (e.g. 2026-03-01)."
        if not has_column:
            fix = "Add a Completed column to the header row and enter the date it was finished (e.g. 2026-03-01)."
        report.add(
            i.place.problem(
                "done-without-date",
                f"'{i.title}' is Done but has no {completed} date, so the completed roadmap cannot place it.",
                column=column,
                cell=cell,
                value="",
                fix=fix,
            )
        )


@rule
def experiment_without_result(roadmap: Roadmap, report: Report) -> None:
    """A finished experiment records what it measured: that is the learning."""
    for idea in roadmap.ideas:
        if idea.stage not in ("Successful", "Failed") or idea.actual or idea.place is None:
            continue
        has_column = "Actual" in idea.place.cells
        column, cell = _cell(idea.place, "Actual", "Stage")
        target = f" (the target was '{idea.target}')" if idea.target else ""
        actual = idea.place.label("Actual")
        fix = f"Record what the experiment measured in the {actual} column{target}."
        if not has_column:
            fix = f"Add an Actual column to the header row and record what the experiment measured{target}."
        report.add(
            idea.place.problem(
                "experiment-without-result",
                f"Idea '{idea.title}' is {idea.stage} but has no {actual} result.",
                column=column,
                cell=cell,
                value="",
                fix=fix,
            )
        )


@rule
def public_links_internal(roadmap: Roadmap, report: Report) -> None:
    """Nothing is more visible than what it points at: the public build drops such links."""
    objectives = {o.id: o for o in roadmap.objectives}
    initiatives = {i.id: i for i in roadmap.initiatives}
    for i in roadmap.initiatives:
        if i.visibility != "Public" or i.place is None:
            continue
        for oid in i.objectives:
            objective = objectives.get(oid)
            if objective is None or objective.visibility == "Public":
                continue
            column, cell = _cell(i.place, "Objectives")
            report.add(
                i.place.problem(
                    "public-links-internal",
                    f"Public card '{i.title}' points at objective {oid}, which is {objective.visibility}; "
                    "the public roadmap leaves that link out.",
                    column=column,
                    cell=cell,
                    value=oid,
                    fix=f"Set objective {oid}'s {_label(objective.place, 'Visibility')} to Public"
                    f"{_in_sheet(objective.place)}, or remove {oid} from this card "
                    "if the objective should stay internal.",
                )
            )
    for idea in roadmap.ideas:
        parent = initiatives.get(idea.initiative)
        if idea.visibility != "Public" or parent is None or parent.visibility == "Public" or idea.place is None:
            continue
        column, cell = _cell(idea.place, "Visibility", "Initiative")
        report.add(
            idea.place.problem(
                "public-links-internal",
                f"Public idea '{idea.title}' belongs to initiative {parent.id}, which is {parent.visibility}, "
                "so the idea stays internal.",
                column=column,
                cell=cell,
                value=idea.visibility,
                fix=f"Set initiative {parent.id}'s {_label(parent.place, 'Visibility')} to Public"
                f"{_in_sheet(parent.place)}, or set this idea to Internal.",
            )
        )


@rule
def sprint_dates(roadmap: Roadmap, report: Report) -> None:
    """A sprint ends on or after the day it starts."""
    for sprint in roadmap.sprints:
        if sprint.place is None or sprint.start is None or sprint.end is None or sprint.end >= sprint.start:
            continue
        column, cell = _cell(sprint.place, "End")
        report.add(
            sprint.place.problem(
                "sprint-dates",
                f"{sprint.name} ends on {sprint.end.isoformat()}, before it starts on {sprint.start.isoformat()}.",
                column=column,
                cell=cell,
                value=sprint.end.isoformat(),
                fix="Correct the Start or End date of this sprint (End is its last day, on or after Start); "
                "check that day and month are not swapped.",
            )
        )


@rule
def overlapping_sprints(roadmap: Roadmap, report: Report) -> None:
    """One team runs one sprint at a time; overlapping dates usually mean a typo."""
    by_team: dict[str, list[Sprint]] = {}
    for sprint in roadmap.sprints:
        if sprint.place and sprint.start and sprint.end and sprint.end >= sprint.start:
            by_team.setdefault(fold(sprint.team), []).append(sprint)
    for sprints in by_team.values():
        ordered = sorted(sprints, key=lambda s: (_date(s.start), s.place.row if s.place else 0))
        latest: Sprint | None = None
        for sprint in ordered:
            if latest is not None and _date(sprint.start) <= _date(latest.end) and sprint.place is not None:
                team = f"team {sprint.team}" if sprint.team else "the same team"
                column, cell = _cell(sprint.place, "Start")
                report.add(
                    sprint.place.problem(
                        "overlapping-sprints",
                        f"{sprint.name} starts on {_date(sprint.start).isoformat()}, before {latest.name} of "
                        f"{team} ends on {_date(latest.end).isoformat()}.",
                        column=column,
                        cell=cell,
                        value=_date(sprint.start).isoformat(),
                        fix=f"Start {sprint.name} after {_date(latest.end).isoformat()}, or give the two sprints "
                        "different Team values if two teams run them.",
                    )
                )
            if latest is None or _date(sprint.end) > _date(latest.end):
                latest = sprint


def _date(value: dt.date | None) -> dt.date:
    return value or dt.date.min


@rule
def task_without_estimate(roadmap: Roadmap, report: Report) -> None:
    """Sprint points (done vs committed, the burndown) count only estimated tasks."""
    for task in roadmap.tasks:
        if not task.sprint or task.estimate is not None or task.place is None:
            continue
        if "Estimate" not in task.place.cells:
            continue  # a sheet without estimates at all is a team's choice, not a slip
        column, cell = _cell(task.place, "Estimate")
        report.add(
            task.place.problem(
                "task-without-estimate",
                f"Task {task.id} is planned in {task.sprint} but has no {task.place.label('Estimate')}, "
                "so the sprint's points and burndown leave it out.",
                column=column,
                cell=cell,
                value="",
                fix=f"Enter the story points (a number, 0 or more) in the {task.place.label('Estimate')} column.",
            )
        )


@rule
def task_done_without_date(roadmap: Roadmap, report: Report) -> None:
    """The burndown needs the day each task was done."""
    for task in roadmap.tasks:
        if task.status != "Done" or task.done_on is not None or not task.sprint or task.place is None:
            continue
        if "Done on" not in task.place.cells:
            continue
        column, cell = _cell(task.place, "Done on")
        report.add(
            task.place.problem(
                "task-done-without-date",
                f"Task {task.id} is Done but has no {task.place.label('Done on')} date, "
                f"so the burndown of {task.sprint} cannot show when it was finished.",
                column=column,
                cell=cell,
                value="",
                fix=f"Enter the day the task was finished in the {task.place.label('Done on')} column "
                "(e.g. 2026-03-01).",
            )
        )
