"""The default word rule: every example from the foundation issue, checked by hand.

Each case runs through the plain reference and through the real CLI path (fast path,
planner, report), serial and parallel."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import ProcessLog, invoke
from wordcount import reference_words

NAIVE_PRECOMPOSED = "na\u00efve"
NAIVE_COMBINING = "nai\u0308ve"

EXAMPLES = [
    ("Don\u2019t stop\u2014the WHALE's tail!", ["don't", "stop", "the", "whale's", "tail"]),
    ("rock'n'roll", ["rock'n'roll"]),
    ("'Tis ''quoted''", ["tis", "quoted"]),
    ("e-mail snake_case", ["e", "mail", "snake", "case"]),
    (f"{NAIVE_PRECOMPOSED} {NAIVE_COMBINING}", [NAIVE_PRECOMPOSED, NAIVE_PRECOMPOSED]),
    ("\u00dcBER \u00dcber", ["\u00fcber", "\u00fcber"]),
    ("\ufb01nd", ["find"]),
    ("covid19 3.14", ["covid19", "3", "14"]),
    # Rule 2: ZWNJ (U+200C) and ZWJ (U+200D) between word characters stay in the word.
    (
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 "
        "\u06a9\u062a\u0627\u0628\u200c\u0647\u0627",
        [
            "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
            "\u06a9\u062a\u0627\u0628\u200c\u0647\u0627",
        ],
    ),
    ("\u0915\u094d\u200d\u0937", ["\u0915\u094d\u200d\u0937"]),
    # 👍🏽 is a symbol and a modifier symbol; ❤️ ends in U+FE0F, a mark with no letter
    # before it: neither is a word. 1️⃣ is a digit with two marks.
    ("ok \U0001f44d\U0001f3fd \u2764\ufe0f 1\ufe0f\u20e3", ["ok", "1\ufe0f\u20e3"]),
    # Only a single joiner between word characters joins.
    ("a\u200d\u200db \u200dc d\u200c", ["a", "b", "c", "d"]),
    ("\u0301 \u0301\u0301", []),
]


@pytest.mark.parametrize(("text", "words"), EXAMPLES)
def test_reference_rule(text: str, words: list[str]) -> None:
    assert reference_words(text) == words


def _counted(tsv: str) -> Counter[str]:
    return Counter(
        {word: int(count) for word, count in (line.split("\t") for line in tsv.splitlines())}
    )


@pytest.mark.parametrize(("text", "words"), EXAMPLES)
def test_cli_counts_each_example(text: str, words: list[str]) -> None:
    result = invoke(["-n", "0", "-f", "tsv", "-"], stdin=text.encode())
    assert result.exit_code == 0
    assert _counted(result.output) == Counter(words)


def test_every_example_counts_alike_in_a_pool(tmp_path: Path, process_log: ProcessLog) -> None:
    """All the examples, a line each, repeated past the pool threshold: -j 2 cuts the file
    into ranges counted by two workers, and each example still gives its words."""
    repeats = 40_000  # about 3 MB
    path = tmp_path / "examples.txt"
    path.write_bytes("".join(f"{text}\n" for text, _ in EXAMPLES).encode() * repeats)
    expected = Counter(word for _, words in EXAMPLES for word in words for _ in range(repeats))
    for jobs in ("1", "2"):
        result = invoke(["-j", jobs, "-n", "0", "-f", "tsv", str(path)])
        assert _counted(result.output) == expected
    process_log.assert_parallel()


def test_leading_bom_is_not_text_but_a_later_one_separates() -> None:
    assert reference_words("\ufeffword") == ["word"]
    assert reference_words("a\ufeffb") == ["a", "b"]


def test_nfkc_happens_before_splitting() -> None:
    # U+2460 CIRCLED DIGIT ONE is a number already; the fullwidth apostrophe U+FF07
    # becomes ASCII under NFKC and then joins the word.
    assert reference_words("\u2460 it\uff07s") == ["1", "it's"]


def test_final_sigma_follows_python_lower_over_the_whole_text() -> None:
    # str.lower() looks through case-ignorable characters such as "." to decide whether
    # a capital sigma ends a word; the rule inherits that.
    assert reference_words("\u039f\u03a3.\u0391") == ["\u03bf\u03c3", "\u03b1"]
    assert reference_words("\u039f\u03a3 \u0391") == ["\u03bf\u03c2", "\u03b1"]
