"""The native counting kernel (kernel/*.c), when it was built and is not turned off, and
the pure-Python code that does the same without it.

    NativeTextCounter  the default rule's counter with its hot loop in C: raw tokens
                       found and counted, ASCII ones split into words, without the GIL;
                       the raw tokens that hold non-ASCII bytes converted here, once each
    pack_counts        a worker's counts as one bytes object, for the trip to the main
    Tally              which adds them up there, in C: a Python object is made once per
                       distinct word, at the end, not once per word per worker
    TalliedWords       a Tally's words as a mapping, decoded only as far as asked: the
                       top n of a report decode n words, not the whole vocabulary
    add_counts         Counter.update, in C

Each counts exactly what its pure-Python twin counts; the twins run where the extension
could not be built, or with WORDCOUNT_PURE_PYTHON=1 (read when this module is first
imported, so workers started later agree).
"""

from __future__ import annotations

import heapq
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from types import ModuleType
from typing import TYPE_CHECKING

from wordcount.words.conversion import (
    NO_FLAGS,
    FileCounted,
    TextFlags,
    WordCounts,
    with_non_ascii_tokens,
)
from wordcount.words.tokens import MAX_RUN_BYTES

PURE_PYTHON_VARIABLE = "WORDCOUNT_PURE_PYTHON"


if TYPE_CHECKING:
    from wordcount.words import _kernel


def _native_kernel() -> ModuleType | None:
    if os.environ.get(PURE_PYTHON_VARIABLE, "") not in ("", "0"):
        return None
    try:
        from wordcount.words import _kernel
    except ImportError:  # not built: no compiler or no Python headers where installed
        return None
    return _kernel


_KERNEL = _native_kernel()
_SCANNER: type[_kernel.Scanner] | None = None if _KERNEL is None else _KERNEL.Scanner
NATIVE = _KERNEL is not None
# For --segment icu's counter (segment.py), which counts whitespace-delimited raw tokens.
SCANNER = _SCANNER
# What `wordcount --version` says counts the words.
ENGINE = "native kernel" if NATIVE else "pure Python"


def add_counts(total: Counter[bytes], counts: Mapping[bytes, int]) -> None:
    """Counter.update(total, counts): the merge of the workers' results, in C when the
    kernel is built (2.4 times as fast on 44,000 words)."""
    if _KERNEL is not None and type(counts) in (dict, Counter):
        _KERNEL.add_counts(total, counts)
    else:
        total.update(counts)


def pack_counts(counts: dict[bytes, int]) -> dict[bytes, int] | bytes:
    """The counts as they travel from a worker: packed into one bytes object by the kernel
    (a copy to pickle, against a dict of Python objects), or the dict as it is."""
    if _KERNEL is None or not counts:
        return counts
    packed: bytes = _KERNEL.pack_counts(counts)
    return packed


class Tally:
    """Adds up counts keyed by UTF-8 words, packed (pack_counts) or as dicts."""

    def __init__(self) -> None:
        self._native = _KERNEL.Tally() if _KERNEL is not None else None
        self._counts: Counter[bytes] = Counter()

    def add(self, counts: dict[bytes, int] | bytes) -> None:
        if isinstance(counts, bytes):
            if self._native is None:  # packed by a worker that had the kernel
                counts = _unpacked(counts)
            else:
                self._native.add_packed(counts)
                return
        if self._native is not None:
            self._native.add_counts(counts)
        else:
            self._counts.update(counts)

    @property
    def distinct(self) -> int:
        """How many distinct words it holds."""
        if self._native is not None:
            return int(self._native.distinct)
        return len(self._counts)

    def take(self) -> dict[bytes, int]:
        """The counts added so far; the tally is empty again."""
        if self._native is not None:
            native_counts: dict[bytes, int] = self._native.take()
            return native_counts
        counts, self._counts = self._counts, Counter()
        return counts

    @property
    def total(self) -> int:
        """Its counts added up."""
        if self._native is not None:
            return int(self._native.total)
        return self._counts.total()

    def top(self, n: int) -> list[tuple[str, int]]:
        """The n words that rank first, decoded: count descending, then word ascending by
        byte, which for UTF-8 is by code point (analysis/ranking.py's order)."""
        if self._native is not None:
            rows: list[tuple[str, int]] = self._native.top(n)
            return rows
        ranked = heapq.nsmallest(n, self._counts.items(), key=_rank_key)
        return [(word.decode(), count) for word, count in ranked]

    def with_count(self, count: int) -> list[tuple[str, int]]:
        """Every word counted exactly count times, decoded, in no order."""
        if self._native is not None:
            matching: list[tuple[str, int]] = self._native.with_count(count)
            return matching
        return [(word.decode(), n) for word, n in self._counts.items() if n == count]

    def selected(self, *, min_count: int, min_length: int, stopwords: frozenset[bytes]) -> Tally:
        """A new tally of the words counted min_count times or more, of min_length code
        points or more, and not in stopwords (UTF-8)."""
        kept = Tally()
        if self._native is not None and kept._native is not None:
            kept._native = self._native.selected(min_count, min_length, stopwords)
            return kept
        kept._counts = Counter(
            {
                word: count
                for word, count in self._counts.items()
                if count >= min_count and len(word.decode()) >= min_length and word not in stopwords
            }
        )
        return kept

    def take_decoded(self) -> Counter[str]:
        """The counts added so far, keyed by the words decoded; the tally is empty again."""
        decoded: Counter[str] = Counter()
        if self._native is not None:
            self._native.take_decoded(decoded)
        else:
            decoded.update({word.decode(): count for word, count in self.take().items()})
        return decoded


