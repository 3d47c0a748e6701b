"""Turn the PATHs a user typed into the files and streams to count.

    "-", a FIFO, /dev/fd/N ─────────────▶ streams: read by the main process, once
    a regular file ─────────────────────▶ files: planned into units, opened by workers
    a directory ─▶ walked, sorted by name ─▶ files (hidden ones only with --hidden; none
                                            that a .gitignore or .ignore file ignores;
                                            --include / --exclude decide the rest)
    an fsspec URL (s3://...) ─▶ listed ────▶ files, by the same rules
    a file:// URL ─▶ as its path is, what it finds named by file:// URLs

A worker cannot read a stream: it can be read only once, and a worker started with spawn
or forkserver has its own /dev/fd, so "/dev/fd/3" names nothing there (or something else).
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from collections.abc import Callable, Sequence
from typing import NamedTuple

from wordcount.sources.identity import FileIdentity, identity_of
from wordcount.sources.ignore import (
    GIT_DIRECTORY,
    IgnoreFile,
    ignored,
    levels_above,
    levels_below,
)
from wordcount.sources.opening import (
    NO_STORAGE_OPTIONS,
    NUL_IN_PATH,
    ListedFile,
    StorageOptions,
    is_url,
    local_path,
    url_files,
)
from wordcount.sources.problems import InputProblem, ProblemKind, describe_os_error

STDIN_PATH = "-"
STDIN_NAME = "<stdin>"
# Names that mean "this process's open file": another process opening them gets its own.
_PROCESS_LOCAL = re.compile(r"^/(?:dev/(?:fd/|stdin$)|proc/(?:self|thread-self|\d+)/fd/)")


class WalkOptions(NamedTuple):
    hidden: bool = False
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    # Honour .gitignore and .ignore files found in a walk (--no-ignore: False).
    ignore_files: bool = True
    # Files, by (st_dev, st_ino), that a walk passes over without a word, not even among
    # the hidden ones skipped: the caller's own output (-o FILE's temporary file).
    unseen: frozenset[tuple[int, int]] = frozenset()

    def wants_file(self, path: str, name: str, root_length: int = 0) -> bool:
        """root_length: how much of path is the PATH given (and the "/" after it)."""
        if self.include and not _matches_any(self.include, path, name, root_length):
            return False
        return not _matches_any(self.exclude, path, name, root_length)

    def wants_directory(self, path: str, name: str, root_length: int = 0) -> bool:
        return not _matches_any(self.exclude, path, name, root_length)


def _matches_any(patterns: tuple[str, ...], path: str, name: str, root_length: int) -> bool:
    # A pattern with a slash is matched against the whole path as printed, or the part of
    # it below the PATH given (texts/*.txt finds texts/a.txt in `wordcount s3://bucket/`
    # as in `wordcount .`); one without, against the name alone, as in .gitignore and
    # rsync. No patterns, the common case, costs no generator for each of thousands of
    # entries.
    return bool(patterns) and any(
        fnmatch.fnmatchcase(name, p)
        if "/" not in p
        else fnmatch.fnmatchcase(path, p) or fnmatch.fnmatchcase(path[root_length:], p)
        for p in patterns
    )


class InputFile(NamedTuple):
    """A regular file (or URL) to plan into units. The index orders messages and --by-file
    entries as the inputs were given and found; identity is the file's as the walk found
    it, what the workers compare with the file they read (None for a URL's file)."""

    input_index: int
    path: str
    size: int
    identity: FileIdentity | None = None


class InputStream(NamedTuple):
    """Something only this process can read, once: "-", a FIFO, /dev/fd/N."""

    input_index: int
    path: str


class Inputs:
    """What the PATHs expand to, as a walk finds it."""

    def __init__(self) -> None:
        self.files: list[InputFile] = []
        self.streams: list[InputStream] = []
        self.problems: list[InputProblem] = []
        self.hidden_skipped = 0
        self._next_index = 0

    def take_index(self) -> int:
        self._next_index += 1
        return self._next_index - 1

    def names(self) -> dict[int, str]:
        """Each counted input's name for reports, by index; standard input is <stdin>."""
        names = {file.input_index: file.path for file in self.files}
        names.update(
            (stream.input_index, STDIN_NAME if stream.path == STDIN_PATH else stream.path)
            for stream in self.streams
        )
        return names


def is_stream_path(path: str, *, working_directory: str | None = None) -> bool:
    """working_directory: os.getcwd(), if the caller has it already."""
    if path == STDIN_PATH:
        return True
    # The absolute path can hold "fd" or "stdin" only if the path or the working directory
    # does (abspath joins them with "/" and drops whole components): checking the text
    # first spares each of 20,000 named files an abspath and a getcwd, 40 ms in all.
    if not _may_name_fd_or_stdin(path):
        if path.startswith("/"):
            return False
        if not _may_name_fd_or_stdin(working_directory or os.getcwd()):
            return False
    return _PROCESS_LOCAL.match(os.path.abspath(path)) is not None


def _may_name_fd_or_stdin(path: str) -> bool:
    return "fd" in path or "stdin" in path


def names_a_stream(path: str, storage: StorageOptions = NO_STORAGE_OPTIONS) -> bool:
    """Whether the path, as typed, is read once by the main process (not a file or a
    directory); a path that does not exist is not, and gets its error later."""
    if is_url(path):  # a file:// URL is read as its path is
        path = local_path(path, storage) or path
    if is_stream_path(path):
        return True
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):  # ValueError: a NUL in the path
        return False
    return not (stat.S_ISDIR(mode) or stat.S_ISREG(mode))


