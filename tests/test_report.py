"""Ranking and the TSV/CSV/JSON writers: each format parsed back."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from wordcount.analysis.ranking import ranked
from wordcount.analysis.statistics import Totals
from wordcount.formats.words import csv_lines, json_lines, tsv_lines

COUNTS = Counter({"b": 2, "a": 2, "\u00e9": 5, "z": 1, "\u00c0": 2, 'c,"d': 1})


def test_order_is_count_descending_then_code_point_ascending() -> None:
    # "A" with grave (U+00C0) sorts after every ASCII word, by code point, not by locale.
    assert ranked(COUNTS, top=0) == [
        ("\u00e9", 5),
        ("a", 2),
        ("b", 2),
        ("\u00c0", 2),
        ('c,"d', 1),
        ("z", 1),
    ]
    assert ranked(COUNTS, top=2) == [("\u00e9", 5), ("a", 2)]


@given(st.dictionaries(st.text(min_size=1, max_size=3), st.integers(1, 5)), st.integers(0, 8))
def test_top_n_is_a_prefix_of_the_full_ranking(counts: dict[str, int], top: int) -> None:
    full = ranked(Counter(counts), top=0)
    assert ranked(Counter(counts), top=top) == (full if top == 0 else full[:top])


def test_tsv_has_one_line_per_word_and_no_header() -> None:
    text = "".join(tsv_lines(ranked(COUNTS, top=3)))
    assert text == "\u00e9\t5\na\t2\nb\t2\n"


def test_csv_parses_back_with_quoting_and_crlf() -> None:
    text = "".join(csv_lines(ranked(COUNTS, top=0)))
    assert text.startswith("word,count\r\n")
    assert '"c,""d",1\r\n' in text
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["word", "count"]
    assert [(word, int(count)) for word, count in rows[1:]] == ranked(COUNTS, top=0)


def test_json_parses_back() -> None:
    totals = Totals(total_words=13, unique_words=6, files=2)
    document = json.loads("".join(json_lines(ranked(COUNTS, top=2), totals)))
    assert document == {
        "total_words": 13,
        "unique_words": 6,
        "files": 2,
        "top": [{"word": "\u00e9", "count": 5}, {"word": "a", "count": 2}],
    }


WORD_LISTS = st.lists(
    st.tuples(st.text(min_size=1, max_size=8), st.integers(1, 10**12)), max_size=6
)


@given(
    rows=WORD_LISTS,
    by_file=st.none() | st.lists(st.tuples(st.text(max_size=5), WORD_LISTS), max_size=3),
    with_ranges=st.booleans(),
    ascii_only=st.booleans(),
)
def test_json_is_what_json_dumps_with_indent_writes(
    rows: list[tuple[str, int]],
    by_file: list[tuple[str, list[tuple[str, int]]]] | None,
    with_ranges: bool,
    ascii_only: bool,
) -> None:
    """The word lists are written row by row, for speed; the document is still exactly
    json.dumps(indent=2)'s (DEL and C1 aside, which both escape)."""
    ranges = Counter({word: len(word) for word, _ in rows}) if with_ranges else None
    totals = Totals(total_words=7, unique_words=len(rows), files=2)
    written = "".join(
        json_lines(rows, totals, ranges=ranges, by_file=by_file, ascii_only=ascii_only)
    )
    top = [
        {"word": word, "count": count, **({"files": len(word)} if ranges else {})}
        for word, count in rows
    ]
    document: dict[str, object] = {"total_words": 7, "unique_words": len(rows), "files": 2}
    document["top"] = top
    if by_file is not None:
        document["by_file"] = [
            {"file": path, "top": [{"word": w, "count": c} for w, c in file_rows]}
            for path, file_rows in by_file
        ]
    expected = json.dumps(document, ensure_ascii=ascii_only, indent=2) + "\n"
    control = "".join(chr(code) for code in range(0x7F, 0xA0))
    if not any(char in control for char in expected):
        assert written == expected
    assert json.loads(written) == document
