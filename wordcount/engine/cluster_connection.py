"""Reaching a Dask cluster: its scheduler, at least one worker, and workers fit to count,
all within --timeout; Dask's own logs kept off the terminal unless --verbose.

    --scheduler ADDRESS ──────────────────────────┐
    --scheduler-file F ─▶ F appears, is checked ──┴─▶ Client(address) ─▶ a worker joins
        ─▶ every worker probed (cluster_health.py) ─▶ DaskCluster, to count on

Dask's own Client waits forever for a scheduler file that never appears, and fails with an
AssertionError or a TypeError on one that holds no address: the file is read here, so that
each is one ClusterUnavailable naming the file and what is wrong with it.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from typing import Any

from wordcount.engine.cluster import INSTALL_HINT, ClusterOptions, DaskCluster
from wordcount.engine.cluster_health import refuse_unfit_workers
from wordcount.engine.dask_import import import_distributed
from wordcount.exceptions import ClusterUnavailable

# Dask's own loggers; quiet unless --verbose, so that a user sees wordcount's lines only.
# "distributed" holds every logger of the scheduler's client (distributed.client,
# distributed.comm, distributed.batched, ...), which log again as the client closes.
DASK_LOGGERS = ("distributed", "dask", "tornado", "asyncio")
# How often to look for a scheduler file that is not there yet, or not yet whole (the
# scheduler writes it with json.dump, not all at once): Dask's own Client looks as often.
_FILE_POLL_SECONDS = 0.05


@contextlib.contextmanager
def connected(cluster: ClusterOptions) -> Iterator[DaskCluster]:
    """The cluster, reached, with a worker fit to count, within its timeout;
    ClusterUnavailable if it cannot be, or if Dask is not installed. It is reached even
    with nothing to count, so that a wrong address always shows."""
    try:
        import_distributed()
        from distributed import Client
    except ImportError:
        raise ClusterUnavailable(INSTALL_HINT, missing_extra=True) from None

    class ClosedByWith(Client):
        def __del__(self) -> None:
            """Nothing: a client is closed by `with` below. Dask's own __del__, run at exit
            on a client whose constructor failed (a malformed address), waited twice the
            timeout and then printed a traceback."""

    deadline = time.monotonic() + cluster.timeout
    with quiet_unless(cluster.verbose):
        address = scheduler_address(cluster, deadline)
        try:
            client = ClosedByWith(  # type: ignore[no-untyped-call]
                address, timeout=_left(deadline), set_as_default=False
            )
        except (OSError, TimeoutError, ValueError) as error:
            raise ClusterUnavailable(
                f"cannot reach {cluster.describe()} within {cluster.timeout:g} s ({error})"
            ) from None
        with client, client.as_current():
            _wait_for_a_worker(client, cluster, deadline)
            refuse_unfit_workers(client)
            yield DaskCluster(client, no_progress_timeout=cluster.timeout)


def scheduler_address(cluster: ClusterOptions, deadline: float) -> str:
    """--scheduler's address, or the one in --scheduler-file once the file appears and is
    whole; ClusterUnavailable naming the file if it does not by the deadline, or holds no
    address."""
    if cluster.scheduler_file is None:
        return cluster.address or ""
    path = cluster.scheduler_file
    while True:
        try:
            return address_in_scheduler_file(path)
        except (FileNotFoundError, _NotWhole) as problem:
            if time.monotonic() >= deadline:
                if isinstance(problem, FileNotFoundError):
                    reason = f"never appeared within {cluster.timeout:g} s"
                else:
                    reason = f"{problem}, still after {cluster.timeout:g} s"
                raise ClusterUnavailable(f"scheduler file {path!r}: {reason}") from None
        time.sleep(_FILE_POLL_SECONDS)


class _NotWhole(ValueError):
    """A scheduler file that may still be being written: empty, or not JSON yet."""


def address_in_scheduler_file(path: str) -> str:
    """The "address" of the JSON object a scheduler file holds (`dask scheduler
    --scheduler-file` writes one); FileNotFoundError if there is no file yet, _NotWhole
    while it is empty or not JSON, ClusterUnavailable if it can never give an address."""
    try:
        with open(path, encoding="utf-8") as file:
            text = file.read()
    except FileNotFoundError:
        raise
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise ClusterUnavailable(f"scheduler file {path!r}: {reason}") from None
    if not text.strip():
        raise _NotWhole("is empty")
    try:
        identity: Any = json.loads(text)
    except ValueError as error:
        raise _NotWhole(f"is not JSON ({error})") from None
    if not isinstance(identity, dict):
        what = type(identity).__name__
        raise ClusterUnavailable(f"scheduler file {path!r}: holds a JSON {what}, not an object")
    address = identity.get("address")
    if address is None:
        raise ClusterUnavailable(f'scheduler file {path!r}: holds no "address"')
    if not isinstance(address, str) or not address:
        raise ClusterUnavailable(
            f'scheduler file {path!r}: its "address" is {json.dumps(address)}, not an address'
        )
    return address


def _wait_for_a_worker(client: Any, cluster: ClusterOptions, deadline: float) -> None:
    """At least one worker, by the deadline: a scheduler with none queues the units for
    ever."""
    if client.nthreads():
        return
    try:
        client.wait_for_workers(1, timeout=_left(deadline))
    except TimeoutError:
        raise ClusterUnavailable(
            f"{cluster.describe()} has no worker (none joined within {cluster.timeout:g} s)"
        ) from None


def _left(deadline: float) -> float:
    # Dask takes a timeout of 0 as none at all: a moment is the least that is left.
    return max(0.01, deadline - time.monotonic())


@contextlib.contextmanager
def quiet_unless(verbose: bool) -> Iterator[None]:
    """Dask's loggers and warnings silenced, unless verbose."""
    import logging
    import warnings

    if verbose:
        yield
        return
    # Dask's configuration gives some loggers a level of their own (distributed.client:
    # warning), which its parent's would not override: each is quieted by name.
    names = [
        name
        for name in [*DASK_LOGGERS, *logging.root.manager.loggerDict]
        if name.partition(".")[0] in DASK_LOGGERS
    ]
    loggers = [logging.getLogger(name) for name in dict.fromkeys(names)]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)  # Dask logs some failures as CRITICAL
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
