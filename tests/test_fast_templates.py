"""Templates compiled by `FastCodeGenerator` write exactly what Jinja's own code generator writes.

The site's environment escapes `{{ text }}` without markupsafe's `Markup`
wrapper, looks attributes up with the built-in `getattr` and calls plain
functions directly (`render/fast_templates.py`). The text that comes out
must be the same characters in every place an output can stand: the page,
a block, a macro, a call block, a filter block, `{% set %}`, a loop, and
where autoescaping is switched off; lookups and calls must find, call and
fail as Jinja's code does, with every kind of callee and undefined value.
Then the sample roadmap is built both ways, byte for byte.
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Any

import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st
from jinja2.compiler import CodeGenerator
from markupsafe import Markup, escape

from sheetmap.audience import project
from sheetmap.config import Config
from sheetmap.pipeline import load
from sheetmap.render import site
from sheetmap.render.compiled import CompiledTemplates
from sheetmap.render.fast_templates import FastCodeGenerator, sheetmap_escape
from sheetmap.render.views import SiteView

SAMPLE = Path(__file__).resolve().parents[1] / "sample_sheets" / "acme-roadmap.xlsx"

values = (
    st.text()
    | st.sampled_from(["<b>&'\"</b>", "a > b", "plain", ""])
    | st.builds(Markup, st.text())
    | st.integers()
    | st.floats(allow_nan=False)
    | st.booleans()
    | st.none()
)


@given(values)
def test_escaping_gives_the_text_markupsafe_gives(value: Any) -> None:
    assert sheetmap_escape(value) == str(escape(value))


class _Html:
    def __html__(self) -> str:
        return "<i>safe</i>"


class _Trusted(Markup):
    def __html__(self) -> str:
        return "<i>trusted</i>"


class _Level(enum.IntEnum):
    HIGH = 3


class _Stars(int):
    def __str__(self) -> str:
        return "<b>★</b>"


def test_objects_that_carry_their_own_html_are_left_as_they_are() -> None:
    assert sheetmap_escape(_Html()) == "<i>safe</i>"
    assert sheetmap_escape(Markup("<b>x</b>")) == "<b>x</b>"


def test_subclasses_of_markup_and_int_write_themselves_as_markupsafe_has_them() -> None:
    """Plain `Markup` and `int` take a shortcut; a subclass may spell itself differently, and is asked."""
    for value in (_Trusted("<b>x</b>"), _Level.HIGH, _Stars(5), True, -12, 10**30):
        assert sheetmap_escape(value) == str(escape(value))
    assert sheetmap_escape(_Trusted("<b>x</b>")) == "<i>trusted</i>"
    assert sheetmap_escape(_Stars(5)) == "&lt;b&gt;★&lt;/b&gt;"


# Every place an output expression can stand.
TEMPLATE = """\
{% macro card(x) %}<p title="{{ x }}">{{ x }}{{ caller() if caller else '' }}</p>{% endmacro %}
{% block head %}<h1>{{ value }}</h1>{% endblock %}
{{ card(value) }}
{% call card(value) %}<em>{{ value }}</em>{% endcall %}
{% filter upper %}{{ value }}{% endfilter %}
{% set held %}[{{ value }}]{% endset %}{{ held }}|{{ held | length }}
{% for v in [value, value] %}{{ loop.index }}:{{ v }}{% endfor %}
{% autoescape false %}{{ value }}{% endautoescape %}
{% autoescape flag %}{{ value }}{% endautoescape %}
{{ value ~ "<x>" }} {{ value | e }} {{ value | safe }} {{ missing | default("<none>") }}
{{ "<literal>" }} {{ 3 }} {{ [value] | join(", ") }}
"""


def _environment(generator: type[CodeGenerator]) -> jinja2.Environment:
    env = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.code_generator_class = generator
    return env


@given(values, st.booleans())
def test_templates_render_as_with_jinjas_own_code_generator(value: Any, flag: bool) -> None:
    stock = _environment(CodeGenerator).from_string(TEMPLATE).render(value=value, flag=flag)
    fast = _environment(FastCodeGenerator).from_string(TEMPLATE).render(value=value, flag=flag)
    assert fast == stock


def test_the_sites_templates_are_compiled_with_the_fast_output() -> None:
    env = site.environment(None, reload=False)
    assert env.code_generator_class is FastCodeGenerator
    assert "sheetmap_escape(" in env.compile(env.loader.get_source(env, "card.html")[0], "card.html", raw=True)


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_the_sample_site_is_the_same_with_jinjas_own_code_generator(
    audience: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = Config()
    view = SiteView(project(load([str(SAMPLE)], config).roadmap, audience), config, None)
    fast = dict(site.site_files(view))
    # A fresh environment and compiled-template store, so nothing compiled the fast way is reused.
    monkeypatch.setattr(site, "code_generator", lambda: CodeGenerator)
    monkeypatch.setattr(site, "_compiled", CompiledTemplates)
    site._environment.cache_clear()
    try:
        stock = dict(site.site_files(view))
    finally:
        site._environment.cache_clear()
    assert stock.keys() == fast.keys()
    assert [path for path in stock if stock[path] != fast[path]] == []


# --- attribute lookups and calls ---------------------------------------------------------------------------------


class _Thing:
    """An object as templates see the roadmap's: attributes, methods, a property."""

    def __init__(self, name: str, child: _Thing | None = None) -> None:
        self.name = name
        self.child = child
        self.calls = 0

    def shout(self, suffix: str = "!") -> str:
        return self.name.upper() + suffix

    def counted(self) -> _Thing:
        """Counts its calls: an expression must be evaluated once, as Jinja's own code does."""
        self.calls += 1
        return self

    @property
    def broken(self) -> str:
        raise AttributeError("inside the property")

    @jinja2.pass_context
    def with_context(self, context: Any, key: str) -> str:
        return f"{self.name}:{context.get(key)}"

    def stop(self) -> str:
        raise StopIteration


