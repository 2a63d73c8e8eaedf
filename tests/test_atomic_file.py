"""write_atomically: readers see the old file or the new one, never half of one, and no leftovers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sheetmap.atomic_file import write_atomically


def test_the_file_is_replaced_whole_with_the_permissions_asked_for(tmp_path: Path) -> None:
    target = tmp_path / "roadmap.xlsx"
    target.write_bytes(b"old")
    write_atomically(target, b"new", mode=0o644)
    assert target.read_bytes() == b"new" and target.stat().st_mode & 0o777 == 0o644
    write_atomically(tmp_path / "private.json", b"{}")
    assert (tmp_path / "private.json").stat().st_mode & 0o777 == 0o600  # only the owner, unless asked
    assert sorted(p.name for p in tmp_path.iterdir()) == ["private.json", "roadmap.xlsx"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "snapshot.json"
    target.write_bytes(b"old")

    def disk_full(source: str, destination: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(OSError, match="No space left"):
        write_atomically(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["snapshot.json"]
