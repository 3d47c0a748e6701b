"""Test-only: a file changed after it was planned, as another program might change it
while wordcount reads it (hooks.py calls these for WORDCOUNT_TEST_FAULT="ACTION:NAME").

Every worker that counts a range of the file calls its action before it reads any of it,
so each action gives the same bytes however often, and in whatever order, workers call
it: the words counted are then the same for every -j, and a test can work them out.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable

# What "append" adds to the end of the file, once.
APPENDED = b"appended\n"
# The modification time "touch" gives the file, in ns: 2001-09-09, no test file's own.
TOUCHED_MTIME_NS = 10**18

# The files that replace() replaced, held open until this process exits: an inode stays
# allocated while it is open, so that no copy is given an inode number freed by another
# (ext4 reuses them at once), which would make the copy look like the file planned.
_replaced: list[int] = []


def truncate(path: str) -> None:
    """Cut the file just after its first line feed."""
    with open(path, "r+b") as file:
        first_line = file.readline()
        if file.read(1):
            file.truncate(len(first_line))


def append(path: str) -> None:
    """Add APPENDED to the end of the file, unless it ends with it already."""
    with open(path, "a+b") as file:
        fcntl.flock(file, fcntl.LOCK_EX)  # two workers at once must still append once
        size = file.seek(0, os.SEEK_END)
        file.seek(max(0, size - len(APPENDED)))
        if file.read() != APPENDED:
            file.write(APPENDED)


def replace(path: str) -> None:
    """Replace the file by rename with a copy of it: the same bytes, size and
    modification time, only another inode."""
    _replaced.append(os.open(path, os.O_RDONLY))
    copy = f"{path}.copy-{os.getpid()}"
    shutil.copyfile(path, copy)
    status = os.stat(path)
    os.utime(copy, ns=(status.st_atime_ns, status.st_mtime_ns))
    os.replace(copy, path)


def touch(path: str) -> None:
    """Give the file another modification time; the bytes stay."""
    os.utime(path, ns=(TOUCHED_MTIME_NS, TOUCHED_MTIME_NS))


CHANGES: dict[str, Callable[[str], None]] = {
    "truncate": truncate,
    "append": append,
    "replace": replace,
    "touch": touch,
}
