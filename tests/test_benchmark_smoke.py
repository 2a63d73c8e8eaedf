"""The performance benchmark (benchmarks/bench.py) still runs: every goal, on tiny inputs, once.

The benchmark itself takes many minutes and is not part of the suite; this
smoke run goes through all of its code (generating workbooks, the openpyxl
and calamine baselines, Hugo when installed, sheetmap builds and validation,
the `serve` probe, start-up and imports) so that it cannot rot. Its numbers
mean nothing at this size: only that each measurement ran and the table is
printed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import benchmark_module

REPO = Path(__file__).resolve().parents[1]


def test_benchmark_smoke_run_prints_the_table(tmp_path: Path) -> None:
    rows_file = tmp_path / "rows.json"
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "bench.py"), "--smoke", "--quiet",
         "--cache", str(tmp_path / "inputs"), "--json", str(rows_file)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert "| Goal | Measure | Baseline | sheetmap | Ratio | Target | Result |" in done.stdout
    rows = json.loads(rows_file.read_text(encoding="utf-8"))
    assert {row["goal"] for row in rows} == {"1", "2", "3", "4", "5"}
    errors = [row for row in rows if row["result"].startswith("ERROR")]
    assert not errors, errors
    assert all(row["result"] in ("PASS", "FAIL", "SKIP", "INFO") for row in rows)
    # every row the table shows is one of the measured rows
    assert sum(line.startswith("| ") for line in done.stdout.splitlines()) == len(rows) + 2
    # what each goal measured, by name
    measures = " ".join(row["measure"] for row in rows)
    for words in ("openpyxl read-only read", "public build", "validate with mistakes", "shows in the browser",
                  "sheetmap --help", "imports"):  # fmt: skip
        assert words in measures, words
    # the inputs went to the cache folder named, none into the repository
    assert list((tmp_path / "inputs").glob("smoke-*.xlsx"))


# A parent that forks a worker (or not); each process then holds 60 MB of its own for a second.
_HOLD = """
import os, sys, time
pid = os.fork() if sys.argv[1] == "fork" else 0
held = bytearray(os.urandom(1024)) * (60 * 1024)
time.sleep(1.0)
if pid:
    os.waitpid(pid, 0)
"""


def test_the_benchmark_adds_up_the_memory_of_forked_workers(tmp_path: Path) -> None:
    """`ru_maxrss` sees one process; the sampler adds up a parent and its workers, and leaves a lone process alone."""
    measure = benchmark_module("measure")
    run, Series = measure.run, measure.Series
    two = run([sys.executable, "-c", _HOLD, "fork"], cwd=tmp_path)
    assert two.returncode == 0
    assert two.tree_peak_mb > 110  # both processes' 60 MB
    one = run([sys.executable, "-c", _HOLD, "alone"], cwd=tmp_path)
    assert one.returncode == 0
    assert one.tree_peak_mb == 0  # not sampled: its own peak is exact
    assert Series("alone", [one]).peak_mb > 60
