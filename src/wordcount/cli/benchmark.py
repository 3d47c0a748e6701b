"""`wordcount --benchmark`: the serial baseline and a parallel run, timed on the same input.

Runs alternate (serial, parallel, serial, ...) so that noise on a busy machine hits both
alike, and the median of each is reported, with a check that both counted the same.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from wordcount.cli.exit_status import Finished
from wordcount.cli.messages import error, report_problems
from wordcount.engine.merge import CountResult
from wordcount.engine.run import count_inputs
from wordcount.words.conversion import forget_converted_tokens

BENCHMARK_COLUMNS = ("run", "jobs", "seconds", "MB/s", "words/s", "speed-up", "efficiency")


@dataclass(frozen=True)
class Timing:
    jobs: int
    seconds: float
    bytes_read: int
    total_words: int

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
        serial=_timing(1, seconds[1], serial),
        parallel=_timing(jobs, seconds[jobs], parallel),
        identical=identical,
        result=serial,
    )


def _timing(jobs: int, seconds: list[float], result: CountResult) -> Timing:
    return Timing(jobs, statistics.median(seconds), result.bytes_read, result.total_words)


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


def run_benchmark_command(
    paths: Sequence[str],
    count: Callable[..., CountResult],
    *,
    jobs: int,
    repeat: int,
    quiet: bool,
    table: bool,
) -> Finished:
    """What --benchmark prints: problems on stderr, then the two rows as a table or TSV."""
    benchmark = run_benchmark(paths=paths, jobs=jobs, repeat=repeat, count=count)
    report_problems(benchmark.result.problems, quiet=quiet)
    rows = benchmark_rows(benchmark)
    if table:
        from wordcount.cli.terminal import console, render_timings

        caption = (
            f"{benchmark.result.bytes_read / 1e6:,.1f} MB · "
            f"{benchmark.serial.total_words:,} words · median of {repeat} · "
            f"results {'identical' if benchmark.identical else 'DIFFER'}"
        )
        console.print(render_timings(BENCHMARK_COLUMNS, rows, caption=caption))
    else:
        sys.stdout.writelines("\t".join(row) + "\n" for row in [BENCHMARK_COLUMNS, *rows])
    if not benchmark.identical:
        error("serial and parallel runs counted differently")
    return Finished(
        input_errors=benchmark.result.has_errors, results_differ=not benchmark.identical
    )
