"""The MkDocs plugin, through real `mkdocs build` runs of small MkDocs sites in temporary folders."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from markupsafe import escape

from conftest import run_sheetmap, serve_folder, tree_bytes, write_workbook
from test_audience import ALL_MARKERS, INTERNAL_ROWS, leak_workbook

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "sample_sheets" / "acme-roadmap.xlsx"


def mkdocs_site(folder: Path, plugin: str, *, extra: str = "", pages: dict[str, str] | None = None) -> Path:
    """A small MkDocs site: mkdocs.yml with the sheetmap plugin (given as YAML lines) and a page or two."""
    folder.mkdir(parents=True, exist_ok=True)
    docs = folder / "docs"
    docs.mkdir(exist_ok=True)
    for name, text in (pages or {"index.md": "# Team handbook\n\nHow we work.\n"}).items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(text, encoding="utf-8")
    (folder / "mkdocs.yml").write_text(
        f"site_name: Team handbook\n{extra}plugins:\n  - search\n  - sheetmap:\n{plugin}", encoding="utf-8"
    )
    return folder


def mkdocs_build(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--site-dir", "site", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def one_sheet_handbook(folder: Path, *rows: list[Any]) -> Path:
    """roadmap.xlsx with these Initiatives rows (the header first) and a MkDocs site that reads it."""
    write_workbook(folder / "roadmap.xlsx", {"Initiatives": list(rows)})
    return mkdocs_site(folder, "      source: roadmap.xlsx\n")


def page_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def nav_entries(html: str) -> list[str]:
    """The labels of the built-in theme's navigation bar (top level and drop-downs)."""
    nav = html.split('<div id="navbar-collapse"', 1)[1].split("</ul>\n", 1)[0]
    return [
        re.sub(r"\s+", " ", t).strip()
        for t in re.findall(r'class="(?:dropdown-item|nav-link)[^"]*"[^>]*>([^<]+)<', nav)
    ]


