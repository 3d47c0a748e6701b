"""Exit statuses, part of the contract with shell scripts."""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    SUCCESS = 0
    # Some input could not be read; every other input was still counted and reported.
    INPUT_ERROR = 1
    # click's own status for a bad option or argument.
    USAGE_ERROR = 2
    # --benchmark: the serial and parallel runs counted differently (a bug, never expected).
    RESULTS_DIFFER = 3
    # 128 + SIGINT, what a shell reports for a command stopped by Ctrl-C.
    INTERRUPTED = 130
    # 128 + SIGPIPE, what a shell reports when the reader of a pipe went away early.
    BROKEN_PIPE = 141
