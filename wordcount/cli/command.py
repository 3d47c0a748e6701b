"""The `wordcount` command: parse the options, check them, count, report, exit.

main: every usage check, before any input is read ─▶ Run
  ─▶ execute(Run): engine.count_inputs ─▶ report.write_report  (or --benchmark)
  ─▶ exit_status_for(how it ended)
"""

from __future__ import annotations

import functools
import io
import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import NamedTuple

import click

from wordcount import DISTRIBUTION
from wordcount.cli.completion import complete_paths
from wordcount.cli.corpora import (
    NO_CORPORA,
    Corpora,
    check_corpora,
    count_reference,
    count_target,
    load_corpora,
)
from wordcount.cli.exit_status import ExitStatus, Finished, Outcome, exit_status_for
from wordcount.cli.help import SectionedCommand
from wordcount.cli.messages import (
    error,
    quote_path,
    report_failure,
    report_problems,
    report_summary,
    warning,
)
from wordcount.cli.options import (
    BenchmarkChoices,
    ClusterChoices,
    CorpusChoices,
    InputChoices,
    OutputChoices,
    ParallelChoices,
    SelectionChoices,
    WordChoices,
    benchmark_options,
    cluster_options,
    corpus_options,
    input_options,
    output_options,
    parallel_options,
    selection_options,
    word_options,
)
from wordcount.cli.output import (
    OutputFailure,
    check_stdout,
    output_file,
    stdout_is_a_terminal,
)
from wordcount.cli.progress import progress_bar
from wordcount.cli.report import write_report
from wordcount.cli.saved_counts import WordOptions, header, word_options_record
from wordcount.cli.selection import Selection
from wordcount.cli.stopwords import StopwordsError, load_stopwords
from wordcount.engine.cluster import ClusterOptions, resolve_cluster
from wordcount.engine.errors import ClusterUnavailable, WorkerFailure
from wordcount.engine.lifecycle import handle_termination_signals
from wordcount.engine.merge import CountResult
from wordcount.engine.options import CountOptions
from wordcount.engine.run import available_cpus, count_inputs
from wordcount.sources.content import CP1252_MESSAGE
from wordcount.sources.paths import STDIN_PATH, WalkOptions, names_a_stream, split_path_list
from wordcount.sources.problems import describe_os_error
from wordcount.words.native import ENGINE
from wordcount.words.ngrams import NgramOptions
from wordcount.words.segment import ICU_EXTRA_HINT, icu_version

EXAMPLES = """\b
Examples:
  wordcount book.txt                     the 10 most frequent words
  wordcount a.txt b.txt --top 20         the top 20 over both files
  wordcount ~/texts --include '*.txt'    every .txt file under ~/texts
  wordcount *.txt -n 0 -f csv > all.csv  every word, as CSV
  cat notes.txt | wordcount -            count standard input
  wordcount logs.gz <(zcat old.gz)       compressed files and pipes work too
  wordcount big.txt -j 1                 the serial baseline, no worker processes
  wordcount --scheduler-file s.json /shared/texts   on a Dask cluster (the dask extra)

\b
Output: a table on a terminal, TSV (word<TAB>count) in a pipe.
  wordcount --benchmark -j 2 big.txt     serial baseline vs 2 workers, timed

\b
Exit status: 0 ok (warnings are not errors), 1 some input unreadable (the rest is counted),
2 usage error (also --benchmark with nothing it could count), 3 --benchmark runs differed,
4 a worker process died, failed or could not start, 5 out of memory, 6 the output could not
be written (a full disk, a closed stdout), 7 an input changed while it was read (its
counts may be wrong), 129 hangup, 130 interrupted, 141 output pipe closed early, 143 SIGTERM.
"""

# The failures a run ends with: each gets one line on stderr (or none, for a signal).
_FAILURES = (KeyboardInterrupt, ClusterUnavailable, WorkerFailure, MemoryError, OutputFailure)


