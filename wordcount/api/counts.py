"""Counts: what a count found, as the command reports it, for Python.

    engine CountResult (every word counted) ─▶ Selection (stop words, minimums)
        ─▶ .counts, .total_words, .unique_words, .by_file   the words the command shows
        ─▶ .most_common(n)                                   in the command's order
        ─▶ .stats(), .keywords(reference), .save(path)       --stats, --against, -f json -n 0
    Counts + Counts ─▶ Counts                                as --counts adds saved counts

A Counts keeps every word counted, and applies its selection when asked: so that two
counts of the same options add up exactly, whatever each leaves out.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from wordcount.analysis.ranking import Row, ranked, ranked_with_ties
from wordcount.analysis.saved_counts import WordOptions, describe, header, load_saved_counts
from wordcount.analysis.selection import Selection, file_ranges, kept_in_file
from wordcount.analysis.statistics import Statistics, Totals
from wordcount.api.checks import MAX_TOP, checked_number
from wordcount.engine.merge import CountResult
from wordcount.exceptions import IncompatibleCounts, OptionsError
from wordcount.formats.words import json_lines
from wordcount.sources.problems import InputProblem

if TYPE_CHECKING:
    # Not a dependency: where it is not installed, the DataFrame is Any to a type checker.
    import pandas  # type: ignore[import-untyped, import-not-found, unused-ignore]

    from wordcount.analysis.keywords import Keyword


class Keywords(list["Keyword"]):
    """Keyword rows, overused first (signed log-likelihood descending, then word), with the
    two corpora's totals of the words compared."""

    def __init__(self, rows: list[Keyword], target: Totals, reference: Totals) -> None:
        super().__init__(rows)
        self.target = target
        self.reference = reference