def split_path_list(content: bytes, *, null: bool = False) -> list[str]:
    """The paths a --files-from list holds: one a line, or NUL-separated (find -print0).
    Empty entries are skipped; each is decoded as a path on the command line is (bytes that
    are not UTF-8 as surrogates), so that it names the same file."""
    separator = b"\0" if null else b"\n"
    return [os.fsdecode(entry) for entry in content.split(separator) if entry]


def expand_inputs(
    paths: Sequence[str],
    *,
    walk: WalkOptions | None = None,
    storage: StorageOptions = NO_STORAGE_OPTIONS,
) -> Inputs:
    """Files named are always counted; the walk options govern only what a walk finds.
    storage: fsspec's storage_options, for the URLs."""
    walk = walk or WalkOptions()
    inputs = Inputs()
    working_directory = os.getcwd()
    for path in paths:
        if is_url(path):
            _add_url(path, walk, inputs, working_directory, storage)
        else:
            _add_path(path, path, walk, inputs, working_directory)
    return inputs


def _add_path(
    path: str,
    shown: str,
    walk: WalkOptions,
    inputs: Inputs,
    working_directory: str,
    *,
    rename: Callable[[str], str] | None = None,
) -> None:
    """A local path, shown to the user as shown; rename(path), if given, shows each path
    a walk finds (as the file:// URL that names it)."""
    if is_stream_path(path, working_directory=working_directory):
        inputs.streams.append(InputStream(inputs.take_index(), shown))
        return
    try:
        status = os.stat(path)
    except OSError as error:
        inputs.problems.append(InputProblem(inputs.take_index(), shown, describe_os_error(error)))
        return
    except ValueError:  # a NUL in the path
        inputs.problems.append(InputProblem(inputs.take_index(), shown, NUL_IN_PATH))
        return
    if stat.S_ISDIR(status.st_mode):
        _walk(path, shown, status, walk, inputs, rename)
    elif stat.S_ISREG(status.st_mode):
        inputs.files.append(
            InputFile(inputs.take_index(), shown, status.st_size, identity_of(status))
        )
    else:  # a FIFO, a character device: named, so the user means to read it
        inputs.streams.append(InputStream(inputs.take_index(), shown))


# A directory being walked: its entries not yet taken (last name first), the directories
# from the root down to it (device and inode), and the ignore rules that apply below it.
_Level = tuple[list[os.DirEntry[str]], set[tuple[int, int]], tuple[IgnoreFile, ...]]


