"""The command line, in-process (CliRunner) and as the installed console script."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
from collections import Counter
from importlib.metadata import version
from pathlib import Path
from typing import Any

import click
import pytest
from rich.console import Console

from tests.conftest import (
    BIN_DIR,
    PINNED_ENV,
    ProcessLog,
    WriteFile,
    invoke,
    run_wordcount,
    serial_and_parallel,
)
from wordcount.analysis.statistics import Totals
from wordcount.cli.command import main
from wordcount.cli.ending import ExitStatus
from wordcount.cli.terminal import render_table
from wordcount.engine.benchmark import run_benchmark
from wordcount.engine.merge import CountResult
from wordcount.engine.run import count_inputs
from wordcount.words import conversion, native
from wordcount.words.rule import RULE_VERSION
from wordcount.words.segment import icu_version

SAMPLE_TEXTS = Path(__file__).parent.parent / "sample_texts"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Three files, one of them over the pool threshold, so -j 2 really starts a pool."""
    directory = tmp_path_factory.mktemp("corpus")
    line = (
        "The whale\u2019s tail, the sea; THE sea\u2014and na\u00efve Ahab said: \u201cno.\u201d\r\n"
    )
    big = directory / "big.txt"
    big.write_bytes(("\ufeff" + line * 60_000).encode())  # about 3.7 MB
    small = directory / "small.txt"
    small.write_bytes(b"the end of the story\n")
    other = directory / "other.txt"
    other.write_text("sea sea sea whale\n", encoding="utf-8")
    return [big, small, other]


def test_tsv_in_a_pipe_by_default() -> None:
    result = invoke(["-"], stdin=b"b a b c b a")
    assert result.exit_code == ExitStatus.SUCCESS
    assert result.output == "b\t3\na\t2\nc\t1\n"


def test_top_limits_rows_and_zero_means_all() -> None:
    text = b" ".join(f"w{index}".encode() for index in range(30))
    assert len(invoke(["-"], stdin=text).output.splitlines()) == 10
    assert len(invoke(["--top", "3", "-"], stdin=text).output.splitlines()) == 3
    assert len(invoke(["-n", "0", "-"], stdin=text).output.splitlines()) == 30


def test_no_path_reads_piped_stdin() -> None:
    assert invoke([], stdin=b"hello hello").output == "hello\t2\n"


def test_json_document_shape(write_file: WriteFile) -> None:
    first = write_file("a.txt", "one two two")
    second = write_file("b.txt", "two three")
    result = invoke(["-f", "json", str(first), str(second)])
    assert json.loads(result.output) == {
        # What makes it a saved count (--counts): see test_saved_counts.py.
        "format": "wordcount-counts",
        "version": 2,
        "word_options": {"case_sensitive": False, "pattern": None, "segment": None, "ngrams": 1},
        "every_word": True,
        "wordcount_version": version("wordcount-parallel"),
        "rule_version": RULE_VERSION,
        "total_words": 5,
        "unique_words": 3,
        "files": 2,
        "top": [
            {"word": "two", "count": 3},
            {"word": "one", "count": 1},
            {"word": "three", "count": 1},
        ],
    }


def test_csv_output(write_file: WriteFile) -> None:
    path = write_file("a.txt", "x y y")
    # .output would turn CRLF into LF; the bytes show what a pipe receives.
    assert invoke(["-f", "csv", str(path)]).stdout_bytes == b"word,count\r\ny,2\r\nx,1\r\n"


