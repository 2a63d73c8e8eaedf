"""A forked helper shares the Markdown of a big workbook: the same results, in order, whatever becomes of it."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import write_workbook
from sheetmap import background
from sheetmap.background import Helper
from sheetmap.config import Config
from sheetmap.forking import MAX_OFFERED, cores, fork_is_safe, offer_chunks, take_chunks
from sheetmap.parse import build_roadmap, render_markdown_cell
from sheetmap.report import Report
from sheetmap.sources import FormulaWithoutValue, RawSheet, read_sources, xlsx_calamine
from sheetmap.sources.guard import check_workbook_file
from sheetmap.sources.xlsx_calamine import reads_part

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_sheets" / "acme-roadmap.xlsx"
needs_cores = pytest.mark.skipif(cores() < 2 or not hasattr(os, "fork"), reason="one core: no helper")


def tagged(item: int) -> tuple[int, int]:
    """The item squared, and the process that worked it out."""
    return item * item, os.getpid()


def slowly_tagged(item: int) -> tuple[int, int]:
    time.sleep(0.0005)
    return tagged(item)


def ran_elsewhere(request: pytest.FixtureRequest) -> bool:
    """True when this test ran, and passed, in a fresh process.

    No helper is forked while other threads run, and in a test session the
    browser tests' Playwright driver keeps threads running: a test that
    needs a helper then runs again alone, where it can fork.
    """
    if fork_is_safe():
        return False
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", request.node.nodeid],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return True


def no_children_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@needs_cores
def test_the_helper_does_a_share_and_the_results_come_in_order(request: pytest.FixtureRequest) -> None:
    if ran_elsewhere(request):
        return
    items = list(range(4000))
    with Helper(slowly_tagged) as helper, helper.map(items) as pending:
        time.sleep(0.2)  # this process's other work
        results = pending.results()  # two seconds of work in one process: the helper has long started
    assert [square for square, _ in results] == [i * i for i in items]
    assert {pid for _, pid in results} - {os.getpid()}, "the helper worked out some of them"
    assert no_children_left()


def test_without_a_helper_everything_is_done_here() -> None:
    items = list(range(5000))
    with Helper(tagged, wanted=False) as helper, helper.map(items) as pending:
        results = pending.results()
    assert results == [(i * i, os.getpid()) for i in items]


@needs_cores
def test_too_little_work_is_done_here_and_the_helper_goes(request: pytest.FixtureRequest) -> None:
    if ran_elsewhere(request):
        return
    with Helper(tagged) as helper:
        with helper.map(list(range(background.MIN_ITEMS - 1))) as pending:
            assert {pid for _, pid in pending.results()} == {os.getpid()}
        assert no_children_left()


@needs_cores
def test_a_helper_killed_before_its_work_came_leaves_it_all_here(request: pytest.FixtureRequest) -> None:
    if ran_elsewhere(request):
        return
    with Helper(tagged) as helper:
        os.kill(helper._pid, signal.SIGKILL)
        time.sleep(0.1)
        with helper.map(list(range(200_000))) as pending:  # more than a pipe holds
            assert {pid for _, pid in pending.results()} == {os.getpid()}
    assert no_children_left()


@needs_cores
def test_a_helper_given_no_work_goes_quietly(request: pytest.FixtureRequest) -> None:
    if ran_elsewhere(request):
        return
    with Helper(tagged):
        pass
    assert no_children_left()


@needs_cores
def test_no_helper_while_other_threads_run() -> None:
    """A child forked while another thread holds a lock can deadlock (as under `sheetmap serve`)."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        with Helper(tagged) as helper, helper.map(list(range(20_000))) as pending:
            assert {pid for _, pid in pending.results()} == {os.getpid()}
    finally:
        stop.set()
        thread.join()


PARENT = os.getpid()


def dies_in_the_helper(item: int) -> int:
    if os.getpid() != PARENT:
        os._exit(3)  # killed, out of memory, …
    return item + 1


def fails_in_the_helper(item: int) -> int:
    if os.getpid() != PARENT and item == 7_000:
        raise ValueError("a bug")
    return item + 1


@needs_cores
@pytest.mark.parametrize("func", [dies_in_the_helper, fails_in_the_helper])
def test_what_the_helper_did_not_send_back_is_done_here(request: pytest.FixtureRequest, func: object) -> None:
    if ran_elsewhere(request):
        return
    items = list(range(20_000))
    with Helper(func) as helper, helper.map(items) as pending:  # type: ignore[arg-type]
        time.sleep(0.2)  # the helper takes chunks meanwhile, and fails
        assert pending.results() == [i + 1 for i in items]
    assert no_children_left()


def fails_everywhere(item: int) -> int:
    if item == 7_000:
        raise ValueError(f"a bug at {item}")
    return item


