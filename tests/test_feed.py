"""feed.xml across builds: what changed since the published roadmap.json, with stable IDs and dates from the data."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import json
import shutil
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import run_sheetmap, write_workbook
from sheetmap.model import Initiative, Roadmap
from sheetmap.render.changes import Change, compute_changes

ATOM = "{http://www.w3.org/2005/Atom}"
HEADER = ["ID", "Title", "Horizon", "Theme", "Visibility", "Completed", "Problem"]
CLEAN_ENV = {"SOURCE_DATE_EPOCH": ""}


def book(path: Path, rows: list[list[Any]]) -> Path:
    return write_workbook(path, {"Initiatives": [HEADER, *rows]})


def row(id_: str, title: str, horizon: str, completed: dt.date | None = None, visibility: str = "Public") -> list[Any]:
    return [id_, title, horizon, "Reporting", visibility, completed, f"Why {title.lower()} matters."]


FIRST = [
    row("INIT-1", "Reports are hard to find", "Now"),
    row("INIT-2", "Dashboards are slow", "Next"),
    row("INIT-3", "Alerts arrive too late", "Later"),
    row("INIT-4", "Exports time out", "Done", dt.date(2026, 3, 2)),
    row("INIT-5", "Billing is confusing", "Later"),
]


def build(tmp: Path, rows: list[list[Any]], *extra: str, out: str = "site", env: dict[str, str] | None = None) -> Any:
    book(tmp / "roadmap.xlsx", rows)
    result = run_sheetmap("build", "roadmap.xlsx", "--out", out, *extra, cwd=tmp, env={**CLEAN_ENV, **(env or {})})
    assert "Traceback" not in result.stderr
    return result


def entries(site: Path) -> list[dict[str, str]]:
    root = ET.parse(site / "feed.xml").getroot()
    assert root.tag == f"{ATOM}feed"
    found = []
    for entry in root.findall(f"{ATOM}entry"):
        found.append(
            {
                "id": entry.findtext(f"{ATOM}id") or "",
                "title": entry.findtext(f"{ATOM}title") or "",
                "updated": entry.findtext(f"{ATOM}updated") or "",
                "kind": entry.find(f"{ATOM}category").get("term"),  # type: ignore[union-attr]
                "link": entry.find(f"{ATOM}link").get("href"),  # type: ignore[union-attr]
                "summary": entry.findtext(f"{ATOM}summary") or "",
            }
        )
    return found


def test_first_build_lists_every_card_once(tmp_path: Path) -> None:
    result = build(tmp_path, FIRST)
    assert result.returncode == 0, result.stderr
    feed = ET.parse(tmp_path / "site" / "feed.xml").getroot()
    assert feed.findtext(f"{ATOM}id", "").startswith("urn:uuid:")
    assert feed.findtext(f"{ATOM}updated") == "2026-03-02T00:00:00Z"  # the newest date in the data
    found = entries(tmp_path / "site")
    assert sorted((e["kind"], e["title"]) for e in found) == sorted(
        [
            ("added", "New in Now: Reports are hard to find"),
            ("added", "New in Next: Dashboards are slow"),
            ("added", "New in Later: Alerts arrive too late"),
            ("added", "New in Later: Billing is confusing"),
            ("completed", "Completed: Exports time out"),
        ]
    )
    assert all(e["updated"] == "2026-03-02T00:00:00Z" for e in found)
    assert len({e["id"] for e in found}) == len(found)
    assert {e["link"] for e in found} == {f"initiatives/init-{n}.html" for n in range(1, 6)}


def test_second_build_reports_added_moved_completed_and_withdrawn(tmp_path: Path) -> None:
    assert build(tmp_path, FIRST).returncode == 0
    before = {e["id"]: e for e in entries(tmp_path / "site")}
    second = [
        row("INIT-1", "Reports are hard to find", "Next"),  # moved
        row("INIT-2", "Dashboards are slow", "Done", dt.date(2026, 4, 20)),  # completed
        row("INIT-3", "Alerts arrive too late", "Later"),  # unchanged
        row("INIT-4", "Exports time out", "Done", dt.date(2026, 3, 2)),  # unchanged
        row("INIT-5", "Billing is confusing", "Later", visibility="Internal"),  # withdrawn from the public
        row("INIT-6", "Teams cannot share a chart", "Now"),  # added
    ]
    assert build(tmp_path, second).returncode == 0
    found = entries(tmp_path / "site")
    new = [e for e in found if e["id"] not in before]
    assert sorted((e["kind"], e["title"], e["updated"]) for e in new) == [
        ("added", "New in Now: Teams cannot share a chart", "2026-04-20T00:00:00Z"),
        ("completed", "Completed: Dashboards are slow", "2026-04-20T00:00:00Z"),
        ("moved", "Moved to Next: Reports are hard to find", "2026-04-20T00:00:00Z"),
        ("withdrawn", "Withdrawn: Billing is confusing", "2026-04-20T00:00:00Z"),
    ]
    moved = next(e for e in new if e["kind"] == "moved")
    assert moved["summary"].startswith("Moved from Now to Next.")
    withdrawn = next(e for e in new if e["kind"] == "withdrawn")
    assert withdrawn["link"] == "index.html"
    # Older entries keep their IDs; the withdrawn card's earlier story is dropped, its withdrawal kept.
    kept = [e for e in found if e["id"] in before]
    assert {e["id"] for e in kept} == {i for i, e in before.items() if "Billing" not in e["title"]}
    assert [e["updated"] for e in found] == sorted((e["updated"] for e in found), reverse=True)
    data = json.loads((tmp_path / "site" / "roadmap.json").read_text(encoding="utf-8"))
    assert data["updated"] == "2026-04-20"
    assert len(data["changes"]) == len(found)


def test_a_rebuild_without_changes_gives_the_same_feed_byte_for_byte(tmp_path: Path) -> None:
    assert build(tmp_path, FIRST).returncode == 0
    first = (tmp_path / "site" / "feed.xml").read_bytes()
    assert build(tmp_path, FIRST).returncode == 0
    assert (tmp_path / "site" / "feed.xml").read_bytes() == first


def test_entry_ids_are_the_same_whichever_folder_builds_them(tmp_path: Path) -> None:
    """In place, or in a fresh CI checkout with --previous: the same change gets the same ID."""
    assert build(tmp_path, FIRST).returncode == 0
    shutil.copy(tmp_path / "site" / "roadmap.json", tmp_path / "published.json")
    moved = [row("INIT-1", "Reports are hard to find", "Later"), *FIRST[1:]]
    assert build(tmp_path, moved).returncode == 0
    assert build(tmp_path, moved, "--previous", "published.json", out="fresh").returncode == 0
    assert (tmp_path / "site" / "feed.xml").read_bytes() == (tmp_path / "fresh" / "feed.xml").read_bytes()
    # A build that forgot --previous starts over, but re-announces nothing under a new ID.
    assert build(tmp_path, FIRST, out="forgetful").returncode == 0
    assert build(tmp_path, FIRST, out="forgetful2").returncode == 0
    ids = [e["id"] for e in entries(tmp_path / "forgetful")]
    assert ids == [e["id"] for e in entries(tmp_path / "forgetful2")]


def test_moving_back_and_forth_gives_each_move_its_own_id(tmp_path: Path) -> None:
    there = [row("INIT-1", "Reports are hard to find", "Next"), *FIRST[1:]]
    ids: list[str] = []
    for rows in (FIRST, there, FIRST, there):
        assert build(tmp_path, rows).returncode == 0
        ids = [e["id"] for e in entries(tmp_path / "site")]
    moves = [e for e in entries(tmp_path / "site") if e["kind"] == "moved"]
    assert len(moves) == 3 and len(set(ids)) == len(ids)


def test_source_date_epoch_dates_the_changes(tmp_path: Path) -> None:
    assert build(tmp_path, FIRST).returncode == 0
    moved = [row("INIT-1", "Reports are hard to find", "Later"), *FIRST[1:]]
    stamp = str(int(dt.datetime(2026, 11, 5, 15, 30, tzinfo=dt.UTC).timestamp()))
    assert build(tmp_path, moved, env={"SOURCE_DATE_EPOCH": stamp}).returncode == 0
    move = next(e for e in entries(tmp_path / "site") if e["kind"] == "moved")
    assert move["updated"] == "2026-11-05T00:00:00Z"


def test_base_url_makes_links_absolute(tmp_path: Path) -> None:
    (tmp_path / "sheetmap.yml").write_text("title: Acme\nbase_url: https://roadmap.acme.example/\n", encoding="utf-8")
    assert build(tmp_path, FIRST).returncode == 0
    root = ET.parse(tmp_path / "site" / "feed.xml").getroot()
    self_link = next(link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self")
    assert self_link.get("href") == "https://roadmap.acme.example/feed.xml"
    assert all(e["link"].startswith("https://roadmap.acme.example/initiatives/") for e in entries(tmp_path / "site"))


def test_a_public_feed_never_diffs_against_an_internal_roadmap(tmp_path: Path) -> None:
    rows = [*FIRST, row("INIT-9", "Secret pricing experiment", "Now", visibility="Internal")]
    assert build(tmp_path, rows, "--audience", "internal", out="internal").returncode == 0
    # Named explicitly: refused, with the reason.
    result = build(tmp_path, rows, "--previous", "internal/roadmap.json")
    assert result.returncode == 2
    assert "internal roadmap" in result.stderr and "public" in result.stderr
    # Found in the output folder (someone built internal into it): ignored, nothing internal leaks.
    assert build(tmp_path, rows, "--audience", "internal", out="mixed").returncode == 0
    assert build(tmp_path, rows, out="mixed").returncode == 0
    text = (tmp_path / "mixed" / "feed.xml").read_text(encoding="utf-8")
    assert "Secret pricing" not in text
    assert "Secret pricing" not in (tmp_path / "mixed" / "roadmap.json").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("previous", "message"),
    [
        ("missing.json", "no such file"),
        ("notjson.json", "not JSON"),
        ("other.json", "not a sheetmap roadmap.json"),
    ],
)
def test_a_bad_previous_is_a_usage_error(tmp_path: Path, previous: str, message: str) -> None:
    (tmp_path / "notjson.json").write_text("{oops", encoding="utf-8")
    (tmp_path / "other.json").write_text('{"name": "package.json"}', encoding="utf-8")
    result = build(tmp_path, FIRST, "--previous", previous)
    assert result.returncode == 2
    assert message in result.stderr and previous in result.stderr
    assert not (tmp_path / "site").exists()


class _Site(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture()
def published(tmp_path: Path) -> Iterator[str]:
    """The first build's site served on 127.0.0.1, as a published site would be."""
    assert build(tmp_path, FIRST, out="live").returncode == 0
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Site, directory=str(tmp_path / "live"))
    )
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_previous_from_a_url(tmp_path: Path, published: str) -> None:
    moved = [row("INIT-1", "Reports are hard to find", "Later"), *FIRST[1:]]
    result = build(tmp_path, moved, "--previous", f"{published}/roadmap.json", out="ci")
    assert result.returncode == 0, result.stderr
    kinds = [e["kind"] for e in entries(tmp_path / "ci")]
    assert kinds.count("moved") == 1 and kinds.count("added") == 4
    # Nothing published yet (404): the feed starts fresh, with a note.
    result = build(tmp_path, moved, "--previous", f"{published}/nothing-here/roadmap.json", out="first")
    assert result.returncode == 0
    assert "starts fresh" in result.stderr
    assert "moved" not in [e["kind"] for e in entries(tmp_path / "first")]


