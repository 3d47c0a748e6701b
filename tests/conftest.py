"""Shared fixtures: a pinned environment, and the CLI run in-process and as a subprocess."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings

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
# `make fuzz` runs the property tests with many more examples than `make test` does.
settings.register_profile("fuzz", max_examples=20_000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# `make test-start-methods` runs the suite again with this set to spawn or forkserver:
# every pool started in-process or by the command under test then uses that method.
TEST_START_METHOD = os.environ.get("WORDCOUNT_TEST_START_METHOD")


def pytest_configure(config: pytest.Config) -> None:
    if TEST_START_METHOD:
        multiprocessing.set_start_method(TEST_START_METHOD, force=True)


def pytest_report_header(config: pytest.Config) -> str:
    return f"worker start method: {multiprocessing.get_start_method()}"


@pytest.fixture(autouse=True)
def pinned_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in PINNED_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    if TEST_START_METHOD:
        monkeypatch.setenv("WORDCOUNT_START_METHOD", TEST_START_METHOD)
    else:
        monkeypatch.delenv("WORDCOUNT_START_METHOD", raising=False)


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
