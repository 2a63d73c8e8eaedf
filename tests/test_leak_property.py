"""Leak-proof by construction, shown by property tests over whole generated workbooks.

Hypothesis draws small workbooks with every sheet, random Visibility in every
row (Public, Internal, empty, odd casing, synonyms), random links between
rows, a random `default_visibility`, and an unknown extra column on every
sheet. Every text cell holds a unique marker. Each workbook is written as a
real .xlsx and built in-process with `sheetmap.pipeline.build`, public and
internal, into temporary folders. Then:

1. No marker of an internal value is in any byte, or any file name, of the
   public build (compared case-insensitively, since IDs reach file names
   lower-cased).
2. The internal build holds every marker it is meant to show (rules per
   column below), so check 1 is not passing because nothing was built.
3. Non-interference: the workbook is written again with every internal cell
   changed (text re-marked, choices, numbers and dates moved) and built for
   the public again: every file is byte-identical. This covers what a marker
   cannot, such as Effort, Value, Estimate, internal dates and row counts.

What the internal site shows, per column (check 2):

* Initiatives: every column, Visibility and Rank aside (they order and badge
  cards, not text). Notes and Owner too: internal builds are for the team.
* Ideas under an existing initiative: every text column (the initiative
  page lists them). An idea without an initiative appears only by title (on
  the Priorities page): its other fields have no page to be on.
* Objectives and Themes: every text column.
* Feedback: the quote, customer and source, on the page of the item it is
  about (an initiative, or an idea under one). The feedback ID is a row key
  the site never shows; feedback about nothing, or about an idea without an
  initiative, has no page.
* Sprints: name, goal and team. Tasks: ID, title and assignee.
* Unknown columns: never shown, in either build (SPEC §2).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import write_workbook
from sheetmap.config import Config
from sheetmap.pipeline import build
from sheetmap.schema import EFFORTS, HORIZONS, STAGES, STATUSES, VALUES

#: Visibility cells as people type them: (cell, what it means; None = the config's default).
VISIBILITY = [
    ("Public", "Public"),
    ("Internal", "Internal"),
    ("", None),
    (" public ", "Public"),
    ("INTERNAL", "Internal"),
    ("pUbLiC", "Public"),
    ("external", "Public"),
    ("private", "Internal"),
    ("Team", "Internal"),
]

UNKNOWN = "Extra"
COLORS = ("#aa3366", "#113366", "#2233aa", "#55aa11")


# --- the plan of a workbook -----------------------------------------------------------------------------


@dataclass
class Plan:
    """The shape of a generated workbook: rows, their visibility, their links. Cell text comes from markers."""

    default_visibility: str
    objectives: list[int]  # index into VISIBILITY per objective
    themes: int
    initiatives: list[dict[str, Any]]
    ideas: list[dict[str, Any]]
    feedback: list[dict[str, Any]]
    sprints: int
    tasks: list[dict[str, Any]]
    salt: str


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    n_obj = draw(st.integers(0, 3))
    n_themes = draw(st.integers(0, 3))
    n_init = draw(st.integers(1, 4))
    n_ideas = draw(st.integers(0, 4))
    n_sprints = draw(st.integers(0, 2))
    vis = st.integers(0, len(VISIBILITY) - 1)
    initiatives = [
        {
            "vis": draw(vis),
            "horizon": draw(st.sampled_from(HORIZONS)),
            # a listed theme, a theme only this initiative names, or none
            "theme": draw(st.one_of(st.none(), st.just(-1), st.integers(0, max(0, n_themes - 1)))),
            "objectives": draw(st.lists(st.integers(0, max(0, n_obj - 1)), max_size=2, unique=True)) if n_obj else [],
            "rank": draw(st.integers(1, 9)),
            "completed": draw(st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31))),
            "tags": draw(st.integers(0, 2)),
        }
        for _ in range(n_init)
    ]
    for item in initiatives:
        if item["theme"] is not None and item["theme"] >= 0 and not n_themes:
            item["theme"] = -1
    ideas = [
        {
            "vis": draw(vis),
            "initiative": draw(st.one_of(st.none(), st.integers(0, n_init - 1))),
            "stage": draw(st.sampled_from(STAGES)),
            "effort": draw(st.sampled_from(EFFORTS)),
            "value": draw(st.sampled_from(VALUES)),
        }
        for _ in range(n_ideas)
    ]
    targets = [("idea", i) for i in range(n_ideas)] + [("initiative", i) for i in range(n_init)]
    feedback = [
        {
            "item": draw(st.one_of(st.none(), st.sampled_from(targets))),
            "date": draw(st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31))),
        }
        for _ in range(draw(st.integers(0, 3)))
    ]
    tasks = [
        {
            "sprint": draw(st.one_of(st.none(), st.integers(0, n_sprints - 1))) if n_sprints else None,
            "item": draw(st.one_of(st.none(), st.sampled_from(targets))),
            "status": draw(st.sampled_from(STATUSES)),
            "estimate": draw(st.integers(0, 13)),
            "done": draw(st.dates(dt.date(2026, 1, 1), dt.date(2026, 3, 1))),
        }
        for _ in range(draw(st.integers(0, 3)))
    ]
    return Plan(
        default_visibility=draw(st.sampled_from(["Internal", "Public"])),
        objectives=[draw(vis) for _ in range(n_obj)],
        themes=n_themes,
        initiatives=initiatives,
        ideas=ideas,
        feedback=feedback,
        sprints=n_sprints,
        tasks=tasks,
        salt=draw(st.text("bcdfghjkmnpqrstvwxz", min_size=4, max_size=4)),
    )


# --- markers and who may see them ----------------------------------------------------------------------


@dataclass
class Cells:
    """A workbook's rows, and for each marker whether it is internal and whether the internal site shows it."""

    sheets: dict[str, list[list[Any]]] = field(default_factory=dict)
    internal: set[str] = field(default_factory=set)
    public: set[str] = field(default_factory=set)
    shown_internally: set[str] = field(default_factory=set)
    shown_publicly: set[str] = field(default_factory=set)
    never_shown: set[str] = field(default_factory=set)


