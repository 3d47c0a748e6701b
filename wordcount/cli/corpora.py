"""--counts, --against and --against-counts: what the command counts besides its PATHs.

main: check_corpora (usage) ─▶ load_corpora (the saved counts, read and checked
      before any input is)
execute: the PATHs counted ─▶ with_saved_counts ─▶ the target
         count_reference: --against's PATHs, counted with the same options, plus
         --against-counts ─▶ the reference ─▶ keywords.write_keywords
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import click

from wordcount.cli.options import BenchmarkChoices, CorpusChoices, OutputChoices, WordChoices
from wordcount.cli.saved_counts import (
    SavedCounts,
    WordOptions,
    load_saved_counts,
    nothing_counted,
    with_saved_counts,
)
from wordcount.engine.merge import CountResult
from wordcount.sources.paths import STDIN_PATH


class Corpora(NamedTuple):
    """The saved counts, loaded, and the reference's PATHs."""

    saved: list[SavedCounts]
    against: tuple[str, ...] = ()
    saved_reference: list[SavedCounts] = []  # noqa: RUF012 (a NamedTuple default, never mutated)

    @property
    def compares(self) -> bool:
        """Whether there is a reference: the run reports keywords."""
        return bool(self.against or self.saved_reference)


NO_CORPORA = Corpora(saved=[])


def check_corpora(
    paths: tuple[str, ...],
    corpora: CorpusChoices,
    words: WordChoices,
    output: OutputChoices,
    benchmark: BenchmarkChoices,
) -> None:
    """The usage checks of these options, before anything is read."""
    if benchmark.benchmark and (corpora.counts or corpora.against or corpora.against_counts):
        raise click.UsageError("--benchmark times counting PATHs; it takes no saved counts")
    if corpora.against or corpora.against_counts:
        if words.by_file:
            raise click.UsageError("--by-file and --against cannot be used together")
        if output.stats:
            raise click.UsageError("--stats and --against cannot be used together")
        if STDIN_PATH in corpora.against and STDIN_PATH in paths:
            raise click.UsageError("standard input can be read only once: not by --against too")


def load_corpora(corpora: CorpusChoices, word_options: WordOptions, *, by_file: bool) -> Corpora:
    """Every saved count read and checked; one that cannot be used is a usage error."""

    def load(option: str, path: str) -> SavedCounts:
        return load_saved_counts(path, option=option, word_options=word_options, by_file=by_file)

    return Corpora(
        saved=[load("--counts", path) for path in corpora.counts],
        against=corpora.against,
        saved_reference=[load("--against-counts", path) for path in corpora.against_counts],
    )


def count_target(
    corpora: Corpora, count_paths: Callable[..., CountResult], paths: tuple[str, ...], **run: object
) -> CountResult:
    """The PATHs counted, if any, and the saved counts added."""
    result = count_paths(paths=paths, **run) if paths else nothing_counted()
    return with_saved_counts(result, corpora.saved)


def count_reference(
    corpora: Corpora, count_paths: Callable[..., CountResult], **run: object
) -> CountResult | None:
    """The reference corpus, counted as the target is; None without one."""
    if not corpora.compares:
        return None
    return count_target(Corpora(saved=corpora.saved_reference), count_paths, corpora.against, **run)
