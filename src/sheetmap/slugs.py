"""The one way an ID becomes part of a URL or a file name.

Every page path is `<folder>/<slug>.html` with a slug from `slugify`, which
can only produce `[a-z0-9-]`, never `.` or `/`, so no cell value can name a
file outside the output folder, whatever it holds.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from sheetmap.model import Roadmap

MAX_SLUG = 64
_NOT_SAFE = re.compile(r"[^a-z0-9]+")
#: Names Windows refuses as files, whatever the extension.
_DEVICES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def slugify(text: str) -> str:
    """A non-empty, lower-case ASCII slug of `text` (letters, digits, single hyphens)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = _NOT_SAFE.sub("-", ascii_text).strip("-")[:MAX_SLUG].strip("-")
    if not slug:
        # Non-Latin IDs (e.g. Cyrillic) keep a stable, unique-enough name.
        # surrogatepass: a lone surrogate (possible in JSON from an API) still hashes.
        return "id-" + hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    if slug in _DEVICES:
        return f"{slug}-item"
    return slug


class SlugRegistry:
    """Hands out slugs that are unique within one folder, in the order asked.

    `INIT-1` and `init 1` both slugify to `init-1`; the second gets
    `init-1-2`, so case-insensitive file systems never merge two pages.
    """

    def __init__(self, taken: tuple[str, ...] = ()) -> None:
        self._taken: set[str] = set(taken)
        self._given: dict[str, str] = {}

    def slug(self, key: str) -> str:
        if key in self._given:
            return self._given[key]
        base = slugify(key)
        candidate, n = base, 1
        while candidate in self._taken:
            n += 1
            candidate = f"{base}-{n}"
        self._taken.add(candidate)
        self._given[key] = candidate
        return candidate


def assign_slugs(roadmap: Roadmap) -> Roadmap:
    """Every record that becomes a page or an anchor gets its slug, in sheet order.

    Called on each audience's roadmap, so a public page's name never depends
    on an internal row (`INIT-1` internal and `init 1` public: the public
    page is still `init-1`).
    """

    def assign(items: tuple[Any, ...], key: Callable[[Any], str], taken: tuple[str, ...] = ()) -> tuple[Any, ...]:
        registry = SlugRegistry(taken)
        return tuple(_with_slug(x, registry.slug(key(x))) for x in items)

    return replace(
        roadmap,
        initiatives=assign(roadmap.initiatives, lambda x: x.id),
        ideas=assign(roadmap.ideas, lambda x: x.id),
        objectives=assign(roadmap.objectives, lambda x: x.id),
        themes=assign(roadmap.themes, lambda x: x.name),
        # sprints/index.html and sprints/unplanned.html are the sprint view's own pages
        sprints=assign(roadmap.sprints, lambda x: x.name, taken=("index", "unplanned")),
    )


def _with_slug(item: Any, slug: str) -> Any:
    """`item` (a frozen model record) with `slug`, copied only when it changes.

    `dataclasses.replace` runs `__init__` again (7 µs a record; 30,000
    records twice for a public build), so the record's fields are copied as
    they are (0.8 µs); the model's records have no `__post_init__` to miss.
    """
    if item.slug == slug:
        return item
    copied = object.__new__(type(item))
    copied.__dict__.update(item.__dict__)
    copied.__dict__["slug"] = slug
    return copied