class Writer:
    """Turns a plan into cells. `changed` re-marks and moves every internal value (the non-interference variant)."""

    def __init__(self, plan: Plan, *, changed: bool = False) -> None:
        self.plan = plan
        self.changed = changed
        self.cells = Cells()

    def public_of(self, vis: int) -> bool:
        meant = VISIBILITY[vis][1] or self.plan.default_visibility
        return meant == "Public"

    def mark(
        self, sheet: str, row: int, column: str, *, internal: bool, shown: bool, on_public_site: bool = True
    ) -> str:
        """A unique marker for one cell. `shown`: the internal site shows it; public ones are then shown
        publicly too unless `on_public_site` is False (the Priorities page, where orphan ideas are, is internal)."""
        salt = self.plan.salt + ("x" if internal and self.changed else "")
        text = f"zq{sheet}{row}{column}{salt}qz".lower()
        (self.cells.internal if internal else self.cells.public).add(text)
        if shown:
            self.cells.shown_internally.add(text)
            if not internal and on_public_site:
                self.cells.shown_publicly.add(text)
        return text

    def never(self, sheet: str, row: int) -> str:
        text = self.mark(sheet, row, "unk", internal=True, shown=False)
        self.cells.never_shown.add(text)
        return text

    def moved(self, value: Any, internal: bool, choices: tuple[Any, ...] = ()) -> Any:
        """An internal value, moved in the changed variant (to another valid value)."""
        if not (internal and self.changed):
            return value
        if choices:
            return choices[(choices.index(value) + 1) % len(choices)]
        if isinstance(value, dt.date):
            return value + dt.timedelta(days=1)
        return value + 1

    def workbook(self) -> Cells:
        p = self.plan
        public_init = [self.public_of(i["vis"]) for i in p.initiatives]
        public_obj = [self.public_of(v) for v in p.objectives]
        used_themes = {i["theme"] for i, pub in zip(p.initiatives, public_init, strict=True) if pub}

        obj_ids = [self.mark("ob", n, "id", internal=not public_obj[n], shown=True) for n in range(len(p.objectives))]
        self.cells.sheets["Objectives"] = [["ID", "Objective", "Key results", "Period", "Visibility", UNKNOWN]] + [
            [
                obj_ids[n],
                self.mark("ob", n, "ti", internal=not public_obj[n], shown=True),
                f"- {self.mark('ob', n, 'kr', internal=not public_obj[n], shown=True)}",
                self.mark("ob", n, "pe", internal=not public_obj[n], shown=True),
                VISIBILITY[vis][0],
                self.never("ob", n),
            ]
            for n, vis in enumerate(p.objectives)
        ]

        themes = [self.mark("th", n, "na", internal=n not in used_themes, shown=True) for n in range(p.themes)]
        self.cells.sheets["Themes"] = [["Name", "Color", "Description", UNKNOWN]] + [
            [
                themes[n],
                self.moved(COLORS[n % len(COLORS)], n not in used_themes, COLORS),
                self.mark("th", n, "de", internal=n not in used_themes, shown=True),
                self.never("th", n),
            ]
            for n in range(p.themes)
        ]

        init_ids = []
        init_rows = []
        for n in range(len(p.initiatives)):
            internal = not public_init[n]
            init_ids.append(self.mark("in", n, "id", internal=internal, shown=True))
        for n, item in enumerate(p.initiatives):
            internal = not public_init[n]
            theme = ""
            if item["theme"] == -1:
                theme = self.mark("in", n, "th", internal=internal, shown=True)
            elif item["theme"] is not None:
                theme = themes[item["theme"]]
            tags = ", ".join(self.mark("in", n, f"t{k}", internal=internal, shown=True) for k in range(item["tags"]))
            init_rows.append(
                [
                    init_ids[n],
                    self.mark("in", n, "ti", internal=internal, shown=True),
                    self.moved(item["horizon"], internal, HORIZONS),
                    theme,
                    tags,
                    ", ".join(obj_ids[o] for o in item["objectives"]),
                    self.mark("in", n, "pr", internal=internal, shown=True),
                    self.mark("in", n, "de", internal=internal, shown=True),
                    self.mark("in", n, "ou", internal=internal, shown=True),
                    self.mark("in", n, "ow", internal=True, shown=True),
                    VISIBILITY[item["vis"]][0],
                    self.moved(item["rank"], internal),
                    self.moved(item["completed"], internal),
                    f"Remember {self.mark('in', n, 'no', internal=True, shown=True)}",
                    self.never("in", n),
                ]
            )
        self.cells.sheets["Initiatives"] = [
            ["ID", "Title", "Horizon", "Theme", "Tags", "Objectives", "Problem", "Description", "Outcome", "Owner",
             "Visibility", "Rank", "Completed", "Notes", UNKNOWN],
            *init_rows,
        ]  # fmt: skip

        idea_ids = []
        idea_public = []
        idea_on_page = []
        for n, idea in enumerate(p.ideas):
            parent = idea["initiative"]
            public = self.public_of(idea["vis"]) and (parent is None or public_init[parent])
            idea_public.append(public)
            idea_on_page.append(parent is not None)
            idea_ids.append(self.mark("id", n, "id", internal=not public, shown=parent is not None))
        idea_rows = []
        for n, idea in enumerate(p.ideas):
            internal, on_page = not idea_public[n], idea_on_page[n]
            parent = idea["initiative"]
            idea_rows.append(
                [
                    idea_ids[n],
                    self.mark("id", n, "ti", internal=internal, shown=True, on_public_site=on_page),
                    init_ids[parent] if parent is not None else "",
                    self.moved(idea["stage"], internal, STAGES),
                    self.mark("id", n, "hy", internal=internal, shown=on_page),
                    self.mark("id", n, "us", internal=internal, shown=on_page),
                    self.mark("id", n, "de", internal=internal, shown=on_page),
                    self.mark("id", n, "me", internal=internal, shown=on_page),
                    self.mark("id", n, "ta", internal=internal, shown=on_page),
                    self.mark("id", n, "ac", internal=internal, shown=on_page),
                    self.moved(idea["effort"], True, EFFORTS),
                    self.moved(idea["value"], True, VALUES),
                    VISIBILITY[idea["vis"]][0],
                    self.never("id", n),
                ]
            )
        self.cells.sheets["Ideas"] = [
            ["ID", "Title", "Initiative", "Stage", "Hypothesis", "User story", "Description", "Metric", "Target",
             "Actual", "Effort", "Value", "Visibility", UNKNOWN],
            *idea_rows,
        ]  # fmt: skip

        def target(ref: tuple[str, int] | None) -> tuple[str, bool]:
            """The ID a feedback or task row points at, and whether that item has a page to show it on."""
            if ref is None:
                return "", False
            kind, index = ref
            if kind == "initiative":
                return init_ids[index], True
            return idea_ids[index], idea_on_page[index]

        fb_rows = []
        for n, entry in enumerate(p.feedback):
            item, on_page = target(entry["item"])
            fb_rows.append(
                [
                    self.mark("fb", n, "id", internal=True, shown=False),
                    item,
                    self.mark("fb", n, "qu", internal=True, shown=on_page),
                    self.mark("fb", n, "cu", internal=True, shown=on_page),
                    self.mark("fb", n, "so", internal=True, shown=on_page),
                    self.moved(entry["date"], True),
                    self.never("fb", n),
                ]
            )
        self.cells.sheets["Feedback"] = [["ID", "Item", "Feedback", "Customer", "Source", "Date", UNKNOWN], *fb_rows]

        sprint_names = [self.mark("sp", n, "na", internal=True, shown=True) for n in range(p.sprints)]
        self.cells.sheets["Sprints"] = [["Sprint", "Start", "End", "Goal", "Team", UNKNOWN]] + [
            [
                sprint_names[n],
                self.moved(dt.date(2026, 1, 5) + dt.timedelta(days=14 * n), True),
                self.moved(dt.date(2026, 1, 16) + dt.timedelta(days=14 * n), True),
                self.mark("sp", n, "go", internal=True, shown=True),
                self.mark("sp", n, "te", internal=True, shown=True),
                self.never("sp", n),
            ]
            for n in range(p.sprints)
        ]
        self.cells.sheets["Tasks"] = [
            ["ID", "Title", "Sprint", "Item", "Status", "Estimate", "Assignee", "Done on", UNKNOWN]
        ] + [
            [
                self.mark("ta", n, "id", internal=True, shown=True),
                self.mark("ta", n, "ti", internal=True, shown=True),
                sprint_names[task["sprint"]] if task["sprint"] is not None else "",
                target(task["item"])[0],
                self.moved(task["status"], True, STATUSES),
                self.moved(task["estimate"], True),
                self.mark("ta", n, "as", internal=True, shown=True),
                self.moved(task["done"], True) if task["status"] == "Done" else None,
                self.never("ta", n),
            ]
            for n, task in enumerate(p.tasks)
        ]
        return self.cells


