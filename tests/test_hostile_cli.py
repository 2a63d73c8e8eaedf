"""Hostile and broken files through the real `sheetmap` command, as an unattended CI job would run it.

Every file tests/hostile_files.py builds (zip bombs honest and lying, entity
bombs and external entities in UTF-8 and UTF-16, password-protected and
legacy Office files, .ods, .xlsb, Word documents, empty, truncated and
corrupt files, images and web pages named .xlsx, Excel's lock file) goes
through `sheetmap validate` and `sheetmap build`: each must end with exit
code 2, a message on stderr that says what the file is and what to do, no
Python traceback, nothing written, in a few seconds and in little memory
(measured from the child process's own resource usage).

Then the legitimate but hostile-looking shapes: a sheet claiming
A1:XFD1048576, and a million empty styled rows. Those are read, correctly,
in seconds and bounded memory (the data is trusted, not the header).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

import hostile_files as hf

#: Every refusal, startup of the interpreter included, on a slow shared CI machine.
SECONDS = 20.0
#: Peak memory of a refusing `sheetmap` process. A bomb that got inflated would need 1 GiB or more.
REFUSAL_MB = 150


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float


#: Runs `python -m sheetmap ARGS` and, at exit, writes the process's peak resident memory (VmHWM, which
#: starts afresh at exec, unlike ru_maxrss, which inherits the forking test process's size) to a file.
MEASURED = """
import atexit, os, runpy, sys

def peak():
    with open("/proc/self/status", encoding="ascii") as status:
        kb = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(os.environ["SHEETMAP_TEST_PEAK"], "w", encoding="ascii") as out:
        out.write(kb)

