"""Commands import only what they use (issue 9, goal 5): validating an .xlsx needs no Google client and no openpyxl."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Runs the real command in this process, then lists the top-level modules it imported.
SCRIPT = """
import json, runpy, sys
sys.argv = ["sheetmap", *sys.argv[1:]]
try:
    runpy.run_module("sheetmap", run_name="__main__")
except SystemExit as exc:
    code = exc.code
else:
    code = 0
sys.stdout.flush()
print("MODULES=" + json.dumps(sorted({name.partition(".")[0] for name in sys.modules})))
print("CODE=" + json.dumps(code))
"""

HEAVY_FOR_VALIDATE = ("google", "gspread", "requests", "urllib3", "openpyxl", "jinja2")


def imported(cwd: Path, *args: str) -> tuple[set[str], object, str]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )
    lines = done.stdout.splitlines()
    modules = json.loads(next(line for line in lines if line.startswith("MODULES="))[len("MODULES=") :])
    code = json.loads(next(line for line in lines if line.startswith("CODE=")).partition("=")[2])
    return set(modules), code, done.stdout + done.stderr


def test_validate_of_an_xlsx_imports_no_google_client_no_openpyxl_and_no_jinja(tmp_path: Path) -> None:
    shutil.copy(ROOT / "sample_sheets" / "acme-roadmap.xlsx", tmp_path / "roadmap.xlsx")
    modules, code, output = imported(tmp_path, "validate", "roadmap.xlsx")
    assert code in (0, None), output
    assert "roadmap.xlsx" in output  # it really read and checked the workbook...
    assert "python_calamine" in modules  # ...with the fast reader
    assert not modules & set(HEAVY_FOR_VALIDATE), sorted(modules & set(HEAVY_FOR_VALIDATE))


def test_a_google_sheets_address_is_recognised_without_the_google_client(tmp_path: Path) -> None:
    url = "https://docs.google.com/spreadsheets/d/" + "k" * 44 + "/edit"
    script = (
        "import sys; from sheetmap.sources.google_urls import is_google_source as ok;"
        f"print(ok({url!r}), ok('roadmap.xlsx'), 'google' in sys.modules, 'gspread' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "False", "False", "False"]
    # The reader still offers the same functions, for code that imported them from there.
    from sheetmap.sources import google_urls, gsheets

    assert gsheets.is_google_source is google_urls.is_google_source
    assert gsheets.CellLink is google_urls.CellLink
