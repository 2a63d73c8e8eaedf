"""Sprint arithmetic: committed, done, states, velocity and the burndown, number by number."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given
from hypothesis import strategies as st

from sheetmap.model import Roadmap, Sprint, Task
from sheetmap.sprint_stats import (
    BurnPoint,
    burndown,
    data_today,
    delivery,
    format_points,
    group_by_status,
    natural_key,
    overview,
    sprint_window,
)

D = dt.date


def task(
    id_: str,
    sprint: str = "S1",
    status: str = "To do",
    estimate: float | None = 1,
    done_on: dt.date | None = None,
) -> Task:
    return Task(id=id_, title=f"Task {id_}", sprint=sprint, status=status, estimate=estimate, done_on=done_on)


def roadmap(sprints: list[Sprint], tasks: list[Task]) -> Roadmap:
    slugged = [Sprint(s.name, s.start, s.end, s.goal, s.team, slug=s.name.lower().replace(" ", "-")) for s in sprints]
    return Roadmap(sprints=tuple(slugged), tasks=tuple(tasks))


#: A five-day sprint of 20 points: 3 done on day 2, 5 on day 3, 2 before the start, one
#: Done without a date (4 points, never burns), one unestimated task, one still open.
FIVE_DAY_TASKS = [
    task("T1", status="Done", estimate=3, done_on=D(2026, 3, 3)),
    task("T2", status="Done", estimate=5, done_on=D(2026, 3, 4)),
    task("T3", status="Done", estimate=2, done_on=D(2026, 2, 27)),
    task("T4", status="Done", estimate=4, done_on=None),
    task("T5", status="In progress", estimate=None),
    task("T6", status="To do", estimate=6),
]


def test_burndown_point_by_point() -> None:
    series = burndown(D(2026, 3, 2), D(2026, 3, 6), FIVE_DAY_TASKS, known_until=D(2026, 3, 6))
    assert series == (
        # committed 20; T3 (done before the start) burns on the first day
        BurnPoint(D(2026, 3, 2), 20.0, 18.0),
        BurnPoint(D(2026, 3, 3), 15.0, 15.0),
        BurnPoint(D(2026, 3, 4), 10.0, 10.0),
        BurnPoint(D(2026, 3, 5), 5.0, 10.0),
        # T4 is Done but undated, T6 is open: 4 + 6 points are still on the chart
        BurnPoint(D(2026, 3, 6), 0.0, 10.0),
    )


def test_burndown_stops_where_the_data_stops() -> None:
    series = burndown(D(2026, 3, 2), D(2026, 3, 6), FIVE_DAY_TASKS, known_until=D(2026, 3, 3))
    assert [p.remaining for p in series] == [18.0, 15.0, None, None, None]
    assert [p.ideal for p in series] == [20.0, 15.0, 10.0, 5.0, 0.0]


def test_burndown_of_a_fourteen_day_sprint_rounds_the_ideal_line_to_one_decimal() -> None:
    tasks = [task("A", estimate=13, status="Done", done_on=D(2026, 1, 8)), task("B", estimate=23)]
    series = burndown(D(2026, 1, 1), D(2026, 1, 14), tasks, known_until=D(2026, 1, 14))
    assert len(series) == 14
    assert [p.ideal for p in series][:4] == [36.0, 33.2, 30.5, 27.7]
    assert series[-1].ideal == 0.0
    assert [p.remaining for p in series] == [36.0] * 7 + [23.0] * 7


def test_burndown_needs_a_window() -> None:
    assert burndown(None, D(2026, 1, 5), FIVE_DAY_TASKS, D(2026, 1, 5)) == ()
    assert burndown(D(2026, 1, 5), D(2026, 1, 4), FIVE_DAY_TASKS, D(2026, 1, 5)) == ()
    one_day = burndown(D(2026, 1, 5), D(2026, 1, 5), [task("A", estimate=2)], D(2026, 1, 5))
    assert one_day == (BurnPoint(D(2026, 1, 5), 0.0, 2.0),)


def test_summary_counts_committed_done_and_completion() -> None:
    plan = overview(roadmap([Sprint("S1", D(2026, 3, 2), D(2026, 3, 6), goal="Ship it")], FIVE_DAY_TASKS))
    (s,) = plan.sprints
    assert (s.committed, s.done, s.tasks_done, len(s.tasks)) == (20.0, 14.0, 4, 6)
    # the only sprint has begun and is not finished: current, its burndown known up to the last Done-on
    assert (s.percent, s.days, s.state) == (70, 5, "current")
    assert [p.remaining for p in s.burndown] == [18.0, 15.0, 10.0, None, None]
    assert [(status, [t.id for t in tasks]) for status, tasks in s.by_status()] == [
        ("To do", ["T6"]),
        ("In progress", ["T5"]),
        ("In review", []),
        ("Blocked", []),
        ("Done", ["T1", "T2", "T3", "T4"]),
    ]
    notes = " ".join(s.notes)
    assert "1 task without an estimate (T5)" in notes
    assert "1 Done task without a Done-on date (T4)" in notes and "their 4 points" in notes


def test_states_come_from_the_data_never_the_clock() -> None:
    sprints = [
        Sprint("Sprint 9", D(2026, 1, 1), D(2026, 1, 14)),
        Sprint("Sprint 10", D(2026, 1, 15), D(2026, 1, 28)),
        Sprint("Sprint 11", D(2026, 1, 29), D(2026, 2, 11)),
    ]
    tasks = [
        task("A", "Sprint 9", "Done", 3, D(2026, 1, 10)),
        task("B", "Sprint 10", "Done", 5, D(2026, 1, 17)),  # the latest Done-on: the data's 'today'
        task("C", "Sprint 10", "In progress", 8),
        task("D", "Sprint 11", "To do", 2),
        task("E", "", "To do", 1),
    ]
    plan = overview(roadmap(sprints, tasks))
    assert plan.as_of == D(2026, 1, 17)
    assert [(s.name, s.state) for s in plan.sprints] == [
        ("Sprint 9", "past"),
        ("Sprint 10", "current"),
        ("Sprint 11", "upcoming"),
    ]
    current = plan.by_name["Sprint 10"]
    assert [p.remaining for p in current.burndown][:4] == [13.0, 13.0, 8.0, None]
    assert plan.by_name["Sprint 11"].burndown == ()
    assert [t.id for t in plan.unplanned] == ["E"]
    assert [s.name for s in plan.velocity_sprints] == ["Sprint 9", "Sprint 10"]
    assert plan.average_velocity == 3.0
    assert plan.neighbours(current) == (plan.by_name["Sprint 9"], plan.by_name["Sprint 11"])


def test_each_team_has_its_own_current_sprint() -> None:
    sprints = [
        Sprint("Red 1", D(2026, 1, 1), D(2026, 1, 14), team="Red"),
        Sprint("Blue 1", D(2026, 1, 1), D(2026, 1, 10), team="Blue"),
        Sprint("Blue 2", D(2026, 1, 11), D(2026, 1, 20), team="Blue"),
    ]
    tasks = [task("A", "Red 1", "Done", 1, D(2026, 1, 12)), task("B", "Blue 2", "To do", 1)]
    states = {s.name: s.state for s in overview(roadmap(sprints, tasks)).sprints}
    assert states == {"Red 1": "current", "Blue 1": "past", "Blue 2": "current"}


def test_a_finished_last_sprint_is_past() -> None:
    sprints = [Sprint("S1", D(2026, 1, 1), D(2026, 1, 5)), Sprint("S2", D(2026, 1, 6), D(2026, 1, 9))]
    tasks = [task("A", "S1", "Done", 2, D(2026, 1, 3)), task("B", "S2", "Done", 1, D(2026, 1, 12))]
    plan = overview(roadmap(sprints, tasks))
    assert [s.state for s in plan.sprints] == ["past", "past"]
    assert plan.current == [] and [s.name for s in plan.past] == ["S2", "S1"]
    assert any("1 task (B) was done after the sprint ended" in n for n in plan.by_name["S2"].notes)


def test_sprints_without_dates_take_them_from_their_tasks() -> None:
    """A Jira export: sprint names only; past sprints finished, the active one in progress, a future one."""
    sprints = [Sprint("LUM Sprint 10"), Sprint("LUM Sprint 9"), Sprint("LUM Sprint 11")]
    tasks = [
        task("A", "LUM Sprint 9", "Done", 3, D(2025, 10, 2)),
        task("B", "LUM Sprint 9", "Done", 2, D(2025, 10, 6)),
        task("C", "LUM Sprint 10", "Done", 5, D(2025, 10, 20)),
        task("D", "LUM Sprint 10", "In progress", 3),
        task("E", "LUM Sprint 11", "To do", 8),
    ]
    plan = overview(roadmap(sprints, tasks))
    assert [(s.name, s.state) for s in plan.sprints] == [
        ("LUM Sprint 9", "past"),
        ("LUM Sprint 10", "current"),
        ("LUM Sprint 11", "upcoming"),
    ]
    nine = plan.by_name["LUM Sprint 9"]
    assert (nine.start, nine.end, nine.dates_from_tasks) == (D(2025, 10, 2), D(2025, 10, 6), True)
    assert [p.remaining for p in nine.burndown] == [2.0, 2.0, 2.0, 2.0, 0.0]
    assert any("no Start and End dates" in n for n in nine.notes)
    assert sprint_window(Sprint("X"), []) == (None, None, False)


def test_sprints_without_any_dates_use_the_tasks_statuses() -> None:
    sprints = [Sprint("Sprint 2"), Sprint("Sprint 1"), Sprint("Sprint 3")]
    tasks = [task("A", "Sprint 1", "Done"), task("B", "Sprint 2", "In review"), task("C", "Sprint 3")]
    plan = overview(roadmap(sprints, tasks))
    assert plan.as_of is None
    assert [(s.name, s.state) for s in plan.sprints] == [
        ("Sprint 1", "past"),
        ("Sprint 2", "current"),
        ("Sprint 3", "upcoming"),
    ]
    assert all(s.burndown == () for s in plan.sprints)


def test_empty_and_unestimated_sprints() -> None:
    plan = overview(roadmap([Sprint("S1", D(2026, 1, 1), D(2026, 1, 2))], []))
    (s,) = plan.sprints
    assert (s.committed, s.done, s.completion, s.percent) == (0.0, 0.0, None, None)
    assert s.notes == ("No tasks are planned in this sprint yet.",)
    assert plan.average_velocity is None


def test_delivery_counts_tasks_and_orders_their_sprints_by_date() -> None:
    sprints = [Sprint("B", D(2026, 2, 1), D(2026, 2, 14)), Sprint("A", D(2026, 1, 1), D(2026, 1, 14)), Sprint("C")]
    tasks = [
        task("1", "B", "Done", 3, D(2026, 2, 2)),
        task("2", "A", "Done", 2, D(2026, 1, 3)),
        task("3", "", "To do", 5),
        task("4", "B", "In progress", None),
    ]
    plan = overview(roadmap(sprints, tasks))
    d = delivery(tasks, plan)
    assert (d.tasks_done, len(d.tasks), d.points_done, d.points_total) == (2, 4, 5.0, 10.0)
    assert [s.name for s in d.sprints] == ["A", "B"]
    assert d.unplanned and not delivery(tasks[:2], plan).unplanned
    assert not delivery([], plan)


def test_format_points_and_natural_order() -> None:
    assert [format_points(v) for v in (5.0, 2.5, 0.0, 1 / 3, 13.25, None)] == ["5", "2.5", "0", "0.33", "13.25", ""]
    names = ["Sprint 10", "sprint 9", "Sprint 1", "Alpha"]
    assert sorted(names, key=natural_key) == ["Alpha", "Sprint 1", "sprint 9", "Sprint 10"]
    assert data_today([task("A"), task("B", done_on=D(2026, 1, 2)), task("C", done_on=D(2026, 1, 1))]) == D(2026, 1, 2)
    assert [s for s, _ in group_by_status([])] == ["To do", "In progress", "In review", "Blocked", "Done"]


_statuses = st.sampled_from(["To do", "In progress", "In review", "Blocked", "Done"])
_tasks = st.lists(
    st.builds(
        task,
        st.text("ABC123", min_size=1, max_size=4),
        st.just("S1"),
        _statuses,
        st.one_of(st.none(), st.integers(0, 13).map(float)),
        st.one_of(st.none(), st.dates(D(2026, 2, 20), D(2026, 3, 20))),
    ),
    max_size=25,
)


@given(_tasks, st.integers(0, 20))
def test_burndown_properties(tasks: list[Task], length: int) -> None:
    start = D(2026, 3, 1)
    end = start + dt.timedelta(days=length)
    series = burndown(start, end, tasks, known_until=end)
    committed = sum(t.estimate or 0 for t in tasks)
    assert len(series) == length + 1
    assert [p.day for p in series] == [start + dt.timedelta(days=i) for i in range(length + 1)]
    assert series[-1].ideal == 0
    if length:
        assert series[0].ideal == round(committed, 1)
    assert all(a.ideal >= b.ideal for a, b in itertools.pairwise(series))
    remaining = [p.remaining for p in series]
    assert all(r is not None and 0 <= r <= committed for r in remaining)
    assert all(a >= b for a, b in itertools.pairwise(remaining))  # type: ignore[operator]
    burned_in_window = sum(t.estimate or 0 for t in tasks if t.status == "Done" and t.done_on and t.done_on <= end)
    assert series[-1].remaining == round(committed - burned_in_window, 2)
