"""The Python API: wordcount.count, Counts and wordcount.load, over the library layer.

    settings.py  Settings: every option of a count, with the command's default
    checks.py    the rules an option's value must follow (the command's too)
    request.py   a count's settings checked, its stop words and saved counts read
    counts.py    Counts: what a count found, selected, ranked, saved, compared; load

Nothing here prints or exits: what goes wrong is raised (wordcount.exceptions).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any, BinaryIO, Literal

from wordcount.api.counts import Counts, Keywords, load
from wordcount.api.request import CountRequest, prepare
from wordcount.api.settings import SETTING_NAMES, OneOrMore, Settings
from wordcount.engine.run import Progress
from wordcount.exceptions import InputChanged, InputUnreadable, OptionsError, OutOfMemory
from wordcount.sources.paths import STDIN_PATH
from wordcount.sources.problems import ProblemKind

__all__ = ["Counts", "Keywords", "count", "load"]


def count(
    paths: OneOrMore,
    *,
    jobs: int | None = None,
    stopwords: OneOrMore = (),
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
    include: OneOrMore = (),
    exclude: OneOrMore = (),
    by_file: bool = False,
    counts: OneOrMore = (),
    start_method: str | None = None,
    backend: str | None = None,
    scheduler: str | None = None,
    scheduler_file: str | None = None,
    timeout: float = 10.0,
    verbose: bool = False,
    storage_options: Mapping[str, Any] | None = None,
    errors: Literal["raise", "keep"] = "raise",
    progress: Progress | None = None,
    stdin: BinaryIO | None = None,
) -> Counts:
    """Count the words of paths exactly as the `wordcount` command does, in parallel.

    paths: what PATH takes: files, directories, fsspec URLs, "-" (standard input, or the
    binary stream given as stdin). Each other argument but the last three is the
    command's option of that name, with its default: help(wordcount.api.settings.Settings)
    says what each does. errors="raise" raises InputUnreadable or InputChanged when an
    input was not counted exactly, with the Counts of the rest on the exception; "keep"
    returns them, the problems in Counts.problems, as the command prints them and exits 1
    or 7. progress(bytes done, bytes in all) is called as the files are read.

    OptionsError, StopwordsUnusable or SavedCountsUnusable come before any input is
    read; WorkerFailure, ClusterUnavailable or OutOfMemory when counting fails.
    """
    if errors not in ("raise", "keep"):
        raise OptionsError(f'errors must be "raise" or "keep", not {errors!r}')
    # Every argument that is a setting, by name: the signature spells each one out for
    # help() and type checkers, and a test holds it equal to Settings.
    given = {name: value for name, value in locals().items() if name in SETTING_NAMES}
    request = prepare(paths, Settings(**given))
    try:
        result = request.run(progress=progress, stdin=_standard_input(request, stdin))
    except MemoryError as failure:
        if isinstance(failure, OutOfMemory):
            raise
        where = str(failure) or "too many distinct words for the memory available"
        raise OutOfMemory(where) from None
    result = result.with_stopword_problems(request.stopwords_warnings)
    if errors == "raise":
        _raise_for_problems(result)
    return result


def _standard_input(request: CountRequest, stdin: BinaryIO | None) -> BinaryIO | None:
    """What "-" reads: stdin if given, else this process's standard input, as bytes."""
    if stdin is None and STDIN_PATH in request.paths:
        stdin = getattr(sys.stdin, "buffer", None)
        if stdin is None:  # Jupyter, pythonw: no standard input to read
            raise OptionsError('"-" reads standard input, which this process has not: pass stdin=')
    if stdin is not None and not isinstance(stdin.read(0), bytes):
        raise OptionsError("stdin must be a binary stream (open(..., 'rb'), sys.stdin.buffer)")
    return stdin


def _raise_for_problems(result: Counts) -> None:
    """InputChanged if an input changed as it was read (its words may be wrong), else
    InputUnreadable if one could not be read (its words are missing)."""
    errors = [problem for problem in result.problems if problem.is_error]
    if not errors:
        return
    changed = [problem for problem in errors if problem.kind is ProblemKind.CHANGED]
    first = (changed or errors)[0]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    message = f"{first.path!r}: {first.message}{more}"
    raise (InputChanged if changed else InputUnreadable)(message, result)
