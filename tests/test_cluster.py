"""The Dask backend (issue 7): the same units and merge on a cluster, byte-identical output.

`make test` installs the dask extra, so these run there; without it they are skipped.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BIN_DIR, ProcessLog, invoke, run_wordcount
from wordcount.cli.ending import ExitStatus
from wordcount.engine import run as engine_run
from wordcount.engine.cluster import ClusterOptions
from wordcount.engine.hooks import FAULT_VARIABLE
from wordcount.engine.run import count_inputs
from wordcount.sources.identity import CHANGED_MESSAGE
from wordcount.sources.paths import Inputs, expand_inputs
from wordcount.sources.problems import ProblemKind

distributed = pytest.importorskip("distributed", reason="needs the dask extra")
# Seconds each, not milliseconds: `pytest -m "not slow"` leaves them out of a quick loop.
pytestmark = pytest.mark.slow

LINE = "The whale\u2019s tail, the sea; THE sea\u2014na\u00efve Ahab said \u201cno.\u201d\r\n"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of small files, a big one that is cut into ranges, and odd ones."""
    directory = tmp_path_factory.mktemp("cluster-corpus")
    (directory / "big.txt").write_bytes(("\ufeff" + LINE * 40_000).encode())  # 2.5 MB
    for index in range(30):
        (directory / f"small{index:02d}.txt").write_bytes(f"small file {index}\n".encode())
    (directory / "latin1.txt").write_bytes("se\u00f1or \u00e9t\u00e9".encode("latin-1"))
    (directory / "binary.bin").write_bytes(b"\x00binary")
    return directory


@pytest.fixture(scope="session")
def local_cluster() -> Iterator[str]:
    # The dashboard on any free port: None still takes 8787, which a second run of the
    # suite (or the user's own cluster) may hold, and then the cluster fails to start.
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


def test_the_cluster_prints_what_the_local_pool_prints(
    corpus: Path, local_cluster: str, process_log: ProcessLog
) -> None:
    for options in (
        ["-f", "tsv"],
        ["-f", "json"],
        ["--by-file"],
        ["--ngrams", "2"],
        ["--segment", "icu"],
    ):
        args = ["-n", "0", *options, str(corpus), str(corpus / "missing.txt")]
        local = run_wordcount(["-j", "2", *args])
        process_log.assert_parallel()
        remote = run_wordcount(["--scheduler", local_cluster, *args])
        process_log.assert_parallel()  # both Dask workers counted
        assert remote.stdout == local.stdout
        assert remote.stderr == local.stderr  # paths named as given, not made absolute
        assert remote.returncode == local.returncode == ExitStatus.INPUT_ERROR
        assert b"sea" in remote.stdout


def test_fsspec_urls_are_read_by_the_workers(
    corpus: Path, local_cluster: str, process_log: ProcessLog
) -> None:
    local = run_wordcount(["-j", "2", "-n", "0", "-q", str(corpus)])
    process_log.assert_parallel()
    remote = run_wordcount(["--scheduler", local_cluster, "-n", "0", "-q", f"file://{corpus}"])
    process_log.assert_parallel()
    assert remote.stdout == local.stdout
    assert remote.returncode == ExitStatus.SUCCESS


def test_relative_paths_reach_the_workers_as_absolute_paths(
    corpus: Path, local_cluster: str
) -> None:
    remote = run_wordcount(["--scheduler", local_cluster, "-n", "1", "big.txt"], cwd=corpus)
    assert remote.stdout == b"the\t120000\n"
    assert remote.returncode == ExitStatus.SUCCESS


def test_dask_scheduler_address_is_used_with_backend_dask(corpus: Path, local_cluster: str) -> None:
    result = run_wordcount(
        ["--backend", "dask", "-n", "1", str(corpus / "big.txt")],
        env={"DASK_SCHEDULER_ADDRESS": local_cluster},
    )
    assert (result.stdout, result.returncode) == (b"the\t120000\n", ExitStatus.SUCCESS)


