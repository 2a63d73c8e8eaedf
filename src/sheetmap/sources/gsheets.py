"""Read a Google Sheets spreadsheet into the same `RawSheet` tables as an .xlsx.

A source is a spreadsheet URL (https://docs.google.com/spreadsheets/d/KEY/edit)
or its bare KEY. The read uses gspread's HTTP client with google-auth
service-account credentials and the read-only ``spreadsheets.readonly`` scope.

HTTP calls per read: one token request (to the key's own ``token_uri``) and
two Sheets API calls, whatever the number of tabs:

1. ``spreadsheets.get`` with a field mask: each tab's id, title, position,
   type and hidden flag; no cells, no formats.
2. one ``values:batchGet`` of every grid tab with
   ``valueRenderOption=UNFORMATTED_VALUE`` and
   ``dateTimeRenderOption=SERIAL_NUMBER``: text as `str`, numbers as
   `int`/`float` (integral floats become `int`), checkboxes as `bool`.

Dates. Unformatted values carry no number formats, so a date cell arrives as
its serial number (43831 is 2020-01-01) and looks like any other number;
telling them apart would need every cell's format, a far heavier request.
Serials therefore stay numbers, with ``RawSheet.date1904 = False``: Google
counts days from 1899-12-30, exactly like Excel's 1900 system, so the core's
date parser converts numbers found in date columns the same way for both.

Rows keep their real 1-based numbers; blank rows are skipped (numbering goes
on), trailing empty cells are dropped and empty cells inside a row are
`None`, as in the other readers. Hidden tabs are read (teams keep lists
there); chart tabs (``sheetType`` OBJECT) have no cells and are skipped.

Credentials, in this order:

* ``SHEETMAP_GOOGLE_CREDENTIALS``: the service-account JSON itself (a CI
  secret). It wins because it is sheetmap's own, explicit setting, while
  ``GOOGLE_APPLICATION_CREDENTIALS`` is shared with every Google tool on the
  machine and may name some other account.
* ``GOOGLE_APPLICATION_CREDENTIALS``: the path of the JSON key file.

An empty variable counts as unset (GitHub Actions passes a missing secret as
""). Key material never reaches a message, a log record or an exception
chain: errors name the variable and the service account's e-mail, never the
contents, and are raised ``from None``.

``SHEETMAP_GOOGLE_API``, when set, is a base URL that replaces
``https://sheets.googleapis.com`` and ``https://www.googleapis.com`` (for
emulators and proxies). The token endpoint is the key's own ``token_uri``,
as google-auth does it.
"""

from __future__ import annotations

import json
import logging
import os
import random
import re
import time
from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from google.auth import exceptions as auth_exceptions
from google.auth.transport.requests import AuthorizedSession
from google.oauth2 import service_account
from gspread.exceptions import APIError
from gspread.http_client import FileType, HTTPClient, ParamsType

from sheetmap.errors import SourceError

# Re-exported (`x as x`): they live in google_urls so that recognising a source imports no Google client.
from sheetmap.sources.google_urls import CellLink as CellLink
from sheetmap.sources.google_urls import display_source as display_source
from sheetmap.sources.google_urls import is_google_source as is_google_source
from sheetmap.sources.google_urls import spreadsheet_key as spreadsheet_key
from sheetmap.sources.table import CellValue, RawRow, RawSheet, is_blank

log = logging.getLogger(__name__)

CREDENTIALS_JSON_VAR = "SHEETMAP_GOOGLE_CREDENTIALS"
CREDENTIALS_FILE_VAR = "GOOGLE_APPLICATION_CREDENTIALS"
API_BASE_VAR = "SHEETMAP_GOOGLE_API"

SCOPES = ("https://www.googleapis.com/auth/spreadsheets.readonly",)
GOOGLE_API_HOSTS = ("https://sheets.googleapis.com", "https://www.googleapis.com")

_METADATA_FIELDS = "sheets(properties(sheetId,title,index,sheetType,hidden))"
_VALUE_PARAMS = {
    "valueRenderOption": "UNFORMATTED_VALUE",
    "dateTimeRenderOption": "SERIAL_NUMBER",
}

_CONSOLE_KEYS = "Google Cloud console: IAM & Admin > Service accounts > Keys"


# ----------------------------------------------------------------------- credentials


@dataclass(frozen=True)
class _Key:
    credentials: service_account.Credentials
    email: str
    variable: str  # the environment variable it came from, for messages
    token_uri: str


