"""Which counted words a report shows, and the figures that describe them.

    merged counts ─▶ minus stop words ─▶ minus words shorter than --min-length
                  ─▶ minus words seen fewer than --min-count times ─▶ ranking.py

Everything here runs once, in the main process, after the merge: it gives the same
result for every -j and backend by construction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple


class Selection(NamedTuple):
    stopwords: frozenset[str] = frozenset()
    min_length: int = 1
    min_count: int = 1

    @property
    def keeps_everything(self) -> bool:
        return not self.stopwords and self.min_length <= 1 and self.min_count <= 1

    def apply(self, counts: Counter[str]) -> Counter[str]:
        if self.keeps_everything:
            return counts
        return Counter(
            {
                word: count
                for word, count in counts.items()
                if count >= self.min_count
                and len(word) >= self.min_length
                and word not in self.stopwords
            }
        )


class Totals(NamedTuple):
    """Of the words a report shows: every format gives these three."""

    total_words: int
    unique_words: int
    files: int

    @classmethod
    def of(cls, counts: Counter[str], *, files: int) -> Totals:
        return cls(total_words=sum(counts.values()), unique_words=len(counts), files=files)


class Statistics(NamedTuple):
    """--stats, in the corpus linguist's terms: tokens are total words, types unique ones."""

    totals: Totals
    hapax_legomena: int

    @classmethod
    def of(cls, counts: Counter[str], totals: Totals) -> Statistics:
        return cls(totals, hapax_legomena=sum(1 for count in counts.values() if count == 1))

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
            ("type_token_ratio", f"{self.type_token_ratio:.4f}"),
            ("hapax_legomena", str(self.hapax_legomena)),
            ("tokens_per_file", f"{self.tokens_per_file:.1f}"),
        ]

    def as_json(self) -> dict[str, float | int]:
        return {
            "tokens": self.totals.total_words,
            "types": self.totals.unique_words,
            "type_token_ratio": round(self.type_token_ratio, 4),
            "hapax_legomena": self.hapax_legomena,
            "tokens_per_file": round(self.tokens_per_file, 1),
        }


def kept_in_file(file_counts: Counter[str], kept: Counter[str]) -> Counter[str]:
    """One file's counts of the words the report keeps (kept: the selected totals).

    --min-count judges a word by its total, as the main list does: a word seen 3 times in
    each of two files passes --min-count 5 and stays in both files' lists and ranges.
    """
    return Counter({word: count for word, count in file_counts.items() if word in kept})


def file_ranges(files_counts: Iterable[Counter[str]]) -> Counter[str]:
    """In how many files each word occurs (AntConc's "range")."""
    ranges: Counter[str] = Counter()
    for counts in files_counts:
        ranges.update(counts.keys())
    return ranges