def test_a_large_previous_file_is_read_whole(tmp_path: Path) -> None:
    """100,000 initiatives make a 160 MB roadmap.json; a path is not cut short (it was, at 50 MB, as "not JSON")."""
    assert build(tmp_path, FIRST, out="live").returncode == 0
    published = json.loads((tmp_path / "live" / "roadmap.json").read_text(encoding="utf-8"))
    published["padding"] = "x" * (60 * 1024 * 1024)
    (tmp_path / "large.json").write_text(json.dumps(published), encoding="utf-8")
    moved = [row("INIT-1", "Reports are hard to find", "Later"), *FIRST[1:]]
    result = build(tmp_path, moved, "--previous", "large.json", out="ci")
    assert result.returncode == 0, result.stderr
    assert [e["kind"] for e in entries(tmp_path / "ci")].count("moved") == 1


def test_a_previous_file_that_is_not_text_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "binary.json").write_bytes(b'{"initiatives": ["\xff\xfe"]}')
    result = build(tmp_path, FIRST, "--previous", "binary.json")
    assert result.returncode == 2
    assert "binary.json: this is not UTF-8 text" in result.stderr
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("announce_length", [True, False], ids=["announced", "streamed"])
def test_a_previous_url_larger_than_any_roadmap_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, announce_length: bool
) -> None:
    from sheetmap.errors import SheetmapError
    from sheetmap.render import previous

    body = json.dumps({"initiatives": [], "padding": "x" * 5000}).encode()

    class Large(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"  # without a length the body ends when the connection closes

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            if announce_length:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Large)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/roadmap.json"
    try:
        assert previous.read_previous(url)["initiatives"] == []  # under the cap it is read
        monkeypatch.setattr(previous, "MAX_URL_BYTES", 4096)
        with pytest.raises(SheetmapError, match=r"answer is larger than .* MB.*download the file and pass its path"):
            previous.read_previous(url)
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_an_unreachable_previous_url_exits_2(tmp_path: Path) -> None:
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Site) as idle:
        port = idle.server_address[1]
    result = build(tmp_path, FIRST, "--previous", f"http://127.0.0.1:{port}/roadmap.json")
    assert result.returncode == 2
    assert "cannot reach" in result.stderr
    assert not (tmp_path / "site").exists()


