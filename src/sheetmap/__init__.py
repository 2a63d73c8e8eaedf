"""sheetmap: product spreadsheets in, a published roadmap website out.

The small public API::

    from sheetmap import load, build, project, load_config
    loaded = load(["roadmap.xlsx"], load_config(None))
    loaded.report.errors            # validation problems, as data
    build(["roadmap.xlsx"], config, audience="public", out=Path("site"))
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["build", "load", "load_config", "project"]

if TYPE_CHECKING:
    from sheetmap.audience import project
    from sheetmap.config import load_config
    from sheetmap.pipeline import build, load


def __getattr__(name: str) -> Any:
    # Imported on first use so that `sheetmap --help` stays fast.
    if name in ("build", "load"):
        from sheetmap import pipeline

        return getattr(pipeline, name)
    if name == "project":
        from sheetmap.audience import project

        return project
    if name == "load_config":
        from sheetmap.config import load_config

        return load_config
    raise AttributeError(name)
