"""Count the units in a pool of worker processes, merging each result as it completes.

Progress moves with the bytes the workers read, not only as units complete (a unit can
hold half the input): where a progress callback is given, each worker writes the bytes it
has read so far into its own slot of an array in shared memory, at most every
_REPORT_SECONDS, and the main process adds the slots up each time it looks up from waiting
for results (_POOL_CHECK_SECONDS). The array reaches the workers as the initializer's
argument, which every start method hands over (fork, spawn and forkserver).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from wordcount.engine.lifecycle import (
    check_file_descriptors,
    initialize_worker,
    leave_signals_to_the_main_thread,
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
from wordcount.engine.worker import count_unit_holding_parts
from wordcount.exceptions import WorkerFailure

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

# How often the main process looks up from waiting for results to see whether one of the
# pool's threads has died, which would leave it waiting forever. A thread dies only when
# the system refuses it memory or a thread; a quarter of a second is prompt for that, and
# costs nothing while the workers count.
_POOL_CHECK_SECONDS = 0.25
# A worker writes its bytes read into shared memory at most this often: a clock read per
# chunk (256 KiB) and ten writes a second cost nothing measurable, and the main process,
# which looks four times a second, always finds a count at most this old.
_REPORT_SECONDS = 0.1

Progress = Callable[[int, int], None]


def count_in_pool(
    plan: Plan,
    merge: Merge,
    *,
    jobs: int,
    start_method: str | None,
    options: CountOptions,
    meanwhile: Callable[[], None],
    progress: Progress | None,
) -> None:
    """Run every unit of the plan in up to `jobs` workers; meanwhile() runs here while
    they count (it reads the streams only this process can)."""
    # Imported here: a run that needs no pool should not pay for importing one.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context(start_method)
    workers = min(jobs, len(plan.units))
    shown = None if progress is None else _ShownProgress(context, workers, plan, progress)
    # Signals stay blocked while the pool starts its helper processes (workers, and the
    # forkserver and resource tracker where the start method uses them): they inherit the
    # block, so a Ctrl-C or SIGHUP to the process group cannot kill one half-started.
    # A signal held back meanwhile is raised as the block ends, inside the try below.
    # Forked workers also start with this process's objects frozen (see objects_frozen).
    check_file_descriptors(workers)
    merge.expect_parts(plan.units)  # each range of a file cut into several: a unit
    executor: ProcessPoolExecutor | None = None
    with pool_threads_watched() as thread_failures:
        try:
            try:
                with signals_blocked(context.get_start_method()), objects_frozen():
                    executor = ProcessPoolExecutor(
                        max_workers=workers,
                        mp_context=context,
                        initializer=_initialize_pool_worker,
                        initargs=(
                            context.Barrier(workers),
                            *(shown.worker_slots() if shown else (None, None, 0.0)),
                        ),
                    )
                    # Submitting starts the workers; every unit goes in at once, so all
                    # start here.
                    unfinished: dict[Future[UnitResult], WorkUnit] = {
                        executor.submit(count_unit_in_pool, unit, options): unit
                        for unit in plan.units
                    }
            except (OSError, RuntimeError) as error:
                raise pool_start_failure(error) from None
            if shown is None:
                meanwhile()
            else:
                shown.while_polled(meanwhile)
            _merge_as_completed(unfinished, merge, shown, thread_failures)
        except BaseException:
            if executor is not None:
                stop_workers(executor)
            raise
        executor.shutdown(wait=True)


class _ShownProgress:
    """In the main process: the bytes the workers have read, shown through progress."""

    def __init__(self, context: Any, workers: int, plan: Plan, progress: Progress) -> None:
        # A slot per worker, so a worker never waits for a lock to report: the slot
        # holds the bytes that worker has read in all its units so far.
        self.slots = context.RawArray("q", workers)
        self.next_slot = context.Value("i", 0)
        self.progress = progress
        self.total = plan.total_bytes
        self.units_done = 0  # the bytes of the units merged
        self.shown = 0

    def worker_slots(self) -> tuple[Any, Any, float]:
        """What each worker needs to report: the slots, the next one free, how often."""
        return self.slots, self.next_slot, _REPORT_SECONDS

    def unit_done(self, size: int) -> None:
        self.units_done += size
        self.show()

    def show(self) -> None:
        """The bytes read, never more than planned (a file may grow as it is read) nor
        less than the units merged (or shrink), and never going back."""
        read = min(sum(self.slots), self.total)
        self.shown = max(self.shown, self.units_done, read)
        self.progress(self.shown, self.total)

    def while_polled(self, meanwhile: Callable[[], None]) -> None:
        """meanwhile() keeps this thread from the merge loop (it reads the streams), so
        another shows progress until it returns."""
        stop = threading.Event()

        def poll() -> None:
            leave_signals_to_the_main_thread()
            while not stop.wait(_POOL_CHECK_SECONDS):
                self.show()

        poller = threading.Thread(target=poll, name="wordcount-progress", daemon=True)
        poller.start()
        try:
            meanwhile()
        finally:
            stop.set()
            poller.join()


class _BytesReported:
    """In a worker: the bytes it has read, written to its slot at most every
    _REPORT_SECONDS, and at the end of each unit."""

    def __init__(self, slots: Any, slot: int, every_seconds: float) -> None:
        self.slots = slots
        self.slot = slot
        self.every_seconds = every_seconds
        self.read = 0
        self.due = 0.0

    def add(self, size: int) -> None:
        self.read += size
        now = time.monotonic()
        if now >= self.due:
            self.slots[self.slot] = self.read
            self.due = now + self.every_seconds

    def flush(self) -> None:
        self.slots[self.slot] = self.read


# In a worker of a pool that shows progress: where it reports the bytes it reads.
_bytes_reported: _BytesReported | None = None


def _initialize_pool_worker(
    starting_line: threading.Barrier, slots: Any, next_slot: Any, report_seconds: float
) -> None:
    """initialize_worker, then, where progress is shown, a slot of its own to report in
    (report_seconds comes from the main process, so a test can shorten it under spawn)."""
    global _bytes_reported
    initialize_worker(starting_line)
    if slots is None:
        return
    with next_slot.get_lock():
        slot = next_slot.value
        next_slot.value = slot + 1
    if slot < len(slots):  # a pool starts no more workers than it was given slots
        _bytes_reported = _BytesReported(slots, slot, report_seconds)


def count_unit_in_pool(unit: WorkUnit, options: CountOptions) -> UnitResult:
    """What a pool worker runs: count_unit_holding_parts, once every worker has a unit."""
    wait_for_the_other_workers()
    reported = _bytes_reported
    if reported is None:
        return count_unit_holding_parts(unit, options)
    try:
        return count_unit_holding_parts(unit, options, on_bytes=reported.add)
    finally:
        reported.flush()


def _merge_as_completed(
    unfinished: dict[Future[UnitResult], WorkUnit],
    merge: Merge,
    shown: _ShownProgress | None,
    thread_failures: list[BaseException],
) -> None:
    """Merge each unit's result as it arrives; WorkerFailure if a worker died or failed,
    or if a thread of the pool's own failed (then no result would ever arrive)."""
    from concurrent.futures import FIRST_COMPLETED, wait

    pending = set(unfinished)
    while pending:
        done, pending = wait(pending, _POOL_CHECK_SECONDS, return_when=FIRST_COMPLETED)
        for future in done:
            unit_result = _result_of(future, unfinished)
            # A merged result must not stay reachable through its future: with many
            # units that would hold every worker's counts until the end.
            size = unfinished.pop(future).size
            merge.add(unit_result)
            if shown is not None:
                shown.unit_done(size)
        if shown is not None and not done:  # units still counting: what they have read
            shown.show()
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
