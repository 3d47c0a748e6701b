"""--pattern REGEX: a custom word rule (issue 5)."""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import (
    ProcessLog,
    WriteFile,
    examples,
    invoke,
    run_wordcount,
    serial_and_parallel,
)
from tests.test_options import run_both, usage_error
from wordcount.cli.ending import ExitStatus
from wordcount.engine.options import CountOptions
from wordcount.engine.run import count_inputs
from wordcount.words import pattern
from wordcount.words.pattern import PatternCounter
from wordcount.words.rule import normalize


def test_a_pattern_replaces_the_word_rule(write_file: WriteFile) -> None:
    path = write_file("t.txt", "e-mail E-Mail snake_case \u201cquoted\u201d\n")
    result = invoke(["--pattern", r"\S+", "-n", "0", str(path)])
    # NFKC and lowercasing still apply; then a word is whatever the regex matches.
    assert result.stdout == "e-mail\t2\nsnake_case\t1\n\u201cquoted\u201d\t1\n"
    assert result.exit_code == ExitStatus.SUCCESS


def test_a_pattern_with_case_sensitive(write_file: WriteFile) -> None:
    path = write_file("t.txt", "e-mail E-Mail snake_case\n")
    result = invoke(["--pattern", "[a-z]+(?:-[a-z]+)*", "--case-sensitive", "-n", "0", str(path)])
    assert result.stdout == "ail\t1\ncase\t1\ne-mail\t1\nsnake\t1\n"


def test_an_invalid_regex_is_a_usage_error_with_its_own_message() -> None:
    result = invoke(["--pattern", "(", "-"], stdin=b"x")
    assert result.exit_code == ExitStatus.USAGE_ERROR
    assert "not a valid regex: missing ), unterminated subpattern at position 0" in result.output


def test_files_are_not_cut_so_a_match_may_span_any_separator(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes(b"new york, new york\n" * 100)
    options = CountOptions(pattern="new york")
    result = count_inputs(
        paths=[str(path)], jobs=2, unit_bytes=10, pool_min_bytes=0, options=options
    )
    assert result.counts == {"new york": 200}


def test_a_long_line_is_matched_in_pieces_cut_at_whitespace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pattern, "MAX_RUN_BYTES", 16)
    path = tmp_path / "t.txt"
    path.write_bytes("caf\u00e9 word ".encode() * 50)  # one line of 550 bytes
    result = count_inputs(paths=[str(path)], jobs=1, options=CountOptions(pattern=r"\S+"))
    assert result.counts == Counter({"caf\u00e9": 50, "word": 50})


# Seconds: pools started for every -j (make test-slow).
@pytest.mark.slow
def test_a_pattern_gives_the_same_bytes_for_every_jobs(
    write_file: WriteFile, process_log: ProcessLog
) -> None:
    first = write_file("a.txt", "one-two three\n" * 100_000)
    second = write_file("b.txt", "three four\n" * 100_000)
    args = ["--pattern", r"[\w-]+", "-n", "0", str(first), str(second)]
    result = serial_and_parallel(args, process_log)
    assert result.stdout == b"three\t200000\nfour\t100000\none-two\t100000\n"


# A pattern that can match only the empty string finds no words, whatever the input: a
# usage error, not a run that prints nothing (or, once, the default rule's words).
@pytest.mark.parametrize(
    "regex", ["", "^", "$", "(?:)", "a{0}", r"\b", r"\B", "(?=a)", "(?<=a)", "(?x) ", r"()\1"]
)
def test_a_pattern_that_matches_only_the_empty_string_is_a_usage_error(
    write_file: WriteFile, regex: str
) -> None:
    path = write_file("t.txt", "some words\n")
    message = f"Invalid value for '--pattern': {regex!r} can match only the empty string, "
    expected = usage_error(message + "so it would find no words")
    assert run_both(["--pattern", regex, str(path)]) == expected
    if regex == "":  # once printed the default rule's words for a file, none for stdin
        assert run_both(["--pattern", regex, "-"], stdin=b"some words\n") == expected


