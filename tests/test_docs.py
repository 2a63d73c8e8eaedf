"""The project's documentation: it builds with `mkdocs build --strict`, shows the sample through the
plugin (publicly), and its reference pages say what the code does."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import click
import pytest

from conftest import tree_bytes
from sheetmap.cli import main
from sheetmap.config import Config
from sheetmap.pipeline import load
from sheetmap.schema import SHEETS

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_reference", DOCS / "gen_reference.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def docs_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docs") / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return out


def test_the_docs_build_strict_with_the_sample_roadmap_from_the_plugin(docs_site: Path) -> None:
    for page in ("getting-started", "workbook", "cli", "mkdocs-plugin"):
        assert (docs_site / page / "index.html").is_file(), page
    board = (docs_site / "roadmap" / "index.html").read_text(encoding="utf-8")
    assert "Larkspur Analytics roadmap" in board and 'class="sheetmap sheetmap-board"' in board
    assert (docs_site / "roadmap" / "initiatives" / "init-1" / "index.html").is_file()


def test_the_docs_show_only_the_public_sample(docs_site: Path) -> None:
    full = load([str(REPO / "sample_sheets" / "acme-roadmap.xlsx")], Config()).roadmap
    internal = [i.title for i in full.initiatives if i.visibility != "Public"]
    internal += [f.customer for f in full.feedback if f.customer] + [t.title for t in full.tasks]
    assert internal
    for name, data in tree_bytes(docs_site).items():
        text = data.decode("utf-8", errors="replace")
        for secret in internal:
            assert secret.replace("'", "&#39;") not in text and secret not in text, f"{secret!r} in {name}"


def test_the_generated_reference_is_up_to_date() -> None:
    assert generator().outdated() == [], "run: .venv/bin/python docs/gen_reference.py"


def test_the_workbook_reference_names_every_sheet_column_and_alias() -> None:
    text = (DOCS / "workbook.md").read_text(encoding="utf-8")
    for sheet in SHEETS:
        assert f"### {sheet.name}" in text
        for alias in sheet.aliases:
            assert f"*{alias}*" in text, alias
        for column in sheet.columns:
            row = re.search(rf"^\| \*\*{re.escape(column.name)}\*\* \|([^|]*)\|", text, re.M)
            assert row, f"{sheet.name}: {column.name}"
            for alias in column.aliases:
                assert alias in text, f"{sheet.name}: {column.name} alias {alias}"
            for choice in column.choices:
                assert f"`{choice}`" in text, choice


def test_the_cli_reference_names_every_command_and_option() -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    for name, command in main.commands.items():
        assert f"### sheetmap {name}" in text, name
        for param in command.params:
            if isinstance(param, click.Option):
                for flag in param.opts + param.secondary_opts:
                    if flag.startswith("--"):
                        assert flag in text, f"sheetmap {name} {flag}"


def test_every_picture_exists_and_is_small() -> None:
    pictures = set()
    for page in DOCS.glob("*.md"):
        for target in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", page.read_text(encoding="utf-8")):
            pictures.add(DOCS / target)
    assert pictures
    for picture in pictures:
        assert picture.is_file(), picture
        assert picture.stat().st_size < 200_000, f"{picture} is larger than 200 KB"
