"""The workbook format: which sheets, which columns, which values.

This is the single description of SPEC §2 that the reader, the validator,
`sheetmap init` and the documentation all use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["id", "text", "markdown", "choice", "list", "date", "number", "color", "ref", "reflist"]

HORIZONS = ("Now", "Next", "Later", "Done")
VISIBILITIES = ("Public", "Internal")
STAGES = (
    "Discovering",
    "Prototyping",
    "Ready",
    "In development",
    "Validating",
    "Successful",
    "Failed",
    "Parked",
)
STATUSES = ("To do", "In progress", "In review", "Blocked", "Done")
EFFORTS = ("XS", "S", "M", "L", "XL")
VALUES = ("Low", "Medium", "High")

#: Built-in synonyms for fixed-choice values (lower-case key -> canonical).
#: Jira's workflow names map onto ours so an export works unedited.
DEFAULT_SYNONYMS: dict[str, dict[str, str]] = {
    "horizon": {"completed": "Done", "shipped": "Done", "current": "Now", "future": "Later", "soon": "Next"},
    "status": {
        "open": "To do",
        "todo": "To do",
        "backlog": "To do",
        "selected for development": "To do",
        "new": "To do",
        "reopened": "To do",
        "in development": "In progress",
        "doing": "In progress",
        "code review": "In review",
        "review": "In review",
        "in qa": "In review",
        "qa": "In review",
        "in test": "In review",
        "testing": "In review",
        "impeded": "Blocked",
        "on hold": "Blocked",
        "closed": "Done",
        "resolved": "Done",
        "complete": "Done",
        "completed": "Done",
    },
    "stage": {"in progress": "In development", "validated": "Successful", "success": "Successful"},
    "visibility": {"private": "Internal", "team": "Internal", "external": "Public"},
    "value": {"1": "Low", "2": "Low", "3": "Medium", "4": "High", "5": "High", "med": "Medium"},
    "effort": {"extra small": "XS", "small": "S", "medium": "M", "large": "L", "extra large": "XL"},
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind = "text"
    required: bool = False
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    #: the synonym table for a choice column ("horizon", "status", …)
    choice_set: str = ""
    #: for refs: which sheet's IDs this column points at
    target: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    aliases: tuple[str, ...] = ()
    required: bool = False
    help: str = ""

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


def _visibility(help_: str) -> Column:
    return Column(
        "Visibility",
        "choice",
        aliases=("Audience",),
        choices=VISIBILITIES,
        choice_set="visibility",
        help=help_,
    )


INITIATIVES = Sheet(
    "Initiatives",
    aliases=("Roadmap", "Roadmap cards"),
    required=True,
    help="One row per roadmap card: a problem to solve, placed in Now, Next or Later.",
    columns=(
        Column("ID", "id", True, ("Key",), help="Unique, e.g. INIT-12. Used in links."),
        Column("Title", "text", True, ("Name", "Initiative"), help="A short, problem-focused title."),
        Column(
            "Horizon",
            "choice",
            True,
            ("Status", "Column", "Timeframe"),
            HORIZONS,
            "horizon",
            help="Now, Next, Later or Done.",
        ),
        Column("Theme", "text", aliases=("Area", "Product area"), help="One theme (product area)."),
        Column("Tags", "list", aliases=("Labels",), help="Comma-separated tags."),
        Column(
            "Objectives",
            "reflist",
            aliases=("Objective", "OKR", "OKRs"),
            target=("Objectives",),
            help="Comma-separated objective IDs.",
        ),
        Column("Problem", "markdown", aliases=("Why",), help="Why we are doing this (Markdown)."),
        Column("Description", "markdown", aliases=("What",), help="What we are doing (Markdown)."),
        Column(
            "Outcome",
            "text",
            aliases=("Success metric", "Target outcome"),
            help="How we will know it worked.",
        ),
        Column("Owner", "text", help="Person or team (shown on internal builds only)."),
        _visibility("Public or Internal; empty means the default (Internal)."),
        Column("Rank", "number", aliases=("Order", "Priority"), help="Orders cards within a horizon."),
        Column(
            "Completed",
            "date",
            aliases=("Done date", "Shipped"),
            help="Date it was done; orders the completed roadmap.",
        ),
        Column("Notes", "markdown", aliases=("Internal notes",), help="Always internal."),
    ),
)

IDEAS = Sheet(
    "Ideas",
    aliases=("Experiments", "Product backlog", "Backlog"),
    help="Experiments under an initiative: hypotheses with a target and an actual outcome.",
    columns=(
        Column("ID", "id", True, ("Key",), help="Unique across Ideas, e.g. IDEA-3."),
        Column("Title", "text", True, ("Name", "Idea"), help="A short name for the idea."),
        Column(
            "Initiative",
            "ref",
            aliases=("Initiative ID", "Parent"),
            target=("Initiatives",),
            help="ID of the initiative it serves.",
        ),
        Column("Stage", "choice", aliases=("Status",), choices=STAGES, choice_set="stage", help="Where it is."),
        Column("Hypothesis", "text", help="If we …, it could solve … and uplift … by …"),
        Column("User story", "text", aliases=("Story",), help="As a …, I want … so that …"),
        Column("Description", "markdown", aliases=("Details",), help="Details (Markdown)."),
        Column("Metric", "text", help="The metric the experiment should move."),
        Column("Target", "text", aliases=("Expected",), help="Target outcome."),
        Column("Actual", "text", aliases=("Result",), help="Actual outcome."),
        Column(
            "Effort",
            "choice",
            aliases=("Size", "Estimate"),
            choices=EFFORTS,
            choice_set="effort",
            help="XS, S, M, L or XL.",
        ),
        Column("Value", "choice", aliases=("Impact",), choices=VALUES, choice_set="value", help="Low, Medium, High."),
        _visibility("Public or Internal; an idea under an internal initiative stays internal."),
    ),
)

OBJECTIVES = Sheet(
    "Objectives",
    aliases=("OKRs", "Goals"),
    help="The objectives (OKRs) initiatives serve.",
    columns=(
        Column("ID", "id", True, help="Unique, e.g. OKR-1."),
        Column("Objective", "text", True, ("Title",), help="The objective in a sentence."),
        Column("Key results", "markdown", help="One key result per line."),
        Column("Period", "text", help="e.g. 2026 H2."),
        _visibility("Public or Internal; empty means the default (Internal)."),
    ),
)

THEMES = Sheet(
    "Themes",
    aliases=("Areas", "Product areas"),
    help="Product areas, with the colour their cards get.",
    columns=(
        Column("Name", "id", True, help="The theme's name, as used in Initiatives."),
        Column("Color", "color", aliases=("Colour",), help="#rrggbb"),
        Column("Description", "text", help="What the theme covers."),
    ),
)

FEEDBACK = Sheet(
    "Feedback",
    aliases=("Customer feedback", "Requests"),
    help="What customers asked for. Always internal; public builds show only a count.",
    columns=(
        Column("ID", "id", help="Optional unique ID."),
        Column(
            "Item",
            "ref",
            aliases=("Idea", "Initiative"),
            target=("Ideas", "Initiatives"),
            help="The idea or initiative it is about.",
        ),
        Column("Feedback", "text", True, ("Quote",), help="What the customer said."),
        Column("Customer", "text", aliases=("Company",), help="Who said it (internal)."),
        Column("Source", "text", help="Support ticket, sales call, survey…"),
        Column("Date", "date", help="When."),
    ),
)

SPRINTS = Sheet(
    "Sprints",
    help="The team's sprints. Internal builds only.",
    columns=(
        Column("Sprint", "id", True, ("Name", "ID"), help="Unique sprint name."),
        Column("Start", "date", help="First day."),
        Column("End", "date", help="Last day."),
        Column("Goal", "text", help="The sprint goal."),
        Column("Team", "text", help="Which team."),
    ),
)

TASKS = Sheet(
    "Tasks",
    aliases=("Sprint backlog",),
    help="The sprint backlog: tasks with estimates. Internal builds only.",
    columns=(
        Column("ID", "id", True, ("Issue key",), help="Unique, e.g. LUM-101."),
        Column("Title", "text", True, ("Summary",), help="What to do."),
        Column("Sprint", "ref", target=("Sprints",), help="The sprint it is planned in."),
        Column(
            "Item",
            "ref",
            aliases=("Idea", "Story"),
            target=("Ideas", "Initiatives"),
            help="The idea it delivers.",
        ),
        Column("Status", "choice", choices=STATUSES, choice_set="status", help="To do … Done."),
        Column(
            "Estimate",
            "number",
            aliases=(
                "Points",
                "Story points",
                "Story point estimate",
                "Custom field (Story Points)",
                "Custom field (Story point estimate)",
            ),
            help="Story points, a number ≥ 0.",
        ),
        Column("Assignee", "text", help="Who works on it."),
        Column("Done on", "date", aliases=("Completed", "Resolved"), help="Date it was done (for the burndown)."),
    ),
)

SHEETS: tuple[Sheet, ...] = (INITIATIVES, IDEAS, OBJECTIVES, THEMES, FEEDBACK, SPRINTS, TASKS)
SHEETS_BY_NAME = {s.name: s for s in SHEETS}


def fold(name: str) -> str:
    """How names are compared: case-insensitive, surrounding spaces ignored."""
    return " ".join(str(name).split()).casefold()
