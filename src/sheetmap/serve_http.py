"""The HTTP side of `sheetmap serve`: the site in memory, and the reload script's endpoints.

    /__sheetmap__/reload.js          the script added to every HTML page
    /__sheetmap__/wait?v=N           answers with the version as soon as it is not N (long poll)
    /__sheetmap__/version            the current version

The script is a file of its own (no inline code), so the site's
Content-Security-Policy (`script-src 'self'; connect-src 'self'`) holds.
"""

from __future__ import annotations

import contextlib
import mimetypes
import posixpath
import threading
from collections.abc import Callable, Iterator
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


class Pages:
    """A site rendered on demand: a page is ready as soon as it is asked for.

    `site_files` yields the board first and then every other page; a
    request renders just far enough to reach its page, and a background
    thread renders the rest. So the board is back a moment after the
    workbook is read, however many initiative pages follow.
    """

    def __init__(self, files: Iterator[tuple[str, bytes]], on_error: Callable[[Exception], bytes]) -> None:
        self._files = files
        self._on_error = on_error
        self._done: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self._finished = False
        self.error_page: bytes | None = None

    def get(self, path: str) -> bytes | None:
        with self._lock:
            while path not in self._done and not self._finished:
                self._next()
            return self._done.get(path)

    def render_all(self, cancelled: threading.Event) -> None:
        while not self._finished and not cancelled.is_set():
            with self._lock:
                if not self._finished:
                    self._next()

    def _next(self) -> None:
        try:
            name, data = next(self._files)
        except StopIteration:
            self._finished = True
            return
        except Exception as exc:  # a team's template that fails: shown instead of the site
            self._finished = True
            self.error_page = self._on_error(exc)
            return
        self._done[name] = data


@dataclass(frozen=True)
class State:
    version: int
    #: the last good site (kept while the sources have errors)
    pages: Pages | None
    #: what every page shows while the sources have errors
    error_page: bytes | None


class LiveSite:
    """The site being served, and a version number that changes with every build."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._state = State(0, None, None)
        self._cancel = threading.Event()

    @property
    def state(self) -> State:
        return self._state

    def publish(self, pages: Pages | None, error_page: bytes | None) -> None:
        """A new build (its pages), or a failed one (its error page; the last good pages stay)."""
        with self._changed:
            if pages is not None:
                self._cancel.set()  # the previous build's pages are no longer needed
                self._cancel = threading.Event()
                threading.Thread(target=self._render, args=(pages, self._cancel), daemon=True).start()
            kept = pages if pages is not None else self._state.pages
            self._state = State(self._state.version + 1, kept, error_page)
            self._changed.notify_all()

    def _render(self, pages: Pages, cancelled: threading.Event) -> None:
        pages.render_all(cancelled)
        with self._changed:
            if pages.error_page is not None and self._state.pages is pages and self._state.error_page is None:
                # A page further down failed (a team's template): the open page shows the error.
                self._state = State(self._state.version + 1, pages, pages.error_page)
                self._changed.notify_all()

    def wait(self, version: int, timeout: float) -> int:
        """The current version, once it differs from `version` (or after `timeout` seconds)."""
        with self._changed:
            self._changed.wait_for(lambda: self._state.version != version, timeout)
            return self._state.version


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
        is_page = path.endswith(".html")
        data = state.pages.get(path) if state.pages and not (state.error_page and is_page) else None
        # A build's errors first; else a team's template that failed while rendering the pages.
        error_page = state.error_page or (state.pages.error_page if state.pages else None)
        if data is None and not error_page and state.pages and state.pages.get(f"{path}/index.html") is not None:
            self.send(HTTPStatus.MOVED_PERMANENTLY, b"", "text/plain", body, location=url.path + "/")
        elif error_page is not None and (is_page or data is None):
            self.send(HTTPStatus.INTERNAL_SERVER_ERROR, with_reload(error_page, state.version), "text/html", body)
        elif data is not None:
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
