"""'Did you mean …?': near-miss values, headers, sheets and IDs, and the hints in bad-value messages."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import write_workbook
from sheetmap.config import Config
from sheetmap.pipeline import load
from sheetmap.schema import DEFAULT_SYNONYMS, EFFORTS, HORIZONS, STAGES, STATUSES, VALUES, VISIBILITIES
from sheetmap.values import BadValue, parse_choice, parse_color, parse_date, parse_number, suggest

ALL_CHOICES = [HORIZONS, VISIBILITIES, STAGES, STATUSES, EFFORTS, VALUES]


@pytest.mark.parametrize(
    ("typed", "choices", "expected"),
    [
        ("Nwo", HORIZONS, "Now"),
        ("Laetr", HORIZONS, "Later"),
        ("Nex", HORIZONS, "Next"),
        ("ToDo", STATUSES, "To do"),
        ("in-progress", STATUSES, "In progress"),
        ("InReview", STATUSES, "In review"),
        ("Disc", STAGES, "Discovering"),
        ("Succesful", STAGES, "Successful"),
        ("Protoyping", STAGES, "Prototyping"),
        ("XXL", EFFORTS, "XL"),
        ("Pubic", VISIBILITIES, "Public"),
        ("Interal", VISIBILITIES, "Internal"),
        ("Hgh", VALUES, "High"),
    ],
)
def test_near_misses_suggest_the_value_meant(typed: str, choices: tuple[str, ...], expected: str) -> None:
    assert suggest(typed, choices) == expected


@pytest.mark.parametrize("typed", ["banana", "", "   ", "?", "In"])
def test_nothing_close_suggests_nothing(typed: str) -> None:
    assert suggest(typed, STATUSES) is None


def test_misspelt_synonyms_suggest_what_they_stand_for() -> None:
    assert suggest("Complted", HORIZONS, aliases=DEFAULT_SYNONYMS["horizon"]) == "Done"
    assert suggest("Resolvd", STATUSES, aliases=DEFAULT_SYNONYMS["status"]) == "Done"


@given(
    choices=st.sampled_from(ALL_CHOICES).flatmap(lambda c: st.tuples(st.just(c), st.sampled_from(c))),
    upper=st.lists(st.booleans(), min_size=20, max_size=20),
    pad=st.sampled_from(["", " ", "  ", "\t"]),
    joiner=st.sampled_from([" ", "-", "_", "", "  "]),
)
def test_any_spelling_of_a_choice_with_other_case_spacing_or_punctuation_finds_it(
    choices: tuple[tuple[str, ...], str], upper: list[bool], pad: str, joiner: str
) -> None:
    options, choice = choices
    variant = joiner.join(choice.split(" "))
    variant = "".join(ch.upper() if up else ch.lower() for ch, up in zip(variant, upper * 4, strict=False))
    assert suggest(pad + variant + pad, options) == choice


def test_invalid_choice_message_and_fix() -> None:
    with pytest.raises(BadValue) as caught:
        parse_choice("Nwo", "Horizon", HORIZONS)
    assert caught.value.message == "Horizon 'Nwo' is not one of Now, Next, Later, Done. Did you mean 'Now'?"
    assert caught.value.fix == "Change it to 'Now'."
    with pytest.raises(BadValue) as caught:
        parse_choice("Q3", "Horizon", HORIZONS)
    assert caught.value.message == "Horizon 'Q3' is not one of Now, Next, Later, Done."
    assert "add it under synonyms: in sheetmap.yml" in caught.value.fix


@pytest.mark.parametrize(("typed", "meant"), [("3 pts", "3"), ("~5", "5"), ("2,5 days", "2.5")])
def test_numbers_with_words_suggest_the_number(typed: str, meant: str) -> None:
    with pytest.raises(BadValue) as caught:
        parse_number(typed, "Estimate")
    assert caught.value.message == f"Estimate '{typed}' is not a number. Did you mean {meant}?"


def test_ambiguous_and_impossible_dates_say_why() -> None:
    with pytest.raises(BadValue) as caught:
        parse_date("03/04/2026", "Completed")
    assert "could be day-month or month-day" in caught.value.fix
    assert "date_format: '%d/%m/%Y'" in caught.value.fix
    with pytest.raises(BadValue) as caught:
        parse_date("2026-02-30", "Completed")
    assert caught.value.fix.startswith("There is no such day as 2026-02-30")
    assert parse_date("03/04/2026", "Completed", date_format="%d/%m/%Y").isoformat() == "2026-04-03"


def test_colour_names_suggest_a_code() -> None:
    with pytest.raises(BadValue) as caught:
        parse_color("Blue", "Color")
    assert caught.value.message == "Color 'Blue' is not a colour code; expected #rrggbb. Did you mean '#2f5bd3'?"


def test_headers_sheets_and_ids_get_suggestions_in_a_real_workbook(tmp_path: Path) -> None:
    write_workbook(
        tmp_path / "roadmap.xlsx",
        {
            "Initiatives": [["ID", "Title", "Horizn", "Ownr"], ["INIT-1", "Reports are slow", "Next", "Sam"]],
            "Idaes": [["ID", "Title"]],
            "Ideas": [["ID", "Title", "Initiative"], ["IDEA-1", "Cache tiles", "INIT1"]],
        },
    )
    problems = load([str(tmp_path / "roadmap.xlsx")], Config()).report.problems
    by_code = {(p.code, p.cell): p for p in problems}
    # a misspelt required header: the notice suggests the name, the error points at the misspelling
    assert "Did you mean 'Horizon'?" in by_code[("unknown-column", "C1")].message
    missing = by_code[("missing-column", None)]
    assert "Column 'Horizn' at C1 looks like it." in missing.message
    assert missing.fix == "Rename 'Horizn' at C1 to 'Horizon'."
    assert "Did you mean 'Owner'?" in by_code[("unknown-column", "D1")].message
    assert "Did you mean 'Ideas'?" in by_code[("unknown-sheet", None)].message
    assert "Did you mean 'INIT-1'?" in by_code[("unknown-reference", "C2")].message


def test_a_missing_sheet_lists_the_sheets_found(tmp_path: Path) -> None:
    write_workbook(tmp_path / "roadmap.xlsx", {"Q3 plan": [["ID", "Title"]], "Archive": [["x"]]})
    (problem,) = load([str(tmp_path / "roadmap.xlsx")], Config()).report.problems
    assert problem.code == "missing-sheet"
    assert problem.message == "There is no Initiatives sheet. Sheets found: 'Q3 plan', 'Archive'."