def test_a_pattern_that_may_match_the_empty_string_still_counts_what_it_matches() -> None:
    assert run_both(["--pattern", "a*", "-"], stdin=b"aa b a\n") == (b"a\t1\naa\t1\n", "", 0)
    assert run_both(["--pattern", "a|", "-"], stdin=b"aa b\n") == (b"a\t2\n", "", 0)


@pytest.mark.parametrize(
    ("regex", "complaint"),
    [
        ("a{99999999999999999999}", "the repetition number is too large"),  # OverflowError
        ("(" * 5000 + ")" * 5000, "nested too deeply"),  # RecursionError
    ],
)
def test_regexes_re_cannot_compile_are_usage_errors_too(regex: str, complaint: str) -> None:
    expected = usage_error(f"Invalid value for '--pattern': not a valid regex: {complaint}")
    assert run_both(["--pattern", regex, "-"], stdin=b"x") == expected


def test_the_library_refuses_a_pattern_that_finds_no_words(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("some words\n")
    with pytest.raises(ValueError, match="can match only the empty string"):
        count_inputs(paths=[str(path)], jobs=1, options=CountOptions(pattern="^"))


# Lines end at \n, \r\n or a lone \r, and the line end is no part of the line.
@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
def test_line_ends_are_not_part_of_the_line(write_file: WriteFile, newline: bytes) -> None:
    path = write_file("t.txt", newline.join([b"one", b"two words", b"Three", b""]))
    expected = (b"one\t1\nthree\t1\n", "", 0)
    assert run_both(["--pattern", r"^\w+$", "-n", "0", str(path)]) == expected
    # $ at the end, and a class that takes in anything but a space, see no \r either.
    assert run_both(["--pattern", r"\S+$", "-n", "0", str(path)]) == (
        b"one\t1\nthree\t1\nwords\t1\n",
        "",
        0,
    )


def test_mixed_line_ends_in_one_text_even_cut_between_cr_and_lf() -> None:
    counter = PatternCounter(r"^\w+$", case_sensitive=False)
    for chunk in [b"a\r", b"\nb\rc", b"\r", b"\n", b"d e\r\n\r\nf"]:
        counter.feed(chunk)
    assert counter.end_text() == 0
    assert counter.take_counts().counts == {b"a": 1, b"b": 1, b"c": 1, b"f": 1}


# Long lines: a match is never cut. MAX_RUN_BYTES is made small, as for the test above.
def _pattern_counts(regex: str, chunks: Iterable[bytes]) -> tuple[Counter[str], int]:
    counter = PatternCounter(regex, case_sensitive=False)
    for chunk in chunks:
        counter.feed(chunk)
    skipped = counter.end_text()
    counts = counter.take_counts().counts
    return Counter({word.decode(): count for word, count in counts.items()}), skipped


def _bytewise(data: bytes) -> Iterator[bytes]:
    return (data[index : index + 1] for index in range(len(data)))


@pytest.mark.parametrize(
    ("regex", "text", "counts", "skipped"),
    [
        # Runs of 4, 9 and 2 a's in a line of 17 bytes: the 9 are more than 8, skipped.
        # The second line has exactly 8 bytes, so it is matched whole.
        ("a+", "aaaa aaaaaaaaa aa\naaaaaaaa\n", {"aaaa": 1, "aa": 1, "aaaaaaaa": 1}, 1),
        # The first piece is "bbbbbb a ", whose match "a " reaches its end: it is carried,
        # and matched again with "aa", whole.
        ("a[a ]*", "bbbbbb a aa", {"a aa": 1}, 0),
        # "a a a a " reaches the end of the first piece; with the run after it, it would
        # be more than 8 bytes: the match and "a" are skipped, and matching goes on at the
        # space before the b's, which it does not match.
        ("a[a ]*", "a a a a a bbbbbbbb c", {}, 1),
        # A run of 9 bytes without whitespace is skipped, though the pattern finds no
        # match in it: it can neither be matched whole nor cut.
        ("x", "b bbbbbbbbb x", {"x": 1}, 1),
        # The first piece is "ab cd ab ": after the match "ab cd", the tail " ab " is
        # carried, so that the next match starts in it and goes on past the cut.
        ("[^ ]+ [^ ]+", "ab cd ab cd ab cd", {"ab cd": 3}, 0),
        # ^ matches only at the start of the line, not at the start of each piece.
        (r"^\w+|\w+$", "ab ab ab ab ab ab ab", {"ab": 2}, 0),
    ],
)
@pytest.mark.parametrize("bytewise", [False, True])
def test_long_lines_are_matched_in_pieces_and_never_cut_a_match(
    monkeypatch: pytest.MonkeyPatch,
    regex: str,
    text: str,
    counts: dict[str, int],
    skipped: int,
    bytewise: bool,
) -> None:
    monkeypatch.setattr(pattern, "MAX_RUN_BYTES", 8)
    data = text.encode()
    assert _pattern_counts(regex, _bytewise(data) if bytewise else [data]) == (counts, skipped)


def test_a_run_over_1_mib_is_skipped_as_one_word_and_the_rest_counted(
    write_file: WriteFile,
) -> None:
    long_line = write_file("long.txt", "a" * 3_000_000 + " aaa\nbaab\n")
    result = run_both(["--pattern", "a+", "-n", "0", str(long_line)])
    assert result == (
        b"aa\t1\naaa\t1\n",
        f"wordcount: warning: '{long_line}': skipped 1 word(s) longer than 1 MiB\n"
        "wordcount: 1 file with words over 1 MiB skipped\n",
        0,
    )


def test_a_match_of_exactly_1_mib_is_counted_and_one_byte_more_is_not(
    write_file: WriteFile,
) -> None:
    fits = write_file("fits.txt", "b " + "a" * (1 << 20) + " b\n")
    too_long = write_file("too_long.txt", "b " + "a" * ((1 << 20) + 1) + " b\n")
    assert run_both(["--pattern", "a+", str(fits)]) == (b"a" * (1 << 20) + b"\t1\n", "", 0)
    assert run_both(["--pattern", "a+", str(too_long)]) == (
        b"",
        f"wordcount: warning: '{too_long}': skipped 1 word(s) longer than 1 MiB\n"
        "wordcount: 1 file with words over 1 MiB skipped\n",
        0,
    )


def test_an_endless_line_is_read_in_bounded_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pattern, "MAX_RUN_BYTES", 1000)
    counter = PatternCounter(r"[^ ]+ [^ ]+", case_sensitive=False)
    chunk = b"ab cd " * 500
    for _ in range(400):  # 1.2 MB of one line, 1,200 times the limit
        counter.feed(chunk)
        assert len(counter._line) <= 1000
        assert len(counter._held) <= 1000
    assert counter.end_text() == 0
    # Every pair whole, none shifted by a cut to "cd ab".
    assert counter.take_counts().counts == {b"ab cd": 400 * 500}


