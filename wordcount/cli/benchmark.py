"""`wordcount --benchmark`: the two timed runs (engine/benchmark.py), and what the command
prints of them: problems and notes on stderr, the rows in the chosen format on stdout.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from wordcount.cli.ending import Finished
from wordcount.cli.messages import error, notice, report_problems
from wordcount.cli.output import write_data
from wordcount.engine.benchmark import BenchmarkResult, NothingToTime, run_benchmark
from wordcount.engine.merge import CountResult
from wordcount.engine.run import pool_threshold
from wordcount.formats.benchmark import BENCHMARK_COLUMNS, benchmark_lines, benchmark_rows


def run_benchmark_command(
    paths: Sequence[str],
    count: Callable[..., CountResult],
    *,
    jobs: int,
    repeat: int,
    quiet: bool,
    output_format: str,
) -> Finished:
    """What --benchmark prints: problems and notes on stderr, then the two rows in the
    chosen format on stdout."""
    try:
        benchmark = run_benchmark(paths=paths, jobs=jobs, repeat=repeat, count=count)
    except NothingToTime as nothing:
        report_problems(nothing.result.problems, quiet=quiet)
        what = "every input was empty" if nothing.result.files else "no input was counted"
        error(f"--benchmark: {what}, so there is nothing to time")
        return Finished(nothing_to_time=True)
    report_problems(benchmark.result.problems, quiet=quiet)
    if not benchmark.pool_ran and not quiet:
        notice(_why_no_pool(jobs, benchmark.result.bytes_read))
    lines = (
        [_table(benchmark)]
        if output_format == "table"
        else benchmark_lines(benchmark, output_format)
    )
    if not write_data(lines):
        return Finished(broken_pipe=True)
    if not benchmark.identical:
        error("serial and parallel runs counted differently")
    return Finished(
        input_errors=benchmark.result.has_errors,
        results_differ=not benchmark.identical,
        inputs_changed=benchmark.result.has_changed_inputs,
    )


def _why_no_pool(jobs: int, input_bytes: int) -> str:
    if jobs == 1:
        reason = "-j 1 starts no pool"
    elif input_bytes < pool_threshold(jobs):
        reason = (
            f"-j {jobs} started no pool: the input ({_size(input_bytes)}) is under the "
            f"{_size(pool_threshold(jobs))} from which {jobs} workers gain on one process"
        )
    else:  # one unit: compressed, --encoding, --pattern, a UTF-16/32 file, read whole
        reason = f"-j {jobs} started no pool: the input is one piece that one process reads whole"
    return f"{reason}, so the parallel row was counted in this process too (workers 0)"


def _size(size: int) -> str:
    return f"{size / (1 << 20):,.1f} MiB" if size >= 1 << 20 else f"{size / 1024:,.1f} KiB"


def _table(benchmark: BenchmarkResult) -> str:
    """The rich table, with a caption that sums up the input."""
    from wordcount.cli.terminal import ascii_only, plural, render_timings, rendered, separator

    between = separator(ascii_text=ascii_only())
    caption = (
        f"{benchmark.result.bytes_read / 1e6:,.1f} MB{between}"
        f"{plural(benchmark.serial.total_words, 'word')}{between}median of {benchmark.repeat}"
        f"{between}results {'identical' if benchmark.identical else 'DIFFER'}"
    )
    return rendered(render_timings(BENCHMARK_COLUMNS, benchmark_rows(benchmark), caption=caption))
