"""`feed.xml`: an Atom feed (RFC 4287) of roadmap changes.

The changes themselves are computed in `changes.py`; this module only
writes them as Atom. Links are absolute when the config has a `base_url`,
otherwise relative to the feed (Atom resolves them against its URL).
"""

from __future__ import annotations

import datetime as dt
import uuid
from xml.sax.saxutils import escape, quoteattr

from sheetmap.render.changes import NAMESPACE, Change
from sheetmap.render.views import SiteView


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def entry_title(change: Change, label: dict[str, str]) -> str:
    after = label.get(change.after or "", change.after or "")
    return {
        "added": f"New in {after}: {change.title}",
        "moved": f"Moved to {after}: {change.title}",
        "completed": f"Completed: {change.title}",
        "reopened": f"Back in {after}: {change.title}",
        "withdrawn": f"Withdrawn: {change.title}",
    }[change.kind]


def entry_summary(change: Change, label: dict[str, str]) -> str:
    before = label.get(change.before or "", change.before or "")
    after = label.get(change.after or "", change.after or "")
    if change.kind == "added":
        return f"Added to the roadmap in {after}."
    if change.kind == "withdrawn":
        return f"Taken off the roadmap; it was in {before}."
    if change.kind == "completed":
        return f"Completed on {change.date.isoformat()}." if not before else f"Moved from {before} to {after}."
    return f"Moved from {before} to {after}."


def feed_id(view: SiteView) -> str:
    key = view.config.base_url or view.config.title
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'feed|{key}|{view.roadmap.audience}')}"


def atom(view: SiteView) -> bytes:
    """The whole feed document, byte-for-byte the same for the same changes."""
    changes = view.changes
    base = f"{view.config.base_url}/" if view.config.base_url else ""
    label = {h: view.horizon_label(h) for h in ("Now", "Next", "Later", "Done")}
    updated = max((c.date for c in changes), default=view.data_date)
    title = view.config.title
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"  <id>{feed_id(view)}</id>",
        f"  <title>{escape(title)}: roadmap changes</title>",
        f"  <subtitle>{escape('Initiatives added, moved between horizons, completed or withdrawn.')}</subtitle>",
        f"  <updated>{_stamp(updated)}</updated>",
        f'  <link rel="self" type="application/atom+xml" href={quoteattr(base + "feed.xml")}/>',
        f'  <link rel="alternate" type="text/html" href={quoteattr(base + "index.html")}/>',
        f"  <author><name>{escape(title)}</name></author>",
        '  <generator uri="https://pypi.org/project/sheetmap/">sheetmap</generator>',
    ]
    for change in changes:
        url = base + (change.url or "index.html")
        summary = entry_summary(change, label)
        current = view.initiatives_by_id.get(change.initiative)
        if current is not None and change.kind != "withdrawn" and current.problem:
            summary += " " + current.problem.text
        lines += [
            "  <entry>",
            f"    <id>urn:uuid:{change.id}</id>",
            f"    <title>{escape(entry_title(change, label))}</title>",
            f"    <updated>{_stamp(change.date)}</updated>",
            f'    <link rel="alternate" type="text/html" href={quoteattr(url)}/>',
            f"    <category term={quoteattr(change.kind)}/>",
            f"    <summary>{escape(summary)}</summary>",
            "  </entry>",
        ]
    lines.append("</feed>")
    return ("\n".join(lines) + "\n").encode("utf-8")
