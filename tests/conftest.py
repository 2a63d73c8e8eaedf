"""Small helpers every test may import: real workbooks, the real CLI, folder snapshots, a static server.

from conftest import run_sheetmap, tree_bytes, write_workbook
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import importlib
import os
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904


@pytest.hookimpl(trylast=True)  # after pytest's tmp_path factory exists
def pytest_configure(config: pytest.Config) -> None:
    # sheetmap keeps compiled templates in the user's cache folder (render/compiled.py); the tests, and the
    # commands they run, keep theirs in a folder of this run's own.
    os.environ["XDG_CACHE_HOME"] = str(config._tmp_path_factory.mktemp("xdg-cache"))  # type: ignore[attr-defined]


def benchmark_module(name: str) -> Any:
    """A module of `benchmarks/` (the workbook generator, the measuring), which is not a package."""
    folder = str(Path(__file__).resolve().parents[1] / "benchmarks")
    sys.path.insert(0, folder)
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(folder)


def write_workbook(path: Path, sheets: dict[str, list[list[Any]]], *, epoch1904: bool = False) -> Path:
    """Write a real .xlsx with openpyxl: tab name -> rows (lists of cell values), in order.

    A string starting with '=' becomes a formula without a cached value, as
    openpyxl always writes them.
    """
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    if epoch1904:
        workbook.epoch = CALENDAR_MAC_1904
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def run_sheetmap(
    *args: str | os.PathLike[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the real `sheetmap` command in `cwd` (never the repo root, whose sheetmap.yml would apply)."""
    return subprocess.run(
        [sys.executable, "-m", "sheetmap", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
        check=False,
    )


def tree_bytes(folder: Path, *, exclude: Sequence[str] = ()) -> dict[str, bytes]:
    """Every file under `folder` as relative POSIX path -> bytes, for byte-for-byte comparisons."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.relative_to(folder).as_posix() not in exclude
    }


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder's files without a log line per request."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve_folder(folder: Path, handler: type[http.server.SimpleHTTPRequestHandler] = QuietHandler) -> Iterator[str]:
    """Serve `folder` on 127.0.0.1 while the block runs; yields its address, http://127.0.0.1:PORT."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]  # fmt: skip


def missing(reason: str) -> None:
    """Skip on a developer's machine without the tool; fail in CI, which must have it."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright, one for the whole session.

    Playwright's sync API allows one running instance per process, so every
    test that needs a browser takes this fixture rather than starting its own.
    """
    if not Path(CHROMIUM).is_file():
        missing(f"Debian's Chromium is not installed at {CHROMIUM} (.ci/run installs it with apt-get)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
