"""Count on a Dask cluster: the same units, counted as the local pool counts them.

    client ── map(count_unit_on_worker, units) ──▶ Dask workers: a UnitResult per unit,
       ▲   ◀── bytes read, as they read ────────────  │ its counts packed
       └──── into(result), as each completes ◀───────┘ (cluster_reduce.py)

Each result travels to the client once, and is added there to the run's Merge, as a
local pool's are (cluster_reduce.py says why not a tree reduce on the workers). While it
waits, the client moves the progress bar (cluster_progress.py) and ends a run left with
no worker (cluster_health.py). The cluster is reached through cluster_connection.py.
pure=False gives every task a fresh key, so a long-lived cluster never hands back a
cached result for a file that has changed since. Dask (and its distributed scheduler) is
imported only by the cluster modules (through dask_import.py), so local runs never load
it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from wordcount.engine.cluster_health import Watchdog, disagreements_named
from wordcount.engine.cluster_progress import UnitProgress, new_topic, reporting
from wordcount.engine.cluster_reduce import result_of
from wordcount.engine.cluster_worker import count_unit_on_worker
from wordcount.engine.merge import UnitResult
from wordcount.engine.options import CountOptions
from wordcount.engine.units import WorkUnit
from wordcount.sources.problems import InputProblem

INSTALL_HINT = "the Dask backend needs its extra: pip install 'wordcount-parallel[dask]'"
# How long the waiting loop waits for a unit to complete before it looks at progress and
# the watchdog again: the bar moves about as often as the workers report (REPORT_SECONDS).
_TURN_SECONDS = 0.2


class ClusterOptions(NamedTuple):
    address: str | None = None
    scheduler_file: str | None = None
    # Seconds to wait for the scheduler before giving up with a clear error.
    timeout: float = 10.0
    verbose: bool = False

    def describe(self) -> str:
        if self.scheduler_file is not None:
            return f"the scheduler in {self.scheduler_file!r}"
        return f"the scheduler at {self.address}"


def resolve_cluster(
    *,
    backend: str | None,
    address: str | None,
    scheduler_file: str | None,
    timeout: float,
    verbose: bool,
    environment: Mapping[str, str],
) -> ClusterOptions | None:
    """The cluster the options name, or None for the local pool; ValueError if they clash.

    Nothing starts a cluster by itself: --scheduler, --scheduler-file, or --backend dask
    with DASK_SCHEDULER_ADDRESS set, must ask for one.
    """
    wants_dask = backend == "dask" or address is not None or scheduler_file is not None
    if not wants_dask:
        return None
    if backend == "local":
        raise ValueError("--scheduler and --scheduler-file need --backend dask, not local")
    if address is not None and scheduler_file is not None:
        raise ValueError("give --scheduler or --scheduler-file, not both")
    if address is None and scheduler_file is None:
        address = environment.get("DASK_SCHEDULER_ADDRESS")
        if not address:
            raise ValueError(
                "--backend dask needs --scheduler, --scheduler-file or DASK_SCHEDULER_ADDRESS"
            )
    return ClusterOptions(address, scheduler_file, timeout=timeout, verbose=verbose)


class DaskCluster:
    """A connected cluster: how many worker threads it has, and counting units on it."""

    def __init__(self, client: Any, *, no_progress_timeout: float = 10.0) -> None:
        self._client = client
        # A run that counts nothing for this long with no worker left fails (Watchdog).
        self._no_progress_timeout = no_progress_timeout
        # Units are planned for the cluster's threads, as a local run plans for its workers.
        self.threads = max(1, sum(client.nthreads().values()))

    def count(
        self,
        units: Sequence[WorkUnit],
        *,
        options: CountOptions,
        into: Callable[[UnitResult], None],
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        """The units counted on the cluster, each result given to into() as it completes
        (cluster_reduce.py); progress(bytes done, bytes in all) as the workers read
        (cluster_progress.py). WorkerFailure if the cluster fails, or stalls with no
        worker left (cluster_health.Watchdog)."""
        if not units:
            return
        client = self._client
        topic = new_topic()
        futures = client.map(
            count_unit_on_worker, units, range(len(units)), options=options, topic=topic, pure=False
        )
        # Each future is held here only until its result is in, so that its worker can let
        # the result go then, not at the end of the run.
        pending = dict(enumerate(futures))
        del futures
        tracker, stop_reports = reporting(client, topic, units)
        try:
            self._wait(pending, units, tracker, into, progress)
        finally:
            stop_reports()

    def disagreements_named(
        self, problems: list[InputProblem], options: CountOptions
    ) -> list[InputProblem]:
        """problems, each file a worker could not read but another can said to be so."""
        return disagreements_named(self._client, problems, options.storage_options)

    def _wait(
        self,
        pending: dict[int, Any],
        units: Sequence[WorkUnit],
        tracker: UnitProgress,
        into: Callable[[UnitResult], None],
        progress: Callable[[int, int], None] | None,
    ) -> None:
        """Until every unit is in: each result given to into() as it completes, progress
        told of each change (0 at once, then each report, each unit as it ends), the
        watchdog of each turn."""
        from distributed import wait

        def tell() -> bool:
            done = tracker.take_change()
            if done is not None and progress is not None:
                progress(done, tracker.total)
            return done is not None

        watchdog = Watchdog(self._client, self._no_progress_timeout, units)
        tell()
        while pending:
            # TimeoutError ends a turn; CancelledError (the scheduler gone), result_of says.
            with contextlib.suppress(Exception):
                wait(  # type: ignore[no-untyped-call]
                    list(pending.values()), timeout=_TURN_SECONDS, return_when="FIRST_COMPLETED"
                )
            moved = tell()  # what the workers reported
            for index in [index for index, future in pending.items() if future.done()]:
                into(result_of(self._client, pending.pop(index), units))
                tracker.done(index)
                moved = tell() or moved
            watchdog.check(progressed=moved)
