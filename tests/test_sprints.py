"""The sprint view, built end to end with the real CLI from real workbooks.

One product backlog and one sprint backlog with known numbers: the pages
must show them exactly, the burndown chart must say what its table says,
the roadmap and the sprints must link to each other, and nothing of the
sprint backlog may reach a public build.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from conftest import run_sheetmap, tree_bytes, write_workbook

D = dt.date

INITIATIVES = [
    ["ID", "Title", "Horizon", "Problem", "Description", "Visibility"],
    ["INIT-1", "Reports are hard to find", "Now", "People ask in chat", "One search box", "Public"],
    ["INIT-2", "Invoices fail without notice", "Next", "Churn", "Smart retries", "Internal"],
]
IDEAS = [
    ["ID", "Title", "Initiative", "Stage", "Visibility"],
    ["IDEA-1", "Search box in the top bar", "INIT-1", "In development", "Public"],
    ["IDEA-2", "Search metric definitions", "INIT-1", "Ready", "Public"],
    ["IDEA-3", "Retry on a smart schedule", "INIT-2", "Prototyping", "Internal"],
]
SPRINTS = [
    ["Sprint", "Start", "End", "Goal", "Team"],
    ["Otter Sprint 7", D(2026, 3, 2), D(2026, 3, 6), "Otter goal: search index live", "Otter squad"],
    ["Otter Sprint 8", D(2026, 3, 9), D(2026, 3, 13), "Otter goal: search beta for ten accounts", "Otter squad"],
    ["Otter Sprint 9", D(2026, 3, 16), D(2026, 3, 20), "Otter goal: retries in beta", "Otter squad"],
]
TASKS = [
    ["ID", "Title", "Sprint", "Item", "Status", "Estimate", "Assignee", "Done on"],
    ["OTT-1", "Otter task: index schema", "Otter Sprint 7", "IDEA-1", "Done", 3, "Quentin Zyx", D(2026, 3, 3)],
    ["OTT-2", "Otter task: nightly reindex", "Otter Sprint 7", "IDEA-2", "Done", 2, "Wanda Vox", D(2026, 3, 5)],
    ["OTT-3", "Otter task: retry webhook", "Otter Sprint 7", "INIT-2", "Done", 5, "Quentin Zyx", D(2026, 3, 6)],
    ["OTT-11", "Otter task: search box", "Otter Sprint 8", "IDEA-1", "Done", 5, "Wanda Vox", D(2026, 3, 10)],
    ["OTT-12", "Otter task: metric results", "Otter Sprint 8", "IDEA-2", "Done", 3, "Quentin Zyx", D(2026, 3, 11)],
    ["OTT-13", "Otter task: keyboard shortcut", "Otter Sprint 8", "IDEA-1", "In progress", 8, "Wanda Vox", None],
    ["OTT-14", "Otter task: retry history", "Otter Sprint 8", "INIT-2", "In review", 2, "Quentin Zyx", None],
    ["OTT-15", "Otter task: dunning email", "Otter Sprint 8", "IDEA-3", "Blocked", 2, "Wanda Vox", None],
    ["OTT-16", "Otter task: zero results", "Otter Sprint 8", "IDEA-2", "To do", None, "", None],
    ["OTT-17", "Otter task: beta flag", "Otter Sprint 8", "IDEA-1", "Done", 4, "Wanda Vox", None],
    ["OTT-21", "Otter task: grace period", "Otter Sprint 9", "IDEA-3", "To do", 3, "Quentin Zyx", None],
    ["OTT-31", "Otter task: query log", None, "IDEA-2", "To do", 2, "", None],
]
#: Every string of the sprint backlog; none may appear in a public build.
SPRINT_STRINGS = sorted(
    {
        str(v)
        for row in SPRINTS[1:] + TASKS[1:]
        for v in row
        if isinstance(v, str) and not v.startswith(("IDEA", "INIT"))
    }
    - {"Done", "To do", "In progress", "In review", "Blocked", ""}
)


#: Tags that do not break a line of text ("<a>Sprint 7</a>, <a>Sprint 8</a>").
INLINE = {"a", "strong", "em", "time", "abbr"}


class Page(HTMLParser):
    """The links, ids and text of one HTML page."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.words: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in INLINE:
            self.words.append(" ")
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        for key in ("href", "src"):
            if found.get(key):
                self.links.append(str(found[key]))

    def handle_endtag(self, tag: str) -> None:
        if tag not in INLINE:
            self.words.append(" ")

    def handle_data(self, data: str) -> None:
        self.words.append(data)

    @property
    def text(self) -> str:
        """The page's words as a reader sees them: one space between blocks, none inside a link."""
        return " ".join("".join(self.words).split())


