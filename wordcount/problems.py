"""What went wrong with which input, and the one-line account of a whole run."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum


class ProblemKind(Enum):
    """Each kind is one entry of the summary line; only UNREADABLE is an error."""

    UNREADABLE = "unreadable"
    BINARY = "skipped (binary)"
    HIDDEN = "skipped (hidden)"
    SYMLINK_LOOP = "skipped (symlink loop)"
    NOT_REGULAR = "skipped (not a regular file)"
    CP1252 = "read as cp1252"
    LONG_WORD = "with words over 1 MiB skipped"


@dataclass(frozen=True)
class InputProblem:
    """Something to tell the user about one input: an error (it was not counted) or a warning."""

    input_index: int
    path: str
    message: str
    kind: ProblemKind = ProblemKind.UNREADABLE

    @property
    def is_error(self) -> bool:
        return self.kind is ProblemKind.UNREADABLE


def describe_os_error(error: OSError) -> str:
    return error.strerror or str(error)


def in_input_order(problems: Iterable[InputProblem]) -> list[InputProblem]:
    """One line per distinct problem, in the order the inputs were given."""
    unique = {
        (problem.input_index, problem.message, problem.kind.value): problem for problem in problems
    }
    return [unique[key] for key in sorted(unique)]


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
    for kind in ProblemKind:  # a fixed order, so the line reads the same every run
        count = tally[kind]
        if not count:
            continue
        noun = "" if parts else (" file" if count == 1 else " files")
        parts.append(f"{count}{noun} {kind.value}")
    return ", ".join(parts) or None
