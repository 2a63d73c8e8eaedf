"""What the pages need, derived once from a projected roadmap.

Templates get a `SiteView`: the board's columns in order, ideas per
initiative, objectives by ID, the filter choices, the prioritisation grid
and so on, so no template has to search lists (which would make large
roadmaps quadratic). Everything here reads the projected roadmap only: a
public view cannot show what the projection left out.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

from jinja2 import Environment
from jinja2.filters import do_truncate
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from sheetmap.config import Config
from sheetmap.model import Feedback, Idea, Initiative, Objective, Roadmap, Task, Theme
from sheetmap.render.delivery import Deliveries, DeliveryReport
from sheetmap.schema import EFFORTS, HORIZONS, STAGES, VALUES
from sheetmap.sprint_stats import Delivery, SprintOverview, overview

if TYPE_CHECKING:
    from sheetmap.render.changes import Change

BOARD_HORIZONS = ("Now", "Next", "Later")
#: Stages after which an experiment is no longer on the backlog.
CONCLUDED = ("Successful", "Failed", "Parked")

#: Where each kind of page lives, relative to the site root.
INITIATIVE_DIR = "initiatives"


def initiative_url(item: Initiative) -> str:
    return f"{INITIATIVE_DIR}/{item.slug}.html"


def quarter(day: dt.date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


class Verdict(NamedTuple):
    """How an experiment did: a CSS-friendly key, a word for people and an icon (never colour alone)."""

    key: str
    label: str
    icon: str


VERDICTS = {
    "met": Verdict("met", "Met its target", "✓"),
    "missed": Verdict("missed", "Missed its target", "✗"),
    "measuring": Verdict("measuring", "Measuring", "◔"),
    "pending": Verdict("pending", "Not measured yet", "○"),
    "parked": Verdict("parked", "Parked", "–"),
}


def verdict(idea: Idea) -> Verdict | None:
    """The team's own call (the Stage) decides; an Actual without a final stage is still measuring."""
    if idea.stage == "Successful":
        return VERDICTS["met"]
    if idea.stage == "Failed":
        return VERDICTS["missed"]
    if idea.stage == "Parked":
        return VERDICTS["parked"]
    if idea.actual:
        return VERDICTS["measuring"]
    if idea.target or idea.metric:
        return VERDICTS["pending"]
    return None


def search_text(*parts: str) -> str:
    """What the board's free-text search looks through: lower case, accents dropped (board.js folds queries alike)."""
    text = " ".join(" ".join(parts).split()).lower()
    if text.isascii():  # nothing to decompose: the common case, and a big board's hot loop
        return text
    text = unicodedata.normalize("NFD", text)
    # The combining marks among the text's distinct characters, removed in one pass.
    marks = [c for c in set(text) if unicodedata.combining(c)]
    return text.translate(dict.fromkeys(map(ord, marks))) if marks else text


class Card(NamedTuple):
    """A board card's attributes that take work to produce (`SiteView.card`)."""

    #: the tags in lower case, as JSON safe in an HTML attribute (the filters' data-tags)
    tags: Markup
    #: the objective IDs, as JSON safe in an HTML attribute
    objectives: Markup
    #: the problem's text, cut to about 150 characters at a word
    summary: str
    #: what the board's free-text search looks through
    search: str


#: For Jinja's `truncate` filter outside a template: it reads only the environment's policies.
_TRUNCATING = Environment()


