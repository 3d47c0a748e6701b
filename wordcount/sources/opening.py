"""Where bytes come from: a local path, or an fsspec URL (s3://bucket/key, file://...).

Only a PATH with "://" in it goes to fsspec, and fsspec is imported only then: it is the
optional extra `pip install 'wordcount-parallel[fsspec]'` (s3:// also needs s3fs, and so on). A
URL is found, sized and opened like a path, so it is planned into byte ranges and read by
the workers (local or Dask) in the same way.

fsspec and its filesystems raise what they like (zipfile.BadZipFile, KeyError,
ValueError, botocore's errors...), at any step: every such failure leaves here as an
OSError, which the callers report as one error line for that input; where the storage
said why (botocore's error code: NoSuchBucket, InvalidAccessKeyId, AccessDenied...), the
line says it too.

Every fsspec call takes the run's storage options (--storage-option KEY=VALUE: fsspec's
storage_options, the endpoint and credentials of an S3-compatible server, say), which
travel to the workers with the other count options, so that a Dask worker needs none of
them in its environment. A URL's path may hold globs (s3://bucket/2024-*/part-*.txt),
matched as a shell matches a path's.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterable, Mapping
from types import TracebackType
from typing import Any, BinaryIO, NamedTuple, TypeVar, cast

from wordcount.sources.identity import FileIdentity, descriptor_identity

FSSPEC_HINT = "URLs need the fsspec extra: pip install 'wordcount-parallel[fsspec]'"

_Result = TypeVar("_Result")
# OSErrors that fsspec raises with only a path: the errno that they stand for, so that the
# message says what went wrong (the error line names the path already).
_ERRNO_OF = (
    (FileNotFoundError, errno.ENOENT),
    (IsADirectoryError, errno.EISDIR),
    (NotADirectoryError, errno.ENOTDIR),
    (PermissionError, errno.EACCES),
)


# No system call takes a path with a NUL in it, and none comes from the command line;
# one can reach the library, or a list of paths.
NUL_IN_PATH = "not a path: it holds a NUL byte"


# fsspec's storage_options, as (key, value) pairs sorted by key: a tuple, as every other
# field of the count options is, so that the options stay immutable on their way to the
# workers. A value may be anything JSON holds (a dict for client_kwargs, say).
StorageOptions = tuple[tuple[str, Any], ...]
NO_STORAGE_OPTIONS: StorageOptions = ()


def storage_options_of(options: Mapping[str, Any]) -> StorageOptions:
    return tuple(sorted(options.items()))


def is_url(path: str) -> bool:
    return "://" in path


def open_input(path: str, storage: StorageOptions = NO_STORAGE_OPTIONS) -> BinaryIO:
    """The input opened for reading bytes; OSError if it cannot be, and, for a URL, OSError
    for whatever fails in reading it later. storage: for a URL, fsspec's storage_options."""
    local = local_path(path, storage) if is_url(path) else path
    if local is not None:
        # Unbuffered: reads are large already, and a BufferedReader per file is measurable
        # overhead when a unit is a batch of thousands of small files. A file:// URL is
        # opened as its path is, as it is walked: fsspec cannot open a FIFO (it seeks).
        try:
            return open(local, "rb", buffering=0)
        except ValueError:  # a NUL in the path
            raise OSError(errno.EINVAL, NUL_IN_PATH) from None
    opened = _fsspec_call(lambda fsspec: fsspec.open(path, "rb", **dict(storage)))
    file = _as_os_errors(lambda: _with_a_reason(opened.open, opened.fs, opened.path))
    return cast(BinaryIO, _OpenedUrl(opened, file))


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


def put_file(local: str, url: str, storage: StorageOptions = NO_STORAGE_OPTIONS) -> None:
    """The local file uploaded to url, whole: an object store (S3's PUT, or a multipart
    upload's completion) shows nothing at the key until all of it has arrived. OSError
    if it cannot be."""

    def put(fsspec: Any) -> None:
        filesystem, path = fsspec.core.url_to_fs(url, **dict(storage))
        filesystem.put_file(local, path)

    _fsspec_call(put)


def read_small_file(path: str, limit: int) -> tuple[bytes, FileIdentity] | None:
    """A local file whole, if it holds fewer than limit bytes, with the identity of the
    file it was read from; None if it does not.

    Most files of a batch are small, and for them os.open and two reads (the second shows
    the end) cost half of what opening a file object does: 4.5 us a file against 7 us.
    """
    descriptor = os.open(path, os.O_RDONLY)
    try:
        content = os.read(descriptor, limit)
        if len(content) == limit or os.read(descriptor, 1):
            return None
        return content, descriptor_identity(descriptor)
    finally:
        os.close(descriptor)


