"""'Did you mean …?' among thousands of IDs, in about constant time per question.

`values.suggest` compares the value with every candidate; fine for a
drop-down's eight choices, but an unknown reference among 100,000 task IDs
costs a tenth of a second, and a sheet with a thousand mistyped references
then takes minutes: the time grows with rows × IDs. `NearestIds` answers
the same three questions from indexes built once:

* the same letters with other spacing or punctuation ('IDEA_12' -> 'IDEA-12'):
  a dictionary, exactly as `suggest` decides;
* a single ID that starts with what was typed: a sorted list, exactly as well;
* the closest spelling: `values.closest` as in `suggest`, but only over the few
  hundred IDs that share the most of the value's rarer three-letter pieces
  (pieces that many IDs share, such as 'tas' of 'TASK-', tell nothing and
  are skipped; of the rest, the rarest are counted, up to `COUNTED` IDs in
  all, so the work does not grow with the sheet). The closest ID almost
  always is among them. A value with no rare piece at all ('TASK') is
  compared with every ID, once per value.

Lists of up to `EXACT_UP_TO` candidates are answered by `suggest` itself.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter

from sheetmap.values import closest, fold, suggest

#: Up to this many candidates `values.suggest` is fast enough and decides alone.
EXACT_UP_TO = 1000
#: How many IDs `values.closest` compares with the value, at most.
POOL = 300
#: How many postings (IDs sharing one of the value's pieces) are counted to choose them, at most.
COUNTED = 4000


def _squeeze(text: str) -> str:
    """As `values.suggest` compares: letters and digits only, case folded."""
    return re.sub(r"[\W_]+", "", fold(text))


def _pieces(word: str) -> set[str]:
    padded = f"\x02{word}\x03"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


class NearestIds:
    """`values.suggest(text, candidates, cutoff)` for a fixed, possibly long, list of candidates."""

    def __init__(self, candidates: list[str], cutoff: float) -> None:
        self.candidates = candidates
        self.cutoff = cutoff
        self._built = False
        self._answers: dict[str, str | None] = {}

    def suggest(self, text: str) -> str | None:
        if len(self.candidates) <= EXACT_UP_TO:
            return suggest(text, self.candidates, cutoff=self.cutoff)
        if text not in self._answers:
            self._answers[text] = self._suggest(text)
        return self._answers[text]

    def _build(self) -> None:
        self.words = {fold(c): c for c in self.candidates}
        self.by_squeezed: dict[str, str] = {}
        for word, target in self.words.items():
            self.by_squeezed.setdefault(_squeeze(word), target)
        self.squeezed_sorted = sorted((_squeeze(word), target) for word, target in self.words.items())
        self.folded = list(self.words)
        self.postings: dict[str, list[int]] = {}
        for number, word in enumerate(self.folded):
            for piece in _pieces(word):
                self.postings.setdefault(piece, []).append(number)
        # a piece most IDs share ('tas', 'sk-') says nothing about which one was meant
        self.common = max(50, len(self.folded) // 50)
        self._built = True

    def _suggest(self, text: str) -> str | None:
        if not text.strip():
            return None
        if not self._built:
            self._build()
        squeezed = _squeeze(text)
        if squeezed and squeezed in self.by_squeezed:
            return self.by_squeezed[squeezed]
        if len(squeezed) >= 3:
            only = self._only_one_starting(squeezed)
            if only is not None:
                return only
        key = fold(text)
        shared: Counter[int] = Counter()
        # Sorted: IDs that share as many pieces go into the pool in the order they were first counted,
        # and a set of strings iterates in an order that changes from run to run (Python salts str
        # hashes), so the answer at 100,000 IDs could change between two runs on the same workbook.
        for piece in sorted(self._rarest(key)):
            shared.update(self.postings[piece])
        # nothing rare in what was typed ('TASK'): only the whole list can say (once per value)
        pool = [self.folded[number] for number, _ in shared.most_common(POOL)] if shared else self.folded
        near = closest(key, pool, self.cutoff)
        return None if near is None else self.words[near]

    def _rarest(self, key: str) -> list[str]:
        """The pieces of `key` worth counting: the rarer ones, rarest first, up to `COUNTED` IDs in all.

        Pieces of numbered IDs ('839' of 'INIT-8393') recur in a share of all IDs, so counting all of
        them grew with the sheet (a question took 1.0 ms among 30,000 IDs and 2.4 ms among 300,000;
        now 0.9 and 1.1 ms). The rarest pieces up to this many IDs gave answers as close to what was
        typed for all 1,605 mistakes of the 421,412-row benchmark workbook.
        """
        sizes = sorted(
            (len(posting), piece)
            for piece in _pieces(key)
            if 0 < len(posting := self.postings.get(piece, ())) <= self.common
        )
        chosen: list[str] = []
        counted = 0
        for size, piece in sizes:
            if chosen and counted + size > COUNTED:
                break
            chosen.append(piece)
            counted += size
        return chosen

    def _only_one_starting(self, squeezed: str) -> str | None:
        """The ID that starts with `squeezed`, when exactly one does."""
        found = None
        at = bisect_left(self.squeezed_sorted, (squeezed, ""))
        while at < len(self.squeezed_sorted):
            word, target = self.squeezed_sorted[at]
            if not word.startswith(squeezed):
                break
            if found is not None and target != found:
                return None
            found = target
            at += 1
        return found