@dataclass
class SiteView:
    roadmap: Roadmap
    config: Config
    #: the previous build's roadmap.json, for the change feed
    previous: dict[str, object] | None = field(default=None)

    @property
    def internal(self) -> bool:
        return not self.roadmap.is_public

    def warm(self) -> None:
        """Work out now what many pages look up, so processes that render pages share it rather than redo it."""
        for name in ("ideas_by_initiative", "objectives_by_id", "initiatives_by_id", "themes_by_name", "board"):
            getattr(self, name)
        if self.internal:
            for name in ("ideas_by_id", "feedback_by_item", "tasks_by_item", "sprint_plan", "deliveries"):
                getattr(self, name)
        self._changes  # noqa: B018  (the feed and roadmap.json both need it)

    @cached_property
    def ideas_by_initiative(self) -> dict[str, list[Idea]]:
        grouped: dict[str, list[Idea]] = defaultdict(list)
        for idea in self.roadmap.ideas:
            grouped[idea.initiative].append(idea)
        return dict(grouped)

    @cached_property
    def ideas_by_id(self) -> dict[str, Idea]:
        return {i.id: i for i in self.roadmap.ideas}

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
    def board(self) -> list[Initiative]:
        return [i for _, items in self.columns for i in items]

    # --- the board's filters: only values that some card on the board carries -------------------------------

    @cached_property
    def filter_themes(self) -> list[Theme]:
        used = {i.theme.casefold() for i in self.board if i.theme}
        return [t for t in self.roadmap.themes if t.name.casefold() in used]

    @cached_property
    def filter_tags(self) -> list[str]:
        folded: dict[str, str] = {}
        for i in self.board:
            for tag in i.tags:
                folded.setdefault(tag.casefold(), tag)
        return sorted(folded.values(), key=str.casefold)

    @cached_property
    def filter_objectives(self) -> list[Objective]:
        used = {o for i in self.board for o in i.objectives}
        return [o for o in self.roadmap.objectives if o.id in used]

    def card(self, item: Initiative) -> Card:
        """What the card of `item` shows that takes work, worked out once: the board and the embed show every card."""
        # The entry holds the item, so no other object can take its id while the entry exists.
        known = self._cards.get(id(item))
        if known is None:
            known = self._cards[id(item)] = (item, self._card(item))
        return known[1]

    def card_search(self, item: Initiative) -> str:
        return self.card(item).search

    @cached_property
    def _cards(self) -> dict[int, tuple[Initiative, Card]]:
        return {}

    def _card(self, item: Initiative) -> Card:
        return Card(
            # What Jinja's `tojson` and `truncate(150)` filters give, once per card instead of per page.
            tags=htmlsafe_json_dumps([tag.lower() for tag in item.tags], sort_keys=True),
            objectives=htmlsafe_json_dumps(list(item.objectives), sort_keys=True),
            summary=do_truncate(_TRUNCATING, item.problem.text, 150),
            search=self._card_search(item),
        )

    def _card_search(self, item: Initiative) -> str:
        theme = self.theme(item.theme)
        objectives = [self.objectives_by_id[o].title for o in item.objectives if o in self.objectives_by_id]
        return search_text(
            item.title,
            item.problem.text,
            item.description.text,
            item.outcome,
            theme.name if theme else item.theme,
            " ".join(item.tags),
            " ".join(objectives),
        )

    # --- initiative and completed pages ------------------------------------------------------------------------

    def verdict(self, idea: Idea) -> Verdict | None:
        return verdict(idea)

    def experiment_summary(self, ideas: list[Idea]) -> str:
        """'3 experiments: 1 met its target, 1 missed its target, 1 measuring' — '' when none has a result yet."""
        counts = {key: 0 for key in VERDICTS}
        for x in ideas:
            v = verdict(x)
            if v:
                counts[v.key] += 1
        if not counts["met"] and not counts["missed"] and not counts["measuring"]:
            return ""
        parts = []
        for key, n in counts.items():
            if not n:
                continue
            own = "its" if n == 1 else "their"
            parts.append(
                {
                    "met": f"{n} met {own} target",
                    "missed": f"{n} missed {own} target",
                    "measuring": f"{n} measuring",
                    "pending": f"{n} not measured yet",
                    "parked": f"{n} parked",
                }[key]
            )
        return f"{len(ideas)} experiment{'s' if len(ideas) != 1 else ''}: {', '.join(parts)}"

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

    @cached_property
    def _shown_order(self) -> dict[str, int]:
        """Each initiative's place on the board, then among the completed: worked out once, not per objective."""
        return {i.id: n for n, i in enumerate(self.board + self.completed)}

    def objective_horizons(self, objective_id: str) -> list[tuple[str, list[Initiative]]]:
        """An objective's initiatives by horizon (Now, Next, Later, Done), empty horizons left out."""
        order = self._shown_order
        items = sorted(self.initiatives_by_objective.get(objective_id, []), key=lambda i: order.get(i.id, 0))
        return [(h, [i for i in items if i.horizon == h]) for h in HORIZONS if any(i.horizon == h for i in items)]

    def requests(self, item_id: str) -> int:
        return self.roadmap.request_counts.get(item_id, 0)

    @cached_property
    def feedback_by_item(self) -> dict[str, list[Feedback]]:
        grouped: dict[str, list[Feedback]] = defaultdict(list)
        for f in self.roadmap.feedback:
            grouped[f.item].append(f)
        return dict(grouped)

    @cached_property
    def tasks_by_item(self) -> dict[str, list[Task]]:
        """Tasks per idea or initiative ID they serve, in sheet order."""
        grouped: dict[str, list[Task]] = defaultdict(list)
        for t in self.roadmap.tasks:
            grouped[t.item].append(t)
        return dict(grouped)

    @cached_property
    def sprint_plan(self) -> SprintOverview:
        """Every sprint summarised (the sprint view; empty for a public roadmap, which has no sprints)."""
        return overview(self.roadmap)

    @cached_property
    def deliveries(self) -> Deliveries:
        return Deliveries(self.sprint_plan, self.tasks_by_item)

    def delivery(self, item_ids: Iterable[str]) -> Delivery:
        """What the sprint backlog delivered for these ideas and initiatives."""
        return self.deliveries.delivery(item_ids)

    def delivery_report(self, item: Initiative) -> DeliveryReport | None:
        """An initiative page's Delivery block: in total, per idea, for the initiative itself; None without tasks."""
        return self.deliveries.report(item, self.ideas_by_initiative.get(item.id, []))

    @cached_property
    def tags(self) -> list[str]:
        return sorted({t for i in self.roadmap.initiatives for t in i.tags}, key=str.casefold)

    def horizon_label(self, horizon: str) -> str:
        return self.config.horizon_label(horizon)

    # --- prioritisation (internal builds only: Effort and Value never reach a public one) ----------------------

    @cached_property
    def open_ideas(self) -> list[Idea]:
        """Ideas still on the product backlog: not concluded, under a card that is not Done."""
        done = {i.id for i in self.roadmap.initiatives if i.horizon == "Done"}
        return [x for x in self.roadmap.ideas if x.stage not in CONCLUDED and x.initiative not in done]

    @cached_property
    def priority_grid(self) -> list[tuple[str, list[tuple[str, list[Idea]]]]]:
        """Rows of Value (High first), columns of Effort (XS first): the cheap, valuable bets sit top-left."""
        cells: dict[tuple[str, str], list[Idea]] = defaultdict(list)
        for x in self.open_ideas:
            if x.value and x.effort:
                cells[(x.value, x.effort)].append(x)
        return [(value, [(effort, cells[(value, effort)]) for effort in EFFORTS]) for value in reversed(VALUES)]

    @cached_property
    def unsized_ideas(self) -> list[Idea]:
        return [x for x in self.open_ideas if not (x.value and x.effort)]

    @cached_property
    def ideas_by_stage(self) -> list[tuple[str, list[Idea]]]:
        """Every idea, in the order of its stage in the workflow; ideas without a stage last."""
        grouped: dict[str, list[Idea]] = defaultdict(list)
        for x in self.roadmap.ideas:
            grouped[x.stage or "No stage"].append(x)
        return [(s, grouped[s]) for s in (*STAGES, "No stage") if grouped.get(s)]

    @staticmethod
    def quick_win(value: str, effort: str) -> bool:
        return value == "High" and effort in ("XS", "S")

    def idea_url(self, idea: Idea) -> str:
        parent = self.initiatives_by_id.get(idea.initiative)
        return f"{initiative_url(parent)}#idea-{idea.slug}" if parent else ""

    # --- the change feed -------------------------------------------------------------------------------------

    @cached_property
    def _changes(self) -> tuple[list[Change], dt.date]:
        from sheetmap.render.changes import compute_changes

        previous: dict[str, Any] | None = dict(self.previous) if self.previous is not None else None
        key = self.config.base_url or self.config.title
        return compute_changes(self.roadmap, previous, key=key, url_of=initiative_url)

    @property
    def changes(self) -> list[Change]:
        """Roadmap changes since the previous build, and the history before them, newest first."""
        return self._changes[0]

    @property
    def data_date(self) -> dt.date:
        return self._changes[1]