def test_missing_file_among_good_ones(write_file: WriteFile, tmp_path: Path) -> None:
    good = write_file("good.txt", "alpha beta alpha")
    result = run_wordcount([str(good), str(tmp_path / "nope.txt")])
    assert result.returncode == ExitStatus.INPUT_ERROR
    assert result.stdout == b"alpha\t2\nbeta\t1\n"
    nope = tmp_path / "nope.txt"
    assert result.stderr.decode() == (
        f"wordcount: error: '{nope}': No such file or directory\nwordcount: 1 file unreadable\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--top", "-1", "-"], "Invalid value for '-n' / '--top'"),
        (["-j", "0", "-"], "Invalid value for '-j' / '--jobs'"),
        (["-f", "xml", "-"], "Invalid value for '-f' / '--format'"),
        (["--no-such-option"], "No such option '--no-such-option'"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = invoke(args, stdin=b"")
    assert result.exit_code == ExitStatus.USAGE_ERROR
    assert message in result.output


def test_help_shows_examples_and_every_option() -> None:
    result = invoke(["-h"])
    assert result.exit_code == 0
    for expected in ("Examples:", "Exit status"):
        assert expected in result.output
    options = [param for param in main.params if isinstance(param, click.Option)]
    assert {"--top", "--jobs", "--format", "--include", "--encoding", "--text", "--quiet"} <= {
        option.opts[-1] for option in options
    }
    for option in options:
        assert option.help, f"{option.name} has no help text"
        assert option.opts[-1] in result.output


def test_version_comes_from_package_metadata() -> None:
    from importlib.metadata import version

    icu = "" if icu_version() is None else f", ICU {icu_version()}"
    expected = f"wordcount, version {version('wordcount-parallel')} ({native.ENGINE}{icu})\n"
    assert invoke(["--version"]).output == expected


def test_table_prints_markup_words_literally() -> None:
    console = Console(width=80, color_system=None, record=True)
    rows = [("[/]", 3), ("[bold]x", 2), ("[link=http://x]y", 1)]
    console.print(render_table(rows, Totals(6, 3, 1), elapsed_seconds=0.25))
    text = console.export_text()
    for word, _ in rows:
        assert word in text
    assert "6 words · 3 unique · 1 file · 0.25 s" in text


def test_table_format_in_a_pipe_is_plain_text(write_file: WriteFile) -> None:
    path = write_file("a.txt", "sea sea whale")
    result = run_wordcount(["-f", "table", str(path)])
    output = result.stdout.decode()
    assert "\x1b[" not in output
    lines = [line.split() for line in output.splitlines() if line.strip()]
    assert ["1", "sea", "2", "66.67%", "\u2588" * 20] in lines
    assert ["2", "whale", "1", "33.33%", "\u2588" * 10] in lines


def test_sample_texts_bom_and_crlf_are_not_words() -> None:
    result = run_wordcount(["-n", "0", str(SAMPLE_TEXTS / "meeting-notes-windows.txt")])
    counts = dict(line.split("\t") for line in result.stdout.decode().splitlines())
    assert counts["meeting"] == "2"  # the first word, behind the BOM
    assert counts["budget"] == "2"
    assert all("\ufeff" not in word and "\r" not in word for word in counts)


def _full_output(
    paths: list[Path], process_log: ProcessLog, *extra: str, env: dict[str, str] | None = None
) -> bytes:
    """-n 0 of the paths, the same with -j 1 and -j 2 (which must use two workers)."""
    result = serial_and_parallel(["-n", "0", *extra, *map(str, paths)], process_log, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    return result.stdout


@pytest.mark.parametrize("start_method", multiprocessing.get_all_start_methods())
def test_parallel_output_is_byte_identical_to_serial(
    corpus: list[Path], start_method: str, process_log: ProcessLog
) -> None:
    output = _full_output(corpus, process_log, env={"WORDCOUNT_START_METHOD": start_method})
    counts = Counter(
        {
            word: int(count)
            for word, count in (line.split("\t") for line in output.decode().splitlines())
        }
    )
    # 60,000 lines with "the" 3 times, "the end of the story" twice.
    assert counts["the"] == 180_002
    assert counts["sea"] == 120_003
    assert counts["whale's"] == 60_000
    assert counts["na\u00efve"] == 60_000


@pytest.mark.parametrize("output_format", ["csv", "json"])
def test_formats_are_identical_across_jobs(
    corpus: list[Path], output_format: str, process_log: ProcessLog
) -> None:
    output = _full_output(corpus, process_log, "-f", output_format)
    assert output.startswith(b"word,count\r\nthe,180002\r\n" if output_format == "csv" else b"{")


def test_python_dash_m_behaves_like_the_console_script(write_file: WriteFile) -> None:
    path = write_file("a.txt", "echo echo")
    for args in (["-h"], [str(path)], ["--version"]):
        script = run_wordcount(args)
        module = subprocess.run(
            [sys.executable, "-m", "wordcount", *args],
            capture_output=True,
            env={**PINNED_ENV, "PATH": str(BIN_DIR), **_engine_choice()},
            timeout=60,
            check=False,
        )
        assert (module.returncode, module.stdout, module.stderr) == (
            script.returncode,
            script.stdout,
            script.stderr,
        )


def _engine_choice() -> dict[str, str]:
    """The variable that picks the engine, if this run of the tests sets it."""
    variable = native.PURE_PYTHON_VARIABLE
    return {variable: os.environ[variable]} if variable in os.environ else {}


def test_stdin_from_a_real_pipe() -> None:
    result = run_wordcount(["-"], stdin="Don\u2019t don't DON'T".encode())
    assert (result.returncode, result.stdout, result.stderr) == (0, b"don't\t3\n", b"")


def test_head_closing_the_pipe_early_is_quiet(corpus: list[Path]) -> None:
    command = f"'{BIN_DIR / 'wordcount'}' -n 0 '{corpus[0]}' '{corpus[2]}' | head -1"
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command],
        capture_output=True,
        env={**PINNED_ENV, "PATH": "/usr/bin:/bin"},
        timeout=60,
        check=False,
    )
    assert result.stdout == b"the\t180000\n"
    assert result.stderr == b""
    assert result.returncode in (0, 1, ExitStatus.BROKEN_PIPE)


def test_sorting_the_output_in_a_script(write_file: WriteFile) -> None:
    first = write_file("a.txt", "x x x y")
    second = write_file("b.txt", "y z")
    command = f"'{BIN_DIR / 'wordcount'}' '{first}' '{second}' --top 10 | sort -t$'\\t' -k2 -n"
    result = subprocess.run(
        ["bash", "-c", command], capture_output=True, env=PINNED_ENV, timeout=60, check=False
    )
    assert result.stdout == b"z\t1\ny\t2\nx\t3\n"


