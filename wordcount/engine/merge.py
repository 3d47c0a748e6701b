"""What counting returns: a UnitResult per work unit, merged into one CountResult.

    worker: count_unit ─▶ UnitResult {word as UTF-8 bytes: n} ─┐ pickled back (its counts
                                                                │ packed by the kernel), from
                                                                │ a pool or Dask workers
    main process: Merge.add ◀──────── as each unit completes ───┘ (a Tally adds them up)
                  Merge.result ─▶ CountResult {word: n}, decoded as far as a report asks
                  (TalliedWords: its top N, or every word once), problems in input order

A file counted whole or not at all: the ranges of a file cut into several (its parts)
come back held apart, in UnitResult.held, and the merge holds them apart, one Merge per
file, until the last of them is in. Only then are they added to the rest, and only if
no range of the file failed; else they are dropped. A whole file that fails was left out
by its worker already (worker.py).

Words stay UTF-8 bytes until the end: byte order is code point order, and the workers'
fast path produces bytes, so nothing is decoded per unit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, NamedTuple

from wordcount.engine.text_warnings import one_unspaced_hint_per_file
from wordcount.sources.problems import InputProblem, ProblemKind, in_input_order
from wordcount.words.native import TalliedWords, Tally, add_counts, pack_counts
from wordcount.words.tokens import MAX_RUN_BYTES

if TYPE_CHECKING:
    from wordcount.engine.units import WorkUnit


class UnitResult:
    """What counting one unit (or stream) found; the worker fills it in as it goes."""

    __slots__ = (
        "by_file",
        "bytes_read",
        "counted_by",
        "counts",
        "files",
        "held",
        "long_words",
        "problems",
    )

    def __init__(
        self,
        counts: dict[bytes, int] | bytes | None = None,
        *,
        files: int = 0,
        bytes_read: int = 0,
        problems: list[InputProblem] | None = None,
        by_file: dict[int, Counter[bytes]] | None = None,
        long_words: dict[int, int] | None = None,
        counted_by: frozenset[int] = frozenset(),
        held: dict[int, HeldPart] | None = None,
    ) -> None:
        # Words as UTF-8 bytes (see words.conversion), decoded only as a report asks; as it
        # arrives from a worker with the native kernel, packed (see native.pack_counts).
        self.counts = counts if counts is not None else {}
        self.files = files
        self.bytes_read = bytes_read
        self.problems = problems if problems is not None else []
        # With --by-file: each input's own counts, by input index.
        self.by_file = by_file if by_file is not None else {}
        # How many runs too long to count each input held, by input index: a number, not
        # a message, since a file cut into ranges is warned about once, with their sum.
        self.long_words = long_words if long_words is not None else {}
        # The ids of the processes that counted this result: shows where the work ran.
        self.counted_by = counted_by
        # The parts of files cut into ranges, by input index: all they found but their
        # problems (those are above, said whatever becomes of the parts).
        self.held = held if held is not None else {}

    def __reduce__(self) -> tuple[Callable[..., UnitResult], tuple[object, ...]]:
        counts = pack_counts(self.counts) if isinstance(self.counts, dict) else self.counts
        fields = (self.files, self.bytes_read, self.problems, self.by_file, self.long_words)
        return _unit_result, (counts, *fields, self.counted_by, self.held)


def _unit_result(
    counts: dict[bytes, int] | bytes,
    files: int,
    bytes_read: int,
    problems: list[InputProblem],
    by_file: dict[int, Counter[bytes]],
    long_words: dict[int, int],
    counted_by: frozenset[int],
    held: dict[int, HeldPart],
) -> UnitResult:
    return UnitResult(
        counts,
        files=files,
        bytes_read=bytes_read,
        problems=problems,
        by_file=by_file,
        long_words=long_words,
        counted_by=counted_by,
        held=held,
    )


# Said of a file cut into ranges some of which never came back.
PARTS_LOST_MESSAGE = "some of its ranges never came back; not counted"


class HeldPart(NamedTuple):
    """Some ranges of a file cut into several, and what they found: to be added once all
    its ranges are in, or dropped if one failed."""

    ranges: int
    found: UnitResult


def parts_planned(units: Iterable[WorkUnit]) -> Counter[int]:
    """How many ranges each file cut into several has, by input index."""
    return Counter(r.input_index for unit in units for r in unit.ranges if not r.is_whole_file)


class CountResult(NamedTuple):
    # Every word counted: as a run leaves it, TalliedWords, decoded as far as a report
    # asks (its top N); from saved counts, or added up, a Counter.
    counts: Mapping[str, int]
    files: int
    bytes_read: int
    # In the order the inputs were given, one per distinct problem.
    problems: list[InputProblem]
    # Entries a walk left out because their names start with "." (see --hidden).
    hidden_skipped: int
    # With --by-file: (name as given, counts) for each input counted, in input order; a
    # file reached twice (named twice, or also through a directory) is two entries, as it
    # is counted twice in the totals.
    by_file: list[tuple[str, Counter[str]]]
    # The ids of the processes that counted units: this one alone for a serial run.
    counted_by: frozenset[int]

    @property
    def total_words(self) -> int:
        return word_total(self.counts)

    @property
    def has_errors(self) -> bool:
        """Some input could not be read."""
        return any(problem.kind is ProblemKind.UNREADABLE for problem in self.problems)

    @property
    def has_changed_inputs(self) -> bool:
        """Some input changed while it was read: its counts may be wrong."""
        return any(problem.kind is ProblemKind.CHANGED for problem in self.problems)


class Merge:
    """Adds up unit results as they complete, in whatever order that is."""

    def __init__(self) -> None:
        self._counts = Tally()
        self._by_file: dict[int, Counter[bytes]] = {}
        self._files = 0
        self._bytes_read = 0
        self._problems: list[InputProblem] = []
        self._long_words: Counter[int] = Counter()
        self._counted_by: set[int] = set()
        # The inputs that could not be read: none of their words may be added.
        self._failed: set[int] = set()
        # The files cut into ranges whose parts are still coming in: the ranges not in
        # yet, and the parts that are, added up (so bounded by the file's vocabulary).
        self._parts_due: Counter[int] = Counter()
        self._held: dict[int, Merge] = {}

    def expect_parts(self, units: Iterable[WorkUnit]) -> None:
        """The units about to be added: a file's parts are held until its last is in."""
        self._parts_due.update(parts_planned(units))

    def add(self, unit_result: UnitResult) -> None:
        self.add_problems(unit_result.problems)
        self._add_found(unit_result)
        for input_index, part in unit_result.held.items():
            self._hold(input_index, part)

    def add_problems(self, problems: Iterable[InputProblem]) -> None:
        for problem in problems:
            self._problems.append(problem)
            if problem.kind is ProblemKind.UNREADABLE:
                self._failed.add(problem.input_index)

    def _add_found(self, found: UnitResult) -> None:
        self._counts.add(found.counts)
        _add_by_file(self._by_file, found.by_file)
        self._long_words.update(found.long_words)
        self._files += found.files
        self._bytes_read += found.bytes_read
        self._counted_by.update(found.counted_by)

    def _hold(self, input_index: int, part: HeldPart) -> None:
        held = self._held.setdefault(input_index, Merge())
        if input_index not in self._failed:  # else to be dropped: why add it up
            held.add(part.found)
        self._counted_by.update(part.found.counted_by)  # where the work ran, kept or not
        if input_index not in self._parts_due:  # not announced: released by result()
            return
        self._parts_due[input_index] -= part.ranges
        if self._parts_due[input_index] <= 0:
            del self._parts_due[input_index]
            self._release(input_index)

    def _release(self, input_index: int) -> None:
        """All of the file's parts are in: added to the rest if none of them failed."""
        held = self._held.pop(input_index)
        if input_index not in self._failed:
            # A tally gives its words in the order of its table, which piles them into
            # one run of a smaller table (see words/kernel/table.h), turning each insert
            # into a long probe: the smaller tally is added to the larger.
            if held._counts.distinct > self._counts.distinct:
                self._counts, held._counts = held._counts, self._counts
            self._counts.add(held._counts.take())
            _add_by_file(self._by_file, held._by_file)
            self._long_words.update(held._long_words)
            self._files += held._files
            self._bytes_read += held._bytes_read

    def result(self, *, names: Mapping[int, str], hidden_skipped: int) -> CountResult:
        """The merged counts (TalliedWords: decoded as far as a report asks); names label
        each input index for --by-file and for the warnings about runs too long to count."""
        for input_index in sorted(self._held):
            if input_index in self._parts_due:  # never: a unit lost fails the run first
                path = names.get(input_index, str(input_index))
                self.add_problems([InputProblem(input_index, path, PARTS_LOST_MESSAGE)])
            self._release(input_index)
        by_file = [
            (names.get(index, str(index)), _decoded(self._by_file[index]))
            for index in sorted(self._by_file)
        ]
        long_words = [
            _long_words_problem(index, names.get(index, str(index)), skipped)
            for index, skipped in self._long_words.items()
        ]
        return CountResult(
            counts=TalliedWords(self._counts),
            files=self._files,
            bytes_read=self._bytes_read,
            problems=in_input_order(one_unspaced_hint_per_file([*self._problems, *long_words])),
            hidden_skipped=hidden_skipped,
            by_file=by_file,
            counted_by=frozenset(self._counted_by),
        )


def word_total(counts: Mapping[str, int]) -> int:
    """The words counted, each as often as it occurs: TalliedWords adds them up without
    decoding them."""
    if isinstance(counts, (Counter, TalliedWords)):
        return counts.total()
    return sum(counts.values())


def _decoded(counts: Counter[bytes]) -> Counter[str]:
    return Counter({word.decode(): n for word, n in counts.items()})


def _add_by_file(total: dict[int, Counter[bytes]], by_file: Mapping[int, Counter[bytes]]) -> None:
    for index, file_counts in by_file.items():
        add_counts(total.setdefault(index, Counter()), file_counts)


def _long_words_problem(input_index: int, path: str, skipped: int) -> InputProblem:
    """The one warning for an input's runs too long to count, all its ranges together."""
    limit_mib = MAX_RUN_BYTES // (1 << 20)
    message = f"skipped {skipped} word(s) longer than {limit_mib} MiB"
    return InputProblem(input_index, path, message, ProblemKind.LONG_WORD)
