"""A walk counts exactly the files git does not ignore: git itself is the oracle (issue 22).

hypothesis draws a tree and its ignore files (negations, `**`, anchors, trailing slashes,
escapes, spaces, character classes, a byte-order mark, CRLF, nested .gitignore files and
.git/info/exclude); git lists what it does not ignore, and the walk must find the same
files, from the top and from a directory below it (where the ignore files above the
walk's root apply). 200 examples in `make test`, 5,000 in `make fuzz`.

git's view is `git ls-files --others --exclude-standard -z` in a repository with nothing
tracked: git walks the tree as it does for `git status`, never entering an excluded
directory, and lists every file it does not ignore, which is exactly the list to compare.
(`git check-ignore` judges the paths given it, one at a time, and says nothing of a file
in a directory git would not enter unless asked about that file.) One call an example,
in one repository made once: the tree is replaced between examples.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wordcount.sources.paths import WalkOptions, expand_inputs

# 200 examples take about two seconds here; `make fuzz` runs 5,000.
EXAMPLES = 5_000 if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz" else 200

# Names that patterns can hit or miss in interesting ways: glob characters, "#" and "!"
# (special only at a pattern's start), spaces (trailing ones are cut unless escaped), a
# backslash, a non-ASCII letter (two bytes, to classes), a case that differs.
NAMES = [
    "a", "b", "ab", "ba", "foo", "keep.txt", "x.log", "sub", "a b", "b ", " a", "#c", "!d",
    "[e]", "e", "f*", "g?", "h\\i", "é", "A", ".hid", "**", "-", "a.txt", "b.log",
]  # fmt: skip
NAME = st.sampled_from(NAMES)
GLOBS = [
    "*", "**", "***", "?", "*.txt", "*.log", "[a-c]*", "[!a]", "[^b]*", "[[:alpha:]]*",
    "[[:space:]]", "[]a]", "[a-]", "[z-a]", "[", "[[:foo:]]", "[[:alpha]", "a*", "*b",
    "a**", "**b", "\\*", "f\\*", "\\", "[é]", "\\/",
]  # fmt: skip


def _escaped(name: str) -> str:
    return re.sub(r"([*?\[\\!# ])", r"\\\1", name)


SEGMENT = st.one_of(
    st.sampled_from(NAMES), st.sampled_from(NAMES).map(_escaped), st.sampled_from(GLOBS)
)
PATTERN = st.builds(
    lambda start, segments, anchored, trailing_slash, end: (
        start + ("/" if anchored else "") + "/".join(segments)
        + ("/" if trailing_slash else "") + end
    ),
    st.sampled_from(["", "", "", "!", "!", "\\!", "#", "\\#"]),
    st.lists(SEGMENT, min_size=1, max_size=3),
    st.booleans(),
    st.booleans(),
    st.sampled_from(["", "", "", " ", "  ", "\\ ", "\t", "\\"]),
)  # fmt: skip


def _components(name: str) -> list[str]:
    """Patterns for one name of the tree: that name, or globs that may match it."""
    return [
        _escaped(name),
        name,
        "*",
        "**",
        "?" * len(name.encode()),  # one "?" a byte
        _escaped(name[0]) + "*",
        "*" + _escaped(name[-1]),
        "[" + name[0] + "]" + _escaped(name[1:]),
    ]


class Related(NamedTuple):
    """A pattern made from a path below the ignore file's directory (all of it, or its
    end), so that most patterns match something and the negations and anchors matter.
    Drawn as choices and made into a pattern once the tree is known: strategies built
    for each example cost hypothesis more than the example itself."""

    which: int  # which path
    start: int  # where in it the pattern starts
    forms: tuple[int, int, int]  # each name's pattern, from _components
    anchor: str
    ending: str
    negation: str
    space: str

    def pattern(self, below: list[tuple[str, ...]]) -> str:
        path = below[self.which % len(below)]
        names = path[min(self.start, len(path) - 1) :]
        forms = self.forms[: len(names)]
        globs = "/".join(_components(name)[form] for name, form in zip(names, forms, strict=True))
        return f"{self.negation}{self.anchor}{globs}{self.ending}{self.space}"


FORM = st.integers(0, len(_components("ab")) - 1)
RELATED = st.builds(
    Related,
    st.integers(0, 255),
    st.integers(0, 2),
    st.tuples(FORM, FORM, FORM),
    st.sampled_from(["", "", "/", "**/"]),
    st.sampled_from(["", "", "/", "/**", "/**/", "/*"]),
    st.sampled_from(["", "", "!"]),
    st.sampled_from(["", " ", "\\ "]),
)
IGNORE_FILE = st.tuples(
    st.lists(st.one_of(RELATED, PATTERN, st.just("")), max_size=6),
    st.booleans(),  # a byte-order mark
    st.booleans(),  # CRLF
)


def _ignore_file(
    drawn: tuple[list[Related | str], bool, bool], below: list[tuple[str, ...]]
) -> bytes:
    choices, bom, crlf = drawn
    lines = [
        line if isinstance(line, str) else line.pattern(below) if below else "" for line in choices
    ]
    newline = "\r\n" if crlf else "\n"
    return (("\ufeff" if bom else "") + newline.join(lines) + newline).encode()


def _tree_paths(drawn: list[list[str]]) -> list[tuple[str, ...]]:
    """The files of a tree: no file where another's directory is."""
    files: list[tuple[str, ...]] = []
    for path in sorted({tuple(parts) for parts in drawn}, key=len):
        if not any(path[: len(kept)] == kept for kept in files):
            files.append(path)
    return files


