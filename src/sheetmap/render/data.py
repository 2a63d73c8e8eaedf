"""`roadmap.json`: the published data, for embedding and for tools."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from json.encoder import encode_basestring  # the C one where there is one
from typing import Any

from sheetmap.model import Idea, Initiative
from sheetmap.render.views import SiteView, initiative_url


def roadmap_data(view: SiteView) -> dict[str, Any]:
    """The JSON document of SPEC §6, built from the projected roadmap only."""
    roadmap = view.roadmap
    return {
        "audience": roadmap.audience,
        "title": view.config.title,
        "initiatives": [_initiative(view, i) for i in roadmap.initiatives],
        "objectives": [
            {
                "id": o.id,
                "title": o.title,
                "key_results": list(o.key_results),
                "period": o.period,
                "url": f"objectives/index.html#{o.slug}",
                "initiatives": [i.id for i in view.initiatives_by_objective.get(o.id, [])],
            }
            for o in roadmap.objectives
        ],
        "themes": [{"name": t.name, "color": t.color, "description": t.description} for t in roadmap.themes],
        # The change feed's history: the next build carries it forward (see changes.py).
        "updated": view.data_date.isoformat(),
        "changes": [c.as_json() for c in view.changes],
    }


def _initiative(view: SiteView, i: Initiative) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": i.id,
        "title": i.title,
        "horizon": i.horizon,
        "theme": i.theme,
        "tags": list(i.tags),
        "objectives": list(i.objectives),
        "url": initiative_url(i),
        "problem": i.problem.html,
        "description": i.description.html,
        "outcome": i.outcome,
        "rank": i.rank,
        "completed": i.completed.isoformat() if i.completed else None,
        "requests": view.requests(i.id),
        "ideas": [_idea(view, x) for x in view.ideas_by_initiative.get(i.id, [])],
    }
    if view.internal:
        data.update(visibility=i.visibility, owner=i.owner, notes=i.notes.html)
    return data


def _idea(view: SiteView, x: Idea) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": x.id,
        "title": x.title,
        "stage": x.stage,
        "hypothesis": x.hypothesis,
        "user_story": x.user_story,
        "description": x.description.html,
        "metric": x.metric,
        "target": x.target,
        "actual": x.actual,
        "requests": view.requests(x.id),
    }
    if view.internal:
        data.update(visibility=x.visibility, effort=x.effort, value=x.value)
    return data


def dumps(data: Any) -> bytes:
    """Stable, readable JSON bytes: same data, same bytes.

    Exactly `json.dumps(data, ensure_ascii=False, indent=1)` and a newline.
    With an indent, the json module encodes in pure Python, a generator per
    level; the data here is only dicts with text keys, lists and plain
    values, which `_encode` writes in one recursive pass, 1.6 times as fast
    (roadmap.json of 10,000 initiatives is 16 MB). Anything else goes to
    the json module.

    The text becomes UTF-8 one item of a top-level list (an initiative with
    its ideas) at a time: the million small pieces of an 11.8 MB file, held
    until the end, took 108 MB (goal 1 of issue 9).
    """
    chunks: list[bytes] = []
    out: list[str] = []

    def flush() -> None:
        chunks.append("".join(out).encode("utf-8"))
        out.clear()

    try:
        _encode(data, out.append, "\n", flush)
    except _Unusual:
        return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    out.append("\n")
    flush()
    return b"".join(chunks)


class _Unusual(Exception):
    """A key or value `_encode` leaves to the json module."""


def _encode(value: Any, write: Callable[[str], None], newline: str, flush: Callable[[], None] | None = None) -> None:
    """`value` as json.dumps writes it with indent=1, at the indentation `newline` ends with.

    `flush` is called after each item of a list reached through dicts alone
    from the top (the lists of initiatives, objectives…), not deeper down.
    """
    # The same order of checks as json's encoder: bool is an int, and subclasses count as their base.
    if isinstance(value, str):
        write(encode_basestring(value))
    elif value is None:
        write("null")
    elif value is True:
        write("true")
    elif value is False:
        write("false")
    elif isinstance(value, int):
        write(int.__repr__(value))
    elif isinstance(value, float):
        if value != value or value in (math.inf, -math.inf):
            raise _Unusual  # NaN and Infinity: the json module's spelling
        write(float.__repr__(value))
    elif isinstance(value, list | tuple):
        if not value:
            write("[]")
            return
        inner = newline + " "
        write("[" + inner)
        for index, item in enumerate(value):
            if index:
                write("," + inner)
            _encode(item, write, inner)
            if flush is not None:
                flush()
        write(newline + "]")
    elif isinstance(value, dict):
        if not value:
            write("{}")
            return
        inner = newline + " "
        write("{" + inner)
        for index, (key, item) in enumerate(value.items()):
            if not isinstance(key, str):
                raise _Unusual
            write(("," + inner if index else "") + encode_basestring(key) + ": ")
            _encode(item, write, inner, flush)
        write(newline + "}")
    else:
        raise _Unusual
