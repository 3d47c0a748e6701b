"""Saved counts: the JSON that `wordcount -f json -n 0` writes, read back by --counts (and
--against-counts) as if its texts were counted again.

    {"format": "wordcount-counts", "version": 1, "word_options": {...},
     "total_words": int, "unique_words": int, "files": int,
     "top": [{"word": str, "count": int}, ...],            every word with -n 0
     "by_file": [{"file": str, "top": [...]}, ...]}        with --by-file

A saved count is complete when its top list holds unique_words words adding up to
total_words (so -n 10's is refused: it holds ten). word_options records what made a word
a word (--case-sensitive, --pattern, --ngrams, --segment; with --ngrams also the stop
words and --min-length, which leave the word sequence before n-grams are formed): a run
reads only saved counts whose words it would itself have counted.

Loading is json.loads on the bytes and one dict build; the checks run over the values in
C (map, set, sum, min), never a Python loop per word: 5,000,000 words load in seconds.
"""

from __future__ import annotations

import gc
import operator
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, NamedTuple

from wordcount.exceptions import SavedCountsUnusable

FORMAT_NAME = "wordcount-counts"
FORMAT_VERSION = 1

WordOptions = dict[str, Any]

_WORD_AND_COUNT = operator.itemgetter("word", "count")


class SavedCounts(NamedTuple):
    counts: Counter[str]
    files: int
    # With --by-file: each file's full counts, as saved; otherwise None.
    by_file: list[tuple[str, Counter[str]]] | None


def word_options_record(
    *,
    case_sensitive: bool,
    pattern: str | None,
    segment: str | None,
    ngrams: int,
    stopwords: frozenset[str],
    min_length: int,
) -> WordOptions:
    """The options that decide what a word is, as a saved count records them."""
    record: WordOptions = {
        "case_sensitive": case_sensitive,
        "pattern": pattern,
        "segment": segment,
        "ngrams": ngrams,
    }
    if ngrams > 1:
        # Stop words and short words leave the sequence before n-grams are formed, so
        # they change which n-grams there are.
        record["ngram_stopwords"] = sorted(stopwords)
        record["ngram_min_length"] = min_length
    return record


# The keys of a word_options record: without --ngrams, and with it.
_WORD_OPTIONS = {"case_sensitive", "pattern", "segment", "ngrams"}
_RECORDED_OPTIONS = [_WORD_OPTIONS, _WORD_OPTIONS | {"ngram_stopwords", "ngram_min_length"}]


def header(word_options: Mapping[str, Any], *, every_word: bool) -> dict[str, object]:
    """The fields that make -f json's document a saved count. every_word: no option left
    words out (--stopwords, --min-length, --min-count), so that the document can be one."""
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "word_options": dict(word_options),
        "every_word": every_word,
    }


def describe(word_options: WordOptions) -> str:
    """The options as they are typed: `--case-sensitive --ngrams 2`, or `the default rule`."""
    parts = []
    if word_options.get("case_sensitive"):
        parts.append("--case-sensitive")
    if word_options.get("pattern") is not None:
        parts.append(f"--pattern {word_options['pattern']!r}")
    if word_options.get("segment") is not None:
        parts.append(f"--segment {word_options['segment']}")
    if word_options.get("ngrams", 1) != 1:
        parts.append(f"--ngrams {word_options['ngrams']}")
        stopwords = word_options.get("ngram_stopwords")
        parts.append(f"{len(stopwords) if isinstance(stopwords, list) else '?'} stop words")
        parts.append(f"--min-length {word_options.get('ngram_min_length')}")
    return " ".join(parts) if parts else "the default word rule"


