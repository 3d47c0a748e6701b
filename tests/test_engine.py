"""Planning and running units: boundaries, batching, pools and start methods."""

from __future__ import annotations

import gc
import multiprocessing
import pickle
from collections import Counter
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import examples, workers_of
from wordcount import reference_words
from wordcount.engine.lifecycle import objects_frozen
from wordcount.engine.options import CountOptions
from wordcount.engine.planner import FILE_COST_BYTES, plan_units
from wordcount.engine.run import count_inputs
from wordcount.engine.units import WorkUnit
from wordcount.engine.worker import SMALL_FILE_BYTES, count_unit
from wordcount.sources import content
from wordcount.sources.identity import CHANGED_MESSAGE
from wordcount.sources.paths import InputFile, expand_inputs
from wordcount.sources.problems import InputProblem, ProblemKind
from wordcount.sources.ranges import FileRange
from wordcount.words.native import NATIVE

PROSE = (
    "\ufeffIt was the best of times,\r\nit was the WORST of times; \u201cDon\u2019t,\u201d "
    "said na\u00efve \u039f\u0394\u039f\u03a3.\r\n"
)


def test_ranges_cover_the_file_and_cut_after_line_feeds(tmp_path: Path) -> None:
    path = tmp_path / "prose.txt"
    data = PROSE.encode() * 50
    path.write_bytes(data)
    plan = plan_units([InputFile(0, str(path), path.stat().st_size)], jobs=2, unit_bytes=300)
    ranges = [unit.ranges[0] for unit in plan.units]
    assert len(ranges) > 5
    assert ranges[0].start == 0
    assert ranges[-1].end is None
    for before, after in pairwise(ranges):
        assert before.end == after.start
        assert data[after.start - 1 : after.start] == b"\n"  # never between CR and LF


def test_a_file_without_line_breaks_is_cut_before_a_separator(tmp_path: Path) -> None:
    path = tmp_path / "one-line.txt"
    data = b"word, " * 1000
    path.write_bytes(data)
    plan = plan_units([InputFile(0, str(path), path.stat().st_size)], jobs=2, unit_bytes=500)
    starts = [unit.ranges[0].start for unit in plan.units[1:]]
    assert starts
    assert all(data[start : start + 1] in (b",", b" ") for start in starts)


def test_small_files_are_batched_by_bytes_plus_a_cost_per_file(tmp_path: Path) -> None:
    paths = []
    for index in range(25):
        path = tmp_path / f"{index}.txt"
        path.write_bytes(b"x" * (FILE_COST_BYTES - 1) + b"\n")  # each costs 2 x FILE_COST_BYTES
        paths.append(InputFile(index, str(path), FILE_COST_BYTES))
    plan = plan_units(paths, jobs=2, unit_bytes=20 * FILE_COST_BYTES)
    assert [len(unit.ranges) for unit in plan.units] == [10, 10, 5]
    assert [unit.size for unit in plan.units] == [10240, 10240, 5120]


@settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    repeats=st.integers(min_value=1, max_value=30),
    unit_bytes=st.integers(min_value=1, max_value=400),
)
def test_any_unit_size_gives_the_plain_rule_counts(
    tmp_path: Path, repeats: int, unit_bytes: int
) -> None:
    path = tmp_path / "prose.txt"
    path.write_bytes(PROSE.encode() * repeats)
    # pool_min_bytes keeps this in-process: the units are planned as for 2 workers, then
    # counted one by one, which exercises every boundary without a pool's start-up cost.
    result = count_inputs(paths=[str(path)], jobs=2, unit_bytes=unit_bytes, pool_min_bytes=1 << 40)
    assert result.counts == Counter(reference_words(PROSE * repeats))


