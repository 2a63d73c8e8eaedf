"""Run one command as a fresh child process and measure it: wall time, CPU time, peak memory.

`run()` spawns the command, waits for it with `os.wait4`, and takes the
child's own rusage: `ru_maxrss` is the peak resident set of that child
(Linux reports KiB), the same number `getrusage(RUSAGE_CHILDREN)` gives
when it is the only child, and what `/usr/bin/time -v` prints as "Maximum
resident set size". A child that forks workers is measured with its
largest process (the kernel folds waited-for descendants into the
maximum, it does not add them up); `tree_peak_mb` samples the sum of
proportional set sizes (PSS: pages a forked worker shares with its parent
count once) over the whole process tree for that case, using at most 5 %
of a core (`_TreeSampler`). The figure shown is the larger of the two.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Sample:
    seconds: float
    cpu_seconds: float
    peak_mb: float
    #: the sum of proportional set sizes over the child and its descendants, sampled every 20 ms
    tree_peak_mb: float
    returncode: int
    stdout: str
    stderr: str


@dataclass
class Series:
    """Repeated samples of one command."""

    label: str
    samples: list[Sample] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def cpu_seconds(self) -> float:
        return statistics.median(s.cpu_seconds for s in self.samples)

    @property
    def peak_mb(self) -> float:
        """The worst peak of all runs: a memory limit must hold every time."""
        return max(max(s.peak_mb, s.tree_peak_mb) for s in self.samples)

    @property
    def spread(self) -> tuple[float, float]:
        times = [s.seconds for s in self.samples]
        return min(times), max(times)

    @property
    def failed(self) -> Sample | None:
        return next((s for s in self.samples if s.returncode not in self.ok_codes), None)

    ok_codes: tuple[int, ...] = (0,)


def _memory_kib(pid: int) -> int:
    """The process's proportional set size: shared pages (a forked worker's) count once over all sharers."""
    for path, key in ((f"/proc/{pid}/smaps_rollup", "Pss:"), (f"/proc/{pid}/status", "VmRSS:")):
        try:
            with open(path, encoding="ascii", errors="replace") as status:
                for line in status:
                    if line.startswith(key):
                        return int(line.split()[1])
        except OSError:
            continue
    return 0


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


class _TreeSampler(threading.Thread):
    """Samples the total memory (PSS) of a process and its descendants (Linux /proc), while there are several.

    A lone process needs no sampling: its `ru_maxrss` is its exact peak.
    Reading a process's PSS walks its page tables: 3 ms for 280 MB, 20 ms
    for 2 GB. Sampled every 20 ms whatever it cost, the sampler took half a
    core from a two-core machine while it measured the 421,412-row builds
    (goal 3: 105 s under the benchmark, 68 s alone), and far less at a
    tenth of the size, so the ratio grew with the measuring. Now it waits
    `1 / DUTY - 1` times as long as its last sample took: at most `DUTY` of
    one core, whatever the size.
    """

    #: the share of one core the sampler may use
    DUTY = 0.05

    def __init__(self, pid: int, interval: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.peak_kib = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            pids = self._tree()
            wait = self.interval
            if len(pids) > 1:
                started = time.perf_counter()
                total = sum(_memory_kib(pid) for pid in pids)
                # Only a sample of one set of processes counts: a worker forked while the parent was being
                # read would add its share of the parent's memory to the parent's whole (not yet shared) size.
                if self._tree() == pids:
                    self.peak_kib = max(self.peak_kib, total)
                wait = max(wait, (time.perf_counter() - started) * (1 / self.DUTY - 1))
            self.stop.wait(wait)

    def _tree(self) -> list[int]:
        found, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo.extend(_children(pid))
        return found


def run(
    cmd: Sequence[str | os.PathLike[str]], *, cwd: Path, env: dict[str, str] | None = None, timeout: float = 1800
) -> Sample:
    """Run `cmd` to completion in `cwd`; its output is kept (in files, so a chatty child cannot block)."""
    log = cwd / ".bench-log"
    log.mkdir(parents=True, exist_ok=True)
    out_path, err_path = log / "stdout", log / "stderr"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        started = time.perf_counter()
        child = subprocess.Popen([os.fspath(c) for c in cmd], cwd=cwd, env=env, stdout=out, stderr=err)
        sampler = _TreeSampler(child.pid)
        sampler.start()
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                child.kill()
                pid, status, usage = os.wait4(child.pid, 0)
                break
            time.sleep(0.002)
        seconds = time.perf_counter() - started
        sampler.stop.set()
        sampler.join()
    child.returncode = os.waitstatus_to_exitcode(status)  # tell Popen the child is reaped
    return Sample(
        seconds=seconds,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        peak_mb=usage.ru_maxrss / 1024,
        tree_peak_mb=sampler.peak_kib / 1024,
        returncode=child.returncode,
        stdout=out_path.read_text(encoding="utf-8", errors="replace"),
        stderr=err_path.read_text(encoding="utf-8", errors="replace"),
    )
