"""Writing the data to stdout (or to -o FILE), and what happens when it cannot be written.

    the reader went away (| head)  ─▶ the rest is dropped quietly: status 141, as for tsv
    a full disk, a closed stdout   ─▶ OutputFailure: one line on stderr, status 6
    --stats on a stderr that fails ─▶ the same: the statistics are data (write_side_data)

Every format goes through write_data, the table included (rendered to text first), so
that they all keep the same contract in a pipe.

With -o FILE, output_file(FILE) makes write_data write to a temporary file beside FILE,
which replaces FILE only once the run has finished its report (AtomicFile.commit); a run
that fails or is stopped removes it, and FILE stays as it was. With -o URL (s3://...),
the report is written so to a local temporary directory, and uploaded once whole
(UploadedFile): an upload that fails is an OutputFailure, and leaves nothing at the URL.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import os
import select
import stat
import sys
from collections.abc import Iterable, Iterator
from typing import BinaryIO, TextIO

from wordcount.cli.messages import quote_path
from wordcount.sources.opening import (
    NO_STORAGE_OPTIONS,
    NUL_IN_PATH,
    StorageOptions,
    is_url,
    local_path,
    put_file,
)


class OutputFailure(Exception):
    """The data could not be written: its reason, for the one line on stderr."""


# Where write_data writes while output_file is open: the temporary file; else stdout.
_file_stream: TextIO | None = None


def writes_to_a_file() -> bool:
    """Whether the data goes to -o FILE, which is no terminal whatever stdout is."""
    return _file_stream is not None


def check_stdout() -> None:
    """Before anything is counted: a closed stdout (`>&-`) has nowhere to take the data."""
    if sys.stdout is None and _file_stream is None:
        raise OutputFailure("standard output is closed: there is nowhere to write the counts")


def stdout_is_a_terminal() -> bool:
    return sys.stdout is not None and sys.stdout.isatty()


def stdout_holds_any_text() -> bool:
    """Whether the data stream's encoding can write every character (UTF-8, UTF-16, ...),
    rather than, say, ASCII under PYTHONIOENCODING=ascii. An -o FILE is UTF-8."""
    stream = _file_stream or sys.stdout
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        "\U0010ffff".encode(encoding)
    except (UnicodeError, LookupError):
        return False
    return True


def write_data(chunks: Iterable[str]) -> bool:
    """Write the chunks to stdout (or the -o FILE's temporary file) and flush; False if
    its reader went away first (the rest is dropped). OutputFailure if it cannot be
    written at all."""
    if _file_stream is not None:
        try:
            _write_all(_file_stream, chunks)
        except OSError as error:
            _raise_memory_error_for(error)
            raise OutputFailure(f"cannot write the output: {error.strerror or error}") from None
        return True
    stream = sys.stdout
    if stream is None:
        raise OutputFailure("standard output is closed")
    try:
        _write_all(stream, chunks)
    except BrokenPipeError:
        silence_stdout()
        return False
    except OSError as error:
        silence_stdout()
        _raise_memory_error_for(error)
        raise OutputFailure(f"cannot write the output: {error.strerror or error}") from None
    return True


def _raise_memory_error_for(error: OSError) -> None:
    """A write that failed for want of memory (ENOMEM, a pipe's buffer under a memory
    limit) is out of memory, status 5, not an output that cannot be written."""
    if error.errno == errno.ENOMEM:
        raise MemoryError("while writing the output") from None


def write_side_data(lines: Iterable[str]) -> None:
    """Data that goes to stderr so that stdout's stays clean (--stats with tsv and csv):
    unlike a message, it is part of the report, so OutputFailure if it cannot be written
    (a full disk, a closed stderr)."""
    stream = sys.stderr
    if stream is None:
        raise OutputFailure("standard error is closed: there is nowhere to write the statistics")
    try:
        _write_all(stream, lines)
    except OSError as error:
        reason = error.strerror or error
        raise OutputFailure(f"cannot write the statistics to standard error: {reason}") from None


class AtomicFile:
    """-o FILE: the data goes to a temporary file in FILE's directory, which commit()
    syncs and renames over FILE, with FILE's permissions if it exists (else those a new
    file gets: 0o666 less the umask, not mkstemp's 0o600)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.committed = False
        if "\x00" in path:  # Python's own words for it differ from version to version
            raise OutputFailure(f"cannot write the output to {self._quoted()}: {NUL_IN_PATH}")
        if path.endswith(("/", os.sep)) or os.path.basename(path) in (".", ".."):
            # As a shell's > would: `-o name/` never replaces the file name.
            raise OutputFailure(
                f"cannot write the output to {self._quoted()}: it names a directory"
            )
        try:
            # A symlink's target is replaced, not the link, as writing through it would.
            self.target = os.path.realpath(path)
            found = os.stat(self.target)
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
        except (OSError, ValueError) as error:  # ValueError: a NUL in the name
            raise self._failure(error) from None
        else:
            # Renaming over a device or a FIFO (/dev/null) would put a plain file in its
            # place: those are refused; `-o -` with a redirection writes to them.
            if not stat.S_ISREG(found.st_mode):
                what = "a directory" if stat.S_ISDIR(found.st_mode) else "not a regular file"
                raise OutputFailure(f"cannot write the output to {self._quoted()}: it is {what}")
            mode = stat.S_IMODE(found.st_mode)
        directory = os.path.dirname(self.target)
        import tempfile  # here: with shutil and random it cost every run 3.5 ms at start

        try:
            descriptor, self.temporary = tempfile.mkstemp(
                # Not FILE's own name: a name of 250 bytes, allowed, would pass the limit.
                dir=directory,
                prefix=".wordcount-",
                suffix=".tmp",
            )
        except (OSError, ValueError) as error:
            raise self._failure(error) from None
        try:
            os.fchmod(descriptor, mode)
            # errors as on stdout: a lone surrogate (an undecodable path) as \udcNN.
            self.stream: TextIO = open(  # noqa: SIM115 (closed by commit or discard)
                descriptor, "w", encoding="utf-8", errors="backslashreplace", newline=""
            )
        except BaseException:
            with contextlib.suppress(OSError):
                os.close(descriptor)
            self.discard()
            raise

    def own_files(self) -> frozenset[tuple[int, int]]:
        """The temporary file and FILE, if it exists, by (st_dev, st_ino): a run that
        walks the directory it writes to must count neither."""
        own = set()
        for descriptor_or_path in (self.stream.fileno(), self.target):
            with contextlib.suppress(OSError):
                status = os.stat(descriptor_or_path)
                own.add((status.st_dev, status.st_ino))
        return frozenset(own)

    def commit(self) -> None:
        """The data, synced to disk, in place of FILE; OutputFailure if that fails."""
        try:
            self.stream.flush()
            os.fsync(self.stream.fileno())
            self.stream.close()
            os.replace(self.temporary, self.target)
            self.committed = True
        except OSError as error:
            self.discard()
            raise OutputFailure(f"cannot write the output: {error.strerror or error}") from None
        # The rename itself survives a crash only once the directory is synced.
        with contextlib.suppress(OSError):
            directory = os.open(os.path.dirname(self.target), os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)

    def discard(self) -> None:
        """Remove the temporary file, unless committed; FILE stays as it was."""
        if self.committed:
            return
        with contextlib.suppress(OSError, AttributeError):
            self.stream.close()
        with contextlib.suppress(OSError):
            os.unlink(self.temporary)

    def _failure(self, error: OSError | ValueError) -> OutputFailure:
        reason = getattr(error, "strerror", None) or error
        return OutputFailure(f"cannot write the output to {self._quoted()}: {reason}")

    def _quoted(self) -> str:
        return quote_path(self.path)


class UploadedFile:
    """-o URL: the report goes to a temporary file of its own, through an AtomicFile,
    which commit() uploads to the URL whole, with the run's storage options."""

    def __init__(self, url: str, storage: StorageOptions) -> None:
        import tempfile

        self.url = url
        self.storage = storage
        self._directory = tempfile.mkdtemp(prefix="wordcount-upload-")
        try:
            self._local = AtomicFile(os.path.join(self._directory, "report"))
        except BaseException:
            os.rmdir(self._directory)
            raise
        self.stream = self._local.stream

    def own_files(self) -> frozenset[tuple[int, int]]:
        return self._local.own_files()

    def commit(self) -> None:
        """The report, uploaded; OutputFailure if that fails (nothing is left at the URL)."""
        self._local.commit()
        try:
            put_file(self._local.target, self.url, self.storage)
        except OSError as error:
            reason = error.strerror or error
            message = f"cannot write the output to {quote_path(self.url)}: {reason}"
            raise OutputFailure(message) from None
        finally:
            self.discard()

    def discard(self) -> None:
        """The local copy removed, uploaded or not."""
        self._local.discard()
        with contextlib.suppress(OSError):
            os.unlink(self._local.target)
        with contextlib.suppress(OSError):
            os.rmdir(self._directory)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def output_file(
    path: str | None, storage: StorageOptions = NO_STORAGE_OPTIONS
) -> Iterator[AtomicFile | UploadedFile | None]:
    """While open, write_data writes to FILE's temporary file (None, or "-": stdout).
    The caller commits it once the report is whole; otherwise it is removed on the way
    out, whatever ends the run (Ctrl-C and SIGTERM among them). storage: fsspec's
    storage_options, for a URL."""
    global _file_stream
    if path is None or path == "-":
        yield None
        return
    atomic = _file_for(path, storage)
    _file_stream = atomic.stream
    try:
        yield atomic
    finally:
        _file_stream = None
        atomic.discard()


def _file_for(path: str, storage: StorageOptions) -> AtomicFile | UploadedFile:
    """-o's file: a path's, or a URL's (a file:// URL's is its path's)."""
    if not is_url(path):
        return AtomicFile(path)
    try:
        local = local_path(path, storage)
    except OSError as error:
        raise OutputFailure(f"cannot write the output to {quote_path(path)}: {error}") from None
    return AtomicFile(local) if local is not None else UploadedFile(path, storage)


# Text is encoded and written in pieces of this size: big enough that the system calls
# cost nothing next to the formatting, small enough that a table of a million rows is
# never held twice in memory.
_PIECE_CHARS = 64 * 1024


def _write_all(stream: TextIO, chunks: Iterable[str]) -> None:
    """Like stream.writelines, but a short write is finished rather than lost. Python's
    BufferedWriter returns a short count, and drops the rest, when a reader closes a
    pipe in the middle of one large write, so `| head -1` after a big table would end
    with status 0 and no sign of it; writing the rest raises BrokenPipeError."""
    binary = getattr(stream, "buffer", None)
    if binary is None:  # a stream with no bytes underneath it (a test's StringIO)
        stream.writelines(chunks)
        stream.flush()
        return
    stream.flush()
    # One encoder for all the pieces: a codec with a byte-order mark (utf-16, utf-8-sig)
    # writes it once, at the start, as the text stream itself would.
    encoder = codecs.getincrementalencoder(stream.encoding or "utf-8")(stream.errors or "strict")
    piece: list[str] = []
    size = 0
    for chunk in chunks:
        piece.append(chunk)
        size += len(chunk)
        if size >= _PIECE_CHARS:
            _write_bytes(binary, encoder.encode("".join(piece)))
            piece, size = [], 0
    _write_bytes(binary, encoder.encode("".join(piece), final=True))
    while True:
        try:
            binary.flush()
        except BlockingIOError:
            _wait_until_writable(binary)
        else:
            return


def _write_bytes(binary: BinaryIO, data: bytes) -> None:
    view = memoryview(data)
    while view:
        # A non-blocking stdout that is full: a raw stream returns None, a buffered one
        # raises BlockingIOError saying how much it took; wait until there is room.
        try:
            written = binary.write(view)
        except BlockingIOError as full:
            written = full.characters_written
        if not written:
            _wait_until_writable(binary)
            continue
        view = view[written:]


def _wait_until_writable(binary: BinaryIO) -> None:
    select.select([], [binary.fileno()], [])


def silence_stdout() -> None:
    """Point stdout at /dev/null, so that the flush at exit cannot fail again over what
    is still buffered (the "Note on SIGPIPE" in Python's signal docs)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
