"""The cluster's progress as its workers read, not only as whole units end.

    Dask worker: count_unit's on_bytes ─▶ WorkerReports: (unit, bytes read so far), at
        most every REPORT_SECONDS ─▶ Worker.log_event(topic) ─▶ the scheduler
    client: subscribe_topic(topic) ─▶ UnitProgress.read ─┐
            a unit's future done ─▶ UnitProgress.done ───┴─▶ progress(done, total)

A unit is up to 256 MB: reported only as it ends, a bar over a 1 GB input moved in four
steps. Each run subscribes to a topic of its own, so that two runs on one cluster never
count each other's bytes.
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from wordcount.engine.units import WorkUnit

# A worker reports its unit's bytes at most this often: often enough that the bar moves
# several times a second, as a local run's does, and few enough messages that a scheduler
# with hundreds of workers hardly notices them.
REPORT_SECONDS = 0.2


def new_topic() -> str:
    return f"wordcount-progress-{uuid.uuid4().hex}"


class WorkerReports:
    """On a Dask worker: on_bytes for count_unit, that reports the unit's bytes read so
    far to topic, throttled."""

    def __init__(self, topic: str, unit_index: int) -> None:
        from distributed import get_worker

        self._worker = get_worker()
        self._topic = topic
        self._unit_index = unit_index
        self._read = 0
        self._last_report = time.monotonic()

    def __call__(self, size: int) -> None:
        self._read += size
        now = time.monotonic()
        if now - self._last_report >= REPORT_SECONDS:
            self._last_report = now
            self._worker.log_event(self._topic, (self._unit_index, self._read))


class UnitProgress:
    """On the client: the bytes done of each unit, from the workers' reports (on Dask's
    event-loop thread) and from the units that ended (on the waiting loop's). A unit's
    bytes never go down, nor past its size: a report may arrive after its unit ended, and
    a unit retried on another worker reports from 0 again."""

    def __init__(self, units: Sequence[WorkUnit]) -> None:
        self._sizes = [unit.size for unit in units]
        self._done = [0] * len(units)
        self._lock = threading.Lock()
        self.total = sum(self._sizes)
        self._changed = True

    def read(self, event: Any) -> None:
        """A worker's report, as subscribe_topic hands it over: (time, (unit, bytes))."""
        _, (unit_index, read) = event
        self._advance(unit_index, read)

    def done(self, unit_index: int) -> None:
        self._advance(unit_index, self._sizes[unit_index])

    def _advance(self, unit_index: int, read: int) -> None:
        with self._lock:
            now = min(read, self._sizes[unit_index])
            if now > self._done[unit_index]:
                self._done[unit_index] = now
                self._changed = True

    def take_change(self) -> int | None:
        """The bytes done in all, if they changed since last asked; else None."""
        with self._lock:
            if not self._changed:
                return None
            self._changed = False
            return sum(self._done)


def reporting(
    client: Any, topic: str, units: Sequence[WorkUnit]
) -> tuple[UnitProgress, Callable[[], None]]:
    """The progress of units, fed by the workers' reports to topic; and how to stop."""
    tracker = UnitProgress(units)
    client.subscribe_topic(topic, tracker.read)

    def stop() -> None:
        # Run as the count ends, however it ends: where the scheduler has gone, the client
        # cannot send this, and its error must not stand in for the count's own.
        with contextlib.suppress(Exception):
            client.unsubscribe_topic(topic)

    return tracker, stop
