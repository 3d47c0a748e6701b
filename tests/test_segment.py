"""--segment icu: ICU's word break iterator, once per distinct whitespace-delimited token
(issue 15)."""

from __future__ import annotations

import itertools
import json
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import ProcessLog, WriteFile, examples, invoke, run_wordcount
from wordcount.words.segment import (
    SegmentingCounter,
    ascii_segment_words,
    icu_version,
    reference_segment_words,
)

pytestmark = pytest.mark.skipif(icu_version() is None, reason="needs wordcount-parallel[icu]")

# From the issue, which took them from ICU 78.
ISSUE_EXAMPLES = [
    ("我喜欢学习中文，你呢？", ["我", "喜欢", "学习", "中文", "你", "呢"]),
    ("สวัสดีครับ ผมชื่อสมชาย", ["สวัสดี", "ครับ", "ผม", "ชื่อ", "สมชาย"]),
    ("ພາສາລາວງາມຫຼາຍ", ["ພາສາ", "ລາວ", "ງາມ", "ຫຼາຍ"]),
]

# Scripts with spaces: UAX #29 alone decides, so the words can be written out by hand.
SPACED_EXAMPLES = [
    ("나는 학교에 갑니다. 한국어가 좋아요!", ["나는", "학교에", "갑니다", "한국어가", "좋아요"]),
    ("ذهبت إلى المدرسة، ثم عدت.", ["ذهبت", "إلى", "المدرسة", "ثم", "عدت"]),
    ("אני אוהב לקרוא ספרים.", ["אני", "אוהב", "לקרוא", "ספרים"]),
    ("मैं हिंदी सीख रहा हूँ।", ["मैं", "हिंदी", "सीख", "रहा", "हूँ"]),
    ("می\u200cخواهم کتاب بخوانم.", ["می\u200cخواهم", "کتاب", "بخوانم"]),
    # UAX #29 keeps 3.14 and e.g together, and splits at the hyphen, unlike the default rule.
    (
        "Don't stop—the 3.14 e.g. well-known",
        ["don't", "stop", "the", "3.14", "e.g", "well", "known"],
    ),
]

# Rule 3: ICU sees the text as written, so its Thai dictionary finds ทำงาน (to work) and
# สำหรับ (for) whole, written with SARA AM (U+0E33) as Thai text writes them; each word is
# then normalized by the rule (ﬁnd is find; ⑴, "(1)" under NFKC, is the number 1).
RULE_3_EXAMPLES = [
    (
        "\u0e17\u0e33\u0e07\u0e32\u0e19 \u0e2a\u0e33\u0e2b\u0e23\u0e31\u0e1a",
        ["\u0e17\u0e33\u0e07\u0e32\u0e19", "\u0e2a\u0e33\u0e2b\u0e23\u0e31\u0e1a"],
    ),
    (
        "\u314b\u314b\u314b \u0130stanbul \u2764\ufe0fspy don\u00b4t don\u02bct",
        ["\u314b\u314b\u314b", "istanbul", "spy", "don't", "don't"],
    ),
    ("\ufb01nd \u2474", ["find", "1"]),
]

# Unspaced scripts: words a reader of each language finds in the sentence.
UNSPACED_SENTENCES = [
    ("今天我们去公园散步。", ["我们", "公园"]),
    ("東京は日本の首都です。", ["東京", "日本", "首都"]),
    ("ฉันชอบกินข้าวผัดมาก", ["ชอบ", "กิน"]),
    ("ខ្ញុំចូលចិត្តរៀនភាសាខ្មែរ", ["ខ្ញុំ", "រៀន"]),  # I, learn
    ("ကျွန်တော်မြန်မာစကားပြောတတ်ပါတယ်", ["ကျွန်တော်", "မြန်မာ"]),  # I, Myanmar
]


def _words(args: list[str], text: str) -> list[str]:
    result = invoke(["--segment", "icu", "-n", "0", "-f", "json", *args, "-"], stdin=text.encode())
    assert result.exit_code == 0, result.output
    top = json.loads(result.output)["top"]
    return [entry["word"] for entry in top for _ in range(entry["count"])]


@pytest.mark.parametrize(("text", "words"), ISSUE_EXAMPLES + SPACED_EXAMPLES + RULE_3_EXAMPLES)
def test_examples_give_their_words(text: str, words: list[str]) -> None:
    assert Counter(_words([], text)) == Counter(words)
    assert reference_segment_words(text) == words


@pytest.mark.parametrize(("text", "known"), UNSPACED_SENTENCES)
def test_unspaced_sentences_are_cut_into_words(text: str, known: list[str]) -> None:
    words = reference_segment_words(text)
    assert set(known) <= set(words)
    # Every letter is in exactly one word, in order: nothing lost, nothing invented.
    letters = "".join(char for char in text if unicodedata.category(char)[0] in "LMN")
    assert "".join(words) == letters
    assert Counter(_words([], text)) == Counter(words)


