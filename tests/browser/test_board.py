"""The board in a real browser: filters, search, URL state, no-JS, keyboard, file://, embed, theming, print."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.browser
BOARD = ("Now", "Next", "Later")


def roadmap(sites: Path, audience: str = "public") -> dict[str, Any]:
    return json.loads((sites / audience / "roadmap.json").read_text(encoding="utf-8"))


def board_cards(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [i for i in data["initiatives"] if i["horizon"] in BOARD]


def slug(item: dict[str, Any]) -> str:
    return Path(item["url"]).stem


def shown(page: Any) -> set[str]:
    """The initiative slugs of the cards a person can see."""
    return {el.get_attribute("id").removeprefix("card-") for el in page.locator(".card:visible").all()}


def plain(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))


def test_board_shows_every_card_in_its_column(visit: Any, sites: Path) -> None:
    data = roadmap(sites)
    page = visit("public/index.html")
    for horizon in BOARD:
        column = page.locator(f"section.column-{horizon.lower()}")
        expected = {slug(i) for i in board_cards(data) if i["horizon"] == horizon}
        ids = {el.get_attribute("id").removeprefix("card-") for el in column.locator(".card").all()}
        assert ids == expected, horizon
        assert column.get_by_role("heading", level=2).inner_text().startswith(horizon)
    total = len(board_cards(data))
    assert page.get_by_role("status").inner_text() == f"Showing all {total} initiatives"
    # Done cards live on the completed roadmap, not on the board.
    assert not shown(page) & {slug(i) for i in data["initiatives"] if i["horizon"] == "Done"}


@pytest.mark.parametrize(
    ("control", "field"),
    [("Theme", "theme"), ("Tag", "tags"), ("Objective", "objectives")],
)
def test_each_filter_shows_the_matching_cards_and_says_how_many(
    visit: Any, sites: Path, control: str, field: str
) -> None:
    data = roadmap(sites)
    cards = board_cards(data)
    page = visit("public/index.html")
    select = page.get_by_role("combobox", name=control)
    options = [o for o in select.locator("option").all() if o.get_attribute("value")]
    assert len(options) >= 2
    for option in options:
        value, label = option.get_attribute("value"), option.inner_text()
        select.select_option(value)
        if field == "theme":
            expected = {slug(i) for i in cards if i["theme"] == label}
        elif field == "tags":
            expected = {slug(i) for i in cards if label.lower() in [t.lower() for t in i["tags"]]}
        else:
            expected = {slug(i) for i in cards if value in i["objectives"]}
        assert expected, label
        assert shown(page) == expected, label
        status = page.get_by_role("status")
        assert status.inner_text() == f"{len(expected)} of {len(cards)} initiatives shown"
        query = parse_qs(urlsplit(page.url).query)
        assert query == {{"Theme": "theme", "Tag": "tag", "Objective": "objective"}[control]: [value]}
        # Each column's count follows the filter.
        for horizon in BOARD:
            n = sum(1 for i in cards if slug(i) in expected and i["horizon"] == horizon)
            count = page.locator(f"section.column-{horizon.lower()} [data-count]")
            assert count.inner_text() == str(n)
            empty = page.locator(f"section.column-{horizon.lower()} [data-empty]")
            assert empty.is_visible() == (n == 0)


def test_filters_combine(visit: Any, sites: Path) -> None:
    cards = board_cards(roadmap(sites))
    page = visit("public/index.html")
    page.get_by_role("combobox", name="Objective").select_option("OKR-1")
    page.get_by_role("combobox", name="Tag").select_option("alerts")
    expected = {slug(i) for i in cards if "OKR-1" in i["objectives"] and "alerts" in i["tags"]}
    assert 0 < len(expected) < sum(1 for i in cards if "OKR-1" in i["objectives"])
    assert shown(page) == expected


def _description_only_word(cards: list[dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    """A word that only one board card's description holds (not its title, not any other card)."""
    texts = {
        c["id"]: plain(" ".join([c["title"], c["problem"], c["description"], c["outcome"]])).lower() for c in cards
    }
    for card in cards:
        for word in re.findall(r"[a-z]{7,}", plain(card["description"]).lower()):
            if word in card["title"].lower():
                continue
            if all(word not in text for other, text in texts.items() if other != card["id"]):
                return word, card
    raise AssertionError("the sample has no description-only word")


