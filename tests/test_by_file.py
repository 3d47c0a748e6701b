"""--by-file: each file's counts, and in how many files each word occurs (issue 5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ProcessLog, WriteFile, invoke, serial_and_parallel
from wordcount.cli.exit_status import ExitStatus


@pytest.fixture
def two_files(write_file: WriteFile) -> tuple[Path, Path]:
    return write_file("one.txt", "a b b"), write_file("two.txt", "b c")


def test_tsv_is_long_format_in_input_order(two_files: tuple[Path, Path]) -> None:
    one, two = two_files
    result = invoke(["--by-file", str(one), str(two)])
    assert result.stdout == f"{one}\tb\t2\n{one}\ta\t1\n{two}\tb\t1\n{two}\tc\t1\n"
    assert result.exit_code == ExitStatus.SUCCESS


def test_tsv_gives_each_file_its_own_top_n(two_files: tuple[Path, Path]) -> None:
    one, two = two_files
    result = invoke(["--by-file", "-n", "1", str(one), str(two)])
    assert result.stdout == f"{one}\tb\t2\n{two}\tb\t1\n"


def test_csv_has_a_files_column(two_files: tuple[Path, Path]) -> None:
    result = invoke(["--by-file", "-f", "csv", *map(str, two_files)])
    assert result.stdout_bytes == b"word,count,files\r\nb,3,2\r\na,1,1\r\nc,1,1\r\n"


def test_json_has_files_and_each_file_s_top_n(two_files: tuple[Path, Path]) -> None:
    one, two = two_files
    result = invoke(["--by-file", "-f", "json", "-n", "1", str(one), str(two)])
    document = json.loads(result.stdout)
    assert document["top"] == [{"word": "b", "count": 3, "files": 2}]
    assert document["by_file"] == {str(one): {"b": 2}, str(two): {"b": 1}}


def test_the_table_has_a_files_column(two_files: tuple[Path, Path]) -> None:
    result = invoke(["--by-file", "-f", "table", *map(str, two_files)])
    lines = [line.split() for line in result.stdout.splitlines() if "%" in line]
    assert [line[:5] for line in lines] == [
        ["1", "b", "3", "60.00%", "2"],
        ["2", "a", "1", "20.00%", "1"],
        ["3", "c", "1", "20.00%", "1"],
    ]


def test_stdin_and_stopwords(write_file: WriteFile) -> None:
    path = write_file("one.txt", "the cat")
    result = invoke(["--by-file", "--stopwords", "en", str(path), "-"], stdin=b"the dog")
    assert result.stdout == f"{path}\tcat\t1\n<stdin>\tdog\t1\n"


def test_by_file_is_the_same_for_every_jobs(write_file: WriteFile, process_log: ProcessLog) -> None:
    big = write_file("big.txt", "alpha beta beta\n" * 200_000)  # 3.2 MB: cut into ranges
    small = write_file("small.txt", "beta gamma\n")
    result = serial_and_parallel(["--by-file", "-f", "json", str(big), str(small)], process_log)
    document = json.loads(result.stdout)
    assert document["by_file"] == {
        str(big): {"beta": 400_000, "alpha": 200_000},
        str(small): {"beta": 1, "gamma": 1},
    }
    assert document["top"][0] == {"word": "beta", "count": 400_001, "files": 2}
