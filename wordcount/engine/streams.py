"""The inputs only this process can read: "-", FIFOs, /dev/fd/N, counted one by one."""

from __future__ import annotations

from typing import BinaryIO

from wordcount.engine.merge import Merge, UnitResult
from wordcount.engine.options import CountOptions
from wordcount.engine.worker import count_stream
from wordcount.sources.opening import open_input
from wordcount.sources.paths import STDIN_NAME, STDIN_PATH, InputStream
from wordcount.sources.problems import InputProblem, describe_os_error


class StreamInputs:
    """The streams of a run, counted here in turn into a merge."""

    def __init__(
        self, streams: list[InputStream], stdin: BinaryIO | None, options: CountOptions
    ) -> None:
        self.streams = streams
        self.stdin = stdin
        self.options = options

    def count_into(self, merge: Merge) -> None:
        stdin_counted = False
        for input_index, path in self.streams:
            if path != STDIN_PATH:
                self._count_named(merge, input_index, path)
            elif self.stdin is None:
                closed = InputProblem(input_index, STDIN_NAME, "standard input is closed")
                merge.add_problems([closed])
            elif not stdin_counted:  # it can be read only once; another "-" adds nothing
                stdin_counted = True
                merge.add(self._count(self.stdin, input_index, STDIN_NAME))

    def _count_named(self, merge: Merge, input_index: int, path: str) -> None:
        try:
            # A file:// URL may name a FIFO, /dev/stdin too.
            stream = open_input(path, self.options.storage_options)
        except OSError as error:
            merge.add_problems([InputProblem(input_index, path, describe_os_error(error))])
            return
        with stream:
            merge.add(self._count(stream, input_index, path))

    def _count(self, stream: BinaryIO, input_index: int, name: str) -> UnitResult:
        return count_stream(stream, input_index=input_index, name=name, options=self.options)