def test_the_default_rule_counts_each_clause_as_a_word_and_says_so(write_file: WriteFile) -> None:
    path = write_file("zh.txt", "我喜欢学习中文，你呢？\n")
    result = run_wordcount(["-n", "0", str(path)])
    assert result.stdout.decode().splitlines() == ["你呢\t1", "我喜欢学习中文\t1"]
    assert result.stderr.decode().count("--segment icu") == 1
    segmented = run_wordcount(["--segment", "icu", "-n", "0", str(path)])
    assert segmented.stderr == b""
    assert len(segmented.stdout.splitlines()) == 6


# Characters whose word-break properties differ, so that the rules that look furthest
# (numbers, apostrophes, ZWJ, emoji, regional indicators, Katakana, marks) all meet spaces.
ALPHABET = (
    "a",
    "Z",
    "é",
    "1",
    "٣",
    ".",
    ",",
    "'",
    "’",
    "_",
    "-",
    ":",
    "\u0301",
    "\u200d",
    "\u200c",
    "\ufe0f",
    "👍",
    "🏽",
    "🇫",
    "🇷",
    "カ",
    "ー",
    "我",
    "喜",
    "欢",
    "中",
    "文",
    "ส",
    "วั",
    "ดี",
    "ก",
    "ລ",
    "າ",
    "ខ",
    "្",
    "ក",
    "မ",
    "ြ",
    "ဏ",
    "Σ",
    "ς",
    "ﬁ",
    "\u00a0",
    "\u3000",
    " ",
    "\t",
    "\n",
    "\r",
    # What rule 3 changed: ICU sees these as written, the rule normalizes its words.
    "\u0e33",
    "\u0eb3",
    "\u314b",
    "\u314f",
    "\u1100",
    "\u0130",
    "\u00b4",
    "\u02bc",
    "\u2474",
    "\u2764",
)


@given(
    parts=st.lists(st.sampled_from(ALPHABET), max_size=60),
    cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=6),
    case_sensitive=st.booleans(),
)
@settings(max_examples=examples(400), deadline=None)
def test_segmenting_each_token_alone_equals_segmenting_the_whole_text(
    parts: list[str], cuts: list[int], case_sensitive: bool
) -> None:
    text = "".join(parts)
    data = text.encode()
    counter = SegmentingCounter(case_sensitive=case_sensitive)
    positions = sorted({min(cut, len(data)) for cut in cuts} | {0, len(data)})
    for start, end in itertools.pairwise(positions):
        counter.feed(data[start:end])
    assert counter.end_text() == 0
    got = Counter({word.decode(): n for word, n in counter.take_counts().counts.items()})
    assert got == Counter(reference_segment_words(text, case_sensitive=case_sensitive))


def test_a_run_over_the_limit_is_skipped_and_reported_however_it_arrives() -> None:
    for chunk_size in (3, 7, 1000):
        counter = SegmentingCounter(max_run_bytes=10)
        data = "ok 我喜欢学习中文 yes 12345678901 no".encode()
        for start in range(0, len(data), chunk_size):
            counter.feed(data[start : start + chunk_size])
        assert counter.end_text() == 2  # 21 bytes of Chinese, 11 digits
        assert set(counter.take_counts().counts) == {b"ok", b"yes", b"no"}


def _mixed_text(lines: int) -> str:
    sentences = [text for text, _ in ISSUE_EXAMPLES + SPACED_EXAMPLES + UNSPACED_SENTENCES]
    return "".join(f"{sentences[i % len(sentences)]} {i % 97}\n" for i in range(lines))


# Seconds: pools started for every -j (make test-slow).
@pytest.mark.slow
def test_every_option_gives_the_same_bytes_for_every_jobs(
    tmp_path: Path, process_log: ProcessLog
) -> None:
    """A 3 MB file of mixed scripts, cut into ranges at line breaks by -j 2."""
    big = tmp_path / "mixed.txt"
    big.write_text(_mixed_text(60_000), encoding="utf-8")
    small = tmp_path / "small.txt"
    small.write_text("我们去公园。\n", encoding="utf-8")
    stop = tmp_path / "stop.txt"
    stop.write_text("我们\nthe\n", encoding="utf-8")
    for options in (
        ["-n", "0"],
        ["--by-file", "-n", "5", "-f", "json"],
        ["--ngrams", "2", "-n", "20"],
        ["--stopwords", str(stop), "--min-length", "2", "--stats", "-f", "json"],
    ):
        args = ["--segment", "icu", *options, str(big), str(small)]
        serial = run_wordcount(["-j", "1", *args])
        process_log.assert_serial()
        parallel = run_wordcount(["-j", "2", *args])
        process_log.assert_parallel()
        assert (parallel.returncode, parallel.stderr) == (0, b"")
        assert parallel.stdout == serial.stdout
    counted = Counter(reference_segment_words(_mixed_text(60_000)))
    counted.update(reference_segment_words("我们去公园。\n"))
    lines = run_wordcount(["-j", "2", "--segment", "icu", "-n", "0", str(big), str(small)])
    got = Counter(
        {
            word: int(n)
            for word, n in (line.split("\t") for line in lines.stdout.decode().splitlines())
        }
    )
    assert got == counted


