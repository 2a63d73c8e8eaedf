"""Every page carries a strict Content-Security-Policy and needs nothing it forbids.

Checked over every HTML file of four real builds (the sample workbook and the
hostile workbook, each for both audiences), whatever pages the site has: the
policy is present, first, identical everywhere and strict; no page relies on
inline script, event handlers or inline styles (which the policy would
block, so the site would break); external links cannot reach back through
`window.opener` or leak the page address. The browser test checks that
Chromium really enforces the policy.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import site_scan
from hostile_sites import AUDIENCES, Sites, hostile_sites
from sheetmap.config import load_config
from sheetmap.pipeline import build
from sheetmap.render.site import CSP

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "sample_sheets" / "acme-roadmap.xlsx"

#: Elements that fetch or run something: the policy must come before all of them to cover them.
_LOADS = {"script", "link", "img", "style", "iframe", "object", "embed", "video", "audio", "source"}
#: Ways for a script to turn a string into HTML or code; the site's own scripts use none.
_SINKS = re.compile(
    r"\binnerHTML\b|\bouterHTML\b|insertAdjacentHTML|document\.write|\beval\s*\(|new\s+Function\b"
    r"|set(?:Timeout|Interval)\s*\(\s*[\"'`]"
)


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """name -> output folder: sample-public, sample-internal, hostile-public, hostile-internal."""
    config = load_config(REPO / "sheetmap.yml")
    out = tmp_path_factory.mktemp("csp")
    folders = {}
    for audience in AUDIENCES:
        result = build([str(SAMPLE)], config, audience=audience, out=out / audience)
        assert result.written
        folders[f"sample-{audience}"] = out / audience
    sites: Sites = hostile_sites(tmp_path_factory)
    folders.update({f"hostile-{a}": sites.hostile[a] for a in AUDIENCES})
    return folders


BUILDS = [f"{kind}-{audience}" for kind in ("sample", "hostile") for audience in AUDIENCES]


def _directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0].lower()] = [w.lower() for w in words[1:]]
    return parsed


def test_the_policy_is_strict() -> None:
    policy = _directives(CSP)
    assert policy["default-src"] == ["'none'"]
    for directive in ("script-src", "style-src"):
        sources = policy[directive]
        assert sources == ["'self'"], f"{directive} allows {sources}: inline code, eval or other hosts"
    assert policy["base-uri"] in (["'none'"], ["'self'"])
    assert policy["form-action"] in (["'none'"], ["'self'"])
    assert "object-src" not in policy or policy["object-src"] == ["'none'"]
    # Images may come from https (Markdown images, SPEC §2), never from http or a wildcard.
    assert "*" not in policy["img-src"] and "http:" not in policy["img-src"]
    for sources in policy.values():
        assert not {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "http:"} & set(sources)


@pytest.mark.parametrize("name", BUILDS)
def test_every_page_has_the_policy_before_anything_it_governs(builds: dict[str, Path], name: str) -> None:
    root = builds[name]
    checked = 0
    for page in site_scan.pages(root):
        metas = [
            (i, el)
            for i, el in enumerate(page.elements)
            if el.tag == "meta" and (el.get("http-equiv") or "").lower() == "content-security-policy"
        ]
        where = page.path.relative_to(root)
        assert len(metas) == 1, f"{where}: {len(metas)} CSP meta elements"
        index, meta = metas[0]
        assert meta.get("content") == CSP, where
        first_load = next((i for i, el in enumerate(page.elements) if el.tag in _LOADS), len(page.elements))
        assert index < first_load, f"{where}: the CSP comes after a <{page.elements[first_load].tag}>"
        assert any(el.tag == "head" for el in page.elements[:index]), f"{where}: the CSP is not in <head>"
        checked += 1
    assert checked >= 5


@pytest.mark.parametrize("name", BUILDS)
def test_no_page_needs_inline_script_handlers_or_styles(builds: dict[str, Path], name: str) -> None:
    root = builds[name]
    findings = []
    for page in site_scan.pages(root):
        findings += site_scan.script_findings(root, page) + site_scan.style_findings(root, page)
        for el in page.elements:
            findings += [
                f"{page.where(root, el.line)}: {attr}= on <{el.tag}>" for attr, _ in el.attrs if attr.startswith("on")
            ]
    assert findings == [], "\n".join(findings[:40])


@pytest.mark.parametrize("name", BUILDS)
def test_external_links_carry_noopener_noreferrer(builds: dict[str, Path], name: str) -> None:
    root = builds[name]
    findings = []
    external = 0
    for page in site_scan.pages(root):
        for el in page.elements:
            if el.tag not in ("a", "area") or el.get("href") is None:
                continue
            href = (el.get("href") or "").strip()
            rel = set((el.get("rel") or "").lower().split())
            is_external = bool(re.match(r"^(https?:)?//", href, re.IGNORECASE))
            if is_external:
                external += 1
                if not {"noopener", "noreferrer"} <= rel:
                    findings.append(f"{page.where(root, el.line)}: <a href={href!r} rel={sorted(rel)}>")
            if (el.get("target") or "").lower() == "_blank" and "noopener" not in rel:
                findings.append(f"{page.where(root, el.line)}: target=_blank without noopener")
    assert findings == [], "\n".join(findings[:40])
    assert external > 0  # footer links in both configs; Markdown links in the hostile build


def test_the_sites_own_scripts_never_turn_strings_into_html_or_code(builds: dict[str, Path]) -> None:
    """The policy stops inline and eval'd code; what a script writes with innerHTML it would not stop."""
    scripts = [p for p in site_scan.all_files(builds["sample-internal"]) if p.suffix in (".js", ".mjs")]
    assert scripts
    for path in scripts:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            assert not _SINKS.search(line), f"{path.name}:{number}: {line.strip()}"
