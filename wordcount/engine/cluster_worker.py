"""What a Dask worker runs for each unit: the pool's count_unit_holding_parts, reporting
its bytes as it reads (cluster_progress.py), and naming itself in what it could not read.

    unit ─▶ count_unit_holding_parts(on_bytes=WorkerReports) ─▶ UnitResult
        ─▶ each file it could not read: "... (on worker tcp://HOST:PORT)"

Workers need not see the client's files: a file one worker cannot read, the client may
read well, and another worker too. So the error says whose read failed.
"""

from __future__ import annotations

from wordcount.engine.cluster_progress import WorkerReports
from wordcount.engine.merge import UnitResult
from wordcount.engine.options import CountOptions
from wordcount.engine.unit_account import NOT_COUNTED
from wordcount.engine.units import WorkUnit
from wordcount.engine.worker import count_unit_holding_parts
from wordcount.sources.problems import ProblemKind


def count_unit_on_worker(
    unit: WorkUnit, unit_index: int, *, options: CountOptions, topic: str
) -> UnitResult:
    """The unit counted on this Dask worker, its reads reported to topic as unit_index."""
    from distributed import get_worker

    result = count_unit_holding_parts(unit, options, on_bytes=WorkerReports(topic, unit_index))
    address = get_worker().address
    result.problems = [
        problem._replace(message=on_worker(problem.message, address))
        if problem.kind is ProblemKind.UNREADABLE
        else problem
        for problem in result.problems
    ]
    return result


def on_worker(message: str, address: str) -> str:
    """The worker named after the reason, before what became of the file."""
    reason, separator, outcome = message.partition(f"; {NOT_COUNTED}")
    return f"{reason}{_ON_WORKER}{address}){separator}{outcome}"


def worker_named(message: str) -> str | None:
    """The address of the worker that on_worker named in message; None if none was."""
    _, found, after = message.rpartition(_ON_WORKER)
    return after.partition(")")[0] if found else None


_ON_WORKER = " (on worker "
