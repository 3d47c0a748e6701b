"""Shared fixtures: a pinned environment, the CLI run in-process and as a subprocess, and a
log of the processes that counted, to prove that a parallel run used workers.

The test support (support/wordcount_test_support.py: faults, the process log, the pool
threshold) is installed here by support/plugin.py, and in the subprocesses by
support/sitecustomize.py, which PINNED_ENV's PYTHONPATH makes Python load."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings

# First: the plugin patches wordcount's seams as they load, before a module of the
# package can import one by name (see support/plugin.py).
import tests.support.plugin  # noqa: F401
from tests.support.wordcount_test_support import POOL_MIN_BYTES_VARIABLE, PROCESSES_VARIABLE
from wordcount.cli.command import main
from wordcount.engine.merge import CountResult

# The folder whose sitecustomize.py installs the test support into a Python subprocess.
SUPPORT_DIR = Path(__file__).parent / "support"

# Output can depend on all of these; pin them so that tests mean the same everywhere. A
# pool starts for inputs of 2 MiB or more (32 with the native kernel, by default), so that
# the tests can start one on a few megabytes. Subprocesses load the test support.
PINNED_ENV = {
    "LC_ALL": "C.UTF-8",
    "TERM": "dumb",
    "NO_COLOR": "1",
    "COLUMNS": "100",
    "PYTHONUNBUFFERED": "1",
    POOL_MIN_BYTES_VARIABLE: str(2 << 20),
    "PYTHONPATH": os.pathsep.join(filter(None, [str(SUPPORT_DIR), os.environ.get("PYTHONPATH")])),
}
BIN_DIR = Path(sys.executable).parent
# `make fuzz` runs the property tests with many more examples than `make test` does.
FUZZ_EXAMPLES = 20_000
settings.register_profile("fuzz", max_examples=FUZZ_EXAMPLES, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def examples(in_make_test: int) -> int:
    """A test's max_examples: its own number in `make test`, the fuzz profile's under
    `make fuzz` (a number given to @settings would otherwise override the profile)."""
    return FUZZ_EXAMPLES if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz" else in_make_test


# `make test-start-methods` runs the suite again with this set to spawn or forkserver:
# every pool started in-process or by the command under test then uses that method.
TEST_START_METHOD = os.environ.get("WORDCOUNT_TEST_START_METHOD")


def pytest_configure(config: pytest.Config) -> None:
    if TEST_START_METHOD:
        multiprocessing.set_start_method(TEST_START_METHOD, force=True)


def pytest_report_header(config: pytest.Config) -> str:
    return f"worker start method: {multiprocessing.get_start_method()}"


@pytest.fixture(autouse=True)
def pinned_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in PINNED_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    if TEST_START_METHOD:
        monkeypatch.setenv("WORDCOUNT_START_METHOD", TEST_START_METHOD)
    else:
        monkeypatch.delenv("WORDCOUNT_START_METHOD", raising=False)


def invoke(args: list[str], stdin: bytes | None = None) -> Result:
    """Run the CLI in-process, as click's CliRunner does (stdout is not a terminal)."""
    return CliRunner().invoke(
        main, args, input=stdin, prog_name="wordcount", catch_exceptions=False
    )


def with_ctrl_c() -> None:
    """For subprocess.Popen's preexec_fn: Ctrl-C (SIGINT) as in a terminal. A shell starts
    a background job, a CI runner's perhaps, with SIGINT ignored, and Python then leaves it
    ignored: a command started so would never see the SIGINT a test sends it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run_wordcount(
    args: list[str],
    *,
    stdin: bytes | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run the installed console script as a real subprocess."""
    full_env = {**os.environ, **PINNED_ENV, **(env or {})}
    return subprocess.run(
        [str(BIN_DIR / "wordcount"), *args],
        input=stdin if stdin is not None else b"",
        capture_output=True,
        env=full_env,
        cwd=cwd,
        timeout=60,
        check=False,
    )


def live_group_members(group: int) -> list[str]:
    """The processes of a group that still run; a zombie has exited, and only waits for
    init to reap it (slowly, in some containers)."""
    members = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rpartition(")")[2].split()
        except OSError:  # it ended while we looked
            continue
        state, process_group = fields[0], int(fields[2])
        if process_group == group and state != "Z":
            members.append(stat_file.parent.name)
    return members


def group_is_gone(group: int, within: float) -> bool:
    """Whether every process of the group (workers, forkserver, resource tracker) exits."""
    deadline = time.monotonic() + within
    while live_group_members(group):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


WriteFile = Callable[[str, "bytes | str"], Path]


@pytest.fixture
def write_file(tmp_path: Path) -> WriteFile:
    """Write a file under tmp_path from bytes, or from text as UTF-8."""

    def write(name: str, content: bytes | str) -> Path:
        path = tmp_path / name
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return path

    return write


class ProcessLog:
    """Which processes counted the units of each run (see PROCESSES_VARIABLE)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def take_workers(self) -> set[int]:
        """The processes other than the main one that counted units, in every run since the
        last call; an empty set for runs that counted in-process."""
        workers: set[int] = set()
        if self.path.exists():
            for line in self.path.read_text(encoding="ascii").splitlines():
                main_process, _, counted_by = line.partition(":")
                workers.update(set(map(int, counted_by.split())) - {int(main_process)})
            self.path.unlink()
        return workers

    def assert_serial(self) -> None:
        assert self.take_workers() == set(), "a serial run used worker processes"

    def assert_parallel(self, workers: int = 2) -> None:
        counted_by = self.take_workers()
        assert len(counted_by) >= workers, f"counted by {len(counted_by)} worker process(es)"


@pytest.fixture
def process_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ProcessLog:
    """Every run in this test, in-process or as a subprocess, logs who counted."""
    path = tmp_path / "processes.log"
    monkeypatch.setenv(PROCESSES_VARIABLE, str(path))
    return ProcessLog(path)


def serial_and_parallel(
    args: list[str], process_log: ProcessLog, *, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run the installed command with -j 1, then -j 2; check that both print the same bytes
    and exit alike, the first having counted in-process and the second in two workers.
    Returns the parallel run."""
    serial = run_wordcount(["-j", "1", *args], env=env)
    process_log.assert_serial()
    parallel = run_wordcount(["-j", "2", *args], env=env)
    process_log.assert_parallel()
    assert (parallel.stdout, parallel.stderr, parallel.returncode) == (
        serial.stdout,
        serial.stderr,
        serial.returncode,
    )
    return parallel


def workers_of(result: CountResult) -> int:
    """How many processes other than this one counted the result's units."""
    return len(result.counted_by - {os.getpid()})
