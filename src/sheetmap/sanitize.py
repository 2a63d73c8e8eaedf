"""Markdown cells -> safe HTML, and a note of anything that was removed.

cmark-gfm renders CommonMark (commonmark.py); nh3 (ammonia) keeps only an
allowlist of tags, attributes and URL schemes. What nh3 dropped is found by
comparing the tags and attributes before and after, so the user learns which
cell held a script or a `javascript:` link (`unsafe-content`).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from functools import lru_cache
from html.parser import HTMLParser

import nh3

from sheetmap.commonmark import to_html

#: Exactly what Markdown itself produces: raw HTML typed into a cell is
#: removed (and reported) even when it would be harmless.
ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "img",
    "li", "ol", "p", "pre", "strong", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
#: Not something the cell lost: nh3 adds rel itself; a code block's class names the language
#: after its opening fence (```python), which the site does not use.
_UNREPORTED = {("a", "rel"), ("code", "class")}


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


#: Built once: nh3.clean would convert the allowlists for every cell, half of its time.
_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    attribute_filter=_only_https_images,
    link_rel="noopener noreferrer",
)


class _Inventory(HTMLParser):
    """Counts the tags and (tag, attribute, value) triples of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: Counter[tuple[str, ...]] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.items[(tag,)] += 1
        for name, value in attrs:
            if (tag, name) not in _UNREPORTED:
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


#: cmark-gfm is linear in its input, and so is nh3, except in how deep elements nest: nh3 walks
#: the open elements at each tag. 16,000 quotes nested in one line ('>>>>…') took nh3 1 s, 32,767
#: took 6 s; 8,000 nested HTML tags ('<dl><dd>' repeated) 0.2 s, 12,500 of them 0.55 s. Past these
#: limits a cell is shown as plain text, so no cell can stall a build (docs/validation.md).
MAX_MARKDOWN_CHARS = 50_000  # Google Sheets' limit per cell; Excel's is 32,767
MAX_HTML_TAGS = 1_000  # '<' in the cell: raw HTML is removed anyway, and each tag can nest
MAX_QUOTE_DEPTH = 100  # cmark itself nests lists at most 100 deep
_QUOTE_TAG = re.compile(r"<(/?)blockquote>")


def _too_costly(source: str) -> str | None:
    """Why formatting `source` as Markdown could take too long (a note for the report), or None."""
    if len(source) > MAX_MARKDOWN_CHARS:
        return (
            f"more Markdown than sheetmap formats ({len(source):,} characters; the limit is "
            f"{MAX_MARKDOWN_CHARS:,}, so the cell is shown as plain text)"
        )
    tags = source.count("<")
    if tags > MAX_HTML_TAGS:
        return (
            f"more HTML than sheetmap formats ({tags:,} '<' characters; the limit is {MAX_HTML_TAGS:,}, "
            "so the cell is shown as plain text)"
        )
    return None


def _too_deep(raw: str) -> str | None:
    """Why cmark's HTML nests too deep for nh3 (a note for the report), or None."""
    if raw.count("<blockquote>") <= MAX_QUOTE_DEPTH:  # nesting cannot be deeper than the count
        return None
    depth = deepest = 0
    for closing in _QUOTE_TAG.findall(raw):
        depth += -1 if closing else 1
        deepest = max(deepest, depth)
    if deepest <= MAX_QUOTE_DEPTH:
        return None
    return (
        f"quotes nested {deepest:,} deep (lines starting with '>'; the limit is {MAX_QUOTE_DEPTH}, "
        "so the cell is shown as plain text)"
    )


def _plain(source: str) -> str:
    """Text as HTML paragraphs, without any formatting: linear in its length whatever it holds."""
    paragraphs = (p.strip() for p in re.split(r"\n[ \t]*\n", source))
    return "\n".join(f"<p>{html.escape(p).replace(chr(10), '<br>' + chr(10))}</p>" for p in paragraphs if p)


#: How nh3 writes back what cmark wrote, when it removes nothing: void elements without ' /',
#: rel on links, no language class on code, '"' and no-break spaces escaped only where HTML needs it.
_LINK = re.compile(r'(<a href="[^"<>]*"(?: title="[^"<>]*")?)>')
_CODE_LANGUAGE = re.compile(r'<code class="language-[^"<>]*">')
_TEXT = re.compile(r">[^<>]*<")


def _as_nh3_writes(raw: str) -> str:
    html = _LINK.sub(r'\1 rel="noopener noreferrer">', raw.replace(" />", ">"))
    if "<code class=" in html:
        html = _CODE_LANGUAGE.sub("<code>", html)
    if "&quot;" in html:  # in text only: attribute values keep it
        html = _TEXT.sub(lambda text: text.group().replace("&quot;", '"'), html)
    return html.replace("\xa0", "&nbsp;")


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
    # cmark ends each block with a newline; after the last one it would only add blank lines to pages
    raw = "" if costly else _unlink_other_schemes(to_html(source).rstrip("\n"))
    costly = costly or _too_deep(raw)
    if costly:
        return _CLEANER.clean(_plain(source)), (costly,)
    clean = _CLEANER.clean(raw)
    # Most cells come out of nh3 as cmark wrote them, give or take how the HTML is spelled: then
    # nothing was removed, and the two HTML parses that would show it (the slowest part) are skipped.
    lost = Counter() if _as_nh3_writes(raw) == clean else _inventory(raw) - _inventory(clean)
    removed = tuple(sorted({_describe(item) for item in lost}))
    visible = _INVISIBLE.sub("", clean)
    if visible != clean:
        removed += ("invisible or text-direction characters",)
    return visible, removed


#: A link cmark's autolink made of a bare ftp:// or xmpp: address (its text is its address).
_OTHER_SCHEME_AUTOLINK = re.compile(r'<a href="((?:ftp|xmpp):[^"<>]*)">\1</a>', re.IGNORECASE)


def _unlink_other_schemes(raw: str) -> str:
    """Bare ftp:// and xmpp: addresses stay text, as typed.

    cmark's autolink makes them links, which the allowlist would then strip
    and report as unsafe: a false alarm for text that mentions an address.
    A link written as Markdown ([files](ftp://…)) is still removed and reported.
    """
    return _OTHER_SCHEME_AUTOLINK.sub(r"\1", raw) if "<a " in raw else raw


#: A tag as nh3 writes it: attribute values are double-quoted, with '"' escaped; text has no '<'.
_TAG = re.compile(r'<[^>"]*(?:"[^"]*"[^>"]*)*>')


def plain_text(fragment: str) -> str:
    """The visible text of an HTML fragment from render_markdown, for search and page descriptions."""
    return " ".join(html.unescape(_TAG.sub("", fragment)).split())
