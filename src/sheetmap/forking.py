"""What every forked helper of sheetmap needs: how many cores, whether forking is safe, dying with the parent.

Rendering (`render/write.py`) and typing the cells of a big workbook
(`background.py`) fork helpers that start with everything already in
memory. Forking is safe only while no other thread runs (`sheetmap serve`,
a web server or MkDocs embedding sheetmap): a child forked while another
thread holds a lock can deadlock on it.

Work is shared out as numbered chunks whose numbers wait in a pipe:
whichever process is free takes the next (`offer_chunks`, `take_chunks`).
"""

from __future__ import annotations

import ctypes
import os
import signal
import struct
import threading
from collections.abc import Iterator


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


_CHUNK_NUMBER = struct.Struct("=I")
#: A pipe holds 64 KB, so this many numbers fit before any process reads them.
MAX_OFFERED = 65536 // _CHUNK_NUMBER.size


def offer_chunks(pipe: int, count: int) -> None:
    """Put the chunk numbers 0 to `count - 1` into `pipe` (its write end), all at once."""
    if count > MAX_OFFERED:
        raise ValueError(f"{count} chunk numbers do not fit in a pipe")  # a bug: callers cap their chunks
    os.write(pipe, b"".join(_CHUNK_NUMBER.pack(n) for n in range(count)))


def take_chunks(pipe: int) -> Iterator[int]:
    """Chunk numbers from `pipe` (its read end) until it is empty and closed; each goes to one reader only."""
    while raw := os.read(pipe, _CHUNK_NUMBER.size):  # reads of 4 bytes from a pipe are atomic
        yield _CHUNK_NUMBER.unpack(raw)[0]
