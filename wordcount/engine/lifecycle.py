"""How worker processes start, fail and stop, so that no run hangs or leaves one behind.

    main process                              worker processes
    ─ blocks SIGINT/SIGTERM while starting ─▶ inherit the block; the initializer ignores
      the pool (a Ctrl-C in that window          SIGINT (the main process alone decides)
      would hit a half-started worker)          and unblocks the rest
    ─ freezes its objects while forking ─────▶ their garbage collection leaves the shared
                                                pages alone
                                              ─ each waits with its first unit until all
                                                have one, so that each counts one at least
    ─ SIGTERM, SIGHUP ─▶ Terminated, like Ctrl-C's KeyboardInterrupt
    ─ on any exception: stop_workers ─────────▶ SIGTERM, then SIGKILL after a grace period

A worker that dies (SIGKILL, the OOM killer) or fails breaks the pool; the engine turns
that into WorkerFailure, and no partial counts are ever reported.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import signal
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from wordcount.exceptions import Terminated, WorkerFailure

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

_STARTUP_SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
# A worker asked to stop gets this long to exit before it is killed: a worker only ever
# counts, so there is nothing for it to clean up.
_STOP_GRACE_SECONDS = 1.0
# Workers wait at most this long for each other before they start counting (see
# wait_for_the_other_workers): a worker boots in well under a second even under spawn on
# a loaded machine.
_STARTING_LINE_TIMEOUT_SECONDS = 5.0
# File descriptors a pool needs in this process, beyond those already open: its queues'
# pipes, the forkserver's socket and the descriptors it passes, the resource tracker's
# pipe, and for each worker its pipe's end, its sentinel and, while it starts, two more
# pipes. On Python 3.11 under spawn and forkserver, 2 workers needed 16 more and 8
# workers 29 (about 12 + 2 a worker); these leave room for other versions.
_FDS_PER_WORKER = 3
_FDS_TO_START_A_POOL = 14
# What a worker exits with when the main process has gone: nobody is left to read it, but
# 128 + SIGHUP says "the process it belonged to went away" to anyone who looks.
_ORPHANED_EXIT_STATUS = 128 + signal.SIGHUP
# In a worker, until its first unit: the barrier every worker of the pool waits at.
_starting_line: threading.Barrier | None = None


def leave_signals_to_the_main_thread() -> None:
    """Called first in a thread of the main process: the kernel then gives SIGINT, SIGTERM
    and SIGHUP to the main thread. Given to this thread, Python's handler would only set
    a flag, and a main thread blocked reading (a FIFO, a pipe) would never wake to act
    on it: Ctrl-C would hang the run."""
    signal.pthread_sigmask(signal.SIG_BLOCK, _STARTUP_SIGNALS)


def raise_terminated(signal_number: int, _frame: Any) -> None:
    raise Terminated(signal_number)


def handle_termination_signals() -> None:
    """From now on SIGTERM and SIGHUP raise Terminated in the main thread."""
    for signal_number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signal_number, raise_terminated)


@contextlib.contextmanager
def signals_blocked(start_method: str | None = None) -> Iterator[None]:
    """Workers started inside inherit a blocked SIGINT, so none dies with a traceback
    before its initializer runs; a signal that arrives meanwhile is delivered on exit.

    Under spawn and forkserver the pool's semaphores need multiprocessing's resource
    tracker, and starting it unblocks SIGINT and SIGTERM in this thread (its
    ensure_running restores them to unblocked, whatever they were): workers spawned after
    it would take a Ctrl-C while still importing. So it is started here, blocked, and
    the block is made again after it."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _STARTUP_SIGNALS)
    try:
        if start_method in ("spawn", "forkserver"):
            from multiprocessing import resource_tracker

            resource_tracker.ensure_running()
            signal.pthread_sigmask(signal.SIG_BLOCK, _STARTUP_SIGNALS)
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextlib.contextmanager
def objects_frozen() -> Iterator[None]:
    """Workers forked inside leave this process's objects out of their garbage collection.

    Otherwise a worker's first full collection walks every object it shares with this
    process, touching, and so copying, every page of them: a fresh worker took 19 ms to
    unpickle a unit of 10,000 files against 5 ms with gc.freeze(). This process unfreezes
    its objects as the block ends, so nothing it frees later is kept. A caller that froze
    objects itself keeps them frozen: then this does nothing.
    """
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def initialize_worker(starting_line: threading.Barrier) -> None:
    """Runs first in each worker; starting_line is shared by all the pool's workers."""
    global _starting_line
    # Ctrl-C reaches the whole process group; the main process alone decides what to do,
    # and workers must not print tracebacks of their own. SIGTERM and SIGHUP just end a
    # worker (a forked one would otherwise inherit the main process's handlers).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STARTUP_SIGNALS)
    _starting_line = starting_line
    _exit_with_the_main_process()


def _exit_with_the_main_process() -> None:
    """A worker ends as soon as the main process does, however that ends: SIGKILL from
    the OOM killer gives the main process no chance to stop its workers, and a worker
    left blocked on a pipe would wait forever.

    multiprocessing gives each worker a sentinel: the read end of a pipe whose write end
    only the main process holds, so it reads as ended when that process is gone, under
    fork, spawn and forkserver, on every system. (Under fork a worker started later also
    inherits the write end of an earlier one's pipe; it sees its own pipe end first and
    exits, and so the earlier one follows.) A thread waits on it, at no cost meanwhile.
    """
    import multiprocessing.connection  # here: the main process never needs it

    parent = multiprocessing.parent_process()
    if parent is None or parent.sentinel is None:
        return

    def wait_then_exit(sentinel: int) -> None:
        multiprocessing.connection.wait([sentinel])
        os._exit(_ORPHANED_EXIT_STATUS)

    threading.Thread(
        target=wait_then_exit, args=(parent.sentinel,), name="wordcount-orphan-watch", daemon=True
    ).start()


