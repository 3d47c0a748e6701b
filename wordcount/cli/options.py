"""The command's options, in groups. Each group is one decorator (as in sqlite-utils) that
declares its options and hands the command one small named tuple of their values,
so that the command reads `output.top`, not a 28-parameter signature.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

import click

from wordcount.api.checks import (
    MAX_JOBS,
    MAX_MIN_COUNT,
    MAX_MIN_LENGTH,
    MAX_NGRAMS,
    MAX_TIMEOUT_SECONDS,
    MAX_TOP,
    canonical_encoding,
)
from wordcount.cli.completion import complete_paths, complete_stopwords
from wordcount.engine.run import START_METHODS
from wordcount.exceptions import OptionsError
from wordcount.words.segment import SEGMENTERS

FORMATS = ("table", "tsv", "csv", "json", "jsonl")

# Every number an option takes is bounded (api/checks.py says why each bound is what it
# is), so that a typo or a huge value is a one-line usage error with click's range.
# The median of 100 runs is as steady as a median gets; more runs only take longer.
MAX_REPEAT = 100

Command = TypeVar("Command", bound=Callable[..., Any])


class OutputChoices(NamedTuple):
    top: int
    output_format: str | None  # None: table on a terminal, tsv otherwise
    output_file: str | None  # -o FILE; None or "-": stdout
    ties: bool
    stats: bool
    quiet: bool
    no_progress: bool


class WordChoices(NamedTuple):
    case_sensitive: bool
    pattern: str | None
    segment: str | None
    ngrams: int
    by_file: bool


class SelectionChoices(NamedTuple):
    stopwords: tuple[str, ...]
    min_length: int
    min_count: int


class InputChoices(NamedTuple):
    files_from: str | None  # a list of paths, one a line; "-": standard input
    null: bool  # the list is NUL-separated
    hidden: bool
    no_ignore: bool
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    encoding: str | None
    binary_as_text: bool
    # --storage-option KEY=VALUE, each as (KEY, VALUE parsed): fsspec's storage_options.
    storage_options: tuple[tuple[str, Any], ...]


class ParallelChoices(NamedTuple):
    jobs: int | None  # None: the CPUs this process may use
    start_method: str | None


class ClusterChoices(NamedTuple):
    backend: str | None
    scheduler: str | None
    scheduler_file: str | None
    timeout: float
    verbose: bool


class BenchmarkChoices(NamedTuple):
    benchmark: bool
    repeat: int


# Generic only from click 8.2 on; 8.1, which the package accepts, cannot be subscripted.
class _StorageOption(click.ParamType):  # type: ignore[type-arg]
    """KEY=VALUE, as (KEY, VALUE): the VALUE read as JSON where it is JSON (false, 30,
    {"region_name": "eu-west-1"}), else as the string it is (an endpoint URL)."""

    name = "KEY=VALUE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, tuple):  # a default, or a value converted already
            return value
        key, equals, text = str(value).partition("=")
        if not equals or not key.isidentifier():
            self.fail(
                f"{value!r} is not KEY=VALUE with KEY a name (endpoint_url=http://...)",
                param,
                ctx,
            )
        import json  # here: most runs read no storage options

        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = text
        return (key, parsed)


class _SecondsRange(click.FloatRange):
    """A FloatRange that refuses nan as well: nan compares false with both bounds, so
    click lets it through."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        seconds = super().convert(value, param, ctx)
        if math.isnan(seconds):
            self.fail(f"{seconds} is not in the range {self._describe_range()}.", param, ctx)
        return seconds


# The --help sections (cli/help.py), in the order shown, everyday ones first: the heading
# each group's options go under, by the group's keyword; several groups may share one.
HELP_SECTIONS = {
    "inputs": "Input",
    "selection": "Counting",
    "words": "Counting",
    "output": "Output",
    "corpora": "Saved counts and keywords",
    "parallel": "Parallelism",
    "cluster": "Cluster (Dask)",
    "benchmark": "Benchmark",
}
# Each option's group keyword, by the option's name, as _group declares them.
GROUP_OF_OPTION: dict[str, str] = {}


def _group(
    keyword: str, choices: type[Any], options: list[Callable[[Any], Any]]
) -> Callable[[Command], Command]:
    """Declare the options, and call the command with their values gathered into one
    `choices` instance under `keyword`. The option names are the named tuple's fields."""
    names = choices._fields
    GROUP_OF_OPTION.update(dict.fromkeys(names, keyword))

    def decorate(command: Command) -> Command:
        @functools.wraps(command)
        def with_choices(*args: Any, **values: Any) -> Any:
            values[keyword] = choices(**{name: values.pop(name) for name in names})
            return command(*args, **values)

        decorated: Any = with_choices
        for option in reversed(options):
            decorated = option(decorated)
        return decorated  # type: ignore[no-any-return]

    return decorate