def test_after_a_double_dash_a_name_like_an_option_is_a_file(write_file: WriteFile) -> None:
    dashed = write_file("-n.txt", "dash dash")
    plain = write_file("plain.txt", "plain")
    result = run_wordcount(["-f", "tsv", "--", dashed.name, plain.name], cwd=dashed.parent)
    assert result.stdout == b"dash\t2\nplain\t1\n"
    assert result.returncode == ExitStatus.SUCCESS


def test_benchmark_mode_prints_both_runs_and_checks_them(
    corpus: list[Path], process_log: ProcessLog
) -> None:
    big = corpus[0]  # 12 words a line, 60,000 lines
    result = run_wordcount(["--benchmark", "--repeat", "1", "-j", "2", str(big)])
    assert (result.returncode, result.stderr) == (0, b"")  # a pool ran: no note
    process_log.assert_parallel()
    header, serial, parallel = (line.split("\t") for line in result.stdout.decode().splitlines())
    assert header == [
        "run",
        "jobs",
        "seconds",
        "MB/s",
        "words/s",
        "speed-up",
        "efficiency",
        "workers",
    ]
    assert (serial[:2], parallel[:2]) == (["serial", "1"], ["parallel", "2"])
    assert serial[5:] == ["1.00", "100%", "0"]
    assert 1 <= int(parallel[7]) <= 2
    megabytes = big.stat().st_size / 1e6
    # Each figure of the parallel row follows from its seconds: whatever the seconds were
    # before they were rounded to the 3 decimals printed, the figure lies within the
    # range they allow, widened by the figure's own rounding.
    seconds = _unrounded(parallel[2], decimals=3)
    serial_seconds = _unrounded(serial[2], decimals=3)
    assert seconds[0] > 0
    assert _unrounded(parallel[3], decimals=1) & _divided(megabytes, seconds)
    assert _unrounded(parallel[4], decimals=0) & _divided(720_000, seconds)
    assert _unrounded(parallel[5], decimals=2) & _divided(serial_seconds, seconds)
    speedup = _unrounded(parallel[5], decimals=2)
    efficiency = _unrounded(parallel[6].rstrip("%"), decimals=0)
    assert efficiency & (speedup[0] * 50, speedup[1] * 50)


class _Interval(tuple[float, float]):
    def __and__(self, other: tuple[float, float]) -> bool:  # type: ignore[override]
        """Whether the two intervals overlap."""
        return self[0] <= other[1] and other[0] <= self[1]


def _unrounded(printed: str, *, decimals: int) -> _Interval:
    """The values that print as `printed` with this many decimals."""
    half = 0.5 * 10**-decimals
    return _Interval((float(printed) - half, float(printed) + half))


def _divided(numerator: float | tuple[float, float], denominator: tuple[float, float]) -> _Interval:
    low, high = numerator if isinstance(numerator, tuple) else (numerator, numerator)
    return _Interval((low / denominator[1], high / denominator[0]))


def test_every_benchmark_run_starts_with_no_converted_tokens(write_file: WriteFile) -> None:
    """Forked workers would otherwise inherit the conversions of earlier runs."""
    # Words the Python rule converts, with the native kernel or without it.
    quoted = write_file("accents.txt", "na\u00efve caf\u00e9, \u00c9t\u00e9\n")
    cache_sizes = []

    def count(**settings: Any) -> CountResult:
        cache_sizes.append(sum(len(cache) for cache in conversion._words_caches.values()))
        return count_inputs(**settings)

    benchmark = run_benchmark(paths=[str(quoted)], jobs=2, repeat=2, count=count)
    assert cache_sizes == [0, 0, 0, 0, 0]  # an untimed run first, then two of each
    assert sum(len(cache) for cache in conversion._words_caches.values()) > 0  # the runs fill it
    assert benchmark.identical


def test_benchmark_refuses_stdin() -> None:
    result = invoke(["--benchmark", "-"], stdin=b"x")
    assert result.exit_code == ExitStatus.USAGE_ERROR
    assert "it cannot read a stream" in result.output


@pytest.mark.parametrize("url", ["file:///dev/stdin", "FIFO"])
def test_benchmark_refuses_a_stream_named_by_a_file_url(tmp_path: Path, url: str) -> None:
    """A file:// URL is read as its path is, so one that names a stream is refused too
    (a FIFO's waited for a second writer; stdin's timed runs read nothing)."""
    pytest.importorskip("fsspec")
    if url == "FIFO":
        fifo = tmp_path / "fifo"
        os.mkfifo(fifo)
        url = f"file://{fifo}"
    result = invoke(["--benchmark", url], stdin=b"x")
    assert result.exit_code == ExitStatus.USAGE_ERROR
    assert "it cannot read a stream" in result.output
