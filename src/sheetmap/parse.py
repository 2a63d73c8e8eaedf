"""Matched tables -> the typed `Roadmap`, every bad cell reported.

Each cell goes through one field reader for its column's kind; a bad value
becomes a Problem at that cell and the field is left empty, so one pass
finds every mistake. References are checked last, against every ID that
exists, even in rows that had other problems.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sheetmap.background import Helper, Pending
from sheetmap.config import Config
from sheetmap.fast_cells import SLOW, converter
from sheetmap.model import (
    EMPTY,
    Feedback,
    Idea,
    Initiative,
    Objective,
    Rich,
    Roadmap,
    Sprint,
    Task,
    Theme,
)
from sheetmap.nearest import NearestIds
from sheetmap.report import Report
from sheetmap.sanitize import plain_text, render_markdown
from sheetmap.schema import Column, fold
from sheetmap.slugs import assign_slugs
from sheetmap.sources.table import FormulaWithoutValue, RawSheet, is_blank
from sheetmap.tables import Record, Table, match_tables
from sheetmap.theming import text_color_on, theme_color
from sheetmap.values import (
    BadValue,
    clean_text,
    display,
    parse_choice,
    parse_color,
    parse_date,
    parse_list,
    parse_number,
)


@dataclass
class _Reader:
    """Reads typed fields from records, reporting problems as it goes."""

    config: Config
    report: Report
    #: sheets whose required columns are missing: their empty cells are not reported again
    missing_columns: set[tuple[str, str]] = field(default_factory=set)

    #: Markdown cells already rendered (`render_markdown_cell`), by the cell's value
    rendered: Mapping[str, RenderedMarkdown] = field(default_factory=dict)

    def table_fields(self, table: Table, *, markdown: bool = True) -> list[dict[str, Any]]:
        """Each record's typed fields (column -> value), reporting every bad cell.

        Column by column: each cell goes through the column's shortcut for
        plain cells (fast_cells.py), and only what it declines takes the
        general path (`field`). Which path a cell took never shows. Without
        `markdown`, Markdown columns hold None until `markdown_fields`.
        """
        columns = [
            self._column(table, column) if markdown or column.kind != "markdown" else [None] * len(table.records)
            for column in table.spec.columns
        ]
        names = [column.name for column in table.spec.columns]
        return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]

    def markdown_fields(self, table: Table, fields: list[dict[str, Any]]) -> None:
        """Fill in the Markdown columns that `table_fields(table, markdown=False)` left out."""
        for column in table.spec.columns:
            if column.kind == "markdown":
                for record_fields, value in zip(fields, self._column(table, column), strict=True):
                    record_fields[column.name] = value

    def _column(self, table: Table, column: Column) -> list[Any]:
        """One column's typed cells, in the order of the records."""
        sheet, records = table.spec.name, table.records
        cells = [r.values.get(column.name) for r in records]
        shortcut = converter(column, self.config.synonyms.get(column.choice_set))
        if column.required:
            typed = [shortcut(v) for v in cells]
        else:
            empty = _empty(column)
            typed = [empty if v is None else shortcut(v) for v in cells]
        if SLOW in typed:
            for index, result in enumerate(typed):
                if result is SLOW:
                    typed[index] = self._general(records[index], sheet, column)
        return typed

    def _general(self, record: Record, sheet: str, column: Column) -> Any:
        value = record.values.get(column.name)
        if column.kind == "markdown" and value.__class__ is str and value.strip():
            return self._markdown(value, column, record)
        return self.field(record, sheet, column)

    def field(self, record: Record, sheet: str, column: Column) -> Any:
        value = record.value(column.name)
        place = record.place
        label = place.label(column.name)  # the header as the person wrote it
        if isinstance(value, FormulaWithoutValue):
            self.report.add(
                place.problem(
                    "formula-without-value",
                    f"{label} holds the formula {value.formula} but the file has no computed value for it "
                    "(it was written by a program and never opened in a spreadsheet app).",
                    column=column.name,
                    cell=record.cell(column.name),
                    value=value.formula,
                    fix="Open the workbook in Excel, LibreOffice or Google Sheets and save it, "
                    "or type the value instead of the formula.",
                )
            )
            value = None
        if is_blank(value):
            if column.required and (sheet, column.name) not in self.missing_columns and record.cell(column.name):
                self.report.add(
                    place.problem(
                        "missing-value",
                        f"{label} is empty; every row of this sheet needs one.",
                        column=column.name,
                        cell=record.cell(column.name),
                        value="",
                        fix=f"Fill in {label} ({column.help[:1].lower()}{column.help[1:].rstrip('.')}), "
                        "or delete the row.",
                    )
                )
            return _empty(column)
        try:
            return self._typed(value, column, place.sheet, record)
        except BadValue as bad:
            self.report.add(
                place.problem(
                    bad.code,
                    bad.message,
                    column=column.name,
                    cell=record.cell(column.name),
                    value=display(value),
                    fix=bad.fix,
                )
            )
            return _empty(column)

    def _typed(self, value: Any, column: Column, tab: str, record: Record) -> Any:
        kind = column.kind
        label = record.place.label(column.name)
        if kind == "choice":
            return parse_choice(value, label, column.choices, self.config.synonyms.get(column.choice_set))
        if kind == "date":
            return parse_date(value, label, date1904=record.place.date1904, date_format=self.config.date_format)
        if kind == "number":
            return parse_number(value, label, minimum=None if column.name == "Rank" else 0)
        if kind == "color":
            return parse_color(value, label)
        if kind == "markdown":
            return self._markdown(value, column, record)
        text, disguised = clean_text(value)
        if disguised:
            self.report.add(
                record.place.problem(
                    "invisible-characters",
                    f"{label} '{text}' contained invisible or text-direction characters; they were removed.",
                    column=column.name,
                    cell=record.cell(column.name),
                    value=text,
                    fix="Retype the cell; such characters can make text read differently than it is.",
                )
            )
        if kind in ("list", "reflist"):  # tags are shown like titles: reported the same way
            return parse_list(value)
        return text

    def _markdown(self, value: str, column: Column, record: Record) -> Rich:
        source, html, removed, text = self.rendered.get(value) or render_markdown_cell(value)
        if removed:
            self.report.add(
                record.place.problem(
                    "unsafe-content",
                    f"{record.place.label(column.name)} contains {', '.join(removed)}, "
                    "which sheetmap removed from the site.",
                    column=column.name,
                    cell=record.cell(column.name),
                    value=source[:80],
                    fix="Use Markdown (**bold**, [link](https://…), lists) instead of HTML, "
                    "and only http, https or mailto links.",
                )
            )
        return Rich(text, html)


