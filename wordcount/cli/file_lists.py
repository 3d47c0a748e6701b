"""The PATHs of the command line: those typed, then those a --files-from list names; or,
with none, standard input when it is a pipe."""

from __future__ import annotations

import sys

import click

from wordcount.cli.ending import OneLineUsageError
from wordcount.cli.messages import quote_path
from wordcount.sources.paths import STDIN_PATH, split_path_list
from wordcount.sources.problems import describe_os_error

# The names of this process's standard input, which a list read from it has used up.
_STDIN_NAMES = frozenset([STDIN_PATH, "/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"])


def paths_or_stdin(paths: tuple[str, ...], *, listed: bool = False) -> tuple[str, ...]:
    """listed: the paths include a --files-from list's, so none is none (an empty list)."""
    if paths or listed:
        return paths
    if sys.stdin is None or sys.stdin.isatty():
        raise click.UsageError("no input: give a PATH, or pipe text into standard input")
    return (STDIN_PATH,)


def paths_and_list(paths: tuple[str, ...], source: str, *, null: bool) -> tuple[str, ...]:
    """The PATHs, then the paths listed in --files-from's FILE (NUL-separated with null).
    A list that cannot be read is a usage error: a run without it would count the wrong
    files."""
    # /dev/stdin and /dev/fd/0 are standard input as much as "-" is.
    from_stdin = source in _STDIN_NAMES
    try:
        if from_stdin:
            if sys.stdin is None:
                raise OSError(0, "standard input is closed")
            content = sys.stdin.buffer.read()
        else:
            with open(source, "rb") as file:
                content = file.read()
    except OSError as failure:
        raise OneLineUsageError(
            f"--files-from {quote_path(source)}: {describe_os_error(failure)}"
        ) from None
    except ValueError:  # a NUL in the name
        raise OneLineUsageError(f"--files-from {quote_path(source)}: not a path") from None
    except MemoryError:
        raise MemoryError(f"while reading the --files-from list {quote_path(source)}") from None
    try:
        listed = split_path_list(content, null=null)
    except MemoryError:
        raise MemoryError(f"while reading the --files-from list {quote_path(source)}") from None
    if from_stdin and any(path in _STDIN_NAMES for path in (*paths, *listed)):
        raise click.UsageError(
            f"--files-from {source} reads the list from standard input, so it cannot also "
            "be an input"
        )
    return (*paths, *listed)
