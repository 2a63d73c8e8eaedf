"""Compiled templates kept on disk between runs (render/compiled.py): used when valid, never trusted blindly."""

from __future__ import annotations

import os
from pathlib import Path

import jinja2
import pytest

from conftest import run_sheetmap, tree_bytes
from sheetmap.render import compiled, fast_templates
from sheetmap.render.compiled import CompiledTemplates

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_sheets" / "acme-roadmap.xlsx"


def _environment(templates: Path, cache: CompiledTemplates) -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(templates), autoescape=True, bytecode_cache=cache)


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates Jinja compiles from source."""
    names: list[str] = []
    original = jinja2.Environment.compile

    def counted(self: jinja2.Environment, source: str, name: str | None = None, *args: object, **kw: object) -> object:
        names.append(name or "")
        return original(self, source, name, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    return names


def test_a_new_process_reads_compiled_templates_instead_of_compiling(tmp_path: Path, compiles: list[str]) -> None:
    (tmp_path / "page.html").write_text("<p>{{ title }}</p>", encoding="utf-8")
    folder = tmp_path / "cache"
    folder.mkdir()
    first = _environment(tmp_path, CompiledTemplates(folder)).get_template("page.html").render(title="<b>")
    assert compiles == ["page.html"] and len(list(folder.iterdir())) == 1
    # A new cache object over the same folder is what the next `sheetmap build` has.
    again = _environment(tmp_path, CompiledTemplates(folder)).get_template("page.html").render(title="<b>")
    assert compiles == ["page.html"]
    assert again == first == "<p>&lt;b&gt;</p>"


def test_an_edited_template_is_compiled_again(tmp_path: Path, compiles: list[str]) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    page = tmp_path / "page.html"
    page.write_text("first {{ n }}", encoding="utf-8")
    assert _environment(tmp_path, CompiledTemplates(folder)).get_template("page.html").render(n=1) == "first 1"
    page.write_text("second {{ n }}", encoding="utf-8")
    assert _environment(tmp_path, CompiledTemplates(folder)).get_template("page.html").render(n=2) == "second 2"
    assert compiles == ["page.html", "page.html"]


@pytest.mark.parametrize("damage", [b"", b"not a cache file", b"j2" + bytes(range(256))])
def test_a_damaged_file_is_compiled_again_and_replaced(tmp_path: Path, compiles: list[str], damage: bytes) -> None:
    (tmp_path / "page.html").write_text("ok {{ n }}", encoding="utf-8")
    folder = tmp_path / "cache"
    folder.mkdir()
    _environment(tmp_path, CompiledTemplates(folder)).get_template("page.html")
    [stored] = folder.iterdir()
    good = stored.read_bytes()
    stored.write_bytes(damage)
    assert _environment(tmp_path, CompiledTemplates(folder)).get_template("page.html").render(n=3) == "ok 3"
    assert len(compiles) == 2 and stored.read_bytes() == good


def test_the_cache_folder_is_the_users_own_and_named_after_the_compiler(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    folder = compiled.disk_folder()
    assert folder == tmp_path / "xdg" / "sheetmap" / f"templates-{compiled.compiler_key()}"
    assert folder.stat().st_mode & 0o777 == 0o700


def test_a_folder_others_can_write_to_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Compiled code is run as it is read: someone who can put a file there could run their code in a build."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    folder = compiled.disk_folder()
    assert folder is not None
    folder.chmod(0o777)
    assert compiled.disk_folder() is None
    folder.chmod(0o700)
    folder.parent.chmod(0o775)
    assert compiled.disk_folder() is None


@pytest.mark.parametrize("where", ["a file", "relative"])
def test_no_usable_cache_folder_means_no_disk_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    if where == "a file":
        (tmp_path / "file").write_text("", encoding="utf-8")
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    assert compiled.disk_folder() is None


def test_the_key_changes_with_the_code_generator(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Code compiled by an older sheetmap or Jinja is never run by a newer one: it has a folder of its own."""
    before = compiled.compiler_key()
    generator = tmp_path / "fast_templates.py"
    generator.write_bytes(Path(fast_templates.__file__).read_bytes() + b"\n# changed\n")
    monkeypatch.setattr(fast_templates, "__file__", str(generator))
    assert compiled.compiler_key() != before


def test_builds_with_and_without_the_disk_cache_write_the_same_site(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    environment = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    sites = []
    for n, env in enumerate([environment, environment, {**os.environ, "XDG_CACHE_HOME": "unusable"}]):
        done = run_sheetmap("build", SAMPLE, "--audience", "internal", "--out", f"site-{n}", cwd=tmp_path, env=env)
        assert done.returncode == 0, done.stderr[-3000:]
        sites.append(tree_bytes(tmp_path / f"site-{n}"))
        if n == 0:
            [folder] = (cache / "sheetmap").iterdir()
            stored = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
            assert len(stored) >= 10  # every page template, and what they include
    assert sites[0] == sites[1] == sites[2]
    # The second build read what the first wrote, and wrote nothing.
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == stored