@needs_cores
def test_a_bug_raises_here_with_its_own_traceback(request: pytest.FixtureRequest) -> None:
    if ran_elsewhere(request):
        return
    with Helper(fails_everywhere) as helper, helper.map(list(range(20_000))) as pending:
        time.sleep(0.2)
        with pytest.raises(ValueError, match="a bug at 7000"):
            pending.results()
    assert no_children_left()


@needs_cores
def test_results_never_asked_for_leave_no_helper_behind(request: pytest.FixtureRequest) -> None:
    if ran_elsewhere(request):
        return
    with pytest.raises(RuntimeError), Helper(tagged) as helper, helper.map(list(range(20_000))):
        raise RuntimeError("the build failed in between")
    assert no_children_left()


@needs_cores
def test_the_roadmap_and_report_are_the_same_with_a_helper(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every Markdown cell of the sample, one per chunk, most of them rendered in the helper."""
    if ran_elsewhere(request):
        return
    monkeypatch.setattr(background, "MIN_ITEMS", 1)
    monkeypatch.setattr(background, "CHUNKS", 10_000)
    config = Config()
    raw = read_sources([str(SAMPLE)])
    alone = Report(config.rules)
    expected = build_roadmap(raw, config, alone)
    shared = Report(config.rules)
    with Helper(render_markdown_cell) as helper:
        roadmap = build_roadmap(raw, config, shared, helper)
    assert roadmap == expected
    assert [p.as_dict() for p in shared] == [p.as_dict() for p in alone]
    assert any(i.description.html for i in roadmap.initiatives)
    assert no_children_left()


@needs_cores
def test_the_biggest_sheets_checks_run_in_a_helper_and_read_the_same(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """While this process reads the other sheets, a helper checks the biggest one's XML (goal 1 of issue 9:
    0.2-0.4 s for 100,000 tasks): the same rows, fixes and refusals as when this process checks it."""
    if ran_elsewhere(request):
        return
    tasks = [["ID", "Title", "Estimate"], *([f"T-{n}", f"Task {n}", n % 8] for n in range(3000))]
    tasks += [["T-x", "=SUM(C2:C9)", -3], ["T-y", "#N/A", None]]  # a formula without a value, an error value
    path = write_workbook(tmp_path / "big.xlsx", {"Initiatives": [["ID", "Title"], ["I-1", "One"]], "Tasks": tasks})
    checked = tmp_path / "checked"
    scan_sheet = xlsx_calamine._scan_sheet

    def recording(data: bytes) -> object:
        with checked.open("a", encoding="utf-8") as log:
            log.write(f"{os.getpid()} {len(data)}\n")
        if os.getpid() == PARENT and len(data) < 100_000:
            time.sleep(0.5)  # this process's other sheets take a while, as in a real workbook
        return scan_sheet(data)

    monkeypatch.setattr(xlsx_calamine, "_scan_sheet", recording)

    def read(elsewhere_from: int) -> tuple[list[RawSheet] | None, dict[int, int]]:
        checked.unlink(missing_ok=True)
        monkeypatch.setattr(xlsx_calamine, "CHECK_ELSEWHERE_FROM", elsewhere_from)
        sheets = xlsx_calamine.read_with_calamine(path, "big.xlsx", check_workbook_file(path, keep=reads_part))
        sizes = dict(map(int, line.split()[::-1]) for line in checked.read_text(encoding="utf-8").splitlines())
        return sheets, sizes  # part size -> the process that checked it

    alone, where = read(1 << 40)
    assert set(where.values()) == {os.getpid()}
    shared, where = read(0)
    assert where[max(where)] != os.getpid() and where[min(where)] == os.getpid()  # the biggest, in the helper
    assert shared == alone and alone is not None
    tasks_read = alone[1].rows
    assert isinstance(tasks_read[-2].values[1], FormulaWithoutValue) and tasks_read[-1].values[1] == "#N/A"
    assert no_children_left()
    # A refusal in the helper (here: more cells than calamine may hold) is a refusal here: openpyxl reads.
    monkeypatch.setattr(xlsx_calamine, "MAX_CELLS", 5000)
    refused, where = read(0)
    assert refused is None and where[max(where)] != os.getpid()
    assert no_children_left()


def test_chunk_numbers_wait_in_a_pipe_and_each_is_taken_once() -> None:
    reading, writing = os.pipe()
    try:
        offer_chunks(writing, MAX_OFFERED)  # all of them before anyone reads: the pipe must not block
        os.close(writing)
        first = list(itertools.islice(take_chunks(reading), 3))
        assert first == [0, 1, 2]
        assert list(take_chunks(reading)) == list(range(3, MAX_OFFERED))  # the rest, none twice
        with pytest.raises(ValueError):
            offer_chunks(reading, MAX_OFFERED + 1)
    finally:
        os.close(reading)
