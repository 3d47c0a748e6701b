"""The command's exit after a run that loaded Dask (cli/launch.py): straight out once the
streams are flushed, without the interpreter's teardown of Dask's modules, with every
byte of the output and the run's own exit status.

A stand-in `distributed` in sys.modules marks the process as one that loaded Dask (the
real import is what is skipped the teardown of, and takes a second here); an atexit
handler shows whether the teardown ran."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import PINNED_ENV

PROGRAM = """
import atexit, sys, types
sys.modules["distributed"] = types.ModuleType("distributed")
atexit.register(lambda: print("teardown", file=sys.stderr))
from wordcount.cli.launch import run
sys.argv = ["wordcount", *sys.argv[1:]]
run()
"""


def launched(*arguments: str) -> tuple[int, str, str]:
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, *arguments],
        capture_output=True,
        text=True,
        env={**PINNED_ENV, "PATH": "/usr/bin:/bin"},
        check=False,
    )
    return done.returncode, done.stdout, done.stderr


def test_a_count_ends_with_all_its_output_and_no_teardown(tmp_path: Path) -> None:
    text = tmp_path / "text.txt"
    # 3,000 distinct words: more output than one stdout buffer (8 KiB) holds.
    words = [f"w{number:04d}" for number in range(3000)]
    text.write_text(" ".join(["b", "a", "b", *words]))
    status, stdout, stderr = launched("-n", "0", str(text))
    assert (status, stderr) == (0, "")
    expected = ["b\t2", *sorted(f"{word}\t1" for word in ["a", *words])]
    assert stdout.splitlines() == expected


def test_a_failed_run_keeps_its_status_and_its_line() -> None:
    status, stdout, stderr = launched("--no-such-option")
    assert (status, stdout) == (2, "")  # click's usage error, README's status 2
    assert stderr.startswith("wordcount: error: No such option '--no-such-option'")
    assert stderr.count("\n") == 1