# Hypothesis, over lines of a's, b's, accented letters and every kind of whitespace and
# line end, fed in chunks of any size.
TEXT = st.text(st.sampled_from("aAb\u00e9\u00c9 \t\x0b\x0c\r\n"), max_size=80)
LINE_END = re.compile(r"\r\n|\r|\n")
RUN_SEPARATOR = re.compile(r"[ \t\x0b\x0c]+")


def _chunked(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({0, len(data), *(cut % (len(data) + 1) for cut in cuts)})
    return [data[start:end] for start, end in pairwise(points)]


def _whole_lines(regex: str, text: str) -> Counter[str]:
    """What matching each whole line finds."""
    found = (re.findall(regex, normalize(line)) for line in LINE_END.split(text))
    return Counter(word for words in found for word in words if word)


@settings(max_examples=examples(300), deadline=None)
@given(
    text=TEXT,
    limit=st.integers(1, 12),
    cuts=st.lists(st.integers(0, 200), max_size=8),
    regex=st.sampled_from(["a+", "[ab]+", r"\w+", r"a[a ]*", r"\S+\s+\S+", ".+", "b|a+"]),
)
def test_lines_within_the_limit_are_matched_whole(
    text: str, limit: int, cuts: list[int], regex: str
) -> None:
    longest = max(len(line.encode()) for line in LINE_END.split(text))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pattern, "MAX_RUN_BYTES", max(limit, longest))
        found = _pattern_counts(regex, _chunked(text.encode(), cuts))
    assert found == (_whole_lines(regex, text), 0)


