"""The `sheetmap` program ends without walking what it built (issue 9, goal 1).

Jinja's contexts of the last pages a process renders hold the view, and the
whole roadmap with it, in reference cycles; the interpreter's last garbage
collection went over all of it: 0.3-0.5 s after goal 1's build. `cli.run`
(the console script and `python -m sheetmap`) leaves it to the operating system.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from conftest import tree_bytes

ROOT = Path(__file__).resolve().parent.parent

#: Runs a command as `entry` does, and reports what the garbage collections *after* it collected.
SCRIPT = """
import atexit, gc, os, runpy, sys
entry = sys.argv.pop(1)

def report(phase, info):
    if phase == "stop":  # written straight to the file: the interpreter is shutting down
        os.write(1, b"COLLECTED=%d\\n" % info["collected"])

def watch_the_last_collections():
    gc.callbacks.append(report)

# atexit runs the last registered first: this runs after everything the command registers.
atexit.register(watch_the_last_collections)
sys.argv = ["sheetmap", *sys.argv[1:]]
if entry == "module":
    runpy.run_module("sheetmap", run_name="__main__")
else:
    from sheetmap.cli import main
    main()
"""


def build(tmp_path: Path, entry: str) -> list[int]:
    """Build the sample into tmp_path/entry; what each garbage collection after the command collected."""
    out = tmp_path / entry
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, entry, "build", str(ROOT / "sample_sheets" / "acme-roadmap.xlsx"), "--out", out],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Built public site" in done.stdout + done.stderr
    assert (out / "index.html").is_file()
    return [int(line.partition("=")[2]) for line in done.stdout.splitlines() if line.startswith("COLLECTED=")]


def test_the_program_ends_without_collecting_the_roadmap(tmp_path: Path) -> None:
    collected = build(tmp_path, "module")
    assert collected and sum(collected) == 0, collected  # the last collection ran, over nothing
    # Nothing else changed: the same pages as a build in a process that collects at exit.
    collecting = build(tmp_path, "main")
    assert sum(collecting) > 100, collecting  # what `run` spares: the sample's roadmap, still in cycles
    assert tree_bytes(tmp_path / "module") == tree_bytes(tmp_path / "main")


def test_the_console_script_is_the_program() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["sheetmap"] == "sheetmap.cli:run"
