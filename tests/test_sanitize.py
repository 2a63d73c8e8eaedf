"""Markdown cells: CommonMark as people type it in a spreadsheet, safe HTML out, and what was removed said.

sanitize.render_markdown converts with cmark-gfm (sheetmap/commonmark.py) and cleans with nh3; the
fuzzing of the same function (it never fails, never stalls, never lets more than the allowlist through)
is in test_fuzz.py, and the XSS corpus in test_xss.py.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import threading
from pathlib import Path

import nh3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import write_workbook
from sheetmap import commonmark, sanitize
from sheetmap.config import Config
from sheetmap.pipeline import load
from sheetmap.sanitize import plain_text, render_markdown
from xss_payloads import payloads

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_lists_need_no_blank_line_before_them() -> None:
    # python-markdown showed "- a" as text here: a list had to follow an empty line.
    assert render_markdown("Goals:\n- a\n- b") == ("<p>Goals:</p>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>", ())


def test_a_new_line_in_a_cell_is_a_line_break_and_an_empty_line_a_paragraph() -> None:
    assert render_markdown("one\ntwo\n\nthree") == ("<p>one<br>\ntwo</p>\n<p>three</p>", ())


def test_an_ordered_list_keeps_its_first_number() -> None:
    # python-markdown's start attribute was dropped, and reported as unsafe content.
    assert render_markdown("3. three\n4. four") == ('<ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>', ())


def test_fenced_code_is_code_and_its_language_is_dropped_quietly() -> None:
    assert render_markdown("```python\nif a < b:\n    go()\n```") == (
        "<pre><code>if a &lt; b:\n    go()\n</code></pre>",
        (),
    )


def test_inline_formatting_headings_quotes_links_and_images() -> None:
    source = (
        '## Why\n\n**Bold**, *italic*, `code` and [the brief](https://example.com/b "Brief").\n\n'
        "> Quoted\n\n![chart](https://example.com/c.png)\n\n---"
    )
    assert render_markdown(source) == (
        "<h2>Why</h2>\n<p><strong>Bold</strong>, <em>italic</em>, <code>code</code> and "
        '<a href="https://example.com/b" title="Brief" rel="noopener noreferrer">the brief</a>.</p>\n'
        "<blockquote>\n<p>Quoted</p>\n</blockquote>\n"
        '<p><img src="https://example.com/c.png" alt="chart"></p>\n<hr>',
        (),
    )


def test_bare_web_and_mail_addresses_become_links() -> None:
    got, removed = render_markdown("See https://example.com/a?b=1, www.example.org or pm@example.com.")
    assert got == (
        '<p>See <a href="https://example.com/a?b=1" rel="noopener noreferrer">https://example.com/a?b=1</a>, '
        '<a href="http://www.example.org" rel="noopener noreferrer">www.example.org</a> or '
        '<a href="mailto:pm@example.com" rel="noopener noreferrer">pm@example.com</a>.</p>'
    )
    assert removed == ()


def test_a_bare_address_of_another_scheme_stays_text_without_a_warning() -> None:
    """Mentioning an ftp:// or xmpp: address is not unsafe: it is shown as typed, not linked, not reported."""
    assert render_markdown("Files: ftp://files.example.com/x?a=1&b=2") == (
        "<p>Files: ftp://files.example.com/x?a=1&amp;b=2</p>",
        (),
    )
    assert render_markdown("Chat: xmpp:ops@chat.example.com") == ("<p>Chat: xmpp:ops@chat.example.com</p>", ())


def test_a_markdown_link_of_another_scheme_is_removed_and_reported() -> None:
    assert render_markdown("[the files](ftp://files.example.com/x)") == (
        '<p><a rel="noopener noreferrer">the files</a></p>',
        ("a 'ftp:' link",),
    )


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("| a | b |\n|---|---|\n| 1 | 2 |", "| a | b | |---|---| | 1 | 2 |"),
        ("~~gone~~ and ~3 weeks~", "~~gone~~ and ~3 weeks~"),
        ("- [ ] to do\n- [x] done", "[ ] to do [x] done"),  # a list, its boxes as typed
    ],
    ids=["table", "strikethrough", "task list"],
)
def test_gfm_tables_strikethrough_and_task_lists_show_as_typed(source: str, text: str) -> None:
    got, removed = render_markdown(source)
    assert removed == ()
    assert not re.search(r"<(table|del|s|input)\b", got)
    assert plain_text(got) == text


