"""`sheetmap serve`: build into memory, serve on 127.0.0.1, rebuild and reload on every save.

The loop is: poll the watched files (sources, sheetmap.yml, the template
folder) every tenth of a second; when one changed, rebuild in memory and
publish the new site, or an error page listing the problems, under a new
version number. Every HTML page is served with a small script that waits
for the next version and reloads the page, so the browser follows the
spreadsheet within a second of a save.

Saves are not atomic: Excel and LibreOffice write a lock file next to the
workbook and may write the workbook in several steps. Lock files are not
watched; a workbook that cannot be read is read again a few times before
its error is shown, and a file that changed during a build is built again.
The last good site stays in memory throughout, so nothing here ever stops
serving because of what is in a file.
"""

from __future__ import annotations

import hashlib
import signal
import threading
import time
import traceback
import webbrowser
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from sheetmap.audience import project
from sheetmap.config import Config, find_config, load_config
from sheetmap.errors import SheetmapError, SourceError
from sheetmap.pipeline import load
from sheetmap.render.site import environment, site_files
from sheetmap.render.views import SiteView
from sheetmap.report import Problem
from sheetmap.report_format import display_source, format_text
from sheetmap.serve_http import LiveSite, Pages, make_server

#: How often the watched files are looked at, in seconds.
POLL = 0.1
#: A source that cannot be read is tried this often, this far apart, before its error is shown.
READ_ATTEMPTS, READ_DELAY = 8, 0.15
#: Files never watched: spreadsheet lock files and editors' backups.
IGNORED_PREFIXES = ("~$", ".~lock.", ".#", ".")
IGNORED_SUFFIXES = ("~", ".swp", ".tmp")

Say = Callable[[str, bool], None]


@dataclass(frozen=True)
class Target:
    """What `serve` builds: the command line's sources, config and audience."""

    sources: tuple[str, ...]
    config_path: Path | None
    audience: str | None


@dataclass
class Outcome:
    """One build: the site's files, or the error page; and which files to watch next."""

    pages: Pages | None
    error_page: bytes | None
    message: str
    watched: list[Path] = field(default_factory=list)
    unreadable: bool = False
    problems: int = 0


def ignored(name: str) -> bool:
    return name.startswith(IGNORED_PREFIXES) or name.endswith(IGNORED_SUFFIXES)


def signature(paths: Iterable[Path]) -> dict[str, tuple[int, int] | None]:
    """Modification time and size of every watched file (folders: of every file inside)."""
    seen: dict[str, tuple[int, int] | None] = {}
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not any(ignored(part) for part in child.relative_to(path).parts):
                    seen[str(child)] = _stat(child)
        else:
            seen[str(path)] = _stat(path)
    return seen


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size)


def digest(path: str) -> bytes | None:
    """A hash of the file's bytes (None when it cannot be read): tells a save that changed nothing from one that did."""
    try:
        with open(path, "rb") as file:
            return hashlib.file_digest(file, "blake2b").digest()
    except OSError:
        return None


def build(target: Target, previous: list[Path]) -> Outcome:
    """Read the config and the sources and render the site in memory; never raises for a user's mistake.

    `previous` is what the last build watched, kept watching when the config cannot be read.
    """
    try:
        config_path = find_config(target.config_path)
    except SheetmapError as exc:
        return _failure("The settings file is missing", str(exc), None, previous)
    watched = [config_path] if config_path else []
    try:
        config = load_config(config_path)
    except SheetmapError as exc:
        kept = watched + [p for p in previous if p not in watched]
        return _failure("sheetmap.yml has problems", str(exc), None, kept)
    sources = target.sources or config.sources
    watched += [Path(s) for s in sources if "://" not in s]
    if config.templates:
        watched.append(config.templates)
    if not sources:
        return _failure("No source", "Name a workbook: sheetmap serve roadmap.xlsx", config, watched)
    started = time.perf_counter()
    try:
        loaded = load(sources, config)
    except SourceError as exc:
        outcome = _failure("The spreadsheet cannot be read", str(exc), config, watched)
        outcome.unreadable = True
        return outcome
    except SheetmapError as exc:
        return _failure("The spreadsheet cannot be read", str(exc), config, watched)
    report = loaded.report
    text = format_text(report, sources) if len(report) else ""
    if report.errors:
        page = _error_page(
            config,
            heading=f"The roadmap has {_plural(report.errors, 'error')}",
            problems=report.problems,
            sources=sources,
        )
        return Outcome(None, page, text, watched, problems=report.errors)
    view = SiteView(project(loaded.roadmap, target.audience or config.default_audience), config)
    fresh(config.templates)

    def template_failed(exc: Exception) -> bytes:
        if isinstance(exc, jinja2.TemplateError):
            return _error_page(config, heading="A template has an error", message=_template_error(exc))
        return _error_page(config, heading="sheetmap failed (this is a bug)", message=f"{type(exc).__name__}: {exc}")

    pages = Pages(site_files(view, config.templates), template_failed)
    items = view.roadmap.initiatives
    took = time.perf_counter() - started
    message = f"Read and checked {_plural(len(items), 'initiative')} in {took:.1f} s"
    return Outcome(pages, None, f"{text}\n{message}" if text else message, watched)


