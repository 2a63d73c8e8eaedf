"""Content from cells is inert: the XSS corpus in every text cell, both audiences, every file of the site.

The workbook (tests/hostile_workbook.py) holds each of the 330 payloads of
tests/data/xss alone in every text, Markdown, list and ID column of every
sheet, and the config's title, description, base URL, footer link and a
horizon label carry payloads too. Both audiences are built (and the MkDocs
plugin's pages, when the plugin is installed), and every file of each output
is read back: nothing a payload could run survives, and the text is still
there, escaped, rather than silently dropped.

The static checks read HTML with html.parser; the browser test
(tests/browser/test_xss_browser.py) opens the same pages in Chromium.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import site_scan
from hostile_sites import AUDIENCES, Sites, hostile_sites
from sheetmap.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render_markdown
from sheetmap.schema import SHEETS
from xss_payloads import DATA, FILES, payloads

#: Keys of roadmap.json's initiatives (and their ideas) whose strings are sanitised Markdown, i.e. HTML
#: that a consumer may insert as markup. Everything else is plain text.
HTML_KEYS = {"problem", "description", "notes"}


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Sites:
    return hostile_sites(tmp_path_factory)


# --- the corpus -----------------------------------------------------------------------------------


def test_the_corpus_is_both_files_and_each_payload_is_one_line() -> None:
    lines = {name: (DATA / name).read_text(encoding="utf-8").split("\n") for name in FILES}
    assert {name: len(text) - 1 for name, text in lines.items()} == {"payloads.txt": 208, "payloads-owasp.txt": 122}
    assert len(payloads()) == 330 == len(set(payloads()))
    for payload in payloads():
        assert payload == payload.strip("\n") and "\x00" not in payload
        assert payload.splitlines() == [payload]
    # The licence split is real: the OWASP lines live only in their own file.
    assert "<SCRIPT SRC=https://cdn.jsdelivr.net" not in (DATA / "payloads.txt").read_text(encoding="utf-8")
    assert "CC BY-SA 3.0" in (DATA / "SOURCES.md").read_text(encoding="utf-8")


def test_every_payload_is_in_every_text_column(sites: Sites) -> None:
    """The workbook really holds what the other tests rely on: read it back through sheetmap."""
    from sheetmap.sources.xlsx import read_xlsx

    sheets = {s.title: s for s in read_xlsx(sites.workbook)}
    wanted = set(payloads())
    for spec in SHEETS:
        header, *rows = sheets[spec.name].rows
        for index, column in enumerate(spec.columns):
            if column.kind not in ("text", "markdown", "list") or (spec.name, column.name) == ("Initiatives", "Theme"):
                continue
            assert header.values[index] == column.name
            seen = {row.values[index] for row in rows}
            assert seen == wanted, f"{spec.name}.{column.name} misses {len(wanted - seen)} payloads"


def test_the_payloads_were_seen_and_reported(sites: Sites) -> None:
    # Hundreds of cells lost a tag, an attribute or a link, and each was reported as unsafe-content.
    assert sites.problems["unsafe-content"] > 1000
    for audience in AUDIENCES:
        initiative_pages = list((sites.hostile[audience] / "initiatives").glob("*.html"))
        assert len(initiative_pages) == len(payloads())


# --- HTML ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("audience", AUDIENCES)
def test_no_page_holds_anything_that_could_run(sites: Sites, audience: str) -> None:
    """No <script> but the site's own files, no on* attribute, no script URL, no frame, object or base."""
    findings = site_scan.executable_findings(sites.hostile[audience])
    assert findings == [], "\n".join(findings[:40])


