"""CommonMark -> HTML with cmark-gfm (GitHub's C library, bundled by cmarkgfm), freeing what it allocates.

cmarkgfm's Python functions never free the HTML string cmark returns, and with an extension
never free the parsed document either: about 2.6 KB lost per cell with autolinks, which
`sheetmap serve` would lose again on every rebuild of a large roadmap. So the C functions
are called here directly, the way cmarkgfm calls them, and everything is freed. Where the
library does not export the two functions that free (its symbols are a detail of cmarkgfm's
build), cmarkgfm's own function is used: the same HTML, with its leak.

The options are fixed, chosen for cells typed in a spreadsheet:

* raw HTML is passed through (`CMARK_OPT_UNSAFE`) so that `sanitize.py` can remove it with
  nh3 *and report it*; cmark's safe mode would replace it silently;
* a newline inside a paragraph is a line break (`CMARK_OPT_HARDBREAKS`), as people expect in a cell;
* bare `https://…`, `www.…` and e-mail addresses become links (GFM's autolink extension).
  Other GFM extensions (tables, strikethrough, task lists) stay off: their elements are not
  in sanitize.ALLOWED_TAGS, and `~` is common in roadmaps ("~3 weeks").
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable

import cmarkgfm
from cmarkgfm import _cmark
from cmarkgfm.cmark import Options

OPTIONS = Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_HARDBREAKS
EXTENSIONS = ("autolink",)

#: One parser, reused: cmark resets it after each document and keeps its extensions. The lock
#: also keeps two threads from parsing at once, since the extensions switch the inline parser's
#: special characters in a table shared by every parser in the process.
_lock = threading.Lock()


class _Cmark:
    """cmark-gfm's C functions as cmarkgfm declares them, plus the two it leaves out to free memory."""

    def __init__(self) -> None:
        ffi, lib = _cmark.ffi, _cmark.lib
        # cmark_node_free and the allocator are exported by the library but not declared by cmarkgfm;
        # ctypes finds them, and cffi calls them (cffi's own declarations would cost 60 ms of import).
        exported = ctypes.CDLL(_cmark.__file__)
        exported.cmark_get_default_mem_allocator.restype = ctypes.c_void_p
        self.memory = ffi.cast("cmark_mem *", exported.cmark_get_default_mem_allocator())
        address = ctypes.cast(exported.cmark_node_free, ctypes.c_void_p).value
        self.node_free = ffi.cast("void (*)(cmark_node *)", address)
        lib.cmark_gfm_core_extensions_ensure_registered()
        self.parser = lib.cmark_parser_new(OPTIONS)
        for name in EXTENSIONS:
            extension = lib.cmark_find_syntax_extension(name.encode())
            if extension == ffi.NULL:
                raise LookupError(f"cmark-gfm has no {name} extension")
            lib.cmark_parser_attach_syntax_extension(self.parser, extension)
        self.extensions = lib.cmark_parser_get_syntax_extensions(self.parser)

    def to_html(self, text: str) -> str:
        data = text.encode()
        lib = _cmark.lib
        with _lock:
            try:
                lib.cmark_parser_feed(self.parser, data, len(data))
            finally:  # even when interrupted: text left in the shared parser would open the next cell
                root = lib.cmark_parser_finish(self.parser)
            try:
                html = lib.cmark_render_html(root, OPTIONS, self.extensions)
            finally:
                self.node_free(root)
        try:
            return _cmark.ffi.string(html).decode()
        finally:
            self.memory.free(html)


def _leaky_to_html(text: str) -> str:
    """cmarkgfm's own function: the same HTML, but it never frees the document or the string."""
    with _lock:
        return cmarkgfm.markdown_to_html_with_extensions(text, OPTIONS, list(EXTENSIONS))


def _converter() -> Callable[[str], str]:
    try:
        return _Cmark().to_html
    except (OSError, AttributeError, LookupError):  # the library does not export those functions
        return _leaky_to_html


#: Markdown -> HTML, raw HTML kept for the sanitiser (see above).
to_html = _converter()
