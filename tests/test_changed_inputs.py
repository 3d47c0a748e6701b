"""A file that changes while it is counted (issue 14): its counts are printed, as read,
with one error line, a summary and exit status 7, whichever path counted it.

The test hook (WORDCOUNT_TEST_FAULT="ACTION:NAME", see engine/file_changes.py) changes the
file after it was planned, in the worker (or the serial run) about to read it. Each action
leaves the same bytes however many workers apply it, so the counts expected are worked
out here from those bytes: every word of the corpus is lowercase ASCII, split by spaces.
"""

from __future__ import annotations

import gzip
import shutil
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import ProcessLog, run_wordcount
from wordcount.cli.ending import ExitStatus, Finished, exit_status_for
from wordcount.engine.file_changes import APPENDED
from wordcount.engine.hooks import FAULT_VARIABLE
from wordcount.words.native import PURE_PYTHON_VARIABLE

# 2.6 MB: over the tests' 2 MiB pool threshold, so -j 2 starts a pool, and cut into a
# range for each worker. The first line, all a truncated copy keeps, is short.
BIG_FIRST_LINE = b"first line\n"
BIG_LINE = b"moby dick the white whale\n"
BIG_LINES = 100_000
SMALL_FILES = 8
GZ_TEXT = b"packed words packed\n"


def _small_text(index: int) -> bytes:
    return f"small file {index}\nanother line\n".encode()


def _write_corpus(directory: Path) -> list[Path]:
    """big.txt, cut into ranges, and a folder of small files counted as a batch, in
    directory/corpus."""
    directory = directory / "corpus"
    shutil.rmtree(directory, ignore_errors=True)
    (directory / "small").mkdir(parents=True)
    (directory / "big.txt").write_bytes(BIG_FIRST_LINE + BIG_LINE * BIG_LINES)
    for index in range(SMALL_FILES):
        (directory / "small" / f"s{index}.txt").write_bytes(_small_text(index))
    (directory / "small" / "notes.gz").write_bytes(gzip.compress(GZ_TEXT))
    return [directory / "big.txt", directory / "small"]


def _changed(text: bytes, action: str) -> bytes:
    """The file's bytes once the action changed it (see engine/file_changes.py)."""
    if action == "truncate":
        return text[: text.index(b"\n") + 1]
    if action == "append":
        return text + APPENDED
    return text  # replace and touch change the inode or the time, not the bytes


def _expected_counts(action: str | None = None, name: str = "") -> Counter[str]:
    """The corpus's words once the action changed the file called name; as written
    without an action."""
    texts = {"big.txt": BIG_FIRST_LINE + BIG_LINE * BIG_LINES, "notes.gz": GZ_TEXT}
    texts.update({f"s{index}.txt": _small_text(index) for index in range(SMALL_FILES)})
    if action is not None:
        texts[name] = _changed(texts[name], action)
    return Counter(b" ".join(texts.values()).decode().split())


def _counts_printed(stdout: bytes) -> Counter[str]:
    pairs = (line.split("\t") for line in stdout.decode().splitlines())
    return Counter({word: int(count) for word, count in pairs})


def _changed_line(path: Path) -> bytes:
    return f"wordcount: error: '{path}': changed as we read it; its counts may be wrong\n".encode()


