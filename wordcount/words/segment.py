"""--segment icu: words found by ICU's word break iterator, for scripts written without
spaces between words (Chinese, Japanese, Thai, Lao, Khmer, Burmese) and UAX #29 elsewhere.

    chunks ─▶ raw tokens: runs of bytes that are not ASCII whitespace, counted
              (by the kernel's Scanner.count_split, or bytes.split and Counter)
    {raw token: n} ─▶ all ASCII: UAX #29's rules for ASCII, in one regex, inline
                   ─▶ others, once per distinct token: decoded (cp1252 where not UTF-8),
                      the rule's apostrophes as ', ICU's word segments of the text so
                      written, each then normalized by the rule (NFKC but for the
                      characters it keeps as written, lowercase); a segment that NFKC
                      changed (ﬁ, ⑴, ㏂) is segmented again as it now reads
                   ─▶ the segments that hold a letter or a number ─▶ {word as UTF-8: n}

ICU sees the text as written, so that its dictionaries meet the spellings they hold (NFKC
would write Thai ำ as two characters, and ICU would cut สำหรับ and ทำงาน wrongly). Only
the apostrophes are written as the rule writes them first, so that don´t is one word, as
don’t is. Each segment is lowercased alone: a capital sigma at a segment's end is final.

ICU puts a word boundary on both sides of ASCII whitespace, and none of its rules, nor its
dictionaries, looks across one; the rule's normalization does not either. So the words of
each distinct raw token, segmented alone, are exactly the words of the whole text
segmented at once, and ICU (about 9 MB/s) runs once per distinct token instead of over
every byte. tests/test_segment.py holds this to segmenting whole texts.

A run of more than MAX_RUN_BYTES without ASCII whitespace is skipped and reported, as the
default rule skips a run it cannot cut: ICU leaves no place inside such a run where
cutting is known to change nothing.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from itertools import filterfalse

from wordcount.words.conversion import (
    NO_FLAGS,
    ConvertedToken,
    FilesOneByOne,
    TextFlags,
    WordCounts,
    decode_cp1252,
    remembered,
)
from wordcount.words.native import SCANNER
from wordcount.words.rule import (
    compatibility_form,
    holds_letter_or_number,
    lowercase,
    with_ascii_apostrophes,
)
from wordcount.words.tokens import MAX_RUN_BYTES, SLICE_BYTES

SEGMENTERS = ("icu",)
ICU_EXTRA_HINT = "--segment icu needs ICU: pip install 'wordcount-parallel[icu]'"
# How the dynamic loader says that it could not map a library into memory (as in
# cli/launch.py): ICU is installed, but there is no room to load it.
_LOADER_OUT_OF_MEMORY = ("failed to map segment", "Cannot allocate memory")

# As in conversion.py: real text repeats its vocabulary across units, so each worker
# segments most distinct tokens once per process.
_words_caches: dict[bool, dict[bytes, ConvertedToken]] = {False: {}, True: {}}


def icu_version() -> str | None:
    """The version of the ICU that --segment icu uses, or None without the extra;
    MemoryError where it is installed but memory ran out loading it."""
    try:
        from icu4py import icu_version as version
    except MemoryError:
        raise MemoryError("while starting ICU (--segment icu)") from None
    except ImportError as failure:
        if any(sign in str(failure) for sign in _LOADER_OUT_OF_MEMORY):
            raise MemoryError("while starting ICU (--segment icu)") from None
        return None
    return str(version)


@functools.cache
def _word_breaker() -> Callable[[str, str], Iterable[str]]:
    from icu4py.breakers import WordBreaker

    return WordBreaker


def segment_words(text: str, *, case_sensitive: bool = False) -> list[str]:
    """The words of text as written under --segment icu: ICU's word segments, each
    normalized by the rule, that hold a letter or a number."""
    words: list[str] = []
    for segment in _segments(with_ascii_apostrophes(text)):
        compatible = compatibility_form(segment)
        pieces = [compatible] if compatible == segment else _segments(compatible)
        for piece in pieces:
            if holds_letter_or_number(piece):
                words.append(piece if case_sensitive else lowercase(piece))
    return words


def _segments(text: str) -> list[str]:
    return list(_word_breaker()(text, "")) if text else []


def reference_segment_words(text: str, *, case_sensitive: bool = False) -> list[str]:
    """All words of a whole text under --segment icu, segmenting it at once: the
    specification that the per-token path must match."""
    return segment_words(text.removeprefix("\ufeff"), case_sensitive=case_sensitive)


def forget_segmented_tokens() -> None:
    """Empty this process's cache of segmented raw tokens, as in a process just started."""
    for cache in _words_caches.values():
        cache.clear()


