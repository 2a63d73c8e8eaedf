"""Public means public: the projection, and a leak test over every byte of a real public build."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import run_sheetmap, tree_bytes, write_workbook
from sheetmap.audience import project
from sheetmap.config import Config
from sheetmap.model import EMPTY, Feedback, Idea, Initiative, Objective, Rich, Roadmap, Sprint, Task
from sheetmap.parse import count_requests
from sheetmap.pipeline import load


def marker(name: str) -> str:
    """A string that appears nowhere else: if its bytes show up in a file, the cell leaked."""
    return f"ZQ{name.upper()}QZ"


INTERNAL_ROWS = {
    # internal rows: the internal build shows each, the public build none
    "internal initiative": marker("inttitle"),
    "initiative with empty visibility": marker("defaulttitle"),
    "public idea under an internal initiative": marker("ideaunderint"),
    "idea with empty visibility": marker("ideaemptyvis"),
    "internal idea": marker("ideaint"),
    "internal objective": marker("objtitle"),
    "objective with empty visibility": marker("objdefault"),
    "notes": marker("notes"),
    "owner": marker("owner"),
    "feedback": marker("feedback1"),
    "customer": marker("customer1"),
}
INTERNAL_FIELDS = [
    marker("intid"),
    marker("intproblem"),
    marker("intoutcome"),
    marker("inttag"),
    marker("theme"),
    marker("themedesc"),
    marker("ideaid"),
    marker("ideahyp"),
    marker("ideadesc"),
    marker("objid"),
    marker("objkr"),
    marker("objperiod"),
    marker("feedback2"),
    marker("customer2"),
    marker("feedback3"),
    marker("fbsource"),
    marker("fbid"),
]
SPRINT_MARKERS = [
    marker("sprintname"),
    marker("sprintgoal"),
    marker("team"),
    marker("taskid"),
    marker("tasktitle"),
    marker("assignee"),
]
#: kept out of every build, internal ones too
UNKNOWN_COLUMN = [marker("unknownhead"), marker("unknownvalue")]
ALL_MARKERS = [*INTERNAL_ROWS.values(), *INTERNAL_FIELDS, *SPRINT_MARKERS, *UNKNOWN_COLUMN]


def leak_workbook(path: Path) -> Path:
    internal_id = f"INIT-{marker('intid')}"
    internal_okr = f"OKR-{marker('objid')}"
    return write_workbook(
        path,
        {
            "Objectives": [
                ["ID", "Objective", "Key results", "Period", "Visibility"],
                ["OKR-1", "Make reports easy to find", "Search success from 40% to 70%", "2026 H1", "Public"],
                [internal_okr, marker("objtitle"), marker("objkr"), marker("objperiod"), "Internal"],
                ["OKR-3", marker("objdefault"), "", "", None],
            ],
            "Themes": [
                ["Name", "Color", "Description"],
                ["Reporting", "#4f7cac", "Reports and dashboards."],
                [marker("theme"), "#2a9d8f", marker("themedesc")],
            ],
            "Initiatives": [
                [
                    "ID",
                    "Title",
                    "Horizon",
                    "Theme",
                    "Tags",
                    "Objectives",
                    "Problem",
                    "Outcome",
                    "Owner",
                    "Visibility",
                    "Completed",
                    "Notes",
                    marker("unknownhead"),
                ],
                [
                    "INIT-1",
                    "Teams cannot find the report they need",
                    "Next",
                    "Reporting",
                    "search",
                    f"OKR-1, {internal_okr}",
                    "People give up **searching**.",
                    "Fewer support tickets",
                    marker("owner"),
                    "Public",
                    None,
                    f"Keep an eye on {marker('notes')}",
                    marker("unknownvalue"),
                ],
                [
                    internal_id,
                    marker("inttitle"),
                    "Now",
                    marker("theme"),
                    marker("inttag"),
                    "OKR-1",
                    marker("intproblem"),
                    marker("intoutcome"),
                    "Dana",
                    "Internal",
                    None,
                    None,
                    None,
                ],
                ["INIT-3", marker("defaulttitle"), "Later", "Reporting", "", "", "", "", "", None, None, None, None],
                [
                    "INIT-4",
                    "Exports broke for large accounts",
                    "Done",
                    "Reporting",
                    "",
                    "OKR-1",
                    "",
                    "",
                    "",
                    "Public",
                    dt.date(2025, 11, 3),
                    None,
                    None,
                ],
            ],
            "Ideas": [
                ["ID", "Title", "Initiative", "Stage", "Hypothesis", "Description", "Effort", "Value", "Visibility"],
                ["IDEA-1", "Search by report owner", "INIT-1", "Prototyping", "", "", "XL", "High", "Public"],
                [
                    f"IDEA-{marker('ideaid')}",
                    marker("ideaunderint"),
                    internal_id,
                    "",
                    marker("ideahyp"),
                    "",
                    "",
                    "",
                    "Public",
                ],
                ["IDEA-3", marker("ideaemptyvis"), "INIT-1", "", "", marker("ideadesc"), "", "", None],
                ["IDEA-4", marker("ideaint"), "INIT-1", "", "", "", "S", "Low", "Internal"],
            ],
            "Feedback": [
                ["ID", "Item", "Feedback", "Customer", "Source"],
                [f"FB-{marker('fbid')}", "IDEA-1", marker("feedback1"), marker("customer1"), marker("fbsource")],
                ["FB-2", "IDEA-1", marker("feedback2"), marker("customer2"), ""],
                ["FB-3", internal_id, marker("feedback3"), "Initech", ""],
            ],
            "Sprints": [
                ["Sprint", "Start", "End", "Goal", "Team"],
                [marker("sprintname"), dt.date(2026, 3, 2), dt.date(2026, 3, 13), marker("sprintgoal"), marker("team")],
            ],
            "Tasks": [
                ["ID", "Title", "Sprint", "Item", "Status", "Estimate", "Assignee"],
                [
                    f"LUM-{marker('taskid')}",
                    marker("tasktitle"),
                    marker("sprintname"),
                    "IDEA-1",
                    "Done",
                    3,
                    marker("assignee"),
                ],
            ],
        },
    )


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The leak workbook built for both audiences by the real CLI."""
    work = tmp_path_factory.mktemp("leak")
    leak_workbook(work / "roadmap.xlsx")
    out = {}
    for audience in ("public", "internal"):
        result = run_sheetmap("build", "roadmap.xlsx", "--audience", audience, "--out", audience, cwd=work)
        assert result.returncode == 0, result.stderr
        out[audience] = work / audience
    return out