def _walk(
    root: str,
    shown_root: str,
    root_status: os.stat_result,
    walk: WalkOptions,
    inputs: Inputs,
    rename: Callable[[str], str] | None,
) -> None:
    """Depth first, each directory's entries by name, without recursion (trees can be deep).

    Symlinks are followed, except one that leads back to a directory being walked. Paths
    are shown (in messages, and to --include and --exclude) as rename makes them, if given.
    Each directory's .gitignore and .ignore apply to what lies below it, and in a git
    work tree those of the directories above the root and .git/info/exclude (unless
    walk.ignore_files is False); a deeper file's patterns take precedence (ignore.py).
    """
    root_rules: tuple[IgnoreFile, ...] = ()
    if walk.ignore_files:
        root_rules = levels_below(root, levels_above(root), starts_repository=False)
    root_key = (root_status.st_dev, root_status.st_ino)
    root_length = len(os.path.join(shown_root, ""))  # each path shown starts so
    stack: list[_Level] = [(_listing(root, shown_root, inputs), {root_key}, root_rules)]
    while stack:
        entries, ancestors, rules = stack[-1]
        if not entries:
            stack.pop()
            continue
        entry = entries.pop()
        if not walk.hidden and entry.name.startswith("."):
            inputs.hidden_skipped += not _unseen(entry, walk.unseen)
            continue
        path = entry.path
        shown = path if rename is None else rename(path)
        try:
            status = _entry_status(entry)
        except OSError as error:  # dangling, or a chain of symlinks that loops
            inputs.problems.append(
                InputProblem(inputs.take_index(), shown, describe_os_error(error))
            )
            continue
        is_directory = status is not None and stat.S_ISDIR(status.st_mode)
        if rules and ignored(rules, _path_bytes(path), is_directory=is_directory):
            continue
        if status is not None and is_directory:
            level = _level_below(
                entry, shown, status, (ancestors, rules, root_length), walk, inputs
            )
            if level is not None:
                stack.append(level)
        elif entry.name != GIT_DIRECTORY and walk.wants_file(shown, entry.name, root_length):
            # (A .git file, a linked worktree's or a submodule's, is git's, not text.)
            _add_found_file(shown, status, inputs)


def _entry_status(entry: os.DirEntry[str]) -> os.stat_result | None:
    """The status of what a directory entry leads to, symlinks followed; None for what is
    neither a directory nor a regular file. An OSError for a symlink that leads nowhere."""
    path = entry.path
    # is_dir and is_file follow symlinks, and need no stat for other entries.
    # os.stat, not entry.stat: 20,000 files took 35 ms against 44 ms that way.
    status = os.stat(path) if entry.is_dir() or entry.is_file() else None
    if status is None and entry.is_symlink():
        os.stat(path)  # a dangling symlink: raise its error
    return status


def _level_below(
    entry: os.DirEntry[str],
    shown: str,
    status: os.stat_result,
    above: tuple[set[tuple[int, int]], tuple[IgnoreFile, ...], int],
    walk: WalkOptions,
    inputs: Inputs,
) -> _Level | None:
    """The level to walk for a directory found, or None where it is not walked: .git,
    one --exclude leaves out, or a symlink back to a directory being walked (reported).
    above: the directories being walked, the ignore rules, and root_length (see
    WalkOptions.wants_file)."""
    ancestors, rules, root_length = above
    if entry.name == GIT_DIRECTORY or not walk.wants_directory(shown, entry.name, root_length):
        return None
    key = (status.st_dev, status.st_ino)
    if key in ancestors:
        message = "symlink loop: leads back to a directory being walked; not followed"
        inputs.problems.append(
            InputProblem(inputs.take_index(), shown, message, ProblemKind.SYMLINK_LOOP)
        )
        return None
    path = entry.path
    listing = _listing(path, shown, inputs)
    if walk.ignore_files:
        starts_repository = any(found.name == GIT_DIRECTORY for found in listing)
        rules = levels_below(path, rules, starts_repository=starts_repository)
    return (listing, ancestors | {key}, rules)


def _path_bytes(path: str) -> bytes:
    """A path as git matches it: its bytes, with "/" between its parts."""
    return os.fsencode(path if os.sep == "/" else path.replace(os.sep, "/"))


