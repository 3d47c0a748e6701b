"""What one unit found, gathered as its texts are counted, and the UnitResult made of it.

each text ─▶ long words skipped, warnings (text_warnings.py), problems
a text counted apart (--by-file, decoded or decompressed) ─▶ its counts kept here
finish(the shared counter's counts) ─▶ UnitResult
"""

from __future__ import annotations

import os
from collections import Counter

from wordcount.engine.merge import UnitResult
from wordcount.engine.text_warnings import text_warnings
from wordcount.sources.problems import InputProblem, ProblemKind
from wordcount.sources.ranges import FileRange
from wordcount.words.conversion import TextFlags, WordCounts
from wordcount.words.native import add_counts


class UnitAccount:
    """The files, bytes, problems, long words and counts apart of one unit."""

    def __init__(self, *, by_file: bool) -> None:
        self.by_file = by_file
        self.result = UnitResult(counted_by=frozenset([os.getpid()]))
        self.apart_counts: Counter[bytes] = Counter()

    def add_file(self) -> None:
        self.result.files += 1

    def add_bytes_read(self, size: int) -> None:
        self.result.bytes_read += size

    def report(
        self, file_range: FileRange, message: str, kind: ProblemKind = ProblemKind.UNREADABLE
    ) -> None:
        self.result.problems.append(
            InputProblem(file_range.input_index, file_range.path, message, kind)
        )

    def replace_warning(self, count: int, kind: ProblemKind, message: str) -> None:
        """The warnings of kind reported after the first count of problems say message
        instead (a text read per token, of a file whose encoding could not be told)."""
        problems = self.result.problems
        problems[count:] = [
            problem._replace(message=message) if problem.kind is kind else problem
            for problem in problems[count:]
        ]

    def problems_since(self, count: int) -> list[InputProblem]:
        """The problems reported after the first count of them."""
        return self.result.problems[count:]

    def add_text_end(self, file_range: FileRange, skipped: int, met: TextFlags) -> None:
        """A text of file_range ended: skipped runs too long to count, and the rule met
        what met says in it."""
        self.add_long_words(file_range, skipped)
        self.result.problems.extend(text_warnings(file_range, met))

    def add_long_words(self, file_range: FileRange, skipped: int) -> None:
        if not skipped:
            return
        # A number, not a message: the merge sums it over the file's ranges, in any units.
        long_words = self.result.long_words
        index = file_range.input_index
        long_words[index] = long_words.get(index, 0) + skipped

    def keep_apart(self, file_range: FileRange, counted: WordCounts) -> None:
        """The counts of a text counted by a counter of its own."""
        add_counts(self.apart_counts, counted.counts)
        if self.by_file:
            by_file = self.result.by_file.setdefault(file_range.input_index, Counter())
            add_counts(by_file, counted.counts)

    def finish(self, shared: WordCounts) -> UnitResult:
        """The unit's result, with the shared counter's counts and those kept apart."""
        counts = shared.counts
        if self.apart_counts:
            counts = Counter(counts)
            add_counts(counts, self.apart_counts)
        self.result.counts = counts
        return self.result
