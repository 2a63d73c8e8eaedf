"""The last good fetch of each Google Sheet, kept on disk for offline builds.

With a snapshot folder (`--snapshot DIR`, or `snapshot:` in sheetmap.yml),
every successful read of a Google Sheets source is saved as
``DIR/<spreadsheet key>.json``: the raw tables exactly as the reader
produced them (tab titles, ids, real row numbers, cell values; dates are
serial numbers already). `--offline` reads them back instead of calling
Google, so validation, cell links and everything downstream behave as
they did online. Workbooks and CSV files are always read from disk.

What it does *not* do is fall back on its own: when a fetch fails, the
build fails (exit 2) and the published site stays as it was; a person, not
a scheduled job, decides to build from an older copy.

Snapshots are written only after every source of the run was read, so a
folder never mixes a new fetch of one sheet with a failed run's leftovers
of another; and they are written atomically, so a killed run leaves the
previous snapshot whole. The JSON is deterministic (same sheet, same
bytes) so it can be diffed or committed to a private repository. It holds
the whole spreadsheet, internal rows included: never put it inside a
published folder.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sheetmap.atomic_file import write_atomically
from sheetmap.errors import ConfigError, SourceError
from sheetmap.sources import google_urls
from sheetmap.sources.table import CellValue, RawRow, RawSheet

FORMAT = "sheetmap-snapshot"
VERSION = 1

Reader = Callable[[str], list[RawSheet]]


@dataclass(frozen=True)
class SnapshotPolicy:
    """Where Google Sheets snapshots live, and whether to read them instead of Google."""

    folder: Path
    offline: bool = False

    def path_for(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def read(self, specs: Sequence[str], read_source: Reader) -> list[RawSheet]:
        """Read every source in order: Google Sheets from Google (saving them) or, offline, from the folder."""
        sheets: list[RawSheet] = []
        fetched: list[tuple[str, list[RawSheet]]] = []
        for spec in specs:
            if not google_urls.is_google_source(spec):
                sheets.extend(read_source(spec))
                continue
            key = google_urls.spreadsheet_key(spec)
            if self.offline:
                sheets.extend(load(self.path_for(key), spec))
                continue
            try:
                tabs = read_source(spec)
            except SourceError as exc:
                raise self._failed(exc, key) from None
            fetched.append((key, tabs))
            sheets.extend(tabs)
        for key, tabs in fetched:
            save(self.path_for(key), key, tabs)
        return sheets

    def _failed(self, exc: SourceError, key: str) -> SourceError:
        path = self.path_for(key)
        if not path.is_file():
            return exc
        return SourceError(
            f"{exc} The last good fetch of this spreadsheet is kept in {path}: add --offline to build from it."
        )


def snapshot_policy(folder: Path | None, *, offline: bool) -> SnapshotPolicy | None:
    """The policy for `--snapshot` / `snapshot:` and `--offline`; None when there is no folder."""
    if folder is None:
        if offline:
            raise ConfigError(
                "--offline reads Google Sheets from a snapshot folder, and none is set: "
                "add --snapshot DIR, or `snapshot: DIR` in sheetmap.yml."
            )
        return None
    return SnapshotPolicy(Path(folder), offline=offline)


def check_not_published(policy: SnapshotPolicy | None, out: Path) -> None:
    """Refuse a snapshot folder inside the output folder: it holds internal rows, and publishing replaces `out`."""
    if policy is None:
        return
    folder, site = policy.folder.resolve(), out.resolve()
    if folder == site or site in folder.parents:
        raise ConfigError(
            f"The snapshot folder {policy.folder} is inside the output folder {out}: it would be "
            "published (it holds the whole spreadsheet, internal rows included) and replaced by "
            "every build. Choose a folder outside it, e.g. --snapshot .sheetmap-snapshot."
        )


# --------------------------------------------------------------------------- files


def dumps(key: str, sheets: Sequence[RawSheet]) -> bytes:
    """The snapshot document: same tables, same bytes."""
    document = {
        "format": FORMAT,
        "version": VERSION,
        "key": key,
        "sheets": [
            {
                "title": sheet.title,
                "gid": sheet.cell_url.gid if isinstance(sheet.cell_url, google_urls.CellLink) else None,
                "date1904": sheet.date1904,
                "rows": [{"row": row.number, "values": [_plain(v) for v in row.values]} for row in sheet.rows],
            }
            for sheet in sheets
        ],
    }
    # ASCII escapes: a cell may hold a lone surrogate, which JSON can carry and UTF-8 cannot.
    return (json.dumps(document, indent=1, allow_nan=False) + "\n").encode("ascii")


def _plain(value: CellValue) -> str | int | float | bool | None:
    # Google sends only text, numbers and booleans (gsheets._cell); anything
    # else here is a programming error, not a user's.
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"a Google Sheets cell cannot hold {type(value).__name__}")


def save(path: Path, key: str, sheets: Sequence[RawSheet]) -> None:
    """Write the snapshot atomically: the old file stays whole until the new one is complete."""
    data = dumps(key, sheets)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_file() and path.read_bytes() == data:
            return  # unchanged: leave the file (and its modification time) alone
        write_atomically(path, data)
    except OSError as exc:
        raise SourceError(
            f"Cannot save the snapshot {path}: {exc.strerror or exc}. Check the snapshot folder "
            "(--snapshot or `snapshot:` in sheetmap.yml)."
        ) from None


def load(path: Path, spec: str) -> list[RawSheet]:
    """The raw tables saved in `path`, as if `spec` had just been read from Google."""
    source = google_urls.display_source(spec)
    key = google_urls.spreadsheet_key(spec)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourceError(
            f"--offline: there is no snapshot of {source} in {path.parent} (looked for {path.name}). "
            "Build once without --offline, with the same snapshot folder, to fetch and save it."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"Cannot read the snapshot {path}: {exc}.") from None
    try:
        return _sheets(json.loads(text), key, source)
    except (ValueError, KeyError, TypeError) as exc:
        raise SourceError(
            f"{path} is not a sheetmap snapshot of {source} ({exc}). Delete it and build once "
            "without --offline to fetch the spreadsheet again."
        ) from None


def _sheets(document: Any, key: str, source: str) -> list[RawSheet]:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError("not a snapshot file")
    if document.get("version") != VERSION:
        raise ValueError(f"version {document.get('version')!r}, this sheetmap reads version {VERSION}")
    if document.get("key") != key:
        raise ValueError(f"it holds spreadsheet {document.get('key')!r}")
    sheets = []
    for index, tab in enumerate(document["sheets"]):
        gid = tab["gid"]
        rows = [RawRow(int(row["row"]), tuple(_value(v) for v in row["values"])) for row in tab["rows"]]
        sheets.append(
            RawSheet(
                source=source,
                title=str(tab["title"]),
                rows=rows,
                date1904=bool(tab["date1904"]),
                cell_url=google_urls.CellLink(key, int(gid)) if gid is not None else None,
                index=index,
            )
        )
    return sheets


def _value(value: Any) -> CellValue:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"a cell holds {type(value).__name__}")
