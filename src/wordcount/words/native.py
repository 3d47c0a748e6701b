"""The native counting kernel, when it was built and is not turned off.

    NativeTextCounter: the default rule's counter with its hot loop in C (_kernel.c):
    raw tokens found and counted, ASCII ones split into words, in C, without the GIL;
    the raw tokens that hold non-ASCII bytes converted here, once per distinct token.

It counts exactly what tokens.TextCounter counts, about ten times faster; that pure-
Python path runs where the extension could not be built, or with WORDCOUNT_PURE_PYTHON=1
(read when this module is first imported, so workers started later agree).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Mapping
from types import ModuleType
from typing import TYPE_CHECKING

from wordcount.words.conversion import WordCounts, with_non_ascii_tokens
from wordcount.words.tokens import MAX_RUN_BYTES

PURE_PYTHON_VARIABLE = "WORDCOUNT_PURE_PYTHON"

if TYPE_CHECKING:
    from wordcount.words import _kernel


def _native_kernel() -> ModuleType | None:
    if os.environ.get(PURE_PYTHON_VARIABLE, "") not in ("", "0"):
        return None
    try:
        from wordcount.words import _kernel
    except ImportError:  # not built: no compiler or no Python headers where installed
        return None
    return _kernel


_KERNEL = _native_kernel()
_SCANNER: type[_kernel.Scanner] | None = None if _KERNEL is None else _KERNEL.Scanner
NATIVE = _KERNEL is not None
# What `wordcount --version` says counts the words.
ENGINE = "native kernel" if NATIVE else "pure Python"


def add_counts(total: Counter[bytes], counts: Mapping[bytes, int]) -> None:
    """Counter.update(total, counts): the merge of the workers' results, in C when the
    kernel is built (2.4 times as fast on 44,000 words)."""
    if _KERNEL is not None and type(counts) in (dict, Counter):
        _KERNEL.add_counts(total, counts)
    else:
        total.update(counts)


class NativeTextCounter:
    """TextCounter's interface and counts, with the kernel's Scanner underneath."""

    def __init__(self, *, case_sensitive: bool = False, max_run_bytes: int = MAX_RUN_BYTES):
        assert _SCANNER is not None, "the native kernel is not built, or turned off"
        self.case_sensitive = case_sensitive
        self._scanner = _SCANNER(case_sensitive=case_sensitive, max_run_bytes=max_run_bytes)

    def feed(self, chunk: bytes) -> None:
        self._scanner.feed(chunk)

    def end_text(self, following: Iterable[bytes] | None = None) -> int:
        """End the text; return how many runs in it were too long to count."""
        return self._scanner.end_text()

    def take_counts(self) -> WordCounts:
        """The words of every text ended since the last call."""
        words, non_ascii = self._scanner.take()
        return with_non_ascii_tokens(words, non_ascii, case_sensitive=self.case_sensitive)
