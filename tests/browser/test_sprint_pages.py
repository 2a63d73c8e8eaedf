"""The sprint view in Debian's Chromium: axe-core, phones, dark mode, no JavaScript, and the way
a scrum master uses it at stand-up (goal, board, burndown, what each task serves)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from .conftest import run_axe

pytestmark = pytest.mark.browser

#: The sample's sprint view: the index, the current sprint, a past one, an upcoming one, the unplanned tasks.
SPRINT_PAGES = [
    "internal/sprints/index.html",
    "internal/sprints/sprint-45.html",
    "internal/sprints/sprint-43.html",
    "internal/sprints/sprint-46.html",
    "internal/sprints/unplanned.html",
    # an initiative page with its delivery block (tasks of its ideas in Sprints 41 to 45)
    "internal/initiatives/init-1.html",
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", SPRINT_PAGES)
def test_axe_finds_no_violation(visit: Any, axe: str, path: str, scheme: str) -> None:
    page = visit(path, color_scheme=scheme)
    violations = run_axe(page, axe)
    assert violations == [], violations


@pytest.mark.parametrize("path", SPRINT_PAGES)
def test_nothing_scrolls_sideways_on_a_phone(visit: Any, path: str) -> None:
    page = visit(path, width=375, height=740)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')].filter(el => {
            const r = el.getBoundingClientRect();
            return r.width > 0 && (r.right > 376 || r.left < -1) && !el.closest('.visually-hidden, .skip');
        }).map(el => el.tagName + '.' + el.className).slice(0, 5)"""
    )
    assert wide == [], wide


def test_stand_up_view_of_the_current_sprint(visit: Any, artifacts: Path) -> None:
    page = visit("internal/sprints/index.html")
    hero = page.locator(".sprint-hero")
    assert hero.count() == 1
    assert "Sprint 45" in hero.inner_text() and "Guided BigQuery setup in beta" in hero.inner_text()
    hero.get_by_role("link", name="Board and burndown of Sprint 45").click()
    page.wait_for_url(re.compile(r"sprints/sprint-45\.html$"))
    page.screenshot(path=str(artifacts / "sprint-45.png"), full_page=True)

    # the goal sits above everything else the team looks at
    goal = page.locator(".sprint-goal .goal-text").bounding_box()
    burndown = page.get_by_role("img", name="Burndown of Sprint 45").bounding_box()
    board = page.locator(".task-board").bounding_box()
    assert goal and burndown and board
    assert goal["y"] < burndown["y"] < board["y"]
    assert page.locator(".sprint-goal .goal-text").inner_text() == (
        "Guided BigQuery setup in beta and smart payment retries live"
    )

    columns = page.locator(".board-column h3")
    assert [re.sub(r"\s+", " ", c.inner_text()).split(" ")[0] for c in columns.all()] == [
        "To",
        "In",
        "In",
        "Blocked",
        "Done",
    ]
    blocked = page.locator(".board-column.status-blocked .task")
    assert blocked.count() == 1 and "LRK-146" in blocked.inner_text() and "8 pts" in blocked.inner_text()

    # from a task to the idea it serves, on its initiative page, and back to the sprint
    task = page.locator("#task-lrk-141")
    task.get_by_role("link", name="Guided BigQuery setup").click()
    page.wait_for_url(re.compile(r"initiatives/[\w-]+\.html#idea-idea-7$"))
    assert page.locator("#idea-idea-7").is_visible()
    delivery = page.locator("#delivery")
    assert "Points done" in (delivery.text_content() or "")
    delivery.get_by_role("link", name="Sprint 45").first.click()
    page.wait_for_url(re.compile(r"sprints/sprint-45\.html$"))


def test_burndown_chart_is_drawn_and_matches_its_table(visit: Any) -> None:
    page = visit("internal/sprints/sprint-45.html")
    chart = page.get_by_role("img", name="Burndown of Sprint 45")
    box = chart.bounding_box()
    assert box and box["width"] > 400 and box["height"] > 150
    # the remaining line really is drawn (stroked, visible), one dot per known day
    stroke = page.evaluate("getComputedStyle(document.querySelector('.chart .remaining')).stroke")
    assert stroke not in ("none", "", "rgba(0, 0, 0, 0)")
    dots = page.locator(".chart .remaining-dot").count()
    rows = page.locator("#burndown-table tbody tr")
    known = [r for r in rows.all_inner_texts() if not r.strip().endswith("—")]
    assert dots == len(known) == 5
    assert rows.count() == 14


def test_the_sprint_view_works_without_javascript(visit: Any) -> None:
    page = visit("internal/sprints/sprint-45.html", javascript=False)
    assert page.locator(".task").count() == 11
    assert page.get_by_role("img", name="Burndown of Sprint 45").is_visible()
    assert page.locator("#burndown-table").is_visible()


def test_dark_mode_keeps_the_board_readable(visit: Any, artifacts: Path) -> None:
    page = visit("internal/sprints/sprint-45.html", color_scheme="dark")
    page.screenshot(path=str(artifacts / "sprint-45-dark.png"), full_page=True)
    background = page.evaluate("getComputedStyle(document.querySelector('.task')).backgroundColor")
    text = page.evaluate("getComputedStyle(document.querySelector('.task-title')).color")
    assert background != text
    channels = [int(c) for c in re.findall(r"\d+", background)[:3]]
    assert sum(channels) < 3 * 80, f"a task card in dark mode is {background}"


def test_only_internal_builds_link_to_sprints(visit: Any) -> None:
    internal = visit("internal/index.html")
    internal.get_by_role("navigation", name="Roadmap sections").get_by_role("link", name="Sprints").click()
    internal.wait_for_url(re.compile(r"sprints/index\.html$"))
    public = visit("public/index.html")
    assert public.get_by_role("link", name="Sprints").count() == 0
    assert public.locator("a[href*='sprints/']").count() == 0
