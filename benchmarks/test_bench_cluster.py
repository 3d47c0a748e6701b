"""wordcount on a local Dask cluster (1 scheduler, 2 one-thread workers) against the local
pool with -j 2: the same two cores, so the difference is what the cluster costs.

    test_*_local_j2      the installed command, -j 2
    test_*_on_cluster    the same input through --scheduler-file, on LocalCluster below

pytest-benchmark prints the pairs one under the other: 213 MB in 30 files, 20,000 small
files, and the fixed cost (a 1 KB file). The memory cases print (under -s) and keep in
extra_info the client's peak and each worker's with 5 million distinct words, on a
cluster started for that run alone (a worker's peak is its process's, since it started).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks.local_cluster import LocalCluster
from benchmarks.test_bench import BIN, bench, peak_rss_mb

pytest.importorskip("distributed", reason="needs the dask extra")

WORKERS = 2


def started(directory: Path) -> LocalCluster:
    cluster = LocalCluster(directory)
    try:
        for _ in range(WORKERS):
            cluster.start_worker()
        cluster.wait_for_workers(WORKERS)
    except BaseException:
        cluster.stop()
        raise
    return cluster


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    with started(tmp_path_factory.mktemp("cluster")) as running:
        yield running


def local(*arguments: str | Path) -> list[str | Path]:
    return [BIN / "wordcount", "-j", str(WORKERS), *arguments]


def on(cluster: LocalCluster, *arguments: str | Path) -> list[str | Path]:
    return [BIN / "wordcount", "--scheduler-file", cluster.scheduler_file, *arguments]


def test_213mb_local_j2(benchmark: Any, corpus_213mb: Path) -> None:
    bench(benchmark, local(corpus_213mb))


def test_213mb_on_cluster(benchmark: Any, cluster: LocalCluster, corpus_213mb: Path) -> None:
    bench(benchmark, on(cluster, corpus_213mb))


def test_20000_files_local_j2(benchmark: Any, small_files: list[Path]) -> None:
    bench(benchmark, local(small_files[0].parent))


def test_20000_files_on_cluster(
    benchmark: Any, cluster: LocalCluster, small_files: list[Path]
) -> None:
    bench(benchmark, on(cluster, small_files[0].parent))


@pytest.fixture(scope="module")
def one_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fixed-cost") / "1kb.txt"
    path.write_bytes(b"a few words of text " * 50)
    return path


def test_fixed_cost_1kb_local(benchmark: Any, one_kb: Path) -> None:
    bench(benchmark, [BIN / "wordcount", one_kb])


def test_fixed_cost_1kb_on_cluster(benchmark: Any, cluster: LocalCluster, one_kb: Path) -> None:
    """Issue 23: under 0.3 s on a quiet machine; the import of distributed is most of it."""
    bench(benchmark, on(cluster, one_kb))


@pytest.mark.parametrize("top", ["10", "0"])
def test_memory_5m_distinct_words_local_j2(
    benchmark: Any, distinct_words_5m: Path, top: str
) -> None:
    peak = benchmark.pedantic(peak_rss_mb, args=("-j", "2", "-n", top, distinct_words_5m), rounds=1)
    benchmark.extra_info["peak_rss_mb"] = peak
    print(f"\n-j 2 -n {top}, 5 M distinct words: largest process's peak {peak} MB")


@pytest.mark.parametrize("top", ["10", "0"])
def test_memory_5m_distinct_words_on_cluster(
    benchmark: Any, tmp_path: Path, distinct_words_5m: Path, top: str
) -> None:
    with started(tmp_path / "cluster") as fresh:
        arguments = ("--scheduler-file", fresh.scheduler_file, "-n", top, distinct_words_5m)
        client_peak = benchmark.pedantic(peak_rss_mb, args=arguments, rounds=1)
        worker_peaks = fresh.worker_peaks_mb()
    benchmark.extra_info["client_peak_rss_mb"] = client_peak
    benchmark.extra_info["worker_peak_rss_mb"] = worker_peaks
    workers = ", ".join(f"{peak} MB" for _, peak in sorted(worker_peaks.items()))
    print(f"\ncluster -n {top}, 5 M distinct words: client {client_peak} MB, workers {workers}")
