"""The workbook guard refuses hostile and broken files quickly, and lets real ones through."""

from __future__ import annotations

import os
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import defusedxml
import defusedxml.ElementTree
import openpyxl
import openpyxl.xml.functions
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hostile_files as hf
from sheetmap.errors import SourceError
from sheetmap.sources import guard
from sheetmap.sources.guard import check_workbook_file, verify_inflated_sizes

# Every refusal must come this fast (the zip bombs included); generous for slow CI.
SECONDS = 3.0


def _realworld() -> Path:
    env = os.environ.get("SHEETMAP_REALWORLD")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1].parent / "shared" / "realworld"


REALWORLD_QUIRKS = sorted((_realworld() / "quirks").glob("*.xlsx"))


def _refusal(path: Path) -> str:
    start = time.perf_counter()
    with pytest.raises(SourceError) as caught:
        check_workbook_file(path)
    elapsed = time.perf_counter() - start
    assert elapsed < SECONDS, f"took {elapsed:.2f}s to refuse {path.name}"
    return str(caught.value)


@pytest.mark.parametrize("case", sorted(hf.HOSTILE))
def test_hostile_file_is_refused_with_a_message_that_says_what_to_do(case: str, tmp_path: Path) -> None:
    build, words = hf.HOSTILE[case]
    path = build(tmp_path)
    message = _refusal(path)
    assert str(path) in message, message
    for word in words:
        assert word in message, f"{word!r} missing from: {message}"
    assert "Traceback" not in message
    assert SourceError(message).exit_code == 2


def test_missing_file_and_folder(tmp_path: Path) -> None:
    message = _refusal(tmp_path / "nope.xlsx")
    assert "cannot be found" in message and str(tmp_path) in message
    message = _refusal(tmp_path)
    assert "is a folder" in message


def test_normal_workbook_passes(tmp_path: Path) -> None:
    check_workbook_file(hf.normal_workbook(tmp_path))


def test_absurd_dimension_passes_the_guard(tmp_path: Path) -> None:
    # A sheet claiming A1:XFD1048576 is legitimate (gnumeric writes it); the reader must
    # not trust the claim. openpyxl in read-only mode with reset_dimensions() reads only
    # the rows that exist: that recipe is checked here so a change in openpyxl shows up.
    path = hf.absurd_dimension(tmp_path)
    check_workbook_file(path)
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    ws = wb.active
    assert ws is not None and ws.max_row == 1_048_576
    ws.reset_dimensions()
    start = time.perf_counter()
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows) == 2 and time.perf_counter() - start < 1
    wb.close()


@pytest.mark.skipif(not REALWORLD_QUIRKS, reason="shared/realworld/quirks not found (set SHEETMAP_REALWORLD)")
@pytest.mark.parametrize("path", REALWORLD_QUIRKS, ids=lambda p: p.name)
def test_real_world_quirky_files_pass(path: Path) -> None:
    start = time.perf_counter()
    check_workbook_file(path)
    assert time.perf_counter() - start < SECONDS


def test_guard_is_cheap_on_a_normal_1mb_workbook(tmp_path: Path) -> None:
    path = hf.large_workbook(tmp_path)
    assert 700_000 < path.stat().st_size < 2_000_000
    best = min(_timed(check_workbook_file, path) for _ in range(3))
    # About 15 ms here (12 MB of XML inflated once); a loose bound for slow machines.
    assert best < 0.5, f"check_workbook_file took {best:.3f}s on a 1 MB workbook"


def _timed(fn: Callable[[Path], object], path: Path) -> float:
    start = time.perf_counter()
    fn(path)
    return time.perf_counter() - start


def test_verify_inflated_sizes_measures_the_real_data(tmp_path: Path) -> None:
    path = hf.normal_workbook(tmp_path)
    with zipfile.ZipFile(path) as zf:
        declared = sum(info.file_size for info in zf.infolist())
    assert verify_inflated_sizes(path) == declared
    with pytest.raises(SourceError, match="unpack to more than"):
        verify_inflated_sizes(path, limit=declared - 1)


def test_verify_inflated_sizes_stops_a_lying_bomb_early(tmp_path: Path) -> None:
    path = hf.lying_zip_bomb(tmp_path)
    start = time.perf_counter()
    with pytest.raises(SourceError, match="declared size"):
        verify_inflated_sizes(path)
    # It stops after the 10 KB the header declares, not after the 1 GiB of data.
    assert time.perf_counter() - start < 0.5


