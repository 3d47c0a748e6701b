"""content.py judges a file from its first bytes; problems.py sums up a run."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import WriteFile, examples
from tests.test_options import run_both
from wordcount.cli.messages import summary_line
from wordcount.engine.run import count_inputs
from wordcount.engine.worker import count_stream
from wordcount.sources.content import BinaryContent, open_content
from wordcount.sources.paths import WalkOptions, is_stream_path
from wordcount.sources.problems import InputProblem, ProblemKind
from wordcount.words.rule import has_unspaced_run, reference_words

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


@settings(max_examples=examples(150), deadline=None)
@given(text=TEXT, encoding=st.sampled_from(sorted(ENCODINGS)), step=st.integers(1, 7))
def test_every_container_counts_as_the_plain_rule(text: str, encoding: str, step: int) -> None:
    stream = Trickle(ENCODINGS[encoding](text), step)
    result = count_stream(stream, input_index=0, name="s")  # type: ignore[arg-type]
    counted = Counter({word.decode(): count for word, count in result.counts.items()})
    expected = reference_words(text)
    assert counted == Counter(expected)
    # valid UTF-8: no warning, only the hint where a word is a run of an unspaced script
    hinted = any(has_unspaced_run(word) for word in expected)
    assert [problem.kind for problem in result.problems] == [ProblemKind.UNSPACED] * hinted


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


# Codecs that fail part-way with a plain UnicodeError, which names no byte (before Python
# 3.13; from 3.13 some raise UnicodeDecodeError, which does): (--encoding, a file it
# cannot decode, one it can, the complaint before 3.13, the complaint from 3.13 on).
NO_BYTE_NAMED = sys.version_info < (3, 13)
CODEC_FAILURES = [
    (
        "utf-16",  # no byte-order mark: the incremental decoder will not guess the order
        "hi there".encode("utf-16-le"),
        b"\xff\xfe" + "fine words".encode("utf-16-le"),
        "(UTF-16 stream does not start with BOM)",
        "at byte 0 (Stream does not start with BOM)",
    ),
    (
        "utf-32",
        "hi there".encode("utf-32-le"),
        b"\xff\xfe\0\0" + "fine words".encode("utf-32-le"),
        "(UTF-32 stream does not start with BOM)",
        "at byte 0 (Stream does not start with BOM)",
    ),
    (
        "punycode",  # a space is no punycode digit
        b"hi there",
        b"fine-",  # "fine" and no extended code points
        "(Invalid extended code point ' ')",
        "at byte 2 (Invalid extended code point '32')",
    ),
]


@pytest.mark.parametrize(("encoding", "bad", "good", "before_3_13", "from_3_13"), CODEC_FAILURES)
def test_a_codec_failing_part_way_is_one_error_line_and_other_files_count(
    write_file: WriteFile, encoding: str, bad: bytes, good: bytes, before_3_13: str, from_3_13: str
) -> None:
    bad_path = write_file("bad.txt", bad)
    good_path = write_file("good.txt", good)
    complaint = before_3_13 if NO_BYTE_NAMED else from_3_13
    counted = b"fine\t1\n" if encoding == "punycode" else b"fine\t1\nwords\t1\n"
    assert run_both(["--encoding", encoding, str(bad_path), str(good_path)]) == (
        counted,
        f"wordcount: error: '{bad_path}': not valid {encoding} {complaint}; not counted\n"
        "wordcount: 1 file unreadable\n",
        1,
    )


def test_a_codec_failing_on_standard_input_is_one_error_line() -> None:
    complaint = CODEC_FAILURES[0][3] if NO_BYTE_NAMED else CODEC_FAILURES[0][4]
    stdin = "hi there".encode("utf-16-le")
    assert run_both(["--encoding", "utf-16", "-"], stdin=stdin) == (
        b"",
        f"wordcount: error: '<stdin>': not valid utf-16 {complaint}; not counted\n"
        "wordcount: 1 file unreadable\n",
        1,
    )


def test_idna_failing_in_its_punycode_step_is_one_error_line(write_file: WriteFile) -> None:
    # idna hands a label after "xn--" to punycode, whose complaint is worded differently
    # in each Python from 3.10 to 3.13; the line around it is the same.
    bad = write_file("bad.txt", b"xn--- hello")
    good = write_file("good.txt", b"fine words")
    stdout, stderr, status = run_both(["--encoding", "idna", str(bad), str(good)])
    assert (stdout, status) == (b"fine\t1\nwords\t1\n", 1)
    error, summary = stderr.splitlines()
    assert error.startswith(f"wordcount: error: '{bad}': not valid idna ")
    assert "Invalid extended code point" in error
    assert error.endswith("; not counted")
    assert summary == "wordcount: 1 file unreadable"
