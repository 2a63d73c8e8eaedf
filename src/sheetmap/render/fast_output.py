"""Templates compiled so that `{{ text }}` escapes plain text without markupsafe's `Markup` wrapper.

With autoescaping, Jinja compiles each `{{ value }}` to `escape(value)`:
markupsafe's C escape of the text, then a `Markup` object made around it
(a Python-level `__new__`), only for the page to join it into a plain
string right away. That wrapper was about 0.7 of the 0.85 µs an output
costs, and a big site has millions of outputs (goal 2 of issue 9: a million
in 10,000 pages). This code generator writes `sheetmap_escape(value)`
instead: plain `str` values go straight through the same C escape and come
out as the same characters, as a plain string; anything else (numbers,
`Markup`, objects with `__html__`, undefined values) goes to markupsafe's
`escape` as before. Only output is affected: an output expression's result
is only ever joined into the page or into a block's buffer, which Jinja
wraps in `Markup` itself where it must.

`code_generator_class` is Jinja's documented hook for changing the code a
template compiles to; the method it overrides is not public, so without it
(another Jinja) or without markupsafe's `_escape_inner` (markupsafe 2) the
stock code generator is used, and pages are the same, a little slower.
"""

from __future__ import annotations

from typing import Any

import jinja2
from jinja2.compiler import CodeGenerator
from markupsafe import escape

try:  # markupsafe 3: the C escape of a str, without the Markup around it
    from markupsafe import _escape_inner as _escape_text

    _FAST = True
except ImportError:  # pragma: no cover - markupsafe 2: the same text, the slow way

    def _escape_text(text: str, /) -> str:
        return str(escape(text))

    _FAST = False


def sheetmap_escape(value: Any) -> str:
    """`markupsafe.escape(value)`, as a plain string when `value` is one."""
    if type(value) is str:  # type(), as markupsafe: proxies lie in __class__
        return _escape_text(value)
    return escape(value)


class FastOutputCodeGenerator(CodeGenerator):
    """Jinja's code generator, with `sheetmap_escape` for `{{ }}` output in autoescaped templates."""

    def visit_Template(self, node: jinja2.nodes.Template, frame: Any = None) -> None:
        self.writeline(f"from {__name__} import sheetmap_escape")
        super().visit_Template(node, frame)

    def _output_child_pre(self, node: jinja2.nodes.Expr, frame: Any, finalize: Any) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape:
            super()._output_child_pre(node, frame, finalize)
            return
        self.write("sheetmap_escape(")
        if finalize.src is not None:
            self.write(finalize.src)


def code_generator() -> type[CodeGenerator]:
    """The code generator for sheetmap's environments: the fast one where this Jinja allows it."""
    if not _FAST or not hasattr(CodeGenerator, "_output_child_pre"):
        return CodeGenerator
    return FastOutputCodeGenerator
