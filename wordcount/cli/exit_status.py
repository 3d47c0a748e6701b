"""Exit statuses, part of the contract with shell scripts, and the one function that
turns the way a run ended into one of them."""

from __future__ import annotations

import signal
from enum import IntEnum
from typing import NamedTuple

from wordcount.cli.output import OutputFailure
from wordcount.engine.errors import ClusterUnavailable, Terminated, WorkerFailure


class ExitStatus(IntEnum):
    SUCCESS = 0
    # Some input could not be read; every other input was still counted and reported.
    INPUT_ERROR = 1
    # click's own status for a bad option or argument; also --benchmark given input of
    # which nothing was counted, since there is nothing to time.
    USAGE_ERROR = 2
    # --benchmark: the serial and parallel runs counted differently (a bug, never expected).
    RESULTS_DIFFER = 3
    # A worker process died or failed; the counts would be incomplete, so none are printed.
    WORKER_FAILED = 4
    # Memory ran out (for example under `prlimit --as`); nothing is printed.
    OUT_OF_MEMORY = 5
    # The counts could not be written: a full disk, a closed stdout.
    OUTPUT_FAILED = 6
    # An input changed while it was read (shrank, grew, was rewritten or replaced): the
    # counts, of what was read, are printed, but may be wrong. It wins over INPUT_ERROR:
    # a script that stops at 1 for a missing file would take the counts as sound.
    INPUT_CHANGED = 7
    # A shell reports a command killed by signal N as 128 + N; wordcount exits so when it
    # stops for one. SIGHUP: the terminal went away.
    HANGUP = 128 + signal.SIGHUP
    # SIGINT: Ctrl-C.
    INTERRUPTED = 128 + signal.SIGINT
    # SIGPIPE: the reader of a pipe went away early.
    BROKEN_PIPE = 128 + signal.SIGPIPE
    # SIGTERM: asked to stop; the workers are stopped too.
    TERMINATED = 128 + signal.SIGTERM


class Finished(NamedTuple):
    """A run that got to the end of its report, or whose reader went away first."""

    input_errors: bool = False
    broken_pipe: bool = False
    results_differ: bool = False
    # --benchmark counted nothing (every input skipped, unreadable or empty).
    nothing_to_time: bool = False
    # An input was not, after it was read, what the walk had found (see ExitStatus).
    inputs_changed: bool = False


# How a run ended: finished, or stopped by one of the failures the command expects.
Outcome = (
    Finished | KeyboardInterrupt | ClusterUnavailable | WorkerFailure | MemoryError | OutputFailure
)


def exit_status_for(outcome: Outcome) -> ExitStatus:
    if isinstance(outcome, Finished):
        if outcome.broken_pipe:
            return ExitStatus.BROKEN_PIPE
        if outcome.results_differ:
            return ExitStatus.RESULTS_DIFFER
        if outcome.nothing_to_time:
            return ExitStatus.USAGE_ERROR
        if outcome.inputs_changed:
            return ExitStatus.INPUT_CHANGED
        return ExitStatus.INPUT_ERROR if outcome.input_errors else ExitStatus.SUCCESS
    if isinstance(outcome, Terminated):  # SIGTERM or SIGHUP
        return ExitStatus(128 + outcome.signal_number)
    if isinstance(outcome, KeyboardInterrupt):
        return ExitStatus.INTERRUPTED
    if isinstance(outcome, ClusterUnavailable):
        return ExitStatus.USAGE_ERROR if outcome.missing_extra else ExitStatus.INPUT_ERROR
    if isinstance(outcome, WorkerFailure):
        return ExitStatus.WORKER_FAILED
    if isinstance(outcome, OutputFailure):
        return ExitStatus.OUTPUT_FAILED
    return ExitStatus.OUT_OF_MEMORY
