"""The default word rule: every example from the foundation issue, checked by hand.

Each case runs through the plain reference and through the real CLI path (fast path,
planner, report), serial and parallel."""

from __future__ import annotations

import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import ProcessLog, examples, invoke
from wordcount import reference_words
from wordcount.words.rule import normalize

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
    # Rule 3: words as written. Issue 22's line: Thai ทำงาน (to work) and สำหรับ (for) keep
    # SARA AM (U+0E33), Korean ㅋㅋㅋ its compatibility jamo, İstanbul is istanbul, the
    # variation selector of ❤️ stays with the heart, and don´t is don't.
    (
        "\u0e17\u0e33\u0e07\u0e32\u0e19 \u0e2a\u0e33\u0e2b\u0e23\u0e31\u0e1a "
        "\u314b\u314b\u314b \u0130stanbul \u2764\ufe0fspy don\u00b4t",
        [
            "\u0e17\u0e33\u0e07\u0e32\u0e19",
            "\u0e2a\u0e33\u0e2b\u0e23\u0e31\u0e1a",
            "\u314b\u314b\u314b",
            "istanbul",
            "spy",
            "don't",
        ],
    ),
    # Lao ຄຳ (word) keeps U+0EB3; ㄱㅏ stays two jamo, not the syllable 가 NFKC would make.
    ("\u0e84\u0eb3 \u3131\u314f", ["\u0e84\u0eb3", "\u3131\u314f"]),
    # The three apostrophes as written are one; a mark after a space starts no word.
    ("don\u2019t don\u02bct don\u00b4t \u0301a", ["don't", "don't", "don't", "a"]),
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
    assert _counted(result.stdout) == Counter(words)


def test_every_example_counts_alike_in_a_pool(tmp_path: Path, process_log: ProcessLog) -> None:
    """All the examples, a line each, repeated past the pool threshold: -j 2 cuts the file
    into ranges counted by two workers, and each example still gives its words."""
    repeats = 40_000  # about 3 MB
    path = tmp_path / "examples.txt"
    path.write_bytes("".join(f"{text}\n" for text, _ in EXAMPLES).encode() * repeats)
    expected = Counter(word for _, words in EXAMPLES for word in words for _ in range(repeats))
    for jobs in ("1", "2"):
        result = invoke(["-j", jobs, "-n", "0", "-f", "tsv", str(path)])
        assert _counted(result.stdout) == expected
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


def test_nfkc_applies_around_the_characters_kept_as_written() -> None:
    # The ligature ﬁ and e + U+0301 before SARA AM still become fi and é; a lone acute
    # after it stays an acute; conjoining ᄀ (U+1100) does not take ㅏ into a syllable.
    assert reference_words("\ufb01e\u0301\u0e33\u0301") == ["fi\u00e9\u0e33\u0301"]
    assert reference_words("\u1100\u314f") == ["\u1100\u314f"]
    assert reference_words("\u314b\u1161") == ["\u314b\u1161"]


def test_only_lowercasing_turns_dotted_capital_i_into_i() -> None:
    # I + U+0307 is İ under NFKC, so it too is i; --case-sensitive keeps İ.
    assert reference_words("\u0130 I\u0307 \u0131") == ["i", "i", "\u0131"]
    assert reference_words("\u0130stanbul", case_sensitive=True) == ["\u0130stanbul"]


def test_the_characters_kept_as_written_are_starters_nothing_composes_with() -> None:
    """Why NFKC applied between them is NFKC of the rest: each has combining class 0, is
    in no canonical pair, and is changed by NFKC (so text NFKC leaves alone holds none)."""
    in_pairs = set()
    for code_point in range(0x110000):
        decomposition = unicodedata.decomposition(chr(code_point))
        if decomposition and not decomposition.startswith("<"):
            in_pairs.update(int(part, 16) for part in decomposition.split())
    kept = [0x0E33, 0x0EB3, *range(0x3131, 0x318F)]
    for code_point in kept:
        char = chr(code_point)
        assert unicodedata.combining(char) == 0
        assert code_point not in in_pairs
        assert unicodedata.normalize("NFKC", char) != char
        assert normalize(char) == char
    assert normalize("\u3130\u318f") == unicodedata.normalize("NFKC", "\u3130\u318f")


