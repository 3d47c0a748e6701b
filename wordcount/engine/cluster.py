"""Count on a Dask cluster: the same units, counted as the local pool counts them.

    client ── map(count_unit_holding_parts, units) ──▶ Dask workers: a UnitResult per unit
       ▲                                                  │ its counts packed
       └──── into(result), as each completes ◀───────────┘ (cluster_reduce.py)

Each result travels to the client once, and is added there to the run's Merge, as a
local pool's are. pure=False gives every task a fresh key, so a long-lived cluster never
hands back a cached result for a file that has changed since. Dask (and its distributed
scheduler) is imported here and in cluster_reduce.py only, so local runs never load it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from wordcount.engine.cluster_reduce import results_as_completed
from wordcount.engine.merge import UnitResult
from wordcount.engine.options import CountOptions
from wordcount.engine.units import WorkUnit
from wordcount.engine.worker import count_unit_holding_parts
from wordcount.exceptions import ClusterUnavailable

INSTALL_HINT = "the Dask backend needs its extra: pip install 'wordcount-parallel[dask]'"
# Dask's own loggers; quiet unless --verbose, so that a user sees wordcount's lines only.
# distributed.client is named too: Dask's configuration gives it a level of its own, and
# it warns as a result that a dead worker held is fetched again ("Couldn't gather").
_DASK_LOGGERS = ("distributed", "distributed.client", "dask", "tornado", "asyncio")


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


@contextlib.contextmanager
def connected(cluster: ClusterOptions) -> Iterator[DaskCluster]:
    """The cluster, reached within its timeout; ClusterUnavailable if it cannot be, or if
    Dask is not installed. It is reached even with nothing to count, so that a wrong
    address always shows."""
    try:
        from distributed import Client
    except ImportError:
        raise ClusterUnavailable(INSTALL_HINT, missing_extra=True) from None

    class ClosedByWith(Client):
        def __del__(self) -> None:
            """Nothing: a client is closed by `with` below. Dask's own __del__, run at exit
            on a client whose constructor failed (a malformed address), waited twice the
            timeout and then printed a traceback."""

    with _quiet_unless(cluster.verbose):
        try:
            client = ClosedByWith(  # type: ignore[no-untyped-call]
                cluster.address,
                scheduler_file=cluster.scheduler_file,
                timeout=cluster.timeout,
                set_as_default=False,
            )
        except (OSError, TimeoutError, ValueError) as error:
            raise ClusterUnavailable(
                f"cannot reach {cluster.describe()} within {cluster.timeout:g} s ({error})"
            ) from None
        with client, client.as_current():
            yield DaskCluster(client)


class DaskCluster:
    """A connected cluster: how many worker threads it has, and counting units on it."""

    def __init__(self, client: Any) -> None:
        self._client = client
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
        """The units counted on the cluster, each result given to into() as it completes;
        progress(bytes done, bytes in all) as units end."""
        if not units:
            return
        futures = self._client.map(count_unit_holding_parts, units, options=options, pure=False)
        done, all_bytes = 0, sum(unit.size for unit in units)
        if progress is not None:
            progress(done, all_bytes)
        for unit, result in results_as_completed(futures, units):
            into(result)
            done += unit.size
            if progress is not None:
                progress(done, all_bytes)


@contextlib.contextmanager
def _quiet_unless(verbose: bool) -> Iterator[None]:
    import logging
    import warnings

    if verbose:
        yield
        return
    loggers = [logging.getLogger(name) for name in _DASK_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
