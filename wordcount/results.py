"""What counting returns: a UnitResult per work unit, merged into one CountResult.

    worker: count_unit ─▶ UnitResult {word as UTF-8 bytes: n} ─┐ pickled back, or combined()
                                                                │ pairwise on a Dask cluster
    main process: CountResult.add ◀── add_counts, as each completes
                  CountResult.finish ─▶ {word: n}, decoded once, problems in input order

Words stay UTF-8 bytes until the end: byte order is code point order, and the workers'
fast path produces bytes, so nothing is decoded per unit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from wordcount.problems import InputProblem, in_input_order


@dataclass
class UnitResult:
    # Words as UTF-8 bytes (see tokens.word_counts), decoded once after the merge.
    counts: dict[bytes, int] = field(default_factory=dict)
    files: int = 0
    bytes_read: int = 0
    problems: list[InputProblem] = field(default_factory=list)
    # With --by-file: each input's own counts, by input index.
    by_file: dict[int, dict[bytes, int]] = field(default_factory=dict)


@dataclass
class CountResult:
    counts: Counter[str] = field(default_factory=Counter)
    files: int = 0
    bytes_read: int = 0
    problems: list[InputProblem] = field(default_factory=list)
    # Entries a walk left out because their names start with "." (see --hidden).
    hidden_skipped: int = 0
    # With --by-file: each input's counts, by its name as given, in input order.
    by_file: dict[str, Counter[str]] = field(default_factory=dict)
    # The name of each input by index, to label by_file.
    names: dict[int, str] = field(default_factory=dict, repr=False)
    # Counts as the units return them, keyed by UTF-8 bytes, until `finish` decodes them.
    _encoded_counts: Counter[bytes] = field(default_factory=Counter, repr=False)
    _encoded_by_file: dict[int, dict[bytes, int]] = field(default_factory=dict, repr=False)

    @property
    def total_words(self) -> int:
        return sum(self.counts.values())

    @property
    def has_errors(self) -> bool:
        return any(problem.is_error for problem in self.problems)

    def add(self, unit_result: UnitResult) -> None:
        add_counts(self._encoded_counts, unit_result.counts)
        _add_by_file(self._encoded_by_file, unit_result.by_file)
        self.files += unit_result.files
        self.bytes_read += unit_result.bytes_read
        self.problems.extend(unit_result.problems)

    def finish(self) -> None:
        self.counts = Counter(
            {word.decode(): count for word, count in self._encoded_counts.items()}
        )
        self._encoded_counts = Counter()
        self.by_file = {}
        for index in sorted(self._encoded_by_file):  # a file named twice is one entry
            decoded = {word.decode(): n for word, n in self._encoded_by_file[index].items()}
            self.by_file.setdefault(self.names.get(index, str(index)), Counter()).update(decoded)
        self._encoded_by_file = {}
        self.problems = in_input_order(self.problems)


def add_counts(total: dict[bytes, int], counts: Mapping[bytes, int]) -> None:
    """The one merge of word counts, whether units complete here or on a Dask cluster."""
    if not total:
        total.update(counts)
        return
    get = total.get
    for word, count in counts.items():
        total[word] = get(word, 0) + count


def combined(left: UnitResult, right: UnitResult) -> UnitResult:
    """Both results in a new one. The inputs stay as they were: a Dask worker may keep
    them, and run this again after a worker was lost."""
    counts = dict(left.counts)
    add_counts(counts, right.counts)
    by_file = {index: dict(file_counts) for index, file_counts in left.by_file.items()}
    _add_by_file(by_file, right.by_file)
    return UnitResult(
        counts,
        files=left.files + right.files,
        bytes_read=left.bytes_read + right.bytes_read,
        problems=[*left.problems, *right.problems],
        by_file=by_file,
    )


def _add_by_file(
    total: dict[int, dict[bytes, int]], by_file: Mapping[int, Mapping[bytes, int]]
) -> None:
    for index, file_counts in by_file.items():
        add_counts(total.setdefault(index, {}), file_counts)
