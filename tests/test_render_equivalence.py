"""What moved out of the templates into Python is written exactly as the templates wrote it.

Rendering got cheaper by working figures out once in Python (task cards,
the Delivery block, roadmap.json's encoder, the board's search text)
instead of in Jinja for every card. Each is checked here against the
Jinja expression or library call it replaced, on generated values, so
the pages stay byte for byte what they were.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import tracemalloc
import unicodedata
from importlib import resources
from typing import Any

import jinja2
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import escape

from sheetmap.config import Config
from sheetmap.model import Idea, Initiative, Rich, Roadmap, Sprint, Task
from sheetmap.render.data import dumps
from sheetmap.render.delivery import Deliveries, points_text, sprint_path
from sheetmap.render.sprints import Formats, TaskLinks
from sheetmap.render.views import SiteView, search_text
from sheetmap.schema import STATUSES
from sheetmap.sprint_stats import SprintOverview, delivery

# As the site's environment: autoescaping, strict about undefined names.
JINJA = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
#: The sprint_path macro, read from sprint_macros.html as the site has it.
SPRINT_PATH = next(
    line
    for line in (resources.files("sheetmap") / "themes/default/templates/sprint_macros.html")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.startswith("{% macro sprint_path(")
)


def jinja(expression: str, **values: Any) -> str:
    return JINJA.from_string("{{ " + expression + " }}").render(**values)


numbers = st.integers(-(10**7), 10**7) | st.floats(-1e7, 1e7, allow_nan=False) | st.sampled_from([0.005, 2.675, 1e-7])


@given(numbers)
def test_points_are_written_as_the_pts_macro_wrote_them(value: float) -> None:
    assert points_text(value) == jinja('"%g" | format(value | round(2))', value=value)


@given(
    task_id=st.text(min_size=1, max_size=12),
    status=st.sampled_from(STATUSES) | st.text(max_size=12),
    estimate=st.none() | numbers,
    assignee=st.text(max_size=20),
    done_on=st.none() | st.dates(),
)
def test_a_task_card_says_what_the_card_macro_worked_out(
    task_id: str, status: str, estimate: float | None, assignee: str, done_on: dt.date | None
) -> None:
    task = Task(id=task_id, title="A step", status=status, estimate=estimate, assignee=assignee, done_on=done_on)
    card = TaskLinks(SiteView(Roadmap(tasks=(task,)), Config())).card(task)
    assert escape(card.status) == "status-" + jinja('task.status | lower | replace(" ", "-")', task=task)
    assert escape(card.anchor) == jinja("task.id | lower | replace(' ', '-')", task=task)
    if estimate is None:
        assert card.points == ""
    else:
        number = jinja('"%g" | format(task.estimate | round(2))', task=task)
        assert escape(card.points) == number + " pt" + jinja('"s" if task.estimate != 1', task=task)
    assert card.initials == (Formats.initials(assignee) if assignee else "")
    assert (card.done, card.done_iso) == ((Formats.day(done_on), done_on.isoformat()) if done_on else ("", ""))


@given(st.lists(st.none() | numbers, max_size=30))
def test_a_column_adds_up_its_points_as_the_board_did(estimates: list[float | None]) -> None:
    tasks = [Task(id=f"T-{n}", title="A step", estimate=e) for n, e in enumerate(estimates)]
    summed = 'tasks | map(attribute="estimate") | select("number") | sum'
    assert TaskLinks.points(tasks) == jinja(f'"%g" | format(({summed}) | round(2))', tasks=tasks)


def _backlog(chance: random.Random) -> Roadmap:
    """Initiatives, ideas, sprints (some sharing a name, as when `duplicate-id` is only a warning) and tasks."""
    slugs = ["index-2", "unplanned-2", "core-1", "core-2", "growth-1", "growth-2"]  # never 'index' (slugs.py)
    sprints = tuple(
        Sprint(name=f"Sprint {chance.randint(1, 5)}", start=dt.date(2026, 1, 1) + dt.timedelta(days=14 * n),
               slug=chance.choice(slugs))
        for n in range(chance.randint(0, 7))
    )  # fmt: skip
    initiatives = tuple(Initiative(id=f"I-{n}", title=f"Problem {n}", horizon="Now") for n in range(4))
    ideas = tuple(Idea(id=f"X-{n}", title=f"Idea {n}", initiative=f"I-{n % 5}") for n in range(10))
    items = [i.id for i in initiatives] + [x.id for x in ideas] + ["", "NOPE"]
    names = [s.name for s in sprints] + ["", "Sprint 9"]
    tasks = tuple(
        Task(id=f"T-{n}", title=f"Step {n}", sprint=chance.choice(names), item=chance.choice(items),
             status=chance.choice(STATUSES), estimate=chance.choice([None, 0, 1, 0.5, 2.675, 3, 8, 1e-3]))
        for n in range(chance.randint(0, 60))
    )  # fmt: skip
    return Roadmap(initiatives=initiatives, ideas=ideas, sprints=sprints, tasks=tasks)


def _planned(chance: random.Random) -> tuple[Roadmap, SiteView, SprintOverview]:
    """A random backlog, its view and its sprint plan."""
    roadmap = _backlog(chance)
    view = SiteView(roadmap, Config())
    return roadmap, view, view.sprint_plan


@settings(max_examples=150)
@given(st.randoms(use_true_random=False))
def test_deliveries_are_those_of_sprint_stats(chance: random.Random) -> None:
    roadmap, view, plan = _planned(chance)
    ids = [i.id for i in roadmap.initiatives] + [x.id for x in roadmap.ideas] + ["NOPE"]
    for _ in range(10):
        chosen = chance.sample(ids, chance.randint(0, len(ids)))
        expected = delivery([t for i in chosen for t in view.tasks_by_item.get(i, [])], plan)
        assert view.delivery(chosen) == expected


@settings(max_examples=150)
@given(st.randoms(use_true_random=False))
def test_the_delivery_block_has_the_figures_the_template_worked_out(chance: random.Random) -> None:
    roadmap, view, plan = _planned(chance)
    deliveries = Deliveries(plan, view.tasks_by_item)
    macro = JINJA.from_string(SPRINT_PATH).module
    pts = '"%g" | format(value | round(2))'

    def old(ids: list[str]) -> Any:
        return delivery([t for i in ids for t in view.tasks_by_item.get(i, [])], plan)

    def same(progress: Any, d: Any) -> None:
        assert (progress.tasks_done, progress.tasks) == (d.tasks_done, len(d.tasks))
        assert progress.points_done == jinja(pts, value=d.points_done)
        assert progress.points_total == jinja(pts, value=d.points_total)
        assert progress.sprints == tuple((s.name, str(macro.sprint_path(s))) for s in d.sprints)
        assert all(page == sprint_path(s) for (_, page), s in zip(progress.sprints, d.sprints, strict=True))
        assert progress.unplanned == d.unplanned

    for item in roadmap.initiatives:
        ideas = view.ideas_by_initiative.get(item.id, [])
        report = deliveries.report(item, ideas)
        total = old([item.id] + [x.id for x in ideas])
        if not total:
            assert report is None
            continue
        assert report is not None
        same(report.total, total)
        share = (total.points_done / total.points_total * 100) if total.points_total else 0
        assert report.share == jinja("'%g' | format(share | round(1))", share=share)
        per_idea = [(x, old([x.id])) for x in ideas if old([x.id])]
        assert [x for x, _ in report.ideas] == [x for x, _ in per_idea]
        for (_, progress), (_, d) in zip(report.ideas, per_idea, strict=True):
            same(progress, d)
        direct = old([item.id])
        assert (report.direct is None) == (not direct)
        if report.direct is not None:
            same(report.direct, direct)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=5)
        | st.tuples(children, children)
        | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=40,
)


@given(json_values)
def test_roadmap_json_is_written_as_the_json_module_writes_it(data: Any) -> None:
    assert dumps(data) == (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def test_roadmap_json_does_not_hold_every_piece_of_its_text_until_the_end() -> None:
    # Rendered after the workers fork (render/write.py), a big roadmap.json must not hold its million
    # small pieces of text at once: 108 MB for goal 1's 11.8 MB file when it did.
    idea = {"id": "IDEA-1", "title": "Faster exports", "stage": "Testing", "target": "-20 %", "effort": 3}
    data = {"initiatives": [{"id": f"INIT-{n}", "tags": ["a", "b"], "ideas": [idea] * 10} for n in range(2000)]}
    tracemalloc.start()
    try:
        written = dumps(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert written == (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    assert peak < 3 * len(written)


@given(st.dictionaries(st.integers() | st.floats(allow_nan=False) | st.booleans() | st.none(), st.integers()))
def test_unusual_keys_and_values_are_left_to_the_json_module(data: dict[Any, Any]) -> None:
    for value in (data, {"n": float("nan"), "i": [float("inf")]}):
        assert dumps(value) == (json.dumps(value, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _search_text_by_character(*parts: str) -> str:
    """The board's search text as it was first written: every character looked at."""
    text = " ".join(" ".join(parts).split()).lower()
    text = unicodedata.normalize("NFD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


@given(st.lists(st.text(), max_size=4))
def test_search_text_drops_exactly_the_combining_marks(parts: list[str]) -> None:
    assert search_text(*parts) == _search_text_by_character(*parts)
    assert search_text("Crème brûlée", "ÅNGSTRÖM", "Ǆemal", "한국어") == _search_text_by_character(
        "Crème brûlée", "ÅNGSTRÖM", "Ǆemal", "한국어"
    )


@given(
    tags=st.lists(st.text(max_size=12), max_size=4),
    objectives=st.lists(st.text(max_size=8), max_size=3),
    problem=st.text(max_size=400) | st.sampled_from(["word " * 40, "x" * 200, "It's <b>&amp;</b> " * 12]),
)
@settings(max_examples=200)
def test_a_card_has_what_the_card_template_worked_out(tags: list[str], objectives: list[str], problem: str) -> None:
    item = Initiative(id="I-1", title="T", horizon="Now", tags=tuple(tags), objectives=tuple(objectives),
                      problem=Rich(problem, problem))  # fmt: skip
    card = SiteView(Roadmap(initiatives=(item,)), Config()).card(item)
    assert str(escape(card.tags)) == jinja('item.tags | map("lower") | list | tojson', item=item)
    assert str(escape(card.objectives)) == jinja("item.objectives | list | tojson", item=item)
    assert str(escape(card.summary)) == jinja("item.problem.text | truncate(150)", item=item)
