"""The build, as a short pipeline: read -> validate -> project -> render -> publish.

The CLI, `sheetmap serve` and the MkDocs plugin all call these functions;
none of them knows about click or MkDocs.
"""

from __future__ import annotations

import contextlib
import gc
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sheetmap import rules
from sheetmap.audience import project
from sheetmap.background import Helper
from sheetmap.config import Config
from sheetmap.model import Roadmap
from sheetmap.parse import build_roadmap, render_markdown_cell
from sheetmap.report import Report
from sheetmap.sources import read_sources

if TYPE_CHECKING:
    from sheetmap.snapshot import SnapshotPolicy


@dataclass
class Loaded:
    """A validated roadmap (full, internal) and everything found wrong with it."""

    roadmap: Roadmap
    report: Report
    sources: tuple[str, ...]


@dataclass
class BuildResult:
    """What a build found (`report`) and, once the site is written, what it wrote (`roadmap`: the projected one)."""

    report: Report
    audience: str
    out: Path
    written: bool = False
    files: int = 0
    seconds: float = 0.0
    roadmap: Roadmap | None = field(default=None)

    def summary(self, title: str) -> str:
        """'Built public site: 18 initiatives (5 now, 6 next, 4 later, 3 done) from 'Acme' in 0.6 s → site/'."""
        items = self.roadmap.initiatives if self.roadmap else ()
        counts = ", ".join(
            f"{sum(1 for i in items if i.horizon == h)} {h.lower()}" for h in ("Now", "Next", "Later", "Done")
        )
        return (
            f"Built {self.audience} site: {len(items)} initiative{'s' if len(items) != 1 else ''} "
            f"({counts}) from '{title}' in {self.seconds:.1f} s → {self.out}/"
        )


def load(sources: tuple[str, ...] | list[str], config: Config, snapshot: SnapshotPolicy | None = None) -> Loaded:
    """Read every source and validate it. Raises SheetmapError only for unreadable sources.

    `snapshot` saves Google Sheets after a good fetch, or reads them back offline.
    """
    # The helper is forked now, before the workbook is in memory (see background.py).
    with _collector_paused(), Helper(render_markdown_cell, wanted=_sizeable(sources)) as markdown:
        raw = read_sources(list(sources), snapshot)
        report = Report(config.rules)
        roadmap = build_roadmap(raw, config, report, markdown)
        rules.check(roadmap, report)
    return Loaded(roadmap, report, tuple(sources))


#: Sources of this many bytes hold a few thousand rows: enough Markdown to share out (`background.MIN_ITEMS`).
SIZEABLE = 256 * 1024


def _sizeable(sources: tuple[str, ...] | list[str]) -> bool:
    """Whether the sources are files big enough to be worth a helper process (Google Sheets are not looked at)."""
    total = 0
    for source in sources:
        with contextlib.suppress(OSError):
            path = Path(source)
            total += sum(p.stat().st_size for p in path.iterdir()) if path.is_dir() else path.stat().st_size
    return total >= SIZEABLE


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """No garbage collection while the workbook is read and checked, then as before.

    Reading builds a few objects per cell, all kept, and Python's collector
    ran over them again and again as they piled up: a fifth of the time of
    reading and parsing 126,000 rows (goal 1 of issue 9: 5.3 s -> 4.3 s),
    for no memory back, since nothing of it is garbage until the build ends.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def previous_roadmap(out: Path) -> dict[str, object] | None:
    """What the change feed needs of the roadmap.json already published in `out`; None if absent or unreadable."""
    from sheetmap.render.changes import feed_basis

    try:
        data = json.loads((out / "roadmap.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return feed_basis(data) if isinstance(data, dict) else None


def build(
    sources: tuple[str, ...] | list[str],
    config: Config,
    *,
    audience: str,
    out: Path,
    strict: bool = False,
    previous: dict[str, object] | None = None,
    snapshot: SnapshotPolicy | None = None,
) -> BuildResult:
    """Validate, and when the report allows it, publish the site for `audience` into `out`.

    With errors (or warnings under `strict`) nothing is written and `out`
    stays exactly as it was.
    """
    started = time.perf_counter()
    loaded = load(sources, config, snapshot)
    result = BuildResult(loaded.report, audience, out)
    if not loaded.report.ok(strict=strict):
        return result
    # Imported here: `validate` needs no renderer (Jinja), and starts faster without it.
    from sheetmap.publish import publish
    from sheetmap.render.site import write_site
    from sheetmap.render.views import SiteView

    projected = project(loaded.roadmap, audience)
    # Only the projection is rendered. For a public build the full roadmap is a third of the memory
    # (internal rows, tasks, feedback, and the records the public ones were copied from), which the
    # render workers would share and copy: 51 MB of 156 MB for 10,000 initiatives.
    del loaded
    view = SiteView(projected, config, previous if previous is not None else previous_roadmap(out))

    def write(folder: Path) -> None:
        result.files = write_site(view, folder, config.templates)

    publish(out, write)
    result.written = True
    result.roadmap = projected
    result.seconds = time.perf_counter() - started
    return result