# --- the diff itself, as a property -------------------------------------------------------------------------------

HORIZON = st.sampled_from(["Now", "Next", "Later", "Done", None])  # None: not on this audience's roadmap


def _roadmap(horizons: dict[str, str | None]) -> Roadmap:
    cards = tuple(
        Initiative(
            id=i,
            title=f"Card {i}",
            horizon=h,
            visibility="Public",
            slug=i.lower(),
            completed=dt.date(2026, 5, 1) if h == "Done" else None,
        )
        for i, h in horizons.items()
        if h is not None
    )
    return Roadmap(audience="public", initiatives=cards)


def _published(roadmap: Roadmap, changes: list[Change]) -> dict[str, Any]:
    return {
        "audience": "public",
        "initiatives": [{"id": i.id, "title": i.title, "horizon": i.horizon} for i in roadmap.initiatives],
        "changes": [c.as_json() for c in changes],
    }


@given(
    st.lists(
        st.dictionaries(st.sampled_from(["A-1", "A-2", "A-3", "A-4"]), HORIZON, min_size=4), min_size=2, max_size=5
    )
)
@settings(max_examples=150, deadline=None)
def test_each_build_records_exactly_what_changed(builds: list[dict[str, str | None]]) -> None:
    previous: dict[str, Any] | None = None
    before: dict[str, str | None] = {}
    for horizons in builds:
        roadmap = _roadmap(horizons)
        changes, _ = compute_changes(roadmap, previous, key="k", url_of=lambda i: f"initiatives/{i.slug}.html")
        old_ids = {c["id"] for c in (previous or {}).get("changes", [])}
        fresh = [c for c in changes if c.id not in old_ids]
        expected = {}
        for card, now in horizons.items():
            was = before.get(card)
            if was == now:
                continue
            if now is None:
                expected[card] = "withdrawn"
            elif was is None:
                expected[card] = "completed" if now == "Done" else "added"
            else:
                expected[card] = "completed" if now == "Done" else "reopened" if was == "Done" else "moved"
        assert {c.initiative: c.kind for c in fresh} == expected
        assert len(fresh) == len(expected)
        assert len({c.id for c in changes}) == len(changes)  # IDs never repeat
        # The same build against the same previous gives the same IDs: nothing is announced twice.
        again, _ = compute_changes(roadmap, previous, key="k", url_of=lambda i: f"initiatives/{i.slug}.html")
        assert again == changes
        previous, before = _published(roadmap, changes), dict(horizons)


