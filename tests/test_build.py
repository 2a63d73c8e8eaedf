"""Building sites: the sample for both audiences, determinism, and failed builds that change nothing."""

from __future__ import annotations

import html
import json
import shutil
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from conftest import run_sheetmap, tree_bytes, write_workbook

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_sheets" / "acme-roadmap.xlsx"
HORIZONS = ("Now", "Next", "Later", "Done")


def sample_initiatives() -> list[dict[str, object]]:
    """The sample's Initiatives rows read straight from the file with openpyxl: the oracle."""
    workbook = openpyxl.load_workbook(SAMPLE, read_only=True)
    rows = list(workbook["Initiatives"].iter_rows(values_only=True))
    workbook.close()
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, row, strict=False)) for row in rows[1:] if any(v is not None for v in row)]


@pytest.fixture(scope="module")
def sample_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    work = tmp_path_factory.mktemp("sample")
    built = {}
    for audience in ("public", "internal"):
        result = run_sheetmap("build", SAMPLE, "--audience", audience, "--out", audience, cwd=work)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        built[audience] = (work / audience, result.stdout)
    return built


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_sample_builds_every_page_for_its_audience(sample_builds: dict[str, tuple[Path, str]], audience: str) -> None:
    site, summary = sample_builds[audience]
    rows = sample_initiatives()
    expected = [r for r in rows if audience == "internal" or r["Visibility"] == "Public"]
    data = json.loads((site / "roadmap.json").read_text(encoding="utf-8"))
    assert data["audience"] == audience
    assert sorted(i["id"] for i in data["initiatives"]) == sorted(str(r["ID"]) for r in expected)
    for item in data["initiatives"]:
        page = site / item["url"]
        assert page.is_file(), item["url"]
        assert item["title"] in html.unescape(page.read_text(encoding="utf-8"))
    pages = sorted(p.relative_to(site).as_posix() for p in (site / "initiatives").glob("*.html"))
    assert pages == sorted(i["url"] for i in data["initiatives"])
    for name in ("index.html", "completed/index.html", "objectives/index.html"):
        assert (site / name).is_file()
    counts = Counter(str(r["Horizon"]) for r in expected)
    assert Counter(i["horizon"] for i in data["initiatives"]) == counts
    described = ", ".join(f"{counts[h]} {h.lower()}" for h in HORIZONS)
    assert f"{len(expected)} initiatives ({described})" in summary


