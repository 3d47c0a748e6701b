"""Faults: a dying or failing worker, Ctrl-C and SIGTERM, under every start method (issue 6).

Each test runs the installed command in a new session, so that a signal can go to its
whole process group as a terminal sends it, and so that any worker left behind is found.
The fault of the test support (WORDCOUNT_TEST_FAULT, see support/wordcount_test_support.py)
makes the worker that opens the file named "victim.txt" die, fail, or hang.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import BIN_DIR, PINNED_ENV, group_is_gone, live_group_members, with_ctrl_c
from tests.support.wordcount_test_support import FAULT_VARIABLE
from wordcount.cli.ending import ExitStatus

START_METHODS = multiprocessing.get_all_start_methods()
# Seconds each, not milliseconds: `pytest -m "not slow"` leaves them out of a quick loop.
pytestmark = pytest.mark.slow
# Besides the main process and its two workers: the resource tracker under spawn, and
# the forkserver too under forkserver.
HELPER_PROCESSES = {"fork": 0, "spawn": 1, "forkserver": 2}
# Once every process is there, time for the workers to take up their units.
SETTLE_SECONDS = 0.2


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Over 2 MiB in all, so that -j 2 starts a pool; the victim goes to a worker."""
    directory = tmp_path_factory.mktemp("faults")
    big = directory / "big.txt"
    big.write_bytes(b"plenty of words here\n" * 150_000)
    victim = directory / "victim.txt"
    victim.write_bytes(b"the victim\n")
    return [big, victim]


def _start(inputs: list[Path], start_method: str, fault: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        **PINNED_ENV,
        "WORDCOUNT_START_METHOD": start_method,
        FAULT_VARIABLE: f"{fault}:victim.txt",
    }
    return subprocess.Popen(
        [str(BIN_DIR / "wordcount"), "-j", "2", *map(str, inputs)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
        preexec_fn=with_ctrl_c,
    )


def _settle(process: subprocess.Popen[bytes], start_method: str) -> None:
    """Wait until the main process, its two workers and its helpers all run."""
    expected = 3 + HELPER_PROCESSES[start_method]
    deadline = time.monotonic() + 10
    while len(live_group_members(process.pid)) < expected:
        assert time.monotonic() < deadline, "the workers never started"
        time.sleep(0.02)
    time.sleep(SETTLE_SECONDS)


def _finish(process: subprocess.Popen[bytes], timeout: float) -> tuple[bytes, str, float]:
    started = time.monotonic()
    stdout, stderr = process.communicate(timeout=timeout)
    return stdout, stderr.decode(), time.monotonic() - started


@pytest.mark.parametrize("start_method", START_METHODS)
def test_a_killed_worker_stops_the_run_with_one_line(inputs: list[Path], start_method: str) -> None:
    process = _start(inputs, start_method, "kill")
    stdout, stderr, _ = _finish(process, timeout=10)
    assert process.returncode == ExitStatus.WORKER_FAILED
    assert stdout == b""  # no table, no partial counts
    assert stderr.count("\n") == 1
    assert stderr.startswith(
        "wordcount: error: a worker process died (killed by a signal, or out of memory) "
        "while counting "
    )
    assert f"'{inputs[1]}'" in stderr
    assert stderr.endswith("; nothing was printed\n")
    assert group_is_gone(process.pid, within=2)


@pytest.mark.parametrize("start_method", START_METHODS)
def test_an_exception_that_cannot_be_pickled(inputs: list[Path], start_method: str) -> None:
    process = _start(inputs, start_method, "unpicklable")
    stdout, stderr, _ = _finish(process, timeout=10)
    assert process.returncode == ExitStatus.WORKER_FAILED
    assert stdout == b""
    assert stderr.count("\n") == 1
    assert stderr.startswith("wordcount: error: a worker process failed: ")
    assert f"'{inputs[1]}'" in stderr
    assert group_is_gone(process.pid, within=2)


@pytest.mark.parametrize(
    ("signal_number", "to_group", "status"),
    [
        (signal.SIGINT, True, ExitStatus.INTERRUPTED),  # Ctrl-C in a terminal
        (signal.SIGTERM, False, ExitStatus.TERMINATED),  # kill PID
        (signal.SIGTERM, True, ExitStatus.TERMINATED),  # kill -- -PGID
        (signal.SIGHUP, True, ExitStatus.HANGUP),  # the terminal closed
    ],
    ids=["sigint-group", "sigterm-main", "sigterm-group", "sighup-group"],
)
@pytest.mark.parametrize("start_method", START_METHODS)
def test_signals_stop_everything_promptly_and_quietly(
    inputs: list[Path], start_method: str, signal_number: int, to_group: bool, status: int
) -> None:
    process = _start(inputs, start_method, "hang")  # a worker stuck deep in a unit
    _settle(process, start_method)
    assert process.poll() is None
    if to_group:
        os.killpg(process.pid, signal_number)
    else:
        os.kill(process.pid, signal_number)
    stdout, stderr, seconds = _finish(process, timeout=10)
    assert seconds < 2
    assert process.returncode == status
    assert (stdout, stderr) == (b"", "")  # no traceback from anyone, no "Aborted!"
    assert group_is_gone(process.pid, within=2)


@pytest.mark.parametrize("start_method", START_METHODS)
def test_workers_exit_when_the_main_process_is_killed(
    inputs: list[Path], start_method: str
) -> None:
    """SIGKILL, the OOM killer's way, gives the main process no chance to stop its
    workers: they must notice that it is gone, even one deep in a unit."""
    process = _start(inputs, start_method, "hang")
    _settle(process, start_method)
    process.kill()
    process.communicate(timeout=10)
    assert group_is_gone(process.pid, within=2)


def test_ctrl_c_while_python_loads_wordcount_is_quiet(inputs: list[Path]) -> None:
    """A Ctrl-C at any moment of the start, the first 50 ms or so in which Python loads
    the modules, ends the run quietly with 130, as one later in the run does (click
    ends the line after a Ctrl-C while it reads the options).

    Python's own start comes before any of wordcount's code can run, and a signal that
    lands there is Python's to report: those runs are left out."""
    landed_in_wordcount = 0
    for delay in range(0, 80, 4):
        process = subprocess.Popen(
            [str(BIN_DIR / "wordcount"), str(inputs[1])],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, **PINNED_ENV},
            preexec_fn=with_ctrl_c,
        )
        time.sleep(delay / 1000)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=10)
        if _in_pythons_own_start(stderr) or process.returncode == 0:
            continue
        assert (process.returncode, stderr) in {
            (ExitStatus.INTERRUPTED, b""),
            (ExitStatus.INTERRUPTED, b"\n"),
            (-signal.SIGINT, b""),
        }, stderr.decode()
        landed_in_wordcount += 1
    assert landed_in_wordcount >= 3


