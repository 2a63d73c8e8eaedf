"""End to end: the sample workbook served as a Google Sheet by the loopback
stand-in (tests/fake_google.py), built by the real `sheetmap` command with
SHEETMAP_GOOGLE_API pointing at it, must give the very site the .xlsx gives."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import run_sheetmap, tree_bytes, write_workbook
from fake_google import FakeGoogle, stand_in_fixtures
from google_workbook import google_env, serial, spreadsheet_from_xlsx

SAMPLE = Path(__file__).resolve().parent.parent / "sample_sheets" / "acme-roadmap.xlsx"
EMAIL = "roadmap-bot@larkspur-roadmap.iam.gserviceaccount.com"
KEY = "1LarkspurRoadmapSampleKey_0123456789-abcdefg"
URL = f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=0"
CONFIG = "title: Larkspur Analytics roadmap\nsources:\n  - {source}\n"


rsa_key, fake, info = stand_in_fixtures(EMAIL)


@pytest.fixture
def env(fake: FakeGoogle, info: dict[str, str]) -> dict[str, str]:
    return google_env(fake, info)


def key_material(info: dict[str, str], fake: FakeGoogle) -> list[str]:
    pem_lines = [line for line in info["private_key"].splitlines() if line and "-----" not in line]
    return [info["private_key_id"], *pem_lines, *fake.tokens, *fake.assertions]


# --------------------------------------------------------------------------- the converter


def test_dates_become_google_serial_numbers() -> None:
    assert serial(dt.date(2020, 1, 1)) == 43831  # Google's own documented example
    assert serial(dt.date(1899, 12, 30)) == 0
    assert serial(dt.datetime(2026, 3, 1, 18, 0)) == 46082.75
    assert serial(dt.time(6, 0)) == 0.25


def test_the_stand_in_serves_the_sample_as_google_would(tmp_path: Path) -> None:
    sheet = spreadsheet_from_xlsx(SAMPLE, key=KEY, title="Larkspur", shared_with={EMAIL})
    titles = [tab.title for tab in sheet.tabs]
    assert titles[:2] == ["Initiatives", "Ideas"] and "Tasks" in titles
    assert sheet.tabs[0].sheet_id == 0 and len({tab.sheet_id for tab in sheet.tabs}) == len(titles)
    cells = [v for tab in sheet.tabs for row in tab.rows for v in row]
    assert not any(isinstance(v, (dt.date, dt.time, dt.timedelta)) for v in cells)
    # the sample's dates (Completed, feedback dates, sprints, Done on) are there, as serials
    feedback = next(tab for tab in sheet.tabs if tab.title == "Feedback")
    date_column = [c.casefold() for c in feedback.rows[0]].index("date")
    dates = [row[date_column] for row in feedback.rows[1:] if row[date_column] is not None]
    assert dates and all(isinstance(d, int) and 40000 < d < 50000 for d in dates)


# --------------------------------------------------------------------------- same site


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_a_google_sheet_builds_the_same_site_as_the_xlsx(
    audience: str, tmp_path: Path, fake: FakeGoogle, env: dict[str, str], info: dict[str, str]
) -> None:
    fake.add(spreadsheet_from_xlsx(SAMPLE, key=KEY, title="Larkspur Analytics roadmap", shared_with={EMAIL}))
    from_xlsx, from_google = tmp_path / "xlsx", tmp_path / "google"
    from_xlsx.mkdir()
    from_google.mkdir()
    (from_xlsx / "sheetmap.yml").write_text(CONFIG.format(source=SAMPLE), encoding="utf-8")
    # The Google Sheet named where a workbook path goes: in sheetmap.yml.
    (from_google / "sheetmap.yml").write_text(CONFIG.format(source=f"'{URL}'"), encoding="utf-8")

    built_xlsx = run_sheetmap("build", "--audience", audience, cwd=from_xlsx, env=env)
    built_google = run_sheetmap("build", "--audience", audience, cwd=from_google, env=env)

    assert built_xlsx.returncode == 0, built_xlsx.stderr
    assert built_google.returncode == 0, built_google.stderr
    assert [seen.route for seen in fake.requests] == ["token", "metadata", "values"]
    xlsx_json = (from_xlsx / "site" / "roadmap.json").read_bytes()
    google_json = (from_google / "site" / "roadmap.json").read_bytes()
    assert google_json == xlsx_json
    data = json.loads(google_json)
    assert data["audience"] == audience and len(data["initiatives"]) > 10
    assert any(i["completed"] for i in data["initiatives"])  # dates made it through as dates
    for name in (KEY, "acme-roadmap", "docs.google.com"):
        assert name not in google_json.decode()
    # Not only the data: every page, the feed and the assets are the same bytes.
    assert tree_bytes(from_google / "site") == tree_bytes(from_xlsx / "site")
    # The summary counts what was published.
    horizons = [i["horizon"] for i in data["initiatives"]]
    counts = ", ".join(f"{horizons.count(h)} {h.lower()}" for h in ("Now", "Next", "Later", "Done"))
    line = built_google.stdout.strip()
    assert re.fullmatch(
        rf"Built {audience} site: {len(horizons)} initiatives \({re.escape(counts)}\) "
        r"from 'Larkspur Analytics roadmap' in \d+\.\d s → site/",
        line,
    ), line
    everything = built_google.stdout + built_google.stderr
    for secret in key_material(info, fake):
        assert secret not in everything


# --------------------------------------------------------------------------- report


def _workbook_with_mistakes(path: Path) -> Path:
    """Initiatives with a title block above the header, so the bad Horizon sits in C14."""
    rows: list[list[Any]] = [["Larkspur roadmap"], ["Edit the rows below"], []]
    rows.append(["ID", "Title", "Horizon", "Visibility", "Completed", "Problem"])
    for n in range(1, 10):
        rows.append([f"INIT-{n}", f"Customers cannot find report {n}", "Later", "Public", None, "Why"])
    rows.append(["INIT-10", "Reports load slowly", "Nwo", "Public", None, "Why"])  # row 14
    rows.append(["INIT-11", "Exports fail on big files", "Done", "Public", dt.datetime(2026, 3, 1, 18, 0), "Why"])
    rows.append(["INIT-12", "Nobody reads the digest", "Done", "Public", "someday", "Why"])  # E16
    ideas = [["ID", "Title", "Initiative"], ["IDEA-1", "Weekly digest", "INIT-99"]]
    return write_workbook(path, {"Initiatives": rows, "Ideas": ideas})


@pytest.fixture
def mistakes(tmp_path: Path, fake: FakeGoogle) -> Path:
    workbook = _workbook_with_mistakes(tmp_path / "mistakes.xlsx")
    sheet = spreadsheet_from_xlsx(workbook, key=KEY, title="Mistakes", shared_with={EMAIL})
    fake.add(sheet)
    return workbook


def test_the_text_report_links_each_cell_in_the_browser(tmp_path: Path, mistakes: Path, env: dict[str, str]) -> None:
    result = run_sheetmap("validate", URL, cwd=tmp_path, env=env)

    assert result.returncode == 1, result.stderr
    base = f"https://docs.google.com/spreadsheets/d/{KEY}/edit"
    gid = 1_000_000_007 % 2_147_483_647  # the second tab's id in the stand-in
    lines = result.stdout.splitlines()
    c14 = next(n for n, line in enumerate(lines) if line.strip().startswith("C14"))
    assert "Nwo" in lines[c14]
    opens = [line.strip() for line in lines[c14:] if line.strip().startswith("Open:")]
    assert opens[0] == f"Open: {base}#gid=0&range=C14"
    assert f"Open: {base}#gid=0&range=E16" in result.stdout
    assert f"Open: {base}#gid={gid}&range=C2" in result.stdout  # IDEA-1's unknown initiative
    assert "Sheet 'Initiatives' in https://docs.google.com/spreadsheets/d/" in result.stdout


def test_a_google_sheet_and_its_xlsx_get_the_same_report(tmp_path: Path, mistakes: Path, env: dict[str, str]) -> None:
    google = run_sheetmap("validate", URL, "--format", "json", cwd=tmp_path, env=env)
    xlsx = run_sheetmap("validate", mistakes, "--format", "json", cwd=tmp_path, env=env)

    assert google.returncode == xlsx.returncode == 1, google.stderr + xlsx.stderr
    google_report, xlsx_report = json.loads(google.stdout), json.loads(xlsx.stdout)
    assert google_report["errors"] >= 3
    for problem in google_report["problems"]:
        assert problem.pop("source") == URL
        url = problem.pop("url", None)
        assert url is None or url.endswith(f"&range={problem['cell']}")
    for problem in xlsx_report["problems"]:
        assert problem.pop("source") == str(mistakes)
        assert "url" not in problem
    assert google_report == xlsx_report
    codes = {(p["cell"], p["code"]) for p in google_report["problems"]}
    assert {("C14", "invalid-choice"), ("E16", "invalid-date"), ("C2", "unknown-reference")} <= codes


def test_github_annotations_carry_the_link(tmp_path: Path, mistakes: Path, env: dict[str, str]) -> None:
    result = run_sheetmap("validate", URL, "--format", "github", cwd=tmp_path, env=env)

    assert result.returncode == 1
    (c14,) = [line for line in result.stdout.splitlines() if line.startswith("::error") and "Initiatives!C14" in line]
    assert c14.endswith(f"Open: https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=0&range=C14")
    assert "file=" not in c14  # a URL is no file in the repository


# --------------------------------------------------------------------------- MkDocs


def _mkdocs_site(folder: Path, source: str, options: str = "") -> Path:
    (folder / "docs").mkdir(parents=True, exist_ok=True)
    (folder / "docs" / "index.md").write_text("# Handbook\n", encoding="utf-8")
    plugin = f"  - sheetmap:\n      source: '{source}'\n{options}"
    (folder / "mkdocs.yml").write_text(f"site_name: Handbook\nplugins:\n{plugin}", encoding="utf-8")
    return folder


def _mkdocs_build(folder: Path, env: dict[str, str]) -> dict[str, bytes]:
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", "site"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env={**os.environ, **env},
    )
    assert done.returncode == 0, done.stderr
    # MkDocs stamps its own build time into the home page; everything else must match byte for byte.
    return {
        name: re.sub(rb"Build Date UTC : [^-]+-[^-]+-[^ ]+ [^ ]+", b"", data)
        for name, data in tree_bytes(folder / "site").items()
    }


@pytest.mark.parametrize("form", ["url", "key"])
def test_the_mkdocs_plugin_reads_a_google_sheet(
    form: str, tmp_path: Path, fake: FakeGoogle, env: dict[str, str]
) -> None:
    fake.add(spreadsheet_from_xlsx(SAMPLE, key=KEY, title="Larkspur", shared_with={EMAIL}))
    google = _mkdocs_build(_mkdocs_site(tmp_path / "google", URL if form == "url" else KEY), env)
    xlsx = _mkdocs_build(_mkdocs_site(tmp_path / "xlsx", str(SAMPLE)), env)

    assert fake.count("values") == 1
    assert any(name.startswith("roadmap/") for name in google)
    assert google == xlsx


def test_the_mkdocs_plugin_keeps_a_snapshot_and_builds_offline(
    tmp_path: Path, fake: FakeGoogle, env: dict[str, str]
) -> None:
    fake.add(spreadsheet_from_xlsx(SAMPLE, key=KEY, title="Larkspur", shared_with={EMAIL}))
    site = _mkdocs_site(tmp_path / "handbook", URL)
    (site / "sheetmap.yml").write_text("snapshot: .sheetmap-snapshot\n", encoding="utf-8")
    online = _mkdocs_build(site, env)
    assert (site / ".sheetmap-snapshot" / f"{KEY}.json").is_file()

    _mkdocs_site(site, URL, "      offline: !ENV [ROADMAP_OFFLINE, false]\n")
    no_google = {
        "SHEETMAP_GOOGLE_CREDENTIALS": "",
        "SHEETMAP_GOOGLE_API": "http://127.0.0.1:9",
        "ROADMAP_OFFLINE": "true",
    }
    offline = _mkdocs_build(site, no_google)

    assert fake.count("token", "metadata", "values") == 3  # the online build only
    assert offline == online
