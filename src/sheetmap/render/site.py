"""Render the projected roadmap into the files of the static site.

Templates resolve from the team's `site_templates/` first, then the
built-in theme; a team's template can extend the built-in one it replaces
with `{% extends "default:card.html" %}`. Static files resolve the same
way. `site_pages` lists every file as a `Page` (its path, and how to make
its bytes), without rendering anything: `write_site` shares the pages out
among worker processes, and `site_files` renders them one by one, in
order (`sheetmap serve` asks for the board first).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from functools import lru_cache, partial
from importlib import resources
from itertools import islice
from pathlib import Path
from typing import Any, NamedTuple

import jinja2

from sheetmap.config import Config
from sheetmap.render.brand import favicon_svg
from sheetmap.render.brand import theme_css as brand_css
from sheetmap.render.compiled import CompiledTemplates, disk_folder
from sheetmap.render.data import dumps, roadmap_data
from sheetmap.render.fast_templates import code_generator
from sheetmap.render.feed import atom
from sheetmap.render.seo import absolute, robots_txt, sitemap_xml
from sheetmap.render.views import SiteView, initiative_url

THEME_PACKAGE = "sheetmap.themes.default"
#: The compact board for iframes on a company website.
EMBED_DIR = "embed"
#: Written when the config names no favicon of its own.
DEFAULT_FAVICON = "favicon.svg"
#: Content-Security-Policy of every page: the site needs nothing inline and no other host.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
    "font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'"
)


class Page(NamedTuple):
    """One file of the site, not rendered yet.

    `make` renders it, in whichever process renders it, so it must depend
    on nothing but its arguments. `weight` is roughly how many rows the
    page lists (cards, ideas, tasks), so the heavy pages are started first.
    `lists_all` marks a page that reads the whole roadmap (the board,
    roadmap.json): the main process renders those (see render/write.py).
    """

    path: str
    make: Callable[[], bytes]
    weight: int = 1
    lists_all: bool = False


#: Extra page generators (the sprint view, …) register here:
#: each takes the view and the Jinja environment and yields `Page`s.
PageGenerator = Callable[[SiteView, jinja2.Environment], Iterator[Page]]
GENERATORS: list[PageGenerator] = []


def page_generator(func: PageGenerator) -> PageGenerator:
    GENERATORS.append(func)
    return func


def _builtin_templates() -> jinja2.BaseLoader:
    return jinja2.PackageLoader(THEME_PACKAGE, "templates")


def environment(templates: Path | None, *, reload: bool = True) -> jinja2.Environment:
    """The Jinja environment: user overrides, then `default:`-prefixed and plain built-ins.

    With `reload` (`sheetmap serve`, the MkDocs plugin, `site_files`) it is
    kept between builds and compiles a template file again when it changed.
    Without (`write_site`: one build), it is a fresh environment that reads
    each template once and never checks it again: that check is a `stat` of
    the file for every `{% include %}` of every card. Compiled templates are
    kept by source checksum either way, in memory and on disk, so nothing is
    compiled twice, in one run or the next (render/compiled.py).
    """
    key = str(templates) if templates else ""
    return _environment(key) if reload else _new_environment(key, reload=False)


@lru_cache(maxsize=1)
def _compiled() -> CompiledTemplates:
    """Shared by every environment: they are configured alike, so the same source compiles alike."""
    return CompiledTemplates(disk_folder())


@lru_cache(maxsize=4)
def _environment(templates: str) -> jinja2.Environment:
    return _new_environment(templates, reload=True)


def _new_environment(templates: str, *, reload: bool) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if templates:
        loaders.append(jinja2.FileSystemLoader(templates))
    builtin = _builtin_templates()
    loaders += [jinja2.PrefixLoader({"default": builtin}, delimiter=":"), builtin]
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        bytecode_cache=_compiled(),
        auto_reload=reload,
    )
    env.code_generator_class = code_generator()
    env.globals["initiative_url"] = initiative_url
    env.globals["csp"] = CSP
    env.globals["absolute_url"] = absolute
    env.filters["long_date"] = long_date
    env.globals["default_favicon"] = DEFAULT_FAVICON
    return env


MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def long_date(day: dt.date | None) -> str:
    """'12 October 2026', the same on every machine (strftime's %B follows the locale)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}" if day else ""


def render(env: jinja2.Environment, template: str, view: SiteView, root: str, **context: Any) -> bytes:
    """One page; `root` is the relative path from the page to the site root ('.' or '..')."""
    return env.get_template(template).render(_variables(view, root, context)).encode("utf-8")


def _variables(view: SiteView, root: str, context: dict[str, Any]) -> dict[str, Any]:
    """What every page template sees, and the page's own variables."""
    return {"view": view, "roadmap": view.roadmap, "config": view.config, "root": root, **context}


#: A page that lists the whole roadmap becomes UTF-8 this many pieces (outputs, template text) at a time.
PIECES = 50_000


def render_listing(env: jinja2.Environment, template: str, view: SiteView, root: str, **context: Any) -> bytes:
    """`render` for a page that lists the whole roadmap (`Page.lists_all`): the same bytes, in less memory.

    `Template.render` holds every piece of the page until it joins them:
    half a million for 20,000 ideas, 50 MB for a 6.7 MB page, which the
    main process renders while the workers run (render/write.py). Here they
    are encoded as they come. Not for every page: the generator around
    the template's costs 5 % on small ones.
    """
    pieces = env.get_template(template).generate(_variables(view, root, context))
    return b"".join(["".join(part).encode("utf-8") for part in iter(partial(_next_part, pieces), [])])


def _next_part(pieces: Iterator[str]) -> list[str]:
    return list(islice(pieces, PIECES))


def site_files(view: SiteView, templates: Path | None = None) -> Iterator[tuple[str, bytes]]:
    """Every file of the site with its bytes, in a fixed order, each rendered when it is reached."""
    for page in site_pages(view, templates):
        yield page.path, page.make()


def site_pages(view: SiteView, templates: Path | None = None, env: jinja2.Environment | None = None) -> Iterator[Page]:
    """Every file of the site, in a fixed order, not rendered yet."""
    env = env or environment(templates)
    html: list[str] = []
    for page in _pages(view, env):
        if page.path.endswith(".html") and not page.path.startswith(f"{EMBED_DIR}/"):
            html.append(page.path)
        yield page
    roadmap = view.roadmap
    yield Page("feed.xml", partial(atom, view), lists_all=True)
    yield Page("robots.txt", partial(robots_txt, view), lists_all=True)
    if view.config.base_url and not view.internal:
        yield Page("sitemap.xml", partial(sitemap_xml, view, html), len(html), lists_all=True)
    weight = len(roadmap.initiatives) + len(roadmap.ideas)
    yield Page("roadmap.json", partial(_roadmap_json, view), weight, lists_all=True)
    for path, data in static_files(view.config, templates, internal=view.internal):
        yield Page(path, partial(bytes, data), lists_all=True)
    yield Page("assets/themes.css", partial(theme_css, view), lists_all=True)


def _roadmap_json(view: SiteView) -> bytes:
    return dumps(roadmap_data(view))


def _pages(view: SiteView, env: jinja2.Environment) -> Iterator[Page]:
    def listing(template: str, root: str, page: str, path: str, weight: int, **context: Any) -> Page:
        make = partial(render_listing, env, template, view, root, page=page, path=path, **context)
        return Page(path, make, weight, lists_all=True)

    board = len(view.board)
    yield listing("index.html", ".", "board", "index.html", board)
    yield listing("embed.html", "..", "embed", f"{EMBED_DIR}/index.html", board, compact=True)
    ideas = view.ideas_by_initiative
    for item in view.roadmap.initiatives:
        path = initiative_url(item)
        make = partial(render, env, "initiative.html", view, "..", page="initiative", item=item, path=path)
        yield Page(path, make, 1 + len(ideas.get(item.id, ())))
    yield listing("completed.html", "..", "completed", "completed/index.html", len(view.completed))
    weight = len(view.roadmap.objectives) + len(view.roadmap.initiatives)
    yield listing("objectives.html", "..", "objectives", "objectives/index.html", weight)
    if view.internal:
        yield listing("priorities.html", "..", "priorities", "priorities/index.html", len(view.roadmap.ideas))
    for generate in GENERATORS:
        yield from generate(view, env)


#: Static files of internal-only sections: a public build does not even name them.
INTERNAL_STATIC = frozenset({"sprints.css"})


def static_files(config: Config, templates: Path | None, *, internal: bool = True) -> Iterator[tuple[str, bytes]]:
    """The theme's static files (user overrides first), the team's logo and favicon, or a default favicon."""
    builtin = resources.files(THEME_PACKAGE) / "static"
    names = sorted(p.name for p in builtin.iterdir() if p.is_file())
    override_dir = templates / "static" if templates else None
    if override_dir and override_dir.is_dir():
        names = sorted(set(names) | {p.name for p in override_dir.iterdir() if p.is_file()})
    if not internal:
        names = [n for n in names if n not in INTERNAL_STATIC]
    for name in names:
        override = override_dir / name if override_dir else None
        if override and override.is_file():
            yield f"assets/{name}", override.read_bytes()
        else:
            yield f"assets/{name}", (builtin / name).read_bytes()
    for path in dict.fromkeys(p for p in (config.logo, config.favicon) if p and p.is_file()):
        yield f"assets/{path.name}", path.read_bytes()
    if not config.favicon:
        yield f"assets/{DEFAULT_FAVICON}", favicon_svg(config.brand_color)


def theme_css(view: SiteView) -> bytes:
    """The brand colour and one class per theme, so pages need no inline styles (CSP)."""
    return brand_css(view.config.brand_color, view.roadmap.themes)


def write_site(view: SiteView, folder: Path, templates: Path | None = None) -> int:
    """Write every file into `folder` (a fresh one), over the machine's cores when it pays; returns the number of files.

    Raises SheetmapError, naming the template and line, when a template fails.
    """
    from sheetmap.render.write import write_pages  # here: `site_files` alone (serve) never needs it

    env = environment(templates, reload=False)
    return write_pages(list(site_pages(view, templates, env)), folder, prepare=partial(_prepare, view, env))


def _prepare(view: SiteView, env: jinja2.Environment) -> None:
    """What every worker would otherwise do again: compile the templates, work out what many pages share."""
    view.warm()
    for name in env.list_templates(filter_func=_page_template):
        # A broken template that a page uses fails that page, with its message; an unused one never mattered.
        with contextlib.suppress(jinja2.TemplateError):
            env.get_template(name)


def _page_template(name: str) -> bool:
    return name.endswith(".html") and not name.startswith(("default:", "mkdocs/", "serve/"))


# The built-in page generators register themselves on import (after `page_generator` exists).
from sheetmap.render import sprints as _sprints  # noqa: E402, F401
