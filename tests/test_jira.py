"""A Jira "Export all fields" CSV as the Tasks sheet, with no editing.

`tests/data/jira/Jira.csv` has the shape Jira Cloud writes: fifty columns,
a BOM, CRLF line ends, repeated Labels, Watchers, Comment and Sprint
columns (an issue carried over from Sprint 12 lists both sprints), both
story point fields, Jira's `25/Oct/25 12:53 PM` dates, its workflow
statuses, an Epic and a Sub-task, multi-line descriptions with quotes.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import run_sheetmap, tree_bytes, write_workbook
from test_sprints import Page, broken_links, page

JIRA = Path(__file__).parent / "data" / "jira" / "Jira.csv"


def product_book(folder: Path) -> Path:
    """The product backlog the Jira issues serve (through the 'Product idea' custom field)."""
    return write_workbook(
        folder / "product.xlsx",
        {
            "Initiatives": [
                ["ID", "Title", "Horizon", "Problem", "Description", "Visibility"],
                [
                    "INIT-1",
                    "Warehouse setup takes days, not minutes",
                    "Now",
                    "Admins give up",
                    "A guided setup",
                    "Public",
                ],
                ["INIT-2", "Failed card payments cancel subscriptions", "Next", "Churn", "Smart retries", "Internal"],
            ],
            "Ideas": [
                ["ID", "Title", "Initiative", "Stage", "Visibility"],
                ["IDEA-7", "Guided BigQuery setup", "INIT-1", "In development", "Public"],
                ["IDEA-8", "Connection test per role", "INIT-1", "Ready", "Public"],
                ["IDEA-10", "Retry declined payments on a smart schedule", "INIT-2", "In development", "Internal"],
                ["IDEA-12", "Grace period before downgrade", "INIT-2", "Discovering", "Internal"],
            ],
        },
    )


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("jira")
    product_book(folder)
    shutil.copy(JIRA, folder / "Jira.csv")
    return folder


@pytest.fixture(scope="module")
def internal(work: Path) -> Path:
    result = run_sheetmap("build", "product.xlsx", "Jira.csv", "--audience", "internal", "--out", "internal", cwd=work)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return work / "internal"


def test_the_export_validates_with_only_warnings_and_notices(work: Path) -> None:
    result = run_sheetmap("validate", "product.xlsx", "Jira.csv", "--format", "json", cwd=work)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["errors"] == 0
    jira = [p for p in report["problems"] if p["sheet"] == "Jira"]
    assert {p["code"] for p in jira} == {"unknown-column", "task-without-estimate"}
    # the Sub-task has neither story point field: the warning points at the last of them, on its row
    (estimate,) = [p for p in jira if p["code"] == "task-without-estimate"]
    assert (estimate["cell"], estimate["row"], estimate["severity"]) == ("AN10", 10, "warning")
    assert "LUM-9" in estimate["message"]
    ignored = {p["column"] for p in jira if p["code"] == "unknown-column"}
    # Parent holds the parent's numeric Issue id, not an idea ID, so it is not read (docs/sprints.md)
    assert {"Parent", "Issue Type", "Issue id", "Status Category"} <= ignored
    assert not {"Issue key", "Summary", "Sprint", "Status", "Assignee", "Resolved"} & ignored


def test_sprints_come_from_the_issues(internal: Path) -> None:
    assert sorted(p.name for p in (internal / "sprints").glob("*.html")) == [
        "index.html",
        "lum-sprint-12.html",
        "lum-sprint-13.html",
        "lum-sprint-14.html",
        "unplanned.html",
    ]
    text = page(internal, "sprints/index.html").text
    assert "Figures as of 25 Oct 2025" in text  # LUM-8, Resolved 25/Oct/25 12:53 PM
    current = text[text.index("Current") : text.index("Velocity")]
    assert "LUM Sprint 13" in current and "Points done 8 of 15" in current and "Tasks done 2 of 5" in current
    assert re.search(r"Upcoming .*LUM Sprint 14", text) and re.search(r"Past .*LUM Sprint 12 7–16 Oct 2025", text)
    assert broken_links(internal) == []


def test_carried_over_issue_counts_in_its_last_sprint(internal: Path) -> None:
    twelve = page(internal, "sprints/lum-sprint-12.html").text
    thirteen = page(internal, "sprints/lum-sprint-13.html").text
    assert "LUM-7" not in twelve
    in_progress = thirteen[thirteen.index("In progress 1") : thirteen.index("In review 1")]
    assert "LUM-7 5 pts Dunning emails for each retry" in in_progress and "Grace Liu" in in_progress


def test_statuses_points_and_dates_map_from_jira(internal: Path) -> None:
    twelve = page(internal, "sprints/lum-sprint-12.html").text
    # Story point estimate (LUM-2) and the older Story Points field (LUM-4) both count
    assert "LUM-2 5 pts Connection wizard: choose a warehouse" in twelve
    assert "LUM-4 2 pts Fix: wizard loses state on refresh" in twelve
    assert "Zoë Müller Done 7 Oct" in twelve
    assert "Committed 18 pts Done 18 pts Completion 100% Tasks done 4 of 4" in twelve
    thirteen = page(internal, "sprints/lum-sprint-13.html").text
    board = thirteen[thirteen.index("Board") :]
    assert re.search(r"To do 1 2 pts LUM-10 .* In progress 1 5 pts LUM-7 .* In review 1 0 pts LUM-9 ", board)
    assert "LUM-8 3 pts Copyable commands for the service account" in board and "Done 25 Oct" in board
    assert "1 task without an estimate (LUM-9)" in thirteen
    assert "no Start and End dates, so the burndown runs from the first to the last Done-on date" in thirteen


def test_burndown_of_a_sprint_dated_by_its_issues(internal: Path) -> None:
    html_text = (internal / "sprints/lum-sprint-12.html").read_text(encoding="utf-8")
    rows = re.findall(
        r'<time datetime="([\d-]+)">[^<]*</time></th><td class="num">([^<]*)</td><td class="num">([^<]*)</td>',
        html_text,
    )
    # 18 points from 7 to 16 Oct: 5 done on the 7th, 3 on the 9th, 2 on the 13th, 8 on the 16th
    assert [(day[-5:], remaining) for day, _, remaining in rows] == [
        ("10-07", "13"),
        ("10-08", "13"),
        ("10-09", "10"),
        ("10-10", "10"),
        ("10-11", "10"),
        ("10-12", "10"),
        ("10-13", "8"),
        ("10-14", "8"),
        ("10-15", "8"),
        ("10-16", "0"),
    ]
    assert [ideal for _, ideal, _ in rows][:3] == ["18", "16", "14"]


def test_issues_outside_any_sprint_are_unplanned(internal: Path) -> None:
    text = page(internal, "sprints/unplanned.html").text
    assert "LUM-1" in text and "Guided warehouse setup" in text  # the Epic
    assert "LUM-13" in text and "Spike: Snowflake key-pair auth" in text and "Unassigned" in text


def test_an_alias_links_issues_to_the_product_backlog(work: Path) -> None:
    folder = work / "linked"
    folder.mkdir()
    product_book(folder)
    shutil.copy(JIRA, folder / "Jira.csv")
    (folder / "sheetmap.yml").write_text(
        "sources: [product.xlsx, Jira.csv]\naliases:\n  Tasks:\n    Item: ['Custom field (Product idea)']\n",
        encoding="utf-8",
    )
    result = run_sheetmap("build", "--audience", "internal", "--out", "site", cwd=folder)
    assert result.returncode == 0, result.stderr
    site = folder / "site"
    sprint = page(site, "sprints/lum-sprint-13.html")
    assert "../initiatives/init-1.html#idea-idea-7" in sprint.links
    assert "Serves Guided BigQuery setup › , part of Warehouse setup takes days, not minutes" in sprint.text
    init = page(site, "initiatives/init-1.html").text
    # IDEA-7: LUM-2, 3, 6, 8 done (16 points) of LUM-2, 3, 6, 8, 9, 10 (18 points); IDEA-8: LUM-12
    assert "Tasks done 4 of 7 Points done 16 of 23 Sprints LUM Sprint 12, LUM Sprint 13, LUM Sprint 14" in init
    assert broken_links(site) == []


def test_status_synonyms_are_configurable(work: Path) -> None:
    folder = work / "synonyms"
    folder.mkdir()
    product_book(folder)
    text = JIRA.read_text(encoding="utf-8-sig").replace(",In Review,", ",Peer Review,")
    (folder / "Jira.csv").write_text(text, encoding="utf-8")
    failed = run_sheetmap("validate", "product.xlsx", "Jira.csv", "--format", "json", cwd=folder)
    assert failed.returncode == 1
    (problem,) = [p for p in json.loads(failed.stdout)["problems"] if p["severity"] == "error"]
    assert (problem["code"], problem["cell"], problem["value"]) == ("invalid-choice", "E10", "Peer Review")
    (folder / "sheetmap.yml").write_text("synonyms:\n  status:\n    Peer Review: In review\n", encoding="utf-8")
    result = run_sheetmap("build", "product.xlsx", "Jira.csv", "--audience", "internal", "--out", "site", cwd=folder)
    assert result.returncode == 0, result.stderr
    assert "In review 1 0 pts LUM-9" in page(folder / "site", "sprints/lum-sprint-13.html").text


def test_any_csv_name_is_matched_by_its_headers(work: Path, internal: Path) -> None:
    folder = work / "renamed"
    folder.mkdir()
    product_book(folder)
    shutil.copy(JIRA, folder / "export-2025-10-25.csv")
    result = run_sheetmap(
        "build", "product.xlsx", "export-2025-10-25.csv", "--audience", "internal", "--out", "site", cwd=folder
    )
    assert result.returncode == 0, result.stderr
    assert tree_bytes(folder / "site" / "sprints") == tree_bytes(internal / "sprints")


def test_public_build_from_jira_shows_nothing_of_it(work: Path) -> None:
    result = run_sheetmap("build", "product.xlsx", "Jira.csv", "--audience", "public", "--out", "public", cwd=work)
    assert result.returncode == 0, result.stderr
    site = work / "public"
    assert not (site / "sprints").exists()
    for name, data in tree_bytes(site).items():
        text = data.decode("utf-8", errors="replace")
        assert not re.search(r"LUM-\d|LUM Sprint|Zoë|Okafor|Dunning", text), name
    assert "Warehouse setup takes days, not minutes" in Page((site / "index.html").read_text(encoding="utf-8")).text
