"""Read every file of a built site and list what could execute, load or leak.

Used by test_xss.py and test_csp.py over whole output folders (whatever pages
the site has today), so a page added later is checked without a test change.
Each check returns findings as strings, 'path:line: what', so a failure says
exactly where to look.

HTML is read with the standard library's `html.parser`, which lower-cases tag
and attribute names and decodes character references in attribute values, as
a browser does. Where it and a browser could disagree (mutation XSS), the
browser test (tests/browser/test_xss_browser.py) has the last word.
"""

from __future__ import annotations

import json
import posixpath
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

#: Attributes a browser follows or loads as a URL.
URL_ATTRIBUTES = frozenset(
    {
        "action", "archive", "background", "cite", "classid", "codebase", "data", "dynsrc", "formaction",
        "href", "icon", "imagesrcset", "longdesc", "lowsrc", "manifest", "ping", "poster", "profile", "src",
        "srcset", "usemap", "xlink:href", "xml:base",
    }
)  # fmt: skip
#: Schemes that run code or smuggle a document when followed.
BAD_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:", "mocha:")
#: Elements that load or run something, or change how every other URL resolves: the site
#: itself needs none of them, so any occurrence came from content.
FORBIDDEN_TAGS = frozenset(
    {"applet", "base", "embed", "frame", "frameset", "iframe", "object", "param", "portal", "bgsound", "xml"}
)
#: What a browser strips or ignores in a URL before reading its scheme.
_URL_NOISE = re.compile(r"[\x00-\x20\x7f-\x9f\u00a0\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff]")


def html_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in (".html", ".htm"))


def all_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def bad_url(value: str) -> bool:
    """True for a URL that runs script or embeds a document (after the clean-up browsers do)."""
    folded = _URL_NOISE.sub("", value).lower()
    return folded.startswith(BAD_SCHEMES)


@dataclass
class Element:
    tag: str
    attrs: list[tuple[str, str]]
    line: int

    def get(self, name: str) -> str | None:
        for key, value in self.attrs:
            if key == name:
                return value
        return None


@dataclass
class Script:
    attrs: dict[str, str]
    body: str
    line: int


@dataclass
class Page:
    """What one HTML file holds, as html.parser reads it."""

    path: Path
    elements: list[Element] = field(default_factory=list)
    scripts: list[Script] = field(default_factory=list)
    styles: list[tuple[int, str]] = field(default_factory=list)

    def where(self, root: Path, line: int) -> str:
        return f"{self.path.relative_to(root).as_posix()}:{line}"