@click.command(
    cls=SectionedCommand,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=EXAMPLES,
)
# Plain strings: click.Path would stat every path, and the planner stats them anyway (and
# reports unreadable ones itself, so that the others are still counted).
@click.argument("paths", nargs=-1, type=str, metavar="[PATH]...", shell_complete=complete_paths)
@output_options
@word_options
@selection_options
@input_options
@parallel_options
@cluster_options
@benchmark_options
@corpus_options
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=lambda ctx, _param, value: _show_version(ctx) if value else None,
    help="Show the version, the counting engine and the ICU version, and exit.",
)
@click.pass_context
def main(
    ctx: click.Context,
    paths: tuple[str, ...],
    output: OutputChoices,
    words: WordChoices,
    selection: SelectionChoices,
    inputs: InputChoices,
    parallel: ParallelChoices,
    cluster: ClusterChoices,
    benchmark: BenchmarkChoices,
    corpora: CorpusChoices,
) -> None:
    """Count word frequencies in PATHs, in parallel, exactly.

    A word is a run of Unicode letters, marks and numbers, after NFKC normalization and
    lowercasing; a single apostrophe inside a word (don't, rock'n'roll) is kept. PATH "-",
    or no PATH while standard input is a pipe, reads standard input. Directories are walked;
    gzip, bzip2 and xz files are read through; binary files are skipped.
    """
    handle_termination_signals()
    _escape_what_the_output_encoding_cannot_hold()
    # Every usage check first, before any input is read; the stop-word files last.
    if inputs.null and inputs.files_from is None:
        raise click.UsageError("-0/--null says how a --files-from list is separated")
    listed = inputs.files_from is not None
    paths = _paths_and_list(paths, inputs) if listed else paths
    if paths or listed or not corpora.counts:  # saved counts alone read no standard input
        paths = _paths_or_stdin(paths, listed=listed)
    _check_combinations(paths, words, benchmark)
    check_corpora(paths, corpora, words, output, benchmark)
    cluster_options = _cluster(cluster)
    stopwords = _stopwords(selection.stopwords, words, inputs, quiet=output.quiet)
    word_record = word_options_record(
        case_sensitive=words.case_sensitive,
        pattern=words.pattern,
        segment=words.segment,
        ngrams=words.ngrams,
        stopwords=stopwords,
        min_length=selection.min_length,
    )
    count_paths = functools.partial(
        count_inputs,
        start_method=parallel.start_method,
        options=_count_options(words, inputs, selection, stopwords),
        walk=WalkOptions(
            hidden=inputs.hidden,
            include=inputs.include,
            exclude=inputs.exclude,
            ignore_files=not inputs.no_ignore,
        ),
        cluster=cluster_options,
    )
    run = Run(
        paths=paths,
        count_paths=count_paths,
        jobs=parallel.jobs or available_cpus(),
        output=output,
        output_format=output.output_format
        or ("table" if output.output_file in (None, "-") and stdout_is_a_terminal() else "tsv"),
        selection=_selection(words, selection, stopwords),
        by_file=words.by_file,
        benchmark=benchmark,
        corpora=load_corpora(corpora, word_record, by_file=words.by_file),
        word_options=word_record,
    )
    ctx.exit(exit_status_for(execute(run)))


class Run(NamedTuple):
    """A run with every choice made and checked."""

    paths: Sequence[str]
    # count_inputs with every setting but the paths, the jobs, stdin and progress.
    count_paths: Callable[..., CountResult]
    jobs: int
    output: OutputChoices
    output_format: str
    selection: Selection
    by_file: bool
    benchmark: BenchmarkChoices
    # --counts, --against, --against-counts (corpora.py), and what a word is, as a saved
    # count records it.
    corpora: Corpora = NO_CORPORA
    word_options: WordOptions | None = None


def _paths_or_stdin(paths: tuple[str, ...], *, listed: bool = False) -> tuple[str, ...]:
    """listed: the paths include a --files-from list's, so none is none (an empty list)."""
    if paths or listed:
        return paths
    if sys.stdin is None or sys.stdin.isatty():
        raise click.UsageError("no input: give a PATH, or pipe text into standard input")
    return (STDIN_PATH,)


