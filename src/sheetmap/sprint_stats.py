"""Sprint arithmetic: points committed and done, states, velocity, burndown.

Pure functions of the model, so the sprint pages and the tests agree on
every number.

sheetmap never reads the clock (the same spreadsheet must build the same
site, byte for byte), so "today" comes from the data: it is the latest
Done-on date of any task (`as_of`). Per team, the *current* sprint is the
latest one that has begun — its Start is on or before that day, or, when
dates are unknown, one of its tasks has moved past To do; sprints before
it are *past*, sprints after it *upcoming*. A current sprint that is over
(every task Done and its End before `as_of`, or every task Done and no
dates of its own) counts as past.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from sheetmap.model import Roadmap, Sprint, Task
from sheetmap.schema import STATUSES, fold

State = Literal["current", "upcoming", "past"]
DONE = "Done"
#: How many past sprints the average velocity looks back over.
VELOCITY_WINDOW = 3


@dataclass(frozen=True)
class BurnPoint:
    """One day of a burndown: where the ideal line is and what was left.

    `remaining` is None on days the data does not reach yet (after `as_of`
    in the current sprint), so the chart stops instead of inventing a flat
    line.
    """

    day: dt.date
    ideal: float
    remaining: float | None


@dataclass(frozen=True)
class SprintSummary:
    """One sprint with its tasks and the numbers its page shows."""

    sprint: Sprint
    tasks: tuple[Task, ...]
    state: State
    start: dt.date | None
    end: dt.date | None
    #: the window comes from the tasks' Done-on dates, not from a Sprints sheet
    dates_from_tasks: bool
    committed: float
    done: float
    tasks_done: int
    burndown: tuple[BurnPoint, ...]
    #: where the data is too thin to trust the numbers, in words for the page
    notes: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.sprint.name

    @property
    def completion(self) -> float | None:
        """Share of committed points done (0..1), None when nothing is estimated."""
        return self.done / self.committed if self.committed else None

    @property
    def percent(self) -> int | None:
        return round(self.completion * 100) if self.completion is not None else None

    @property
    def days(self) -> int | None:
        return (self.end - self.start).days + 1 if self.start and self.end and self.end >= self.start else None

    def by_status(self) -> list[tuple[str, list[Task]]]:
        """Every status column of the board, in workflow order, even when empty."""
        return group_by_status(self.tasks)


@dataclass(frozen=True)
class SprintOverview:
    """Every sprint in date order, the unplanned tasks and the data's 'today'."""

    sprints: tuple[SprintSummary, ...] = ()
    unplanned: tuple[Task, ...] = ()
    as_of: dt.date | None = None
    by_name: dict[str, SprintSummary] = field(default_factory=dict)

    def in_state(self, state: State) -> list[SprintSummary]:
        return [s for s in self.sprints if s.state == state]

    @property
    def current(self) -> list[SprintSummary]:
        return self.in_state("current")

    @property
    def upcoming(self) -> list[SprintSummary]:
        return self.in_state("upcoming")

    @property
    def past(self) -> list[SprintSummary]:
        """Newest first, as a team looks back."""
        return list(reversed(self.in_state("past")))

    @property
    def velocity_sprints(self) -> list[SprintSummary]:
        """Sprints that have begun (past and current), oldest first: the velocity chart's bars."""
        return [s for s in self.sprints if s.state != "upcoming"]

    @property
    def averaged(self) -> list[SprintSummary]:
        """The past sprints the average velocity counts: the last few, oldest first."""
        return self.in_state("past")[-VELOCITY_WINDOW:]

    @property
    def average_velocity(self) -> float | None:
        """Mean points done over `averaged`, None before any sprint is over."""
        recent = self.averaged
        return round(sum(s.done for s in recent) / len(recent), 1) if recent else None

    def neighbours(self, summary: SprintSummary) -> tuple[SprintSummary | None, SprintSummary | None]:
        """The sprints before and after `summary` in date order."""
        index = self.sprints.index(summary)
        before = self.sprints[index - 1] if index > 0 else None
        after = self.sprints[index + 1] if index + 1 < len(self.sprints) else None
        return before, after


def points(tasks: Iterable[Task]) -> float:
    """Story points of `tasks`; a task without an estimate counts 0."""
    return sum(t.estimate or 0.0 for t in tasks)


