"""Runs over the 1 MiB limit (issue 14): where the limit falls never depends on how the bytes
arrive, and each file's warning counts its skipped runs once each, over all its ranges.

The data is generated here; each expected output is worked out from how it was built.
"""

from __future__ import annotations

import gzip
import importlib.util
import pickle
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import ProcessLog, invoke, run_wordcount, serial_and_parallel
from wordcount.engine.merge import Merge, UnitResult
from wordcount.sources.problems import ProblemKind

LIMIT = 1 << 20  # as README.md states it: a run of more than 1 MiB is skipped
E_ACUTE = "\u00e9".encode()  # two bytes in UTF-8


def long_warning(name: str, skipped: int) -> str:
    return (
        f"wordcount: warning: '{name}': skipped {skipped} word(s) longer than 1 MiB\n"
        "wordcount: 1 file with words over 1 MiB skipped\n"
    )


def tsv(words: Counter[str]) -> str:
    """The expected TSV: count descending, then word ascending."""
    rows = sorted(words.items(), key=lambda row: (-row[1], row[0]))
    return "".join(f"{word}\t{count}\n" for word, count in rows)


def ending_in_two_bytes(size: int) -> bytes:
    """A word of exactly `size` bytes whose last character is two bytes long: one byte over
    the limit, the limit falls inside that character."""
    return b"a" * (size - len(E_ACUTE)) + E_ACUTE


# -- the limit, however the bytes arrive ------------------------------------------------------


@pytest.mark.parametrize("follows", [b"", b"\n", b" end\n"], ids=["at-eof", "newline", "word"])
@pytest.mark.parametrize("size", [LIMIT - 1, LIMIT, LIMIT + 1], ids=["limit-1", "limit", "limit+1"])
def test_the_limit_is_the_same_for_a_file_stdin_gzip_and_a_url(
    tmp_path: Path, size: int, follows: bytes
) -> None:
    token = b"a" * size
    data = b"begin " + token + follows
    expected = Counter(["begin", *(["end"] if b"end" in follows else [])])
    if size <= LIMIT:
        expected[token.decode()] += 1
    plain = tmp_path / "plain.txt"
    plain.write_bytes(data)
    compressed = tmp_path / "text.gz"
    compressed.write_bytes(gzip.compress(data))
    url = f"file://{plain}"
    ways = [
        ([str(plain)], None, str(plain)),
        (["-"], data, "<stdin>"),
        ([str(compressed)], None, str(compressed)),
    ]
    if importlib.util.find_spec("fsspec") is not None:  # URLs need the fsspec extra
        ways.append(([url], None, url))
    for args, stdin, name in ways:
        result = invoke(["-n", "0", *args], stdin=stdin)
        assert result.stdout == tsv(expected), name
        assert result.stderr == ("" if size <= LIMIT else long_warning(name, 1)), name
        assert result.exit_code == 0


@pytest.mark.parametrize("size", [LIMIT, LIMIT + 1], ids=["limit", "limit+1"])
def test_the_limit_counts_bytes_when_it_falls_inside_a_character(tmp_path: Path, size: int) -> None:
    token = ending_in_two_bytes(size)
    path = tmp_path / "t.txt"
    path.write_bytes(token + b"\n")
    expected = tsv(Counter([token.decode()])) if size <= LIMIT else ""
    for args, stdin, name in [([str(path)], None, str(path)), (["-"], token + b"\n", "<stdin>")]:
        result = invoke(["-n", "0", *args], stdin=stdin)
        assert result.stdout == expected, name
        assert result.stderr == ("" if size <= LIMIT else long_warning(name, 1)), name


@pytest.mark.parametrize("size", [LIMIT - 1, LIMIT, LIMIT + 1], ids=["limit-1", "limit", "limit+1"])
def test_the_limit_is_the_same_through_a_pipe_read_in_short_pieces(size: int) -> None:
    """/dev/stdin is read unbuffered, so a pipe hands it at most 64 KiB a read."""
    token = b"a" * size
    data = token + b" end\n"
    expected = Counter(["end"])
    if size <= LIMIT:
        expected[token.decode()] += 1
    for args, name in [([], "<stdin>"), (["/dev/stdin"], "/dev/stdin")]:
        result = run_wordcount(["-n", "0", *args], stdin=data)
        assert result.stdout == tsv(expected).encode(), name
        warning = "" if size <= LIMIT else long_warning(name, 1)
        assert result.stderr == warning.encode(), name
        assert result.returncode == 0