output_group = _group(
    "output",
    OutputChoices,
    [
        click.option(
            "-n",
            "--top",
            type=click.IntRange(min=0, max=MAX_TOP),
            default=10,
            show_default=True,
            help="How many of the most frequent words to print; 0 prints every word.",
        ),
        click.option(
            "-f",
            "--format",
            "output_format",
            type=click.Choice(FORMATS),
            default=None,
            help="Output format; jsonl is JSON Lines, one object per word [default: table on "
            "a terminal, tsv otherwise].",
        ),
        click.option(
            "-o",
            "--output",
            "output_file",
            shell_complete=complete_paths,
            metavar="FILE",
            help="Write the report to FILE (- is stdout), whole or not at all: through a "
            "temporary file beside it, renamed over it when the report is complete [default "
            "format: tsv].",
        ),
        click.option(
            "--ties", is_flag=True, help="With --top N, also show every word tied with the Nth."
        ),
        click.option(
            "--stats",
            is_flag=True,
            help="Add tokens, types, type-token ratio, hapax legomena and tokens per file: "
            "under the table, in json, or on stderr for tsv and csv.",
        ),
        click.option(
            "-q",
            "--quiet",
            is_flag=True,
            help="No warnings, no summary of skipped files and no progress bar on stderr; "
            "errors are still shown.",
        ),
        click.option(
            "--no-progress",
            is_flag=True,
            help="No progress bar (it shows only on a terminal, once a run lasts half a second).",
        ),
    ],
)

word_group = _group(
    "words",
    WordChoices,
    [
        click.option(
            "--case-sensitive",
            is_flag=True,
            help="Keep capitals: The and the are two words (NFKC and the apostrophe rule "
            "still apply).",
        ),
        click.option(
            "--pattern",
            metavar="REGEX",
            callback=lambda _ctx, _param, value: _regex(value),
            help="A word is whatever this Python regex matches (after NFKC and lowercasing), "
            "instead of the default rule. Matched a line at a time.",
        ),
        click.option(
            "--segment",
            type=click.Choice(SEGMENTERS),
            help="Find words with ICU's word break iterator (in the text as written, each "
            "word then normalized as the default rule's): "
            "dictionaries for Chinese, Japanese, Thai, Lao, Khmer and Burmese, which have no "
            "spaces between words, UAX #29 elsewhere. Needs the extra: pip install "
            "'wordcount-parallel[icu]'.",
        ),
        click.option(
            "--ngrams",
            type=click.IntRange(min=1, max=MAX_NGRAMS),
            default=1,
            show_default=True,
            metavar="N",
            help="Count runs of N consecutive words within a file, shown joined by spaces. "
            "Stop words and short words leave the sequence first; --min-count applies to "
            "the n-grams.",
        ),
        click.option(
            "--by-file",
            is_flag=True,
            help="Each file's own top N, one entry per file reached, in input order: tsv "
            "and csv as file, word, count lines; table as a section per file, then all files "
            "together with a files column (in how many files a word occurs); json as a "
            "by_file list, its top list keeping the files column.",
        ),
    ],
)

selection_group = _group(
    "selection",
    SelectionChoices,
    [
        click.option(
            "--stopwords",
            metavar="LIST|FILE",
            multiple=True,
            shell_complete=complete_stopwords,
            help="Leave out stop words: a built-in list (en, de, fr, es) or a FILE of one word "
            "a line, # comments allowed (repeatable).",
        ),
        click.option(
            "--min-length",
            type=click.IntRange(min=1, max=MAX_MIN_LENGTH),
            default=1,
            show_default=True,
            help="Leave out words shorter than this many characters (after normalization). "
            "At most 1 MiB's worth: no longer word is counted.",
        ),
        click.option(
            "--min-count",
            type=click.IntRange(min=1, max=MAX_MIN_COUNT),
            default=1,
            show_default=True,
            help="Leave out words seen fewer than this many times.",
        ),
    ],
)

input_group = _group(
    "inputs",
    InputChoices,
    [
        click.option(
            "--files-from",
            shell_complete=complete_paths,
            metavar="FILE",
            help="Also count the paths listed in FILE, one a line ('-': read the list from "
            "standard input). One run, one report, however long the list (unlike xargs).",
        ),
        click.option(
            "-0",
            "--null",
            is_flag=True,
            help="With --files-from: the paths are separated by NUL bytes, as find -print0 "
            "writes them.",
        ),
        click.option(
            "--hidden",
            is_flag=True,
            help="Also walk into files and directories whose names start with a dot.",
        ),
        click.option(
            "--no-ignore",
            is_flag=True,
            help=(
                "In directories, also count what git would ignore (.gitignore, .ignore, "
                ".git/info/exclude)."
            ),
        ),
        click.option(
            "--include",
            metavar="GLOB",
            multiple=True,
            help="In directories, count only files matching GLOB (repeatable). A GLOB with a "
            "slash matches the whole path, one without matches the name.",
        ),
        click.option(
            "--exclude",
            metavar="GLOB",
            multiple=True,
            help="In directories, leave out files and directories matching GLOB (repeatable).",
        ),
        click.option(
            "--encoding",
            metavar="NAME",
            callback=lambda _ctx, _param, value: _text_encoding(value),
            help="Decode every input with this codec (e.g. latin-1, utf-16). Default: UTF-8, "
            "or UTF-16/32 where a byte-order mark says so; invalid UTF-8 words are read as "
            "cp1252.",
        ),
        click.option(
            "--text",
            "binary_as_text",
            is_flag=True,
            help="Count files that look binary (a NUL byte in the first 64 KiB) instead of "
            "skipping them.",
        ),
        click.option(
            "--storage-option",
            "storage_options",
            type=_StorageOption(),
            multiple=True,
            help="For URLs: one of fsspec's storage options, KEY=VALUE, the VALUE read as JSON "
            "where it parses (repeatable; endpoint_url=http://127.0.0.1:9000, anon=false). "
            "Every read uses them, on a Dask cluster's workers too.",
        ),
    ],
)

