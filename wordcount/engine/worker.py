"""The worker's function: count one work unit, opening and reading its files itself.

`count_unit` is what every backend runs, in-process for -j 1, in a worker process, or on
a Dask worker. It takes everything it needs as arguments and returns a picklable
`UnitResult`, so it behaves the same under the fork, spawn and forkserver start methods.
`count_stream` counts what only the main process can read (stdin, a FIFO) the same way.

    unit ─▶ whole small files: a batch at a time by the counter, if it can (small_files.py)
         ─▶ each file left: read whole if small (small_files.py), else in chunks
            (file_ranges.py), its content judged at its start (sources.content)
         ─▶ each text to a WordCounter (unit_texts.py), what it raised said of its
            file (unit_account.py, text_warnings.py)
         ─▶ UnitResult; for a pool or a cluster (count_unit_holding_parts), what the
            ranges of a file cut into several found held apart, for the merge

A file is counted whole or not at all. A file that fails once words of it went to the
unit's shared counter (torn: unit_account.py) has the unit counted again without it:
rare, and it costs nothing while every read goes well. Where a file's ranges are counted
in several units, the merge drops all of them if one failed (merge.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import BinaryIO

from wordcount.engine.file_ranges import count_file_range, count_range
from wordcount.engine.merge import HeldPart, UnitResult
from wordcount.engine.options import DEFAULT_OPTIONS, CountOptions
from wordcount.engine.small_files import (
    SMALL_FILE_BYTES,
    count_small_file,
    count_small_files_in_batches,
)
from wordcount.engine.unit_texts import UnitTexts
from wordcount.engine.units import WorkUnit
from wordcount.sources.content import READ_CHUNK_BYTES
from wordcount.sources.problems import InputProblem
from wordcount.sources.ranges import FileRange, reported

__all__ = [
    "SMALL_FILE_BYTES",
    "count_stream",
    "count_unit",
    "count_unit_holding_parts",
    "stream_chunks",
]


def count_unit(
    unit: WorkUnit,
    options: CountOptions = DEFAULT_OPTIONS,
    *,
    on_bytes: Callable[[int], None] | None = None,
) -> UnitResult:
    """Count every range of the unit; on_bytes(size), if given, after each chunk read.
    Nothing of a file that failed is in the result, only its problems."""
    ranges = unit.ranges
    failures: list[InputProblem] = []
    while True:
        texts = UnitTexts(options)
        _count_ranges(texts, ranges, on_bytes)
        account = texts.account
        if not account.torn:
            result = texts.finish()
            result.problems[:0] = failures
            return result
        # Again without every file that failed, each of whose problems is kept; the
        # bytes read again were reported the first time.
        failures.extend(p for p in account.result.problems if p.input_index in account.failed)
        ranges = tuple(r for r in ranges if r.input_index not in account.failed)
        on_bytes = None


def count_unit_holding_parts(
    unit: WorkUnit,
    options: CountOptions = DEFAULT_OPTIONS,
    *,
    on_bytes: Callable[[int], None] | None = None,
) -> UnitResult:
    """count_unit, for a merge of many units (pool.py, cluster.py): what the ranges of a
    file cut into several found is held apart, by file, for the merge to add once all of
    the file's ranges are in, or to drop if one of them failed (merge.HeldPart)."""
    parts = _parts_by_file(unit.ranges)
    if not parts:
        return count_unit(unit, options, on_bytes=on_bytes)
    # The planner gives each part a unit of its own; the size is not read.
    whole_files = WorkUnit(tuple(r for r in unit.ranges if r.is_whole_file), 0)
    result = count_unit(whole_files, options, on_bytes=on_bytes)
    for input_index, ranges in parts.items():
        found = count_unit(WorkUnit(tuple(ranges), 0), options, on_bytes=on_bytes)
        result.problems.extend(found.problems)  # said whatever becomes of the parts
        found.problems = []
        result.held[input_index] = HeldPart(len(ranges), found)
    return result


def _count_ranges(
    texts: UnitTexts, ranges: tuple[FileRange, ...], on_bytes: Callable[[int], None] | None
) -> None:
    """Count the ranges into texts, until one is torn: no use going on, they are counted
    again."""
    for file_range in count_small_files_in_batches(texts, ranges, on_bytes):
        if not count_small_file(texts, file_range, on_bytes):
            count_file_range(texts, file_range, on_bytes)
        if texts.account.torn:
            return


def _parts_by_file(ranges: tuple[FileRange, ...]) -> dict[int, list[FileRange]]:
    """The ranges of files cut into several, by input index, in order."""
    parts: dict[int, list[FileRange]] = {}
    for file_range in ranges:
        if not file_range.is_whole_file:
            parts.setdefault(file_range.input_index, []).append(file_range)
    return parts


def count_stream(
    stream: BinaryIO,
    *,
    input_index: int,
    name: str,
    options: CountOptions = DEFAULT_OPTIONS,
) -> UnitResult:
    """Count a stream that cannot be reopened by a worker: standard input, a FIFO."""
    texts = UnitTexts(options)
    stream_range = FileRange(name, input_index, 0, None)
    account = texts.account
    chunks = reported(
        stream_chunks(stream), lambda size: account.add_bytes_read(stream_range, size)
    )
    count_range(texts, chunks, stream_range)
    result = texts.finish()
    if account.torn:  # it cannot be read again: nothing of it is counted
        return UnitResult(problems=result.problems, counted_by=result.counted_by)
    return result


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
