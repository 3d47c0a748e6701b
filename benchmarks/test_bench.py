"""wordcount against its serial baseline and against what users would otherwise run.

Run with `make bench`; save runs with BENCH_ARGS=--benchmark-autosave and compare with
BENCH_ARGS=--benchmark-compare. Every case runs the installed command end to end, so
start-up time counts as it does for a user.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from benchmarks.conftest import ODD_LINE_END_COPIES
from wordcount.engine.run import available_cpus

BIN = Path(sys.executable).parent
ROUNDS = 5
# Under this the 1 GiB run keeps every process's peak resident memory (issue target).
MAX_PEAK_RSS_MB = 150


def run(command: Sequence[str | Path], **kwargs: Any) -> None:
    subprocess.run([str(part) for part in command], check=True, stdout=subprocess.DEVNULL, **kwargs)


def bench(benchmark: Any, command: Sequence[str | Path], **kwargs: Any) -> None:
    benchmark.pedantic(run, args=(command,), kwargs=kwargs, rounds=ROUNDS, warmup_rounds=1)


def test_one_file_serial(benchmark: Any, corpus_40mb: Path) -> None:
    bench(benchmark, [BIN / "wordcount", "-j", "1", corpus_40mb])


def test_one_file_parallel(benchmark: Any, corpus_40mb: Path) -> None:
    bench(benchmark, [BIN / "wordcount", "-j", str(available_cpus()), corpus_40mb])


# Every word as a table against every word as TSV: the table's rows are drawn as lines
# (cli.terminal), not cell by cell as rich lays them out.
def test_every_word_as_a_table(benchmark: Any, corpus_40mb: Path) -> None:
    env = {**os.environ, "COLUMNS": "80", "TERM": "dumb", "NO_COLOR": "1"}
    bench(benchmark, [BIN / "wordcount", "-n", "0", "-f", "table", corpus_40mb], env=env)


def test_every_word_as_tsv(benchmark: Any, corpus_40mb: Path) -> None:
    bench(benchmark, [BIN / "wordcount", "-n", "0", "-f", "tsv", corpus_40mb])


# The pure-Python path, where the native kernel could not be built.
PURE_PYTHON = {**os.environ, "WORDCOUNT_PURE_PYTHON": "1"}


def test_one_file_serial_pure_python(benchmark: Any, corpus_40mb: Path) -> None:
    bench(benchmark, [BIN / "wordcount", "-j", "1", corpus_40mb], env=PURE_PYTHON)


def test_one_file_parallel_pure_python(benchmark: Any, corpus_40mb: Path) -> None:
    command = [BIN / "wordcount", "-j", str(available_cpus()), corpus_40mb]
    bench(benchmark, command, env=PURE_PYTHON)


def test_small_files_serial(benchmark: Any, small_files: list[Path]) -> None:
    bench(benchmark, [BIN / "wordcount", "-j", "1", *small_files])


def test_small_files_parallel(benchmark: Any, small_files: list[Path]) -> None:
    bench(benchmark, [BIN / "wordcount", "-j", str(available_cpus()), *small_files])


def test_small_files_as_a_directory_parallel(benchmark: Any, small_files: list[Path]) -> None:
    bench(benchmark, [BIN / "wordcount", "-j", str(available_cpus()), small_files[0].parent])


def test_startup_on_1kb(benchmark: Any, tmp_path: Path) -> None:
    """Start-up: no pool, and no Dask import, for a small input (compare the next one)."""
    small = tmp_path / "1kb.txt"
    small.write_bytes(b"a few words of text " * 50)
    bench(benchmark, [BIN / "wordcount", small])


def test_baseline_import_click_and_rich(benchmark: Any) -> None:
    bench(benchmark, [sys.executable, "-c", "import click, rich.table"])


def test_dask_cluster_one_file(benchmark: Any, corpus_40mb: Path) -> None:
    """The Dask backend on a local 2-worker cluster against the local pool's time above."""
    distributed = pytest.importorskip("distributed", reason="needs the dask extra")
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    try:
        bench(benchmark, [BIN / "wordcount", "--scheduler", cluster.scheduler_address, corpus_40mb])
    finally:
        cluster.close()


