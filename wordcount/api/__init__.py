"""The Python API: wordcount.count, Counts and wordcount.load, over the library layer.

request.py   count's keyword arguments checked, stop words and saved counts read
checks.py    the rules an option's value must follow (the command's too)
counts.py    Counts: what a count found, selected, ranked, saved, compared; load
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import BinaryIO, Literal

from wordcount.api.counts import Counts, Keywords, load
from wordcount.api.request import PathArgument, prepare
from wordcount.engine.run import Progress
from wordcount.exceptions import InputChanged, InputUnreadable, OutOfMemory

__all__ = ["Counts", "Keywords", "count", "load"]


def count(
    paths: PathArgument | Iterable[PathArgument],
    *,
    jobs: int | None = None,
    stopwords: str | Iterable[str] = (),
    min_length: int = 1,
    min_count: int = 1,
    ngrams: int = 1,
    case_sensitive: bool = False,
    pattern: str | None = None,
    segment: str | None = None,
    encoding: str | None = None,
    text: bool = False,
    hidden: bool = False,
    ignore: bool = True,
    include: str | Iterable[str] = (),
    exclude: str | Iterable[str] = (),
    by_file: bool = False,
    counts: PathArgument | Iterable[PathArgument] = (),
    start_method: str | None = None,
    backend: str | None = None,
    scheduler: str | None = None,
    scheduler_file: str | None = None,
    timeout: float = 10.0,
    errors: Literal["raise", "keep"] = "raise",
    progress: Progress | None = None,
    stdin: BinaryIO | None = None,
) -> Counts:
    """Count the words of paths exactly as the `wordcount` command does, in parallel.

    paths: what PATH takes: files, directories (walked), fsspec URLs, "-" for stdin (or
    the stdin given). Each option is the command's, with its default:

    jobs             -j: worker processes; None: the CPUs this process may use; 1: the
                     serial baseline, counted in this process
    stopwords        --stopwords: "en", "de", "fr", "es" or a file, or several of them
    min_length       --min-length: leave out words shorter than this
    min_count        --min-count: leave out words seen fewer times
    ngrams           --ngrams: count runs of N words within each file
    case_sensitive   --case-sensitive: keep capitals
    pattern          --pattern: a word is what this regex matches
    segment          --segment: "icu", ICU's word breaks (the icu extra)
    encoding         --encoding: every input's codec; None: UTF-8 or a byte-order mark
    text             --text: count files that look binary
    hidden           --hidden: walk into names starting with "."
    ignore           False is --no-ignore: count what .gitignore and .ignore leave out
    include, exclude --include, --exclude: glob patterns for the files a walk counts
    by_file          --by-file: keep each file's counts (Counts.by_file)
    counts           --counts: saved counts to add, as if their texts were counted again
    start_method     --start-method: "fork", "spawn" or "forkserver"
    backend, scheduler, scheduler_file, timeout: --backend dask and its cluster

    errors: "raise" (the default) raises InputUnreadable or InputChanged when an input
    was not counted exactly, with the Counts of the rest on the exception; "keep"
    returns them, the problems in Counts.problems, as the command prints them and
    exits 1 or 7. progress(bytes done, bytes in all) is called as files are read.

    Raises OptionsError, StopwordsUnusable or SavedCountsUnusable before reading any
    input; WorkerFailure, ClusterUnavailable or OutOfMemory when counting fails.
    """
    if errors not in ("raise", "keep"):
        raise ValueError(f'errors must be "raise" or "keep", not {errors!r}')
    request = prepare(
        paths,
        jobs=jobs,
        stopwords=stopwords,
        min_length=min_length,
        min_count=min_count,
        ngrams=ngrams,
        case_sensitive=case_sensitive,
        pattern=pattern,
        segment=segment,
        encoding=encoding,
        text=text,
        hidden=hidden,
        ignore=ignore,
        include=include,
        exclude=exclude,
        by_file=by_file,
        counts=counts,
        start_method=start_method,
        backend=backend,
        scheduler=scheduler,
        scheduler_file=scheduler_file,
        timeout=timeout,
    )
    try:
        result = request.run(progress=progress, stdin=stdin)
    except OutOfMemory:
        raise
    except MemoryError as failure:
        where = str(failure) or "too many distinct words for the memory available"
        raise OutOfMemory(where) from None
    if errors == "raise":
        _raise_for_problems(result)
    return result


def _raise_for_problems(result: Counts) -> None:
    errors = [problem for problem in result.problems if problem.is_error]
    if not errors:
        return
    first = errors[0]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    message = f"{os.fspath(first.path)!r}: {first.message}{more}"
    if result.has_changed_inputs:
        raise InputChanged(message, result)
    raise InputUnreadable(message, result)
