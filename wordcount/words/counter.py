"""The one interface the worker counts through, whichever rule finds the words.

    WordCounter.feed(chunk) ... end_text() ... feed(chunk) ... end_text() ... take_counts()
                                 └▶ last_text        └▶ last_text  ──▶ WordCounts {word: n}
    WordCounter.count_files(paths, ...) ──▶ a FileCounted per file, or None: no such path

last_text (TextFlags) is what the rule met in the text just ended, so that the worker can
name the file that raised a warning even when one counter counts a whole unit.

The default rule (native.NativeTextCounter, or tokens.TextCounter without the kernel),
--ngrams (ngrams.NgramCounter), --pattern (pattern.PatternCounter) and --segment icu
(segment.SegmentingCounter) all follow it, so
the worker chooses one once per unit and treats every text the same way. --ngrams and
--pattern stay in Python: n-grams need the tokens in order, and a pattern the lines;
--segment icu is ICU's, once per distinct whitespace-delimited token.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

from wordcount.words.conversion import FileCounted, TextFlags, WordCounts
from wordcount.words.native import NATIVE, NativeTextCounter
from wordcount.words.ngrams import NgramCounter, NgramOptions
from wordcount.words.segment import NativeSegmentingCounter, SegmentingCounter
from wordcount.words.tokens import TextCounter


class WordCounter(Protocol):
    # What the rule met in the text that end_text ended last (or count_files counted):
    # the worker says it of that text's file, which a shared counter's counts cannot tell.
    last_text: TextFlags

    def feed(self, chunk: bytes) -> None:
        """The next bytes of the current text, however they happen to be cut."""

    def end_text(self, following: Iterable[bytes] | None = None) -> int:
        """End the current text and return how many runs in it were too long to count;
        last_text is then what the rule met in it. following: the rest of the file after
        a range, for the n-grams that cross its end."""

    def count_files(
        self,
        paths: list[str],
        max_bytes: int,
        *,
        binary_as_text: bool,
        special_first_bytes: bytes,
    ) -> list[FileCounted | int | None] | None:
        """Count whole small files, each a text of its own, by a path of the counter's own
        (the kernel reads and counts them in C): for each, a FileCounted, None if it is
        left to the caller, or -errno. None if the counter has no such path: every
        counter but the default rule's with the kernel."""

    def take_counts(self) -> WordCounts:
        """The words of every text ended since the last call."""


def counter_for(
    *,
    case_sensitive: bool,
    ngrams: NgramOptions | None,
    pattern: str | None,
    segment: str | None = None,
) -> Callable[[], WordCounter]:
    """What makes a new counter of the kind these options ask for."""
    if pattern is not None:
        # Here: only a --pattern run pays for importing its counter.
        from wordcount.words.pattern import PatternCounter

        return lambda: PatternCounter(pattern, case_sensitive=case_sensitive)
    if ngrams is not None:
        return lambda: NgramCounter(ngrams, case_sensitive=case_sensitive, segment=segment)
    if segment is not None and NATIVE:
        return lambda: NativeSegmentingCounter(case_sensitive=case_sensitive)
    if segment is not None:
        return lambda: SegmentingCounter(case_sensitive=case_sensitive)
    if NATIVE:
        return lambda: NativeTextCounter(case_sensitive=case_sensitive)
    return lambda: TextCounter(case_sensitive=case_sensitive)
