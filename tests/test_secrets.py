"""Credentials never reach output, logs, error messages, the built site or the snapshot: through the real CLI.

tests/test_gsheets.py checks the Google reader in-process at DEBUG level
(google-auth's request log included) for each way a read can fail, and
tests/test_google_e2e.py checks a successful CLI build's output. This file
covers what is left: the real `sheetmap` command, run as a CI job with
verbose logging switched on (every logger at DEBUG, google-auth's too,
Python's development mode), for successful and failing reads, with the key
in the CI secret variable or in a key file, and then every byte it left
behind: stdout, stderr, each file of the built site and of the snapshot
folder. None holds any part of the key, the signed token request or the
access token the stand-in issued.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import write_workbook
from fake_google import FakeGoogle, generate_private_key, service_account_info
from google_workbook import google_env, spreadsheet_from_xlsx

EMAIL = "roadmap-ci@larkspur-roadmap.iam.gserviceaccount.com"
KEY = "1SecretsTestSpreadsheetKey_0123456789-abcdefgh"
URL = f"https://docs.google.com/spreadsheets/d/{KEY}/edit"

#: `python -m sheetmap`, as a CI job that turned every log on would run it.
#: Each record is printed with every attribute, extras included, as a JSON log formatter would.
VERBOSE = """
import logging, runpy, sys

class Everything(logging.Formatter):
    def format(self, record):
        return f"{record.levelname} {record.name} {record.getMessage()} {record.__dict__!r}"

handler = logging.StreamHandler(sys.stderr)
handler.setFormatter(Everything())
logging.basicConfig(level=logging.DEBUG, handlers=[handler])
for name in ("google", "google.auth", "google.auth.transport.requests", "urllib3", "gspread", "sheetmap"):
    logging.getLogger(name).setLevel(logging.DEBUG)
sys.argv = ["sheetmap", *sys.argv[1:]]
runpy.run_module("sheetmap", run_name="__main__", alter_sys=True)
"""


@pytest.fixture(scope="module")
def rsa_key() -> Any:
    return generate_private_key()


@pytest.fixture
def fake(rsa_key: Any, tmp_path: Path) -> Iterator[FakeGoogle]:
    workbook = write_workbook(
        tmp_path / "roadmap.xlsx",
        {
            "Initiatives": [
                ["ID", "Title", "Horizon", "Visibility", "Notes"],
                ["INIT-1", "Reports are hard to find", "Now", "Public", "internal note"],
                ["INIT-2", "Exports time out", "Next", "Internal", ""],
            ]
        },
    )
    with FakeGoogle() as server:
        server.register(EMAIL, rsa_key)
        server.add(spreadsheet_from_xlsx(workbook, key=KEY, title="Roadmap", shared_with={EMAIL}))
        yield server


@pytest.fixture
def info(fake: FakeGoogle, rsa_key: Any) -> dict[str, str]:
    return service_account_info(rsa_key, email=EMAIL, token_uri=fake.token_uri)


def key_material(info: dict[str, str], fake: FakeGoogle) -> list[str]:
    """Every secret: the key's id and each line of it, the whole JSON, and what the stand-in saw and issued."""
    lines = [line for line in info["private_key"].splitlines() if line and "-----" not in line]
    assert len(lines) > 20
    issued = [*fake.tokens, *fake.assertions, *(a.split(".")[-1] for a in fake.assertions if a)]
    return [info["private_key_id"], info["private_key"], json.dumps(info), *lines, *issued]


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-X", "dev", "-c", VERBOSE, *args],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def left_behind(*folders: Path) -> str:
    """Every file under these folders, names and contents, as one text."""
    parts = []
    for folder in folders:
        for path in sorted(folder.rglob("*")) if folder.exists() else []:
            if path.is_file():
                parts.append(str(path))
                parts.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(parts)


def assert_no_secret(text: str, info: dict[str, str], fake: FakeGoogle) -> None:
    for secret in key_material(info, fake):
        assert secret not in text, f"secret material ({secret[:12]}…) found"


SUCCESS = {
    "build": ["build", URL, "--audience", "internal", "--out", "site", "--snapshot", "snapshot"],
    "validate json": ["validate", URL, "--format", "json"],
    "validate github": ["validate", URL, "--format", "github"],
}


@pytest.mark.parametrize("command", list(SUCCESS))
@pytest.mark.parametrize("where", ["secret variable", "key file"])
def test_a_successful_run_shows_no_secret_anywhere(
    command: str, where: str, tmp_path: Path, fake: FakeGoogle, info: dict[str, str]
) -> None:
    env = google_env(fake, info)
    if where == "key file":
        key_file = tmp_path / "service-account.json"
        key_file.write_text(json.dumps(info), encoding="utf-8")
        env["SHEETMAP_GOOGLE_CREDENTIALS"] = ""
        env.pop("SHEETMAP_GOOGLE_CREDENTIALS")
        env["GOOGLE_APPLICATION_CREDENTIALS"] = str(key_file)
    work = tmp_path / "work"
    work.mkdir()
    done = run(SUCCESS[command], work, env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert fake.count("token") >= 1 and fake.tokens  # a real token was issued and used
    # The logs really were on, google-auth's request log included (with the signed assertion blanked).
    assert "Making request..." in done.stderr and "'assertion': '<hidden>'" in done.stderr
    assert_no_secret(done.stdout + done.stderr + left_behind(work / "site", work / "snapshot"), info, fake)
    if command == "build":
        assert (work / "site" / "index.html").is_file() and list((work / "snapshot").glob("*.json"))


FAILURES = {
    "token refused (invalid_grant)": lambda fake, info: (fake.fail("token", "invalid_grant"), json.dumps(info))[1],
    "sheet not shared (403)": lambda fake, info: (fake.spreadsheets[KEY].shared_with.clear(), json.dumps(info))[1],
    "unknown key (404)": lambda fake, info: (fake.fail("metadata", 404), json.dumps(info))[1],
    "truncated PEM": lambda fake, info: json.dumps({**info, "private_key": info["private_key"][:900]}),
    "JSON cut short": lambda fake, info: json.dumps(info)[:1200],
    "line breaks unescaped": lambda fake, info: json.dumps(info).replace("\\n", "\n"),
}


@pytest.mark.parametrize("failure", list(FAILURES))
@pytest.mark.parametrize("command", ["build", "validate json"])
def test_a_failing_run_shows_no_secret_anywhere(
    failure: str, command: str, tmp_path: Path, fake: FakeGoogle, info: dict[str, str]
) -> None:
    env = {**google_env(fake, info), "SHEETMAP_GOOGLE_CREDENTIALS": FAILURES[failure](fake, info)}
    work = tmp_path / "work"
    work.mkdir()
    done = run(SUCCESS[command], work, env)
    if failure == "line breaks unescaped" and done.returncode == 0:
        pass  # a key pasted with real line breaks is accepted (and must still not show)
    else:
        assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
        assert "Error: " in done.stderr
    assert "Traceback" not in done.stderr
    assert not (work / "site").exists() or done.returncode == 0
    assert_no_secret(done.stdout + done.stderr + left_behind(work), info, fake)
