"""Output that cannot be written: a full disk, a closed stdout, a reader that goes away,
a narrow encoding, and a stderr that takes nothing. The data on stdout gets one line
on stderr and a documented status; a message that cannot be written costs nothing."""

from __future__ import annotations

import errno
import itertools
import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import BIN_DIR, PINNED_ENV, WriteFile, invoke, run_wordcount
from wordcount.cli.ending import ExitStatus
from wordcount.cli.ending import _status_of as status_of

FORMATS = ["tsv", "table", "csv", "json", "jsonl"]


def _distinct_words(write_file: WriteFile, letters: str) -> Path:
    words = ("".join(three) for three in itertools.product(letters, repeat=3))
    return write_file(f"{len(letters)}-letters.txt", " ".join(words))


@pytest.fixture
def many_words(write_file: WriteFile) -> Path:
    """1,000 distinct words: their table is 95 KB, more than a pipe holds (64 KiB)."""
    return _distinct_words(write_file, "abcdefghij")


@pytest.fixture
def more_words(write_file: WriteFile) -> Path:
    """17,576 distinct words: over 100 KB in every format but the table, which takes
    rich seconds to draw."""
    return _distinct_words(write_file, "abcdefghijklmnopqrstuvwxyz")


def _start(args: list[str], **streams: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(BIN_DIR / "wordcount"), *args],
        stdin=subprocess.DEVNULL,
        env={**os.environ, **PINNED_ENV},
        **streams,  # type: ignore[call-overload]
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("output_format", FORMATS)
def test_a_full_disk_is_one_line_and_status_6(many_words: Path, output_format: str) -> None:
    with open("/dev/full", "wb") as full:
        process = _start(
            ["-f", output_format, "-n", "0", str(many_words)], stdout=full, stderr=subprocess.PIPE
        )
        _, stderr = process.communicate(timeout=60)
    assert stderr == b"wordcount: error: cannot write the output: No space left on device\n"
    assert process.returncode == ExitStatus.OUTPUT_FAILED == 6