# ICU's segments of an all-ASCII token, by UAX #29's rules for ASCII: letters, digits and
# _ hold together (WB5, WB8-10, WB13a-b); : . ' join two letters (WB6-7), and , ; . ' two
# digits (WB11-12); everything else separates. tests/test_segment.py holds this to ICU.
_ASCII_SEGMENT = re.compile(
    rb"[A-Za-z0-9_]+(?:(?:(?<=[A-Za-z])[:.'](?=[A-Za-z])|(?<=[0-9])[,;.'](?=[0-9]))[A-Za-z0-9_]+)*"
)


def ascii_segment_words(raw: bytes) -> list[bytes]:
    """The words ICU finds in an all-ASCII token: its segments that hold a letter or a
    digit, which is any but a run of underscores."""
    return [word for word in _ASCII_SEGMENT.findall(raw) if word.strip(b"_")]


def _segmented(raw: bytes, case_sensitive: bool) -> ConvertedToken:
    if raw.isascii():  # the rule's normalization leaves ASCII alone but for its case
        return ConvertedToken(tuple(ascii_segment_words(raw if case_sensitive else raw.lower())))
    try:
        text, valid = raw.decode("utf-8"), True
    except UnicodeDecodeError:
        text, valid = decode_cp1252(raw), False
    words = segment_words(text, case_sensitive=case_sensitive)
    return ConvertedToken(tuple(word.encode() for word in words), valid)


def segmented_raw_token(raw: bytes, *, case_sensitive: bool = False) -> ConvertedToken:
    """The words of one raw token under --segment icu, once per distinct token."""
    if raw.isalnum():  # ASCII letters and digits: one ICU word, whatever their order
        return ConvertedToken((raw if case_sensitive else raw.lower(),))
    return remembered(_words_caches[case_sensitive], raw, _segmented, case_sensitive)


def _flags_of(raw_tokens: Iterable[bytes]) -> TextFlags:
    """What segmenting meets in these raw tokens: only invalid UTF-8 (decoded as cp1252
    by _segmented), found without asking ICU; no hint of unspaced script, which ICU
    splits."""
    for raw in raw_tokens:
        if not raw.isascii():
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return TextFlags(invalid_utf8=True)
    return NO_FLAGS


def segmented_word_counts(
    raw_counts: Mapping[bytes, int], *, case_sensitive: bool = False
) -> WordCounts:
    """Segment once per distinct raw token, weighting its words by its count; the two
    commonest kinds of token are segmented inline, without a call or the cache."""
    words: dict[bytes, int] = {}
    get = words.get
    saw_invalid_utf8 = False
    for raw, count in raw_counts.items():
        if raw.isalnum():  # ASCII letters and digits: one word
            word = raw if case_sensitive or raw.islower() or raw.isdigit() else raw.lower()
            words[word] = get(word, 0) + count
        elif raw.isascii():
            for word in ascii_segment_words(raw if case_sensitive else raw.lower()):
                words[word] = get(word, 0) + count
        else:
            converted = segmented_raw_token(raw, case_sensitive=case_sensitive)
            saw_invalid_utf8 |= not converted.valid_utf8
            for word in converted.words:
                words[word] = get(word, 0) + count
    return WordCounts(words, saw_invalid_utf8)


