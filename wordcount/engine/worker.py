"""The worker's function: count one work unit, opening and reading its files itself.

`count_unit` is what every backend runs, in-process for -j 1, in a worker process, or on
a Dask worker. It takes everything it needs as arguments and returns a picklable
`UnitResult`, so it behaves the same under the fork, spawn and forkserver start methods.
`count_stream` counts what only the main process can read (stdin, a FIFO) the same way.

    unit ─▶ each range: a small file read whole, or a range read in chunks
         ─▶ content judged at the start of each file (sources.content)
         ─▶ plain text: one counter shared by the unit, so the rule runs once per
            distinct raw token; compressed or decoded text, and every file under
            --by-file: a counter of its own, kept only if the whole range went through
         ─▶ the file read still the one planned? (sources.identity) if not, its counts
            stay, with a problem that says it changed as it was read
         ─▶ UnitResult
"""

from __future__ import annotations

import codecs
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import BinaryIO

from wordcount.engine.hooks import fault_from_environment
from wordcount.engine.merge import UnitResult
from wordcount.engine.options import DEFAULT_OPTIONS, CountOptions
from wordcount.engine.units import WorkUnit
from wordcount.sources import content
from wordcount.sources.content import (
    BINARY_MESSAGE,
    CP1252_MESSAGE,
    READ_CHUNK_BYTES,
    BinaryContent,
    UndecodableContent,
    detected_message,
    open_content,
    plain_text,
)
from wordcount.sources.identity import (
    CHANGED_MESSAGE,
    changed_since_planned,
    descriptor_identity,
)
from wordcount.sources.opening import is_url, open_input, read_small_file
from wordcount.sources.problems import InputProblem, ProblemKind, describe_os_error
from wordcount.sources.ranges import FileRange, range_chunks, range_is_valid_utf8, reported
from wordcount.words.conversion import WordCounts
from wordcount.words.counter import counter_for
from wordcount.words.native import FileCounted, NativeTextCounter, add_counts
from wordcount.words.rule import has_unspaced_run

UNSPACED_MESSAGE = (
    "Chinese/Japanese/Thai text has no spaces between words; each run was counted as one "
    "word; --segment icu splits it into words"
)

# A whole file smaller than this is read in one call and counted straight from memory
# (see sources.opening.read_small_file). Above 128 KiB glibc's malloc maps fresh pages
# for each buffer read into, which made a 2 KB file cost 16 us instead of 4.5 us;
# 64 KiB is also what content.classify_head looks at.
SMALL_FILE_BYTES = 64 << 10

# The kernel counts small files this many at a time: each batch holds its paths encoded
# while it runs without the GIL, and progress moves once a batch.
SMALL_FILES_PER_CALL = 1024

# Installed only when WORDCOUNT_TEST_FAULT is set (see hooks.py); None otherwise.
_test_fault = fault_from_environment()


def count_unit(
    unit: WorkUnit,
    options: CountOptions = DEFAULT_OPTIONS,
    *,
    on_bytes: Callable[[int], None] | None = None,
) -> UnitResult:
    """Count every range of the unit; on_bytes(size), if given, after each chunk read."""
    unit_counter = _UnitCounter(options)
    if _test_fault is not None:
        for file_range in unit.ranges:
            _test_fault(file_range.path)
    ranges = unit_counter.count_small_files_natively(unit.ranges, on_bytes)
    for file_range in ranges:
        if not unit_counter.count_small_file(file_range, on_bytes):
            unit_counter.count_file_range(file_range, on_bytes)
    return unit_counter.finish()


def count_stream(
    stream: BinaryIO,
    *,
    input_index: int,
    name: str,
    options: CountOptions = DEFAULT_OPTIONS,
) -> UnitResult:
    """Count a stream that cannot be reopened by a worker: standard input, a FIFO."""
    unit_counter = _UnitCounter(options)
    stream_range = FileRange(name, input_index, 0, None)
    chunks = stream_chunks(stream)
    unit_counter.count_range(reported(chunks, unit_counter.add_bytes_read), stream_range)
    return unit_counter.finish()


def stream_chunks(stream: BinaryIO, size: int = READ_CHUNK_BYTES) -> Iterator[bytes]:
    """The stream's bytes in chunks of about size, ending at the first read of no bytes.

    A buffered stream's read(size) reads on after a read of 0 bytes until it has size
    bytes, and the next read(size) reads again: a terminal's Ctrl-D (one read of 0 bytes)
    would end only that call, and a second Ctrl-D would be needed. read1 makes one read of
    the underlying file; a raw stream's read is one read already."""
    read_once = getattr(stream, "read1", None) or stream.read
    while True:
        pieces: list[bytes] = []
        gathered = 0
        while gathered < size:
            piece = read_once(size - gathered)
            if not piece:
                if pieces:
                    yield b"".join(pieces)
                return
            pieces.append(piece)
            gathered += len(piece)
        yield pieces[0] if len(pieces) == 1 else b"".join(pieces)


