r"""--pattern REGEX: a word is whatever the regex matches, instead of the default rule's step 3.

    chunks ─▶ lines (a line over 1 MiB is matched in pieces, see below)
           ─▶ UTF-8, or cp1252 for a line (or piece) that is not valid UTF-8
           ─▶ the apostrophes as ', NFKC, lowercase (not with --case-sensitive): the
              rule's step 2 (rule.normalize)
           ─▶ re.finditer ─▶ {word: count}

A regex may match across any separator, so files are never cut into ranges with a
pattern: each is read whole, by one worker, and matched a line at a time. A line ends at
\n, \r\n or a lone \r (universal newlines, as open() reads text), and its end is no part
of it: '^\w+$' finds the word alone on a CRLF line. check_pattern refuses a pattern that
can match only the empty string ('', '^', '\b', a lookaround alone): it finds no words.

Long lines. However long a line, memory stays within about L = MAX_RUN_BYTES (1 MiB) plus
a chunk, and no match is ever cut:

1. A line of at most L bytes is matched whole.
2. A longer line is matched in pieces, each after the text carried into it (3.), of c
   bytes (UTF-8, as normalized). A piece ends just after the last ASCII whitespace byte
   among the line's next L + 1 - c bytes. NFKC and lowercasing never act across ASCII
   whitespace, so a piece is normalized on its own as it would be in the whole line.
3. The matches in a piece count, but for one that reaches the piece's end, where it might
   go on: that one is carried, from its start, into the next piece and matched again
   with what follows. Otherwise the tail after the last match counted is carried (its
   last L/2 bytes at most), so that a match may start there and go on past the cut.
   The last piece ends with the line, and every match in it counts.
4. Where those L + 1 - c bytes hold no whitespace, a carried tail is let go and they are
   looked at again. If they still hold none (a run of more than L bytes without
   whitespace, or a carried match that makes more than L bytes with the run after it),
   the carried match and the text up to the next whitespace or the line's end are
   skipped, and end_text counts one word too long, as the default rule does. Matching
   goes on at that whitespace as at the start of a line.
5. Each piece is matched with the character before it as context (finditer's pos), so ^
   matches only at the line's real start, and \b and one-character lookbehinds see across
   a cut. Nothing after a piece is seen: $ and lookaheads take its end for the line's,
   though a match that reaches it is carried (3.), not counted.

So a pattern that never matches whitespace, with no lookahead and no wider lookbehind,
finds in a long line just what it finds in the whole line, but in skipped runs: no match
of it reaches a piece's end, which is whitespace. One that can match whitespace finds the
same too, unless a cut makes it settle for less (as '\w+ \w+|\w+' takes one word just
before a cut where the whole line gives two), a match starts more than L/2 bytes before a
cut without reaching it, or a skip leaves the tail of a long match to be counted.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Iterable

from wordcount.words.conversion import (
    NO_FLAGS,
    FilesOneByOne,
    TextFlags,
    WordCounts,
    decode_cp1252,
)
from wordcount.words.rule import normalize
from wordcount.words.tokens import MAX_RUN_BYTES

# re's own parser, which knows how wide a match can be. typeshed has no stub for re._parser,
# and mypy checks this branch only when told of Python 3.11 or later.
if sys.version_info >= (3, 11):
    from re import _parser as regex_parser  # type: ignore[attr-defined,unused-ignore]
else:  # its name before 3.11 (still there, with a DeprecationWarning on import, until 3.13)
    import sre_parse as regex_parser

_WHITESPACE = re.compile(rb"\s")
# The whitespace a piece may end with: ASCII whitespace but the line ends, gone by then.
_SPACES = (b" ", b"\t", b"\x0b", b"\x0c")


class PatternCounter(FilesOneByOne):
    """The words a pattern finds in texts, each a whole file or stream: feed its chunks,
    then call end_text."""

    def __init__(self, pattern: str, *, case_sensitive: bool) -> None:
        problem = check_pattern(pattern)
        if problem is not None:  # the command refuses it sooner; this guards the library
            raise ValueError(problem)
        self.counts: Counter[bytes] = Counter()
        self.saw_invalid_utf8 = False
        # Whether the current text held invalid UTF-8, and what the last one ended held.
        self._text_invalid_utf8 = False
        self.last_text: TextFlags = NO_FLAGS
        self._regex = re.compile(pattern)
        self._case_sensitive = case_sensitive
        self._skipped = 0
        self._start_line()

    def _start_line(self) -> None:
        # The bytes of the current line not matched yet, and for a long one (rules 2-5):
        # the carried text, normalized, with its UTF-8 length and whether it is a match or
        # the tail after the last match; the character before it ("" at the start of a
        # line); and whether a skip is dropping bytes.
        self._line = b""
        self._long = False
        self._held = ""
        self._held_bytes = 0
        self._held_is_match = False
        self._before = ""
        self._skipping = False

    def feed(self, chunk: bytes) -> None:
        if self._skipping:
            chunk = self._skip_to_whitespace(chunk)
        data = self._line + chunk if self._line else chunk
        if b"\r" in data:
            # \r\n becomes \n\n: the empty line between holds no match, as none is empty.
            data = data.replace(b"\r", b"\n")
        lines = data.split(b"\n")
        rest = lines.pop()
        for line in lines:
            self._end_line(line)
        self._line = rest
        if len(rest) > MAX_RUN_BYTES - self._held_bytes:
            self._match_pieces()

    def end_text(self, following: Iterable[bytes] | None = None) -> int:
        """End of the text (following: unused, since files are never cut with a pattern);
        return how many words too long to count it held (rule 4)."""
        if self._line or self._long:
            self._end_line(self._line)
        self._line = b""
        self.last_text = TextFlags(invalid_utf8=self._text_invalid_utf8)
        self._text_invalid_utf8 = False
        skipped, self._skipped = self._skipped, 0
        return skipped

    def take_counts(self) -> WordCounts:
        """The words of every text ended since the last call."""
        counts = WordCounts(self.counts, self.saw_invalid_utf8)
        self.counts = Counter()
        self.saw_invalid_utf8 = False
        return counts

    def _end_line(self, line: bytes) -> None:
        if not self._long and len(line) <= MAX_RUN_BYTES:  # nearly every line: rule 1
            counts = self.counts
            for match in self._regex.finditer(self._normalized(line)):
                word = match.group()
                if word:
                    counts[word.encode()] += 1
            return
        self._line = line
        self._match_pieces()
        if not self._skipping:
            self._match_piece(self._line, last=True)
        self._start_line()

    def _match_pieces(self) -> None:
        """Match the pending bytes of a long line in pieces while they are more than the
        next piece may hold (rules 2-4); what is left stays pending."""
        self._long = True
        while not self._skipping:
            budget = MAX_RUN_BYTES - self._held_bytes
            line = self._line
            if len(line) <= budget:
                return
            cut = max(line.rfind(space, 0, budget + 1) for space in _SPACES) + 1
            if cut:
                self._line = line[cut:]
                self._match_piece(line[:cut], last=False)
            elif self._held and not self._held_is_match:
                # A tail only lets a match start before the cut: let it go, not the run.
                self._held, self._held_bytes, self._before = "", 0, self._held[-1]
            else:
                self._skip(budget)

    def _match_piece(self, piece: bytes, *, last: bool) -> None:
        before = self._before
        text = before + self._held + self._normalized(piece)
        counts = self.counts
        final = None
        for match in self._regex.finditer(text, len(before)):
            word = match.group()
            if word:
                counts[word.encode()] += 1
                final = match
        if last:
            return
        if final is not None and final.end() == len(text):
            # Rule 3: it might go on in the next piece, so it is counted there, not here.
            held = final.group().encode()
            counts[held] -= 1
            if not counts[held]:
                del counts[held]
            self._hold(text, final.start(), is_match=True)
        else:
            self._hold(text, len(before) if final is None else final.end(), is_match=False)

    def _hold(self, text: str, start: int, *, is_match: bool) -> None:
        """Carry text[start:] into the next piece (rule 3): a match whole, a tail after the
        last match only as far as its last L/2 bytes."""
        held = text[start:]
        if not is_match:
            encoded = held.encode()
            drop = len(encoded) - MAX_RUN_BYTES // 2
            if drop > 0:
                while drop < len(encoded) and 0x80 <= encoded[drop] < 0xC0:
                    drop += 1  # to the start of a character
                held = encoded[drop:].decode()
                start = len(text) - len(held)
        self._held, self._held_bytes, self._held_is_match = held, len(held.encode()), is_match
        self._before = text[start - 1 : start]

    def _skip(self, budget: int) -> None:
        """Rule 4: drop the carried match and the run after it up to the next whitespace,
        which has none among its first budget + 1 bytes."""
        self._skipped += 1
        self._held, self._held_bytes, self._before = "", 0, ""
        found = _WHITESPACE.search(self._line, max(budget, 0))
        if found is None:  # the run goes on past what has come: drop it as it comes
            self._line, self._skipping = b"", True
        else:
            self._line = self._line[found.start() :]

    def _skip_to_whitespace(self, chunk: bytes) -> bytes:
        found = _WHITESPACE.search(chunk)
        if found is None:
            return b""
        self._skipping = False
        return chunk[found.start() :]

    def _normalized(self, line: bytes) -> str:
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            text = decode_cp1252(line)
            self.saw_invalid_utf8 = self._text_invalid_utf8 = True
        return normalize(text, case_sensitive=self._case_sensitive)


def check_pattern(pattern: str) -> str | None:
    """Why the regex cannot be a word rule, or None if it can."""
    try:
        re.compile(pattern)
        _, widest = regex_parser.parse(pattern).getwidth()
    except (re.error, OverflowError) as error:  # OverflowError: a repeat count too large
        return f"not a valid regex: {error}"
    except RecursionError:  # re's parser recurses once per nested group
        return "not a valid regex: nested too deeply"
    if widest == 0:
        return f"{pattern!r} can match only the empty string, so it would find no words"
    return None
