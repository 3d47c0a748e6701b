"""content.py judges a file from its first bytes; problems.py sums up a run."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wordcount import count_inputs
from wordcount.cli.messages import summary_line
from wordcount.engine.worker import count_stream
from wordcount.sources.content import BinaryContent, open_content
from wordcount.sources.paths import WalkOptions, is_stream_path
from wordcount.sources.problems import InputProblem, ProblemKind
from wordcount.words.rule import reference_words

ENCODINGS: dict[str, Callable[[str], bytes]] = {
    "utf-8": lambda text: text.encode(),
    "utf-8 with BOM": lambda text: b"\xef\xbb\xbf" + text.encode(),
    "utf-16-le": lambda text: b"\xff\xfe" + text.encode("utf-16-le"),
    "utf-16-be": lambda text: b"\xfe\xff" + text.encode("utf-16-be"),
    "utf-32-le": lambda text: b"\xff\xfe\0\0" + text.encode("utf-32-le"),
    "utf-32-be": lambda text: b"\0\0\xfe\xff" + text.encode("utf-32-be"),
    "gzip": lambda text: gzip.compress(text.encode()),
    "bzip2": lambda text: bz2.compress(text.encode()),
    "xz": lambda text: lzma.compress(text.encode()),
    "gzip of utf-16": lambda text: gzip.compress(b"\xfe\xff" + text.encode("utf-16-be")),
}
TEXT = st.text(
    st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00\ufeff"), max_size=60
)


class Trickle(io.RawIOBase):
    """A pipe that delivers at most `step` bytes per read."""

    def __init__(self, data: bytes, step: int) -> None:
        self._data = data
        self._step = step

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        size = min(len(buffer), self._step, len(self._data))
        buffer[:size] = self._data[:size]
        self._data = self._data[size:]
        return size


@settings(max_examples=150, deadline=None)
@given(text=TEXT, encoding=st.sampled_from(sorted(ENCODINGS)), step=st.integers(1, 7))
def test_every_container_counts_as_the_plain_rule(text: str, encoding: str, step: int) -> None:
    stream = Trickle(ENCODINGS[encoding](text), step)
    result = count_stream(stream, input_index=0, name="s")  # type: ignore[arg-type]
    counted = Counter({word.decode(): count for word, count in result.counts.items()})
    assert counted == Counter(reference_words(text))
    assert result.problems == []


def test_concatenated_gzip_members_are_all_read() -> None:
    data = gzip.compress(b"one two ") + gzip.compress(b"two three")
    result = count_stream(io.BytesIO(data), input_index=0, name="s")
    assert result.counts == {b"one": 1, b"two": 2, b"three": 1}


@pytest.mark.parametrize("start", [b"BZh is not bzip2", b"\x1f\x8b", b"\xfd7zXZ"])
def test_text_that_starts_like_a_magic_number_is_text(start: bytes) -> None:
    content = open_content([start + b" words"], encoding=None, binary_as_text=False)
    assert not content.transformed
    assert b"".join(content.chunks) == start + b" words"


def test_a_nul_after_the_first_64_kib_is_text_and_inside_them_binary() -> None:
    late = b"x " * (32 << 10) + b"\x00"
    assert b"".join(open_content([late], encoding=None, binary_as_text=False).chunks) == late
    with pytest.raises(BinaryContent):
        open_content([late[1:]], encoding=None, binary_as_text=False)


def test_binary_inside_a_compressed_file_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "archive.tar.gz"
    path.write_bytes(gzip.compress(b"name\x00\x00\x00 of a tar member"))
    result = count_inputs(paths=[str(path)], jobs=1)
    assert result.counts == {}
    assert [problem.kind for problem in result.problems] == [ProblemKind.BINARY]


@pytest.mark.parametrize(
    ("path", "stream"),
    [
        ("-", True),
        ("/dev/stdin", True),
        ("/dev/fd/3", True),
        ("/proc/self/fd/3", True),
        ("/proc/1234/fd/0", True),
        ("notes/dev/fd/3", False),
        ("/devices.txt", False),
    ],
)
def test_paths_of_this_process_s_own_files_are_streams(path: str, stream: bool) -> None:
    assert is_stream_path(path) is stream


@pytest.mark.parametrize(
    ("working_directory", "path", "stream"),
    [
        ("/dev/fd", "3", True),
        ("/dev", "stdin", True),
        ("/dev/fd/sub", "../4", True),
        ("/proc/self/fd", "0", True),
        ("/home/ann", "../../dev/fd/3", True),
        ("/home/ann", "notes.txt", False),
        ("/dev", "null", False),
    ],
)
def test_relative_paths_are_streams_by_where_they_lead(
    working_directory: str, path: str, stream: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "getcwd", lambda: working_directory)
    assert is_stream_path(path) is stream
    assert is_stream_path(path, working_directory=working_directory) is stream


def test_globs_match_names_or_whole_paths() -> None:
    walk = WalkOptions(include=("*.txt", "*.md"), exclude=("draft*", "*/old/*"))
    assert walk.wants_file("texts/a.txt", "a.txt")
    assert not walk.wants_file("texts/a.pdf", "a.pdf")
    assert not walk.wants_file("texts/draft1.txt", "draft1.txt")
    assert not walk.wants_file("texts/old/a.txt", "a.txt")
    assert walk.wants_directory("texts/old", "old")  # "*/old/*" excludes what is inside
    assert not walk.wants_directory("texts/drafts", "drafts")


def test_summary_counts_inputs_per_kind_in_a_fixed_order() -> None:
    problems = [
        InputProblem(3, "c", "x", ProblemKind.CP1252),
        InputProblem(1, "a", "x", ProblemKind.BINARY),
        InputProblem(2, "b", "x", ProblemKind.BINARY),
        InputProblem(3, "c", "y", ProblemKind.CP1252),  # the same file again counts once
        InputProblem(4, "d", "gone"),
    ]
    line = summary_line(problems, hidden_skipped=1)
    assert line == ("1 file unreadable, 2 skipped (binary), 1 skipped (hidden), 1 read as cp1252")
    assert summary_line([]) is None
    assert summary_line([], hidden_skipped=2) == "2 files skipped (hidden)"