#: A Markdown cell as the site shows it: (its text cleaned, the HTML, what the sanitiser removed, the HTML's text)
RenderedMarkdown = tuple[str, str, tuple[str, ...], str]


def render_markdown_cell(value: str) -> RenderedMarkdown:
    """The work of a Markdown cell that needs nothing else of the workbook (done in `background` for many)."""
    source, _ = clean_text(value)
    html, removed = render_markdown(source)
    return source, html, removed, plain_text(html)


def _markdown_cells(tables: Mapping[str, Table]) -> list[str]:
    """The different values of every Markdown cell that holds text, in the order they come."""
    found: dict[str, None] = {}
    for table in tables.values():
        for column in table.spec.columns:
            if column.kind == "markdown":
                name = column.name
                for record in table.records:
                    value = record.values.get(name)
                    if value.__class__ is str and value.strip():
                        found[value] = None
    return list(found)


def _empty(column: Column) -> Any:
    if column.kind in ("list", "reflist"):
        return ()
    if column.kind == "markdown":
        return EMPTY
    if column.kind in ("date", "number"):
        return None
    return ""


def build_roadmap(
    raw_sheets: list[RawSheet],
    config: Config,
    report: Report,
    helper: Helper[str, RenderedMarkdown] | None = None,
) -> Roadmap:
    """The full (internal) roadmap from raw sheets; problems go to `report`.

    A `helper` (of `render_markdown_cell`) renders Markdown cells on another core meanwhile.
    """
    tables = match_tables(raw_sheets, report, sheet_aliases=config.sheet_aliases, column_aliases=config.column_aliases)
    reader = _Reader(config, report)
    for name, table in tables.items():
        for column in table.spec.columns:
            if column.required and column.name not in table.columns:
                reader.missing_columns.add((name, column.name))

    rows: dict[str, list[tuple[Record, dict[str, Any]]]] = {}
    by_sheet: dict[str, dict[str, str]] = {}
    fields: dict[str, list[dict[str, Any]]] = {}
    markdown = _markdown_cells(tables)
    # Markdown cells are rendered by the helper, if there is one, while the other cells are typed here.
    with helper.map(markdown) if helper else Pending(render_markdown_cell, markdown) as rendering:
        for name, table in tables.items():
            fields[name] = reader.table_fields(table, markdown=False)
            rows[name], by_sheet[name] = _unique(name, list(zip(table.records, fields[name], strict=True)), report)
        reader.rendered = dict(zip(markdown, rendering.results(), strict=True))
    for name, table in tables.items():
        reader.markdown_fields(table, fields[name])  # into the same dicts that `rows` holds
    reader.rendered = {}  # the cells' cleaned sources, kept by nothing else (100 MB at 400,000 rows)
    ids = _Ids(by_sheet)
    refs = _RefChecker(ids, report, tables)

    objectives = tuple(_objective(r, f, config) for r, f in rows.get("Objectives", []))
    initiatives = tuple(_initiative(r, f, config, refs, n) for n, (r, f) in enumerate(rows.get("Initiatives", [])))
    ideas = tuple(_idea(r, f, config, refs) for r, f in rows.get("Ideas", []))
    feedback = tuple(_feedback(r, f, refs) for r, f in rows.get("Feedback", []))
    tasks = tuple(_task(r, f, refs, "Sprints" in tables) for r, f in rows.get("Tasks", []))
    sprints = _sprints(rows.get("Sprints", []), tasks)
    themes = _themes(rows.get("Themes", []), initiatives)

    return assign_slugs(
        Roadmap(
            audience="internal",
            initiatives=initiatives,
            ideas=ideas,
            objectives=objectives,
            themes=themes,
            feedback=feedback,
            sprints=sprints,
            tasks=tasks,
            request_counts=count_requests(feedback, initiatives, ideas),
        )
    )


