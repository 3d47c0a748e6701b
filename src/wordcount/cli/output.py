"""Writing the data to stdout, and what happens when it cannot be written.

    the reader went away (| head)  ─▶ the rest is dropped quietly: status 141, as for tsv
    a full disk, a closed stdout   ─▶ OutputFailure: one line on stderr, status 6

Every format goes through write_data, the table included (rendered to text first), so
that they all keep the same contract in a pipe.
"""

from __future__ import annotations

import codecs
import os
import select
import sys
from collections.abc import Iterable
from typing import BinaryIO, TextIO


class OutputFailure(Exception):
    """The data could not be written: its reason, for the one line on stderr."""


def check_stdout() -> None:
    """Before anything is counted: a closed stdout (`>&-`) has nowhere to take the data."""
    if sys.stdout is None:
        raise OutputFailure("standard output is closed: there is nowhere to write the counts")


def stdout_is_a_terminal() -> bool:
    return sys.stdout is not None and sys.stdout.isatty()


def stdout_holds_any_text() -> bool:
    """Whether stdout's encoding can write every character (UTF-8, UTF-16, ...), rather
    than, say, ASCII under PYTHONIOENCODING=ascii."""
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        "\U0010ffff".encode(encoding)
    except (UnicodeError, LookupError):
        return False
    return True


def write_data(chunks: Iterable[str]) -> bool:
    """Write the chunks to stdout and flush; False if its reader went away first (the
    rest is dropped). OutputFailure if stdout cannot be written at all."""
    stream = sys.stdout
    if stream is None:
        raise OutputFailure("standard output is closed")
    try:
        _write_all(stream, chunks)
    except BrokenPipeError:
        silence_stdout()
        return False
    except OSError as error:
        silence_stdout()
        raise OutputFailure(f"cannot write the output: {error.strerror or error}") from None
    return True


# Text is encoded and written in pieces of this size: big enough that the system calls
# cost nothing next to the formatting, small enough that a table of a million rows is
# never held twice in memory.
_PIECE_CHARS = 64 * 1024


def _write_all(stream: TextIO, chunks: Iterable[str]) -> None:
    """Like stream.writelines, but a short write is finished rather than lost. Python's
    BufferedWriter returns a short count, and drops the rest, when a reader closes a
    pipe in the middle of one large write, so `| head -1` after a big table would end
    with status 0 and no sign of it; writing the rest raises BrokenPipeError."""
    binary = getattr(stream, "buffer", None)
    if binary is None:  # a stream with no bytes underneath it (a test's StringIO)
        stream.writelines(chunks)
        stream.flush()
        return
    stream.flush()
    # One encoder for all the pieces: a codec with a byte-order mark (utf-16, utf-8-sig)
    # writes it once, at the start, as the text stream itself would.
    encoder = codecs.getincrementalencoder(stream.encoding or "utf-8")(stream.errors or "strict")
    piece: list[str] = []
    size = 0
    for chunk in chunks:
        piece.append(chunk)
        size += len(chunk)
        if size >= _PIECE_CHARS:
            _write_bytes(binary, encoder.encode("".join(piece)))
            piece, size = [], 0
    _write_bytes(binary, encoder.encode("".join(piece), final=True))
    while True:
        try:
            binary.flush()
        except BlockingIOError:
            _wait_until_writable(binary)
        else:
            return


def _write_bytes(binary: BinaryIO, data: bytes) -> None:
    view = memoryview(data)
    while view:
        # A non-blocking stdout that is full: a raw stream returns None, a buffered one
        # raises BlockingIOError saying how much it took; wait until there is room.
        try:
            written = binary.write(view)
        except BlockingIOError as full:
            written = full.characters_written
        if not written:
            _wait_until_writable(binary)
            continue
        view = view[written:]


def _wait_until_writable(binary: BinaryIO) -> None:
    select.select([], [binary.fileno()], [])


def silence_stdout() -> None:
    """Point stdout at /dev/null, so that the flush at exit cannot fail again over what
    is still buffered (the "Note on SIGPIPE" in Python's signal docs)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
