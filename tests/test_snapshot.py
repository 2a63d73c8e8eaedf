"""Snapshots of the last good Google Sheets fetch (`--snapshot DIR`, `--offline`),
and what a scheduled build does when the fetch fails: exit 2, site untouched.

The real gspread + google-auth code talks to the loopback stand-in
(tests/fake_google.py); the CLI runs as a subprocess except where noted."""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import run_sheetmap, tree_bytes, write_workbook
from fake_google import FakeGoogle, FakeSpreadsheet, FakeTab, stand_in_fixtures
from google_workbook import google_env
from sheetmap.errors import ConfigError, SourceError
from sheetmap.snapshot import SnapshotPolicy, dumps, load, save, snapshot_policy
from sheetmap.sources import gsheets, read_source, read_sources
from sheetmap.sources.table import RawRow, RawSheet

EMAIL = "roadmap-bot@acme-roadmap.iam.gserviceaccount.com"
KEY = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_snap"
URL = f"https://docs.google.com/spreadsheets/d/{KEY}/edit"
MARCH_1_2026 = 46082  # serial: days since 1899-12-30


def spreadsheet() -> FakeSpreadsheet:
    return FakeSpreadsheet(
        key=KEY,
        title="Acme roadmap",
        shared_with={EMAIL},
        tabs=[
            FakeTab(
                "Roadmap",
                sheet_id=0,
                rows=[
                    ["Acme roadmap — edit below"],
                    [],
                    ["ID", "Title", "Horizon", "Visibility", "Completed", "Problem", "Rank"],
                    ["INIT-1", "Checkout is too slow", "Now", "Public", None, "Carts are abandoned", 1],
                    ["INIT-2", "Nobody finds the export", "Next", "Public", None, "Support tickets", 2.5],
                    ["INIT-3", "Reports time out", "Done", "Public", MARCH_1_2026 + 0.75, "Big accounts"],
                    ["INIT-4", "Pricing page confuses buyers", "Later", "Internal"],
                ],
            ),
            FakeTab(
                "Ideas 💡",
                sheet_id=1613166149,
                rows=[["ID", "Title", "Initiative", "Visibility"], ["IDEA-1", "One-click pay", "INIT-1", "Public"]],
            ),
            FakeTab("Lists", sheet_id=755875121, hidden=True, rows=[["Now"], ["Next"], [True, 3.25]]),
        ],
    )


rsa_key, fake, info = stand_in_fixtures(EMAIL, spreadsheet)


@pytest.fixture
def env(fake: FakeGoogle, info: dict[str, str]) -> dict[str, str]:
    return google_env(fake, info)


