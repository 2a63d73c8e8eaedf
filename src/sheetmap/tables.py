"""Raw sheets -> the sheets of the schema, with their columns found.

This is where a tab called `ROADMAP` becomes the Initiatives sheet, a
header called ` status ` becomes Horizon, title rows above the header are
skipped, and unknown columns are reported and dropped.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from sheetmap.refs import cell_name
from sheetmap.report import Problem, Report
from sheetmap.schema import SHEETS, Sheet, fold
from sheetmap.sources.table import CellValue, RawSheet, is_blank
from sheetmap.values import display, suggest

#: The header row is searched for among the first rows (titles and notes may sit above it).
HEADER_SEARCH_ROWS = 10


class CellNames(Mapping[str, str]):
    """Canonical column -> A1 cell of one row, each name formatted only when asked for.

    A workbook of 100,000 rows has a million cells, and only the few with a
    problem are ever named: keeping the row and the column indexes (shared
    by every row of a tab) instead of a string per cell saves memory and time.
    """

    __slots__ = ("columns", "row")

    def __init__(self, row: int, columns: Mapping[str, int]) -> None:
        self.row = row
        self.columns = columns

    def __getitem__(self, column: str) -> str:
        return cell_name(self.row, self.columns[column])

    def __contains__(self, column: object) -> bool:
        return column in self.columns

    def __iter__(self) -> Iterator[str]:
        return iter(self.columns)

    def __len__(self) -> int:
        return len(self.columns)


@dataclass(frozen=True)
class Place:
    """Where a record came from, for messages."""

    source: str
    sheet: str
    row: int
    order: tuple[int, int]
    cell_url_base: object = None
    #: how numeric date serials count in this tab (Excel for Mac's 1904 system)
    date1904: bool = False
    #: canonical column -> A1 cell of this row, for rules that point at a field
    cells: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)
    #: canonical column -> its header as written in this tab ('Status' for Horizon), for messages
    headers: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)

    def label(self, column: str) -> str:
        """A column as the person sees it in this tab: its header as written, else its canonical name."""
        return self.headers.get(column) or column

    def problem(
        self,
        code: str,
        message: str,
        *,
        column: str | None = None,
        cell: str | None = None,
        value: str | None = None,
        fix: str | None = None,
    ) -> Problem:
        url = None
        if cell and callable(self.cell_url_base):
            url = self.cell_url_base(cell)
        return Problem(
            code=code,
            message=message,
            source=self.source,
            sheet=self.sheet,
            row=self.row,
            cell=cell,
            column=column,
            value=value,
            fix=fix,
            url=url,
            order=self.order,
        )


@dataclass(slots=True)
class Record:
    """One data row: canonical column -> value; its cells' A1 names are in `place.cells`."""

    place: Place
    values: dict[str, CellValue]

    @property
    def cells(self) -> dict[str, tuple[CellValue, str]]:
        """Canonical column -> (value, A1 cell), made when asked for (messages, tests)."""
        names = self.place.cells
        return {column: (value, names[column]) for column, value in self.values.items()}

    def value(self, column: str) -> CellValue:
        return self.values.get(column)

    def cell(self, column: str) -> str | None:
        return self.place.cells.get(column)


@dataclass
class Table:
    """All rows of one schema sheet, possibly gathered from several tabs or sources."""

    spec: Sheet
    records: list[Record] = field(default_factory=list)
    columns: set[str] = field(default_factory=set)
    tabs: list[str] = field(default_factory=list)


def match_tables(
    raw_sheets: list[RawSheet],
    report: Report,
    *,
    sheet_aliases: Mapping[str, tuple[str, ...]] | None = None,
    column_aliases: Mapping[str, Mapping[str, tuple[str, ...]]] | None = None,
) -> dict[str, Table]:
    """Find each schema sheet among the raw sheets and map their columns."""
    sheet_aliases = sheet_aliases or {}
    column_aliases = column_aliases or {}
    names: dict[str, Sheet] = {}
    for sheet in SHEETS:
        for alias in (sheet.name, *sheet.aliases, *sheet_aliases.get(sheet.name, ())):
            names[fold(alias)] = sheet
    headers = {spec.name: _header_names(spec, column_aliases.get(spec.name, {})) for spec in SHEETS}
    source_order = {s: i for i, s in enumerate(dict.fromkeys(r.source for r in raw_sheets))}

    tables: dict[str, Table] = {}
    for raw in raw_sheets:
        order = (source_order[raw.source], raw.index)
        spec: Sheet | None = names.get(fold(raw.title))
        if spec is None and raw.match_by_headers:
            spec = _best_by_headers(raw, headers)
        if spec is None:
            near = suggest(raw.title, [s.name for s in SHEETS], cutoff=0.75)
            if near:
                report.add(
                    Problem(
                        code="unknown-sheet",
                        message=f"Sheet '{raw.title}' is not a sheet sheetmap reads. Did you mean '{near}'?",
                        fix=f"Rename the tab to '{near}' if it holds {near.lower()}.",
                        source=raw.source,
                        sheet=raw.title,
                        order=order,
                    )
                )
            continue
        table = tables.setdefault(spec.name, Table(spec))
        table.tabs.append(raw.title)
        _read_rows(raw, spec, headers[spec.name], table, report, order)

    for spec in SHEETS:
        if spec.required and spec.name not in tables:
            found = ", ".join(f"'{r.title}'" for r in raw_sheets) or "none"
            report.add(
                Problem(
                    code="missing-sheet",
                    message=f"There is no {spec.name} sheet. Sheets found: {found}.",
                    fix=f"Add a sheet (tab) named '{spec.name}' with at least the columns "
                    + ", ".join(c.name for c in spec.columns if c.required)
                    + ", or rename the tab that holds your roadmap cards.",
                    source=raw_sheets[0].source if raw_sheets else None,
                )
            )
    return tables


