"""Real-browser fixtures: the sample site built by the real CLI, served on 127.0.0.1, driven in Debian's Chromium.

Every page a test opens through `visit` is watched: a console error, an
uncaught exception or a request to any host but the local server fails the
test. Screenshots go to test-artifacts/ (gitignored), to be looked at.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from conftest import missing, run_sheetmap, serve_folder

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample_sheets" / "acme-roadmap.xlsx"
CONFIG = REPO / "sheetmap.yml"
ARTIFACTS = REPO / "test-artifacts"


def axe_source() -> str | None:
    """axe-core's axe.min.js: from the axe-playwright-python wheel, else an npm install named by AXE_CORE_JS."""
    try:
        bundled = resources.files("axe_playwright_python") / "axe.min.js"
        if bundled.is_file():
            return bundled.read_text(encoding="utf-8")
    except ModuleNotFoundError:
        pass
    for candidate in (
        os.environ.get("AXE_CORE_JS", ""),
        str(REPO / ".ci" / "node_modules" / "axe-core" / "axe.min.js"),
    ):
        if candidate and Path(candidate).is_file():
            return Path(candidate).read_text(encoding="utf-8")
    return None


@pytest.fixture(scope="session")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample roadmap, public and internal, built with the repository's sheetmap.yml (logo, base_url, overrides)."""
    work = tmp_path_factory.mktemp("browser-sites")
    env = {"SOURCE_DATE_EPOCH": ""}
    for audience in ("public", "internal"):
        result = run_sheetmap("build", SAMPLE, "--config", CONFIG, "--audience", audience, "--out", audience,
                              cwd=work, env=env)  # fmt: skip
        assert result.returncode == 0, result.stderr
    return work


@pytest.fixture(scope="session")
def server(sites: Path) -> Iterator[str]:
    """A static server for the built sites on 127.0.0.1: http://127.0.0.1:PORT/public/index.html."""
    with serve_folder(sites) as origin:
        yield origin


@dataclass
class Watch:
    """What one page did that it should not have: console errors, uncaught exceptions, requests to other hosts."""

    allowed_hosts: set[str]
    errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)

    def attach(self, page: Any) -> None:
        page.on("console", lambda m: self.errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        page.on("request", self._request)

    def _request(self, request: Any) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "about", "blob"):
            return
        if parts.scheme == "file" and "file" in self.allowed_hosts:
            return
        if parts.netloc not in self.allowed_hosts:
            self.foreign.append(request.url)


@pytest.fixture()
def visit(browser: Any, server: str) -> Iterator[Any]:
    """`visit(path, width=1280, javascript=True, color_scheme="light")` -> a Playwright page of the served site.

    After the test, every page opened this way must have logged no error and
    asked no other host for anything.
    """
    contexts = []
    watch = Watch({urlsplit(server).netloc, "file"})

    def open_page(path: str, *, width: int = 1280, height: int = 900, javascript: bool = True,
                  color_scheme: str = "light") -> Any:  # fmt: skip
        context = browser.new_context(viewport={"width": width, "height": height}, java_script_enabled=javascript,
                                      color_scheme=color_scheme)  # fmt: skip
        contexts.append(context)
        page = context.new_page()
        watch.attach(page)
        url = path if "://" in path else f"{server}/{path}"
        page.goto(url)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert watch.errors == [], watch.errors
    assert watch.foreign == [], f"requests to other hosts: {watch.foreign}"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """test-artifacts/: each test overwrites its own files (nothing is deleted: other sessions may share it)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def axe() -> str:
    source = axe_source()
    if source is None:
        missing("axe-core is not installed: `pip install axe-playwright-python` (in the test extra) ships it")
    return source


def run_axe(page: Any, source: str) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now (every rule axe runs by default, best practices included)."""
    page.evaluate(source)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]
