"""Saved counts: the JSON that `wordcount -f json -n 0` writes, read back by --counts (and
--against-counts) as if its texts were counted again.

    {"format": "wordcount-counts", "version": 2, "word_options": {...},
     "every_word": true, "wordcount_version": str, "rule_version": int,
     ["icu_version": str,]                                 with --segment icu
     "total_words": int, "unique_words": int, "files": int,
     "top": [{"word": str, "count": int}, ...],            every word with -n 0
     "by_file": [{"file": str, "top": [...]}, ...]}        with --by-file

A saved count is complete when its top list holds unique_words words adding up to
total_words (so -n 10's is refused: it holds ten), and its by_file, where it has one,
holds files entries whose words add up to its own. word_options records what made a word
a word (--case-sensitive, --pattern, --ngrams, --segment; with --ngrams also the stop
words and --min-length, which leave the word sequence before n-grams are formed): a run
reads only saved counts whose words it would itself have counted, counted by this word
rule (and this ICU), and every saved word must be one those options give
(saved_words.py). Each refusal names what is wrong: the field and its value, or the word.

Loading is json.loads on the bytes and one dict build; the checks run over the values in
C (map, set, sum, min), never a Python loop per word but for the words that are not ASCII:
1,000,000 words load and are checked in seconds.
"""

from __future__ import annotations

import gc
import operator
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from importlib import import_module
from typing import Any, NamedTuple

from wordcount.exceptions import SavedCountsUnusable
from wordcount.words.rule import RULE_VERSION
from wordcount.words.segment import ICU_EXTRA_HINT, SEGMENTERS, icu_version

FORMAT_NAME = "wordcount-counts"
# 2: the wordcount, word rule and ICU that counted the words are recorded. A count of
# version 1 records none, so whether its words are this rule's cannot be known.
FORMAT_VERSION = 2

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
    """The fields that make -f json's document a saved count. every_word: the document
    holds every word counted, so that it can be one (formats.words.json_lines makes it
    false where -n leaves words out)."""
    # The package's own __version__ (importlib.metadata: read only here, 2 ms that other
    # formats never need), taken by name: the package imports this layer, so a plain
    # import of it from here would be an import circle.
    wordcount_version = import_module("wordcount").__version__
    recorded: dict[str, object] = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "word_options": dict(word_options),
        "every_word": every_word,
        # Which wordcount and which rule counted the words: a rule that counts other words
        # makes the count unusable (and so does another ICU, for --segment icu).
        "wordcount_version": wordcount_version,
        "rule_version": RULE_VERSION,
    }
    if word_options.get("segment") == "icu":
        recorded["icu_version"] = icu_version()
    return recorded


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
        # What leaves the sequence before n-grams form, said only where something does.
        stopwords = word_options.get("ngram_stopwords")
        if stopwords:
            count = len(stopwords) if isinstance(stopwords, list) else "?"
            parts.append(f"--stopwords ({count} words)")
        min_length = word_options.get("ngram_min_length")
        if min_length != 1:
            parts.append(f"--min-length {min_length}")
    return " ".join(parts) if parts else "the default word rule"


def load_saved_counts(
    path: str, *, word_options: WordOptions | None, by_file: bool | None
) -> tuple[SavedCounts, WordOptions]:
    """The saved count in path, checked, and the word options it was counted with;
    SavedCountsUnusable says why it cannot be used. word_options: what this run counts
    with, which the saved count's must equal; None takes the saved count's own. by_file:
    each file's counts are needed (True), or read where saved (None)."""
    try:
        with open(path, "rb") as file:
            data = file.read()
    except (OSError, ValueError) as problem:  # ValueError: a NUL in the name
        reason = problem.strerror if isinstance(problem, OSError) else None
        raise SavedCountsUnusable(path, f"cannot read it: {reason or problem}") from None
    with _no_garbage_collection():
        try:
            document = _saved_document(data)
            del data
            saved_options = _recorded_word_options(document, word_options)
            saved = _saved_counts(document, saved_options, by_file)
        except _Refusal as refusal:
            raise SavedCountsUnusable(path, str(refusal)) from None
    return saved, saved_options


