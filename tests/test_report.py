"""Ranking and the TSV/CSV/JSON writers: each format parsed back."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from wordcount.cli.formats import csv_lines, json_lines, tsv_lines
from wordcount.cli.ranking import ranked
from wordcount.cli.selection import Totals

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