def local_path(url: str, storage: StorageOptions = NO_STORAGE_OPTIONS) -> str | None:
    """The local path of a URL that fsspec reads from this machine's filesystem (file://,
    local://), which can then be walked as a path is, symlinks and all; None for others."""

    def find(fsspec: Any) -> str | None:
        from fsspec.implementations.local import LocalFileSystem  # type: ignore[import-untyped]

        filesystem, path = fsspec.core.url_to_fs(url, **dict(storage))
        # A chain (simplecache::file://...) reads through another filesystem first.
        return path if isinstance(filesystem, LocalFileSystem) and "::" not in url else None

    return _fsspec_call(find)


class ListedFile(NamedTuple):
    """A file that a URL names or holds: its URL is the one given, or one naming the file
    found under it; below is the names that lead there, chain what follows them."""

    url: str
    size: int
    below: tuple[str, ...] = ()
    chain: str = ""

    def directory_url(self, depth: int) -> str:
        """The URL of the directory below[depth], on the way down to the file."""
        head = self.url[: len(self.url) - len(self.chain)]
        after = sum(len(name) + 1 for name in self.below[depth + 1 :])
        return head[: len(head) - after] + self.chain


# What makes a URL's path a glob, for fsspec as for a shell.
_GLOB_CHARACTERS = frozenset("*?[")
NO_MATCH_MESSAGE = "no file matches this pattern"


def url_files(url: str, storage: StorageOptions = NO_STORAGE_OPTIONS) -> list[ListedFile]:
    """The file a URL names, or every file under it, sorted. A path that is a glob gives
    what each match gives, as a shell hands a program each path that matches; one that
    matches nothing is an error (FileNotFoundError), unless an object has that very name."""

    def find(fsspec: Any) -> list[ListedFile]:
        filesystem, root = fsspec.core.url_to_fs(url, **dict(storage))
        return _with_a_reason(lambda: _files_found(fsspec, filesystem, url, root), filesystem, root)

    return _fsspec_call(find)


def _files_found(fsspec: Any, filesystem: Any, url: str, root: str) -> list[ListedFile]:
    """url_files, on the filesystem and path of the URL."""
    if _GLOB_CHARACTERS.isdisjoint(root):
        return _files_at(fsspec, filesystem, url, root)
    matches = _glob_matches(filesystem, root)
    if not matches:
        if filesystem.exists(root):
            return _files_at(fsspec, filesystem, url, root)
        raise FileNotFoundError(errno.ENOENT, NO_MATCH_MESSAGE)
    return [
        file
        for path in matches
        for file in _files_at(fsspec, filesystem, _url_of_match(url, root, path), path)
    ]


def _files_at(fsspec: Any, filesystem: Any, url: str, root: str) -> list[ListedFile]:
    """The file at root (named url), or every file under it, sorted."""
    if not filesystem.isdir(root):
        return [ListedFile(url, _size(filesystem.size(root)))]
    before, chain = _url_around(fsspec, url, root)
    files = []
    for path, info in sorted(filesystem.find(root, detail=True).items()):
        below = _names_below(root, path)
        if info.get("type") == "file" and below:  # a listing may hold symlinked dirs
            url_found = before + "/".join(below) + chain
            files.append(ListedFile(url_found, _size(info.get("size")), below, chain))
    return files


def _glob_matches(filesystem: Any, pattern: str) -> list[str]:
    """The paths that match a glob, sorted, less those a shell leaves out: a name that
    starts with "." matches only a pattern's name that does too."""
    pattern_names = pattern.strip("/").split("/")
    matches = []
    for path in sorted(filesystem.glob(pattern)):
        names = path.strip("/").split("/")
        pairs: Iterable[tuple[str, str]]
        if len(names) == len(pattern_names):
            pairs = zip(names, pattern_names, strict=True)
        else:  # "**" stands for several names: none of them may be hidden
            pairs = ((name, "") for name in names if name not in pattern_names)
        if not any(name.startswith(".") and not shape.startswith(".") for name, shape in pairs):
            matches.append(path)
    return matches


def _url_of_match(url: str, pattern: str, path: str) -> str:
    """The URL given, with the path that matched in place of its pattern."""
    shown = pattern.strip("/")
    head, found, tail = url.rpartition(shown)
    if not found:  # a filesystem that spells its paths otherwise than its URLs
        protocol = url.partition("://")[0]
        return f"{protocol}://{path}"
    return head + path.strip("/") + tail


