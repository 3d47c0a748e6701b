"""A count asked for and checked: the keyword arguments of wordcount.count, turned into
the engine's settings before any input is read.

    count(paths, **options) ─▶ prepare: every option checked, the stop words and saved
                               counts read (OptionsError, StopwordsUnusable,
                               SavedCountsUnusable: nothing has been counted yet)
                            ─▶ CountRequest.run: the PATHs counted (engine.run), the saved
                               counts added (analysis.corpora) ─▶ Counts

The command line makes the same two calls, so that its usage errors come before any
input is read, and a stop-word list's warning before the counting starts.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from wordcount.analysis.corpora import nothing_counted, with_saved_counts
from wordcount.analysis.saved_counts import (
    SavedCounts,
    WordOptions,
    load_saved_counts,
    word_options_record,
)
from wordcount.analysis.selection import Selection
from wordcount.analysis.stopwords import load_stopwords
from wordcount.api.checks import check_options
from wordcount.api.counts import Counts
from wordcount.engine.cluster import ClusterOptions, resolve_cluster
from wordcount.engine.merge import CountResult
from wordcount.engine.options import CountOptions
from wordcount.engine.run import Progress, available_cpus, count_inputs
from wordcount.exceptions import OptionsError
from wordcount.sources.paths import WalkOptions
from wordcount.words.ngrams import NgramOptions

PathArgument = str | os.PathLike[str]


@dataclass(frozen=True)
class CountRequest:
    """Everything a count needs, checked: run() counts it."""

    paths: tuple[str, ...]
    options: CountOptions
    walk: WalkOptions
    selection: Selection
    word_options: WordOptions
    saved: tuple[SavedCounts, ...]
    jobs: int | None
    start_method: str | None
    cluster: ClusterOptions | None
    # The stop-word files some of whose words were not valid UTF-8 (read as cp1252).
    stopwords_read_as_cp1252: tuple[str, ...] = ()

    def count_paths(self) -> Callable[..., CountResult]:
        """count_inputs with every setting but the paths, the jobs, stdin and progress."""
        return functools.partial(
            count_inputs,
            start_method=self.start_method,
            options=self.options,
            walk=self.walk,
            cluster=self.cluster,
        )

    def corpus(
        self,
        paths: PathArgument | Iterable[PathArgument],
        counts: PathArgument | Iterable[PathArgument],
    ) -> CountRequest:
        """Another corpus counted as this one is (a keyword reference): the same options,
        other PATHs and saved counts."""
        saved = _load_saved(counts, self.word_options, by_file=self.options.by_file)
        return dataclasses.replace(self, paths=tuple(_strings(paths)), saved=saved)

    def workers(self) -> int:
        """The jobs asked for; by default, the CPUs this process may use."""
        return self.jobs or available_cpus()

    def run(self, *, progress: Progress | None = None, stdin: BinaryIO | None = None) -> Counts:
        """Count the PATHs and add the saved counts. progress(bytes done, bytes in all), if
        given, is called as the files are read (see engine.run.count_inputs)."""
        result = nothing_counted()
        if self.paths:
            result = self.count_paths()(
                paths=self.paths, jobs=self.workers(), stdin=stdin, progress=progress
            )
        result = with_saved_counts(result, self.saved)
        return Counts(
            result,
            selection=self.selection,
            word_options=self.word_options,
            kept_by_file=self.options.by_file,
        )


def prepare(
    paths: PathArgument | Iterable[PathArgument],
    *,
    jobs: int | None = None,
    stopwords: str | Iterable[str] = (),
    min_length: int = 1,
    min_count: int = 1,
    ngrams: int = 1,
    case_sensitive: bool = False,
    pattern: str | None = None,
    segment: str | None = None,
    encoding: str | None = None,
    text: bool = False,
    hidden: bool = False,
    ignore: bool = True,
    include: str | Iterable[str] = (),
    exclude: str | Iterable[str] = (),
    by_file: bool = False,
    counts: PathArgument | Iterable[PathArgument] = (),
    start_method: str | None = None,
    backend: str | None = None,
    scheduler: str | None = None,
    scheduler_file: str | None = None,
    timeout: float = 10.0,
    verbose: bool = False,
) -> CountRequest:
    """The count these options ask for, checked, with its stop words and saved counts read:
    wordcount.count's arguments, which it documents."""
    encoding = check_options(
        jobs=jobs,
        min_length=min_length,
        min_count=min_count,
        ngrams=ngrams,
        pattern=pattern,
        segment=segment,
        encoding=encoding,
        start_method=start_method,
        timeout=timeout,
    )
    cluster = _cluster(backend, scheduler, scheduler_file, timeout, verbose)
    loaded = load_stopwords(
        _strings(stopwords),
        case_sensitive=case_sensitive,
        encoding=encoding,
        pattern=pattern,
        segment=segment,
    )
    word_options = word_options_record(
        case_sensitive=case_sensitive,
        pattern=pattern,
        segment=segment,
        ngrams=ngrams,
        stopwords=loaded.words,
        min_length=min_length,
    )
    saved = _load_saved(counts, word_options, by_file=by_file)
    return CountRequest(
        paths=tuple(_strings(paths)),
        options=_count_options(
            ngrams,
            loaded.words,
            min_length,
            encoding,
            text,
            case_sensitive,
            pattern,
            by_file,
            segment,
        ),
        walk=WalkOptions(
            hidden=hidden,
            include=tuple(_strings(include)),
            exclude=tuple(_strings(exclude)),
            ignore_files=ignore,
        ),
        # With n-grams, stop words and short words left the word sequence in the workers,
        # before n-grams were formed: only the minimum count is left to apply.
        selection=(
            Selection(min_count=min_count)
            if ngrams > 1
            else Selection(loaded.words, min_length, min_count)
        ),
        word_options=word_options,
        saved=saved,
        jobs=jobs,
        start_method=start_method,
        cluster=cluster,
        stopwords_read_as_cp1252=loaded.read_as_cp1252,
    )


