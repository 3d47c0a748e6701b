"""FileRange, the bytes [start, end) of one input file, and reading them in chunks.

A worker reads its own ranges this way: only a path and two offsets cross the process
boundary, never the text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import BinaryIO, NamedTuple

from wordcount.sources.content import READ_CHUNK_BYTES
from wordcount.sources.identity import FileIdentity


class FileRange(NamedTuple):
    """Bytes [start, end) of one input file; end None means up to the end of the file.
    identity is the file's as it was found (see identity.py), None for what has none to
    compare: a stream, a URL other than file://.

    A named tuple, not a dataclass: 20,000 small files make 20,000 of these, which the
    main process creates before any worker can start.
    """

    path: str
    input_index: int
    start: int
    end: int | None
    identity: FileIdentity | None = None

    @property
    def starts_file(self) -> bool:
        return self.start == 0

    @property
    def is_whole_file(self) -> bool:
        return self.start == 0 and self.end is None


def range_chunks(file: BinaryIO, file_range: FileRange) -> Iterator[bytes]:
    if file_range.start:
        file.seek(file_range.start)
    if file_range.end is None:
        return iter(lambda: file.read(READ_CHUNK_BYTES), b"")
    return _bounded_chunks(file, file_range.end - file_range.start)


def _bounded_chunks(file: BinaryIO, length: int) -> Iterator[bytes]:
    while length > 0:
        chunk = file.read(min(READ_CHUNK_BYTES, length))
        if not chunk:
            return
        length -= len(chunk)
        yield chunk


def reported(chunks: Iterator[bytes], on_bytes: Callable[[int], None]) -> Iterator[bytes]:
    """The same chunks, calling on_bytes(size) as each is read."""
    for chunk in chunks:
        on_bytes(len(chunk))
        yield chunk