def format_points(value: float | None) -> str:
    """'5' for 5.0, '2.5' for 2.5, '' for None: how people write points."""
    if value is None:
        return ""
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def group_by_status(tasks: Iterable[Task]) -> list[tuple[str, list[Task]]]:
    columns: dict[str, list[Task]] = {s: [] for s in STATUSES}
    for task in tasks:
        columns.setdefault(task.status, []).append(task)
    return list(columns.items())


def data_today(tasks: Iterable[Task]) -> dt.date | None:
    """The latest Done-on date of any task: the data's own 'today'."""
    return max((t.done_on for t in tasks if t.done_on), default=None)


def sprint_window(sprint: Sprint, tasks: Sequence[Task]) -> tuple[dt.date | None, dt.date | None, bool]:
    """(start, end, from_tasks): the sheet's dates, else the first and last Done-on of its tasks."""
    if sprint.start or sprint.end:
        return sprint.start, sprint.end, False
    done = sorted(t.done_on for t in tasks if t.done_on)
    if not done:
        return None, None, False
    return done[0], done[-1], True


def burndown(
    start: dt.date | None,
    end: dt.date | None,
    tasks: Sequence[Task],
    known_until: dt.date | None,
) -> tuple[BurnPoint, ...]:
    """Ideal and remaining points per calendar day from `start` to `end`, both included.

    The ideal line falls evenly from the committed points on the first day
    to 0 on the last. Remaining is the committed points less the estimates
    of Done tasks whose Done-on is on or before that day (a task done
    before the sprint began counts on its first day); Done tasks without a
    date never burn. Days after `known_until` have no remaining value.
    """
    if start is None or end is None or end < start:
        return ()
    committed = points(tasks)
    span = (end - start).days
    burned: dict[dt.date, float] = {}
    for task in tasks:
        if task.status == DONE and task.done_on and task.estimate:
            day = max(task.done_on, start)
            burned[day] = burned.get(day, 0.0) + task.estimate
    series = []
    left = committed
    for offset in range(span + 1):
        day = start + dt.timedelta(days=offset)
        left -= burned.get(day, 0.0)
        ideal = committed * (span - offset) / span if span else 0.0
        known = known_until is not None and day <= known_until
        series.append(BurnPoint(day, round(ideal, 1), round(max(left, 0.0), 2) if known else None))
    return tuple(series)


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """'Sprint 9' before 'Sprint 10': digits compare as numbers."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.findall(r"\d+|\D+", fold(text)))


def _began(start: dt.date | None, tasks: Sequence[Task], as_of: dt.date | None) -> bool:
    if start is not None and as_of is not None:
        return start <= as_of
    return any(t.status != "To do" for t in tasks)


def _over(end: dt.date | None, from_tasks: bool, tasks: Sequence[Task], as_of: dt.date | None) -> bool:
    if not tasks or any(t.status != DONE for t in tasks):
        return False
    return from_tasks or end is None or (as_of is not None and end < as_of)


@dataclass(frozen=True)
class _Draft:
    sprint: Sprint
    tasks: tuple[Task, ...]
    start: dt.date | None
    end: dt.date | None
    from_tasks: bool
    sequence: int


def overview(roadmap: Roadmap) -> SprintOverview:
    """Every sprint of the roadmap summarised, in date order, with its state."""
    as_of = data_today(roadmap.tasks)
    tasks_by_sprint: dict[str, list[Task]] = {s.name: [] for s in roadmap.sprints}
    unplanned: list[Task] = []
    for task in roadmap.tasks:
        if task.sprint and task.sprint in tasks_by_sprint:
            tasks_by_sprint[task.sprint].append(task)
        else:
            unplanned.append(task)

    drafts = []
    for n, sprint in enumerate(roadmap.sprints):
        tasks = tuple(tasks_by_sprint[sprint.name])
        start, end, from_tasks = sprint_window(sprint, tasks)
        drafts.append(_Draft(sprint, tasks, start, end, from_tasks, n))
    # Dated sprints by start, then undated ones (a Jira export's future sprints) by name.
    drafts.sort(key=lambda d: (d.start is None, d.start or dt.date.min, natural_key(d.sprint.name), d.sequence))

    states = _states(drafts, as_of)
    summaries = tuple(_summary(d, states[d.sequence], as_of) for d in drafts)
    return SprintOverview(summaries, tuple(unplanned), as_of, {s.name: s for s in summaries})


def _states(drafts: Sequence[_Draft], as_of: dt.date | None) -> dict[int, State]:
    """Per team: the last sprint that began is current, earlier ones past, later ones upcoming."""
    states: dict[int, State] = {}
    teams: dict[str, list[_Draft]] = {}
    for d in drafts:
        teams.setdefault(fold(d.sprint.team), []).append(d)
    for team in teams.values():
        began = [i for i, d in enumerate(team) if _began(d.start, d.tasks, as_of)]
        current = began[-1] if began else -1
        for i, d in enumerate(team):
            states[d.sequence] = "past" if i < current else "upcoming" if i > current else "current"
        if current >= 0:
            d = team[current]
            if _over(d.end, d.from_tasks, d.tasks, as_of):
                states[d.sequence] = "past"
    return states


def _summary(d: _Draft, state: State, as_of: dt.date | None) -> SprintSummary:
    known_until: dt.date | None
    if state == "past":
        known_until = d.end
    elif state == "current":
        known_until = min(as_of, d.end) if as_of and d.end else d.start
    else:
        known_until = None
    done_tasks = [t for t in d.tasks if t.status == DONE]
    return SprintSummary(
        sprint=d.sprint,
        tasks=d.tasks,
        state=state,
        start=d.start,
        end=d.end,
        dates_from_tasks=d.from_tasks,
        committed=points(d.tasks),
        done=points(done_tasks),
        tasks_done=len(done_tasks),
        burndown=burndown(d.start, d.end, d.tasks, known_until) if state != "upcoming" else (),
        notes=tuple(thin_data_notes(d.tasks, d.start, d.end, d.from_tasks, state)),
    )


def _ids(tasks: Sequence[Task], limit: int = 5) -> str:
    shown = ", ".join(t.id for t in tasks[:limit])
    return shown + (f" and {len(tasks) - limit} more" if len(tasks) > limit else "")


def thin_data_notes(
    tasks: Sequence[Task], start: dt.date | None, end: dt.date | None, from_tasks: bool, state: State
) -> list[str]:
    """Plain-language warnings where the numbers rest on missing data."""
    notes = []
    if not tasks:
        notes.append("No tasks are planned in this sprint yet.")
    unestimated = [t for t in tasks if t.estimate is None]
    if unestimated:
        notes.append(
            f"{_count(len(unestimated), 'task')} without an estimate ({_ids(unestimated)}) count as 0 points, "
            "so committed and done undercount the work."
        )
    undated = [t for t in tasks if t.status == DONE and t.done_on is None]
    if undated:
        notes.append(
            f"{_count(len(undated), 'Done task')} without a Done-on date ({_ids(undated)}): "
            f"the burndown cannot place their {format_points(points(undated))} points."
        )
    if from_tasks:
        notes.append(
            "This sprint has no Start and End dates, so the burndown runs from the first to the last "
            "Done-on date of its tasks. Add it to a Sprints sheet with Start and End for a true burndown."
        )
    elif state != "upcoming" and (start is None or end is None):
        notes.append("This sprint has no Start and End dates, so there is no burndown.")
    if start and end and end >= start:
        late = [t for t in tasks if t.status == DONE and t.done_on and t.done_on > end]
        if late:
            verb = "was" if len(late) == 1 else "were"
            notes.append(f"{_count(len(late), 'task')} ({_ids(late)}) {verb} done after the sprint ended.")
    return notes


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"


@dataclass(frozen=True)
class Delivery:
    """What the sprint backlog delivered for some ideas or initiatives: the value side of the sprints."""

    tasks: tuple[Task, ...] = ()
    #: the sprints those tasks are planned in, in date order
    sprints: tuple[Sprint, ...] = ()
    #: whether some of the tasks are in no sprint yet
    unplanned: bool = False

    @property
    def tasks_done(self) -> int:
        return sum(1 for t in self.tasks if t.status == DONE)

    @property
    def points_done(self) -> float:
        return points(t for t in self.tasks if t.status == DONE)

    @property
    def points_total(self) -> float:
        return points(self.tasks)

    def __bool__(self) -> bool:
        return bool(self.tasks)


def delivery(tasks: Iterable[Task], plan: SprintOverview) -> Delivery:
    """The delivery of `tasks` (those serving one initiative or idea), with their sprints in `plan`'s order."""
    chosen = tuple(tasks)
    names = {t.sprint for t in chosen}
    return Delivery(
        tasks=chosen,
        sprints=tuple(s.sprint for s in plan.sprints if s.name in names),
        unplanned=any(t.sprint not in plan.by_name for t in chosen),
    )
