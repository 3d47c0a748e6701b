"""--by-file: each file's counts, and in how many files each word occurs (issue 5)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import ProcessLog, WriteFile, invoke, serial_and_parallel
from wordcount.cli.ending import ExitStatus


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


def test_csv_is_long_format_like_tsv(two_files: tuple[Path, Path]) -> None:
    one, two = two_files
    result = invoke(["--by-file", "-f", "csv", "-n", "1", str(one), str(two)])
    assert result.stdout_bytes == f"file,word,count\r\n{one},b,2\r\n{two},b,1\r\n".encode()


def test_csv_quotes_a_file_name_that_needs_it(write_file: WriteFile) -> None:
    path = write_file('a,"b".txt', "x")
    result = invoke(["--by-file", "-f", "csv", str(path)])
    quoted = '"' + str(path).replace('"', '""') + '"'
    assert result.stdout_bytes == f"file,word,count\r\n{quoted},x,1\r\n".encode()


def test_json_has_files_and_each_file_s_top_n(two_files: tuple[Path, Path]) -> None:
    one, two = two_files
    result = invoke(["--by-file", "-f", "json", "-n", "1", str(one), str(two)])
    document = json.loads(result.stdout)
    assert document["top"] == [{"word": "b", "count": 3, "files": 2}]
    assert document["by_file"] == [
        {"file": str(one), "top": [{"word": "b", "count": 2}]},
        {"file": str(two), "top": [{"word": "b", "count": 1}]},
    ]


def test_the_table_ends_with_the_merged_view_and_its_files_column(
    two_files: tuple[Path, Path],
) -> None:
    result = invoke(["--by-file", "-f", "table", *map(str, two_files)])
    merged = result.stdout.split("all 2 files\n")[1]
    lines = [line.split() for line in merged.splitlines() if "%" in line]
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
    assert document["by_file"] == [
        {
            "file": str(big),
            "top": [{"word": "beta", "count": 400_000}, {"word": "alpha", "count": 200_000}],
        },
        {"file": str(small), "top": [{"word": "beta", "count": 1}, {"word": "gamma", "count": 1}]},
    ]
    assert document["top"][0] == {"word": "beta", "count": 400_001, "files": 2}


# -- issue 14: a file reached twice, and --ties ------------------------------------------------


def ranked_rows(words: str, top: int = 0, *, ties: bool = False) -> list[tuple[str, int]]:
    """A file's words in report order, worked out here: count descending, then word."""
    rows = sorted(Counter(words.split()).items(), key=lambda row: (-row[1], row[0]))
    if top == 0 or len(rows) <= top:
        return rows
    last = rows[top - 1][1]
    return [row for index, row in enumerate(rows) if index < top or (ties and row[1] == last)]


