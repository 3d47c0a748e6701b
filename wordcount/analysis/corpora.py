"""A corpus: the words counted in its PATHs, plus its saved counts, added as if their texts
had been counted again. The target of a run is one; with keywords, the reference is
another, counted with the same options.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from wordcount.analysis.saved_counts import SavedCounts
from wordcount.engine.merge import CountResult
from wordcount.words.native import TalliedWords


def with_saved_counts(result: CountResult, saved: Sequence[SavedCounts]) -> CountResult:
    """The run's counts with the saved counts added, as if their texts had been counted
    again: their files after the PATHs', in the order given."""
    if not saved:
        return result
    counts = result.counts
    for one in saved:
        if not counts:
            counts = one.counts  # the first is taken as it is, not copied word by word
        else:
            if isinstance(counts, TalliedWords):  # its own Counter, decoded: not a copy
                counts = counts.decoded()
            assert isinstance(counts, Counter)
            counts.update(one.counts)
    by_file = list(result.by_file)
    for one in saved:
        by_file.extend(one.by_file or [])
    return result._replace(
        counts=counts, files=result.files + sum(one.files for one in saved), by_file=by_file
    )


def nothing_counted() -> CountResult:
    """The result of counting no PATHs (a corpus given only as saved counts)."""
    return CountResult(
        counts=Counter(),
        files=0,
        bytes_read=0,
        problems=[],
        hidden_skipped=0,
        by_file=[],
        counted_by=frozenset(),
    )


def added(left: CountResult, right: CountResult) -> CountResult:
    """Both results as one, neither changed: right's files after left's, its problems
    after left's. Each file's counts are shared, not copied: nothing changes them."""
    counts = Counter(left.counts)
    counts.update(right.counts)
    return CountResult(
        counts=counts,
        files=left.files + right.files,
        bytes_read=left.bytes_read + right.bytes_read,
        problems=[*left.problems, *right.problems],
        hidden_skipped=left.hidden_skipped + right.hidden_skipped,
        by_file=[*left.by_file, *right.by_file],
        counted_by=left.counted_by | right.counted_by,
    )
