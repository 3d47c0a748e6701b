"""Test-only hooks, so that the tests can see what a run did and make a worker go wrong.
Without their variables set no hook exists, and counting never calls one.

WORDCOUNT_TEST_FAULT="kill:NAME", "hang:NAME" or "unpicklable:NAME" makes the worker that
opens a file called NAME die, hang or fail with an exception that cannot be pickled.
"truncate:NAME", "append:NAME", "replace:NAME" or "touch:NAME" changes the file after it
was planned, just before it is read: see file_changes.py.

WORDCOUNT_TEST_PROCESSES=FILE makes each count append one line to FILE: the id of the
process that ran it, a colon, then the ids of the processes that counted its units. A
test comparing a parallel run with a serial one reads it to prove that workers ran.

WORDCOUNT_TEST_POOL_MIN_BYTES=N starts a pool for inputs of N bytes or more, so that the
tests can run one on a few megabytes.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable

FAULT_VARIABLE = "WORDCOUNT_TEST_FAULT"
PROCESSES_VARIABLE = "WORDCOUNT_TEST_PROCESSES"
POOL_MIN_BYTES_VARIABLE = "WORDCOUNT_TEST_POOL_MIN_BYTES"


def fault_from_environment() -> Callable[[str], None] | None:
    """The hook the variable asks for, called with each path a worker opens; or None."""
    action, _, file_name = os.environ.get(FAULT_VARIABLE, "").partition(":")
    if not file_name:
        return None
    from wordcount.engine import file_changes  # only here: no other run needs it

    faults: dict[str, Callable[[str], None]] = {
        "kill": _kill,
        "hang": _hang,
        "unpicklable": _fail_unpicklably,
        **file_changes.CHANGES,
    }
    do = faults[action]

    def apply(path: str) -> None:
        if os.path.basename(path) == file_name:
            do(path)

    return apply


def record_processes(counted_by: frozenset[int]) -> None:
    """Where the variable names a file, add which processes counted this run's units."""
    path = os.environ.get(PROCESSES_VARIABLE)
    if path:
        with open(path, "a", encoding="ascii") as file:
            file.write(f"{os.getpid()}: {' '.join(map(str, sorted(counted_by)))}\n")


def pool_min_bytes(default: int) -> int:
    """The smallest input a pool is started for: the default, unless the tests say."""
    return int(os.environ.get(POOL_MIN_BYTES_VARIABLE, default))


def _kill(path: str) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _hang(path: str) -> None:
    time.sleep(3600)


def _fail_unpicklably(path: str) -> None:
    raise _UnpicklableError(lambda: None)


class _UnpicklableError(Exception):
    """Holds a lambda, so it cannot be pickled back to the main process."""
