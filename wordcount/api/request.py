"""A count asked for and checked: the keyword arguments of wordcount.count, turned into
the engine's settings before any input is read.

    count(paths, **options) ─▶ prepare: every option checked, the stop words and saved
                               counts read (OptionsError, StopwordsUnusable,
                               SavedCountsUnusable, or OutOfMemory naming what was
                               being loaded: nothing has been counted yet)
                            ─▶ CountRequest.run: the PATHs counted (engine.run), the saved
                               counts added (analysis.corpora) ─▶ Counts

The command line makes the same two calls, so that its usage errors come before any
input is read, and a stop-word list's warning before the counting starts.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, BinaryIO, NamedTuple

from wordcount.analysis.saved_counts import (
    SavedCounts,
    WordOptions,
    load_saved_counts,
    word_options_record,
)
from wordcount.analysis.selection import NO_STOPWORDS, Selection, Stopwords
from wordcount.api.checks import check_options, stdin_conflict
from wordcount.api.counts import Counts
from wordcount.api.settings import OneOrMore, Settings, strings
from wordcount.engine.merge import CountResult
from wordcount.engine.options import CountOptions
from wordcount.engine.run import Progress, available_cpus, count_inputs
from wordcount.exceptions import OptionsError, OutOfMemory
from wordcount.sources.opening import storage_options_of
from wordcount.sources.paths import WalkOptions
from wordcount.sources.problems import InputProblem
from wordcount.words.ngrams import NgramOptions

if TYPE_CHECKING:
    from wordcount.engine.cluster import ClusterOptions


class CountRequest(NamedTuple):
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
    # How stop-word lists not in UTF-8 were read (Stopwords.reading_warnings).
    stopwords_warnings: tuple[InputProblem, ...] = ()
    # Files never counted, by (st_dev, st_ino), wherever a walk finds them: the command's
    # own output (-o FILE and its temporary file).
    skip_files: frozenset[tuple[int, int]] = frozenset()

    def count_paths(self) -> Callable[..., CountResult]:
        """count_inputs with every setting but the paths, the jobs, stdin and progress."""
        return functools.partial(
            count_inputs,
            start_method=self.start_method,
            options=self.options,
            walk=self.walk,
            cluster=self.cluster,
            skip_files=self.skip_files,
        )

    def corpus(self, paths: OneOrMore, counts: OneOrMore) -> CountRequest:
        """Another corpus counted as this one is (a keyword reference): the same options,
        other PATHs and saved counts."""
        saved = _load_saved(counts, self.word_options, by_file=self.options.by_file)
        return self._replace(paths=strings(paths), saved=saved)

    def skipping(self, files: frozenset[tuple[int, int]]) -> CountRequest:
        """This count, leaving out these files (by st_dev and st_ino) wherever found."""
        return self._replace(skip_files=self.skip_files | files)

    def workers(self) -> int:
        """The jobs asked for; by default, the CPUs this process may use."""
        return self.jobs or available_cpus()

    def _count(self, progress: Progress | None, stdin: BinaryIO | None) -> CountResult:
        return self.count_paths()(
            paths=self.paths, jobs=self.workers(), stdin=stdin, progress=progress
        )

    def run(self, *, progress: Progress | None = None, stdin: BinaryIO | None = None) -> Counts:
        """Count the PATHs and add the saved counts. progress(bytes done, bytes in all), if
        given, is called as the files are read (see engine.run.count_inputs)."""
        result = self._count(progress, stdin) if self.paths else _nothing_counted()
        if self.saved:
            from wordcount.analysis.corpora import with_saved_counts  # only --counts needs it

            result = with_saved_counts(result, self.saved)
        return Counts(
            result,
            selection=self.selection,
            word_options=self.word_options,
            kept_by_file=self.options.by_file,
        )


def prepare(paths: OneOrMore, settings: Settings) -> CountRequest:
    """The count these settings ask for, checked, with its stop words and saved counts
    read: OptionsError, StopwordsUnusable or SavedCountsUnusable before any input is."""
    path_list = strings(paths)
    settings = check_options(settings)
    if "-" in strings(settings.counts, "counts"):
        raise OptionsError('counts are read from files, not "-": name stdin /dev/stdin')
    stdin_problem = stdin_conflict(
        [
            ("PATH", path_list),
            ("stopwords", strings(settings.stopwords, "stopwords")),
            ("counts", strings(settings.counts, "counts")),
        ]
    )
    if stdin_problem is not None:
        raise OptionsError(stdin_problem)
    encoding = settings.encoding
    cluster = _cluster(settings)
    stopwords = _stopwords(settings)
    word_options = word_options_record(
        case_sensitive=settings.case_sensitive,
        pattern=settings.pattern,
        segment=settings.segment,
        ngrams=settings.ngrams,
        stopwords=stopwords.words,
        min_length=settings.min_length,
    )
    return CountRequest(
        paths=path_list,
        options=_count_options(settings, stopwords.words, encoding),
        walk=WalkOptions(
            hidden=settings.hidden,
            include=strings(settings.include, "include"),
            exclude=strings(settings.exclude, "exclude"),
            ignore_files=settings.ignore,
        ),
        # With n-grams, stop words and short words left the word sequence in the workers,
        # before n-grams were formed: only the minimum count is left to apply.
        selection=(
            Selection(min_count=settings.min_count)
            if settings.ngrams > 1
            else Selection(stopwords.words, settings.min_length, settings.min_count)
        ),
        word_options=word_options,
        saved=_load_saved(settings.counts, word_options, by_file=settings.by_file),
        jobs=settings.jobs,
        start_method=settings.start_method,
        cluster=cluster,
        stopwords_warnings=stopwords.reading_warnings,
    )


def _stopwords(settings: Settings) -> Stopwords:
    """The stop words, read and normalized as the inputs' words are."""
    sources = strings(settings.stopwords, "stopwords")
    if not sources:
        return NO_STOPWORDS
    from wordcount.analysis.stopwords import load_stopwords  # here: only lists need it

    try:
        return load_stopwords(
            sources,
            case_sensitive=settings.case_sensitive,
            encoding=settings.encoding,
            pattern=settings.pattern,
            segment=settings.segment,
            storage=storage_options_of(settings.storage_options or {}),
        )
    except MemoryError:
        lists = ", ".join(f"'{source}'" for source in sources)
        raise OutOfMemory(f"while loading the stop words {lists}") from None