parallel_group = _group(
    "parallel",
    ParallelChoices,
    [
        click.option(
            "-j",
            "--jobs",
            type=click.IntRange(min=1, max=MAX_JOBS),
            default=None,
            help="Worker processes [default: the CPUs this process may use]. 1 counts "
            "in-process, with no pool: the serial baseline. At most 1024 (61 on Windows).",
        ),
        click.option(
            "--start-method",
            type=click.Choice(START_METHODS),
            default=None,
            envvar="WORDCOUNT_START_METHOD",
            show_envvar=True,
            help="How worker processes are started [default: Python's default for this platform].",
        ),
    ],
)

cluster_group = _group(
    "cluster",
    ClusterChoices,
    [
        click.option(
            "--backend",
            type=click.Choice(["local", "dask"]),
            default=None,
            help="Where the counting runs: worker processes here [default], or a Dask cluster "
            "(--scheduler, --scheduler-file, or DASK_SCHEDULER_ADDRESS).",
        ),
        click.option(
            "--scheduler",
            metavar="ADDRESS",
            help="Dask only: count on the scheduler at ADDRESS (tcp://HOST:PORT). Needs "
            "wordcount-parallel[dask].",
        ),
        click.option(
            "--scheduler-file",
            metavar="FILE",
            shell_complete=complete_paths,
            help="Dask only: count on the scheduler that `dask scheduler --scheduler-file FILE` "
            "wrote.",
        ),
        click.option(
            "--timeout",
            type=_SecondsRange(min=0, min_open=True, max=MAX_TIMEOUT_SECONDS),
            default=10.0,
            show_default=True,
            help="Dask only: seconds to wait for the scheduler and a worker, or for a run "
            "with no worker left, before giving up (at most a day).",
        ),
        click.option(
            "--verbose", is_flag=True, help="Dask only: show the cluster's own log messages."
        ),
    ],
)

benchmark_group = _group(
    "benchmark",
    BenchmarkChoices,
    [
        click.option(
            "--benchmark",
            is_flag=True,
            help="Time the serial baseline (-j 1) against -j N on the same input, check that "
            "both count the same, and print seconds, MB/s, words/s, speed-up, efficiency and "
            "the worker processes that counted (0: no pool ran), in the -f format.",
        ),
        click.option(
            "--repeat",
            type=click.IntRange(min=1, max=MAX_REPEAT),
            default=3,
            show_default=True,
            help="With --benchmark: runs of each, of which the median is reported.",
        ),
    ],
)


def _regex(pattern: str | None) -> str | None:
    if pattern is None:
        return None
    # Here: the pattern rule's module costs a run without --pattern start-up time.
    from wordcount.words.pattern import check_pattern

    problem = check_pattern(pattern)
    if problem is not None:
        raise click.BadParameter(problem)
    return pattern


def _text_encoding(name: str | None) -> str | None:
    """The codec's canonical name, or a usage error (exit 2) for one Python cannot decode
    text with."""
    if name is None:
        return None
    try:
        return canonical_encoding(name)
    except OptionsError as problem:
        raise click.BadParameter(str(problem)) from None


class CorpusChoices(NamedTuple):
    counts: tuple[str, ...]
    against: tuple[str, ...]
    against_counts: tuple[str, ...]


corpus_group = _group(
    "corpora",
    CorpusChoices,
    [
        click.option(
            "--counts",
            shell_complete=complete_paths,
            metavar="FILE",
            multiple=True,
            help="Add a saved count (the JSON of -f json -n 0) to the run, as if its texts "
            "were counted again; alone or with PATHs (repeatable). Its word options "
            "(--case-sensitive, --pattern, --ngrams, --segment) must be this run's.",
        ),
        click.option(
            "--against",
            shell_complete=complete_paths,
            metavar="PATH",
            multiple=True,
            help="Compare the words counted (PATHs, --counts) with this reference corpus and "
            "show keywords by log-likelihood and log ratio, most overused first (repeatable; "
            "files, directories, URLs, as PATHs).",
        ),
        click.option(
            "--against-counts",
            shell_complete=complete_paths,
            metavar="FILE",
            multiple=True,
            help="A saved count as (part of) the reference corpus (repeatable).",
        ),
    ],
)
