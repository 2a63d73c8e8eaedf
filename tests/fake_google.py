"""A loopback stand-in for Google's token endpoint and the Sheets API v4.

Tests point the real gspread + google-auth code at it: the service-account
key's ``token_uri`` is ``{fake.url}/token`` and ``SHEETMAP_GOOGLE_API`` is
``fake.url``. Nothing of gspread or google-auth is mocked; they speak HTTP.

The wire format mirrors the recorded traffic in
/work/shared/realworld/gspread-cassettes:

* ``GET /v4/spreadsheets/{id}``: ``spreadsheetId``, ``properties`` (title,
  locale, autoRecalc, timeZone), ``sheets[].properties`` (sheetId, title,
  index, sheetType, gridProperties, and ``hidden`` only when true).
* ``GET /v4/spreadsheets/{id}/values:batchGet?ranges=…``: ``valueRanges[]``
  with ``range`` in A1 notation (tab name quoted only when needed, covering
  the whole grid like ``'Tab name'!A1:Z1000``), ``majorDimension`` ROWS,
  trailing empty cells and rows dropped, an empty row as ``[]``, and no
  ``values`` key at all for an empty tab.
* errors as ``{"error": {"code", "message", "status"}}``; the token endpoint
  answers ``{"error": "invalid_grant", "error_description": …}``.

The token endpoint verifies the JWT's RS256 signature with the public key
registered for its issuer, so a wrong key really is refused. Sheets calls
need a Bearer token it issued, and a spreadsheet opens only for the service
accounts it is shared with.

Values are served as given (as UNFORMATTED_VALUE would: dates as serial
numbers); with any other valueRenderOption they are sent as strings.

A test module gets its fixtures from `stand_in_fixtures` (at the end).
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

SHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets.readonly"
# google-auth always addresses the JWT to Google's token endpoint, whatever the
# key's token_uri, and Google checks it.
TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"

# Google's own wording for the errors the tests inject.
GOOGLE_ERRORS: dict[int, tuple[str, str]] = {
    400: ("INVALID_ARGUMENT", "Request contains an invalid argument."),
    401: (
        "UNAUTHENTICATED",
        "Request had invalid authentication credentials. Expected OAuth 2 access "
        "token, login cookie or other valid authentication credential.",
    ),
    403: ("PERMISSION_DENIED", "The caller does not have permission"),
    404: ("NOT_FOUND", "Requested entity was not found."),
    429: (
        "RESOURCE_EXHAUSTED",
        "Quota exceeded for quota metric 'Read requests' and limit 'Read requests "
        "per minute per user' of service 'sheets.googleapis.com' for consumer "
        "'project_number:123456789'.",
    ),
    500: ("INTERNAL", "Internal error encountered."),
    502: ("UNAVAILABLE", "Bad gateway."),
    503: ("UNAVAILABLE", "The service is currently unavailable."),
}


# --------------------------------------------------------------------------- keys


def generate_private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_key_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def service_account_info(
    key: rsa.RSAPrivateKey, *, email: str, token_uri: str, key_id: str | None = None
) -> dict[str, str]:
    """A service-account key file's contents, shaped like Google's download."""
    project = email.partition("@")[2].split(".")[0]
    return {
        "type": "service_account",
        "project_id": project,
        "private_key_id": key_id or secrets.token_hex(20),
        "private_key": private_key_pem(key),
        "client_email": email,
        "client_id": "10" + "".join(str(secrets.randbelow(10)) for _ in range(19)),
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": token_uri,
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/" + email.replace("@", "%40"),
        "universe_domain": "googleapis.com",
    }


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


# --------------------------------------------------------------------------- data


@dataclass
class FakeTab:
    title: str
    rows: list[list[Any]] = field(default_factory=list)  # None or "" = empty cell
    sheet_id: int = 0
    hidden: bool = False
    sheet_type: str = "GRID"
    row_count: int = 1000
    column_count: int = 26


@dataclass
class FakeSpreadsheet:
    key: str
    title: str
    tabs: list[FakeTab]
    shared_with: set[str] = field(default_factory=set)


@dataclass
class Seen:
    """One request the fake received."""

    method: str
    route: str  # "token", "metadata", "values" or "other"
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # names in lower case
    body: str


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def a1_sheet_name(title: str) -> str:
    """As Google writes it in a returned range: quoted unless a plain word."""
    plain = re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", title) and not re.fullmatch(r"[A-Za-z]{1,3}[0-9]+", title)
    return title if plain else "'" + title.replace("'", "''") + "'"


def parse_sheet_name(a1: str) -> str:
    """The tab name of a whole-sheet A1 range: 'It''s' -> It's, Sheet1 -> Sheet1."""
    if a1.startswith("'"):
        match = re.fullmatch(r"'((?:[^']|'')*)'(?:!.*)?", a1)
        return match.group(1).replace("''", "'") if match else a1
    return a1.partition("!")[0]