def test_the_markers_are_really_read(tmp_path: Path) -> None:
    """Guards the leak test itself: every marker except the unknown column reaches the full roadmap."""
    loaded = load([str(leak_workbook(tmp_path / "roadmap.xlsx"))], Config())
    assert loaded.report.errors == 0, [p.message for p in loaded.report.problems]
    full = repr(loaded.roadmap)
    for m in [*INTERNAL_ROWS.values(), *INTERNAL_FIELDS, *SPRINT_MARKERS]:
        assert m in full, m
    for m in UNKNOWN_COLUMN:
        assert m not in full


def test_no_byte_of_the_public_build_holds_anything_internal(builds: dict[str, Path]) -> None:
    files = tree_bytes(builds["public"])
    assert "index.html" in files and "roadmap.json" in files
    for name, data in files.items():
        lowered_name, lowered = name.lower(), data.lower()
        for m in ALL_MARKERS:
            assert m.lower() not in lowered_name, f"{m} in the file name {name}"
            assert m.lower().encode() not in lowered, f"{m} leaked into {name}"
        assert b"Effort XL" not in data and b"Value High" not in data, name
        assert b"Initech" not in data, name
    assert not any(name.startswith("sprints/") for name in files)


def test_public_build_shows_only_public_items_and_the_request_count(builds: dict[str, Path]) -> None:
    data = json.loads((builds["public"] / "roadmap.json").read_text(encoding="utf-8"))
    assert data["audience"] == "public"
    assert [i["id"] for i in data["initiatives"]] == ["INIT-1", "INIT-4"]
    first = data["initiatives"][0]
    # The link to the internal objective is dropped, the public one kept.
    assert first["objectives"] == ["OKR-1"]
    assert [x["id"] for x in first["ideas"]] == ["IDEA-1"]
    assert {"effort", "value", "owner", "notes", "visibility"}.isdisjoint(first["ideas"][0])
    assert {"owner", "notes"}.isdisjoint(first)
    assert first["requests"] == 2 and first["ideas"][0]["requests"] == 2
    assert [o["id"] for o in data["objectives"]] == ["OKR-1"]
    assert [t["name"] for t in data["themes"]] == ["Reporting"]
    page = (builds["public"] / "initiatives" / "init-1.html").read_text(encoding="utf-8")
    assert "Teams cannot find the report they need" in page and "Search by report owner" in page
    count = re.compile(r"\b2 (customer )?requests\b")
    assert count.search(page)
    assert count.search((builds["public"] / "index.html").read_text(encoding="utf-8"))


