"""The built site's files: weight, branding and colours, template overrides, SEO files, documentation."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import run_sheetmap, write_workbook
from sheetmap.render.brand import DARK_BACKGROUNDS, LIGHT_BACKGROUNDS, readable_on
from sheetmap.theming import contrast, text_color_on

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_sheets" / "acme-roadmap.xlsx"
TEMPLATES = REPO / "src" / "sheetmap" / "themes" / "default" / "templates"
THEMING_DOC = REPO / "docs" / "theming.md"
HEX = st.integers(0, 0xFFFFFF).map(lambda n: f"#{n:06x}")


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample built with the repository's sheetmap.yml (logo, favicon, base_url, footer links, overrides)."""
    work = tmp_path_factory.mktemp("site")
    for audience in ("public", "internal"):
        result = run_sheetmap("build", "--config", REPO / "sheetmap.yml", "--audience", audience, "--out", audience,
                              cwd=work, env={"SOURCE_DATE_EPOCH": ""})  # fmt: skip
        assert result.returncode == 0, result.stderr
    return work


def test_the_board_weighs_under_100_kb(sample: Path) -> None:
    site = sample / "public"
    page = (site / "index.html").read_text(encoding="utf-8")
    assets = re.findall(r'<(?:link rel="stylesheet"|script) (?:href|src)="\./([^"]+)"', page)
    assert {"assets/style.css", "assets/themes.css", "assets/board.js", "assets/appearance.js"} <= set(assets)
    total = len(page.encode()) + sum((site / a).stat().st_size for a in assets)
    assert total < 100_000, f"board HTML + CSS + JS is {total} bytes"


def test_branding_from_the_config(sample: Path) -> None:
    site = sample / "public"
    page = (site / "index.html").read_text(encoding="utf-8")
    assert '<img src="./assets/larkspur-logo.svg" alt=""' in page
    assert '<link rel="icon" href="./assets/larkspur-logo.svg">' in page
    assert (site / "assets" / "larkspur-logo.svg").read_bytes() == (
        REPO / "sample_sheets" / "larkspur-logo.svg"
    ).read_bytes()
    assert '<a href="https://larkspur.example" rel="noopener noreferrer">Larkspur Analytics</a>' in page
    assert "product@larkspur.example" in page  # site_templates/footer.html extends the built-in footer
    css = (site / "assets" / "themes.css").read_text(encoding="utf-8")
    assert "--brand: #2f5bd3;" in css
    # Theme colours from the Themes sheet, with the text colour that reads on them.
    assert ".theme--reporting { --theme: #4f7cac; --theme-ink: #000000; }" in css


def test_without_a_config_a_default_favicon_and_a_stable_palette(tmp_path: Path) -> None:
    rows = [["ID", "Title", "Horizon", "Theme", "Visibility"], ["INIT-1", "Reports are slow", "Now", "Speed", "Public"]]
    write_workbook(tmp_path / "r.xlsx", {"Initiatives": rows})
    for out in ("a", "b"):
        assert run_sheetmap("build", "r.xlsx", "--out", out, cwd=tmp_path).returncode == 0
    css = (tmp_path / "a" / "assets" / "themes.css").read_text(encoding="utf-8")
    assert css == (tmp_path / "b" / "assets" / "themes.css").read_text(encoding="utf-8")
    color, ink = re.search(r"\.theme--speed \{ --theme: (#[0-9a-f]{6}); --theme-ink: (#[0-9a-f]{6}); \}", css).groups()
    assert contrast(color, ink) >= 4.5
    assert (tmp_path / "a" / "assets" / "favicon.svg").is_file()
    assert 'href="./assets/favicon.svg"' in (tmp_path / "a" / "index.html").read_text(encoding="utf-8")


@given(HEX)
def test_text_on_any_theme_colour_keeps_aa_contrast(color: str) -> None:
    assert contrast(color, text_color_on(color)) >= 4.5


@given(HEX)
def test_links_in_the_brand_colour_stay_readable_in_light_and_dark(brand: str) -> None:
    for backgrounds in (LIGHT_BACKGROUNDS, DARK_BACKGROUNDS):
        link = readable_on(brand, backgrounds)
        assert all(contrast(link, bg) >= 4.5 for bg in backgrounds), (brand, link)
        assert readable_on(brand, backgrounds) == link


