"""Count one work unit: open its files, stream their content through the fast path.

`count_unit` is the function every backend runs, in-process for -j 1 or in a worker
process otherwise. It takes everything it needs as its argument and returns a picklable
`UnitResult`, so it behaves the same under the fork, spawn and forkserver start methods.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import BinaryIO

from wordcount.content import (
    BINARY_MESSAGE,
    READ_CHUNK_BYTES,
    BinaryContent,
    ReadOptions,
    UndecodableContent,
    open_content,
    plain_text,
)
from wordcount.lifecycle import apply_test_fault
from wordcount.ngrams import NgramCounter
from wordcount.pattern import PatternCounter
from wordcount.planner import FileRange, WorkUnit
from wordcount.problems import InputProblem, ProblemKind, describe_os_error
from wordcount.reading import range_chunks, range_is_valid_utf8, reported
from wordcount.remote import is_url, open_input, read_small_file
from wordcount.results import UnitResult, add_counts
from wordcount.tokens import MAX_RUN_BYTES, TextCounter, word_counts

DEFAULT_READ_OPTIONS = ReadOptions()
# A whole file smaller than this is read in one call and counted straight from memory
# (see remote.read_small_file). Above 128 KiB glibc's malloc maps fresh pages for each
# buffer read into, which made a 2 KB file cost 16 us instead of 4.5 us; 64 KiB is also
# what classify_head looks at.
SMALL_FILE_BYTES = 64 << 10


class _UnitCounter:
    """The counts of one unit. Plain text shares one TextCounter, so that the rule runs
    once per distinct raw token of the unit; a decompressed or decoded file, and every
    range under --by-file, gets its own, kept only if the whole range went through.
    --pattern and --ngrams count each range with a counter of their own kind."""

    def __init__(self, options: ReadOptions) -> None:
        self.options = options
        self.shared = TextCounter()
        self.own_words: Counter[bytes] = Counter()
        self.result = UnitResult()
        self.plain_ranges: list[FileRange] = []

    def count_range(
        self,
        chunks: Iterable[bytes],
        file_range: FileRange,
        following: Iterable[bytes] | None = None,
    ) -> None:
        """Count one range, or a whole file or stream; problems go to the result.

        following: the rest of the file after a range that ends before it (for n-grams).
        """
        try:
            if self.options.pattern is not None:
                self._count_pattern(chunks, file_range, self.options.pattern)
            elif self.options.ngrams is not None:
                self._count_ngrams(chunks, file_range, following)
            else:
                self._count(chunks, file_range)
        except OSError as error:
            self.report(file_range, describe_os_error(error))
        except UndecodableContent as error:
            self.report(file_range, str(error))
        except BinaryContent:
            self.report(file_range, BINARY_MESSAGE, ProblemKind.BINARY)
        self.shared.end_text()
        self.result.problems.extend(_skipped_run_warnings(self.shared, file_range))

    def _count(self, chunks: Iterable[bytes], file_range: FileRange) -> None:
        if not file_range.starts_file:  # the planner judged the file plain text
            if self.options.by_file:
                self._count_apart(chunks, file_range)
                return
            _feed(self.shared, chunks)
            self.plain_ranges.append(file_range)
            return
        content = open_content(chunks, self.options)
        if content.transformed or self.options.by_file:
            self._count_apart(content.chunks, file_range)
        else:
            _feed(self.shared, content.chunks)
            self.plain_ranges.append(file_range)
        self.result.files += 1

    def _count_apart(self, chunks: Iterable[bytes], file_range: FileRange) -> None:
        """A range with a TextCounter of its own: its counts are kept only if the whole
        range went through, and can be told apart from other files' (--by-file)."""
        own = TextCounter()
        _feed(own, chunks)
        own.end_text()
        self.result.problems.extend(_skipped_run_warnings(own, file_range))
        converted = word_counts(own.raw_counts, case_sensitive=self.options.case_sensitive)
        self._keep(file_range, converted.counts)
        if converted.saw_invalid_utf8:
            self.result.problems.append(_invalid_utf8_warning(file_range))

    def _keep(self, file_range: FileRange, counts: Mapping[bytes, int]) -> None:
        self.own_words.update(counts)
        if self.options.by_file:
            add_counts(self.result.by_file.setdefault(file_range.input_index, {}), counts)

    def _count_pattern(self, chunks: Iterable[bytes], file_range: FileRange, pattern: str) -> None:
        """Files are never cut with a pattern (see the planner), so each is whole here."""
        counter = PatternCounter(pattern, case_sensitive=self.options.case_sensitive)
        _feed(counter, open_content(chunks, self.options).chunks)
        counter.end_text()
        if counter.saw_invalid_utf8:
            self.result.problems.append(_invalid_utf8_warning(file_range))
        self._keep(file_range, counter.counts)
        self.result.files += 1

    def _count_ngrams(
        self,
        chunks: Iterable[bytes],
        file_range: FileRange,
        following: Iterable[bytes] | None,
    ) -> None:
        """Each range gets its own NgramCounter: n-grams never join two files, and a range
        that fails part-way adds nothing."""
        assert self.options.ngrams is not None
        ngrams = NgramCounter(self.options.ngrams, case_sensitive=self.options.case_sensitive)
        if file_range.starts_file:
            chunks = open_content(chunks, self.options).chunks
        _feed(ngrams, chunks)
        ngrams.end_range(following)
        self.result.problems.extend(_skipped_run_warnings(ngrams.tokens, file_range))
        if ngrams.saw_invalid_utf8:
            self.result.problems.append(_invalid_utf8_warning(file_range))
        self._keep(file_range, ngrams.counts)
        if file_range.starts_file:
            self.result.files += 1

    def count_small_file(self, content: bytes, file_range: FileRange) -> bool:
        """Count a whole file already read, if it is plain text; False if it is not, and
        then nothing was counted."""
        text = plain_text(content, self.options)
        if text is None:
            return False
        self.shared.feed(text)
        self.shared.end_text()
        self.plain_ranges.append(file_range)
        self.result.files += 1
        self.result.bytes_read += len(content)
        return True

    def add_bytes_read(self, size: int) -> None:
        self.result.bytes_read += size

    def report(
        self, file_range: FileRange, message: str, kind: ProblemKind = ProblemKind.UNREADABLE
    ) -> None:
        self.result.problems.append(
            InputProblem(file_range.input_index, file_range.path, message, kind)
        )

    def finish(self) -> UnitResult:
        converted = word_counts(self.shared.raw_counts, case_sensitive=self.options.case_sensitive)
        add_counts(converted.counts, self.own_words)
        self.result.counts = converted.counts
        if converted.saw_invalid_utf8:
            self.result.problems.extend(_invalid_utf8_warnings(self.plain_ranges))
        return self.result