# --- building ----------------------------------------------------------------------------------------------


def _build(folder: Path, cells: Cells, plan: Plan, audience: str) -> Path:
    workbook = write_workbook(folder / "roadmap.xlsx", cells.sheets)
    out = folder / f"site-{audience}"
    result = build([str(workbook)], Config(default_visibility=plan.default_visibility), audience=audience, out=out)
    errors = [f"{p.where}: {p.message}" for p in result.report if p.severity == "error"]
    assert result.written and not errors, errors
    return out


def _files(root: Path) -> Iterator[tuple[str, bytes]]:
    for path in sorted(root.rglob("*")):
        if path.is_file():
            yield path.relative_to(root).as_posix(), path.read_bytes()


def _leaks(root: Path, markers: set[str]) -> list[str]:
    found = []
    for name, data in _files(root):
        name_l, data_l = name.lower(), data.lower()
        for marker in markers:
            encoded = marker.encode()
            if marker in name_l:
                found.append(f"{marker} in the name {name}")
            if encoded in data_l:
                found.append(f"{marker} in {name}")
    return found


def _everything(root: Path) -> bytes:
    return b"\n".join(name.encode().lower() + b"\n" + data.lower() for name, data in _files(root))


def check(plan: Plan, tmp: Path) -> None:
    saved = os.environ.pop("SOURCE_DATE_EPOCH", None)  # the feed's dates must then come from the data
    try:
        cells = Writer(plan).workbook()
        public = _build(tmp / "a", cells, plan, "public")
        internal = _build(tmp / "a", cells, plan, "internal")

        leaks = _leaks(public, cells.internal)
        assert leaks == [], leaks

        everything = _everything(internal)
        missing = sorted(m for m in cells.shown_internally if m.encode() not in everything)
        assert missing == [], f"the internal build does not show {missing}"
        published = _everything(public)
        missing = sorted(m for m in cells.shown_publicly if m.encode() not in published)
        assert missing == [], f"the public build does not show {missing}"
        never = sorted(m for m in cells.never_shown if m.encode() in everything)
        assert never == [], f"unknown columns reached the internal build: {never}"

        changed = Writer(plan, changed=True).workbook()
        assert changed.public == cells.public  # the variant changed internal cells only
        again = _build(tmp / "b", changed, plan, "public")
        first, second = dict(_files(public)), dict(_files(again))
        assert sorted(first) == sorted(second), "changing internal cells changed the public file list"
        different = [name for name in first if first[name] != second[name]]
        assert different == [], f"changing internal cells changed the public {different}"
    finally:
        if saved is not None:
            os.environ["SOURCE_DATE_EPOCH"] = saved


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plans())
def test_public_build_never_holds_an_internal_value(tmp_path_factory: pytest.TempPathFactory, plan: Plan) -> None:
    check(plan, tmp_path_factory.mktemp("leak"))


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plans())
def test_public_build_never_holds_an_internal_value_long(tmp_path_factory: pytest.TempPathFactory, plan: Plan) -> None:
    check(plan, tmp_path_factory.mktemp("leak"))


