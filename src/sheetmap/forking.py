"""What every forked helper of sheetmap needs: how many cores, whether forking is safe, dying with the parent.

Rendering (`render/write.py`) and typing the cells of a big workbook
(`background.py`) fork helpers that start with everything already in
memory. Forking is safe only while no other thread runs (`sheetmap serve`,
a web server or MkDocs embedding sheetmap): a child forked while another
thread holds a lock can deadlock on it.
"""

from __future__ import annotations

import ctypes
import os
import signal
import threading


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def fork_is_safe() -> bool:
    """Whether a helper may be forked now: the platform forks and no other thread runs."""
    return hasattr(os, "fork") and threading.active_count() == 1


def die_with(parent: int) -> None:
    """In a forked helper: have the kernel kill it when `parent` dies (Linux), so a killed build leaves none behind."""
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
        prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
        prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # elsewhere a helper outlives a killed parent until it next writes to it
    if os.getppid() != parent:  # the parent died before prctl
        os._exit(1)
