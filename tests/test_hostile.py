"""Hostile data: words with control characters, odd file names, narrow output encodings.

The default rule never lets a control character into a word, but options to come
(--pattern, --case-sensitive) can; every format must stay safe whatever a word holds.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import resource
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from rich.console import Console

import wordcount
from tests.conftest import BIN_DIR, PINNED_ENV, WriteFile, invoke, run_wordcount, with_ctrl_c
from wordcount.analysis.ranking import ranked
from wordcount.analysis.statistics import Statistics, Totals
from wordcount.cli.ending import ExitStatus
from wordcount.cli.terminal import render_table
from wordcount.exceptions import OptionsError
from wordcount.formats.words import csv_lines, json_lines, tsv_lines
from wordcount.words.segment import icu_version

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


# Issue 22, item 7: the rest of the hostile list.


def test_the_output_file_and_its_temporary_file_are_never_counted(tmp_path: Path) -> None:
    """-o into a directory being counted: its temporary file (hidden: --hidden walks it)
    and, on a second run, FILE itself, were counted as inputs."""
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "a.txt").write_text("alpha beta\n")
    output = texts / "out.json"
    for _ in range(2):  # the second run finds out.json there
        result = invoke([str(texts), "--hidden", "--by-file", "-f", "json", "-o", str(output)])
        assert result.exit_code == 0
        document = json.loads(output.read_text())
        assert (document["files"], document["total_words"]) == (1, 2)
        assert [entry["file"] for entry in document["by_file"]] == [str(texts / "a.txt")]


def test_the_temporary_file_is_not_said_to_be_skipped_as_hidden(tmp_path: Path) -> None:
    """Without --hidden the walk passed over it, and said "1 file skipped (hidden)" of a
    directory that holds no hidden file."""
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "a.txt").write_text("alpha beta\n")
    result = invoke([str(texts), "-o", str(texts / "out.tsv")])
    assert (result.exit_code, result.stderr) == (0, "")
    assert (texts / "out.tsv").read_text() == "alpha\t1\nbeta\t1\n"


def _blocked_on_a_list(fifo: Path) -> subprocess.Popen[bytes]:
    """The installed command, reading --files-from FIFO: a list that never ends."""
    process = subprocess.Popen(
        [str(BIN_DIR / "wordcount"), "--files-from", str(fifo)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **PINNED_ENV},
        preexec_fn=with_ctrl_c,
    )
    deadline = time.monotonic() + 30
    # Reading: the FIFO is among its open files (this test holds the FIFO's other end).
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            links = [os.readlink(entry) for entry in Path(f"/proc/{process.pid}/fd").iterdir()]
            if str(fifo) in links:
                return process
        time.sleep(0.02)
    process.kill()
    raise AssertionError("wordcount never opened the list")


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs /proc")
@pytest.mark.parametrize(
    ("signal_number", "status"),
    [(signal.SIGTERM, 143), (signal.SIGHUP, 129), (signal.SIGINT, 130)],
    ids=["TERM", "HUP", "INT"],
)
def test_a_signal_before_counting_is_its_status_and_no_output(
    tmp_path: Path, signal_number: int, status: int
) -> None:
    """Waiting on a --files-from FIFO, every signal was 130 and a blank line on stderr."""
    fifo = tmp_path / "list"
    os.mkfifo(fifo)
    writer = os.open(fifo, os.O_RDWR)  # never closed for writing: the list never ends
    try:
        process = _blocked_on_a_list(fifo)
        process.send_signal(signal_number)
        stdout, stderr = process.communicate(timeout=30)
    finally:
        os.close(writer)
        with contextlib.suppress(NameError):  # never left running, whatever failed
            process.kill()
            process.communicate()
    assert (process.returncode, stdout, stderr) == (status, b"", b"")


@pytest.mark.parametrize(
    "args",
    [
        ["--stopwords", "/dev/stdin"],  # no PATH: standard input is the text
        ["--counts", "/dev/stdin", "-"],
        ["--against", "/dev/stdin"],
        ["--against", "/proc/self/fd/0", "-"],
        ["--against-counts", "/dev/fd/0", "-"],
        ["book.txt", "--stopwords", "-", "--counts", "/dev/stdin"],
        # A --files-from list read from it took it from the other option: an empty stop
        # list, an empty reference, a list of the stop words' names.
        ["--files-from", "-", "--stopwords", "/dev/stdin"],
        ["--stopwords", "/dev/stdin", "--files-from", "-"],
        ["--files-from", "/dev/stdin", "--against", "-"],
        ["--files-from", "-", "--counts", "/dev/stdin"],
    ],
)
def test_standard_input_is_read_once(args: list[str]) -> None:
    """Each read standard input a second time, and found it empty or took the text for
    a list: a stop list of the text, an empty file added, an empty reference."""
    result = invoke(args, stdin=b"alpha gamma\n")
    assert result.exit_code == ExitStatus.USAGE_ERROR
    assert result.stdout == ""
    assert "standard input can be read only once" in result.stderr
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("option", ["--counts", "--against-counts"])
def test_saved_counts_from_dash_are_a_usage_error(
    option: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--counts -` opened a file named "-" (here one that exists, and would be read)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "-").write_text("{}")
    (tmp_path / "a.txt").write_text("alpha\n")
    result = invoke(["a.txt", option, "-"])
    assert result.exit_code == ExitStatus.USAGE_ERROR
    assert f"{option} reads saved counts from files, not '-'" in result.stderr


def test_a_saved_count_from_dev_stdin_is_read_once(tmp_path: Path) -> None:
    saved = tmp_path / "saved.json"
    assert (
        invoke(
            [str(_text(tmp_path, "alpha beta alpha")), "-f", "json", "-n", "0", "-o", str(saved)]
        ).exit_code
        == 0
    )
    result = run_wordcount(["--counts", "/dev/stdin"], stdin=saved.read_bytes())
    assert (result.returncode, result.stdout) == (0, b"alpha\t2\nbeta\t1\n")


def _text(directory: Path, text: str) -> Path:
    path = directory / "text.txt"
    path.write_text(text)
    return path


def _under_memory_limit(limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _run_limited(args: list[str], limit: int) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [str(BIN_DIR / "wordcount"), *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env={**os.environ, **PINNED_ENV},
        preexec_fn=lambda: _under_memory_limit(limit),
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_out_of_memory_loading_a_saved_count_names_it(tmp_path: Path) -> None:
    """It said "while loading Python modules"."""
    words = " ".join(f"w{number}" for number in range(400_000))
    saved = tmp_path / "big.json"
    assert (
        invoke([str(_text(tmp_path, words)), "-f", "json", "-n", "0", "-o", str(saved)]).exit_code
        == 0
    )
    # Room for Python and wordcount (they start in about 40 MB), not for 400,000 words
    # decoded from JSON as Python objects (some 100 MB).
    result = _run_limited(["--counts", str(saved)], 100 << 20)
    assert result.returncode == ExitStatus.OUT_OF_MEMORY
    assert (
        result.stderr
        == (
            f"wordcount: error: out of memory: while loading the saved count '{saved}'; "
            "nothing was printed\n"
        ).encode()
    )


@pytest.mark.slow
@pytest.mark.skipif(icu_version() is None, reason="needs the icu extra")
def test_out_of_memory_starting_icu_is_no_missing_extra(tmp_path: Path) -> None:
    """Under a memory limit that leaves no room to map ICU's data library, the run said
    "needs ICU: pip install", with status 2."""
    path = _text(tmp_path, "alpha")
    said = set()
    for megabytes in (35, 45, 55, 65):
        result = _run_limited(["--segment", "icu", str(path)], megabytes << 20)
        assert b"needs ICU" not in result.stderr
        # (Where memory runs out decides the rest: CPython itself may fail with a
        # SystemError deep in an import. Never the usage error of a missing extra.)
        assert result.returncode != ExitStatus.USAGE_ERROR
        said.add(result.stderr)
    assert (
        b"wordcount: error: out of memory: while starting ICU (--segment icu); "
        b"nothing was printed\n"
    ) in said


def test_the_type_token_ratio_keeps_six_significant_digits(tmp_path: Path) -> None:
    """1 type in 30,000 tokens: json rounded the ratio to 4 decimals, 0.0."""
    path = _text(tmp_path, "a " * 30_000)
    document = json.loads(invoke([str(path), "-f", "json", "--stats"]).stdout)
    assert document["stats"]["type_token_ratio"] == 1 / 30_000
    result = invoke([str(path), "-f", "tsv", "--stats"])
    assert "type_token_ratio\t3.33333e-05\n" in result.stderr
    # 33 types in 2,670,000 tokens, as the issue found: 1.2359550...e-05.
    statistics = Statistics(Totals(2_670_000, 33, 5), hapax_legomena=0)
    assert dict(statistics.rows())["type_token_ratio"] == "1.23596e-05"


def test_an_ascii_stdout_gets_ascii_bars_and_aligned_rows(tmp_path: Path) -> None:
    """PYTHONIOENCODING=ascii: bars were printed as literal \\u2588 text, and a row with
    \\xe1 was 3 columns wider than the others."""
    path = _text(tmp_path, "más más más camión la la la la\n")
    result = run_wordcount(
        ["-f", "table", str(path)], env={"PYTHONIOENCODING": "ascii", "COLUMNS": "80"}
    )
    assert result.returncode == 0
    lines = result.stdout.decode("ascii").splitlines()
    assert "\\u2588" not in result.stdout.decode("ascii")
    rows = [line for line in lines if line.startswith("| ") and line[2].isdigit()]
    # la 4, más 3, camión 1: bars of 20, 15 and 5 of 20 columns against la's 4.
    assert [row.count("#") for row in rows] == [20, 15, 5]
    assert ["m\\xe1s" in rows[1], "cami\\xf3n" in rows[2]] == [True, True]
    assert len({len(line) for line in lines if line.startswith(("|", "+"))}) == 1
    assert len({row.index("%") for row in rows}) == 1


def test_nothing_counted_prints_no_table() -> None:
    """A missing input printed its error, then an empty table of 0 words, 0 files."""
    result = invoke(["no-such-file.txt", "-f", "table"])
    assert result.exit_code == ExitStatus.INPUT_ERROR
    assert result.stdout == ""
    assert "no-such-file.txt" in result.stderr


def test_the_library_reads_standard_input_once_too() -> None:
    """wordcount.count holds the same rule: "-" and /dev/stdin are one stream."""
    with pytest.raises(OptionsError, match="standard input can be read only once"):
        wordcount.count("-", stopwords="/dev/stdin", stdin=io.BytesIO(b"alpha\n"))
    with pytest.raises(OptionsError, match='not "-"'):
        wordcount.count([], counts="-")
