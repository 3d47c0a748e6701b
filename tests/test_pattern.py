"""--pattern REGEX: a custom word rule (issue 5)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import ProcessLog, WriteFile, invoke, serial_and_parallel
from tests.test_options import run_both, usage_error
from wordcount import count_inputs
from wordcount.cli.exit_status import ExitStatus
from wordcount.engine.options import CountOptions
from wordcount.words import pattern
from wordcount.words.pattern import PatternCounter


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
