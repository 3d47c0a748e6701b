"""Raw tokens into words: the rule applied once per distinct raw token.

    {raw token: n} ─▶ ASCII letters and digits: lowercased, inline
                   ─▶ other ASCII ("end.", "don't"): the rule's ASCII step, inline
                   ─▶ anything else: the full rule (rule.py), once per distinct token,
                      remembered across units in this process
                   ─▶ {word as UTF-8: n}, and what the rule met (TextFlags per text,
                      WordCounts' flags for all the texts of a take)

Counts stay keyed by the word's UTF-8 bytes: byte order is code point order, so ranking
needs no decoding until the end.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import NamedTuple

from wordcount.words.rule import (
    APOSTROPHE,
    APOSTROPHES_AS_WRITTEN,
    ASCII_WORD_PATTERN,
    normalize,
    split_normalized,
    unspaced_scripts,
)

# For a raw token that is all ASCII the rule reduces to its ASCII step on the lowercased
# bytes (NFKC leaves ASCII alone, and there is no other apostrophe or sigma to care about),
# and without an apostrophe, to the runs of letters and digits.
_ASCII_WORD = re.compile(ASCII_WORD_PATTERN.encode("ascii"))
_NOT_ALNUM = bytes(byte for byte in range(128) if not chr(byte).isalnum())
_NOT_ALNUM_TO_SPACE = bytes.maketrans(_NOT_ALNUM, b" " * len(_NOT_ALNUM))
# Quotes and dashes that English text puts next to ASCII words, and the apostrophes as
# written. In a token whose other characters are ASCII the rule reads them as the ASCII
# below: the apostrophes become its ' before anything else; NFKC leaves the others alone,
# none is a letter, and with no Greek sigma in such a token the case-ignorable curly
# quotes change nothing.
QUOTES_AS_ASCII = str.maketrans(
    {
        **dict.fromkeys(APOSTROPHES_AS_WRITTEN, APOSTROPHE),
        **dict.fromkeys(("\u2018", "\u201c", "\u201d", "\u2013", "\u2014"), " "),
    }
)

# Distinct raw tokens seen recently, with their words as UTF-8: real text repeats its
# vocabulary across units, so a worker converts most raw tokens once per process, not once
# per unit. 200,000 entries of short tokens stay within about 40 MB.
_CACHE_LIMIT = 200_000
_CACHEABLE_TOKEN_BYTES = 64
# One cache per case mode: False for the default rule, True for --case-sensitive.
_words_caches: dict[bool, dict[bytes, ConvertedToken]] = {False: {}, True: {}}

# cp1252 leaves five bytes undefined; read as Latin-1 they become C1 controls, which the
# rule treats as separators, so every byte sequence decodes.
_CP1252_OVER_LATIN1 = {
    byte: bytes([byte]).decode("cp1252")
    for byte in range(0x80, 0xA0)
    if byte not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}


class WordCounts(NamedTuple):
    """Counts keyed by the word's UTF-8 bytes."""

    counts: dict[bytes, int]
    # Some raw token was not valid UTF-8 and was read as cp1252 instead.
    saw_invalid_utf8: bool
    # The scripts written without spaces that some word was a run of (rule.unspaced_scripts).
    saw_unspaced_scripts: frozenset[str] = frozenset()


class TextFlags(NamedTuple):
    """What the rule met in one text (a file, a range of one, a stream): a counter's
    last_text after end_text, so that the worker names the file without reading it again."""

    # Some raw token was not valid UTF-8 and was read as cp1252 instead.
    invalid_utf8: bool = False
    # The scripts written without spaces that some word was a run of (rule.unspaced_scripts).
    unspaced_scripts: frozenset[str] = frozenset()

    def combined_with(self, other: TextFlags) -> TextFlags:
        """Met in either: the flags of two texts as one."""
        return TextFlags(
            self.invalid_utf8 or other.invalid_utf8, self.unspaced_scripts | other.unspaced_scripts
        )


NO_FLAGS = TextFlags()


class FilesOneByOne:
    """For a counter with no path of its own for whole small files: the engine reads each
    one and feeds it (a WordCounter's count_files says None)."""

    def count_files(
        self,
        paths: list[str],
        max_bytes: int,
        *,
        binary_as_text: bool,
        special_first_bytes: bytes,
    ) -> list[FileCounted | int | None] | None:
        """None: this counter has no path of its own for whole small files."""
        return None


class FileCounted(NamedTuple):
    """A small file that a counter's count_files counted, as a text of its own."""

    size: int
    # (st_size, st_mtime_ns, st_ino) of the file read, as fstat said while it was open:
    # the engine compares it with the one planned (sources.identity).
    identity: tuple[int, int, int]
    # What the rule met in it (as a counter's last_text after end_text).
    met: TextFlags


def flags_of(
    raw_tokens: Iterable[bytes],
    convert: Callable[..., ConvertedToken],
    *,
    case_sensitive: bool,
) -> TextFlags:
    """What the rule (convert: converted_raw_token, or --segment icu's) meets in these raw
    tokens; only those holding a byte >= 0x80 can be invalid or of an unspaced script."""
    invalid_utf8 = False
    scripts: frozenset[str] = frozenset()
    for raw in raw_tokens:
        if not raw.isascii():
            converted = convert(raw, case_sensitive=case_sensitive)
            invalid_utf8 |= not converted.valid_utf8
            scripts |= converted.unspaced_scripts
    return TextFlags(invalid_utf8, scripts)