#: The files of each template folder at the last build.
_TEMPLATE_FILES: dict[Path, frozenset[Path]] = {}


def fresh(templates: Path | None) -> None:
    """Forget compiled templates when a file was added to site_templates/ since the last build.

    Jinja notices a changed or deleted override by itself, but keeps using
    the built-in template a new override should replace. Compiling every
    template again costs a good part of a second, so only then.
    """
    if templates is None:
        return
    files = frozenset(p for p in templates.rglob("*") if p.is_file()) if templates.is_dir() else frozenset()
    if _TEMPLATE_FILES.get(templates, files) != files:
        env = environment(templates)
        if env.cache is not None:
            env.cache.clear()
    _TEMPLATE_FILES[templates] = files


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _template_error(exc: jinja2.TemplateError) -> str:
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"{exc.filename or exc.name}, line {exc.lineno}: {exc.message}"
    return f"{type(exc).__name__}: {exc}"


def _failure(heading: str, message: str, config: Config | None, watched: list[Path]) -> Outcome:
    page = _error_page(config, heading=heading, message=message)
    return Outcome(None, page, f"{heading}: {message}", watched)


def _error_page(
    config: Config | None,
    *,
    heading: str,
    message: str = "",
    problems: list[Problem] | None = None,
    sources: Iterable[str] = (),
) -> bytes:
    groups: dict[tuple[str, str], list[Problem]] = {}
    for p in problems or []:
        groups.setdefault((display_source(p.source) if p.source else "", p.sheet or ""), []).append(p)
    try:
        env = environment(config.templates if config else None)
        template = env.get_template("serve/error.html")
    except jinja2.TemplateError:
        # The team's own override of the error page is broken: the built-in one still works.
        env = environment(None)
        template = env.get_template("serve/error.html")
    return template.render(
        heading=heading,
        message=message,
        groups=list(groups.items()),
        sources=[display_source(s) for s in sources],
        title=config.title if config else "Roadmap",
    ).encode("utf-8")


class Watcher:
    """Builds again whenever a watched file changes, and publishes the result."""

    def __init__(self, target: Target, site: LiveSite, say: Say) -> None:
        self.target = target
        self.site = site
        self.say = say
        self.watched: list[Path] = []
        self.seen: dict[str, tuple[int, int] | None] = {}
        #: The bytes' hash of every watched file as the last build read it.
        self.hashes: dict[str, bytes | None] = {}

    def rebuild(self) -> None:
        outcome = None
        for attempt in range(READ_ATTEMPTS):
            read = list(self.watched)
            before = signature(read)
            try:
                outcome = build(self.target, read)
            except Exception as exc:  # a bug in sheetmap: report it, keep serving
                self.say("".join(traceback.format_exception(exc)), True)
                outcome = _failure("sheetmap failed (this is a bug)", f"{type(exc).__name__}: {exc}", None, read)
            self.watched = outcome.watched
            # What the next poll compares against: the files as they were when this build read them,
            # so a save that lands during the build is built too.
            self.seen = before if self.watched == read else signature(self.watched)
            # Hashed before the check below, so that a save after the check always shows as a new hash.
            self.hashes = {path: digest(path) for path in self.seen}
            if self.watched == read and signature(read) != before:
                continue  # a file changed while it was read (a save in several steps): read it again
            if outcome.unreadable and attempt < READ_ATTEMPTS - 1:
                time.sleep(READ_DELAY)
                continue
            break
        assert outcome is not None
        self.site.publish(outcome.pages, outcome.error_page)
        self.say(outcome.message, outcome.pages is None)

    def changed(self) -> bool:
        """Whether a watched file's bytes changed since the last build.

        A file's time and size are cheap to look at; only a file whose time
        or size changed is hashed, so a save that writes the same bytes
        (Ctrl-S twice, `touch`) costs one hash and no build.
        """
        now = signature(self.watched)
        if now == self.seen:
            return False
        moved = [path for path in now.keys() | self.seen.keys() if now.get(path) != self.seen.get(path)]
        self.seen = now
        return any(path not in self.hashes or digest(path) != self.hashes[path] for path in moved)


def serve(target: Target, *, port: int, open_browser: bool, say: Say) -> None:
    """Build, serve on 127.0.0.1:`port` (0: any free port) until Ctrl-C, rebuilding on every save."""
    site = LiveSite()
    watcher = Watcher(target, site, say)
    server = make_server(site, port)  # first, so that a busy port is said at once
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    thread = threading.Thread(target=server.serve_forever, args=(0.1,), name="sheetmap-http", daemon=True)
    # Ctrl-C stops even when started from a script that ignores it, and SIGTERM (`kill`, a CI runner) as cleanly.
    previous = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        watcher.rebuild()
        thread.start()
        files = _plural(len(signature(watcher.watched)), "file")
        say(f"Serving {url} — watching {files}. Press Ctrl-C to stop.", False)
        if open_browser:
            webbrowser.open(url)
        while True:
            time.sleep(POLL)
            if watcher.changed():
                watcher.rebuild()
    except KeyboardInterrupt:
        say("Stopped.", False)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if thread.is_alive():
            server.shutdown()  # waits for serve_forever, so only once it runs
        server.server_close()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
