"""The rules an option's value must follow, stated once: wordcount.count raises OptionsError
by them, and the command line turns the same rules into its usage errors.

Every number an option takes is bounded, so that a typo or a huge value is an error at
once, not an OverflowError from deep inside a run, a pool that cannot start, or a wait
with no end. Each bound is beyond any useful value.
"""

from __future__ import annotations

import codecs
import operator
import os
import stat
import sys
from collections.abc import Iterable, Mapping

from wordcount.api.settings import Settings
from wordcount.engine.run import START_METHODS
from wordcount.exceptions import OptionsError
from wordcount.words.segment import ICU_EXTRA_HINT, SEGMENTERS, icu_version
from wordcount.words.tokens import MAX_RUN_BYTES

# A report of more than a billion rows is no top list; 0 still prints every word.
MAX_TOP = 10**9
# An n-gram of 100 words is a passage, not a phrase, and each distinct n-gram is kept as
# a string of all its words.
MAX_NGRAMS = 100
# A word longer than 1 MiB as read is skipped (tokens.MAX_RUN_BYTES), so a greater
# minimum length would leave out every word (but for the odd one NFKC lengthens).
MAX_MIN_LENGTH = MAX_RUN_BYTES
# A count is at most the number of words, which is less than the bytes read: 10^18 bytes
# is an exabyte.
MAX_MIN_COUNT = 10**18
# A scheduler that has not answered within a day will not.
MAX_TIMEOUT_SECONDS = 86_400.0


def max_jobs(platform: str = sys.platform) -> int:
    """The most worker processes a run accepts on this platform. Whether this process may
    open the files a pool of that size needs is the engine's check, when it starts one
    (engine/lifecycle.py: check_file_descriptors), made against what is open then."""
    if platform == "win32":
        return 61  # concurrent.futures refuses more there (its _MAX_WINDOWS_WORKERS)
    # Each worker is an interpreter of its own (some 20 MB), and memory bandwidth runs
    # out long before that many cores count at once.
    return 1024


MAX_JOBS = max_jobs()


def word_rule_conflict(
    *, pattern: str | None, ngrams: int, segment: str | None
) -> tuple[str, str] | None:
    """The two word-rule options that cannot be used together, by name, or None."""
    if pattern is not None and ngrams > 1:
        return ("pattern", "ngrams")
    if pattern is not None and segment is not None:
        return ("pattern", "segment")
    return None


def canonical_encoding(name: str) -> str:
    """The codec's canonical name; OptionsError for a name Python cannot decode text with."""
    try:
        codecs.lookup(name)
    except (LookupError, ValueError):  # ValueError: a name that is not even text (a NUL)
        raise OptionsError(f"unknown text encoding {name!r}") from None
    try:
        # Decoding anything (not b"", which never looks the codec up) also refuses codecs
        # that are not text encodings, such as rot13 and base64.
        b"\0\0\0\0".decode(name)
    except LookupError:
        raise OptionsError(f"unknown text encoding {name!r}") from None
    except UnicodeError:
        pass  # a real text encoding that cannot decode these four bytes
    canonical = codecs.lookup(name).name
    if canonical == "undefined":  # Python's codec that refuses every byte, on purpose
        raise OptionsError(f"{name!r} decodes nothing: it is not a text encoding")
    return canonical


# The settings that are yes or no: a string such as "no" is no bool, and would be true.
_FLAGS = ("case_sensitive", "text", "hidden", "ignore", "by_file", "verbose")
# The settings that name something, or None.
_NAMES = ("pattern", "segment", "encoding", "start_method", "backend", "scheduler")
BACKENDS = ("local", "dask")


