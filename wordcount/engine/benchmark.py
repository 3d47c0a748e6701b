"""--benchmark: the serial baseline and a parallel run, timed on the same input.

Runs alternate (serial, parallel, serial, ...) so that noise on a busy machine hits both
alike, and the median of each is reported, with a check that both counted the same.

Each run also records how many worker processes counted it (CountResult.counted_by): the
engine starts no pool for input too small to gain from one, and then the parallel row is
a second serial run, which the output says rather than showing it as an efficiency.
An untimed serial run comes first; input of which it counted nothing (every file
skipped or unreadable, or empty) has nothing to time, and is refused.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from wordcount.engine.merge import CountResult
from wordcount.engine.run import count_inputs
from wordcount.words.conversion import forget_converted_tokens
from wordcount.words.segment import forget_segmented_tokens


@dataclass(frozen=True)
class Timing:
    jobs: int
    seconds: float
    bytes_read: int
    total_words: int
    # Worker processes that counted, the most in any run: 0 when this process counted.
    workers: int

    @property
    def megabytes_per_second(self) -> float:
        return self.bytes_read / 1e6 / self.seconds if self.seconds else 0.0

    @property
    def words_per_second(self) -> float:
        return self.total_words / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class BenchmarkResult:
    serial: Timing
    parallel: Timing
    identical: bool
    result: CountResult
    repeat: int

    @property
    def pool_ran(self) -> bool:
        return self.parallel.workers > 0


class NothingToTime(Exception):
    """The untimed first run counted no file, or only empty ones: its result says why."""

    def __init__(self, result: CountResult) -> None:
        super().__init__("nothing was counted")
        self.result = result


def run_benchmark(
    *,
    paths: Sequence[str],
    jobs: int,
    repeat: int,
    count: Callable[..., CountResult] = count_inputs,
) -> BenchmarkResult:
    """count is count_inputs, or a partial of it that fixes every other setting.

    Raises NothingToTime if the untimed first run counted nothing.
    """
    # An untimed serial run first, so that neither timed run pays alone for what only the
    # first run in a process does (imports, the first reads into the page cache): without
    # it, serial runs of a small input took 2.5 times as long as the parallel ones.
    forget_converted_tokens()
    forget_segmented_tokens()
    first = count(paths=paths, jobs=1, cluster=None)
    if first.files == 0 or first.bytes_read == 0:
        raise NothingToTime(first)
    seconds: dict[int, list[float]] = {1: [], jobs: []}
    workers: dict[int, int] = {1: 0, jobs: 0}
    results: dict[int, CountResult] = {}
    identical = True
    for _ in range(repeat):
        for run_jobs in (1, jobs):
            # Every run starts as a fresh process would: otherwise forked workers inherit
            # the tokens converted by earlier runs, and skip work a real run does.
            forget_converted_tokens()
            forget_segmented_tokens()
            started = time.perf_counter()
            # The serial baseline always runs here, even when the other run is on a cluster.
            extra = {"cluster": None} if run_jobs == 1 else {}
            result = count(paths=paths, jobs=run_jobs, **extra)
            seconds[run_jobs].append(time.perf_counter() - started)
            workers[run_jobs] = max(workers[run_jobs], len(result.counted_by - {os.getpid()}))
            reference = results.setdefault(run_jobs, result)
            identical = identical and result.counts == reference.counts
    identical = identical and results[1].counts == results[jobs].counts
    serial, parallel = results[1], results[jobs]
    return BenchmarkResult(
        serial=_timing(1, seconds[1], serial, workers[1]),
        parallel=_timing(jobs, seconds[jobs], parallel, workers[jobs]),
        identical=identical,
        result=serial,
        repeat=repeat,
    )


def _timing(jobs: int, seconds: list[float], result: CountResult, workers: int) -> Timing:
    return Timing(jobs, statistics.median(seconds), result.bytes_read, result.total_words, workers)
