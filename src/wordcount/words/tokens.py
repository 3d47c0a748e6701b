"""The fast path of the word rule: byte chunks in, word counts out.

    chunk, 16 KiB at a time ──bytes.translate──▶ every safe separator byte becomes b" "
                            ──bytes.split──────▶ raw tokens ──Counter (C)──▶ {raw token: n}
    {raw token: n} ──the rule, once per distinct raw token──▶ {word: n}

A raw token is a maximal run of bytes that are not safe separators. Cutting the text at a
safe separator changes nothing the rule would see, so the rule can be applied to each
distinct raw token on its own, once, however often the token occurs. A safe separator is
an ASCII byte that is not a letter, digit or apostrophe, that NFKC never composes with a
neighbour, and that str.lower()'s final-sigma rule does not look through (it is not
"case-ignorable"). Full stop, colon, caret and backtick are case-ignorable, and < = >
compose with U+0338, so those stay inside raw tokens and the rule splits them out.
tests/test_tokens.py derives the set from the Unicode database and checks it here.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from wordcount.words.rule import ASCII_WORD_PATTERN, normalize, split_normalized

NOT_SAFE_TO_SPLIT_AT = b"'.:^`<=>"
SAFE_SEPARATORS = bytes(
    byte for byte in range(128) if not chr(byte).isalnum() and byte not in NOT_SAFE_TO_SPLIT_AT
)
_SEPARATORS_TO_SPACE = bytes.maketrans(SAFE_SEPARATORS, b" " * len(SAFE_SEPARATORS))
_SPACE = 0x20
# For a raw token that is all ASCII the rule reduces to its ASCII step on the lowercased
# bytes (NFKC leaves ASCII alone, and there is no curly apostrophe or sigma to care about),
# and without an apostrophe, to the runs of letters and digits.
_ASCII_WORD = re.compile(ASCII_WORD_PATTERN.encode("ascii"))
_NOT_ALNUM = bytes(byte for byte in range(128) if not chr(byte).isalnum())
_NOT_ALNUM_TO_SPACE = bytes.maketrans(_NOT_ALNUM, b" " * len(_NOT_ALNUM))
# Quotes and dashes that English text puts next to ASCII words. In a token whose other
# characters are ASCII the rule reads them as the ASCII below: NFKC leaves all of them
# alone, none is a letter, and with no Greek sigma in such a token the case-ignorable
# curly quotes change nothing; U+2019 is the rule's apostrophe.
QUOTES_AS_ASCII = str.maketrans(
    {"\u2018": " ", "\u2019": "'", "\u201c": " ", "\u201d": " ", "\u2013": " ", "\u2014": " "}
)

# A run of this many bytes with no safe separator is cut at the last place inside it
# where cutting is exact (see _EXACT_CUT), so memory stays bounded on text without
# spaces. 1 MiB is far beyond any real word and small next to the memory budget.
MAX_RUN_BYTES = 1 << 20

# Inside a long run, cutting just before `< = >` is exact (they are starters that only
# compose forwards, and they end any final-sigma context), and so is cutting before a
# full stop, colon, caret or backtick that stands between two ASCII bytes that are not
# case-ignorable, since
# then no Greek capital sigma can see across the cut.
_NOT_IGNORABLE_ASCII = rb"[\x00-\x26\x28-\x2d\x2f-\x39\x3b-\x5d\x5f\x61-\x7f]"
_EXACT_CUT = re.compile(
    rb"[<=>]|(?<=" + _NOT_IGNORABLE_ASCII + rb")[.:^`](?=" + _NOT_IGNORABLE_ASCII + rb")"
)

# Chunks are split into tokens and counted this many bytes at a time: the token list of a
# slice (about 2,700 objects) stays in the core's cache between bytes.split creating it
# and Counter counting it. 43 MB of English counted in 0.75 s in 16 KiB slices against
# 0.83 s in 256 KiB ones; below 8 KiB the per-slice overhead eats the gain.
SLICE_BYTES = 16 << 10

# Distinct raw tokens seen recently, with their words as UTF-8: real text repeats its
# vocabulary across units, so a worker converts most raw tokens once per process, not once
# per unit. 200,000 entries of short tokens stay within about 40 MB.
_CACHE_LIMIT = 200_000
_CACHEABLE_TOKEN_BYTES = 64
# One cache per case mode: False for the default rule, True for --case-sensitive.
_words_caches: dict[bool, dict[bytes, tuple[bytes, ...]]] = {False: {}, True: {}}

# cp1252 leaves five bytes undefined; read as Latin-1 they become C1 controls, which the
# rule treats as separators, so every byte sequence decodes.
_CP1252_OVER_LATIN1 = {
    byte: bytes([byte]).decode("cp1252")
    for byte in range(0x80, 0xA0)
    if byte not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}


def forget_converted_tokens() -> None:
    """Empty this process's cache of converted raw tokens, as in a process just started."""
    for cache in _words_caches.values():
        cache.clear()