def test_search_looks_through_titles_and_descriptions(visit: Any, sites: Path) -> None:
    cards = board_cards(roadmap(sites))
    page = visit("public/index.html")
    search = page.get_by_role("searchbox", name="Search")
    word, card = _description_only_word(cards)
    search.fill(word.upper())
    assert shown(page) == {slug(card)}
    assert page.get_by_role("status").inner_text() == f"1 of {len(cards)} initiatives shown"
    # Several words must all match, in any order, from the title.
    title_words = card["title"].split()
    search.fill(f"{title_words[-1]} {title_words[0]}")
    assert slug(card) in shown(page)
    search.fill("zzzz-nothing-matches")
    assert shown(page) == set()
    assert page.get_by_role("status").inner_text() == f"0 of {len(cards)} initiatives shown"
    for horizon in BOARD:
        assert page.locator(f"section.column-{horizon.lower()} [data-empty]").inner_text() == (
            "No initiative here matches the filters."
        )
    page.get_by_role("button", name="Clear filters").click()
    assert len(shown(page)) == len(cards)
    assert urlsplit(page.url).query == ""
    assert page.get_by_role("searchbox", name="Search").evaluate("el => el === document.activeElement")


def test_a_filtered_view_reopens_from_its_url(visit: Any, sites: Path) -> None:
    cards = board_cards(roadmap(sites))
    page = visit("public/index.html")
    page.get_by_role("combobox", name="Theme").select_option(label="Reporting")
    page.get_by_role("searchbox", name="Search").fill("alerts")
    expected = shown(page)
    assert expected and len(expected) < len(cards)
    shared = page.url
    assert parse_qs(urlsplit(shared).query) == {"theme": ["reporting"], "q": ["alerts"]}
    again = visit(shared)
    assert shown(again) == expected
    assert again.get_by_role("combobox", name="Theme").input_value() == "reporting"
    assert again.get_by_role("searchbox", name="Search").input_value() == "alerts"
    assert again.get_by_role("status").inner_text() == f"{len(expected)} of {len(cards)} initiatives shown"


def test_a_stale_filter_in_the_url_is_ignored(visit: Any, sites: Path) -> None:
    cards = board_cards(roadmap(sites))
    page = visit("public/index.html?theme=no-such-theme&tag=search")
    assert shown(page) == {slug(i) for i in cards if "search" in i["tags"]}
    assert page.get_by_role("combobox", name="Theme").input_value() == ""


def test_without_javascript_every_card_and_link_works(visit: Any, sites: Path) -> None:
    data = roadmap(sites)
    page = visit("public/index.html", javascript=False)
    assert shown(page) == {slug(i) for i in board_cards(data)}
    assert not page.locator("#filters").is_visible()  # a form that could not filter stays out of the way
    assert not page.locator("#appearance").is_visible()
    first = board_cards(data)[0]
    page.get_by_role("link", name=first["title"]).click()
    page.wait_for_url(f"**/{first['url']}")
    assert page.get_by_role("heading", level=1).inner_text() == first["title"]
    for link in ("Completed", "Objectives"):
        page.get_by_role("navigation", name="Roadmap sections").get_by_role("link", name=link).click()
        assert page.get_by_role("heading", level=1).inner_text() == link


def test_keyboard_only(visit: Any, sites: Path) -> None:
    cards = board_cards(roadmap(sites))
    page = visit("public/index.html")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()
    assert skip.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    search = page.get_by_role("searchbox", name="Search")
    assert search.evaluate("el => el === document.activeElement")
    assert search.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
    page.keyboard.type("warehouse")
    assert 0 < len(shown(page)) < len(cards)
    page.keyboard.press("Tab")
    theme = page.get_by_role("combobox", name="Theme")
    assert theme.evaluate("el => el === document.activeElement")
    # Tab on to the first visible card's link, then open it with Enter.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('.card-title')"):
            break
    focused = page.evaluate("document.activeElement.textContent")
    outline = page.evaluate("getComputedStyle(document.activeElement.closest('.card')).outlineStyle")
    assert outline != "none"  # the whole card shows the focus
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == focused


def test_screen_reader_names_and_landmarks(visit: Any) -> None:
    page = visit("public/index.html")
    assert page.get_by_role("banner").count() == 1
    assert page.get_by_role("main").count() == 1
    assert page.get_by_role("contentinfo").count() == 1
    assert page.get_by_role("search", name="Filter the roadmap").count() == 1
    for name in ("Theme", "Tag", "Objective"):
        assert page.get_by_role("combobox", name=name).count() == 1
    for horizon in BOARD:
        heading = page.get_by_role("heading", level=2, name=re.compile(rf"^{horizon} \d+ initiatives?$"))
        assert heading.count() == 1, horizon
    assert page.get_by_role("status").count() == 1
    toggle = page.get_by_role("button", name="Dark mode")
    assert toggle.get_attribute("aria-pressed") == "false"


