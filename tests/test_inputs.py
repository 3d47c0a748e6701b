"""Real-world input: directories, compression, encodings, binary files, pipes (issue 4).

The fixtures are built from bytes here. Every expected count was worked out by hand from
those bytes, not taken from wordcount's output.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import multiprocessing
import os
import shutil
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import (
    BIN_DIR,
    PINNED_ENV,
    ProcessLog,
    WriteFile,
    invoke,
    run_wordcount,
    workers_of,
)
from wordcount.cli.ending import ExitStatus
from wordcount.engine.planner import plan_units
from wordcount.engine.run import count_inputs
from wordcount.sources import opening
from wordcount.sources.paths import InputFile
from wordcount.words import counter

BINARY = "binary (a NUL byte in its first 64 KiB); skipped, --text counts it"
CP1252 = (
    "not valid UTF-8; its invalid words were read as cp1252 (as Western text; "
    "--encoding NAME reads another encoding exactly)"
)
LOOP = "symlink loop: leads back to a directory being walked; not followed"
# Over the 2 MiB below which wordcount counts in-process, so that -j 2 starts a pool and
# the big file is cut into ranges; 7 bytes a line.
FILLER_LINES = 300_000


def _messy_tree(root: Path) -> Path:
    """A folder as users have them. The words of each file are in its comment."""
    tree = root / "messy"
    (tree / "sub" / "deeper").mkdir(parents=True)
    (tree / ".git").mkdir()
    files = {
        # señor ×2, müde, été; invalid UTF-8, so read as cp1252 with a warning
        "latin1.txt": "se\u00f1or m\u00fcde \u00e9t\u00e9 se\u00f1or\n".encode("latin-1"),
        # grüße, aus, köln: UTF-16 LE with its byte-order mark; 0x0A sits inside code units
        "utf16le.txt": "\ufeffGr\u00fc\u00dfe aus K\u00f6ln\r\n".encode("utf-16-le"),
        # grüße
        "utf16be.txt": "\ufeffGr\u00fc\u00dfe\n".encode("utf-16-be"),
        # crlf, line ×2, second; the BOM and the CRs are not words
        "bom-crlf.txt": "\ufeffCrlf line\r\nsecond line\r\n".encode(),
        "notes.gz": gzip.compress(b"gzip words"),  # gzip, words
        "archive": gzip.compress(b"unnamed gzip"),  # unnamed, gzip: found by magic bytes
        "data.bz2": bz2.compress(b"bzip words"),  # bzip, words
        "data.xz": lzma.compress(b"xz words"),  # xz, words
        "binary.bin": b"nul\x00bytes",  # skipped
        "empty.txt": b"",  # nothing
        ".hidden.txt": b"secret",  # only with --hidden
        ".git/config": b"secret",  # never: a .git directory is not walked
        "sub/deeper/story.txt": b"deep story",  # deep, story
        "filler.txt": b"filler\n" * FILLER_LINES,  # filler ×300,000
    }
    for name, content in files.items():
        (tree / name).write_bytes(content)
    (tree / "sub" / "loop").symlink_to("..")
    return tree


MESSY_COUNTS = {
    "filler": FILLER_LINES,
    "words": 3,
    "gzip": 2,
    "line": 2,
    "se\u00f1or": 2,
    "gr\u00fc\u00dfe": 2,
    "aus": 1,
    "bzip": 1,
    "crlf": 1,
    "deep": 1,
    "k\u00f6ln": 1,
    "m\u00fcde": 1,
    "second": 1,
    "story": 1,
    "unnamed": 1,
    "xz": 1,
    "\u00e9t\u00e9": 1,
}


@pytest.fixture(scope="module")
def messy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _messy_tree(tmp_path_factory.mktemp("inputs"))


def _tsv(counts: dict[str, int]) -> bytes:
    rows = sorted(counts.items(), key=lambda row: (-row[1], row[0]))
    return "".join(f"{word}\t{count}\n" for word, count in rows).encode()


def _walk_stderr(tree: Path) -> str:
    return (
        f"wordcount: warning: '{tree}/binary.bin': {BINARY}\n"
        f"wordcount: warning: '{tree}/latin1.txt': {CP1252}\n"
        f"wordcount: warning: '{tree}/sub/loop': {LOOP}\n"
        "wordcount: 1 file skipped (binary), 2 skipped (hidden), 1 skipped (symlink loop), "
        "1 read as cp1252\n"
    )


@pytest.mark.parametrize(
    "jobs_and_method",
    [("1", None)] + [("2", method) for method in multiprocessing.get_all_start_methods()],
)
def test_a_messy_folder_counts_every_text_and_explains_the_rest(
    messy: Path, jobs_and_method: tuple[str, str | None], process_log: ProcessLog
) -> None:
    jobs, method = jobs_and_method
    env = {"WORDCOUNT_START_METHOD": method} if method else {}
    result = run_wordcount([str(messy), "-n", "0", "-j", jobs], env=env)
    assert result.stderr.decode() == _walk_stderr(messy)
    assert result.stdout == _tsv(MESSY_COUNTS)
    assert result.returncode == ExitStatus.SUCCESS
    if jobs == "1":
        process_log.assert_serial()
    else:  # the filler file is cut into ranges, so -j 2 uses a pool
        process_log.assert_parallel()


def test_hidden_files_are_counted_with_hidden(messy: Path) -> None:
    result = invoke([str(messy), "-n", "0", "--hidden", "--quiet"])
    assert result.stdout_bytes == _tsv({**MESSY_COUNTS, "secret": 1})
    assert result.stderr == ""  # --quiet: no warnings, no summary
    assert result.exit_code == ExitStatus.SUCCESS


def test_include_and_exclude_globs(messy: Path) -> None:
    includes = ["--include", "*.txt", "--include", "*.gz"]
    excludes = ["--exclude", "filler*", "--exclude", "deeper", "--exclude", "*/utf16be.txt"]
    result = invoke([str(messy), "-n", "0", "-q", *includes, *excludes])
    # latin1, utf16le, bom-crlf, notes.gz; not archive (no match), empty has no words
    assert result.stdout_bytes == _tsv(
        {
            "se\u00f1or": 2,
            "line": 2,
            "m\u00fcde": 1,
            "\u00e9t\u00e9": 1,
            "gr\u00fc\u00dfe": 1,
            "aus": 1,
            "k\u00f6ln": 1,
            "crlf": 1,
            "second": 1,
            "gzip": 1,
            "words": 1,
        }
    )
    assert result.stderr == ""
    assert result.exit_code == ExitStatus.SUCCESS


def test_a_file_named_is_counted_whatever_the_globs_say(messy: Path) -> None:
    result = invoke([str(messy / ".hidden.txt"), "--exclude", "*.txt"])
    assert result.stdout_bytes == b"secret\t1\n"
    assert (result.stderr, result.exit_code) == ("", ExitStatus.SUCCESS)


def test_the_order_of_the_paths_never_changes_the_output(messy: Path) -> None:
    names = ["latin1.txt", "notes.gz", "utf16le.txt", "sub/deeper", "bom-crlf.txt"]
    forwards = run_wordcount(["-n", "0", "-q", *(str(messy / name) for name in names)])
    backwards = run_wordcount(["-n", "0", "-q", *(str(messy / name) for name in names[::-1])])
    assert forwards.stdout == backwards.stdout
    assert forwards.stdout == _tsv(
        {"se\u00f1or": 2, "line": 2, "m\u00fcde": 1, "\u00e9t\u00e9": 1, "gzip": 1}
        | {"words": 1, "gr\u00fc\u00dfe": 1, "aus": 1, "k\u00f6ln": 1, "deep": 1, "story": 1}
        | {"crlf": 1, "second": 1}
    )
    assert forwards.returncode == backwards.returncode == ExitStatus.SUCCESS


def test_binaries_are_skipped_unless_text(messy: Path) -> None:
    ls = "/bin/ls" if os.path.exists("/bin/ls") else shutil.which("ls")
    assert ls is not None
    skipped = invoke([ls, str(messy / "binary.bin")])
    assert skipped.stdout_bytes == b""
    assert skipped.stderr == (
        f"wordcount: warning: '{ls}': {BINARY}\n"
        f"wordcount: warning: '{messy / 'binary.bin'}': {BINARY}\n"
        "wordcount: 2 files skipped (binary)\n"
    )
    assert skipped.exit_code == ExitStatus.SUCCESS
    as_text = invoke(["--text", "-n", "0", str(messy / "binary.bin")])
    assert as_text.stdout_bytes == b"bytes\t1\nnul\t1\n"  # NUL separates words
    assert as_text.stderr == ""


def test_an_empty_file_is_zero_words(messy: Path) -> None:
    result = invoke(["-f", "json", str(messy / "empty.txt")])
    assert result.exit_code == ExitStatus.SUCCESS
    assert result.stderr == ""
    assert '"total_words": 0' in result.output
    assert '"files": 1' in result.output


@pytest.mark.parametrize(
    ("encoding", "mark"),
    [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"), ("utf-32-le", b"\xff\xfe\0\0")],
)
def test_byte_order_marks_choose_the_decoding(
    write_file: WriteFile, encoding: str, mark: bytes
) -> None:
    # Each line end of the text holds a 0x0A byte that is half of a code unit.
    text = "\u010a\u0a0a caf\u00e9\nCAF\u00c9 \u0a0f\n"
    path = write_file("text.txt", mark + text.encode(encoding))
    result = invoke(["-n", "0", str(path)])
    assert result.stdout_bytes == _tsv({"caf\u00e9": 2, "\u010b\u0a0a": 1, "\u0a0f": 1})
    assert result.stderr == ""
    assert result.exit_code == ExitStatus.SUCCESS


def test_invalid_utf16_is_an_error_naming_the_byte(write_file: WriteFile) -> None:
    good = write_file("good.txt", "fine")
    bad = write_file("bad.txt", b"\xff\xfe" + "ok ".encode("utf-16-le") + b"\x00\xd8x\x00")
    result = invoke([str(bad), str(good)])
    assert result.stdout_bytes == b"fine\t1\n"  # "ok" came before the error, and is dropped
    assert result.stderr == (
        f"wordcount: error: '{bad}': not valid utf-16-le at byte 8 (illegal UTF-16 surrogate);"
        " not counted\nwordcount: 1 file unreadable\n"
    )
    assert result.exit_code == ExitStatus.INPUT_ERROR


def test_a_truncated_gzip_file_is_not_counted_at_all(write_file: WriteFile) -> None:
    whole = gzip.compress(b"lost words " * 10_000)
    broken = write_file("broken.gz", whole[: len(whole) // 2])
    good = write_file("good.txt", "kept")
    result = invoke([str(broken), str(good)])
    assert result.stdout_bytes == b"kept\t1\n"
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"wordcount: error: '{broken}': corrupt gzip data (")
    assert lines[0].endswith("); not counted")
    assert lines[1:] == ["wordcount: 1 file unreadable"]
    assert result.exit_code == ExitStatus.INPUT_ERROR


def test_encoding_forces_one_codec(messy: Path) -> None:
    result = invoke(["--encoding", "latin-1", "-n", "0", str(messy / "latin1.txt")])
    assert result.stdout_bytes == _tsv({"se\u00f1or": 2, "m\u00fcde": 1, "\u00e9t\u00e9": 1})
    assert result.stderr == ""  # decoded as asked: nothing to warn about
    assert result.exit_code == ExitStatus.SUCCESS


@pytest.mark.parametrize("name", ["no-such-codec", "rot13"])
def test_an_unknown_encoding_is_a_usage_error(name: str) -> None:
    result = invoke(["--encoding", name, "-"], stdin=b"x")
    assert result.exit_code == ExitStatus.USAGE_ERROR
    assert f"unknown text encoding '{name}'" in result.output


def test_the_codec_that_decodes_nothing_is_a_usage_error() -> None:
    result = invoke(["--encoding", "undefined", "-"], stdin=b"x")
    assert result.exit_code == ExitStatus.USAGE_ERROR
    assert "'undefined' decodes nothing: it is not a text encoding" in result.output


def test_an_invalid_byte_just_after_a_unit_boundary(tmp_path: Path) -> None:
    path = tmp_path / "cut.txt"
    # 300,000 bytes of "b\n", then Latin-1, then 300,000 bytes of "c\n": units of that size
    # are big enough that each of two workers takes one.
    path.write_bytes(b"b\n" * 150_000 + b"\xe9t\xe9 caf\xe9\n" + b"c\n" * 150_000)
    unit_bytes = 299_999  # the line feed there is the first boundary at or after it
    plan = plan_units([InputFile(0, str(path), path.stat().st_size)], jobs=2, unit_bytes=unit_bytes)
    assert plan.units[1].ranges[0].start == 300_000  # the second unit starts with 0xE9
    for jobs in (1, 2):
        result = count_inputs(paths=[str(path)], jobs=jobs, unit_bytes=unit_bytes, pool_min_bytes=0)
        expected = {"b": 150_000, "\u00e9t\u00e9": 1, "caf\u00e9": 1, "c": 150_000}
        assert result.counts == expected
        assert [problem.message for problem in result.problems] == [CP1252]
        assert workers_of(result) == (0 if jobs == 1 else 2)


def test_carriage_returns_only_and_no_line_breaks(tmp_path: Path) -> None:
    cr_only = tmp_path / "mac.txt"
    cr_only.write_bytes(b"old mac\rline ends\r" * 20_000)
    one_line = tmp_path / "one-line.txt"
    one_line.write_bytes(b"no line breaks at all " * 20_000)
    result = count_inputs(
        paths=[str(cr_only), str(one_line)], jobs=2, unit_bytes=50_000, pool_min_bytes=0
    )
    assert workers_of(result) == 2
    assert result.counts == Counter(
        {"old": 20_000, "mac": 20_000, "line": 40_000, "ends": 20_000, "no": 20_000}
        | {"breaks": 20_000, "at": 20_000, "all": 20_000}
    )


def test_a_symlink_to_itself_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_bytes(b"good")
    (tmp_path / "self").symlink_to("self")
    result = invoke([str(tmp_path)])
    assert result.stdout_bytes == b"good\t1\n"
    assert result.stderr == (
        f"wordcount: error: '{tmp_path}/self': Too many levels of symbolic links\n"
        "wordcount: 1 file unreadable\n"
    )
    assert result.exit_code == ExitStatus.INPUT_ERROR


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_file_and_directory(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_bytes(b"good")
    locked_file = tmp_path / "locked.txt"
    locked_file.write_bytes(b"secret")
    locked_file.chmod(0)
    locked_dir = tmp_path / "locked"
    locked_dir.mkdir()
    locked_dir.chmod(0)
    try:
        result = invoke([str(tmp_path)])
    finally:
        locked_dir.chmod(0o755)
    assert result.stdout_bytes == b"good\t1\n"
    assert result.stderr == (
        f"wordcount: error: '{locked_dir}': Permission denied\n"
        f"wordcount: error: '{locked_file}': Permission denied\n"
        "wordcount: 2 files unreadable\n"
    )
    assert result.exit_code == ExitStatus.INPUT_ERROR


def test_a_fifo_found_in_a_walk_is_skipped_not_waited_on(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo")
    result = run_wordcount([str(tmp_path)])
    assert result.stderr.decode() == (
        f"wordcount: warning: '{tmp_path}/fifo': not a regular file; skipped (name it to read it)"
        "\nwordcount: 1 file skipped (not a regular file)\n"
    )
    assert result.returncode == ExitStatus.SUCCESS


def test_a_symlink_found_in_a_walk_that_leads_nowhere_is_an_error(tmp_path: Path) -> None:
    """Reported by the error that following it gives, not skipped as not a regular file."""
    (tmp_path / "good.txt").write_bytes(b"good\n")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    (tmp_path / "looping.txt").symlink_to("looping.txt")
    result = invoke([str(tmp_path)])
    assert result.stdout_bytes == b"good\t1\n"
    assert result.stderr == (
        f"wordcount: error: '{tmp_path}/dangling.txt': No such file or directory\n"
        f"wordcount: error: '{tmp_path}/looping.txt': Too many levels of symbolic links\n"
        "wordcount: 2 files unreadable\n"
    )
    assert result.exit_code == ExitStatus.INPUT_ERROR


def _write_in_background(path: Path, data: bytes) -> threading.Thread:
    def write() -> None:
        with open(path, "wb") as fifo:
            fifo.write(data)

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("start_method", multiprocessing.get_all_start_methods())
def test_a_fifo_and_stdin_with_a_pool(
    messy: Path, tmp_path: Path, start_method: str, process_log: ProcessLog
) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    writer = _write_in_background(fifo, gzip.compress(b"from the fifo"))
    args = [str(fifo), "-", str(messy / "filler.txt"), "-n", "0", "-j", "2"]
    result = run_wordcount(
        args, stdin=b"from stdin\n", env={"WORDCOUNT_START_METHOD": start_method}
    )
    writer.join(timeout=10)
    assert result.stdout == _tsv(
        {"filler": FILLER_LINES, "from": 2, "fifo": 1, "stdin": 1, "the": 1}
    )
    assert result.stderr == b""
    assert result.returncode == ExitStatus.SUCCESS
    process_log.assert_parallel()


@pytest.mark.parametrize("start_method", multiprocessing.get_all_start_methods())
def test_process_substitution_is_read_by_the_main_process(
    messy: Path, start_method: str, process_log: ProcessLog
) -> None:
    """`wordcount <(cmd)` passes /dev/fd/N, which a spawned worker could not open."""
    read_end, write_end = os.pipe()
    filler = str(messy / "filler.txt")
    process = subprocess.Popen(
        [str(BIN_DIR / "wordcount"), f"/dev/fd/{read_end}", filler, "-n", "0", "-j", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        pass_fds=[read_end],
        env={**os.environ, **PINNED_ENV, "WORDCOUNT_START_METHOD": start_method},
    )
    os.close(read_end)
    with os.fdopen(write_end, "wb") as pipe:
        pipe.write("substituted w\u00f6rds\n".encode() * 3)
    stdout, stderr = process.communicate(timeout=60)
    assert stdout == _tsv({"filler": FILLER_LINES, "substituted": 3, "w\u00f6rds": 3})
    assert stderr == b""
    assert process.returncode == ExitStatus.SUCCESS
    process_log.assert_parallel()


def test_permission_errors_are_reported_even_when_simulated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same as the test above, for runs as root: the errors are raised by hand."""
    (tmp_path / "good.txt").write_bytes(b"good")
    (tmp_path / "locked.txt").write_bytes(b"secret")
    (tmp_path / "locked").mkdir()
    real_open, real_os_open, real_scandir = open, os.open, os.scandir

    def deny(path: str) -> None:
        if os.path.basename(path) in ("locked", "locked.txt"):
            raise PermissionError(13, "Permission denied", path)

    def fake_open(path: str, *args: Any, **kwargs: Any) -> Any:
        deny(path)
        return real_open(path, *args, **kwargs)

    def fake_os_open(path: str, *args: Any, **kwargs: Any) -> Any:
        deny(path)
        return real_os_open(path, *args, **kwargs)

    def fake_scandir(path: str) -> Any:
        deny(path)
        return real_scandir(path)

    monkeypatch.setattr(opening, "open", fake_open, raising=False)
    monkeypatch.setattr(os, "open", fake_os_open)
    # The native kernel reads small files in C, past these fakes: count through Python.
    monkeypatch.setattr(counter, "NATIVE", False)
    monkeypatch.setattr(os, "scandir", fake_scandir)
    result = invoke([str(tmp_path), "-j", "1", "--quiet"])  # --quiet keeps errors
    assert result.stdout_bytes == b"good\t1\n"
    assert result.stderr == (
        f"wordcount: error: '{tmp_path}/locked': Permission denied\n"
        f"wordcount: error: '{tmp_path}/locked.txt': Permission denied\n"
    )
    assert result.exit_code == ExitStatus.INPUT_ERROR


def test_an_fsspec_url_counts_as_the_path_does(messy: Path, process_log: ProcessLog) -> None:
    pytest.importorskip("fsspec", reason="needs the fsspec extra")
    by_path = run_wordcount([str(messy), "-n", "0", "-j", "2", "-q"])
    process_log.assert_parallel()
    by_url = run_wordcount([f"file://{messy}", "-n", "0", "-j", "2", "-q"])
    process_log.assert_parallel()
    assert by_url.stdout == by_path.stdout == _tsv(MESSY_COUNTS)
    assert by_url.returncode == ExitStatus.SUCCESS


def test_a_url_without_fsspec_says_how_to_install_it(
    messy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "fsspec", None)  # import fsspec now fails
    url = f"file://{messy}/notes.gz"
    result = invoke([url, str(messy / "sub" / "deeper")])
    assert result.stdout_bytes == b"deep\t1\nstory\t1\n"
    assert result.stderr == (
        f"wordcount: error: '{url}': URLs need the fsspec extra: pip install "
        "'wordcount-parallel[fsspec]'\nwordcount: 1 file unreadable\n"
    )
    assert result.exit_code == ExitStatus.INPUT_ERROR
