"""Google Sheets source: the real gspread + google-auth code against a loopback
stand-in for Google (tests/fake_google.py), reached through SHEETMAP_GOOGLE_API
and the key's token_uri."""

from __future__ import annotations

import base64
import json
import logging
import socket
import sys
import time
import traceback
from collections.abc import Iterator
from typing import Any

import pytest

from fake_google import (  # tests/ is on sys.path, as for conftest
    SHEETS_SCOPE,
    TOKEN_AUDIENCE,
    FakeGoogle,
    FakeSpreadsheet,
    FakeTab,
    generate_private_key,
    service_account_info,
    stand_in_fixtures,
)
from sheetmap.errors import SourceError
from sheetmap.sources.gsheets import (
    RetryPolicy,
    display_source,
    is_google_source,
    read_google_sheet,
    spreadsheet_key,
)
from sheetmap.sources.table import RawRow, RawSheet

EMAIL = "roadmap-bot@acme-roadmap.iam.gserviceaccount.com"
KEY = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcd"
URL = f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=0"
FAST = RetryPolicy(total=2.0, first_delay=0.01, max_delay=0.05)
MARCH_1_2026 = 46082  # days since 1899-12-30


def roadmap() -> FakeSpreadsheet:
    return FakeSpreadsheet(
        key=KEY,
        title="Acme roadmap",
        shared_with={EMAIL},
        tabs=[
            FakeTab(
                "Roadmap",
                sheet_id=0,
                rows=[
                    ["Acme product roadmap"],
                    [],
                    ["ID", "Title", "Horizon", "Rank", "Completed", "Public"],
                    ["INIT-1", "Faster checkout", "Now", 1, MARCH_1_2026, True],
                    ["INIT-2", "Offline mode", "Later", 2.5, None, False, None, ""],
                    [None, "", None],
                    ["INIT-3", "", "Next", 5.0, MARCH_1_2026 + 0.75, None, "007"],
                ],
            ),
            FakeTab(
                "Ideas 💡 & 'quotes'",
                sheet_id=1613166149,
                rows=[["ID", "Title"], ["IDEA-1", "One-click pay"]],
            ),
            FakeTab(
                "Lists",
                sheet_id=755875121,
                hidden=True,
                rows=[["Now"], ["Next"], ["Later"]],
            ),
            FakeTab("Chart 1", sheet_id=99, sheet_type="OBJECT"),
            FakeTab("Empty", sheet_id=42),
        ],
    )


# --------------------------------------------------------------------------- fixtures


rsa_key, fake, info = stand_in_fixtures(EMAIL, roadmap)


@pytest.fixture(scope="session")
def other_rsa_key() -> Any:
    return generate_private_key()


@pytest.fixture
def env(fake: FakeGoogle, info: dict[str, str]) -> dict[str, str]:
    """Only the two variables the reader needs (it is given this environment, not the process's)."""
    return {"SHEETMAP_GOOGLE_CREDENTIALS": json.dumps(info), "SHEETMAP_GOOGLE_API": fake.url}


def read(spec: str, env: dict[str, str], **kwargs: Any) -> list[RawSheet]:
    kwargs.setdefault("retry", FAST)
    kwargs.setdefault("timeout", 5.0)
    return read_google_sheet(spec, environ=env, **kwargs)


def read_error(spec: str, env: dict[str, str], **kwargs: Any) -> str:
    with pytest.raises(SourceError) as caught:
        read(spec, env, **kwargs)
    assert caught.value.exit_code == 2
    return str(caught.value)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --------------------------------------------------------------------------- reading