def _load_key(env: Mapping[str, str]) -> _Key:
    inline = env.get(CREDENTIALS_JSON_VAR, "").strip()
    path = env.get(CREDENTIALS_FILE_VAR, "").strip()
    if inline:
        if path:
            log.info("Using %s; %s is ignored.", CREDENTIALS_JSON_VAR, CREDENTIALS_FILE_VAR)
        return _key_from_text(inline, CREDENTIALS_JSON_VAR, CREDENTIALS_JSON_VAR)
    if path:
        where = f"the key file {path} (named by {CREDENTIALS_FILE_VAR})"
        return _key_from_text(_read_key_file(path), CREDENTIALS_FILE_VAR, where)
    message = (
        "Reading a Google Sheet needs a service-account key: set "
        f"{CREDENTIALS_FILE_VAR} to the path of its JSON key file, or put the JSON "
        f"itself in {CREDENTIALS_JSON_VAR} (in GitHub Actions, from a repository "
        "secret)."
    )
    if CREDENTIALS_JSON_VAR in env or CREDENTIALS_FILE_VAR in env:
        message += (
            " One of them is set but empty: in GitHub Actions that means the secret "
            "does not exist or is not available to this workflow run."
        )
    raise SourceError(message + " See docs/google-sheets.md.")


def _read_key_file(path: str) -> str:
    where = f"{CREDENTIALS_FILE_VAR} names {path}"
    try:
        return Path(path).expanduser().read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        problem = "but there is no such file. Set it to the path of the JSON key file."
    except IsADirectoryError:
        problem = "which is a folder. Set it to the path of the JSON key file itself."
    except UnicodeDecodeError:
        problem = "which is not a JSON file (a .p12 key?). Create a JSON key instead."
    except OSError as exc:
        problem = f"which cannot be read: {exc.strerror}."
    raise SourceError(f"{where}, {problem}")


def _key_from_text(text: str, variable: str, where: str) -> _Key:
    # Only our own words go into messages: a JSONDecodeError keeps the whole
    # document in `.doc`, and other parsers may quote their input.
    try:
        info = json.loads(text)
    except json.JSONDecodeError as exc:
        hint = "Use the JSON key file downloaded from Google Cloud, unchanged."
        if "control character" in exc.msg:
            hint = "Its \\n sequences seem to have become real line breaks. " + hint
        elif variable == CREDENTIALS_JSON_VAR and not text.startswith("{"):
            hint = (
                f"{CREDENTIALS_JSON_VAR} must hold the key file's contents, starting "
                f"with '{{'; to name the file instead, set {CREDENTIALS_FILE_VAR}."
            )
        problem = exc.msg.removesuffix(" at")  # "Invalid control character at"
        position = f"{problem}, line {exc.lineno} column {exc.colno}"
        raise SourceError(f"{where} is not valid JSON ({position}). {hint}") from None
    if not isinstance(info, dict):
        raise SourceError(
            f"{where} is JSON but not a service-account key (an object with client_email and private_key)."
        )
    kind = info.get("type")
    if kind is not None and kind != "service_account":
        shown = repr(kind) if isinstance(kind, str) and len(kind) < 40 else "another"
        raise SourceError(
            f"{where} holds a {shown} credential; sheetmap needs a service-account "
            f'key ("type": "service_account"). Create one in {_CONSOLE_KEYS} > '
            "Add key > JSON."
        )
    required = ("client_email", "private_key", "token_uri")
    missing = [f for f in required if not (isinstance(info.get(f), str) and info[f])]
    if missing:
        raise SourceError(
            f"{where} is not a complete service-account key: {', '.join(missing)} "
            "missing. Download a new JSON key for the service account."
        )
    email, token_uri = info["client_email"].strip(), info["token_uri"].strip()
    if urlsplit(token_uri).scheme not in ("http", "https"):
        raise SourceError(f"{where}: token_uri {token_uri!r} is not an http(s) URL.")
    try:
        credentials = service_account.Credentials.from_service_account_info(info, scopes=SCOPES)
    except Exception:
        raise SourceError(
            f"The private_key in {where} cannot be read as a PEM private key: it may "
            "be truncated, or its \\n line breaks were lost or doubled when it was "
            "copied. Use the downloaded JSON file unchanged, or create a new key."
        ) from None
    return _Key(credentials, email, variable, token_uri)


