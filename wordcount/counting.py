"""Count one work unit: open its files, stream their bytes through the fast path.

`count_unit` is the function every backend runs, in-process for -j 1 or in a worker
process otherwise. It takes everything it needs as its argument and returns a picklable
`UnitResult`, so it behaves the same under the fork, spawn and forkserver start methods.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import BinaryIO

from wordcount.planner import FileRange, InputProblem, WorkUnit, describe_os_error
from wordcount.tokens import MAX_RUN_BYTES, UTF8_BOM, TextCounter, word_counts

# Each read hands the fast path this much: large enough that per-chunk overhead vanishes,
# small enough that the chunk's tokens stay near the core's L2 cache (two workers on two
# cores measured a few percent faster than with 1 MiB) and a worker's memory stays small.
READ_CHUNK_BYTES = 256 << 10


@dataclass
class UnitResult:
    # Words as UTF-8 bytes (see tokens.word_counts), decoded once after the merge.
    counts: dict[bytes, int] = field(default_factory=dict)
    bytes_read: int = 0
    problems: list[InputProblem] = field(default_factory=list)


def count_unit(unit: WorkUnit) -> UnitResult:
    text_counter = TextCounter()
    result = UnitResult()
    read_ranges: list[FileRange] = []
    for file_range in unit.ranges:
        try:
            # Unbuffered: the reads are large already, and a BufferedReader per file is
            # measurable overhead when a unit is a batch of thousands of small files.
            with open(file_range.path, "rb", buffering=0) as file:
                result.bytes_read += _feed_range(text_counter, file, file_range)
        except OSError as error:
            result.problems.append(
                InputProblem(file_range.input_index, file_range.path, describe_os_error(error))
            )
        else:
            read_ranges.append(file_range)
        text_counter.end_text()
        result.problems.extend(_skipped_run_warning(text_counter, file_range))
    _convert_words(text_counter, result, read_ranges)
    return result


def count_stream(stream: BinaryIO, *, input_index: int, name: str) -> UnitResult:
    """Count a stream that cannot be reopened by a worker, such as standard input."""
    text_counter = TextCounter()
    result = UnitResult()
    chunks = iter(lambda: stream.read(READ_CHUNK_BYTES), b"")
    result.bytes_read = _feed_chunks(text_counter, chunks, starts_text=True)
    text_counter.end_text()
    stream_range = FileRange(name, input_index, 0, None)
    result.problems.extend(_skipped_run_warning(text_counter, stream_range))
    _convert_words(text_counter, result, [stream_range])
    return result


def _convert_words(
    text_counter: TextCounter, result: UnitResult, read_ranges: list[FileRange]
) -> None:
    converted = word_counts(text_counter.raw_counts)
    result.counts = converted.counts
    if converted.saw_invalid_utf8:
        result.problems.extend(_invalid_utf8_warnings(read_ranges))


def _feed_range(text_counter: TextCounter, file: BinaryIO, file_range: FileRange) -> int:
    chunks = _range_chunks(file, file_range)
    return _feed_chunks(text_counter, chunks, starts_text=file_range.starts_file)


def _range_chunks(file: BinaryIO, file_range: FileRange) -> Iterable[bytes]:
    file.seek(file_range.start)
    if file_range.end is None:
        return iter(lambda: file.read(READ_CHUNK_BYTES), b"")
    return _bounded_chunks(file, file_range.end - file_range.start)


def _bounded_chunks(file: BinaryIO, length: int) -> Iterable[bytes]:
    while length > 0:
        chunk = file.read(min(READ_CHUNK_BYTES, length))
        if not chunk:
            return
        length -= len(chunk)
        yield chunk


def _feed_chunks(text_counter: TextCounter, chunks: Iterable[bytes], *, starts_text: bool) -> int:
    bytes_read = 0
    chunk_iterator = iter(chunks)
    if starts_text:
        # A pipe may deliver fewer than three bytes first, so gather enough to see a BOM.
        head = b""
        for chunk in chunk_iterator:
            head += chunk
            if len(head) >= len(UTF8_BOM) or not UTF8_BOM.startswith(head):
                break
        bytes_read += len(head)
        text_counter.feed(head.removeprefix(UTF8_BOM))
    for chunk in chunk_iterator:
        bytes_read += len(chunk)
        text_counter.feed(chunk)
    return bytes_read


def _skipped_run_warning(text_counter: TextCounter, file_range: FileRange) -> list[InputProblem]:
    """A warning for the text just ended, if it had words too long to count."""
    skipped, text_counter.skipped_runs = text_counter.skipped_runs, 0
    if not skipped:
        return []
    limit_mib = MAX_RUN_BYTES // (1 << 20)
    message = f"skipped {skipped} word(s) longer than {limit_mib} MiB"
    return [InputProblem(file_range.input_index, file_range.path, message, is_error=False)]


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
        if not _range_is_valid_utf8(file_range)
    ]


def _invalid_utf8_warning(file_range: FileRange) -> InputProblem:
    return InputProblem(
        file_range.input_index,
        file_range.path,
        "not valid UTF-8; its invalid words were read as cp1252",
        is_error=False,
    )


def _range_is_valid_utf8(file_range: FileRange) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(file_range.path, "rb") as file:
            for chunk in _range_chunks(file, file_range):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except (OSError, UnicodeDecodeError):
        return False
    return True
