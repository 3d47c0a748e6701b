"""Shared fixtures: a pinned environment, and the CLI run in-process and as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from wordcount.cli import main

# Output can depend on all of these; pin them so that tests mean the same everywhere.
PINNED_ENV = {
    "LC_ALL": "C.UTF-8",
    "TERM": "dumb",
    "NO_COLOR": "1",
    "COLUMNS": "100",
    "PYTHONUNBUFFERED": "1",
}
BIN_DIR = Path(sys.executable).parent


@pytest.fixture(autouse=True)
def pinned_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in PINNED_ENV.items():
        monkeypatch.setenv(name, value)
    for name in ("FORCE_COLOR", "WORDCOUNT_START_METHOD"):
        monkeypatch.delenv(name, raising=False)


def invoke(args: list[str], stdin: bytes | None = None) -> Result:
    """Run the CLI in-process, as click's CliRunner does (stdout is not a terminal)."""
    return CliRunner().invoke(
        main, args, input=stdin, prog_name="wordcount", catch_exceptions=False
    )


def run_wordcount(
    args: list[str],
    *,
    stdin: bytes | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run the installed console script as a real subprocess."""
    full_env = {**os.environ, **PINNED_ENV, **(env or {})}
    return subprocess.run(
        [str(BIN_DIR / "wordcount"), *args],
        input=stdin if stdin is not None else b"",
        capture_output=True,
        env=full_env,
        cwd=cwd,
        timeout=60,
        check=False,
    )


WriteFile = Callable[[str, "bytes | str"], Path]


@pytest.fixture
def write_file(tmp_path: Path) -> WriteFile:
    """Write a file under tmp_path from bytes, or from text as UTF-8."""

    def write(name: str, content: bytes | str) -> Path:
        path = tmp_path / name
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return path

    return write
