"""The HTTP side of `sheetmap serve`: the site in memory, and the reload script's endpoints.

    /__sheetmap__/reload.js          the script added to every HTML page
    /__sheetmap__/wait?v=N           answers with the version as soon as it is not N (long poll)
    /__sheetmap__/version            the current version

The script is a file of its own (no inline code), so the site's
Content-Security-Policy (`script-src 'self'; connect-src 'self'`) holds.
"""

from __future__ import annotations

import contextlib
import hashlib
import mimetypes
import posixpath
import threading
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from urllib.parse import parse_qs, unquote, urlsplit

from sheetmap.errors import SheetmapError

PREFIX = "/__sheetmap__/"
#: How long a reload script's request waits for a new version before it asks again.
WAIT_SECONDS = 20.0
RELOAD_JS = (resources.files("sheetmap.themes.default") / "templates" / "serve" / "reload.js").read_bytes()


@dataclass(frozen=True)
class State:
    version: int
    files: dict[str, bytes]
    error_page: bytes | None


class LiveSite:
    """The site being served: the last good build, an error page while the sources have errors, a version."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._state = State(0, {}, None)
        self._digest = b""

    @property
    def state(self) -> State:
        return self._state

    def publish(self, files: dict[str, bytes] | None, error_page: bytes | None) -> bool:
        """A new build (its files), or a failed one (its error page); False when nothing changed."""
        digest = _digest(files, error_page)
        with self._changed:
            if digest == self._digest:
                return False
            self._digest = digest
            kept = files if files is not None else self._state.files
            self._state = State(self._state.version + 1, kept, error_page)
            self._changed.notify_all()
        return True

    def wait(self, version: int, timeout: float) -> int:
        """The current version, once it differs from `version` (or after `timeout` seconds)."""
        with self._changed:
            self._changed.wait_for(lambda: self._state.version != version, timeout)
            return self._state.version


def _digest(files: dict[str, bytes] | None, error_page: bytes | None) -> bytes:
    h = hashlib.sha256()
    if files is None:
        h.update(b"error\0" + (error_page or b""))
        return h.digest()
    for name, data in sorted(files.items()):
        h.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return h.digest()


def with_reload(html: bytes, version: int) -> bytes:
    """The page with the reload script, just before </head> (or at the end)."""
    tag = f'<script src="{PREFIX}reload.js?v={version}" defer></script>\n'.encode()
    at = html.find(b"</head>")
    return html[:at] + tag + html[at:] if at >= 0 else html + tag


class Handler(BaseHTTPRequestHandler):
    server: SiteServer
    server_version = "sheetmap"

    def do_GET(self) -> None:
        self.respond(body=True)

    def do_HEAD(self) -> None:
        self.respond(body=False)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the terminal shows builds, not requests."""

    def respond(self, *, body: bool) -> None:
        url = urlsplit(self.path)
        if url.path.startswith(PREFIX):
            self.internal(url.path[len(PREFIX) :], parse_qs(url.query), body)
            return
        state = self.server.site.state
        path = posixpath.normpath(unquote(url.path)).lstrip("/")
        if url.path.endswith("/") or path in ("", "."):
            path = posixpath.join("" if path == "." else path, "index.html")
        if path not in state.files and f"{path}/index.html" in state.files:
            self.send(HTTPStatus.MOVED_PERMANENTLY, b"", "text/plain", body, location=url.path + "/")
            return
        is_page = path.endswith(".html")
        if state.error_page is not None and (is_page or path not in state.files):
            self.send(HTTPStatus.INTERNAL_SERVER_ERROR, with_reload(state.error_page, state.version), "text/html", body)
        elif path in state.files:
            data = state.files[path]
            kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
            self.send(HTTPStatus.OK, with_reload(data, state.version) if is_page else data, kind, body)
        else:
            page = f"<!doctype html><title>Not found</title><p>Nothing at {path}. <a href='/'>The roadmap</a></p>"
            self.send(HTTPStatus.NOT_FOUND, with_reload(page.encode(), state.version), "text/html", body)

    def internal(self, name: str, query: dict[str, list[str]], body: bool) -> None:
        site = self.server.site
        if name == "reload.js":
            self.send(HTTPStatus.OK, RELOAD_JS, "text/javascript", body)
        elif name == "version":
            self.send(HTTPStatus.OK, str(site.state.version).encode(), "text/plain", body)
        elif name == "wait":
            try:
                seen = int(query.get("v", ["0"])[0])
            except ValueError:
                seen = 0
            self.send(HTTPStatus.OK, str(site.wait(seen, WAIT_SECONDS)).encode(), "text/plain", body)
        else:
            self.send(HTTPStatus.NOT_FOUND, b"Not found", "text/plain", body)

    def send(self, status: HTTPStatus, data: bytes, kind: str, body: bool, location: str = "") -> None:
        self.send_response(status)
        charset = "; charset=utf-8" if kind.startswith("text/") or kind.endswith(("json", "xml")) else ""
        self.send_header("Content-Type", kind + charset)
        self.send_header("Content-Length", str(len(data)))
        # Always the newest build: the browser must not keep an old page or stylesheet.
        self.send_header("Cache-Control", "no-store")
        if location:
            self.send_header("Location", location)
        self.end_headers()
        if body:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the browser left (a reload)
                self.wfile.write(data)


class SiteServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, site: LiveSite, port: int) -> None:
        self.site = site
        super().__init__(("127.0.0.1", port), Handler)


def make_server(site: LiveSite, port: int) -> SiteServer:
    """The server on 127.0.0.1:`port` (0 picks a free port); not yet serving."""
    try:
        return SiteServer(site, port)
    except OSError as exc:
        raise SheetmapError(
            f"Cannot serve on port {port}: {exc.strerror or exc}. "
            "Choose another with --port, or --port 0 for any free port."
        ) from None
