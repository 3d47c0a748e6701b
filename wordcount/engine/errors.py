"""The ways a whole run can fail, as opposed to problems with one input."""

from __future__ import annotations


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP: stop as for Ctrl-C, and exit with 128 + the signal number."""

    def __init__(self, signal_number: int) -> None:
        super().__init__(signal_number)
        self.signal_number = signal_number


class WorkerFailure(Exception):
    """A worker died or failed; the counts are incomplete, so none are reported."""

    def __init__(self, reason: str, unfinished_paths: list[str]) -> None:
        super().__init__(reason)
        self.reason = reason
        self.unfinished_paths = unfinished_paths


class ClusterUnavailable(Exception):
    """Dask is not installed (missing_extra), or its scheduler cannot be reached in time."""

    def __init__(self, message: str, *, missing_extra: bool = False) -> None:
        super().__init__(message)
        self.missing_extra = missing_extra