# The names of this process's standard input, which a list read from it has used up.
_STDIN_NAMES = frozenset([STDIN_PATH, "/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"])


def _paths_and_list(paths: tuple[str, ...], inputs: InputChoices) -> tuple[str, ...]:
    """The PATHs, then the paths listed in --files-from's FILE. A list that cannot be read
    is a usage error: a run without it would count the wrong files."""
    source = inputs.files_from
    assert source is not None
    # /dev/stdin and /dev/fd/0 are standard input as much as "-" is.
    from_stdin = source == STDIN_PATH or source in _STDIN_NAMES
    try:
        if from_stdin:
            if sys.stdin is None:
                raise OSError(0, "standard input is closed")
            content = sys.stdin.buffer.read()
        else:
            with open(source, "rb") as file:
                content = file.read()
    except OSError as failure:
        raise OneLineUsageError(
            f"--files-from {quote_path(source)}: {describe_os_error(failure)}"
        ) from None
    except ValueError:  # a NUL in the name
        raise OneLineUsageError(f"--files-from {quote_path(source)}: not a path") from None
    listed = split_path_list(content, null=inputs.null)
    if from_stdin and any(path in _STDIN_NAMES for path in (*paths, *listed)):
        raise click.UsageError(
            f"--files-from {source} reads the list from standard input, so it cannot also "
            "be an input"
        )
    return (*paths, *listed)


def _check_combinations(
    paths: tuple[str, ...], words: WordChoices, benchmark: BenchmarkChoices
) -> None:
    if words.pattern is not None and words.ngrams > 1:
        raise click.UsageError("--pattern and --ngrams cannot be used together")
    if words.pattern is not None and words.segment is not None:
        raise click.UsageError("--pattern and --segment cannot be used together")
    if words.segment == "icu" and icu_version() is None:
        raise OneLineUsageError(ICU_EXTRA_HINT)
    if benchmark.benchmark and any(names_a_stream(path) for path in paths):
        raise click.UsageError(
            "--benchmark reads its input several times, so it cannot read a stream"
        )


def _count_options(
    words: WordChoices,
    inputs: InputChoices,
    selection: SelectionChoices,
    stopwords: frozenset[str],
) -> CountOptions:
    ngrams = None
    if words.ngrams > 1:
        # With n-grams, stop words and short words leave the word sequence in the workers,
        # before n-grams are formed.
        ngrams = NgramOptions(words.ngrams, stopwords, selection.min_length)
    return CountOptions(
        encoding=inputs.encoding,
        binary_as_text=inputs.binary_as_text,
        case_sensitive=words.case_sensitive,
        ngrams=ngrams,
        pattern=words.pattern,
        by_file=words.by_file,
        segment=words.segment,
    )


def _selection(
    words: WordChoices, selection: SelectionChoices, stopwords: frozenset[str]
) -> Selection:
    """What the report leaves out; with n-grams only --min-count is left to apply."""
    if words.ngrams > 1:
        return Selection(min_count=selection.min_count)
    return Selection(stopwords, selection.min_length, selection.min_count)


def _cluster(cluster: ClusterChoices) -> ClusterOptions | None:
    try:
        return resolve_cluster(
            backend=cluster.backend,
            address=cluster.scheduler,
            scheduler_file=cluster.scheduler_file,
            timeout=cluster.timeout,
            verbose=cluster.verbose,
            environment=os.environ,
        )
    except ValueError as error:
        raise click.UsageError(str(error)) from None


def _stopwords(
    sources: tuple[str, ...], words: WordChoices, inputs: InputChoices, *, quiet: bool
) -> frozenset[str]:
    """The stop words, decoded and normalized as the inputs' words are; a list that cannot
    be used is a usage error, since a run without it would count the wrong words."""
    try:
        loaded = load_stopwords(
            sources,
            case_sensitive=words.case_sensitive,
            encoding=inputs.encoding,
            pattern=words.pattern,
            segment=words.segment,
        )
    except StopwordsError as problem:
        message = f"--stopwords {quote_path(problem.source)}: {problem.reason}"
        raise OneLineUsageError(message) from None
    if not quiet:
        for source in loaded.read_as_cp1252:
            warning(f"--stopwords {quote_path(source)}: {CP1252_MESSAGE}")
    return loaded.words