def count_unit(
    unit: WorkUnit,
    options: ReadOptions = DEFAULT_READ_OPTIONS,
    *,
    on_bytes: Callable[[int], None] | None = None,
) -> UnitResult:
    """Count every range of the unit; on_bytes(size), if given, after each chunk read."""
    unit_counter = _UnitCounter(options)
    may_read_whole = not (options.pattern or options.ngrams or options.by_file)
    for file_range in unit.ranges:
        apply_test_fault(file_range.path)
        whole_local_file = file_range.starts_file and file_range.end is None
        if may_read_whole and whole_local_file and not is_url(file_range.path):
            try:
                small_file = read_small_file(file_range.path, SMALL_FILE_BYTES)
            except OSError as error:
                unit_counter.report(file_range, describe_os_error(error))
                continue
            if small_file is not None and unit_counter.count_small_file(small_file, file_range):
                if on_bytes is not None:
                    on_bytes(len(small_file))
                continue
            # Larger, or compressed, encoded or binary: opened again, for the path below.
        try:
            file = open_input(file_range.path)
        except OSError as error:
            unit_counter.report(file_range, describe_os_error(error))
            continue
        with file:
            chunks = range_chunks(file, file_range)
            if on_bytes is not None:
                chunks = reported(chunks, on_bytes)
            # Read on past the range only if asked: n-grams that start inside it end there.
            following = None
            if file_range.end is not None:
                following = iter(functools.partial(file.read, READ_CHUNK_BYTES), b"")
            unit_counter.count_range(chunks, file_range, following)
            end = file.tell() if file_range.end is None else min(file.tell(), file_range.end)
            unit_counter.result.bytes_read += end - file_range.start
    return unit_counter.finish()


def count_stream(
    stream: BinaryIO,
    *,
    input_index: int,
    name: str,
    options: ReadOptions = DEFAULT_READ_OPTIONS,
) -> UnitResult:
    """Count a stream that cannot be reopened by a worker: standard input, a FIFO."""
    unit_counter = _UnitCounter(options)
    stream_range = FileRange(name, input_index, 0, None)
    chunks = iter(lambda: stream.read(READ_CHUNK_BYTES), b"")
    unit_counter.count_range(reported(chunks, unit_counter.add_bytes_read), stream_range)
    return unit_counter.finish()


def _feed(
    text_counter: TextCounter | NgramCounter | PatternCounter, chunks: Iterable[bytes]
) -> None:
    for chunk in chunks:
        text_counter.feed(chunk)


def _skipped_run_warnings(text_counter: TextCounter, file_range: FileRange) -> list[InputProblem]:
    """A warning for the text just ended, if it had words too long to count."""
    skipped, text_counter.skipped_runs = text_counter.skipped_runs, 0
    if not skipped:
        return []
    limit_mib = MAX_RUN_BYTES // (1 << 20)
    message = f"skipped {skipped} word(s) longer than {limit_mib} MiB"
    return [InputProblem(file_range.input_index, file_range.path, message, ProblemKind.LONG_WORD)]


def _invalid_utf8_warnings(read_ranges: list[FileRange]) -> list[InputProblem]:
    """Name the files whose invalid UTF-8 made the unit fall back to cp1252.

    The unit's raw tokens no longer say which file they came from, so with several files
    each is checked again; this is rare, and only costs a re-read of this one unit.
    """
    if len(read_ranges) == 1:
        return [_invalid_utf8_warning(read_ranges[0])]
    return [
        _invalid_utf8_warning(file_range)
        for file_range in read_ranges
        if not range_is_valid_utf8(file_range)
    ]


def _invalid_utf8_warning(file_range: FileRange) -> InputProblem:
    return InputProblem(
        file_range.input_index,
        file_range.path,
        "not valid UTF-8; its invalid words were read as cp1252",
        ProblemKind.CP1252,
    )