def load_saved_counts(
    path: str, *, word_options: WordOptions | None, by_file: bool | None
) -> tuple[SavedCounts, WordOptions]:
    """The saved count in path, checked, and the word options it was counted with;
    SavedCountsUnusable says why it cannot be used. word_options: what this run counts
    with, which the saved count's must equal; None takes the saved count's own. by_file:
    each file's counts are needed (True), or read where saved (None)."""

    def unusable(reason: str) -> SavedCountsUnusable:
        return SavedCountsUnusable(path, reason)

    try:
        with open(path, "rb") as file:
            data = file.read()
    except (OSError, ValueError) as problem:  # ValueError: a NUL in the name
        reason = problem.strerror if isinstance(problem, OSError) else None
        raise unusable(f"cannot read it: {reason or problem}") from None
    with _no_garbage_collection():
        try:
            import json  # here: 1.3 ms that runs without --counts never need

            document = json.loads(data)
        except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError too
            raise unusable("not a saved count (not JSON; save one with -f json -n 0)") from None
        del data
        if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
            raise unusable("not a saved count (save one with -f json -n 0)")
        version = document.get("version")
        if version != FORMAT_VERSION:
            raise unusable(
                f"a saved count of version {version!r}; this wordcount reads version "
                f"{FORMAT_VERSION}"
            )
        saved_options = document.get("word_options")
        if not isinstance(saved_options, dict) or saved_options.keys() not in _RECORDED_OPTIONS:
            raise unusable("not a saved count (its word options are not recorded)")
        if word_options is not None and saved_options != word_options:
            saved = describe(saved_options)
            raise unusable(
                f"its words were counted with {saved}, this run's with "
                f"{describe(word_options)}; give the same options"
            )
        if document.get("every_word") is not True:
            raise unusable(
                "not a complete saved count (--stopwords, --min-length or --min-count left "
                "words out of it); save every word, with -n 0 and none of them"
            )
        try:
            counts, files = _complete_counts(document)
            wants_files = by_file or (by_file is None and "by_file" in document)
            saved_by_file = _by_file(document, counts) if wants_files else None
        except ValueError as problem:
            raise unusable(f"not a complete saved count ({problem})") from None
    return SavedCounts(counts, files, saved_by_file), saved_options


def _complete_counts(document: dict[str, Any]) -> tuple[Counter[str], int]:
    """The words and the files of a saved count, which must add up to its totals."""
    counts = _counts(document.get("top"))
    total_words, unique_words, files = _totals(document)
    if len(counts) != unique_words:
        raise ValueError(
            f"it holds {len(counts):,} of its {unique_words:,} words; save every word, with -n 0"
        )
    if sum(counts.values()) != total_words:
        raise ValueError(
            f"its words add up to {sum(counts.values()):,}, not its total of {total_words:,}"
        )
    return counts, files


def _totals(document: dict[str, Any]) -> tuple[int, int, int]:
    totals = [document.get(name) for name in ("total_words", "unique_words", "files")]
    if not all(type(total) is int and total >= 0 for total in totals):
        raise ValueError("its totals are not counts")
    total_words, unique_words, files = totals
    return total_words, unique_words, files  # type: ignore[return-value]


def _counts(rows: object) -> Counter[str]:
    if not isinstance(rows, list):
        raise ValueError("no top list")
    counts: Counter[str] = Counter()
    try:
        dict.update(counts, map(_WORD_AND_COUNT, rows))  # in C: no Python call per word
    except (KeyError, TypeError, IndexError):
        raise ValueError("a top entry is not a word and a count") from None
    if counts and (
        not set(map(type, counts)) <= {str}
        or not _all_ints(counts.values())
        or min(counts.values()) < 1
        or max(counts.values()) > MAX_COUNT
    ):
        raise ValueError("a top entry is not a word and a count")
    return counts


# A count beyond this is no count of real text, and would overflow the float arithmetic of
# --stats and the keyword measures: 10^18 words is an exabyte of text.
MAX_COUNT = 10**18


def _all_ints(values: object) -> bool:
    # type() rather than isinstance: True is an int, but no count.
    return set(map(type, values)) <= {int}  # type: ignore[call-overload]


def _by_file(document: dict[str, Any], top: Counter[str]) -> list[tuple[str, Counter[str]]]:
    entries = document.get("by_file")
    if not isinstance(entries, list):
        raise ValueError("saved without --by-file, so its files' own counts are not in it")
    by_file = []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            raise ValueError("a by_file entry is not a file and its words")
        by_file.append((entry["file"], _counts(entry.get("top"))))
    added_up: Counter[str] = Counter()
    for _, counts in by_file:
        added_up.update(counts)
    if dict(added_up) != dict(top):  # dict: Counter compares in Python, word by word
        raise ValueError("its files' words do not add up to its words; save with -n 0")
    return by_file


@contextmanager
def _no_garbage_collection() -> Iterator[None]:
    """Millions of new dicts and tuples, none of them garbage: without this, the collector
    walks them all again and again as they are made."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
