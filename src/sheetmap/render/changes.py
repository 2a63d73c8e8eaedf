"""What changed on the roadmap since the last published build.

The previous build's `roadmap.json` is compared with the roadmap being
built: a card that appears is *added*, one that changes horizon is *moved*
(or *completed*, when it reaches Done), one that disappears is
*withdrawn*. The changes of earlier builds are carried forward in
`roadmap.json` (`"changes"`), so the feed keeps its history even though
every build starts from the workbook alone.

Dates come from the data, never from the clock: a completed card is dated
by its Completed cell; every other change by the build's *data date* (see
`data_date`). Entry IDs are name-based UUIDs of what happened, so the same
change gets the same ID in every rebuild and feed readers never see a
duplicate.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, replace
from typing import Any

from sheetmap.model import Initiative, Roadmap

KINDS = ("added", "moved", "completed", "reopened", "withdrawn")
#: How many changes roadmap.json and the feed keep.
HISTORY = 100
#: Fallback date when neither the data nor the environment gives one.
EPOCH = dt.date(1970, 1, 1)
NAMESPACE = uuid.UUID("6f1d8a52-3f4b-5c1e-9a0d-2b7c4e8f9a10")


@dataclass(frozen=True)
class Change:
    id: str
    kind: str
    initiative: str
    title: str
    before: str | None
    after: str | None
    date: dt.date
    #: the initiative's page, relative to the site root; None once withdrawn
    url: str | None

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["date"] = self.date.isoformat()
        return data


def data_date(roadmap: Roadmap, history: list[Change]) -> dt.date:
    """The date of this build's changes, from the data.

    `SOURCE_DATE_EPOCH` (the reproducible-builds convention; CI sets it to
    the commit time) wins when set. Otherwise the newest date the audience
    can see in the workbook: Completed dates, and for internal builds also
    feedback dates and tasks' Done on. Never earlier than the newest change
    already published, so the feed only moves forward.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    dates = [i.completed for i in roadmap.initiatives if i.completed]
    dates += [f.date for f in roadmap.feedback if f.date]
    dates += [t.done_on for t in roadmap.tasks if t.done_on]
    dates += [c.date for c in history]
    return max(dates, default=EPOCH)


def previous_history(previous: dict[str, Any] | None) -> list[Change]:
    """The changes a previous roadmap.json carried, skipping any entry that is not well formed."""
    result = []
    raw = previous.get("changes") if previous else None
    for entry in raw if isinstance(raw, list) else []:
        try:
            change = Change(
                id=str(entry["id"]),
                kind=str(entry["kind"]),
                initiative=str(entry["initiative"]),
                title=str(entry["title"]),
                before=entry.get("before"),
                after=entry.get("after"),
                date=dt.date.fromisoformat(str(entry["date"])),
                url=entry.get("url"),
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
        if change.kind in KINDS:
            result.append(change)
    return result


#: What the feed reads of each card of a previous roadmap.json (`_previous_cards`).
CARD_KEYS = ("id", "horizon", "title")


def feed_basis(previous: dict[str, Any]) -> dict[str, Any]:
    """What the change feed reads of a previous roadmap.json: its audience, its changes, each card's ID, horizon, title.

    A published roadmap.json holds every card whole: 160 MB for 100,000
    initiatives, 350 MB once parsed, which the build carried to its end
    (and which its render workers shared). The rest is dropped as soon as
    the file is read; the feed comes out the same.
    """
    items = previous.get("initiatives")
    if isinstance(items, list):
        items = [{key: item[key] for key in CARD_KEYS if key in item} for item in items if isinstance(item, dict)]
    return {"audience": previous.get("audience"), "changes": previous.get("changes"), "initiatives": items}


def _previous_cards(previous: dict[str, Any]) -> dict[str, dict[str, str]]:
    cards = {}
    items = previous.get("initiatives")
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and isinstance(item.get("id"), str) and isinstance(item.get("horizon"), str):
            cards[item["id"]] = {"horizon": item["horizon"], "title": str(item.get("title") or item["id"])}
    return cards


def compute_changes(
    roadmap: Roadmap, previous: dict[str, Any] | None, *, key: str, url_of: Any
) -> tuple[list[Change], dt.date]:
    """Every change, newest first (this build's, then the history), and the build's data date.

    `previous` of another audience is ignored: diffing a public build
    against an internal one would publish the titles of internal cards as
    "withdrawn". `url_of(initiative)` gives a card's page; `key` makes the
    IDs of this feed differ from another site's.
    """
    if previous is not None and previous.get("audience") != roadmap.audience:
        previous = None
    history = previous_history(previous)
    date = data_date(roadmap, history)
    seen = Counter((c.initiative, c.kind, c.before, c.after) for c in history)
    current = {i.id: i for i in roadmap.initiatives}
    # Each change of this build with the name its ID is made from: the ID, a UUID, is made only for the
    # changes kept (a first build of 10,000 initiatives has 10,000 changes, and keeps HISTORY of them).
    fresh: list[tuple[Change, str]] = []

    def record(
        kind: str, item_id: str, title: str, before: str | None, after: str | None, item: Initiative | None
    ) -> None:
        seen[(item_id, kind, before, after)] += 1
        name = f"{key}|{roadmap.audience}|{item_id}|{kind}|{before}|{after}|{seen[(item_id, kind, before, after)]}"
        when = item.completed if kind == "completed" and item and item.completed else date
        fresh.append((Change("", kind, item_id, title, before, after, when, url_of(item) if item else None), name))

    old = _previous_cards(previous) if previous is not None else {}
    for item in roadmap.initiatives:
        was = old.get(item.id)
        if was is None:
            record("completed" if item.horizon == "Done" else "added", item.id, item.title, None, item.horizon, item)
        elif was["horizon"] != item.horizon:
            kind = "completed" if item.horizon == "Done" else "reopened" if was["horizon"] == "Done" else "moved"
            record(kind, item.id, item.title, was["horizon"], item.horizon, item)
    for item_id, was in old.items():
        if item_id not in current:
            record("withdrawn", item_id, was["title"], was["horizon"], None, None)
    # A withdrawn card keeps only its withdrawal in the history, not the story before it.
    kept = [c for c in history if c.initiative in current or c.kind == "withdrawn"]
    fresh.sort(key=lambda pair: (-pair[0].date.toordinal(), KINDS.index(pair[0].kind), pair[0].initiative))
    # The sort below is stable, so the fresh changes it keeps are the first of these, HISTORY at most.
    every = [replace(change, id=str(uuid.uuid5(NAMESPACE, name))) for change, name in fresh[:HISTORY]] + kept
    every.sort(key=lambda c: -c.date.toordinal())  # stable: within a day, this build's changes first
    return every[:HISTORY], date
