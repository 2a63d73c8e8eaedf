"""IDs become URLs and file names only through `slugify`, which cannot leave the output folder.

Property tests over any text (Hypothesis), then the concrete tricks: parent
folders, absolute paths, drive letters, NUL, Windows device names, and two
IDs that a case-insensitive file system would merge.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import write_workbook
from sheetmap.config import Config
from sheetmap.pipeline import build
from sheetmap.slugs import MAX_SLUG, SlugRegistry, slugify

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
#: Names Windows will not create as files, whatever the extension (and COM¹… after NFKD).
DEVICES = {"con", "prn", "aux", "nul", "conin$", "conout$", "clock$"} | {
    f"{d}{n}" for d in ("com", "lpt") for n in range(10)
}
ROOT = os.path.abspath(os.sep + "srv" + os.sep + "site")

#: Any text at all, with the characters attacks use made likely.
any_text = st.text(
    alphabet=st.one_of(
        st.characters(codec=None),
        st.sampled_from(["/", "\\", ".", ":", "\x00", "-", " ", "C", "O", "N", "ß", "İ", "ﬁ", "\u202e", "₁", "¹"]),
    ),
    max_size=200,
)


def _contained(slug: str) -> bool:
    target = os.path.realpath(os.path.join(ROOT, "initiatives", slug + ".html"))
    return os.path.commonpath([target, ROOT]) == ROOT and os.path.dirname(target) == os.path.join(ROOT, "initiatives")


@settings(max_examples=500, deadline=None)
@given(any_text)
def test_any_text_gives_a_safe_slug(text: str) -> None:
    slug = slugify(text)
    assert SLUG.fullmatch(slug), (text, slug)
    assert 0 < len(slug) <= MAX_SLUG + 14
    assert slug.split(".")[0] not in DEVICES
    assert _contained(slug), (text, slug)
    assert slugify(text) == slug  # stable: the same ID always gets the same URL


@settings(max_examples=300, deadline=None)
@given(st.lists(any_text, max_size=30))
def test_a_registry_never_hands_out_a_name_twice_even_ignoring_case(keys: list[str]) -> None:
    registry = SlugRegistry()
    given_out = [registry.slug(key) for key in keys]
    by_key = dict(zip(keys, given_out, strict=True))
    # One key, one slug; different keys, different slugs, also for a case-folding file system.
    assert len({s.casefold() for s in by_key.values()}) == len(by_key)
    assert [registry.slug(key) for key in keys] == given_out
    for slug in given_out:
        assert SLUG.fullmatch(slug) and _contained(slug)


@pytest.mark.parametrize(
    "text",
    [
        "..",
        ".",
        "../../etc/passwd",
        "/etc/passwd",
        "C:\\x",
        "C:\\Windows\\System32\\drivers\\etc\\hosts",
        "\\\\server\\share",
        "CON",
        "con",
        "nul.txt",
        "NUL",
        "aux",
        "COM1",
        "lpt9",
        "COM¹",
        "a\x00b",
        "\x00",
        "",
        " ",
        "-",
        "Ünïcödé",
        "Дорожная карта",
        "路线图",
        "\u202eexe.txt",
        "x" * 10_000,
    ],
)
def test_concrete_tricks(text: str) -> None:
    slug = slugify(text)
    assert SLUG.fullmatch(slug), slug
    assert slug not in DEVICES and slug not in (".", "..")
    assert "\x00" not in slug and "/" not in slug and "\\" not in slug
    assert _contained(slug)


def test_device_names_get_a_suffix_and_other_slugs_keep_their_words() -> None:
    assert slugify("CON") == "con-item"
    assert slugify("nul.txt") == "nul-txt"
    assert slugify("INIT-12") == "init-12"
    assert slugify("Faster Onboarding!") == "faster-onboarding"


def test_non_latin_ids_differ_from_each_other() -> None:
    assert slugify("Дорожная карта") != slugify("路线图")
    assert slugify("Дорожная карта").startswith("id-")


def test_ids_differing_only_in_case_or_punctuation_get_two_pages(tmp_path: Path) -> None:
    """'INIT 1' and 'INIT-1' are different IDs (only case and spacing count as the same): two pages, two files."""
    registry = SlugRegistry()
    assert registry.slug("INIT-1") == "init-1"
    assert registry.slug("INIT 1") == "init-1-2"
    assert registry.slug("init_1") == "init-1-3"
    assert registry.slug("INIT-1-2") == "init-1-2-2"
    assert registry.slug("init-1") == "init-1-4"  # another key, even if only its case differs
    assert registry.slug("INIT-1") == "init-1"

    workbook = write_workbook(
        tmp_path / "roadmap.xlsx",
        {
            "Initiatives": [
                ["ID", "Title", "Horizon", "Visibility"],
                ["INIT-1", "Reports are slow", "Now", "Public"],
                ["INIT 1", "Exports are slow", "Next", "Public"],
                ["../../escape", "Titles are long", "Later", "Public"],
                ["CON", "Device names", "Later", "Public"],
            ]
        },
    )
    out = tmp_path / "site"
    result = build([str(workbook)], Config(), audience="public", out=out)
    assert result.written, [p.message for p in result.report]
    pages = sorted(p.name for p in (out / "initiatives").iterdir())
    assert pages == ["con-item.html", "escape.html", "init-1-2.html", "init-1.html"]
    assert len({p.casefold() for p in pages}) == len(pages)
    everything = [p.resolve() for p in tmp_path.rglob("*")]
    assert all(p == tmp_path.resolve() or tmp_path.resolve() in p.parents for p in everything)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        any_text.filter(lambda t: t.strip()), min_size=1, max_size=6, unique_by=lambda t: " ".join(t.split()).casefold()
    )
)
def test_built_pages_stay_in_their_folder_whatever_the_ids(
    tmp_path_factory: pytest.TempPathFactory, ids: list[str]
) -> None:
    """The same through a real build: every file written is inside the output folder, one page per ID."""
    tmp = tmp_path_factory.mktemp("slugs")
    rows = [["ID", "Title", "Horizon", "Visibility"]]
    rows += [[text, f"Title {n}", "Next", "Public"] for n, text in enumerate(ids)]
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    # What an .xlsx can hold at all: no C0 controls, no lone surrogates.
    rows = [[re.sub("[\ud800-\udfff]", "", ILLEGAL_CHARACTERS_RE.sub("", v)) for v in row] for row in rows]
    workbook = write_workbook(tmp / "roadmap.xlsx", {"Initiatives": rows})
    out = tmp / "site"
    result = build([str(workbook)], Config(), audience="public", out=out)
    if not result.written:
        # IDs that clean up to nothing or to the same text are reported, not written.
        assert result.report.errors
        return
    written = [p for p in tmp.rglob("*") if p.is_file()]
    root = out.resolve()
    for path in written:
        resolved = path.resolve()
        assert resolved == tmp.resolve() / "roadmap.xlsx" or root in resolved.parents, path
    pages = list((out / "initiatives").glob("*.html"))
    assert len(pages) == len(result.roadmap.initiatives if result.roadmap else ())
    assert len({p.name.casefold() for p in pages}) == len(pages)


def test_ids_differing_only_in_case_are_one_id_and_refused_twice(tmp_path: Path) -> None:
    """'INIT-1' and 'init-1' are the same ID to a person and to a case-insensitive disk: a duplicate-id error."""
    workbook = write_workbook(
        tmp_path / "roadmap.xlsx",
        {
            "Initiatives": [
                ["ID", "Title", "Horizon", "Visibility"],
                ["INIT-1", "Reports are slow", "Now", "Public"],
                ["init-1", "Exports are slow", "Next", "Public"],
            ]
        },
    )
    result = build([str(workbook)], Config(), audience="public", out=tmp_path / "site")
    assert not result.written and not (tmp_path / "site").exists()
    errors = [(p.code, p.cell) for p in result.report if p.severity == "error"]
    assert errors == [("duplicate-id", "A3")]


def test_a_public_page_name_never_depends_on_an_internal_row(tmp_path: Path) -> None:
    """'INIT-1' (internal) and 'INIT 1' (public) share a slug: the public site has no trace of the first,
    so its page is init-1.html, not init-1-2.html (which would tell of a hidden row)."""
    workbook = write_workbook(
        tmp_path / "roadmap.xlsx",
        {
            "Initiatives": [
                ["ID", "Title", "Horizon", "Visibility", "Theme"],
                ["INIT-1", "Secret acquisition", "Now", "Internal", "Growth"],
                ["INIT 1", "Faster exports", "Now", "Public", "Growth"],
            ],
            "Ideas": [
                ["ID", "Title", "Initiative", "Visibility"],
                ["IDEA-1", "Hidden idea", "INIT-1", "Internal"],
                ["IDEA 1", "Stream the export", "INIT 1", "Public"],
            ],
        },
    )
    public, internal = tmp_path / "public", tmp_path / "internal"
    assert build([str(workbook)], Config(), audience="public", out=public).written
    assert build([str(workbook)], Config(), audience="internal", out=internal).written
    assert "Faster exports" in (public / "initiatives" / "init-1.html").read_text(encoding="utf-8")
    assert 'id="idea-idea-1"' in (public / "initiatives" / "init-1.html").read_text(encoding="utf-8")
    assert not any("-2" in p.read_text(encoding="utf-8") or "-2" in p.name for p in public.rglob("*.html"))
    # The internal site has both rows, so one of them needs the suffix there.
    assert "Faster exports" in (internal / "initiatives" / "init-1-2.html").read_text(encoding="utf-8")


# --- disguised text ------------------------------------------------------------------------------------

#: Characters that make text read differently than it is: bidirectional overrides and isolates,
#: zero-width characters, the byte-order mark and the soft hyphen.
DISGUISES = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad"


def test_direction_and_invisible_characters_are_removed_everywhere_and_reported(tmp_path: Path) -> None:
    """'\u202eexe.txt' shows as 'txt.exe': such characters leave titles, IDs, tags and themes (reported
    as invisible-characters at their cell), and Markdown cells even when typed as character references."""
    workbook = write_workbook(
        tmp_path / "roadmap.xlsx",
        {
            "Initiatives": [
                ["ID", "Title", "Horizon", "Visibility", "Theme", "Tags", "Problem"],
                [
                    "INIT-\u202e1",
                    "Pay \u202eannual\u202c invoices\u200b",
                    "Now",
                    "Public",
                    "Bill\u2066ing\u2069",
                    "fin\u00adance, \ufefflegal",
                    "Refunds &#x202e;gnol&#x202c; take &#8203;weeks &shy; now",
                ],
            ]
        },
    )
    report = None
    for audience in ("public", "internal"):
        out = tmp_path / audience
        result = build([str(workbook)], Config(), audience=audience, out=out)
        assert result.written
        report = result.report
        for path in out.rglob("*"):
            if path.is_file():
                text = path.read_bytes().decode("utf-8")
                found = sorted({f"U+{ord(c):04X}" for c in text if c in DISGUISES})
                assert found == [], f"{path.relative_to(out)} holds {found}"
    assert report is not None
    cells = sorted(p.cell for p in report if p.code == "invisible-characters")
    assert cells == ["A2", "B2", "E2", "F2"]
    assert [p.cell for p in report if p.code == "unsafe-content"] == ["G2"]
    page = (tmp_path / "public" / "initiatives" / "init-1.html").read_text(encoding="utf-8")
    assert "Pay annual invoices" in page and "Billing" in page and "Refunds gnol take weeks" in page


def test_a_record_given_a_slug_is_what_dataclasses_replace_would_give(tmp_path: Path) -> None:
    """assign_slugs copies records field for field (faster than replace): nothing may be lost or shared."""
    from dataclasses import fields, replace

    from sheetmap.pipeline import load
    from sheetmap.slugs import _with_slug

    sample = Path(__file__).parent.parent / "sample_sheets" / "acme-roadmap.xlsx"
    roadmap = load([str(sample)], Config()).roadmap
    records = [*roadmap.initiatives, *roadmap.ideas, *roadmap.objectives, *roadmap.themes, *roadmap.sprints]
    assert records
    for record in records:
        copied = _with_slug(record, "other-slug")
        expected = replace(record, slug="other-slug")
        assert type(copied) is type(expected) and copied is not record
        assert all(getattr(copied, f.name) == getattr(expected, f.name) for f in fields(record))
        assert record.slug != "other-slug"  # the original is untouched
        assert _with_slug(record, record.slug) is record
