"""Which counted words a report shows: stop words, minimum length, minimum count.

    merged counts ─▶ minus stop words ─▶ minus words shorter than --min-length
                  ─▶ minus words seen fewer than --min-count times ─▶ ranking.py

Everything here runs once, in the main process, after the merge: it gives the same
result for every -j and backend by construction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from wordcount.sources.problems import InputProblem
from wordcount.words.native import TalliedWords


class Stopwords(NamedTuple):
    """Stop words as read (analysis/stopwords.py), each normalized as the words counted."""

    words: frozenset[str]
    # How lists not in UTF-8 were read (as detected, as cp1252 per word, or so because
    # their encoding could not be told): a warning each, with input_index -1.
    reading_warnings: tuple[InputProblem, ...] = ()


NO_STOPWORDS = Stopwords(frozenset())


class Selection(NamedTuple):
    stopwords: frozenset[str] = frozenset()
    min_length: int = 1
    min_count: int = 1

    @property
    def keeps_everything(self) -> bool:
        return not self.stopwords and self.min_length <= 1 and self.min_count <= 1

    def apply(self, counts: Mapping[str, int]) -> Mapping[str, int]:
        if self.keeps_everything:
            return counts
        if isinstance(counts, TalliedWords) and not counts.is_decoded:
            # In the kernel's table: a report of the top N then decodes N words only.
            return counts.selected(
                min_count=self.min_count, min_length=self.min_length, stopwords=self.stopwords
            )
        return Counter(
            {
                word: count
                for word, count in counts.items()
                if count >= self.min_count
                and len(word) >= self.min_length
                and word not in self.stopwords
            }
        )


def kept_in_file(file_counts: Counter[str], kept: Mapping[str, int]) -> Counter[str]:
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
