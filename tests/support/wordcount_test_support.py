"""What the tests make wordcount do that no user may: make a worker go wrong, change a file
as it is read, fail a read part-way, log which processes counted, start a pool on a few
megabytes. Each is asked for by a variable, read here only, in processes where install()
ran (see sitecustomize.py and plugin.py); the installed package reads none of them.

WORDCOUNT_TEST_FAULT="ACTION:NAME": every call of count_unit first applies ACTION to each
path of its unit called NAME. "kill", "hang" and "unpicklable" make the worker die, hang
or fail with an exception that cannot be pickled; "truncate", "append", "replace" and
"touch" change the file after it was planned, just before it is read, as another program
might while wordcount reads it.

WORDCOUNT_TEST_BAD_BYTE="OFFSET:NAME": every read of a file called NAME that would return
its byte at OFFSET fails with EIO, as a disk's bad sector makes it fail: whichever process
reads it, whichever range of the file it reads, and however often.

WORDCOUNT_TEST_PROCESSES=FILE: each count appends one line to FILE, the id of the process
that ran it, a colon, then the ids of the processes that counted its units. A test
comparing a parallel run with a serial one reads it (conftest.ProcessLog) to prove that
workers ran.

WORDCOUNT_TEST_POOL_MIN_BYTES=N: a pool starts for inputs of N bytes or more.

WORDCOUNT_TEST_BLIND=NAME: this process cannot open a file called NAME (ENOENT), as a
Dask worker on a machine without that file cannot; a file over 64 KiB, which Python
opens (the kernel's small-file reader opens its own).

WORDCOUNT_TEST_SLOW_READ="SECONDS:NAME": every read of a file called NAME takes SECONDS
longer, so that a test can watch a unit's progress before it ends.

WORDCOUNT_TEST_VERSION=V: this process says that its wordcount is version V when a
cluster's client asks (engine.cluster_health.worker_environment), as a worker with
another release installed would.
"""

from __future__ import annotations

# Every Python process the tests start imports this module as it starts (sitecustomize.py),
# and the fault tests signal processes just after they start: so it imports little here
# (importlib.abc alone took 20 ms), and what only some faults use they import themselves.
import functools
import os
import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from importlib.machinery import ModuleSpec

FAULT_VARIABLE = "WORDCOUNT_TEST_FAULT"
BAD_BYTE_VARIABLE = "WORDCOUNT_TEST_BAD_BYTE"
PROCESSES_VARIABLE = "WORDCOUNT_TEST_PROCESSES"
POOL_MIN_BYTES_VARIABLE = "WORDCOUNT_TEST_POOL_MIN_BYTES"
BLIND_VARIABLE = "WORDCOUNT_TEST_BLIND"
SLOW_READ_VARIABLE = "WORDCOUNT_TEST_SLOW_READ"
VERSION_VARIABLE = "WORDCOUNT_TEST_VERSION"

# What "append" adds to the end of the file, once.
APPENDED = b"appended\n"
# The modification time "touch" gives the file, in ns: 2001-09-09, no test file's own.
TOUCHED_MTIME_NS = 10**18

# The files that replace() replaced, held open until this process exits: an inode stays
# allocated while it is open, so that no copy is given an inode number freed by another
# (ext4 reuses them at once), which would make the copy look like the file planned.
_replaced: list[int] = []


# The faults. Every worker that counts a range of the file applies the action before it
# reads any of it, so each change gives the same bytes however often, and in whatever
# order, workers apply it: the words counted are then the same for every -j, and a test
# can work them out.


def kill(path: str) -> None:
    """The worker dies as if the kernel's OOM killer took it."""
    import signal

    os.kill(os.getpid(), signal.SIGKILL)


def hang(path: str) -> None:
    """The worker never finishes its unit."""
    import time

    time.sleep(3600)


def fail_unpicklably(path: str) -> None:
    """The worker raises an exception that cannot be sent back to the main process."""
    raise UnpicklableError(lambda: None)


class UnpicklableError(Exception):
    """Holds a lambda, so it cannot be pickled back to the main process."""


def truncate(path: str) -> None:
    """Cut the file just after its first line feed."""
    with open(path, "r+b") as file:
        first_line = file.readline()
        if file.read(1):
            file.truncate(len(first_line))


def append(path: str) -> None:
    """Add APPENDED to the end of the file, unless it ends with it already."""
    import fcntl

    with open(path, "a+b") as file:
        fcntl.flock(file, fcntl.LOCK_EX)  # two workers at once must still append once
        size = file.seek(0, os.SEEK_END)
        file.seek(max(0, size - len(APPENDED)))
        if file.read() != APPENDED:
            file.write(APPENDED)