class Counts:
    """The words of a count, selected as the command selects them. Made by wordcount.count
    or wordcount.load, and by adding two Counts; read-only."""

    def __init__(
        self,
        result: CountResult,
        *,
        selection: Selection,
        word_options: WordOptions,
        kept_by_file: bool = False,
    ) -> None:
        """result: every word counted; kept_by_file: result.by_file holds each file's."""
        self._result = result
        self._selection = selection
        self._word_options = word_options
        self._kept_by_file = kept_by_file
        self._selected: Mapping[str, int] | None = None

    def with_stopword_problems(self, reading_warnings: tuple[InputProblem, ...]) -> Counts:
        """These counts, their problems led by a warning for each stop-word list not in
        UTF-8 (how it was read), as the command warns first."""
        if not reading_warnings:
            return self
        warnings = [
            problem._replace(message=f"stop words: {problem.message}")
            for problem in reading_warnings
        ]
        return self._with(self._result._replace(problems=[*warnings, *self._result.problems]))

    def __repr__(self) -> str:
        return (
            f"<Counts: {self.total_words:,} words, {self.unique_words:,} distinct, "
            f"{self.files:,} files>"
        )

    @property
    def counts(self) -> Mapping[str, int]:
        """Each word shown, and how often it occurs: a read-only mapping."""
        return MappingProxyType(self._selected_counts())

    @property
    def total_words(self) -> int:
        """The words shown, each as often as it occurs (tokens)."""
        return self.totals().total_words

    @property
    def unique_words(self) -> int:
        """The distinct words shown (types)."""
        return len(self._selected_counts())

    @property
    def files(self) -> int:
        """The files counted (saved counts bring their own)."""
        return self._result.files

    @property
    def bytes_read(self) -> int:
        return self._result.bytes_read

    @property
    def problems(self) -> tuple[InputProblem, ...]:
        """What went wrong with which input, in input order: errors (is_error: not
        counted, or changed as it was read) and warnings. The library never prints them."""
        return tuple(self._result.problems)

    @property
    def hidden_skipped(self) -> int:
        """Entries that a walk left out because their names start with "." (hidden=True
        counts them)."""
        return self._result.hidden_skipped

    @property
    def has_errors(self) -> bool:
        """Some input could not be read."""
        return self._result.has_errors

    @property
    def has_changed_inputs(self) -> bool:
        """Some input changed while it was read: its counts may be wrong."""
        return self._result.has_changed_inputs

    @property
    def counted_by(self) -> frozenset[int]:
        """The ids of the processes that counted: this one alone for a serial count."""
        return self._result.counted_by

    @property
    def word_options(self) -> Mapping[str, Any]:
        """What made a word a word, as a saved count records it."""
        return MappingProxyType(self._word_options)

    @property
    def kept_by_file(self) -> bool:
        """Each file's counts were kept (by_file=True): by_file and file_entries hold them."""
        return self._kept_by_file

    @property
    def every_word(self) -> bool:
        """No stop word, minimum length or minimum count left any word out (a saved
        document holds every word only if, besides, no -n cut its list short)."""
        return self._selection.keeps_everything

    @property
    def by_file(self) -> Mapping[str, Mapping[str, int]]:
        """Each file's own counts of the words shown, by path, in input order (a path
        reached twice: its counts added up). Needs by_file=True."""
        merged: dict[str, Counter[str]] = {}
        for path, counts in self.file_entries():
            merged.setdefault(path, Counter()).update(counts)
        return MappingProxyType({path: MappingProxyType(c) for path, c in merged.items()})

    def file_entries(self) -> list[tuple[str, Counter[str]]]:
        """(path, counts of the words shown) for each input counted, in input order: a file
        reached twice (named twice, or also through a directory) is two entries, as it is
        counted twice in the totals. Needs by_file=True."""
        if not self._kept_by_file:
            raise OptionsError("each file's counts are kept only when counted with by_file=True")
        if self._selection.keeps_everything:  # copies: the caller may change them
            return [(path, Counter(counts)) for path, counts in self._result.by_file]
        selected = self._selected_counts()
        return [(path, kept_in_file(counts, selected)) for path, counts in self._result.by_file]

    def most_common(self, n: int | None = None, *, ties: bool = False) -> list[Row]:
        """The n most frequent words as (word, count), count descending, then word by code
        point, as the command orders them; None: every word. ties: also every further word
        whose count equals the nth's (--ties)."""
        n = _count_or_none("n", n)
        if n == 0:
            return []  # as Counter.most_common(0); None is every word (the command's -n 0)
        rank = ranked_with_ties if ties else ranked
        return rank(self._selected_counts(), top=n or 0)

    def stats(self) -> Statistics:
        """--stats: tokens, types, type-token ratio, hapax legomena, tokens per file."""
        counts = self._selected_counts()
        return Statistics.of(counts, Totals.of(counts, files=self.files))

    def totals(self) -> Totals:
        """total_words, unique_words and files together, as every format gives them."""
        return Totals.of(self._selected_counts(), files=self.files)

    def keywords(
        self, reference: Counts, *, top: int | None = None, ties: bool = False
    ) -> Keywords:
        """The words of this count against a reference corpus counted with the same word
        options, by log-likelihood and log ratio (see analysis/keywords.py). This count's
        stop words and minimum length apply to both, its minimum count to its own words.
        NothingToCompare if either holds no words."""
        if not isinstance(reference, Counts):
            raise OptionsError(f"keywords compare with a Counts, not {type(reference).__name__}")
        top = _count_or_none("top", top)
        self._check_same_words(reference, "compared with")
        # Here: keywords (and the dataclasses they are) cost every other count start-up time.
        from wordcount.analysis.keywords import compare

        comparison = compare(
            self._result.counts,
            reference._result.counts,
            self._selection,
            target_files=self.files,
            reference_files=reference.files,
            top=top or 0,
            ties=ties,
        )
        return Keywords(comparison.rows, comparison.target, comparison.reference)

    def __add__(self, other: object) -> Counts:
        """Both counts as one, as --counts adds a saved count: every word of each, the files
        of the right after the left's. Their word options must agree, and so must their
        selections, unless one holds every word (a loaded count): then the other's applies."""
        if not isinstance(other, Counts):
            return NotImplemented
        self._check_same_words(other, "added to")
        if self._kept_by_file != other._kept_by_file:
            raise IncompatibleCounts(
                "one count keeps each file's counts and the other does not: count both "
                "with by_file=True, or both without"
            )
        if other._selection.keeps_everything:
            selection = self._selection
        elif self._selection.keeps_everything or self._selection == other._selection:
            selection = other._selection
        else:
            raise IncompatibleCounts(
                "the two counts leave out different words (stop words, min_length or "
                "min_count): count both with the same, or add counts of every word"
            )
        from wordcount.analysis.corpora import added  # here: only a sum needs it

        return self._with(added(self._result, other._result), selection)

    def __radd__(self, other: object) -> Counts:
        """0 + counts is counts, so that sum() adds a list of them."""
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self
        return NotImplemented

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the saved-count JSON that `wordcount -f json -n 0` writes (with each
        file's counts when counted with by_file=True), which wordcount.load and the
        command's --counts read back. A count that leaves words out is saved too, marked
        every_word: false, and is refused when read back."""
        by_file = ranges = None
        if self._kept_by_file:
            entries = self.file_entries()
            by_file = [(name, ranked(counts, top=0)) for name, counts in entries]
            ranges = file_ranges(counts for _, counts in entries)
        lines = json_lines(
            self.most_common(),
            self.totals(),
            ranges=ranges,
            by_file=by_file,
            header=header(self._word_options, every_word=self.every_word),
        )
        with open(path, "w", encoding="utf-8", newline="") as file:
            file.writelines(lines)

    def to_pandas(self) -> pandas.DataFrame:
        """A DataFrame of word and count, in the command's order. Needs pandas, which is not
        a dependency of wordcount: pip install pandas."""
        try:
            import pandas
        except ImportError:
            raise ImportError("Counts.to_pandas needs pandas: pip install pandas") from None
        rows = self.most_common()
        return pandas.DataFrame(rows, columns=["word", "count"])

    def _with(self, result: CountResult, selection: Selection | None = None) -> Counts:
        """Another Counts of the same words and options: this result, this selection."""
        return Counts(
            result,
            selection=self._selection if selection is None else selection,
            word_options=self._word_options,
            kept_by_file=self._kept_by_file,
        )

    def _selected_counts(self) -> Mapping[str, int]:
        if self._selected is None:
            self._selected = self._selection.apply(self._result.counts)
        return self._selected

    def _check_same_words(self, other: Counts, verb: str) -> None:
        if self._word_options != other._word_options:
            raise IncompatibleCounts(
                f"words counted with {describe(other._word_options)} cannot be {verb} "
                f"words counted with {describe(self._word_options)}"
            )


def load(path: str | os.PathLike[str]) -> Counts:
    """A saved count (`wordcount -f json -n 0`, or Counts.save) as Counts, with the word
    options it was counted with, and each file's counts where it holds them (--by-file).
    SavedCountsUnusable says why one cannot be used."""
    if not isinstance(path, (str, os.PathLike)):  # open() would take a file descriptor
        raise OptionsError(f"load takes a path, not {type(path).__name__}")
    saved, word_options = load_saved_counts(os.fspath(path), word_options=None, by_file=None)
    result = CountResult(
        counts=saved.counts,
        files=saved.files,
        bytes_read=0,
        problems=[],
        hidden_skipped=0,
        by_file=saved.by_file or [],
        counted_by=frozenset(),
    )
    return Counts(
        result,
        selection=Selection(),
        word_options=word_options,
        kept_by_file=saved.by_file is not None,
    )


def _count_or_none(name: str, value: object) -> int | None:
    """A number of rows: None, or a whole number from 0 (the rule of every number a count
    takes, checks.checked_number)."""
    if value is None:
        return None
    try:
        return checked_number(name, value, 0, MAX_TOP)
    except OptionsError:
        raise OptionsError(
            f"{name} must be None or a whole number of rows, not {value!r}"
        ) from None