@pytest.mark.parametrize("audience", AUDIENCES)
def test_cells_add_no_element_or_attribute_beyond_the_markdown_allowlist(sites: Sites, audience: str) -> None:
    """Whatever a payload tried, the pages use only what the templates use with harmless text,
    plus what sanitised Markdown may hold. No denylist to forget an element in."""
    allowed = site_scan.structure(sites.control[audience])
    allowed |= {(tag, "") for tag in ALLOWED_TAGS}
    allowed |= {(tag, name) for tag, names in ALLOWED_ATTRIBUTES.items() for name in names}
    allowed |= {("a", "rel")}  # nh3 adds rel="noopener noreferrer" to links
    extra = site_scan.structure(sites.hostile[audience]) - allowed
    assert extra == set(), sorted(extra)


@pytest.mark.parametrize("audience", AUDIENCES)
def test_every_data_attribute_holding_json_still_parses(sites: Sites, audience: str) -> None:
    # The board's filters read data-tags and data-objectives with JSON.parse: a quote in a
    # tag must not end the attribute or the JSON.
    checked = 0
    for page in site_scan.pages(sites.hostile[audience]):
        for el in page.elements:
            for name, value in el.attrs:
                if name in ("data-tags", "data-objectives"):
                    assert isinstance(json.loads(value), list), (page.path, name, value)
                    checked += 1
    assert checked > 2 * len(payloads())


@pytest.mark.parametrize("audience", AUDIENCES)
def test_template_syntax_in_cells_stays_text(sites: Sites, audience: str) -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in site_scan.html_files(sites.hostile[audience]))
    assert "{{7*7}}" in text and "{{ cycler.__init__.__globals__.os.popen(" in text
    assert "uid=" not in text


@pytest.mark.parametrize("audience", AUDIENCES)
def test_plain_fields_are_escaped_not_dropped(sites: Sites, audience: str) -> None:
    """A title is text: the payload is shown, escaped, on its initiative page."""
    root = sites.hostile[audience]
    page_text = {p: p.read_text(encoding="utf-8") for p in (root / "initiatives").glob("*.html")}
    joined = "\n".join(page_text.values())
    for payload in (
        "<script>alert(1)</script>",
        '"><img src="x:x" onerror="alert(XSS)">',
        "</textarea><script>alert(1)</script>",
    ):
        escaped = payload.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")
        assert escaped in joined, payload


# --- JSON, feeds, styles and scripts ------------------------------------------------------------------


@pytest.mark.parametrize("audience", AUDIENCES)
def test_json_parses_and_its_html_fields_are_sanitised(sites: Sites, audience: str) -> None:
    root = sites.hostile[audience]
    assert site_scan.json_findings(root) == []
    checked = 0
    for path in site_scan.all_files(root):
        if path.suffix != ".json":
            continue
        for keys, value in _strings(json.loads(path.read_text(encoding="utf-8"))):
            if keys[:1] == ("initiatives",) and keys[-1] in HTML_KEYS and value:
                assert _fragment_findings(value) == [], (path.name, keys, value[:200])
                checked += 1
    assert checked > len(payloads())