class _Refusal(Exception):
    """Why a saved count cannot be used, as its refusal says it after the path."""


def _saved_document(data: bytes) -> dict[str, Any]:
    """The JSON document of a saved count of this version, counted by this word rule."""
    try:
        import json  # here: 1.3 ms that runs without --counts never need

        document = json.loads(data)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError too
        raise _Refusal("not a saved count (not JSON; save one with -f json -n 0)") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise _Refusal("not a saved count (save one with -f json -n 0)")
    version = document.get("version")
    if version == 1:
        raise _Refusal(
            "saved by an earlier wordcount, whose saved counts do not record the word rule "
            "their words were counted by: count the texts again"
        )
    if version != FORMAT_VERSION:
        raise _Refusal(
            f"a saved count of version {_shown(version)}; this wordcount reads version "
            f"{FORMAT_VERSION}"
        )
    if not isinstance(document.get("wordcount_version"), str):
        raise _Refusal("not a saved count (the wordcount that saved it is not recorded)")
    rule_version = document.get("rule_version")
    if type(rule_version) is not int:
        raise _Refusal("not a saved count (the word rule of its words is not recorded)")
    if rule_version != RULE_VERSION:
        raise _Refusal(
            f"saved under word rule {rule_version}; this wordcount counts by rule "
            f"{RULE_VERSION}: count the texts again"
        )
    return document


def _recorded_word_options(
    document: dict[str, Any], word_options: WordOptions | None
) -> WordOptions:
    """The saved count's word options, each of its type, and this run's (word_options)."""
    saved_options = document.get("word_options")
    if not isinstance(saved_options, dict) or saved_options.keys() not in _RECORDED_OPTIONS:
        raise _Refusal("not a saved count (its word options are not recorded)")
    problem = word_options_problem(saved_options)
    if problem is not None:
        raise _Refusal(f"not a saved count ({problem})")
    if word_options is not None and saved_options != word_options:
        raise _Refusal(
            f"its words were counted with {describe(saved_options)}, this run's with "
            f"{describe(word_options)}; give the same options"
        )
    if saved_options["segment"] == "icu":
        _check_icu(document.get("icu_version"))
    if document.get("every_word") is not True:
        raise _Refusal(
            "not a complete saved count (--stopwords, --min-length, --min-count or -n left "
            "words out of it); save every word, with -n 0 and none of them"
        )
    return saved_options


def _check_icu(saved: object) -> None:
    """ICU's words are the words of one ICU version: a count saved under another would
    not add up with this one's, so it is refused."""
    if not isinstance(saved, str):
        raise _Refusal("not a saved count (the ICU that cut its words is not recorded)")
    here = icu_version()
    if here is None:
        raise _Refusal(f"its words were cut by ICU {saved}; {ICU_EXTRA_HINT}")
    if here != saved:
        raise _Refusal(
            f"its words were cut by ICU {saved}, this wordcount's are cut by ICU {here}: "
            "count the texts again"
        )


def _saved_counts(
    document: dict[str, Any], word_options: WordOptions, by_file: bool | None
) -> SavedCounts:
    try:
        counts, files = _complete_counts(document)
        has_files = "by_file" in document
        # Checked wherever saved, so that no document with files that lie is ever read.
        saved_by_file = _by_file(document, counts, files) if by_file or has_files else None
    except ValueError as problem:
        raise _Refusal(f"not a complete saved count ({problem})") from None
    from wordcount.analysis.saved_words import first_bad_word  # here: only --counts needs it

    bad = first_bad_word(list(counts), **_rule_arguments(word_options))
    if bad is not None:
        raise _Refusal(
            f"holds {_shown(bad)}, which is no word of {describe(word_options)}; "
            "save counts only as wordcount writes them"
        )
    return SavedCounts(counts, files, saved_by_file if by_file is not False else None)