def _nothing_counted() -> CountResult:
    from wordcount.analysis.corpora import nothing_counted  # only saved counts alone need it

    return nothing_counted()


def _count_options(
    settings: Settings, stopwords: frozenset[str], encoding: str | None
) -> CountOptions:
    ngrams = settings.ngrams
    return CountOptions(
        encoding=encoding,
        binary_as_text=settings.text,
        case_sensitive=settings.case_sensitive,
        # With n-grams, stop words and short words leave the word sequence in the
        # workers, before n-grams are formed.
        ngrams=NgramOptions(ngrams, stopwords, settings.min_length) if ngrams > 1 else None,
        pattern=settings.pattern,
        by_file=settings.by_file,
        segment=settings.segment,
        storage_options=storage_options_of(settings.storage_options or {}),
    )


def _cluster(settings: Settings) -> ClusterOptions | None:
    if settings.backend in (None, "local") and not (settings.scheduler or settings.scheduler_file):
        return None  # the local pool: Dask's settings are not even imported
    from wordcount.engine.cluster import resolve_cluster

    try:
        return resolve_cluster(
            backend=settings.backend,
            address=settings.scheduler,
            scheduler_file=settings.scheduler_file,
            timeout=settings.timeout,
            verbose=settings.verbose,
            environment=os.environ,
        )
    except ValueError as problem:
        raise OptionsError(str(problem)) from None


def _load_saved(
    paths: OneOrMore, word_options: WordOptions, *, by_file: bool
) -> tuple[SavedCounts, ...]:
    """Each saved count, read and checked against these word options."""
    saved = []
    for path in strings(paths, "counts"):
        try:
            saved.append(load_saved_counts(path, word_options=word_options, by_file=by_file)[0])
        except MemoryError:
            raise OutOfMemory(f"while loading the saved count '{path}'") from None
    return tuple(saved)