def replace(path: str) -> None:
    """Replace the file by rename with a copy of it: the same bytes, size and
    modification time, only another inode."""
    import shutil

    _replaced.append(os.open(path, os.O_RDONLY))
    copy = f"{path}.copy-{os.getpid()}"
    shutil.copyfile(path, copy)
    status = os.stat(path)
    os.utime(copy, ns=(status.st_atime_ns, status.st_mtime_ns))
    os.replace(copy, path)


def touch(path: str) -> None:
    """Give the file another modification time; the bytes stay."""
    os.utime(path, ns=(TOUCHED_MTIME_NS, TOUCHED_MTIME_NS))


FAULTS: dict[str, Callable[[str], None]] = {
    "kill": kill,
    "hang": hang,
    "unpicklable": fail_unpicklably,
    "truncate": truncate,
    "append": append,
    "replace": replace,
    "touch": touch,
}


def fault_from_environment() -> Callable[[str], None] | None:
    """What FAULT_VARIABLE asks for, to call with each path a worker opens; or None."""
    action, _, file_name = os.environ.get(FAULT_VARIABLE, "").partition(":")
    if not file_name:
        return None
    do = FAULTS[action]  # a KeyError names a misspelt action

    def apply(path: str) -> None:
        if os.path.basename(path) == file_name:
            do(path)

    return apply


class _WithBadByte:
    """A file opened for reading whose reads fail where they would return its bad byte."""

    def __init__(self, file: Any, bad_byte: int) -> None:
        self._file = file
        self._bad_byte = bad_byte

    def read(self, size: int | None = -1) -> Any:
        position = self._file.tell()
        reaches = size is None or size < 0 or self._bad_byte < position + size
        if position <= self._bad_byte and reaches:
            import errno

            raise OSError(errno.EIO, os.strerror(errno.EIO))
        return self._file.read(size)

    read1 = read  # a stream's reader reads with read1 where a file has it

    def __enter__(self) -> _WithBadByte:
        return self

    def __exit__(self, *exception: object) -> None:
        self._file.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)


class _SlowReads:
    """A file opened for reading whose every read takes some seconds longer."""

    def __init__(self, file: Any, seconds: float) -> None:
        self._file = file
        self._seconds = seconds

    def read(self, size: int | None = -1) -> Any:
        import time

        time.sleep(self._seconds)
        return self._file.read(size)

    read1 = read

    def __enter__(self) -> _SlowReads:
        return self

    def __exit__(self, *exception: object) -> None:
        self._file.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)


def _report_version(health: ModuleType) -> None:
    """worker_environment says VERSION_VARIABLE's version where it is set."""
    worker_environment = _function(health, "worker_environment")

    @functools.wraps(worker_environment)
    def worker_environment_set_by_tests() -> Any:
        found = worker_environment()
        return {**found, "version": os.environ.get(VERSION_VARIABLE) or found["version"]}

    _replace(health, "worker_environment", worker_environment, worker_environment_set_by_tests)


# The seams, each patched as its module finishes loading (or at once, if it has loaded).


def _wrap_count_unit(worker: ModuleType) -> None:
    """count_unit applies the fault first. The pool and Dask send count_unit to their
    workers by reference, module and name: the wrapper keeps both (functools.wraps), so
    that each worker finds the wrapper its own install() put there."""
    count_unit = _function(worker, "count_unit")

    @functools.wraps(count_unit)
    def count_unit_with_fault(unit: Any, *args: Any, **kwargs: Any) -> Any:
        fault = fault_from_environment()  # read per call: in-process tests set it late
        if fault is not None:
            for file_range in unit.ranges:
                fault(file_range.path)
        return count_unit(unit, *args, **kwargs)

    _replace(worker, "count_unit", count_unit, count_unit_with_fault)


def _wrap_open_input(opening: ModuleType) -> None:
    """open_input gives the file BAD_BYTE_VARIABLE names with its bad byte. Patched in
    sources.opening as it loads, before the planner and the worker import it by name."""
    open_input = _function(opening, "open_input")

    @functools.wraps(open_input)
    def open_input_with_bad_byte(path: str, *args: Any) -> Any:
        if os.path.basename(path) == os.environ.get(BLIND_VARIABLE):
            import errno

            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), path)
        file = open_input(path, *args)  # args: the storage options
        offset, _, file_name = os.environ.get(BAD_BYTE_VARIABLE, "").partition(":")
        if file_name and os.path.basename(path) == file_name:
            return _WithBadByte(file, int(offset))
        seconds, _, file_name = os.environ.get(SLOW_READ_VARIABLE, "").partition(":")
        if file_name and os.path.basename(path) == file_name:
            return _SlowReads(file, float(seconds))
        return file

    _replace(opening, "open_input", open_input, open_input_with_bad_byte)