def test_a_hand_written_plan_with_every_kind_of_row(tmp_path: Path) -> None:
    """One fixed workbook with every case at once, so a failure here reads without Hypothesis's shrinking."""
    plan = Plan(
        default_visibility="Internal",
        objectives=[0, 1, 2],
        themes=2,
        initiatives=[
            {"vis": 0, "horizon": "Now", "theme": 0, "objectives": [0, 1], "rank": 1,
             "completed": dt.date(2026, 1, 2), "tags": 2},
            {"vis": 1, "horizon": "Next", "theme": 1, "objectives": [0], "rank": 2,
             "completed": dt.date(2026, 3, 4), "tags": 1},
            {"vis": 2, "horizon": "Done", "theme": -1, "objectives": [], "rank": 3,
             "completed": dt.date(2026, 5, 6), "tags": 0},
            {"vis": 6, "horizon": "Done", "theme": None, "objectives": [2], "rank": 4,
             "completed": dt.date(2026, 7, 8), "tags": 1},
        ],
        ideas=[
            {"vis": 0, "initiative": 0, "stage": "Successful", "effort": "S", "value": "High"},
            {"vis": 0, "initiative": 1, "stage": "Ready", "effort": "M", "value": "Low"},
            {"vis": 1, "initiative": 0, "stage": "Failed", "effort": "XL", "value": "Medium"},
            {"vis": 0, "initiative": None, "stage": "Parked", "effort": "XS", "value": "Low"},
        ],
        feedback=[
            {"item": ("initiative", 0), "date": dt.date(2026, 2, 1)},
            {"item": ("idea", 0), "date": dt.date(2026, 2, 2)},
            {"item": ("initiative", 1), "date": dt.date(2026, 2, 3)},
            {"item": None, "date": dt.date(2026, 2, 4)},
        ],
        sprints=2,
        tasks=[
            {"sprint": 0, "item": ("idea", 0), "status": "Done", "estimate": 3, "done": dt.date(2026, 1, 8)},
            {"sprint": 1, "item": ("initiative", 1), "status": "To do", "estimate": 5, "done": dt.date(2026, 1, 9)},
            {"sprint": None, "item": None, "status": "Blocked", "estimate": 1, "done": dt.date(2026, 1, 10)},
        ],
        salt="kqzv",
    )  # fmt: skip
    check(plan, tmp_path)
