"""Write the site's pages into a fresh folder, over the machine's cores when that pays.

Pages are independent: each is a function of the projected roadmap alone.
A big site (2,000 initiative pages and 100 sprint boards of 1,000 tasks)
takes seconds of Jinja, so its pages are shared out between this process
and forked workers, one process per core, and each process writes the
files it renders: the workers send back only the names of their files,
not 100 MB of pages over pipes. Which process renders a page changes
nothing in it, so the files are the same, byte for byte, however the work
was shared out.

Workers are forked: they start in milliseconds, with the roadmap, the view
and the compiled templates already in memory. Never while other threads
run (`sheetmap serve`, a web server or MkDocs embedding sheetmap), since a
child forked from a process with threads can deadlock; and not for small
sites, where starting workers costs more than it saves. The folder is a
fresh one that `publish.py` swaps in only when every page was written, so
a page that fails, in any process, leaves the published site as it was.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import os
import pickle
import signal
import struct
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, NamedTuple

import jinja2

from sheetmap.errors import SheetmapError
from sheetmap.forking import MAX_OFFERED, die_with, fork_is_safe, offer_chunks, take_chunks
from sheetmap.forking import cores as workers

if TYPE_CHECKING:
    from sheetmap.render.site import Page

log = logging.getLogger(__name__)

#: Below this total weight (about the rows the pages list) one process is as fast: forking and
#: sharing out cost some 10 ms, and two workers were first clearly faster at about 1,000 rows of
#: pages (50 ms of rendering; 100 public initiatives). The sample roadmap stays below.
PARALLEL_FROM = 1000
#: Work is handed out in about this many chunks per worker, heaviest first, so no worker is left with a long
#: tail: a page's weight (the rows it lists) is only roughly its cost (an initiative page with ten ideas takes as
#: long as 60 tasks of a sprint board), and with 8 the last chunks of goal 1 (issue 9) took 0.6-0.9 s each, one
#: process rendering on while the other had nothing left.
CHUNKS_PER_WORKER = 32


class Written(NamedTuple):
    """What a process reports for a chunk of pages: its pid, and the files it wrote."""

    pid: int
    files: list[str]
    #: the page that failed, and what to tell the user ("" for a bug: see `_raise_failure`)
    failed: tuple[str, str] | None = None


def write_pages(pages: Sequence[Page], folder: Path, prepare: Callable[[], None] | None = None) -> int:
    """Render and write every page into `folder`; returns the number of files.

    `prepare` runs once before workers are forked (compiling templates,
    shared lookups). Raises SheetmapError for a template that fails or a
    file that cannot be written; other exceptions (bugs) propagate as they are.
    """
    _refuse_repeated_paths(pages)
    _make_folders(pages, folder)
    count = workers()
    with _frozen_heap() as freeze:
        serial = sum(p.weight for p in pages) < PARALLEL_FROM or count < 2 or not hasattr(os, "fork")
        if not serial and not fork_is_safe():
            # A child forked while other threads run can deadlock on a lock one of them held.
            log.debug("other threads are running: rendering in this process")
            serial = True
        if serial:
            _write_serial(pages, folder)
            log.debug("wrote %d files in this process", len(pages))
            return len(pages)
        if prepare is not None:
            prepare()
            freeze()
        return _write_parallel(pages, folder, count)


@contextlib.contextmanager
def _frozen_heap() -> Iterator[Callable[[], None]]:
    """Leave the objects that exist now (the roadmap, the view) out of garbage collection while pages render.

    Rendering allocates many short-lived objects, and each full collection
    walked the whole model again: a fifth of the rendering time for goal 1's
    workbook. In forked workers it also keeps the collector from touching,
    and so copying, the parent's memory. Yields a function that freezes what
    exists by then too. Leaves alone a process that froze objects itself.
    """
    if gc.get_freeze_count():
        yield lambda: None
        return
    gc.freeze()
    try:
        yield gc.freeze
    finally:
        gc.unfreeze()


def _refuse_repeated_paths(pages: Sequence[Page]) -> None:
    """Two pages with one path would leave whichever process wrote last: never let timing decide a file."""
    seen: set[str] = set()
    for page in pages:
        if page.path in seen:
            raise ValueError(f"two pages would be written to {page.path}")  # a bug: slugs are unique per folder
        seen.add(page.path)


def _make_folders(pages: Sequence[Page], folder: Path) -> None:
    # Page paths are relative, with '/' (a Path per page took 1.7 s of 100,000 pages).
    for parent in sorted({p.path.rpartition("/")[0] for p in pages}):
        (folder / parent).mkdir(parents=True, exist_ok=True)


def _write_serial(pages: Sequence[Page], folder: Path) -> None:
    for page in pages:
        failed = _write_one(page, folder)
        if failed is not None:
            _raise_failure(page, failed)


def _write_one(page: Page, folder: Path) -> str | None:
    """Render and write one page; None when it worked, else what to tell the user."""
    try:
        data = page.make()
    except jinja2.TemplateError as exc:
        return template_failure(exc, page.path, exc.__traceback__)
    except Exception as exc:
        # `{{ 1 + "a" }}` in a team's own template raises a plain TypeError: still their template to fix.
        # The same in a built-in template, or in Python, is a bug and keeps its traceback.
        if not _failed_in_own_template(exc.__traceback__):
            raise
        return template_failure(exc, page.path, exc.__traceback__)
    try:
        (folder / page.path).write_bytes(data)
    except OSError as exc:
        return f"Could not write {page.path} into {folder}: {exc.strerror or exc}."
    return None


def _raise_failure(page: Page, message: str) -> None:
    if not message:
        # A bug, in a worker: make the page again here, so the exception and its traceback
        # are the same as in a build that used one process.
        page.make()
        message = f"Rendering {page.path} failed in a worker process, and worked when tried again."
    raise SheetmapError(message)


# --- the workers -------------------------------------------------------------------------------------------------

#: The pages and the folder, set in the parent just before forking: the workers inherit them.
_PAGES: Sequence[Page] = ()
_FOLDER = Path()
#: At most this many chunks (their numbers must fit in a pipe before any worker reads them).
MAX_CHUNKS = min(1024, MAX_OFFERED)
_SIZE = struct.Struct("=Q")


def _write_chunk(indices: list[int]) -> Written:
    files: list[str] = []
    for index in indices:
        page = _PAGES[index]
        try:
            failed = _write_one(page, _FOLDER)
        except Exception:  # a bug: exceptions do not all survive pickling, so the parent raises it again
            failed = ""
        if failed is not None:
            return Written(os.getpid(), files, (page.path, failed))
        files.append(page.path)
    return Written(os.getpid(), files)


def chunks(weights: Sequence[int], count: int) -> list[list[int]]:
    """Page indices in chunks of about equal weight, heaviest pages first (each chunk in page order)."""
    order = sorted(range(len(weights)), key=lambda i: -weights[i])
    parts = min(count * CHUNKS_PER_WORKER, MAX_CHUNKS)
    target = max(1, -(-sum(weights) // parts))
    result: list[list[int]] = []
    current: list[int] = []
    size = 0
    for index in order:
        current.append(index)
        size += weights[index]
        if size >= target:
            result.append(sorted(current))
            current, size = [], 0
    if current:
        result.append(sorted(current))
    return result


def _write_parallel(pages: Sequence[Page], folder: Path, count: int) -> int:
    """This process and `count - 1` forked workers render and write the pages.

    One worker per other core is forked; this process writes the pages
    that list the whole roadmap (`Page.lists_all`: the board, roadmap.json,
    the priorities of 20,000 ideas…) while the workers start on the pages
    of one item each. Those go out in chunks, heaviest first, through a
    pipe that this process also takes them from once its own are done.
    Every chunk number is in the pipe before the first fork, so the workers
    need nothing more from this process and stop when the pipe is empty.

    Memory decides the rest. After a fork, a page of memory that either
    process writes is copied, and Python writes reference counts even when
    it only reads an object. So the memory the C heap holds free goes back
    to the system before forking (`return_free_memory`), and the big pages
    are rendered in little memory (`site.render_listing`, `data.dumps`):
    goal 1's build peaks at about 340 MB. (They used to be rendered before
    forking, with the other core idle: 320 MB, and 0.3-0.7 s longer.)
    """
    global _PAGES, _FOLDER
    own = [i for i, page in enumerate(pages) if page.lists_all]
    items = [i for i, page in enumerate(pages) if not page.lists_all]
    work = [[items[i] for i in chunk] for chunk in chunks([pages[i].weight for i in items], count)]
    return_free_memory()
    tasks_in, tasks_out = os.pipe()
    offer_chunks(tasks_out, len(work))
    os.close(tasks_out)
    _PAGES, _FOLDER = pages, folder
    try:
        with _Workers(min(count - 1, len(work)), work, tasks_in) as workers:
            log.debug("rendering %d files: %d here, %d chunks shared with %d forked workers",
                      len(pages), len(own), len(work), len(workers.pids))  # fmt: skip
            for index in own:
                if not workers.add(_write_chunk([index])):
                    break
            else:
                for number in take_chunks(tasks_in):
                    if not workers.add(_write_chunk(work[number])):
                        break
            workers.wait()
    finally:
        os.close(tasks_in)
        _PAGES, _FOLDER = (), Path()
    return _check(workers, pages)


def return_free_memory() -> None:
    """Give the memory the C allocator holds free back to the system (glibc's `malloc_trim`), before forking.

    Reading the workbook and the pages written so far leave tens of MB free
    inside the C heap (large blocks are freed into it, not to the system):
    goal 1's build held 280-300 MB before forking, of which 50-80 MB were
    free. Both processes then counted them, and a worker that allocated
    there had them copied. Trimming takes a few milliseconds. Elsewhere than
    glibc there is nothing to call, and nothing is done.
    """
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return
    trim.argtypes = [ctypes.c_size_t]
    trim(0)


def _work(work: list[list[int]], tasks: int, results: int) -> int:
    """A worker: chunks from the pipe until it is empty; a report for each on its own pipe."""
    with os.fdopen(results, "wb") as out:
        for number in take_chunks(tasks):
            written = _write_chunk(work[number])
            report = pickle.dumps(written)
            out.write(_SIZE.pack(len(report)) + report)
            out.flush()
            if written.failed is not None:
                break
    return 0


class _Workers:
    """Forked workers and what they (and this process) report: files written, a page that failed, a crash."""

    def __init__(self, count: int, work: list[list[int]], tasks: int) -> None:
        import selectors

        self.pids: dict[int, int] = {}  # the read end of a worker's pipe -> its pid
        self.written: list[Written] = []
        #: pid -> how it ended, for workers that did not exit normally
        self.crashed: dict[int, str] = {}
        self.failed = False
        self._buffers: dict[int, bytearray] = {}
        self._selector = selectors.DefaultSelector()
        parent = os.getpid()
        try:
            for _ in range(count):
                results_in, results_out = os.pipe()
                pid = os.fork()
                if pid == 0:
                    status = 1
                    try:
                        die_with(parent)
                        for fd in (results_in, *self.pids):
                            os.close(fd)
                        status = _work(work, tasks, results_out)
                    finally:
                        os._exit(status)  # never back into the parent's stack (click, pytest) from here
                os.close(results_out)
                self.pids[results_in] = pid
                self._buffers[results_in] = bytearray()
                self._selector.register(results_in, selectors.EVENT_READ)
        except BaseException as exc:
            self.__exit__(type(exc), exc, exc.__traceback__)
            raise

    def __enter__(self) -> _Workers:
        return self

    def add(self, report: Written) -> bool:
        """A report of this process's own; then whatever the workers have sent. False once something failed."""
        self.written.append(report)
        self.failed = self.failed or report.failed is not None
        self._read(timeout=0)
        if self.failed or self.crashed:
            self._stop()  # no point rendering the rest
        return not (self.failed or self.crashed)

    def wait(self) -> None:
        """Every report, until each worker has closed its pipe."""
        self._read(timeout=None)

    def _read(self, timeout: float | None) -> None:
        while self._buffers:
            ready = self._selector.select(timeout)
            if not ready:
                return
            for key, _ in ready:
                self._take(int(key.fd))

    def _take(self, fd: int) -> None:
        data = os.read(fd, 1 << 16)
        if not data:  # the worker is done, or dead: see which
            self._selector.unregister(fd)
            del self._buffers[fd]
            status = os.waitpid(self.pids[fd], 0)[1]
            if status:
                self.crashed[self.pids[fd]] = _how_it_ended(status)
                self._stop()
            return
        buffer = self._buffers[fd]
        buffer += data
        while len(buffer) >= _SIZE.size:
            (size,) = _SIZE.unpack_from(buffer)
            if len(buffer) < _SIZE.size + size:
                break
            report: Written = pickle.loads(bytes(buffer[_SIZE.size : _SIZE.size + size]))
            del buffer[: _SIZE.size + size]
            self.written.append(report)
            if report.failed is not None:
                self.failed = True
                self._stop()

    def _stop(self) -> None:
        for fd, pid in self.pids.items():
            if fd in self._buffers:  # not reaped yet
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        if kind is not None:
            self._stop()
        for fd, pid in self.pids.items():
            if fd in self._buffers:
                status = os.waitpid(pid, 0)[1]
                if status and kind is None and not self.failed:
                    self.crashed[pid] = _how_it_ended(status)
            os.close(fd)
        self._buffers.clear()
        self._selector.close()


def _how_it_ended(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        return f"killed by {signal.Signals(number).name}" if number in signal.valid_signals() else f"signal {number}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"


def _check(workers: _Workers, pages: Sequence[Page]) -> int:
    """The number of files written; raises for a page that failed or a worker that died."""
    by_path = {p.path: p for p in pages}
    for report in workers.written:
        if report.failed is not None:
            path, message = report.failed
            _raise_failure(by_path[path], message)
    if workers.crashed:
        how = ", ".join(sorted(set(workers.crashed.values())))
        raise SheetmapError(
            f"Rendering the site stopped: a worker process ended unexpectedly ({how}). "
            "It may have run out of memory; try again, or on a machine with more memory."
        )
    written = {path for report in workers.written for path in report.files}
    missing = [p.path for p in pages if p.path not in written]
    if missing:  # cannot happen while every worker reports; a half-written site must never be published
        raise SheetmapError(f"Rendering the site stopped: {len(missing)} files were not written, e.g. {missing[0]}.")
    pids = sorted({report.pid for report in workers.written})
    log.debug("wrote %d files in %d processes (pids %s)", len(written), len(pids), pids)
    return len(written)


# --- messages ----------------------------------------------------------------------------------------------------


#: Where the built-in templates are: an error there is sheetmap's, not the team's.
_BUILT_IN_THEMES = Path(__file__).resolve().parent.parent / "themes"


def _failed_in_own_template(tb: TracebackType | None) -> bool:
    """Whether the innermost template frame of `tb` is a team's template (not a built-in one)."""
    filename = None
    while tb is not None:
        if "__jinja_exception__" in tb.tb_frame.f_globals:
            filename = tb.tb_frame.f_code.co_filename
        tb = tb.tb_next
    return filename is not None and not Path(filename).resolve().is_relative_to(_BUILT_IN_THEMES)


def template_failure(exc: BaseException, page: str, tb: TracebackType | None) -> str:
    """'The template site_templates/card.html has an error at line 3 (rendering index.html): …'."""
    filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if not filename:
        # A template that fails while it renders: Jinja rewrites the traceback so that the
        # innermost template frame names the template's file and line.
        while tb is not None:
            if "__jinja_exception__" in tb.tb_frame.f_globals:
                filename, line = tb.tb_frame.f_code.co_filename, tb.tb_lineno
            tb = tb.tb_next
    where = f"The template {_shown(filename)}" if filename else "A template"
    at = f" at line {line}" if line else ""
    detail = getattr(exc, "message", None) or str(exc)
    return (
        f"{where} has an error{at} (rendering {page}): {detail}. "
        "Fix the template, or remove it from the templates folder to use the built-in one."
    )


def _shown(filename: str) -> str:
    """A template's file relative to the current folder when it is inside it (site_templates/card.html)."""
    try:
        return str(Path(filename).resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return filename