def test_sample_public_build_has_the_public_initiatives_only(sample_builds: dict[str, tuple[Path, str]]) -> None:
    rows = sample_initiatives()
    public = {str(r["ID"]) for r in rows if r["Visibility"] == "Public"}
    internal = {str(r["ID"]) for r in rows} - public
    assert public and internal  # the sample exercises both
    site, _ = sample_builds["public"]
    data = json.loads((site / "roadmap.json").read_text(encoding="utf-8"))
    assert {i["id"] for i in data["initiatives"]} == public
    done = [i for i in data["initiatives"] if i["horizon"] == "Done"]
    assert done and all(i["completed"] for i in done)
    everything = html.unescape(b"\n".join(tree_bytes(site).values()).decode("utf-8", "replace"))
    for row in rows:
        if row["ID"] in internal:
            assert str(row["Title"]) not in everything, row["ID"]
        if row.get("Notes"):
            assert str(row["Notes"])[:30] not in everything, row["ID"]
        if row.get("Owner"):
            assert f"owner {row['Owner']}" not in everything, row["ID"]


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    # Different hash seeds: sets of strings iterate in another order in each run, and no output may follow it.
    for out, seed in (("one", "1"), ("two", "2")):
        result = run_sheetmap(
            "build", SAMPLE, "--audience", "internal", "--out", out, cwd=tmp_path, env={"PYTHONHASHSEED": seed}
        )
        assert result.returncode == 0, result.stderr
    first = tree_bytes(tmp_path / "one")
    assert len(first) > 10
    assert first == tree_bytes(tmp_path / "two")
    # Rebuilding into the same folder gives the same tree again.
    result = run_sheetmap("build", SAMPLE, "--audience", "internal", "--out", "one", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert tree_bytes(tmp_path / "one") == first


# --- failed builds -----------------------------------------------------------------------------------------------


@pytest.fixture()
def published(tmp_path: Path, sample_builds: dict[str, tuple[Path, str]]) -> tuple[Path, dict[str, bytes]]:
    """A site already published in tmp_path/site (a copy of the sample's public build), and its bytes."""
    shutil.copy(SAMPLE, tmp_path / "roadmap.xlsx")
    shutil.copytree(sample_builds["public"][0], tmp_path / "site")
    return tmp_path / "site", tree_bytes(tmp_path / "site")


def _assert_untouched(site: Path, before: dict[str, bytes]) -> None:
    assert tree_bytes(site) == before
    assert [p.name for p in site.parent.iterdir() if p.name.startswith(".sheetmap-")] == []


def test_errors_leave_the_old_site_untouched(tmp_path: Path, published: tuple[Path, dict[str, bytes]]) -> None:
    site, before = published
    write_workbook(
        tmp_path / "roadmap.xlsx",
        {"Initiatives": [["ID", "Title", "Horizon"], ["INIT-1", "Slow reports", "Nwo"]]},
    )
    result = run_sheetmap("build", "roadmap.xlsx", "--out", "site", cwd=tmp_path)
    assert result.returncode == 1
    assert "C2" in result.stderr and "Nwo" in result.stderr and "unchanged" in result.stderr
    assert "Traceback" not in result.stderr
    _assert_untouched(site, before)


def test_strict_warnings_leave_the_old_site_untouched(tmp_path: Path, published: tuple[Path, dict[str, bytes]]) -> None:
    site, before = published
    write_workbook(
        tmp_path / "roadmap.xlsx",
        {"Initiatives": [["ID", "Title", "Horizon"], ["INIT-1", "Add a button", "Next"]]},
    )
    result = run_sheetmap("build", "roadmap.xlsx", "--out", "site", "--strict", cwd=tmp_path)
    assert result.returncode == 1
    assert "tactical-card" in result.stderr
    _assert_untouched(site, before)


@pytest.mark.parametrize("damage", ["missing", "text renamed .xlsx", "truncated zip"])
def test_unreadable_source_exits_2_and_leaves_the_old_site_untouched(
    tmp_path: Path, published: tuple[Path, dict[str, bytes]], damage: str
) -> None:
    site, before = published
    book = tmp_path / "roadmap.xlsx"
    if damage == "missing":
        book.unlink()
    elif damage == "text renamed .xlsx":
        book.write_text("ID,Title,Horizon\nINIT-1,Slow reports,Now\n", encoding="utf-8")
    else:
        book.write_bytes(SAMPLE.read_bytes()[:4000])
    result = run_sheetmap("build", "roadmap.xlsx", "--out", "site", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "roadmap.xlsx" in result.stderr
    _assert_untouched(site, before)


def test_a_public_build_renders_without_the_full_roadmap_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Internal rows, tasks and feedback are a third of a public build's memory: gone before the pages render."""
    import weakref

    from sheetmap import pipeline
    from sheetmap.config import Config
    from sheetmap.render import site

    loaded: list[weakref.ref[object]] = []
    alive_while_rendering: list[bool] = []
    real_load, real_write_site = pipeline.load, site.write_site

    def load(*args: object, **kwargs: object) -> pipeline.Loaded:
        result = real_load(*args, **kwargs)  # type: ignore[arg-type]
        loaded.append(weakref.ref(result.roadmap))
        return result

    def write_site(*args: object, **kwargs: object) -> int:
        alive_while_rendering.append(loaded[0]() is not None)
        return real_write_site(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "load", load)
    monkeypatch.setattr(site, "write_site", write_site)
    result = pipeline.build([str(SAMPLE)], Config(), audience="public", out=tmp_path / "site")
    assert result.written and result.roadmap is not None
    assert result.roadmap.audience == "public"
    assert alive_while_rendering == [False]
