"""The `wordcount` command: parse the options, check them, count, report, exit.

main: every usage check, before any input is read: the options (click, options.py), the
      file list (file_lists.py), then wordcount's own checks and loads (api.prepare: the
      stop words, the saved counts) ─▶ Run
  ─▶ run.execute(Run): the API counts ─▶ report.write_report  (or --benchmark)
  ─▶ ending.exit_status_for(how it ended)
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Iterator

import click

from wordcount import DISTRIBUTION
from wordcount.api.checks import stdin_conflict, word_rule_conflict
from wordcount.api.request import CountRequest, prepare
from wordcount.api.settings import Settings
from wordcount.cli.completion import complete_paths
from wordcount.cli.ending import ExitStatus, OneLineUsageError, exit_status_for
from wordcount.cli.file_lists import paths_and_list, paths_or_stdin
from wordcount.cli.help import SectionedCommand
from wordcount.cli.messages import quote_path, warning
from wordcount.cli.options import (
    BenchmarkChoices,
    ClusterChoices,
    CorpusChoices,
    InputChoices,
    OutputChoices,
    ParallelChoices,
    SelectionChoices,
    WordChoices,
    benchmark_group,
    cluster_group,
    corpus_group,
    input_group,
    output_group,
    parallel_group,
    selection_group,
    word_group,
)
from wordcount.cli.output import stdout_is_a_terminal
from wordcount.cli.run import Run, execute
from wordcount.engine.lifecycle import handle_termination_signals
from wordcount.exceptions import OptionsError, SavedCountsUnusable, StopwordsUnusable
from wordcount.sources.paths import STDIN_PATH, names_a_stream
from wordcount.words.native import ENGINE
from wordcount.words.segment import icu_version

EXAMPLES = """\b
Examples:
  wordcount book.txt                        the 10 most frequent words
  wordcount a.txt b.txt --top 20            the top 20 over both files
  wordcount ~/texts --include '*.txt'       every .txt file under ~/texts
  wordcount *.txt -n 0 -f csv > all.csv     every word, as CSV
  cat notes.txt | wordcount -               count standard input
  wordcount logs.gz <(zcat old.gz)          compressed files and pipes too
  wordcount book.txt --ngrams 2             the commonest word pairs
  wordcount chapters/ --by-file -n 5        each file's own top 5
  wordcount ~/corpus --stats -f json        with tokens, types, hapaxes
  wordcount a.txt --against b.txt           a.txt's keywords against b.txt
  wordcount big.txt -j 1                    the serial baseline, no workers
  wordcount --benchmark -j 2 big.txt        -j 1 against 2 workers, timed
  wordcount --scheduler-file s.json texts/  on a Dask cluster (dask extra)

\b
Output: a table on a terminal, TSV (word<TAB>count) in a pipe.

