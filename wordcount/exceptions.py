"""Every error wordcount raises on purpose: one base class, WordcountError, and a subclass
per kind, so that a caller can catch them all or just one. Each pickles whole, so that
one raised in a caller's own worker process arrives as itself.

    WordcountError
    ├── OptionsError            options that are wrong, or cannot go together
    ├── StopwordsUnusable       a --stopwords list that cannot be read or decoded
    ├── SavedCountsUnusable     a saved count that cannot be read, or holds other words
    ├── IncompatibleCounts      two counts whose words were counted by different rules
    ├── NothingToCompare        keywords against a corpus that holds no words
    ├── InputError              an input was not counted exactly (raised with errors="raise")
    │   ├── InputUnreadable     ... it could not be read, so it is left out
    │   └── InputChanged        ... it changed as it was read, so its words may be wrong
    ├── WorkerFailure           a worker process died or failed: no counts at all
    ├── ClusterUnavailable      Dask missing, its scheduler out of reach, no worker fit
    └── OutOfMemory             memory ran out (also a MemoryError)

Terminated is no error but a stop, as Ctrl-C's KeyboardInterrupt is: SIGTERM or SIGHUP
while the command runs.

The library raises these and never prints or exits; the command line alone turns each
into one line on stderr and an exit status (cli/ending.py). This module imports nothing
of wordcount's, so that every layer can raise from it.
"""

from __future__ import annotations

from typing import Any


class WordcountError(Exception):
    """The base of every error wordcount raises on purpose."""


class OptionsError(WordcountError, ValueError):
    """Options that are wrong, or that cannot be used together: the command's usage errors."""


class StopwordsUnusable(WordcountError):
    """A stop-word list that cannot be used: its name as given, and why."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        return type(self), (self.source, self.reason)


class SavedCountsUnusable(WordcountError):
    """A saved count that cannot be read, is incomplete, or was counted with other word
    options: its path, and why."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        return type(self), (self.path, self.reason)


class IncompatibleCounts(WordcountError):
    """Two counts that cannot be added or compared: their words were counted by different
    word options, or selected differently."""


class NothingToCompare(WordcountError):
    """A corpus that holds no words (after the stop words and the minimum length): no ratio
    of frequencies can be taken."""


class InputError(WordcountError):
    """Some input was not counted exactly. counts: the wordcount.Counts of the run, with
    its problems, for a caller that can use the rest (typed Any: this module imports
    nothing of wordcount's)."""

    def __init__(self, message: str, counts: Any) -> None:
        super().__init__(message)
        self.counts = counts

    def __reduce__(self) -> tuple[type, tuple[str, Any]]:
        return type(self), (str(self), self.counts)


class InputUnreadable(InputError):
    """An input could not be read: its words are not in the counts."""


class InputChanged(InputError):
    """An input changed while it was read: its words were counted, but may be wrong."""


class WorkerFailure(WordcountError):
    """A worker died or failed; the counts would be incomplete, so there are none."""

    def __init__(self, reason: str, unfinished_paths: list[str]) -> None:
        super().__init__(reason)
        self.reason = reason
        self.unfinished_paths = unfinished_paths

    def __reduce__(self) -> tuple[type, tuple[str, list[str]]]:
        return type(self), (self.reason, self.unfinished_paths)


class ClusterUnavailable(WordcountError):
    """Dask is not installed (missing_extra), its scheduler or a worker cannot be reached
    in time, or a worker cannot count (no wordcount, or another one)."""

    def __init__(self, message: str, *, missing_extra: bool = False) -> None:
        super().__init__(message)
        self.missing_extra = missing_extra

    def __reduce__(self) -> tuple[Any, ...]:
        # A keyword-only argument: rebuilt through a function that passes it by name.
        return _cluster_unavailable, (str(self), self.missing_extra)


def _cluster_unavailable(message: str, missing_extra: bool) -> ClusterUnavailable:
    return ClusterUnavailable(message, missing_extra=missing_extra)


class OutOfMemory(WordcountError, MemoryError):
    """Memory ran out while counting; the message says where, when it is known."""

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        # Said, not inherited: MemoryError.__new__ refuses to make a subclass, which is
        # what a pickler that rebuilds exceptions by their __new__ (tblib's) would ask.
        return type(self), self.args


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP: stop as for Ctrl-C, and exit with 128 + the signal number."""

    def __init__(self, signal_number: int) -> None:
        super().__init__(signal_number)
        self.signal_number = signal_number
