"""`wordcount --benchmark`: the serial baseline and a parallel run, timed on the same input.

Runs alternate (serial, parallel, serial, ...) so that noise on a busy machine hits both
alike, and the median of each is reported.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from wordcount.engine import count_inputs
from wordcount.results import CountResult
from wordcount.tokens import forget_converted_tokens


@dataclass(frozen=True)
class Timing:
    jobs: int
    seconds: float
    bytes_read: int
    words: int

    @property
    def megabytes_per_second(self) -> float:
        return self.bytes_read / 1e6 / self.seconds if self.seconds else 0.0

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class BenchmarkResult:
    serial: Timing
    parallel: Timing
    identical: bool
    result: CountResult

    @property
    def speedup(self) -> float:
        return self.serial.seconds / self.parallel.seconds if self.parallel.seconds else 0.0

    @property
    def efficiency(self) -> float:
        return self.speedup / self.parallel.jobs


def run_benchmark(
    *,
    paths: Sequence[str],
    jobs: int,
    repeat: int,
    count: Callable[..., CountResult] = count_inputs,
) -> BenchmarkResult:
    """count is count_inputs, or a partial of it that fixes every other setting."""
    seconds: dict[int, list[float]] = {1: [], jobs: []}
    results: dict[int, CountResult] = {}
    identical = True
    for _ in range(repeat):
        for run_jobs in (1, jobs):
            # Every run starts as a fresh process would: otherwise forked workers inherit
            # the tokens converted by earlier runs, and skip work a real run does.
            forget_converted_tokens()
            started = time.perf_counter()
            # The serial baseline always runs here, even when the other run is on a cluster.
            extra = {"cluster": None} if run_jobs == 1 else {}
            result = count(paths=paths, jobs=run_jobs, **extra)
            seconds[run_jobs].append(time.perf_counter() - started)
            reference = results.setdefault(run_jobs, result)
            identical = identical and result.counts == reference.counts
    identical = identical and results[1].counts == results[jobs].counts
    serial, parallel = results[1], results[jobs]
    return BenchmarkResult(
        serial=Timing(1, statistics.median(seconds[1]), serial.bytes_read, serial.total_words),
        parallel=Timing(
            jobs, statistics.median(seconds[jobs]), parallel.bytes_read, parallel.total_words
        ),
        identical=identical,
        result=serial,
    )


BENCHMARK_COLUMNS = ("run", "jobs", "seconds", "MB/s", "words/s", "speed-up", "efficiency")


def benchmark_rows(benchmark: BenchmarkResult) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for name, timing in (("serial", benchmark.serial), ("parallel", benchmark.parallel)):
        speedup = benchmark.serial.seconds / timing.seconds if timing.seconds else 0.0
        rows.append(
            (
                name,
                str(timing.jobs),
                f"{timing.seconds:.3f}",
                f"{timing.megabytes_per_second:.1f}",
                f"{timing.words_per_second:.0f}",
                f"{speedup:.2f}",
                f"{speedup / timing.jobs:.0%}",
            )
        )
    return rows