#: The column that names a row, where it is not ID.
_ID_COLUMNS = {"Themes": "Name", "Sprints": "Sprint"}


def _unique(
    sheet: str, records: list[tuple[Record, dict[str, Any]]], report: Report
) -> tuple[list[tuple[Record, dict[str, Any]]], dict[str, str]]:
    """Drop rows whose ID repeats an earlier one, reporting each repeat.

    Returns the rows kept, and their IDs as written by `fold`ed ID (what `_Ids` looks them up by).
    """
    id_column = _ID_COLUMNS.get(sheet, "ID")
    first: dict[str, Record] = {}
    written: dict[str, str] = {}
    kept = []
    for record, fields in records:
        key = fold(fields.get(id_column) or "")
        if not key:
            if sheet in ("Feedback",):
                kept.append((record, fields))
            continue  # a row without its ID was reported as missing-value
        if key in first:
            earlier = first[key]
            report.add(
                record.place.problem(
                    "duplicate-id",
                    f"{record.place.label(id_column)} '{fields[id_column]}' is used twice: also at "
                    f"{earlier.place.sheet}!{earlier.cell(id_column)}.",
                    column=id_column,
                    cell=record.cell(id_column),
                    value=fields[id_column],
                    fix=f"Give this row its own {record.place.label(id_column)}, or delete the copy.",
                )
            )
            continue
        first[key] = record
        written[key] = fields[id_column]
        kept.append((record, fields))
    return kept, written