def test_bomb_under_the_ratio_floor_is_not_a_false_alarm(tmp_path: Path) -> None:
    # Small parts may pack very well (a sheet of blank styled rows); only big ones count.
    path = tmp_path / "small-but-dense.xlsx"
    base = hf._members(hf.normal_workbook(tmp_path, "base.xlsx"))
    members = [m for m in hf._raw_members(base) if m.name != "xl/sharedStrings.xml"]
    members.append(hf._repeated_deflate("xl/sharedStrings.xml", b"<sst/>", b" " * hf.MiB, 2, b""))
    hf.write_raw_zip(path, members)
    check_workbook_file(path)


def test_a_too_long_prolog_is_refused(tmp_path: Path) -> None:
    path = hf.xxe_after_comment(tmp_path, padding=5 * guard.MAX_PROLOG_CHARS)
    assert "unusually long XML header" in _refusal(path)


@pytest.mark.parametrize(
    ("xml", "verdict"),
    [
        (b'<?xml version="1.0"?><worksheet/>', "ok"),
        (b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- <!DOCTYPE x> --><worksheet/>', "ok"),
        (b"<!DOCTYPE x []><x/>", "dtd"),
        (b'<?xml version="1.0"?><!-- c --><?pi x?>\n <!doctype x><x/>', "dtd"),
        ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x><x/>'.encode("utf-16-le"), "dtd"),
        ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x><x/>'.encode("utf-16-be"), "dtd"),
        ('<?xml version="1.0"?><!DOCTYPE x><x/>'.encode("utf-32"), "dtd"),
        (b'<?xml version="1.0" encoding="utf-7"?>+ADw-+ACE-DOCTYPE x+AD4-<x/>', "dtd"),
        (b'<?xml version="1.0" encoding="x-no-such-codec"?><x/>', "encoding"),
        (b"", "ok"),
        (b"\x89PNG\r\n", "ok"),
    ],
)
def test_prolog_scanner(xml: bytes, verdict: str) -> None:
    # Fed one byte at a time too, so chunk boundaries cannot hide a DOCTYPE.
    for step in (len(xml) or 1, 1):
        scanner = guard._PrologScanner()
        for i in range(0, len(xml), step):
            if scanner.done:
                break
            scanner.feed(xml[i : i + step])
        if not scanner.done:
            scanner.feed(b"", final=True)
        assert scanner.verdict == verdict, (xml, step)


def test_openpyxl_uses_defusedxml(tmp_path: Path) -> None:
    """openpyxl parses through defusedxml when installed, so it refuses entity bombs on its own.

    Result (openpyxl 3.1.5, defusedxml 0.7.1): yes. openpyxl.DEFUSEDXML is True, its
    iterparse is defusedxml's, and loading the billion-laughs workbook raises a
    ValueError caused by defusedxml.EntitiesForbidden. The guard is still the first
    line: it says what happened in words a user can act on.
    """
    assert openpyxl.DEFUSEDXML is True
    assert openpyxl.xml.functions.iterparse is defusedxml.ElementTree.iterparse
    for build in (hf.billion_laughs, hf.xxe):
        with pytest.raises(Exception) as caught:
            openpyxl.load_workbook(build(tmp_path), read_only=False)
        chain = []
        error: BaseException | None = caught.value
        while error is not None:
            chain.append(error)
            error = error.__cause__ or error.__context__
        assert any(isinstance(e, defusedxml.EntitiesForbidden) for e in chain), chain


_BASE = hf.normal_workbook_bytes(rows=20)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cut=st.integers(min_value=1, max_value=len(_BASE)),
    flips=st.lists(st.tuples(st.integers(0, len(_BASE) - 1), st.integers(1, 255)), max_size=8),
)
def test_damaged_workbooks_raise_only_source_error(cut: int, flips: list[tuple[int, int]]) -> None:
    data = bytearray(_BASE[:cut])
    for at, xor in flips:
        if at < len(data):
            data[at] ^= xor
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "fuzzed.xlsx"
        path.write_bytes(bytes(data))
        start = time.perf_counter()
        try:
            check_workbook_file(path)
        except SourceError as exc:
            assert str(path) in str(exc)
        assert time.perf_counter() - start < SECONDS