def _wrap_pool_threshold(run: ModuleType) -> None:
    """pool_threshold gives POOL_MIN_BYTES_VARIABLE's number where it is set."""
    pool_threshold = _function(run, "pool_threshold")

    @functools.wraps(pool_threshold)
    def pool_threshold_set_by_tests(jobs: int) -> int:
        pinned = os.environ.get(POOL_MIN_BYTES_VARIABLE)
        return int(pinned) if pinned else int(pool_threshold(jobs))

    _replace(run, "pool_threshold", pool_threshold, pool_threshold_set_by_tests)


def _log_processes(merge: ModuleType) -> None:
    """Merge.result, which every count ends with, logs who counted to
    PROCESSES_VARIABLE's file. A method: whoever imported Merge by name calls this."""
    merge_class = getattr(merge, "Merge", None)
    result = getattr(merge_class, "result", None)
    assert callable(result), f"{merge.__name__}.Merge.result is gone: log processes elsewhere"

    @functools.wraps(result)
    def result_logged(self: Any, *args: Any, **kwargs: Any) -> Any:
        count_result = result(self, *args, **kwargs)
        path = os.environ.get(PROCESSES_VARIABLE)
        if path:
            counted_by = " ".join(map(str, sorted(count_result.counted_by)))
            with open(path, "a", encoding="ascii") as file:
                file.write(f"{os.getpid()}: {counted_by}\n")
        return count_result

    merge_class.result = result_logged  # type: ignore[union-attr]


PATCHES: dict[str, Callable[[ModuleType], None]] = {
    "wordcount.engine.worker": _wrap_count_unit,
    "wordcount.sources.opening": _wrap_open_input,
    "wordcount.engine.run": _wrap_pool_threshold,
    "wordcount.engine.merge": _log_processes,
    "wordcount.engine.cluster_health": _report_version,
}


def _function(module: ModuleType, name: str) -> Callable[..., Any]:
    """The function module defines under name; an AssertionError, so that the tests fail
    rather than run without their faults, where it moved."""
    function = getattr(module, name, None)
    assert callable(function), f"{module.__name__}.{name} is gone: patch it where it went"
    defined_in = f"{function.__module__}.{function.__qualname__}"
    assert defined_in == f"{module.__name__}.{name}", (
        f"{module.__name__}.{name} is {defined_in} now: patch it there"
    )
    return function  # type: ignore[no-any-return]


def _replace(
    module: ModuleType, name: str, original: Callable[..., Any], wrapper: Callable[..., Any]
) -> None:
    """module.name becomes wrapper; an AssertionError where a module already holds the
    original under a name of its own, which would still count without the patch."""
    setattr(module, name, wrapper)
    holders = [
        f"{other_name}.{attribute}"
        for other_name, other in list(sys.modules.items())
        if other_name.partition(".")[0] == "wordcount" and other is not module
        for attribute, value in list(vars(other).items())
        if value is original
    ]
    assert not holders, f"imported before the test support patched it: {', '.join(holders)}"


class _PatchOnImport:
    """Finds the modules PATCHES names as the other finders do, with a loader that
    patches each once it has run, before any other module can import from it."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        patch = PATCHES.get(fullname)
        if patch is None:
            return None
        for finder in sys.meta_path:
            find_spec = getattr(finder, "find_spec", None)
            if finder is self or find_spec is None:
                continue
            spec: ModuleSpec | None = find_spec(fullname, path, target)
            if spec is not None and spec.loader is not None:
                spec.loader = _PatchingLoader(spec.loader, patch)  # type: ignore[assignment]
                return spec
        return None


class _PatchingLoader:
    """The loader found, and then the patch; anything else asked of it (the source, for
    tracebacks) the loader found answers."""

    def __init__(self, loader: Any, patch: Callable[[ModuleType], None]) -> None:
        self._loader = loader
        self._patch = patch

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        module: ModuleType | None = self._loader.create_module(spec)
        return module

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        self._patch(module)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loader, name)


def install() -> None:
    """Patch the seams of this process: those loaded now at once, the others as they
    load. A second call (this module imported under another name, too) does nothing."""
    if any(type(finder).__name__ == _PatchOnImport.__name__ for finder in sys.meta_path):
        return
    sys.meta_path.insert(0, _PatchOnImport())
    for name, patch in PATCHES.items():
        if name in sys.modules:
            patch(sys.modules[name])