PYTHON_COUNTER_LOOP = """
import sys
from collections import Counter
counts = Counter()
with open(sys.argv[1], encoding="utf-8") as file:
    for line in file:
        counts.update(line.lower().split())
for word, count in counts.most_common(10):
    print(word, count)
"""


@pytest.fixture(scope="session")
def c_counter() -> Path:
    """benchmarks/ccount.c, a plain single-threaded C counter, built where a compiler is."""
    compiler = shutil.which(os.environ.get("CC", "cc"))
    if compiler is None:
        pytest.skip("no C compiler to build the C counter")
    built = Path(__file__).parent.parent / ".benchmarks" / "ccount"
    built.parent.mkdir(exist_ok=True)
    source = Path(__file__).parent / "ccount.c"
    subprocess.run([compiler, "-O2", "-o", str(built), str(source)], check=True)
    return built


def test_baseline_c_counter(benchmark: Any, corpus_40mb: Path, c_counter: Path) -> None:
    bench(benchmark, [c_counter, corpus_40mb])


def test_baseline_python_counter_loop(benchmark: Any, corpus_40mb: Path) -> None:
    bench(benchmark, [sys.executable, "-c", PYTHON_COUNTER_LOOP, corpus_40mb])


def test_baseline_tr_sort_uniq(benchmark: Any, corpus_40mb: Path) -> None:
    pipeline = "tr -cs 'A-Za-z' '\\n' < \"$1\" | tr A-Z a-z | sort | uniq -c | sort -rn | head"
    bench(
        benchmark, ["bash", "-c", pipeline, "bash", corpus_40mb], env={**os.environ, "LC_ALL": "C"}
    )


def test_baseline_wc_w(benchmark: Any, corpus_40mb: Path) -> None:
    bench(benchmark, ["wc", "-w", corpus_40mb], env={**os.environ, "LC_ALL": "C"})


PEAK_RSS = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
# RUSAGE_CHILDREN: the largest resident set of any waited-for descendant, workers included.
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)
"""


def peak_rss_mb(*arguments: str | Path) -> int:
    command = [sys.executable, "-c", PEAK_RSS, BIN / "wordcount", *arguments]
    output = subprocess.run(
        [str(part) for part in command], check=True, capture_output=True, text=True
    ).stdout
    return int(output)


@pytest.mark.parametrize("jobs", ["1", str(available_cpus())])
def test_memory_on_1gib(benchmark: Any, corpus_1gib: Path, jobs: str) -> None:
    peak = benchmark.pedantic(peak_rss_mb, args=("-j", jobs, corpus_1gib), rounds=1)
    benchmark.extra_info["peak_rss_mb"] = peak
    print(f"\npeak RSS with -j {jobs} on 1 GiB: {peak} MB")
    assert peak < MAX_PEAK_RSS_MB


def test_200mb_without_line_feeds_is_exact_in_bounded_memory(
    benchmark: Any, corpus_40mb: Path, corpus_200mb_odd_line_ends: Path
) -> None:
    """Counts must be those of the 40 MB source times the copies, whatever the line ends."""

    def counts(path: Path) -> dict[str, int]:
        output = subprocess.run(
            [str(BIN / "wordcount"), "-n", "0", str(path)], check=True, capture_output=True
        ).stdout.decode()
        return {
            word: int(count) for word, count in (line.split("\t") for line in output.splitlines())
        }

    jobs = str(available_cpus())
    peak = benchmark.pedantic(peak_rss_mb, args=("-j", jobs, corpus_200mb_odd_line_ends), rounds=1)
    benchmark.extra_info["peak_rss_mb"] = peak
    print(f"\npeak RSS with -j {jobs} on {corpus_200mb_odd_line_ends.name}: {peak} MB")
    assert peak < MAX_PEAK_RSS_MB
    expected = {word: count * ODD_LINE_END_COPIES for word, count in counts(corpus_40mb).items()}
    assert counts(corpus_200mb_odd_line_ends) == expected


def test_five_million_distinct_words(benchmark: Any, distinct_words_5m: Path) -> None:
    bench(benchmark, [BIN / "wordcount", "-j", str(available_cpus()), distinct_words_5m])


def test_a_saved_count_of_five_million_words_loads(benchmark: Any, saved_count_5m: Path) -> None:
    bench(benchmark, [BIN / "wordcount", "--counts", saved_count_5m, "-n", "10"])
