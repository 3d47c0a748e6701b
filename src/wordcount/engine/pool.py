"""Count the units in a pool of worker processes, merging each result as it completes."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from wordcount.engine.errors import WorkerFailure
from wordcount.engine.lifecycle import (
    check_file_descriptors,
    initialize_worker,
    objects_frozen,
    pool_start_failure,
    pool_thread_failure,
    pool_threads_watched,
    signals_blocked,
    stop_workers,
    wait_for_the_other_workers,
)
from wordcount.engine.merge import Merge, UnitResult
from wordcount.engine.options import CountOptions
from wordcount.engine.planner import Plan
from wordcount.engine.units import WorkUnit, paths_in_input_order
from wordcount.engine.worker import count_unit

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

# How often the main process looks up from waiting for results to see whether one of the
# pool's threads has died, which would leave it waiting forever. A thread dies only when
# the system refuses it memory or a thread; a quarter of a second is prompt for that, and
# costs nothing while the workers count.
_POOL_CHECK_SECONDS = 0.25


def count_in_pool(
    plan: Plan,
    merge: Merge,
    *,
    jobs: int,
    start_method: str | None,
    options: CountOptions,
    meanwhile: Callable[[], None],
    progress: Callable[[int, int], None] | None,
) -> None:
    """Run every unit of the plan in up to `jobs` workers; meanwhile() runs here while
    they count (it reads the streams only this process can)."""
    # Imported here: a run that needs no pool should not pay for importing one.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context(start_method)
    workers = min(jobs, len(plan.units))
    total_bytes = plan.total_bytes
    # Signals stay blocked while the pool starts its helper processes (workers, and the
    # forkserver and resource tracker where the start method uses them): they inherit the
    # block, so a Ctrl-C or SIGHUP to the process group cannot kill one half-started.
    # A signal held back meanwhile is raised as the block ends, inside the try below.
    # Forked workers also start with this process's objects frozen (see objects_frozen).
    check_file_descriptors(workers)
    executor: ProcessPoolExecutor | None = None
    with pool_threads_watched() as thread_failures:
        try:
            try:
                with signals_blocked(), objects_frozen():
                    executor = ProcessPoolExecutor(
                        max_workers=workers,
                        mp_context=context,
                        initializer=initialize_worker,
                        initargs=(context.Barrier(workers),),
                    )
                    # Submitting starts the workers; every unit goes in at once, so all
                    # start here.
                    unfinished: dict[Future[UnitResult], WorkUnit] = {
                        executor.submit(count_unit_in_pool, unit, options): unit
                        for unit in plan.units
                    }
            except (OSError, RuntimeError) as error:
                raise pool_start_failure(error) from None
            meanwhile()
            _merge_as_completed(unfinished, merge, progress, total_bytes, thread_failures)
        except BaseException:
            if executor is not None:
                stop_workers(executor)
            raise
        executor.shutdown(wait=True)


def count_unit_in_pool(unit: WorkUnit, options: CountOptions) -> UnitResult:
    """What a pool worker runs: count_unit, once every worker has a unit."""
    wait_for_the_other_workers()
    return count_unit(unit, options)


def _merge_as_completed(
    unfinished: dict[Future[UnitResult], WorkUnit],
    merge: Merge,
    progress: Callable[[int, int], None] | None,
    total_bytes: int,
    thread_failures: list[BaseException],
) -> None:
    """Merge each unit's result as it arrives; WorkerFailure if a worker died or failed,
    or if a thread of the pool's own failed (then no result would ever arrive)."""
    from concurrent.futures import FIRST_COMPLETED, wait

    done_bytes = 0
    pending = set(unfinished)
    while pending:
        done, pending = wait(pending, _POOL_CHECK_SECONDS, return_when=FIRST_COMPLETED)
        for future in done:
            unit_result = _result_of(future, unfinished)
            # A merged result must not stay reachable through its future: with many
            # units that would hold every worker's counts until the end.
            done_bytes += unfinished.pop(future).size
            merge.add(unit_result)
            if progress is not None:
                progress(done_bytes, total_bytes)
        if thread_failures:
            raise pool_thread_failure(thread_failures[0], paths_in_input_order(unfinished.values()))


def _result_of(
    future: Future[UnitResult], unfinished: dict[Future[UnitResult], WorkUnit]
) -> UnitResult:
    from concurrent.futures.process import BrokenProcessPool

    try:
        return future.result()
    except BrokenProcessPool:
        reason = "a worker process died (killed by a signal, or out of memory)"
        raise WorkerFailure(reason, paths_in_input_order(unfinished.values())) from None
    except MemoryError:
        raise
    except Exception as error:
        reason = f"a worker process failed: {type(error).__name__}: {error}"
        raise WorkerFailure(reason, paths_in_input_order(unfinished.values())) from None