def test_internal_build_shows_every_internal_row(builds: dict[str, Path]) -> None:
    files = tree_bytes(builds["internal"])
    everything = b"\n".join(files.values())
    for what, m in INTERNAL_ROWS.items():
        assert m.encode() in everything, f"the internal build lacks the {what} ({m})"
    # the sprint view: sprint name, goal and team; task ID, title and assignee
    for m in SPRINT_MARKERS:
        assert m.encode() in everything, f"the internal build lacks {m}"
    assert b"Effort XL" in everything
    for name, data in files.items():
        for m in UNKNOWN_COLUMN:
            assert m.lower().encode() not in data.lower(), f"unknown column {m} reached {name}"


def test_default_visibility_public_publishes_empty_cells(tmp_path: Path) -> None:
    loaded = load([str(leak_workbook(tmp_path / "roadmap.xlsx"))], Config(default_visibility="Public"))
    public = project(loaded.roadmap, "public")
    assert [i.id for i in public.initiatives] == ["INIT-1", "INIT-3", "INIT-4"]
    assert [x.id for x in public.ideas] == ["IDEA-1", "IDEA-3"]
    assert [o.id for o in public.objectives] == ["OKR-1", "OKR-3"]
    assert public.feedback == () and public.sprints == () and public.tasks == ()


def test_unknown_audience_is_refused() -> None:
    with pytest.raises(ValueError):
        project(Roadmap(), "everyone")


# --- the projection as a property --------------------------------------------------------------------------------

_ids = st.sampled_from(["A", "B", "C", "D"])
_visibility = st.sampled_from(["Public", "Internal"])
_text = st.text(alphabet="xyz", min_size=1, max_size=3)


@st.composite
def roadmaps(draw: Any) -> Roadmap:
    objectives = tuple(
        Objective(id=f"OKR-{i}", title=draw(_text), visibility=draw(_visibility), period=draw(_text))
        for i in draw(st.sets(_ids))
    )
    initiatives = tuple(
        Initiative(
            id=f"INIT-{i}",
            title=draw(_text),
            horizon=draw(st.sampled_from(["Now", "Next", "Later", "Done"])),
            objectives=tuple(draw(st.lists(st.sampled_from([o.id for o in objectives]), max_size=3)))
            if objectives
            else (),
            owner=draw(_text),
            notes=Rich(draw(_text), "<p>n</p>"),
            visibility=draw(_visibility),
        )
        for i in draw(st.sets(_ids))
    )
    parents = [i.id for i in initiatives] + [""]
    ideas = tuple(
        Idea(
            id=f"IDEA-{i}",
            title=draw(_text),
            initiative=draw(st.sampled_from(parents)),
            effort="M",
            value="High",
            visibility=draw(_visibility),
        )
        for i in draw(st.sets(_ids))
    )
    items = [i.id for i in initiatives] + [x.id for x in ideas] or [""]
    feedback = tuple(
        Feedback(id=str(n), item=draw(st.sampled_from(items)), text=draw(_text), customer=draw(_text))
        for n in range(draw(st.integers(0, 4)))
    )
    return Roadmap(
        initiatives=initiatives,
        ideas=ideas,
        objectives=objectives,
        feedback=feedback,
        sprints=(Sprint("S1", goal="g"),),
        tasks=(Task("T-1", "t", assignee="a"),),
        request_counts=count_requests(feedback, initiatives, ideas),
    )


@settings(max_examples=150, deadline=None)
@given(roadmaps())
def test_projection_keeps_only_what_is_public(full: Roadmap) -> None:
    public = project(full, "public")
    assert public.is_public
    assert public.feedback == () and public.sprints == () and public.tasks == ()
    public_initiatives = {i.id for i in full.initiatives if i.visibility == "Public"}
    public_objectives = {o.id for o in full.objectives if o.visibility == "Public"}
    assert [i.id for i in public.initiatives] == [i.id for i in full.initiatives if i.id in public_initiatives]
    assert {o.id for o in public.objectives} == public_objectives
    for i in public.initiatives:
        assert i.owner == "" and i.notes == EMPTY and i.place is None
        assert set(i.objectives) <= public_objectives
    for x in public.ideas:
        assert x.visibility == "Public" and (x.initiative == "" or x.initiative in public_initiatives)
        assert x.effort == "" and x.value == ""
    # a count never includes feedback on items the public cannot see
    assert set(public.request_counts) <= {i.id for i in public.initiatives} | {x.id for x in public.ideas}
    internal = project(full, "internal")
    assert internal.initiatives == full.initiatives and internal.feedback == full.feedback
