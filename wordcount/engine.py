"""Run the work units, serially, in a process pool or on a Dask cluster; merge the counts.

    PATHs ─▶ inputs.expand_inputs ─▶ files ─▶ planner.plan_units ─▶ [WorkUnit, ...]
                   │                                  │ jobs == 1, or input too small:
                   │                                  │     count_unit in this process
                   │                                  │ otherwise:
                   │                                  │     ProcessPoolExecutor:
                   │                                  │     count_unit per unit ───────┐
                   │                                  │ with a cluster (cluster.py):   │
                   │                                  │     the same on Dask workers ──┤
                   └─▶ streams ("-", FIFOs) ─▶ count_stream here, while the pool works │
                                                                                        ▼
                               CountResult ◀── results.add_counts, as units complete ───┘

The engine imports neither click nor rich; every setting arrives as an argument.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, BinaryIO

from wordcount.content import ReadOptions
from wordcount.counting import DEFAULT_READ_OPTIONS, count_stream, count_unit
from wordcount.inputs import STDIN_PATH, WalkOptions, expand_inputs
from wordcount.lifecycle import (
    WorkerFailure,
    initialize_worker,
    objects_frozen,
    signals_blocked,
    stop_workers,
)
from wordcount.planner import Plan, WorkUnit, plan_units
from wordcount.problems import InputProblem, describe_os_error
from wordcount.remote import is_url
from wordcount.results import CountResult, UnitResult

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from wordcount.cluster import ClusterOptions

START_METHODS = ("fork", "spawn", "forkserver")

# Below this much input a pool costs more to start than it saves: starting workers takes
# tens of milliseconds (more under spawn), while one core counts 2 MiB in about as long.
POOL_MIN_BYTES = 2 << 20


def available_cpus() -> int:
    """The CPUs this process may run on, which can be fewer than the machine has."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def count_inputs(
    *,
    paths: Sequence[str],
    jobs: int,
    stdin: BinaryIO | None = None,
    start_method: str | None = None,
    read_options: ReadOptions = DEFAULT_READ_OPTIONS,
    walk_options: WalkOptions | None = None,
    unit_bytes: int | None = None,
    pool_min_bytes: int = POOL_MIN_BYTES,
    cluster: ClusterOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CountResult:
    """Count the words of every input. "-" in paths stands for stdin.

    With cluster, the units run on that Dask cluster instead of a local pool (see
    cluster.py). progress(bytes done, bytes in all), if given, follows the files' bytes as
    they are counted (streams, whose size is unknown, are left out).
    """
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    inputs = expand_inputs(paths, walk=walk_options)
    result = CountResult(problems=list(inputs.problems), hidden_skipped=inputs.hidden_skipped)
    result.names = {index: path for index, path, _ in inputs.files}
    result.names.update(
        (index, "<stdin>" if path == STDIN_PATH else path) for index, path in inputs.streams
    )
    streams = _StreamCounter(inputs.streams, stdin, read_options)

    def plan_for(files: list[tuple[int, str, int]], workers: int) -> Plan:
        plan = plan_units(files, jobs=workers, unit_bytes=unit_bytes, options=read_options)
        result.problems.extend(plan.problems)
        return plan

    if cluster is not None:
        _count_on_cluster(inputs.files, plan_for, result, cluster, read_options, progress)
        streams.count_into(result)
        result.finish()
        return result

    plan = plan_for(inputs.files, jobs)
    use_pool = jobs > 1 and len(plan.units) > 1 and plan.total_bytes >= pool_min_bytes
    if use_pool:
        _count_in_pool(
            plan,
            result,
            jobs=jobs,
            start_method=start_method,
            read_options=read_options,
            streams=streams,
            progress=progress,
        )
    else:
        if plan.units:
            # In-process, the units planned for workers are counted as one: ranges are
            # cut at separators, so this is as exact, and the rule runs once per distinct
            # raw token instead of once per unit.
            ranges = tuple(file_range for unit in plan.units for file_range in unit.ranges)
            unit = WorkUnit(ranges, plan.total_bytes)
            result.add(count_unit(unit, read_options, on_bytes=_byte_counter(progress, unit.size)))
        streams.count_into(result)
    result.finish()
    return result


