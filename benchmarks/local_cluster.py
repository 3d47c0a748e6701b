"""A local Dask cluster as a user starts one: `dask scheduler` and `dask worker` commands.

    LocalCluster(directory) ─▶ dask scheduler --scheduler-file directory/scheduler.json
                              dask worker ... --nthreads 1   (one per start_worker call)

Each process runs in its own session, so that a fault can kill a worker (its nanny and
the worker process under it) or the scheduler as a lost machine would: the whole group
at once, with SIGKILL. The benchmarks and benchmarks/cluster_faults.py share it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

# Long enough for a scheduler and its workers to start on a busy 2-core machine.
START_TIMEOUT_S = 60.0
POLL_INTERVAL_S = 0.1


class LocalCluster:
    """A scheduler and the workers started on it, all stopped by stop() (or `with`)."""

    def __init__(self, directory: Path, *, bin_dir: Path | None = None) -> None:
        self.bin_dir = bin_dir or Path(sys.executable).parent
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.scheduler_file = directory / "scheduler.json"
        self.scheduler_file.unlink(missing_ok=True)
        self.scheduler = self._start(
            "scheduler",
            # Its HTTP server (health, metrics) listens even with no dashboard: on a free
            # port, not on 8787, which another cluster on this machine may hold.
            ["scheduler", "--host", "127.0.0.1", "--port", "0", "--dashboard-address", ":0"],
            {},
        )
        self.workers: list[subprocess.Popen[bytes]] = []
        self.address = self._wait_for_address()

    def start_worker(
        self,
        *,
        environment: Mapping[str, str] | None = None,
        prefix: list[str] | None = None,
    ) -> subprocess.Popen[bytes]:
        """One more worker with one thread; prefix (e.g. unshare ...) runs before it."""
        arguments = [
            "worker",
            self.address,
            "--nthreads",
            "1",
            "--no-dashboard",
            "--host",
            "127.0.0.1",
        ]
        name = f"worker-{len(self.workers) + 1}"
        worker = self._start(name, arguments, environment or {}, prefix=prefix or [])
        self.workers.append(worker)
        return worker

    def wait_for_workers(self, count: int) -> None:
        from distributed import Client

        with Client(self.address, timeout=START_TIMEOUT_S, set_as_default=False) as client:
            client.wait_for_workers(count, timeout=START_TIMEOUT_S)

    def worker_peaks_mb(self) -> dict[str, int]:
        """Each worker process's peak resident memory so far, in MB."""
        from distributed import Client

        def peak_rss_mb() -> int:
            # Defined here, so that it travels by value: a worker need not import benchmarks.
            import resource

            # ru_maxrss is in kilobytes on Linux.
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024

        with Client(self.address, timeout=START_TIMEOUT_S, set_as_default=False) as client:
            peaks: dict[str, int] = client.run(peak_rss_mb)
        return peaks

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        """process and all it started, at once, as when its machine is lost."""
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop(self) -> None:
        for process in [*self.workers, self.scheduler]:
            self.kill(process)

    def __enter__(self) -> LocalCluster:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _start(
        self,
        name: str,
        arguments: list[str],
        environment: Mapping[str, str],
        *,
        prefix: list[str] | None = None,
    ) -> subprocess.Popen[bytes]:
        command = [*(prefix or []), str(self.bin_dir / "dask"), *arguments]
        if name == "scheduler":
            command += ["--scheduler-file", str(self.scheduler_file)]
        with (self.directory / f"{name}.log").open("wb") as log:
            return subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, **environment},
                start_new_session=True,
            )

    def _wait_for_address(self) -> str:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.scheduler.poll() is not None:
                raise RuntimeError(f"the scheduler exited: see {self.directory}/scheduler.log")
            try:
                address: str = json.loads(self.scheduler_file.read_text())["address"]
                return address
            except (OSError, ValueError, KeyError):
                time.sleep(POLL_INTERVAL_S)
        self.stop()
        raise RuntimeError(f"no scheduler within {START_TIMEOUT_S:g} s")