def first_safe_separator(data: bytes) -> int:
    """Index of the first safe separator byte in data, or -1."""
    return data.translate(_SEPARATORS_TO_SPACE).find(b" ")


def decode_cp1252(raw: bytes) -> str:
    return raw.decode("latin-1").translate(_CP1252_OVER_LATIN1)


def words_of_text(text: str, *, case_sensitive: bool = False) -> list[str]:
    return split_normalized(normalize(text, case_sensitive=case_sensitive))


@dataclass
class WordCounts:
    """Counts keyed by the word's UTF-8 bytes: byte order is code point order, so ranking
    needs no decoding, and the commonest raw tokens (ASCII letters and digits) need only
    bytes.lower()."""

    counts: dict[bytes, int]
    # Some raw token was not valid UTF-8 and was read as cp1252 instead.
    saw_invalid_utf8: bool


def _ascii_words(raw: bytes, case_sensitive: bool) -> list[bytes]:
    """The words of a raw token that is all ASCII."""
    if not case_sensitive:
        raw = raw.lower()
    if b"'" in raw:
        return _ASCII_WORD.findall(raw)
    return raw.translate(_NOT_ALNUM_TO_SPACE).split()


def _words_of_raw_token(raw: bytes, case_sensitive: bool) -> tuple[tuple[bytes, ...], bool]:
    """The words of one raw token as UTF-8, and whether the token was valid UTF-8."""
    if raw.isascii():
        return tuple(_ascii_words(raw, case_sensitive)), True
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text, valid = decode_cp1252(raw), False
    else:
        valid = True
        ascii_text = text.translate(QUOTES_AS_ASCII)
        if ascii_text.isascii():  # "‘Well", "don’t": quotes around ASCII words
            return tuple(_ascii_words(ascii_text.encode(), case_sensitive)), True
    words = words_of_text(text, case_sensitive=case_sensitive)
    return tuple(word.encode() for word in words), valid


def words_of_raw_token(
    raw: bytes, *, case_sensitive: bool = False
) -> tuple[tuple[bytes, ...], bool]:
    """The words of one raw token as UTF-8, and whether it was valid UTF-8: the rule, once
    per distinct token, as word_counts applies it."""
    cache = _words_caches[case_sensitive]
    token_words = cache.get(raw)
    if token_words is not None:
        return token_words, True
    token_words, valid_utf8 = _words_of_raw_token(raw, case_sensitive)
    # An invalid token is not cached, so that every unit holding it reports it.
    if valid_utf8 and len(raw) <= _CACHEABLE_TOKEN_BYTES:
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        cache[raw] = token_words
    return token_words, valid_utf8


