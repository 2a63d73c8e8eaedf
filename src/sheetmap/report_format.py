"""A validation report as text for people, JSON for tools, or GitHub annotations."""

from __future__ import annotations

import json
from collections.abc import Callable
from itertools import groupby

from sheetmap.report import Problem, Report

_COLORS = {"error": "\x1b[31m", "warning": "\x1b[33m", "notice": "\x1b[36m"}
_BOLD, _RESET = "\x1b[1m", "\x1b[0m"


def summary(report: Report, sources: list[str] | tuple[str, ...]) -> str:
    """'2 errors, 3 warnings in roadmap.xlsx'."""

    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    parts = [plural(report.errors, "error"), plural(report.warnings, "warning")]
    notices = report.count("notice")
    if notices:
        parts.append(plural(notices, "notice"))
    where = ", ".join(sources) if sources else "the sources"
    return f"{', '.join(parts)} in {where}"


def format_text(report: Report, sources: list[str] | tuple[str, ...], *, color: bool = False) -> str:
    """Grouped by sheet, ordered by row, aligned; a summary line at the end."""
    lines: list[str] = []

    def paint(text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    problems = report.problems

    def group_key(p: Problem) -> tuple[str, str]:
        return (p.source or "", p.sheet or "")

    for (source, sheet), group in groupby(problems, key=group_key):
        items = list(group)
        title = f"{sheet} ({source})" if sheet and source else sheet or source or "Configuration"
        lines.append(paint(title, _BOLD))
        width = max(len(p.cell or (f"row {p.row}" if p.row else "")) for p in items)
        for p in items:
            place = p.cell or (f"row {p.row}" if p.row else "")
            severity = paint(f"{p.severity:<7}", _COLORS.get(p.severity, ""))
            lines.append(f"  {place:<{width}}  {severity}  {p.message}  [{p.code}]")
            indent = " " * (width + 13)
            if p.fix:
                lines.append(f"{indent}Fix: {p.fix}")
            if p.url:
                lines.append(f"{indent}Open: {p.url}")
        lines.append("")
    lines.append(summary(report, sources))
    return "\n".join(lines)


def format_json(report: Report) -> str:
    return json.dumps(report.as_json(), ensure_ascii=False, indent=2)


def _escape_data(text: str) -> str:
    # GitHub's workflow-command escaping for the message part
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(report: Report, sources: list[str] | tuple[str, ...]) -> str:
    """One `::error`/`::warning`/`::notice` command per problem, then the full text report.

    GitHub shows only a handful of annotations per step, so the complete
    list is printed to the log as well.
    """
    commands = []
    for p in report.problems:
        level = {"error": "error", "warning": "warning"}.get(p.severity, "notice")
        title = _escape_property(f"{p.code} at {p.where}" if p.where else p.code)
        properties = [f"title={title}"]
        if p.source and "://" not in p.source:
            properties.insert(0, f"file={_escape_property(p.source)}")
        message = f"{p.where} {p.message}" if p.where else p.message
        if p.fix:
            message += f" Fix: {p.fix}"
        commands.append(f"::{level} {','.join(properties)}::{_escape_data(message)}")
    return "\n".join([*commands, "", format_text(report, sources)])


FORMATS: dict[str, Callable[..., str]] = {"text": format_text, "json": format_json, "github": format_github}
