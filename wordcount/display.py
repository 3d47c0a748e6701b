"""What a run shows: the counts on stdout, then its problems and summary on stderr."""

from __future__ import annotations

import contextlib
import io
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator

import click

from wordcount.lifecycle import WorkerFailure
from wordcount.problems import InputProblem, summary_line
from wordcount.report import (
    Summary,
    csv_lines,
    json_lines,
    ranked,
    tsv_by_file_lines,
    tsv_lines,
)
from wordcount.results import CountResult
from wordcount.selection import Selection, Statistics, file_ranges, ranked_with_ties
from wordcount.status import ExitStatus
from wordcount.text import quote_path

# A failure names this many unfinished inputs, so that its message stays one line.
_PATHS_SHOWN = 3
# A run shorter than this shows no progress bar: it would only flicker.
PROGRESS_DELAY_SECONDS = 0.5


def run_benchmark_command(
    paths: tuple[str, ...],
    count: Callable[..., CountResult],
    *,
    jobs: int,
    repeat: int,
    quiet: bool,
    table: bool,
) -> int:
    from wordcount.benchmark import BENCHMARK_COLUMNS, benchmark_rows, run_benchmark

    benchmark = run_benchmark(paths=paths, jobs=jobs, repeat=repeat, count=count)
    report_problems(benchmark.result.problems, quiet=quiet)
    rows = benchmark_rows(benchmark)
    if table:
        from wordcount.output import console, render_benchmark

        caption = (
            f"{benchmark.result.bytes_read / 1e6:,.1f} MB · {benchmark.serial.words:,} words · "
            f"median of {repeat} · results {'identical' if benchmark.identical else 'DIFFER'}"
        )
        console.print(render_benchmark(rows, caption=caption))
    else:
        lines = ["\t".join(row) + "\n" for row in [BENCHMARK_COLUMNS, *rows]]
        sys.stdout.writelines(lines)
    if not benchmark.identical:
        click.echo("wordcount: error: serial and parallel runs counted differently", err=True)
        return ExitStatus.RESULTS_DIFFER
    return ExitStatus.INPUT_ERROR if benchmark.result.has_errors else ExitStatus.SUCCESS


def report_problems(problems: Iterable[InputProblem], *, quiet: bool) -> None:
    """One line per problem; --quiet keeps only the errors."""
    for problem in problems:
        if quiet and not problem.is_error:
            continue
        kind = "error" if problem.is_error else "warning"
        click.echo(f"wordcount: {kind}: {quote_path(problem.path)}: {problem.message}", err=True)


def report_worker_failure(failure: WorkerFailure) -> None:
    """One line: what happened, and which inputs were not finished when it did."""
    paths = failure.unfinished_paths
    shown = ", ".join(quote_path(path) for path in paths[:_PATHS_SHOWN])
    more = f" and {len(paths) - _PATHS_SHOWN} more" if len(paths) > _PATHS_SHOWN else ""
    click.echo(
        f"wordcount: error: {failure.reason} while counting {shown}{more}; nothing was printed",
        err=True,
    )


def escape_what_the_output_encoding_cannot_hold() -> None:
    """With PYTHONIOENCODING=ascii, say, write "se\\xf1or" rather than crash on "señor"."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


@contextlib.contextmanager
def progress_bar(enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A bar of bytes counted, with throughput and time left, on stderr: only when it is
    a terminal, and only once the run has lasted PROGRESS_DELAY_SECONDS."""
    if not (enabled and sys.stderr.isatty()):
        yield None
        return
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    from wordcount.output import error_console

    started = time.monotonic()
    bar: Progress | None = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            if time.monotonic() - started < PROGRESS_DELAY_SECONDS:
                return
            columns = (BarColumn(), DownloadColumn(), TransferSpeedColumn(), TimeRemainingColumn())
            bar = Progress(*columns, console=error_console, transient=True)
            bar.add_task("counting", total=total)
            bar.start()
        bar.update(bar.task_ids[0], completed=done, total=total)

    try:
        yield update
    finally:
        if bar is not None:
            bar.stop()


def report_summary(result: CountResult) -> None:
    """The last line on stderr, when anything was skipped or read another way."""
    line = summary_line(result.problems, hidden_skipped=result.hidden_skipped)
    if line is not None:
        click.echo(f"wordcount: {line}", err=True)


def write_report(
    result: CountResult,
    selection: Selection,
    *,
    top: int,
    ties: bool,
    stats: bool,
    by_file: bool,
    output_format: str,
    elapsed: float,
) -> int:
    """The selected counts on stdout; statistics too if asked (on stderr for tsv and csv,
    so that the data stream stays clean); with by_file, each file's counts as well."""
    counts = selection.apply(result.counts)
    rows = ranked_with_ties(counts, top=top) if ties else ranked(counts, top=top)
    summary = Summary(sum(counts.values()), len(counts), result.files)
    statistics = Statistics.of(counts, files=result.files) if stats else None
    selected_by_file = {path: selection.apply(counts) for path, counts in result.by_file.items()}
    per_file = [(path, ranked(counts, top=top)) for path, counts in selected_by_file.items()]
    ranges = file_ranges(selected_by_file.values()) if by_file else None
    try:
        if output_format == "table":
            from wordcount.output import console, render_statistics, render_table

            console.print(render_table(rows, summary, elapsed_seconds=elapsed, ranges=ranges))
            if statistics is not None:
                console.print(render_statistics(statistics.rows()))
        else:
            lines = {
                "tsv": lambda: tsv_by_file_lines(per_file) if by_file else tsv_lines(rows),
                "csv": lambda: csv_lines(rows, ranges=ranges),
                "json": lambda: json_lines(
                    rows,
                    summary,
                    stats=statistics.as_json() if statistics else None,
                    ranges=ranges,
                    by_file=per_file if by_file else None,
                ),
            }[output_format]()
            sys.stdout.writelines(lines)
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        return ExitStatus.BROKEN_PIPE
    if statistics is not None and output_format in ("tsv", "csv"):
        for name, value in statistics.rows():
            click.echo(f"{name}\t{value}", err=True)
    return ExitStatus.INPUT_ERROR if result.has_errors else ExitStatus.SUCCESS


def _silence_stdout() -> None:
    """After the reader went away, point stdout at /dev/null so that the flush at exit
    cannot raise again (the "Note on SIGPIPE" in Python's signal docs)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