def _header_names(spec: Sheet, extra: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    result: dict[str, str] = {}
    for column in spec.columns:
        for alias in (column.name, *column.aliases, *extra.get(column.name, ())):
            result[fold(alias)] = column.name
    return result


def _best_by_headers(raw: RawSheet, headers: dict[str, dict[str, str]]) -> Sheet | None:
    best: tuple[int, int] = (0, 0)
    chosen: Sheet | None = None
    for position, spec in enumerate(SHEETS):
        known = headers[spec.name]
        score = 0
        for row in raw.rows[:HEADER_SEARCH_ROWS]:
            found = {known[fold(display(v))] for v in row.values if not is_blank(v) and fold(display(v)) in known}
            score = max(score, len(found))
        # more matching columns wins; on a tie the earlier sheet of the schema
        if (score, -position) > best and score > 0:
            best, chosen = (score, -position), spec
    return chosen


def _read_rows(
    raw: RawSheet, spec: Sheet, known: dict[str, str], table: Table, report: Report, order: tuple[int, int]
) -> None:
    header_row = None
    for row in raw.rows[:HEADER_SEARCH_ROWS]:
        if any(not is_blank(v) and fold(display(v)) in known for v in row.values):
            header_row = row
            break

    written: dict[str, str] = {}

    def place(row: int, cells: Mapping[str, str] | None = None) -> Place:
        return Place(
            raw.source, raw.title, row, order, raw.cell_url, raw.date1904, {} if cells is None else cells, written
        )

    if header_row is None:
        required = [c.name for c in spec.columns if c.required]
        report.add(
            Problem(
                code="missing-column",
                message=f"Sheet '{raw.title}' has no header row: none of its first {HEADER_SEARCH_ROWS} rows "
                f"holds a column name of the {spec.name} sheet (such as {', '.join(required)}).",
                fix="Put the column names in the first row: " + ", ".join(c.name for c in spec.columns) + ".",
                source=raw.source,
                sheet=raw.title,
                order=order,
            )
        )
        return

    # canonical column -> the sheet's column indexes that hold it (Jira repeats "Sprint")
    positions: dict[str, list[int]] = {}
    #: canonical column -> a header that looks like a misspelling of it, and its cell
    near_misses: dict[str, tuple[str, str]] = {}
    for index, value in enumerate(header_row.values):
        if is_blank(value):
            continue
        text = display(value).strip()
        canonical = known.get(fold(text))
        if canonical:
            positions.setdefault(canonical, []).append(index)
            written[canonical] = text
            continue
        near = suggest(text, sorted({c.name for c in spec.columns}), cutoff=0.75, aliases=known)
        if near:
            near_misses.setdefault(near, (text, cell_name(header_row.number, index)))
        hint = f" Did you mean '{near}'?" if near else ""
        report.add(
            place(header_row.number).problem(
                "unknown-column",
                f"Column '{text}' is not a column of the {spec.name} sheet; it is left out of the roadmap.{hint}",
                column=text,
                cell=cell_name(header_row.number, index),
                value=text,
                fix=f"Rename it to '{near}'." if near else "Nothing to do if it is for your own use.",
            )
        )
    table.columns.update(positions)
    for column in spec.columns:
        if column.required and column.name not in positions:
            aliases = f" (or {', '.join(repr(a) for a in column.aliases)})" if column.aliases else ""
            miss = near_misses.get(column.name)
            report.add(
                place(header_row.number).problem(
                    "missing-column",
                    f"The {spec.name} sheet '{raw.title}' has no '{column.name}' column{aliases} "
                    f"in its header row {header_row.number}."
                    + (f" Column '{miss[0]}' at {miss[1]} looks like it." if miss else ""),
                    column=column.name,
                    fix=f"Rename '{miss[0]}' at {miss[1]} to '{column.name}'."
                    if miss
                    else f"Add a column headed '{column.name}' to row {header_row.number}.",
                )
            )

    # Every row of the tab shares one column -> index map; only a row whose repeated
    # column (Jira's several "Sprint" columns) is filled elsewhere gets its own.
    last = {canonical: indexes[-1] for canonical, indexes in positions.items()}
    single = [(canonical, indexes[0]) for canonical, indexes in positions.items() if len(indexes) == 1]
    repeated = [(canonical, indexes) for canonical, indexes in positions.items() if len(indexes) > 1]
    for row in raw.rows:
        if row.number <= header_row.number:
            continue
        cells = row.values
        width = len(cells)
        values: dict[str, CellValue] = {c: cells[i] if i < width else None for c, i in single}
        columns: Mapping[str, int] = last
        for canonical, indexes in repeated:
            chosen = indexes[-1]
            for index in indexes:
                if index < width and not is_blank(cells[index]):
                    chosen = index  # the last non-empty of repeated columns counts
            values[canonical] = cells[chosen] if chosen < width else None
            if chosen != last[canonical]:
                columns = {**columns, canonical: chosen}
        if repeated:
            values = {canonical: values[canonical] for canonical in positions}  # the header's order, as before
        for value in values.values():
            if not is_blank(value):
                break
        else:
            continue  # a blank row
        table.records.append(Record(place(row.number, CellNames(row.number, columns)), values))
