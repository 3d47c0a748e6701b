"""Keywords: the words of the target (the PATHs and --counts) compared with a reference
corpus (--against, --against-counts), by log-likelihood and log ratio.

For each word in either corpus, with a its count in the target, b in the reference, and c
and d the two corpora's total words:

    log-likelihood (Rayson & Garside 2000)
        E1 = c(a+b)/(c+d), E2 = d(a+b)/(c+d), G2 = 2(a ln(a/E1) + b ln(b/E2)),
        a term whose count is 0 being 0; negative when a/c < b/d (underused)
    log ratio (Hardie 2014)
        log2((a/c) / (b/d)), a zero count taken as 0.5 in the larger corpus: a
        relative frequency of 0.5/max(c, d)

Their signs agree, always (0 exactly when a/c = b/d). Hardie's 0.5 in the corpus of
the zero itself would not: a word seen once in a target of 8 words and never in a
reference of 3 got log2((1/8)/(0.5/3)) = -0.415, "underused", with a positive G2.
Taken in the larger corpus, 0.5/max(c, d) < 1/d <= b/d, so a word absent from one corpus
is rarer there than in the other, as G2 says; where the zero is in the larger corpus (the
usual case) it is Hardie's own figure.

Both are computed from the exact integers, so that huge counts (10^19 words) lose
nothing: a - E1 = (ad - bc)/(c+d) exactly, and each G2 term is written as Loader's
deviance, x ln(x/E) - (x - E) >= 0 (the two added terms sum to 0), with its series
near x = E, where x ln(x/E) alone loses every digit to cancellation. The log ratio of a
ratio near 1 is taken through log1p of (ad - bc)/bc, for the same reason.

Ordered by signed G2, highest first, then word: the most overused words first, the most
underused last. Both corpora are counted with the same options, and stop words and
--min-length apply to both (so c and d are the words kept); --min-count to the target's
counts.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

from wordcount.analysis.selection import Selection
from wordcount.analysis.statistics import Totals
from wordcount.exceptions import NothingToCompare

# A zero count in the log ratio (Hardie 2014): "a very small number, e.g. 0.5", taken
# in the larger corpus so that the ratio's sign is G2's (see above).
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
    reference: negative when it is relatively rarer in the target, 0.0 (never -0.0)
    when a/c = b/d."""
    surplus = a * d - b * c  # (a - E1) * (c + d), exactly
    if surplus == 0:
        return 0.0
    total = c + d
    expected_target = c * (a + b) / total  # int / int: correctly rounded, however large
    expected_reference = d * (a + b) / total
    difference = surplus / total  # a - E1 = E2 - b
    g2 = 2.0 * (
        _deviance(a, expected_target, difference) + _deviance(b, expected_reference, -difference)
    )
    return g2 if surplus > 0 else -g2


def _deviance(count: int, expected: float, difference: float) -> float:
    """count ln(count/expected) - (count - expected), >= 0: one term of G2 without its
    cancellation (Loader 2000, "Fast and accurate computation of binomial
    probabilities", bd0). difference: count - expected, computed exactly by the caller."""
    if count == 0:
        return expected
    if abs(difference) < _SERIES_BOUND * (count + expected):
        # x ln(x/E) - (x - E) = (x - E)v + 2x(v^3/3 + v^5/5 + ...), v = (x - E)/(x + E):
        # every term is small beside the first, so nothing cancels.
        v = difference / (count + expected)
        total = difference * v
        power = 2.0 * count * v
        squared = v * v
        for odd in itertools.count(3, 2):
            power *= squared
            following = total + power / odd
            if following == total:
                return total
            total = following
    return count * math.log(count / expected) - difference


# Where Loader's series takes over: |x - E| < 0.1 (x + E), so |v| < 0.1 and each term is
# under a hundredth of the one before (his bound).
_SERIES_BOUND = 0.1


def log_ratio(a: int, b: int, c: int, d: int) -> float:
    """log2 of the ratio of the relative frequencies (a/c)/(b/d), a zero count taken as
    0.5 in the larger corpus (0.5/max(c, d)); 0.0 when they are equal, and of G2's sign."""
    larger = max(c, d)
    # (a/c)/(b/d) as one fraction of integers, the zero count's 0.5 doubled out.
    if a == 0:
        numerator, denominator = d, 2 * b * larger
    elif b == 0:
        numerator, denominator = 2 * a * larger, c
    else:
        numerator, denominator = a * d, b * c
    if numerator == denominator:
        return 0.0
    ratio = numerator / denominator  # int / int: correctly rounded
    if _NEAR_ONE[0] < ratio < _NEAR_ONE[1]:
        # log2 of a ratio that rounds to 1.0 would be 0: log1p keeps its sign and digits.
        return math.log1p((numerator - denominator) / denominator) / math.log(2)
    return math.log2(ratio)


# Ratios taken through log1p: beyond these, log2 of the rounded ratio is as accurate and
# plainly of the right sign.
_NEAR_ONE = (0.5, 2.0)


def keywords(target: Mapping[str, int], reference: Mapping[str, int]) -> list[Keyword]:
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
    target: Mapping[str, int],
    reference: Mapping[str, int],
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