class ConvertedToken(NamedTuple):
    """The words of one raw token as UTF-8, and what the rule met in it."""

    words: tuple[bytes, ...]
    valid_utf8: bool = True
    unspaced_scripts: frozenset[str] = frozenset()


def forget_converted_tokens() -> None:
    """Empty this process's cache of converted raw tokens, as in a process just started."""
    for cache in _words_caches.values():
        cache.clear()


def decode_cp1252(raw: bytes) -> str:
    return raw.decode("latin-1").translate(_CP1252_OVER_LATIN1)


def words_of_text(text: str, *, case_sensitive: bool = False) -> list[str]:
    return split_normalized(normalize(text, case_sensitive=case_sensitive))


def ascii_words(raw: bytes, *, case_sensitive: bool) -> list[bytes]:
    """The words of a raw token that is all ASCII."""
    if not case_sensitive:
        raw = raw.lower()
    if b"'" in raw:
        return _ASCII_WORD.findall(raw)
    return raw.translate(_NOT_ALNUM_TO_SPACE).split()


def _converted(raw: bytes, case_sensitive: bool) -> ConvertedToken:
    if raw.isascii():
        return ConvertedToken(tuple(ascii_words(raw, case_sensitive=case_sensitive)))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text, valid = decode_cp1252(raw), False
    else:
        valid = True
        ascii_text = text.translate(QUOTES_AS_ASCII)
        if ascii_text.isascii():  # "‘Well", "don’t", "don´t": quotes around ASCII words
            return ConvertedToken(
                tuple(ascii_words(ascii_text.encode(), case_sensitive=case_sensitive))
            )
    words = words_of_text(text, case_sensitive=case_sensitive)
    scripts = frozenset().union(*(unspaced_scripts(word) for word in words))
    return ConvertedToken(tuple(word.encode() for word in words), valid, scripts)


def converted_raw_token(raw: bytes, *, case_sensitive: bool = False) -> ConvertedToken:
    """The rule, once per distinct raw token, as word_counts applies it."""
    return remembered(_words_caches[case_sensitive], raw, _converted, case_sensitive)


def remembered(
    cache: dict[bytes, ConvertedToken],
    raw: bytes,
    convert: Callable[[bytes, bool], ConvertedToken],
    case_sensitive: bool,
) -> ConvertedToken:
    """convert(raw, case_sensitive), from the cache if it is there, kept if it may be."""
    converted = cache.get(raw)
    if converted is not None:
        return converted
    converted = convert(raw, case_sensitive)
    # An invalid token is not cached, so that every unit holding it reports it.
    if converted.valid_utf8 and len(raw) <= _CACHEABLE_TOKEN_BYTES:
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        cache[raw] = converted
    return converted


def words_of_raw_token(
    raw: bytes, *, case_sensitive: bool = False
) -> tuple[tuple[bytes, ...], bool]:
    """The words of one raw token as UTF-8, and whether it was valid UTF-8."""
    converted = converted_raw_token(raw, case_sensitive=case_sensitive)
    return converted.words, converted.valid_utf8


def word_counts(raw_counts: Mapping[bytes, int], *, case_sensitive: bool = False) -> WordCounts:
    """Apply the rule once per distinct raw token, weighting its words by its count.

    Every worker converts its whole vocabulary, so this runs in full on each of them; the
    two commonest kinds of token are converted inline, without a call or the cache.
    """
    words: dict[bytes, int] = {}
    get = words.get
    others: dict[bytes, int] = {}
    for raw, count in raw_counts.items():
        if raw.isalnum():  # ASCII letters and digits only: the rule reduces to lowercasing
            word = raw if case_sensitive or raw.islower() or raw.isdigit() else raw.lower()
            words[word] = get(word, 0) + count
        elif raw.isascii():  # "end.", "3.14", "don't": cheaper than a lookup in the cache
            for word in ascii_words(raw, case_sensitive=case_sensitive):
                words[word] = get(word, 0) + count
        else:
            others[raw] = count
    return with_non_ascii_tokens(words, others, case_sensitive=case_sensitive)


def with_non_ascii_tokens(
    words: dict[bytes, int], raw_counts: Mapping[bytes, int], *, case_sensitive: bool
) -> WordCounts:
    """words, with the words of raw tokens that hold non-ASCII bytes added in place."""
    get = words.get
    saw_invalid_utf8 = False
    saw_unspaced_scripts: frozenset[str] = frozenset()
    for raw, count in raw_counts.items():
        converted = converted_raw_token(raw, case_sensitive=case_sensitive)
        saw_invalid_utf8 |= not converted.valid_utf8
        saw_unspaced_scripts |= converted.unspaced_scripts
        for word in converted.words:
            words[word] = get(word, 0) + count
    return WordCounts(words, saw_invalid_utf8, saw_unspaced_scripts)