def _rank_key(row: tuple[bytes, int]) -> tuple[int, bytes]:
    word, count = row
    return -count, word


class TalliedWords(Mapping[str, int]):
    """A Tally's counts keyed by the words decoded, read-only, decoding only what is asked
    for: top(n) decodes n words, len() and total() none. Whatever needs every word (to
    iterate, or to look one up) decodes them all, once, into a Counter, and the tally
    goes. As a Counter, a word never counted counts 0."""

    def __init__(self, tally: Tally) -> None:
        self._tally: Tally | None = tally
        self._decoded: Counter[str] | None = None

    def decoded(self) -> Counter[str]:
        """Every word, decoded: the Counter itself, not a copy."""
        if self._decoded is None:
            assert self._tally is not None
            self._decoded = self._tally.take_decoded()
            self._tally = None
        return self._decoded

    def top(self, n: int) -> list[tuple[str, int]]:
        """The n words that rank first, in the report's order (see Tally.top)."""
        if self._tally is None:
            raise RuntimeError("top() is for counts not decoded yet")
        return self._tally.top(n)

    def with_count(self, count: int) -> list[tuple[str, int]]:
        """Every word counted exactly count times, in no order."""
        if self._tally is None:
            return [(word, n) for word, n in self.decoded().items() if n == count]
        return self._tally.with_count(count)

    def selected(
        self, *, min_count: int, min_length: int, stopwords: frozenset[str]
    ) -> TalliedWords:
        """The words counted min_count times or more, of min_length characters or more,
        and not in stopwords, chosen in the tally, none of them decoded."""
        assert self._tally is not None, "selected() is for counts not decoded yet"
        encoded = frozenset(word.encode() for word in stopwords)
        kept = self._tally.selected(min_count=min_count, min_length=min_length, stopwords=encoded)
        return TalliedWords(kept)

    @property
    def is_decoded(self) -> bool:
        return self._tally is None

    def total(self) -> int:
        """The words counted, each as often as it occurs (Counter.total)."""
        return self.decoded().total() if self._tally is None else self._tally.total

    def __len__(self) -> int:
        return len(self.decoded()) if self._tally is None else self._tally.distinct

    def __getitem__(self, word: str) -> int:
        return self.decoded()[word]

    def __contains__(self, word: object) -> bool:
        return word in self.decoded()

    def get(self, word: str, default: int | None = None) -> int | None:  # type: ignore[override]
        return self.decoded().get(word, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self.decoded())

    def __reversed__(self) -> Iterator[str]:
        return reversed(self.decoded())

    # What a Counter does besides a Mapping's, done by the Counter of every word: the
    # counts of a run stood in a Counter before they stood here, and a caller may use them
    # so (a copy, a union, a pickle for another process).
    def copy(self) -> Counter[str]:
        return self.decoded().copy()

    def __or__(self, other: Mapping[str, int]) -> Counter[str]:
        return Counter(self.decoded()) | Counter(other)

    def __ror__(self, other: Mapping[str, int]) -> Counter[str]:
        return Counter(other) | Counter(self.decoded())

    def __reduce__(self) -> tuple[type, tuple[dict[str, int]]]:
        """Pickled (and deep-copied) as the Counter of every word: the kernel's table
        does not travel."""
        return Counter, (dict(self.decoded()),)

    def __repr__(self) -> str:
        return f"<TalliedWords: {len(self):,} distinct words>"


