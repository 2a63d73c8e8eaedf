"""Some of the work on a second core, while this process does something else first.

Reading and typing a workbook runs on one core, and the second one idled:
for 10,000 initiatives (goal 2 of issue 9) the 30,000 Markdown cells take
0.8 s of the 2 s that typing takes, and need nothing from the other cells.

A `Helper` is a process forked at the start, while this one is still small:
forked later, with the workbook in memory, every page this process then
wrote would have been copied (a forked child keeps the old page), and goal
1's build peaked at 375 MB instead of 320 MB. `Helper.map(items)` sends it
the items, pickled, and it starts on them at once; when this process has
done its other work, `Pending.results()` joins in on whatever is left and
returns every result, in the items' order.

The items go out in chunks whose numbers wait in a pipe; whichever process
is free takes the next. The helper sends its results back pickled when the
pipe is empty, so results should be small (strings). A helper that fails or
dies costs nothing but time: its chunks are done again here, where an
exception then shows with its real traceback. A helper is forked only where
`forking.fork_is_safe`, on two cores or more, and only for work that pays
for it (`MIN_ITEMS`); otherwise `results()` does all the work here.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Generic, TypeVar

from sheetmap.forking import cores, die_with, fork_is_safe, offer_chunks, take_chunks

Item = TypeVar("Item")
Result = TypeVar("Result")

#: Fewer items are done here: sending them and collecting the results costs more than it saves.
MIN_ITEMS = 2000
#: The items go out in about this many chunks, so neither process waits long for the other at the end.
CHUNKS = 64


class Helper(Generic[Item, Result]):
    """A forked process that will apply `func` to items given later (`map`); a context manager.

    With `wanted` false, or where a helper cannot be forked safely, there is
    none and `map` does the work in this process when its results are asked for.
    """

    def __init__(self, func: Callable[[Item], Result], *, wanted: bool = True) -> None:
        self._func = func
        self._pid = 0
        if wanted and cores() >= 2 and fork_is_safe():
            self._start()

    def _start(self) -> None:
        items_in, self._items_out = os.pipe()
        self._tasks, tasks_out = os.pipe()
        self._results, results_out = os.pipe()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                die_with(parent)
                for fd in (self._items_out, tasks_out, self._results):
                    os.close(fd)
                with os.fdopen(items_in, "rb") as pipe:
                    sent = pipe.read()
                if sent:  # nothing: the work was too small, or never came
                    pending: Pending[Item, Result] = Pending(self._func, pickle.loads(sent))
                    done = pending.take(self._tasks)
                    with os.fdopen(results_out, "wb") as out:
                        pickle.dump(done, out, protocol=pickle.HIGHEST_PROTOCOL)
                status = 0
            finally:
                os._exit(status)  # never back into the parent's stack (click, pytest) from here
        for fd in (items_in, results_out):
            os.close(fd)
        self._pid, self._tasks_out = pid, tasks_out

    def map(self, items: Sequence[Item], *, min_items: int | None = None) -> Pending[Item, Result]:
        """`func` over `items`: started in the helper now, finished by `Pending.results()`.

        Fewer than `min_items` (`MIN_ITEMS` unless given) are all done here.
        """
        pending = Pending(self._func, items)
        if not self._pid:
            return pending
        if len(items) < (MIN_ITEMS if min_items is None else min_items):
            self.close()
            return pending
        try:
            offer_chunks(self._tasks_out, len(pending.chunks))  # at most CHUNKS
            with os.fdopen(self._items_out, "wb", closefd=False) as out:
                pickle.dump(list(items), out, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError:  # the helper is gone (killed): all is done here
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            self.close()
            return pending
        os.close(self._tasks_out)
        os.close(self._items_out)
        pending.helper, self._pid = (self._pid, self._tasks, self._results), 0
        return pending

    def close(self) -> None:
        """Stop a helper that was given no work: with its pipes closed it reads no items, and exits."""
        if self._pid:
            for fd in (self._items_out, self._tasks_out, self._tasks, self._results):
                os.close(fd)
            os.waitpid(self._pid, 0)
            self._pid = 0

    def __enter__(self) -> Helper[Item, Result]:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


class Pending(Generic[Item, Result]):
    """`func` over `items`, partly done by a helper; `results()` finishes it (a context manager)."""

    def __init__(self, func: Callable[[Item], Result], items: Sequence[Item]) -> None:
        self._func, self._items = func, items
        size = max(1, -(-len(items) // CHUNKS))
        self.chunks = [range(start, min(start + size, len(items))) for start in range(0, len(items), size)]
        #: the helper working on some of the chunks: its pid, the pipe of chunk numbers, the pipe of its results
        self.helper: tuple[int, int, int] | None = None

    def take(self, tasks: int) -> dict[int, list[Result]]:
        """Chunks from the pipe of chunk numbers until it is empty, done by this process."""
        done: dict[int, list[Result]] = {}
        for number in take_chunks(tasks):
            done[number] = self._do(number)
        return done

    def _do(self, number: int) -> list[Result]:
        func, items = self._func, self._items
        return [func(items[index]) for index in self.chunks[number]]

    def results(self) -> list[Result]:
        """`func` of every item, in order: what is left is done here, then the helper's share is collected."""
        done: dict[int, list[Result]] = {}
        if self.helper is not None:
            pid, tasks, results = self.helper
            done = self.take(tasks)  # should this raise, `__exit__` stops the helper
            with os.fdopen(results, "rb", closefd=False) as pipe:
                sent = pipe.read()
            status = os.waitpid(pid, 0)[1]
            self._close()
            if status == 0 and sent:
                done.update(pickle.loads(sent))
        # Chunks the helper took and did not send back (it failed, or died) are done here.
        return [result for number in range(len(self.chunks)) for result in done.get(number) or self._do(number)]

    def __enter__(self) -> Pending[Item, Result]:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self.helper is not None:  # results never asked for: the helper is not waited for
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.helper[0], signal.SIGKILL)
            os.waitpid(self.helper[0], 0)
            self._close()

    def _close(self) -> None:
        if self.helper is not None:
            os.close(self.helper[1])
            os.close(self.helper[2])
            self.helper = None
