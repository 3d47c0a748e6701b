"""The command line: parse options, run the engine, choose and write the output."""

from __future__ import annotations

import functools
import os
import sys
import time

import click

from wordcount.cluster import ClusterUnavailable, resolve_cluster
from wordcount.content import ReadOptions
from wordcount.display import (
    escape_what_the_output_encoding_cannot_hold,
    progress_bar,
    report_problems,
    report_summary,
    report_worker_failure,
    run_benchmark_command,
    write_report,
)
from wordcount.engine import START_METHODS, available_cpus, count_inputs
from wordcount.inputs import STDIN_PATH, WalkOptions, names_a_stream
from wordcount.lifecycle import Terminated, WorkerFailure, handle_termination_signals
from wordcount.ngrams import NgramOptions
from wordcount.options import cluster_options, input_options, selection_options
from wordcount.selection import Selection, load_stopwords
from wordcount.status import ExitStatus

FORMATS = ("table", "tsv", "csv", "json")

EXAMPLES = """\b
Examples:
  wordcount book.txt                     the 10 most frequent words
  wordcount a.txt b.txt --top 20         the top 20 over both files
  wordcount ~/texts --include '*.txt'    every .txt file under ~/texts
  wordcount *.txt -n 0 -f csv > all.csv  every word, as CSV
  cat notes.txt | wordcount -            count standard input
  wordcount logs.gz <(zcat old.gz)       compressed files and pipes work too
  wordcount big.txt -j 1                 the serial baseline, no worker processes
  wordcount --scheduler-file s.json /shared/texts   on a Dask cluster (wordcount[dask])

\b
Output: a table on a terminal, TSV (word<TAB>count) in a pipe.
  wordcount --benchmark -j 2 big.txt     serial baseline vs 2 workers, timed

\b
Exit status: 0 ok (warnings are not errors), 1 some input unreadable (the rest is counted),
2 usage error, 3 --benchmark runs differed, 4 a worker process died or failed,
5 out of memory, 129 hangup, 130 interrupted, 141 output pipe closed early, 143 SIGTERM.
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
@selection_options
@input_options
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="No warnings, no summary of skipped files and no progress bar on stderr; errors "
    "are still shown.",
)
@click.option(
    "--no-progress",
    is_flag=True,
    help="No progress bar (it shows only on a terminal, once a run lasts half a second).",
)
@cluster_options
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
    case_sensitive: bool,
    pattern: str | None,
    ngrams: int,
    by_file: bool,
    stopwords: tuple[str, ...],
    min_length: int,
    min_count: int,
    ties: bool,
    stats: bool,
    hidden: bool,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    encoding: str | None,
    binary_as_text: bool,
    quiet: bool,
    no_progress: bool,
    backend: str | None,
    scheduler: str | None,
    scheduler_file: str | None,
    timeout: float,
    verbose: bool,
    benchmark: bool,
    repeat: int,
) -> None:
    """Count word frequencies in PATHs, in parallel, exactly.

    A word is a run of Unicode letters, marks and numbers, after NFKC normalization and
    lowercasing; a single apostrophe inside a word (don't, rock'n'roll) is kept. PATH "-",
    or no PATH while standard input is a pipe, reads standard input. Directories are walked;
    gzip, bzip2 and xz files are read through; binary files are skipped.
    """
    handle_termination_signals()
    escape_what_the_output_encoding_cannot_hold()
    if not paths:
        if sys.stdin is None or sys.stdin.isatty():
            raise click.UsageError("no input: give a PATH, or pipe text into standard input")
        paths = (STDIN_PATH,)
    chosen_format = output_format or ("table" if sys.stdout.isatty() else "tsv")
    jobs = jobs or available_cpus()
    try:
        cluster = resolve_cluster(
            backend=backend,
            address=scheduler,
            scheduler_file=scheduler_file,
            timeout=timeout,
            verbose=verbose,
            environment=os.environ,
        )
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    try:
        words_to_leave_out = load_stopwords(stopwords, case_sensitive=case_sensitive)
    except OSError as error:
        raise click.BadParameter(
            f"{error.filename or ''}: {error.strerror or error}", param_hint="--stopwords"
        ) from None
    if pattern is not None and ngrams > 1:
        raise click.UsageError("--pattern and --ngrams cannot be used together")
    # With n-grams, stop words and short words leave the word sequence in the workers,
    # before n-grams are formed; only --min-count is left to apply to the n-grams.
    sequence = NgramOptions(ngrams, words_to_leave_out, min_length) if ngrams > 1 else None
    if sequence is None:
        selection = Selection(words_to_leave_out, min_length, min_count)
    else:
        selection = Selection(min_count=min_count)
    # Every setting but the paths and the number of jobs, which --benchmark varies.
    count = functools.partial(
        count_inputs,
        start_method=start_method,
        read_options=ReadOptions(
            encoding=encoding,
            binary_as_text=binary_as_text,
            case_sensitive=case_sensitive,
            ngrams=sequence,
            pattern=pattern,
            by_file=by_file,
        ),
        walk_options=WalkOptions(hidden=hidden, include=include, exclude=exclude),
        cluster=cluster,
    )
    if benchmark and any(names_a_stream(path) for path in paths):
        raise click.UsageError(
            "--benchmark reads its input several times, so it cannot read a stream"
        )
    writing = False
    try:
        if benchmark:
            status = run_benchmark_command(
                paths, count, jobs=jobs, repeat=repeat, quiet=quiet, table=chosen_format == "table"
            )
        else:
            started = time.perf_counter()
            stdin = sys.stdin.buffer if sys.stdin is not None else None
            with progress_bar(not (quiet or no_progress)) as progress:
                result = count(paths=paths, jobs=jobs, stdin=stdin, progress=progress)
            elapsed = time.perf_counter() - started
            report_problems(result.problems, quiet=quiet)
            writing = True
            status = write_report(
                result,
                selection,
                top=top,
                ties=ties,
                stats=stats,
                by_file=by_file,
                output_format=chosen_format,
                elapsed=elapsed,
            )
            if not quiet:
                report_summary(result)
    except KeyboardInterrupt as interrupt:  # Ctrl-C, or Terminated by SIGTERM or SIGHUP
        status = 128 + interrupt.signal_number if isinstance(interrupt, Terminated) else 130
    except ClusterUnavailable as error:
        click.echo(f"wordcount: error: {error}", err=True)
        status = ExitStatus.USAGE_ERROR if error.missing_extra else ExitStatus.INPUT_ERROR
    except WorkerFailure as failure:
        report_worker_failure(failure)
        status = ExitStatus.WORKER_FAILED
    except MemoryError:
        outcome = "the output is incomplete" if writing else "nothing was printed"
        click.echo(
            f"wordcount: error: out of memory: too many distinct words for the memory "
            f"available; {outcome}",
            err=True,
        )
        status = ExitStatus.OUT_OF_MEMORY
    ctx.exit(status)