def _count_options(
    ngrams: int,
    stopwords: frozenset[str],
    min_length: int,
    encoding: str | None,
    text: bool,
    case_sensitive: bool,
    pattern: str | None,
    by_file: bool,
    segment: str | None,
) -> CountOptions:
    return CountOptions(
        encoding=encoding,
        binary_as_text=text,
        case_sensitive=case_sensitive,
        # With n-grams, stop words and short words leave the word sequence in the
        # workers, before n-grams are formed.
        ngrams=NgramOptions(ngrams, stopwords, min_length) if ngrams > 1 else None,
        pattern=pattern,
        by_file=by_file,
        segment=segment,
    )


def _cluster(
    backend: str | None,
    scheduler: str | None,
    scheduler_file: str | None,
    timeout: float,
    verbose: bool,
) -> ClusterOptions | None:
    try:
        return resolve_cluster(
            backend=backend,
            address=scheduler,
            scheduler_file=scheduler_file,
            timeout=timeout,
            verbose=verbose,
            environment=os.environ,
        )
    except ValueError as problem:
        raise OptionsError(str(problem)) from None


def _load_saved(
    paths: PathArgument | Iterable[PathArgument], word_options: WordOptions, *, by_file: bool
) -> tuple[SavedCounts, ...]:
    """Each saved count, read and checked against these word options."""
    return tuple(
        load_saved_counts(path, word_options=word_options, by_file=by_file)[0]
        for path in _strings(paths)
    )


def _strings(values: PathArgument | Iterable[PathArgument]) -> Sequence[str]:
    """One path or name, or several: a str is one, not its characters."""
    if isinstance(values, (str, os.PathLike)):
        return [os.fspath(values)]
    return [os.fspath(value) for value in values]