def test_progress_follows_every_unit(corpus: Path, local_cluster: str) -> None:
    seen: list[tuple[int, int]] = []
    big = corpus / "big.txt"
    result = count_inputs(
        paths=[str(big)],
        jobs=2,
        unit_bytes=256 << 10,
        cluster=ClusterOptions(local_cluster),
        progress=lambda done, total: seen.append((done, total)),
    )
    assert result.counts["whale's"] == 40_000
    size = big.stat().st_size
    assert seen[0] == (0, size)
    assert seen[-1] == (size, size)
    assert len(seen) > 5  # one step per unit
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_a_file_changed_after_planning_is_reported_by_the_dask_workers(
    tmp_path: Path, local_cluster: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same identity check as a local run: each range's worker compares the file it
    read with the one planned."""
    big = tmp_path / "big.txt"
    big.write_bytes(LINE.encode() * 20_000)
    (tmp_path / "small.txt").write_bytes(b"small words")

    def walk_then_grow(paths: list[str], **options: Any) -> Inputs:
        inputs = expand_inputs(paths, **options)
        with big.open("ab") as file:  # after the walk, before any worker reads it
            file.write(b" grown")
        return inputs

    monkeypatch.setattr(engine_run, "expand_inputs", walk_then_grow)
    result = count_inputs(
        paths=[str(tmp_path)], jobs=2, unit_bytes=256 << 10, cluster=ClusterOptions(local_cluster)
    )
    assert (result.counts["whale's"], result.counts["grown"], result.counts["small"]) == (
        20_000,
        1,
        1,
    )
    assert [(p.path, p.message, p.kind) for p in result.problems] == [
        (str(big), CHANGED_MESSAGE, ProblemKind.CHANGED)
    ]
    assert result.has_changed_inputs
    assert os.getpid() not in result.counted_by  # the Dask workers read it


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("tcp://127.0.0.1:9", b"Timed out"),
        # A path where the address belongs: Dask's own clean-up of the failed client would
        # wait twice the timeout at exit and print a traceback.
        ("notes.txt", b"missing port number in address 'notes.txt'"),
    ],
)
def test_an_unreachable_scheduler_is_one_line_within_the_timeout(
    corpus: Path, address: str, reason: bytes
) -> None:
    started = time.monotonic()
    result = run_wordcount(["--scheduler", address, "--timeout", "1", str(corpus)])
    assert time.monotonic() - started < 4
    assert result.returncode == ExitStatus.INPUT_ERROR
    assert result.stdout == b""
    expected_start = f"wordcount: error: cannot reach the scheduler at {address} within 1 s ("
    assert result.stderr.startswith(expected_start.encode())
    assert reason in result.stderr
    assert result.stderr.count(b"\n") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--backend", "dask"], "needs --scheduler, --scheduler-file or DASK_SCHEDULER_ADDRESS"),
        (["--scheduler", "tcp://h:1", "--scheduler-file", "f"], "not both"),
        (["--backend", "local", "--scheduler", "tcp://h:1"], "need --backend dask"),
    ],
)
def test_cluster_options_that_clash_are_usage_errors(args: list[str], message: str) -> None:
    result = invoke([*args, "-"], stdin=b"x")
    assert result.exit_code == ExitStatus.USAGE_ERROR
    assert message in result.output


def test_without_the_extra_the_error_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed now fails
    result = invoke(["--scheduler", "tcp://127.0.0.1:9", "-"], stdin=b"x")
    assert result.exit_code == ExitStatus.USAGE_ERROR
    assert result.stderr == (
        "wordcount: error: the Dask backend needs its extra: "
        "pip install 'wordcount-parallel[dask]'\n"
    )


class SubprocessCluster:
    """`dask scheduler --scheduler-file` and `dask worker` as a user would start them."""

    def __init__(self, directory: Path, worker_env: dict[str, str] | None = None) -> None:
        self.scheduler_file = directory / "scheduler.json"
        env = {**os.environ, "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "0"}
        dask = str(BIN_DIR / "dask")
        common = ["--scheduler-file", str(self.scheduler_file), "--no-dashboard"]
        self.processes = [
            subprocess.Popen(
                [dask, "scheduler", "--host", "127.0.0.1", "--port", "0", *common],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        ]
        self._wait_for_file()
        self.processes.append(
            subprocess.Popen(
                [dask, "worker", "--nworkers", "2", "--nthreads", "1", *common],
                env={**env, **(worker_env or {})},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # so that close() can end its worker processes too
            )
        )
        self._wait_for_workers(2)

    def _wait_for_file(self) -> None:
        deadline = time.monotonic() + 30
        while not self.scheduler_file.exists():
            assert time.monotonic() < deadline, "the scheduler did not start"
            time.sleep(0.1)

    def _wait_for_workers(self, count: int) -> None:
        with distributed.Client(scheduler_file=str(self.scheduler_file), timeout=30) as client:
            client.wait_for_workers(count, timeout=30)

    def close(self) -> None:
        for process in reversed(self.processes):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:  # a nanny busy restarting its worker
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def test_end_to_end_with_dask_scheduler_and_worker_commands(
    corpus: Path, tmp_path: Path, process_log: ProcessLog
) -> None:
    cluster = SubprocessCluster(tmp_path)
    try:
        args = ["-n", "0", str(corpus)]
        remote = run_wordcount(["--scheduler-file", str(cluster.scheduler_file), *args])
        process_log.assert_parallel()
    finally:
        cluster.close()
    local = run_wordcount(["-j", "2", *args])
    process_log.assert_parallel()
    assert (remote.stdout, remote.stderr, remote.returncode) == (
        local.stdout,
        local.stderr,
        local.returncode,
    )
    assert b"se\xc3\xb1or\t1\n" in remote.stdout


def test_a_lost_worker_fails_the_run_with_a_clear_line(corpus: Path, tmp_path: Path) -> None:
    (tmp_path / "victim.txt").write_bytes(b"the victim")
    # Every worker that opens victim.txt dies; the scheduler allows no retry of a task
    # that killed a worker, so the run must fail, not print partial counts.
    cluster = SubprocessCluster(tmp_path, {FAULT_VARIABLE: "kill:victim.txt"})
    try:
        started = time.monotonic()
        paths = [str(corpus / "big.txt"), str(tmp_path / "victim.txt")]
        result = run_wordcount(["--scheduler-file", str(cluster.scheduler_file), *paths])
        seconds = time.monotonic() - started
    finally:
        cluster.close()
    assert result.returncode == ExitStatus.WORKER_FAILED
    assert result.stdout == b""
    assert result.stderr.startswith(b"wordcount: error: the Dask cluster failed: KilledWorker")
    assert result.stderr.count(b"\n") == 1
    assert seconds < 30


def test_the_cluster_sums_a_file_s_skipped_runs_over_its_ranges(
    tmp_path: Path, local_cluster: str, process_log: ProcessLog
) -> None:
    path = tmp_path / "runs.txt"
    filler = b"short words\n" * 1000
    path.write_bytes((filler + b"x" * ((1 << 20) + 1) + b"\n") * 3 + filler)  # 3 over 1 MiB
    local = run_wordcount(["-j", "2", str(path)])
    process_log.assert_parallel()
    remote = run_wordcount(["--scheduler", local_cluster, str(path)])
    process_log.assert_parallel()  # both Dask workers counted: the file was cut in two
    assert remote.stdout == local.stdout == b"short\t4000\nwords\t4000\n"
    assert (
        remote.stderr
        == local.stderr
        == (
            f"wordcount: warning: '{path}': skipped 3 word(s) longer than 1 MiB\n"
            "wordcount: 1 file with words over 1 MiB skipped\n"
        ).encode()
    )
