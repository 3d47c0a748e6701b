"""Ignore files, read and matched as git reads and matches them.

    a .gitignore, .ignore or .git/info/exclude: bytes
        ─▶ lines: a byte-order mark skipped, split at "\\n", a "\\r" before it dropped,
           "#" comments and blank lines left out, trailing spaces cut unless escaped
        ─▶ patterns: "!" negates, a trailing "/" matches directories only, one with no
           other "/" matches a name at any depth, one with a "/" is anchored to the file's
           directory; each compiled to a regular expression over bytes (git's wildmatch)
        ─▶ IgnoreFile: the patterns as runs of one verdict, for files and for directories
    a path a walk finds ─▶ ignored(levels, path): the deepest file with a pattern that
                           matches decides, and in it the last such pattern

Matching is on bytes, as git's is: a class such as "[é]" is two bytes, each a class
member, and matches neither half of "é" alone, exactly as in git. A pattern git can
never match (an unclosed "[", an unknown "[:class:]", a trailing lone backslash) is
dropped. The walk (paths.py) prunes an ignored directory, so nothing below it comes back
whatever a later pattern says, as in git.
"""

from __future__ import annotations

import itertools
import os
import re
import stat
from collections.abc import Iterable, Sequence
from typing import NamedTuple

# The files of ignore patterns a walk honours in each directory, as ripgrep does; a later
# one takes precedence over an earlier one in the same directory.
IGNORE_FILES = (".gitignore", ".ignore")
# What marks a git work tree's top directory (a directory, or a file naming one).
GIT_DIRECTORY = ".git"

