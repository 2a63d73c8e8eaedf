"""The roadmap as page *fragments*, for sites that bring their own page frame (MkDocs).

The fragments are the standalone site's own templates (`index.html`,
`initiative.html`, `card.html`, …, with the team's overrides) rendered in
an environment where `base.html` is `mkdocs/base.html`: the main content
only, no <html>, header or footer. So the markup, its classes and the
filter controls are the same as on the standalone site, and a change to a
page template shows up in both.

Nothing here knows MkDocs: the caller says where each page lives (`url_of`)
and gets HTML back.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jinja2

from sheetmap.config import Config
from sheetmap.model import Initiative
from sheetmap.render.scoped_css import host_rem, scoped
from sheetmap.render.site import environment, render, static_files, theme_css
from sheetmap.render.views import BOARD_HORIZONS, SiteView, initiative_url

#: The fragment frame that replaces `base.html`; a team may override it in site_templates/mkdocs/.
FRAME = "mkdocs/base.html"
#: The stylesheet that fits the roadmap's markup into the host site's theme.
STYLESHEET = "mkdocs/sheetmap.css"
#: The standalone site's stylesheet, whose component rules the fragments share.
SITE_STYLESHEET = "style.css"
#: The standalone site's filter script; it acts only on a page with the board, so it may load on every page.
FILTER_SCRIPT = "board.js"


@dataclass(frozen=True)
class Fragment:
    """One roadmap page: where it lives (relative to the roadmap folder), its title and template.

    `path` is the same page's place in the standalone site, for templates that use it.
    """

    src: str
    title: str
    template: str
    page: str
    path: str
    in_nav: bool = True
    item: Initiative | None = None


def fragments(view: SiteView) -> list[Fragment]:
    """Every roadmap page, in navigation order: board, completed, objectives, then one per initiative.

    The folders mirror the standalone site (`completed/index`, `objectives/index`),
    so the links the templates write (`{{ root }}/objectives/index.html#…`)
    hold in both. Initiative pages stay out of the navigation: the board is
    their index.
    """
    board = " / ".join(view.horizon_label(h) for h in BOARD_HORIZONS)
    pages = [
        Fragment("index.md", board, "index.html", "board", "index.html"),
        Fragment("completed/index.md", "Completed", "completed.html", "completed", "completed/index.html"),
        Fragment("objectives/index.md", "Objectives", "objectives.html", "objectives", "objectives/index.html"),
    ]
    for item in view.roadmap.initiatives:
        src = f"initiatives/{item.slug}.md"
        pages.append(Fragment(src, item.title, "initiative.html", "initiative", initiative_url(item), False, item))
    return pages


def root_of(page_url: str, folder_url: str) -> str:
    """The relative path from a page's URL to the roadmap folder: '.', '..' or '../..'.

    `page_url` is as a static server sees it ('roadmap/initiatives/x/' or
    'roadmap/initiatives/x.html'); `folder_url` is the roadmap folder ('roadmap/').
    """
    here = page_url if page_url.endswith("/") else posixpath.dirname(page_url)
    return posixpath.relpath(folder_url.rstrip("/") or ".", here.rstrip("/") or ".")


def _within(url: str, folder_url: str) -> str:
    """'roadmap/initiatives/x/' -> 'initiatives/x/' for the folder 'roadmap/'."""
    if not url.startswith(folder_url):
        raise ValueError(f"{url} is not inside {folder_url}")
    return url[len(folder_url) :]


def render_fragments(
    view: SiteView, templates: Path | None, url_of: Callable[[str], str], folder_url: str
) -> Iterator[tuple[Fragment, str]]:
    """Each page's HTML fragment. `url_of(src)` gives a page's URL relative to the site root."""
    env = fragment_environment(templates)
    pages = fragments(view)
    # Initiative links depend on the host's URL style (`x/` or `x.html`), so the
    # templates' `initiative_url` is replaced by one that knows the real URLs.
    initiative_urls = {f.item.id: _within(url_of(f.src), folder_url) for f in pages if f.item is not None}

    def host_initiative_url(item: Initiative) -> str:
        return initiative_urls[item.id]

    for page in pages:
        root = root_of(url_of(page.src), folder_url)
        # The host site has no sprint pages, so delivery.html names sprints without linking them.
        context = {"page": page.page, "path": page.path, "initiative_url": host_initiative_url, "sprint_links": False}
        if page.item is not None:
            context["item"] = page.item
        html = render(env, page.template, view, root, **context).decode("utf-8")
        yield page, html.strip() + "\n"


def fragment_assets(view: SiteView, templates: Path | None) -> Iterator[tuple[str, bytes]]:
    """The stylesheets and scripts the fragments need, by file name.

    `sheetmap.css` is the site's `style.css` scoped to the roadmap's markup,
    then `mkdocs/sheetmap.css`, which fits it into the host's theme.
    """
    env = fragment_environment(templates)
    assert env.loader is not None
    host, _, _ = env.loader.get_source(env, STYLESHEET)
    static = {posixpath.basename(name): data for name, data in static_files(view.config, templates)}
    site_css = static.get(SITE_STYLESHEET, b"").decode("utf-8")
    yield "sheetmap.css", host_rem(scoped(site_css) + "\n" + host).encode("utf-8")
    yield "themes.css", theme_css(view)
    if FILTER_SCRIPT in static:
        yield FILTER_SCRIPT, static[FILTER_SCRIPT]


def script_names(config: Config, templates: Path | None) -> list[str]:
    """The scripts the fragments need (the board's filters), known before any workbook is read."""
    found = any(posixpath.basename(name) == FILTER_SCRIPT for name, _ in static_files(config, templates))
    return [FILTER_SCRIPT] if found else []


class _Alias(jinja2.BaseLoader):
    """Serves one template under another's name (`base.html` -> `mkdocs/base.html`)."""

    def __init__(self, inner: jinja2.BaseLoader, aliases: dict[str, str]) -> None:
        self.inner = inner
        self.aliases = aliases

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str | None, Callable[[], bool]]:
        if template not in self.aliases:
            raise jinja2.TemplateNotFound(template)
        source, filename, uptodate = self.inner.get_source(environment, self.aliases[template])
        return source, filename, uptodate or (lambda: True)


def fragment_environment(templates: Path | None) -> jinja2.Environment:
    return _fragment_environment(str(templates) if templates else "")


@lru_cache(maxsize=4)
def _fragment_environment(templates: str) -> jinja2.Environment:
    site = environment(Path(templates) if templates else None)
    assert site.loader is not None
    loader = jinja2.ChoiceLoader([_Alias(site.loader, {"base.html": FRAME}), site.loader])
    # A fresh cache: templates compiled for the standalone site extend the full base.html.
    return site.overlay(loader=loader, cache_size=100)