def _git_environment(home: Path) -> dict[str, str]:
    # No global or system configuration, and no excludes file of the user's.
    return {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }


# Each example writes a tree and removes it: on a disk that costs several times what git
# does (3.7 s against 0.4 s for 200 small trees, here); in memory it does not.
MEMORY_DIRECTORY = Path("/dev/shm")


class Repository(NamedTuple):
    top: Path
    environment: dict[str, str]  # git's, kept out of a failing example's report

    def __repr__(self) -> str:
        return f"Repository({str(self.top)!r})"


@pytest.fixture(scope="module")
def repository(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Repository]:
    if shutil.which("git") is None:
        pytest.skip("git is not installed (`make test` installs it where it can)")
    in_memory = MEMORY_DIRECTORY.is_dir() and os.access(MEMORY_DIRECTORY, os.W_OK)
    with tempfile.TemporaryDirectory(
        dir=MEMORY_DIRECTORY if in_memory else tmp_path_factory.getbasetemp()
    ) as temporary:
        top = Path(temporary) / "top"
        environment = _git_environment(Path(temporary))
        subprocess.run(["git", "init", "-q", "--template=", str(top)], env=environment, check=True)
        yield Repository(top, environment)


def _git_not_ignored(top: Path, environment: dict[str, str]) -> set[str]:
    listing = subprocess.run(
        # Case-sensitive, as on Linux, wherever the test runs; no caches that could lag.
        ["git", "-c", "core.ignoreCase=false", "-c", "core.untrackedCache=false",
         "ls-files", "--others", "--exclude-standard", "-z"],
        cwd=top, env=environment, capture_output=True, check=True,
    ).stdout  # fmt: skip
    return {os.fsdecode(path) for path in listing.split(b"\0") if path}


def _walked(root: Path) -> set[str]:
    inputs = expand_inputs([str(root)], walk=WalkOptions(hidden=True))
    assert inputs.problems == []
    return {Path(file.path).relative_to(root).as_posix() for file in inputs.files}


def _write_example(top: Path, data: st.DataObject) -> list[tuple[str, ...]]:
    """Replace the work tree with one drawn; its directories, top first."""
    for entry in top.iterdir():
        if entry.is_dir() and entry.name != ".git":
            shutil.rmtree(entry)
        elif not entry.is_dir():
            entry.unlink()
    files = _tree_paths(data.draw(st.lists(st.lists(NAME, min_size=1, max_size=3), max_size=10)))
    directories = sorted({file[:depth] for file in files for depth in range(len(file))})
    for file in files:
        (top.joinpath(*file[:-1])).mkdir(parents=True, exist_ok=True)
        top.joinpath(*file).write_text("/".join(file))
    paths = sorted({file[:depth] for file in files for depth in range(1, len(file) + 1)})
    for directory in directories:
        if data.draw(st.booleans()):
            depth = len(directory)
            below = [path[depth:] for path in paths if path[:depth] == directory and path[depth:]]
            ignore_file = _ignore_file(data.draw(IGNORE_FILE), below)
            top.joinpath(*directory, ".gitignore").write_bytes(ignore_file)
    (top / ".git" / "info").mkdir(exist_ok=True)
    (top / ".git" / "info" / "exclude").write_bytes(_ignore_file(data.draw(IGNORE_FILE), paths))
    return directories


@settings(
    max_examples=EXAMPLES,
    deadline=None,  # one git process an example: seconds, on a busy machine
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_a_walk_finds_exactly_what_git_does_not_ignore(
    repository: Repository, data: st.DataObject
) -> None:
    top, environment = repository
    directories = _write_example(top, data)
    git_view = _git_not_ignored(top, environment)
    assert _walked(top) == git_view
    # A directory git lists a file in is not ignored, nor is any above it: walked from
    # there, with the ignore files above it, the walk finds what git lists below it. (A
    # directory named is walked even where git would ignore it, as ripgrep walks it.)
    listed = [d for d in directories[1:] if any(p.startswith(_prefix(d)) for p in git_view)]
    if listed:
        prefix = _prefix(data.draw(st.sampled_from(listed)))
        under = {path.removeprefix(prefix) for path in git_view if path.startswith(prefix)}
        assert _walked(top / prefix) == under


def _prefix(directory: tuple[str, ...]) -> str:
    return "/".join(directory) + "/"
