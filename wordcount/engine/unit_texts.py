"""The texts of one unit, each fed to a WordCounter (words.counter).

Plain text goes to one counter shared by the whole unit, so the rule runs once per
distinct raw token. A text that must be told apart (every file under --by-file, and
compressed or decoded text) goes to a counter of its own, whose counts are kept only if
the whole text went through. Either way, what each text raised is said of its own file
(unit_account.py), from what its counter says as the text ends. The shared counter
cannot take back the words of a text that fails part-way: the account says so (torn), and
the worker counts the unit again without it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from wordcount.engine.merge import UnitResult
from wordcount.engine.options import CountOptions
from wordcount.engine.unit_account import UnitAccount
from wordcount.sources.ranges import FileRange
from wordcount.words.counter import WordCounter, counter_for


class UnitTexts:
    """A unit's counters, and the account (unit_account.py) its texts go into."""

    def __init__(self, options: CountOptions) -> None:
        self.options = options
        self.new_counter = counter_for(
            case_sensitive=options.case_sensitive,
            ngrams=options.ngrams,
            pattern=options.pattern,
            segment=options.segment,
        )
        self.shared: WordCounter = self.new_counter()
        self.account = UnitAccount(by_file=options.by_file)

    def count_text(
        self,
        chunks: Iterator[bytes],
        file_range: FileRange,
        *,
        apart: bool,
        following: Iterable[bytes] | None = None,
    ) -> None:
        """Feed one text to the shared counter, or, apart, to a counter of its own whose
        counts are kept only if the whole text went through and can be told apart from
        other files' (--by-file)."""
        counter = self.new_counter() if apart else self.shared
        begun = False
        try:
            for chunk in chunks:
                if not begun:
                    self.account.begin_text(file_range, shared=not apart)
                    begun = True
                counter.feed(chunk)
        except BaseException:
            if not apart:  # no token of this text may run on into the next one
                counter.end_text()
            raise
        skipped = counter.end_text(following)
        self.account.add_text_end(file_range, skipped, counter.last_text)
        if apart:
            self.account.keep_apart(file_range, counter.take_counts())

    def finish(self) -> UnitResult:
        return self.account.finish(self.shared.take_counts())