def _strings(data: Any, keys: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    """Every string in a JSON document, with the keys leading to it."""
    if isinstance(data, str):
        yield keys, data
    elif isinstance(data, dict):
        for k, v in data.items():
            yield from _strings(v, (*keys, k))
    elif isinstance(data, list):
        for v in data:
            yield from _strings(v, keys)


def _fragment_findings(markup: str) -> list[str]:
    page = site_scan.Page(Path("fragment"))
    reader = site_scan._Reader(page)
    reader.feed(markup)
    reader.close()
    found = [f"<{el.tag}>" for el in page.elements if el.tag not in ALLOWED_TAGS]
    for el in page.elements:
        for name, value in el.attrs:
            if name not in ALLOWED_ATTRIBUTES.get(el.tag, set()) | {"rel"} or (
                name in site_scan.URL_ATTRIBUTES and site_scan.bad_url(value)
            ):
                found.append(f"<{el.tag} {name}={value!r}>")
    return found


@pytest.mark.parametrize("audience", AUDIENCES)
def test_feed_and_sitemap_are_well_formed_and_inert(sites: Sites, audience: str) -> None:
    root = sites.hostile[audience]
    assert (root / "feed.xml").is_file()
    assert site_scan.xml_findings(root) == []
    feed = (root / "feed.xml").read_text(encoding="utf-8")
    # The feed really carries hostile titles (escaped), so the check above means something.
    assert "&lt;script&gt;" in feed


#: The only line a cell may add to a style sheet: a class named by a slug, setting colours.
CSS_FROM_CELLS = re.compile(r"\.[a-z0-9-]+ \{( --[a-z-]+: #[0-9a-f]{6};)+ \}")


@pytest.mark.parametrize("audience", AUDIENCES)
def test_style_sheets_carry_nothing_from_cells_but_slugs_and_colours(sites: Sites, audience: str) -> None:
    """Theme names become CSS classes and colours: a line the harmless build lacks must be exactly that."""
    hostile, control = sites.hostile[audience], sites.control[audience]
    checked = 0
    for path in site_scan.all_files(hostile):
        if path.suffix != ".css":
            continue
        known = set((control / path.relative_to(hostile)).read_text(encoding="utf-8").splitlines())
        for line in path.read_text(encoding="utf-8").splitlines():
            if line not in known:
                assert CSS_FROM_CELLS.fullmatch(line), (path.name, line)
                checked += 1
    assert checked >= len(payloads())  # one class per hostile theme


@pytest.mark.parametrize("audience", AUDIENCES)
def test_scripts_are_the_same_whatever_the_cells_hold(sites: Sites, audience: str) -> None:
    """Data reaches scripts as JSON or attributes, never as generated JavaScript."""
    hostile, control = sites.hostile[audience], sites.control[audience]
    scripts = [p for p in site_scan.all_files(hostile) if p.suffix in (".js", ".mjs")]
    assert scripts
    for path in scripts:
        assert path.read_bytes() == (control / path.relative_to(hostile)).read_bytes(), path.name


def test_markdown_sanitiser_output_is_stable_for_each_payload() -> None:
    """Each payload alone through the Markdown path: only allowlisted markup comes out, whatever went in."""
    for payload in payloads():
        html, _ = render_markdown(payload)
        assert _fragment_findings(html) == [], (payload, html)


# --- MkDocs -------------------------------------------------------------------------------------------


def test_mkdocs_pages_are_as_inert_as_the_site(sites: Sites) -> None:
    """The plugin's pages inside MkDocs' own theme: whatever the theme does with harmless text is allowed
    (its inline scripts, its CDN highlight.js); a cell must add nothing to it."""
    if sites.mkdocs is None or sites.mkdocs_control is None:
        pytest.skip("the MkDocs plugin is not installed")

    def kinds(root: Path) -> set[str]:
        return {finding.split(": ", 1)[1] for finding in site_scan.executable_findings(root)}

    def roadmap_pages(root: Path) -> list[Path]:
        return list((root / "roadmap").rglob("*.html"))

    assert len(roadmap_pages(sites.mkdocs)) > len(payloads())
    extra = kinds(sites.mkdocs) - kinds(sites.mkdocs_control)
    assert extra == set(), sorted(extra)[:40]
    structure_extra = site_scan.structure(sites.mkdocs) - site_scan.structure(sites.mkdocs_control)
    structure_extra -= {(tag, "") for tag in ALLOWED_TAGS}
    structure_extra -= {(t, n) for t, names in ALLOWED_ATTRIBUTES.items() for n in names} | {("a", "rel")}
    assert structure_extra == set(), sorted(structure_extra)
    # MkDocs themes print page titles as they are: the plugin must hand them over escaped.
    for page in roadmap_pages(sites.mkdocs):
        title = re.search(r"<title>(.*?)</title>", page.read_text(encoding="utf-8"), re.DOTALL)
        assert title and "<" not in title.group(1), (page, title)
