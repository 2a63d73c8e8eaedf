"""'Did you mean …?' for unknown references among many IDs: the same answers as `suggest`, without its cost."""

from __future__ import annotations

import random
import time

from sheetmap.nearest import EXACT_UP_TO, NearestIds
from sheetmap.values import suggest


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