def render_rows(rows: list[list[Any]], *, formatted: bool) -> list[list[Any]]:
    """Rows the way the API sends them: trailing empties and empty rows trimmed."""
    out: list[list[Any]] = []
    for row in rows:
        cells = ["" if v is None else v for v in row]
        while cells and cells[-1] == "":
            cells.pop()
        if formatted:
            cells = [_formatted(v) for v in cells]
        out.append(cells)
    while out and not out[-1]:
        out.pop()
    return out


def _formatted(value: Any) -> Any:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return value if isinstance(value, str) else str(value)


# --------------------------------------------------------------------------- server


class FakeGoogle:
    """The server; use as a context manager or call start()/stop()."""

    def __init__(self) -> None:
        self.spreadsheets: dict[str, FakeSpreadsheet] = {}
        self.public_keys: dict[str, rsa.RSAPublicKey] = {}  # client_email -> key
        self.tokens: dict[str, str] = {}  # access token -> client_email
        self.assertions: list[str] = []
        self.requests: list[Seen] = []
        self._failures: dict[str, list[Any]] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    # -- set-up ------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def token_uri(self) -> str:
        return self.url + "/token"

    def register(self, email: str, key: rsa.RSAPrivateKey) -> None:
        """Accept JWTs from `email` signed with `key`."""
        self.public_keys[email] = key.public_key()

    def add(self, sheet: FakeSpreadsheet) -> FakeSpreadsheet:
        self.spreadsheets[sheet.key] = sheet
        return sheet

    def fail(self, route: str, *answers: Any) -> None:
        """Answer the next requests to `route` ("token", "metadata", "values")
        with these instead: an HTTP status (int), "invalid_grant" (token only),
        "service_disabled", "office_file", "html502" (a proxy's HTML error page)
        or ("slow", seconds) to answer normally after a delay.
        """
        with self._lock:
            self._failures.setdefault(route, []).extend(answers)

    def start(self) -> FakeGoogle:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> FakeGoogle:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- inspection --------------------------------------------------------

    def count(self, *routes: str) -> int:
        return sum(1 for seen in self.requests if seen.route in routes)

    def api_calls(self) -> list[Seen]:
        return [seen for seen in self.requests if seen.route in ("metadata", "values")]

    # -- handling ----------------------------------------------------------

    def _next_failure(self, route: str) -> Any:
        with self._lock:
            queue = self._failures.get(route)
            return queue.pop(0) if queue else None

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean

            def do_POST(self) -> None:
                fake._handle(self, "POST")

            def do_GET(self) -> None:
                fake._handle(self, "GET")

        return Handler

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(handler.path)
        path = unquote(parts.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length).decode() if length else ""
        if method == "POST" and path.endswith("/token"):
            route = "token"
        elif method == "GET" and re.search(r"/v4/spreadsheets/[^/]+/values:batchGet$", path):
            route = "values"
        elif method == "GET" and re.search(r"/v4/spreadsheets/[^/]+$", path):
            route = "metadata"
        else:
            route = "other"
        query = parse_qs(parts.query, keep_blank_values=True)
        self.requests.append(Seen(method, route, path, query, {k.lower(): v for k, v in handler.headers.items()}, body))
        status, payload = self._answer(route, path, query, body, handler)
        if isinstance(payload, str):
            data, content_type = payload.encode(), "text/html; charset=UTF-8"
        else:
            data = json.dumps(payload, ensure_ascii=False, indent=2).encode()
            content_type = "application/json; charset=UTF-8"
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _answer(
        self,
        route: str,
        path: str,
        query: dict[str, list[str]],
        body: str,
        handler: BaseHTTPRequestHandler,
    ) -> tuple[int, Any]:
        failure = self._next_failure(route)
        if isinstance(failure, tuple) and failure[0] == "slow":
            time.sleep(failure[1])
            failure = None
        if route == "token":
            if failure == "invalid_grant":
                return _token_error("invalid_grant", "Invalid JWT Signature.")
            if isinstance(failure, int):
                return failure, {"error": "server_error"}
            return self._token(body)
        if route == "other":
            return _google_error(404)
        if isinstance(failure, int):
            return _google_error(failure)
        if failure == "html502":
            return 502, "<html><body><h1>502 Bad Gateway</h1></body></html>"
        if failure == "service_disabled":
            return _service_disabled()
        if failure == "office_file":  # an .xlsx uploaded to Drive, not converted
            message = "This operation is not supported for this document"
            return _google_error(400, message, "FAILED_PRECONDITION")
        email = self.tokens.get(handler.headers.get("Authorization", "").removeprefix("Bearer "))
        if email is None:
            return _google_error(401)
        key = re.search(r"/v4/spreadsheets/([^/]+)", path).group(1)  # type: ignore[union-attr]
        key = key.removesuffix("/values:batchGet")
        sheet = self.spreadsheets.get(key)
        if sheet is None:
            return _google_error(404)
        if email not in sheet.shared_with:
            return _google_error(403)
        if route == "metadata":
            return 200, _metadata(sheet)
        return _values(sheet, query)

    def _token(self, body: str) -> tuple[int, Any]:
        form = {k: v[0] for k, v in parse_qs(body).items()}
        if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            return _token_error("unsupported_grant_type", "Invalid grant_type.")
        assertion = form.get("assertion", "")
        self.assertions.append(assertion)
        try:
            header_b64, payload_b64, signature_b64 = assertion.split(".")
            header = json.loads(_b64decode(header_b64))
            claims = json.loads(_b64decode(payload_b64))
        except ValueError:
            return _token_error("invalid_grant", "Invalid JWT.")
        public_key = self.public_keys.get(claims.get("iss", ""))
        if header.get("alg") != "RS256" or public_key is None:
            return _token_error("invalid_grant", "Invalid JWT Signature.")
        try:
            public_key.verify(
                _b64decode(signature_b64),
                f"{header_b64}.{payload_b64}".encode(),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except InvalidSignature:
            return _token_error("invalid_grant", "Invalid JWT Signature.")
        now = time.time()
        if claims.get("aud") != TOKEN_AUDIENCE or not (claims.get("iat", 0) - 300 <= now < claims.get("exp", 0)):
            return _token_error(
                "invalid_grant",
                "Invalid JWT: Token must be a short-lived token (60 minutes) and in a "
                "reasonable timeframe. Check your iat and exp values in the JWT claim.",
            )
        if SHEETS_SCOPE not in claims.get("scope", "").split():
            return _token_error("invalid_scope", "Invalid OAuth scope.")
        token = "ya29.fake-" + secrets.token_urlsafe(32)
        self.tokens[token] = claims["iss"]
        return 200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}