def _add_found_file(shown: str, status: os.stat_result | None, inputs: Inputs) -> None:
    """A file the walk wants: a regular file (status given) to count, or, for anything
    else (a FIFO, a socket, a device), a problem that says it was skipped."""
    if status is not None:  # a regular file: its size plans the work
        # identity_of(status) written out, and tuple.__new__ making the named tuple in
        # C rather than its Python __new__: 0.2 us a file against 0.6 us, 20,000 times.
        identity = (status.st_size, status.st_mtime_ns, status.st_ino)
        fields = (inputs.take_index(), shown, status.st_size, identity)
        inputs.files.append(tuple.__new__(InputFile, fields))
    else:
        # Found, not named: reading a FIFO nobody writes to would hang the walk.
        message = "not a regular file; skipped (name it to read it)"
        inputs.problems.append(
            InputProblem(inputs.take_index(), shown, message, ProblemKind.NOT_REGULAR)
        )


def _add_url(
    url: str, walk: WalkOptions, inputs: Inputs, working_directory: str, storage: StorageOptions
) -> None:
    """An fsspec URL. One of the local filesystem is walked as its path is, and what the
    walk finds is named by file:// URLs; any other is listed (each match of a glob in
    turn), and the walk's rules applied to the part below the URL given (a listing has no
    symlinks)."""
    try:
        local = local_path(url, storage)
        found = url_files(url, storage) if local is None else []
    except OSError as error:
        inputs.problems.append(InputProblem(inputs.take_index(), url, describe_os_error(error)))
        return
    if local is not None:
        rename = _renamer(local, url)
        _add_path(local, url, walk, inputs, working_directory, rename=rename)
        return
    hidden_directories: set[tuple[str, ...]] = set()
    for file in found:
        if _listed_file_wanted(file, walk, inputs, hidden_directories):
            inputs.files.append(InputFile(inputs.take_index(), file.url, file.size))


def _renamer(root: str, url: str) -> Callable[[str], str]:
    """Names a path found under root by the URL that names it under url."""
    root_prefix = os.path.join(root, "")  # the start of every path a walk of root finds
    url_prefix = url if url.endswith("/") else url + "/"
    return lambda path: url_prefix + path[len(root_prefix) :]


def _unseen(entry: os.DirEntry[str], unseen: frozenset[tuple[int, int]]) -> bool:
    """Whether the entry is one of the unseen files: its inode first, which a listing
    gives for free, then its device."""
    if not unseen or all(entry.inode() != inode for _, inode in unseen):
        return False
    try:
        status = entry.stat(follow_symlinks=False)
    except OSError:
        return False
    return (status.st_dev, status.st_ino) in unseen


def _listed_file_wanted(
    file: ListedFile, walk: WalkOptions, inputs: Inputs, hidden_directories: set[tuple[str, ...]]
) -> bool:
    """Whether a walk would reach and count a listed file, as it would the same tree on
    disk: hidden names first, then --exclude on each directory down to it, then the file.
    A hidden directory counts once among the hidden skipped, as the walk skips it once."""
    if not file.below:  # the URL named the file itself
        return True
    directories = file.below[:-1]
    excluding = bool(walk.exclude)
    for depth, name in enumerate(directories):
        if not walk.hidden and name.startswith("."):
            if directories[: depth + 1] not in hidden_directories:
                hidden_directories.add(directories[: depth + 1])
                inputs.hidden_skipped += 1
            return False
        if excluding:
            directory_url = file.directory_url(depth)
            if not walk.wants_directory(directory_url, name, _root_length(file)):
                return False
    name = file.below[-1]
    if not walk.hidden and name.startswith("."):
        inputs.hidden_skipped += 1
        return False
    return walk.wants_file(file.url, name, _root_length(file))


def _root_length(file: ListedFile) -> int:
    """How much of the listed file's URL, and of each directory's above it, is the URL
    given (and the "/" after it): what --include and --exclude also match is below it."""
    return len(file.url) - len(file.chain) - len("/".join(file.below))


def _listing(directory: str, shown: str, inputs: Inputs) -> list[os.DirEntry[str]]:
    """A directory's entries, last name first, so that popping yields them in order."""
    try:
        with os.scandir(directory) as scan:
            return sorted(scan, key=lambda entry: entry.name, reverse=True)
    except OSError as error:
        inputs.problems.append(InputProblem(inputs.take_index(), shown, describe_os_error(error)))
        return []