class _UnitCounter:
    """The counts of one unit, whatever counts its words (see words.counter)."""

    def __init__(self, options: CountOptions) -> None:
        self.options = options
        self.new_counter = counter_for(
            case_sensitive=options.case_sensitive,
            ngrams=options.ngrams,
            pattern=options.pattern,
            segment=options.segment,
        )
        self.shared = self.new_counter()
        self.shared_ranges: list[FileRange] = []
        self.own_counts: Counter[bytes] = Counter()
        self.result = UnitResult(counted_by=frozenset([os.getpid()]))

    def count_small_files_natively(
        self, ranges: tuple[FileRange, ...], on_bytes: Callable[[int], None] | None
    ) -> Sequence[FileRange]:
        """Count the whole local files of plain text among ranges with the kernel, a batch
        at a time, and return the ranges left for the Python path. Each file is a text of
        its own in the shared counter, as it would be there."""
        counter = self.shared
        if not isinstance(counter, NativeTextCounter) or self.options.by_file:
            return ranges
        if self.options.encoding is not None:
            return ranges
        left: list[FileRange] = []
        whole = [r for r in ranges if r.is_whole_file and not is_url(r.path)]
        for start in range(0, len(whole), SMALL_FILES_PER_CALL):
            batch = whole[start : start + SMALL_FILES_PER_CALL]
            statuses = counter.count_files(
                [file_range.path for file_range in batch],
                SMALL_FILE_BYTES,
                binary_as_text=self.options.binary_as_text,
                special_first_bytes=bytes(sorted(content.SPECIAL_FIRST_BYTES)),
            )
            if statuses is None:  # the kernel cannot read files on this platform
                return ranges
            self._account_for(batch, statuses, left, on_bytes)
        return [*left, *(r for r in ranges if not r.is_whole_file or is_url(r.path))]

    def _account_for(
        self,
        batch: list[FileRange],
        statuses: list[FileCounted | int | None],
        left: list[FileRange],
        on_bytes: Callable[[int], None] | None,
    ) -> None:
        counted = 0
        for file_range, status in zip(batch, statuses, strict=True):
            if status is None:
                left.append(file_range)
            elif isinstance(status, int):
                self.report(file_range, os.strerror(-status))
            else:
                size, identity = status
                counted += size
                self.result.files += 1
                self.shared_ranges.append(file_range)
                if changed_since_planned(file_range.identity, identity):
                    self.report(file_range, CHANGED_MESSAGE, ProblemKind.CHANGED)
        self.result.bytes_read += counted
        if on_bytes is not None and counted:
            on_bytes(counted)

    def count_small_file(
        self, file_range: FileRange, on_bytes: Callable[[int], None] | None
    ) -> bool:
        """Count a whole local file under SMALL_FILE_BYTES of plain text, read in one call.
        False if it is not one, and then nothing was counted; True also if it failed."""
        if not file_range.is_whole_file or is_url(file_range.path):
            return False
        try:
            small_file = read_small_file(file_range.path, SMALL_FILE_BYTES)
        except OSError as error:
            self.report(file_range, describe_os_error(error))
            return True
        if small_file is None:
            return False
        content, identity = small_file
        text = plain_text(
            content, encoding=self.options.encoding, binary_as_text=self.options.binary_as_text
        )
        if text is None:  # compressed, encoded or binary: opened again by count_file_range
            return False
        self._count_text(iter((text,)), file_range, apart=self.options.by_file)
        self.result.files += 1
        self.result.bytes_read += len(content)
        if on_bytes is not None:
            on_bytes(len(content))
        if changed_since_planned(file_range.identity, identity):
            self.report(file_range, CHANGED_MESSAGE, ProblemKind.CHANGED)
        return True

    def count_file_range(
        self, file_range: FileRange, on_bytes: Callable[[int], None] | None
    ) -> None:
        # Opening, seeking and closing fail too (a URL's file may fail at any step).
        problems_before = len(self.result.problems)
        try:
            with open_input(file_range.path) as file:
                self._count_open_file(file, file_range, on_bytes)
        except OSError as error:
            since = self.result.problems[problems_before:]
            if not any(problem.is_error for problem in since):  # one error line a file
                self.report(file_range, describe_os_error(error))

    def _count_open_file(
        self, file: BinaryIO, file_range: FileRange, on_bytes: Callable[[int], None] | None
    ) -> None:
        chunks = range_chunks(file, file_range)
        if on_bytes is not None:
            chunks = reported(chunks, on_bytes)
        # Read on past the range only if asked: n-grams that start inside it end there.
        following = None
        if file_range.end is not None:
            following = iter(lambda: file.read(READ_CHUNK_BYTES), b"")
        read_through = self.count_range(chunks, file_range, following)
        position = file.tell()
        end = position if file_range.end is None else min(position, file_range.end)
        self.result.bytes_read += end - file_range.start
        # The planned end not reached: the file ended sooner than when it was planned. This
        # is all a URL's file can show; a local one shows any change by its identity.
        ended_early = read_through and file_range.end is not None and position < file_range.end
        planned = file_range.identity
        if ended_early or (
            planned is not None  # a URL's file has no identity, and may have no descriptor
            and changed_since_planned(planned, descriptor_identity(file.fileno()))
        ):
            self.report(file_range, CHANGED_MESSAGE, ProblemKind.CHANGED)

    def count_range(
        self,
        chunks: Iterator[bytes],
        file_range: FileRange,
        following: Iterable[bytes] | None = None,
    ) -> bool:
        """Count one range, or a whole file or stream; problems go to the result. True if
        it was read to its end, False if a problem stopped it."""
        options = self.options
        try:
            if file_range.starts_file:
                content = open_content(
                    chunks, encoding=options.encoding, binary_as_text=options.binary_as_text
                )
                apart = content.transformed or options.by_file
                self._count_text(content.chunks, file_range, apart=apart, following=following)
                self.result.files += 1
                if content.detected is not None:
                    message = detected_message(content.detected)
                    self.report(file_range, message, ProblemKind.DETECTED)
            else:  # the planner judged the file plain text
                self._count_text(chunks, file_range, apart=options.by_file, following=following)
        except OSError as error:
            self.report(file_range, describe_os_error(error))
        except UndecodableContent as error:
            self.report(file_range, str(error))
        except BinaryContent:
            self.report(file_range, BINARY_MESSAGE, ProblemKind.BINARY)
        else:
            return True
        return False

    def _count_text(
        self,
        chunks: Iterator[bytes],
        file_range: FileRange,
        *,
        apart: bool,
        following: Iterable[bytes] | None = None,
    ) -> None:
        """Feed one text to the shared counter, or, apart, to a counter of its own whose
        counts are kept only if the whole text went through and can be told apart from
        other files' (--by-file)."""
        counter = self.new_counter() if apart else self.shared
        try:
            for chunk in chunks:
                counter.feed(chunk)
        except BaseException:
            if not apart:  # no token of this text may run on into the next one; the
                # words read so far stay counted, so what they skipped is told too
                self._add_skipped(file_range, counter.end_text())
            raise
        self._add_skipped(file_range, counter.end_text(following))
        if apart:
            self._keep(file_range, counter.take_counts())
        else:
            self.shared_ranges.append(file_range)

    def _keep(self, file_range: FileRange, counted: WordCounts) -> None:
        add_counts(self.own_counts, counted.counts)
        if self.options.by_file:
            add_counts(
                self.result.by_file.setdefault(file_range.input_index, Counter()), counted.counts
            )
        if counted.saw_invalid_utf8:
            self.result.problems.extend(_invalid_utf8_warnings([file_range]))
        if counted.saw_unspaced_script:
            self.result.problems.extend(_unspaced_script_hints([file_range]))

    def _add_skipped(self, file_range: FileRange, skipped: int) -> None:
        if not skipped:
            return
        # A number, not a message: the merge sums it over the file's ranges, in any units.
        long_words = self.result.long_words
        index = file_range.input_index
        long_words[index] = long_words.get(index, 0) + skipped

    def add_bytes_read(self, size: int) -> None:
        self.result.bytes_read += size

    def report(
        self, file_range: FileRange, message: str, kind: ProblemKind = ProblemKind.UNREADABLE
    ) -> None:
        self.result.problems.append(
            InputProblem(file_range.input_index, file_range.path, message, kind)
        )

    def finish(self) -> UnitResult:
        shared = self.shared.take_counts()
        if shared.saw_invalid_utf8:
            self.result.problems.extend(_invalid_utf8_warnings(self.shared_ranges))
        if shared.saw_unspaced_script:
            self.result.problems.extend(_unspaced_script_hints(self.shared_ranges))
        counts = shared.counts
        if self.own_counts:
            counts = Counter(counts)
            add_counts(counts, self.own_counts)
        self.result.counts = counts
        return self.result


