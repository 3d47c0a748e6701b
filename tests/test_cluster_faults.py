"""A Dask cluster that fails (issue 23): no run hangs, each failure is one line and a
documented status within --timeout; workers that see other files, or another wordcount,
are named; the progress bar moves as the workers read.

Real schedulers and workers, `dask scheduler` and `dask worker` started as a user would,
on 127.0.0.1; the faults are the test support's (tests/support/), asked for through each
worker's environment.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import pytest

import wordcount
from tests.conftest import BIN_DIR, PINNED_ENV, invoke, run_wordcount
from tests.support.wordcount_test_support import (
    BLIND_VARIABLE,
    FAULT_VARIABLE,
    SLOW_READ_VARIABLE,
    VERSION_VARIABLE,
)
from wordcount.cli.ending import ExitStatus
from wordcount.engine.cluster import ClusterOptions
from wordcount.engine.run import count_inputs
from wordcount.exceptions import WorkerFailure
from wordcount.sources.identity import changed_since_planned

distributed = pytest.importorskip("distributed", reason="needs the dask extra")
# Seconds each: `pytest -m "not slow"` leaves them out of a quick loop.
pytestmark = pytest.mark.slow

# What a run may take beyond its --timeout: starting Python and loading Dask, on a CI
# machine shared with other jobs.
SLACK_SECONDS = 4.0
# Over 64 KiB, so that Python opens it (the test support's blind and slow reads), not the
# kernel's small-file reader: 8 reads of 256 KiB.
BIG = b"the whale and the sea\n" * 95_326  # 2,097,172 bytes
WORDS_IN_BIG = 5 * 95_326


class DaskProcesses:
    """A `dask scheduler` and `dask worker`s, each a process of its own (--no-nanny: a
    worker killed stays dead), ended by close()."""

    def __init__(self, directory: Path) -> None:
        self.scheduler_file = directory / "scheduler.json"
        self._processes: list[subprocess.Popen[bytes]] = []
        self.killed_at = 0.0  # when kill_when_counting killed its process
        self.scheduler = self._start(
            ["scheduler", "--host", "127.0.0.1", "--port", "0"], {}, prefix=[]
        )
        deadline = time.monotonic() + 30
        while not self._address():
            assert time.monotonic() < deadline, "the scheduler did not start"
            time.sleep(0.05)

    def _address(self) -> str | None:
        with contextlib.suppress(OSError, ValueError):
            return str(json.loads(self.scheduler_file.read_text())["address"])
        return None

    def worker(
        self, env: dict[str, str] | None = None, prefix: list[str] | None = None
    ) -> subprocess.Popen[bytes]:
        """A worker with env (the test support's, unless prefix starts it otherwise)."""
        started = len(self.addresses())
        process = self._start(
            ["worker", "--nthreads", "1", "--no-nanny", "--host", "127.0.0.1"],
            {**PINNED_ENV, **(env or {})},
            prefix=prefix or [],
        )
        with self.client() as client:
            client.wait_for_workers(started + 1, timeout=30)
        return process

    def _start(
        self, command: list[str], env: dict[str, str], prefix: list[str]
    ) -> subprocess.Popen[bytes]:
        common = ["--scheduler-file", str(self.scheduler_file), "--no-dashboard"]
        process = subprocess.Popen(
            [*prefix, str(BIN_DIR / "dask"), *command, *common],
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self._processes.append(process)
        return process

    @contextlib.contextmanager
    def client(self) -> Iterator[distributed.Client]:
        with distributed.Client(scheduler_file=str(self.scheduler_file), timeout=30) as client:
            yield client

    def addresses(self) -> list[str]:
        with self.client() as client:
            return sorted(client.scheduler_info()["workers"])

    def kill_when_counting(self, process: subprocess.Popen[bytes]) -> threading.Thread:
        """Kill process (SIGKILL) once a unit is being counted, from another thread."""

        def kill() -> None:
            with self.client() as client:
                while not any(client.processing().values()):
                    time.sleep(0.05)
            os.killpg(process.pid, signal.SIGKILL)
            self.killed_at = time.monotonic()

        thread = threading.Thread(target=kill, daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        for process in reversed(self._processes):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture
def dask_processes(tmp_path: Path) -> Iterator[DaskProcesses]:
    processes = DaskProcesses(tmp_path)
    try:
        yield processes
    finally:
        processes.close()


@pytest.fixture
def big(tmp_path: Path) -> Path:
    path = tmp_path / "big.txt"
    path.write_bytes(BIG)
    return path


def one_line(stderr: bytes) -> str:
    assert stderr.count(b"\n") == 1, stderr
    return stderr.decode()


# The scheduler file.


def test_a_scheduler_file_that_never_appears_fails_within_the_timeout(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    started = time.monotonic()
    result = invoke(["--scheduler-file", str(missing), "--timeout", "0.5", "-"], stdin=b"x")
    assert time.monotonic() - started < 0.5 + SLACK_SECONDS
    assert result.exit_code == ExitStatus.INPUT_ERROR
    assert (
        result.stderr
        == f"wordcount: error: scheduler file '{missing}': never appeared within 0.5 s\n"
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "is empty, still after 0.5 s"),
        (
            "address: tcp://h:1",
            "is not JSON (Expecting value: line 1 column 1 (char 0)), still after 0.5 s",
        ),
        ("{}", 'holds no "address"'),
        ('{"address": 5}', 'its "address" is 5, not an address'),
        ('{"address": ""}', 'its "address" is "", not an address'),
        ("[1, 2]", "holds a JSON list, not an object"),
    ],
)
def test_a_scheduler_file_without_an_address_is_one_line(
    tmp_path: Path, text: str, reason: str
) -> None:
    path = tmp_path / "scheduler.json"
    path.write_text(text)
    result = invoke(["--scheduler-file", str(path), "--timeout", "0.5", "-"], stdin=b"x")
    assert result.exit_code == ExitStatus.INPUT_ERROR
    assert result.stderr == f"wordcount: error: scheduler file '{path}': {reason}\n"


# Workers: none, none left, none fit to count.


def test_a_scheduler_with_no_worker_fails_within_the_timeout(
    dask_processes: DaskProcesses, big: Path
) -> None:
    started = time.monotonic()
    result = run_wordcount(
        ["--scheduler-file", str(dask_processes.scheduler_file), "--timeout", "1", str(big)]
    )
    assert time.monotonic() - started < 1 + SLACK_SECONDS
    assert result.returncode == ExitStatus.INPUT_ERROR
    assert one_line(result.stderr) == (
        f"wordcount: error: the scheduler in '{dask_processes.scheduler_file}' has no worker"
        " (none joined within 1 s)\n"
    )


def test_a_run_left_with_no_worker_fails_once_nothing_moved_for_the_timeout(
    dask_processes: DaskProcesses, big: Path
) -> None:
    """Dask's default allowed-failures: the scheduler keeps the unit for a worker to come,
    and none ever does."""
    worker = dask_processes.worker({FAULT_VARIABLE: "hang:big.txt"})
    killer = dask_processes.kill_when_counting(worker)
    cluster = ClusterOptions(scheduler_file=str(dask_processes.scheduler_file), timeout=1)
    with pytest.raises(WorkerFailure) as failure:
        count_inputs(paths=[str(big)], jobs=1, cluster=cluster)
    failed_at = time.monotonic()
    killer.join()
    assert failure.value.reason == "no Dask worker left, and nothing counted for 1 s"
    assert failure.value.unfinished_paths == [str(big)]
    # The unit hung from its start: the timeout may have run out as the worker died.
    assert failed_at - dask_processes.killed_at < 1 + SLACK_SECONDS


def test_the_scheduler_killed_mid_run_is_one_line_and_no_dask_log(
    dask_processes: DaskProcesses, big: Path
) -> None:
    dask_processes.worker({FAULT_VARIABLE: "hang:big.txt"})
    dask_processes.kill_when_counting(dask_processes.scheduler)
    result = run_wordcount(
        ["--scheduler-file", str(dask_processes.scheduler_file), "--timeout", "2", str(big)]
    )
    assert result.returncode == ExitStatus.WORKER_FAILED
    assert result.stdout == b""
    assert one_line(result.stderr) == (
        f"wordcount: error: lost the connection to the Dask scheduler while counting '{big}';"
        " nothing was printed\n"
    )


def test_a_worker_without_wordcount_is_refused_by_name(
    dask_processes: DaskProcesses, big: Path
) -> None:
    """Its Python finds Dask but not wordcount: -S, with only site-packages on PYTHONPATH,
    so the editable install's .pth file that puts the repository on sys.path is not read."""
    site_packages = Path(distributed.__file__).parent.parent
    if Path(wordcount.__file__).is_relative_to(site_packages):
        pytest.skip("wordcount is installed into site-packages here, not editable")
    dask_processes.worker(
        {"PYTHONPATH": str(site_packages)}, prefix=[str(BIN_DIR / "python"), "-S"]
    )
    [address] = dask_processes.addresses()
    result = run_wordcount(["--scheduler-file", str(dask_processes.scheduler_file), str(big)])
    assert result.returncode == ExitStatus.INPUT_ERROR
    assert one_line(result.stderr) == (
        f"wordcount: error: Dask worker {address} cannot count: wordcount is not installed"
        " there (No module named 'wordcount')\n"
    )


def test_a_worker_with_another_version_is_refused_by_name(
    dask_processes: DaskProcesses, big: Path
) -> None:
    dask_processes.worker({VERSION_VARIABLE: "0.0.1"})
    [other] = dask_processes.addresses()
    dask_processes.worker()
    result = run_wordcount(["--scheduler-file", str(dask_processes.scheduler_file), str(big)])
    assert result.returncode == ExitStatus.INPUT_ERROR
    assert one_line(result.stderr) == (
        f"wordcount: error: Dask worker {other} cannot count: it has wordcount 0.0.1,"
        f" this client {version('wordcount-parallel')}\n"
    )


# Workers that see other files.


def test_a_file_a_worker_cannot_see_names_the_worker(
    dask_processes: DaskProcesses, big: Path
) -> None:
    dask_processes.worker({BLIND_VARIABLE: "big.txt"})
    [address] = dask_processes.addresses()
    result = run_wordcount(["--scheduler-file", str(dask_processes.scheduler_file), str(big)])
    assert result.returncode == ExitStatus.INPUT_ERROR
    assert (
        result.stderr
        == (
            f"wordcount: error: '{big}': No such file or directory (on worker {address})\n"
            "wordcount: 1 file unreadable\n"
        ).encode()
    )


def test_workers_that_see_different_files_are_said_to(
    dask_processes: DaskProcesses, big: Path
) -> None:
    """The worker that sees the file reads it slowly, so that the blind one, quick to fail,
    is handed some of its ranges."""
    dask_processes.worker({SLOW_READ_VARIABLE: "0.3:big.txt"})
    [seeing] = dask_processes.addresses()
    dask_processes.worker({BLIND_VARIABLE: "big.txt"})
    [blind] = [a for a in dask_processes.addresses() if a != seeing]
    result = count_inputs(
        paths=[str(big)],
        jobs=1,
        unit_bytes=256 << 10,  # a unit per read
        cluster=ClusterOptions(scheduler_file=str(dask_processes.scheduler_file)),
    )
    assert "whale" not in result.counts  # a file is counted whole or not at all
    # One line for the file, however many of its ranges the blind worker was handed: it
    # says "; not counted" where one of them was not the file's first.
    [message] = {problem.message for problem in result.problems}
    assert message.startswith(f"No such file or directory (on worker {blind})")
    assert message.endswith(
        f", but {seeing} can read it: the workers see different files, so the counts would"
        " differ from run to run"
    )


def test_a_worker_s_identical_copy_of_a_file_is_not_a_changed_file(
    dask_processes: DaskProcesses, big: Path
) -> None:
    """The worker replaces the file with a copy, as a machine with its own copy holds it:
    the same bytes, size and modification time, another inode."""
    dask_processes.worker({FAULT_VARIABLE: "replace:big.txt"})
    inode = big.stat().st_ino
    result = run_wordcount(
        ["--scheduler-file", str(dask_processes.scheduler_file), "-n", "1", str(big)]
    )
    assert big.stat().st_ino != inode  # the worker did replace it
    assert (result.stdout, result.stderr, result.returncode) == (
        f"the\t{2 * 95_326}\n".encode(),
        b"",
        ExitStatus.SUCCESS,
    )


def test_across_machines_a_file_is_its_size_and_modification_time() -> None:
    from wordcount.sources.identity import across_machines

    planned = across_machines((100, 5_000, 7))
    assert not changed_since_planned(planned, (100, 5_000, 8))  # another inode
    assert changed_since_planned(planned, (101, 5_000, 7))
    assert changed_since_planned(planned, (100, 5_001, 7))
    assert changed_since_planned((100, 5_000, 7), (100, 5_000, 8))  # here, the inode too


# Progress.


def test_progress_moves_as_a_worker_reads_not_only_as_its_unit_ends(
    dask_processes: DaskProcesses, big: Path
) -> None:
    """One unit of 8 reads of 0.2 s each: the worker reports what it has read at most
    every 0.2 s, so the client hears of it several times before the unit ends."""
    dask_processes.worker({SLOW_READ_VARIABLE: "0.2:big.txt"})
    seen: list[int] = []
    result = count_inputs(
        paths=[str(big)],
        jobs=1,
        cluster=ClusterOptions(scheduler_file=str(dask_processes.scheduler_file)),
        progress=lambda done, total: seen.append(done),
    )
    assert result.counts["whale"] == 95_326
    size = len(BIG)
    assert seen == sorted(seen)
    assert seen[-1] == size
    before_the_end = [done for done in seen if 0 < done < size]
    assert len(before_the_end) >= 3, seen


def test_dask_logs_show_with_verbose_only(dask_processes: DaskProcesses, big: Path) -> None:
    """--verbose: the scheduler's loss logged by Dask's client, as without wordcount."""
    dask_processes.worker({FAULT_VARIABLE: "hang:big.txt"})
    dask_processes.kill_when_counting(dask_processes.scheduler)
    result = run_wordcount(
        ["--scheduler-file", str(dask_processes.scheduler_file), "--verbose", str(big)]
    )
    assert result.returncode == ExitStatus.WORKER_FAILED
    assert b"distributed.client - ERROR" in result.stderr
