"""Settings: every option of a count, with the command's default, stated once. The
keyword arguments of wordcount.count are these fields (a test holds them equal), and the
command line builds one from its options.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from wordcount.exceptions import OptionsError

PathArgument = str | os.PathLike[str]
# One path or name, or several: a str is one, not its characters.
OneOrMore = PathArgument | Iterable[PathArgument]


class Settings(NamedTuple):
    """Every option of a count, with the command's default (each field's comment, in
    wordcount/api/settings.py, says what it does):

    jobs=None (-j: worker processes; 1 is the serial baseline), stopwords=() ("en", "de",
    "fr", "es" or a file, or several), min_length=1, min_count=1, ngrams=1,
    case_sensitive=False, pattern=None (a regex), segment=None ("icu"), encoding=None,
    text=False (count binary-looking files), hidden=False, ignore=True (False is
    --no-ignore), include=() and exclude=() (globs), by_file=False, counts=() (saved
    counts to add), start_method=None, backend=None ("local" or "dask"), scheduler=None,
    scheduler_file=None, timeout=10.0, verbose=False (Dask's own logs),
    storage_options=None (fsspec's, for every URL: {"endpoint_url": ...}).
    """

    # -j: worker processes; None: the CPUs this process may use; 1: the serial baseline,
    # counted in this process.
    jobs: int | None = None
    # --stopwords: "en", "de", "fr", "es" or a file of words, or several of them.
    stopwords: OneOrMore = ()
    # --min-length: leave out words shorter than this.
    min_length: int = 1
    # --min-count: leave out words seen fewer times.
    min_count: int = 1
    # --ngrams: count runs of N consecutive words within each file.
    ngrams: int = 1
    # --case-sensitive: keep capitals.
    case_sensitive: bool = False
    # --pattern: a word is whatever this regex matches.
    pattern: str | None = None
    # --segment: "icu", ICU's word breaks (the icu extra).
    segment: str | None = None
    # --encoding: every input's codec; None: UTF-8, or as a byte-order mark says.
    encoding: str | None = None
    # --text: count files that look binary.
    text: bool = False
    # --hidden: walk into names that start with ".".
    hidden: bool = False
    # False is --no-ignore: count what .gitignore and .ignore files leave out.
    ignore: bool = True
    # --include, --exclude: glob patterns for the files a walk counts.
    include: OneOrMore = ()
    exclude: OneOrMore = ()
    # --by-file: keep each file's counts (Counts.by_file).
    by_file: bool = False
    # --counts: saved counts to add, as if their texts were counted again.
    counts: OneOrMore = ()
    # --start-method: "fork", "spawn" or "forkserver".
    start_method: str | None = None
    # --backend, --scheduler, --scheduler-file, --timeout, --verbose: a Dask cluster.
    backend: str | None = None
    scheduler: str | None = None
    scheduler_file: str | None = None
    timeout: float = 10.0
    verbose: bool = False
    # --storage-option KEY=VALUE: fsspec's storage_options for every URL read (the
    # endpoint and credentials of an S3-compatible server), on every worker.
    storage_options: Mapping[str, Any] | None = None


SETTING_NAMES = frozenset(Settings._fields)


def strings(values: OneOrMore, name: str = "paths") -> tuple[str, ...]:
    """One path or name, or several, as strings: a str is one, not its characters.
    OptionsError for anything else (bytes, None, a number)."""
    if isinstance(values, (str, os.PathLike)):
        values = [values]
    elif isinstance(values, (bytes, bytearray)) or not isinstance(values, Iterable):
        raise OptionsError(f"{name} must be a path or a list of them, not {values!r}")
    found = []
    for value in values:
        text = os.fspath(value) if isinstance(value, (str, os.PathLike)) else None
        if not isinstance(text, str):
            raise OptionsError(f"{name} must be str or os.PathLike paths, not {value!r}")
        found.append(text)
    return tuple(found)
