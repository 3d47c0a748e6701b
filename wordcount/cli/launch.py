"""The console script's entry point: what the command cannot catch itself, because it
happens while Python still imports it (the first 50 ms or so), or while a run imports a
module late.

    Ctrl-C (even one Python wraps in
    another exception)                     ─▶ quietly, status 130, as later in the run
    memory runs out (prlimit --as) as a
    module loads: MemoryError, or a shared
    library that cannot be mapped          ─▶ one line, status 5, as later in the run
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys

# ExitStatus.OUT_OF_MEMORY, repeated: importing exit_status here could itself fail.
_OUT_OF_MEMORY = 5
# How the dynamic loader says that it could not map a library into memory.
_LOADER_OUT_OF_MEMORY = ("failed to map segment", "Cannot allocate memory")


def run() -> None:
    try:
        from wordcount.cli.command import main

        status = main.main(prog_name="wordcount", standalone_mode=False)
    except KeyboardInterrupt:
        status = 128 + signal.SIGINT
    except MemoryError:
        status = _out_of_memory()
    except ImportError as failure:
        if not any(sign in str(failure) for sign in _LOADER_OUT_OF_MEMORY):
            raise  # a broken installation: its traceback says what is missing
        status = _out_of_memory()
    except RuntimeError as failure:
        # Python 3.11 wraps a Ctrl-C that lands in a class's __set_name__, as a module
        # defines the class, in "RuntimeError: Error calling __set_name__".
        if not isinstance(failure.__cause__, KeyboardInterrupt):
            raise
        status = 128 + signal.SIGINT
    if "distributed" in sys.modules:
        _exit_without_teardown(status)
    sys.exit(status)


def _exit_without_teardown(status: int) -> None:
    """Exit once the streams are flushed, skipping the interpreter's teardown: after a run
    on a Dask cluster (its client already closed) tearing down the hundreds of modules
    that Dask loaded is a tenth of a small count's time, and does nothing a user sees."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()
    os._exit(status)


def _out_of_memory() -> int:
    # os.write: with no memory to spare, nothing that allocates much can be trusted.
    with contextlib.suppress(OSError):
        os.write(2, b"wordcount: error: out of memory while loading Python modules\n")
    return _OUT_OF_MEMORY
