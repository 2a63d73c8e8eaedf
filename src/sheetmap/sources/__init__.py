"""Source readers: each turns a workbook, CSV file or folder, or Google
Sheet into `RawSheet` tables. `read_source` picks the reader."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sheetmap.errors import SourceError
from sheetmap.sources.table import CellValue, FormulaWithoutValue, RawRow, RawSheet

if TYPE_CHECKING:
    from sheetmap.snapshot import SnapshotPolicy

__all__ = ["CellValue", "FormulaWithoutValue", "RawRow", "RawSheet", "read_source", "read_sources"]

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def read_source(spec: str) -> list[RawSheet]:
    """Read one source given as the user wrote it (path or Google Sheets URL/key)."""
    from sheetmap.sources.google_urls import is_google_source

    if is_google_source(spec):
        from sheetmap.sources import gsheets  # the Google client, only for a Google Sheet

        return gsheets.read_google_sheet(spec)
    path = Path(spec)
    if path.is_dir():
        from sheetmap.sources.csvfile import read_csv_folder

        return read_csv_folder(path, spec)
    if not path.exists():
        raise SourceError(f"{spec} does not exist. Check the path (it is relative to {Path.cwd()}).")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        from sheetmap.sources.csvfile import read_csv_file

        return [read_csv_file(path, spec)]
    if suffix in WORKBOOK_SUFFIXES or suffix not in (".xls", ".ods", ".numbers"):
        # Unknown suffixes are tried as workbooks: the guard sniffs the bytes
        # and says what the file really is.
        from sheetmap.sources.xlsx import read_xlsx

        return read_xlsx(path, spec)
    raise SourceError(
        f"{spec} is a {suffix} file; sheetmap reads .xlsx workbooks, CSV files and Google Sheets. "
        "Open it in your spreadsheet app and save it as 'Excel Workbook (.xlsx)'."
    )


def read_sources(specs: list[str] | tuple[str, ...], snapshot: SnapshotPolicy | None = None) -> list[RawSheet]:
    """Read every source, in order; the first unreadable one raises SourceError.

    With a `snapshot` policy, Google Sheets are saved after a good fetch, or
    read from the saved copy when it is offline (see `sheetmap.snapshot`).
    """
    if snapshot is not None:
        return snapshot.read(specs, read_source)
    sheets: list[RawSheet] = []
    for spec in specs:
        sheets.extend(read_source(spec))
    return sheets