def test_reads_every_grid_tab_into_raw_sheets(fake: FakeGoogle, env: dict[str, str]) -> None:
    sheets = read(URL, env)

    assert [(s.title, s.index) for s in sheets] == [
        ("Roadmap", 0),
        ("Ideas 💡 & 'quotes'", 1),
        ("Lists", 2),  # hidden tabs are read: they hold drop-down lists
        ("Empty", 3),  # the chart tab has no cells and is skipped
    ]
    roadmap_tab = sheets[0]
    assert roadmap_tab.source == URL
    assert roadmap_tab.date1904 is False
    assert roadmap_tab.rows == [
        RawRow(1, ("Acme product roadmap",)),
        RawRow(3, ("ID", "Title", "Horizon", "Rank", "Completed", "Public")),
        RawRow(4, ("INIT-1", "Faster checkout", "Now", 1, MARCH_1_2026, True)),
        RawRow(5, ("INIT-2", "Offline mode", "Later", 2.5, None, False)),
        RawRow(7, ("INIT-3", None, "Next", 5, MARCH_1_2026 + 0.75, None, "007")),
    ]
    init1, init3 = roadmap_tab.rows[2].values, roadmap_tab.rows[4].values
    assert type(init1[3]) is int and type(init1[5]) is bool
    assert type(init3[3]) is int  # 5.0 arrives as a float and becomes 5
    assert type(init3[4]) is float  # a date-time serial stays a number for the core
    assert sheets[1].rows == [RawRow(1, ("ID", "Title")), RawRow(2, ("IDEA-1", "One-click pay"))]
    assert [r.values for r in sheets[2].rows] == [("Now",), ("Next",), ("Later",)]
    assert sheets[3].rows == []


def test_cell_urls_open_the_right_tab_and_cell(env: dict[str, str]) -> None:
    roadmap_tab, ideas = read(KEY, env)[:2]
    assert roadmap_tab.cell_url is not None and ideas.cell_url is not None
    base = f"https://docs.google.com/spreadsheets/d/{KEY}/edit"
    assert roadmap_tab.cell_url("C14") == f"{base}#gid=0&range=C14"
    assert ideas.cell_url("B2") == f"{base}#gid=1613166149&range=B2"


def test_one_token_call_and_two_api_calls_whatever_the_number_of_tabs(fake: FakeGoogle, env: dict[str, str]) -> None:
    read(URL, env)

    assert [seen.route for seen in fake.requests] == ["token", "metadata", "values"]
    metadata, values = fake.api_calls()
    assert metadata.path == f"/v4/spreadsheets/{KEY}"
    assert metadata.query["fields"] == ["sheets(properties(sheetId,title,index,sheetType,hidden))"]
    assert values.path == f"/v4/spreadsheets/{KEY}/values:batchGet"
    assert values.query["ranges"] == ["'Roadmap'", "'Ideas 💡 & ''quotes'''", "'Lists'", "'Empty'"]
    assert values.query["valueRenderOption"] == ["UNFORMATTED_VALUE"]
    assert values.query["dateTimeRenderOption"] == ["SERIAL_NUMBER"]
    for seen in (metadata, values):
        token = seen.headers["authorization"].removeprefix("Bearer ")
        assert fake.tokens[token] == EMAIL


def test_asks_only_for_read_only_access(fake: FakeGoogle, env: dict[str, str]) -> None:
    read(URL, env)
    (assertion,) = fake.assertions
    payload = assertion.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["scope"] == SHEETS_SCOPE
    assert claims["iss"] == EMAIL and claims["aud"] == TOKEN_AUDIENCE


def test_api_base_may_carry_a_path_prefix(fake: FakeGoogle, env: dict[str, str]) -> None:
    env["SHEETMAP_GOOGLE_API"] = fake.url + "/google-proxy/"
    assert len(read(URL, env)) == 4
    assert {seen.path.split("/v4/")[0] for seen in fake.api_calls()} == {"/google-proxy"}


def test_a_spreadsheet_whose_tabs_are_all_charts_is_read_with_one_call(fake: FakeGoogle, env: dict[str, str]) -> None:
    fake.spreadsheets[KEY].tabs = [FakeTab("Chart", sheet_type="OBJECT")]
    assert read(KEY, env) == []
    assert fake.count("metadata", "values") == 1


# --------------------------------------------------------------------------- sources

URL_FORMS = [
    URL,
    f"https://docs.google.com/spreadsheets/d/{KEY}/edit?usp=sharing",
    f"https://docs.google.com/spreadsheets/u/1/d/{KEY}/edit#gid=1613166149",
    f"https://docs.google.com/spreadsheets/d/{KEY}",
    f"  {URL}  ",
    KEY,
]


