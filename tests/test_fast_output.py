"""Templates compiled by `FastOutputCodeGenerator` write exactly what Jinja's own code generator writes.

The site's environment escapes `{{ text }}` without markupsafe's `Markup`
wrapper (`render/fast_output.py`); the text that comes out must be the same
characters in every place an output can stand: the page, a block, a macro,
a call block, a filter block, `{% set %}`, a loop, and where autoescaping
is switched off. Then the sample roadmap is built both ways, byte for byte.
"""

from __future__ import annotations

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
from sheetmap.render.fast_output import FastOutputCodeGenerator, sheetmap_escape
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


def test_objects_that_carry_their_own_html_are_left_as_they_are() -> None:
    assert sheetmap_escape(_Html()) == "<i>safe</i>"
    assert sheetmap_escape(Markup("<b>x</b>")) == "<b>x</b>"


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
    fast = _environment(FastOutputCodeGenerator).from_string(TEMPLATE).render(value=value, flag=flag)
    assert fast == stock


def test_the_sites_templates_are_compiled_with_the_fast_output() -> None:
    env = site.environment(None, reload=False)
    assert env.code_generator_class is FastOutputCodeGenerator
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
    monkeypatch.setattr(site, "_COMPILED", site._MemoryBytecodeCache())
    site._environment.cache_clear()
    try:
        stock = dict(site.site_files(view))
    finally:
        site._environment.cache_clear()
    assert stock.keys() == fast.keys()
    assert [path for path in stock if stock[path] != fast[path]] == []
