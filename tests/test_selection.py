"""Corpus controls: stop words, minimum length and count, ties, statistics (issue 5).

TEXT's counts, by hand: the 4, and 2, cat 2, dog 2, a 1, end 1, ran 1, sat 1 (14 tokens,
8 types, 4 hapax legomena).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from tests.conftest import (
    ProcessLog,
    WriteFile,
    invoke,
    run_wordcount,
    serial_and_parallel,
    workers_of,
)
from wordcount.analysis.statistics import Totals
from wordcount.analysis.stopwords import load_stopwords
from wordcount.cli.ending import ExitStatus
from wordcount.cli.terminal import render_table
from wordcount.engine.run import count_inputs

TEXT = "The cat and the dog. The cat sat; a dog ran, and the end.\n"


@pytest.fixture
def text_file(write_file: WriteFile) -> Path:
    return write_file("text.txt", TEXT)


def _run(args: list[str]) -> tuple[str, str]:
    result = invoke(args)
    assert result.exit_code == ExitStatus.SUCCESS, result.output
    return result.stdout, result.stderr


def test_builtin_stopwords(text_file: Path) -> None:
    stdout, _ = _run([str(text_file), "-n", "0", "--stopwords", "en"])
    assert stdout == "cat\t2\ndog\t2\nend\t1\nran\t1\nsat\t1\n"


def test_every_builtin_list_loads() -> None:
    for language, word in (("de", "der"), ("en", "the"), ("es", "el"), ("fr", "le")):
        assert word in load_stopwords([language]).words


def test_a_stopword_file_is_normalized_by_the_rule(write_file: WriteFile) -> None:
    # A curly apostrophe, capitals and comments: "don't" and "cat" are the stop words.
    stopwords = write_file("stop.txt", "Don\u2019t  # the usual contraction\n# a comment\nCAT\n")
    text = write_file("t.txt", "Don't stop the cat")
    stdout, _ = _run([str(text), "-n", "0", "--stopwords", str(stopwords)])
    assert stdout == "stop\t1\nthe\t1\n"


def test_stopwords_repeat(text_file: Path, write_file: WriteFile) -> None:
    extra = write_file("more.txt", "cat\n")
    stdout, _ = _run([str(text_file), "-n", "0", "--stopwords", "en", "--stopwords", str(extra)])
    assert stdout == "dog\t2\nend\t1\nran\t1\nsat\t1\n"


def test_min_length_counts_characters_after_normalization(write_file: WriteFile) -> None:
    text = write_file("t.txt", "\ufb01 a bb")  # the ligature is one character, "fi" two
    stdout, _ = _run([str(text), "-n", "0", "--min-length", "2"])
    assert stdout == "bb\t1\nfi\t1\n"


def test_min_count(text_file: Path) -> None:
    stdout, _ = _run([str(text_file), "-n", "0", "--min-count", "2"])
    assert stdout == "the\t4\nand\t2\ncat\t2\ndog\t2\n"


def test_ties_show_every_word_tied_with_the_last(text_file: Path) -> None:
    stdout, _ = _run([str(text_file), "-n", "2", "--ties"])
    assert stdout == "the\t4\nand\t2\ncat\t2\ndog\t2\n"
    stdout, _ = _run([str(text_file), "-n", "2"])
    assert stdout == "the\t4\nand\t2\n"


def test_stats_in_json(text_file: Path) -> None:
    stdout, _ = _run([str(text_file), "-f", "json", "-n", "1", "--stats"])
    assert json.loads(stdout)["stats"] == {
        "tokens": 14,
        "types": 8,
        "type_token_ratio": 8 / 14,
        "hapax_legomena": 4,
        "tokens_per_file": 14.0,
    }


def test_stats_go_to_stderr_for_tsv_and_csv(text_file: Path) -> None:
    for output_format, first_line in (("tsv", "the\t4\n"), ("csv", "word,count\r\n")):
        result = invoke([str(text_file), "-f", output_format, "-n", "1", "--stats"])
        assert result.stdout_bytes.decode().startswith(first_line)
        assert "tokens" not in result.stdout
        assert result.stderr == (
            "tokens\t14\ntypes\t8\ntype_token_ratio\t0.571429\nhapax_legomena\t4\n"
            "tokens_per_file\t14.0\n"
        )


def test_stats_describe_the_selection(text_file: Path) -> None:
    stdout, _ = _run([str(text_file), "-f", "json", "--stopwords", "en", "--stats"])
    assert json.loads(stdout)["stats"] == {
        "tokens": 7,
        "types": 5,
        "type_token_ratio": 5 / 7,
        "hapax_legomena": 3,
        "tokens_per_file": 7.0,
    }


def test_stats_panel_under_the_table(text_file: Path) -> None:
    stdout, _ = _run([str(text_file), "-f", "table", "-n", "1", "--stats"])
    assert "statistics" in stdout
    assert "type token ratio" in stdout
    assert "0.5714" in stdout


def test_controls_give_the_same_bytes_for_every_jobs(
    write_file: WriteFile, process_log: ProcessLog
) -> None:
    big = write_file("big.txt", TEXT * 50_000)  # 2.9 MB: -j 2 starts a pool
    args = ["-n", "3", "--ties", "--stopwords", "en", "--min-count", "2", "--min-length", "3"]
    args += ["-f", "json", "--stats", str(big)]
    document = json.loads(serial_and_parallel(args, process_log).stdout)
    assert document["top"] == [
        {"word": "cat", "count": 100_000},
        {"word": "dog", "count": 100_000},
        {"word": "end", "count": 50_000},
        {"word": "ran", "count": 50_000},
        {"word": "sat", "count": 50_000},
    ]
    assert document["stats"]["tokens"] == 350_000


def test_each_table_row_has_a_bar_in_proportion_to_its_count() -> None:
    console = Console(file=io.StringIO(), width=80, color_system=None)
    rows = [("a", 4), ("b", 2), ("c", 1)]
    console.print(render_table(rows, Totals(7, 3, 1), elapsed_seconds=0.1))
    lines = console.file.getvalue().splitlines()  # type: ignore[attr-defined]
    bars = {line.split()[1]: line.count("\u2588") for line in lines if "%" in line}
    assert bars == {"a": 20, "b": 10, "c": 5}


def test_a_long_word_comes_out_whole_in_tsv_whatever_columns_says() -> None:
    word = "w" * 200
    result = run_wordcount(["-"], stdin=word.encode(), env={"COLUMNS": "20"})
    assert result.stdout == f"{word}\t1\n".encode()


@pytest.mark.parametrize("jobs", [1, 2])
def test_progress_follows_the_bytes_counted(write_file: WriteFile, jobs: int) -> None:
    big = write_file("big.txt", TEXT * 50_000)
    seen: list[tuple[int, int]] = []
    result = count_inputs(
        paths=[str(big)],
        jobs=jobs,
        unit_bytes=256 << 10,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert result.counts["cat"] == 100_000
    assert workers_of(result) == (0 if jobs == 1 else 2)
    size = big.stat().st_size
    assert seen[-1] == (size, size)
    assert len(seen) > 5
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_case_sensitive_keeps_capitals(write_file: WriteFile) -> None:
    # NFKC still applies (the ligature), and so does the apostrophe rule.
    text = write_file("t.txt", "The the THE \u00dcber \u00fcber \ufb01nd Don\u2019t")
    stdout, _ = _run([str(text), "-n", "0", "--case-sensitive"])
    assert stdout == ("Don't\t1\nTHE\t1\nThe\t1\nfind\t1\nthe\t1\n\u00dcber\t1\n\u00fcber\t1\n")


def test_case_sensitive_is_the_same_for_every_jobs(
    write_file: WriteFile, process_log: ProcessLog
) -> None:
    big = write_file("big.txt", TEXT * 50_000)
    result = serial_and_parallel(["-n", "0", "--case-sensitive", str(big)], process_log)
    # Each line has "The" twice and "the" twice; capitals sort first (by code point).
    assert result.stdout == (
        b"The\t100000\nand\t100000\ncat\t100000\ndog\t100000\nthe\t100000\n"
        b"a\t50000\nend\t50000\nran\t50000\nsat\t50000\n"
    )


@pytest.mark.parametrize(
    ("env", "colour", "any_escape"),
    [
        ({"TERM": "xterm"}, False, False),  # a pipe: plain text
        ({"TERM": "xterm", "FORCE_COLOR": "1"}, True, True),
        ({"TERM": "xterm", "FORCE_COLOR": "1", "NO_COLOR": "1"}, False, True),  # bold stays
        ({"TERM": "dumb", "FORCE_COLOR": "1"}, False, False),
    ],
)
def test_colour_follows_no_color_force_color_and_term(
    text_file: Path, env: dict[str, str], colour: bool, any_escape: bool
) -> None:
    full_env = {"NO_COLOR": "", **env}
    result = run_wordcount(["-f", "table", "-n", "1", str(text_file)], env=full_env)
    output = result.stdout.decode()
    assert ("\x1b[36m" in output) is colour  # the share column's cyan
    assert ("\x1b[" in output) is any_escape
