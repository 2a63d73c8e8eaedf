"""The docs keep up with the code: every problem code and every setting is documented, truthfully."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from code_cases import CASES
from conftest import write_workbook
from sheetmap.config import KNOWN_KEYS, Config
from sheetmap.pipeline import load
from sheetmap.report import DEFAULT_SEVERITY

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _sections(path: Path) -> dict[str, str]:
    """`### \\`name\\`` heading -> the text up to the next heading."""
    text = path.read_text(encoding="utf-8")
    parts = re.split(r"^### `([^`]+)`\s*$", text, flags=re.MULTILINE)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


CODES = _sections(DOCS / "validation.md")
SETTINGS = _sections(DOCS / "configuration.md")


def test_every_code_has_a_section_and_every_section_a_code() -> None:
    assert sorted(set(DEFAULT_SEVERITY) - set(CODES)) == [], "codes without documentation"
    assert sorted(set(CODES) - set(DEFAULT_SEVERITY)) == [], "documentation of codes that do not exist"


@pytest.mark.parametrize("code", sorted(DEFAULT_SEVERITY))
def test_each_section_gives_severity_meaning_example_and_fix(code: str) -> None:
    section = CODES.get(code, "")
    assert section.lstrip().startswith(f"**{DEFAULT_SEVERITY[code].capitalize()}.**"), code
    assert "```text" in section and f"[{code}]" in section, f"{code}: no example message"
    assert "**Fix:**" in section, f"{code}: no fix"


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_example_is_what_sheetmap_really_prints(tmp_path: Path, code: str, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_workbook(tmp_path / "roadmap.xlsx", CASES[code].sheets)
    problems = [p for p in load(["roadmap.xlsx"], Config()).report.problems if p.code == code]
    assert problems
    example = CODES[code]
    for problem in problems:
        assert f"{problem.message} [{code}]" in example, f"{code}: the example message is out of date"
        assert f"Fix: {problem.fix}" in example, f"{code}: the example fix is out of date"
        place = problem.cell or (f"row {problem.row}" if problem.row else "—")
        assert re.search(rf"^  {re.escape(place)} +{problem.severity} ", example, re.MULTILINE), code


def test_every_setting_is_documented() -> None:
    assert sorted(set(KNOWN_KEYS) - set(SETTINGS)) == [], "settings without documentation"
    assert sorted(set(SETTINGS) - set(KNOWN_KEYS)) == [], "documentation of settings that do not exist"
    for key, section in SETTINGS.items():
        assert len(section.split()) >= 8, f"{key}: say what it does"
