r"""--pattern REGEX: a word is whatever the regex matches, instead of the default rule's step 3.

    chunks ─▶ lines (a line over 1 MiB is matched in pieces cut at whitespace)
           ─▶ UTF-8, or cp1252 for a line that is not valid UTF-8
           ─▶ NFKC, lowercase (not with --case-sensitive), ’ as '  (steps 1-2 of the rule)
           ─▶ re.findall ─▶ {word: count}

A regex may match across any separator, so files are never cut into ranges with a
pattern: each is read whole, by one worker, and matched a line at a time. A line ends at
\n, \r\n or a lone \r (universal newlines, as open() reads text), and its end is no part
of it: '^\w+$' finds the word alone on a CRLF line. check_pattern refuses a pattern that
can match only the empty string ('', '^', '\b', a lookaround alone): it finds no words.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Iterable

from wordcount.words.conversion import WordCounts, decode_cp1252
from wordcount.words.rule import normalize
from wordcount.words.tokens import MAX_RUN_BYTES

# re's own parser, which knows how wide a match can be. typeshed has no stub for re._parser,
# and mypy checks this branch only when told of Python 3.11 or later.
if sys.version_info >= (3, 11):
    from re import _parser as regex_parser  # type: ignore[attr-defined,unused-ignore]
else:  # its name before 3.11 (still there, with a DeprecationWarning on import, until 3.13)
    import sre_parse as regex_parser

_WHITESPACE = re.compile(rb"\s")


class PatternCounter:
    """The words a pattern finds in texts, each a whole file or stream: feed its chunks,
    then call end_text."""

    def __init__(self, pattern: str, *, case_sensitive: bool) -> None:
        problem = check_pattern(pattern)
        if problem is not None:  # the command refuses it sooner; this guards the library
            raise ValueError(problem)
        self.counts: Counter[bytes] = Counter()
        self.saw_invalid_utf8 = False
        self._regex = re.compile(pattern)
        self._case_sensitive = case_sensitive
        self._carry = b""

    def feed(self, chunk: bytes) -> None:
        data = self._carry + chunk if self._carry else chunk
        if b"\r" in data:
            # \r\n becomes \n\n: the empty line between holds no match, as none is empty.
            data = data.replace(b"\r", b"\n")
        lines = data.split(b"\n")
        self._carry = lines.pop()
        for line in lines:
            self._match(line)
        while len(self._carry) > MAX_RUN_BYTES:
            self._match(self._cut_carry())

    def end_text(self, following: Iterable[bytes] | None = None) -> int:
        """End of the text (following: unused, since files are never cut with a pattern).
        Nothing is ever skipped: a long line is matched in pieces."""
        if self._carry:
            self._match(self._carry)
        self._carry = b""
        return 0

    def take_counts(self) -> WordCounts:
        """The words of every text ended since the last call."""
        counts = WordCounts(self.counts, self.saw_invalid_utf8)
        self.counts = Counter()
        self.saw_invalid_utf8 = False
        return counts

    def _cut_carry(self) -> bytes:
        """The carry up to its last whitespace within the limit, or the limit itself."""
        carry = self._carry
        cut = MAX_RUN_BYTES
        for match in _WHITESPACE.finditer(carry, 0, MAX_RUN_BYTES):
            cut = match.end()
        # Never inside a UTF-8 sequence: back off continuation bytes.
        while 0 < cut < len(carry) and 0x80 <= carry[cut] < 0xC0:
            cut -= 1
        piece, self._carry = carry[:cut], carry[cut:]
        return piece

    def _match(self, line: bytes) -> None:
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            text, self.saw_invalid_utf8 = decode_cp1252(line), True
        text = normalize(text, case_sensitive=self._case_sensitive)
        for match in self._regex.finditer(text):
            word = match.group()
            if word:
                self.counts[word.encode()] += 1


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
