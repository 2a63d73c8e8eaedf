"""'Did you mean …?' for unknown references among many IDs: the same answers as `suggest`, without its cost."""

from __future__ import annotations

import difflib
import os
import random
import subprocess
import sys
import time

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import sheetmap.nearest as nearest_module
from sheetmap.nearest import COUNTED, EXACT_UP_TO, NearestIds
from sheetmap.values import closest, fold, suggest


def _ids(n: int) -> list[str]:
    return [f"TASK-{k}" for k in range(1, n + 1)] + [f"IDEA-{k}" for k in range(1, n + 1)]


def _typos(ids: list[str], count: int, seed: int) -> list[str]:
    """Slips a person makes: a wrong separator, an extra digit, a dropped or swapped character."""
    rng = random.Random(seed)
    known = {i.casefold() for i in ids}
    typed: list[str] = []
    while len(typed) < count:
        base = rng.choice(ids)
        kind = rng.randrange(4)
        at = rng.randrange(len(base) - 1)
        slip = [
            base.replace("-", "_"),
            base + str(rng.randrange(10)),
            base[:at] + base[at + 1 :],
            base[:at] + base[at + 1] + base[at] + base[at + 2 :],
        ][kind]
        if slip.casefold() not in known:
            typed.append(slip)
    return typed


def test_same_answers_as_suggest_among_thousands_of_ids() -> None:
    ids = _ids(2_000)
    nearest = NearestIds(ids, cutoff=0.7)
    typed = [*_typos(ids, 80, seed=9), "TASK", "idea 17", "Idea_1711", "", "   ", "zzzz", "TASK-19999x"]
    answers = [(t, nearest.suggest(t)) for t in typed]
    assert answers == [(t, suggest(t, ids, cutoff=0.7)) for t in typed]
    assert nearest.suggest("IDEA_12") == "IDEA-12"  # same letters: exact


def test_short_lists_are_answered_by_suggest_itself() -> None:
    ids = [f"OKR-{k}" for k in range(1, EXACT_UP_TO + 1)]
    nearest = NearestIds(ids, cutoff=0.7)
    for typed in ("OKR_7", "OKR-7777", "okr 12", "Objective 3"):
        assert nearest.suggest(typed) == suggest(typed, ids, cutoff=0.7)


def test_cost_per_question_does_not_grow_with_the_ids() -> None:
    """A thousand mistyped references cost about as much among 200,000 IDs as among 20,000."""

    def seconds(n: int) -> float:
        ids = _ids(n)
        nearest = NearestIds(ids, cutoff=0.7)
        nearest.suggest("warm-up: builds the index")
        typed = _typos(ids, 300, seed=n)
        started = time.process_time()
        for t in typed:
            nearest.suggest(t)
        return time.process_time() - started

    small, large = seconds(10_000), seconds(100_000)
    # `suggest` itself would take 10x longer for 10x the IDs (about 30 s here); allow noise, not growth
    assert large < 4 * small + 0.5, (small, large)


def _difflib_closest(word: str, candidates: list[str], cutoff: float) -> str | None:
    found = difflib.get_close_matches(word, candidates, n=1, cutoff=cutoff)
    return found[0] if found else None


# Few letters, short words: many ties, and scores right at the cutoff.
_WORD = st.text(alphabet="ab1-", max_size=7)


@given(
    word=_WORD,
    candidates=st.lists(_WORD, max_size=30),
    cutoff=st.sampled_from([0.0, 0.5, 0.6, 0.7, 0.75, 0.8, 1.0]) | st.floats(0, 1),
)
@example(word="ab", candidates=["ba", "ab1", "a1b", "b1a"], cutoff=0.5)  # ties, the last-sorting one wins
@example(word="ab", candidates=["abab", "aabb"], cutoff=2 * 2 / 6)  # exactly at the cutoff
def test_closest_answers_as_difflib_does(word: str, candidates: list[str], cutoff: float) -> None:
    """`closest` skips the costly comparisons that cannot win; the answer stays get_close_matches' own."""
    assert closest(word, candidates, cutoff) == _difflib_closest(word, candidates, cutoff)


def test_closest_answers_as_difflib_does_for_mistyped_ids() -> None:
    ids = [i.casefold() for i in _ids(500)]
    for typed in _typos(ids, 200, seed=3):
        assert closest(typed, ids, 0.7) == _difflib_closest(typed, ids, 0.7), typed


def test_the_same_answers_in_every_run() -> None:
    """Which IDs are compared is decided in a fixed order, not in a set's, which changes from run to run.

    At 100,000 IDs many share as many pieces with the value as the last one taken into the pool; which
    of them made it in followed the iteration order of a set of strings, and 'INIT-83939' was answered
    'INIT-8939' in one run and 'INIT-8393' in the next. A pool of one or ten IDs shows it among 9,000.
    """
    script = (
        "import sheetmap.nearest as n\n"
        "ids = [f'INIT-{k}' for k in range(1000, 10000)]\n"
        "for pool in (1, 10):\n"
        "    n.POOL = pool\n"
        "    nearest = n.NearestIds(ids, cutoff=0.7)\n"
        "    print([nearest.suggest(t) for t in ('INIT-83939', 'INIT-12345', 'INIT-55501', 'INIT-70707')])\n"
    )
    answers = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in range(1, 5)
    }
    assert len(answers) == 1, answers


def test_among_many_numbered_ids_the_rarest_pieces_answer_as_well_as_all(monkeypatch: pytest.MonkeyPatch) -> None:
    """Among 150,000 numbered IDs each digit triple recurs in hundreds of them: only the rarest are counted.

    Counting every rare piece cost more the more IDs there were; the answers are as close to what was
    typed as with all of them counted (the same ID, or another as close).
    """
    ids = [f"INIT-{k}" for k in range(1, 50_001)] + [f"IDEA-{k}" for k in range(1, 100_001)]
    typed = _typos(ids, 60, seed=4)

    def answers() -> list[str | None]:
        nearest = NearestIds(ids, cutoff=0.7)
        return [nearest.suggest(t) for t in typed]

    def similarity(answer: str | None, value: str) -> float:
        return difflib.SequenceMatcher(None, fold(answer), fold(value)).ratio() if answer else 0.0

    bounded = answers()
    nearest = NearestIds(ids, cutoff=0.7)
    nearest.suggest("warm-up: builds the index")
    counts = [sum(len(nearest.postings[p]) for p in nearest._rarest(fold(t))) for t in typed]
    assert max(counts) <= COUNTED
    monkeypatch.setattr(nearest_module, "COUNTED", 10**9)  # every piece rarer than `common`
    everything = answers()
    assert any(sum(len(nearest.postings[p]) for p in nearest._rarest(fold(t))) > COUNTED for t in typed)
    assert [similarity(a, t) for a, t in zip(bounded, typed, strict=True)] == [
        similarity(a, t) for a, t in zip(everything, typed, strict=True)
    ]