class _Ids:
    """Existing IDs per sheet, found case-insensitively."""

    def __init__(self, by_sheet: Mapping[str, dict[str, str]]) -> None:
        #: sheet -> `fold`ed ID -> the ID as written
        self.by_sheet = by_sheet
        #: IDs as written, so the usual reference (spelt like its ID) needs no folding
        self.exact = {sheet: set(found.values()) for sheet, found in self.by_sheet.items()}
        self._nearest: dict[tuple[str, ...], NearestIds] = {}

    def resolve(self, sheets: Iterable[str], value: str) -> str | None:
        key = None
        for sheet in sheets:  # the first sheet that has it, spelt exactly or not
            if value in self.exact.get(sheet, ()):
                return value
            key = key or fold(value)
            found = self.by_sheet.get(sheet, {}).get(key)
            if found:
                return found
        return None

    def all(self, sheets: Iterable[str]) -> list[str]:
        return [i for s in sheets for i in self.by_sheet.get(s, {}).values()]

    def nearest(self, sheets: list[str], value: str) -> str | None:
        """The ID of `sheets` that `value` most likely meant (indexed once: sheets hold thousands)."""
        key = tuple(sheets)
        if key not in self._nearest:
            self._nearest[key] = NearestIds(self.all(sheets), cutoff=0.7)
        return self._nearest[key].suggest(value)


