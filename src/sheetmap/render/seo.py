"""How search engines and link previews see the site: robots.txt, sitemap.xml, absolute URLs.

A public build invites indexing and, with a `base_url`, lists its pages in
a sitemap (sitemaps need absolute URLs, so there is none without one). An
internal build asks every crawler to stay away, in robots.txt and in a
`noindex` meta tag on every page.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from sheetmap.render.views import SiteView


def absolute(view: SiteView, path: str) -> str:
    """`path` (relative to the site root) as an absolute URL, or '' without a base_url."""
    if not view.config.base_url:
        return ""
    if path.endswith("index.html"):
        path = path[: -len("index.html")]
    return f"{view.config.base_url}/{path}"


def robots_txt(view: SiteView) -> bytes:
    if view.internal:
        return b"# An internal roadmap: not for search engines.\nUser-agent: *\nDisallow: /\n"
    lines = ["User-agent: *", "Allow: /"]
    if view.config.base_url:
        lines.append(f"Sitemap: {view.config.base_url}/sitemap.xml")
    return ("\n".join(lines) + "\n").encode()


def sitemap_xml(view: SiteView, pages: list[str]) -> bytes:
    """Every HTML page but the embed, which is meant for iframes, not for search results."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for path in pages:
        lines.append(f"  <url><loc>{escape(absolute(view, path))}</loc></url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode()
