"""Publishing: a complete new folder is swapped in, or nothing changes."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import run_sheetmap, tree_bytes, write_workbook
from sheetmap import publish as publish_module
from sheetmap.errors import SheetmapError
from sheetmap.publish import WORK_PREFIX, publish

ROWS = {"Initiatives": [["ID", "Title", "Horizon", "Visibility"], ["INIT-1", "Slow reports", "Next", "Public"]]}


def _site(files: dict[str, str]):  # type: ignore[no-untyped-def]
    def write(folder: Path) -> None:
        for name, text in files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")

    return write


def _leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(WORK_PREFIX))


def test_new_site_replaces_the_old_one_whole(tmp_path: Path) -> None:
    out = tmp_path / "site"
    publish(out, _site({"roadmap.json": "{}", "old.html": "old", "initiatives/init-9.html": "gone"}))
    publish(out, _site({"roadmap.json": '{"v": 2}', "index.html": "new"}))
    assert tree_bytes(out) == {"index.html": b"new", "roadmap.json": b'{"v": 2}'}
    assert _leftovers(tmp_path) == []


def test_swap_without_renameat2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The two-rename fallback used where the atomic exchange is unavailable."""
    monkeypatch.setattr(publish_module, "_exchange", lambda a, b: False)
    out = tmp_path / "site"
    publish(out, _site({"roadmap.json": "1", "a.html": "a"}))
    publish(out, _site({"roadmap.json": "2"}))
    assert tree_bytes(out) == {"roadmap.json": b"2"}
    assert _leftovers(tmp_path) == []


def test_failed_write_leaves_the_old_site_and_no_leftovers(tmp_path: Path) -> None:
    out = tmp_path / "site"
    publish(out, _site({"roadmap.json": "{}", "index.html": "old"}))
    before = tree_bytes(out)

    def broken(folder: Path) -> None:
        (folder / "index.html").write_text("half a site", encoding="utf-8")
        raise RuntimeError("template exploded")

    with pytest.raises(RuntimeError):
        publish(out, broken)
    assert tree_bytes(out) == before
    assert _leftovers(tmp_path) == []


def test_refuses_to_replace_a_folder_that_is_not_a_site(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "thesis.md").write_text("years of work", encoding="utf-8")
    called = []
    with pytest.raises(SheetmapError, match="not empty and does not hold a sheetmap site"):
        publish(docs, lambda folder: called.append(folder))
    assert called == []
    assert tree_bytes(docs) == {"thesis.md": b"years of work"}

    write_workbook(tmp_path / "roadmap.xlsx", ROWS)
    result = run_sheetmap("build", "roadmap.xlsx", "--out", "docs", cwd=tmp_path)
    assert result.returncode == 2
    assert "docs" in result.stderr and "Traceback" not in result.stderr
    assert tree_bytes(docs) == {"thesis.md": b"years of work"}
    assert _leftovers(tmp_path) == []


def test_an_empty_folder_may_be_used(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    publish(tmp_path / "site", _site({"roadmap.json": "{}"}))
    assert tree_bytes(tmp_path / "site") == {"roadmap.json": b"{}"}


@pytest.mark.parametrize("target", [".", "..", "/", "~"])
def test_refuses_folders_that_hold_everything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "roadmap.json").write_text("{}", encoding="utf-8")  # even if it looks like a site
    monkeypatch.chdir(work)
    with pytest.raises(SheetmapError, match="Refusing to publish"):
        publish(Path(os.path.expanduser(target)), _site({"roadmap.json": "{}"}))
    assert tree_bytes(work) == {"roadmap.json": b"{}"}


def test_refuses_a_file(tmp_path: Path) -> None:
    (tmp_path / "site").write_text("a file", encoding="utf-8")
    with pytest.raises(SheetmapError, match="not a folder"):
        publish(tmp_path / "site", _site({"roadmap.json": "{}"}))


def test_the_site_folder_is_readable(tmp_path: Path) -> None:
    write_workbook(tmp_path / "roadmap.xlsx", ROWS)
    result = run_sheetmap("build", "roadmap.xlsx", "--out", "site", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE((tmp_path / "site").stat().st_mode) == 0o755
    umask = os.umask(0)
    os.umask(umask)
    for path in (tmp_path / "site").rglob("*"):
        wanted = (0o777 if path.is_dir() else 0o666) & ~umask
        assert stat.S_IMODE(path.stat().st_mode) == wanted, path


KILLED_BUILD = """
import sys, time
from pathlib import Path
from sheetmap.publish import publish

def write(folder):
    (folder / "index.html").write_text("half a site")
    Path("started").write_text(str(folder))
    time.sleep(60)

publish(Path("site"), write)
"""


def test_leftovers_of_a_killed_build_are_cleaned(tmp_path: Path) -> None:
    write_workbook(tmp_path / "roadmap.xlsx", ROWS)
    assert run_sheetmap("build", "roadmap.xlsx", "--out", "site", cwd=tmp_path).returncode == 0
    before = tree_bytes(tmp_path / "site")

    process = subprocess.Popen([sys.executable, "-c", KILLED_BUILD], cwd=tmp_path)
    try:
        deadline = time.monotonic() + 20
        while not (tmp_path / "started").exists():
            assert process.poll() is None, "the build ended before it could be killed"
            assert time.monotonic() < deadline, "the build never started writing"
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    working = Path((tmp_path / "started").read_text())
    assert working.parent == tmp_path and working.is_dir()
    assert _leftovers(tmp_path) == [working.name]
    assert tree_bytes(tmp_path / "site") == before  # the kill changed nothing published

    result = run_sheetmap("build", "roadmap.xlsx", "--out", "site", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert _leftovers(tmp_path) == []
    assert tree_bytes(tmp_path / "site") == before


def test_cleaning_leftovers_spares_other_sites_working_folders(tmp_path: Path) -> None:
    """`site` and `site-internal` side by side, built at the same time (as a CI job may)."""
    busy = tmp_path / f"{WORK_PREFIX}new-site-internal-abcd1234"
    busy.mkdir()
    (busy / "index.html").write_text("being written", encoding="utf-8")
    stale = tmp_path / f"{WORK_PREFIX}new-site-k3j4h5g6"
    stale.mkdir()
    publish(tmp_path / "site", _site({"roadmap.json": "{}"}))
    assert _leftovers(tmp_path) == [busy.name]
    assert (busy / "index.html").read_text(encoding="utf-8") == "being written"


def test_a_symlinked_output_folder_is_published_through(tmp_path: Path) -> None:
    """`--out www` where www links to the web server's folder: the folder it points at gets the site."""
    served = tmp_path / "srv" / "roadmap"
    publish(served, _site({"roadmap.json": "1", "old.html": "old"}))
    link = tmp_path / "www"
    link.symlink_to(served, target_is_directory=True)
    publish(link, _site({"roadmap.json": "2"}))
    assert link.is_symlink() and link.resolve() == served.resolve()
    assert tree_bytes(served) == {"roadmap.json": b"2"}
    assert _leftovers(tmp_path) == [] and _leftovers(served.parent) == []
