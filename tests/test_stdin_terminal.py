"""Standard input read from a terminal ends at the first Ctrl-D, as it does for cat and wc."""

from __future__ import annotations

import io
import os
import subprocess

import pytest

from tests.conftest import BIN_DIR, PINNED_ENV
from wordcount.engine.worker import stream_chunks

pty = pytest.importorskip("pty")


def test_one_ctrl_d_on_a_terminal_ends_standard_input() -> None:
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [str(BIN_DIR / "wordcount"), "-"],
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **PINNED_ENV},
    )
    os.close(terminal)
    try:
        # The terminal hands over "words\n" as one read, then Ctrl-D at the start of a
        # line as a read of 0 bytes: the end of the input, once.
        os.write(controller, b"words\n\x04")
        try:
            stdout, stderr = process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            pytest.fail("wordcount waited for more input after one Ctrl-D")
    finally:
        os.close(controller)
    assert (stdout, stderr, process.returncode) == (b"words\t1\n", b"", 0)


class _Terminal(io.RawIOBase):
    """Reads as a terminal does: each line typed is one read, Ctrl-D a read of 0 bytes,
    and the user may type on after it."""

    def __init__(self, reads: list[bytes]) -> None:
        self.reads = reads

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self.reads.pop(0)
        buffer[: len(data)] = data
        return len(data)


@pytest.mark.parametrize("buffered", [True, False])
def test_stream_chunks_end_at_the_first_read_of_nothing(buffered: bool) -> None:
    raw = _Terminal([b"one two\n", b"three\n", b"", b"typed after the end\n"])
    stream = io.BufferedReader(raw) if buffered else raw
    assert list(stream_chunks(stream, size=1 << 10)) == [b"one two\nthree\n"]  # type: ignore[arg-type]
    assert raw.reads == [b"typed after the end\n"]


def test_stream_chunks_gather_reads_up_to_the_size() -> None:
    data = bytes(range(256)) * 40
    assert list(stream_chunks(io.BytesIO(data), size=4096)) == [
        data[:4096],
        data[4096:8192],
        data[8192:],
    ]
