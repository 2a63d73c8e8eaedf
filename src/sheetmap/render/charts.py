"""Charts drawn at build time as inline SVG: the burndown and the velocity.

No JavaScript and no inline styles (the pages' CSP forbids both): shapes
carry classes that `sprints.css` colours, for light and dark. Each chart is
an `<svg role="img">` with a `<title>` and a `<desc>` that say in words
what it shows; the page puts a table of the same numbers next to it.
Coordinates are rounded to one decimal so the output is stable.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from sheetmap.sprint_stats import BurnPoint, SprintSummary, format_points

WIDTH, HEIGHT = 720, 280
#: room for the y labels (left), the x labels (bottom) and breathing space
LEFT, RIGHT, TOP, BOTTOM = 44, 26, 14, 44
MAX_X_LABELS = 8
#: the velocity chart shows this many most recent sprints; its table lists all
VELOCITY_BARS = 12


@dataclass(frozen=True)
class _Frame:
    """Maps data to the drawing area."""

    count: int
    top_value: float

    @property
    def plot_width(self) -> float:
        return WIDTH - LEFT - RIGHT

    @property
    def plot_height(self) -> float:
        return HEIGHT - TOP - BOTTOM

    def x(self, index: float) -> float:
        return LEFT + (self.plot_width * index / (self.count - 1) if self.count > 1 else self.plot_width / 2)

    def y(self, value: float) -> float:
        return TOP + self.plot_height * (1 - value / self.top_value)


def _n(value: float) -> str:
    """A coordinate: one decimal, no trailing '.0', never '-0'."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def nice_scale(maximum: float) -> tuple[float, float]:
    """(top, step): a round top value at or above `maximum`, split in at most 5 round steps."""
    if maximum <= 0:
        return 5.0, 1.0
    raw = maximum / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return step * math.ceil(maximum / step), step


def _day_label(day: dt.date) -> str:
    return f"{day.day} {day:%b}"


def _grid(frame: _Frame, step: float) -> list[str]:
    parts = []
    ticks = round(frame.top_value / step)
    for i in range(ticks + 1):
        value = step * i
        y = _n(frame.y(value))
        parts.append(f'<line class="grid" x1="{LEFT}" y1="{y}" x2="{WIDTH - RIGHT}" y2="{y}"/>')
        parts.append(
            f'<text class="tick" x="{LEFT - 8}" y="{y}" dy="0.32em" text-anchor="end">{format_points(value)}</text>'
        )
    return parts


def _svg(chart_id: str, kind: str, title: str, desc: str, body: list[str]) -> Markup:
    head = (
        f'<svg class="chart chart-{kind}" id="{escape(chart_id)}" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" xmlns="http://www.w3.org/2000/svg">'
    )
    return Markup(
        "\n".join(
            [
                head,
                f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
                f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>',
                *body,
                "</svg>",
            ]
        )
    )


def burndown_svg(summary: SprintSummary, chart_id: str = "burndown") -> Markup:
    """The burndown of one sprint: the ideal line and the remaining points per day."""
    series = summary.burndown
    if not series:
        return Markup("")
    highest = max([summary.committed, *(p.remaining or 0.0 for p in series)])
    top, step = nice_scale(highest)
    frame = _Frame(len(series), top)
    body = _grid(frame, step)
    body += _x_labels(series, frame)
    body.append(f'<line class="axis" x1="{LEFT}" y1="{_n(frame.y(0))}" x2="{WIDTH - RIGHT}" y2="{_n(frame.y(0))}"/>')
    ideal = " ".join(f"{_n(frame.x(i))},{_n(frame.y(p.ideal))}" for i, p in enumerate(series))
    body.append(f'<polyline class="ideal" points="{ideal}"/>')
    known = [(i, p) for i, p in enumerate(series) if p.remaining is not None]
    if known:
        line = " ".join(f"{_n(frame.x(i))},{_n(frame.y(p.remaining or 0.0))}" for i, p in known)
        body.append(f'<polyline class="remaining" points="{line}"/>')
        for i, p in known:
            body.append(
                f'<circle class="remaining-dot" cx="{_n(frame.x(i))}" cy="{_n(frame.y(p.remaining or 0.0))}" r="3.5">'
                f"<title>{_day_label(p.day)}: {format_points(p.remaining)} points left</title></circle>"
            )
    return _svg(chart_id, "burndown", f"Burndown of {summary.name}", _burndown_words(summary, known), body)


