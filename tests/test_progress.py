"""Progress as the bytes are read: in a pool the workers report them while a unit is still
being counted, and the bar, labelled, draws on stderr alone."""

from __future__ import annotations

import io
import os
import sys
import threading
import time
from typing import Any

import pytest
from rich.console import Console

from tests.conftest import ProcessLog, workers_of
from wordcount.cli import progress, terminal
from wordcount.engine import pool
from wordcount.engine.options import CountOptions
from wordcount.engine.run import count_inputs

LINE = b"It was the best of times, it was the worst of times; a tale of two cities.\n"
# Two files of about 4 MiB, a unit each (a --pattern run never cuts a file into ranges),
# one for each of two workers.
UNIT_BYTES = 4 << 20


@pytest.fixture(scope="module")
def big_files(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("progress")
    paths = [folder / "one.txt", folder / "two.txt"]
    for path in paths:
        path.write_bytes(LINE * (UNIT_BYTES // len(LINE)))
    return [str(path) for path in paths]


def size_of(paths: list[str]) -> int:
    return sum(os.path.getsize(path) for path in paths)


@pytest.fixture
def fast_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers report after every chunk and the main process looks every 5 ms, so a test
    sees many reports in the time two units take (the workers get the interval from the
    main process, under every start method)."""
    monkeypatch.setattr(pool, "_REPORT_SECONDS", 0.0)
    monkeypatch.setattr(pool, "_POOL_CHECK_SECONDS", 0.005)


def check_reports(seen: list[tuple[int, int]], size: int) -> None:
    """Every report says the same total, moves only forward and ends at the total."""
    assert {total for _, total in seen} == {size}
    done = [done for done, _ in seen]
    assert done == sorted(done)
    assert done[-1] == size


@pytest.mark.usefixtures("fast_clock")
def test_a_pool_reports_bytes_before_a_unit_completes(
    big_files: list[str], process_log: ProcessLog
) -> None:
    seen: list[tuple[int, int]] = []
    result = count_inputs(
        paths=big_files,
        jobs=2,
        unit_bytes=UNIT_BYTES,
        # A regex counts some 10 MB/s: each unit takes a few tenths of a second, time for
        # many reports of its 256 KiB chunks.
        options=CountOptions(pattern="[a-z]+"),
        progress=lambda done, total: seen.append((done, total)),
    )
    process_log.assert_parallel()
    assert workers_of(result) == 2
    size = size_of(big_files)
    assert result.bytes_read == size
    check_reports(seen, size)
    # Each unit holds half the bytes: under a third of them, neither had completed.
    before_a_unit = {done for done, _ in seen if 0 < done < size // 3}
    assert len(seen) > 2  # more reports than units
    assert len(before_a_unit) >= 5, seen


@pytest.mark.usefixtures("fast_clock")
def test_progress_moves_while_the_main_process_reads_a_stream(
    big_files: list[str], process_log: ProcessLog
) -> None:
    """The main process reads stdin while the pool counts, so the merge loop cannot
    run; the workers' bytes are shown all the same. stdin stays open until the files'
    bytes have all been shown (or 20 s have passed)."""
    size = size_of(big_files)
    seen: list[tuple[int, int]] = []
    all_shown = threading.Event()

    def follow(done: int, total: int) -> None:
        seen.append((done, total))
        if done == total:
            all_shown.set()

    class SlowStdin(io.RawIOBase):
        """Standard input that ends only once the files' bytes have all been shown."""

        def readinto(self, buffer: Any) -> int:
            if not all_shown.wait(20):
                return 0
            data, self.data = getattr(self, "data", b"piped words\n"), b""
            buffer[: len(data)] = data
            return len(data)

        def readable(self) -> bool:
            return True

    started = time.monotonic()
    result = count_inputs(
        paths=[*big_files, "-"],
        jobs=2,
        unit_bytes=UNIT_BYTES,
        stdin=io.BufferedReader(SlowStdin()),
        progress=follow,
    )
    process_log.assert_parallel()
    assert time.monotonic() - started < 10, "stdin closed only by the timeout"
    assert result.counts["piped"] == 1
    check_reports(seen, size)


def test_the_bar_is_labelled_and_draws_on_stderr_only(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    screen = io.StringIO()
    monkeypatch.setattr(screen, "isatty", lambda: True)
    monkeypatch.setattr(sys, "stderr", screen)
    monkeypatch.setattr(progress, "PROGRESS_DELAY_SECONDS", 0)
    monkeypatch.setenv("TERM", "xterm")  # rich draws nothing live on a dumb terminal
    monkeypatch.setattr(terminal, "error_console", Console(file=screen, force_terminal=True))
    with progress.progress_bar(True) as update:
        assert update is not None
        update(1_000_000, 4_000_000)
        time.sleep(0.15)  # rich redraws ten times a second
    assert "counting" in screen.getvalue()
    assert "1.0/4.0 MB" in screen.getvalue()
    with progress.progress_bar(False) as update:  # --no-progress, --quiet
        assert update is None
    assert capsys.readouterr().out == ""
