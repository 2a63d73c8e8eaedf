"""The starter workbook `sheetmap init` writes: every sheet, ready to fill in.

Built from `schema.py`, so it always has exactly the sheets and columns
sheetmap reads. Each column explains itself where a person will see it (a
comment on the header, an input message on the cells), fixed-choice columns
and references to other sheets get drop-down lists, and a few example rows
show what good looks like and pass `sheetmap validate --strict`.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import tostring

from sheetmap.schema import SHEETS, SHEETS_BY_NAME, Column, Sheet

#: Drop-downs and input messages cover this many rows below the header.
ROWS = 500
#: Fixed, so that the same sheetmap writes the same bytes (no clock in output).
_STAMP = dt.datetime(2026, 1, 1, 9, 0, 0)
_ZIP_STAMP = (1980, 1, 1, 0, 0, 0)
_HEADER_FILL = PatternFill("solid", fgColor="E8EEF9")
_WIDTHS = {"id": 12, "markdown": 48, "date": 13, "number": 10, "choice": 15, "color": 10, "list": 22, "reflist": 16}
#: Columns whose values are another sheet's IDs: a drop-down of that sheet's first column.
_DRAWN_FROM = {
    ("Initiatives", "Theme"): "Themes",
    ("Initiatives", "Objectives"): "Objectives",
    ("Ideas", "Initiative"): "Initiatives",
    ("Tasks", "Sprint"): "Sprints",
    ("Tasks", "Item"): "Ideas",
}
#: Of those, the ones that hold a list (several comma-separated IDs): the
#: drop-down helps pick one but must not refuse a list.
_LISTS = {("Initiatives", "Objectives")}

START_HERE = "Start here"

#: Example rows, by sheet and column name. They pass `sheetmap validate --strict`.
EXAMPLES: dict[str, list[dict[str, Any]]] = {
    "Initiatives": [
        {
            "ID": "INIT-1",
            "Title": "New customers don't know where to start",
            "Horizon": "Now",
            "Theme": "Onboarding",
            "Tags": "activation, first week",
            "Objectives": "OKR-1",
            "Problem": "Four in ten new workspaces never create a report. In interviews, people said they "
            "**did not know what a good first report looks like**.",
            "Description": "We are guiding new customers to their first useful report:\n\n"
            "- a setup checklist on the home page\n- sample data to explore before their own arrives",
            "Outcome": "Workspaces with a report in their first week up from 60% to 75%",
            "Owner": "Product team",
            "Visibility": "Public",
            "Rank": 1,
        },
        {
            "ID": "INIT-2",
            "Title": "Teams can't find the report they need",
            "Horizon": "Next",
            "Theme": "Reporting",
            "Tags": "search",
            "Objectives": "OKR-1",
            "Problem": "People rebuild reports that already exist because they cannot find them.",
            "Outcome": "Duplicate reports created per month down 30%",
            "Visibility": "Public",
            "Rank": 1,
        },
        {
            "ID": "INIT-3",
            "Title": "Invoices are hard to reconcile",
            "Horizon": "Later",
            "Theme": "Billing",
            "Objectives": "OKR-2",
            "Problem": "Finance teams match invoices to usage by hand every month.",
            "Owner": "Billing squad",
            "Visibility": "Internal",
            "Notes": "Internal only: talk to Finance before promising dates.",
        },
        {
            "ID": "INIT-4",
            "Title": "Large exports timed out",
            "Horizon": "Done",
            "Theme": "Reporting",
            "Objectives": "OKR-1",
            "Problem": "Exports of more than 100,000 rows failed after 30 seconds.",
            "Description": "Exports now run in the background and arrive by email.",
            "Visibility": "Public",
            "Completed": dt.date(2026, 2, 20),
        },
    ],
    "Ideas": [
        {
            "ID": "IDEA-1",
            "Title": "Setup checklist on the home page",
            "Initiative": "INIT-1",
            "Stage": "Validating",
            "Hypothesis": "If we show a setup checklist, it could solve new customers not knowing where to "
            "start and uplift first-week activation by 10%",
            "User story": "As a new admin, I want to see the next setup step so that my team gets value quickly",
            "Metric": "Workspaces with a report in week one",
            "Target": "+10%",
            "Effort": "M",
            "Value": "High",
            "Visibility": "Public",
        },
        {
            "ID": "IDEA-2",
            "Title": "Sample data in new workspaces",
            "Initiative": "INIT-1",
            "Stage": "Successful",
            "Hypothesis": "If we preload sample data, it could solve empty first dashboards and uplift "
            "first-week activation by 5%",
            "Metric": "Workspaces with a report in week one",
            "Target": "+5%",
            "Actual": "+8% over four weeks",
            "Effort": "S",
            "Value": "Medium",
            "Visibility": "Public",
        },
        {
            "ID": "IDEA-3",
            "Title": "One search box for reports and dashboards",
            "Initiative": "INIT-2",
            "Stage": "Discovering",
            "Effort": "L",
            "Value": "High",
            "Visibility": "Internal",
        },
    ],
    "Objectives": [
        {
            "ID": "OKR-1",
            "Objective": "New customers succeed in their first week",
            "Key results": "First-week activation from 60% to 75%\nTime to first report under 10 minutes",
            "Period": "2026 H1",
            "Visibility": "Public",
        },
        {
            "ID": "OKR-2",
            "Objective": "Cut the cost of serving a customer",
            "Key results": "Billing tickets per 100 accounts down by half",
            "Period": "2026 H1",
            "Visibility": "Internal",
        },
    ],
    "Themes": [
        {"Name": "Onboarding", "Color": "#2a9d8f", "Description": "Getting new customers to their first success."},
        {"Name": "Reporting", "Color": "#2f5bd3", "Description": "Finding, reading and sharing reports."},
        {"Name": "Billing", "Color": "#8e6cb8", "Description": "Plans, invoices and payments."},
    ],
    "Feedback": [
        {
            "ID": "FB-1",
            "Item": "IDEA-2",
            "Feedback": "We only understood what the dashboards could do once we saw the sample data.",
            "Customer": "Example Co",
            "Source": "Sales call",
            "Date": dt.date(2026, 2, 11),
        },
    ],
    "Sprints": [
        {
            "Sprint": "Sprint 1",
            "Start": dt.date(2026, 3, 2),
            "End": dt.date(2026, 3, 13),
            "Goal": "Setup checklist in beta",
            "Team": "Core",
        },
        {
            "Sprint": "Sprint 2",
            "Start": dt.date(2026, 3, 16),
            "End": dt.date(2026, 3, 27),
            "Goal": "Sample data for every new workspace",
            "Team": "Core",
        },
    ],
    "Tasks": [
        {
            "ID": "TASK-1",
            "Title": "Checklist: steps and progress per workspace",
            "Sprint": "Sprint 1",
            "Item": "IDEA-1",
            "Status": "Done",
            "Estimate": 3,
            "Assignee": "Alex",
            "Done on": dt.date(2026, 3, 5),
        },
        {
            "ID": "TASK-2",
            "Title": "Checklist on the home page",
            "Sprint": "Sprint 1",
            "Item": "IDEA-1",
            "Status": "In progress",
            "Estimate": 5,
            "Assignee": "Sam",
        },
        {
            "ID": "TASK-3",
            "Title": "Sample data set for new workspaces",
            "Sprint": "Sprint 2",
            "Item": "IDEA-2",
            "Status": "To do",
            "Estimate": 3,
        },
    ],
}


def starter_workbook() -> bytes:
    """The starter workbook as .xlsx bytes, the same bytes every time."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    _start_here(workbook.create_sheet(START_HERE))
    for spec in SHEETS:
        _sheet(workbook.create_sheet(spec.name), spec, EXAMPLES.get(spec.name, []))
    workbook.active = 1  # open on Initiatives; "Start here" is one click away
    return _deterministic(workbook)


