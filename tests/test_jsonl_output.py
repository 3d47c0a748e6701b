"""-f jsonl (JSON Lines, streamed) and -o FILE (written whole or not at all).

Expected values are worked out by hand from the inputs, never copied from a run.
"""

from __future__ import annotations

import json
import os
import pty
import resource
import signal
import stat
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import BIN_DIR, PINNED_ENV, WriteFile, invoke, run_wordcount, with_ctrl_c
from tests.support.wordcount_test_support import FAULT_VARIABLE
from wordcount.cli.ending import ExitStatus
from wordcount.formats.words import jsonl_lines

# "the" 3 times, "cat" twice, "née" once: 6 words, 3 of them distinct.
TEXT = "The cat. the CAT, née the\n"


def _objects(output: str) -> list[dict[str, object]]:
    assert output.endswith("\n")
    return [json.loads(line) for line in output.splitlines()]


def test_jsonl_is_one_object_per_word_in_rank_order(write_file: WriteFile) -> None:
    path = write_file("a.txt", TEXT)
    result = invoke(["-f", "jsonl", str(path)])
    assert result.exit_code == 0
    assert result.output == (
        '{"word": "the", "count": 3}\n{"word": "cat", "count": 2}\n{"word": "née", "count": 1}\n'
    )


def test_jsonl_by_file_and_stats(write_file: WriteFile) -> None:
    a = write_file("a.txt", TEXT)
    b = write_file("b.txt", "cat dog\n")
    result = invoke(["-f", "jsonl", "--by-file", "--stats", "-n", "2", str(a), str(b)])
    assert result.exit_code == 0
    # Each file's own top 2, in input order; then the stats of all 8 words, 4 distinct
    # (the 3, cat 3, née 1, dog 1): 2 seen once, 8 / 4 = 0.5 types per token, 4 per file.
    assert _objects(result.output) == [
        {"file": str(a), "word": "the", "count": 3},
        {"file": str(a), "word": "cat", "count": 2},
        {"file": str(b), "word": "cat", "count": 1},
        {"file": str(b), "word": "dog", "count": 1},
        {
            "stats": {
                "tokens": 8,
                "types": 4,
                "type_token_ratio": 0.5,
                "hapax_legomena": 2,
                "tokens_per_file": 4.0,
            }
        },
    ]
    assert list(_objects(result.output)[0]) == ["file", "word", "count"]


def test_jsonl_escapes_controls_and_line_separators(write_file: WriteFile) -> None:
    """A pattern lets DEL, a C1 control and U+2028 into words: each line stays one line
    (str.splitlines included) and one JSON object."""
    path = write_file("odd.txt", "a\x7fb c\x85d e\u2028f\n")
    result = invoke(["-f", "jsonl", "--pattern", "[^ \n]+", str(path)])
    assert result.exit_code == 0
    assert result.output == (
        '{"word": "a\\u007fb", "count": 1}\n'
        '{"word": "c\\u0085d", "count": 1}\n'
        '{"word": "e\\u2028f", "count": 1}\n'
    )


