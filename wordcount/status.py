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
    # A worker process died or failed; the counts would be incomplete, so none are printed.
    WORKER_FAILED = 4
    # Memory ran out (for example under `prlimit --as`); nothing is printed.
    OUT_OF_MEMORY = 5
    # 128 + SIGHUP: the terminal went away.
    HANGUP = 129
    # 128 + SIGINT, what a shell reports for a command stopped by Ctrl-C.
    INTERRUPTED = 130
    # 128 + SIGPIPE, what a shell reports when the reader of a pipe went away early.
    BROKEN_PIPE = 141
    # 128 + SIGTERM: asked to stop; the workers are stopped too.
    TERMINATED = 143