class _Greeter:
    @jinja2.pass_context
    def __call__(self, context: Any) -> str:
        return f"hello {context['thing'].name}"


@jinja2.pass_context
def _context_function(context: Any, key: str) -> str:
    return f"ctx:{context.get(key)}"


@jinja2.pass_eval_context
def _eval_context_function(eval_ctx: Any, text: str) -> str:
    return f"{text}:{eval_ctx.autoescape}"


@jinja2.pass_environment
def _environment_function(environment: Any) -> str:
    return type(environment).__name__


# Every kind of place an attribute lookup or a call can stand, and every kind of callee.
LOOKUPS = """\
{% macro named(t, label=thing.name) %}<i>{{ label }}/{{ t.name }}/{{ caller() if caller is defined }}</i>{% endmacro %}
{{ thing.name }} {{ thing.child.name }} {{ thing.child.child.name }}
{{ mapping.key }} {{ mapping.items is callable }} {{ mapping["items"] }}
{{ thing.shout() }} {{ thing.shout("?") }} {{ thing.shout(suffix=".") }} {{ thing.child.shout() }}
{{ thing.counted().name }} {{ thing.counted().counted().child.name }} {{ thing.counted().nothing is undefined }}
calls={{ thing.calls }}
{{ thing.with_context("marker") }} {{ context_function("marker") }} {{ eval_context_function("e") }}
{{ environment_function() }} {{ greeter() }} {{ named(thing) }} {{ named(thing.child, label="x") }}
{% call named(thing) %}{{ thing.child.name }}{% endcall %}
{{ thing.stop() is undefined }} {{ len(thing.name) }} {{ range(3) | list }} {{ dict(a=thing.name).a }}
{{ thing.missing is defined }} {{ thing.missing | default("none") }} {{ mapping.nothing is undefined }}
{{ "yes" if thing.child.name == "child" else "no" }} {{ thing.name ~ thing.child.name }} {{ thing.name | upper }}
{% for t in [thing, thing.child] if t.name %}{{ loop.index }}={{ t.name }},{{ t.shout() }};{% endfor %}
{% for t in things %}{{ t.counted().name }}{% if t.child %}>{{ t.child.shout(suffix=t.name) }}{% endif %},{% endfor %}
{% set chosen = thing.child %}{{ chosen.name }} {% with c = thing.child.child %}{{ c.name }}{% endwith %}
{% set held %}{{ thing.shout() }}{% endset %}{{ held }} {{ [thing.name, mapping.key] | join("+") }}
{% block body %}{{ thing.name }}{{ thing.shout() }}{% for t in things %}{{ t.shout() }}{% endfor %}{% endblock %}
{{ ns.value }} {% set ns.value = thing.name %}{{ ns.value }} {{ "abc".upper() }} {{ (1).real }}
"""