@pytest.mark.parametrize("start_method", multiprocessing.get_all_start_methods())
def test_pool_counts_equal_serial_counts_under_every_start_method(
    tmp_path: Path, start_method: str
) -> None:
    # Units of tens of kilobytes: each takes long enough that both workers get some.
    repeats = [500 + 100 * index for index in range(6)]
    paths = []
    for index, repeat in enumerate(repeats):
        path = tmp_path / f"part{index}.txt"
        path.write_bytes((PROSE * repeat).encode())
        paths.append(str(path))
    serial = count_inputs(paths=paths, jobs=1)
    parallel = count_inputs(
        paths=paths, jobs=2, start_method=start_method, unit_bytes=20_000, pool_min_bytes=0
    )
    assert (workers_of(serial), workers_of(parallel)) == (0, 2)
    assert parallel.counts == serial.counts
    assert serial.counts["times"] == 2 * sum(repeats)
    sizes = sum(len((PROSE * repeat).encode()) for repeat in repeats)
    assert (parallel.files, parallel.bytes_read) == (serial.files, serial.bytes_read) == (6, sizes)


def test_unreadable_inputs_are_reported_and_the_rest_counted(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_bytes(b"one two two")
    dangling = tmp_path / "dangling.txt"
    dangling.symlink_to(tmp_path / "gone.txt")
    paths = [str(tmp_path / "missing.txt"), str(good), str(dangling)]
    result = count_inputs(paths=paths, jobs=1)
    assert result.counts == {"two": 2, "one": 1}
    assert result.files == 1
    assert [(problem.input_index, problem.message) for problem in result.problems] == [
        (0, "No such file or directory"),
        (2, "No such file or directory"),
    ]
    assert result.has_errors


def test_invalid_utf8_is_blamed_on_the_right_file_of_a_batch(tmp_path: Path) -> None:
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("se\u00f1or m\u00fcde \u00e9t\u00e9".encode("latin-1"))
    utf8 = tmp_path / "utf8.txt"
    utf8.write_bytes("se\u00f1or".encode())
    result = count_inputs(paths=[str(utf8), str(latin1)], jobs=1)
    assert result.counts == {"se\u00f1or": 2, "m\u00fcde": 1, "\u00e9t\u00e9": 1}
    assert [(p.path, p.message, p.is_error) for p in result.problems] == [
        (
            str(latin1),
            (
                "not valid UTF-8; its invalid words were read as cp1252 (as Western text; "
                "--encoding NAME reads another encoding exactly)"
            ),
            False,
        )
    ]


LATIN1 = "se\u00f1or m\u00fcde \u00e9t\u00e9 ".encode("latin-1")
CHINESE = "\u6211\u559c\u6b22\u5b66\u4e60\u4e2d\u6587 ".encode()


@pytest.mark.parametrize("repeat", [1, SMALL_FILE_BYTES // 4])  # small files, and big ones
@pytest.mark.parametrize("flagged_first", [True, False])
@pytest.mark.parametrize(
    ("flagged", "kind"), [(LATIN1, ProblemKind.CP1252), (CHINESE, ProblemKind.UNSPACED)]
)
def test_what_a_text_raised_is_said_of_its_own_file_only(
    tmp_path: Path, repeat: int, flagged_first: bool, flagged: bytes, kind: ProblemKind
) -> None:
    """Two files counted by one counter: the warning names the file that raised it, told
    by the counter as each text ends (never by reading the files again)."""
    # A big file's first 64 KiB are ASCII: nothing there to detect a legacy encoding by.
    padding = b"padding " * (repeat - 1)
    plain = tmp_path / "plain.txt"
    plain.write_bytes(padding + "se\u00f1or plain ".encode())
    raising = tmp_path / "raising.txt"
    raising.write_bytes(padding + flagged)
    files = [raising, plain] if flagged_first else [plain, raising]
    ranges = tuple(FileRange(str(path), index, 0, None) for index, path in enumerate(files))
    result = count_unit(WorkUnit(ranges, sum(path.stat().st_size for path in files)))
    assert [(problem.path, problem.kind) for problem in result.problems] == [(str(raising), kind)]


@pytest.mark.skipif(not NATIVE, reason="the kernel's small-file reader")
def test_the_kernels_small_file_reader_follows_the_content_rule_of_sources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Which first bytes send a file to sources.content's judgement is said once, there:
    with Z added to them, the kernel leaves a file that starts with Z to Python."""
    zebra = tmp_path / "zebra.txt"
    zebra.write_bytes(b"Zebra crossing")
    other = tmp_path / "other.txt"
    other.write_bytes(b"other words")
    unit = WorkUnit((FileRange(str(zebra), 0, 0, None), FileRange(str(other), 1, 0, None)), 25)
    judged: list[bytes] = []

    def classify_head(head: bytes, **options: Any) -> content.HeadKind:
        judged.append(head)
        return real_classify_head(head, **options)

    real_classify_head = content.classify_head
    monkeypatch.setattr(content, "classify_head", classify_head)
    assert count_unit(unit).counts == {b"zebra": 1, b"crossing": 1, b"other": 1, b"words": 1}
    assert judged == []  # both counted by the kernel
    monkeypatch.setattr(content, "SPECIAL_FIRST_BYTES", content.SPECIAL_FIRST_BYTES | {ord("Z")})
    assert count_unit(unit).counts == {b"zebra": 1, b"crossing": 1, b"other": 1, b"words": 1}
    assert judged == [b"Zebra crossing"]


def test_a_work_unit_survives_pickling_as_columns() -> None:
    ranges = (FileRange("a.txt", 0, 0, None), FileRange("b.txt", 3, 100, 250, (400, -1, 2**64 - 1)))
    unit = WorkUnit(ranges, size=400)
    assert pickle.loads(pickle.dumps(unit)) == unit
    assert pickle.loads(pickle.dumps(WorkUnit((), 0))) == WorkUnit((), 0)


@pytest.mark.parametrize("size", [SMALL_FILE_BYTES - 1, SMALL_FILE_BYTES, SMALL_FILE_BYTES + 1])
def test_files_either_side_of_the_small_file_limit_count_the_same(
    tmp_path: Path, size: int
) -> None:
    """Below the limit a file is read in one call; at it and above, in chunks."""
    body = b"\xef\xbb\xbfsmall " + b"x" * (size - 15) + b" big\r\n"  # 15 bytes besides the x run
    assert len(body) == size
    path = tmp_path / "edge.txt"
    path.write_bytes(body)
    result = count_unit(WorkUnit((FileRange(str(path), 0, 0, None),), size))
    assert result.counts == {b"small": 1, b"x" * (size - 15): 1, b"big": 1}
    assert (result.files, result.bytes_read, result.problems) == (1, size, [])


def test_small_files_that_need_decoding_or_are_binary_still_get_the_full_path(
    tmp_path: Path,
) -> None:
    import gzip

    (tmp_path / "packed.txt.gz").write_bytes(gzip.compress(b"packed words words"))
    (tmp_path / "wide.txt").write_bytes("\ufeffwide words".encode("utf-16-le"))
    (tmp_path / "blob.bin").write_bytes(b"blob\x00words")
    result = count_inputs(paths=[str(tmp_path)], jobs=1)
    assert result.counts == {"words": 3, "packed": 1, "wide": 1}
    assert result.files == 2
    assert [problem.path for problem in result.problems] == [str(tmp_path / "blob.bin")]


def test_the_pool_starts_with_objects_frozen_and_leaves_none_frozen(tmp_path: Path) -> None:
    """Forked workers must not walk the parent's objects in their garbage collection, and
    a library caller must not be left with objects that can never be collected."""

    def fail_while_frozen() -> None:
        with objects_frozen():
            assert gc.get_freeze_count() > 0
            raise RuntimeError("inside")

    with pytest.raises(RuntimeError, match="inside"):
        fail_while_frozen()
    assert gc.get_freeze_count() == 0
    path = tmp_path / "prose.txt"
    path.write_bytes(PROSE.encode() * 50)
    count_inputs(paths=[str(path)], jobs=2, unit_bytes=512, pool_min_bytes=0)
    assert gc.get_freeze_count() == 0
    # A caller's own freeze is left as it was. (Checked object by object: the freeze
    # count itself drops whenever some frozen object is freed meanwhile.)
    callers_object: list[int] = []
    gc.freeze()
    try:
        with objects_frozen():
            made_inside: list[int] = []
            assert not _collectable(callers_object)
        assert not _collectable(callers_object)
        assert _collectable(made_inside)
    finally:
        gc.unfreeze()
    assert _collectable(callers_object)


def _collectable(tracked: object) -> bool:
    """Whether the garbage collector looks at this object (frozen ones it leaves alone)."""
    return any(candidate is tracked for candidate in gc.get_objects())


def test_a_file_gone_before_its_worker_reads_it_is_an_error_not_a_crash(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_bytes(b"still here")
    gone = str(tmp_path / "gone.txt")  # planned, then deleted before the worker got to it
    unit = WorkUnit((FileRange(gone, 0, 0, None), FileRange(str(good), 1, 0, None)), 10)
    result = count_unit(unit)
    assert result.counts == {b"still": 1, b"here": 1}
    assert [(p.input_index, p.message, p.is_error) for p in result.problems] == [
        (0, "No such file or directory", True)
    ]
    assert (result.files, result.bytes_read) == (1, 10)


# -- a file that changes after it was planned (issue 14) ----------------------------------


def _planned(path: Path, index: int = 0) -> InputFile:
    (found,) = expand_inputs([str(path)]).files
    return found._replace(input_index=index)


def test_the_walk_and_the_planner_carry_each_files_identity(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_bytes(PROSE.encode() * 50)
    (tmp_path / "small.txt").write_bytes(b"small")
    files = expand_inputs([str(tmp_path)]).files
    for found in files:
        status = Path(found.path).stat()
        assert found.identity == (status.st_size, status.st_mtime_ns, status.st_ino)
    for jobs in (1, 2):
        plan = plan_units(files, jobs=jobs, unit_bytes=500)
        ranges = [file_range for unit in plan.units for file_range in unit.ranges]
        assert len(ranges) > (2 if jobs == 2 else 1)
        identities = {file.path: file.identity for file in files}
        assert all(r.identity == identities[r.path] for r in ranges)


@pytest.mark.parametrize(
    ("size", "unit_of", "options"),
    [
        (100, "whole", CountOptions()),  # small: the kernel's batch, or Python's small path
        (100, "whole", CountOptions(by_file=True)),  # Python's small path with the kernel too
        (SMALL_FILE_BYTES * 2 + 5, "whole", CountOptions()),  # read in chunks
        (SMALL_FILE_BYTES * 2 + 5, "ranges", CountOptions()),  # cut into ranges
    ],
)
def test_a_file_changed_since_it_was_planned_is_counted_and_reported(
    tmp_path: Path, size: int, unit_of: str, options: CountOptions
) -> None:
    other = tmp_path / "other.txt"
    other.write_bytes(b"other words")
    path = tmp_path / "changing.txt"
    path.write_bytes(b"word " * (size // 5))
    files = [_planned(path, 0), _planned(other, 1)]
    if unit_of == "ranges":
        units = plan_units(files, jobs=2, unit_bytes=SMALL_FILE_BYTES // 2).units
    else:
        units = plan_units(files, jobs=1).units
    assert len(units) > (1 if unit_of == "ranges" else 0)

    def counted() -> tuple[Counter[bytes], list[InputProblem]]:
        results = [count_unit(unit, options) for unit in units]
        counts: Counter[bytes] = Counter()
        for result in results:
            counts.update(result.counts)
        return counts, [problem for result in results for problem in result.problems]

    words = size // 5
    assert counted() == ({b"word": words, b"other": 1, b"words": 1}, [])
    with path.open("ab") as file:  # it grows after it was planned
        file.write(b" grown")
    counts, problems = counted()
    assert counts == {b"word": words, b"grown": 1, b"other": 1, b"words": 1}
    assert set(problems) == {InputProblem(0, str(path), CHANGED_MESSAGE, ProblemKind.CHANGED)}


def test_a_range_that_ends_before_its_planned_end_is_a_change(tmp_path: Path) -> None:
    """All that a URL's file can show, having no identity to compare."""
    path = tmp_path / "short.txt"
    path.write_bytes(b"only ten b")
    cut_short = WorkUnit((FileRange(str(path), 0, 0, 1000),), 1000)
    result = count_unit(cut_short)
    assert result.counts == {b"only": 1, b"ten": 1, b"b": 1}
    assert result.problems == [InputProblem(0, str(path), CHANGED_MESSAGE, ProblemKind.CHANGED)]
    to_the_end = WorkUnit((FileRange(str(path), 0, 0, 10),), 10)
    assert count_unit(to_the_end).problems == []
