"""Rank the counts and write them as TSV, CSV or JSON: the stable output contract.

Order is count descending, then word ascending by code point; it is a total order, so the
output never depends on how the counts were merged.
"""

from __future__ import annotations

import csv
import heapq
import io
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

Row = tuple[str, int]


@dataclass(frozen=True)
class Summary:
    total_words: int
    unique_words: int
    files: int


def rank_key(row: Row) -> tuple[int, str]:
    word, count = row
    return -count, word


def ranked(counts: Counter[str], *, top: int) -> list[Row]:
    """The top rows in report order; top 0 means every word."""
    if top == 0 or top >= len(counts):
        return sorted(counts.items(), key=rank_key)
    return heapq.nsmallest(top, counts.items(), key=rank_key)


def tsv_lines(rows: Iterable[Row]) -> Iterator[str]:
    for word, count in rows:
        yield f"{word}\t{count}\n"


def csv_lines(rows: Iterable[Row]) -> Iterator[str]:
    """RFC 4180: a header, CRLF line ends, fields quoted where they need it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(("word", "count"))
    writer.writerows(rows)
    yield buffer.getvalue()


def json_lines(rows: Iterable[Row], summary: Summary) -> Iterator[str]:
    document = {
        "total_words": summary.total_words,
        "unique_words": summary.unique_words,
        "files": summary.files,
        "top": [{"word": word, "count": count} for word, count in rows],
    }
    yield json.dumps(document, ensure_ascii=False, indent=2)
    yield "\n"
