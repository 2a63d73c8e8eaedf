"""The sprint view: `sprints/index.html`, one page per sprint, `sprints/unplanned.html`.

Internal builds only. A public view yields nothing here, and the public
roadmap carries no sprints or tasks in the first place (`audience.py`), so
the sprint backlog cannot reach a public site twice over.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

import jinja2

from sheetmap.model import Idea, Initiative, Task
from sheetmap.render.charts import burndown_svg, velocity_svg
from sheetmap.render.delivery import SPRINT_DIR, points_text, sprint_path
from sheetmap.render.site import Page, page_generator, render, render_listing
from sheetmap.render.views import SiteView, initiative_url
from sheetmap.sprint_stats import SprintSummary, group_by_status


@dataclass(frozen=True)
class Served:
    """What a task delivers: an idea (with its page anchor) and the initiative above it."""

    idea: Idea | None = None
    initiative: Initiative | None = None
    idea_url: str = ""
    initiative_url: str = ""


class TaskCard(NamedTuple):
    """One task as its card on a board shows it (`task_list` in sprint_macros.html)."""

    task: Task
    served: Served
    #: the CSS class of its status: 'status-in-progress'
    status: str
    #: the card's id after 'task-': the task's ID in lower case, spaces as dashes
    anchor: str
    #: '5 pts', '1 pt', '2.5 pts'; '' without an estimate
    points: str
    #: the assignee's initials, for the avatar ('' without an assignee)
    initials: str
    #: the Done-on date as the card writes it ('3 Oct') and as ISO; '' without one
    done: str
    done_iso: str


class TaskLinks:
    """Resolves a task's Item (an idea or an initiative ID) to the pages it links to, and makes task cards.

    Results are kept per Item, assignee and day: a board of 100,000 tasks has far fewer of each.
    """

    def __init__(self, view: SiteView) -> None:
        self.view = view
        self._served: dict[str, Served] = {}
        self._status: dict[str, str] = {}
        self._initials: dict[str, str] = {}
        self._days: dict[dt.date, tuple[str, str]] = {}

    def served(self, task: Task) -> Served:
        served = self._served.get(task.item)
        if served is None:
            served = self._served[task.item] = self._serve(task.item)
        return served

    def _serve(self, item_id: str) -> Served:
        initiatives = self.view.initiatives_by_id
        if item_id in initiatives:
            item = initiatives[item_id]
            return Served(initiative=item, initiative_url=initiative_url(item))
        idea = self.view.ideas_by_id.get(item_id)
        if idea is None:
            return Served()
        parent = initiatives.get(idea.initiative)
        if parent is None:
            return Served(idea=idea)  # an idea under no initiative has no page to link to
        url = initiative_url(parent)
        return Served(idea=idea, initiative=parent, idea_url=f"{url}#idea-{idea.slug}", initiative_url=url)

    @staticmethod
    def points(tasks: Iterable[Task]) -> str:
        """The estimates of `tasks` added up, as the `pts` macro writes them (tasks without one count nothing)."""
        return points_text(sum(t.estimate for t in tasks if t.estimate is not None))

    def cards(self, tasks: Iterable[Task]) -> list[TaskCard]:
        return [self.card(task) for task in tasks]

    def card(self, task: Task) -> TaskCard:
        status = self._status.get(task.status)
        if status is None:
            status = self._status[task.status] = "status-" + task.status.lower().replace(" ", "-")
        estimate = task.estimate
        points = "" if estimate is None else f"{points_text(estimate)} pt{'s' if estimate != 1 else ''}"
        initials = ""
        if task.assignee:
            initials = self._initials.get(task.assignee, "")
            if not initials:
                initials = self._initials[task.assignee] = Formats.initials(task.assignee)
        done = done_iso = ""
        if task.done_on:
            day = self._days.get(task.done_on)
            if day is None:
                day = self._days[task.done_on] = (Formats.day(task.done_on), task.done_on.isoformat())
            done, done_iso = day
        anchor = task.id.lower().replace(" ", "-")
        return TaskCard(task, self.served(task), status, anchor, points, initials, done, done_iso)


class Formats:
    """How the sprint pages write dates and names (no locale, so output is stable)."""

    @staticmethod
    def day(day: dt.date) -> str:
        return f"{day.day} {day:%b}"

    @staticmethod
    def full(day: dt.date) -> str:
        return f"{day.day} {day:%b %Y}"

    @staticmethod
    def span(start: dt.date | None, end: dt.date | None) -> str:
        """'1–14 Oct 2026', '26 Nov – 9 Dec 2026', '29 Dec 2025 – 11 Jan 2026', or '' without dates."""
        if start and end:
            if start.year != end.year:
                return f"{Formats.full(start)} – {Formats.full(end)}"
            if start.month != end.month:
                return f"{Formats.day(start)} – {Formats.full(end)}"
            return f"{start.day}–{Formats.full(end)}"
        if start:
            return f"from {Formats.full(start)}"
        if end:
            return f"until {Formats.full(end)}"
        return ""

    @staticmethod
    def initials(name: str) -> str:
        parts = [p for p in name.replace(".", " ").split() if p[:1].isalnum()]
        return "".join(p[0] for p in (parts[:1] + parts[1:][-1:])).upper() or "?"


@page_generator
def sprint_pages(view: SiteView, env: jinja2.Environment) -> Iterator[Page]:
    """The sprint view's pages, for internal builds that have sprints or tasks."""
    roadmap = view.roadmap
    if not view.internal or roadmap.is_public or not (roadmap.sprints or roadmap.tasks):
        return
    plan = view.sprint_plan
    yield Page(f"{SPRINT_DIR}/index.html", partial(_overview_page, view, env), len(plan.sprints), lists_all=True)
    for summary in plan.sprints:
        yield Page(sprint_path(summary.sprint), partial(_sprint_page, view, env, summary), len(summary.tasks))
    if plan.unplanned:
        make = partial(_unplanned_page, view, env)
        yield Page(f"{SPRINT_DIR}/unplanned.html", make, len(plan.unplanned), lists_all=True)


def _common(view: SiteView) -> dict[str, object]:
    return {"plan": view.sprint_plan, "links": TaskLinks(view), "fmt": Formats(), "page": "sprints"}


def _overview_page(view: SiteView, env: jinja2.Environment) -> bytes:
    plan = view.sprint_plan
    velocity = velocity_svg(plan.velocity_sprints, plan.average_velocity)
    return render_listing(env, "sprints.html", view, "..", velocity_chart=velocity, **_common(view))


def _sprint_page(view: SiteView, env: jinja2.Environment, summary: SprintSummary) -> bytes:
    plan = view.sprint_plan
    return render(
        env,
        "sprint.html",
        view,
        "..",
        summary=summary,
        burndown_chart=burndown_svg(summary),
        neighbours=plan.neighbours(summary),
        **_common(view),
    )


def _unplanned_page(view: SiteView, env: jinja2.Environment) -> bytes:
    columns = group_by_status(view.sprint_plan.unplanned)
    return render_listing(env, "sprint_unplanned.html", view, "..", columns=columns, **_common(view))
