"""count_inputs: run the work units serially, in a process pool or on a Dask cluster.

    PATHs ─▶ sources.paths.expand_inputs ─▶ files ─▶ planner.plan_units ─▶ [WorkUnit, ...]
                   │                                  │ jobs == 1, or input too small:
                   │                                  │     worker.count_unit in this process
                   │                                  │ otherwise (pool.py):
                   │                                  │     ProcessPoolExecutor:
                   │                                  │     worker.count_unit per unit ─┐
                   │                                  │ with a cluster (cluster.py):    │
                   │                                  │     the same on Dask workers ───┤
                   │                                  │     (cluster_reduce.py)         │
                   └─▶ streams ("-", FIFOs) ─▶ streams.py, here, while the pool works   │
                                                                                         ▼
                              CountResult ◀── merge.Merge, as units complete ───────────┘

The engine imports neither click nor rich; every setting arrives as an argument.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING, BinaryIO

from wordcount.engine.merge import CountResult, Merge, UnitResult
from wordcount.engine.options import DEFAULT_OPTIONS, CountOptions
from wordcount.engine.planner import Plan, plan_units
from wordcount.engine.streams import StreamInputs
from wordcount.engine.units import WorkUnit
from wordcount.engine.worker import count_unit
from wordcount.sources.identity import across_machines
from wordcount.sources.opening import is_url
from wordcount.sources.paths import InputFile, WalkOptions, expand_inputs
from wordcount.sources.problems import InputProblem
from wordcount.words.native import NATIVE

if TYPE_CHECKING:
    from wordcount.engine.cluster import ClusterOptions

START_METHODS = ("fork", "spawn", "forkserver")

# A pool pays for itself once the counting it takes off this core outlasts starting it:
# about 40 ms on 2 cores (importing multiprocessing, forking, handing out the units; more
# under spawn), in which one core counts some 16 MB with the native kernel, 2 MB in pure
# Python. With j workers a pool saves (j - 1) / j of the counting: on 2 cores -j 2 took
# 1.21x as long as -j 1 on 8 MB of English, 1.07x on 32 MB and 0.93x on 43 MB.
BYTES_COUNTED_WHILE_A_POOL_STARTS = (16 << 20) if NATIVE else (2 << 20)


def pool_min_bytes_for(jobs: int) -> int:
    """The least input for which `jobs` workers count sooner than this process alone."""
    return BYTES_COUNTED_WHILE_A_POOL_STARTS * jobs // max(1, jobs - 1)


# count_inputs and the benchmark look this up when they run, never a copy of it: the one
# place that decides, and where the tests set a threshold of their own.
def pool_threshold(jobs: int) -> int:
    """The least input for which count_inputs starts `jobs` workers, unless told otherwise."""
    return pool_min_bytes_for(jobs)


Progress = Callable[[int, int], None]


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
    options: CountOptions = DEFAULT_OPTIONS,
    walk: WalkOptions | None = None,
    unit_bytes: int | None = None,
    pool_min_bytes: int | None = None,
    cluster: ClusterOptions | None = None,
    progress: Progress | None = None,
    skip_files: Collection[tuple[int, int]] = (),
) -> CountResult:
    """Count the words of every input. "-" in paths stands for stdin. The files of
    skip_files, by (st_dev, st_ino), are left out wherever they are found: the caller's
    own output (-o FILE and its temporary file), which a walk may meet.

    With cluster, the units run on that Dask cluster instead of a local pool (see
    cluster.py). progress(bytes done, bytes in all), if given, follows the files' bytes as
    they are counted (streams, whose size is unknown, are left out): here after each chunk
    read, in a pool as the workers report what they have read (pool.py), several times a
    second, and on a Dask cluster likewise (cluster_progress.py). A pool is started
    only for pool_min_bytes of input or more (default: pool_min_bytes_for(jobs)).
    """
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    if skip_files:  # nor said to be skipped as hidden (a temporary file's name is)
        walk = (walk or WalkOptions())._replace(unseen=frozenset(skip_files))
    inputs = expand_inputs(paths, walk=walk, storage=options.storage_options)
    if skip_files:
        inputs.files = _without(inputs.files, skip_files)
    merge = Merge()
    merge.add_problems(inputs.problems)
    streams = StreamInputs(inputs.streams, stdin, options)
    if cluster is not None:
        _count_on_cluster(inputs.files, merge, cluster, options, unit_bytes, progress)
        streams.count_into(merge)
    else:
        plan = plan_units(inputs.files, jobs=jobs, unit_bytes=unit_bytes, options=options)
        merge.add_problems(plan.problems)
        if pool_min_bytes is None:
            pool_min_bytes = pool_threshold(jobs)
        if jobs > 1 and len(plan.units) > 1 and plan.total_bytes >= pool_min_bytes:
            from wordcount.engine.pool import count_in_pool

            count_in_pool(
                plan,
                merge,
                jobs=jobs,
                start_method=start_method,
                options=options,
                meanwhile=lambda: streams.count_into(merge),
                progress=progress,
            )
        else:
            _count_here(plan, merge, options, progress)
            streams.count_into(merge)
    return merge.result(names=inputs.names(), hidden_skipped=inputs.hidden_skipped)


def _without(files: list[InputFile], skip_files: Collection[tuple[int, int]]) -> list[InputFile]:
    """The files, less those of skip_files. The walk's identity holds the inode but not
    the device: only a file whose inode matches is looked at again."""
    inodes = {inode for _, inode in skip_files}
    kept = []
    for file in files:
        if file.identity is not None and file.identity[2] in inodes:
            try:
                status = os.stat(file.path)
            except OSError:  # gone since the walk: its reader will say so
                status = None
            if status is not None and (status.st_dev, status.st_ino) in skip_files:
                continue
        kept.append(file)
    return kept


def _count_here(plan: Plan, merge: Merge, options: CountOptions, progress: Progress | None) -> None:
    """In this process, the units planned for workers are counted as one: ranges are cut
    at separators, so this is as exact, and the rule runs once per distinct raw token
    instead of once per unit."""
    if not plan.units:
        return
    ranges = tuple(file_range for unit in plan.units for file_range in unit.ranges)
    unit = WorkUnit(ranges, plan.total_bytes)
    merge.add(count_unit(unit, options, on_bytes=_bytes_progress(progress, unit.size)))


def _count_on_cluster(
    files: list[InputFile],
    merge: Merge,
    cluster_options: ClusterOptions,
    options: CountOptions,
    unit_bytes: int | None,
    progress: Progress | None,
) -> None:
    from wordcount.engine.cluster_connection import connected

    # The workers see the same files through a shared filesystem, but not this process's
    # working directory; messages still name each path as the user gave it.
    # A worker may hold its own copy of a file: only what another machine can compare,
    # size and modification time, says that it changed (sources.identity).
    absolute = [
        file
        if is_url(file.path)
        else file._replace(path=os.path.abspath(file.path), identity=across_machines(file.identity))
        for file in files
    ]
    as_given = {file.input_index: file.path for file in files}

    def named_as_given(problems: list[InputProblem]) -> list[InputProblem]:
        return [problem._replace(path=as_given[problem.input_index]) for problem in problems]

    def add(unit_result: UnitResult) -> None:
        unit_result.problems = named_as_given(
            cluster.disagreements_named(unit_result.problems, options)
        )
        merge.add(unit_result)

    with connected(cluster_options) as cluster:
        plan = plan_units(absolute, jobs=cluster.threads, unit_bytes=unit_bytes, options=options)
        merge.add_problems(named_as_given(plan.problems))
        merge.expect_parts(plan.units)
        cluster.count(plan.units, options=options, into=add, progress=progress)


def _bytes_progress(progress: Progress | None, total: int) -> Callable[[int], None] | None:
    """A callback for each chunk read, that tells progress the bytes done so far."""
    if progress is None:
        return None
    done = 0

    def add(size: int) -> None:
        nonlocal done
        done += size
        progress(done, total)

    return add