\b
Exit status: 0 ok (warnings are not errors), 1 some input unreadable (the
rest is counted), 2 usage error (also --benchmark with nothing it could
count), 3 --benchmark runs differed, 4 a worker process died, failed or
could not start, 5 out of memory, 6 the output could not be written (a full
disk, a closed stdout, or stderr for --stats), 7 an input changed while it
was read (its counts may be wrong), 129 hangup, 130 interrupted, 141 output
pipe closed early, 143 SIGTERM.
"""


@click.command(
    cls=SectionedCommand,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=EXAMPLES,
)
# Plain strings: click.Path would stat every path, and the planner stats them anyway (and
# reports unreadable ones itself, so that the others are still counted).
@click.argument("paths", nargs=-1, type=str, metavar="[PATH]...", shell_complete=complete_paths)
@output_group
@word_group
@selection_group
@input_group
@parallel_group
@cluster_group
@benchmark_group
@corpus_group
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=lambda ctx, _param, value: _show_version(ctx) if value else None,
    help="Show the version, the counting engine and the ICU version, and exit.",
)
def main(
    paths: tuple[str, ...],
    output: OutputChoices,
    words: WordChoices,
    selection: SelectionChoices,
    inputs: InputChoices,
    parallel: ParallelChoices,
    cluster: ClusterChoices,
    benchmark: BenchmarkChoices,
    corpora: CorpusChoices,
) -> ExitStatus:
    """Count word frequencies in PATHs, in parallel, exactly.

    A word is a run of Unicode letters, marks and numbers that starts at a letter or
    number, after NFKC normalization and lowercasing; a single apostrophe inside a word
    (don't, rock'n'roll) is kept. PATH "-", or no PATH while standard input is a pipe,
    reads standard input. Directories are walked; gzip, bzip2 and xz files are read
    through; binary files are skipped.
    """
    handle_termination_signals()
    _escape_what_the_output_encoding_cannot_hold()
    # Every usage check first, before any input is read; the stop-word files last.
    if inputs.null and inputs.files_from is None:
        raise click.UsageError("-0/--null says how a --files-from list is separated")
    listed = inputs.files_from is not None
    if inputs.files_from is not None:
        # Before the list is read: from standard input, it leaves none for another option.
        # (A PATH - with it is refused as the list is read, file_lists.py.)
        _check_stdin_read_once((), selection, corpora, files_from=inputs.files_from)
        paths = paths_and_list(paths, inputs.files_from, null=inputs.null)
    if paths or listed or not corpora.counts:  # saved counts alone read no standard input
        paths = paths_or_stdin(paths, listed=listed)
    _check_combinations(paths, words, selection, benchmark, corpora, output)
    target = _request(paths, words, selection, inputs, parallel, cluster, corpora)
    if not output.quiet:
        for problem in target.stopwords_warnings:
            warning(f"--stopwords {quote_path(problem.path)}: {problem.message}")
    reference = None
    if corpora.against or corpora.against_counts:
        with _saved_counts_option("--against-counts"):
            reference = target.corpus(corpora.against, corpora.against_counts)
    run = Run(
        target=target,
        reference=reference,
        output=output,
        output_format=output.output_format
        or ("table" if output.output_file in (None, "-") and stdout_is_a_terminal() else "tsv"),
        benchmark=benchmark,
    )
    return exit_status_for(execute(run))


def _check_combinations(
    paths: tuple[str, ...],
    words: WordChoices,
    selection: SelectionChoices,
    benchmark: BenchmarkChoices,
    corpora: CorpusChoices,
    output: OutputChoices,
) -> None:
    """The usage errors of options that cannot go together, in click's words."""
    conflict = word_rule_conflict(pattern=words.pattern, ngrams=words.ngrams, segment=words.segment)
    if conflict is not None:
        raise click.UsageError(f"--{conflict[0]} and --{conflict[1]} cannot be used together")
    # The API refuses it too (OptionsError), but only after these checks and as a usage
    # error of click's; the command says it first, in one line, as it always has.
    if words.segment == "icu" and icu_version() is None:
        from wordcount.words.segment import ICU_EXTRA_HINT

        raise OneLineUsageError(ICU_EXTRA_HINT)
    if benchmark.benchmark and any(names_a_stream(path) for path in paths):
        raise click.UsageError(
            "--benchmark reads its input several times, so it cannot read a stream"
        )
    if benchmark.benchmark and (corpora.counts or corpora.against or corpora.against_counts):
        raise click.UsageError("--benchmark times counting PATHs; it takes no saved counts")
    if corpora.against or corpora.against_counts:
        if words.by_file:
            raise click.UsageError("--by-file and --against cannot be used together")
        if output.stats:
            raise click.UsageError("--stats and --against cannot be used together")
    _check_stdin_read_once(paths, selection, corpora)


def _check_stdin_read_once(
    paths: tuple[str, ...],
    selection: SelectionChoices,
    corpora: CorpusChoices,
    *,
    files_from: str | None = None,
) -> None:
    """Standard input ("-", /dev/stdin, /proc/self/fd/0) is read once, by one option; a
    --files-from list from it has been checked as it was read (file_lists.py)."""
    for option, saved in (
        ("--counts", corpora.counts),
        ("--against-counts", corpora.against_counts),
    ):
        if STDIN_PATH in saved:
            raise click.UsageError(
                f"{option} reads saved counts from files, not '-' (for standard input "
                "give /dev/stdin; for a file named -, ./-)"
            )
    conflict = stdin_conflict(
        [
            ("--files-from", () if files_from is None else (files_from,)),
            ("PATH -", paths),
            ("--stopwords", selection.stopwords),
            ("--counts", corpora.counts),
            ("--against", corpora.against),
            ("--against-counts", corpora.against_counts),
        ]
    )
    if conflict is not None:
        raise click.UsageError(conflict)


def _request(
    paths: tuple[str, ...],
    words: WordChoices,
    selection: SelectionChoices,
    inputs: InputChoices,
    parallel: ParallelChoices,
    cluster: ClusterChoices,
    corpora: CorpusChoices,
) -> CountRequest:
    """The count the options ask for, checked by the API; each refusal a usage error."""
    try:
        with _saved_counts_option("--counts"):
            return prepare(
                paths,
                Settings(
                    jobs=parallel.jobs,
                    stopwords=selection.stopwords,
                    min_length=selection.min_length,
                    min_count=selection.min_count,
                    ngrams=words.ngrams,
                    case_sensitive=words.case_sensitive,
                    pattern=words.pattern,
                    segment=words.segment,
                    encoding=inputs.encoding,
                    text=inputs.binary_as_text,
                    hidden=inputs.hidden,
                    ignore=not inputs.no_ignore,
                    include=inputs.include,
                    exclude=inputs.exclude,
                    by_file=words.by_file,
                    counts=corpora.counts,
                    start_method=parallel.start_method,
                    backend=cluster.backend,
                    scheduler=cluster.scheduler,
                    scheduler_file=cluster.scheduler_file,
                    timeout=cluster.timeout,
                    verbose=cluster.verbose,
                    storage_options=dict(inputs.storage_options),
                ),
            )
    except StopwordsUnusable as problem:
        message = f"--stopwords {quote_path(problem.source)}: {problem.reason}"
        raise OneLineUsageError(message) from None
    except OptionsError as problem:  # the cluster options: the rest click has checked
        raise click.UsageError(str(problem)) from None


@contextlib.contextmanager
def _saved_counts_option(option: str) -> Iterator[None]:
    """A saved count that cannot be used, as the usage error of the option that named it."""
    try:
        yield
    except SavedCountsUnusable as problem:
        raise OneLineUsageError(f"{option} {quote_path(problem.path)}: {problem.reason}") from None


def _show_version(ctx: click.Context) -> None:
    """wordcount's version, its engine (native kernel or pure Python) and, with the icu
    extra, the ICU that --segment icu uses; read only when asked, to keep start-up short."""
    from importlib.metadata import version

    icu = icu_version()
    with_icu = "" if icu is None else f", ICU {icu}"
    click.echo(f"wordcount, version {version(DISTRIBUTION)} ({ENGINE}{with_icu})")
    ctx.exit()


def _escape_what_the_output_encoding_cannot_hold() -> None:
    """With PYTHONIOENCODING=ascii, say, write "se\\xf1or" rather than crash on "señor"."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
