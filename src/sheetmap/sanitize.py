"""Markdown cells -> safe HTML, and a note of anything that was removed.

python-markdown renders; nh3 (ammonia) keeps only an allowlist of tags,
attributes and URL schemes. What nh3 dropped is found by comparing the tags
and attributes before and after, so the user learns which cell held a
script or a `javascript:` link (`unsafe-content`).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from functools import lru_cache
from html.parser import HTMLParser

import markdown
import nh3

#: Exactly what Markdown itself produces: raw HTML typed into a cell is
#: removed (and reported) even when it would be harmless.
ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "img",
    "li", "ol", "p", "pre", "strong", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
#: Attributes nh3 adds itself; they are not something the cell lost.
_ADDED = {("a", "rel")}


#: Spaces and invisible characters that can hide a scheme from a URL parser but not from a
#: person or an older or laxer client: '\u2006javascript:' is a relative link to Chromium.
_URL_DISGUISE = re.compile(r"[\s\x00-\x20\x7f-\x9f\u180e\u200b-\u200f\u2028-\u202f\u2060-\u2064\ufeff]")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
_SURROGATE = re.compile("[\ud800-\udfff]")
#: What values.clean_text removes from every cell; in Markdown they can also come as character
#: references ('&#x202e;' reverses the text after it), which only the renderer decodes.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")


def _only_https_images(element: str, attribute: str, value: str) -> str | None:
    # An image loads without a click, so only encrypted sources are allowed.
    if element == "img" and attribute == "src" and not value.lower().startswith("https://"):
        return None
    if attribute in ("href", "src"):
        scheme = _SCHEME.match(_URL_DISGUISE.sub("", value).lower())
        if scheme and scheme.group(1) not in URL_SCHEMES:
            return None
    return value


class _Inventory(HTMLParser):
    """Counts the tags and (tag, attribute, value) triples of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: Counter[tuple[str, ...]] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.items[(tag,)] += 1
        for name, value in attrs:
            if (tag, name) not in _ADDED:
                self.items[(tag, name, (value or "").strip())] += 1

    handle_startendtag = handle_starttag


def _inventory(fragment: str) -> Counter[tuple[str, ...]]:
    parser = _Inventory()
    parser.feed(fragment)
    parser.close()
    return parser.items


def _describe(item: tuple[str, ...]) -> str:
    if len(item) == 1:
        return f"a <{item[0]}> element"
    tag, attribute, value = item
    if tag == "img" and attribute == "src":
        return "an image not served over https"
    if attribute in ("href", "src") and ":" in value:
        return f"a '{value.split(':', 1)[0].strip().lower()}:' link"
    return f"the {attribute} attribute of <{tag}>"


_MARKDOWN = markdown.Markdown(extensions=["sane_lists", "nl2br", "fenced_code"])

#: python-markdown scans from every '<' and '[' that does not close to the end of its block,
#: about 1 µs per opener per character: a cell of a few thousand '<![CDATA[' takes minutes.
#: Other constructs cost at most about 0.5 s in a cell of Excel's maximum length (32,767
#: characters). Past these limits a cell is shown as plain text, so no cell can stall a build.
MAX_OPENERS = 64
MAX_OPENER_WORK = 400_000
#: Block parsing is quadratic in lines ('\n=' or '\n***' repeated: 16,000 lines took 6 s).
MAX_LINE_WORK = 20_000_000
MAX_MARKDOWN_CHARS = 50_000  # Google Sheets' limit per cell; Excel's is 32,767


def _too_costly(source: str) -> str | None:
    """Why formatting `source` as Markdown could take too long (a note for the report), or None."""
    if len(source) > MAX_MARKDOWN_CHARS:
        return (
            f"more Markdown than sheetmap formats ({len(source):,} characters; the limit is "
            f"{MAX_MARKDOWN_CHARS:,}, so the cell is shown as plain text)"
        )
    lines = source.count("\n")
    if lines * len(source) > MAX_LINE_WORK:
        return f"more Markdown than sheetmap formats in time ({lines:,} lines, so the cell is shown as plain text)"
    openers = source.count("<") + source.count("[")
    if openers > MAX_OPENERS or openers * len(source) > MAX_OPENER_WORK:
        return (
            f"more links and HTML than sheetmap formats in time ({openers:,} '<' and '[' characters, "
            "so the cell is shown as plain text)"
        )
    return None


def _plain(source: str) -> str:
    """Text as HTML paragraphs, without any formatting: linear in its length whatever it holds."""
    paragraphs = (p.strip() for p in re.split(r"\n[ \t]*\n", source))
    return "\n".join(f"<p>{html.escape(p).replace(chr(10), '<br>' + chr(10))}</p>" for p in paragraphs if p)


@lru_cache(maxsize=65536)
def render_markdown(source: str) -> tuple[str, tuple[str, ...]]:
    """Markdown -> (sanitised HTML, descriptions of what was removed).

    Cached by content: the same description rendered for several pages, or
    again by `sheetmap serve`, costs nothing.
    """
    if not source.strip():
        return "", ()
    source = _SURROGATE.sub("\ufffd", source)  # unencodable; parse.py has removed them already
    costly = _too_costly(source)
    if costly:
        return nh3.clean(_plain(source), tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES), (costly,)
    _MARKDOWN.reset()
    try:
        raw = _MARKDOWN.convert(source)
    except RecursionError:  # '- - - - …' hundreds of lists deep: python-markdown recurses per level
        note = "more Markdown than sheetmap formats (lists or quotes nested too deep; the cell is shown as plain text)"
        return nh3.clean(_plain(source), tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES), (note,)
    clean = nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        attribute_filter=_only_https_images,
        link_rel="noopener noreferrer",
    )
    # Most cells come out of nh3 unchanged: then nothing was removed, and the two
    # HTML parses that would show it (the slowest part of a large build) are skipped.
    lost = Counter() if clean == raw else _inventory(raw) - _inventory(clean)
    removed = tuple(sorted({_describe(item) for item in lost}))
    visible = _INVISIBLE.sub("", clean)
    if visible != clean:
        removed += ("invisible or text-direction characters",)
    return visible, removed


def plain_text(fragment: str) -> str:
    """The visible text of an HTML fragment, for search and page descriptions."""
    return " ".join(html.unescape(nh3.clean(fragment, tags=set())).split())
