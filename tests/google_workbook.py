"""A real .xlsx workbook as Google Sheets would serve it, for the loopback stand-in.

`spreadsheet_from_xlsx` loads a workbook with openpyxl (cached values, as a
spreadsheet app shows them) and turns every cell into what the Sheets API
returns with ``valueRenderOption=UNFORMATTED_VALUE`` and
``dateTimeRenderOption=SERIAL_NUMBER``: dates and times as serial numbers
counted from 1899-12-30 (a date-time's time is the fraction), numbers as
numbers, booleans as booleans, text as text, empty cells empty.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import openpyxl

from fake_google import FakeGoogle, FakeSpreadsheet, FakeTab

GOOGLE_EPOCH = dt.datetime(1899, 12, 30)


def serial(value: dt.datetime | dt.date | dt.time) -> int | float:
    """Google's SERIAL_NUMBER: days since 1899-12-30, the time of day as the fraction."""
    if isinstance(value, dt.time):
        return (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6) / 86400
    if not isinstance(value, dt.datetime):
        return (value - GOOGLE_EPOCH.date()).days
    delta = value - GOOGLE_EPOCH
    days = delta.days + delta.seconds / 86400 + delta.microseconds / 86400e6
    return int(days) if days.is_integer() else days


def unformatted(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return serial(value)
    if isinstance(value, dt.timedelta):  # a duration cell: days, like a serial
        return value.total_seconds() / 86400
    return value  # str, int, float, bool, None


def spreadsheet_from_xlsx(path: Path, *, key: str, title: str, shared_with: set[str]) -> FakeSpreadsheet:
    """Every worksheet of `path` as a Google spreadsheet tab, rows from row 1 (blank rows kept as [])."""
    workbook = openpyxl.load_workbook(path, data_only=True)
    try:
        assert workbook.epoch == openpyxl.utils.datetime.CALENDAR_WINDOWS_1900, "Google has no 1904 system"
        tabs = [
            FakeTab(
                sheet.title,
                rows=[[unformatted(v) for v in row] for row in sheet.iter_rows(values_only=True)],
                # Google's first tab is gid 0; the others get large arbitrary ids.
                sheet_id=0 if index == 0 else 1_000_000_007 * index % 2_147_483_647,
                hidden=sheet.sheet_state != "visible",
            )
            for index, sheet in enumerate(workbook.worksheets)
        ]
    finally:
        workbook.close()
    return FakeSpreadsheet(key=key, title=title, tabs=tabs, shared_with=set(shared_with))


def google_env(fake: FakeGoogle, info: dict[str, str]) -> dict[str, str]:
    """The environment a CI job would have: the key in the secret variable, the API at the stand-in."""
    return {
        "SHEETMAP_GOOGLE_CREDENTIALS": json.dumps(info),
        "SHEETMAP_GOOGLE_API": fake.url,
        "GOOGLE_APPLICATION_CREDENTIALS": "",
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
    }