def _token_error(code: str, description: str) -> tuple[int, Any]:
    return 400, {"error": code, "error_description": description}


def _google_error(status: int, message: str | None = None, name: str | None = None) -> tuple[int, Any]:
    default_name, default_message = GOOGLE_ERRORS.get(status, ("UNKNOWN", "Error."))
    error = {
        "code": status,
        "message": message or default_message,
        "status": name or default_name,
    }
    return status, {"error": error}


def _service_disabled() -> tuple[int, Any]:
    url = "https://console.developers.google.com/apis/api/sheets.googleapis.com/overview?project=123456789"
    message = (
        "Google Sheets API has not been used in project 123456789 before or it is "
        f"disabled. Enable it by visiting {url} then retry. If you enabled this API "
        "recently, wait a few minutes for the action to propagate to our systems and "
        "retry."
    )
    status, payload = _google_error(403, message)
    payload["error"]["details"] = [
        {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "SERVICE_DISABLED",
            "domain": "googleapis.com",
            "metadata": {"service": "sheets.googleapis.com", "activationUrl": url},
        }
    ]
    return status, payload


def _metadata(sheet: FakeSpreadsheet) -> dict[str, Any]:
    sheets = []
    for index, tab in enumerate(sheet.tabs):
        properties: dict[str, Any] = {
            "sheetId": tab.sheet_id,
            "title": tab.title,
            "index": index,
            "sheetType": tab.sheet_type,
        }
        if tab.sheet_type == "GRID":
            properties["gridProperties"] = {
                "rowCount": tab.row_count,
                "columnCount": tab.column_count,
            }
        if tab.hidden:
            properties["hidden"] = True
        sheets.append({"properties": properties})
    return {
        "spreadsheetId": sheet.key,
        "properties": {
            "title": sheet.title,
            "locale": "en_US",
            "autoRecalc": "ON_CHANGE",
            "timeZone": "Etc/GMT",
        },
        "sheets": sheets,
        "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{sheet.key}/edit",
    }