def page(site: Path, path: str) -> Page:
    return Page((site / path).read_text(encoding="utf-8"))


def broken_links(site: Path) -> list[str]:
    """Every relative link of every page that does not lead to a file (and an id, for #fragments)."""
    broken = []
    pages = {p.relative_to(site).as_posix(): Page(p.read_text(encoding="utf-8")) for p in site.rglob("*.html")}
    for path, parsed in pages.items():
        for link in parsed.links:
            if re.match(r"^[a-z]+:", link) or link.startswith("//"):
                continue
            target, _, fragment = link.partition("#")
            resolved = (site / path).parent / target if target else site / path
            relative = resolved.resolve().relative_to(site.resolve()).as_posix() if resolved.exists() else None
            if relative is None:
                broken.append(f"{path} -> {link}")
            elif fragment and relative in pages and fragment not in pages[relative].ids:
                broken.append(f"{path} -> {link} (no id {fragment})")
    return broken


def write_books(folder: Path) -> dict[str, Path]:
    """The same backlog as one workbook, and as a product and a sprint workbook."""
    product = {"Initiatives": INITIATIVES, "Ideas": IDEAS}
    sprint = {"Sprints": SPRINTS, "Tasks": TASKS}
    return {
        "combined": write_workbook(folder / "combined.xlsx", {**product, **sprint}),
        "product": write_workbook(folder / "product.xlsx", product),
        "sprint": write_workbook(folder / "sprint.xlsx", sprint),
    }


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    work = tmp_path_factory.mktemp("sprints")
    books = write_books(work)
    runs = {
        "internal": ("build", books["combined"], "--audience", "internal", "--out", "internal"),
        "public": ("build", books["combined"], "--audience", "public", "--out", "public"),
        "split": ("build", books["product"], books["sprint"], "--audience", "internal", "--out", "split"),
        "again": ("build", books["combined"], "--audience", "internal", "--out", "again"),
    }
    for name, args in runs.items():
        result = run_sheetmap(*args, cwd=work)
        assert result.returncode == 0, (name, result.stderr)
        assert "Traceback" not in result.stderr
    return {name: work / name for name in runs} | {"work": work}


def test_internal_build_has_the_sprint_view(builds: dict[str, Path]) -> None:
    site = builds["internal"]
    pages = sorted(p.name for p in (site / "sprints").glob("*.html"))
    assert pages == [
        "index.html",
        "otter-sprint-7.html",
        "otter-sprint-8.html",
        "otter-sprint-9.html",
        "unplanned.html",
    ]
    assert "./sprints/index.html" in page(site, "index.html").links
    assert broken_links(site) == []


