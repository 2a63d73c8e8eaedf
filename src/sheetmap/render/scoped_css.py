"""The standalone site's stylesheet, scoped to the roadmap's part of someone else's page.

Inside an MkDocs site the roadmap's markup should look as it does on the
standalone site, but the page (body, headings, links, header) belongs to
the host's theme. So the rules of `style.css` that style the roadmap's own
components are kept, each selector prefixed with `.sheetmap `, and the
rules for the page itself (`:root`, `body`, bare element selectors, the
site's header and footer) are left out. Deriving this from `style.css`
keeps the two in step, a team's override of `style.css` included.
"""

from __future__ import annotations

import re

#: Classes of the standalone page's frame, which the host site replaces.
FRAME_CLASSES = (
    "site-header", "site-footer", "footer-links", "skip", "wrap", "narrow", "appearance", "brand", "page-embed",
)  # fmt: skip
_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_REM = re.compile(r"(?<![\w.-])(\d*\.?\d+)rem\b")
_DEFINES_REM = re.compile(r"--sheetmap-rem\s*:\s*$")
#: A frame class, or one derived from it (`.appearance-icon`).
_FRAME = re.compile(r"\.(?:" + "|".join(FRAME_CLASSES) + r")(?!\w)")


def scoped(css: str, scope: str = ".sheetmap") -> str:
    """The component rules of `css`, each selector inside `scope`; at-rules kept around them."""
    return "".join(_rules(_COMMENT.sub("", css), scope))


def host_rem(css: str) -> str:
    """Lengths in `rem` as multiples of `--sheetmap-rem`, the host's body text size.

    The standalone site's 1rem is its 16px body text; Material for MkDocs sets
    the root to 20px and its text to .8rem, so the roadmap would come out a
    quarter too large. The host stylesheet sets `--sheetmap-rem` to match.
    """

    def scale(m: re.Match[str]) -> str:
        if _DEFINES_REM.search(css, max(0, m.start() - 40), m.start()):
            return m.group(0)  # the definition itself stays a plain length
        return f"calc({m.group(1)} * var(--sheetmap-rem, 1rem))"

    return _REM.sub(scale, css)


def _rules(css: str, scope: str) -> list[str]:
    out: list[str] = []
    i = 0
    while True:
        start = css.find("{", i)
        if start < 0:
            return out
        head = css[i:start].strip()
        end = _matching(css, start)
        body = css[start + 1 : end]
        i = end + 1
        if head.startswith("@"):
            if head.startswith(("@media", "@supports", "@container", "@layer")):
                inner = _rules(body, scope)
                if inner:
                    out.append(f"{head} {{\n{''.join(inner)}}}\n")
            continue  # @font-face, @keyframes, @page …: not the roadmap's to bring
        selectors = [s.strip() for s in head.split(",") if _component(s.strip())]
        if selectors:
            out.append(", ".join(f"{scope} {s}" for s in selectors) + f" {{{body}}}\n")


def _component(selector: str) -> bool:
    """A rule for the roadmap's own markup: it names a class or attribute, and nothing of the page frame."""
    if not selector or selector.startswith((":root", "html", "body")) or _FRAME.search(selector):
        return False
    return "." in selector or selector.startswith("[")


def _matching(css: str, start: int) -> int:
    """The index of the brace closing the one at `start` (quotes respected)."""
    depth, i, quote = 0, start, ""
    while i < len(css):
        c = css[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return len(css) - 1