def test_horizon_labels_from_the_config(tmp_path: Path) -> None:
    (tmp_path / "sheetmap.yml").write_text(
        "horizon_labels:\n  Now: Doing\n  Next: Up next\n  Later: Someday\n", encoding="utf-8"
    )
    rows = [["ID", "Title", "Horizon", "Visibility"], ["INIT-1", "Reports are slow", "Now", "Public"]]
    write_workbook(tmp_path / "r.xlsx", {"Initiatives": rows})
    assert run_sheetmap("build", "r.xlsx", cwd=tmp_path).returncode == 0
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    for label in ("Doing", "Up next", "Someday"):
        assert f'<span class="column-name">{label}</span>' in page
    detail = (tmp_path / "site" / "initiatives" / "init-1.html").read_text(encoding="utf-8")
    assert ">Doing</span>" in detail


def test_overrides_replace_or_extend_templates_and_static_files(tmp_path: Path) -> None:
    overrides = tmp_path / "site_templates"
    (overrides / "static").mkdir(parents=True)
    (overrides / "card.html").write_text(
        '{% extends "default:card.html" %}\n'
        '{% block card_body %}<p class="custom">Custom {{ item.id }}</p>{% endblock %}\n',
        encoding="utf-8",
    )
    (overrides / "objectives.html").write_text("<p>Only this, {{ config.title }}</p>\n", encoding="utf-8")
    (overrides / "static" / "style.css").write_text("body { color: rebeccapurple; }\n", encoding="utf-8")
    (overrides / "static" / "extra.js").write_text("// a team's own file\n", encoding="utf-8")
    (tmp_path / "sheetmap.yml").write_text("title: Acme\ntemplates: site_templates\n", encoding="utf-8")
    rows = [["ID", "Title", "Horizon", "Visibility"], ["INIT-1", "Reports are slow", "Now", "Public"]]
    write_workbook(tmp_path / "r.xlsx", {"Initiatives": rows})
    result = run_sheetmap("build", "r.xlsx", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    site = tmp_path / "site"
    board = (site / "index.html").read_text(encoding="utf-8")
    assert '<p class="custom">Custom INIT-1</p>' in board
    assert "Reports are slow</a></h3>" in board  # the rest of the built-in card is still there
    assert (site / "objectives" / "index.html").read_text(encoding="utf-8") == "<p>Only this, Acme</p>\n"
    assert (site / "assets" / "style.css").read_text(encoding="utf-8") == "body { color: rebeccapurple; }\n"
    assert (site / "assets" / "extra.js").is_file() and (site / "assets" / "board.js").is_file()


def test_public_seo_files(sample: Path) -> None:
    site = sample / "public"
    assert (site / "robots.txt").read_text() == (
        "User-agent: *\nAllow: /\nSitemap: https://roadmap.larkspur.example/sitemap.xml\n"
    )
    urls = [
        e.text
        for e in ET.parse(site / "sitemap.xml").getroot().iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    ]
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if p.parts[-2] != "embed")
    expected = sorted(f"https://roadmap.larkspur.example/{p.removesuffix('index.html')}" for p in pages)
    assert sorted(urls) == expected
    data = json.loads((site / "roadmap.json").read_text(encoding="utf-8"))
    item = data["initiatives"][0]
    page = (site / item["url"]).read_text(encoding="utf-8")
    meta = dict(re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', page))
    assert html.unescape(meta["og:title"]) == f"{item['title']} · {data['title']}"
    assert meta["og:url"] == f"https://roadmap.larkspur.example/{item['url']}"
    assert meta["og:type"] == "article"
    assert meta["description"] and meta["og:description"] == meta["description"]
    assert f'<link rel="canonical" href="https://roadmap.larkspur.example/{item["url"]}">' in page
    assert html.unescape(re.search(r"<title>(.*)</title>", page).group(1)) == f"{item['title']} · {data['title']}"
    assert 'name="robots"' not in page
    embed = (site / "embed" / "index.html").read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex, nofollow">' in embed


def test_internal_builds_ask_crawlers_to_stay_away(sample: Path) -> None:
    site = sample / "internal"
    assert (
        site / "robots.txt"
    ).read_text() == "# An internal roadmap: not for search engines.\nUser-agent: *\nDisallow: /\n"
    assert not (site / "sitemap.xml").exists()
    for page in site.rglob("*.html"):
        assert '<meta name="robots" content="noindex, nofollow">' in page.read_text(encoding="utf-8"), page


def test_prioritisation_is_internal_only(sample: Path) -> None:
    assert not (sample / "public" / "priorities").exists()
    assert "priorities/index.html" not in (sample / "public" / "index.html").read_text(encoding="utf-8")
    page = html.unescape((sample / "internal" / "priorities" / "index.html").read_text(encoding="utf-8"))
    data = json.loads((sample / "internal" / "roadmap.json").read_text(encoding="utf-8"))
    done = {i["id"] for i in data["initiatives"] if i["horizon"] == "Done"}
    ideas = [(i, x) for i in data["initiatives"] for x in i["ideas"]]
    grid = page.split("<h2>", 1)[0]
    quick = re.search(r'data-label="High value, effort S">(.*?)</td>', grid, re.S).group(1)
    for initiative, idea in ideas:
        open_ = idea["stage"] not in ("Successful", "Failed", "Parked") and initiative["id"] not in done
        in_grid = f">{idea['title']}</a>" in grid
        assert in_grid == (open_ and bool(idea["effort"]) and bool(idea["value"])), idea["id"]
        if open_ and idea["value"] == "High" and idea["effort"] == "S":
            assert idea["title"] in quick
        # Every idea appears once in the list by stage.
        assert page.count(f">{idea['title']}</a>") == (2 if in_grid else 1), idea["id"]
    assert "Quick win" in quick


def test_search_index_holds_only_projected_text(sample: Path) -> None:
    """The board's data-search attributes come from the public roadmap: no notes, owners or internal cards."""
    public = (sample / "public" / "index.html").read_text(encoding="utf-8")
    internal = json.loads((sample / "internal" / "roadmap.json").read_text(encoding="utf-8"))
    searchable = " ".join(html.unescape(s) for s in re.findall(r'data-search="([^"]*)"', public))
    assert searchable
    for item in internal["initiatives"]:
        if item["visibility"] != "Public":
            assert item["title"].lower() not in searchable, item["id"]
        if item["owner"]:
            assert item["owner"].lower() not in searchable
        notes = re.sub(r"<[^>]+>", "", item["notes"]).strip().lower()
        if notes:
            assert notes[:40] not in searchable


def _documented() -> str:
    return THEMING_DOC.read_text(encoding="utf-8")


def test_every_template_and_its_blocks_are_documented() -> None:
    doc = _documented()
    for template in sorted(TEMPLATES.glob("*.html")):
        if template.name.startswith("sprint") or template.name == "delivery.html":
            continue  # the sprint view documents its own templates
        assert f"`{template.name}`" in doc, f"{template.name} is not in docs/theming.md"
        for block in re.findall(r"{%-? block (\w+)", template.read_text(encoding="utf-8")):
            assert f"`{block}`" in doc, f"block {block} of {template.name} is not in docs/theming.md"
    for static in sorted((TEMPLATES.parent / "static").iterdir()):
        if not static.name.startswith("sprint"):
            assert f"`{static.name}`" in doc, f"static/{static.name} is not in docs/theming.md"


def test_every_branding_setting_is_documented() -> None:
    doc = _documented()
    for key in ("title", "description", "logo", "favicon", "brand_color", "base_url", "footer_links",
                "horizon_labels", "templates"):  # fmt: skip
        assert f"`{key}`" in doc, key
    for variable in ("view", "roadmap", "config", "root", "page", "item", "idea", "compact"):
        assert f"`{variable}`" in doc, variable


def test_view_helpers_used_by_templates_are_documented() -> None:
    doc = _documented()
    used: set[str] = set()
    for template in TEMPLATES.glob("*.html"):
        if not (template.name.startswith("sprint") or template.name == "delivery.html"):
            used |= set(re.findall(r"\bview\.(\w+)", template.read_text(encoding="utf-8")))
    missing = sorted(name for name in used if f"`view.{name}" not in doc)
    assert missing == [], missing
