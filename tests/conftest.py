"""Small helpers every test may import: real workbooks, the real CLI, folder snapshots.

from conftest import run_sheetmap, tree_bytes, write_workbook
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils.datetime import CALENDAR_MAC_1904


def write_workbook(path: Path, sheets: dict[str, list[list[Any]]], *, epoch1904: bool = False) -> Path:
    """Write a real .xlsx with openpyxl: tab name -> rows (lists of cell values), in order.

    A string starting with '=' becomes a formula without a cached value, as
    openpyxl always writes them.
    """
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    if epoch1904:
        workbook.epoch = CALENDAR_MAC_1904
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def run_sheetmap(
    *args: str | os.PathLike[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the real `sheetmap` command in `cwd` (never the repo root, whose sheetmap.yml would apply)."""
    return subprocess.run(
        [sys.executable, "-m", "sheetmap", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
        check=False,
    )


def tree_bytes(folder: Path, *, exclude: Sequence[str] = ()) -> dict[str, bytes]:
    """Every file under `folder` as relative POSIX path -> bytes, for byte-for-byte comparisons."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.relative_to(folder).as_posix() not in exclude
    }
