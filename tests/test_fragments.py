"""The pure parts of the MkDocs pages: relative roots and the scoped stylesheet."""

from __future__ import annotations

import posixpath

from hypothesis import given
from hypothesis import strategies as st

from sheetmap.render.fragments import root_of
from sheetmap.render.scoped_css import host_rem, scoped

segment = st.from_regex(r"[a-z0-9][a-z0-9-]{0,8}", fullmatch=True)


@given(st.lists(segment, min_size=1, max_size=3), st.lists(segment, max_size=3), segment, st.booleans())
def test_root_leads_from_any_page_back_to_the_roadmap_folder(
    folder: list[str], below: list[str], name: str, directory_urls: bool
) -> None:
    folder_url = "/".join(folder) + "/"
    page_url = folder_url + "".join(f"{s}/" for s in below) + (f"{name}/" if directory_urls else f"{name}.html")
    here = page_url if page_url.endswith("/") else posixpath.dirname(page_url) + "/"
    assert posixpath.normpath(posixpath.join(here, root_of(page_url, folder_url))) == folder_url.rstrip("/")


def test_root_of_the_usual_pages() -> None:
    assert root_of("roadmap/", "roadmap/") == "."
    assert root_of("roadmap/index.html", "roadmap/") == "."
    assert root_of("roadmap/initiatives/init-1/", "roadmap/") == "../.."
    assert root_of("roadmap/initiatives/init-1.html", "roadmap/") == ".."


def test_scoped_keeps_the_components_and_leaves_the_page_to_the_host() -> None:
    css = """
    /* a comment with { braces } */
    :root { --bg: #fff; }
    * { box-sizing: border-box; }
    body { margin: 0; }
    h1, .lead { font-size: 2rem; }
    .site-header nav a { color: red; }
    .card, .card:hover { border: 1px solid; }
    [hidden] { display: none !important; }
    .chip::before { content: "}"; }
    @media (max-width: 900px) { .board { display: block; } body { padding: 0; } }
    @media (prefers-color-scheme: dark) { :root { --bg: #000; } }
    @font-face { font-family: x; src: url(x.woff2); }
    """
    out = scoped(css)
    assert ".sheetmap .lead { font-size: 2rem; }" in out
    assert ".sheetmap .card, .sheetmap .card:hover { border: 1px solid; }" in out
    assert ".sheetmap [hidden] { display: none !important; }" in out
    assert '.sheetmap .chip::before { content: "}"; }' in out
    assert "@media (max-width: 900px) {\n.sheetmap .board { display: block; }\n}" in out
    for gone in (":root", "body", "h1", "site-header", "box-sizing", "prefers-color-scheme", "@font-face", "comment"):
        assert gone not in out, gone


def test_rem_lengths_follow_the_hosts_text_size_but_the_definition_stays() -> None:
    css = (
        ".sheetmap { --sheetmap-rem: 1rem; } .md-typeset .sheetmap { --sheetmap-rem: .8rem; } "
        ".card { margin: .5rem 0 2rem; }"
    )
    out = host_rem(css)
    assert "--sheetmap-rem: 1rem;" in out and "--sheetmap-rem: .8rem;" in out
    assert "margin: calc(.5 * var(--sheetmap-rem, 1rem)) 0 calc(2 * var(--sheetmap-rem, 1rem));" in out