def _url_around(fsspec: Any, url: str, root: str) -> tuple[str, str]:
    """What the URL of a file found under root holds before and after the names below it:
    ("s3://b/texts/", "") for s3://b/texts, ("zip://", "::s3://b/t.zip") for
    zip::s3://b/t.zip, ("simplecache::s3://b/", "") for simplecache::s3://b."""
    links = url.split("::")
    carrier = _link_with_the_path(fsspec, url)
    protocol = links[carrier].partition("://")[0]
    location = root if "://" in root else f"{protocol}://{root}"  # http's paths are URLs
    if root and not root.endswith("/"):
        location += "/"
    before = "::".join([*links[:carrier], location])
    return before, "".join("::" + link for link in links[carrier + 1 :])


def _link_with_the_path(fsspec: Any, url: str) -> int:
    """Which link of a chained URL holds the path: the first, unless it has none of its
    own and passes the next one's on (simplecache::s3://b/key; but zip::s3://b/t.zip
    lists the archive's root)."""
    links = url.split("::")
    if len(links) == 1:
        return 0
    # Private, but fsspec's own reading of a chain, which has changed between versions.
    paths = [path for path, _, _ in fsspec.core._un_chain(url, {})]
    for index in range(len(links) - 1):
        if links[index].partition("://")[2] or paths[index] != paths[index + 1]:
            return index
    return len(links) - 1


def _size(size: Any) -> int:
    # Some servers (http://) do not say; such a file is then planned as small.
    return int(size or 0)


def _names_below(root: str, path: str) -> tuple[str, ...]:
    """The names that lead from root down to path; () if path is not below root."""
    top = root.strip("/")
    relative = path.strip("/")
    if top:
        if not relative.startswith(top + "/"):
            return ()
        relative = relative[len(top) + 1 :]
    return tuple(name for name in relative.split("/") if name)


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
    reason = _storage_reason(error)
    if reason is not None:
        # s3fs turns NoSuchBucket into FileNotFoundError, InvalidAccessKeyId and
        # AccessDenied into PermissionError, which alone would read as a local file's
        # "No such file or directory" and "Permission denied": the storage's own code
        # says which of its reasons it was, and how to fix it.
        number = next((number for kind, number in _ERRNO_OF if isinstance(error, kind)), None)
        return OSError(number or errno.EIO, reason)
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


# How far down a chain of causes the storage's own error is looked for: s3fs raises its
# OSError from botocore's ClientError, which an aiobotocore retry may wrap once more.
_CAUSES_LOOKED_AT = 4


def _storage_reason(error: BaseException) -> str | None:
    """The error code and message that an S3-compatible server sent, found on the error
    or its causes ("NoSuchBucket: The specified bucket does not exist"); None if none did.
    botocore's ClientError holds them in .response, which is read without importing it."""
    code, message = _storage_error(error)
    if code is None or code.isdigit():  # a reply with no body (HEAD): the HTTP status
        return None
    return f"{code}: {message}" if message else code


def _storage_error(error: BaseException) -> tuple[str | None, str]:
    """The storage's error code and message on the error or its causes; (None, "")."""
    cause: BaseException | None = error
    for _ in range(_CAUSES_LOOKED_AT):
        if cause is None:
            break
        response = getattr(cause, "response", None)
        details = response.get("Error") if isinstance(response, dict) else None
        if isinstance(details, dict) and details.get("Code"):
            return str(details["Code"]), str(details.get("Message") or "")
        cause = cause.__cause__ or cause.__context__
    return None, ""


def _with_a_reason(call: Callable[[], _Result], filesystem: Any, path: str) -> _Result:
    """call(); where it fails with no reason of the storage's, or only the status of the
    reply to a HEAD request, which has no body (S3 answers 404 for a missing bucket and a
    missing key alike, 403 for a wrong key and a denied object alike; s3fs may say only
    "not found"), the failure of a listing of the path's first name (the bucket)
    instead, if that fails with a reason."""
    try:
        return call()
    except Exception as error:
        code, _ = _storage_error(error)
        if code is not None and not code.isdigit():
            raise
        if code is None and not isinstance(error, (FileNotFoundError, PermissionError)):
            raise
        try:
            filesystem.ls(path.strip("/").partition("/")[0], detail=False)
        except Exception as listing_error:
            if _storage_reason(listing_error) is not None:
                raise listing_error  # not "from error": its cause holds the reason
        raise
