"""`sheetmap serve`, as a PM uses it: the real command on a free port, real saves, real HTTP and a real browser."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import write_workbook

#: A save must show in the browser within this many seconds (the issue's bound).
BOUND = 1.0
HEADER = ["ID", "Title", "Horizon", "Theme", "Problem", "Description", "Objectives", "Visibility"]


def roadmap_rows(first_title: str, count: int = 300) -> dict[str, list[list[object]]]:
    """A workbook of a few hundred rows: `count` initiatives and as many ideas; the first title varies."""
    initiatives: list[list[object]] = [HEADER]
    for n in range(count):
        title = first_title if n == 0 else f"Customers wait for report number {n}"
        horizon = ("Now", "Next", "Later", "Done")[n % 4]
        initiatives.append(
            [f"I-{n}", title, horizon, f"Area {n % 5}", "People **wait**.", "We make it *faster*.", "O-1", "Public"]
        )
    ideas: list[list[object]] = [["ID", "Title", "Initiative", "Stage", "Visibility"]]
    ideas += [[f"X-{n}", f"Try idea {n}", f"I-{n}", "Discovering", "Public"] for n in range(count)]
    return {
        "Initiatives": initiatives,
        "Ideas": ideas,
        "Objectives": [["ID", "Objective", "Visibility"], ["O-1", "Answers in seconds", "Public"]],
    }


def save(path: Path, sheets: dict[str, list[list[object]]]) -> None:
    """Save the way a spreadsheet app does: the new workbook replaces the old one in one rename."""
    fresh = path.with_name(f"saving-{path.name}")
    write_workbook(fresh, sheets)
    os.replace(fresh, path)


def get(url: str, timeout: float = 10) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


class Server:
    """`sheetmap serve` running in a child process; `url` is what it printed."""

    def __init__(self, cwd: Path, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sheetmap", "serve", *args, "--port", "0"],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self.errors: list[str] = []
        assert self.process.stdout is not None and self.process.stderr is not None
        threading.Thread(target=self._read, args=(self.process.stdout, self.lines), daemon=True).start()
        threading.Thread(target=self._read, args=(self.process.stderr, self.errors), daemon=True).start()
        self.url = self._wait_for_url()

    @staticmethod
    def _read(stream: object, into: list[str]) -> None:
        for line in stream:  # type: ignore[attr-defined]
            into.append(line)

    def _wait_for_url(self) -> str:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            for line in self.lines:
                found = re.search(r"http://127\.0\.0\.1:\d+/", line)
                if found:
                    return found.group(0)
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"no URL printed; stdout={self.lines} stderr={self.errors}")

    def version(self) -> int:
        return int(get(self.url + "__sheetmap__/version")[1])

    def wait_for(self, predicate: str, *, timeout: float) -> tuple[float, int, str]:
        """Fetch the board until it contains `predicate`; (seconds it took, status, page).

        Like the reload script in a browser, it waits for the next version
        (a long poll, no busy fetching) and then fetches the page.
        """
        started = time.monotonic()
        status, page = get(self.url)
        while predicate not in page:
            left = timeout - (time.monotonic() - started)
            if left <= 0:
                raise AssertionError(f"{predicate!r} did not appear in {timeout} s; last {status}:\n{page[:2000]}")
            version = re.search(r"reload\.js\?v=(\d+)", page)
            with contextlib.suppress(TimeoutError, urllib.error.URLError):
                get(f"{self.url}__sheetmap__/wait?v={version.group(1) if version else 0}", timeout=left)
            status, page = get(self.url)
        return time.monotonic() - started, status, page

    def stop(self, sig: int = signal.SIGINT) -> tuple[int, float]:
        started = time.monotonic()
        self.process.send_signal(sig)
        code = self.process.wait(timeout=10)
        return code, time.monotonic() - started


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Server, Path]]:
    workbook = tmp_path / "roadmap.xlsx"
    save(workbook, roadmap_rows("Search is too slow for big teams"))
    server = Server(tmp_path, "roadmap.xlsx")
    yield server, workbook
    if server.process.poll() is None:
        server.process.kill()
        server.process.wait()


def test_a_save_shows_within_a_second_then_errors_then_the_roadmap_again(served: tuple[Server, Path]) -> None:
    server, workbook = served
    status, board = get(server.url)
    assert status == 200 and "Search is too slow for big teams" in board
    assert '<script src="/__sheetmap__/reload.js?v=1" defer></script>' in board
    status, script = get(server.url + "__sheetmap__/reload.js")
    assert status == 200 and "/__sheetmap__/wait" in script

    # A good save: the new title is served within the bound.
    save(workbook, roadmap_rows("Exports time out on large accounts"))
    took, status, _ = server.wait_for("Exports time out on large accounts", timeout=5)
    assert status == 200
    assert took < BOUND, f"the new content took {took:.2f} s"
    assert server.version() == 2

    # A save with an error: every HTML page shows a readable error page, with the cell and the fix.
    broken = roadmap_rows("Exports time out on large accounts")
    broken["Initiatives"][1][2] = "Nwo"
    save(workbook, broken)
    took, status, page = server.wait_for("The roadmap has 1 error", timeout=5)
    assert took < BOUND and status == 500
    assert "Horizon &#39;Nwo&#39; is not one of Now, Next, Later, Done" in page
    assert ">C2<" in page and "Fix:" in page and "invalid-choice" in page
    assert "/__sheetmap__/reload.js?v=3" in page  # the error page reloads itself too
    assert get(server.url + "initiatives/i-1.html")[0] == 500
    assert any("Nwo" in line for line in server.errors)  # and the terminal says the same

    # The next good save brings the roadmap back.
    save(workbook, roadmap_rows("Dashboards load in under a second"))
    took, status, _ = server.wait_for("Dashboards load in under a second", timeout=5)
    assert status == 200 and took < BOUND
    assert server.process.poll() is None

    code, took = server.stop()
    assert code == 0 and took < 3
    assert "Stopped." in "".join(server.lines)
    assert "Traceback" not in "".join(server.errors)


def test_half_written_saves_and_lock_files_never_crash_it(served: tuple[Server, Path]) -> None:
    server, workbook = served
    good = workbook.read_bytes()
    lock = workbook.with_name("~$roadmap.xlsx")
    lock.write_bytes(b"\x00" * 165)  # Excel's lock file, while the workbook is open
    time.sleep(0.5)
    assert server.version() == 1

    # Excel and LibreOffice may write the workbook in place, in pieces: the first half, then the rest.
    with workbook.open("wb") as out:
        out.write(good[: len(good) // 2])
        out.flush()
        time.sleep(0.3)
        out.write(good[len(good) // 2 :])
    time.sleep(1.5)
    status, page = get(server.url)
    assert status == 200 and "Search is too slow for big teams" in page
    lock.unlink()

    # A file that stays broken is reported on the page, and serving goes on.
    workbook.write_bytes(good[:1000])
    _, status, page = server.wait_for("cannot be read", timeout=10)
    assert status == 500 and "roadmap.xlsx" in page
    save(workbook, roadmap_rows("Alerts reach people on their phones"))
    server.wait_for("Alerts reach people on their phones", timeout=5)
    code, _ = server.stop(signal.SIGTERM)
    assert code == 0
    assert "Traceback" not in "".join(server.errors)


def test_config_and_template_edits_rebuild_and_a_broken_template_is_shown(tmp_path: Path) -> None:
    save(tmp_path / "roadmap.xlsx", roadmap_rows("Search is too slow for big teams", count=8))
    (tmp_path / "site_templates").mkdir()
    (tmp_path / "sheetmap.yml").write_text(
        "title: Larkspur plans\nsources: [roadmap.xlsx]\ntemplates: site_templates\n", encoding="utf-8"
    )
    server = Server(tmp_path)
    try:
        server.wait_for("Larkspur plans", timeout=5)
        (tmp_path / "sheetmap.yml").write_text(
            "title: Larkspur roadmap 2027\nsources: [roadmap.xlsx]\ntemplates: site_templates\n", encoding="utf-8"
        )
        server.wait_for("Larkspur roadmap 2027", timeout=5)

        footer = tmp_path / "site_templates" / "footer.html"
        footer.write_text('<footer class="site-footer"><p>Made by the Larkspur PMs</p></footer>\n', encoding="utf-8")
        server.wait_for("Made by the Larkspur PMs", timeout=5)
        footer.write_text("<footer>{% if %}</footer>\n", encoding="utf-8")
        _, status, page = server.wait_for("A template has an error", timeout=5)
        assert status == 500 and "footer.html" in page and "line 1" in page
        footer.unlink()
        server.wait_for("Larkspur roadmap 2027", timeout=5)

        (tmp_path / "sheetmap.yml").write_text("title: [unclosed\n", encoding="utf-8")
        _, status, page = server.wait_for("sheetmap.yml has problems", timeout=5)
        assert status == 500 and "not valid YAML" in page
    finally:
        code, _ = server.stop()
    assert code == 0


def test_a_busy_port_and_a_missing_source_are_usage_errors(tmp_path: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        save(tmp_path / "roadmap.xlsx", roadmap_rows("Search is too slow", count=3))
        result = subprocess.run(
            [sys.executable, "-m", "sheetmap", "serve", "roadmap.xlsx", "--port", str(port)],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 2
    assert f"Cannot serve on port {port}" in result.stderr and "--port 0" in result.stderr
    assert "Traceback" not in result.stderr
    missing = subprocess.run(
        [sys.executable, "-m", "sheetmap", "serve"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert missing.returncode == 2 and "No source given" in missing.stderr


@pytest.mark.browser
def test_the_open_page_reloads_itself_in_a_real_browser(served: tuple[Server, Path], browser: Any) -> None:
    server, workbook = served
    context = browser.new_context()
    try:
        page = context.new_page()
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.goto(server.url)
        page.get_by_text("Search is too slow for big teams").wait_for()
        save(workbook, roadmap_rows("Exports time out on large accounts"))
        started = time.monotonic()
        page.get_by_text("Exports time out on large accounts").wait_for(timeout=5000)
        assert time.monotonic() - started < 2 * BOUND  # the save, the build and the browser's own reload
        broken = roadmap_rows("Exports time out on large accounts")
        broken["Initiatives"][1][2] = "Nwo"
        save(workbook, broken)
        page.get_by_text("The roadmap has 1 error").wait_for(timeout=5000)
        save(workbook, roadmap_rows("Dashboards load in under a second"))
        page.get_by_text("Dashboards load in under a second").wait_for(timeout=5000)
        assert not [m for m in problems if "Content Security Policy" in m], problems
    finally:
        context.close()
    code, _ = server.stop()
    assert code == 0


def test_a_save_that_changes_no_byte_does_not_rebuild(served: tuple[Server, Path]) -> None:
    server, workbook = served
    same = workbook.read_bytes()
    assert server.version() == 1

    # `touch`, then a save of the very same bytes the way a spreadsheet app saves (a new file renamed over it).
    later = workbook.stat().st_mtime + 5
    os.utime(workbook, (later, later))
    time.sleep(0.5)
    copy = workbook.with_name("saving-roadmap.xlsx")
    copy.write_bytes(same)
    os.replace(copy, workbook)
    time.sleep(1.0)
    assert server.version() == 1
    assert sum("Read and checked" in line for line in server.lines) == 1, server.lines

    # A save that does change a byte is still built, and shows.
    save(workbook, roadmap_rows("Exports time out on large accounts"))
    server.wait_for("Exports time out on large accounts", timeout=5)
    assert server.version() == 2
    code, _ = server.stop()
    assert code == 0
    assert "Traceback" not in "".join(server.errors)