@pytest.mark.parametrize("spec", URL_FORMS)
def test_url_and_key_forms(spec: str, env: dict[str, str]) -> None:
    assert is_google_source(spec)
    assert spreadsheet_key(spec) == KEY
    sheets = read(spec, env)
    assert sheets[0].source == spec.strip()


@pytest.mark.parametrize(
    "spec",
    [
        "roadmap.xlsx",
        "sheets/",
        "backlog",
        "Jira.csv",
        r"C:\data\roadmap.xlsx",
        "https://example.com/spreadsheets/d/" + KEY,
        "https://docs.google.com/document/d/" + KEY + "/edit",
        "sprint-backlog-2026",
    ],
)
def test_other_sources_are_not_google(spec: str) -> None:
    assert not is_google_source(spec)


def test_an_existing_path_named_like_a_key_is_not_google(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert is_google_source(KEY)
    (tmp_path / KEY).mkdir()
    assert not is_google_source(KEY)


def test_a_publish_to_web_link_is_explained() -> None:
    published = "https://docs.google.com/spreadsheets/d/e/2PACX-1vQabc123/pubhtml"
    assert is_google_source(published)
    with pytest.raises(SourceError, match="Publish to the web"):
        spreadsheet_key(published)


def test_a_url_without_a_key_is_a_source_error() -> None:
    with pytest.raises(SourceError, match="not a Google Sheets address"):
        spreadsheet_key("https://docs.google.com/spreadsheets/create")


def test_source_drops_passwords_and_secret_parameters(env: dict[str, str]) -> None:
    spec = (
        f"https://bob:hunter2@docs.google.com/spreadsheets/d/{KEY}/edit"
        "?resourcekey=0-SeCrEtVaLuE&usp=sharing&access_token=ya29.SeCrEt#gid=0"
    )
    shown = display_source(spec)
    assert shown == f"https://docs.google.com/spreadsheets/d/{KEY}/edit?usp=sharing#gid=0"
    assert read(spec, env)[0].source == shown


# --------------------------------------------------------------------------- API failures


def test_not_shared_with_the_service_account(fake: FakeGoogle, env: dict[str, str]) -> None:
    fake.spreadsheets[KEY].shared_with.clear()
    message = read_error(URL, env)
    assert message.startswith(f"The service account {EMAIL} cannot open the spreadsheet {URL}")
    assert "Share it with that address (Viewer)" in message
    assert fake.count("metadata") == 1  # 403 is not retried


def test_403_on_the_values_call_too(fake: FakeGoogle, env: dict[str, str]) -> None:
    fake.fail("values", 403)
    assert "Share it with that address (Viewer)" in read_error(URL, env)
    assert fake.count("values") == 1


def test_unknown_key(fake: FakeGoogle, env: dict[str, str]) -> None:
    other = "1" + "x" * 43
    message = read_error(other, env)
    assert f"There is no spreadsheet with key {other}: check the URL" in message
    assert fake.count("metadata") == 1  # 404 is not retried


def test_401_is_not_retried(fake: FakeGoogle, env: dict[str, str]) -> None:
    fake.fail("metadata", 401)
    message = read_error(URL, env)
    assert f"did not accept the access token of the service account {EMAIL}" in message
    assert "SHEETMAP_GOOGLE_CREDENTIALS" in message
    assert fake.count("metadata") == 1 and fake.count("token") == 1


def test_sheets_api_not_enabled(fake: FakeGoogle, env: dict[str, str]) -> None:
    fake.fail("metadata", "service_disabled")
    message = read_error(URL, env)
    assert "Google Sheets API is not enabled" in message and EMAIL in message


def test_an_excel_file_in_drive(fake: FakeGoogle, env: dict[str, str]) -> None:
    fake.fail("metadata", "office_file")
    assert "Save as Google Sheets" in read_error(URL, env)


@pytest.mark.parametrize(
    ("route", "answers", "calls"),
    [
        ("metadata", [429], 2),
        ("metadata", [500], 2),
        ("values", [503, "html502"], 3),
        ("values", [429, 500, 429], 4),
    ],
)
def test_429_and_5xx_are_retried(
    fake: FakeGoogle, env: dict[str, str], route: str, answers: list[Any], calls: int
) -> None:
    fake.fail(route, *answers)
    assert len(read(URL, env)) == 4
    assert fake.count(route) == calls
    assert fake.count("token") == 1


@pytest.mark.parametrize(
    ("status", "expected"),
    [(429, "429 Too Many Requests"), (500, "kept failing with 500"), (503, "503")],
)
def test_retries_are_bounded_in_time(fake: FakeGoogle, env: dict[str, str], status: int, expected: str) -> None:
    fake.fail("metadata", *[status] * 1000)
    policy = RetryPolicy(total=0.4, first_delay=0.02, max_delay=0.1)
    started = time.monotonic()
    message = read_error(URL, env, retry=policy)
    assert time.monotonic() - started < 2.0
    assert expected in message and "0.4 s" in message
    assert fake.count("metadata") >= 3


def test_retry_policy_backs_off_exponentially_with_jitter() -> None:
    policy = RetryPolicy()
    assert policy.total == 60.0  # the default bound on a whole read
    for attempt, step in enumerate([1, 2, 4, 8, 16, 16]):
        waits = [policy.delay(attempt, None) for _ in range(50)]
        assert all(step / 2 <= w <= step for w in waits)
        assert len(set(waits)) > 1
    assert policy.delay(0, 7.0) == 7.0  # Retry-After wins when longer


def test_connection_refused_names_the_host(env: dict[str, str]) -> None:
    port = closed_port()
    env["SHEETMAP_GOOGLE_API"] = f"http://127.0.0.1:{port}"
    message = read_error(URL, env)
    assert f"Cannot connect to 127.0.0.1:{port}" in message
    assert "Connection refused" in message and "SHEETMAP_GOOGLE_API" in message


def test_unknown_host_names_the_host(env: dict[str, str]) -> None:
    env["SHEETMAP_GOOGLE_API"] = "http://sheets.sheetmap-test.invalid"
    assert "Cannot connect to sheets.sheetmap-test.invalid" in read_error(URL, env)


def test_token_endpoint_unreachable(rsa_key: Any, fake: FakeGoogle, env: dict[str, str]) -> None:
    port = closed_port()
    info = service_account_info(rsa_key, email=EMAIL, token_uri=f"http://127.0.0.1:{port}/token")
    env["SHEETMAP_GOOGLE_CREDENTIALS"] = json.dumps(info)
    message = read_error(URL, env)
    assert f"token endpoint 127.0.0.1:{port}" in message and "SHEETMAP_GOOGLE_CREDENTIALS" in message


def test_a_slow_answer_times_out(fake: FakeGoogle, env: dict[str, str]) -> None:
    fake.fail("metadata", ("slow", 1.5))
    message = read_error(URL, env, timeout=0.3)
    assert "did not answer within 0.3 s" in message


def test_bad_api_base(env: dict[str, str]) -> None:
    env["SHEETMAP_GOOGLE_API"] = "localhost:8080"
    assert "SHEETMAP_GOOGLE_API must be a base URL" in read_error(URL, env)


# --------------------------------------------------------------------------- credentials


def test_credentials_from_a_key_file(tmp_path: Any, fake: FakeGoogle, info: dict[str, str]) -> None:
    path = tmp_path / "roadmap-bot.json"
    path.write_text(json.dumps(info, indent=2))
    env = {"GOOGLE_APPLICATION_CREDENTIALS": str(path), "SHEETMAP_GOOGLE_API": fake.url}
    assert len(read(URL, env)) == 4


def test_sheetmap_google_credentials_wins(fake: FakeGoogle, env: dict[str, str]) -> None:
    env["GOOGLE_APPLICATION_CREDENTIALS"] = "/nonexistent/other-account.json"
    assert len(read(URL, env)) == 4


def test_no_credentials_names_both_variables(fake: FakeGoogle) -> None:
    message = read_error(URL, {"SHEETMAP_GOOGLE_API": fake.url})
    assert "GOOGLE_APPLICATION_CREDENTIALS" in message
    assert "SHEETMAP_GOOGLE_CREDENTIALS" in message
    assert fake.requests == []


def test_an_empty_ci_secret_is_explained(fake: FakeGoogle) -> None:
    message = read_error(URL, {"SHEETMAP_GOOGLE_CREDENTIALS": "  "})
    assert "set but empty" in message and "secret" in message


def test_key_file_not_found(tmp_path: Any) -> None:
    missing = tmp_path / "nope.json"
    message = read_error(URL, {"GOOGLE_APPLICATION_CREDENTIALS": str(missing)})
    assert f"GOOGLE_APPLICATION_CREDENTIALS names {missing}" in message
    assert "no such file" in message


def test_key_file_is_a_folder(tmp_path: Any) -> None:
    message = read_error(URL, {"GOOGLE_APPLICATION_CREDENTIALS": str(tmp_path)})
    assert "which is a folder" in message


def test_key_file_is_not_json(tmp_path: Any) -> None:
    path = tmp_path / "key.json"
    path.write_text("this is not json")
    message = read_error(URL, {"GOOGLE_APPLICATION_CREDENTIALS": str(path)})
    assert f"the key file {path} (named by GOOGLE_APPLICATION_CREDENTIALS) is not valid JSON" in message


def test_a_path_in_the_json_variable() -> None:
    message = read_error(URL, {"SHEETMAP_GOOGLE_CREDENTIALS": "/home/me/key.json"})
    assert "SHEETMAP_GOOGLE_CREDENTIALS is not valid JSON" in message
    assert "set GOOGLE_APPLICATION_CREDENTIALS" in message


def test_json_with_real_line_breaks_in_the_key(info: dict[str, str]) -> None:
    text = json.dumps(info).replace("\\n", "\n")
    message = read_error(URL, {"SHEETMAP_GOOGLE_CREDENTIALS": text})
    assert "is not valid JSON" in message and "line breaks" in message


def test_not_a_service_account_key() -> None:
    user = {"type": "authorized_user", "client_id": "x", "refresh_token": "y"}
    message = read_error(URL, {"SHEETMAP_GOOGLE_CREDENTIALS": json.dumps(user)})
    assert "holds a 'authorized_user' credential" in message
    message = read_error(URL, {"SHEETMAP_GOOGLE_CREDENTIALS": "[1, 2]"})
    assert "not a service-account key" in message


@pytest.mark.parametrize("field", ["client_email", "private_key", "token_uri"])
def test_missing_fields(info: dict[str, str], field: str) -> None:
    del info[field]
    message = read_error(URL, {"SHEETMAP_GOOGLE_CREDENTIALS": json.dumps(info)})
    assert "SHEETMAP_GOOGLE_CREDENTIALS is not a complete service-account key" in message
    assert f"{field} missing" in message


@pytest.mark.parametrize(
    "damage",
    [
        lambda pem: pem[: len(pem) // 2],  # truncated
        lambda pem: pem.replace("\n", "\\n"),  # line breaks doubled-escaped
        lambda pem: pem.replace("PRIVATE KEY", "PUBLIC KEY"),
    ],
)
def test_private_key_not_parseable(info: dict[str, str], damage: Any) -> None:
    info["private_key"] = damage(info["private_key"])
    message = read_error(URL, {"SHEETMAP_GOOGLE_CREDENTIALS": json.dumps(info)})
    assert "The private_key in SHEETMAP_GOOGLE_CREDENTIALS cannot be read" in message


def test_token_endpoint_refuses_a_wrong_key(fake: FakeGoogle, env: dict[str, str], other_rsa_key: Any) -> None:
    # Same account, a key Google does not know: the signature check fails for real.
    info = service_account_info(other_rsa_key, email=EMAIL, token_uri=fake.token_uri)
    env["SHEETMAP_GOOGLE_CREDENTIALS"] = json.dumps(info)
    message = read_error(URL, env)
    assert message.startswith(
        f"Google refused the service-account key in SHEETMAP_GOOGLE_CREDENTIALS ({EMAIL}): "
        "invalid_grant (Invalid JWT Signature.)"
    )
    assert "Create a new JSON key" in message
    assert fake.api_calls() == []


def test_token_endpoint_says_invalid_grant(fake: FakeGoogle, env: dict[str, str]) -> None:
    fake.fail("token", "invalid_grant")
    assert "invalid_grant" in read_error(URL, env)
    assert fake.api_calls() == []


# --------------------------------------------------------------------------- secrecy


class _ShowExtras(logging.Handler):
    """Print every attribute of a record, extras included (like a JSON log formatter)."""

    def emit(self, record: logging.LogRecord) -> None:
        sys.stderr.write(f"{record.getMessage()} {record.__dict__!r}\n")


@pytest.fixture
def debug_logging(caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # What logging.basicConfig(level=DEBUG) installs. basicConfig itself would do
    # nothing here: pytest's capture handlers already sit on the root logger.
    root = logging.getLogger()
    stderr_handler = logging.StreamHandler(sys.stderr)
    stderr_handler.setFormatter(logging.Formatter(logging.BASIC_FORMAT))
    root.addHandler(stderr_handler)
    caplog.set_level(logging.DEBUG)
    # And google-auth's own request/response logging, which stays silent unless
    # its "google" logger is configured: turn it on, extras shown.
    google = logging.getLogger("google")
    extras = _ShowExtras()
    google.addHandler(extras)
    monkeypatch.setattr(google, "propagate", True)
    previous_level = google.level
    google.setLevel(logging.DEBUG)
    yield
    google.setLevel(previous_level)
    google.removeHandler(extras)
    root.removeHandler(stderr_handler)


def _secrets(info: dict[str, str], fake: FakeGoogle) -> list[str]:
    pem_lines = [line for line in info["private_key"].splitlines() if line and "-----" not in line]
    assert len(pem_lines) > 20
    issued = list(fake.tokens) + fake.assertions + [a.split(".")[-1] for a in fake.assertions if a]
    return [info["private_key_id"], info["private_key"], json.dumps(info), *pem_lines, *issued]


def _damaged(info: dict[str, str]) -> dict[str, str]:
    return {**info, "private_key": info["private_key"][:900]}


SCENARIOS = {
    "success": lambda fake, info: json.dumps(info),
    "truncated PEM": lambda fake, info: json.dumps(_damaged(info)),
    "real line breaks": lambda fake, info: json.dumps(info).replace("\\n", "\n"),
    "JSON cut short": lambda fake, info: json.dumps(info)[:1200],
    "invalid_grant": lambda fake, info: (fake.fail("token", "invalid_grant"), json.dumps(info))[1],
    "not shared": lambda fake, info: (fake.spreadsheets[KEY].shared_with.clear(), json.dumps(info))[1],
    "500 until give-up": lambda fake, info: (fake.fail("values", *[500] * 50), json.dumps(info))[1],
}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_key_material_never_appears_in_output_logs_or_errors(
    scenario: str,
    fake: FakeGoogle,
    info: dict[str, str],
    debug_logging: None,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    env = {"SHEETMAP_GOOGLE_CREDENTIALS": SCENARIOS[scenario](fake, info), "SHEETMAP_GOOGLE_API": fake.url}
    error_text = ""
    try:
        read(URL, env, retry=RetryPolicy(total=0.2, first_delay=0.01, max_delay=0.02))
    except SourceError as exc:
        error_text = "".join(traceback.format_exception(exc)) + repr(exc.args)
        context = exc.__context__
        while context is not None:  # hidden by `from None`, but still attached
            error_text += repr(context) + repr(getattr(context, "args", ""))
            context = context.__context__
    out, err = capfd.readouterr()
    records = "\n".join(f"{r.getMessage()} {r.__dict__!r}" for r in caplog.records)
    everything = "\n".join([out, err, caplog.text, records, error_text])

    for secret in _secrets(info, fake):
        assert secret not in everything

    assert (scenario == "success") == (error_text == "")
    if fake.count("token"):
        # The check means something: google-auth's request log was on and showed
        # the token request, with the assertion blanked.
        assert "Making request..." in err and "'assertion': '<hidden>'" in err