class _HideTokenAssertion(logging.Filter):
    """Blank the signed JWT in google-auth's DEBUG log of token requests.

    When its "google" logger is configured, google-auth logs request bodies in
    the record's `httpRequest` extra. It hashes access tokens but not the
    `assertion`, which anyone could exchange for an access token for an hour.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "httpRequest", None)
        body = request.get("body") if isinstance(request, dict) else None
        if isinstance(request, dict) and isinstance(body, dict) and "assertion" in body:
            record.httpRequest = {**request, "body": {**body, "assertion": "<hidden>"}}
        return True


def _hide_token_assertions() -> None:
    logger = logging.getLogger("google.auth.transport.requests")
    if not any(isinstance(f, _HideTokenAssertion) for f in logger.filters):
        logger.addFilter(_HideTokenAssertion())


# --------------------------------------------------------------------------- HTTP


@dataclass(frozen=True)
class RetryPolicy:
    """How 429 and 5xx answers are retried: exponential back-off with jitter.

    `total` bounds the whole read: no wait is started that would end later
    than `total` seconds after the first attempt.
    """

    total: float = 60.0
    first_delay: float = 1.0
    max_delay: float = 16.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        # "Equal jitter": at least half the exponential step, so retries back off
        # even when unlucky, and clients that failed together spread out.
        step = min(self.max_delay, self.first_delay * 2**attempt)
        wait = step / 2 + random.uniform(0, step / 2)
        return max(wait, retry_after) if retry_after is not None else wait


def _retryable(status: int) -> bool:
    return status in (408, 429) or status >= 500


class _SheetsHTTPClient(HTTPClient):
    """gspread's HTTP client, sent to SHEETMAP_GOOGLE_API and retrying 429 / 5xx.

    Every gspread call goes through `request()`, so overriding it moves this
    client (and only it) to another host; gspread's URL constants, which the
    rest of the process may use, stay untouched.
    """

    def __init__(self, session: AuthorizedSession, *, api_base: str | None, retry: RetryPolicy) -> None:
        super().__init__(auth=session.credentials, session=session)
        self.api_base = api_base
        self.retry = retry

    def url_for(self, endpoint: str) -> str:
        if self.api_base:
            for host in GOOGLE_API_HOSTS:
                if endpoint.startswith(host + "/"):
                    return self.api_base + endpoint[len(host) :]
        return endpoint

    def request(
        self,
        method: str,
        endpoint: str,
        params: ParamsType | None = None,
        data: bytes | None = None,
        json: Mapping[str, Any] | None = None,
        files: FileType = None,
        headers: MutableMapping[str, str] | None = None,
    ) -> requests.Response:
        url = self.url_for(endpoint)
        deadline = time.monotonic() + self.retry.total
        attempt = 0
        while True:
            try:
                return super().request(
                    method,
                    url,
                    params,
                    data=data,
                    json=json,
                    files=files,
                    headers=headers,
                )
            except APIError as err:
                status = err.response.status_code  # err.code is -1 for non-JSON answers
                if not _retryable(status):
                    raise  # 401/403/404 are answers, not hiccups
                wait = self.retry.delay(attempt, _retry_after(err.response))
                if time.monotonic() + wait > deadline:
                    raise
                host = urlsplit(url).netloc
                log.info("%s answered %s; trying again in %.1f s", host, status, wait)
                time.sleep(wait)
                attempt += 1


def _retry_after(response: requests.Response) -> float | None:
    try:
        return float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None  # absent, or an HTTP date: our own back-off will do


def _api_base(env: Mapping[str, str]) -> str | None:
    raw = env.get(API_BASE_VAR, "").strip()
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise SourceError(
            f"{API_BASE_VAR} must be a base URL such as http://localhost:8080, not {display_source(raw)!r}."
        )
    return raw.rstrip("/")


# --------------------------------------------------------------------------- reading


def read_google_sheet(
    spec: str,
    *,
    environ: Mapping[str, str] | None = None,
    timeout: float = 30.0,
    retry: RetryPolicy | None = None,
) -> list[RawSheet]:
    """Read every grid tab of the spreadsheet `spec` (URL or key), in tab order.

    `environ` defaults to `os.environ`; `timeout` bounds each HTTP request and
    `retry` the retrying of 429 / 5xx answers. Every failure is a
    `SourceError` whose message says what to do.
    """
    env = os.environ if environ is None else environ
    key = spreadsheet_key(spec)
    source = display_source(spec)
    api_base = _api_base(env)
    account = _load_key(env)
    _hide_token_assertions()
    # No refresh-and-retry on 401: the token is brand new, a 401 will not go away.
    session = AuthorizedSession(account.credentials, refresh_status_codes=())
    client = _SheetsHTTPClient(session, api_base=api_base, retry=retry or RetryPolicy())
    client.set_timeout(timeout)
    ctx = _Context(key, source, account, api_base, timeout, client.retry.total)
    try:
        with _as_source_errors(ctx):
            metadata = client.fetch_sheet_metadata(key, {"fields": _METADATA_FIELDS})
            tabs = [
                sheet.get("properties", {})
                for sheet in metadata.get("sheets", [])
                if sheet.get("properties", {}).get("sheetType", "GRID") == "GRID"
            ]
            tabs.sort(key=lambda tab: tab.get("index", 0))
            if not tabs:
                return []
            ranges = [_quote_title(tab["title"]) for tab in tabs]
            batch = client.values_batch_get(key, ranges, dict(_VALUE_PARAMS))
    finally:
        session.close()
    value_ranges = batch.get("valueRanges", [])
    if len(value_ranges) != len(tabs):
        raise SourceError(
            f"Google Sheets sent {len(value_ranges)} ranges for the {len(tabs)} tabs of {source}; try again."
        )
    log.debug("Read %d tabs of Google spreadsheet %s", len(tabs), key)
    return [
        RawSheet(
            source=source,
            title=tab["title"],
            rows=_rows(value_range.get("values", []), value_range.get("range", "")),
            date1904=False,  # serials count from 1899-12-30, as in Excel's 1900 system
            cell_url=CellLink(key, int(tab.get("sheetId", 0))),
            index=position,
        )
        for position, (tab, value_range) in enumerate(zip(tabs, value_ranges, strict=True))
    ]


def _quote_title(title: str) -> str:
    """A whole tab in A1 notation: 'It''s here' (always quoted, quotes doubled)."""
    return "'" + title.replace("'", "''") + "'"


def _range_start(a1: str) -> tuple[int, int]:
    """(row number, column offset) where a returned range ('Tab'!A1:Z1000) starts."""
    match = re.match(r"\$?([A-Za-z]+)\$?(\d+)", a1.rpartition("!")[2])
    if not match:
        return 1, 0
    column = 0
    for letter in match.group(1).upper():
        column = column * 26 + ord(letter) - ord("A") + 1
    return int(match.group(2)), column - 1


def _rows(values: list[list[Any]], a1: str) -> list[RawRow]:
    first_row, first_column = _range_start(a1)
    rows: list[RawRow] = []
    for offset, raw in enumerate(values):
        cells: list[CellValue] = [None] * first_column + [_cell(v) for v in raw]
        while cells and cells[-1] is None:
            cells.pop()
        if all(is_blank(c) for c in cells):
            continue  # a blank row ([] from the API): skipped, numbering goes on
        rows.append(RawRow(number=first_row + offset, values=tuple(cells)))
    return rows


def _cell(value: Any) -> CellValue:
    if value is None or value == "":
        return None  # an empty cell inside a row, as the xlsx reader gives it
    if isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    return str(value)  # the API sends only text, numbers and booleans


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class _Context:
    key: str
    source: str
    account: _Key
    api_base: str | None
    timeout: float
    retry_total: float


@contextmanager
def _as_source_errors(ctx: _Context) -> Iterator[None]:
    try:
        yield
    except APIError as err:
        raise _api_error(err, ctx) from None
    except auth_exceptions.RefreshError as err:
        raise _token_error(err, ctx) from None
    except auth_exceptions.TransportError as err:  # reaching the token endpoint
        cause = err.__cause__ if isinstance(err.__cause__, Exception) else err
        host = _host(ctx.account.token_uri)
        raise _network_error(cause, host, ctx, token=True) from None
    except requests.exceptions.JSONDecodeError:
        raise SourceError(
            f"{_api_host(ctx)} answered with something that is not JSON while reading {ctx.source}.{_base_hint(ctx)}"
        ) from None
    except requests.exceptions.RequestException as err:
        url = err.request.url if err.request is not None else None
        host = _host(str(url)) if url else _api_host(ctx)
        raise _network_error(err, host, ctx, token=False) from None


def _host(url: str) -> str:
    return urlsplit(url).netloc.rpartition("@")[2]


def _api_host(ctx: _Context) -> str:
    return _host(ctx.api_base or GOOGLE_API_HOSTS[0])


def _base_hint(ctx: _Context) -> str:
    if not ctx.api_base:
        return ""
    return f" ({API_BASE_VAR} is set to {display_source(ctx.api_base)}.)"


def _api_error(err: APIError, ctx: _Context) -> SourceError:
    status = err.response.status_code
    said = str(err.error.get("message") or "").strip()[:300]
    google_said = f" (Google said: {said})" if said else ""
    email, var = ctx.account.email, ctx.account.variable
    if status == 403 and _service_disabled(err.error):
        where = _activation_url(err.error) or ("Google Cloud console (APIs & Services > Library > Google Sheets API)")
        return SourceError(
            "The Google Sheets API is not enabled in the Google Cloud project of the "
            f"service account {email}. Enable it at {where}, wait a few minutes and "
            "try again."
        )
    if status == 403:
        return SourceError(
            f"The service account {email} cannot open the spreadsheet {ctx.source}. "
            "Share it with that address (Viewer): open the spreadsheet, click Share "
            f"and add {email}."
        )
    if status == 404:
        given = f" ({ctx.source})" if ctx.source != ctx.key else ""
        return SourceError(
            f"There is no spreadsheet with key {ctx.key}: check the URL{given}; the "
            "spreadsheet may also have been deleted."
        )
    if status == 401:
        return SourceError(
            "Google did not accept the access token of the service account "
            f"{email} (key from {var}).{google_said} Create a new JSON key for it "
            f"and update {var}.{_base_hint(ctx)}"
        )
    if status == 400 and "not supported for this document" in said:
        return SourceError(
            f"{ctx.source} is an Excel file stored in Google Drive, not a Google "
            "Sheet. Open it and choose File > Save as Google Sheets, then use the new "
            "sheet's URL; or download it and give sheetmap the .xlsx file."
        )
    if status == 429:
        return SourceError(
            "Google Sheets kept refusing with 429 Too Many Requests for "
            f"{ctx.retry_total:g} s while reading {ctx.source}: the Sheets API quota "
            "is used up for now. Wait a minute and try again."
        )
    if _retryable(status):
        what = f"{status} {err.response.reason or ''}".strip()
        return SourceError(
            f"Google Sheets kept failing with {what} for {ctx.retry_total:g} s while "
            f"reading {ctx.source}. Try again later.{_base_hint(ctx)}"
        )
    return SourceError(f"Google Sheets answered {status} while reading {ctx.source}.{google_said}{_base_hint(ctx)}")


def _details(error: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    details = error.get("details")
    return [d for d in details if isinstance(d, dict)] if isinstance(details, list) else []


def _service_disabled(error: Mapping[str, Any]) -> bool:
    reasons = {d.get("reason") for d in _details(error)}
    message = str(error.get("message", ""))
    return "SERVICE_DISABLED" in reasons or "has not been used in project" in message


def _activation_url(error: Mapping[str, Any]) -> str | None:
    for detail in _details(error):
        url = (detail.get("metadata") or {}).get("activationUrl")
        if isinstance(url, str) and url.startswith("https://"):
            return url
    return None


def _token_error(err: auth_exceptions.RefreshError, ctx: _Context) -> SourceError:
    email, var = ctx.account.email, ctx.account.variable
    data = err.args[1] if len(err.args) > 1 and isinstance(err.args[1], Mapping) else {}
    code = str(data.get("error", ""))
    if code in ("invalid_grant", "invalid_client", "unauthorized_client"):
        desc = str(data.get("error_description") or "")[:200]
        return SourceError(
            f"Google refused the service-account key in {var} ({email}): {code}"
            + (f" ({desc})" if desc else "")
            + ". The key may have been deleted or disabled, the service account "
            "removed, or this computer's clock is wrong. Create a new JSON key "
            f"({_CONSOLE_KEYS} > Add key) and update {var}."
        )
    detail = str(err.args[0] if err.args else err)[:200]
    return SourceError(
        f"Could not get an access token for {email} (key from {var}) from {_host(ctx.account.token_uri)}: {detail}"
    )


def _network_error(err: BaseException, host: str, ctx: _Context, *, token: bool) -> SourceError:
    what = host
    if token:
        var = ctx.account.variable
        what = f"the token endpoint {host} (token_uri of the key in {var})"
    if isinstance(err, requests.exceptions.ReadTimeout):
        return SourceError(
            f"{what} did not answer within {ctx.timeout:g} s while reading {ctx.source}. Try again later."
        )
    hint = "" if token else _base_hint(ctx) or " Check the network connection and any proxy settings."
    return SourceError(f"Cannot connect to {what} to read {ctx.source}: {_reason(err)}.{hint}")


def _reason(err: BaseException) -> str:
    """The human part of a requests error ("Connection refused"), not its repr soup."""
    text = str(err)
    for pattern in (r"\[Errno -?\d+\] ([^'\")\]]+)", r"\[SSL[^\]]*\] ([^'\"(]+)"):
        match = re.search(pattern, text)
        if match:
            return match.group(1).strip().rstrip(".")
    if isinstance(err, requests.exceptions.ConnectTimeout):
        return "the connection timed out"
    return type(err).__name__
