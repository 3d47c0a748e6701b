"""Rank the counts and write them as TSV, CSV or JSON: the stable output contract.

Order is count descending, then word ascending by code point; it is a total order, so the
output never depends on how the counts were merged.
"""

from __future__ import annotations

import heapq
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

Row = tuple[str, int]

_TSV_SPECIAL = re.compile("[\\\\\x00-\x1f\x7f-\x9f]")
_TSV_NAMED_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_CSV_NEEDS_QUOTES = re.compile('[",\x00-\x1f\x7f-\x9f]')
_DEL_AND_C1 = re.compile("[\x7f-\x9f]")


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
    """word<TAB>count; a backslash or control character in a word is escaped (\\\\, \\t,
    \\n, \\r, \\xNN), so that every row is one line of two fields."""
    for word, count in rows:
        if _TSV_SPECIAL.search(word):
            word = _TSV_SPECIAL.sub(_tsv_escape, word)
        yield f"{word}\t{count}\n"


def csv_lines(rows: Iterable[Row]) -> Iterator[str]:
    """RFC 4180: a header, CRLF line ends; a word is quoted if it holds a quote, a comma
    or any control character."""
    yield "word,count\r\n"
    for word, count in rows:
        if _CSV_NEEDS_QUOTES.search(word):
            word = '"' + word.replace('"', '""') + '"'
        yield f"{word},{count}\r\n"


def json_lines(
    rows: Iterable[Row], summary: Summary, *, stats: dict[str, float | int] | None = None
) -> Iterator[str]:
    document: dict[str, object] = {
        "total_words": summary.total_words,
        "unique_words": summary.unique_words,
        "files": summary.files,
        "top": [{"word": word, "count": count} for word, count in rows],
    }
    if stats is not None:
        document["stats"] = stats
    # json escapes C0 controls itself; DEL and C1 are legal raw in JSON, but a terminal
    # would act on them. Outside strings they cannot occur, so escaping them is safe.
    text = json.dumps(document, ensure_ascii=False, indent=2)
    yield _DEL_AND_C1.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
    yield "\n"


def _tsv_escape(match: re.Match[str]) -> str:
    char = match.group()
    return _TSV_NAMED_ESCAPES.get(char) or f"\\x{ord(char):02x}"
