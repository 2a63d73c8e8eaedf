"""A workbook that looks like a real team's, with mistakes planted in it.

Title rows above the headers, a 'ROADMAP' tab, the team's own header names
(aliases), styling, a merged title and a tab sheetmap does not read. Every
planted mistake must come back from `sheetmap validate --format json` with
its code and exact cell, and nothing else may.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
from openpyxl.styles import Font, PatternFill

from conftest import run_sheetmap

D = dt.datetime
NAME = "team-roadmap.xlsx"


def _team_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "ROADMAP"
    ws.append(["Payments team — roadmap FY26"])
    ws.merge_cells("A1:H1")
    ws["A1"].font = Font(bold=True, size=16)
    ws.append(["Owned by Sam. Status: Now / Next / Later / Done. Ask before marking anything Public!"])
    ws.append(["Key", "Initiative", "Status", "Product area", "OKR", "Why", "What", "Audience", "Ownr", "Shipped"])
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FFF2CC")
    rows = [
        # row 4: clean
        ["PAY-1", "Checkout fails for cards that need 3-D Secure", "Now", "Payments", "OKR-1",
         "12% of EU card payments fail the bank's check.", "A new 3DS2 flow.", "Public", "Sam", None],
        # row 5: horizon typo
        ["PAY-2", "Refunds take a week to reach customers", "Nwo", "Payments", "OKR-1",
         "Refund tickets are 30% of support volume.", "Instant refunds.", "Public", "Ana", None],
        # row 6: objective that does not exist
        ["PAY-3", "Finance can't reconcile payouts", "Next", "Payments", "OKR-9", "", "", "Internal", "Ana", None],
        # row 7: a copied row kept its key
        ["PAY-2", "Customers can't pay by bank transfer", "Later", "Payments", "", "", "", "Internal", "", None],
        # row 8: a date written in words
        ["PAY-4", "Failed payments went unnoticed", "Done", "Payments", "OKR-1", "", "", "Public", "", "last week"],
        # row 9: HTML pasted from a web page
        ["PAY-5", "Disputes are handled in spreadsheets", "Next", "Risk", "OKR-1",
         'Chargebacks <img src="x" onerror="alert(1)"> cost us 2% of revenue.', "", "Internal", "", None],
        # row 10: no title
        ["PAY-6", None, "Later", "Payments", "", "", "", "Internal", "", None],
        # row 11: a public card pointing at an internal objective
        ["PAY-7", "Payouts arrive on different days", "Later", "Payments", "OKR-2", "", "", "Public", "", None],
        # row 12: clean, done with a real date
        ["PAY-8", "Receipts were missing the VAT number", "Done", "Payments", "", "", "", "Public", "", D(2026, 2, 3)],
    ]  # fmt: skip
    for row in rows:
        ws.append(row)
    ws.freeze_panes = "A4"
    ws.column_dimensions["B"].width = 48

    okrs = wb.create_sheet("OKRs")
    okrs.append(["ID", "Title", "Audience"])
    okrs.append(["OKR-1", "Grow paid conversion", "Public"])
    okrs.append(["OKR-2", "Cut the cost to serve", "Internal"])

    exp = wb.create_sheet("Experiments")
    exp.append(["Key", "Idea", "Parent", "Status", "Result", "Size"])
    exp.append(["EXP-1", "One-click 3DS challenge", "PAY-1", "Validating", "", "M"])  # row 2: clean
    exp.append(["EXP-2", "Refund to the original card", "PAY-2", "Prototyping", "", "XXL"])  # row 3: effort
    exp.append(["EXP-3", "Remind customers before the card expires", "PAY-1", "Succesful", "+4%", "S"])  # row 4
    exp.append(["EXP-4", "Show payout calendar", "PAY-22", "Discovering", "", "S"])  # row 5: unknown parent

    areas = wb.create_sheet("Product areas")
    areas.append(["Name", "Colour", "Description"])
    areas.append(["Payments", "#1f7a8c", "Taking money"])
    areas.append(["Risk", "#12345", "Fraud and disputes"])  # row 3: a digit short

    wb.create_sheet("Archive").append(["Old stuff we no longer track"])

    sprints = wb.create_sheet("Sprints")
    sprints.append(["Sprint", "Start", "End", "Goal"])
    sprints.append(["Sprint 7", D(2026, 3, 2), D(2026, 3, 13), "3DS2 in beta"])
    sprints.append(["Sprint 8", D(2026, 3, 30), D(2026, 3, 16), "Instant refunds"])  # row 3: end before start

    backlog = wb.create_sheet("Sprint backlog")
    backlog.append(["Issue key", "Summary", "Sprint", "Story points", "Status"])
    backlog.append(["PAY-101", "3DS2 SDK upgrade", "Sprint 7", -3, "Done"])  # row 2: negative estimate
    backlog.append(["PAY-102", "Refund API", "Sprint 8", "=SUM(B2:B3)", "In progress"])  # row 3: formula only
    backlog.append(["PAY-103", "Refund emails", "Sprint 8", 2, "To do"])
    wb.save(path)
    return path


PLANTED = [
    # (code, sheet, cell, words the message must contain)
    ("unknown-column", "ROADMAP", "I3", "Did you mean 'Owner'?"),
    ("invalid-choice", "ROADMAP", "C5", "'Nwo' is not one of Now, Next, Later, Done. Did you mean 'Now'?"),
    ("unknown-reference", "ROADMAP", "E6", "'OKR-9'"),
    ("duplicate-id", "ROADMAP", "A7", "'PAY-2' is used twice: also at ROADMAP!A5"),
    ("invalid-date", "ROADMAP", "J8", "'last week' is not a date"),
    ("unsafe-content", "ROADMAP", "F9", "onerror"),
    ("missing-value", "ROADMAP", "B10", "is empty"),
    ("public-links-internal", "ROADMAP", "E11", "OKR-2"),
    ("invalid-choice", "Experiments", "F3", "'XXL' is not one of XS, S, M, L, XL. Did you mean 'XL'?"),
    ("invalid-choice", "Experiments", "D4", "Did you mean 'Successful'?"),
    ("unknown-reference", "Experiments", "C5", "'PAY-22'"),
    ("invalid-color", "Product areas", "B3", "'#12345'"),
    ("sprint-dates", "Sprints", "C3", "Sprint 8 ends on 2026-03-16, before it starts on 2026-03-30"),
    ("invalid-number", "Sprint backlog", "D2", "-3"),
    ("formula-without-value", "Sprint backlog", "D3", "=SUM(B2:B3)"),
]


def test_every_planted_mistake_is_reported_at_its_cell_and_nothing_else(tmp_path: Path) -> None:
    _team_workbook(tmp_path / NAME)
    result = run_sheetmap("validate", NAME, "--format", "json", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    found = [(p["code"], p["sheet"], p["cell"]) for p in report["problems"]]
    assert found == [(code, sheet, cell) for code, sheet, cell, _ in PLANTED]
    for problem, (_, _, _, words) in zip(report["problems"], PLANTED, strict=True):
        assert words in problem["message"], problem
        assert problem["fix"], problem
        assert problem["source"] == NAME
        assert problem["row"] == int(problem["cell"].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    assert (report["errors"], report["warnings"], report["notices"]) == (12, 2, 1)


def test_the_text_report_reads_top_to_bottom_like_the_workbook(tmp_path: Path) -> None:
    _team_workbook(tmp_path / NAME)
    result = run_sheetmap("validate", NAME, cwd=tmp_path)
    assert result.returncode == 1
    headings = [line for line in result.stdout.splitlines() if line.startswith("Sheet ")]
    assert headings == [
        f"Sheet 'ROADMAP' in {NAME}",
        f"Sheet 'Experiments' in {NAME}",
        f"Sheet 'Product areas' in {NAME}",
        f"Sheet 'Sprints' in {NAME}",
        f"Sheet 'Sprint backlog' in {NAME}",
    ]
    cells = [line.split()[0] for line in result.stdout.splitlines() if line[:2] == "  " and line[2:3].isalpha()]
    assert cells == [cell for _, _, cell, _ in PLANTED]
    assert result.stdout.count("Fix: ") == len(PLANTED)
    assert result.stdout.rstrip().splitlines()[-1] == f"12 errors, 2 warnings, 1 notice in {NAME}"
