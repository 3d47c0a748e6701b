"""Which counted words a report shows, and the statistics of what it counted.

    merged counts ─▶ minus stop words ─▶ minus words shorter than --min-length
                  ─▶ minus words seen fewer than --min-count times ─▶ ranked, --top N
                     (with --ties, every word tied with the Nth too)

Everything here runs once, in the main process, after the merge: it gives the same
result for every -j and backend by construction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from wordcount.report import Row, rank_key, ranked
from wordcount.rule import reference_words

# Lists shipped as package data; the names are ISO 639-1 codes.
BUILTIN_STOPWORDS = ("de", "en", "es", "fr")


@dataclass(frozen=True)
class Selection:
    stopwords: frozenset[str] = frozenset()
    min_length: int = 1
    min_count: int = 1

    def apply(self, counts: Counter[str]) -> Counter[str]:
        if not self.stopwords and self.min_length <= 1 and self.min_count <= 1:
            return counts
        return Counter(
            {
                word: count
                for word, count in counts.items()
                if count >= self.min_count
                and len(word) >= self.min_length
                and word not in self.stopwords
            }
        )


def load_stopwords(sources: Iterable[str], *, case_sensitive: bool = False) -> frozenset[str]:
    """The words of built-in lists (en, de, fr, es) and of files, one word a line and #
    comments, each line normalized by the word rule so that it matches counted words.

    Raises OSError for a file that cannot be read.
    """
    words: set[str] = set()
    for source in sources:
        if source in BUILTIN_STOPWORDS:
            # Imported here: importlib.resources costs milliseconds that most runs never need.
            from importlib import resources

            text = resources.files("wordcount").joinpath(f"stopwords/{source}.txt").read_text()
        else:
            with open(source, encoding="utf-8", errors="replace") as file:
                text = file.read()
        for line in text.splitlines():
            words.update(reference_words(line.partition("#")[0], case_sensitive=case_sensitive))
    return frozenset(words)


def ranked_with_ties(counts: Counter[str], *, top: int) -> list[Row]:
    """The top rows, and then every further word whose count equals the last one's."""
    rows = ranked(counts, top=top)
    if top == 0 or len(rows) < top:
        return rows
    last_count = rows[-1][1]
    tied = sorted(
        ((word, count) for word, count in counts.items() if count == last_count),
        key=rank_key,
    )
    shown = {word for word, _ in rows}
    return rows + [row for row in tied if row[0] not in shown]


@dataclass(frozen=True)
class Statistics:
    tokens: int
    types: int
    hapax_legomena: int
    files: int

    @classmethod
    def of(cls, counts: Counter[str], *, files: int) -> Statistics:
        return cls(
            tokens=sum(counts.values()),
            types=len(counts),
            hapax_legomena=sum(1 for count in counts.values() if count == 1),
            files=files,
        )

    @property
    def type_token_ratio(self) -> float:
        return self.types / self.tokens if self.tokens else 0.0

    @property
    def tokens_per_file(self) -> float:
        return self.tokens / self.files if self.files else 0.0

    def rows(self) -> list[tuple[str, str]]:
        """(name, value) pairs, as every format shows them."""
        return [
            ("tokens", str(self.tokens)),
            ("types", str(self.types)),
            ("type_token_ratio", f"{self.type_token_ratio:.4f}"),
            ("hapax_legomena", str(self.hapax_legomena)),
            ("tokens_per_file", f"{self.tokens_per_file:.1f}"),
        ]

    def as_json(self) -> dict[str, float | int]:
        return {
            "tokens": self.tokens,
            "types": self.types,
            "type_token_ratio": round(self.type_token_ratio, 4),
            "hapax_legomena": self.hapax_legomena,
            "tokens_per_file": round(self.tokens_per_file, 1),
        }


def file_ranges(files_counts: Iterable[Counter[str]]) -> Counter[str]:
    """In how many files each word occurs (AntConc's "range")."""
    ranges: Counter[str] = Counter()
    for counts in files_counts:
        ranges.update(counts.keys())
    return ranges
