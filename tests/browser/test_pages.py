"""Every page type: axe-core finds no accessibility violation, nothing scrolls sideways on a phone,
no console error, no request to another host, every local link resolves."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from .conftest import run_axe

pytestmark = pytest.mark.browser


PAGES = [
    "public/index.html",
    "public/index.html?tag=alerts",
    "public/embed/index.html",
    "public/initiative-now",
    "public/initiative-done",
    "public/completed/index.html",
    "public/objectives/index.html",
    "internal/index.html",
    "internal/initiative-internal",
    "internal/priorities/index.html",
]


def resolve(sites: Path, name: str) -> str:
    public = json.loads((sites / "public" / "roadmap.json").read_text(encoding="utf-8"))
    internal = json.loads((sites / "internal" / "roadmap.json").read_text(encoding="utf-8"))
    if name == "public/initiative-now":
        return "public/" + next(i for i in public["initiatives"] if i["horizon"] == "Now")["url"]
    if name == "public/initiative-done":
        return "public/" + next(i for i in public["initiatives"] if i["horizon"] == "Done")["url"]
    if name == "internal/initiative-internal":
        return "internal/" + next(i for i in internal["initiatives"] if i.get("visibility") == "Internal")["url"]
    return name


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_violation(visit: Any, sites: Path, axe: str, name: str, scheme: str) -> None:
    page = visit(resolve(sites, name), color_scheme=scheme)
    violations = run_axe(page, axe)
    assert violations == [], json.dumps(violations, indent=1)


@pytest.mark.parametrize("name", PAGES)
def test_nothing_scrolls_sideways_on_a_phone(visit: Any, sites: Path, name: str) -> None:
    page = visit(resolve(sites, name), width=375, height=740)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{name} is {width}px wide on a 375px phone"
    # No element pokes out of the viewport either (scrollWidth misses overflow:hidden ancestors' children).
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')].filter(el => {
            const r = el.getBoundingClientRect();
            return r.width > 0 && (r.right > 376 || r.left < -1) && !el.closest('.visually-hidden, .skip');
        }).map(el => el.tagName + '.' + el.className).slice(0, 5)"""
    )
    assert wide == [], wide


def test_axe_on_the_sprint_view(visit: Any, sites: Path, axe: str) -> None:
    if not (sites / "internal" / "sprints" / "index.html").is_file():
        pytest.skip("this build has no sprint view")
    page = visit("internal/sprints/index.html")
    assert run_axe(page, axe) == []


def test_every_local_link_and_asset_resolves(sites: Path) -> None:
    for audience in ("public", "internal"):
        root = sites / audience
        for page in root.rglob("*.html"):
            text = page.read_text(encoding="utf-8")
            for ref in re.findall(r'(?:href|src)="([^"]+)"', text):
                ref = html.unescape(ref)
                parts = urlsplit(ref)
                if parts.scheme or ref.startswith("#"):
                    continue
                target = (page.parent / unquote(parts.path)).resolve()
                assert target.is_file(), f"{page.relative_to(sites)} links to missing {ref}"
                if parts.fragment and target.suffix == ".html":
                    anchors = set(re.findall(r'id="([^"]+)"', target.read_text(encoding="utf-8")))
                    assert parts.fragment in anchors, f"{page.relative_to(sites)}: {ref} has no such anchor"
