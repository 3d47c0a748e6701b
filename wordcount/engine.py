"""Run the work units, serially or in a process pool, and merge their counts.

    paths ─▶ planner.plan_units ─▶ [WorkUnit, ...]
                                       │ jobs == 1, or input too small for a pool:
                                       │     counting.count_unit in this process
                                       │ otherwise:
                                       │     ProcessPoolExecutor ─ count_unit per unit ─┐
    standard input ─▶ count_stream in this process, while the pool works               │
                                                                                        ▼
                               CountResult ◀── Counter.update, as each unit completes ──┘

The engine imports neither click nor rich; every setting arrives as an argument.
"""

from __future__ import annotations

import os
import signal
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO

from wordcount.counting import UnitResult, count_stream, count_unit
from wordcount.planner import InputProblem, Plan, WorkUnit, plan_units

if TYPE_CHECKING:
    from concurrent.futures import Future

STDIN_PATH = "-"
START_METHODS = ("fork", "spawn", "forkserver")

# Below this much input a pool costs more to start than it saves: starting workers takes
# tens of milliseconds (more under spawn), while one core counts 2 MiB in about as long.
POOL_MIN_BYTES = 2 << 20


@dataclass
class CountResult:
    counts: Counter[str] = field(default_factory=Counter)
    files: int = 0
    bytes_read: int = 0
    problems: list[InputProblem] = field(default_factory=list)
    # Counts as the units return them, keyed by UTF-8 bytes, until `finish` decodes them.
    _encoded_counts: Counter[bytes] = field(default_factory=Counter, repr=False)

    @property
    def total_words(self) -> int:
        return sum(self.counts.values())

    @property
    def has_errors(self) -> bool:
        return any(problem.is_error for problem in self.problems)

    def add(self, unit_result: UnitResult) -> None:
        self._encoded_counts.update(unit_result.counts)
        self.bytes_read += unit_result.bytes_read
        self.problems.extend(unit_result.problems)

    def finish(self) -> None:
        self.counts = Counter(
            {word.decode(): count for word, count in self._encoded_counts.items()}
        )
        self._encoded_counts = Counter()
        self.problems = _in_input_order(self.problems)


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
    unit_bytes: int | None = None,
    pool_min_bytes: int = POOL_MIN_BYTES,
) -> CountResult:
    """Count the words of every input. "-" in paths stands for stdin."""
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    indexed = list(enumerate(paths))
    stdin_indexes = [index for index, path in indexed if path == STDIN_PATH]
    file_paths = [(index, path) for index, path in indexed if path != STDIN_PATH]

    plan = plan_units(file_paths, jobs=jobs, unit_bytes=unit_bytes)
    result = CountResult(files=plan.files, problems=list(plan.problems))

    use_pool = jobs > 1 and len(plan.units) > 1 and plan.total_bytes >= pool_min_bytes
    if use_pool:
        _count_in_pool(
            plan,
            result,
            jobs=jobs,
            start_method=start_method,
            stdin=stdin,
            stdin_indexes=stdin_indexes,
        )
    else:
        if plan.units:
            # In-process, the units planned for workers are counted as one: ranges are
            # cut at separators, so this is as exact, and the rule runs once per distinct
            # raw token instead of once per unit.
            ranges = tuple(file_range for unit in plan.units for file_range in unit.ranges)
            result.add(count_unit(WorkUnit(ranges, plan.total_bytes)))
        _count_stdin(result, stdin, stdin_indexes)
    result.finish()
    return result


def _count_in_pool(
    plan: Plan,
    result: CountResult,
    *,
    jobs: int,
    start_method: str | None,
    stdin: BinaryIO | None,
    stdin_indexes: list[int],
) -> None:
    # Imported here: a run that needs no pool should not pay for importing one.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    context = multiprocessing.get_context(start_method)
    workers = min(jobs, len(plan.units))
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_ignore_interrupts_in_worker
    ) as executor:
        pending: set[Future[UnitResult]] = {
            executor.submit(count_unit, unit) for unit in plan.units
        }
        try:
            _count_stdin(result, stdin, stdin_indexes)
            for future in as_completed(pending):
                result.add(future.result())
                # A merged result must not stay reachable through its future: with many
                # units that would hold every worker's counts until the end.
                pending.discard(future)
        except BaseException:
            for future in pending:
                future.cancel()
            raise


def _count_stdin(result: CountResult, stdin: BinaryIO | None, stdin_indexes: list[int]) -> None:
    if not stdin_indexes:
        return
    if stdin is None:
        result.problems.append(
            InputProblem(stdin_indexes[0], "<stdin>", "standard input is closed")
        )
        return
    # Standard input can be read only once; a second "-" reads nothing more.
    result.add(count_stream(stdin, input_index=stdin_indexes[0], name="<stdin>"))
    result.files += 1


def _ignore_interrupts_in_worker() -> None:
    # Ctrl-C reaches the whole process group; the main process alone decides what to do,
    # and workers must not print tracebacks of their own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _in_input_order(problems: list[InputProblem]) -> list[InputProblem]:
    """One line per distinct problem, in the order the inputs were given."""
    unique = {
        (problem.input_index, problem.message, problem.is_error): problem for problem in problems
    }
    return [unique[key] for key in sorted(unique)]