@dataclass
class _RefChecker:
    ids: _Ids
    report: Report
    tables: Mapping[str, Table]

    def one(self, record: Record, column: str, value: str, targets: tuple[str, ...]) -> str:
        """The canonical ID `value` points at, or '' after reporting an unknown reference."""
        if not value:
            return ""
        found = self.ids.resolve(targets, value)
        if found:
            return found
        self._unknown(record, column, value, targets)
        return ""

    def many(self, record: Record, column: str, values: tuple[str, ...], targets: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(x for x in (self.one(record, column, v, targets) for v in values) if x)

    def _unknown(self, record: Record, column: str, value: str, targets: tuple[str, ...]) -> None:
        present = [t for t in targets if t in self.tables]
        names = " or ".join(targets)
        label = record.place.label(column)
        if not present:
            message = f"{label} '{value}' points at the {names} sheet, but the workbook has none."
            fix = f"Add a {targets[0]} sheet with a row for '{value}', or clear this cell."
        else:
            # name the tabs as the person sees them ('ROADMAP', not 'Initiatives')
            names = " or ".join(f"'{tab}'" for t in present for tab in dict.fromkeys(self.tables[t].tabs))
            near = self.ids.nearest(present, value)
            hint = f" Did you mean '{near}'?" if near else ""
            message = f"{label} '{value}' is not an ID in sheet {names}.{hint}"
            fix = f"Change it to '{near}'." if near else f"Use an ID from sheet {names}, or clear the cell."
        self.report.add(
            record.place.problem(
                "unknown-reference", message, column=column, cell=record.cell(column), value=value, fix=fix
            )
        )


def _visibility(fields: dict[str, Any], config: Config) -> str:
    return fields.get("Visibility") or config.default_visibility


def _objective(record: Record, f: dict[str, Any], config: Config) -> Objective:
    results: tuple[str, ...] = ()
    if f["Key results"]:
        # one key result per line as written (Markdown would join the lines)
        source, _ = clean_text(record.value("Key results"))
        lines = (line.lstrip("-*• ").strip() for line in source.splitlines())
        results = tuple(plain_text(render_markdown(line)[0]) for line in lines if line)
    return Objective(
        id=f["ID"],
        title=f["Objective"],
        key_results=results,
        period=f["Period"],
        visibility=_visibility(f, config),
        place=record.place,
    )


def _initiative(record: Record, f: dict[str, Any], config: Config, refs: _RefChecker, sequence: int) -> Initiative:
    return Initiative(
        id=f["ID"],
        title=f["Title"],
        horizon=f["Horizon"],
        theme=f["Theme"],
        tags=f["Tags"],
        objectives=refs.many(record, "Objectives", f["Objectives"], ("Objectives",)),
        problem=f["Problem"],
        description=f["Description"],
        outcome=f["Outcome"],
        owner=f["Owner"],
        visibility=_visibility(f, config),
        rank=f["Rank"],
        completed=f["Completed"],
        notes=f["Notes"],
        sequence=sequence,
        place=record.place,
    )


def _idea(record: Record, f: dict[str, Any], config: Config, refs: _RefChecker) -> Idea:
    return Idea(
        id=f["ID"],
        title=f["Title"],
        initiative=refs.one(record, "Initiative", f["Initiative"], ("Initiatives",)),
        stage=f["Stage"],
        hypothesis=f["Hypothesis"],
        user_story=f["User story"],
        description=f["Description"],
        metric=f["Metric"],
        target=f["Target"],
        actual=f["Actual"],
        effort=f["Effort"],
        value=f["Value"],
        visibility=_visibility(f, config),
        place=record.place,
    )


def _feedback(record: Record, f: dict[str, Any], refs: _RefChecker) -> Feedback:
    return Feedback(
        id=f["ID"],
        item=refs.one(record, "Item", f["Item"], ("Ideas", "Initiatives")),
        text=f["Feedback"],
        customer=f["Customer"],
        source=f["Source"],
        date=f["Date"],
    )


def _task(record: Record, f: dict[str, Any], refs: _RefChecker, have_sprints: bool) -> Task:
    sprint = f["Sprint"]
    if have_sprints:
        sprint = refs.one(record, "Sprint", sprint, ("Sprints",))
    return Task(
        id=f["ID"],
        title=f["Title"],
        sprint=sprint,
        item=refs.one(record, "Item", f["Item"], ("Ideas", "Initiatives")),
        status=f["Status"] or "To do",
        estimate=f["Estimate"],
        assignee=f["Assignee"],
        done_on=f["Done on"],
        place=record.place,
    )


def _sprints(records: list[tuple[Record, dict[str, Any]]], tasks: tuple[Task, ...]) -> tuple[Sprint, ...]:
    if records:
        return tuple(
            Sprint(name=f["Sprint"], start=f["Start"], end=f["End"], goal=f["Goal"], team=f["Team"], place=r.place)
            for r, f in records
        )
    # Without a Sprints sheet (a Jira export), the sprints are the tasks' own.
    names = dict.fromkeys(t.sprint for t in tasks if t.sprint)
    return tuple(Sprint(name=n) for n in names)


def _themes(records: list[tuple[Record, dict[str, Any]]], initiatives: tuple[Initiative, ...]) -> tuple[Theme, ...]:
    themes: dict[str, Theme] = {}
    for _, f in records:
        color = f["Color"] or theme_color(f["Name"])
        themes[fold(f["Name"])] = Theme(f["Name"], color, f["Description"], ink=text_color_on(color))
    for i in initiatives:
        if i.theme and fold(i.theme) not in themes:
            color = theme_color(i.theme)
            themes[fold(i.theme)] = Theme(i.theme, color, ink=text_color_on(color))
    return tuple(themes.values())


def count_requests(
    feedback: Iterable[Feedback], initiatives: Iterable[Initiative], ideas: Iterable[Idea]
) -> dict[str, int]:
    """Feedback entries per item; an initiative also counts those on its ideas."""
    per_item: dict[str, int] = {}
    for entry in feedback:
        if entry.item:
            per_item[entry.item] = per_item.get(entry.item, 0) + 1
    counts = dict(per_item)
    for idea in ideas:
        if idea.initiative and idea.id in per_item:
            counts[idea.initiative] = counts.get(idea.initiative, 0) + per_item[idea.id]
    known = {i.id for i in initiatives} | {i.id for i in ideas}
    return {k: v for k, v in counts.items() if k in known}
