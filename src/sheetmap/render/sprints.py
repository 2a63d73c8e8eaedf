"""The sprint view: `sprints/index.html`, one page per sprint, `sprints/unplanned.html`.

Internal builds only. A public view yields nothing here, and the public
roadmap carries no sprints or tasks in the first place (`audience.py`), so
the sprint backlog cannot reach a public site twice over.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

import jinja2

from sheetmap.model import Idea, Initiative, Sprint, Task
from sheetmap.render.charts import burndown_svg, velocity_svg
from sheetmap.render.site import page_generator, render
from sheetmap.render.views import SiteView, initiative_url
from sheetmap.sprint_stats import group_by_status

SPRINT_DIR = "sprints"
#: Page names the view uses itself; a sprint whose slug is one of them gets a prefix.
RESERVED = ("index", "unplanned")


def sprint_path(sprint: Sprint) -> str:
    """The sprint's page relative to the site root (the `sprint_path` macro says the same)."""
    prefix = "sprint-" if sprint.slug in RESERVED else ""
    return f"{SPRINT_DIR}/{prefix}{sprint.slug}.html"


@dataclass(frozen=True)
class Served:
    """What a task delivers: an idea (with its page anchor) and the initiative above it."""

    idea: Idea | None = None
    initiative: Initiative | None = None
    idea_url: str = ""
    initiative_url: str = ""


class TaskLinks:
    """Resolves a task's Item (an idea or an initiative ID) to the pages it links to."""

    def __init__(self, view: SiteView) -> None:
        self.view = view

    @cached_property
    def _ideas(self) -> dict[str, Idea]:
        return {i.id: i for i in self.view.roadmap.ideas}

    def served(self, task: Task) -> Served:
        initiatives = self.view.initiatives_by_id
        if task.item in initiatives:
            item = initiatives[task.item]
            return Served(initiative=item, initiative_url=initiative_url(item))
        idea = self._ideas.get(task.item)
        if idea is None:
            return Served()
        parent = initiatives.get(idea.initiative)
        if parent is None:
            return Served(idea=idea)  # an idea under no initiative has no page to link to
        url = initiative_url(parent)
        return Served(idea=idea, initiative=parent, idea_url=f"{url}#idea-{idea.slug}", initiative_url=url)


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
def sprint_pages(view: SiteView, env: jinja2.Environment) -> Iterator[tuple[str, bytes]]:
    """The sprint view's pages, for internal builds that have sprints or tasks."""
    roadmap = view.roadmap
    if not view.internal or roadmap.is_public or not (roadmap.sprints or roadmap.tasks):
        return
    plan = view.sprint_plan
    common = {"plan": plan, "links": TaskLinks(view), "fmt": Formats(), "page": "sprints"}
    velocity = velocity_svg(plan.velocity_sprints, plan.average_velocity)
    yield f"{SPRINT_DIR}/index.html", render(env, "sprints.html", view, "..", velocity_chart=velocity, **common)
    for summary in plan.sprints:
        yield (
            sprint_path(summary.sprint),
            render(
                env,
                "sprint.html",
                view,
                "..",
                summary=summary,
                burndown_chart=burndown_svg(summary),
                neighbours=plan.neighbours(summary),
                **common,
            ),
        )
    if plan.unplanned:
        yield (
            f"{SPRINT_DIR}/unplanned.html",
            render(env, "sprint_unplanned.html", view, "..", columns=group_by_status(plan.unplanned), **common),
        )
