"""How fast `sheetmap serve` shows a save, measured from outside as a browser sees it.

    python benchmarks/serve_probe.py WORKBOOK [--saves 5]

Starts the real `sheetmap serve` on a free port in a scratch folder, then
saves the workbook again and again, each time with a new title in its first
row, the way a spreadsheet app saves (a new file renamed over the old one).
For each save it times what the reload script in the page does: wait for
the next version (`/__sheetmap__/wait`), then fetch the board, until the
board shows the new title. It also counts the CPU time the server spends
on a save that changes something and on one that changes nothing (the
same bytes written again), which should cost almost nothing.

Prints one JSON object; bench.py puts it in the table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

#: How long the server's CPU is watched after a save (its whole rebuild, pages included, fits in it).
SETTLE_SECONDS = 2.0


def _variant(source: Path, target: Path, title: str) -> None:
    """A copy of `source` whose first initiative is called `title` (written by openpyxl, like a save)."""
    from openpyxl import load_workbook

    workbook = load_workbook(source)
    sheet = workbook["Initiatives"] if "Initiatives" in workbook.sheetnames else workbook.worksheets[0]
    headers = [str(c.value or "").strip().casefold() for c in sheet[1]]
    sheet.cell(row=2, column=headers.index("title") + 1, value=title)
    workbook.save(target)


def _cpu_seconds(pid: int) -> float:
    """CPU time of `pid` so far, its threads included (also those that have ended)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _get(url: str, timeout: float = 30) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return bytes(response.read())


def _save(prepared: Path, book: Path) -> None:
    """Replace `book` with `prepared` the way Excel does: write a new file, rename it over the old one."""
    temporary = book.with_name("~$saving.tmp")
    shutil.copyfile(prepared, temporary)
    os.replace(temporary, book)


def probe(workbook: Path, saves: int, settle: float = SETTLE_SECONDS) -> dict[str, object]:
    work = Path(tempfile.mkdtemp(prefix="sheetmap-serve-probe-"))
    server: subprocess.Popen[str] | None = None
    try:
        book = work / "roadmap.xlsx"
        titles = [f"Teams wait too long for answers (save {n})" for n in range(saves + 1)]
        variants = []
        for n, title in enumerate(titles):
            variants.append(work / f"variant-{n}.xlsx.prepared")
            _variant(workbook, variants[-1], title)
        shutil.copyfile(variants[0], book)
        server = subprocess.Popen(
            [sys.executable, "-m", "sheetmap", "serve", str(book), "--port", "0", "--audience", "public"],
            cwd=work,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        url = _wait_for_url(server)
        base = url.rstrip("/")
        assert titles[0].encode() in _get(f"{base}/index.html"), "the first build does not show the workbook"

        # CPU is counted in clock ticks (10 ms): totals over all saves, less what the server
        # spends idle (it polls the files ten times a second) over as long, are precise enough.
        idle_started, idle_cpu = time.perf_counter(), _cpu_seconds(server.pid)
        time.sleep(settle * saves)  # as long as each phase below: the idle cost is known as precisely
        idle_rate = (_cpu_seconds(server.pid) - idle_cpu) / (time.perf_counter() - idle_started)
        shown: list[float] = []
        phase_started, cpu_before = time.perf_counter(), _cpu_seconds(server.pid)
        for n in range(1, saves + 1):
            version = int(_get(f"{base}/__sheetmap__/version"))
            started = time.perf_counter()
            _save(variants[n], book)
            while True:
                version = int(_get(f"{base}/__sheetmap__/wait?v={version}"))
                if titles[n].encode() in _get(f"{base}/index.html"):
                    break
            shown.append(time.perf_counter() - started)
            time.sleep(max(0.0, settle - shown[-1]))  # the rest of the site renders in the background
        changed = _cpu_seconds(server.pid) - cpu_before - idle_rate * (time.perf_counter() - phase_started)
        phase_started, cpu_before = time.perf_counter(), _cpu_seconds(server.pid)
        for _ in range(saves):
            _save(variants[saves], book)  # the same bytes again: a save that changes nothing
            time.sleep(settle)
        unchanged = _cpu_seconds(server.pid) - cpu_before - idle_rate * (time.perf_counter() - phase_started)
        return {
            "save_to_page_seconds": statistics.median(shown),
            "save_to_page_all": shown,
            "changed_cpu_seconds": max(0.0, changed / saves),
            "unchanged_cpu_seconds": max(0.0, unchanged / saves),
            "idle_cpu_per_second": idle_rate,
        }
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        shutil.rmtree(work, ignore_errors=True)


def _wait_for_url(server: subprocess.Popen[str], timeout: float = 120) -> str:
    """The URL from the server's 'Serving http://…' line."""
    found: list[str] = []
    seen: list[str] = []

    def read() -> None:
        assert server.stdout is not None
        for line in server.stdout:
            seen.append(line)
            if not found and "http://127.0.0.1:" in line:
                found.append(line.split("http://", 1)[1].split()[0])

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + timeout
    while not found:
        if server.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("sheetmap serve did not start:\n" + "".join(seen))
        time.sleep(0.02)
    return "http://" + found[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("workbook", type=Path)
    parser.add_argument("--saves", type=int, default=5)
    parser.add_argument("--settle", type=float, default=SETTLE_SECONDS, help="seconds the server's CPU is watched")
    args = parser.parse_args()
    print(json.dumps(probe(args.workbook.resolve(), args.saves, args.settle)))


if __name__ == "__main__":
    main()