class SegmentingCounter(FilesOneByOne):
    """WordCounter for --segment icu: texts arrive as byte chunks of any size.

    Each chunk's complete raw tokens are counted at once; the token that its end may cut
    is carried into the next chunk. Counting is done here in Python, in slices, or by the
    kernel (NativeSegmentingCounter).
    """

    def __init__(self, *, case_sensitive: bool = False, max_run_bytes: int = MAX_RUN_BYTES):
        self.case_sensitive = case_sensitive
        self.max_run_bytes = max_run_bytes
        self.raw_counts: Counter[bytes] = Counter()
        # The distinct raw tokens of the current text that hold a byte >= 0x80: only they
        # can hold what end_text reports in last_text.
        self._text_non_ascii: set[bytes] = set()
        self.last_text: TextFlags = NO_FLAGS
        self._carry = b""
        self._skipping = False  # inside a run longer than max_run_bytes
        self._skipped_runs = 0

    def feed(self, chunk: bytes) -> None:
        if self._skipping:
            first = first_whitespace(chunk)
            if first < 0:
                return
            self._skipping = False
            self._skipped_runs += 1
            chunk = chunk[first:]
        data = self._carry + chunk if self._carry else chunk
        last = _last_whitespace(data)
        if last < 0:
            carry = data
        else:
            self._count_whole_tokens(data, last + 1)
            carry = data[last + 1 :]
        if len(carry) > self.max_run_bytes:
            self._skipping = True
            carry = b""
        self._carry = carry

    def end_text(self, following: Iterable[bytes] | None = None) -> int:
        """End the text; return how many runs in it were too long to count, and set
        last_text to what segmenting met in it."""
        if self._skipping:
            self._skipped_runs += 1
        elif self._carry:
            self._count_whole_tokens(self._carry, len(self._carry))
        self._carry = b""
        self._skipping = False
        self.last_text = self._end_text_flags()
        skipped, self._skipped_runs = self._skipped_runs, 0
        return skipped

    def abandon_text(self) -> None:
        """Drop the rest of the current text, its open token unread."""
        self._carry = b""
        self._skipping = False
        self._skipped_runs = 0
        self._end_text_flags()

    def take_counts(self) -> WordCounts:
        converted = segmented_word_counts(self.raw_counts, case_sensitive=self.case_sensitive)
        self.raw_counts = Counter()
        return converted

    def _end_text_flags(self) -> TextFlags:
        """What segmenting met in the text now ended."""
        met = _flags_of(self._text_non_ascii)
        self._text_non_ascii = set()
        return met

    def _count_whole_tokens(self, data: bytes, end: int) -> None:
        """Count the raw tokens of data[:end], which ends at whitespace or at the text's
        end, in slices that stay in the core's cache (see tokens.SLICE_BYTES)."""
        limit = self.max_run_bytes
        start = 0
        while start < end:
            cut = _whitespace_at_or_after(data, start + SLICE_BYTES, end)
            tokens = data[start:cut].split()
            if cut - start > limit and any(len(token) > limit for token in tokens):
                self._skipped_runs += sum(len(token) > limit for token in tokens)
                tokens = [token for token in tokens if len(token) <= limit]
            self._add_tokens(tokens)
            start = cut

    def _add_tokens(self, tokens: list[bytes]) -> None:
        """Complete raw tokens, in text order; counted here, kept in order by a subclass."""
        self.raw_counts.update(tokens)
        # One pass over the joined bytes, in C, spares most slices the pass over tokens.
        if not b"".join(tokens).isascii():
            self._text_non_ascii.update(filterfalse(bytes.isascii, tokens))


class NativeSegmentingCounter(SegmentingCounter):
    """SegmentingCounter with the kernel counting the raw tokens (Scanner.count_split)."""

    def __init__(self, *, case_sensitive: bool = False, max_run_bytes: int = MAX_RUN_BYTES):
        assert SCANNER is not None, "the native kernel is not built, or turned off"
        super().__init__(case_sensitive=case_sensitive, max_run_bytes=max_run_bytes)
        self._scanner = SCANNER(max_run_bytes=max_run_bytes)

    def take_counts(self) -> WordCounts:
        self._end_text_flags()  # the raw tokens of a text not ended, if any
        return super().take_counts()

    def _end_text_flags(self) -> TextFlags:
        """The kernel counts a text's raw tokens; they are taken from it as the text ends
        (Scanner.take_raw), to see what the text held, and kept here."""
        text_counts: dict[bytes, int] = self._scanner.take_raw()
        if not self.raw_counts:  # one text, or the first: nothing to add to
            self.raw_counts = Counter(text_counts)
        elif text_counts:
            self.raw_counts.update(text_counts)
        return _flags_of(text_counts)

    def _count_whole_tokens(self, data: bytes, end: int) -> None:
        view = memoryview(data)[:end] if end < len(data) else data
        self._skipped_runs += self._scanner.count_split(view)


_WHITESPACE = b" \t\n\r\x0b\x0c"  # what bytes.split() splits at
_WHITESPACE_RE = re.compile(b"[" + re.escape(_WHITESPACE) + b"]")


def first_whitespace(data: bytes) -> int:
    """Index of the first ASCII whitespace byte in data, or -1: a place where a range may
    be cut under --segment icu."""
    match = _WHITESPACE_RE.search(data)
    return -1 if match is None else match.start()


def _whitespace_at_or_after(data: bytes, position: int, end: int) -> int:
    """The first whitespace at or after position, before end; end if there is none."""
    if position >= end:
        return end
    match = _WHITESPACE_RE.search(data, position, end)
    return end if match is None else match.start()


def _last_whitespace(data: bytes) -> int:
    last = -1
    for byte in _WHITESPACE:  # the space and the line feed first: later ones search less
        last = max(last, data.rfind(byte, last + 1))
    return last
