"""Keywords: the words of the target (the PATHs and --counts) compared with a reference
corpus (--against, --against-counts), by log-likelihood and log ratio.

For each word in either corpus, with a its count in the target, b in the reference, and c
and d the two corpora's total words:

    log-likelihood (Rayson & Garside 2000)
        E1 = c(a+b)/(c+d), E2 = d(a+b)/(c+d), G2 = 2(a ln(a/E1) + b ln(b/E2)),
        a term whose count is 0 being 0; negative when a/c < b/d (underused)
    log ratio (Hardie 2014)
        log2((a/c) / (b/d)), a zero count taken as 0.5

Ordered by signed G2, highest first, then word: the most overused words first, the most
underused last. Both corpora are counted with the same options, and stop words and
--min-length apply to both (so c and d are the words kept); --min-count to the target's
counts.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

from wordcount.analysis.selection import Selection
from wordcount.analysis.statistics import Totals
from wordcount.exceptions import NothingToCompare

# A zero count in the log ratio (Hardie 2014): "a very small number, e.g. 0.5".
ZERO_FREQUENCY = 0.5


@dataclass(frozen=True)
class Keyword:
    word: str
    count: int
    reference_count: int
    log_likelihood: float
    log_ratio: float


def log_likelihood(a: int, b: int, c: int, d: int) -> float:
    """Signed G2 for a word seen a times in c words of the target and b in d of the
    reference: negative when it is relatively rarer in the target."""
    expected_target = c * (a + b) / (c + d)
    expected_reference = d * (a + b) / (c + d)
    g2 = 0.0
    if a:
        g2 += a * math.log(a / expected_target)
    if b:
        g2 += b * math.log(b / expected_reference)
    # Never below 0 but for rounding; the sign, from integers, is exact.
    g2 = max(2.0 * g2, 0.0)
    return -g2 if a * d < b * c else g2


def log_ratio(a: int, b: int, c: int, d: int) -> float:
    """log2 of the ratio of the relative frequencies, a zero count taken as 0.5."""
    return math.log2(((a or ZERO_FREQUENCY) / c) / ((b or ZERO_FREQUENCY) / d))


def keywords(target: Counter[str], reference: Counter[str]) -> list[Keyword]:
    """Every word of either corpus, scored and ordered (signed G2 descending, then word);
    both corpora must hold words."""
    c = sum(target.values())
    d = sum(reference.values())
    rows = []
    for word in target.keys() | reference.keys():
        a = target.get(word, 0)
        b = reference.get(word, 0)
        rows.append(Keyword(word, a, b, log_likelihood(a, b, c, d), log_ratio(a, b, c, d)))
    rows.sort(key=lambda row: (-row.log_likelihood, row.word))
    return rows


def top_keywords(rows: list[Keyword], *, top: int, ties: bool) -> list[Keyword]:
    """The first top rows (0: all); with ties, also every further row whose G2 is the
    last one's."""
    if top == 0 or top >= len(rows):
        return rows
    shown = top
    if ties:
        last = rows[top - 1].log_likelihood
        while shown < len(rows) and rows[shown].log_likelihood == last:
            shown += 1
    return rows[:shown]


class Comparison(NamedTuple):
    """The keywords of a target against a reference, with both corpora's totals."""

    rows: list[Keyword]
    target: Totals
    reference: Totals


def compare(
    target: Counter[str],
    reference: Counter[str],
    selection: Selection,
    *,
    target_files: int,
    reference_files: int,
    top: int = 0,
    ties: bool = False,
) -> Comparison:
    """Select the words of both corpora alike and score them: stop words and the minimum
    length apply to both, the minimum count to the target's. NothingToCompare if either
    corpus holds no words then."""
    words = Selection(selection.stopwords, selection.min_length)
    target_counts = words.apply(target)
    reference_counts = words.apply(reference)
    target_totals = Totals.of(target_counts, files=target_files)
    reference_totals = Totals.of(reference_counts, files=reference_files)
    for name, totals in (("target", target_totals), ("reference", reference_totals)):
        if not totals.total_words:
            raise NothingToCompare(f"the {name} corpus holds no words to compare")
    rows = keywords(target_counts, reference_counts)
    if selection.min_count > 1:
        rows = [row for row in rows if row.count >= selection.min_count]
    return Comparison(top_keywords(rows, top=top, ties=ties), target_totals, reference_totals)
