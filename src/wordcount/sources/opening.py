"""Where bytes come from: a local path, or an fsspec URL (s3://bucket/key, file://...).

Only a PATH with "://" in it goes to fsspec, and fsspec is imported only then: it is the
optional extra `pip install 'wordcount[fsspec]'` (s3:// also needs s3fs, and so on). A
URL is found, sized and opened like a path, so it is planned into byte ranges and read by
the workers (local or Dask) in the same way.

fsspec and its filesystems raise what they like (zipfile.BadZipFile, KeyError,
ValueError, botocore's errors...), at any step: every such failure leaves here as an
OSError, which the callers report as one error line for that input.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from types import TracebackType
from typing import Any, BinaryIO, TypeVar, cast

FSSPEC_HINT = "URLs need the fsspec extra: pip install 'wordcount[fsspec]'"

_Result = TypeVar("_Result")
# OSErrors that fsspec raises with only a path: the errno that they stand for, so that the
# message says what went wrong (the error line names the path already).
_ERRNO_OF = (
    (FileNotFoundError, errno.ENOENT),
    (IsADirectoryError, errno.EISDIR),
    (NotADirectoryError, errno.ENOTDIR),
    (PermissionError, errno.EACCES),
)


def is_url(path: str) -> bool:
    return "://" in path


def open_input(path: str) -> BinaryIO:
    """The input opened for reading bytes; OSError if it cannot be, and, for a URL, OSError
    for whatever fails in reading it later."""
    if not is_url(path):
        # Unbuffered: reads are large already, and a BufferedReader per file is measurable
        # overhead when a unit is a batch of thousands of small files.
        return open(path, "rb", buffering=0)
    opened = _fsspec_call(lambda fsspec: fsspec.open(path, "rb"))
    return cast(BinaryIO, _OpenedUrl(opened, _as_os_errors(opened.open)))


class _OpenedUrl:
    """A file opened through fsspec, that raises only OSError.

    It holds the OpenFile it came from: that holds the filesystem, and some filesystems
    close what the file reads from once they are collected (a zip:// member's archive,
    which then failed with "seek of closed file").
    """

    def __init__(self, opened: Any, file: Any) -> None:
        self._opened = opened
        self._file = file

    def read(self, size: int = -1) -> bytes:
        return cast(bytes, _as_os_errors(lambda: self._file.read(size)))

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return cast(int, _as_os_errors(lambda: self._file.seek(offset, whence)))

    def tell(self) -> int:
        return cast(int, _as_os_errors(self._file.tell))

    def close(self) -> None:
        _as_os_errors(self._opened.close)

    def __enter__(self) -> _OpenedUrl:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def read_small_file(path: str, limit: int) -> bytes | None:
    """A local file whole, if it holds fewer than limit bytes; None if it does not.

    Most files of a batch are small, and for them os.open and two reads (the second shows
    the end) cost half of what opening a file object does: 4.5 us a file against 7 us.
    """
    descriptor = os.open(path, os.O_RDONLY)
    try:
        content = os.read(descriptor, limit)
        if len(content) == limit or os.read(descriptor, 1):
            return None
        return content
    finally:
        os.close(descriptor)


def url_files(url: str) -> list[tuple[str, int]]:
    """(URL, size) of the file a URL names, or of every file under it, sorted."""

    def find(fsspec: Any) -> list[tuple[str, int]]:
        filesystem, root = fsspec.core.url_to_fs(url)
        if not filesystem.isdir(root):
            return [(url, _size(filesystem.size(root)))]
        found = filesystem.find(root, detail=True)
        return [  # files only: a listing may also hold symlinks to directories
            (filesystem.unstrip_protocol(path), _size(info.get("size")))
            for path, info in sorted(found.items())
            if info.get("type") == "file"
        ]

    return _fsspec_call(find)


def _size(size: Any) -> int:
    # Some servers (http://) do not say; such a file is then planned as small.
    return int(size or 0)


def _fsspec_call(call: Callable[[Any], _Result]) -> _Result:
    """call(fsspec), with every failure as an OSError that says what went wrong."""
    try:
        import fsspec  # type: ignore[import-untyped]
    except ImportError:
        raise OSError(FSSPEC_HINT) from None
    return _as_os_errors(lambda: call(fsspec))


def _as_os_errors(call: Callable[[], _Result]) -> _Result:
    """call(), with any exception a filesystem raises as an OSError with an errno (so that
    a decompressor passes it on as a read error, not as corrupt data) and a message for
    the error line."""
    try:
        return call()
    except Exception as error:  # a filesystem may raise anything
        raise _as_os_error(error) from error


def _as_os_error(error: Exception) -> OSError:
    if isinstance(error, OSError):
        if isinstance(error.errno, int) and error.strerror:
            return error
        for kind, number in _ERRNO_OF:
            if isinstance(error, kind):
                return kind(number, os.strerror(number))
        return OSError(errno.EIO, str(error) or type(error).__name__)
    if isinstance(error, (ImportError, ValueError)) and str(error):
        # fsspec's own words: "Install s3fs to access S3", "Protocol not known: ..."
        return OSError(errno.EIO, str(error))
    name = type(error).__name__
    return OSError(errno.EIO, f"{name}: {error}" if str(error) else name)
