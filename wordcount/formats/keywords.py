"""Keywords (--against) in the data formats: tsv, csv, json and jsonl.

Each writer yields the text to write, for keywords already scored and ordered
(analysis.keywords).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from wordcount.analysis.keywords import Keyword
from wordcount.analysis.statistics import Totals
from wordcount.formats.escaping import csv_field, escape_del_and_c1, jsonl_safe, tsv_field


def figure(value: float) -> str:
    """A score to 3 decimals; one that rounds to zero is 0.000 whatever its sign."""
    text = f"{value:.3f}"
    return "0.000" if text == "-0.000" else text


def unsigned_zero(value: float) -> float:
    """The score, but 0.0 for -0.0, which json would write as -0.0: a zero has no sign."""
    return value + 0.0  # -0.0 + 0.0 is 0.0; every other value is itself


def tsv_lines(rows: Iterable[Keyword]) -> Iterator[str]:
    """word<TAB>count<TAB>reference_count<TAB>log_likelihood<TAB>log_ratio, no header."""
    for row in rows:
        yield (
            f"{tsv_field(row.word)}\t{row.count}\t{row.reference_count}\t"
            f"{figure(row.log_likelihood)}\t{figure(row.log_ratio)}\n"
        )


def csv_lines(rows: Iterable[Keyword]) -> Iterator[str]:
    """The same columns as tsv's, under a header, as RFC 4180 (CRLF line ends)."""
    yield "word,count,reference_count,log_likelihood,log_ratio\r\n"
    for row in rows:
        yield (
            f"{csv_field(row.word)},{row.count},{row.reference_count},"
            f"{figure(row.log_likelihood)},{figure(row.log_ratio)}\r\n"
        )


def json_lines(
    rows: Iterable[Keyword], target: Totals, reference: Totals, *, ascii_only: bool
) -> Iterator[str]:
    """{"target": totals, "reference": totals, "keywords": [...]}, the scores unrounded
    (a zero never -0.0)."""
    import json

    document = {
        "target": target._asdict(),
        "reference": reference._asdict(),
        "keywords": [_keyword_object(row) for row in rows],
    }
    yield escape_del_and_c1(json.dumps(document, ensure_ascii=ascii_only, indent=2))
    yield "\n"


def jsonl_lines(rows: Iterable[Keyword], *, ascii_only: bool) -> Iterator[str]:
    """One keyword object a line, as json's "keywords" list holds them, written as they
    come."""
    import json

    for row in rows:
        yield jsonl_safe(json.dumps(_keyword_object(row), ensure_ascii=ascii_only) + "\n")


def _keyword_object(row: Keyword) -> dict[str, object]:
    return {
        "word": row.word,
        "count": row.count,
        "reference_count": row.reference_count,
        "log_likelihood": unsigned_zero(row.log_likelihood),
        "log_ratio": unsigned_zero(row.log_ratio),
    }