# A second or so each, two runs of the installed command: `pytest -m "not slow"` leaves
# them out of a quick loop.
@pytest.mark.slow
@pytest.mark.parametrize(
    ("action", "name"),
    [
        # Each action shows one part of the identity: the size (smaller, larger), the
        # inode alone, the modification time alone.
        *((action, "big.txt") for action in ("truncate", "append", "replace", "touch")),
        *((action, "s3.txt") for action in ("truncate", "append", "replace", "touch")),
        ("touch", "notes.gz"),  # the compressed file is what is compared
    ],
)
def test_a_file_changed_after_planning_is_counted_as_read_and_reported(
    tmp_path: Path, process_log: ProcessLog, action: str, name: str
) -> None:
    corpus = tmp_path / "corpus"
    path = corpus / name if name == "big.txt" else corpus / "small" / name
    env = {FAULT_VARIABLE: f"{action}:{name}"}
    runs = []
    for jobs in ("1", "2"):
        paths = _write_corpus(tmp_path)  # afresh: the last run changed it
        runs.append(run_wordcount(["-j", jobs, "-n", "0", *map(str, paths)], env=env))
        if jobs == "1":
            process_log.assert_serial()
        else:
            process_log.assert_parallel()
    serial, parallel = runs
    assert (parallel.stdout, parallel.stderr, parallel.returncode) == (
        serial.stdout,
        serial.stderr,
        serial.returncode,
    )
    assert parallel.returncode == ExitStatus.INPUT_CHANGED
    assert parallel.stderr == _changed_line(path) + b"wordcount: 1 file changed as we read it\n"
    assert _counts_printed(parallel.stdout) == _expected_counts(action, name)


@pytest.mark.slow
@pytest.mark.parametrize(("action", "name"), [("truncate", "big.txt"), ("replace", "s3.txt")])
def test_the_pure_python_engine_reports_a_change_alike(
    tmp_path: Path, process_log: ProcessLog, action: str, name: str
) -> None:
    env = {FAULT_VARIABLE: f"{action}:{name}", PURE_PYTHON_VARIABLE: "1"}
    paths = _write_corpus(tmp_path)
    result = run_wordcount(["-j", "2", "-n", "0", *map(str, paths)], env=env)
    process_log.assert_parallel()
    assert result.returncode == ExitStatus.INPUT_CHANGED
    assert result.stderr.count(b"changed as we read it; its counts may be wrong\n") == 1
    assert _counts_printed(result.stdout) == _expected_counts(action, name)


def test_a_change_wins_over_an_unreadable_input(tmp_path: Path, process_log: ProcessLog) -> None:
    paths = [*_write_corpus(tmp_path), tmp_path / "missing.txt"]
    env = {FAULT_VARIABLE: "touch:big.txt"}
    result = run_wordcount(["-j", "1", "-n", "0", *map(str, paths)], env=env)
    assert result.returncode == ExitStatus.INPUT_CHANGED
    assert result.stderr == (
        _changed_line(tmp_path / "corpus" / "big.txt")
        + f"wordcount: error: '{tmp_path / 'missing.txt'}': No such file or directory\n".encode()
        + b"wordcount: 1 file unreadable, 1 changed as we read it\n"
    )
    assert _counts_printed(result.stdout) == _expected_counts("touch", "big.txt")


def test_unchanged_inputs_read_alongside_a_stream_are_not_reported(tmp_path: Path) -> None:
    """Standard input has no size to compare; the files beside it are unchanged."""
    paths = _write_corpus(tmp_path)
    result = run_wordcount(["-j", "2", "-n", "0", "-", *map(str, paths)], stdin=b"piped in")
    assert (result.returncode, result.stderr) == (ExitStatus.SUCCESS, b"")
    expected = _expected_counts() + Counter({"piped": 1, "in": 1})
    assert _counts_printed(result.stdout) == expected


@pytest.mark.parametrize(
    ("finished", "status"),
    [
        (Finished(inputs_changed=True), ExitStatus.INPUT_CHANGED),
        (Finished(inputs_changed=True, input_errors=True), ExitStatus.INPUT_CHANGED),
        (Finished(inputs_changed=True, results_differ=True), ExitStatus.RESULTS_DIFFER),
        (Finished(inputs_changed=True, broken_pipe=True), ExitStatus.BROKEN_PIPE),
    ],
)
def test_the_exit_status_of_a_changed_input(finished: Finished, status: ExitStatus) -> None:
    assert exit_status_for(finished) == status
    assert ExitStatus.INPUT_CHANGED == 7