@pytest.mark.parametrize("size", [LIMIT - 1, LIMIT, LIMIT + 1], ids=["limit-1", "limit", "limit+1"])
def test_the_limit_is_the_same_where_a_range_would_cut_the_word(
    tmp_path: Path, process_log: ProcessLog, size: int
) -> None:
    filler = b"left right\n" * 50_000
    token = ending_in_two_bytes(size)
    data = filler + token + b"\n" + filler
    # Enough for -j 2 to start a pool, and it cuts the file near its middle, which lies
    # inside the long word.
    assert len(data) >= 2 << 20
    assert len(filler) < len(data) // 2 < len(filler) + size
    path = tmp_path / "middle.txt"
    path.write_bytes(data)
    result = serial_and_parallel(["-n", "0", str(path)], process_log)
    lines = 2 * 50_000
    expected = Counter({"left": lines, "right": lines})
    if size <= LIMIT:
        expected[token.decode()] += 1
    assert result.stdout == tsv(expected).encode()
    warning = "" if size <= LIMIT else long_warning(str(path), 1)
    assert result.stderr == warning.encode()


# -- one warning a file, its runs summed over every range ------------------------------------


def three_long_runs(path: Path) -> Counter[str]:
    """Three runs over the limit, each between lines of short words: -j 2 cuts the file
    into two ranges and -j 3 into three, each range holding one or two of the runs."""
    filler = b"short words\n" * 1000
    path.write_bytes((filler + b"x" * (LIMIT + 1) + b"\n") * 3 + filler)
    return Counter({"short": 4000, "words": 4000})


def test_a_file_s_skipped_runs_are_summed_over_all_its_ranges(
    tmp_path: Path, process_log: ProcessLog
) -> None:
    path = tmp_path / "runs.txt"
    expected = tsv(three_long_runs(path)).encode()
    parallel = serial_and_parallel(["-n", "0", str(path)], process_log)
    assert parallel.stdout == expected
    assert parallel.stderr == long_warning(str(path), 3).encode()
    three = run_wordcount(["-j", "3", "-n", "0", str(path)])
    process_log.assert_parallel(workers=3)
    assert (three.stdout, three.stderr) == (parallel.stdout, parallel.stderr)


def test_a_file_named_twice_is_warned_about_twice_each_with_its_own_runs(
    tmp_path: Path, process_log: ProcessLog
) -> None:
    path = tmp_path / "runs.txt"
    counts = three_long_runs(path)
    serial = run_wordcount(["-j", "1", "-n", "0", str(path), str(path)])
    process_log.assert_serial()
    parallel = run_wordcount(["-j", "4", "-n", "0", str(path), str(path)])
    process_log.assert_parallel(workers=4)  # each file in two ranges
    warning = f"wordcount: warning: '{path}': skipped 3 word(s) longer than 1 MiB\n"
    summary = "wordcount: 2 files with words over 1 MiB skipped\n"
    for result in (serial, parallel):
        assert result.stdout == tsv(counts + counts).encode()
        assert result.stderr == (warning * 2 + summary).encode()


def test_skipped_runs_travel_as_numbers_and_are_summed_by_input() -> None:
    first = UnitResult(long_words={0: 2, 1: 1})
    second = pickle.loads(pickle.dumps(UnitResult(long_words={0: 1})))
    third = UnitResult(long_words={1: 4})
    merge = Merge()
    for unit_result in (first, second, third):
        merge.add(unit_result)
    problems = merge.result(names={0: "a.txt", 1: "b.txt"}, hidden_skipped=0).problems
    assert [(p.input_index, p.path, p.message, p.kind) for p in problems] == [
        (0, "a.txt", "skipped 3 word(s) longer than 1 MiB", ProblemKind.LONG_WORD),
        (1, "b.txt", "skipped 5 word(s) longer than 1 MiB", ProblemKind.LONG_WORD),
    ]
