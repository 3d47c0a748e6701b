"""Messages on stderr, one line each: warnings, errors and the summary line. Data goes to
stdout; nothing here ever writes there.

Untrusted text in a message (a path, a word) has its control characters shown as \\xNN,
so that none can act on the terminal. A message that cannot be written (stderr closed,
full, or a closed pipe) is dropped: the counts on stdout and the exit status never
depend on stderr.
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from collections.abc import Iterable

import click

from wordcount.sources.problems import InputProblem, ProblemKind

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
# Each kind of problem as the summary line says it, in this fixed order.
_SUMMARY_PHRASES = {
    ProblemKind.UNREADABLE: "unreadable",
    ProblemKind.CHANGED: "changed as we read it",
    ProblemKind.BINARY: "skipped (binary)",
    ProblemKind.HIDDEN: "skipped (hidden)",
    ProblemKind.SYMLINK_LOOP: "skipped (symlink loop)",
    ProblemKind.NOT_REGULAR: "skipped (not a regular file)",
    ProblemKind.CP1252: "read as cp1252",
    ProblemKind.DETECTED: "read in a detected encoding",
    ProblemKind.LONG_WORD: "with words over 1 MiB skipped",
}


def escape_controls(text: str) -> str:
    """Show C0, DEL and C1 controls as \\xNN, so that they cannot act on a terminal."""
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def quote_path(path: str) -> str:
    """A path for a one-line message: undecodable bytes and controls escaped, quoted."""
    readable = path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "'" + escape_controls(readable) + "'"


def note(line: str) -> None:
    """One line on stderr, if it can be written at all (ValueError: it was closed)."""
    with contextlib.suppress(OSError, ValueError):
        click.echo(line, err=True)


def error(message: str) -> None:
    note(f"wordcount: error: {message}")


def warning(message: str) -> None:
    note(f"wordcount: warning: {message}")


def notice(message: str) -> None:
    """Something worth knowing about the figures, that is neither wrong nor a risk."""
    note(f"wordcount: note: {message}")


def report_problems(problems: Iterable[InputProblem], *, quiet: bool) -> None:
    """One line per problem; --quiet keeps only the errors."""
    for problem in problems:
        if quiet and not problem.is_error:
            continue
        kind = "error" if problem.is_error else "warning"
        note(f"wordcount: {kind}: {quote_path(problem.path)}: {problem.message}")


def report_summary(problems: Iterable[InputProblem], *, hidden_skipped: int) -> None:
    """The last line on stderr, when anything was skipped or read another way."""
    line = summary_line(problems, hidden_skipped=hidden_skipped)
    if line is not None:
        note(f"wordcount: {line}")


def summary_line(problems: Iterable[InputProblem], *, hidden_skipped: int = 0) -> str | None:
    """For example "2 files skipped (binary), 1 read as cp1252"; None when all went well.

    Each kind counts inputs, not messages: a file warned about twice counts once.
    """
    paths_by_kind: dict[ProblemKind, set[tuple[int, str]]] = {}
    for problem in problems:
        paths_by_kind.setdefault(problem.kind, set()).add((problem.input_index, problem.path))
    tally = Counter({kind: len(paths) for kind, paths in paths_by_kind.items()})
    tally[ProblemKind.HIDDEN] += hidden_skipped
    parts: list[str] = []
    for kind, phrase in _SUMMARY_PHRASES.items():
        count = tally[kind]
        if not count:
            continue
        noun = "" if parts else (" file" if count == 1 else " files")
        parts.append(f"{count}{noun} {phrase}")
    return ", ".join(parts) or None
