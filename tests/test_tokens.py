"""The fast path (words/tokens.py and the native kernel) agrees with the plain rule
(words/rule.py) exactly, for any chunking."""

from __future__ import annotations

import io
import itertools
import unicodedata
from collections import Counter
from collections.abc import Callable
from itertools import pairwise
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import examples
from wordcount.engine.options import CountOptions
from wordcount.engine.worker import count_stream
from wordcount.sources.problems import ProblemKind
from wordcount.words import counter, native
from wordcount.words.conversion import QUOTES_AS_ASCII, words_of_raw_token
from wordcount.words.counter import WordCounter
from wordcount.words.native import NATIVE, NativeTextCounter
from wordcount.words.ngrams import NgramCounter, NgramOptions
from wordcount.words.pattern import PatternCounter
from wordcount.words.rule import APOSTROPHES_AS_WRITTEN, has_unspaced_run, reference_words
from wordcount.words.segment import NativeSegmentingCounter, SegmentingCounter
from wordcount.words.tokens import SAFE_SEPARATORS, TextCounter

# The counters of the default rule to test: the pure-Python path, and the native kernel
# where it is built and not turned off.
ENGINES = (False, True) if native.NATIVE else (False,)


def _decoded(counts: dict[bytes, int]) -> Counter[str]:
    return Counter({word.decode(): count for word, count in counts.items()})


def test_safe_separators_follow_from_the_unicode_database() -> None:
    """Derive, from first principles, which ASCII bytes may split raw tokens."""
    composes_with_something = set()
    for code_point in range(0x110000):
        decomposition = unicodedata.decomposition(chr(code_point))
        if decomposition and not decomposition.startswith("<"):
            parts = [int(part, 16) for part in decomposition.split()]
            if len(parts) == 2:  # a singleton never composes
                composes_with_something.update(part for part in parts if part < 128)
    derived = bytes(
        byte
        for byte in range(128)
        if unicodedata.category(chr(byte))[0] not in "LMN"
        and chr(byte) != "'"
        # Not case-ignorable: a capital sigma before it still ends its word.
        and ("\u0391\u03a3" + chr(byte) + "\u0391").lower()[1] == "\u03c2"
        and byte not in composes_with_something
    )
    assert derived == SAFE_SEPARATORS
    assert set(b"'.:^`<=>").isdisjoint(SAFE_SEPARATORS)
    assert set(b' \t\r\n,;!?"()[]{}-_/\\') <= set(SAFE_SEPARATORS)


class ChunkedStream(io.RawIOBase):
    """A stream that hands out the given chunks, whatever size is asked for, like a pipe."""

    def __init__(self, chunks: list[bytes]) -> None:
        self._chunks = list(chunks)

    def read(self, size: int = -1) -> bytes:
        return self._chunks.pop(0) if self._chunks else b""


def test_quotes_read_as_ascii_are_what_the_rule_makes_of_them() -> None:
    """The shortcut for quoted ASCII words holds for the apostrophes, which the rule writes
    as ' before anything else, and for characters NFKC leaves alone, that are not letters,
    marks or digits, and that no other character composes with."""
    composed_from = set()
    for code_point in range(0x110000):
        decomposition = unicodedata.decomposition(chr(code_point))
        if decomposition and not decomposition.startswith("<"):  # canonical: may compose
            composed_from.update(int(part, 16) for part in decomposition.split())
    for quote, replacement in QUOTES_AS_ASCII.items():
        if chr(quote) in APOSTROPHES_AS_WRITTEN:
            assert replacement == "'"
            continue
        assert unicodedata.normalize("NFKC", chr(quote)) == chr(quote)
        assert unicodedata.category(chr(quote))[0] not in "LMN"
        assert quote not in composed_from
        assert replacement == " "
    assert {ord(apostrophe) for apostrophe in APOSTROPHES_AS_WRITTEN} <= set(QUOTES_AS_ASCII)
    for token in [
        "\u2018Well",
        "MARMALADE\u2019",
        "\u201cOh\u201d",
        "don\u2019t",
        "don\u02bct",
        "don\u00b4t",
        "\u00b4\u00b4a\u00b4\u02bc",
        "a\u2014b\u2013c",
    ]:
        words, valid = words_of_raw_token(token.encode())
        assert [word.decode() for word in words] == reference_words(token)
        assert valid


