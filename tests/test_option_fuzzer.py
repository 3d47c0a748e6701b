"""A fuzzer over the command line: random options with random values, on odd files and
on random bytes from stdin. Whatever it is given, the command ends with a documented
exit status and never with a traceback.

The options are read from the command's own definition, so a new one is fuzzed as soon
as it exists. Left out: the Dask options (they need a cluster, and a wrong address
waits out its timeout; tests/test_cluster.py covers them). The inputs stay under the
size that starts a pool, so that each example takes milliseconds; the pool's own
failures have tests of their own (test_faults.py, test_pool_start.py).
`make fuzz` runs many more examples.
"""

from __future__ import annotations

import gzip
import os

import click
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.conftest import examples
from wordcount.cli.command import main
from wordcount.cli.ending import ExitStatus

DOCUMENTED = {int(status) for status in ExitStatus}
NOT_FUZZED = {"backend", "scheduler", "scheduler_file", "timeout", "verbose"}
HOSTILE_TEXT = [
    "",
    " ",
    "-",
    "--",
    "-1",
    "0",
    "x" * 300,
    "\x00",
    "\x1b[31m",
    "\n",
    "\udcff",
    "\u00e9t\u00e9",
    "\U0001f600",
    "en",
    "latin-1",
    "utf-16",
    "*.txt",
    "[",
    "(",
    "\\",
    "a{99999999999999999999}",
    "(?P<x>a)",
    "^",
    "$",
    "\\w+",
    "\\d+|\\w",
    ".",
]
# Numbers at and around every bound, and ones no integer type holds.
NUMBERS = ["-1", "0", "1", "2", "3", "100", "101", "1048577", "10" * 12, "9" * 30, "1e3", "x"]


@pytest.fixture(scope="module")
def odd_files(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Files no user would count on purpose, and a few that they would."""
    directory = tmp_path_factory.mktemp("odd")
    files = {
        "plain.txt": b"the cat and the hat\n",
        "empty.txt": b"",
        "binary.bin": b"\x00\x01\x02ELF" * 10,
        "latin1.txt": "se\u00f1or \u00e9t\u00e9".encode("latin-1"),
        "utf16.txt": "\ufeffword word".encode("utf-16-le"),
        "crlf.txt": b"one\r\ntwo\r\n",
        "bom.txt": b"\xef\xbb\xbfbom words",
        "only-marks.txt": "\u0301\u0301 --- ...".encode(),
        "long-word.txt": b"a" * 70_000,
        "packed.txt.gz": gzip.compress(b"zipped words words"),
        "broken.txt.gz": gzip.compress(b"zipped words")[:-6],
        "name with\nnewline.txt": b"newline name",
    }
    for name, content in files.items():
        (directory / name).write_bytes(content)
    nested = directory / "tree" / "deeper"
    nested.mkdir(parents=True)
    (nested / "a.txt").write_bytes(b"deep words")
    (directory / "tree" / ".hidden.txt").write_bytes(b"hidden")
    (directory / "tree" / "loop").symlink_to(directory / "tree")
    (directory / "tree" / "dangling").symlink_to(directory / "nowhere")
    return [
        *(str(directory / name) for name in files),
        str(directory / "tree"),
        str(directory / "missing.txt"),
        os.devnull,
        "-",
    ]


def _values_for(option: click.Option, odd_files: list[str]) -> st.SearchStrategy[str]:
    if isinstance(option.type, (click.IntRange, click.FloatRange)):
        return st.sampled_from([*NUMBERS, "nan", "inf", "0.5"])
    if isinstance(option.type, click.Choice):
        return st.sampled_from([*map(str, option.type.choices), "bogus", ""])
    return st.sampled_from(HOSTILE_TEXT + odd_files)


@st.composite
def command_lines(draw: st.DrawFn, odd_files: list[str]) -> list[str]:
    args: list[str] = []
    options = [
        parameter
        for parameter in main.params
        if isinstance(parameter, click.Option) and parameter.name not in NOT_FUZZED
    ]
    for option in draw(st.lists(st.sampled_from(options), max_size=6)):
        args.append(draw(st.sampled_from(option.opts)))
        if not option.is_flag:
            args.append(draw(_values_for(option, odd_files)))
    paths = draw(st.lists(st.sampled_from(odd_files + HOSTILE_TEXT), max_size=3))
    if draw(st.booleans()):
        args.append("--")  # everything after it is a path, even "-n"
    return draw(st.permutations(args)) + paths if draw(st.booleans()) else args + paths


@settings(
    max_examples=examples(300),  # about two seconds in `make test`
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), stdin=st.binary(max_size=300))
def test_any_command_line_ends_with_a_documented_status_and_no_traceback(
    odd_files: list[str], data: st.DataObject, stdin: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "." and "*.txt" name the odd files, not whatever the tests were started in (a
    # checkout with its .venv, which --hidden --text would count for minutes).
    monkeypatch.chdir(os.path.dirname(odd_files[0]))
    args = data.draw(command_lines(odd_files))
    result = CliRunner().invoke(main, args, input=stdin, prog_name="wordcount")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # hypothesis shows it, and the arguments that raised it
    event(f"exit status {result.exit_code}")
    assert result.exit_code in DOCUMENTED, (args, result.output)
    assert "Traceback" not in result.output
    if result.exit_code == ExitStatus.USAGE_ERROR:
        # The error, last; what comes before can only be the inputs' own lines (--benchmark
        # refuses input of which nothing was counted once it has read it).
        assert result.stdout == ""
        lines = result.stderr.splitlines()
        assert lines[-1].startswith("wordcount: error: "), result.stderr
        assert all(line.startswith("wordcount: ") for line in lines), result.stderr