def check_options(settings: Settings) -> Settings:
    """OptionsError for the first value of the wrong type or out of its range, or options
    that clash; returns the settings with each number an int (numpy's too) and the
    encoding's canonical name."""
    for name in _FLAGS:
        if type(getattr(settings, name)) is not bool:
            raise OptionsError(f"{name} must be True or False, not {getattr(settings, name)!r}")
    for name in _NAMES:
        if not isinstance(getattr(settings, name), (str, type(None))):
            raise OptionsError(f"{name} must be a str or None, not {getattr(settings, name)!r}")
    min_length = checked_number("min_length", settings.min_length, 1, MAX_MIN_LENGTH)
    min_count = checked_number("min_count", settings.min_count, 1, MAX_MIN_COUNT)
    ngrams = checked_number("ngrams", settings.ngrams, 1, MAX_NGRAMS)
    jobs = None if settings.jobs is None else checked_number("jobs", settings.jobs, 1, MAX_JOBS)
    settings = settings._replace(
        jobs=jobs, min_length=min_length, min_count=min_count, ngrams=ngrams
    )
    timeout = settings.timeout
    if not (isinstance(timeout, (int, float)) and 0 < timeout <= MAX_TIMEOUT_SECONDS):
        raise OptionsError(f"timeout must be over 0 and at most {MAX_TIMEOUT_SECONDS:g} seconds")
    _check_word_rule(settings.pattern, settings.ngrams, settings.segment)
    _check_storage_options(settings.storage_options)
    for name, value, choices in (
        ("start_method", settings.start_method, START_METHODS),
        ("backend", settings.backend, BACKENDS),
    ):
        if value is not None and value not in choices:
            raise OptionsError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    if settings.encoding is None:
        return settings
    return settings._replace(encoding=canonical_encoding(settings.encoding))


def _check_storage_options(options: object) -> None:
    """fsspec's storage_options are keyword arguments: a mapping with str keys."""
    if options is None:
        return
    if not isinstance(options, Mapping) or not all(isinstance(key, str) for key in options):
        raise OptionsError(f"storage_options must be a dict with str keys, not {options!r}")


def checked_number(name: str, value: object, low: int, high: int) -> int:
    """A whole number from low to high: an int of numpy's is one, a bool is not."""
    try:
        number = operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        number = low - 1
    if isinstance(value, bool) or not low <= number <= high:
        raise OptionsError(f"{name} must be a whole number from {low} to {high}, not {value!r}")
    return number


def _check_word_rule(pattern: str | None, ngrams: int, segment: str | None) -> None:
    conflict = word_rule_conflict(pattern=pattern, ngrams=ngrams, segment=segment)
    if conflict is not None:
        raise OptionsError(f"{conflict[0]} and {conflict[1]} cannot be used together")
    if pattern is not None:
        from wordcount.words.pattern import check_pattern  # only a --pattern run needs it

        problem = check_pattern(pattern)
        if problem is not None:
            raise OptionsError(f"pattern: {problem}")
    if segment is not None and segment not in SEGMENTERS:
        raise OptionsError(f"segment must be one of {', '.join(SEGMENTERS)}, not {segment!r}")
    if segment == "icu" and icu_version() is None:
        raise OptionsError(ICU_EXTRA_HINT)


# The names of this process's standard input: "-", and those the system gives it.
STDIN_NAMES = frozenset(["-", "/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"])


def names_stdin(path: str) -> bool:
    """Whether reading path reads this process's standard input: one of its names, or
    (under another name, /proc/PID/fd/0) the very pipe or terminal that fd 0 is. A
    regular file redirected to stdin is not: opened by name, it is read from its start."""
    if path in STDIN_NAMES:
        return True
    try:
        found, stdin = os.stat(path), os.fstat(0)
    except (OSError, ValueError):  # no such path, no fd 0, a NUL in the name
        return False
    return not stat.S_ISREG(found.st_mode) and (found.st_dev, found.st_ino) == (
        stdin.st_dev,
        stdin.st_ino,
    )


def second_stdin_reader(readers: Iterable[tuple[str, Iterable[str]]]) -> tuple[str, str] | None:
    """Standard input can be read once, by one option: of (option, its paths) pairs, the
    first two options that would each read it, or None."""
    first = None
    for option, paths in readers:
        if any(names_stdin(path) for path in paths):
            if first is not None:
                return first, option
            first = option
    return None


def stdin_conflict(readers: Iterable[tuple[str, Iterable[str]]]) -> str | None:
    """The usage error of standard input read twice (see second_stdin_reader), or None."""
    pair = second_stdin_reader(readers)
    if pair is None:
        return None
    return f"standard input can be read only once: by {pair[0]}, not by {pair[1]} too"
