"""A file written whole or not at all: beside its final name, then renamed over it.

Someone may read the file at any moment (a spreadsheet app opening the
starter workbook, a build reading a snapshot or a compiled template), and
a write can be interrupted; a rename within one folder is atomic, so they
see the old file or the new one, never half of one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write `data` to `path` (in an existing folder); `mode` sets permissions, else only the owner may read it.

    Raises OSError as writing does; the temporary file is removed then.
    """
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
