"""A file's identity when it was found, and whether the file a worker read is still it.

A file that shrinks, grows or is replaced while it is counted gives counts that look
whole. So the identity the walk saw travels with every range planned for the file, and
whoever reads a range compares it with the identity of the file it holds open, once the
range is read, as tar does ("file changed as we read it"):

    walk: os.stat ─▶ (size, mtime, inode) ─▶ each FileRange ─▶ worker: read, os.fstat, compare

changed_since_planned is that comparison, for every reader: Python's, and the kernel's
small-file reader, which returns what fstat said of each file it counted.

st_dev is left out: a rename cannot cross filesystems, so a file replaced by one always
has another inode number already; and a Dask worker on another machine sees a shared
filesystem under a device number of its own, which would make every file look changed.

On a cluster the inode is left out too (across_machines): a worker may hold its own copy
of a file, the same bytes under another inode, or see a shared one through a filesystem
that numbers inodes its own way. There only the size and modification time are compared.
"""

from __future__ import annotations

import os

# (st_size, st_mtime_ns, st_ino). A plain tuple, not a named one: 20,000 small files make
# 20,000 of them, pickled to the workers, and a plain tuple of ints is pickled in C.
FileIdentity = tuple[int, int, int]

CHANGED_MESSAGE = "changed as we read it; its counts may be wrong"
# The inode of an identity planned for another machine: no inode is compared with it.
ANY_INODE = -1


def identity_of(status: os.stat_result) -> FileIdentity:
    return (status.st_size, status.st_mtime_ns, status.st_ino)


def descriptor_identity(descriptor: int) -> FileIdentity:
    """The identity of the file open as descriptor: the file that was read, whatever its
    path names now."""
    return identity_of(os.fstat(descriptor))


def across_machines(identity: FileIdentity | None) -> FileIdentity | None:
    """The identity, to compare on another machine: its size and modification time."""
    return None if identity is None else (identity[0], identity[1], ANY_INODE)


def changed_since_planned(planned: FileIdentity | None, read: FileIdentity) -> bool:
    """Whether the file read, of identity read, is no longer the one planned; never when
    nothing was planned (a URL's file: its end shows a change, see engine/)."""
    if planned is None:
        return False
    if planned[2] == ANY_INODE:
        return read[0] != planned[0] or read[1] != planned[1]
    return read != planned
