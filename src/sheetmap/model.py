"""The roadmap as typed, immutable records.

`parse.py` builds a `Roadmap` from the workbook; `audience.py` projects it
for the public; renderers only ever read it. Markdown fields hold their
sanitised HTML (`Rich`), so no renderer can emit unsanitised cell content.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sheetmap.tables import Place


@dataclass(frozen=True)
class Rich:
    """A Markdown cell: its plain text (for search and descriptions) and sanitised HTML."""

    text: str = ""
    html: str = ""

    def __bool__(self) -> bool:
        return bool(self.text.strip())


EMPTY = Rich()


@dataclass(frozen=True)
class Theme:
    name: str
    color: str
    description: str = ""
    slug: str = ""
    #: text colour that keeps WCAG AA contrast on `color`
    ink: str = "#000000"


@dataclass(frozen=True)
class Objective:
    id: str
    title: str
    key_results: tuple[str, ...] = ()
    period: str = ""
    visibility: str = "Internal"
    slug: str = ""
    place: Place | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Idea:
    id: str
    title: str
    initiative: str = ""
    stage: str = ""
    hypothesis: str = ""
    user_story: str = ""
    description: Rich = EMPTY
    metric: str = ""
    target: str = ""
    actual: str = ""
    effort: str = ""
    value: str = ""
    visibility: str = "Internal"
    slug: str = ""
    place: Place | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Initiative:
    id: str
    title: str
    horizon: str
    theme: str = ""
    tags: tuple[str, ...] = ()
    objectives: tuple[str, ...] = ()
    problem: Rich = EMPTY
    description: Rich = EMPTY
    outcome: str = ""
    owner: str = ""
    visibility: str = "Internal"
    rank: float | None = None
    completed: dt.date | None = None
    notes: Rich = EMPTY
    slug: str = ""
    #: position in the sheet, the tie-breaker after rank
    sequence: int = 0
    place: Place | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Feedback:
    id: str
    item: str
    text: str
    customer: str = ""
    source: str = ""
    date: dt.date | None = None


@dataclass(frozen=True)
class Sprint:
    name: str
    start: dt.date | None = None
    end: dt.date | None = None
    goal: str = ""
    team: str = ""
    slug: str = ""
    place: Place | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Task:
    id: str
    title: str
    sprint: str = ""
    item: str = ""
    status: str = "To do"
    estimate: float | None = None
    assignee: str = ""
    done_on: dt.date | None = None
    place: Place | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Roadmap:
    """Everything the site shows, for one audience.

    `request_counts` maps an idea or initiative ID to its number of
    feedback entries: the only trace of feedback a public build keeps.
    """

    audience: str = "internal"
    initiatives: tuple[Initiative, ...] = ()
    ideas: tuple[Idea, ...] = ()
    objectives: tuple[Objective, ...] = ()
    themes: tuple[Theme, ...] = ()
    feedback: tuple[Feedback, ...] = ()
    sprints: tuple[Sprint, ...] = ()
    tasks: tuple[Task, ...] = ()
    request_counts: dict[str, int] = field(default_factory=dict)

    @property
    def is_public(self) -> bool:
        return self.audience == "public"
