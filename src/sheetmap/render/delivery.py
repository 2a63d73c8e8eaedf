"""The Delivery block of an initiative page (internal builds), with its figures worked out once.

`delivery.html` shows what the sprint backlog delivered for an initiative:
in total, per idea, and for the initiative itself, each with tasks and
points done and the sprints involved. Worked out in the template, every
figure was another walk over the tasks, and every sprint link a macro
call: most of an internal build's page time for 2,000 initiatives of ten
ideas. Here each figure is computed once, with the same arithmetic as
`sprint_stats.Delivery` (points added up in the same order), and written
as the template wrote it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from sheetmap.model import Idea, Initiative, Sprint, Task
from sheetmap.sprint_stats import Delivery, SprintOverview

SPRINT_DIR = "sprints"


def sprint_path(sprint: Sprint) -> str:
    """The sprint's page relative to the site root (the `sprint_path` macro says the same).

    No sprint's slug is `index` or `unplanned` (slugs.assign_slugs), the sprint view's own pages.
    """
    return f"{SPRINT_DIR}/{sprint.slug}.html"


def points_text(value: float) -> str:
    """Points as the `pts` macro writes them: 5, 2.5."""
    return "%g" % round(value, 2)  # noqa: UP031  (%, as Jinja's `format` filter does)


class Progress(NamedTuple):
    """One Delivery as the block shows it."""

    tasks_done: int
    tasks: int
    #: points, written as `points_text` writes them
    points_done: str
    points_total: str
    #: (name, page from the site root) of each sprint the tasks are planned in, in date order
    sprints: tuple[tuple[str, str], ...]
    #: whether some of the tasks are in no sprint yet
    unplanned: bool


class DeliveryReport(NamedTuple):
    """An initiative's whole Delivery block: empty (None from `Deliveries.report`) without tasks."""

    total: Progress
    #: the share of points done, in percent with one decimal, as the meter's width ('37.5')
    share: str
    #: the ideas that have tasks, in sheet order
    ideas: list[tuple[Idea, Progress]]
    #: the tasks whose Item is the initiative itself
    direct: Progress | None


def progress(delivery: Delivery) -> Progress:
    return Progress(
        tasks_done=delivery.tasks_done,
        tasks=len(delivery.tasks),
        points_done=points_text(delivery.points_done),
        points_total=points_text(delivery.points_total),
        sprints=tuple((s.name, sprint_path(s)) for s in delivery.sprints),
        unplanned=delivery.unplanned,
    )


class Deliveries:
    """Deliveries of ideas and initiatives: `sprint_stats.delivery`, without a walk over every sprint each time."""

    def __init__(self, plan: SprintOverview, tasks_by_item: dict[str, list[Task]]) -> None:
        self.plan = plan
        self.tasks_by_item = tasks_by_item
        # Positions in the plan's date order, by name (a list: names are meant to be unique, but a
        # team may have turned `duplicate-id` into a warning).
        self._positions: dict[str, list[int]] = defaultdict(list)
        for index, summary in enumerate(plan.sprints):
            self._positions[summary.name].append(index)

    def delivery(self, item_ids: Iterable[str]) -> Delivery:
        """The same Delivery as `sprint_stats.delivery(tasks of item_ids, plan)`."""
        tasks = tuple(t for i in item_ids for t in self.tasks_by_item.get(i, ()))
        names = {t.sprint for t in tasks}
        order = sorted(index for name in names for index in self._positions.get(name, ()))
        return Delivery(
            tasks=tasks,
            sprints=tuple(self.plan.sprints[index].sprint for index in order),
            unplanned=any(t.sprint not in self.plan.by_name for t in tasks),
        )

    def report(self, item: Initiative, ideas: Sequence[Idea]) -> DeliveryReport | None:
        total = self.delivery([item.id, *(idea.id for idea in ideas)])
        if not total:
            return None
        done, points = total.points_done, total.points_total
        share = (done / points * 100) if points else 0
        per_idea = []
        for idea in ideas:
            of_idea = self.delivery([idea.id])
            if of_idea:
                per_idea.append((idea, progress(of_idea)))
        direct = self.delivery([item.id])
        return DeliveryReport(
            total=progress(total),
            share="%g" % round(share, 1),  # noqa: UP031
            ideas=per_idea,
            direct=progress(direct) if direct else None,
        )
