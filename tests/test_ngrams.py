"""--ngrams N: exact at every unit boundary, never across files (issue 5)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ProcessLog, WriteFile, examples, invoke, serial_and_parallel
from tests.test_tokens import TEXT as TRICKY_TEXT
from wordcount import reference_words
from wordcount.cli.ending import ExitStatus
from wordcount.engine.options import CountOptions
from wordcount.engine.run import count_inputs
from wordcount.words.ngrams import NgramOptions


def _reference_ngrams(
    texts: list[str], size: int, stopwords: frozenset[str] = frozenset(), min_length: int = 1
) -> Counter[str]:
    counts: Counter[str] = Counter()
    for text in texts:  # one file each: no n-gram joins two
        words = [
            word
            for word in reference_words(text)
            if word not in stopwords and len(word) >= min_length
        ]
        for start in range(len(words) - size + 1):
            counts[" ".join(words[start : start + size])] += 1
    return counts


@settings(
    max_examples=examples(150),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    texts=st.lists(TRICKY_TEXT, min_size=1, max_size=3),
    size=st.integers(2, 4),
    unit_bytes=st.integers(1, 40),
    filtered=st.booleans(),
)
def test_ngrams_of_any_units_equal_the_plain_rule(
    tmp_path: Path, texts: list[str], size: int, unit_bytes: int, filtered: bool
) -> None:
    paths = []
    for index, text in enumerate(texts):
        path = tmp_path / f"{index}.txt"
        path.write_bytes(text.encode("utf-8"))
        paths.append(str(path))
    stopwords, min_length = (frozenset({"a", "the"}), 2) if filtered else (frozenset(), 1)
    options = CountOptions(binary_as_text=True, ngrams=NgramOptions(size, stopwords, min_length))
    result = count_inputs(
        paths=paths, jobs=2, unit_bytes=unit_bytes, pool_min_bytes=1 << 40, options=options
    )
    assert result.counts == _reference_ngrams(texts, size, stopwords, min_length)


LINE = "The cat sat. The cat ran.\n"  # bigrams: the cat 2, cat sat, sat the, cat ran, ran the


def test_bigrams_by_hand(write_file: WriteFile) -> None:
    path = write_file("t.txt", LINE + "the end\n")
    result = invoke(["--ngrams", "2", "-n", "0", str(path)])
    assert result.stdout == (
        "the cat\t2\ncat ran\t1\ncat sat\t1\nran the\t1\nsat the\t1\nthe end\t1\n"
    )
    assert result.exit_code == ExitStatus.SUCCESS


def test_stopwords_leave_the_sequence_before_ngrams_form(write_file: WriteFile) -> None:
    path = write_file("t.txt", LINE + "the end\n")  # without "the": cat sat cat ran end
    result = invoke(["--ngrams", "2", "--stopwords", "en", "-n", "0", str(path)])
    assert result.stdout == "cat ran\t1\ncat sat\t1\nran end\t1\nsat cat\t1\n"


def test_no_ngram_spans_two_files(write_file: WriteFile) -> None:
    first = write_file("a.txt", "one two")
    second = write_file("b.txt", "three four")
    result = invoke(["--ngrams", "2", "-n", "0", str(first), str(second)])
    assert result.stdout == "one two\t1\nthree four\t1\n"


def test_min_count_applies_to_ngrams(write_file: WriteFile) -> None:
    path = write_file("t.txt", LINE)
    result = invoke(["--ngrams", "2", "--min-count", "2", "-n", "0", str(path)])
    assert result.stdout == "the cat\t2\n"


# Seconds: pools started for every -j (make test-slow).
@pytest.mark.slow
def test_ngrams_are_the_same_for_every_jobs(write_file: WriteFile, process_log: ProcessLog) -> None:
    big = write_file("big.txt", LINE * 120_000)  # 3.1 MB: -j 2 cuts it and starts a pool
    result = serial_and_parallel(["--ngrams", "3", "-n", "0", str(big)], process_log)
    # Per line "the cat sat the cat ran": 4 trigrams inside it, and 2 that reach into the
    # next line, which the last line has not.
    assert result.stdout == (
        b"cat sat the\t120000\nsat the cat\t120000\nthe cat ran\t120000\nthe cat sat\t120000\n"
        b"cat ran the\t119999\nran the cat\t119999\n"
    )


# Seconds: pools started for every -j (make test-slow).
@pytest.mark.slow
def test_a_range_cut_inside_a_character_past_the_lookahead_is_no_invalid_utf8(
    tmp_path: Path, process_log: ProcessLog
) -> None:
    """The words that complete a range's last n-grams are read past its end; the token
    still open there, perhaps cut inside a character, is not a word of this range (it
    was once read as invalid UTF-8, and -j 2 warned where -j 1 did not)."""
    line = "我喜欢学习中文" * 10 + "\n"
    # Shifted by 0, 1 and 2 bytes, the place where reading past a range stops falls
    # inside a character in at least one of them.
    for shift in ("", "a", "ab"):
        path = tmp_path / f"han{len(shift)}.txt"
        path.write_text(shift + line * 15_000, encoding="utf-8")  # 3.2 MB
        parallel = serial_and_parallel(["--ngrams", "2", "-n", "3", str(path)], process_log)
        assert b"cp1252" not in parallel.stderr