def _in_pythons_own_start(stderr: bytes) -> bool:
    """Whether Python reported a signal that came before wordcount's code ran: a message
    with no frame in the package, nor past line 0 of the command's script."""
    ours = re.search(rb'File "[^"]*/wordcount/|File "[^"]*/wordcount", line [1-9]', stderr)
    return stderr not in (b"", b"\n") and ours is None


def _distinct_words(count: int) -> bytes:
    """count different words, ten to a line: "wa", "wb", ..., "wz", "wab", ..."""
    letters = "abcdefghijklmnopqrstuvwxyz"

    def word(number: int) -> str:
        digits = [letters[number % 26]]
        while number := number // 26:
            digits.append(letters[number % 26])
        return "w" + "".join(digits)

    words = [word(number) for number in range(count)]
    lines = (" ".join(words[start : start + 10]) for start in range(0, count, 10))
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture(scope="module")
def vocabulary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("vocabulary") / "distinct.txt"
    path.write_bytes(_distinct_words(1_000_000))  # about 7 MB; counting takes about 250 MB
    return path


def test_a_huge_vocabulary_is_counted_exactly(vocabulary: Path) -> None:
    result = subprocess.run(
        [str(BIN_DIR / "wordcount"), "-f", "json", "-n", "2", str(vocabulary)],
        capture_output=True,
        env={**os.environ, **PINNED_ENV},
        check=False,
    )
    assert result.returncode == ExitStatus.SUCCESS
    assert b'"total_words": 1000000' in result.stdout
    assert b'"unique_words": 1000000' in result.stdout


@pytest.mark.skipif(shutil.which("prlimit") is None, reason="needs prlimit (util-linux)")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_running_out_of_memory_is_one_clear_line(vocabulary: Path, jobs: str) -> None:
    # 100 MB of address space: enough to start, not enough for a million distinct words.
    # (150 MB no longer is, with -j 2: the main process holds them in the kernel's table,
    # 32 MiB, and decodes only the words it prints.)
    command = ["prlimit", "--as=100000000", str(BIN_DIR / "wordcount"), "-j", jobs]
    result = subprocess.run(
        [*command, str(vocabulary)],
        capture_output=True,
        env={**os.environ, **PINNED_ENV},
        timeout=30,
        check=False,
    )
    assert result.stdout == b""
    out_of_memory = (
        b"wordcount: error: out of memory: too many distinct words for the memory available;"
        b" nothing was printed\n"
    )
    if result.returncode == ExitStatus.WORKER_FAILED:
        # A worker may run out while it sends its result back, and then it dies outright.
        assert jobs == "2"
        assert result.stderr.startswith(
            b"wordcount: error: a worker process died (killed by a signal, or out of memory)"
        )
        assert result.stderr.count(b"\n") == 1
    else:
        assert (result.returncode, result.stderr) == (ExitStatus.OUT_OF_MEMORY, out_of_memory)