def test_sprint_index_groups_sprints_by_state_with_their_numbers(builds: dict[str, Path]) -> None:
    index = page(builds["internal"], "sprints/index.html")
    text = index.text
    assert "Figures as of 11 Mar 2026" in text  # the latest Done-on date, never the clock
    current = text[text.index("Current") : text.index("Velocity")]
    assert "Otter Sprint 8" in current and "Otter goal: search beta for ten accounts" in current
    assert "Points done 12 of 24" in current and "Tasks done 3 of 7" in current and "50%" in current
    upcoming = text[text.index("Upcoming Sprint") : text.index("Past Sprint")]
    assert "Otter Sprint 9" in upcoming and "9–13 Mar" not in upcoming and "16–20 Mar 2026" in upcoming
    past = text[text.index("Past Sprint") :]
    assert re.search(r"Otter Sprint 7 2–6 Mar 2026 Otter squad Otter goal: search index live 10 10 100%", past)
    assert "1 task not in any sprint" in text and "(2 points estimated)" in text
    velocity = text[text.index("Velocity in numbers") :]
    assert re.search(
        r"Otter Sprint 7 10 10 Otter Sprint 8 \(current\) 24 12 Average over the last finished sprint 10", velocity
    )


def test_sprint_page_shows_goal_board_and_what_each_task_serves(builds: dict[str, Path]) -> None:
    site = builds["internal"]
    sprint = page(site, "sprints/otter-sprint-8.html")
    text = sprint.text
    assert text.index("Sprint goal Otter goal: search beta for ten accounts") < text.index("Board")
    assert "9–13 Mar 2026 · 5 days · Otter squad" in text
    assert "Committed 24 pts Done 12 pts Completion 50% Tasks done 3 of 7" in text
    board = text[text.index("Board") :]
    heads = list(re.finditer(r"(To do|In progress|In review|Blocked|Done) \d+ [\d.]+ pts", board))
    assert [h.group(1) for h in heads] == ["To do", "In progress", "In review", "Blocked", "Done"]
    ends = [h.start() for h in heads[1:]] + [len(board)]
    found = {h.group(1): board[h.start() : end] for h, end in zip(heads, ends, strict=True)}
    assert re.match(
        r"To do 1 0 pts OTT-16 \? pts Otter task: zero results Serves Search metric definitions", found["To do"]
    )
    assert "OTT-13 8 pts Otter task: keyboard shortcut" in found["In progress"]
    assert "OTT-14 2 pts Otter task: retry history Serves Invoices fail without notice" in found["In review"]
    assert "OTT-15 2 pts Otter task: dunning email" in found["Blocked"]
    assert found["Done"].startswith("Done 3 12 pts")
    assert "Done 10 Mar" in found["Done"] and "No Done-on date" in found["Done"]
    html_text = (site / "sprints/otter-sprint-8.html").read_text(encoding="utf-8")
    card = html_text[html_text.index('id="task-ott-11"') :]
    card = card[: card.index("</li>")]
    # the task links to its idea (an anchor on the initiative page) and to the initiative
    assert 'href="../initiatives/init-1.html#idea-idea-1">Search box in the top bar</a>' in card
    assert 'href="../initiatives/init-1.html">Reports are hard to find</a>' in card
    assert "Wanda Vox" in card and "5 pts" in card


def test_sprint_page_warns_where_the_data_is_thin(builds: dict[str, Path]) -> None:
    text = page(builds["internal"], "sprints/otter-sprint-8.html").text
    notes = text[text.index("Check the data") : text.index("Burndown")]
    assert "1 task without an estimate (OTT-16) count as 0 points" in notes
    assert "1 Done task without a Done-on date (OTT-17): the burndown cannot place their 4 points" in notes
    assert "Check the data" not in page(builds["internal"], "sprints/otter-sprint-7.html").text


def _burndown_table(html_text: str) -> list[tuple[str, str, str]]:
    table = html_text[
        html_text.index('id="burndown-table"') : html_text.index("</table>", html_text.index("burndown-table"))
    ]
    rows = re.findall(
        r'<time datetime="([\d-]+)">.*?</time></th><td class="num">([^<]*)</td><td class="num">(.*?)</td>', table
    )
    return [(day, ideal, "" if "—" in remaining else remaining) for day, ideal, remaining in rows]


