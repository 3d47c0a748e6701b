"""The --benchmark figures in the data formats.

    tsv    a header line, then one line per run, tab-separated
    csv    the same as RFC 4180 (CRLF line ends)
    json   {"bytes", "words", "repeat", "identical", "runs": [{...}, {...}]}
    jsonl  one line per run: that run's {...} as in json, then "bytes", "words", "repeat"
           and "identical", so that each line holds all it means (to append to a log)

The columns are those of earlier versions, then "workers": how many worker processes
counted the run, 0 where this process counted it alone. A parallel run that started no
pool has no efficiency ("-", or null in json): it ran no worker to be efficient with.
"""

from __future__ import annotations

from collections.abc import Iterator

from wordcount.engine.benchmark import BenchmarkResult, Timing

BENCHMARK_COLUMNS = (
    "run",
    "jobs",
    "seconds",
    "MB/s",
    "words/s",
    "speed-up",
    "efficiency",
    "workers",
)
# Where a figure does not apply, in the text formats.
NOT_APPLICABLE = "-"


def benchmark_lines(benchmark: BenchmarkResult, output_format: str) -> Iterator[str]:
    """The figures in tsv, csv, json or jsonl (the table is the command line's)."""
    if output_format == "json":
        yield from _json_lines(benchmark)
        return
    if output_format == "jsonl":
        yield from _jsonl_lines(benchmark)
        return
    rows = [BENCHMARK_COLUMNS, *benchmark_rows(benchmark)]
    if output_format == "csv":  # no figure holds a comma, a quote or a line end
        yield from (",".join(row) + "\r\n" for row in rows)
    else:
        yield from ("\t".join(row) + "\n" for row in rows)


def benchmark_rows(benchmark: BenchmarkResult) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for name, timing in _runs(benchmark):
        speedup = _speedup(benchmark, timing)
        efficiency = _efficiency(benchmark, timing)
        rows.append(
            (
                name,
                str(timing.jobs),
                f"{timing.seconds:.3f}",
                f"{timing.megabytes_per_second:.1f}",
                f"{timing.words_per_second:.0f}",
                f"{speedup:.2f}",
                NOT_APPLICABLE if efficiency is None else f"{efficiency:.0%}",
                str(timing.workers),
            )
        )
    return rows


def _runs(benchmark: BenchmarkResult) -> tuple[tuple[str, Timing], ...]:
    return (("serial", benchmark.serial), ("parallel", benchmark.parallel))


def _speedup(benchmark: BenchmarkResult, timing: Timing) -> float:
    return benchmark.serial.seconds / timing.seconds if timing.seconds else 0.0


def _efficiency(benchmark: BenchmarkResult, timing: Timing) -> float | None:
    """Speed-up per job asked for; None for a parallel run that started no workers."""
    if timing is benchmark.parallel and not benchmark.pool_ran:
        return None
    return _speedup(benchmark, timing) / timing.jobs


def _json_runs(benchmark: BenchmarkResult) -> list[dict[str, object]]:
    return [
        {
            "run": name,
            "jobs": timing.jobs,
            "workers": timing.workers,
            "seconds": timing.seconds,
            "megabytes_per_second": timing.megabytes_per_second,
            "words_per_second": timing.words_per_second,
            "speed_up": _speedup(benchmark, timing),
            "efficiency": _efficiency(benchmark, timing),
        }
        for name, timing in _runs(benchmark)
    ]


def _json_input(benchmark: BenchmarkResult) -> dict[str, object]:
    return {
        "bytes": benchmark.result.bytes_read,
        "words": benchmark.serial.total_words,
        "repeat": benchmark.repeat,
        "identical": benchmark.identical,
    }


def _json_lines(benchmark: BenchmarkResult) -> Iterator[str]:
    import json  # here: 2 ms that the other formats never need

    document = {**_json_input(benchmark), "runs": _json_runs(benchmark)}
    yield json.dumps(document, indent=2)
    yield "\n"


def _jsonl_lines(benchmark: BenchmarkResult) -> Iterator[str]:
    import json

    for run in _json_runs(benchmark):
        yield json.dumps({**run, **_json_input(benchmark)}) + "\n"
