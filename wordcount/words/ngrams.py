"""--ngrams N: how often each run of N consecutive words occurs within one file.

    chunks ─▶ raw tokens, in text order (TextCounter's exact cutting) ─▶ words by the rule
           ─▶ minus stop words and words under --min-length ─▶ a window of N words
           ─▶ {b"w1 w2 ... wN": count}

An n-gram never spans two files. Inside a file cut into ranges, a range owns the n-grams
that start in it: at its end it reads on, past the end, for the N-1 words that complete
them, so none is lost at a boundary and none is counted twice.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable
from typing import NamedTuple

from wordcount.words.conversion import (
    NO_FLAGS,
    FilesOneByOne,
    TextFlags,
    WordCounts,
    converted_raw_token,
)
from wordcount.words.segment import SegmentingCounter, segmented_raw_token
from wordcount.words.tokens import TextCounter


class NgramOptions(NamedTuple):
    size: int
    # Taken out of the word sequence before n-grams are formed, as scikit-learn does.
    stopwords: frozenset[str] = frozenset()
    min_length: int = 1


class _HandingTokensOn:
    """A counter's cutting, with the tokens handed on in order instead of counted."""

    def __init__(self, ngrams: NgramCounter) -> None:
        super().__init__()
        self._ngrams = ngrams

    def _add_tokens(self, tokens: list[bytes]) -> None:
        self._ngrams.add_tokens(tokens)


class _OrderedTokens(_HandingTokensOn, TextCounter):
    """TextCounter's cutting (the default rule)."""


class _OrderedSegmentTokens(_HandingTokensOn, SegmentingCounter):
    """SegmentingCounter's cutting (--segment icu)."""


class NgramCounter(FilesOneByOne):
    """The n-grams of texts, each text a whole file or a range of one: feed its chunks,
    then call end_text; n-grams never join two texts."""

    def __init__(
        self, options: NgramOptions, *, case_sensitive: bool, segment: str | None = None
    ) -> None:
        self.size = options.size
        self.counts: Counter[bytes] = Counter()
        self.saw_invalid_utf8 = False
        self.saw_unspaced_scripts: frozenset[str] = frozenset()
        # What the rule met in the current text, and (once it ended) in the last one.
        self._text_flags = NO_FLAGS
        self.last_text: TextFlags = NO_FLAGS
        self._case_sensitive = case_sensitive
        self._stopwords = {word.encode() for word in options.stopwords}
        self._min_length = options.min_length
        self._window: deque[bytes] = deque(maxlen=self.size - 1)
        self._lookahead: list[bytes] | None = None
        self._tokens: TextCounter | SegmentingCounter
        if segment is None:
            self._tokens, self._convert = _OrderedTokens(self), converted_raw_token
        else:
            self._tokens, self._convert = _OrderedSegmentTokens(self), segmented_raw_token

    def feed(self, chunk: bytes) -> None:
        self._tokens.feed(chunk)

    def add_tokens(self, tokens: list[bytes]) -> None:
        words = self._words(tokens)
        if self._lookahead is not None:
            self._lookahead.extend(words)
            return
        for word in words:
            self._add(word)

    def end_text(self, following: Iterable[bytes] | None = None) -> int:
        """End of the text; following, if the file goes on after a range, is the rest of
        the file. Returns how many runs in the text were too long to count."""
        skipped = self._tokens.end_text()
        if following is not None and self.size > 1:
            self._lookahead = []
            for chunk in following:
                self._tokens.feed(chunk)
                if len(self._lookahead) >= self.size - 1:
                    # The token still open here lies past the words needed, and may end
                    # inside a character; it, and what was skipped, belong to the next range.
                    self._tokens.abandon_text()
                    break
            else:
                self._tokens.end_text()
            needed, self._lookahead = self._lookahead[: self.size - 1], None
            # Each n-gram ending at one of these N-1 words starts inside the range.
            for word in needed:
                self._add(word)
        self._window.clear()
        self.last_text, self._text_flags = self._text_flags, NO_FLAGS
        return skipped

    def take_counts(self) -> WordCounts:
        """The n-grams of every text ended since the last call."""
        counts = WordCounts(self.counts, self.saw_invalid_utf8, self.saw_unspaced_scripts)
        self.counts = Counter()
        self.saw_invalid_utf8 = False
        self.saw_unspaced_scripts = frozenset()
        return counts

    def _add(self, word: bytes) -> None:
        window = self._window
        if len(window) == self.size - 1:
            self.counts[b" ".join((*window, word))] += 1
        if self.size > 1:
            window.append(word)

    def _words(self, tokens: list[bytes]) -> list[bytes]:
        words: list[bytes] = []
        invalid_utf8 = False
        scripts: frozenset[str] = frozenset()
        for token in tokens:
            converted = self._convert(token, case_sensitive=self._case_sensitive)
            invalid_utf8 |= not converted.valid_utf8
            scripts |= converted.unspaced_scripts
            words.extend(converted.words)
        if invalid_utf8 or scripts:
            met = TextFlags(invalid_utf8, scripts)
            self._text_flags = self._text_flags.combined_with(met)
            self.saw_invalid_utf8 |= invalid_utf8
            self.saw_unspaced_scripts |= scripts
        if self._stopwords or self._min_length > 1:
            words = [word for word in words if self._kept(word)]
        return words

    def _kept(self, word: bytes) -> bool:
        length = len(word) if word.isascii() else len(word.decode())
        return length >= self._min_length and word not in self._stopwords
