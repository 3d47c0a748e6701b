"""Runs over the 1 MiB limit (issue 14): each file's warning counts its skipped runs once
each, over all its ranges.

The data is generated here; each expected output is worked out from how it was built.
"""

from __future__ import annotations

import pickle
from collections import Counter
from pathlib import Path

from tests.conftest import ProcessLog, run_wordcount, serial_and_parallel
from wordcount.engine.merge import Merge, UnitResult, combined
from wordcount.sources.problems import ProblemKind

LIMIT = 1 << 20  # as README.md states it: a run of more than 1 MiB is skipped


def long_warning(name: str, skipped: int) -> str:
    return (
        f"wordcount: warning: '{name}': skipped {skipped} word(s) longer than 1 MiB\n"
        "wordcount: 1 file with words over 1 MiB skipped\n"
    )


def tsv(words: Counter[str]) -> str:
    """The expected TSV: count descending, then word ascending."""
    rows = sorted(words.items(), key=lambda row: (-row[1], row[0]))
    return "".join(f"{word}\t{count}\n" for word, count in rows)


# -- one warning a file, its runs summed over every range ------------------------------------


def three_long_runs(path: Path) -> Counter[str]:
    """Three runs over the limit, each between lines of short words: -j 2 cuts the file
    into two ranges and -j 3 into three, each range holding one or two of the runs."""
    filler = b"short words\n" * 1000
    path.write_bytes((filler + b"x" * (LIMIT + 1) + b"\n") * 3 + filler)
    return Counter({"short": 4000, "words": 4000})


def test_a_file_s_skipped_runs_are_summed_over_all_its_ranges(
    tmp_path: Path, process_log: ProcessLog
) -> None:
    path = tmp_path / "runs.txt"
    expected = tsv(three_long_runs(path)).encode()
    parallel = serial_and_parallel(["-n", "0", str(path)], process_log)
    assert parallel.stdout == expected
    assert parallel.stderr == long_warning(str(path), 3).encode()
    three = run_wordcount(["-j", "3", "-n", "0", str(path)])
    process_log.assert_parallel(workers=3)
    assert (three.stdout, three.stderr) == (parallel.stdout, parallel.stderr)


def test_a_file_named_twice_is_warned_about_twice_each_with_its_own_runs(
    tmp_path: Path, process_log: ProcessLog
) -> None:
    path = tmp_path / "runs.txt"
    counts = three_long_runs(path)
    serial = run_wordcount(["-j", "1", "-n", "0", str(path), str(path)])
    process_log.assert_serial()
    parallel = run_wordcount(["-j", "4", "-n", "0", str(path), str(path)])
    process_log.assert_parallel(workers=4)  # each file in two ranges
    warning = f"wordcount: warning: '{path}': skipped 3 word(s) longer than 1 MiB\n"
    summary = "wordcount: 2 files with words over 1 MiB skipped\n"
    for result in (serial, parallel):
        assert result.stdout == tsv(counts + counts).encode()
        assert result.stderr == (warning * 2 + summary).encode()


def test_skipped_runs_travel_as_numbers_and_are_summed_by_input() -> None:
    first = UnitResult(long_words={0: 2, 1: 1})
    second = pickle.loads(pickle.dumps(UnitResult(long_words={0: 1})))
    third = UnitResult(long_words={1: 4})
    for results in ([first, second, third], [combined(combined(first, second), third)]):
        merge = Merge()
        for unit_result in results:
            merge.add(unit_result)
        problems = merge.result(names={0: "a.txt", 1: "b.txt"}, hidden_skipped=0).problems
        assert [(p.input_index, p.path, p.message, p.kind) for p in problems] == [
            (0, "a.txt", "skipped 3 word(s) longer than 1 MiB", ProblemKind.LONG_WORD),
            (1, "b.txt", "skipped 5 word(s) longer than 1 MiB", ProblemKind.LONG_WORD),
        ]
