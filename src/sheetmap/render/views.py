"""What the pages need, derived once from a projected roadmap.

Templates get a `SiteView`: the board's columns in order, ideas per
initiative, objectives by ID and so on, so no template has to search lists
(which would make large roadmaps quadratic).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from sheetmap.config import Config
from sheetmap.model import Idea, Initiative, Objective, Roadmap, Theme
from sheetmap.schema import HORIZONS

BOARD_HORIZONS = ("Now", "Next", "Later")

#: Where each kind of page lives, relative to the site root.
INITIATIVE_DIR = "initiatives"


def initiative_url(item: Initiative) -> str:
    return f"{INITIATIVE_DIR}/{item.slug}.html"


def quarter(day: dt.date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


@dataclass
class SiteView:
    roadmap: Roadmap
    config: Config
    #: the previous build's roadmap.json, for the change feed
    previous: dict[str, object] | None = field(default=None)

    @property
    def internal(self) -> bool:
        return not self.roadmap.is_public

    @cached_property
    def ideas_by_initiative(self) -> dict[str, list[Idea]]:
        grouped: dict[str, list[Idea]] = defaultdict(list)
        for idea in self.roadmap.ideas:
            grouped[idea.initiative].append(idea)
        return dict(grouped)

    @cached_property
    def objectives_by_id(self) -> dict[str, Objective]:
        return {o.id: o for o in self.roadmap.objectives}

    @cached_property
    def initiatives_by_id(self) -> dict[str, Initiative]:
        return {i.id: i for i in self.roadmap.initiatives}

    @cached_property
    def themes_by_name(self) -> dict[str, Theme]:
        return {t.name.casefold(): t for t in self.roadmap.themes}

    def theme(self, name: str) -> Theme | None:
        return self.themes_by_name.get(name.casefold()) if name else None

    @cached_property
    def columns(self) -> list[tuple[str, list[Initiative]]]:
        """The board: Now, Next, Later, each ordered by rank, then sheet order."""
        by_horizon: dict[str, list[Initiative]] = {h: [] for h in HORIZONS}
        for i in self.roadmap.initiatives:
            by_horizon.setdefault(i.horizon, []).append(i)
        for items in by_horizon.values():
            items.sort(key=lambda i: (i.rank is None, i.rank or 0, i.sequence))
        return [(h, by_horizon[h]) for h in BOARD_HORIZONS]

    @cached_property
    def completed(self) -> list[Initiative]:
        """Done initiatives, newest first; undated ones last, in sheet order."""
        done = [i for i in self.roadmap.initiatives if i.horizon == "Done"]
        return sorted(done, key=lambda i: (i.completed is None, -(i.completed or dt.date.min).toordinal(), i.sequence))

    @cached_property
    def completed_by_quarter(self) -> list[tuple[str, list[Initiative]]]:
        groups: dict[str, list[Initiative]] = {}
        for i in self.completed:
            groups.setdefault(quarter(i.completed) if i.completed else "Undated", []).append(i)
        return list(groups.items())

    @cached_property
    def initiatives_by_objective(self) -> dict[str, list[Initiative]]:
        grouped: dict[str, list[Initiative]] = defaultdict(list)
        for i in self.roadmap.initiatives:
            for o in i.objectives:
                grouped[o].append(i)
        return dict(grouped)

    def requests(self, item_id: str) -> int:
        return self.roadmap.request_counts.get(item_id, 0)

    @cached_property
    def feedback_by_item(self) -> dict[str, list[object]]:
        grouped: dict[str, list[object]] = defaultdict(list)
        for f in self.roadmap.feedback:
            grouped[f.item].append(f)
        return dict(grouped)

    @cached_property
    def tags(self) -> list[str]:
        return sorted({t for i in self.roadmap.initiatives for t in i.tags}, key=str.casefold)

    def horizon_label(self, horizon: str) -> str:
        return self.config.horizon_label(horizon)
