"""What went wrong with which input: an error (it was not counted) or a warning."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import NamedTuple


class ProblemKind(Enum):
    """Only UNREADABLE and CHANGED are errors; each kind is one entry of the summary on
    stderr."""

    UNREADABLE = "unreadable"
    # The file changed while it was read: its words were counted, but may be wrong.
    CHANGED = "changed"
    BINARY = "binary"
    HIDDEN = "hidden"
    SYMLINK_LOOP = "symlink loop"
    NOT_REGULAR = "not a regular file"
    CP1252 = "cp1252"
    # Not UTF-8: read whole in the legacy encoding detected for it (sources.detection).
    DETECTED = "detected encoding"
    LONG_WORD = "long word"
    # Not a problem but a hint: text in a script without spaces, counted by the default rule.
    UNSPACED = "unspaced script"


class InputProblem(NamedTuple):
    input_index: int
    path: str
    message: str
    kind: ProblemKind = ProblemKind.UNREADABLE

    @property
    def is_error(self) -> bool:
        return self.kind is ProblemKind.UNREADABLE or self.kind is ProblemKind.CHANGED


def describe_os_error(error: OSError) -> str:
    return error.strerror or str(error)


def in_input_order(problems: Iterable[InputProblem]) -> list[InputProblem]:
    """One line per distinct problem, in the order the inputs were given, and one
    "unreadable" line per input.

    A file cut into ranges that fails in several units (its server gone, say) is reported
    by each: "'s3://b/big.txt': EndpointConnectionError: ..." by the unit of its first
    range, the same with "; not counted" by a later one. Only the last of them in sort
    order is kept, so that every run, whichever unit finished first, prints the same line
    (and a message with "; not counted" after it sorts after the bare one)."""
    unique = {
        (problem.input_index, problem.message, problem.kind.value): problem for problem in problems
    }
    unreadable = {
        index: key
        for key in sorted(unique)
        for index, _, kind in [key]
        if kind == ProblemKind.UNREADABLE.value
    }
    return [
        unique[key]
        for key in sorted(unique)
        if key[2] != ProblemKind.UNREADABLE.value or unreadable[key[0]] == key
    ]