def wait_for_the_other_workers() -> None:
    """With its first unit in hand, a worker waits until every worker has one; later
    units go to whoever is free.

    Under spawn and forkserver the workers boot one after another, tens of milliseconds
    apart, and on a busy machine one may not run for a while: the first up would take a
    second unit while another still boots, and leave that one idle. This way each worker
    counts at least one unit. A worker that never arrives (it died: the pool is broken
    and the run fails anyway) only costs the others the timeout.
    """
    global _starting_line
    if _starting_line is None:
        return
    with contextlib.suppress(threading.BrokenBarrierError):
        _starting_line.wait(_STARTING_LINE_TIMEOUT_SECONDS)
    _starting_line = None


def stop_workers(executor: ProcessPoolExecutor) -> None:
    """End the workers now rather than wait for their units; what has not started never
    will. A second Ctrl-C meanwhile is held back until they are gone, so none is left."""
    with signals_blocked():
        _stop_workers(executor)


def _stop_workers(executor: ProcessPoolExecutor) -> None:
    # concurrent.futures has no public way to reach its processes before Python 3.14
    # (terminate_workers); without them a worker deep in a big unit would run on.
    processes = list((getattr(executor, "_processes", None) or {}).values())
    result_queue = getattr(executor, "_result_queue", None)
    # The workers go first, and executor.shutdown is never called: shutting down would
    # queue a stop message per live worker, and the executor's feeder thread would print
    # a traceback on writing one into a pipe closed under it. With every worker gone the
    # executor finds itself broken, cleans up, and its manager thread ends.
    for process in processes:
        if process.is_alive():
            process.terminate()
    deadline = time.monotonic() + _STOP_GRACE_SECONDS
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join()
    # A worker killed while it wrote a result leaves half a message in the result pipe,
    # and the manager thread waits for the rest, so the interpreter would hang at exit
    # joining it. This process now holds the pipe's last write end: closing it turns the
    # wait into end-of-file, which the manager also takes for a broken pool.
    writer = getattr(result_queue, "_writer", None)
    if writer is not None:
        writer.close()
    # Wait for that cleanup here: at exit, Python 3.11 would otherwise race the manager
    # thread to a pipe it is closing, and print "Bad file descriptor".
    manager = getattr(executor, "_executor_manager_thread", None)
    if manager is not None and manager.is_alive():  # it may never have started
        manager.join(_STOP_GRACE_SECONDS)


def check_file_descriptors(workers: int) -> None:
    """WorkerFailure now if the pool would run out of file descriptors as it starts.

    Starting it with too few (`ulimit -n 20`) fails somewhere inside multiprocessing,
    and under forkserver the half-started server prints a traceback of its own, which
    nothing here can catch; checking first keeps the failure to one line.
    """
    try:
        import resource

        soft_limit, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
        open_now = len(os.listdir("/proc/self/fd")) - 1  # less the listing's own
    except (ImportError, OSError):  # no limits, or no way to count: nothing to check
        return
    needed = open_now + _FDS_TO_START_A_POOL + _FDS_PER_WORKER * workers
    if soft_limit != resource.RLIM_INFINITY and needed > soft_limit:
        raise WorkerFailure(
            f"cannot start {workers} worker processes: they need {needed} open files, and "
            f"ulimit -n allows {soft_limit} (-j 1 counts without them)",
            [],
        )


@contextlib.contextmanager
def pool_threads_watched() -> Iterator[list[BaseException]]:
    """Collects what kills a thread meanwhile, rather than print it.

    The pool runs threads in this process: the executor's manager, and the feeder of
    each queue, which the manager starts. Where memory or threads run short (`prlimit
    --as`), starting one fails inside the manager; Python printed the traceback, the
    manager died, and the run waited forever for results no one would deliver. The
    engine checks the list while it waits, and ends the run instead.
    """
    failures: list[BaseException] = []
    previous = threading.excepthook

    def collect(hook: threading.ExceptHookArgs) -> None:
        if hook.exc_value is not None:
            failures.append(hook.exc_value)

    threading.excepthook = collect
    try:
        yield failures
    finally:
        threading.excepthook = previous


def pool_start_failure(error: OSError | RuntimeError) -> Exception:
    """What the run ends with when the system refuses the pool a process, a pipe or a
    thread: -j 1 needs none of them."""
    if isinstance(error, OSError) and error.errno == errno.ENOMEM:
        return MemoryError("while starting the worker processes")
    reason = (error.strerror if isinstance(error, OSError) else None) or str(error)
    return WorkerFailure(
        f"cannot start the worker processes: {reason} (-j 1 counts without them)", []
    )


def pool_thread_failure(failure: BaseException, unfinished_paths: list[str]) -> Exception:
    """What the run ends with when one of the pool's threads died (see pool_threads_watched)."""
    if isinstance(failure, MemoryError):
        return MemoryError("in the worker pool's own threads")
    reason = f"the worker pool failed ({type(failure).__name__}: {failure})"
    return WorkerFailure(reason, unfinished_paths)
