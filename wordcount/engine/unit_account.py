"""What one unit found, gathered as its texts are counted, and the UnitResult made of it.

each text ─▶ long words skipped, warnings (text_warnings.py), problems
a text counted apart (--by-file, decoded or decompressed) ─▶ its counts kept here
finish(the shared counter's counts) ─▶ UnitResult

It also knows which inputs failed, and which have words or figures in the result: where
one input is both (torn), the worker counts the unit again without it (worker.py).
"""

from __future__ import annotations

import os
from collections import Counter

from wordcount.engine.merge import UnitResult
from wordcount.engine.text_warnings import text_warnings
from wordcount.sources.problems import InputProblem, ProblemKind, describe_os_error
from wordcount.sources.ranges import FileRange
from wordcount.words.conversion import TextFlags, WordCounts
from wordcount.words.native import add_counts

# Ends the error of a file some of which was counted before it failed: those words are
# taken back, and the report holds none of it. (sources.content says it of a file whose
# decoding failed part-way.)
NOT_COUNTED = "not counted"


class UnitAccount:
    """The files, bytes, problems, long words and counts apart of one unit."""

    def __init__(self, *, by_file: bool) -> None:
        self.by_file = by_file
        self.result = UnitResult(counted_by=frozenset([os.getpid()]))
        self.apart_counts: Counter[bytes] = Counter()
        # By input index: the inputs some of whose text went to a counter, kept or not;
        # those with words or figures in the result; those that could not be read.
        self.begun: set[int] = set()
        self.entered: set[int] = set()
        self.failed: set[int] = set()

    @property
    def torn(self) -> bool:
        """Some input failed with words or figures of it in the result already."""
        return not self.failed.isdisjoint(self.entered)

    def begin_text(self, file_range: FileRange, *, shared: bool) -> None:
        """The first chunk of a text of file_range goes to a counter: the unit's shared
        counter, whose counts cannot be taken back, or one of its own."""
        self.begun.add(file_range.input_index)
        if shared:
            self.entered.add(file_range.input_index)

    def add_file(self, file_range: FileRange) -> None:
        self.entered.add(file_range.input_index)
        self.result.files += 1

    def add_bytes_read(self, file_range: FileRange, size: int) -> None:
        self.entered.add(file_range.input_index)
        self.result.bytes_read += size

    def report(
        self, file_range: FileRange, message: str, kind: ProblemKind = ProblemKind.UNREADABLE
    ) -> None:
        if kind is ProblemKind.UNREADABLE:
            self.failed.add(file_range.input_index)
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

    def report_failure(self, file_range: FileRange, error: OSError) -> None:
        """Reading file_range failed: an error, which says the file is not counted where
        some of it was (an earlier range, or this one before it failed)."""
        message = describe_os_error(error)
        if file_range.start > 0 or file_range.input_index in self.begun:
            message = f"{message}; {NOT_COUNTED}"
        self.report(file_range, message)

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
        self.entered.add(index)

    def keep_apart(self, file_range: FileRange, counted: WordCounts) -> None:
        """The counts of a text counted by a counter of its own."""
        self.entered.add(file_range.input_index)
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
