"""--benchmark says whether a pool ran, refuses input with nothing to time, and writes
every format (issue 14). Only the figures' structure is checked, never their values:
timings differ from run to run.

The tests pin a 2 MiB pool threshold (conftest.PINNED_ENV): SMALL stays under it, so the
engine counts -j 2 in-process; BIG_LINES of LINE go over it, so -j 2 starts a pool.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import BIN_DIR, PINNED_ENV, ProcessLog, WriteFile, invoke, run_wordcount
from wordcount.cli.ending import ExitStatus

LINE = "alpha beta gamma\n"  # 3 words, 17 bytes
SMALL_LINES = 1_000  # 17,000 bytes
BIG_LINES = 130_000  # 2,210,000 bytes: over 2 MiB (2,097,152)
COLUMNS = ["run", "jobs", "seconds", "MB/s", "words/s", "speed-up", "efficiency", "workers"]
NO_POOL_NOTE = (
    "wordcount: note: -j 2 started no pool: the input (16.6 KiB) is under the 2.0 MiB from "
    "which 2 workers gain on one process, so the parallel row was counted in this process "
    "too (workers 0)\n"
)
NOTHING_TO_TIME = "wordcount: error: --benchmark: no input was counted, so there is nothing to time"


@pytest.fixture
def small(write_file: WriteFile) -> Path:
    return write_file("small.txt", LINE * SMALL_LINES)


def _rows(text: str, separator: str = "\t", line_end: str = "\n") -> list[list[str]]:
    assert text.endswith(line_end)
    lines = text.removesuffix(line_end).split(line_end)
    return [line.split(separator) for line in lines]


def test_below_the_pool_threshold_the_parallel_row_says_no_pool_ran(
    small: Path, process_log: ProcessLog
) -> None:
    result = run_wordcount(["--benchmark", "--repeat", "2", "-j", "2", str(small)])
    process_log.assert_serial()
    assert (result.returncode, result.stderr.decode()) == (ExitStatus.SUCCESS, NO_POOL_NOTE)
    header, serial, parallel = _rows(result.stdout.decode())
    assert header == COLUMNS
    assert serial[:2] + serial[5:] == ["serial", "1", "1.00", "100%", "0"]
    # No efficiency for a run with no workers, where it used to show about 50%.
    assert parallel[:2] + parallel[6:] == ["parallel", "2", "-", "0"]


def test_jobs_1_has_no_pool_to_compare_with(small: Path, process_log: ProcessLog) -> None:
    result = invoke(["--benchmark", "--repeat", "1", "-j", "1", str(small)])
    process_log.assert_serial()
    assert result.exit_code == ExitStatus.SUCCESS
    assert result.stderr == (
        "wordcount: note: -j 1 starts no pool, so the parallel row was counted in this "
        "process too (workers 0)\n"
    )
    _, _, parallel = _rows(result.stdout)
    assert parallel[:2] + parallel[6:] == ["parallel", "1", "-", "0"]


def test_quiet_leaves_out_the_note(small: Path) -> None:
    result = invoke(["--benchmark", "--repeat", "1", "-j", "2", "-q", str(small)])
    assert (result.exit_code, result.stderr) == (ExitStatus.SUCCESS, "")
    _, _, parallel = _rows(result.stdout)
    assert parallel[6:] == ["-", "0"]  # the output still says it


def test_json_without_a_pool(small: Path, process_log: ProcessLog) -> None:
    result = invoke(["--benchmark", "--repeat", "1", "-j", "2", "-f", "json", str(small)])
    process_log.assert_serial()
    assert (result.exit_code, result.stderr) == (ExitStatus.SUCCESS, NO_POOL_NOTE)
    document = json.loads(result.stdout)
    serial, parallel = _json_runs(document)
    assert document == {
        "bytes": len(LINE) * SMALL_LINES,
        "words": 3 * SMALL_LINES,
        "repeat": 1,
        "identical": True,
        "runs": [serial, parallel],
    }
    assert (serial["run"], serial["jobs"], serial["workers"]) == ("serial", 1, 0)
    assert (serial["speed_up"], serial["efficiency"]) == (1.0, 1.0)
    assert (parallel["run"], parallel["jobs"], parallel["workers"]) == ("parallel", 2, 0)
    assert parallel["efficiency"] is None


def test_json_with_a_pool(write_file: WriteFile, process_log: ProcessLog) -> None:
    big = write_file("big.txt", LINE * BIG_LINES)
    result = run_wordcount(["--benchmark", "--repeat", "1", "-j", "2", "-f", "json", str(big)])
    process_log.assert_parallel()
    assert (result.returncode, result.stderr) == (ExitStatus.SUCCESS, b"")
    document = json.loads(result.stdout)
    _, parallel = _json_runs(document)
    assert (document["bytes"], document["words"]) == (len(LINE) * BIG_LINES, 3 * BIG_LINES)
    assert 1 <= parallel["workers"] <= 2
    assert isinstance(parallel["efficiency"], float)
    assert parallel["efficiency"] == pytest.approx(parallel["speed_up"] / 2)


def _json_runs(document: dict[str, object]) -> list[dict[str, object]]:
    runs = document["runs"]
    assert isinstance(runs, list)
    assert len(runs) == 2
    for run in runs:
        assert set(run) == {
            "run",
            "jobs",
            "workers",
            "seconds",
            "megabytes_per_second",
            "words_per_second",
            "speed_up",
            "efficiency",
        }
        for figure in ("seconds", "megabytes_per_second", "words_per_second", "speed_up"):
            assert isinstance(run[figure], float)
            assert run[figure] >= 0
    return runs


def test_csv(small: Path) -> None:
    result = invoke(["--benchmark", "--repeat", "1", "-j", "2", "-f", "csv", str(small)])
    assert result.exit_code == ExitStatus.SUCCESS
    header, serial, parallel = _rows(result.stdout_bytes.decode(), ",", "\r\n")
    assert header == COLUMNS
    assert (serial[0], parallel[0], parallel[7]) == ("serial", "parallel", "0")


def test_table(small: Path) -> None:
    result = invoke(["--benchmark", "--repeat", "1", "-j", "2", "-f", "table", str(small)])
    assert (result.exit_code, result.stderr) == (ExitStatus.SUCCESS, NO_POOL_NOTE)
    header = result.stdout.splitlines()[1].split()
    assert header == COLUMNS
    assert "median of 1 · results identical" in result.stdout


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        (
            "program",
            b"\x7fELF\x02\x01\x01\x00\x00\x00the cat\n",
            "warning: '{}': binary (a NUL byte in its first 64 KiB); skipped, --text counts it",
        ),
        ("missing.txt", None, "error: '{}': No such file or directory"),
    ],
)
def test_input_of_which_nothing_was_counted_is_refused(
    tmp_path: Path, name: str, content: bytes | None, problem: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = run_wordcount(["--benchmark", "--repeat", "1", "-j", "2", str(path)])
    assert (result.returncode, result.stdout) == (ExitStatus.USAGE_ERROR, b"")
    # The input's own line, as in any run, then why nothing is timed.
    assert result.stderr.decode() == (
        "wordcount: " + problem.format(path) + "\n" + NOTHING_TO_TIME + "\n"
    )


def test_an_empty_directory_is_refused(tmp_path: Path) -> None:
    result = invoke(["--benchmark", "--repeat", "1", "-j", "2", str(tmp_path)])
    assert (result.exit_code, result.stdout, result.stderr) == (
        ExitStatus.USAGE_ERROR,
        "",
        NOTHING_TO_TIME + "\n",
    )


def test_an_empty_file_is_refused(write_file: WriteFile) -> None:
    empty = write_file("empty.txt", b"")
    result = invoke(["--benchmark", "--repeat", "1", "-j", "2", str(empty)])
    assert (result.exit_code, result.stdout, result.stderr) == (
        ExitStatus.USAGE_ERROR,
        "",
        "wordcount: error: --benchmark: every input was empty, so there is nothing to time\n",
    )


def test_a_skipped_input_beside_a_counted_one_is_reported_and_the_rest_timed(
    small: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "missing.txt"
    result = invoke(["--benchmark", "--repeat", "1", "-j", "2", str(small), str(missing)])
    assert result.exit_code == ExitStatus.INPUT_ERROR
    assert result.stderr == (
        f"wordcount: error: '{missing}': No such file or directory\n" + NO_POOL_NOTE
    )
    assert len(_rows(result.stdout)) == 3


@pytest.mark.parametrize("output_format", ["tsv", "csv", "json", "table"])
def test_a_reader_gone_before_the_figures_is_status_141(small: Path, output_format: str) -> None:
    """`wordcount --benchmark | true`: as in any run; the figures once ended with status 1."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    args = ["--benchmark", "--repeat", "1", "-j", "2", "-q", "-f", output_format, str(small)]
    process = subprocess.Popen(
        [str(BIN_DIR / "wordcount"), *args],
        stdin=subprocess.DEVNULL,
        stdout=write_end,
        stderr=subprocess.PIPE,
        env={**os.environ, **PINNED_ENV},
    )
    os.close(write_end)
    _, stderr = process.communicate(timeout=60)
    assert (process.returncode, stderr) == (ExitStatus.BROKEN_PIPE, b"")