@pytest.mark.parametrize(
    ("slug", "expected"),
    [
        (
            "otter-sprint-7",
            [
                ("2026-03-02", "10", "10"),
                ("2026-03-03", "7.5", "7"),
                ("2026-03-04", "5", "7"),
                ("2026-03-05", "2.5", "5"),
                ("2026-03-06", "0", "0"),
            ],
        ),
        (
            # current: known up to 11 Mar, the latest Done-on; OTT-17 (Done, no date) never burns
            "otter-sprint-8",
            [
                ("2026-03-09", "24", "24"),
                ("2026-03-10", "18", "19"),
                ("2026-03-11", "12", "16"),
                ("2026-03-12", "6", ""),
                ("2026-03-13", "0", ""),
            ],
        ),
    ],
)
def test_burndown_numbers_point_by_point(builds: dict[str, Path], slug: str, expected: list[Any]) -> None:
    assert _burndown_table((builds["internal"] / f"sprints/{slug}.html").read_text(encoding="utf-8")) == expected


@pytest.mark.parametrize("slug", ["otter-sprint-7", "otter-sprint-8"])
def test_burndown_chart_and_table_agree(builds: dict[str, Path], slug: str) -> None:
    """Read the numbers back from the drawing (through its own axis labels) and compare with the table."""
    text = (builds["internal"] / f"sprints/{slug}.html").read_text(encoding="utf-8")
    svg = text[text.index("<svg") : text.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    ticks = [
        (float(y), float(v)) for y, v in re.findall(r'<text class="tick" x="36" y="([\d.]+)"[^>]*>([\d.]+)</text>', svg)
    ]
    (y0, v0), (y1, v1) = ticks[0], ticks[-1]

    def value(y: float) -> float:
        return v0 + (y - y0) * (v1 - v0) / (y1 - y0)

    table = _burndown_table(text)
    ideal = re.search(r'<polyline class="ideal" points="([^"]+)"', svg)
    remaining = re.search(r'<polyline class="remaining" points="([^"]+)"', svg)
    assert ideal and remaining
    drawn_ideal = [value(float(p.split(",")[1])) for p in ideal.group(1).split()]
    drawn_remaining = [value(float(p.split(",")[1])) for p in remaining.group(1).split()]
    assert drawn_ideal == pytest.approx([float(i) for _, i, _ in table], abs=0.05)
    assert drawn_remaining == pytest.approx([float(r) for _, _, r in table if r], abs=0.05)
    dots = re.findall(r"<title>(\d+ \w+): ([\d.]+) points left</title>", svg)
    assert [r for _, r in dots] == [r for _, _, r in table if r]


def test_velocity_chart_and_table_agree(builds: dict[str, Path]) -> None:
    text = (builds["internal"] / "sprints/index.html").read_text(encoding="utf-8")
    svg = text[text.index('<svg class="chart chart-velocity"') : text.index("</svg>")]
    bars = re.findall(r"<title>([^<]+): ([\d.]+) points (committed|done)</title>", svg)
    assert bars == [
        ("Otter Sprint 7", "10", "committed"),
        ("Otter Sprint 7", "10", "done"),
        ("Otter Sprint 8", "24", "committed"),
        ("Otter Sprint 8", "12", "done"),
    ]
    heights = [float(h) for h in re.findall(r'<rect class="bar[^"]*"[^>]*height="([\d.]+)"', svg)]
    committed7, done7, committed8, done8 = heights
    assert committed7 == done7 == pytest.approx(done8 * 10 / 12, abs=0.1)
    assert committed8 == pytest.approx(2 * done8, abs=0.1)


def test_roadmap_and_sprints_link_both_ways(builds: dict[str, Path]) -> None:
    site = builds["internal"]
    one = page(site, "initiatives/init-1.html")
    delivery = one.text[one.text.index("Delivery") :]
    assert delivery.startswith("Delivery")
    # INIT-1's ideas carry OTT-1, 2, 11, 12, 13, 16, 17 and 31
    assert "Tasks done 5 of 8 Points done 17 of 27 Sprints Otter Sprint 7, Otter Sprint 8, not planned yet" in delivery
    assert (
        "Search box in the top bar Tasks done 3 of 4 Points done 12 of 20 Sprints Otter Sprint 7, Otter Sprint 8"
        in delivery
    )
    assert "../sprints/otter-sprint-7.html" in one.links and "../sprints/unplanned.html" in one.links
    two = page(site, "initiatives/init-2.html")
    assert "Tasks done 1 of 4 Points done 5 of 12" in two.text
    assert "For the initiative as a whole Tasks done 1 of 2 Points done 5 of 7" in two.text
    sprint = page(site, "sprints/otter-sprint-7.html")
    assert "../initiatives/init-2.html" in sprint.links and "../initiatives/init-1.html#idea-idea-2" in sprint.links


def test_public_build_holds_no_trace_of_the_sprint_backlog(builds: dict[str, Path]) -> None:
    site = builds["public"]
    assert not (site / "sprints").exists()
    files = tree_bytes(site)
    assert files, "the public build is empty"
    assert not [name for name in files if "sprint" in name.lower()], "no file name even mentions sprints"
    for name, data in files.items():
        text = data.decode("utf-8", errors="replace")
        leaked = [s for s in SPRINT_STRINGS if s in text or html.escape(s) in text]
        assert not leaked, f"{name} holds {leaked}"
        assert "sprints/" not in text, name
        assert 'id="delivery"' not in text, name
    data = json.loads(files["roadmap.json"])
    assert "sprints" not in data and "tasks" not in data
    assert [i["id"] for i in data["initiatives"]] == ["INIT-1"]


def test_split_workbooks_build_the_same_site(builds: dict[str, Path]) -> None:
    assert tree_bytes(builds["split"]) == tree_bytes(builds["internal"])
    assert tree_bytes(builds["again"]) == tree_bytes(builds["internal"])


def test_sources_in_the_config_combine_too(builds: dict[str, Path]) -> None:
    work = builds["work"]
    (work / "sheetmap.yml").write_text(
        "sources:\n  - product.xlsx\n  - sprint.xlsx\naudiences:\n  internal:\n    out: from-config\n", encoding="utf-8"
    )
    try:
        result = run_sheetmap("build", "--audience", "internal", cwd=work)
    finally:
        (work / "sheetmap.yml").unlink()
    assert result.returncode == 0, result.stderr
    assert tree_bytes(work / "from-config") == tree_bytes(builds["internal"])


def test_unknown_sprint_or_idea_is_an_error_at_its_cell(tmp_path: Path) -> None:
    tasks = [*TASKS, ["OTT-99", "Otter task: lost", "Otter Sprint 99", "IDEA-404", "To do", 1, "", None]]
    book = write_workbook(
        tmp_path / "book.xlsx", {"Initiatives": INITIATIVES, "Ideas": IDEAS, "Sprints": SPRINTS, "Tasks": tasks}
    )
    result = run_sheetmap("validate", book, "--format", "json", cwd=tmp_path)
    assert result.returncode == 1
    problems = [p for p in json.loads(result.stdout)["problems"] if p["code"] == "unknown-reference"]
    row = len(tasks)
    assert [(p["sheet"], p["cell"], p["column"], p["value"]) for p in problems] == [
        ("Tasks", f"C{row}", "Sprint", "Otter Sprint 99"),
        ("Tasks", f"D{row}", "Item", "IDEA-404"),
    ]
    built = run_sheetmap("build", book, "--audience", "internal", "--out", "site", cwd=tmp_path)
    assert built.returncode == 1 and not (tmp_path / "site").exists()


def test_sprint_names_that_clash_with_the_views_own_pages(tmp_path: Path) -> None:
    """Sprints named 'Index' or 'Unplanned' get pages of their own, apart from the view's pages, and from a
    sprint named 'Sprint Index' (once both wanted sprint-index.html: which one was kept depended on timing)."""
    sprints = [
        SPRINTS[0],
        ["Index", D(2026, 3, 2), D(2026, 3, 6)],
        ["Unplanned", D(2026, 3, 9), D(2026, 3, 13)],
        ["Sprint Index", D(2026, 3, 16), D(2026, 3, 20)],
    ]
    tasks = [
        TASKS[0],
        ["T-1", "A", "Index", "", "Done", 1, "", D(2026, 3, 3)],
        ["T-2", "B", "", "", "To do", 1, "", None],
    ]
    book = write_workbook(tmp_path / "book.xlsx", {"Initiatives": INITIATIVES, "Sprints": sprints, "Tasks": tasks})
    result = run_sheetmap("build", book, "--audience", "internal", "--out", "site", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    site = tmp_path / "site"
    assert sorted(p.name for p in (site / "sprints").glob("*.html")) == [
        "index-2.html",
        "index.html",
        "sprint-index.html",
        "unplanned-2.html",
        "unplanned.html",
    ]
    assert page(site, "sprints/index-2.html").text.startswith("Index · Sprints")
    assert page(site, "sprints/sprint-index.html").text.startswith("Sprint Index · Sprints")
    assert "Unplanned Tasks that are not in any sprint yet" in page(site, "sprints/unplanned.html").text
    assert broken_links(site) == []


def test_cell_text_stays_text_on_sprint_pages_and_charts(tmp_path: Path) -> None:
    hostile = '"><img src=x onerror=alert(1)>'
    sprints = [
        SPRINTS[0],
        [f"Sprint {hostile}", D(2026, 3, 2), D(2026, 3, 6), "</title><script>alert(2)</script>", hostile],
    ]
    tasks = [
        TASKS[0],
        ["T-1", f"<script>alert(3)</script>{hostile}", f"Sprint {hostile}", "", "Done", 2, hostile, D(2026, 3, 3)],
        ["T-2", "B", f"Sprint {hostile}", "", "To do", 1, "", None],
    ]
    book = write_workbook(tmp_path / "book.xlsx", {"Initiatives": INITIATIVES, "Sprints": sprints, "Tasks": tasks})
    result = run_sheetmap("build", book, "--audience", "internal", "--out", "site", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    pages = list((tmp_path / "site" / "sprints").glob("*.html"))
    assert len(pages) == 2
    for path in pages:
        text = path.read_text(encoding="utf-8")
        assert "<img src=x" not in text and "<script>alert" not in text and "</title><script>" not in text, path.name
        assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert broken_links(tmp_path / "site") == []


def test_no_sprint_view_without_sprints_or_tasks(tmp_path: Path) -> None:
    book = write_workbook(tmp_path / "book.xlsx", {"Initiatives": INITIATIVES})
    result = run_sheetmap("build", book, "--audience", "internal", "--out", "site", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "site" / "sprints").exists()
    assert "sprints/" not in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")


def test_mkdocs_pages_name_sprints_without_linking_them(tmp_path: Path) -> None:
    """The MkDocs plugin has no sprint pages: its initiative pages count delivery but link no sprint."""
    from sheetmap.audience import project
    from sheetmap.config import Config
    from sheetmap.pipeline import load
    from sheetmap.render.fragments import render_fragments
    from sheetmap.render.views import SiteView

    books = write_books(tmp_path)
    loaded = load([str(books["combined"])], Config())
    view = SiteView(project(loaded.roadmap, "internal"), Config())
    pages = {
        fragment.src: html_text
        for fragment, html_text in render_fragments(
            view, None, lambda src: "roadmap/" + src.removesuffix(".md") + "/", "roadmap/"
        )
    }
    text = Page(pages["initiatives/init-1.md"]).text
    assert "Tasks done 5 of 8 Points done 17 of 27 Sprints Otter Sprint 7, Otter Sprint 8, not planned yet" in text
    assert "sprints/" not in pages["initiatives/init-1.md"]