def _values(sheet: FakeSpreadsheet, query: dict[str, list[str]]) -> tuple[int, Any]:
    formatted = query.get("valueRenderOption", ["FORMATTED_VALUE"])[0] != ("UNFORMATTED_VALUE")
    tabs = {tab.title: tab for tab in sheet.tabs if tab.sheet_type == "GRID"}
    value_ranges = []
    for a1 in query.get("ranges", []):
        tab = tabs.get(parse_sheet_name(a1))
        if tab is None or "!" in a1.rpartition("'")[2]:
            return _google_error(400, f"Unable to parse range: {a1}")
        value_range: dict[str, Any] = {
            "range": f"{a1_sheet_name(tab.title)}!A1:{column_letters(tab.column_count)}{tab.row_count}",
            "majorDimension": "ROWS",
        }
        rows = render_rows(tab.rows, formatted=formatted)
        if rows:
            value_range["values"] = rows
        value_ranges.append(value_range)
    return 200, {"spreadsheetId": sheet.key, "valueRanges": value_ranges}


# --------------------------------------------------------------------------- pytest fixtures


def stand_in_fixtures(email: str, *spreadsheets: Callable[[], FakeSpreadsheet]) -> tuple[Any, Any, Any]:
    """The fixtures `rsa_key`, `fake` and `info` for a test module that uses the stand-in.

        rsa_key, fake, info = stand_in_fixtures(EMAIL, roadmap)

    pytest finds them by their names among the module's globals, as if defined there.
    """

    @pytest.fixture(scope="module")
    def rsa_key() -> rsa.RSAPrivateKey:
        """The service account's real 2048-bit key, made once per module."""
        return generate_private_key()

    @pytest.fixture
    def fake(rsa_key: rsa.RSAPrivateKey, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGoogle]:
        """A running stand-in that accepts `rsa_key` for the account and serves a fresh copy of each spreadsheet."""
        # Requests to the stand-in must not go through a proxy, and google-auth must not
        # look anything up at the real Google (an opt-in it reads from the environment).
        monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
        monkeypatch.delenv("GOOGLE_SDK_EXPERIMENTAL_PYTHON_REGIONAL_ACCESS_BOUNDARY_LOOKUP_ENABLED", raising=False)
        with FakeGoogle() as server:
            server.register(email, rsa_key)
            for spreadsheet in spreadsheets:
                server.add(spreadsheet())
            yield server

    @pytest.fixture
    def info(fake: FakeGoogle, rsa_key: rsa.RSAPrivateKey) -> dict[str, str]:
        """The account's service-account key file, its token_uri at the stand-in."""
        return service_account_info(rsa_key, email=email, token_uri=fake.token_uri)

    return rsa_key, fake, info