def _invalid_utf8_warnings(ranges: list[FileRange]) -> list[InputProblem]:
    """Name the files whose invalid UTF-8 was read as cp1252.

    A shared counter's raw tokens no longer say which file they came from, so with several
    files each is checked again; this is rare, and only costs a re-read of this one unit.
    """
    if len(ranges) > 1:
        ranges = [file_range for file_range in ranges if not range_is_valid_utf8(file_range)]
    return [
        InputProblem(
            file_range.input_index,
            file_range.path,
            CP1252_MESSAGE,
            ProblemKind.CP1252,
        )
        for file_range in ranges
    ]


def _unspaced_script_hints(ranges: list[FileRange]) -> list[InputProblem]:
    """Name the files holding runs of a script written without spaces, whose clauses the
    default rule counted as single words; of several files in a unit, each is checked
    again, as for invalid UTF-8."""
    if len(ranges) > 1:
        ranges = [file_range for file_range in ranges if _holds_unspaced_script(file_range)]
    return [
        InputProblem(
            file_range.input_index, file_range.path, UNSPACED_MESSAGE, ProblemKind.UNSPACED
        )
        for file_range in ranges
    ]


def _holds_unspaced_script(file_range: FileRange) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    tail = ""  # a run may straddle two chunks
    try:
        with open_input(file_range.path) as file:
            for chunk in range_chunks(file, file_range):
                text = tail + decoder.decode(chunk)
                if has_unspaced_run(text):
                    return True
                tail = text[-3:]
    except OSError:
        return False
    return False