def _count_in_pool(
    plan: Plan,
    result: CountResult,
    *,
    jobs: int,
    start_method: str | None,
    read_options: ReadOptions,
    streams: _StreamCounter,
    progress: Callable[[int, int], None] | None,
) -> None:
    # Imported here: a run that needs no pool should not pay for importing one.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context(start_method)
    workers = min(jobs, len(plan.units))
    # Signals stay blocked while the pool starts its helper processes (workers, and the
    # forkserver and resource tracker where the start method uses them): they inherit the
    # block, so a Ctrl-C or SIGHUP to the process group cannot kill one half-started.
    # A signal held back meanwhile is raised as the block ends, inside the try below.
    # Forked workers also start with this process's objects frozen (see objects_frozen).
    executor: ProcessPoolExecutor | None = None
    try:
        with signals_blocked(), objects_frozen():
            executor = ProcessPoolExecutor(
                max_workers=workers, mp_context=context, initializer=initialize_worker
            )
            # Submitting starts the workers; every unit goes in at once, so all start here.
            unfinished: dict[Future[UnitResult], WorkUnit] = {
                executor.submit(count_unit, unit, read_options): unit for unit in plan.units
            }
        streams.count_into(result)
        done_bytes = 0
        for future in as_completed(set(unfinished)):
            try:
                unit_result = future.result()
            except BrokenProcessPool:
                reason = "a worker process died (killed by a signal, or out of memory)"
                raise WorkerFailure(reason, _paths_of(unfinished.values())) from None
            except MemoryError:
                raise
            except Exception as error:
                reason = f"a worker process failed: {type(error).__name__}: {error}"
                raise WorkerFailure(reason, _paths_of(unfinished.values())) from None
            # A merged result must not stay reachable through its future: with many
            # units that would hold every worker's counts until the end.
            done_bytes += unfinished.pop(future).size
            result.add(unit_result)
            if progress is not None:
                progress(done_bytes, plan.total_bytes)
    except BaseException:
        if executor is not None:
            stop_workers(executor)
        raise
    executor.shutdown(wait=True)


def _count_on_cluster(
    files: list[tuple[int, str, int]],
    plan_for: Callable[[list[tuple[int, str, int]], int], Plan],
    result: CountResult,
    cluster: ClusterOptions,
    read_options: ReadOptions,
    progress: Callable[[int, int], None] | None,
) -> None:
    from wordcount.cluster import count_units_on_cluster

    # The workers see the same files through a shared filesystem, but not this process's
    # working directory; messages still name each path as the user gave it.
    absolute = [
        (index, path if is_url(path) else os.path.abspath(path), size)
        for index, path, size in files
    ]
    as_given = {index: path for index, path, _ in files}
    unit_result = count_units_on_cluster(
        lambda workers: plan_for(absolute, workers).units,
        read_options=read_options,
        cluster=cluster,
        progress=progress,
    )
    unit_result.problems = [
        replace(problem, path=as_given.get(problem.input_index, problem.path))
        for problem in unit_result.problems
    ]
    result.add(unit_result)


def _byte_counter(
    progress: Callable[[int, int], None] | None, total: int
) -> Callable[[int], None] | None:
    """A callback for each chunk read, that tells progress the bytes done so far."""
    if progress is None:
        return None
    done = 0

    def add(size: int) -> None:
        nonlocal done
        done += size
        progress(done, total)

    return add


def _paths_of(units: Iterable[WorkUnit]) -> list[str]:
    """Each path once, in input order."""
    ranges = sorted({(r.input_index, r.path) for unit in units for r in unit.ranges})
    return [path for _, path in ranges]


@dataclass
class _StreamCounter:
    """Counts the inputs only this process can read, one after another."""

    streams: list[tuple[int, str]]
    stdin: BinaryIO | None
    read_options: ReadOptions

    def count_into(self, result: CountResult) -> None:
        stdin_counted = False
        for input_index, path in self.streams:
            if path != STDIN_PATH:
                self._count_named(result, input_index, path)
            elif self.stdin is None:
                result.problems.append(
                    InputProblem(input_index, "<stdin>", "standard input is closed")
                )
            elif not stdin_counted:  # it can be read only once; another "-" adds nothing
                stdin_counted = True
                result.add(self._count(self.stdin, input_index, "<stdin>"))

    def _count_named(self, result: CountResult, input_index: int, path: str) -> None:
        try:
            stream = open(path, "rb", buffering=0)  # noqa: SIM115
        except OSError as error:
            result.problems.append(InputProblem(input_index, path, describe_os_error(error)))
            return
        with stream:
            result.add(self._count(stream, input_index, path))

    def _count(self, stream: BinaryIO, input_index: int, name: str) -> UnitResult:
        return count_stream(stream, input_index=input_index, name=name, options=self.read_options)
