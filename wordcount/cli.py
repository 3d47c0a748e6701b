"""The command line: parse options, run the engine, choose and write the output."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable

import click

from wordcount.engine import START_METHODS, STDIN_PATH, CountResult, available_cpus, count_inputs
from wordcount.planner import InputProblem
from wordcount.report import Summary, csv_lines, json_lines, ranked, tsv_lines
from wordcount.status import ExitStatus
from wordcount.text import quote_path

FORMATS = ("table", "tsv", "csv", "json")

EXAMPLES = """\b
Examples:
  wordcount book.txt                     the 10 most frequent words
  wordcount a.txt b.txt --top 20         the top 20 over both files
  wordcount *.txt -n 0 -f csv > all.csv  every word, as CSV
  cat notes.txt | wordcount -            count standard input
  wordcount big.txt -j 1                 the serial baseline, no worker processes

\b
Output: a table on a terminal, TSV (word<TAB>count) in a pipe.
  wordcount --benchmark -j 2 big.txt     serial baseline vs 2 workers, timed

\b
Exit status: 0 ok, 1 some input unreadable (the rest is counted),
2 usage error, 3 --benchmark runs differed, 130 interrupted,
141 output pipe closed early.
"""


@click.command(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=EXAMPLES,
)
# Plain strings: click.Path would stat every path, and the planner stats them anyway (and
# reports unreadable ones itself, so that the others are still counted).
@click.argument("paths", nargs=-1, type=str, metavar="[PATH]...")
@click.option(
    "-n",
    "--top",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="How many of the most frequent words to print; 0 prints every word.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes [default: the CPUs this process may use]. 1 counts in-process, "
    "with no pool: the serial baseline.",
)
@click.option(
    "-f",
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default=None,
    help="Output format [default: table on a terminal, tsv otherwise].",
)
@click.option(
    "--start-method",
    type=click.Choice(START_METHODS),
    default=None,
    envvar="WORDCOUNT_START_METHOD",
    show_envvar=True,
    help="How worker processes are started [default: Python's default for this platform].",
)
@click.option(
    "--benchmark",
    is_flag=True,
    help="Time the serial baseline (-j 1) against -j N on the same input, check that both "
    "count the same, and print seconds, MB/s, words/s, speed-up and efficiency.",
)
@click.option(
    "--repeat",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="With --benchmark: runs of each, of which the median is reported.",
)
@click.version_option(package_name="wordcount", prog_name="wordcount")
@click.pass_context
def main(
    ctx: click.Context,
    paths: tuple[str, ...],
    top: int,
    jobs: int | None,
    output_format: str | None,
    start_method: str | None,
    benchmark: bool,
    repeat: int,
) -> None:
    """Count word frequencies in PATHs, in parallel, exactly.

    A word is a run of Unicode letters, marks and numbers, after NFKC normalization and
    lowercasing; a single apostrophe inside a word (don't, rock'n'roll) is kept. PATH "-",
    or no PATH while standard input is a pipe, reads standard input.
    """
    if not paths:
        if sys.stdin is None or sys.stdin.isatty():
            raise click.UsageError("no input: give a PATH, or pipe text into standard input")
        paths = (STDIN_PATH,)
    chosen_format = output_format or ("table" if sys.stdout.isatty() else "tsv")
    jobs = jobs or available_cpus()
    if benchmark:
        if STDIN_PATH in paths:
            raise click.UsageError("--benchmark reads its input twice, so it cannot read stdin")
        ctx.exit(
            run_benchmark_command(
                paths,
                jobs=jobs,
                repeat=repeat,
                start_method=start_method,
                table=chosen_format == "table",
            )
        )
    try:
        started = time.perf_counter()
        result = count_inputs(
            paths=paths,
            jobs=jobs,
            stdin=sys.stdin.buffer if sys.stdin is not None else None,
            start_method=start_method,
        )
        elapsed = time.perf_counter() - started
        report_problems(result.problems)
        status = write_report(result, top=top, output_format=chosen_format, elapsed=elapsed)
    except KeyboardInterrupt:
        status = ExitStatus.INTERRUPTED
    ctx.exit(status)


def run_benchmark_command(
    paths: tuple[str, ...], *, jobs: int, repeat: int, start_method: str | None, table: bool
) -> int:
    from wordcount.benchmark import BENCHMARK_COLUMNS, benchmark_rows, run_benchmark

    try:
        benchmark = run_benchmark(paths=paths, jobs=jobs, repeat=repeat, start_method=start_method)
    except KeyboardInterrupt:
        return ExitStatus.INTERRUPTED
    report_problems(benchmark.result.problems)
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


def report_problems(problems: Iterable[InputProblem]) -> None:
    for problem in problems:
        kind = "error" if problem.is_error else "warning"
        click.echo(f"wordcount: {kind}: {quote_path(problem.path)}: {problem.message}", err=True)


def write_report(result: CountResult, *, top: int, output_format: str, elapsed: float) -> int:
    rows = ranked(result.counts, top=top)
    summary = Summary(result.total_words, len(result.counts), result.files)
    try:
        if output_format == "table":
            from wordcount.output import console, render_table

            console.print(render_table(rows, summary, elapsed_seconds=elapsed))
        else:
            lines = {
                "tsv": lambda: tsv_lines(rows),
                "csv": lambda: csv_lines(rows),
                "json": lambda: json_lines(rows, summary),
            }[output_format]()
            sys.stdout.writelines(lines)
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        return ExitStatus.BROKEN_PIPE
    return ExitStatus.INPUT_ERROR if result.has_errors else ExitStatus.SUCCESS


def _silence_stdout() -> None:
    """After the reader went away, point stdout at /dev/null so that the flush at exit
    cannot raise again (the "Note on SIGPIPE" in Python's signal docs)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
