"""--files-from FILE and -0: the paths to count, read from a list (find -print0 | ...)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import invoke, run_wordcount
from wordcount.sources.paths import split_path_list


@pytest.fixture
def texts(tmp_path: Path) -> Path:
    (tmp_path / "a.txt").write_bytes(b"apple apple pear\n")
    (tmp_path / "b.txt").write_bytes(b"pear plum\n")
    (tmp_path / "c.txt").write_bytes(b"fig\n")
    return tmp_path


def test_split_path_list() -> None:
    assert split_path_list(b"a\n\nb c\n") == ["a", "b c"]
    assert split_path_list(b"a\nb\0c\0\0", null=True) == ["a\nb", "c"]
    assert split_path_list(b"") == []
    assert split_path_list(b"caf\xe9.txt\n") == ["caf\udce9.txt"]


def test_a_list_one_path_a_line_with_empty_lines_skipped(texts: Path) -> None:
    listing = texts / "list"
    listing.write_bytes(f"{texts / 'a.txt'}\n\n{texts / 'b.txt'}\n\n".encode())
    result = invoke(["--files-from", str(listing), "-n", "0"])
    assert result.exit_code == 0
    # apple 2; pear 1 + 1; plum 1.
    assert result.stdout == "apple\t2\npear\t2\nplum\t1\n"


def test_a_nul_separated_list_from_stdin_combines_with_paths(texts: Path) -> None:
    stdin = f"{texts / 'a.txt'}\0{texts / 'b.txt'}\0".encode()
    result = invoke(["--files-from", "-", "-0", str(texts / "c.txt"), "-n", "0"], stdin=stdin)
    assert result.exit_code == 0
    assert result.stdout == "apple\t2\npear\t2\nfig\t1\nplum\t1\n"


def test_names_with_newlines_and_undecodable_bytes_from_a_nul_list(tmp_path: Path) -> None:
    odd = os.fsencode(tmp_path) + b"/line\nbreak \xff.txt"
    with open(odd, "wb") as file:
        file.write(b"odd name\n")
    result = run_wordcount(["--files-from", "-", "-0"], stdin=odd + b"\0")
    assert (result.stdout, result.stderr, result.returncode) == (b"name\t1\nodd\t1\n", b"", 0)


def test_a_find_print0_pipe_is_one_report(texts: Path) -> None:
    # find -print0 | wordcount --files-from - -0, as a subprocess.
    stdin = b"".join(os.fsencode(texts / name) + b"\0" for name in ("a.txt", "b.txt", "c.txt"))
    result = run_wordcount(["--files-from", "-", "-0", "-n", "2"], stdin=stdin)
    assert (result.stdout, result.returncode) == (b"apple\t2\npear\t2\n", 0)


def test_a_missing_list_is_one_usage_error(tmp_path: Path) -> None:
    missing = tmp_path / "missing.list"
    result = run_wordcount(["--files-from", str(missing)])
    assert result.returncode == 2
    assert result.stdout == b""
    assert result.stderr == (
        f"wordcount: error: --files-from '{missing}': No such file or directory\n".encode()
    )


def test_a_missing_file_in_the_list_is_an_input_error(texts: Path) -> None:
    listing = texts / "list"
    listing.write_bytes(f"{texts / 'a.txt'}\n{texts / 'nope.txt'}\n".encode())
    result = invoke(["--files-from", str(listing), "-n", "1"])
    assert result.exit_code == 1
    assert result.stdout == "apple\t2\n"
    assert "nope.txt" in result.stderr


@pytest.mark.parametrize("stdin_too", [["-"], ["/dev/stdin"], []])
@pytest.mark.parametrize("list_name", ["-", "/dev/stdin"])
def test_a_list_from_stdin_leaves_no_stdin_to_count(
    texts: Path, stdin_too: list[str], list_name: str
) -> None:
    listed = b"-\n" if not stdin_too else f"{texts / 'a.txt'}\n".encode()
    result = invoke(["--files-from", list_name, *stdin_too], stdin=listed)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "cannot also be an input" in result.stderr


def test_an_empty_list_counts_nothing_rather_than_reading_stdin() -> None:
    result = invoke(["--files-from", os.devnull, "-n", "0"], stdin=b"never read\n")
    assert (result.exit_code, result.stdout) == (0, "")


def test_null_without_a_list_is_a_usage_error(texts: Path) -> None:
    result = invoke(["-0", str(texts)])
    assert result.exit_code == 2
    assert "--files-from" in result.stderr
