"""A build killed at any moment leaves the published site complete and unchanged.

The real `sheetmap build` of a large workbook (1,500 initiative pages, a few
seconds of writing) is started over a folder holding a previously published
site and killed with SIGKILL (no clean-up handler can run) at many moments:
while it reads the workbook, as its working folder appears, after its first
file, at a quarter, half and nine tenths of the files, with every file
written (around the swap), and at seeded random moments across the whole
run. After each kill the output folder is, byte for byte, either the
previous site or, once the swap has happened, the complete new one; never a
mix, never missing. A normal build afterwards removes the killed builds'
working folders and publishes the new site.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import run_sheetmap, tree_bytes, write_workbook
from sheetmap.publish import WORK_PREFIX

PAGES = 1500
ENV = {"SOURCE_DATE_EPOCH": "1767225600"}  # fixed, so every build of the same input is the same bytes


def _small(path: Path) -> Path:
    rows = [["ID", "Title", "Horizon", "Visibility"], ["INIT-1", "Reports are slow", "Now", "Public"]]
    rows += [[f"OLD-{n}", f"An earlier problem {n}", "Later", "Public"] for n in range(2, 30)]
    return write_workbook(path, {"Initiatives": rows})


def _large(path: Path) -> Path:
    rows: list[list[object]] = [["ID", "Title", "Horizon", "Visibility", "Problem", "Description", "Tags"]]
    for n in range(1, PAGES + 1):
        rows.append(
            [
                f"INIT-{n}",
                f"Customers cannot find report {n}",
                ("Now", "Next", "Later")[n % 3],
                "Public",
                f"People look for report {n} for **minutes** every day.",
                f"- search by name\n- search by owner\n\n[Details](https://example.com/{n})",
                f"reports, t{n % 7}",
            ]
        )
    return write_workbook(path, {"Initiatives": rows})


def _working_folders(parent: Path) -> list[Path]:
    return [p for p in parent.iterdir() if p.name.startswith(WORK_PREFIX)]


def _file_count(folder: Path) -> int:
    try:
        return sum(len(files) for _, _, files in os.walk(folder))
    except OSError:
        return 0


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The previous site, the large workbook, and the site a complete build of it publishes over the previous one."""
    base = tmp_path_factory.mktemp("crash")
    small, large = _small(base / "small.xlsx"), _large(base / "large.xlsx")
    reference = base / "reference"
    reference.mkdir()
    assert run_sheetmap("build", small, "--out", "site", cwd=reference, env=ENV).returncode == 0
    before = tree_bytes(reference / "site")
    shutil.copytree(reference / "site", base / "previous")
    started = time.perf_counter()
    done = run_sheetmap("build", large, "--out", "site", cwd=reference, env=ENV, timeout=300)
    seconds = time.perf_counter() - started
    assert done.returncode == 0, done.stderr
    after = tree_bytes(reference / "site")
    assert len(after) > PAGES and before != after
    return {"previous": base / "previous", "large": large, "before": before, "after": after, "seconds": seconds}


def _killed_build(work: Path, large: Path, when: Callable[[subprocess.Popen[bytes], Path], bool]) -> bool:
    """Start a build of `large` in `work` and SIGKILL it as soon as `when(process, work)` says so.

    Returns False if the build finished before the moment came.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "sheetmap", "build", str(large), "--out", "site"],
        cwd=work,
        env={**os.environ, **ENV},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    try:
        while process.poll() is None:
            if when(process, work):
                process.send_signal(signal.SIGKILL)
                process.wait()
                return True
            assert time.monotonic() < deadline, "the build never reached the moment"
            time.sleep(0.002)
        return False
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _after_delay(seconds: float) -> Callable[[subprocess.Popen[bytes], Path], bool]:
    start = time.monotonic()
    return lambda process, work: time.monotonic() - start >= seconds


def _when_written(fraction: float, total: int) -> Callable[[subprocess.Popen[bytes], Path], bool]:
    """Once the working folder holds `fraction` of the new site's files (0: as soon as it exists)."""
    wanted = max(0, int(total * fraction))

    def reached(process: subprocess.Popen[bytes], work: Path) -> bool:
        folders = [p for p in _working_folders(work) if "-new-" in p.name]
        return bool(folders) and _file_count(folders[0]) >= wanted

    return reached


MOMENTS = {
    "reading the workbook": lambda total: _after_delay(0.3),
    "working folder just made": lambda total: _when_written(0.0, total),
    "first file written": lambda total: _when_written(1 / total, total),
    "a quarter written": lambda total: _when_written(0.25, total),
    "half written": lambda total: _when_written(0.5, total),
    "nine tenths written": lambda total: _when_written(0.9, total),
    "every file written (around the swap)": lambda total: _when_written(1.0, total),
}


def _previous_site(work: Path, setup: dict[str, object]) -> None:
    """The site a build of the small workbook published (a copy: the same bytes as building it again)."""
    previous = setup["previous"]
    assert isinstance(previous, Path)
    shutil.copytree(previous, work / "site")


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_a_build_killed_at_a_given_moment_changes_nothing_published(
    setup: dict[str, object], tmp_path: Path, moment: str
) -> None:
    before, after, large = setup["before"], setup["after"], setup["large"]
    assert isinstance(after, dict) and isinstance(large, Path)
    _previous_site(tmp_path, setup)
    assert tree_bytes(tmp_path / "site") == before

    killed = _killed_build(tmp_path, large, MOMENTS[moment](len(after)))
    published = tree_bytes(tmp_path / "site")
    if moment == "every file written (around the swap)":
        # SIGKILL may land just before or just after the atomic exchange: either whole site, nothing else.
        assert published in (before, after), "a mix of the two sites"
        if published == after:  # it published: start the last build from the previous site again
            shutil.rmtree(tmp_path / "site")
            _previous_site(tmp_path, setup)
    else:
        assert killed, "the build finished before it could be killed"
        assert published == before, f"killed while {moment}: the published site changed"
        assert (tmp_path / "site" / "roadmap.json").is_file()

    if moment in ("half written", "every file written (around the swap)"):
        _the_next_build_cleans_up(tmp_path, large, after)  # (the random test does it too)


def test_builds_killed_at_random_moments(setup: dict[str, object], tmp_path: Path) -> None:
    before, after, large, seconds = setup["before"], setup["after"], setup["large"], setup["seconds"]
    assert isinstance(after, dict) and isinstance(large, Path) and isinstance(seconds, float)
    _previous_site(tmp_path, setup)
    chance = random.Random(20260301)  # seeded: a failure can be replayed
    for _ in range(4):
        delay = chance.uniform(0.05, seconds * 1.05)
        _killed_build(tmp_path, large, _after_delay(delay))
        published = tree_bytes(tmp_path / "site")
        assert published in (before, after), f"killed after {delay:.2f} s: a mix of two sites"
        if published == after:
            # That build (or one killed after its swap) published; start again from the previous site.
            shutil.rmtree(tmp_path / "site")
            _previous_site(tmp_path, setup)
    _the_next_build_cleans_up(tmp_path, large, after)


def _the_next_build_cleans_up(work: Path, large: Path, after: dict[str, bytes]) -> None:
    done = run_sheetmap("build", large, "--out", "site", cwd=work, env=ENV, timeout=300)
    assert done.returncode == 0, done.stderr
    assert _working_folders(work) == [], "leftovers of the killed build were not removed"
    assert tree_bytes(work / "site") == after