@pytest.fixture
def texts(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    directory = tmp_path / "texts"
    directory.mkdir()
    words = {"a.txt": "a b b", "b.txt": "b c", "c.txt": "c c d"}
    for name, text in words.items():
        (directory / name).write_text(text)
    return directory, words


def test_a_file_reached_twice_is_an_entry_each_time_as_in_the_totals(
    texts: tuple[Path, dict[str, str]],
) -> None:
    directory, words = texts
    again = directory / "a.txt"
    # The walk finds a, b and c in name order; then a.txt as named.
    reached = [(str(directory / name), text) for name, text in words.items()]
    reached.append((str(again), words["a.txt"]))
    args = ["--by-file", "-n", "0", str(directory), str(again)]

    tsv = invoke(args)
    assert tsv.stdout == "".join(
        f"{path}\t{word}\t{count}\n" for path, text in reached for word, count in ranked_rows(text)
    )

    document = json.loads(invoke([*args, "-f", "json"]).stdout)
    assert document["files"] == len(reached) == 4
    assert document["by_file"] == [
        {"file": path, "top": [{"word": w, "count": n} for w, n in ranked_rows(text)]}
        for path, text in reached
    ]
    # The totals and the files column count a.txt's words in both of its entries.
    totals = ranked_rows(" ".join(text for _, text in reached))
    in_files = Counter(word for _, text in reached for word in set(text.split()))
    assert in_files["a"] == 2
    assert document["top"] == [
        {"word": word, "count": count, "files": in_files[word]} for word, count in totals
    ]

    csv = invoke([*args, "-f", "csv"])
    assert csv.stdout_bytes == b"file,word,count\r\n" + b"".join(
        f"{path},{word},{count}\r\n".encode()
        for path, text in reached
        for word, count in ranked_rows(text)
    )
    table = invoke([*args, "-f", "table"])
    assert table.stdout.count(f"'{again}'\n") == 2  # a section each time it is reached
    merged = table.stdout.split("all 4 files\n")[1]
    rows = [line.split() for line in merged.splitlines() if "%" in line]
    assert [(row[1], int(row[2]), int(row[4])) for row in rows] == [
        (word, count, in_files[word]) for word, count in totals
    ]
    assert "4 files" in table.stdout


def test_a_big_file_named_twice_is_two_entries_for_every_jobs(
    write_file: WriteFile, process_log: ProcessLog
) -> None:
    big = write_file("big.txt", "alpha beta beta\n" * 70_000)  # 1.1 MB, twice over 2 MiB
    result = serial_and_parallel(["--by-file", "-f", "json", str(big), str(big)], process_log)
    document = json.loads(result.stdout)
    entry = {
        "file": str(big),
        "top": [{"word": "beta", "count": 140_000}, {"word": "alpha", "count": 70_000}],
    }
    assert document["by_file"] == [entry, entry]
    assert document["files"] == 2


@pytest.mark.parametrize("top", [1, 2, 4])
def test_ties_apply_to_each_file_s_list_in_every_format(write_file: WriteFile, top: int) -> None:
    words = {"one.txt": "a b b c c d d e", "two.txt": "x y z z"}
    paths = {name: str(write_file(name, text)) for name, text in words.items()}
    args = ["--by-file", "--ties", "-n", str(top), *paths.values()]
    expected = [(paths[name], ranked_rows(text, top, ties=True)) for name, text in words.items()]
    assert any(len(rows) > top for _, rows in expected)  # some list does tie past the Nth

    tsv = invoke(args)
    assert tsv.stdout == "".join(
        f"{path}\t{word}\t{count}\n" for path, rows in expected for word, count in rows
    )
    document = json.loads(invoke([*args, "-f", "json"]).stdout)
    assert document["by_file"] == [
        {"file": path, "top": [{"word": w, "count": n} for w, n in rows]} for path, rows in expected
    ]
    everything = " ".join(words.values())
    assert [(row["word"], row["count"]) for row in document["top"]] == ranked_rows(
        everything, top, ties=True
    )


def test_min_count_judges_a_word_by_its_total_in_each_file_s_list_and_its_range(
    write_file: WriteFile,
) -> None:
    """--min-count keeps a word by its total, as the main list does; each file that has
    the word then lists it, and its files column counts them (it said 0)."""
    one, two = write_file("one.txt", "x x x y"), write_file("two.txt", "x x x z y")
    args = ["--by-file", "--min-count", "2", "-n", "0", str(one), str(two)]
    # Kept: x (6) and y (2); z (1) is not. y is once in each file, under 2 in either.
    tsv = invoke(args)
    assert tsv.stdout == f"{one}\tx\t3\n{one}\ty\t1\n{two}\tx\t3\n{two}\ty\t1\n"
    csv = invoke([*args, "-f", "csv"])
    assert csv.stdout_bytes == (
        f"file,word,count\r\n{one},x,3\r\n{one},y,1\r\n{two},x,3\r\n{two},y,1\r\n".encode()
    )
    document = json.loads(invoke([*args, "-f", "json"]).stdout)
    assert [entry["top"] for entry in document["by_file"]] == 2 * [
        [{"word": "x", "count": 3}, {"word": "y", "count": 1}]
    ]
    assert document["top"] == [
        {"word": "x", "count": 6, "files": 2},
        {"word": "y", "count": 2, "files": 2},
    ]