def test_works_from_disk_under_the_csp(visit: Any, sites: Path, tmp_path: Path) -> None:
    """file:// pages load their own scripts and styles ('self' covers them in Chromium) and filter as usual."""
    cards = board_cards(roadmap(sites))
    index = (sites / "public" / "index.html").as_uri()
    page = visit(index)
    assert page.locator("#filters").is_visible()
    page.get_by_role("combobox", name="Tag").select_option("alerts")
    assert shown(page) == {slug(i) for i in cards if "alerts" in i["tags"]}
    assert urlsplit(page.url).query == "tag=alerts"
    assert page.evaluate("getComputedStyle(document.querySelector('.board')).display") == "grid"
    detail = visit((sites / "public" / cards[0]["url"]).as_uri())
    assert detail.get_by_role("heading", level=1).inner_text() == cards[0]["title"]


def test_the_csp_forbids_inline_script_and_other_hosts(sites: Path) -> None:
    page = (sites / "public" / "index.html").read_text(encoding="utf-8")
    csp = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1))
    policy = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["default-src"] == "'none'"
    for path in (sites / "public").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path
        assert not re.search(r"\sstyle=|\son[a-z]+=", text), path


def test_embed_takes_the_filters_from_its_url(visit: Any, sites: Path, artifacts: Path) -> None:
    cards = board_cards(roadmap(sites))
    page = visit("public/embed/index.html?theme=reporting&objective=OKR-1", width=700)
    expected = {slug(i) for i in cards if i["theme"] == "Reporting" and "OKR-1" in i["objectives"]}
    assert expected and shown(page) == expected
    assert page.get_by_role("banner").count() == 0 and page.get_by_role("contentinfo").count() == 0
    assert page.locator(".card-summary").count() == 0  # compact cards
    full = page.get_by_role("link", name=re.compile("Open the full roadmap"))
    assert full.get_attribute("href") == "../index.html?theme=reporting&objective=OKR-1"
    assert full.get_attribute("target") == "_blank"
    page.screenshot(path=str(artifacts / "embed.png"), full_page=True)


def test_dark_mode_follows_the_system_and_the_toggle_sticks(visit: Any, artifacts: Path) -> None:
    page = visit("public/index.html", color_scheme="dark")
    background = "getComputedStyle(document.body).backgroundColor"
    dark = page.evaluate(background)
    toggle = page.get_by_role("button", name="Dark mode")
    assert toggle.get_attribute("aria-pressed") == "true"
    page.screenshot(path=str(artifacts / "board-dark.png"))
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "false"
    light = page.evaluate(background)
    assert light != dark
    page.reload()
    assert page.evaluate(background) == light  # remembered
    assert page.get_by_role("button", name="Dark mode").get_attribute("aria-pressed") == "false"


def test_print_is_three_columns_on_landscape_pages(visit: Any, artifacts: Path) -> None:
    page = visit("public/index.html")
    page.emulate_media(media="print")
    lefts = {round(box["x"]) for box in (c.bounding_box() for c in page.locator(".column").all())}
    assert len(lefts) == 3
    assert not page.locator("#filters").is_visible() and not page.locator(".site-footer").is_visible()
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (artifacts / "board-print.pdf").write_bytes(pdf)
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert boxes and all(float(w) > float(h) for w, h in boxes)  # landscape
    assert len(boxes) <= 3  # the sample board fits a few slides


def test_screenshots_for_people_to_look_at(visit: Any, sites: Path, artifacts: Path) -> None:
    first = board_cards(roadmap(sites))[0]
    visit("public/index.html").screenshot(path=str(artifacts / "board.png"), full_page=True)
    visit(f"public/{first['url']}").screenshot(path=str(artifacts / "initiative.png"), full_page=True)
    visit("public/index.html", width=375, height=800).screenshot(path=str(artifacts / "board-phone.png"))
    visit("internal/priorities/index.html").screenshot(path=str(artifacts / "priorities.png"), full_page=True)
    for name in ("board.png", "initiative.png", "board-phone.png", "priorities.png"):
        assert (artifacts / name).stat().st_size > 10_000