@pytest.fixture
def in_env(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """`env` in this process, for the in-process tests."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


OFFLINE_ENV = {  # no key, and no way to reach anything
    "SHEETMAP_GOOGLE_CREDENTIALS": "",
    "GOOGLE_APPLICATION_CREDENTIALS": "",
    "SHEETMAP_GOOGLE_API": "http://127.0.0.1:9",
}


# --------------------------------------------------------------------------- the file


def test_a_good_fetch_is_saved_and_reads_back_as_the_same_tables(
    tmp_path: Path, fake: FakeGoogle, in_env: dict[str, str], info: dict[str, str]
) -> None:
    policy = SnapshotPolicy(tmp_path / "snapshots")
    fetched = read_sources([URL], policy)

    path = tmp_path / "snapshots" / f"{KEY}.json"
    assert path.is_file() and [p.name for p in path.parent.iterdir()] == [path.name]
    offline = read_sources([URL], SnapshotPolicy(tmp_path / "snapshots", offline=True))
    assert offline == fetched  # titles, row numbers, values and their types, cell links, order
    assert [type(v) for v in offline[0].rows[2].values] == [str, str, str, str, type(None), str, int]
    assert type(offline[0].rows[3].values[6]) is float  # Rank 2.5
    assert isinstance(offline[0].rows[4].values[4], float)  # a date-time serial
    assert offline[1].cell_url is not None and offline[1].cell_url("B2") == (
        f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=1613166149&range=B2"
    )
    assert fake.count("token", "metadata", "values") == 3  # offline asked Google nothing
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["format"] == "sheetmap-snapshot" and document["key"] == KEY
    assert [s["title"] for s in document["sheets"]] == ["Roadmap", "Ideas 💡", "Lists"]
    assert document["sheets"][0]["rows"][0] == {"row": 1, "values": ["Acme roadmap — edit below"]}
    assert document["sheets"][0]["rows"][1]["row"] == 3  # the blank row 2 is skipped, numbering goes on
    text = path.read_text(encoding="utf-8")
    for secret in (info["private_key_id"], info["private_key"].splitlines()[1], *fake.tokens):
        assert secret not in text


def test_the_same_sheet_gives_the_same_bytes(tmp_path: Path, fake: FakeGoogle, in_env: dict[str, str]) -> None:
    first, second = SnapshotPolicy(tmp_path / "a"), SnapshotPolicy(tmp_path / "b")
    read_sources([URL], first)
    read_sources([URL], second)
    assert (tmp_path / "a" / f"{KEY}.json").read_bytes() == (tmp_path / "b" / f"{KEY}.json").read_bytes()


def test_a_new_fetch_replaces_the_snapshot(tmp_path: Path, fake: FakeGoogle, in_env: dict[str, str]) -> None:
    policy = SnapshotPolicy(tmp_path)
    read_sources([URL], policy)
    fake.spreadsheets[KEY].tabs[0].rows[3][1] = "Checkout takes four clicks"
    read_sources([URL], policy)
    (roadmap, *_) = read_sources([URL], SnapshotPolicy(tmp_path, offline=True))
    assert roadmap.rows[2].values[1] == "Checkout takes four clicks"
    assert not [p for p in tmp_path.iterdir() if p.name != f"{KEY}.json"]  # no temporary files left


cell_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: not f.is_integer()),
    st.text(),  # lone surrogates and control characters included
)


@st.composite
def raw_sheets(draw: st.DrawFn) -> list[RawSheet]:
    sheets = []
    for index, title in enumerate(draw(st.lists(st.text(min_size=1), max_size=4, unique=True))):
        numbers = sorted(draw(st.sets(st.integers(1, 10_000), max_size=6)))
        rows = [RawRow(n, tuple(draw(st.lists(cell_values, min_size=1, max_size=6)))) for n in numbers]
        gid = draw(st.integers(0, 2**31 - 1))
        sheets.append(RawSheet(URL, title, rows, cell_url=gsheets.CellLink(KEY, gid), index=index))
    return sheets


@settings(max_examples=150, deadline=None)
@given(raw_sheets())
def test_any_tables_survive_the_round_trip(tmp_path_factory: pytest.TempPathFactory, sheets: list[RawSheet]) -> None:
    path = tmp_path_factory.mktemp("snap") / f"{KEY}.json"
    save(path, KEY, sheets)
    again = load(path, URL)
    assert again == sheets
    for before, after in zip(sheets, again, strict=True):
        for row_before, row_after in zip(before.rows, after.rows, strict=True):
            assert [type(v) for v in row_after.values] == [type(v) for v in row_before.values]
            assert all(
                math.copysign(1, a) == math.copysign(1, b)  # -0.0 stays -0.0
                for a, b in zip(row_before.values, row_after.values, strict=True)
                if isinstance(a, float) and isinstance(b, float)
            )
    assert dumps(KEY, again) == path.read_bytes()


def test_offline_without_a_snapshot_file_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as caught:
        read_sources([URL], SnapshotPolicy(tmp_path, offline=True))
    assert str(caught.value) == (
        f"--offline: there is no snapshot of {URL} in {tmp_path} (looked for {KEY}.json). "
        "Build once without --offline, with the same snapshot folder, to fetch and save it."
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "Expecting property name"),
        ('{"format": "something-else"}', "not a snapshot file"),
        ('{"format": "sheetmap-snapshot", "version": 99}', "version 99, this sheetmap reads version 1"),
        ('{"format": "sheetmap-snapshot", "version": 1, "key": "1Other"}', "it holds spreadsheet '1Other'"),
        (json.dumps({"format": "sheetmap-snapshot", "version": 1, "key": KEY, "sheets": [{}]}), "'gid'"),
        (
            json.dumps(
                {
                    "format": "sheetmap-snapshot",
                    "version": 1,
                    "key": KEY,
                    "sheets": [{"title": "T", "gid": 0, "date1904": False, "rows": [{"row": 1, "values": [[1]]}]}],
                }
            ),
            "a cell holds list",
        ),
    ],
)
def test_a_damaged_snapshot_is_a_source_error(tmp_path: Path, content: str, expected: str) -> None:
    (tmp_path / f"{KEY}.json").write_text(content, encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        read_sources([URL], SnapshotPolicy(tmp_path, offline=True))
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / (KEY + '.json')} is not a sheetmap snapshot of {URL} (")
    assert expected in message and "Delete it and build once without --offline" in message


def test_offline_needs_a_folder() -> None:
    assert snapshot_policy(None, offline=False) is None
    with pytest.raises(ConfigError, match=r"--offline reads Google Sheets from a snapshot folder, and none is set"):
        snapshot_policy(None, offline=True)


def test_nothing_is_saved_when_another_source_fails(tmp_path: Path, fake: FakeGoogle, in_env: dict[str, str]) -> None:
    with pytest.raises(SourceError, match="does not exist"):
        read_sources([URL, str(tmp_path / "sprints.xlsx")], SnapshotPolicy(tmp_path / "snapshots"))
    assert fake.count("values") == 1  # the sheet was fetched...
    assert not (tmp_path / "snapshots" / f"{KEY}.json").exists()  # ...but the run failed, so it is not kept


def test_workbooks_are_read_from_disk_even_offline(tmp_path: Path) -> None:
    workbook = write_workbook(tmp_path / "sprints.xlsx", {"Tasks": [["ID", "Title"], ["T-1", "Write it"]]})
    (tasks,) = read_sources([str(workbook)], SnapshotPolicy(tmp_path / "none", offline=True))
    assert tasks.rows == [RawRow(1, ("ID", "Title")), RawRow(2, ("T-1", "Write it"))]
    assert not (tmp_path / "none").exists()


# --------------------------------------------------------------------------- the command


def test_build_saves_and_offline_builds_the_same_site(tmp_path: Path, fake: FakeGoogle, env: dict[str, str]) -> None:
    online = run_sheetmap("build", URL, "--snapshot", "snapshots", "--out", "online", cwd=tmp_path, env=env)
    assert online.returncode == 0, online.stderr
    assert (tmp_path / "snapshots" / f"{KEY}.json").is_file()
    requests_made = len(fake.requests)

    offline = run_sheetmap(
        "build", URL, "--snapshot", "snapshots", "--offline", "--out", "offline", cwd=tmp_path, env=OFFLINE_ENV
    )

    assert offline.returncode == 0, offline.stderr
    assert len(fake.requests) == requests_made
    assert tree_bytes(tmp_path / "offline") == tree_bytes(tmp_path / "online")
    assert offline.stdout.startswith("Built public site: 3 initiatives (1 now, 1 next, 0 later, 1 done) from 'Roadmap'")


def test_the_snapshot_folder_can_be_set_in_the_config(tmp_path: Path, fake: FakeGoogle, env: dict[str, str]) -> None:
    (tmp_path / "sheetmap.yml").write_text(f"sources:\n  - {URL}\nsnapshot: .sheetmap/snapshot\n", encoding="utf-8")

    validated = run_sheetmap("validate", cwd=tmp_path, env=env)
    offline = run_sheetmap("validate", "--offline", "--format", "json", cwd=tmp_path, env=OFFLINE_ENV)

    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert (tmp_path / ".sheetmap" / "snapshot" / f"{KEY}.json").is_file()
    assert offline.returncode == 0, offline.stderr
    assert json.loads(offline.stdout)["errors"] == 0


def test_offline_without_a_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = run_sheetmap("build", URL, "--offline", cwd=tmp_path, env=OFFLINE_ENV)
    assert result.returncode == 2
    assert "Error: --offline reads Google Sheets from a snapshot folder, and none is set" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_snapshot_inside_the_site_is_refused(tmp_path: Path, env: dict[str, str]) -> None:
    result = run_sheetmap("build", URL, "--snapshot", "site/data", cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert "is inside the output folder site: it would be published" in result.stderr
    assert not (tmp_path / "site").exists()


# --------------------------------------------------------------------------- scheduled builds that fail


def _state(tmp_path: Path) -> dict[str, bytes]:
    """The site's files and the snapshot, as the build left them."""
    return {**tree_bytes(tmp_path / "site"), "SNAPSHOT": (tmp_path / "snapshots" / f"{KEY}.json").read_bytes()}


@pytest.fixture
def published(tmp_path: Path, fake: FakeGoogle, env: dict[str, str]) -> dict[str, bytes]:
    """A site and a snapshot from last night's good build."""
    result = run_sheetmap("build", URL, "--snapshot", "snapshots", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    fake.requests.clear()
    return _state(tmp_path)


@pytest.fixture
def build_in_process(tmp_path: Path, in_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """`build(**retry)`: `sheetmap build URL --snapshot snapshots` run in tmp_path with these RetryPolicy defaults.

    In-process only to shorten the retry budget from a minute to a fraction of a
    second; the retries themselves are real HTTP requests to the stand-in.
    """
    from sheetmap.cli import main

    def build(**retry: float) -> Result:
        monkeypatch.setattr(gsheets, "RetryPolicy", functools.partial(gsheets.RetryPolicy, **retry))
        monkeypatch.chdir(tmp_path)
        return CliRunner().invoke(main, ["build", URL, "--snapshot", "snapshots"])

    return build


def test_a_sheet_no_longer_shared_fails_the_build_and_keeps_the_site(
    tmp_path: Path, fake: FakeGoogle, env: dict[str, str], published: dict[str, bytes]
) -> None:
    fake.spreadsheets[KEY].tabs[0].rows[3][1] = "Changed tonight"
    fake.spreadsheets[KEY].shared_with.clear()  # someone tidied up the sharing settings

    result = run_sheetmap("build", URL, "--snapshot", "snapshots", "--format", "github", cwd=tmp_path, env=env)

    assert result.returncode == 2
    assert f"cannot open the spreadsheet {URL}. Share it with that address (Viewer)" in result.stderr
    assert "Nothing was written; site/ is unchanged." in result.stderr
    assert f"The last good fetch of this spreadsheet is kept in snapshots/{KEY}.json: add --offline" in result.stderr
    assert "Traceback" not in result.stderr
    (annotation,) = result.stdout.splitlines()
    assert annotation.startswith(f"::error title=sheetmap::The service account {EMAIL} cannot open")
    assert fake.count("metadata") == 1  # 403 is an answer: not retried
    assert _state(tmp_path) == published


def test_a_deleted_sheet_fails_the_build_and_keeps_the_site(
    tmp_path: Path, fake: FakeGoogle, env: dict[str, str], published: dict[str, bytes]
) -> None:
    del fake.spreadsheets[KEY]
    result = run_sheetmap("build", URL, "--snapshot", "snapshots", cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert f"There is no spreadsheet with key {KEY}" in result.stderr
    assert _state(tmp_path) == published


def test_google_failing_all_night_fails_the_build_and_keeps_the_site(
    tmp_path: Path, fake: FakeGoogle, published: dict[str, bytes], build_in_process: Callable[..., Result]
) -> None:
    fake.fail("values", *[500] * 200)

    result = build_in_process(total=0.5, first_delay=0.02)

    assert result.exit_code == 2, result.output
    assert "Google Sheets kept failing with 500 Internal Server Error for 0.5 s" in result.stderr
    assert "Nothing was written; site/ is unchanged." in result.stderr
    assert fake.count("values") > 2  # retried, then gave up
    assert _state(tmp_path) == published


def test_429_then_success_publishes(
    tmp_path: Path, fake: FakeGoogle, published: dict[str, bytes], build_in_process: Callable[..., Result]
) -> None:
    fake.fail("metadata", 429, 503)
    fake.spreadsheets[KEY].tabs[0].rows[6][2] = "Next"  # INIT-4 moves, but stays internal

    result = build_in_process(first_delay=0.02)

    assert result.exit_code == 0, result.output
    assert fake.count("metadata") == 3 and fake.count("values") == 1
    assert _state(tmp_path)["roadmap.json"] == published["roadmap.json"]  # the public data did not change
    assert _state(tmp_path)["SNAPSHOT"] != published["SNAPSHOT"]


def test_read_source_is_the_plain_reader(fake: FakeGoogle, in_env: dict[str, str]) -> None:
    # Without a policy nothing is saved anywhere, and the same tables come back.
    assert read_sources([URL]) == read_source(URL)