def _split_at(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({cut % (len(data) + 1) for cut in cuts} | {0, len(data)})
    return [data[start:end] for start, end in pairwise(points) if end > start]


# Pieces chosen to hit every subtle part of the rule; hypothesis mixes them with arbitrary text.
TRICKY = [
    "Don\u2019t",
    "rock'n'roll",
    "''",
    "'",
    "\u2019",
    "\u00a0",
    "\r\n",
    "\r",
    "\n",
    " ",
    "\t",
    "\ufeff",
    "e\u0301",
    "\u0301",
    "\u039f\u0394\u039f\u03a3",
    "\u03a3",
    "\u03f9",
    ".",
    ":",
    "^",
    "`",
    "<",
    "\u0338",
    "=",
    ">",
    "\ufb01",
    "\u2460",
    "\u00bd",
    "\u0130",
    "J\u030c",
    "\u00df",
    "\u2014",
    "\u2013",
    "\u2018",
    "\u201c",
    "\u201d",
    "\u2018\u03a3",
    "\u03a3\u2019",
    "end.",
    "I:",
    "\u2026",
    "\x00",
    "na\u00efve",
    "WHALE",
    "3.14",
    "\uff07",
    "\U0001d6ba",
    "<\u0338",
    "\u039f\u03a3.",
    ".\u0391",
    "\u03a3:",
    "'\u03a3",
    "A",
    "\u0627\u0644\u0639\u0631\u0628\u064a\u0629",
    "\u4e2d\u6587",
    "x" * 40,
    # Rule 3: the apostrophes as written, the characters NFKC keeps, İ, and marks where
    # no word has started (after an emoji, a separator, a joiner).
    "don\u00b4t",
    "\u02bc",
    "\u00b4",
    "\u0149",
    "\u0e17\u0e33",
    "\u0e33",
    "\u0eb3",
    "\u0e4d",
    "\u314b\u314b",
    "\u3131\u314f",
    "\u1100",
    "\u1161",
    "\u0130",
    "I\u0307",
    "\u2764\ufe0fspy",
    "\ufe0f",
    "\u200d",
    "\u200c",
    "\u0301a",
]
# Any text a UTF-8 file can hold: every code point but the surrogates.
ANY_CHARACTER = st.characters(exclude_categories=["Cs"])
TEXT = st.lists(
    st.one_of(st.sampled_from(TRICKY), st.text(ANY_CHARACTER, max_size=6)), max_size=30
).map("".join)


@settings(max_examples=examples(400), deadline=None)
@given(text=TEXT, cuts=st.lists(st.integers(min_value=0, max_value=10_000), max_size=8))
def test_fast_path_equals_plain_rule_for_any_chunking(text: str, cuts: list[int]) -> None:
    """Through the worker's stream counting, with the native kernel and without it."""
    data = text.encode("utf-8")
    for native_kernel, case_sensitive in itertools.product(ENGINES, (False, True)):
        # --text: NUL is in TRICKY, and this is about the rule, not spotting binary files.
        options = CountOptions(binary_as_text=True, case_sensitive=case_sensitive)
        stream = ChunkedStream(_split_at(data, cuts))
        with mock.patch.object(counter, "NATIVE", native_kernel):
            result = count_stream(stream, input_index=0, name="t", options=options)
        expected = reference_words(text, case_sensitive=case_sensitive)
        assert _decoded(result.counts) == Counter(expected)
        # valid UTF-8: no warning, only the hint where a word is a run of an unspaced script
        hinted = any(has_unspaced_run(word) for word in expected)
        assert [problem.kind for problem in result.problems] == [ProblemKind.UNSPACED] * hinted


@settings(max_examples=examples(300), deadline=None)
@given(text=TEXT, cuts=st.lists(st.integers(min_value=0, max_value=10_000), max_size=8))
def test_cutting_long_runs_is_exact(text: str, cuts: list[int]) -> None:
    """With a tiny run limit, runs are cut inside; wherever a cut was made, counts stay exact,
    and a run too long to cut loses its own words only, never invents any."""
    text = text.removeprefix("\ufeff")
    counter = TextCounter(max_run_bytes=12)
    for chunk in _split_at(text.encode("utf-8"), cuts):
        counter.feed(chunk)
    skipped = counter.end_text()
    counted = _decoded(counter.take_counts().counts)
    expected = Counter(reference_words(text))
    if skipped:
        assert not counted - expected
    else:
        assert counted == expected


@settings(max_examples=examples(300), deadline=None)
@given(text=TEXT, slice_bytes=st.integers(min_value=1, max_value=64))
def test_counting_a_chunk_in_slices_is_exact(text: str, slice_bytes: int) -> None:
    """A chunk is split and counted a slice at a time; a token across slices stays whole."""
    text = text.removeprefix("\ufeff")
    counter = TextCounter(slice_bytes=slice_bytes)
    counter.feed(text.encode("utf-8"))
    assert counter.end_text() == 0
    assert _decoded(counter.take_counts().counts) == Counter(reference_words(text))


@settings(max_examples=examples(300), deadline=None)
@given(data=st.binary(max_size=200), cuts=st.lists(st.integers(0, 400), max_size=6))
def test_any_bytes_count_the_same_however_they_are_chunked(data: bytes, cuts: list[int]) -> None:
    """Chunked or whole, with the native kernel or without it: the same counts."""
    with mock.patch.object(counter, "NATIVE", False):
        whole = count_stream(io.BytesIO(data), input_index=0, name="t")
    for native_kernel in ENGINES:
        with mock.patch.object(counter, "NATIVE", native_kernel):
            chunked = count_stream(ChunkedStream(_split_at(data, cuts)), input_index=0, name="t")
        assert (chunked.counts, chunked.problems) == (whole.counts, whole.problems)


def test_a_run_longer_than_the_limit_is_cut_at_an_exact_place() -> None:
    counter = TextCounter(max_run_bytes=10)
    counter.feed(b"alpha.beta.gamma.delta")  # "." between ASCII letters is an exact cut
    assert counter.end_text() == 0
    assert _decoded(counter.take_counts().counts) == Counter(["alpha", "beta", "gamma", "delta"])


def test_a_word_longer_than_the_limit_is_skipped_and_reported() -> None:
    counter = TextCounter(max_run_bytes=10)
    counter.feed(b"short " + b"x" * 25)
    counter.feed(b"y" * 5 + b" after")
    assert counter.end_text() == 1
    assert _decoded(counter.take_counts().counts) == Counter(["short", "after"])


def test_invalid_utf8_tokens_are_read_as_cp1252_and_flagged() -> None:
    counter = TextCounter()
    counter.feed("se\u00f1or caf\u00e9 ".encode("cp1252") + "na\u00efve".encode())
    counter.end_text()
    converted = counter.take_counts()
    assert converted.saw_invalid_utf8
    assert _decoded(converted.counts) == Counter(["se\u00f1or", "caf\u00e9", "na\u00efve"])


def test_bom_is_stripped_even_when_it_arrives_one_byte_at_a_time() -> None:
    stream = ChunkedStream([b"\xef", b"\xbb", b"\xbfword word"])
    assert _decoded(count_stream(stream, input_index=0, name="t").counts) == {"word": 2}


def _counters() -> list[Callable[[], WordCounter]]:
    made: list[Callable[[], WordCounter]] = [
        TextCounter,
        SegmentingCounter,
        lambda: PatternCounter(r"\w+", case_sensitive=False),
        lambda: NgramCounter(NgramOptions(1), case_sensitive=False),
    ]
    if NATIVE:
        made += [NativeTextCounter, NativeSegmentingCounter]
    return made


@pytest.mark.parametrize("new_counter", _counters())
def test_every_counter_says_what_the_rule_met_in_each_text(
    new_counter: Callable[[], WordCounter],
) -> None:
    """last_text is the text just ended's, never an earlier one's: so the worker names the
    right file of several that one counter counted."""
    counter = new_counter()
    texts = [b"caf\xe9 au lait", "caf\u00e9 au lait".encode(), b"bad \xff byte", b"plain"]
    met = []
    for text in texts:
        counter.feed(text)
        counter.end_text()
        met.append(counter.last_text.invalid_utf8)
    assert met == [True, False, True, False]


@pytest.mark.parametrize(
    "new_counter",
    [TextCounter, *([NativeTextCounter] if NATIVE else [])],
)
def test_the_default_rule_says_which_text_held_an_unspaced_script(
    new_counter: Callable[[], WordCounter],
) -> None:
    counter = new_counter()
    met = []
    for text in ["\u6211\u559c\u6b22\u5b66\u4e60 \u4e2d\u6587", "na\u00efve caf\u00e9", "plain"]:
        counter.feed(text.encode())
        counter.end_text()
        met.append(counter.last_text.unspaced_scripts)
    assert met == [frozenset({"Han"}), frozenset(), frozenset()]
    assert counter.take_counts().saw_unspaced_scripts == {"Han"}  # all the texts together
