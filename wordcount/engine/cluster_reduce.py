"""The reduce of a cluster run: each unit's result, its counts packed as the worker sent
them, added into the client's Merge as it completes, as the local pool adds its workers'.

    Dask workers: count_unit_on_worker ─▶ UnitResult, its counts packed
                  (native.pack_counts: one bytes object, not a dict of Python objects)
        │ one result at a time, as each unit completes; its future is released as soon
        ▼ as the result is in, so no worker keeps a result after its trip
    client: Merge.add ─▶ one Tally (the kernel's table: no Python object per word)
            ─▶ CountResult, whose counts are decoded only where a report needs them

Why the client adds, rather than a tree reduce on the workers (the shape until issue 23):
a tree reduce sends the client the whole vocabulary anyway, in one piece, after one
worker has held all of it at once (in the last pairwise merge: both halves and their
sum), so it halves no one's memory and adds a worker's peak to the client's. Adding
packed results as they come keeps each worker's peak to its own units, and the client's
to one table plus one unit's packed counts. Measured with 5,000,000 distinct words, -n 10,
on 1 scheduler and 2 workers: the tree reduce peaked at 770 MB in the client and 928 MB
in the worker that held the last merge; adding in the client, at 380 MB there and 386 MB
in each worker (their own counting), in 4 s rather than 11. Held parts (the ranges of a
file cut into several) need no care of their own here: Merge holds them until the last
is in, as it does for the local pool.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wordcount.engine.cluster_health import one_line
from wordcount.engine.merge import UnitResult
from wordcount.engine.units import WorkUnit, paths_in_input_order
from wordcount.exceptions import WorkerFailure


def result_of(client: Any, future: Any, units: Sequence[WorkUnit]) -> UnitResult:
    """The result of a unit's future that is done, which is then released, so that its
    worker can let the result go. WorkerFailure, naming every input, if the unit could not
    be counted (KilledWorker: workers kept dying on it) or the scheduler went away."""
    try:
        result: UnitResult = future.result()
    except Exception as error:
        if client.status != "running":  # its futures cancelled as it went
            reason = "lost the connection to the Dask scheduler"
        else:
            reason = f"the Dask cluster failed: {type(error).__name__}: {error}"
        raise WorkerFailure(one_line(reason), paths_in_input_order(units)) from None
    future.release()
    return result
