"""Compiled templates kept by name and source checksum: in memory, and on disk from one run to the next.

Compiling the theme's templates takes about 0.15 s, and every `sheetmap
build` is a new process that did it again before rendering anything (a
few percent of a 10,000-page build, all of a small one's rendering). This
is Jinja's own bytecode cache (`jinja2.BytecodeCache`): the code of a
template, marshalled, under a key made of the template's name and file,
and used only when the checksum of the template's source matches and it
was written by this Python.

On disk it lives in `$XDG_CACHE_HOME/sheetmap` (by default
`~/.cache/sheetmap`), in a folder named after everything else that decides
the compiled code: the code generator (`fast_templates.py`), the
environment's settings (`site.py`) and Jinja's compiler and runtime. A new
version of any of them starts a new folder, so old code is never run.

A cache never fails a build: a folder that cannot be made, is not this
user's own, or is open to other users (who could put code in it) is not
used; a file that cannot be read or written is a miss. Only compiled
templates are stored, never anything from a workbook.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import os
import stat
import sys
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

from sheetmap.atomic_file import write_atomically

#: The modules whose code decides what a template compiles to.
_COMPILER_FILES = ("sheetmap.render.fast_templates", "sheetmap.render.site", "jinja2.compiler", "jinja2.runtime")


class CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates by key: in memory, then in `folder` when there is one."""

    def __init__(self, folder: Path | None = None) -> None:
        self._memory: dict[str, bytes] = {}
        self.folder = folder

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._memory.get(bucket.key)
        if code is None and self.folder is not None:
            with contextlib.suppress(OSError):
                code = (self.folder / bucket.key).read_bytes()
        if code is not None:
            try:
                bucket.bytecode_from_string(code)
            except Exception:  # a damaged file: compile again (and replace it)
                bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        code = bucket.bytecode_to_string()
        self._memory[bucket.key] = code
        if self.folder is not None:
            with contextlib.suppress(OSError):  # only a miss for the next run
                write_atomically(self.folder / bucket.key, code)


def disk_folder() -> Path | None:
    """This compiler's folder of the user's cache, made if needed; None where it cannot be used safely."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if not os.path.isabs(base) or not hasattr(os, "getuid"):
        return None
    folder = Path(base) / "sheetmap" / f"templates-{compiler_key()}"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        for part in (folder.parent, folder):
            # Compiled code is run as it is read: only a folder no one else can write to is trusted.
            info = part.lstat()
            if info.st_uid != os.getuid() or not stat.S_ISDIR(info.st_mode) or info.st_mode & 0o022:
                return None
    except OSError:
        return None
    return folder


def compiler_key() -> str:
    """A digest of the code that decides what templates compile to."""
    digest = hashlib.sha256(sys.version.encode())
    for name in _COMPILER_FILES:
        file = importlib.import_module(name).__file__
        digest.update(Path(file).read_bytes() if file else name.encode())
    return digest.hexdigest()[:16]