def test_raw_html_scripts_handlers_and_bad_links_are_removed_and_reported() -> None:
    got, removed = render_markdown(
        'Hi <b onclick="steal()">there</b> [x](javascript:alert(1)) ![i](http://example.com/i.png)\n\n'
        "<script>alert(2)</script>"
    )
    assert got == '<p>Hi there <a rel="noopener noreferrer">x</a> <img alt="i"></p>\n'
    assert removed == (
        "a 'javascript:' link",
        "a <b> element",
        "a <script> element",
        "an image not served over https",
        "the onclick attribute of <b>",
    )


def test_character_references_cannot_smuggle_invisible_characters() -> None:
    assert render_markdown("&#x202e;reversed") == ("<p>reversed</p>", ("invisible or text-direction characters",))


# --- the fast path: nh3's output compared with cmark's, skipping two HTML parses --------------------------


def _removed_by_full_comparison(source: str) -> set[str]:
    """What render_markdown reports, found by always comparing the tags and attributes before and after."""
    raw = commonmark.to_html(source)
    clean = sanitize._CLEANER.clean(raw)
    lost = sanitize._inventory(raw) - sanitize._inventory(clean)
    found = {sanitize._describe(item) for item in lost}
    if sanitize._INVISIBLE.search(clean):
        found.add("invisible or text-direction characters")
    return found


SPECIAL = [*"<>[]()!*_`~#&;:/\\\"'=-+.,@\n \u00a0\u200b\u202e", "www.", "https://", "javascript:", "<b>", "</b>"]
SPECIAL += ["<a href='", "<img src=", "onclick=", "&quot;", "&#x27;", "&nbsp;", "```", "> ", "- ", "1. ", "mailto:"]
sources = st.lists(st.one_of(st.sampled_from(SPECIAL), st.text(max_size=4)), max_size=40).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(sources)
def test_the_fast_path_reports_exactly_what_a_full_comparison_finds(source: str) -> None:
    source = re.sub("[\ud800-\udfff]", "\ufffd", source)
    render_markdown.cache_clear()
    removed = render_markdown(source)[1]
    if source.strip() and not any("plain text" in note for note in removed):
        assert set(removed) == _removed_by_full_comparison(source), source


def test_the_xss_corpus_is_reported_exactly_as_a_full_comparison_finds() -> None:
    for payload in payloads():
        render_markdown.cache_clear()
        assert set(render_markdown(payload)[1]) == _removed_by_full_comparison(payload), payload


@pytest.mark.parametrize(
    "source",
    [
        'He said "ship it"\u00a0now & then',
        "[a](https://example.com/x?a=1&b=2 \"the 'title'\")",
        "```js\nlet a = 1\n```",
        "line\nbreak\n\n---\n\n![i](https://example.com/i.png)",
        "www.example.com and pm@example.com",
    ],
)
def test_ordinary_cells_take_the_fast_path(source: str) -> None:
    """The fast path is what makes a big roadmap quick: cells with nothing to remove must take it."""
    raw = commonmark.to_html(source)
    assert sanitize._as_nh3_writes(raw) == sanitize._CLEANER.clean(raw)


# --- plain text ------------------------------------------------------------------------------------------


def _plain_text_by_nh3(fragment: str) -> str:
    """How plain_text was computed before: nh3 removing every tag."""
    return " ".join(html.unescape(nh3.clean(fragment, tags=set())).split())


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(sources)
def test_plain_text_is_the_text_nh3_leaves_without_tags(source: str) -> None:
    fragment = render_markdown(re.sub("[\ud800-\udfff]", "\ufffd", source))[0]
    assert plain_text(fragment) == _plain_text_by_nh3(fragment)