_JSON_VALUES = st.none() | st.booleans() | st.integers() | st.text(max_size=8)
_CARD_IDS = st.sampled_from(["A-1", "A-2", "A-3", "A-4"])
#: A card as roadmap.json writes it (with more than the feed reads), or one written otherwise.
_PUBLISHED_CARD = st.fixed_dictionaries(
    {"id": _CARD_IDS, "horizon": HORIZON, "title": st.text(max_size=8)},
    optional={
        "description": st.text(max_size=20),
        "ideas": st.lists(st.dictionaries(st.text(max_size=4), _JSON_VALUES)),
    },
) | st.dictionaries(st.sampled_from(["id", "horizon", "title", "theme"]), _CARD_IDS | HORIZON | _JSON_VALUES)


@given(
    horizons=st.dictionaries(_CARD_IDS, HORIZON, min_size=4),
    cards=st.lists(_PUBLISHED_CARD | _JSON_VALUES, max_size=6),
    audience=st.sampled_from(["public", "public", "internal"]) | _JSON_VALUES,
)
@example(
    horizons={"A-1": None, "A-2": "Now", "A-3": "Now", "A-4": "Now"},
    cards=[{"id": "A-1", "horizon": "Now", "title": "Withdrawn, by its old title", "description": "…"}],
    audience="public",
)
@settings(max_examples=200, deadline=None)
def test_the_feed_is_the_same_from_what_is_kept_of_the_previous_roadmap(
    horizons: dict[str, str | None], cards: list[Any], audience: Any
) -> None:
    """A build keeps only each previous card's ID, horizon and title (350 MB less at 100,000 cards)."""
    from sheetmap.render.changes import feed_basis

    roadmap = _roadmap(horizons)
    history = compute_changes(_roadmap({"A-1": "Now"}), None, key="k", url_of=lambda i: "x")[0]
    published = {"audience": audience, "initiatives": cards, "changes": [c.as_json() for c in history], "themes": []}
    kept = feed_basis(published)

    def changes(previous: dict[str, Any]) -> Any:
        return compute_changes(roadmap, previous, key="k", url_of=lambda i: f"initiatives/{i.slug}.html")

    assert changes(kept) == changes(published)
    assert all(set(card) <= {"id", "horizon", "title"} for card in kept["initiatives"])


