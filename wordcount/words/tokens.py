"""The fast path of the word rule in pure Python: byte chunks in, raw token counts out.

    chunk, 16 KiB at a time ──bytes.translate──▶ every safe separator byte becomes b" "
                            ──bytes.split──────▶ raw tokens ──Counter (C)──▶ {raw token: n}
    {raw token: n} ──conversion.py: the rule, once per distinct raw token──▶ {word: n}

A raw token is a maximal run of bytes that are not safe separators. Cutting the text at a
safe separator changes nothing the rule would see, so the rule can be applied to each
distinct raw token on its own, once, however often the token occurs. A safe separator is
an ASCII byte that is not a letter, digit or apostrophe, that NFKC never composes with a
neighbour, and that str.lower()'s final-sigma rule does not look through (it is not
"case-ignorable"). Full stop, colon, caret and backtick are case-ignorable, and < = >
compose with U+0338, so those stay inside raw tokens and the rule splits them out.
tests/test_tokens.py derives the set from the Unicode database and checks it here.

A run longer than MAX_RUN_BYTES (L) cannot be kept whole in bounded memory. Such a run is
cut at every place inside it where cutting is exact (_EXACT_CUT); each piece of at most L
bytes is a raw token, and each longer piece is skipped and reported. Whether a place is
an exact cut depends only on the bytes either side of it, so the result never depends on
how the text arrives in chunks. The native kernel (native.py, kernel/scanner.c) computes the
same raw tokens; this module is its specification and its fallback.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from itertools import filterfalse

from wordcount.words.conversion import (
    NO_FLAGS,
    FilesOneByOne,
    TextFlags,
    WordCounts,
    converted_raw_token,
    flags_of,
    word_counts,
)

NOT_SAFE_TO_SPLIT_AT = b"'.:^`<=>"
SAFE_SEPARATORS = bytes(
    byte for byte in range(128) if not chr(byte).isalnum() and byte not in NOT_SAFE_TO_SPLIT_AT
)
_SEPARATORS_TO_SPACE = bytes.maketrans(SAFE_SEPARATORS, b" " * len(SAFE_SEPARATORS))
_SPACE = 0x20

# A run of this many bytes with no safe separator is cut at its exact places, so memory
# stays bounded on text without spaces. 1 MiB is far beyond any real word and small next
# to the memory budget.
MAX_RUN_BYTES = 1 << 20

# Inside a long run, cutting just before `< = >` is exact (they are starters that only
# compose forwards, and they end any final-sigma context), and so is cutting before a
# full stop, colon, caret or backtick that stands between two ASCII bytes that are not
# case-ignorable, since then no Greek capital sigma can see across the cut.
_NOT_IGNORABLE_ASCII = rb"[\x00-\x26\x28-\x2d\x2f-\x39\x3b-\x5d\x5f\x61-\x7f]"
_EXACT_CUT = re.compile(
    rb"[<=>]|(?<=" + _NOT_IGNORABLE_ASCII + rb")[.:^`](?=" + _NOT_IGNORABLE_ASCII + rb")"
)
_CUT_BETWEEN = frozenset(b".:^`")

# Chunks are split into tokens and counted this many bytes at a time: the token list of a
# slice (about 2,700 objects) stays in the core's cache between bytes.split creating it
# and Counter counting it. 43 MB of English counted in 0.75 s in 16 KiB slices against
# 0.83 s in 256 KiB ones; below 8 KiB the per-slice overhead eats the gain.
SLICE_BYTES = 16 << 10


def first_safe_separator(data: bytes) -> int:
    """Index of the first safe separator byte in data, or -1."""
    return data.translate(_SEPARATORS_TO_SPACE).find(b" ")


class TextCounter(FilesOneByOne):
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
        if max_run_bytes < 1:
            raise ValueError("max_run_bytes must be at least 1")
        self.case_sensitive = case_sensitive
        self.max_run_bytes = max_run_bytes
        self.slice_bytes = slice_bytes
        self.raw_counts: Counter[bytes] = Counter()
        # The distinct raw tokens of the current text that hold a byte >= 0x80: only they
        # can hold what end_text reports in last_text.
        self._text_non_ascii: set[bytes] = set()
        self.last_text: TextFlags = NO_FLAGS
        self._skipped_runs = 0
        self._carry = b""
        # Inside a run longer than max_run_bytes: its open piece (None once that is longer
        # than max_run_bytes + 1, and so skipped), and the run's last two bytes.
        self._long = False
        self._piece: bytearray | None = None
        self._tail = b""

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
        if self._long:
            first_separator = spaced.find(b" ")
            if first_separator < 0:
                if data:
                    self._long_feed(data)
                return
            if first_separator:
                self._long_feed(data[:first_separator])
            self._long_end()
            spaced = spaced[first_separator:]
        tokens = spaced.split()
        carry = tokens.pop() if tokens and spaced[-1] != _SPACE else b""
        limit = self.max_run_bytes
        if len(spaced) > limit and any(len(token) > limit for token in tokens):
            self._add_with_long_runs(tokens)
        else:
            self._add_tokens(tokens)
        if len(carry) > limit:
            self._long_start(carry)
            carry = b""
        self._carry = carry

    def end_text(self, following: Iterable[bytes] | None = None) -> int:
        """End the text; return how many runs in it were too long to count, and set
        last_text to what the rule met in it. (following, the rest of a file after a
        range, matters to n-grams only.)"""
        if self._long:
            self._long_end()
        elif self._carry:
            self._add_tokens([self._carry])
        self._carry = b""
        self.last_text = flags_of(
            self._text_non_ascii, converted_raw_token, case_sensitive=self.case_sensitive
        )
        self._text_non_ascii = set()
        skipped, self._skipped_runs = self._skipped_runs, 0
        return skipped

    def abandon_text(self) -> None:
        """Drop the rest of the current text, its open token unread."""
        self._carry = b""
        self._long = False
        self._piece = None
        self._tail = b""
        self._skipped_runs = 0
        self._text_non_ascii = set()

    def take_counts(self) -> WordCounts:
        """The words of every text ended since the last call."""
        converted = word_counts(self.raw_counts, case_sensitive=self.case_sensitive)
        self.raw_counts = Counter()
        return converted

    def _add_tokens(self, tokens: list[bytes]) -> None:
        """Complete raw tokens, in text order; counted here, kept in order by a subclass."""
        self.raw_counts.update(tokens)
        # One pass over the joined bytes, in C, spares most slices the pass over tokens.
        if not b"".join(tokens).isascii():
            self._text_non_ascii.update(filterfalse(bytes.isascii, tokens))

    # The rare path: runs longer than max_run_bytes, cut at every exact place. Only the
    # open piece (at most max_run_bytes + 1 bytes, or nothing once it is too long) and the
    # run's last two bytes are kept, whatever the run's length.

    def _add_with_long_runs(self, tokens: list[bytes]) -> None:
        """Tokens of one slice, some of them whole runs longer than max_run_bytes."""
        limit = self.max_run_bytes
        short: list[bytes] = []
        for token in tokens:
            if len(token) <= limit:
                short.append(token)
                continue
            self._add_tokens(short)
            short = []
            self._long_start(token)
            self._long_end()
        self._add_tokens(short)

    def _long_start(self, run: bytes) -> None:
        """The first bytes of a run found to be longer than max_run_bytes."""
        pieces: list[bytes] = []
        start = 0
        # A match at the last byte is a cut only if it is one of < = > (the lookahead of
        # . : ^ ` fails there): a cut before . : ^ ` there is decided by the next byte.
        for match in _EXACT_CUT.finditer(run, 1):
            cut = match.start()
            self._end_piece(run[start:cut], pieces)
            start = cut
        self._add_tokens(pieces)
        open_piece = run[start:]
        self._piece = bytearray(open_piece) if len(open_piece) <= self.max_run_bytes + 1 else None
        self._tail = run[-2:]
        self._long = True

    def _long_feed(self, segment: bytes) -> None:
        """More bytes of the long run: token bytes only, at least one."""
        run = self._tail + segment  # the last two bytes so far, then the new ones
        pieces: list[bytes] = []
        position = 2
        piece = self._piece
        for match in _EXACT_CUT.finditer(run, 1):
            cut = match.start()
            if cut == 1:
                # Before the last byte so far: < = > there was cut when it came; a
                # . : ^ ` there is a cut now that the byte after it is known.
                if run[1] not in _CUT_BETWEEN:
                    continue
                if piece is not None and len(piece) - 1 <= self.max_run_bytes:
                    if len(piece) > 1:
                        pieces.append(bytes(piece[:-1]))
                else:
                    self._skipped_runs += 1
                piece = bytearray(run[1:2])
                continue
            if piece is not None:
                piece += run[position:cut]
                self._end_piece(bytes(piece), pieces)
            else:
                self._skipped_runs += 1
            piece = bytearray()
            position = cut
        if piece is not None:
            piece += run[position:]
            if len(piece) > self.max_run_bytes + 1:
                piece = None
        self._piece = piece
        self._tail = run[-2:]
        self._add_tokens(pieces)

    def _long_end(self) -> None:
        """The long run ended: its open piece is complete."""
        pieces: list[bytes] = []
        if self._piece is None:
            self._skipped_runs += 1
        else:
            self._end_piece(bytes(self._piece), pieces)
        self._add_tokens(pieces)
        self._long = False
        self._piece = None
        self._tail = b""

    def _end_piece(self, piece: bytes, pieces: list[bytes]) -> None:
        """A complete piece of a long run: a raw token, or skipped if too long."""
        if len(piece) > self.max_run_bytes:
            self._skipped_runs += 1
        elif piece:
            pieces.append(piece)
