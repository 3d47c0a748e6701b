"""Benchmark data, generated deterministically on first use and kept in .benchmarks/data."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.corpus import ensure_copies, ensure_file, ensure_repeated, ensure_split

DATA = Path(__file__).parent.parent / ".benchmarks" / "data"
CORPUS_BYTES = 40 * 1000 * 1000
SMALL_FILES = 20_000
GIB_COPIES = 27  # 27 x 40 MB is just over 1 GiB
ODD_LINE_END_COPIES = 5  # 5 x 40 MB: the 200 MB of issue 4
# Issue 23's cluster figures: a 7.1 MB corpus 30 times over, 213 MB in 30 files.
CORPUS_7MB_BYTES = 7_100_000
CORPUS_COPIES = 30


@pytest.fixture(scope="session")
def corpus_40mb() -> Path:
    return ensure_file(DATA / "corpus-40mb.txt", CORPUS_BYTES)


@pytest.fixture(scope="session")
def small_files(corpus_40mb: Path) -> list[Path]:
    return ensure_split(DATA / "small-files", corpus_40mb, SMALL_FILES)


@pytest.fixture(scope="session")
def corpus_213mb() -> Path:
    """30 copies of a 7.1 MB corpus, as 30 files in one directory."""
    corpus = ensure_file(DATA / "corpus-7mb.txt", CORPUS_7MB_BYTES)
    return ensure_copies(DATA / "corpus-213mb", corpus, CORPUS_COPIES)


@pytest.fixture(scope="session")
def corpus_1gib(corpus_40mb: Path) -> Path:
    return ensure_repeated(DATA / "corpus-1gib.txt", corpus_40mb, GIB_COPIES)


@pytest.fixture(scope="session", params=[b" ", b"\r"], ids=["no-line-breaks", "cr-only"])
def corpus_200mb_odd_line_ends(request: pytest.FixtureRequest, corpus_40mb: Path) -> Path:
    name = f"corpus-200mb-{request.param_index}.txt"
    return ensure_repeated(DATA / name, corpus_40mb, ODD_LINE_END_COPIES, line_end=request.param)


DISTINCT_WORDS = 5_000_000  # issue 17: "a 5-million-word saved count loads in seconds"


@pytest.fixture(scope="session")
def distinct_words_5m() -> Path:
    """Five million distinct words, once each (w0000000 ... w4999999, 12 a line): the
    vocabulary that made the main process's tally go quadratic (150 s) until it placed
    keys by their hashes' high bits."""
    path = DATA / "distinct-5m.txt"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        lines = (
            " ".join(f"w{number:07d}" for number in range(start, start + 12)) + "\n"
            for start in range(0, DISTINCT_WORDS, 12)
        )
        path.write_text("".join(lines), encoding="ascii")
    return path


@pytest.fixture(scope="session")
def saved_count_5m(distinct_words_5m: Path) -> Path:
    """The saved count (-f json -n 0) of those five million words."""
    import subprocess
    import sys

    path = DATA / "distinct-5m.json"
    if not path.exists():
        wordcount = Path(sys.executable).parent / "wordcount"
        subprocess.run(
            [str(wordcount), str(distinct_words_5m), "-n", "0", "-f", "json", "-o", str(path)],
            check=True,
        )
    return path
