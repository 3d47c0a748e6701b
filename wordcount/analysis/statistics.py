"""The figures that describe the words a report shows: the totals every format gives, and
--stats in the corpus linguist's terms (tokens, types, type-token ratio, hapax legomena).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from wordcount.engine.merge import word_total

# The type-token ratio of a big corpus is small (33 types in 2.67 M tokens is 1.2e-05):
# a fixed number of decimals would print it as 0. Text shows it to this many significant
# digits, more than any comparison of corpora needs; JSON gives the float whole.
RATIO_DIGITS = 6


class Totals(NamedTuple):
    """Of the words a report shows: every format gives these three."""

    total_words: int
    unique_words: int
    files: int

    @classmethod
    def of(cls, counts: Mapping[str, int], *, files: int) -> Totals:
        return cls(total_words=word_total(counts), unique_words=len(counts), files=files)


class Statistics(NamedTuple):
    """--stats, in the corpus linguist's terms: tokens are total words, types unique ones."""

    totals: Totals
    hapax_legomena: int

    @classmethod
    def of(cls, counts: Mapping[str, int], totals: Totals) -> Statistics:
        return cls(totals, hapax_legomena=sum(1 for count in counts.values() if count == 1))

    @property
    def tokens(self) -> int:
        """Every word, as often as it occurs."""
        return self.totals.total_words

    @property
    def types(self) -> int:
        """The distinct words."""
        return self.totals.unique_words

    @property
    def type_token_ratio(self) -> float:
        totals = self.totals
        return totals.unique_words / totals.total_words if totals.total_words else 0.0

    @property
    def tokens_per_file(self) -> float:
        totals = self.totals
        return totals.total_words / totals.files if totals.files else 0.0

    def rows(self) -> list[tuple[str, str]]:
        """(name, value) pairs, as every format shows them."""
        return [
            ("tokens", str(self.totals.total_words)),
            ("types", str(self.totals.unique_words)),
            ("type_token_ratio", ratio_text(self.type_token_ratio)),
            ("hapax_legomena", str(self.hapax_legomena)),
            ("tokens_per_file", f"{self.tokens_per_file:.1f}"),
        ]

    def as_json(self) -> dict[str, float | int]:
        return {
            "tokens": self.totals.total_words,
            "types": self.totals.unique_words,
            "type_token_ratio": self.type_token_ratio,
            "hapax_legomena": self.hapax_legomena,
            "tokens_per_file": round(self.tokens_per_file, 1),
        }


def ratio_text(ratio: float) -> str:
    """A ratio to RATIO_DIGITS significant digits: 0.571429, 1.23596e-05."""
    return f"{ratio:.{RATIO_DIGITS}g}"
