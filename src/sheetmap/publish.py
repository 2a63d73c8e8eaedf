"""Atomic publishing: a site is written into a fresh folder, then swapped in.

Nothing touches the published folder until the new one is complete. On
Linux the swap is one `renameat2(RENAME_EXCHANGE)` call, so a build killed
at any moment leaves either the old site or the new one, never a mix.
Elsewhere it is two renames, with a window of microseconds.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from sheetmap.errors import SheetmapError

#: Prefix of the working folders, next to the output folder.
WORK_PREFIX = ".sheetmap-"
#: A folder sheetmap may replace must hold this file (or be empty).
MARKER = "roadmap.json"


def publish(out: Path, write: Callable[[Path], None]) -> None:
    """Call `write(folder)` to fill a fresh folder, then make it `out`.

    If `write` raises, the fresh folder is removed and `out` is untouched.
    """
    out = Path(os.path.abspath(out))
    if out.is_symlink():
        # Swapping would replace the link itself and leave the folder it
        # points at (often the web server's) stale: publish into the target.
        out = Path(os.path.realpath(out))
    _check_target(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(out)
    fresh = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}new-{out.name}-", dir=out.parent))
    try:
        write(fresh)
        # mkdtemp makes 0700 folders; a web server must be able to read the site.
        os.chmod(fresh, 0o755)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    _swap(fresh, out)


def _check_target(out: Path) -> None:
    cwd = Path.cwd().resolve()
    resolved = out.resolve()
    if resolved == Path(resolved.anchor) or resolved == cwd or resolved in cwd.parents or resolved == Path.home():
        raise SheetmapError(f"Refusing to publish into {out}: choose a folder of its own, such as site/.")
    if out.exists() and not out.is_dir():
        raise SheetmapError(f"{out} exists and is not a folder; choose another --out.")
    if out.is_dir() and not (out / MARKER).is_file() and any(out.iterdir()):
        raise SheetmapError(
            f"{out} is not empty and does not hold a sheetmap site, so sheetmap will not replace it. "
            "Choose an empty or new folder for --out."
        )


def _remove_leftovers(out: Path) -> None:
    """Working folders of builds that were killed before they finished."""
    # Exactly this folder's: a glob would also take `site-internal`'s working
    # folder (a build that may be running right now) when publishing `site`.
    # mkdtemp appends 8 characters of [a-z0-9_].
    own = re.compile(re.escape(WORK_PREFIX) + r"(?:new|old)-" + re.escape(out.name) + r"-[a-z0-9_]{8}")
    for stale in out.parent.glob(f"{WORK_PREFIX}*"):
        if own.fullmatch(stale.name) and stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)


def _swap(fresh: Path, out: Path) -> None:
    if not out.exists():
        os.rename(fresh, out)
        return
    if _exchange(fresh, out):
        shutil.rmtree(fresh, ignore_errors=True)  # now holds the old site
        return
    old = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}old-{out.name}-", dir=out.parent))
    os.rmdir(old)
    os.rename(out, old)
    os.rename(fresh, out)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths with Linux's renameat2; False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    try:
        libc = ctypes.CDLL(libc_name, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return bool(result == 0)