def test_stop_words_are_segmented_as_the_inputs_are(write_file: WriteFile) -> None:
    # One line, no spaces: only ICU finds the words 我们 and 公园 in it.
    stop = write_file("stop.txt", "我们公园\n")
    assert "公园" not in _words(["--stopwords", str(stop)], "今天我们去公园散步。")
    assert "我们" not in _words(["--stopwords", str(stop)], "今天我们去公园散步。")


def test_version_names_icu() -> None:
    result = run_wordcount(["--version"])
    assert f"ICU {icu_version()}" in result.stdout.decode()


def test_without_the_extra_it_says_how_to_install_it(tmp_path: Path) -> None:
    missing = tmp_path / "icu4py"
    missing.mkdir()
    (missing / "__init__.py").write_text("raise ImportError('not installed')\n")
    env = {"PYTHONPATH": str(tmp_path)}
    result = run_wordcount(["--segment", "icu", "-"], stdin=b"words", env=env)
    assert result.returncode == 2
    assert result.stdout == b""
    assert result.stderr.decode() == (
        "wordcount: error: --segment icu needs ICU: pip install 'wordcount-parallel[icu]'\n"
    )
    assert "ICU" not in run_wordcount(["--version"], env=env).stdout.decode()


def test_pattern_and_segment_cannot_be_combined() -> None:
    result = invoke(["--segment", "icu", "--pattern", "a+", "-"], stdin=b"a")
    assert result.exit_code == 2
    assert "--pattern and --segment cannot be used together" in result.output


WORD_BREAK_TEST = Path("/usr/share/unicode/auxiliary/WordBreakTest.txt")
# Cases where ICU 78 (Unicode 17) and the test file's Unicode version disagree, with why.
UNICODE_VERSION_DIFFERENCES = {
    # Unicode 17 took Extended_Pictographic from the 672 characters without the Emoji
    # property (UTC 182-C20), U+2701 among them, so WB3c no longer keeps ZWJ × U+2701.
    "2701 200D 2701": "U+2701 is no longer Extended_Pictographic in Unicode 17",
    "0061 200D 2701": "U+2701 is no longer Extended_Pictographic in Unicode 17",
}


@pytest.mark.skipif(
    not WORD_BREAK_TEST.exists(),
    reason=f"{WORD_BREAK_TEST} is absent (Debian's unicode-data package installs it)",
)
def test_the_segmenter_passes_unicodes_word_break_test() -> None:
    from icu4py.breakers import WordBreaker

    passed, failed = 0, []
    for line in WORD_BREAK_TEST.read_text(encoding="utf-8").splitlines():
        body = line.partition("#")[0].split()
        if not body:
            continue
        text, expected = "", set()
        for part in body:
            if part == "÷":
                expected.add(len(text.encode("utf-16-le")) // 2)
            elif part != "×":
                text += chr(int(part, 16))
        found = {0}
        for start, end in WordBreaker(text, "").segments():  # UTF-16 offsets
            found.update((start, end))
        if found == expected:
            passed += 1
        else:
            failed.append(" ".join(part for part in body if part not in "÷×"))
    assert sorted(failed) == sorted(UNICODE_VERSION_DIFFERENCES)
    assert passed > 1800  # 1,821 of 1,823 with Unicode 15.0's file


@given(st.binary(max_size=24).map(lambda raw: bytes(byte & 0x7F for byte in raw)))
@settings(max_examples=examples(2000), deadline=None)
def test_ascii_tokens_are_segmented_as_icu_segments_them(raw: bytes) -> None:
    for token in raw.split():
        words = [word.decode() for word in ascii_segment_words(token)]
        assert words == reference_segment_words(token.decode(), case_sensitive=True)


@pytest.mark.parametrize(
    ("token", "words"),
    [
        (b"3.14", [b"3.14"]),
        (b"1,000;5", [b"1,000;5"]),
        (b"e.g.", [b"e.g"]),
        (b"a:b", [b"a:b"]),
        (b"a,b", [b"a", b"b"]),
        (b"a.1", [b"a", b"1"]),
        (b"snake_case__", [b"snake_case__"]),
        (b"__", []),
        (b"(don't)", [b"don't"]),
        (b"a''b", [b"a", b"b"]),
    ],
)
def test_ascii_segments_by_hand(token: bytes, words: list[bytes]) -> None:
    assert ascii_segment_words(token) == words


def test_a_range_is_cut_at_whitespace_where_a_line_has_no_end(
    tmp_path: Path, process_log: ProcessLog
) -> None:
    """No line break to cut at: a comma would do for the default rule, but ICU keeps
    123,123,... whole, so -j 2 cuts only at whitespace (here one byte in 600)."""
    number = ",".join(["123"] * 150)  # 599 bytes, one ICU word
    path = tmp_path / "numbers.txt"
    path.write_text(f"{number} " * 6_000)  # 3.6 MB, one line
    for jobs in ("1", "2"):
        result = run_wordcount(["--segment", "icu", "-j", jobs, "-n", "0", str(path)])
        assert result.stdout == f"{number}\t6000\n".encode(), jobs
    process_log.assert_parallel()
