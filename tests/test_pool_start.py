"""A pool the system will not start or feed: too few file descriptors, no process, no
thread. Each ends the run promptly with one line and status 4 (5 for memory), and
leaves no process behind; -j 1, which needs no pool, still counts.

The system's refusals are real where a test can cause them cheaply (ulimit -n); where
they cannot (a thread refused under `prlimit --as`, whose threshold moves with every
build), the refusing call is replaced, in a real run of the command under every start
method.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import BIN_DIR, PINNED_ENV, group_is_gone
from wordcount.cli.ending import ExitStatus

START_METHODS = multiprocessing.get_all_start_methods()
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def big_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Over the 2 MiB the tests start a pool for."""
    path = tmp_path_factory.mktemp("pool-start") / "big.txt"
    path.write_bytes(b"plenty of words here\n" * 120_000)
    return path


def _run(command: list[str], start_method: str, **options: object) -> tuple[int, str, str]:
    """The status, stdout and stderr of the command, which must end within 10 s and
    leave no process behind."""
    env = {**os.environ, **PINNED_ENV, "WORDCOUNT_START_METHOD": start_method}
    started = time.monotonic()
    # In a session of its own, so that whatever it leaves behind can be found.
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
        **options,  # type: ignore[call-overload]
    )
    stdout, stderr = process.communicate(timeout=30)
    assert time.monotonic() - started < 10
    assert group_is_gone(process.pid, within=2), "a process was left behind"
    return process.returncode, stdout, stderr


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="counts descriptors in /proc")
@pytest.mark.parametrize("start_method", START_METHODS)
def test_too_few_file_descriptors_is_one_line_and_status_4(
    big_input: Path, start_method: str
) -> None:
    def allow_18_files() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (18, 18))

    command = [str(BIN_DIR / "wordcount"), "-n", "1", str(big_input)]
    status, stdout, stderr = _run([*command, "-j", "2"], start_method, preexec_fn=allow_18_files)
    assert stdout == ""
    assert stderr.startswith("wordcount: error: cannot start 2 worker processes: ")
    assert stderr.endswith("ulimit -n allows 18 (-j 1 counts without them); nothing was printed\n")
    assert stderr.count("\n") == 1
    assert status == ExitStatus.WORKER_FAILED
    assert _run([*command, "-j", "1"], start_method, preexec_fn=allow_18_files) == (
        0,
        "here\t120000\n",
        "",
    )


# Each replaces one call the pool makes with a refusal of the kind the system gives.
REFUSALS = {
    "no-process": (
        "import multiprocessing.process as m\n"
        "def refuse(*args): raise OSError(errno.EAGAIN, 'Resource temporarily unavailable')\n"
        "m.BaseProcess.start = refuse\n"
    ),
    "no-memory-for-a-process": (
        "import multiprocessing.process as m\n"
        "def refuse(*args): raise OSError(errno.ENOMEM, 'Cannot allocate memory')\n"
        "m.BaseProcess.start = refuse\n"
    ),
    # The executor's manager thread, started as the first unit is submitted.
    "no-manager-thread": (
        "import concurrent.futures.process as m\n"
        'def refuse(*args): raise RuntimeError("can\'t start new thread")\n'
        "m._ExecutorManagerThread.start = refuse\n"
    ),
    # The queue's feeder thread, which the manager thread starts: it died, and the run
    # once waited forever for results.
    "no-feeder-thread": (
        "import multiprocessing.queues as m\n"
        'def refuse(*args): raise RuntimeError("can\'t start new thread")\n'
        "m.Queue._start_thread = refuse\n"
    ),
}
EXPECTED = {
    "no-process": (
        ExitStatus.WORKER_FAILED,
        "wordcount: error: cannot start the worker processes: Resource temporarily "
        "unavailable (-j 1 counts without them); nothing was printed\n",
    ),
    "no-memory-for-a-process": (
        ExitStatus.OUT_OF_MEMORY,
        "wordcount: error: out of memory: while starting the worker processes; "
        "nothing was printed\n",
    ),
    "no-manager-thread": (
        ExitStatus.WORKER_FAILED,
        "wordcount: error: cannot start the worker processes: can't start new thread "
        "(-j 1 counts without them); nothing was printed\n",
    ),
    "no-feeder-thread": (
        ExitStatus.WORKER_FAILED,
        "wordcount: error: the worker pool failed (RuntimeError: can't start new thread) "
        "while counting '{path}'; nothing was printed\n",
    ),
}


@pytest.mark.parametrize("refusal", REFUSALS)
@pytest.mark.parametrize("start_method", START_METHODS)
def test_a_pool_refused_a_process_or_thread_ends_promptly(
    big_input: Path, start_method: str, refusal: str
) -> None:
    program = (
        "import errno, sys\n"
        + REFUSALS[refusal]
        + "from wordcount.cli.launch import run\n"
        + f"sys.argv = ['wordcount', '-j', '2', {str(big_input)!r}]\n"
        + "run()\n"
    )
    status, stderr = EXPECTED[refusal]
    assert _run([sys.executable, "-c", program], start_method) == (
        status,
        "",
        stderr.format(path=big_input),
    )