class _Reader(HTMLParser):
    def __init__(self, page: Page) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self._script: Script | None = None
        self._style: tuple[int, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        values = [(name, value or "") for name, value in attrs]
        self.page.elements.append(Element(tag, values, line))
        if tag == "script":
            self._script = Script(dict(values), "", line)
            self.page.scripts.append(self._script)
        elif tag == "style":
            self._style = (line, [])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self._script = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None
        elif tag == "style" and self._style is not None:
            self.page.styles.append((self._style[0], "".join(self._style[1])))
            self._style = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.body += data
        elif self._style is not None:
            self._style[1].append(data)


def read_page(path: Path) -> Page:
    stat = path.stat()
    return _read_page(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4096)
def _read_page(path: Path, mtime_ns: int, size: int) -> Page:
    # Several tests read the same thousand pages; the file's stat is part of the key, so a
    # rewritten file is read again.
    page = Page(path)
    reader = _Reader(page)
    reader.feed(path.read_text(encoding="utf-8"))
    reader.close()
    return page


def pages(root: Path) -> Iterator[Page]:
    for path in html_files(root):
        yield read_page(path)


def _resolve(root: Path, page: Path, url: str) -> Path | None:
    """The file inside `root` a relative URL on `page` points at, or None if it leaves the site."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url) or url.startswith(("//", "/")):
        return None
    target = posixpath.normpath(
        posixpath.join(page.parent.relative_to(root).as_posix(), url.split("?")[0].split("#")[0])
    )
    if target.startswith(".."):
        return None
    return root / target


# --- the checks --------------------------------------------------------------------------------------


def script_findings(root: Path, page: Page) -> list[str]:
    """Every <script> must be the site's own: an empty element loading a .js file of the site itself."""
    found = []
    for script in page.scripts:
        where = page.where(root, script.line)
        src = script.attrs.get("src")
        kind = script.attrs.get("type", "").strip().lower()
        if kind in ("application/json", "application/ld+json"):
            found += _data_block_findings(where, script)
            continue
        if src is None:
            found.append(f"{where}: inline <script> ({script.body.strip()[:80]!r})")
            continue
        if script.body.strip():
            found.append(f"{where}: <script src> with a body ({script.body.strip()[:80]!r})")
        target = _resolve(root, page.path, src)
        if target is None or not target.is_file() or target.suffix != ".js":
            found.append(f"{where}: <script src={src!r}> is not one of the site's own script files")
    return found


def _data_block_findings(where: str, script: Script) -> list[str]:
    # A JSON data block is not run, but text in it must not be able to end the element.
    found = []
    if re.search(r"</script|<!--", script.body, re.IGNORECASE):
        found.append(f"{where}: JSON data block holds '</script' or '<!--' unescaped")
    try:
        json.loads(script.body)
    except ValueError as exc:
        found.append(f"{where}: JSON data block does not parse ({exc})")
    return found


def element_findings(root: Path, page: Page) -> list[str]:
    """Event handlers, script URLs, and elements that load or run things."""
    found = []
    for el in page.elements:
        where = page.where(root, el.line)
        if el.tag in FORBIDDEN_TAGS:
            found.append(f"{where}: <{el.tag}> element")
        for name, value in el.attrs:
            if name.startswith("on"):
                found.append(f"{where}: event handler {name}= on <{el.tag}>")
            if name in URL_ATTRIBUTES:
                urls = [u.strip().split(" ")[0] for u in value.split(",")] if name.endswith("srcset") else [value]
                if any(bad_url(u) for u in urls):
                    found.append(f"{where}: <{el.tag} {name}={value[:80]!r}>")
        if el.tag == "meta":
            equiv = (el.get("http-equiv") or "").strip().lower()
            if equiv and equiv != "content-security-policy":
                found.append(f"{where}: <meta http-equiv={equiv!r}>")
        if el.tag == "link" and "import" in (el.get("rel") or "").lower():
            found.append(f"{where}: <link rel=import>")
    return found


def style_findings(root: Path, page: Page) -> list[str]:
    """No inline CSS: the CSP forbids it, and CSS can load URLs and, in old browsers, run script."""
    found = [f"{page.where(root, line)}: <style> element" for line, _ in page.styles]
    for el in page.elements:
        if el.get("style") is not None:
            found.append(f"{page.where(root, el.line)}: style= attribute on <{el.tag}>")
    return found


def executable_findings(root: Path) -> list[str]:
    """Everything in the HTML pages under `root` that could run script."""
    found = []
    for page in pages(root):
        found += script_findings(root, page) + element_findings(root, page) + style_findings(root, page)
    return found


def structure(root: Path) -> set[tuple[str, str]]:
    """The (tag, attribute) pairs the pages use, ('tag', '') for each tag."""
    pairs = set()
    for page in pages(root):
        for el in page.elements:
            pairs.add((el.tag, ""))
            pairs.update((el.tag, name) for name, _ in el.attrs)
    return pairs


def json_findings(root: Path) -> list[str]:
    found = []
    for path in all_files(root):
        if path.suffix == ".json":
            try:
                json.loads(path.read_text(encoding="utf-8"))
            except ValueError as exc:
                found.append(f"{path.relative_to(root)}: not JSON ({exc})")
    return found


def xml_findings(root: Path) -> list[str]:
    """Feeds and sitemaps parse as XML, hold no DTD, and their links are not script URLs."""
    found = []
    for path in all_files(root):
        if path.suffix != ".xml":
            continue
        data = path.read_bytes()
        where = path.relative_to(root).as_posix()
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            found.append(f"{where}: declares a DTD or entities")
        try:
            tree = ET.fromstring(data)
        except ET.ParseError as exc:
            found.append(f"{where}: not well-formed XML ({exc})")
            continue
        for el in tree.iter():
            for name, value in el.attrib.items():
                local = name.rsplit("}", 1)[-1]
                if local.startswith("on") or (local in URL_ATTRIBUTES and bad_url(value)):
                    found.append(f"{where}: <{el.tag} {local}={value[:80]!r}>")
            if el.get("type") in ("html", "xhtml"):
                found += _feed_markup_findings(where, el)
    return found


def _feed_markup_findings(where: str, el: ET.Element) -> list[str]:
    """Atom text of type html is HTML to a feed reader: it must be as inert as a page."""
    kind = el.get("type")
    markup = (el.text or "") if kind == "html" else ""
    if kind == "xhtml":
        markup += "".join(ET.tostring(child, encoding="unicode") for child in el)
    if not markup:
        return []
    fragment = Page(Path(where))
    reader = _Reader(fragment)
    reader.feed(markup)
    reader.close()
    found = []
    for script in fragment.scripts:
        found.append(f"{where}: <script> in feed markup ({script.body[:60]!r})")
    for item in fragment.elements:
        if item.tag in FORBIDDEN_TAGS or item.tag == "style":
            found.append(f"{where}: <{item.tag}> in feed markup")
        for name, value in item.attrs:
            if name.startswith("on") or name == "style" or (name in URL_ATTRIBUTES and bad_url(value)):
                found.append(f"{where}: <{item.tag} {name}=…> in feed markup")
    return found