def test_jsonl_on_an_ascii_stdout_escapes_as_json_does(write_file: WriteFile) -> None:
    path = write_file("a.txt", "née")
    result = run_wordcount(["-f", "jsonl", str(path)], env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0
    assert result.stdout == b'{"word": "n\\u00e9e", "count": 1}\n'


def test_jsonl_is_produced_row_by_row() -> None:
    """Streamed: the first line is ready before the second row has been asked for."""
    taken: list[str] = []

    def rows() -> Iterator[tuple[str, int]]:
        for word in ("one", "two"):
            taken.append(word)
            yield word, 1

    lines = jsonl_lines(rows())
    assert next(lines) == '{"word": "one", "count": 1}\n'
    assert taken == ["one"]


def test_benchmark_jsonl_is_one_self_contained_object_per_run(write_file: WriteFile) -> None:
    path = write_file("a.txt", TEXT)  # 27 bytes (née is 4 of them), 6 words
    result = invoke(["--benchmark", "-j", "2", "--repeat", "1", "-q", "-f", "jsonl", str(path)])
    assert result.exit_code == 0
    serial, parallel = _objects(result.output)
    assert (serial["run"], serial["jobs"], parallel["run"], parallel["jobs"]) == (
        "serial",
        1,
        "parallel",
        2,
    )
    for run in (serial, parallel):
        assert (run["bytes"], run["words"], run["repeat"], run["identical"]) == (27, 6, 1, True)
        assert {"workers", "seconds", "speed_up", "efficiency"} <= run.keys()


# -o FILE


def test_output_file_gets_tsv_by_default_and_stdout_nothing(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT)
    out = tmp_path / "out.txt"
    result = invoke([str(tmp_path / "a.txt"), "-o", str(out)])
    assert (result.exit_code, result.output) == (0, "")
    assert out.read_text(encoding="utf-8") == "the\t3\ncat\t2\nnée\t1\n"
    assert sorted(os.listdir(tmp_path)) == ["a.txt", "out.txt"]  # no temporary file left


def test_output_file_gets_tsv_even_when_stdout_is_a_terminal(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("word word")
    out = tmp_path / "out.txt"
    controller, terminal = pty.openpty()
    try:
        result = subprocess.run(
            [str(BIN_DIR / "wordcount"), str(tmp_path / "a.txt"), "-o", str(out)],
            stdin=subprocess.DEVNULL,
            stdout=terminal,
            stderr=subprocess.PIPE,
            env={**os.environ, **PINNED_ENV},
            timeout=60,
            check=False,
        )
    finally:
        os.close(terminal)
        os.close(controller)
    assert (result.returncode, result.stderr) == (0, b"")
    assert out.read_text() == "word\t2\n"


def test_output_file_keeps_the_permissions_of_the_file_it_replaces(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("word")
    out = tmp_path / "out.txt"
    out.write_text("old")
    out.chmod(0o640)
    link = tmp_path / "link"
    link.symlink_to("out.txt")
    assert invoke([str(tmp_path / "a.txt"), "-f", "jsonl", "-o", str(link)]).exit_code == 0
    assert link.is_symlink()  # the link's target is replaced, not the link
    assert out.read_text() == '{"word": "word", "count": 1}\n'
    assert out.stat().st_mode & 0o7777 == 0o640


def test_a_new_output_file_gets_the_umask_mode_not_mkstemp_s(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("word")
    old_mask = os.umask(0o027)
    try:
        assert invoke([str(tmp_path / "a.txt"), "-o", str(tmp_path / "new")]).exit_code == 0
    finally:
        os.umask(old_mask)
    assert (tmp_path / "new").stat().st_mode & 0o7777 == 0o640  # 0o666 & ~0o027


def test_output_dash_is_stdout(write_file: WriteFile) -> None:
    path = write_file("a.txt", "word word")
    result = invoke([str(path), "-o", "-"])
    assert (result.exit_code, result.output) == (0, "word\t2\n")


def test_an_unreadable_input_still_writes_the_report(tmp_path: Path) -> None:
    """Status 1 is a report of the other inputs, as on stdout: FILE gets it."""
    (tmp_path / "a.txt").write_text("word")
    out = tmp_path / "out.txt"
    result = invoke([str(tmp_path / "missing.txt"), str(tmp_path / "a.txt"), "-o", str(out)])
    assert result.exit_code == ExitStatus.INPUT_ERROR
    assert out.read_text() == "word\t1\n"


@pytest.mark.parametrize("where", ["directory", "missing-directory", "device", "nul"])
def test_an_output_file_that_cannot_be_made_is_status_6_before_counting(
    tmp_path: Path, where: str
) -> None:
    """A device is refused, never renamed over: /dev/null stays a device."""
    (tmp_path / "a.txt").write_text("word")
    target = {
        "directory": str(tmp_path),
        "missing-directory": str(tmp_path / "nowhere" / "out"),
        "device": os.devnull,
        "nul": str(tmp_path / "a\x00b"),
    }[where]
    if where == "nul":  # no process can take a NUL in an argument
        result = invoke([str(tmp_path / "a.txt"), "-o", target])
        assert result.exit_code == ExitStatus.OUTPUT_FAILED
        assert result.stderr == (
            f"wordcount: error: cannot write the output to '{tmp_path}/a\\x00b': "
            "not a path: it holds a NUL byte\n"
        )
        return
    result = run_wordcount([str(tmp_path / "a.txt"), "-o", target])
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    assert result.returncode == ExitStatus.OUTPUT_FAILED
    assert result.stdout == b""
    assert result.stderr.startswith(b"wordcount: error: cannot write the output to ")
    assert result.stderr.count(b"\n") == 1
    assert sorted(os.listdir(tmp_path)) == ["a.txt"]


def _old_output(tmp_path: Path) -> Path:
    out = tmp_path / "out.txt"
    out.write_bytes(b"old\n")
    return out


def test_a_full_disk_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    """A file size limit (RLIMIT_FSIZE) fails a write as a full disk does (Python ignores
    SIGXFSZ, so the write gets EFBIG)."""
    words = tmp_path / "words.txt"
    words.write_text(" ".join(f"w{number}" for number in range(2000)))  # over 20 KB of tsv
    out = _old_output(tmp_path)
    result = subprocess.run(
        [str(BIN_DIR / "wordcount"), str(words), "-n", "0", "-o", str(out)],
        capture_output=True,
        env={**os.environ, **PINNED_ENV},
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096)),
        timeout=60,
        check=False,
    )
    assert result.returncode == ExitStatus.OUTPUT_FAILED
    assert result.stderr == b"wordcount: error: cannot write the output: File too large\n"
    assert out.read_bytes() == b"old\n"
    assert sorted(os.listdir(tmp_path)) == ["out.txt", "words.txt"]


def test_a_failed_worker_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"plenty of words here\n" * 110_000)  # over 2 MiB: -j 2 starts a pool
    (tmp_path / "victim.txt").write_text("the victim")
    out = _old_output(tmp_path)
    result = run_wordcount(
        ["-j", "2", str(big), str(tmp_path / "victim.txt"), "-o", str(out)],
        env={FAULT_VARIABLE: "unpicklable:victim.txt"},
    )
    assert result.returncode == ExitStatus.WORKER_FAILED
    assert out.read_bytes() == b"old\n"
    assert sorted(os.listdir(tmp_path)) == ["big.txt", "out.txt", "victim.txt"]


@pytest.mark.parametrize(
    ("signal_number", "status"),
    [(signal.SIGINT, ExitStatus.INTERRUPTED), (signal.SIGTERM, ExitStatus.TERMINATED)],
)
def test_an_interrupted_run_leaves_the_file_as_it_was(
    tmp_path: Path, signal_number: int, status: int
) -> None:
    """The input is a FIFO no one writes to: the run waits on it, with its temporary
    file made, until the signal comes."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    out = _old_output(tmp_path)
    process = subprocess.Popen(
        [str(BIN_DIR / "wordcount"), str(fifo), "-o", str(out)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **PINNED_ENV},
        preexec_fn=with_ctrl_c,
    )
    try:
        deadline = time.monotonic() + 10
        while len(os.listdir(tmp_path)) < 3:  # fifo, out.txt, and now the temporary file
            assert time.monotonic() < deadline, "no temporary file appeared"
            time.sleep(0.01)
        time.sleep(0.1)  # now it waits for the FIFO
        process.send_signal(signal_number)
        stdout, stderr = process.communicate(timeout=10)
    finally:
        process.kill()
        process.communicate()
    assert process.returncode == status
    assert (stdout, stderr) == (b"", b"")
    assert out.read_bytes() == b"old\n"
    assert sorted(os.listdir(tmp_path)) == ["fifo", "out.txt"]


@pytest.mark.parametrize("suffix", ["/", "/."])
def test_an_output_name_ending_in_a_slash_never_replaces_a_file(
    tmp_path: Path, suffix: str
) -> None:
    (tmp_path / "a.txt").write_text("word")
    victim = tmp_path / "victim.txt"
    victim.write_text("kept")
    result = invoke([str(tmp_path / "a.txt"), "-o", f"{victim}{suffix}"])
    assert result.exit_code == ExitStatus.OUTPUT_FAILED
    assert result.stderr.endswith(": it names a directory\n")
    assert victim.read_text() == "kept"


def test_an_output_name_of_250_bytes_is_written(tmp_path: Path) -> None:
    """The temporary file's name is not built from FILE's, which could pass NAME_MAX."""
    (tmp_path / "a.txt").write_text("word word")
    target = tmp_path / ("x" * 250)
    result = invoke([str(tmp_path / "a.txt"), "-o", str(target)])
    assert result.exit_code == ExitStatus.SUCCESS
    assert target.read_text() == "word\t2\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.txt", "x" * 250]


def test_a_table_written_to_a_file_has_no_colours_even_from_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rich.console import Console

    from wordcount.cli import terminal

    monkeypatch.setattr(terminal, "console", Console(force_terminal=True, width=80))
    (tmp_path / "a.txt").write_text("word word other")
    target = tmp_path / "table.txt"
    result = invoke([str(tmp_path / "a.txt"), "-f", "table", "-o", str(target)])
    assert result.exit_code == ExitStatus.SUCCESS
    assert "word" in target.read_text()
    assert "\x1b[" not in target.read_text()
