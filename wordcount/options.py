"""Groups of command-line options, each applied by one decorator (as sqlite-utils does),
so that cli.py stays about what a run does rather than how its options are spelled."""

from __future__ import annotations

import codecs
from collections.abc import Callable
from typing import Any, TypeVar

import click

from wordcount.pattern import check_pattern

F = TypeVar("F", bound=Callable[..., Any])


def _apply(options: list[Callable[[F], F]]) -> Callable[[F], F]:
    def decorate(function: F) -> F:
        for option in reversed(options):
            function = option(function)
        return function

    return decorate


input_options = _apply(
    [
        click.option(
            "--hidden",
            is_flag=True,
            help="Also walk into files and directories whose names start with a dot.",
        ),
        click.option(
            "--include",
            metavar="GLOB",
            multiple=True,
            help="In directories, count only files matching GLOB (repeatable). A GLOB with a slash "
            "matches the whole path, one without matches the name.",
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
            help="Decode every input with this codec (e.g. latin-1, utf-16). Default: UTF-8, or "
            "UTF-16/32 where a byte-order mark says so; invalid UTF-8 words are read as cp1252.",
        ),
        click.option(
            "--text",
            "binary_as_text",
            is_flag=True,
            help="Count files that look binary (a NUL byte in the first 64 KiB) instead of "
            "skipping them.",
        ),
    ]
)

cluster_options = _apply(
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
            help="Count on the Dask scheduler at ADDRESS (tcp://HOST:PORT). Needs wordcount[dask].",
        ),
        click.option(
            "--scheduler-file",
            metavar="FILE",
            help="Count on the Dask scheduler that `dask scheduler --scheduler-file FILE` wrote.",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0, min_open=True),
            default=10.0,
            show_default=True,
            help="Seconds to wait for the Dask scheduler before giving up.",
        ),
        click.option("--verbose", is_flag=True, help="Show the Dask cluster's own log messages."),
    ]
)

selection_options = _apply(
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
            "--ngrams",
            type=click.IntRange(min=1),
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
            help="Per file: tsv gives file<TAB>word<TAB>count lines (each file's top N); "
            "table, csv and json add a files column (in how many files a word occurs), and "
            "json a by_file object.",
        ),
        click.option(
            "--stopwords",
            metavar="LIST|FILE",
            multiple=True,
            help="Leave out stop words: a built-in list (en, de, fr, es) or a FILE of one word "
            "a line, # comments allowed (repeatable).",
        ),
        click.option(
            "--min-length",
            type=click.IntRange(min=1),
            default=1,
            show_default=True,
            help="Leave out words shorter than this many characters (after normalization).",
        ),
        click.option(
            "--min-count",
            type=click.IntRange(min=1),
            default=1,
            show_default=True,
            help="Leave out words seen fewer than this many times.",
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
    ]
)


def _regex(pattern: str | None) -> str | None:
    problem = None if pattern is None else check_pattern(pattern)
    if problem is not None:
        raise click.BadParameter(f"not a valid regex: {problem}")
    return pattern


def _text_encoding(name: str | None) -> str | None:
    """The codec's canonical name, or a usage error (exit 2) for one Python cannot decode
    text with."""
    if name is None:
        return None
    try:
        # Decoding anything (not b"", which never looks the codec up) also refuses codecs
        # that are not text encodings, such as rot13 and base64.
        b"\0\0\0\0".decode(name)
    except LookupError:
        raise click.BadParameter(f"unknown text encoding {name!r}") from None
    except UnicodeError:
        pass  # a real text encoding that cannot decode these four bytes
    return codecs.lookup(name).name