def _lookups_context() -> dict[str, Any]:
    thing = _Thing("thing", _Thing("child", _Thing("grandchild")))
    return {
        "thing": thing,
        "things": [thing, thing.child, _Thing("other")],
        "mapping": {"key": "value", "items": "an item called items"},
        "marker": "M",
        "context_function": _context_function,
        "eval_context_function": _eval_context_function,
        "environment_function": _environment_function,
        "greeter": _Greeter(),
        "len": len,
        "ns": jinja2.runtime.Namespace(value="start"),
    }


@pytest.mark.parametrize("undefined", [jinja2.Undefined, jinja2.StrictUndefined, jinja2.ChainableUndefined])
def test_lookups_and_calls_give_what_jinjas_own_code_gives(undefined: type[jinja2.Undefined]) -> None:
    outputs = []
    for generator in (CodeGenerator, FastCodeGenerator):
        env = _environment(generator)
        env.undefined = undefined
        context = _lookups_context()
        outputs.append((env.from_string(LOOKUPS).render(context), context["thing"].calls))
    (stock, stock_calls), (fast, fast_calls) = outputs
    assert fast == stock
    assert fast_calls == stock_calls == 5  # each call of `thing.counted()` in the template made once
    assert "THING!" in fast and "thing:M" in fast and "hello thing" in fast  # the callees got what they ask for


@pytest.mark.parametrize(
    "source",
    [
        "{{ thing.missing }}",
        "{{ thing.missing.deeper }}",
        "{{ thing.broken }}",
        "{{ mapping.nothing ~ 'x' }}",
        "{{ thing.missing() }}",
        "{{ nothing.name }}",
        "{{ thing.shout(1) }}",
    ],
)
def test_lookups_that_fail_fail_as_with_jinjas_own_code(source: str) -> None:
    failures = []
    for generator in (CodeGenerator, FastCodeGenerator):
        env = _environment(generator)
        env.undefined = jinja2.StrictUndefined
        with pytest.raises(Exception) as raised:
            env.from_string(source).render(_lookups_context())
        failures.append((type(raised.value), str(raised.value)))
    assert failures[1] == failures[0]


def test_the_sites_templates_are_compiled_with_the_fast_lookups_and_calls() -> None:
    env = site.environment(None, reload=False)
    compiled = env.compile(env.loader.get_source(env, "card.html")[0], "card.html", raw=True)
    assert "sheetmap_getattr(" in compiled and "sheetmap_call(context, " in compiled
    assert "environment.getattr((" not in compiled and "context.call(" not in compiled


def test_sandboxed_and_async_environments_keep_their_own_lookups_and_calls() -> None:
    from jinja2.sandbox import SandboxedEnvironment

    sandboxed = SandboxedEnvironment()
    sandboxed.code_generator_class = FastCodeGenerator
    compiled = sandboxed.compile("{{ thing.shout() }}", raw=True)
    assert "environment.call(context, " in compiled and "sheetmap_call(" not in compiled
    with pytest.raises(jinja2.exceptions.SecurityError):
        sandboxed.from_string("{{ thing.__class__.__subclasses__() }}").render(thing=_Thing("x"))
    asynchronous = jinja2.Environment(enable_async=True)
    asynchronous.code_generator_class = FastCodeGenerator
    assert "sheetmap_getattr(" not in asynchronous.compile("{{ thing.name }}", raw=True)


@pytest.mark.parametrize("missing", ["_optimizeconst", "_FAST"])
def test_without_the_hooks_it_needs_jinjas_own_code_generator_is_used(
    missing: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sheetmap.render import fast_templates

    assert fast_templates.code_generator() is FastCodeGenerator
    monkeypatch.setattr(fast_templates, missing, None if missing == "_optimizeconst" else False)
    assert fast_templates.code_generator() is CodeGenerator
