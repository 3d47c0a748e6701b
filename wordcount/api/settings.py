"""Settings: every option of a count, with the command's default, stated once. The
keyword arguments of wordcount.count are these fields (a test holds them equal), and the
command line builds one from its options.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, fields

PathArgument = str | os.PathLike[str]
# One path or name, or several: a str is one, not its characters.
OneOrMore = PathArgument | Iterable[PathArgument]


@dataclass(frozen=True)
class Settings:
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


SETTING_NAMES = frozenset(field.name for field in fields(Settings))


def strings(values: OneOrMore) -> tuple[str, ...]:
    """One path or name, or several, as strings: a str is one, not its characters."""
    if isinstance(values, (str, os.PathLike)):
        return (os.fspath(values),)
    return tuple(os.fspath(value) for value in values)
