"""A file is counted whole or not at all (issue 22, item 4).

When a read fails part-way through a file, none of its words, nor its bytes, nor its place
among the files, reach the report, however it was cut into ranges and whichever engine
counted it; its one error line says it was not counted, and the run exits 1. The other
inputs are counted exactly.

The test support's bad byte (BAD_BYTE_VARIABLE, see support/wordcount_test_support.py)
makes every read of big.txt that would return one byte of it fail with EIO, as a disk's
bad sector does: at the same byte for every -j, so every run must print the same.
"""

from __future__ import annotations

import io
import random
import re
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import invoke, run_wordcount
from tests.support.wordcount_test_support import BAD_BYTE_VARIABLE, POOL_MIN_BYTES_VARIABLE
from wordcount.cli.ending import ExitStatus
from wordcount.engine.merge import Merge
from wordcount.engine.options import CountOptions
from wordcount.engine.planner import plan_units
from wordcount.engine.run import count_inputs
from wordcount.engine.worker import count_stream, count_unit_holding_parts
from wordcount.sources.paths import expand_inputs
from wordcount.sources.problems import InputProblem

# 1,100,000 bytes. -j 4 plans units of a quarter of the input (above the least unit,
# 256 KiB), so it cuts big.txt into 4 ranges of about 275,000 bytes.
BIG = b"torn words\n" * 100_000
# In the second range, and clear of what the planner reads: big.txt's first 64 KiB, and
# the 64 KiB after each cut, where it looks for a line feed.
BAD_BYTE = 400_000
KEPT = b"kept words\n"
# KEPT's words, and nothing of BIG's: "words" once, not 100,001 or some number between.
KEPT_COUNTS = Counter({"kept": 1, "words": 1})
NOT_COUNTED = "Input/output error; not counted"


@pytest.fixture
def inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """big.txt, whose byte BAD_BYTE cannot be read, then kept.txt."""
    (tmp_path / "big.txt").write_bytes(BIG)
    (tmp_path / "kept.txt").write_bytes(KEPT)
    monkeypatch.setenv(BAD_BYTE_VARIABLE, f"{BAD_BYTE}:big.txt")
    return [str(tmp_path / "big.txt"), str(tmp_path / "kept.txt")]


@pytest.mark.parametrize(
    ("jobs", "pool_min_bytes"),
    [
        ("1", None),  # one unit, big.txt whole in it
        ("4", None),  # below the pool's threshold: the four ranges counted here, as one unit
        pytest.param("4", "0", marks=pytest.mark.slow),  # four units in a pool of workers
    ],
)
def test_a_file_whose_second_range_fails_is_not_counted(
    inputs: list[str], monkeypatch: pytest.MonkeyPatch, jobs: str, pool_min_bytes: str | None
) -> None:
    if pool_min_bytes is not None:
        monkeypatch.setenv(POOL_MIN_BYTES_VARIABLE, pool_min_bytes)
    result = invoke([*inputs, "-j", jobs])
    assert result.stdout_bytes == b"kept\t1\nwords\t1\n"
    assert result.stderr == (
        f"wordcount: error: '{inputs[0]}': {NOT_COUNTED}\nwordcount: 1 file unreadable\n"
    )
    assert result.exit_code == ExitStatus.INPUT_ERROR
    if pool_min_bytes is not None:  # the installed command too, with workers of its own
        installed = run_wordcount([*inputs, "-j", jobs])
        assert (installed.stdout, installed.stderr.decode(), installed.returncode) == (
            result.stdout_bytes,
            result.stderr,
            result.exit_code,
        )


@pytest.mark.parametrize("by_file", [False, True])
def test_the_ranges_of_a_failed_file_are_dropped_in_any_order(
    inputs: list[str], by_file: bool
) -> None:
    """As a pool merges the units, in whatever order they end: the ranges counted before
    the failing one, and those after it, are held until the file's last one is in."""
    options = CountOptions(by_file=by_file)
    plan = plan_units(expand_inputs(inputs).files, jobs=4, options=options)
    ranges = [r for unit in plan.units for r in unit.ranges if r.path == inputs[0]]
    assert len(ranges) == 4  # what the tests here take for granted
    assert ranges[1].start < BAD_BYTE < (ranges[1].end or 0)
    results = [count_unit_holding_parts(unit, options) for unit in plan.units]
    for order in (results, results[::-1], random.Random(4).sample(results, len(results))):
        merge = Merge()
        merge.expect_parts(plan.units)
        for unit_result in order:
            merge.add(unit_result)
        counted = merge.result(names=dict(enumerate(inputs)), hidden_skipped=0)
        assert counted.counts == KEPT_COUNTS
        assert (counted.files, counted.bytes_read) == (1, len(KEPT))
        assert counted.problems == [InputProblem(0, inputs[0], NOT_COUNTED)]
        assert counted.by_file == ([(inputs[1], KEPT_COUNTS)] if by_file else [])


