"""The words of a saved count, held to the rule its word options name: a saved word is
one that counting its own text under those options gives back, once and unchanged. So
`The` beside `the`, a decomposed `naïve`, an empty word, `two words` or a 5 MB run (the
rule skips runs over 1 MiB) are no saved words, and a count that holds one is refused.

    default rule ─▶ the ASCII words, one a line, through the rule's ASCII pattern at
                    once: each line must be one word, itself
                 └▶ the rest, one at a time: rule.normalize, then rule.split_normalized
    --segment icu ─▶ one at a time: segment.reference_segment_words
    --pattern ─▶ one a line, through the pattern's counter (words.pattern), each given
                 back once; where they are not, a thousand at a time, then one by one
    --ngrams N ─▶ N words joined by one space, each a word as above, none a stop word
                  or shorter than --min-length (the sequence n-grams are formed from)

The rule is never written again here: each path is the words layer's own statement of
it. One to a line, no word can join another or lose a part to it: a line end is no part
of a word under any rule. The ASCII words, most of any count, cost one pass of one
expression over all of them.
"""

from __future__ import annotations

import itertools
import operator
import re
from collections.abc import Callable

from wordcount.words.rule import ASCII_WORD_PATTERN, normalize, split_normalized
from wordcount.words.tokens import MAX_RUN_BYTES

# Words checked together by a pattern's counter before one by one: a group that fails
# is searched word by word, each with a counter of its own, so a group is kept small
# beside a count of millions and large beside the cost of starting a counter.
_GROUP = 1000

_ASCII_WORD = re.compile(ASCII_WORD_PATTERN)

# A check of words: the first that is no word of the rule, or None.
WordCheck = Callable[[list[str]], str | None]


def first_bad_word(
    words: list[str],
    *,
    case_sensitive: bool,
    pattern: str | None,
    segment: str | None,
    ngrams: int,
    stopwords: frozenset[str],
    min_length: int,
) -> str | None:
    """The first of words (in their order) that the word options could not have counted,
    or None when every one is a word of theirs."""
    first_bad: WordCheck
    if pattern is not None:
        first_bad = _pattern_check(pattern, case_sensitive)
    elif segment is not None:
        first_bad = _one_by_one(_icu_words(case_sensitive))
    else:
        first_bad = _default_rule_check(case_sensitive)
    if ngrams == 1:
        return first_bad(words)
    return _first_bad_ngram(words, ngrams, first_bad, stopwords, min_length)


def _default_rule_check(case_sensitive: bool) -> WordCheck:
    one_by_one = _one_by_one(
        lambda word: split_normalized(normalize(word, case_sensitive=case_sensitive))
    )

    def first_bad(words: list[str]) -> str | None:
        ascii_words = list(map(str.isascii, words))
        plain = list(itertools.compress(words, ascii_words))
        text = "\n".join(plain)
        if (
            _ASCII_WORD.findall(text) == plain
            and (case_sensitive or text == text.lower())
            and max(map(len, plain), default=0) <= MAX_RUN_BYTES
        ):
            # Each line gave itself, and only itself: the longest word could come from no
            # other line, nor the next longest, and so on. The rest need the whole rule.
            return one_by_one(list(itertools.compress(words, map(operator.not_, ascii_words))))
        return one_by_one(words)

    return first_bad


def _icu_words(case_sensitive: bool) -> Callable[[str], list[str]]:
    from wordcount.words.segment import reference_segment_words  # here: needs ICU

    return lambda word: reference_segment_words(word, case_sensitive=case_sensitive)


def _one_by_one(words_of: Callable[[str], list[str]]) -> WordCheck:
    """A check of each word by words_of, the words a rule finds in a text."""

    def first_bad(words: list[str]) -> str | None:
        for word in words:
            if not _fits_a_run(word) or words_of(word) != [word]:
                return word
        return None

    return first_bad


def _fits_a_run(word: str) -> bool:
    """Whether word is text, and no longer than the longest run the rule counts."""
    try:
        return len(word.encode()) <= MAX_RUN_BYTES
    except UnicodeEncodeError:  # a lone surrogate, which JSON can write: no text holds it
        return False


def _pattern_check(pattern: str, case_sensitive: bool) -> WordCheck:
    from wordcount.words.pattern import PatternCounter  # here: only --pattern needs it

    def all_given_back(words: list[str]) -> bool:
        if not all(map(_fits_a_run, words)):
            return False
        encoded = list(map(str.encode, words))
        counter = PatternCounter(pattern, case_sensitive=case_sensitive)
        counter.feed(b"\n".join(encoded))  # a line each: a match never spans lines
        counter.end_text()
        return counter.take_counts().counts == dict.fromkeys(encoded, 1)

    def first_bad(words: list[str]) -> str | None:
        if all_given_back(words):
            return None
        for start in range(0, len(words), _GROUP):
            group = words[start : start + _GROUP]
            if not all_given_back(group):
                for word in group:
                    if not all_given_back([word]):
                        return word
        return None  # each alone is a word: only the group, not the rule, joined them

    return first_bad


def _first_bad_ngram(
    ngrams: list[str],
    size: int,
    first_bad: WordCheck,
    stopwords: frozenset[str],
    min_length: int,
) -> str | None:
    """The first n-gram that is not size words joined by one space, each a word of the
    rule, no stop word and at least min_length characters long."""
    parts = list(map(str.split, ngrams, itertools.repeat(" ")))
    words = set(itertools.chain.from_iterable(parts))
    if (
        all(map(operator.eq, map(len, parts), itertools.repeat(size)))
        and first_bad(sorted(words)) is None
        and not words & stopwords
        and min(map(len, words), default=min_length) >= min_length
    ):
        return None
    for ngram, ngram_parts in zip(ngrams, parts, strict=True):
        if (
            len(ngram_parts) != size
            or first_bad(sorted(set(ngram_parts))) is not None  # "a a": a once, not twice
            or stopwords.intersection(ngram_parts)
            or min(map(len, ngram_parts)) < min_length
        ):
            return ngram
    return None