def _show_version(ctx: click.Context) -> None:
    """wordcount's version, its engine (native kernel or pure Python) and, with the icu
    extra, the ICU that --segment icu uses; read only when asked, to keep start-up short."""
    from importlib.metadata import version

    icu = icu_version()
    with_icu = "" if icu is None else f", ICU {icu}"
    click.echo(f"wordcount, version {version(DISTRIBUTION)} ({ENGINE}{with_icu})")
    ctx.exit()


class OneLineUsageError(click.ClickException):
    """A usage error (status 2) found after parsing, shown as one line on stderr, as
    wordcount's own errors are, rather than under click's usage text."""

    exit_code = ExitStatus.USAGE_ERROR

    def show(self, file: object = None) -> None:
        error(self.format_message())


def execute(run: Run) -> Outcome:
    """Count and report; a failure is reported in one line and returned. With -o FILE, the
    report replaces FILE only if the run finished it: after a failure, or Ctrl-C, FILE is
    as it was (and with --benchmark, also when there was nothing to time)."""
    try:
        with output_file(run.output.output_file) as file:
            outcome = _count_and_report(run)
            if file is not None and isinstance(outcome, Finished) and not outcome.nothing_to_time:
                file.commit()
    except _FAILURES as failure:  # the file could not be made or renamed; Ctrl-C in it
        report_failure(failure, output_started=False)
        return failure
    return outcome


def _count_and_report(run: Run) -> Outcome:
    """Count and report; a failure is reported in one line and returned."""
    output = run.output
    output_started = False
    try:
        check_stdout()
        if run.benchmark.benchmark:
            # Imported here: statistics and the timing code cost every other run 7 ms.
            from wordcount.cli.benchmark import run_benchmark_command

            return run_benchmark_command(
                run.paths,
                run.count_paths,
                jobs=run.jobs,
                repeat=run.benchmark.repeat,
                quiet=output.quiet,
                output_format=run.output_format,
            )
        started = time.perf_counter()
        stdin = sys.stdin.buffer if sys.stdin is not None else None
        with progress_bar(not (output.quiet or output.no_progress)) as progress:
            counting = {"jobs": run.jobs, "stdin": stdin, "progress": progress}
            result = count_target(run.corpora, run.count_paths, tuple(run.paths), **counting)
            reference = count_reference(run.corpora, run.count_paths, **counting)
        elapsed = time.perf_counter() - started
        problems = [*result.problems, *(reference.problems if reference else [])]
        report_problems(problems, quiet=output.quiet)
        # With -o FILE a failure leaves FILE as it was, however far the report got.
        output_started = output.output_file in (None, "-")
        if reference is not None:
            from wordcount.cli.keywords import write_keywords

            finished = write_keywords(
                result,
                reference,
                run.selection,
                output,
                output_format=run.output_format,
                elapsed=elapsed,
            )
        else:
            finished = write_report(
                result,
                run.selection,
                output,
                output_format=run.output_format,
                by_file=run.by_file,
                elapsed=elapsed,
                json_header=(
                    header(run.word_options, every_word=run.selection.keeps_everything)
                    if run.word_options is not None
                    else None
                ),
            )
        if not output.quiet:
            hidden = result.hidden_skipped + (reference.hidden_skipped if reference else 0)
            report_summary(problems, hidden_skipped=hidden)
    except _FAILURES as failure:  # Ctrl-C, or Terminated by SIGTERM or SIGHUP, among them
        report_failure(failure, output_started=output_started)
        return failure
    return finished


def _escape_what_the_output_encoding_cannot_hold() -> None:
    """With PYTHONIOENCODING=ascii, say, write "se\\xf1or" rather than crash on "señor"."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