_UTF8_BOM = b"\xef\xbb\xbf"
# git's is_glob_special: the bytes that end a pattern's literal prefix.
_GLOB_SPECIAL = frozenset(b"*?[\\")
_SLASH = ord("/")
_ANY_BYTE_BUT_SLASH = frozenset(range(256)) - {_SLASH}
# The [:name:] classes of git's wildmatch, over ASCII only: git matches with its own
# locale-independent ctype (git-compat-util.h, ctype.c), where space is " \t\n\r" and
# cntrl is 0x00-0x1f and 0x7f.
_CLASSES = {
    b"alnum": frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"),
    b"alpha": frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"),
    b"blank": frozenset(b" \t"),
    b"cntrl": frozenset([*range(0x20), 0x7F]),
    b"digit": frozenset(b"0123456789"),
    b"graph": frozenset(range(0x21, 0x7F)),
    b"lower": frozenset(b"abcdefghijklmnopqrstuvwxyz"),
    b"print": frozenset(range(0x20, 0x7F)),
    b"punct": frozenset(b"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
    b"space": frozenset(b" \t\n\r"),
    b"upper": frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    b"xdigit": frozenset(b"0123456789ABCDEFabcdef"),
}


class Pattern(NamedTuple):
    """One usable line of an ignore file. regex matches the path relative to the file's
    directory (a name-only pattern, at any depth)."""

    negated: bool
    directories_only: bool
    regex: bytes


class _Run(NamedTuple):
    """Consecutive patterns with one verdict: the last run that matches a path decides."""

    ignores: bool
    matcher: re.Pattern[bytes]


class IgnoreFile(NamedTuple):
    """The patterns of one ignore file, as they apply to the paths of a walk: a path's
    bytes from skip on, after lead, are its path relative to the file's directory. (For
    the files of directories above a walk's root, lead is the root's path below them.)
    from_git: a .gitignore or info/exclude, which a nested repository does not inherit."""

    skip: int
    lead: bytes
    files: tuple[_Run, ...]
    directories: tuple[_Run, ...]
    from_git: bool


def parse(content: bytes) -> list[Pattern]:
    """The patterns of an ignore file's bytes, in order (dir.c, add_patterns_from_buffer)."""
    if content.startswith(_UTF8_BOM):
        content = content[len(_UTF8_BOM) :]
    patterns = []
    for line in content.split(b"\n"):
        if not line or line.startswith(b"#"):
            continue
        if line.endswith(b"\r"):
            line = line[:-1]
        # git holds a line as a C string: a NUL ends it.
        pattern = compile_pattern(_trim_trailing_spaces(line.partition(b"\0")[0]))
        if pattern is not None:
            patterns.append(pattern)
    return patterns


def _trim_trailing_spaces(line: bytes) -> bytes:
    """Trailing spaces go, unless escaped ("a\\ " keeps one); a tab is not a space here."""
    last_space = None
    index = 0
    while index < len(line):
        byte = line[index]
        if byte == 0x20:
            if last_space is None:
                last_space = index
        elif byte == 0x5C:  # a backslash escapes the next byte; a lone one ends the line
            index += 1
            if index == len(line):
                return line
            last_space = None
        else:
            last_space = None
        index += 1
    return line if last_space is None else line[:last_space]


def compile_pattern(line: bytes) -> Pattern | None:
    """A line's pattern (dir.c, parse_path_pattern, match_basename, match_pathname), or
    None where it can match nothing."""
    negated = line.startswith(b"!")
    body = line[1:] if negated else line
    # git's literal prefix is measured before the trailing "/" is cut, then capped.
    literal_length = _simple_length(body)
    directories_only = body.endswith(b"/")
    if directories_only:
        body = body[:-1]
    literal_length = min(literal_length, len(body))
    if b"/" not in body:  # a name, at any depth below the file's directory
        name = wildmatch_regex(body, crosses_slashes=False)
        regex = None if name is None or not body else b"(?:.*/)?" + name
    else:
        if body.startswith(b"/"):  # anchored explicitly; any other "/" anchors as well
            body = body[1:]
            literal_length -= 1
        # git compares the literal prefix itself and wildmatches only the rest, as a
        # pattern of its own: so "a/b**/c" has a "**" that crosses directories.
        rest = wildmatch_regex(body[literal_length:], crosses_slashes=True)
        regex = None if rest is None or not body else re.escape(body[:literal_length]) + rest
    return None if regex is None else Pattern(negated, directories_only, regex)


def _simple_length(pattern: bytes) -> int:
    for index, byte in enumerate(pattern):
        if byte in _GLOB_SPECIAL:
            return index
    return len(pattern)


def wildmatch_regex(pattern: bytes, *, crosses_slashes: bool) -> bytes | None:
    """git's wildmatch as a regular expression; crosses_slashes: WM_PATHNAME, where a
    "**" between slashes (or at either end) matches across directories. None for a
    pattern git never matches."""
    parts = []
    stars = []  # the indices of the parts that are runs of "*"
    index = 0
    while index < len(pattern):
        byte = pattern[index]
        if byte == 0x5C:  # backslash: the next byte, literally
            if index + 1 == len(pattern):
                return None  # git compares it with the end of the pattern, and fails
            parts.append(re.escape(pattern[index + 1 : index + 2]))
            index += 2
        elif byte == 0x3F:  # ?
            parts.append(b"[^/]")
            index += 1
        elif byte == 0x2A:  # *
            part, index = _stars(pattern, index, crosses_slashes=crosses_slashes)
            stars.append(len(parts))
            parts.append(part)
        elif byte == 0x5B:  # [
            members, index = _bracket(pattern, index)
            if members is None:
                return None
            parts.append(_byte_class(members))
        else:
            parts.append(re.escape(pattern[index : index + 1]))
            index += 1
    return b"".join(_committed(parts, stars))


# Names the groups of _committed apart in every expression, joined as they may be.
_GROUP_NAMES = itertools.count()


def _committed(parts: list[bytes], stars: list[int]) -> list[bytes]:
    """The parts, each "*" that has more of the pattern and another star after it made to
    take the shortest text before that part and keep it, as fnmatch does: `*a*a*a*b` on a
    long name of a's otherwise backtracks through every way to share the a's out, for
    minutes, where git's wildmatch gives up at once. Keeping the first place is right:
    the part between two stars has a fixed length, and the first star's text holds no
    "/", so a later place for it leaves the next star less to match, never more."""
    for star, next_star in itertools.pairwise(stars):
        if parts[star] != b"[^/]*" or next_star == star + 1:
            continue
        name = b"c%d" % next(_GROUP_NAMES)
        middle = b"".join(parts[star + 1 : next_star])
        parts[star] = b"(?=(?P<%s>[^/]*?%s))(?P=%s)" % (name, middle, name)
        parts[star + 1 : next_star] = [b""] * (next_star - star - 1)
    return parts


def _stars(pattern: bytes, index: int, *, crosses_slashes: bool) -> tuple[bytes, int]:
    """The expression for the run of "*" at index, and the index after what it consumed."""
    end = index
    while end < len(pattern) and pattern[end] == 0x2A:
        end += 1
    after = pattern[end : end + 2]
    special = (
        crosses_slashes
        and end - index >= 2
        and (index == 0 or pattern[index - 1] == _SLASH)
        and (after == b"" or after.startswith(b"/") or after == b"\\/")
    )
    if not special:
        return b"[^/]*", end
    if after.startswith(b"/"):  # "**/": no directories, or any number of them
        return b"(?:.*/)?", end + 1
    return b".*", end  # at the end, or before an escaped "/"


def _bracket(pattern: bytes, index: int) -> tuple[frozenset[int] | None, int]:
    """The bytes a "[...]" at index matches (never "/"), and the index after its "]";
    None for members where git gives up on the whole pattern (wildmatch.c, case '[')."""
    position = index + 1
    negated = pattern[position : position + 1] in (b"!", b"^")
    if negated:
        position += 1
    members: set[int] = set()
    previous = 0
    while True:  # the first byte is a member even if it is "]"
        if position >= len(pattern):
            return None, position
        byte = pattern[position]
        if byte == 0x5C:
            position += 1
            if position >= len(pattern):
                return None, position
            byte = pattern[position]
            members.add(byte)
        elif byte == 0x2D and previous and pattern[position + 1 : position + 2] not in (b"", b"]"):
            position += 1
            high = pattern[position]
            if high == 0x5C:
                position += 1
                if position >= len(pattern):
                    return None, position
                high = pattern[position]
            members.update(range(previous, high + 1))
            byte = 0  # a range is not the start of another
        elif byte == 0x5B and pattern[position + 1 : position + 2] == b":":
            named, position, byte = _named_class(pattern, position)
            if named is None:
                return None, position
            members.update(named)
        else:
            members.add(byte)
        previous = byte
        position += 1
        if pattern[position : position + 1] == b"]":
            break
    chosen = _ANY_BYTE_BUT_SLASH - members if negated else frozenset(members) - {_SLASH}
    return chosen, position + 1


def _named_class(pattern: bytes, position: int) -> tuple[frozenset[int] | None, int, int]:
    """A "[:name:]" at position: its bytes, the index of its last "]", and what a range
    may start from after it (nothing). Where no ":]" closes it before the next "]", just
    the "[" (a range may start from it), position unchanged; None for an unknown name or
    no "]" at all."""
    start = position + 2
    close = pattern.find(b"]", start)
    if close < 0:
        return None, position, 0
    if close == start or pattern[close - 1] != 0x3A:
        return frozenset({0x5B}), position, 0x5B
    return _CLASSES.get(pattern[start : close - 1]), close, 0


def _byte_class(members: frozenset[int]) -> bytes:
    if not members:
        return b"(?!)"  # matches nothing: nor does git's
    return b"[" + b"".join(b"\\x%02x" % byte for byte in sorted(members)) + b"]"


def ignore_file(
    patterns: Sequence[Pattern], skip: int, lead: bytes = b"", *, from_git: bool
) -> IgnoreFile | None:
    """The patterns of one file as runs, or None where it has none."""
    if not patterns:
        return None
    files = _runs(pattern for pattern in patterns if not pattern.directories_only)
    return IgnoreFile(skip, lead, files, _runs(patterns), from_git)


def _runs(patterns: Iterable[Pattern]) -> tuple[_Run, ...]:
    """Consecutive patterns of one verdict joined into one expression, last run first."""
    groups: list[tuple[bool, list[bytes]]] = []
    for pattern in patterns:
        if groups and groups[-1][0] == pattern.negated:
            groups[-1][1].append(pattern.regex)
        else:
            groups.append((pattern.negated, [pattern.regex]))
    return tuple(
        _Run(not negated, re.compile(b"|".join(b"(?:%s)" % r for r in regexes), re.DOTALL))
        for negated, regexes in reversed(groups)
    )


def ignored(levels: Sequence[IgnoreFile], path: bytes, *, is_directory: bool) -> bool:
    """Whether the ignore files ignore a path: the deepest file (the last level) with a
    pattern that matches decides, and within it the last such pattern."""
    for level in reversed(levels):
        relative = level.lead + path[level.skip :]
        for run in level.directories if is_directory else level.files:
            if run.matcher.fullmatch(relative) is not None:
                return run.ignores
    return False


def read_patterns(path: str, *, follow_symlink: bool = True) -> list[Pattern]:
    """The patterns of the ignore file at path; none if it is missing, unreadable or not a
    regular file (opening a FIFO of that name would wait for a writer). follow_symlink:
    False for a .gitignore in a work tree, which git reads only if it is no symlink."""
    try:
        status = os.stat(path) if follow_symlink else os.lstat(path)
        if not stat.S_ISREG(status.st_mode):
            return []
        with open(path, "rb") as file:
            return parse(file.read())
    except OSError:
        return []


def levels_below(
    directory: str, outer: tuple[IgnoreFile, ...], *, starts_repository: bool
) -> tuple[IgnoreFile, ...]:
    """The ignore files that apply below a directory a walk enters: outer's, then its
    own. A directory that holds a .git starts a repository of its own: as in ripgrep, the
    .gitignore files above it stop applying there, and its info/exclude starts. A
    directory without ignore files (most) costs two failed stats."""
    skip = len(os.fsencode(os.path.join(directory, "")))
    levels: list[IgnoreFile | None] = list(outer)
    if starts_repository:
        levels = [level for level in outer if not level.from_git]
        levels.append(ignore_file(read_patterns(_exclude_file(directory)), skip, from_git=True))
    for name in IGNORE_FILES:
        patterns = read_patterns(os.path.join(directory, name), follow_symlink=name != ".gitignore")
        levels.append(ignore_file(patterns, skip, from_git=name != ".ignore"))
    return tuple(level for level in levels if level is not None)


def levels_above(root: str) -> tuple[IgnoreFile, ...]:
    """The ignore files above a walk's root that apply below it: in a git work tree,
    .git/info/exclude, then the .gitignore and .ignore of each directory from the tree's
    top down to the root's parent, as ripgrep reads them. None outside a work tree."""
    # Where the root really is: reached through a symlink, it is still in its work tree.
    absolute = os.path.realpath(root)
    top = repository_top(absolute)
    if top is None:
        return ()
    skip = len(os.fsencode(os.path.join(root, "")))
    exclude = read_patterns(_exclude_file(top))
    levels = [ignore_file(exclude, skip, _lead(top, absolute), from_git=True)]
    below = os.path.relpath(absolute, top).split(os.sep) if absolute != top else []
    for depth in range(len(below)):  # the top, and each directory down to the root's parent
        directory = os.path.join(top, *below[:depth])
        for name in IGNORE_FILES:
            path = os.path.join(directory, name)
            patterns = read_patterns(path, follow_symlink=name != ".gitignore")
            lead = _lead(directory, absolute)
            levels.append(ignore_file(patterns, skip, lead, from_git=name != ".ignore"))
    return tuple(level for level in levels if level is not None)


def repository_top(directory: str) -> str | None:
    """The top of the git work tree that holds a directory: the nearest directory, from
    it up, with a .git in it (a directory, or a file naming one)."""
    current = os.path.abspath(directory)
    while not os.path.lexists(os.path.join(current, GIT_DIRECTORY)):
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent
    return current


def _exclude_file(top: str) -> str:
    """A work tree's info/exclude: in its .git, or where a .git file ("gitdir: PATH", as a
    linked worktree or a submodule has) points, in the common directory its worktrees
    share."""
    git = os.path.join(top, GIT_DIRECTORY)
    if os.path.isfile(git):
        git = _named_directory(git, b"gitdir: ") or git
        common = os.path.join(git, "commondir")
        if os.path.isfile(common):
            git = _named_directory(common, b"") or git
    return os.path.join(git, "info", "exclude")


def _named_directory(path: str, prefix: bytes) -> str | None:
    """The directory a git pointer file names (relative to the file's own directory)."""
    try:
        with open(path, "rb") as file:
            line = file.readline().rstrip(b"\r\n")
    except OSError:
        return None
    if not line.startswith(prefix) or len(line) == len(prefix):
        return None
    return os.path.join(os.path.dirname(path), os.fsdecode(line[len(prefix) :]))


def _lead(directory: str, root: str) -> bytes:
    """The root's path below directory, with a "/" after it ("" for the directory)."""
    relative = os.path.relpath(root, directory)
    if relative == os.curdir:
        return b""
    return os.fsencode(relative.replace(os.sep, "/")) + b"/"