def _x_labels(series: Sequence[BurnPoint], frame: _Frame) -> list[str]:
    last = len(series) - 1
    every = max(1, math.ceil(len(series) / MAX_X_LABELS))
    shown = list(range(0, len(series), every))
    if shown[-1] != last:
        # the last day is always labelled; it replaces a neighbour that would crowd it
        if last - shown[-1] <= every / 2 and len(shown) > 1:
            shown[-1] = last
        else:
            shown.append(last)
    baseline = _n(HEIGHT - BOTTOM + 18)
    return [
        f'<text class="tick" x="{_n(frame.x(i))}" y="{baseline}" text-anchor="middle">'
        f"{_day_label(series[i].day)}</text>"
        for i in shown
    ]


def _burndown_words(summary: SprintSummary, known: list[tuple[int, BurnPoint]]) -> str:
    first, last = summary.burndown[0], summary.burndown[-1]
    words = (
        f"Ideal line from {format_points(summary.committed)} points on {_day_label(first.day)} "
        f"to 0 on {_day_label(last.day)}."
    )
    if known:
        day, point = known[-1][1].day, known[-1][1]
        words += f" {format_points(point.remaining)} points remained on {_day_label(day)}."
    return words


def velocity_svg(sprints: Sequence[SprintSummary], average: float | None, chart_id: str = "velocity") -> Markup:
    """Points committed and done per sprint, oldest first, with the average velocity as a line."""
    shown = list(sprints)[-VELOCITY_BARS:]
    if not shown:
        return Markup("")
    highest = max(max(s.committed, s.done) for s in shown)
    top, step = nice_scale(highest)
    frame = _Frame(len(shown), top)
    body = _grid(frame, step)
    slot = frame.plot_width / len(shown)
    bar = min(28.0, slot * 0.34)
    baseline = frame.y(0)
    for i, s in enumerate(shown):
        centre = LEFT + slot * (i + 0.5)
        for offset, value, kind in ((-bar - 1, s.committed, "committed"), (1, s.done, "done")):
            y = frame.y(value)
            body.append(
                f'<rect class="bar bar-{kind}{" bar-current" if s.state == "current" else ""}" '
                f'x="{_n(centre + offset)}" y="{_n(y)}" width="{_n(bar)}" height="{_n(baseline - y)}">'
                f"<title>{escape(s.name)}: {format_points(value)} points {kind}</title></rect>"
            )
        label = s.name if len(s.name) <= 14 else s.name[:13] + "…"
        body.append(
            f'<text class="tick" x="{_n(centre)}" y="{_n(HEIGHT - BOTTOM + 18)}" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
        if s.state == "current":
            body.append(
                f'<text class="tick tick-note" x="{_n(centre)}" y="{_n(HEIGHT - BOTTOM + 34)}" '
                'text-anchor="middle">in progress</text>'
            )
    body.append(f'<line class="axis" x1="{LEFT}" y1="{_n(baseline)}" x2="{WIDTH - RIGHT}" y2="{_n(baseline)}"/>')
    if average is not None:
        level = _n(frame.y(average))
        body.append(f'<line class="average" x1="{LEFT}" y1="{level}" x2="{WIDTH - RIGHT}" y2="{level}"/>')
        body.append(
            f'<text class="tick tick-average" x="{WIDTH - RIGHT}" y="{level}" dy="-0.45em" text-anchor="end">'
            f"average {format_points(average)}</text>"
        )
    words = "; ".join(f"{s.name}: {format_points(s.committed)} committed, {format_points(s.done)} done" for s in shown)
    if average is not None:
        words += f". Average velocity {format_points(average)} points."
    return _svg(chart_id, "velocity", "Velocity: points committed and done per sprint", words, body)
