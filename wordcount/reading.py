"""The bytes of a FileRange, in chunks: sought to its start, read up to its end.

A worker reads its own ranges this way; only a path and two offsets crossed the process
boundary, never the text.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterator
from typing import BinaryIO

from wordcount.content import READ_CHUNK_BYTES
from wordcount.planner import FileRange
from wordcount.remote import open_input


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


def range_is_valid_utf8(file_range: FileRange) -> bool:
    """Read the range again, only to check it; False also if it can no longer be read."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open_input(file_range.path) as file:
            for chunk in range_chunks(file, file_range):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except (OSError, UnicodeDecodeError):
        return False
    return True
