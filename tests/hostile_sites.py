"""The hostile workbook built into real sites, once per test session.

Building every payload into every column takes a few seconds per audience, and
test_xss.py, test_csp.py and the browser test all read the same output, so
the first module to ask builds it under pytest's session temp folder and the
others reuse it.

Also built: a *control*, the same workbook and config shape with harmless
text, whose pages show which elements and attributes the templates produce
on their own; anything more in the hostile build came from a cell.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from hostile_workbook import hostile_config, hostile_workbook
from sheetmap.config import load_config
from sheetmap.pipeline import build
from xss_payloads import payloads

AUDIENCES = ("public", "internal")
#: Enough harmless rows to cycle through every choice of every column (stages: 8, statuses: 5…).
CONTROL_ROWS = 40


@dataclass(frozen=True)
class Sites:
    workbook: Path
    config: Path
    #: audience -> output folder
    hostile: dict[str, Path]
    control: dict[str, Path]
    #: problem code -> count, from validating the hostile workbook
    problems: Counter[str]
    #: the MkDocs site built with the plugin from the hostile workbook, when the plugin exists
    mkdocs: Path | None = None
    mkdocs_control: Path | None = None


_BUILT: dict[Path, Sites] = {}


def hostile_sites(factory: pytest.TempPathFactory) -> Sites:
    base = factory.getbasetemp()
    if base not in _BUILT:
        _BUILT[base] = _build(base / "hostile-sites")
    return _BUILT[base]


def _build(root: Path) -> Sites:
    hostile = _build_one(root / "hostile", list(payloads()))
    control = _build_one(root / "control", [f"Plain words {n}" for n in range(CONTROL_ROWS)])
    return Sites(
        workbook=hostile[0],
        config=hostile[1],
        hostile=hostile[2],
        control=control[2],
        problems=hostile[3],
        mkdocs=_mkdocs(root / "mkdocs-hostile", hostile[0], hostile[1]),
        mkdocs_control=_mkdocs(root / "mkdocs-control", control[0], control[1]),
    )


def _build_one(folder: Path, texts: list[str]) -> tuple[Path, Path, dict[str, Path], Counter[str]]:
    folder.mkdir(parents=True)
    workbook = hostile_workbook(folder / "roadmap.xlsx", texts)
    config_path = hostile_config(folder, texts)
    config = load_config(config_path)
    outs: dict[str, Path] = {}
    problems: Counter[str] = Counter()
    for audience in AUDIENCES:
        out = folder / f"site-{audience}"
        result = build([str(workbook)], config, audience=audience, out=out)
        errors = [p for p in result.report if p.severity == "error"]
        assert result.written and not errors, errors[:5]
        problems = Counter(p.code for p in result.report)
        outs[audience] = out
    return workbook, config_path, outs, problems


def mkdocs_available() -> bool:
    try:
        from importlib.metadata import entry_points

        return any(ep.name == "sheetmap" for ep in entry_points(group="mkdocs.plugins"))
    except Exception:  # pragma: no cover - metadata unreadable: treat as absent
        return False


def _mkdocs(folder: Path, workbook: Path, config: Path) -> Path | None:
    """An MkDocs site with the plugin: the roadmap pages as MkDocs renders them (internal audience)."""
    if not mkdocs_available():
        return None
    docs = folder / "docs"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text("# Handbook\n\nHow we work.\n", encoding="utf-8")
    (folder / "mkdocs.yml").write_text(
        "site_name: Handbook\nplugins:\n  - sheetmap:\n"
        f"      source: {str(workbook)!r}\n      audience: internal\n      config: {str(config)!r}\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--site-dir", "site"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return folder / "site"
