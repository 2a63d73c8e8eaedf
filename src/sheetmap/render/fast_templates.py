"""Templates compiled to do less per output, attribute and call, and write exactly what Jinja's code writes.

A big site runs the same few template lines millions of times (goal 2 of
issue 9: a million outputs and a million and a half attribute lookups in
10,000 pages; goal 1: four million lookups), and Jinja's compiled code
spends more on its general machinery there than on the page:

* **Output.** With autoescaping, `{{ value }}` compiles to `escape(value)`:
  markupsafe's C escape, then a `Markup` object made around the text (a
  Python-level `__new__`), only for the page to join it into a plain string
  right away; the wrapper was 0.7 of the 0.85 µs an output cost. Here it is
  `sheetmap_escape(value)`: a plain `str` goes straight through the same C
  escape and comes out as the same characters, as a plain string; `Markup`
  is written as it is and an `int` as its digits (where `escape` made a new
  `Markup` of each); anything else (other numbers, objects with `__html__`,
  undefined values) goes to markupsafe's `escape` as before. An output
  expression's result is only ever joined into the page or into a block's
  buffer, which Jinja wraps in `Markup` itself where it must.
* **Attributes.** `item.title` compiles to `environment.getattr(item,
  'title')`, a Python method call around the built-in `getattr`. Here the
  built-in is called inline, with a default; only when the object has no
  such attribute does the lookup go to `environment.getattr`, which tries
  `item['title']`, then gives the environment's undefined value, as before.
* **Calls.** `view.theme(x)` compiles to `context.call(view.theme, x)`,
  which asks the callee (twice) whether it wants the context, the eval
  context or the environment passed in. Plain functions and methods that
  carry no such mark are called directly here; anything else (macros,
  callable objects, undefined values, marked functions) still goes through
  `context.call`.

`code_generator_class` is Jinja's documented hook for changing the code a
template compiles to, but the methods overridden here are not public: with
a Jinja that lacks them, or without markupsafe's `_escape_inner`
(markupsafe 2), the stock code generator is used, and pages are the same,
a little slower. An async or sandboxed environment keeps Jinja's own
lookups and calls (it awaits or checks them).
`tests/test_fast_templates.py` renders every kind of place an output,
attribute or call can stand both ways, and the sample site byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable
from types import BuiltinFunctionType, FunctionType, MethodType
from typing import TYPE_CHECKING, Any

import jinja2
from jinja2 import compiler
from jinja2.compiler import CodeGenerator
from markupsafe import Markup, escape

if TYPE_CHECKING:
    from jinja2.compiler import Frame
    from jinja2.runtime import Context

try:  # markupsafe 3: the C escape of a str, without the Markup around it
    from markupsafe import _escape_inner as _escape_text

    _FAST = True
except ImportError:  # pragma: no cover - markupsafe 2: the same text, the slow way

    def _escape_text(text: str, /) -> str:
        return str(escape(text))

    _FAST = False


def sheetmap_escape(value: Any) -> str:
    """The text of `markupsafe.escape(value)`, without its copies where they change nothing.

    A plain `str` goes through the C escape and stays a plain string;
    `Markup` (what `| safe`, macros and `{% set %}` blocks give: a fifth of
    a big site's outputs) is its own escaped text, where `escape` made a new
    `Markup` of it, a copy; an `int` is its digits. Exact types only (as
    markupsafe, since proxies lie in `__class__`): a subclass may write
    itself differently (`__html__`, `__str__`), and goes to `escape`.
    """
    kind = type(value)
    if kind is str:
        return _escape_text(value)
    if kind is Markup:
        return value
    if kind is int:
        return int.__repr__(value)
    return escape(value)


#: Callables that `context.call` would call as they are unless they carry Jinja's `jinja_pass_arg` mark
#: (`pass_context` and the like; a method carries its function's). `type()`, not isinstance: a subclass
#: may define `__call__`, which `context.call` looks at too.
_PLAIN_CALLABLES = frozenset({FunctionType, MethodType, BuiltinFunctionType})


def sheetmap_call(context: Context, function: Any, /, *args: Any, **kwargs: Any) -> Any:
    """`context.call(function, *args, **kwargs)`, without its questions when `function` is a plain one."""
    if type(function) not in _PLAIN_CALLABLES or hasattr(function, "jinja_pass_arg"):
        return context.call(function, *args, **kwargs)
    if kwargs:  # what the compiled code passes for `context.call` alone
        kwargs.pop("_loop_vars", None)
        kwargs.pop("_block_vars", None)
    try:
        return function(*args, **kwargs)
    except StopIteration:  # as context.call words it
        return context.environment.undefined("value was undefined because a callable raised a StopIteration exception")


#: Jinja's decorator that writes a constant expression as its value instead of code, as its own methods do.
#: Not public: without it (another Jinja) `code_generator` gives Jinja's own code generator.
_optimizeconst = getattr(compiler, "optimizeconst", None)


def _folding_constants(method: Callable[..., None]) -> Callable[..., None]:
    return _optimizeconst(method) if _optimizeconst is not None else method


class FastCodeGenerator(CodeGenerator):
    """Jinja's code generator, with the cheaper output, attribute lookups and calls described above."""

    def visit_Template(self, node: jinja2.nodes.Template, frame: Frame | None = None) -> None:
        self.writeline(f"from {__name__} import sheetmap_escape, sheetmap_call")
        self.writeline("from builtins import getattr as sheetmap_getattr")
        super().visit_Template(node, frame)

    def _output_child_pre(self, node: jinja2.nodes.Expr, frame: Frame, finalize: Any) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape:
            super()._output_child_pre(node, frame, finalize)
            return
        self.write("sheetmap_escape(")
        if finalize.src is not None:
            self.write(finalize.src)

    @_folding_constants
    def visit_Getattr(self, node: jinja2.nodes.Getattr, frame: Frame) -> None:
        if self._stock_calls_needed:
            super().visit_Getattr(node, frame)
            return
        # (r if (r := getattr((o := OBJ), 'a', missing)) is not missing else environment.getattr(o, 'a')):
        # OBJ is evaluated once, and a lookup nested in it is done with the two names before they are set here.
        self.write("(sheetmap_r if (sheetmap_r := sheetmap_getattr((sheetmap_o := ")
        self.visit(node.node, frame)
        self.write(f"), {node.attr!r}, missing)) is not missing else environment.getattr(sheetmap_o, {node.attr!r}))")

    @_folding_constants
    def visit_Call(self, node: jinja2.nodes.Call, frame: Frame, forward_caller: bool = False) -> None:
        if self._stock_calls_needed:
            super().visit_Call(node, frame, forward_caller=forward_caller)
            return
        self.write("sheetmap_call(context, ")
        self.visit(node.node, frame)
        # The extra arguments exactly as the stock method passes them to context.call.
        extra: dict[str, str] = {"caller": "caller"} if forward_caller else {}
        if frame.loop_frame:
            extra["_loop_vars"] = "_loop_vars"
        if frame.block_frame:
            extra["_block_vars"] = "_block_vars"
        self.signature(node, frame, extra or None)
        self.write(")")

    @property
    def _stock_calls_needed(self) -> bool:
        """An async environment awaits lookups and calls, a sandboxed one checks them: theirs stay as they are."""
        return bool(self.environment.is_async or self.environment.sandboxed)


def code_generator() -> type[CodeGenerator]:
    """The code generator for sheetmap's environments: the fast one where this Jinja allows it."""
    if (
        not _FAST
        or _optimizeconst is None
        or not all(
            hasattr(CodeGenerator, name) for name in ("_output_child_pre", "visit_Getattr", "visit_Call", "signature")
        )
    ):
        return CodeGenerator
    return FastCodeGenerator
