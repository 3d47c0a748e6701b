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
         ─▶ UnitResult
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import BinaryIO

from wordcount.engine.file_ranges import count_file_range, count_range
from wordcount.engine.merge import UnitResult
from wordcount.engine.options import DEFAULT_OPTIONS, CountOptions
from wordcount.engine.small_files import (
    SMALL_FILE_BYTES,
    count_small_file,
    count_small_files_in_batches,
)
from wordcount.engine.unit_texts import UnitTexts
from wordcount.engine.units import WorkUnit
from wordcount.sources.content import READ_CHUNK_BYTES
from wordcount.sources.ranges import FileRange, reported

__all__ = ["SMALL_FILE_BYTES", "count_stream", "count_unit", "stream_chunks"]


def count_unit(
    unit: WorkUnit,
    options: CountOptions = DEFAULT_OPTIONS,
    *,
    on_bytes: Callable[[int], None] | None = None,
) -> UnitResult:
    """Count every range of the unit; on_bytes(size), if given, after each chunk read."""
    texts = UnitTexts(options)
    for file_range in count_small_files_in_batches(texts, unit.ranges, on_bytes):
        if not count_small_file(texts, file_range, on_bytes):
            count_file_range(texts, file_range, on_bytes)
    return texts.finish()


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
    chunks = reported(stream_chunks(stream), texts.account.add_bytes_read)
    count_range(texts, chunks, stream_range)
    return texts.finish()


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