def test_a_file_some_of_whose_ranges_never_came_back_is_not_counted(
    inputs: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never in a run (a unit lost fails it first), but loud if it were."""
    monkeypatch.delenv(BAD_BYTE_VARIABLE)  # every range it has read well
    plan = plan_units(expand_inputs(inputs).files, jobs=4)
    merge = Merge()
    merge.expect_parts(plan.units)
    for unit in plan.units[1:]:  # the first range of big.txt lost
        merge.add(count_unit_holding_parts(unit))
    counted = merge.result(names=dict(enumerate(inputs)), hidden_skipped=0)
    assert (counted.counts, counted.files, counted.bytes_read) == (KEPT_COUNTS, 1, len(KEPT))
    lost = "some of its ranges never came back; not counted"
    assert counted.problems == [InputProblem(0, inputs[0], lost)]


@pytest.mark.slow  # a cluster of its own, started after the bad byte was set
def test_a_file_whose_second_range_fails_on_a_dask_cluster_is_not_counted(
    inputs: list[str],
) -> None:
    distributed = pytest.importorskip("distributed", reason="needs the dask extra")
    # 4 threads: 4 ranges of big.txt, as for -j 4.
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=2, processes=True, dashboard_address=":0"
    ) as cluster:
        result = invoke([*inputs, "--scheduler", cluster.scheduler_address])
    assert result.stdout_bytes == b"kept\t1\nwords\t1\n"
    # The worker that failed is named (issue 23); every worker can open the file, so it
    # is not said that they see different files.
    reason, _, counted = NOT_COUNTED.partition("; ")
    first_line = (
        f"wordcount: error: '{re.escape(inputs[0])}': {reason} "
        rf"\(on worker tcp://127\.0\.0\.1:\d+\); {counted}\n"
    )
    assert re.fullmatch(first_line + "wordcount: 1 file unreadable\n", result.stderr)
    assert result.exit_code == ExitStatus.INPUT_ERROR


@pytest.mark.parametrize("jobs", [1, 4])
def test_a_failed_file_adds_nothing_to_the_statistics(inputs: list[str], jobs: int) -> None:
    counted = count_inputs(paths=inputs, jobs=jobs)
    assert counted.counts == KEPT_COUNTS
    assert (counted.files, counted.bytes_read, counted.total_words) == (1, len(KEPT), 2)
    assert counted.has_errors


def test_a_file_failing_after_the_planned_files_of_its_unit_leaves_them_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The files of a unit share one counter: the one that fails must leave the others'
    words, counted before and after it, as they were."""
    # a.txt is read in chunks like big.txt; z.txt, small, by the kernel in one call.
    files = {"a.txt": b"before big\n" * 10_000, "big.txt": BIG, "z.txt": b"after big\n"}
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    monkeypatch.setenv(BAD_BYTE_VARIABLE, f"{BAD_BYTE}:big.txt")
    counted = count_inputs(paths=[str(tmp_path / name) for name in files], jobs=1)
    assert counted.counts == Counter({"before": 10_000, "big": 10_001, "after": 1})
    assert counted.files == 2


class _BrokenStream(io.RawIOBase):
    """Standard input whose writer went away after its first `good` bytes."""

    def __init__(self, good: bytes) -> None:
        self._good = io.BytesIO(good)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        size = self._good.readinto(buffer)
        if not size:
            raise OSError(5, "Input/output error")
        return size


def test_a_stream_failing_part_way_is_not_counted() -> None:
    """330,000 bytes: more than the first chunk read, and counted, before it fails."""
    stream = io.BufferedReader(_BrokenStream(b"lost words\n" * 30_000))
    result = count_stream(stream, input_index=0, name="<stdin>")
    assert (dict(result.counts), result.files, result.bytes_read) == ({}, 0, 0)
    assert result.problems == [InputProblem(0, "<stdin>", NOT_COUNTED)]
