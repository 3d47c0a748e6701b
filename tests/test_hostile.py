"""Hostile data: words with control characters, odd file names, narrow output encodings.

The default rule never lets a control character into a word, but options to come
(--pattern, --case-sensitive) can; every format must stay safe whatever a word holds.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections import Counter
from pathlib import Path

import pytest
from rich.console import Console

from tests.conftest import WriteFile, invoke, run_wordcount
from wordcount.analysis.ranking import ranked
from wordcount.analysis.statistics import Totals
from wordcount.cli.ending import ExitStatus
from wordcount.cli.terminal import render_table
from wordcount.formats.words import csv_lines, json_lines, tsv_lines

# A terminal title change, a CSI colour, DEL, a C1 CSI, a tab, a newline, a backslash.
HOSTILE = Counter(
    {"\x1b]0;pwned\x07": 3, "red\x1b[31m": 2, "del\x7f": 2, "c1\x9b2J": 1, "a\tb\nc\\d": 1}
)
RAW_CONTROLS = [chr(code) for code in [*range(0x20), *range(0x7F, 0xA0)]]


def _render(force_terminal: bool) -> str:
    console = Console(
        file=io.StringIO(), width=100, force_terminal=force_terminal, color_system="standard"
    )
    totals = Totals(total_words=9, unique_words=5, files=1)
    console.print(render_table(ranked(HOSTILE, top=0), totals, elapsed_seconds=0.5))
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(output, str)
    return output


@pytest.mark.parametrize("force_terminal", [False, True], ids=["plain", "colour"])
def test_the_table_shows_control_characters_as_escapes(force_terminal: bool) -> None:
    output = _render(force_terminal)
    for shown in ("\\x1b]0;pwned\\x07", "red\\x1b[31m", "del\\x7f", "c1\\x9b2J", "a\\x09b\\x0ac"):
        assert shown in output
    # rich's own colours use ESC [ ... m; nothing of the words' own sequences gets through.
    for raw in ("\x1b]", "\x07", "\x7f", "\x9b", "\x1b[31m"):
        assert raw not in output


def test_tsv_escapes_so_each_row_is_one_line_of_two_fields() -> None:
    text = "".join(tsv_lines(ranked(HOSTILE, top=0)))
    assert text == (
        "\\x1b]0;pwned\\x07\t3\ndel\\x7f\t2\nred\\x1b[31m\t2\na\\tb\\nc\\\\d\t1\nc1\\x9b2J\t1\n"
    )


def test_csv_quotes_words_with_controls_and_parses_back() -> None:
    text = "".join(csv_lines(ranked(HOSTILE, top=0)))
    assert '"a\tb\nc\\d",1\r\n' in text
    assert '"\x1b]0;pwned\x07",3\r\n' in text
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert [(word, int(count)) for word, count in rows[1:]] == ranked(HOSTILE, top=0)


def test_json_escapes_every_control_and_parses_back() -> None:
    totals = Totals(total_words=9, unique_words=5, files=1)
    text = "".join(json_lines(ranked(HOSTILE, top=0), totals))
    assert not any(char in text for char in RAW_CONTROLS if char != "\n")
    for escaped in ("\\u001b]0;pwned\\u0007", "del\\u007f", "\\u009b"):
        assert escaped in text
    document = json.loads(text)
    assert [(row["word"], row["count"]) for row in document["top"]] == ranked(HOSTILE, top=0)


@pytest.mark.parametrize(
    "name",
    ["-n", "a file with spaces.txt", "new\nline.txt", "--top"],
)
def test_odd_file_names_are_counted(write_file: WriteFile, name: str) -> None:
    path = write_file(name, "odd name")
    result = invoke(["--", str(path)] if name.startswith("-") else [str(path)])
    assert result.stdout_bytes == b"name\t1\nodd\t1\n"
    assert (result.stderr, result.exit_code) == ("", ExitStatus.SUCCESS)


def test_double_dash_ends_the_options(tmp_path: Path) -> None:
    (tmp_path / "-n").write_bytes(b"dash dash")
    result = run_wordcount(["--", "-n"], cwd=tmp_path)
    assert result.stdout == b"dash\t2\n"
    assert result.returncode == ExitStatus.SUCCESS


def test_a_name_that_is_not_utf8_is_counted_and_shown_escaped(tmp_path: Path) -> None:
    directory = os.fsencode(tmp_path)
    with open(os.path.join(directory, b"caf\xe9.txt"), "wb") as file:
        file.write(b"latin name")
    missing = os.path.join(directory, b"gone\xff\x1b[31m.txt")
    result = run_wordcount([os.fsdecode(directory), os.fsdecode(missing)])
    assert result.stdout == b"latin\t1\nname\t1\n"
    assert result.stderr.decode() == (
        f"wordcount: error: '{tmp_path}/gone\\xff\\x1b[31m.txt': No such file or directory\n"
        "wordcount: 1 file unreadable\n"
    )
    assert result.returncode == ExitStatus.INPUT_ERROR


@pytest.mark.parametrize("output_format", ["tsv", "table", "csv", "json"])
def test_an_ascii_output_stream_gets_escapes_not_a_crash(
    write_file: WriteFile, output_format: str
) -> None:
    path = write_file("words.txt", "se\u00f1or se\u00f1or \u00e9t\u00e9")
    result = run_wordcount(["-f", output_format, str(path)], env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == ExitStatus.SUCCESS, result.stderr
    assert result.stderr == b""
    assert result.stdout.isascii()
    # JSON must stay JSON: it gets JSON's own escape.
    assert (b"se\\u00f1or" if output_format == "json" else b"se\\xf1or") in result.stdout


def test_the_c_locale_still_writes_utf8(write_file: WriteFile) -> None:
    path = write_file("words.txt", "se\u00f1or")
    result = run_wordcount([str(path)], env={"LC_ALL": "C", "LANG": "C"})
    assert result.returncode == ExitStatus.SUCCESS
    assert result.stdout == "se\u00f1or\t1\n".encode()
