"""The progress bar on stderr: "counting", bytes counted, throughput and time left.

Shown only when stderr is a terminal and the run has lasted PROGRESS_DELAY_SECONDS; rich
is imported only then. It moves as the bytes are read: in a pool, as the workers report
them (several times a second), on a Dask cluster too (engine/cluster_progress.py).
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator

# A run shorter than this shows no progress bar: it would only flicker.
PROGRESS_DELAY_SECONDS = 0.5


@contextlib.contextmanager
def progress_bar(enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """Yields update(bytes done, bytes in all), or None when no bar can show."""
    if not (enabled and sys.stderr is not None and sys.stderr.isatty()):
        yield None
        return
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    from wordcount.cli import terminal

    started = time.monotonic()
    bar: Progress | None = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            if time.monotonic() - started < PROGRESS_DELAY_SECONDS:
                return
            columns = (
                TextColumn("{task.description}"),
                BarColumn(),
                DownloadColumn(),
                TransferSpeedColumn(),
                TimeRemainingColumn(),
            )
            bar = Progress(*columns, console=terminal.error_console, transient=True)
            bar.add_task("counting", total=total)
            bar.start()
        bar.update(bar.task_ids[0], completed=done, total=total)

    try:
        yield update
    finally:
        if bar is not None:
            bar.stop()