def word_counts(raw_counts: Counter[bytes], *, case_sensitive: bool = False) -> WordCounts:
    """Apply the rule once per distinct raw token, weighting its words by its count.

    Every worker converts its whole vocabulary, so this runs in full on each of them; the
    two commonest kinds of token are converted inline, without a call or the cache.
    """
    words: dict[bytes, int] = {}
    get = words.get
    saw_invalid_utf8 = False
    for raw, count in raw_counts.items():
        if raw.isalnum():  # ASCII letters and digits only: the rule reduces to lowercasing
            word = raw if case_sensitive or raw.islower() or raw.isdigit() else raw.lower()
            words[word] = get(word, 0) + count
            continue
        if raw.isascii():  # "end.", "3.14", "don't": cheaper than a lookup in the cache
            for word in _ascii_words(raw, case_sensitive):
                words[word] = get(word, 0) + count
            continue
        token_words, valid_utf8 = words_of_raw_token(raw, case_sensitive=case_sensitive)
        if not valid_utf8:
            saw_invalid_utf8 = True
        for word in token_words:
            words[word] = get(word, 0) + count
    return WordCounts(words, saw_invalid_utf8)


class TextCounter:
    """The default rule's counter: the words of texts that arrive as byte chunks of any size.

    Call `feed` with consecutive chunks of one text and `end_text` after its last chunk;
    then the next text may start. A token never spans two texts. Raw tokens are counted
    as they come; `take_counts` converts them into words, once per distinct raw token.
    """

    def __init__(
        self,
        *,
        case_sensitive: bool = False,
        max_run_bytes: int = MAX_RUN_BYTES,
        slice_bytes: int = SLICE_BYTES,
    ) -> None:
        self.case_sensitive = case_sensitive
        self.max_run_bytes = max_run_bytes
        self.slice_bytes = slice_bytes
        self.raw_counts: Counter[bytes] = Counter()
        self._skipped_runs = 0
        self._carry = b""
        self._skipping_run = False

    def feed(self, chunk: bytes) -> None:
        slice_bytes = self.slice_bytes
        if len(chunk) <= slice_bytes:
            self._feed_slice(chunk)
            return
        for start in range(0, len(chunk), slice_bytes):
            self._feed_slice(chunk[start : start + slice_bytes])

    def _feed_slice(self, chunk: bytes) -> None:
        data = self._carry + chunk if self._carry else chunk
        spaced = data.translate(_SEPARATORS_TO_SPACE)
        if self._skipping_run:
            first_separator = spaced.find(b" ")
            if first_separator < 0:
                return
            self._skipping_run = False
            spaced = spaced[first_separator:]
        tokens = spaced.split()
        carry = tokens.pop() if tokens and spaced[-1] != _SPACE else b""
        self._add_tokens(tokens)
        self._carry = carry
        if len(carry) > self.max_run_bytes:
            self._cut_long_run()

    def end_text(self, following: Iterable[bytes] | None = None) -> int:
        """End the text; return how many runs in it were too long to count. (following,
        the rest of a file after a range, matters to n-grams only.)"""
        if self._carry:
            self._add_tokens([self._carry])
        self._carry = b""
        self._skipping_run = False
        skipped, self._skipped_runs = self._skipped_runs, 0
        return skipped

    def take_counts(self) -> WordCounts:
        """The words of every text ended since the last call."""
        converted = word_counts(self.raw_counts, case_sensitive=self.case_sensitive)
        self.raw_counts = Counter()
        return converted

    def _add_tokens(self, tokens: list[bytes]) -> None:
        """Complete raw tokens, in text order; counted here, kept in order by a subclass."""
        self.raw_counts.update(tokens)

    def _cut_long_run(self) -> None:
        run = self._carry
        cut = -1
        for match in _EXACT_CUT.finditer(run):
            cut = match.start()
        if cut > 0:
            head, self._carry = run[:cut], run[cut:]
            self._add_tokens([head])
        else:
            # One word longer than max_run_bytes: counting it exactly would need unbounded
            # memory, so it is skipped and reported, never silently truncated.
            self._carry = b""
            self._skipping_run = True
            self._skipped_runs += 1