def _plainly_normalized(text: str, case_sensitive: bool) -> str:
    """Step 2 as the issue states it, a character at a time, with the halfwidth Hangul
    letters as the compatibility jamo of their names; again until nothing changes."""
    while (normalized := _plainly_normalized_once(text, case_sensitive)) != text:
        text = normalized
    return text


def _plainly_normalized_once(text: str, case_sensitive: bool) -> str:
    if not unicodedata.is_normalized("NFKC", text):
        text = "".join(
            unicodedata.lookup(unicodedata.name(char)[len("HALFWIDTH ") :])
            if unicodedata.name(char, "").startswith("HALFWIDTH HANGUL")
            else char
            for char in text
        )
    for apostrophe in "\u2019\u02bc\u00b4":
        text = text.replace(apostrophe, "'")
    normalized, piece = "", ""
    for char in text:
        if char in "\u0e33\u0eb3" or "\u3131" <= char <= "\u318e":
            normalized += unicodedata.normalize("NFKC", piece) + char
            piece = ""
        else:
            piece += char
    normalized += unicodedata.normalize("NFKC", piece)
    if case_sensitive:
        return normalized
    return "".join("i" if char == "\u0130" else char for char in normalized).lower()


# What rule 3 changed, mixed with what composes, marks, joiners and final sigma.
RULE_3_PIECES = [
    *("\u0e33", "\u0eb3", "\u0e17", "\u0e48", "\u0e4d", "\u0e32", "\u0ecd", "\u0eb2"),
    *("\u3131", "\u314f", "\u314b", "\u318e", "\u1100", "\u1161", "\u11a8", "\uac00"),
    *("\u0130", "I", "\u0307", "i", "\u0131", "\u03a3", "\u0391"),
    *("\u2019", "\u02bc", "\u00b4", "'", "\u0149", "\u1ffd", "\uff07"),
    *("\u0301", "\u0316", "\u0338", "e", "\ufe0f", "\u20e3", "\u2764", "\u200d", "\u200c"),
    *("\ufb01", "\uffa1", "\uffc2", "\u3200", " ", ".", "1"),
    # Where one pass of step 2 is not its own normalization.
    *("\u1d2c", "J", "\u030c", "\u0390", "\u03aa"),
]
MIXED_TEXT = st.lists(
    st.one_of(st.sampled_from(RULE_3_PIECES), st.characters(exclude_categories=["Cs"])),
    max_size=24,
).map("".join)


@settings(max_examples=examples(200), deadline=None)
@given(text=MIXED_TEXT, case_sensitive=st.booleans())
def test_normalize_is_step_2_as_stated(text: str, case_sensitive: bool) -> None:
    assert normalize(text, case_sensitive=case_sensitive) == _plainly_normalized(
        text, case_sensitive
    )


@settings(max_examples=examples(200), deadline=None)
@given(text=MIXED_TEXT, case_sensitive=st.booleans())
def test_every_word_the_rule_gives_is_the_only_word_of_itself(
    text: str, case_sensitive: bool
) -> None:
    """A saved count's words are checked so (analysis.saved_words): ŉ, J̌ and İ́ once
    gave words that the rule, given them, changed, and their counts could not be read
    back."""
    for word in reference_words(text, case_sensitive=case_sensitive):
        assert reference_words(word, case_sensitive=case_sensitive) == [word]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("\u0149 J\u030c \u0130\u0301 \u1d2cbc", ["n", "\u01f0", "\u00ed", "abc"]),
        ("\uffa1\uffa1\uffa1 \u3131\u3131\u3131", ["\u3131\u3131\u3131"] * 2),
    ],
    ids=["one-pass-not-enough", "halfwidth-hangul"],
)
def test_step_2_until_nothing_changes(text: str, words: list[str]) -> None:
    # By hand: ŉ is ʼn under NFKC, and ʼ the apostrophe, outside the word n; J̌ lowercased
    # is ǰ, composed ǰ; İ́ is í; ᴬ is A, then a; ﾡ is ㄱ (HALFWIDTH HANGUL LETTER KIYEOK).
    assert reference_words(text) == words