def _unpacked(packed: bytes) -> dict[bytes, int]:
    """pack_counts undone in Python, for a main process without the kernel (a Dask client,
    say) that receives counts from workers that have it."""
    counts: dict[bytes, int] = {}
    position = 0

    def varint() -> int:
        nonlocal position
        value = shift = 0
        while True:
            byte = packed[position]
            position += 1
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                return value
            shift += 7

    while position < len(packed):
        length = varint()
        word = packed[position : position + length]
        position += length
        counts[word] = counts.get(word, 0) + varint()
    return counts


class NativeTextCounter:
    """TextCounter's interface and counts, with the kernel's Scanner underneath."""

    def __init__(self, *, case_sensitive: bool = False, max_run_bytes: int = MAX_RUN_BYTES):
        assert _SCANNER is not None, "the native kernel is not built, or turned off"
        self.case_sensitive = case_sensitive
        self._scanner = _SCANNER(case_sensitive=case_sensitive, max_run_bytes=max_run_bytes)
        # The words of the raw tokens holding a byte >= 0x80, converted as each text ends
        # (the scanner counts the others); what the rule met in them, in every text since
        # take_counts, and in the last one ended.
        self._non_ascii_words: dict[bytes, int] = {}
        self._met = NO_FLAGS
        self.last_text: TextFlags = NO_FLAGS

    def feed(self, chunk: bytes) -> None:
        self._scanner.feed(chunk)

    def end_text(self, following: Iterable[bytes] | None = None) -> int:
        """End the text; return how many runs in it were too long to count, and set
        last_text to what the rule met in it."""
        skipped = self._scanner.end_text()
        self.last_text = self._convert_non_ascii(self._scanner.take_raw())
        return skipped

    def count_files(
        self,
        paths: list[str],
        max_bytes: int,
        *,
        binary_as_text: bool,
        special_first_bytes: bytes,
    ) -> list[FileCounted | int | None] | None:
        """Count each small plain-text file of paths as a text of its own, in C: for each,
        a FileCounted if counted, None if it is left to the caller, or -errno. None where
        the kernel cannot read files (it can on Linux and macOS).

        A file that starts with one of special_first_bytes is left to the caller, whose
        rules say what it is (the engine passes sources.content's); so is one that is not
        valid UTF-8, or holds a NUL and not binary_as_text."""
        count_files = getattr(self._scanner, "count_files", None)
        if count_files is None:
            return None
        outcomes = count_files(paths, max_bytes, binary_as_text, special_first_bytes)
        return [
            outcome
            if outcome is None or isinstance(outcome, int)
            else FileCounted(outcome[0], outcome[1], self._convert_non_ascii(outcome[2]))
            for outcome in outcomes
        ]

    def take_counts(self) -> WordCounts:
        """The words of every text ended since the last call."""
        words, non_ascii = self._scanner.take()
        self._convert_non_ascii(non_ascii)  # of a text not ended, if any
        if self._non_ascii_words:
            assert _KERNEL is not None
            _KERNEL.add_counts(words, self._non_ascii_words)
        counts = WordCounts(words, self._met.invalid_utf8, self._met.unspaced_scripts)
        self._non_ascii_words = {}
        self._met = NO_FLAGS
        return counts

    def _convert_non_ascii(self, raw_counts: dict[bytes, int] | None) -> TextFlags:
        """Add the words of these raw tokens (each holding a byte >= 0x80); what the rule
        met in them."""
        if not raw_counts:
            return NO_FLAGS
        converted = with_non_ascii_tokens(
            self._non_ascii_words, raw_counts, case_sensitive=self.case_sensitive
        )
        met = TextFlags(converted.saw_invalid_utf8, converted.saw_unspaced_scripts)
        self._met = self._met.combined_with(met)
        return met
