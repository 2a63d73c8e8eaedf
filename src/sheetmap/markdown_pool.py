"""Render many Markdown cells at once, over the machine's cores.

Converting Markdown is the largest single cost of reading a big workbook
(about 0.2 ms a cell with python-markdown; a roadmap of 10,000 initiatives
has some 30,000 such cells). `render_all` converts every distinct cell with
`sanitize.render_markdown` (and takes its plain text) in worker processes,
when there are enough cells to repay starting them, and returns the results
for `parse.py` to look up; otherwise nothing, and `parse.py` converts each
cell as it reads it. The output is the same either way: the workers run the
same functions.

Workers are forked, so they start in milliseconds with everything already
imported. Forking a process that runs other threads (`sheetmap serve`, a
web server embedding sheetmap) can deadlock the child, so there the cells
are converted in this process, as they are for small workbooks.
"""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Iterable

from sheetmap.sanitize import plain_text, render_markdown

#: (sanitised HTML, what was removed, plain text)
Rendered = tuple[str, tuple[str, ...], str]

#: Below this many distinct cells starting workers costs more than it saves.
PARALLEL_FROM = 2000
#: Cells sent to a worker at a time: large enough that sending them costs little.
CHUNK = 500


def _render_chunk(sources: list[str]) -> list[Rendered]:
    rendered = []
    for source in sources:
        html, removed = render_markdown(source)
        rendered.append((html, removed, plain_text(html)))
    return rendered


def workers() -> int:
    """How many processes to use: the cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def render_all(sources: Iterable[str]) -> dict[str, Rendered]:
    """The rendering of every distinct non-blank cell, keyed by its text; {} when it does not pay."""
    unique = list(dict.fromkeys(s for s in sources if s.strip()))
    count = workers()
    if len(unique) < PARALLEL_FROM or count < 2 or threading.active_count() > 1:
        return {}
    import multiprocessing  # here: small workbooks never need it, and it takes a while to import
    from concurrent.futures import ProcessPoolExecutor

    if "fork" not in multiprocessing.get_all_start_methods():
        return {}
    chunks = [unique[i : i + CHUNK] for i in range(0, len(unique), CHUNK)]
    # Objects that exist before the fork are left out of the workers' garbage collection,
    # so the workers do not touch (and copy) the parent's whole memory.
    gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("fork")) as pool:
            rendered = [result for chunk in pool.map(_render_chunk, chunks) for result in chunk]
    finally:
        gc.unfreeze()
    return dict(zip(unique, rendered, strict=True))