def _maximal_runs_model(regex: str, text: str, limit: int) -> tuple[Counter[str], int]:
    """For a pattern that never matches whitespace: a line over the limit loses just its
    runs without whitespace that are over the limit, each one skipped word."""
    counts: Counter[str] = Counter()
    skipped = 0
    for line in LINE_END.split(text):
        runs = [line] if len(line.encode()) <= limit else RUN_SEPARATOR.split(line)
        for run in runs:
            if len(run.encode()) > limit:
                skipped += 1
            else:
                counts.update(re.findall(regex, normalize(run)))
    return counts, skipped


@settings(max_examples=examples(300), deadline=None)
@given(
    text=TEXT,
    limit=st.integers(1, 12),
    cuts=st.lists(st.integers(0, 200), max_size=8),
    regex=st.sampled_from(["a+", "[ab\u00e9]+", "b|a+"]),
)
def test_a_pattern_without_whitespace_counts_whole_matches_or_skips_them(
    text: str, limit: int, cuts: list[int], regex: str
) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pattern, "MAX_RUN_BYTES", limit)
        found = _pattern_counts(regex, _chunked(text.encode(), cuts))
    assert found == _maximal_runs_model(regex, text, limit)
    if regex == "a+":  # each one a maximal run of a's, within the limit
        for word in found[0]:
            assert set(word) == {"a"}
            assert len(word) <= limit


@settings(max_examples=examples(300), deadline=None)
@given(
    text=TEXT,
    limit=st.integers(1, 12),
    cuts=st.lists(st.integers(0, 200), max_size=8),
    regex=st.sampled_from([r"a[a ]*", r"\S+\s+\S+", ".+", r"(?:ab?\s)+", r"^\w+|\w+$"]),
)
def test_any_pattern_counts_matches_within_the_limit_whatever_the_chunks(
    text: str, limit: int, cuts: list[int], regex: str
) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pattern, "MAX_RUN_BYTES", limit)
        found = _pattern_counts(regex, _chunked(text.encode(), cuts))
        assert found == _pattern_counts(regex, [text.encode()])
    lines = [normalize(line) for line in LINE_END.split(text)]
    for word in found[0]:
        assert len(word.encode()) <= limit
        assert re.fullmatch(regex, word)
        assert any(word in line for line in lines)


@pytest.mark.parametrize("piece", [1, 3, 17, 20, 21, 1000])
def test_a_long_line_is_judged_alike_whether_its_end_comes_with_it_or_later(
    monkeypatch: pytest.MonkeyPatch, piece: int
) -> None:
    """A line over the limit was once matched whole when its line feed came in the same
    chunk, and cut when it came later."""
    monkeypatch.setattr(pattern, "MAX_RUN_BYTES", 16)
    data = b"a" * 20 + b"\nxy " + b"b" * 30 + b"\n"
    chunks = [data[start : start + piece] for start in range(0, len(data), piece)]
    # Both runs without whitespace are over the limit: each is one word skipped.
    assert _pattern_counts(r"\S+", chunks) == (Counter({"xy": 1}), 2)


def test_a_long_line_of_utf8_continuation_bytes_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    """No character starts anywhere in such a line; backing off to the start of one once
    found nothing, and looped for ever."""
    monkeypatch.setattr(pattern, "MAX_RUN_BYTES", 16)
    found: list[tuple[Counter[str], int]] = []
    worker = threading.Thread(
        target=lambda: found.append(_pattern_counts(r"\S+", [b"\x80" * 40, b"\n"])), daemon=True
    )
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "the counter never finished the line"
    assert found == [(Counter(), 1)]


def test_a_long_line_gives_the_same_words_from_a_file_and_from_a_pipe(tmp_path: Path) -> None:
    path = tmp_path / "line.txt"
    data = b"a" * ((1 << 20) + 200_000) + b"\n"  # its end comes within one read of a file
    path.write_bytes(data)
    from_file = run_wordcount(["--pattern", r"\w+", "-n", "0", str(path)])
    from_pipe = run_wordcount(["--pattern", r"\w+", "-n", "0", "/dev/stdin"], stdin=data)
    assert from_file.stdout == from_pipe.stdout == b""
    for run in (from_file, from_pipe):
        assert b"skipped 1 word(s) longer than 1 MiB" in run.stderr