def _rule_arguments(word_options: WordOptions) -> dict[str, Any]:
    """first_bad_word's arguments for these (checked) word options."""
    return {
        "case_sensitive": word_options["case_sensitive"],
        "pattern": word_options["pattern"],
        "segment": word_options["segment"],
        "ngrams": word_options["ngrams"],
        "stopwords": frozenset(word_options.get("ngram_stopwords", ())),
        "min_length": word_options.get("ngram_min_length", 1),
    }


def word_options_problem(options: dict[str, Any]) -> str | None:
    """What is wrong with a word_options record whose keys are right, naming the field and
    its value; None if each holds what wordcount would have written."""
    ngrams = options["ngrams"]
    checks: list[tuple[str, bool, str]] = [
        ("case_sensitive", type(options["case_sensitive"]) is bool, "true or false"),
        ("pattern", options["pattern"] is None or _is_pattern(options["pattern"]), _A_PATTERN),
        ("segment", options["segment"] in (None, *SEGMENTERS), 'null or "icu"'),
        ("ngrams", type(ngrams) is int and ngrams >= 1, "a whole number from 1"),
    ]
    if "ngram_stopwords" in options:
        stopwords, min_length = options["ngram_stopwords"], options["ngram_min_length"]
        words = isinstance(stopwords, list) and all(isinstance(word, str) for word in stopwords)
        checks.append(("ngram_stopwords", words, "a list of words"))
        length = type(min_length) is int and min_length >= 1
        checks.append(("ngram_min_length", length, "a whole number from 1"))
    for name, holds, wanted in checks:
        if not holds:
            return f'its word option "{name}" is {_shown(options[name])}, not {wanted}'
    if (options.keys() == _WORD_OPTIONS) != (ngrams == 1):
        return "its n-gram options do not go with its --ngrams"
    if options["pattern"] is not None and (ngrams > 1 or options["segment"] is not None):
        return "--pattern goes with neither --ngrams nor --segment"
    return None


_A_PATTERN = "null or a regex that can match a word"


def _is_pattern(pattern: object) -> bool:
    from wordcount.words.pattern import check_pattern  # here: only --pattern counts need it

    return isinstance(pattern, str) and check_pattern(pattern) is None


def _shown(value: object) -> str:
    """A value as JSON writes it (so on one line, every control character escaped), a long
    string cut short: a saved word may be megabytes."""
    import json

    if isinstance(value, str) and len(value) > _SHOWN_CHARACTERS:
        start = json.dumps(value[:_SHOWN_CHARACTERS], ensure_ascii=True)[:-1]
        return f'{start}..." ({len(value):,} characters)'
    return json.dumps(value, ensure_ascii=True)


# Enough of a word to know it by, on the one line of a refusal.
_SHOWN_CHARACTERS = 60


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
    ):
        raise ValueError("a top entry is not a word and a count")
    if counts and max(counts.values()) > MAX_COUNT:  # a sum of saved counts can reach it
        raise ValueError("a count above 10^18, more words than any text holds")
    return counts


# A count beyond this is no count of real text, and would overflow the float arithmetic of
# --stats and the keyword measures: 10^18 words is an exabyte of text.
MAX_COUNT = 10**18


def _all_ints(values: object) -> bool:
    # type() rather than isinstance: True is an int, but no count.
    return set(map(type, values)) <= {int}  # type: ignore[call-overload]


def _by_file(
    document: dict[str, Any], top: Counter[str], files: int
) -> list[tuple[str, Counter[str]]]:
    entries = document.get("by_file")
    if not isinstance(entries, list):
        raise ValueError("saved without --by-file, so its files' own counts are not in it")
    if len(entries) != files:  # each file counted is one entry, a file counted twice two
        raise ValueError(f"it holds the counts of {len(entries):,} files, not its {files:,}")
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