def test_plain_text_of_the_xss_corpus_is_the_text_nh3_leaves() -> None:
    for payload in payloads():
        fragment = render_markdown(payload)[0]
        assert plain_text(fragment) == _plain_text_by_nh3(fragment), payload
    assert plain_text('<p><a href="x" title="a > b">link</a> &amp; &lt;b&gt;</p>') == "link & <b>"


# --- cells too costly to format ---------------------------------------------------------------------------


def test_every_cost_limit_is_documented_with_the_message_it_gives() -> None:
    text = (DOCS / "validation.md").read_text(encoding="utf-8")
    section = text.split("### `unsafe-content`", 1)[1].split("\n### ", 1)[0]
    documented = " ".join(section.split())
    for source in ("a" * 60_000, "<b>" * 1_200, ">" * 150 + " deep"):
        (note,) = render_markdown(source)[1]
        assert f"*{note}*" in documented, note


def test_a_cell_too_costly_is_reported_at_its_cell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_workbook(
        tmp_path / "roadmap.xlsx",
        {
            "Initiatives": [
                ["ID", "Title", "Horizon", "Problem", "Description"],
                ["INIT-1", "Reports are slow", "Next", "> " * 150 + "deep", "Goals:\n- fast\n- www.example.com"],
            ]
        },
    )
    loaded = load(["roadmap.xlsx"], Config())
    (problem,) = loaded.report.problems
    assert (problem.code, problem.cell) == ("unsafe-content", "D2")
    assert "quotes nested 150 deep" in problem.message
    (initiative,) = loaded.roadmap.initiatives
    assert initiative.problem.html.startswith("<p>&gt; &gt; &gt;") and "<blockquote>" not in initiative.problem.html
    assert initiative.description.html == (
        '<p>Goals:</p>\n<ul>\n<li>fast</li>\n<li><a href="http://www.example.com" rel="noopener noreferrer">'
        "www.example.com</a></li>\n</ul>"
    )
    assert initiative.description.text == "Goals: fast www.example.com"


# --- the converter ----------------------------------------------------------------------------------------

CELLS = [
    f"We are attacking this from **{n} sides**:\n- cache tiles\n- www.example.com/{n}\n\n"
    f"<script>alert({n})</script> and [a trap](javascript:alert({n}))"
    for n in range(200)
]


def test_cmarkgfms_own_function_gives_the_same_html() -> None:
    """The fallback where the library does not export its C functions: the same HTML, only leaking."""
    for cell in [*CELLS[:20], *payloads()]:
        assert commonmark._leaky_to_html(cell) == commonmark.to_html(cell), cell


_MEMORY = """
import json, sys
import cmarkgfm
from sheetmap import commonmark

def resident():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096

def growth(convert):
    for n in range(2_000):  # warm up: allocator pools, caches
        convert(f"warm {n} www.example.com")
    before = resident()
    for n in range(20_000):
        convert(f"Cell {n}: **bold**, a list:\\n- one\\n- two www.example.com/{n}\\n\\n" + "words " * 50)
    return resident() - before

leaky = lambda text: cmarkgfm.markdown_to_html_with_extensions(text, commonmark.OPTIONS, ["autolink"])
print(json.dumps({"sheetmap": growth(commonmark.to_html), "cmarkgfm": growth(leaky)}))
"""


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads resident memory from /proc")
def test_converting_frees_what_cmark_allocates() -> None:
    assert commonmark.to_html is not commonmark._leaky_to_html  # this platform's library exports its C API
    done = subprocess.run([sys.executable, "-c", _MEMORY], capture_output=True, text=True, check=True, timeout=120)
    growth = json.loads(done.stdout)
    assert growth["cmarkgfm"] > 20_000_000, growth  # the measurement does see a leak: 20,000 trees
    assert growth["sheetmap"] < 4_000_000, growth


def test_threads_converting_at_once_get_what_one_thread_gets() -> None:
    """Extensions switch special characters in a table all parsers share: conversions must not overlap."""
    expected = [commonmark.to_html(cell) for cell in CELLS]
    results: dict[int, list[str]] = {}

    def convert(index: int) -> None:
        results[index] = [commonmark.to_html(cell) for cell in CELLS * 5]

    threads = [threading.Thread(target=convert, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(got == expected * 5 for got in results.values())
