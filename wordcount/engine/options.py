"""CountOptions: every setting that decides what a count is, handed to every worker."""

from __future__ import annotations

from typing import NamedTuple

from wordcount.sources.opening import NO_STORAGE_OPTIONS, StorageOptions
from wordcount.words.ngrams import NgramOptions


class CountOptions(NamedTuple):
    # One codec for every input (--encoding); None: UTF-8, or as a byte-order mark says.
    encoding: str | None = None
    # Count files that look binary instead of skipping them (--text).
    binary_as_text: bool = False
    # Keep capitals: the word rule without its lowercasing step (--case-sensitive).
    case_sensitive: bool = False
    # Count runs of N words instead of words (--ngrams N, N > 1).
    ngrams: NgramOptions | None = None
    # A word is what this regex matches, instead of the rule's step 3 (--pattern).
    pattern: str | None = None
    # Keep each input's counts apart as well as their sum (--by-file).
    by_file: bool = False
    # Find words with this segmenter instead of the rule's step 3 (--segment icu).
    segment: str | None = None
    # fsspec's storage_options for every URL read, listed or opened (--storage-option):
    # here, so that they reach every worker, a Dask worker's environment having none.
    storage_options: StorageOptions = NO_STORAGE_OPTIONS


DEFAULT_OPTIONS = CountOptions()
