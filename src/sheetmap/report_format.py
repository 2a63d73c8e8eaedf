"""A validation report as text for people, JSON for tools, or GitHub workflow commands.

The text format is read by people who edit spreadsheets, not code: one
block per sheet tab, one entry per cell in row order, each with the value
found, what was expected and a fix, and a one-line summary at the end.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import textwrap
from collections.abc import Callable, Sequence
from itertools import groupby
from pathlib import Path

from sheetmap.report import Problem, Report

_COLORS = {"error": "\x1b[1;31m", "warning": "\x1b[33m", "notice": "\x1b[36m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"
#: Characters a cell may hold that would garble a terminal or a CI log: control
#: characters (an ESC starts a terminal command) and text-direction overrides.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: Width of "warning", the longest severity.
_SEVERITY_WIDTH = 7


def display_source(source: str) -> str:
    """A source as a person would name it: relative to the current folder when inside it."""
    if "://" in source:
        return source
    path = Path(source)
    if path.is_absolute():
        try:
            return path.relative_to(Path.cwd()).as_posix()
        except (ValueError, OSError):  # outside the current folder, or that folder is gone
            return source
    return source


def _one_line(text: str) -> str:
    """Cell text flattened to one printable line (a line break shows as ↵)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", " ↵ ").replace("\t", " ")
    return _UNPRINTABLE.sub("\ufffd", text)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary(report: Report, sources: Sequence[str], *, strict: bool = False) -> str:
    """'2 errors, 3 warnings in roadmap.xlsx' (notices only when there are some)."""
    parts = [_plural(report.errors, "error"), _plural(report.warnings, "warning")]
    notices = report.count("notice")
    if notices:
        parts.append(_plural(notices, "notice"))
    where = ", ".join(display_source(s) for s in sources) if sources else "the sources"
    line = f"{', '.join(parts)} in {where}"
    if strict and report.warnings:
        line += " (--strict: warnings count as errors)"
    return line


def _place(p: Problem) -> str:
    if p.cell:
        return p.cell
    if p.row:
        return f"row {p.row}"
    return "—"


def _heading(p: Problem) -> str:
    source = display_source(p.source) if p.source else ""
    if p.sheet:
        return f"Sheet '{_one_line(p.sheet)}'" + (f" in {source}" if source else "")
    return source or "Settings"


def format_text(
    report: Report,
    sources: Sequence[str],
    *,
    color: bool = False,
    strict: bool = False,
    width: int | None = 100,
) -> str:
    """Grouped by sheet, ordered by row and column, aligned; a summary line at the end.

    `color` adds ANSI colours (for a terminal only, and never when NO_COLOR
    is set); `width` wraps long messages under their own column (None: no wrapping).
    """
    color = color and not os.environ.get("NO_COLOR")

    def paint(text: str, style: str) -> str:
        return f"{style}{text}{_RESET}" if color and style else text

    problems = report.problems
    place_width = max((len(_place(p)) for p in problems), default=0)
    indent = " " * (2 + place_width + 2 + _SEVERITY_WIDTH + 2)

    def wrapped(text: str, first: str, later: str = indent) -> list[str]:
        if width is None:
            return [first + text]
        return textwrap.wrap(
            text,
            width=max(width, len(indent) + 30),
            initial_indent=first,
            subsequent_indent=later,
            break_on_hyphens=False,
            break_long_words=False,
        ) or [first]

    lines: list[str] = []
    for _, group in groupby(problems, key=lambda p: (p.order[0], p.source or "", p.sheet or "")):
        items = list(group)
        lines.append(paint(_heading(items[0]), _BOLD))
        for p in items:
            head = f"  {_place(p):<{place_width}}  {p.severity:<{_SEVERITY_WIDTH}}  "
            body = wrapped(f"{_one_line(p.message)} [{p.code}]", head)
            if color:
                start = 2 + place_width + 2
                body[0] = (
                    "  "
                    + paint(f"{_place(p):<{place_width}}", _BOLD)
                    + "  "
                    + paint(f"{p.severity:<{_SEVERITY_WIDTH}}", _COLORS.get(p.severity, ""))
                    + body[0][start + _SEVERITY_WIDTH :]
                )
            lines.extend(body)
            if p.fix:
                lines.extend(wrapped(_one_line(p.fix), indent + "Fix: ", indent + "     "))
            if p.url:
                lines.append(paint(f"{indent}Open: {p.url}", _DIM))
        lines.append("")
    lines.append(paint(summary(report, sources, strict=strict), _BOLD))
    return "\n".join(lines)


def format_json(report: Report) -> str:
    """The report as SPEC §5's JSON object, problems in report order."""
    return json.dumps(report.as_json(), ensure_ascii=False, indent=2)


def _escape_data(text: str) -> str:
    # GitHub's workflow-command escaping for the message part.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    # Property values also end at ',' and '::'.
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_command(p: Problem) -> str:
    """One `::error title=…::Initiatives!C14 …` workflow command for a problem."""
    level = {"error": "error", "warning": "warning"}.get(p.severity, "notice")
    title = f"{p.code} at {p.where}" if p.where else p.code
    properties = []
    if p.source and "://" not in p.source and not Path(display_source(p.source)).is_absolute():
        properties.append(f"file={_escape_property(display_source(p.source))}")
    properties.append(f"title={_escape_property(title)}")
    message = f"{p.where} {p.message}" if p.where else p.message
    if p.fix:
        message += f" Fix: {p.fix}"
    if p.url:
        message += f" Open: {p.url}"
    return f"::{level} {','.join(properties)}::{_escape_data(message)}"


def format_github(report: Report, sources: Sequence[str], *, strict: bool = False) -> str:
    """One workflow command per problem, then the full text report in the log.

    GitHub shows only a handful of annotations per step, so the complete
    list follows. Cell text in that list could itself look like a workflow
    command (a line starting with '::'), so command processing is paused
    around it with a token derived from the text, which the text therefore
    cannot contain.
    """
    commands = [github_command(p) for p in report.problems]
    text = format_text(report, sources, strict=strict, width=None)
    token = "sheetmap-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]
    return "\n".join([*commands, f"::stop-commands::{token}", text, f"::{token}::"])


def github_error(message: str) -> str:
    """A `::error` annotation for a failure that stopped the run (an unreadable source)."""
    return f"::error title=sheetmap::{_escape_data(message)}"


def render_report(report: Report, sources: Sequence[str], output_format: str, *, strict: bool, color: bool) -> str:
    """The report in the format the user asked for."""
    if output_format == "json":
        return format_json(report)
    if output_format == "github":
        return format_github(report, sources, strict=strict)
    return format_text(report, sources, color=color, strict=strict)


FORMATS: dict[str, Callable[..., str]] = {"text": format_text, "json": format_json, "github": format_github}