def test_a_build_with_more_changes_than_the_feed_keeps_keeps_the_newest(monkeypatch: pytest.MonkeyPatch) -> None:
    """IDs are made only for the changes kept: those kept, and their IDs, are what keeping every change gives."""
    from sheetmap.render import changes as module

    def horizons(count: int, shift: int) -> dict[str, str | None]:
        return {f"A-{n}": ["Now", "Next", "Later", "Done", None][(n + shift) % 5] for n in range(count)}

    def dated(horizons: dict[str, str | None]) -> Roadmap:  # completed on different days: the newest come first
        roadmap = _roadmap(horizons)
        cards = tuple(
            Initiative(**{**c.__dict__, "completed": dt.date(2026, 5, 1 + int(c.id[2:]) % 28)})
            if c.horizon == "Done"
            else c
            for c in roadmap.initiatives
        )
        return Roadmap(audience="public", initiatives=cards)

    first = dated(horizons(180, 0))
    history, _ = compute_changes(first, None, key="k", url_of=lambda i: "x")
    previous = _published(first, history)
    second = dated(horizons(260, 2))
    kept, _ = compute_changes(second, previous, key="k", url_of=lambda i: "x")
    assert len(kept) == module.HISTORY == 100
    monkeypatch.setattr(module, "HISTORY", 10_000)
    every, _ = compute_changes(second, previous, key="k", url_of=lambda i: "x")
    assert len(every) > 300
    assert kept == every[:100]
    # Fresh changes of several kinds and dates, and the history below them, take part.
    assert {c.kind for c in kept} == {"added", "moved"} and {c.kind for c in every[100:]} >= {"completed", "added"}
    assert {c.id for c in history} & {c.id for c in every[100:]}
