"""Markdown cells rendered up front over the cores: the same HTML as one at a time, only sooner."""

from __future__ import annotations

import json
import subprocess
import sys
import threading

import pytest

from sheetmap import markdown_pool
from sheetmap.sanitize import plain_text, render_markdown

CELLS = [
    f"We are attacking this from **{n} sides**:\n\n- cache tiles\n- [notes](https://example.com/{n})\n\n"
    f"<script>alert({n})</script> and [a trap](javascript:alert({n}))"
    for n in range(60)
] + ["plain text", "   ", "", "plain text"]


# The pool refuses to fork while other threads run, and a test session has
# some (browser and server fixtures), so the workers run in a fresh process.
_IN_A_FRESH_PROCESS = """
import json, sys
from sheetmap import markdown_pool
markdown_pool.PARALLEL_FROM, markdown_pool.CHUNK = 10, 7
cells = json.load(sys.stdin)
print(json.dumps({cell: list(result) for cell, result in markdown_pool.render_all(cells).items()}))
"""


def test_workers_render_exactly_what_render_markdown_does() -> None:
    if markdown_pool.workers() < 2:
        pytest.skip("one core: the pool is never used")
    done = subprocess.run(
        [sys.executable, "-c", _IN_A_FRESH_PROCESS], input=json.dumps(CELLS), capture_output=True, text=True, check=True
    )
    rendered = {cell: (html, tuple(removed), text) for cell, (html, removed, text) in json.loads(done.stdout).items()}
    assert set(rendered) == {c for c in CELLS if c.strip()}  # blank cells are left out, repeats once
    for cell, (html, removed, text) in rendered.items():
        assert (html, removed) == render_markdown(cell)
        assert text == plain_text(html)
    assert "a 'javascript:' link" in rendered[CELLS[0]][1] and "a <script> element" in rendered[CELLS[0]][1]


def test_few_cells_are_left_to_the_reader() -> None:
    assert markdown_pool.render_all(CELLS) == {}  # fewer than PARALLEL_FROM: starting workers does not pay


def test_no_workers_are_forked_while_other_threads_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(markdown_pool, "PARALLEL_FROM", 10)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert markdown_pool.render_all(CELLS) == {}  # as under `sheetmap serve`: forking could deadlock
    finally:
        stop.set()
        other.join()
