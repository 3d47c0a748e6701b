"""Test support outside the product (issue 21): the installed package reads no test
variable, names none, and the faults the tests inject come from tests/support alone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

import wordcount
from tests.conftest import BIN_DIR, PINNED_ENV
from tests.support import wordcount_test_support
from tests.support.wordcount_test_support import FAULT_VARIABLE, PROCESSES_VARIABLE
from wordcount.words.native import NATIVE

ROOT = Path(__file__).parent.parent
# What no file of the package may hold: the prefix of every test variable.
TEST_VARIABLE_PREFIX = b"WORDCOUNT_TEST"
TEXT = b"first line\nsecond line\n"


def test_no_file_of_the_installed_package_names_a_test_variable() -> None:
    package = Path(wordcount.__file__).parent
    # Bytecode is left out: a module deleted from a working tree can leave its .pyc
    # behind in __pycache__, where Python never loads it without the source.
    files = [
        path
        for path in package.rglob("*")
        if path.is_file() and "__pycache__" not in path.relative_to(package).parts
    ]
    assert package / "engine" / "worker.py" in files
    if NATIVE:
        assert any(path.suffix == ".so" for path in files), "the built kernel was not checked"
    naming = [str(path) for path in files if TEST_VARIABLE_PREFIX in path.read_bytes()]
    assert naming == []


# Four seconds or so: pip makes a build environment and compiles the kernel.
@pytest.mark.slow
@pytest.mark.skipif(
    not (ROOT / "wordcount").is_dir(), reason="needs the source tree (make test-pythons has none)"
)
def test_no_member_of_the_wheel_names_a_test_variable(tmp_path: Path) -> None:
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--wheel-dir", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [wheel] = tmp_path.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    assert "wordcount/engine/worker.py" in members
    if NATIVE:
        assert any(name.endswith(".so") for name in members), "the kernel was not built"
    assert [name for name, content in members.items() if TEST_VARIABLE_PREFIX in content] == []


def _run_with_fault(
    path: Path, fault: str, *, test_support: bool
) -> subprocess.CompletedProcess[bytes]:
    """The installed command, serial, counting path with the fault asked for; the tests'
    sitecustomize loaded only with test_support, as only the tests load it."""
    env = {**os.environ, **PINNED_ENV, FAULT_VARIABLE: f"{fault}:{path.name}"}
    env[PROCESSES_VARIABLE] = str(path.parent / "processes.log")
    if not test_support:
        del env["PYTHONPATH"]
    return subprocess.run(
        [str(BIN_DIR / "wordcount"), "-j", "1", "-n", "0", str(path)],
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_a_fault_variable_changes_no_file_of_a_user(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_bytes(TEXT)
    result = _run_with_fault(notes, "truncate", test_support=False)
    assert notes.read_bytes() == TEXT
    assert (result.returncode, result.stderr) == (0, b"")
    assert b"second\t1\n" in result.stdout
    assert not (tmp_path / "processes.log").exists()


def test_a_fault_variable_kills_no_run_of_a_user(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_bytes(TEXT)
    result = _run_with_fault(notes, "kill", test_support=False)
    assert (result.returncode, result.stderr) == (0, b"")
    assert b"second\t1\n" in result.stdout


# The same runs with the test support: what the two tests above look for, where it is.
def test_the_test_support_makes_the_fault_variable_cut_the_file(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_bytes(TEXT)
    result = _run_with_fault(notes, "truncate", test_support=True)
    assert notes.read_bytes() == b"first line\n"
    assert b"second" not in result.stdout
    assert (tmp_path / "processes.log").exists()


def test_the_test_support_makes_the_fault_variable_kill_the_run(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_bytes(TEXT)
    assert _run_with_fault(notes, "kill", test_support=True).returncode == -signal.SIGKILL


# The seams: were one moved by a refactor, the tests must fail, not run without faults.


def test_count_unit_gone_from_the_worker_module_is_an_error() -> None:
    worker = ModuleType("wordcount.engine.worker")
    with pytest.raises(AssertionError, match=r"wordcount\.engine\.worker\.count_unit is gone"):
        wordcount_test_support.PATCHES["wordcount.engine.worker"](worker)


def test_count_unit_defined_elsewhere_is_an_error() -> None:
    worker = ModuleType("wordcount.engine.worker")

    def count_unit() -> None: ...

    count_unit.__module__ = "wordcount.engine.unit_counter"
    count_unit.__qualname__ = "count_unit"
    worker.count_unit = count_unit  # type: ignore[attr-defined]
    with pytest.raises(AssertionError, match=r"is wordcount\.engine\.unit_counter\.count_unit"):
        wordcount_test_support.PATCHES["wordcount.engine.worker"](worker)


def test_a_seam_imported_before_the_support_patched_it_is_an_error() -> None:
    """A module that holds the original count_unit under its own name would count without
    the fault: installing the support after it loaded fails."""
    script = (
        "import wordcount.engine.run\n"
        "from tests.support import wordcount_test_support\n"
        "wordcount_test_support.install()\n"
    )
    env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, cwd=ROOT, env=env, timeout=60
    )
    assert result.returncode == 1
    assert b"AssertionError: imported before the test support patched it" in result.stderr
    assert b"wordcount.engine.run.count_unit" in result.stderr


def test_the_merge_without_a_result_method_is_an_error() -> None:
    merge = ModuleType("wordcount.engine.merge")
    merge.Merge = type("Merge", (), {})  # type: ignore[attr-defined]
    with pytest.raises(AssertionError, match=r"Merge\.result is gone"):
        wordcount_test_support.PATCHES["wordcount.engine.merge"](merge)
