"""Read CSV files (one file, or a folder of them) into raw tables.

A CSV file is one sheet named after the file (`Tasks.csv` is the Tasks
sheet). A file whose name is not a sheet name (`Jira.csv`) is matched on
its headers later, in `tables.py`.
"""

from __future__ import annotations

import contextlib
import csv
import io
from pathlib import Path

from sheetmap.errors import SourceError
from sheetmap.sources.table import RawRow, RawSheet, is_blank

#: Lines looked at for the delimiter (the header row is among the first ten rows).
HEADER_LINES = 10
#: A CSV larger than this is almost certainly not a backlog.
MAX_CSV_BYTES = 256 * 1024 * 1024


def read_csv_file(path: Path, display: str | None = None, index: int = 0) -> RawSheet:
    """One CSV file as a raw table; row numbers are the file's line-based rows."""
    name = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_CSV_BYTES:
            raise SourceError(f"{name} is {size // 2**20} MiB; sheetmap reads CSV files up to 256 MiB.")
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"Cannot read {name}: {exc.strerror or exc}.") from None
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceError(f"{name} is not a text CSV file. Export the sheet as 'CSV UTF-8'.")
    text = _decode(data)
    rows: list[RawRow] = []
    # Quoting is always Excel's ("" inside quotes): csv.Sniffer guesses it from
    # the data and gets cells such as `"Smart" alerts` wrong.
    reader = csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=_delimiter(text), skipinitialspace=True)
    try:
        for number, record in enumerate(reader, start=1):
            values = tuple(v if v.strip() else None for v in record)
            if values and not all(is_blank(v) for v in values):
                rows.append(RawRow(number, values))
    except csv.Error as exc:
        raise SourceError(f"{name} is not a well-formed CSV file ({exc}).") from None
    return RawSheet(source=name, title=path.stem, rows=rows, index=index, match_by_headers=True)


def read_csv_folder(folder: Path, display: str | None = None) -> list[RawSheet]:
    """Every `*.csv` file of a folder, in name order."""
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".csv" and p.is_file())
    if not files:
        raise SourceError(f"{display or folder} holds no .csv files. Name them after the sheets, e.g. Initiatives.csv.")
    return [read_csv_file(p, f"{display or folder}/{p.name}", i) for i, p in enumerate(files)]


def _delimiter(text: str) -> str:
    """`,` (Excel), `;` (Excel where the decimal mark is a comma) or a tab.

    Decided on the first line that one of them splits (normally the header
    row; title lines above it hold one field): the one giving the most
    fields, the sniffer's guess on a tie.
    """
    sample = text[:8192]
    guess = ","
    with contextlib.suppress(csv.Error):
        guess = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    candidates = (guess, ",", ";", "\t")
    for line in sample.splitlines()[:HEADER_LINES]:
        counts = {d: len(next(csv.reader([line], delimiter=d), [])) for d in candidates}
        if max(counts.values()) > 1:
            return max(candidates, key=counts.__getitem__)
    return guess


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252 as Excel writes it."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
