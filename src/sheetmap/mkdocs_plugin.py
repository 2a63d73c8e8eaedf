"""sheetmap as an MkDocs plugin: the roadmap inside an existing MkDocs site.

    plugins:
      - search
      - sheetmap:
          source: roadmap.xlsx        # or a list; CSV folders and Google Sheets too
          audience: public            # default: public (or default_audience in sheetmap.yml)
          path: roadmap/              # where the pages go
          config: sheetmap.yml        # default: sheetmap.yml next to mkdocs.yml, if there is one

A thin adapter, and the only module that knows MkDocs: it reads and
validates with the same `pipeline.load` as the CLI, projects with the same
`audience.project`, and renders the same page templates (as fragments), so
a public MkDocs build holds exactly what a public `sheetmap build` holds.
The board, completed roadmap and objectives become MkDocs pages in the
site's navigation (styled by the site's theme); initiative pages are pages
too, reached from the board rather than listed in the navigation.

Errors in the workbook fail `mkdocs build` with the CLI's report; warnings
are logged as MkDocs warnings, so `mkdocs build --strict` fails on them.
"""

from __future__ import annotations

import json
import posixpath
from pathlib import Path
from typing import Any

from markupsafe import escape
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure import StructureItem
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from sheetmap.audience import project
from sheetmap.config import Config, find_config, load_config
from sheetmap.errors import SheetmapError
from sheetmap.pipeline import load
from sheetmap.render.fragments import fragment_assets, fragment_environment, render_fragments, script_names
from sheetmap.render.views import SiteView
from sheetmap.report_format import format_text
from sheetmap.snapshot import snapshot_policy
from sheetmap.sources.google_urls import is_google_source

log = get_plugin_logger(__name__)


class SheetmapPluginConfig(base.Config):
    source = c.Optional(c.Type((str, list)))
    audience = c.Optional(c.Choice(("public", "internal")))
    path = c.Type(str, default="roadmap/")
    config = c.Optional(c.File(exists=True))
    #: read Google Sheets from the `snapshot:` folder instead of Google (e.g. `!ENV [ROADMAP_OFFLINE, false]`)
    offline = c.Type(bool, default=False)


class SheetmapPlugin(BasePlugin[SheetmapPluginConfig]):
    def __init__(self) -> None:
        self.settings = Config()
        self.sources: tuple[str, ...] = ()
        self.audience = "public"
        self.folder = "roadmap/"
        #: src_uri of the pages that belong in the navigation (board, completed, objectives)
        self.nav_pages: list[str] = []

    # -- configuration ------------------------------------------------------

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        here = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
        try:
            explicit = Path(self.config.config) if self.config.config else None
            self.settings = load_config(find_config(explicit, cwd=here))
        except SheetmapError as exc:
            raise PluginError(f"sheetmap: {exc}") from None
        self.sources = self._sources(here)
        self.audience = self.config.audience or self.settings.default_audience
        self.folder = _folder(self.config.path)
        # `mkdocs serve` rebuilds in one process: a template added to site_templates/ must win over a cached one.
        env = fragment_environment(self.settings.templates)
        if env.cache is not None:
            env.cache.clear()
        config.extra_css.append(self.folder + "assets/sheetmap.css")
        config.extra_css.append(self.folder + "assets/themes.css")
        for name in script_names(self.settings, self.settings.templates):
            script = c.ExtraScriptValue(self.folder + "assets/" + name)
            script.defer = True
            config.extra_javascript.append(script)
        return config

    def _sources(self, here: Path) -> tuple[str, ...]:
        given: Any = self.config.source
        if given is None:
            if not self.settings.sources:
                raise PluginError(
                    "sheetmap: no source given. Add `source: roadmap.xlsx` under `- sheetmap:` in mkdocs.yml "
                    "(a workbook, a CSV folder or a Google Sheets URL), or list `sources:` in sheetmap.yml."
                )
            return self.settings.sources
        items = [given] if isinstance(given, str) else given
        if not items or not all(isinstance(s, str) and s.strip() for s in items):
            raise PluginError("sheetmap: `source` must be a path or URL, or a list of them.")
        # Paths are relative to mkdocs.yml, like every other path in it; a bare Google Sheets key is no path.
        return tuple(s if "://" in s or Path(s).is_absolute() or _google_key(s, here) else str(here / s) for s in items)

    # -- pages ----------------------------------------------------------------

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        view = self._view()
        by_src: dict[str, File] = {}

        def url_of(src: str) -> str:
            if src not in by_src:
                by_src[src] = File.generated(config, self.folder + src, content="")
            return by_src[src].url

        # A `nav:` that does not mention the roadmap gets it added in on_nav,
        # so MkDocs need not list its pages as "not included in the nav".
        listed_by_user = config.nav is None or any(p.startswith(self.folder) for p in _mentioned(config.nav))
        self.nav_pages = []
        for fragment, html in render_fragments(view, self.settings.templates, url_of, self.folder):
            file = by_src.get(fragment.src) or File.generated(config, self.folder + fragment.src, content="")
            in_nav = fragment.in_nav and listed_by_user
            file.inclusion = InclusionLevel.UNDEFINED if in_nav else InclusionLevel.NOT_IN_NAV
            file.content_string = _markdown(fragment.title, html, hide_toc=fragment.page == "board")
            self._add(files, file)
            if fragment.in_nav:
                self.nav_pages.append(file.src_uri)
        for name, data in fragment_assets(view, self.settings.templates):
            self._add(files, File.generated(config, f"{self.folder}assets/{name}", content=data))
        return files

    def _view(self) -> SiteView:
        try:
            # `snapshot:` in sheetmap.yml keeps the last good fetch of a Google Sheet, as for the CLI.
            snapshot = snapshot_policy(self.settings.snapshot, offline=self.config.offline)
            loaded = load(self.sources, self.settings, snapshot)
        except SheetmapError as exc:
            raise PluginError(f"sheetmap: {exc}") from None
        report = loaded.report
        if report.errors:
            raise PluginError(
                "sheetmap: the roadmap has errors, so it was not added to the site.\n"
                + format_text(report, self.sources)
            )
        if report.warnings:
            log.warning("the roadmap has warnings:\n" + format_text(report, self.sources))
        elif len(report):
            log.info(format_text(report, self.sources))
        return SiteView(project(loaded.roadmap, self.audience), self.settings)

    @staticmethod
    def _add(files: Files, file: File) -> None:
        if files.get_file_from_path(file.src_uri) is not None:
            raise PluginError(
                f"sheetmap: docs/{file.src_uri} already exists, and the roadmap needs that place. "
                "Move the file, or set another `path:` for the roadmap under `- sheetmap:` in mkdocs.yml."
            )
        files.append(file)

    # -- navigation -----------------------------------------------------------

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        found = (files.get_file_from_path(src) for src in self.nav_pages)
        listed = [f.page for f in found if f is not None and f.page is not None]
        if not listed:
            return nav
        if any(page in nav.pages for page in listed):
            # MkDocs made a section per folder (roadmap > completed > Completed):
            # the one-page sections become plain pages.
            items = _flatten(nav.items, set(map(id, listed)))
        else:
            # An explicit `nav:` that does not mention the roadmap: add it at the end.
            title = posixpath.basename(self.folder.rstrip("/")).replace("-", " ").replace("_", " ").capitalize()
            items = [*nav.items, Section(title or "Roadmap", list(listed))]
        return _navigation(items)

    # -- mkdocs serve ------------------------------------------------------------

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        watched = [s for s in self.sources if "://" not in s and Path(s).exists()]
        if self.settings.path:
            watched.append(str(self.settings.path))
        if self.settings.templates and self.settings.templates.is_dir():
            watched.append(str(self.settings.templates))
        for path in watched:
            server.watch(path)
        return server