@pytest.mark.parametrize("args", [["-f", "tsv"], ["-f", "table"], ["--help"], ["--version"]])
def test_a_closed_stdout_is_one_line_and_status_6(write_file: WriteFile, args: list[str]) -> None:
    path = write_file("words.txt", "one two two")
    process = _start(
        [*args, str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: os.close(1),
    )
    _, stderr = process.communicate(timeout=60)
    assert stderr.count(b"\n") == 1
    assert stderr.startswith(b"wordcount: error: standard output is closed")
    assert process.returncode == ExitStatus.OUTPUT_FAILED


@pytest.mark.parametrize("output_format", FORMATS)
def test_a_reader_gone_before_the_output_is_status_141(
    many_words: Path, output_format: str
) -> None:
    """`wordcount -f table | true`: the reader is gone before a byte is written."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    process = _start(
        ["-f", output_format, str(many_words)], stdout=write_end, stderr=subprocess.PIPE
    )
    os.close(write_end)
    _, stderr = process.communicate(timeout=60)
    assert stderr == b""
    assert process.returncode == ExitStatus.BROKEN_PIPE == 141


@pytest.mark.parametrize("output_format", FORMATS)
def test_a_reader_gone_in_the_middle_of_the_output_is_status_141(
    many_words: Path, more_words: Path, output_format: str
) -> None:
    """`wordcount -f table -n 0 | head -1`: the reader goes while a write longer than the
    pipe holds is under way. Python returns a short count for that write, and the rest
    was once dropped with status 0."""
    process = _start(
        [
            "-f",
            output_format,
            "-n",
            "0",
            str(many_words if output_format == "table" else more_words),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    process.stdout.readline()
    process.stdout.close()
    _, stderr = process.communicate(timeout=60)
    assert stderr == b""
    assert process.returncode == ExitStatus.BROKEN_PIPE


def test_json_stays_json_on_an_ascii_stream(write_file: WriteFile) -> None:
    path = write_file("words.txt", "\u00fcber \u00fcber na\u00efve \U0001f600x")
    result = run_wordcount(["-f", "json", str(path)], env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == ExitStatus.SUCCESS, result.stderr
    assert b'"\\u00fcber"' in result.stdout
    document = json.loads(result.stdout.decode("ascii"))
    assert document["top"][0] == {"word": "\u00fcber", "count": 2}


@pytest.mark.parametrize("stderr", ["closed", "full"])
def test_counts_never_depend_on_stderr(write_file: WriteFile, stderr: str) -> None:
    """Messages that cannot be written are dropped: the counts and the status are those
    of a run whose stderr works (here: a warning, and an error for a missing file)."""
    path = write_file("words.txt", b"one two two caf\xe9")
    args = [str(path), str(path.parent / "missing.txt")]
    expected = run_wordcount(args)
    assert expected.stderr.count(b"\n") == 3  # the warning, the error, the summary
    if stderr == "closed":
        streams: dict[str, object] = {
            "stderr": subprocess.DEVNULL,
            "preexec_fn": lambda: os.close(2),
        }
    elif Path("/dev/full").exists():
        streams = {"stderr": open("/dev/full", "wb")}  # noqa: SIM115 (closed below)
    else:
        pytest.skip("needs /dev/full")
    process = _start(args, stdout=subprocess.PIPE, **streams)
    stdout, _ = process.communicate(timeout=60)
    if "stderr" in streams and hasattr(streams["stderr"], "close"):
        streams["stderr"].close()  # type: ignore[attr-defined]
    assert (stdout, process.returncode) == (expected.stdout, ExitStatus.INPUT_ERROR)
    assert stdout.decode() == "two\t2\ncaf\u00e9\t1\none\t1\n"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_a_codec_with_a_byte_order_mark_writes_it_once(more_words: Path, encoding: str) -> None:
    """The output is encoded in pieces; a byte-order mark starts the first one only."""
    result = run_wordcount(["-n", "0", str(more_words)], env={"PYTHONIOENCODING": encoding})
    text = result.stdout.decode(encoding)  # both codecs take the first mark off
    assert "\ufeff" not in text
    assert len(text.splitlines()) == 26**3


@pytest.mark.parametrize("output_format", ["tsv", "json"])
def test_a_non_blocking_stdout_that_fills_up_loses_nothing(
    more_words: Path, output_format: str
) -> None:
    """A pipe set O_NONBLOCK (by a parent that shares it) that the reader empties late:
    a write that would block waits for room instead of dropping the rest."""
    expected = run_wordcount(["-n", "0", "-f", output_format, str(more_words)]).stdout
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    process = _start(["-n", "0", "-f", output_format, str(more_words)], stdout=write_end)
    os.close(write_end)
    time.sleep(0.5)  # the pipe fills (64 KiB) long before this
    with os.fdopen(read_end, "rb") as reader:
        received = reader.read()
    assert process.wait(timeout=60) == ExitStatus.SUCCESS
    assert received == expected


@pytest.mark.parametrize("option", ["--help", "--version"])
def test_help_and_version_to_a_reader_gone_are_status_141(option: str) -> None:
    """click answers EPIPE with status 1, which a script would take for an input error."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    process = _start([option], stdout=write_end, stderr=subprocess.PIPE)
    os.close(write_end)
    _, stderr = process.communicate(timeout=60)
    assert (process.returncode, stderr) == (ExitStatus.BROKEN_PIPE, b"")


def test_an_output_file_needs_no_stdout(write_file: WriteFile, tmp_path: Path) -> None:
    """Issue 22: -o FILE was written whole, then the closed stdout made the run exit 6."""
    path = write_file("words.txt", "one two two")
    output = tmp_path / "counts.tsv"
    process = _start(
        [str(path), "-o", str(output)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: os.close(1),
    )
    _, stderr = process.communicate(timeout=60)
    assert (process.returncode, stderr) == (ExitStatus.SUCCESS, b"")
    assert output.read_bytes() == b"two\t2\none\t1\n"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("output_format", ["tsv", "csv"])
def test_statistics_on_a_full_stderr_are_status_6(
    write_file: WriteFile, output_format: str
) -> None:
    """Issue 22: with tsv and csv the statistics are data on stderr; lost, the run said 0."""
    path = write_file("words.txt", "one two two")
    with open("/dev/full", "wb") as full:
        process = _start(
            [str(path), "--stats", "-f", output_format], stdout=subprocess.PIPE, stderr=full
        )
        stdout, _ = process.communicate(timeout=60)
    assert process.returncode == ExitStatus.OUTPUT_FAILED
    assert b"two" in stdout  # the words themselves were written


def test_a_write_that_runs_out_of_memory_is_status_5(
    write_file: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under a memory limit a write can fail with ENOMEM: that was "cannot write the
    output", status 6, where the run had run out of memory (status 5)."""
    path = write_file("a.txt", "alpha beta")

    def out_of_memory(*_: object) -> None:
        raise OSError(errno.ENOMEM, os.strerror(errno.ENOMEM))

    monkeypatch.setattr("wordcount.cli.output._write_all", out_of_memory)
    result = invoke([str(path)])
    assert result.exit_code == ExitStatus.OUT_OF_MEMORY
    assert result.stderr.startswith("wordcount: error: out of memory")
    assert "while writing the output" in result.stderr


def test_an_os_error_of_memory_at_the_end_is_status_5(capsys: pytest.CaptureFixture[str]) -> None:
    """The flush after a run failed with ENOMEM under a memory limit (--segment icu in
    40 MB): that was "cannot write the output", status 6."""

    def run_out_of_memory() -> int:
        raise OSError(errno.ENOMEM, os.strerror(errno.ENOMEM))

    assert status_of(run_out_of_memory) == ExitStatus.OUT_OF_MEMORY
    assert capsys.readouterr().err == (
        "wordcount: error: out of memory: while writing the output; the output is incomplete\n"
    )
