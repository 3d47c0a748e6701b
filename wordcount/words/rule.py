"""The default word rule, stated once.

    bytes ─▶ UTF-8 text (a leading BOM is not text)
          ─▶ ’ (U+2019), ʼ (U+02BC) and ´ (U+00B4) written as '
             ─▶ NFKC, but for Thai ำ (U+0E33), Lao ຳ (U+0EB3) and the Hangul
                compatibility jamo (U+3131-U+318E), which stay as written
             ─▶ str.lower(), with İ (U+0130) as i  (not with --case-sensitive)
          ─▶ words: a word starts at a letter or number (categories L*, N*) and runs on
             through letters, marks and numbers (L*, M*, N*), where a single apostrophe,
             ZWJ (U+200D) or ZWNJ (U+200C) between two such characters stays inside it;
             marks where no word has started (a variation selector after an emoji, a
             mark after a space) belong to what came before, and are in no word

Step 2 (the three lines in the middle) is `normalize`, which every rule applies
(--segment icu and --pattern too), so that each reads the text alike.

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
RULE_VERSION = 3

BOM = "\ufeff"
APOSTROPHE = "'"
# Written for the apostrophe in real text: the curly one (U+2019), the modifier letter
# (U+02BC, Ukrainian and Belarusian orthography), and the acute accent (U+00B4), which
# NFKC would make a space and a combining acute, cutting don´t in two.
APOSTROPHES_AS_WRITTEN = ("\u2019", "\u02bc", "\u00b4")
# Persian and the Indic scripts write these inside words (می‌خواهم, क्‍ष).
ZERO_WIDTH_JOINER = "\u200d"
ZERO_WIDTH_NON_JOINER = "\u200c"
JOINERS = frozenset((APOSTROPHE, ZERO_WIDTH_JOINER, ZERO_WIDTH_NON_JOINER))
# NFKC would write Thai ำ and Lao ຳ as two characters (ํ + า, ໍ + າ), a spelling no text
# uses, and the Hangul compatibility jamo (ㅋ, what Korean text writes alone) as the
# conjoining jamo that only spell syllables. All are starters that nothing composes with,
# so leaving them out of NFKC changes nothing around them.
_KEPT_AS_WRITTEN = re.compile("([\u0e33\u0eb3\u3131-\u318e])")


# The halfwidth Hangul letters (ﾡ, U+FFA1) are the same letters in a narrow form: NFKC
# makes them conjoining jamo too, so they are written as the compatibility jamo of the
# same name instead (ﾡﾡﾡ is ㄱㄱㄱ), as NFKC makes any other halfwidth form its usual one.
# Built on first use: only text that NFKC changes needs it, and every run imports this.
@functools.cache
def _halfwidth_hangul() -> dict[int, str]:
    return {
        code_point: unicodedata.lookup(unicodedata.name(chr(code_point)).removeprefix("HALFWIDTH "))
        for code_point in range(0xFFA0, 0xFFDD)
        if unicodedata.category(chr(code_point)) == "Lo"
    }


# str.lower() makes İ an i and a combining dot above (U+0307), a word apart from the same
# word written with i; Turkish and Azeri, which write İ, lowercase it to i.
CAPITAL_I_WITH_DOT = "\u0130"

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


# Matched against a string of character classes ("w" letter or number, "m" mark, "'"
# joiner, " " other), so that the exact Unicode categories decide, not re's own idea of \w.
_CLASSIFIED_WORD = re.compile(r"w[wm]*(?:'[wm]+)*")
_CLASS_OF_CATEGORY = {"L": "w", "N": "w", "M": "m"}


def normalize(text: str, *, case_sensitive: bool = False) -> str:
    """Step 2 of the rule: the apostrophes as ', NFKC but for the characters kept as
    written, then lowercase (not with --case-sensitive) with İ as i; again until that
    changes nothing. Once is not always enough: lowercasing can undo NFKC (İ and U+0301
    lowercase to i and U+0301, which NFKC writes í), and NFKC can make what the step
    changes (ŉ is ʼn, ᴬ is A). So every word the rule gives is its own normalization,
    as the check of a saved count's words needs."""
    while True:
        normalized = _normalized_once(text, case_sensitive)
        if normalized == text:
            return text
        text = normalized


def _normalized_once(text: str, case_sensitive: bool) -> str:
    text = with_ascii_apostrophes(text)
    text = compatibility_form(text)
    if not case_sensitive:
        text = lowercase(text)
    return text


def with_ascii_apostrophes(text: str) -> str:
    for apostrophe in APOSTROPHES_AS_WRITTEN:
        text = text.replace(apostrophe, APOSTROPHE)
    return text


def compatibility_form(text: str) -> str:
    """NFKC, but for the characters kept as written: NFKC applied to the text between them."""
    if unicodedata.is_normalized("NFKC", text):  # so it holds none of them: NFKC changes each
        return text
    text = text.translate(_halfwidth_hangul())
    pieces = _KEPT_AS_WRITTEN.split(text)  # the characters kept at the odd places
    pieces[::2] = [unicodedata.normalize("NFKC", piece) for piece in pieces[::2]]
    return "".join(pieces)


def lowercase(text: str) -> str:
    return text.replace(CAPITAL_I_WITH_DOT, "i").lower()


def is_word_char(char: str) -> bool:
    return unicodedata.category(char)[0] in "LMN"


def starts_word(char: str) -> bool:
    return unicodedata.category(char)[0] in "LN"


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
        if start is None:
            if starts_word(char):
                start = index
        elif is_word_char(char) or (
            char in JOINERS and index < last and is_word_char(text[index + 1])
        ):
            continue
        else:
            words.append(text[start:index])
            start = None
    if start is not None:
        words.append(text[start:])
    return words


def split_normalized(text: str) -> list[str]:
    """Step 3 of the rule, for text that has been through `normalize` already."""
    if text.isascii():
        return _ASCII_WORD.findall(text)
    if text.isalnum():  # letters and numbers only (str.isalnum is exactly L* and N*)
        return [text]
    classes = "".join(
        "'" if char in JOINERS else _CLASS_OF_CATEGORY.get(unicodedata.category(char)[0], " ")
        for char in text
    )
    return [text[match.start() : match.end()] for match in _CLASSIFIED_WORD.finditer(classes)]
