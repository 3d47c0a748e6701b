"""The default word rule, stated once.

    bytes ─▶ UTF-8 text (a leading BOM is not text)
          ─▶ NFKC ─▶ str.lower() ─▶ U+2019 ’ written as '
          ─▶ words: maximal runs of letters, marks and numbers (categories L*, M*, N*),
             where a single apostrophe, ZWJ (U+200D) or ZWNJ (U+200C) between two such
             characters stays inside the word; a run with no letter and no number
             (marks alone, such as a variation selector after an emoji) is no word

`reference_words` applies the rule to a whole text one character at a time. It is slow
and deliberately plain, because it is the specification: the fast path in `tokens.py`
must agree with it exactly, and the tests hold it to that.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Which rule this is: a count saved under another version holds other words, so it is
# refused (analysis.saved_counts). Raised whenever any input would give other words.
RULE_VERSION = 2

BOM = "\ufeff"
APOSTROPHE = "'"
# Persian and the Indic scripts write these inside words (می‌خواهم, क्‍ष).
ZERO_WIDTH_JOINER = "\u200d"
ZERO_WIDTH_NON_JOINER = "\u200c"
JOINERS = frozenset((APOSTROPHE, ZERO_WIDTH_JOINER, ZERO_WIDTH_NON_JOINER))
RIGHT_SINGLE_QUOTATION_MARK = "\u2019"

# Step 3 for text that is all ASCII, lowercased (the default) or not (--case-sensitive).
# tokens.py compiles the same pattern for bytes, so the rule has this one definition.
ASCII_WORD_PATTERN = r"[A-Za-z0-9]+(?:'[A-Za-z0-9]+)*"
_ASCII_WORD = re.compile(ASCII_WORD_PATTERN)
# Scripts written without spaces between words (Han, Hiragana, Katakana, Thai, Lao, Khmer,
# Myanmar). Step 3 takes a whole clause of them for one word, so a word holding four or
# more of their letters in a row, which in these scripts is almost always a phrase, earns
# the file a hint to use --segment icu, naming the script.
_UNSPACED_SCRIPT_RANGES = (
    ("Thai", "\u0e01-\u0e7f"),
    ("Lao", "\u0e80-\u0eff"),
    ("Burmese", "\u1000-\u109f\ua9e0-\ua9ff\uaa60-\uaa7f"),
    ("Khmer", "\u1780-\u17ff\u19e0-\u19ff"),
    ("Japanese", "\u3041-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f"),
    ("Han", "\u3005-\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"),
)
_UNSPACED_CHARS = "[" + "".join(ranges for _, ranges in _UNSPACED_SCRIPT_RANGES) + "]"
_UNSPACED_RUN = _UNSPACED_CHARS + "{4}"


def has_unspaced_run(text: str) -> bool:
    """Whether text holds such a run (the pattern is compiled on first use: 1.5 ms that a
    run of text in other scripts never needs)."""
    return _unspaced_run().search(text) is not None


def unspaced_scripts(text: str) -> frozenset[str]:
    """The scripts of the runs that has_unspaced_run finds in text: each run is named by
    its first script in _UNSPACED_SCRIPT_RANGES' order but Han, so that a run of kanji
    and kana is Japanese, and Han is named only for runs of Han alone (Chinese, or hanja
    in Korean text)."""
    if not has_unspaced_run(text):
        return frozenset()
    found = set()
    for run in _whole_unspaced_run().finditer(text):
        found.add(next(name for name, chars in _script_sets() if chars.search(run.group())))
    return frozenset(found)


@functools.cache
def _unspaced_run() -> re.Pattern[str]:
    return re.compile(_UNSPACED_RUN)


@functools.cache
def _whole_unspaced_run() -> re.Pattern[str]:
    return re.compile(_UNSPACED_CHARS + "{4,}")


@functools.cache
def _script_sets() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((name, re.compile(f"[{chars}]")) for name, chars in _UNSPACED_SCRIPT_RANGES)


# Matched against a string of character classes ("w" word, "'" joiner, " " other),
# so that the exact Unicode categories decide, not re's own idea of \w.
_CLASSIFIED_WORD = re.compile(r"w+(?:'w+)*")


def normalize(text: str, *, case_sensitive: bool = False) -> str:
    """Step 2 of the rule: NFKC, then lowercase (not with --case-sensitive), then the
    curly apostrophe as ASCII."""
    text = unicodedata.normalize("NFKC", text)
    if not case_sensitive:
        text = text.lower()
    return text.replace(RIGHT_SINGLE_QUOTATION_MARK, APOSTROPHE)


def is_word_char(char: str) -> bool:
    return unicodedata.category(char)[0] in "LMN"


def holds_letter_or_number(text: str) -> bool:
    # str.isalnum is exactly categories L* and N*.
    return any(char.isalnum() for char in text)


def reference_words(text: str, *, case_sensitive: bool = False) -> list[str]:
    """All words of a whole text, in order, by the rule applied literally."""
    text = normalize(text.removeprefix(BOM), case_sensitive=case_sensitive)
    words: list[str] = []
    start: int | None = None
    last = len(text) - 1
    for index, char in enumerate(text):
        if is_word_char(char):
            if start is None:
                start = index
        elif (
            char in JOINERS and start is not None and index < last and is_word_char(text[index + 1])
        ):
            continue
        elif start is not None:
            words.append(text[start:index])
            start = None
    if start is not None:
        words.append(text[start:])
    return [word for word in words if holds_letter_or_number(word)]


def split_normalized(text: str) -> list[str]:
    """Step 3 of the rule, for text that has been through `normalize` already."""
    if text.isascii():
        return _ASCII_WORD.findall(text)
    if text.isalnum():  # letters and numbers only (str.isalnum is exactly L* and N*)
        return [text]
    classes = "".join(
        "w" if is_word_char(char) else ("'" if char in JOINERS else " ") for char in text
    )
    words = (text[match.start() : match.end()] for match in _CLASSIFIED_WORD.finditer(classes))
    return [word for word in words if holds_letter_or_number(word)]
