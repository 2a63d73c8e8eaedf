"""Take the documentation's pictures again from the sample roadmap.

    .venv/bin/python docs/screenshots.py

Uses Debian's Chromium through Playwright. Writes docs/img/*.png, each
under 200 KB. The pictures are committed; run this after a change that
shows (a template, the stylesheet, the sample workbook).
"""

from __future__ import annotations

import html
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter
from playwright.sync_api import Page, sync_playwright

REPO = Path(__file__).resolve().parent.parent
IMG = REPO / "docs" / "img"
SAMPLE = REPO / "sample_sheets" / "acme-roadmap.xlsx"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LIMIT = 200_000


def workbook_html(path: Path, sheet: str, columns: int, rows: int) -> str:
    """The top-left corner of a tab, drawn like a spreadsheet app: letters, row numbers, tabs."""
    wb = openpyxl.load_workbook(path, read_only=True)
    ws = wb[sheet]
    widths = [70, 260, 80, 130, 150, 100, 320][:columns]
    head = "".join(f"<th style='width:{w}px'>{get_column_letter(i + 1)}</th>" for i, w in enumerate(widths))
    body = []
    for number, row in enumerate(ws.iter_rows(min_row=1, max_row=rows, max_col=columns, values_only=True), 1):
        cells = "".join(f"<td>{html.escape(str(v).splitlines()[0]) if v is not None else ''}</td>" for v in row)
        body.append(f"<tr class='r{number}'><th>{number}</th>{cells}</tr>")
    tabs = "".join(f"<span class='{'on' if n == sheet else ''}'>{html.escape(n)}</span>" for n in wb.sheetnames)
    wb.close()
    return f"""<!doctype html><meta charset="utf-8"><style>
      body {{ margin: 0; font: 13px Arial, sans-serif; background: #fff; }}
      table {{ border-collapse: collapse; table-layout: fixed; }}
      th, td {{ border: 1px solid #d4d4d4; height: 22px; padding: 0 5px; white-space: nowrap; overflow: hidden;
               text-overflow: clip; }}
      thead th, tbody th {{ background: #f1f3f4; color: #555; font-weight: normal; text-align: center; }}
      tbody th {{ width: 34px; }}
      tr.r1 td {{ font-weight: bold; background: #e8f0fe; }}
      .tabs {{ background: #f1f3f4; border-top: 1px solid #ccc; padding: 4px 0 6px 40px; }}
      .tabs span {{ display: inline-block; padding: 4px 12px; color: #444; }}
      .tabs span.on {{ background: #fff; color: #188038; font-weight: bold; border-bottom: 3px solid #188038; }}
    </style><table><thead><tr><th style="width:34px"></th>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>
    <div class="tabs">{tabs}</div>"""


def shoot(page: Page, url: str, out: Path, width: int, height: int, *, selector: str | None = None) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.goto(url)
    page.wait_for_load_state("networkidle")
    if selector:
        page.locator(selector).first.screenshot(path=str(out))
    else:
        page.screenshot(path=str(out))
    size = out.stat().st_size
    print(f"{out.relative_to(REPO)}: {size // 1000} KB")
    if size > LIMIT:
        raise SystemExit(f"{out} is {size} bytes; make the picture smaller (limit {LIMIT}).")


def main() -> None:
    IMG.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        site = work / "site"
        sheetmap = [sys.executable, "-m", "sheetmap"]
        subprocess.run([*sheetmap, "build", "--config", REPO / "sheetmap.yml", "--out", site], check=True)

        (work / "workbook.html").write_text(workbook_html(SAMPLE, "Initiatives", 7, 8), encoding="utf-8")

        # A copy of the sample with one mistake, for the error page of `sheetmap serve`.
        from sheetmap.serve import Target, build

        broken = work / "roadmap.xlsx"
        wb = openpyxl.load_workbook(SAMPLE)
        wb["Initiatives"]["C3"] = "Nwo"
        wb["Ideas"]["C4"] = "INIT-99"
        wb.save(broken)
        # Built from inside the folder, so the page names the workbook as a PM would see it.
        here = Path.cwd()
        os.chdir(work)
        try:
            outcome = build(Target(("roadmap.xlsx",), None, "public"), [])
        finally:
            os.chdir(here)
        assert outcome.error_page is not None
        (work / "error.html").write_bytes(outcome.error_page)

        docs_site = work / "docs-site"
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "--site-dir", docs_site], cwd=REPO, check=True)

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(color_scheme="light")
            shoot(page, (work / "workbook.html").as_uri(), IMG / "workbook.png", 1000, 250, selector="body")
            shoot(page, (site / "index.html").as_uri(), IMG / "board.png", 1200, 760)
            shoot(page, (site / "initiatives" / "init-1.html").as_uri(), IMG / "initiative.png", 1000, 760)
            shoot(page, (work / "error.html").as_uri(), IMG / "serve-error.png", 1000, 560)
            shoot(page, (docs_site / "roadmap" / "index.html").as_uri(), IMG / "mkdocs-plugin.png", 1200, 760)
            browser.close()


if __name__ == "__main__":
    main()