def broken_links(site: Path, folder: str) -> list[str]:
    """Every relative link (and #anchor) on the roadmap pages that does not land on a file and id."""
    broken = []
    for page in sorted((site / folder).rglob("*.html")):
        url = page.relative_to(site).as_posix()
        for href in re.findall(r'href="([^"]+)"', page_text(page)):
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith(("#", "mailto:")):
                continue
            target = urlsplit(urljoin("http://site/" + url, href))
            path = unquote(target.path.lstrip("/"))
            file = site / (path + "index.html" if path.endswith("/") or not path else path)
            if not file.is_file():
                broken.append(f"{url}: {href}")
            elif target.fragment and f'id="{target.fragment}"' not in page_text(file):
                broken.append(f"{url}: {href} (no such anchor)")
    return broken


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample workbook added to a small MkDocs site with the three documented lines."""
    folder = tmp_path_factory.mktemp("handbook")
    shutil.copy(SAMPLE, folder / "roadmap.xlsx")
    # No highlight.js: the built-in theme would fetch it from a CDN, and the tests have no network.
    mkdocs_site(folder, "      source: roadmap.xlsx\n", extra="theme:\n  name: mkdocs\n  highlightjs: false\n")
    result = mkdocs_build(folder, "--strict")
    assert result.returncode == 0, result.stderr
    return folder / "site"


def test_the_roadmap_pages_are_added_to_the_site_and_its_navigation(sample_site: Path, tmp_path: Path) -> None:
    cli = run_sheetmap("build", SAMPLE, "--out", "standalone", cwd=tmp_path)
    assert cli.returncode == 0, cli.stderr
    data = json.loads((tmp_path / "standalone" / "roadmap.json").read_text(encoding="utf-8"))

    board = page_text(sample_site / "roadmap" / "index.html")
    # The same cards as the CLI's public build: the same projection, the same templates.
    on_board = [i for i in data["initiatives"] if i["horizon"] != "Done"]
    assert on_board
    for item in data["initiatives"]:
        slug = Path(item["url"]).stem
        page = sample_site / "roadmap" / "initiatives" / slug / "index.html"
        assert page.is_file(), item["id"]
        assert str(escape(item["title"])) in page_text(page)
    for item in on_board:
        assert f'id="card-{Path(item["url"]).stem}"' in board
    assert len(re.findall(r'<li class="card[ "]', board)) == len(on_board)
    built = {p.parent.name for p in (sample_site / "roadmap" / "initiatives").glob("*/index.html")}
    assert built == {Path(i["url"]).stem for i in data["initiatives"]}

    completed = page_text(sample_site / "roadmap" / "completed" / "index.html")
    for item in data["initiatives"]:
        assert (str(escape(item["title"])) in completed) == (item["horizon"] == "Done")
    objectives = page_text(sample_site / "roadmap" / "objectives" / "index.html")
    for objective in data["objectives"]:
        assert f'id="{objective["url"].split("#")[1]}"' in objectives

    # Pages of the site's theme: its navigation, with the roadmap in it; the search index covers the roadmap.
    home = page_text(sample_site / "index.html")
    assert nav_entries(home)[:5] == ["Team handbook", "Roadmap", "Now / Next / Later", "Completed", "Objectives"]
    assert "<title>Now / Next / Later - Team handbook</title>" in board
    assert 'href="assets/sheetmap.css"' in board and 'href="assets/themes.css"' in board
    search = page_text(sample_site / "search" / "search_index.json")
    assert "roadmap/initiatives/" in search


def test_every_link_between_roadmap_pages_works(sample_site: Path) -> None:
    assert broken_links(sample_site, "roadmap") == []


def test_links_work_without_directory_urls_and_under_a_nested_path(tmp_path: Path) -> None:
    shutil.copy(SAMPLE, tmp_path / "roadmap.xlsx")
    mkdocs_site(
        tmp_path, "      source: [roadmap.xlsx]\n      path: product/plan\n", extra="use_directory_urls: false\n"
    )
    result = mkdocs_build(tmp_path, "--strict")
    assert result.returncode == 0, result.stderr
    site = tmp_path / "site"
    assert (site / "product" / "plan" / "index.html").is_file()
    assert (site / "product" / "plan" / "initiatives" / "init-1.html").is_file()
    assert 'href="./initiatives/init-1.html"' in page_text(site / "product" / "plan" / "index.html")
    assert broken_links(site, "product/plan") == []


def test_a_public_build_holds_nothing_internal(tmp_path: Path) -> None:
    leak_workbook(tmp_path / "roadmap.xlsx")
    mkdocs_site(tmp_path, "      source: roadmap.xlsx\n      audience: public\n")
    result = mkdocs_build(tmp_path)
    assert result.returncode == 0, result.stderr
    files = tree_bytes(tmp_path / "site")
    assert "roadmap/initiatives/init-1/index.html" in files and "search/search_index.json" in files
    for name, data in files.items():
        for m in ALL_MARKERS:
            assert m.lower() not in name.lower(), f"{m} in the file name {name}"
            assert m.lower().encode() not in data.lower(), f"{m} leaked into {name}"
        assert b"Effort XL" not in data and b"Initech" not in data, name
    # The public count of the feedback, without the feedback.
    assert re.search(
        r"\b2 (customer )?requests\b",
        page_text(tmp_path / "site" / "roadmap" / "initiatives" / "init-1" / "index.html"),
    )


def test_an_internal_build_shows_the_internal_rows(tmp_path: Path) -> None:
    leak_workbook(tmp_path / "roadmap.xlsx")
    mkdocs_site(tmp_path, "      source: roadmap.xlsx\n      audience: internal\n")
    result = mkdocs_build(tmp_path)
    assert result.returncode == 0, result.stderr
    everything = b"\n".join(tree_bytes(tmp_path / "site" / "roadmap").values())
    for what, m in INTERNAL_ROWS.items():
        assert m.encode() in everything, f"the internal build lacks the {what} ({m})"
    assert b"This page includes items that are not public" in everything


def test_cell_text_reaches_the_page_as_written_not_as_markdown(tmp_path: Path) -> None:
    title = "Reports *never* load_fast_ & <quickly> `enough`"
    one_sheet_handbook(
        tmp_path,
        ["ID", "Title", "Horizon", "Problem", "Visibility"],
        ["I-1", title, "Next", "People **wait**.\n\n    four spaces are not code here", "Public"],
    )
    result = mkdocs_build(tmp_path)
    assert result.returncode == 0, result.stderr
    page = page_text(tmp_path / "site" / "roadmap" / "initiatives" / "i-1" / "index.html")
    escaped = "Reports *never* load_fast_ &amp; &lt;quickly&gt; `enough`"
    assert f"<h1>{escaped}</h1>" in page
    assert "<em>never</em>" not in page and "<code>enough</code>" not in page
    assert "<strong>wait</strong>" in page  # the cell's own Markdown is rendered by sheetmap, once


def test_errors_fail_the_build_with_the_cli_messages(tmp_path: Path) -> None:
    one_sheet_handbook(
        tmp_path, ["ID", "Title", "Horizon", "Visibility"], ["I-1", "Search results are stale", "Nwo", "Public"]
    )
    result = mkdocs_build(tmp_path)
    assert result.returncode == 1
    validate = run_sheetmap("validate", "roadmap.xlsx", cwd=tmp_path)
    assert validate.returncode == 1
    problem_lines = [line.strip() for line in validate.stdout.splitlines() if "Nwo" in line or "Fix:" in line]
    assert problem_lines
    output = " ".join(result.stderr.split())
    for line in problem_lines:
        assert " ".join(line.split()) in output, line
    assert "[invalid-choice]" in output and "roadmap.xlsx" in output
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "site" / "roadmap").exists()


def test_warnings_pass_a_build_and_fail_a_strict_one(tmp_path: Path) -> None:
    one_sheet_handbook(
        tmp_path, ["ID", "Title", "Horizon", "Visibility"], ["I-1", "Search results are stale", "Now", "Public"]
    )
    relaxed = mkdocs_build(tmp_path)
    assert relaxed.returncode == 0, relaxed.stderr
    assert "WARNING" in relaxed.stderr and "[now-needs-detail]" in relaxed.stderr
    assert (tmp_path / "site" / "roadmap" / "initiatives" / "i-1" / "index.html").is_file()
    strict = mkdocs_build(tmp_path, "--strict")
    assert strict.returncode == 1
    assert "[now-needs-detail]" in strict.stderr and "strict mode" in strict.stdout + strict.stderr


def test_an_unreadable_source_is_one_clear_error(tmp_path: Path) -> None:
    mkdocs_site(tmp_path, "      source: missing.xlsx\n")
    result = mkdocs_build(tmp_path)
    assert result.returncode == 1
    assert "missing.xlsx does not exist" in result.stderr and "Traceback" not in result.stderr


def test_an_explicit_nav_gets_a_roadmap_section_and_sheetmap_yml_applies(tmp_path: Path) -> None:
    shutil.copy(SAMPLE, tmp_path / "acme.xlsx")
    (tmp_path / "sheetmap.yml").write_text(
        "title: Larkspur plans\nsources: [acme.xlsx]\nhorizon_labels: {Now: Doing, Next: Soon, Later: Someday}\n",
        encoding="utf-8",
    )
    mkdocs_site(
        tmp_path,
        "      {}\n",
        extra="nav:\n  - Home: index.md\n  - Guide: guide.md\n",
        pages={"index.md": "# Handbook\n", "guide.md": "# Guide\n"},
    )
    result = mkdocs_build(tmp_path, "--strict")
    assert result.returncode == 0, result.stderr
    assert "not included in the" not in result.stderr
    home = page_text(tmp_path / "site" / "index.html")
    assert nav_entries(home)[:6] == ["Home", "Guide", "Roadmap", "Doing / Soon / Someday", "Completed", "Objectives"]
    assert "<h1>Larkspur plans</h1>" in page_text(tmp_path / "site" / "roadmap" / "index.html")


def test_a_docs_page_in_the_roadmaps_place_is_refused(tmp_path: Path) -> None:
    shutil.copy(SAMPLE, tmp_path / "roadmap.xlsx")
    mkdocs_site(
        tmp_path, "      source: roadmap.xlsx\n", pages={"index.md": "# Home\n", "roadmap/index.md": "# Ours\n"}
    )
    result = mkdocs_build(tmp_path)
    assert result.returncode == 1
    assert "docs/roadmap/index.md already exists" in result.stderr and "path:" in result.stderr


@pytest.fixture(scope="module")
def served_sample(sample_site: Path) -> Iterator[str]:
    """The MkDocs site served over HTTP, as a published site is (MkDocs' search worker refuses file://)."""
    with serve_folder(sample_site) as origin:
        yield origin


@pytest.mark.browser
def test_the_filters_work_on_the_board_inside_mkdocs(served_sample: str, browser: Any) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{served_sample}/roadmap/")
        cards = page.locator(".sheetmap .card")
        total = cards.count()
        assert total > 3
        # The roadmap's own styles apply inside the host theme: cards are framed in their theme colour.
        assert cards.first.evaluate("e => getComputedStyle(e).borderLeftWidth") == "6px"
        theme = page.locator("#f-theme option").nth(1)
        page.select_option("#f-theme", theme.get_attribute("value"))
        visible = page.locator(".sheetmap .card:visible")
        shown = visible.count()
        assert 0 < shown < total
        wanted = theme.inner_text()
        for i in range(shown):
            assert visible.nth(i).locator(".chip").inner_text() == wanted
        assert f"theme={theme.get_attribute('value')}" in page.url
        page.fill("#f-q", "zzzz no such words")
        assert page.locator(".sheetmap .card:visible").count() == 0
        assert errors == [], errors
    finally:
        context.close()
