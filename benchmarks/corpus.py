"""A deterministic English-like corpus for benchmarks, generated on any machine.

Words have natural lengths and Zipf-distributed frequencies (short words are the common
ones, as in real text); about 3% of the vocabulary is non-ASCII, sentences start with a
capital and end with punctuation, some words carry curly quotes or a possessive, and
lines end with CRLF like the Project Gutenberg texts users feed it.
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path

SEED = 20261125
VOCABULARY_SIZE = 60_000
# Zipf's exponent for English is close to 1.
ZIPF_EXPONENT = 1.05
# Share of English words by length 1..14 (rounded from corpus studies).
LENGTH_WEIGHTS = [3, 17, 20, 16, 11, 9, 8, 6, 4, 3, 2, 1, 0.5, 0.3]
LETTERS = "etaoinshrdlcumwfgypbvkjxqz"
LETTER_WEIGHTS = [12, 9, 8, 7.5, 7, 6.7, 6.3, 6, 6, 4.3, 4, 2.8, 2.8, 2.4, 2.4, 2.2, 2, 2, 1.9,
                  1.5, 1, 0.8, 0.15, 0.15, 0.1, 0.07]  # fmt: skip
ACCENTED = "éèüöñçøåíó"
NON_LATIN = ["αλήθεια", "σοφία", "правда", "слово", "中文", "日本語", "ελπίς", "мир"]


def _vocabulary(rng: random.Random) -> list[str]:
    words: set[str] = set()
    while len(words) < VOCABULARY_SIZE:
        length = rng.choices(range(1, 15), weights=LENGTH_WEIGHTS)[0]
        word = "".join(rng.choices(LETTERS, weights=LETTER_WEIGHTS, k=length))
        if length >= 4 and rng.random() < 0.05:
            position = rng.randrange(len(word))
            word = word[:position] + rng.choice(ACCENTED) + word[position + 1 :]
        words.add(word)
    ordered = sorted(words, key=lambda word: (len(word), rng.random()))
    ordered[50:50] = NON_LATIN
    return ordered


def generate_text(size_bytes: int, *, seed: int = SEED) -> bytes:
    rng = random.Random(seed)
    vocabulary = _vocabulary(rng)
    cumulative = list(
        itertools.accumulate(1 / rank**ZIPF_EXPONENT for rank in range(1, len(vocabulary) + 1))
    )
    lines: list[str] = []
    size = 0
    while size < size_bytes:
        words = rng.choices(vocabulary, cum_weights=cumulative, k=12)
        words[0] = words[0].capitalize()
        if rng.random() < 0.1:
            words[3] = f"“{words[3]}"
            words[5] = f"{words[5]},”"
        if rng.random() < 0.1:
            words[7] += "’s"
        line = " ".join(words) + rng.choice([".", ",", ";", "!", "?", " —", ":"]) + "\r\n"
        lines.append(line)
        size += len(line.encode())
    return "".join(lines).encode()


def ensure_file(path: Path, size_bytes: int) -> Path:
    """The corpus of about size_bytes at path, generated once and then reused."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".partial")
        temporary.write_bytes(generate_text(size_bytes))
        temporary.rename(path)
    return path


def ensure_repeated(path: Path, source: Path, times: int, *, line_end: bytes | None = None) -> Path:
    """A large file made of `times` copies of source, for memory measurements; line_end,
    if given, replaces every line feed (b" " leaves no line breaks at all)."""
    if not path.exists():
        temporary = path.with_suffix(".partial")
        data = source.read_bytes()
        if line_end is not None:
            data = data.replace(b"\n", line_end)
        with temporary.open("wb") as file:
            for _ in range(times):
                file.write(data)
        temporary.rename(path)
    return path


def ensure_copies(directory: Path, source: Path, copies: int) -> Path:
    """A directory of `copies` files, each a copy of source: a corpus many times over. The
    mark of a finished copy lies beside the directory, not in it: it holds the input only."""
    complete = directory.with_name(directory.name + ".complete")
    if not complete.exists():
        directory.mkdir(parents=True, exist_ok=True)
        data = source.read_bytes()
        for index in range(copies):
            (directory / f"copy{index:02d}.txt").write_bytes(data)
        complete.touch()
    return directory


def ensure_split(directory: Path, source: Path, files: int) -> list[Path]:
    """source cut at line ends into `files` small files holding the same bytes."""
    paths = [directory / f"part{index:05d}.txt" for index in range(files)]
    if not (directory / "complete").exists():
        directory.mkdir(parents=True, exist_ok=True)
        data = source.read_bytes()
        start = 0
        for index, path in enumerate(paths):
            end = len(data) if index == files - 1 else (len(data) * (index + 1)) // files
            end = data.find(b"\n", end) + 1 or len(data)
            path.write_bytes(data[start:end])
            start = max(start, end)
        (directory / "complete").touch()
    return paths
