"""Product rules: checks on what the roadmap says, not on its format.

Each rule looks at the typed roadmap and adds warnings (by default) at the
cell a person should edit. Teams turn them up, down or off in the config.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sheetmap.model import Roadmap
from sheetmap.report import Report

Rule = Callable[[Roadmap, Report], None]
RULES: list[Rule] = []

#: Titles that start like a to-do item rather than a problem to solve.
_TASK_VERBS = re.compile(
    r"^(add|build|implement|create|make|fix|update|upgrade|migrate|refactor|integrate|ship|release|"
    r"launch|deploy|write|set up|setup|install|remove|replace|rewrite|support|enable|introduce|develop)\b",
    re.IGNORECASE,
)


def rule(func: Rule) -> Rule:
    RULES.append(func)
    return func


def check(roadmap: Roadmap, report: Report) -> None:
    """Run every product rule over the full (internal) roadmap."""
    for each in RULES:
        each(roadmap, report)


@rule
def now_needs_detail(roadmap: Roadmap, report: Report) -> None:
    for i in roadmap.initiatives:
        if i.horizon != "Now" or i.place is None:
            continue
        missing = [name for name, present in (("Problem", i.problem), ("Description", i.description),
                                               ("Objectives", i.objectives)) if not present]
        if missing:
            report.add(
                i.place.problem(
                    "now-needs-detail",
                    f"'{i.title}' is in Now but has no {', '.join(missing)}. A card in Now should say "
                    "why we are doing it, what we are doing and which objective it serves.",
                    column=missing[0],
                    cell=_cell_of(i.place, missing[0]),
                    fix=f"Fill in {' and '.join(missing)} for this row, or move it to Next.",
                )
            )


@rule
def tactical_card(roadmap: Roadmap, report: Report) -> None:
    for i in roadmap.initiatives:
        if i.place is None or i.horizon == "Done":
            continue
        match = _TASK_VERBS.match(i.title)
        if match:
            report.add(
                i.place.problem(
                    "tactical-card",
                    f"Title '{i.title}' reads like a task ('{match.group(0)} …'), not a problem to solve.",
                    column="Title",
                    cell=_cell_of(i.place, "Title"),
                    value=i.title,
                    fix="Phrase it as the customer's problem, e.g. 'Teams can't find the report they need'.",
                )
            )


@rule
def done_without_date(roadmap: Roadmap, report: Report) -> None:
    for i in roadmap.initiatives:
        if i.horizon == "Done" and i.completed is None and i.place is not None:
            report.add(
                i.place.problem(
                    "done-without-date",
                    f"'{i.title}' is Done but has no Completed date, so the completed roadmap cannot place it.",
                    column="Completed",
                    cell=_cell_of(i.place, "Completed"),
                    fix="Enter the date it was finished in the Completed column.",
                )
            )


@rule
def experiment_without_result(roadmap: Roadmap, report: Report) -> None:
    for idea in roadmap.ideas:
        if idea.stage in ("Successful", "Failed") and not idea.actual and idea.place is not None:
            report.add(
                idea.place.problem(
                    "experiment-without-result",
                    f"Idea '{idea.title}' is {idea.stage} but has no Actual result.",
                    column="Actual",
                    cell=_cell_of(idea.place, "Actual"),
                    fix="Record what the experiment measured in the Actual column.",
                )
            )


@rule
def public_links_internal(roadmap: Roadmap, report: Report) -> None:
    visibility = {o.id: o.visibility for o in roadmap.objectives}
    initiatives = {i.id: i for i in roadmap.initiatives}
    for i in roadmap.initiatives:
        if i.visibility != "Public" or i.place is None:
            continue
        for oid in i.objectives:
            if visibility.get(oid) != "Public":
                report.add(
                    i.place.problem(
                        "public-links-internal",
                        f"Public card '{i.title}' points at internal objective '{oid}'; "
                        "the link is left out of the public roadmap.",
                        column="Objectives",
                        cell=_cell_of(i.place, "Objectives"),
                        value=oid,
                        fix=f"Make objective {oid} Public, or remove it from this card if that is intended.",
                    )
                )
    for idea in roadmap.ideas:
        parent = initiatives.get(idea.initiative)
        if idea.visibility == "Public" and parent and parent.visibility != "Public" and idea.place is not None:
            report.add(
                idea.place.problem(
                    "public-links-internal",
                    f"Public idea '{idea.title}' belongs to internal initiative '{parent.id}', "
                    "so it stays internal.",
                    column="Visibility",
                    cell=_cell_of(idea.place, "Visibility"),
                    value=idea.visibility,
                    fix=f"Make initiative {parent.id} Public, or set this idea to Internal.",
                )
            )


def _cell_of(place: object, column: str) -> str | None:
    """The A1 cell of `column` in the record's row, when the sheet has that column."""
    cells = getattr(place, "cells", None)
    return cells.get(column) if cells else None