atexit.register(peak)
sys.argv = ["sheetmap", *sys.argv[1:]]
runpy.run_module("sheetmap", run_name="__main__", alter_sys=True)
"""


def sheetmap(*args: str | os.PathLike[str], cwd: Path, timeout: float = 120) -> Run:
    """Run the real CLI in `cwd`; also report its wall time and peak resident memory."""
    side = cwd.parent / f".{cwd.name}"
    out_path, err_path, peak_path = (side.with_suffix(s) for s in (".stdout", ".stderr", ".peak"))
    env = {**os.environ, "SHEETMAP_TEST_PEAK": str(peak_path)}
    started = time.perf_counter()
    with out_path.open("wb") as out, err_path.open("wb") as err:
        process = subprocess.run(
            [sys.executable, "-c", MEASURED, *map(str, args)], cwd=cwd, stdout=out, stderr=err, env=env,
            timeout=timeout, check=False,
        )  # fmt: skip
    seconds = time.perf_counter() - started
    stdout, stderr = out_path.read_text(encoding="utf-8"), err_path.read_text(encoding="utf-8")
    peak_mb = int(peak_path.read_text(encoding="ascii")) / 1024
    for path in (out_path, err_path, peak_path):
        path.unlink()
    return Run(process.returncode, stdout, stderr, seconds, peak_mb)


def _work(tmp_path: Path) -> Path:
    # The CLI runs in a folder with no sheetmap.yml (the repository's own would apply otherwise).
    work = tmp_path / "work"
    work.mkdir(parents=True)
    return work


@pytest.mark.parametrize("case", sorted(hf.HOSTILE))
def test_hostile_file_is_refused_by_the_cli(case: str, tmp_path: Path) -> None:
    build_file, words = hf.HOSTILE[case]
    path = build_file(tmp_path)
    commands = {"validate": ["validate", path], "build": ["build", path, "--out", "site"]}
    works = {name: _work(tmp_path / name) for name in commands}
    with ThreadPoolExecutor(max_workers=2) as pool:  # both commands at once: half the wall time
        runs = dict(zip(commands, pool.map(lambda n: sheetmap(*commands[n], cwd=works[n]), commands), strict=True))

    for name, run in runs.items():
        assert run.code == 2, (name, run.code, run.stdout, run.stderr)
        assert "Traceback" not in run.stderr + run.stdout, name
        assert run.stderr.startswith("Error: "), run.stderr
        assert str(path) in run.stderr, run.stderr
        for word in words:
            assert word in run.stderr, f"{name}: {word!r} missing from: {run.stderr}"
        assert run.seconds < SECONDS, f"{name} took {run.seconds:.1f} s"
        assert run.peak_mb < REFUSAL_MB, f"{name}: peak memory {run.peak_mb:.0f} MB"
        assert [p.name for p in works[name].iterdir()] == [], f"{name} wrote something"


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("roadmap.xls", "legacy", (".xls", "Excel Workbook (.xlsx)")),
        ("roadmap.numbers", "text", (".numbers", "Excel Workbook (.xlsx)")),
        ("roadmap.ods", "ods", (".ods", ".xlsx")),
        ("nothing-here.xlsx", None, ("nothing-here.xlsx",)),
    ],
)
def test_other_formats_and_missing_files_are_named(
    tmp_path: Path, name: str, content: str | None, words: tuple[str, ...]
) -> None:
    work = _work(tmp_path)
    source = tmp_path / name
    if content == "legacy":
        source.write_bytes(hf.legacy_xls(tmp_path).read_bytes())
    elif content == "ods":
        hf.ods(tmp_path).rename(source)
    elif content == "text":
        source.write_text("not a workbook", encoding="utf-8")
    run = sheetmap("build", source, "--out", "site", cwd=work)
    assert run.code == 2 and "Traceback" not in run.stderr, run.stderr
    for word in words:
        assert word in run.stderr, run.stderr
    assert not (work / "site").exists()


def test_password_protected_workbook_says_how_to_remove_the_password(tmp_path: Path) -> None:
    run = sheetmap("validate", hf.encrypted_workbook(tmp_path), cwd=_work(tmp_path))
    assert run.code == 2
    assert "password" in run.stderr and "not" in run.stderr.lower()
    assert "Encrypt with Password" in run.stderr  # the menu path that removes it


# --- legitimate but hostile-looking -----------------------------------------------------------------


def million_empty_styled_rows(directory: Path, rows: int = 1_048_576) -> Path:
    """Two rows of data, then every other row of the sheet formatted but empty, as 'format whole rows' leaves it.

    About 90 MB of sheet XML in a 9 MB file: under the guard's size and ratio limits, so it must be read.
    """
    base = hf._members(hf.normal_workbook(directory, "base-styled.xlsx", rows=1))
    head = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{hf.SHEET_NS}">'
        f'<dimension ref="A1:E{rows}"/><sheetData>'
    ).encode()
    data = bytearray(head)
    for number, values in ((1, ("ID", "Title", "Horizon")), (2, ("INIT-1", "Customers cannot find reports", "Next"))):
        cells = "".join(
            f'<c r="{col}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
            for col, value in zip("ABC", values, strict=True)
        )
        data += f'<row r="{number}">{cells}</row>'.encode()
    for r in range(3, rows + 1):
        data += b'<row r="%d" spans="1:5" s="1" customFormat="1"><c r="A%d" s="1"/><c r="B%d" s="1"/></row>' % (r, r, r)
    data += b"</sheetData></worksheet>"
    path = directory / "styled-rows.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in base.items():
            zf.writestr(name, bytes(data) if name == hf.SHEET_PART else content)
    return path


@pytest.fixture(scope="module")
def styled_rows(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return million_empty_styled_rows(tmp_path_factory.mktemp("styled"))


#: Reading the million rows: the data is two rows, so seconds, not the 26 s and 465 MB openpyxl needed
#: before sheetmap dropped empty rows from the XML stream (sources/xlsx.py, _WithoutEmptyCells).
STYLED_SECONDS = 20.0
STYLED_MB = 400


def test_a_million_empty_styled_rows_are_read_quickly(styled_rows: Path, tmp_path: Path) -> None:
    work = _work(tmp_path)
    run = sheetmap("validate", styled_rows, "--format", "json", cwd=work)
    assert run.code == 0, run.stderr
    assert run.seconds < STYLED_SECONDS, f"took {run.seconds:.1f} s"
    assert run.peak_mb < STYLED_MB, f"peak memory {run.peak_mb:.0f} MB"
    build = sheetmap("build", styled_rows, "--audience", "internal", "--out", "site", cwd=work)
    assert build.code == 0, build.stderr
    assert "1 initiative" in build.stdout
    assert [p.name for p in (work / "site" / "initiatives").iterdir()] == ["init-1.html"]


STREAMING = """
import resource, sys, time
from pathlib import Path
from sheetmap.sources.guard import check_workbook_file
from sheetmap.sources.xlsx import read_xlsx_openpyxl
path = Path(sys.argv[1])
check_workbook_file(path)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
sheets = read_xlsx_openpyxl(path, str(path))
seconds = time.perf_counter() - started
grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
print([(s.title, [(r.number, r.values) for r in s.rows]) for s in sheets])
print(f"{seconds:.3f} {grown:.1f}")
"""


def test_the_streaming_reader_keeps_memory_flat_on_a_million_rows(styled_rows: Path) -> None:
    """The openpyxl path (used when calamine declines a file) streams: memory does not grow with the rows."""
    done = subprocess.run(
        [sys.executable, "-c", STREAMING, str(styled_rows)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    rows, numbers = done.stdout.strip().splitlines()
    assert rows == (
        "[('Initiatives', [(1, ('ID', 'Title', 'Horizon')), (2, ('INIT-1', 'Customers cannot find reports', 'Next'))])]"
    )
    seconds, grown_mb = map(float, numbers.split())
    assert seconds < STYLED_SECONDS, f"took {seconds:.1f} s"
    assert grown_mb < 64, f"memory grew by {grown_mb:.0f} MB while reading"


def test_a_sheet_claiming_the_whole_grid_is_read_for_what_it_holds(tmp_path: Path) -> None:
    work = _work(tmp_path)
    run = sheetmap("build", hf.absurd_dimension(tmp_path), "--audience", "internal", "--out", "site", cwd=work)
    assert run.code == 0, run.stderr
    assert run.seconds < SECONDS and run.peak_mb < REFUSAL_MB
    assert len(list((work / "site" / "initiatives").iterdir())) == 1