def _folder(path: str) -> str:
    """'roadmap', '/roadmap/', 'roadmap/' -> 'roadmap/'; refuses '' and '..'."""
    cleaned = posixpath.normpath(path.strip().strip("/")) if path.strip().strip("/") else ""
    if not cleaned or cleaned == "." or cleaned.startswith(".."):
        raise PluginError(
            f"sheetmap: `path: {path}` must name a folder inside the site, such as `roadmap/` (the default)."
        )
    return cleaned + "/"


def _markdown(title: str, html: str, *, hide_toc: bool) -> str:
    """A Markdown page whose body is the rendered HTML (a raw HTML block, passed through as is)."""
    # JSON strings are valid YAML, so any title is quoted safely. MkDocs themes print
    # page.title unescaped (in <title>, the nav, og: attributes): it must be HTML already.
    meta = [f"title: {json.dumps(str(escape(title)), ensure_ascii=False)}"]
    if hide_toc:
        meta.append("hide: [toc]")  # Material for MkDocs: room for the board; other themes ignore it
    return "---\n" + "\n".join(meta) + "\n---\n\n" + html


def _mentioned(nav: Any) -> set[str]:
    """Every page path in a `nav:` setting (nested lists and mappings of strings)."""
    if isinstance(nav, str):
        return {nav.lstrip("/")}
    if isinstance(nav, dict):
        return set().union(*(_mentioned(v) for v in nav.values()))
    if isinstance(nav, list):
        return set().union(*(_mentioned(v) for v in nav))
    return set()


def _flatten(items: list[Any], ours: set[int]) -> list[Any]:
    result = []
    for item in items:
        if isinstance(item, Section):
            children = _flatten(item.children, ours)
            if len(children) == 1 and id(children[0]) in ours:
                result.append(children[0])
                continue
            item.children = children
        result.append(item)
    return result


def _navigation(items: list[StructureItem]) -> Navigation:
    """A Navigation with MkDocs' parent and previous/next links set, as `get_navigation` does."""
    pages: list[Page] = []

    def walk(children: list[StructureItem], parent: Section | None) -> None:
        for item in children:
            item.parent = parent
            if isinstance(item, Page):
                pages.append(item)
            elif isinstance(item, Section):
                walk(item.children, item)

    walk(items, None)
    for before, page, after in zip([None, *pages[:-1]], pages, [*pages[1:], None], strict=True):
        page.previous_page, page.next_page = before, after
    return Navigation(items, pages)


def _google_key(spec: str, here: Path) -> bool:
    return is_google_source(spec) and not (here / spec).exists()
