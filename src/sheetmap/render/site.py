"""Render the projected roadmap into the files of the static site.

Templates resolve from the team's `site_templates/` first, then the
built-in theme; a team's template can extend the built-in one it replaces
with `{% extends "default:card.html" %}`. Static files resolve the same
way. `site_files` yields `(path, bytes)` pairs, so the CLI writes them to
a folder and the MkDocs plugin hands them to MkDocs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from sheetmap.config import Config
from sheetmap.render.brand import favicon_svg
from sheetmap.render.brand import theme_css as brand_css
from sheetmap.render.data import dumps, roadmap_data
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

#: Extra page generators (the sprint view, the feed, …) register here:
#: each takes the view and the Jinja environment and yields (path, bytes).
PageGenerator = Callable[[SiteView, jinja2.Environment], Iterator[tuple[str, bytes]]]
GENERATORS: list[PageGenerator] = []


def page_generator(func: PageGenerator) -> PageGenerator:
    GENERATORS.append(func)
    return func


def _builtin_templates() -> jinja2.BaseLoader:
    return jinja2.PackageLoader(THEME_PACKAGE, "templates")


def environment(templates: Path | None) -> jinja2.Environment:
    """The Jinja environment: user overrides, then `default:`-prefixed and plain built-ins."""
    return _environment(str(templates) if templates else "")


class _MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept by name and source checksum.

    `sheetmap serve` empties the template cache before every rebuild (a new
    override must win over a cached built-in); with this, an unchanged
    template is not parsed and compiled again, only looked up.
    """

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


@lru_cache(maxsize=4)
def _environment(templates: str) -> jinja2.Environment:
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
        bytecode_cache=_MemoryBytecodeCache(),
    )
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
    page = env.get_template(template)
    return page.render(view=view, roadmap=view.roadmap, config=view.config, root=root, **context).encode("utf-8")


def site_files(view: SiteView, templates: Path | None = None) -> Iterator[tuple[str, bytes]]:
    """Every file of the site, in a fixed order."""
    env = environment(templates)
    pages: list[str] = []
    for path, data in _pages(view, env):
        if path.endswith(".html") and not path.startswith(f"{EMBED_DIR}/"):
            pages.append(path)
        yield path, data
    yield "feed.xml", atom(view)
    yield "robots.txt", robots_txt(view)
    if view.config.base_url and not view.internal:
        yield "sitemap.xml", sitemap_xml(view, pages)
    yield "roadmap.json", dumps(roadmap_data(view))
    yield from static_files(view.config, templates, internal=view.internal)
    yield "assets/themes.css", theme_css(view)


def _pages(view: SiteView, env: jinja2.Environment) -> Iterator[tuple[str, bytes]]:
    yield "index.html", render(env, "index.html", view, ".", page="board", path="index.html")
    embed = f"{EMBED_DIR}/index.html"
    yield embed, render(env, "embed.html", view, "..", page="embed", path=embed, compact=True)
    for item in view.roadmap.initiatives:
        path = initiative_url(item)
        yield path, render(env, "initiative.html", view, "..", page="initiative", item=item, path=path)
    yield (
        "completed/index.html",
        render(env, "completed.html", view, "..", page="completed", path="completed/index.html"),
    )
    yield (
        "objectives/index.html",
        render(env, "objectives.html", view, "..", page="objectives", path="objectives/index.html"),
    )
    if view.internal:
        path = "priorities/index.html"
        yield path, render(env, "priorities.html", view, "..", page="priorities", path=path)
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
    """Write every file into `folder` (a fresh one); returns the number of files."""
    count = 0
    made: set[Path] = set()
    for relative, data in site_files(view, templates):
        target = folder / relative
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_bytes(data)
        count += 1
    return count


# The built-in page generators register themselves on import (after `page_generator` exists).
from sheetmap.render import sprints as _sprints  # noqa: E402, F401
