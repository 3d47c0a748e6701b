"""Whether a Dask cluster can count, before and while it does: every worker's wordcount
the client's own, a run that stalls with no worker left ended, and workers that see
other files named.

    connect ─▶ refuse_unfit_workers: each worker runs PROBE_EXPRESSION, built-ins only
    counting ─▶ Watchdog.check, each turn of the waiting loop (cluster.py)
    as results come ─▶ where_workers_disagree: the paths a worker could not read, asked of all

A worker whose environment lacks wordcount cannot even unpickle a task (Dask's workers
then die, and the scheduler waits for others for ever); one with another version, word
rule or kernel would count other words. So each is asked first, with a probe that any
Python can run, and refused by name.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from typing import Any

from wordcount.engine.cluster_worker import worker_named
from wordcount.engine.units import WorkUnit, paths_in_input_order
from wordcount.exceptions import ClusterUnavailable, WorkerFailure
from wordcount.sources.opening import NO_STORAGE_OPTIONS, StorageOptions
from wordcount.sources.problems import InputProblem, ProblemKind

# Run on each worker by exec, from eval (a built-in, which unpickles anywhere): it reports
# what worker_environment says there, or why wordcount cannot be imported.
_PROBE_SOURCE = """
try:
    import wordcount.engine.cluster_health as health
except ImportError as error:
    try:
        import wordcount
        found = {"version": str(getattr(wordcount, "__version__", "?"))}
    except ImportError:
        found = {"missing": str(error)}
else:
    found = health.worker_environment()
"""
PROBE_EXPRESSION = f"(lambda names: (exec({_PROBE_SOURCE!r}, names), names['found'])[1])({{}})"


def worker_environment() -> dict[str, str]:
    """What decides the words this Python counts: wordcount's version, its word rule, and
    the kernel that runs it (the native one or pure Python)."""
    from wordcount.words.native import ENGINE
    from wordcount.words.rule import RULE_VERSION

    # The package is loaded: this module is in it. Imported by name, it would be a circle.
    package = sys.modules[__name__.partition(".")[0]]
    return {
        "version": str(package.__version__),
        "rule": str(RULE_VERSION),
        "kernel": ENGINE,
    }


def refuse_unfit_workers(client: Any) -> None:
    """ClusterUnavailable naming the first worker (by address) whose wordcount is missing
    or differs from this one's, and how."""
    here = worker_environment()
    found: dict[str, Any] = client.run(eval, PROBE_EXPRESSION, on_error="return")
    for address, there in sorted(found.items()):
        mismatch = _mismatch(here, there)
        if mismatch:
            raise ClusterUnavailable(f"Dask worker {address} cannot count: {mismatch}")


def _mismatch(here: dict[str, str], there: Any) -> str | None:
    if isinstance(there, BaseException):
        return f"its probe failed ({type(there).__name__}: {one_line(str(there))})"
    if "missing" in there:
        return f"wordcount is not installed there ({one_line(there['missing'])})"
    names = {"version": "wordcount", "rule": "word rule", "kernel": "kernel"}
    for key, name in names.items():
        if there.get(key) != here[key]:
            return f"it has {name} {there.get(key, '?')}, this client {here[key]}"
    return None


def one_line(text: str) -> str:
    """Dask's messages may hold line feeds: a failure is one line on stderr."""
    return " ".join(text.split())


class Watchdog:
    """Ends a run that has stalled with no worker left: Dask queues the units of a cluster
    that lost its last worker until one joins, which may be never. A run that stalls
    while workers live goes on waiting: a unit may take long."""

    def __init__(self, client: Any, timeout: float, units: Sequence[WorkUnit]) -> None:
        self._client = client
        self._timeout = timeout
        self._units = units
        self._last_progress = time.monotonic()

    def check(self, *, progressed: bool) -> None:
        """WorkerFailure once nothing has progressed for the timeout and no worker is left,
        or the scheduler is gone."""
        now = time.monotonic()
        if progressed:
            self._last_progress = now
            return
        if self._client.status != "running":
            raise WorkerFailure("lost the connection to the Dask scheduler", self._paths())
        if now - self._last_progress < self._timeout:
            return
        if not self._client.nthreads():
            reason = f"no Dask worker left, and nothing counted for {self._timeout:g} s"
            raise WorkerFailure(reason, self._paths())
        self._last_progress = now  # alive: ask again in another timeout, not every turn

    def _paths(self) -> list[str]:
        return paths_in_input_order(self._units)


def disagreements_named(
    client: Any, problems: list[InputProblem], storage: StorageOptions = NO_STORAGE_OPTIONS
) -> list[InputProblem]:
    """problems, where a worker could not read a file that another worker can: said so,
    for the files each counts would then differ from one run to the next."""
    unreadable = sorted({p.path for p in problems if p.kind is ProblemKind.UNREADABLE})
    seen_by = where_workers_disagree(client, unreadable, storage)
    # One message per file of these problems (a unit's), the first of its ranges'; a file
    # cut into ranges of several units is said once still (problems.in_input_order). Only
    # where the worker that failed cannot open the file either: one that can (a read that
    # failed half-way, an I/O error) sees what the others see.
    said: dict[str, str] = {}
    for problem in problems:
        readers = seen_by.get(problem.path, [])
        if problem.kind is ProblemKind.UNREADABLE and readers:
            failed_on = worker_named(problem.message)
            if failed_on is not None and failed_on not in readers:
                said.setdefault(problem.path, _disagreement(problem.message, readers))
    return [
        problem._replace(message=said[problem.path])
        if problem.kind is ProblemKind.UNREADABLE and problem.path in said
        else problem
        for problem in problems
    ]


def _disagreement(message: str, seen_by: list[str]) -> str:
    readers = ", ".join(seen_by)
    return (
        f"{message}, but {readers} can read it: the workers see different files, "
        "so the counts would differ from run to run"
    )


def where_workers_disagree(
    client: Any, paths: Sequence[str], storage: StorageOptions = NO_STORAGE_OPTIONS
) -> dict[str, list[str]]:
    """For each of paths that some worker cannot open but another can, the addresses of
    those that can; a path no worker can open is left out."""
    if not paths:
        return {}
    found: dict[str, Any] = client.run(_openable, list(paths), storage, on_error="return")
    seen_by: dict[str, list[str]] = {}
    for address, openable in sorted(found.items()):
        if isinstance(openable, BaseException):
            continue
        for path in (p for p, can in zip(paths, openable, strict=True) if can):
            seen_by.setdefault(path, []).append(address)
    return {path: addresses for path, addresses in seen_by.items() if addresses}


def _openable(paths: list[str], storage: StorageOptions) -> list[bool]:
    """Whether this worker can open each path to read it."""
    from wordcount.sources.opening import open_input

    found = []
    for path in paths:
        try:
            with open_input(path, storage):
                found.append(True)
        except OSError:
            found.append(False)
    return found