def _sheet(ws: Worksheet, spec: Sheet, rows: Sequence[Mapping[str, Any]]) -> None:
    for index, column in enumerate(spec.columns, start=1):
        cell = ws.cell(row=1, column=index, value=column.name)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(vertical="top")
        cell.comment = _comment(column)
        ws.column_dimensions[get_column_letter(index)].width = _width(column)
    for number, row in enumerate(rows, start=2):
        for index, column in enumerate(spec.columns, start=1):
            value = row.get(column.name)
            if value is None:
                continue
            cell = ws.cell(row=number, column=index, value=value)
            if column.kind == "date":
                cell.number_format = "yyyy-mm-dd"
            if column.kind == "markdown" or "\n" in str(value):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(spec.columns))}{ROWS + 1}"
    for index, column in enumerate(spec.columns, start=1):
        ws.add_data_validation(_validation(spec, column, get_column_letter(index)))


def _comment(column: Column) -> Comment:
    text = _explanation(column)
    comment = Comment(text, "sheetmap")
    comment.width, comment.height = 260, 40 + 18 * (len(text) // 38 + 1)
    return comment


def _explanation(column: Column) -> str:
    """What a person needs to know to fill in the column, in a sentence or two."""
    text = column.help
    if column.required:
        text += " Required."
    if column.aliases:
        text += f" Other headers sheetmap accepts: {', '.join(repr(a) for a in column.aliases[:3])}."
    return text


def _width(column: Column) -> float:
    if column.name in ("Title", "Objective", "Feedback", "Hypothesis", "User story"):
        return 40
    return max(_WIDTHS.get(column.kind, 18), len(column.name) + 4)


def _validation(spec: Sheet, column: Column, letter: str) -> DataValidation:
    """A drop-down (fixed choices or another sheet's IDs) or just an input message."""
    area = f"{letter}2:{letter}{ROWS + 1}"
    prompt = column.help if len(column.help) <= 255 else column.help[:254] + "…"
    common: dict[str, Any] = {
        "showInputMessage": True,
        "promptTitle": column.name[:32],
        "prompt": prompt,
        "allow_blank": not column.required,
    }
    source = _DRAWN_FROM.get((spec.name, column.name))
    if column.kind == "choice":
        # A warning rather than a stop: a team's own words (synonyms in sheetmap.yml) must stay possible.
        validation = DataValidation(
            type="list",
            formula1='"' + ",".join(column.choices) + '"',
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle=f"Not a {column.name}"[:32],
            error=f"sheetmap expects one of: {', '.join(column.choices)}.",
            **common,
        )
    elif source:
        target = SHEETS_BY_NAME[source]
        id_letter = get_column_letter(1 + [c.kind for c in target.columns].index("id"))
        validation = DataValidation(
            type="list",
            formula1=f"{_quoted(source)}!${id_letter}$2:${id_letter}${ROWS + 1}",
            showErrorMessage=(spec.name, column.name) not in _LISTS,
            errorStyle="warning",
            errorTitle=f"Not in {source}"[:32],
            error=f"This is not an ID from the {source} sheet; sheetmap will report it.",
            **common,
        )
    elif column.kind == "date":
        validation = DataValidation(
            type="date",
            operator="greaterThan",
            formula1="1",
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle="Not a date",
            error="sheetmap expects a date, e.g. 2026-03-01.",
            **common,
        )
    elif column.kind == "number":
        minimum = column.name != "Rank"
        validation = DataValidation(
            type="decimal",
            operator="greaterThanOrEqual" if minimum else "between",
            formula1="0" if minimum else "-1000000",
            formula2=None if minimum else "1000000",
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle="Not a number",
            error="sheetmap expects a number" + (" of 0 or more." if minimum else "."),
            **common,
        )
    else:
        validation = DataValidation(**common)
    validation.add(area)
    return validation


def _quoted(sheet: str) -> str:
    return sheet if sheet.isalnum() else "'" + sheet.replace("'", "''") + "'"


def _start_here(ws: Worksheet) -> None:
    """A guide tab: what each sheet is for and what each column means."""
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 18
    ws.column_dimensions["C"].width = 90
    lines: list[tuple[str, str, str, bool]] = [
        ("Your roadmap workbook", "", "", True),
        ("", "", "Each tab below is read by sheetmap; only Initiatives is required. Delete the example rows "
         "and add your own. Hover over a column name, or select a cell, to see what goes in it.", False),
        ("", "", "Check your changes with `sheetmap validate`: every problem is listed with its tab, cell and "
         "a fix. Then `sheetmap build` writes the website.", False),
        ("", "", "Visibility decides what the public site shows: only rows marked Public. Empty means "
         "Internal (unless sheetmap.yml says otherwise). Sprints, tasks and feedback are never public.", False),
        ("", "", "", False),
        ("Sheet", "Column", "What goes in it", True),
    ]  # fmt: skip
    for spec in SHEETS:
        lines.append((spec.name, "", spec.help, True))
        for column in spec.columns:
            lines.append(("", column.name, _explanation(column), False))
    for number, (sheet_name, column_name, text, bold) in enumerate(lines, start=1):
        for index, value in enumerate((sheet_name, column_name, text), start=1):
            if value:
                cell = ws.cell(row=number, column=index, value=value)
                cell.font = Font(bold=bold, size=14 if number == 1 else 11)
                cell.alignment = Alignment(wrap_text=index == 3, vertical="top")


def _deterministic(workbook: Workbook) -> bytes:
    """Save with fixed document dates and zip timestamps, so equal content means equal bytes."""
    workbook.properties.creator = "sheetmap"
    workbook.properties.lastModifiedBy = "sheetmap"
    workbook.properties.created = _STAMP
    raw = io.BytesIO()
    workbook.save(raw)  # openpyxl stamps `modified` with the clock here
    workbook.properties.modified = _STAMP
    core = tostring(workbook.properties.to_tree())
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=_ZIP_STAMP)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            data = core if info.filename == "docProps/core.xml" else src.read(info.filename)
            dst.writestr(member, data)
    return out.getvalue()
