"""The counting kernel: the native Scanner (words/kernel/) and the pure-Python TextCounter find
the same raw tokens and count the same words, for any bytes and any chunking.

The long-run rule is stated here again, plainly and independently of both: a raw token
is a maximal run of bytes that are not safe separators; a run longer than L is cut at
each of its exact places (before < = >, and before . : ^ ` between two ASCII bytes that
are not case-ignorable), and each piece longer than L is skipped.
"""

from __future__ import annotations

import array
import contextlib
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import examples, run_wordcount
from wordcount.sources.content import SPECIAL_FIRST_BYTES
from wordcount.sources.identity import identity_of
from wordcount.words import native
from wordcount.words.native import NativeTextCounter
from wordcount.words.segment import NativeSegmentingCounter, SegmentingCounter
from wordcount.words.tokens import SAFE_SEPARATORS, TextCounter

kernel = pytest.importorskip("wordcount.words._kernel", reason="the native kernel is not built")
needs_native = pytest.mark.skipif(not native.NATIVE, reason="WORDCOUNT_PURE_PYTHON is set")

# -- the definition, stated plainly ------------------------------------------------------

CUT_ALWAYS = frozenset(b"<=>")
CUT_BETWEEN = frozenset(b".:^`")
# ASCII bytes that str.lower()'s final-sigma rule does not look through.
NOT_IGNORABLE = frozenset([*range(0x27), *range(0x28, 0x2E), *range(0x2F, 0x3A)])
NOT_IGNORABLE |= frozenset([*range(0x3B, 0x5E), 0x5F, *range(0x61, 0x80)])


def runs(text: bytes) -> list[bytes]:
    found: list[bytes] = []
    start = None
    for index, byte in enumerate(text):
        if byte not in SAFE_SEPARATORS:
            if start is None:
                start = index
        elif start is not None:
            found.append(text[start:index])
            start = None
    if start is not None:
        found.append(text[start:])
    return found


def is_exact_cut(run: bytes, place: int) -> bool:
    if run[place] in CUT_ALWAYS:
        return True
    return (
        run[place] in CUT_BETWEEN
        and place + 1 < len(run)
        and run[place - 1] in NOT_IGNORABLE
        and run[place + 1] in NOT_IGNORABLE
    )


def reference_raw_tokens(text: bytes, limit: int) -> tuple[list[bytes], int]:
    """The raw tokens of one whole text, and how many pieces of long runs were skipped."""
    tokens: list[bytes] = []
    skipped = 0
    for run in runs(text):
        if len(run) <= limit:
            tokens.append(run)
            continue
        cuts = [0, *(place for place in range(1, len(run)) if is_exact_cut(run, place))]
        for start, end in pairwise([*cuts, len(run)]):
            if end - start <= limit:
                tokens.append(run[start:end])
            else:
                skipped += 1
    return tokens, skipped


# -- hostile texts, and any chunking of them ----------------------------------------------

PIECES = [
    *(b"a", b"Z", b"word", b"WORD", b"0", b"42", b"'", b"''", b".", b":", b"^", b"`"),
    *(b"<", b"=", b">", b" ", b"\n", b"\r\n", b"\t", b"_", b"-", b",", b"\x00", b"\x7f"),
    *("é".encode(), "’".encode(), "‘".encode(), "“".encode(), "—".encode(), "Σ".encode()),
    *("中".encode(), "\u0338".encode(), "\ufeff".encode(), b"\x80", b"\xff", b"\xc3"),
    *(b"\xe2\x80", b"\xed\xa0\x80", b"don't", b"Don\xe2\x80\x99t", b"rock'n'roll", b"a'"),
    *(b"a''b", b"a.b", b"A:B", b"a^b", b"a`b", b"a<b", b"3.14", b"end.", b".\xce\x91"),
    *(b"\xce\xa3.", b"\xe2\x80\x9cQuoted\xe2\x80\x9d", b"x" * 17, b"caf\xc3\xa9"),
    *("´".encode(), "ʼ".encode(), "don´t".encode(), "Donʼt".encode(), b"\xc2", b"\xca"),
    *("İ".encode(), "ำ".encode(), "ㅋ".encode(), "❤️".encode(), "\u0301".encode()),
]
PIECE = st.one_of(st.sampled_from(PIECES), st.binary(max_size=8))
LONG_RUN = st.builds(
    bytes.__mul__,
    st.sampled_from(
        [b"a", b"A.", b"<", b"=a", b".", b":a", b"a'", b"\xc3\xa9", b"ab^", b"x.\xc3\xa9"]
    ),
    st.integers(1, 90),
)
TEXT = st.lists(st.one_of(PIECE, PIECE, PIECE, LONG_RUN), max_size=60).map(b"".join)
LIMIT = st.one_of(st.integers(1, 40), st.just(1 << 20))


@st.composite
def chunkings(draw: st.DrawFn, data: bytes) -> list[bytes]:
    """Any way to cut data into consecutive chunks: one byte each, a fixed size, random
    places, or whole; an empty chunk may come anywhere."""
    mode = draw(st.sampled_from(["cuts", "ones", "fixed", "whole"]))
    if mode == "ones":
        chunks = [data[index : index + 1] for index in range(len(data))]
    elif mode == "fixed":
        size = draw(st.integers(1, 64))
        chunks = [data[index : index + size] for index in range(0, len(data), size)]
    elif mode == "whole":
        chunks = [data]
    else:
        points = draw(st.lists(st.integers(0, len(data)), max_size=12))
        bounds = sorted({0, len(data), *points})
        chunks = [data[start:end] for start, end in pairwise(bounds)]
    if draw(st.booleans()):
        chunks.insert(draw(st.integers(0, len(chunks))), b"")
    return chunks


def as_buffers(chunks: list[bytes], kind: str) -> list[bytes | bytearray | memoryview]:
    """The chunks as bytes, bytearrays, or slices of one bigger buffer (read at offsets
    inside memory the kernel does not own)."""
    if kind == "bytes":
        return list(chunks)
    if kind == "bytearray":
        return [bytearray(chunk) for chunk in chunks]
    whole = memoryview(b"\xff" * 7 + b"".join(chunks) + b"Q" * 9)
    views: list[bytes | bytearray | memoryview] = []
    position = 7
    for chunk in chunks:
        views.append(whole[position : position + len(chunk)])
        position += len(chunk)
    return views


# -- the pure-Python path follows the definition -----------------------------------------


@settings(max_examples=examples(300), deadline=None)
@given(data=st.data(), texts=st.lists(TEXT, min_size=1, max_size=3), limit=LIMIT)
def test_the_pure_path_finds_the_raw_tokens_of_the_definition(
    data: st.DataObject, texts: list[bytes], limit: int
) -> None:
    slice_bytes = data.draw(st.sampled_from([1, 2, 7, 64, 16 << 10]))
    counter = TextCounter(max_run_bytes=limit, slice_bytes=slice_bytes)
    expected: Counter[bytes] = Counter()
    for text in texts:
        for chunk in data.draw(chunkings(text)):
            counter.feed(chunk)
        tokens, skipped = reference_raw_tokens(text, limit)
        assert counter.end_text() == skipped
        expected.update(tokens)
    assert counter.raw_counts == expected


# -- the kernel counts what the pure-Python path counts ----------------------------------


@needs_native
@settings(max_examples=examples(200), deadline=None)
@given(
    data=st.data(),
    texts=st.lists(TEXT, min_size=1, max_size=3),
    limit=LIMIT,
    case_sensitive=st.booleans(),
)
def test_the_kernel_counts_what_the_pure_path_counts(
    data: st.DataObject, texts: list[bytes], limit: int, case_sensitive: bool
) -> None:
    """Several texts in a row, with take_counts() after any chunk: the two agree at every
    take, on the words, on invalid UTF-8, and on each text's skipped runs."""
    kind = data.draw(st.sampled_from(["bytes", "bytearray", "memoryview"]))
    fast = NativeTextCounter(case_sensitive=case_sensitive, max_run_bytes=limit)
    plain = TextCounter(case_sensitive=case_sensitive, max_run_bytes=limit)
    for text in texts:
        chunks = data.draw(chunkings(text))
        for chunk, buffer in zip(chunks, as_buffers(chunks, kind), strict=True):
            fast.feed(buffer)  # type: ignore[arg-type]
            plain.feed(chunk)
            if data.draw(st.integers(0, 4)) == 0:
                assert fast.take_counts() == plain.take_counts()
        assert fast.end_text() == plain.end_text() == reference_raw_tokens(text, limit)[1]
    assert fast.take_counts() == plain.take_counts()


@needs_native
@settings(max_examples=examples(150), deadline=None)
@given(
    unit=st.sampled_from([b"a", b"a.", b"<b", b"\xc3\xa9", b"ab.", b"x.\xc3\xa9", b"A:bc"]),
    times=st.integers(1, 3000),
    limit=st.integers(1, 300),
    chunk=st.integers(1, 5000),
)
def test_long_runs_in_big_chunks(unit: bytes, times: int, limit: int, chunk: int) -> None:
    """Runs much longer than the limit and than a chunk: the kernel's 16-byte windows."""
    text = b"lead " + unit * times + b" tail " + unit * (times // 3) + b"."
    fast = NativeTextCounter(max_run_bytes=limit)
    plain = TextCounter(max_run_bytes=limit)
    for start in range(0, len(text), chunk):
        fast.feed(text[start : start + chunk])
        plain.feed(text[start : start + chunk])
    assert fast.end_text() == plain.end_text() == reference_raw_tokens(text, limit)[1]
    assert fast.take_counts() == plain.take_counts()


@needs_native
def test_a_real_book_with_damage_counts_alike() -> None:
    """Prose with long runs, invalid bytes and curly quotes spliced in, in odd chunks."""
    prose = (
        "\u201cWell,\u201d said Alice\u2014\u2018I don\u2019t know.\u2019 The WHALE\u2019s "
        "tail: na\u00efve \u039f\u0394\u039f\u03a3. 3.14 rock'n'roll\r\n"
    ).encode()
    damage = [b"\xff\xfe", b"x" * 300, b"a.b" * 100, b"<" * 50, "\u03a3".encode() * 30]
    text = b"".join(prose + damage[index % len(damage)] for index in range(400))
    for limit in (5, 64, 1 << 20):
        fast = NativeTextCounter(max_run_bytes=limit)
        plain = TextCounter(max_run_bytes=limit)
        for start in range(0, len(text), 997):
            fast.feed(text[start : start + 997])
            plain.feed(text[start : start + 997])
        assert fast.end_text() == plain.end_text()
        assert fast.take_counts() == plain.take_counts()


# -- the Scanner's interface --------------------------------------------------------------

TEXT_SAMPLE = (
    b"The whale, the WHALE! Don't ask: caf\xc3\xa9 \xe2\x80\x9cQuoted\xe2\x80\x9d 3.14 end. "
    b"Don\xe2\x80\x99t\xe2\x80\x94a\xe2\x80\x98b "
)


def _scanned(*buffers: object, **options: object) -> tuple[dict[bytes, int], dict[bytes, int], int]:
    scanner = kernel.Scanner(**options)
    for buffer in buffers:
        scanner.feed(buffer)
    skipped = scanner.end_text()
    words, raw = scanner.take()
    return words, raw, skipped


def test_what_the_scanner_returns_by_hand() -> None:
    words, raw, skipped = _scanned(TEXT_SAMPLE)
    # ASCII tokens and quoted ASCII words are words already; only café is left raw.
    assert words == {
        b"the": 2, b"whale": 2, b"don't": 2, b"ask": 1, b"quoted": 1, b"3": 1, b"14": 1,
        b"end": 1, b"a": 1, b"b": 1,
    }  # fmt: skip
    assert raw == {b"caf\xc3\xa9": 1}
    assert skipped == 0


def test_the_apostrophes_as_written_join_ascii_words_in_the_scanner() -> None:
    # ʼ (CA BC) and ´ (C2 B4) are the rule's apostrophe; a lead byte cut off at the end of
    # a token (x\xc2, y\xca) is not one, and that token is left raw.
    words, raw, _ = _scanned("don´t Donʼt ´tis ´´ it´ x".encode() + b"\xc2 y\xca")
    assert words == {b"don't": 2, b"tis": 1, b"it": 1}
    assert raw == {b"x\xc2": 1, b"y\xca": 1}


def test_arguments_are_checked() -> None:
    assert kernel.Scanner().max_run_bytes == 1 << 20 == kernel.MAX_RUN_BYTES
    with pytest.raises(TypeError):
        kernel.Scanner(True)  # type: ignore[misc]  # keyword-only
    with pytest.raises(ValueError, match="at least 1"):
        kernel.Scanner(max_run_bytes=0)
    with pytest.raises(OverflowError):
        kernel.Scanner(max_run_bytes=1 << 80)
    with pytest.raises(OverflowError):
        kernel.Scanner(max_run_bytes=sys.maxsize)
    with pytest.raises(TypeError):

        class Sub(kernel.Scanner):  # type: ignore[misc]  # not a base type
            pass


def test_any_contiguous_buffer_is_read_in_place() -> None:
    expected = _scanned(TEXT_SAMPLE)
    assert _scanned(bytearray(TEXT_SAMPLE)) == expected
    assert _scanned(memoryview(b"zz " + TEXT_SAMPLE + b" qq")[3:-3]) == expected
    assert _scanned(array.array("B", TEXT_SAMPLE)) == expected
    view = memoryview(TEXT_SAMPLE)
    assert _scanned(*(view[index : index + 5] for index in range(0, len(view), 5))) == expected
    big_words, _, _ = _scanned(TEXT_SAMPLE * 5000)  # past the size where the GIL is released
    assert big_words == {word: count * 5000 for word, count in expected[0].items()}


@pytest.mark.parametrize("wrong", ["text", 12, None, [1, 2], memoryview(b"abcdef")[::2]])
def test_what_is_not_a_contiguous_buffer_is_refused(wrong: object) -> None:
    scanner = kernel.Scanner()
    scanner.feed(b"carried")
    with pytest.raises((TypeError, BufferError)):
        scanner.feed(wrong)
    scanner.feed(b"_word")  # nothing was counted, and the carried token is intact
    scanner.end_text()
    assert scanner.take() == ({b"carried": 1, b"word": 1}, {})


def test_take_leaves_the_carried_token() -> None:
    scanner = kernel.Scanner()
    scanner.feed(b"one tw")
    assert scanner.take() == ({b"one": 1}, {})
    scanner.feed(b"o three")
    assert scanner.take() == ({b"two": 1}, {})
    assert scanner.end_text() == 0
    assert scanner.take() == ({b"three": 1}, {})


def test_a_long_run_is_counted_in_bounded_memory() -> None:
    """64 MiB without a separator, a MiB at a time: the kernel never holds the run."""

    def resident_kib() -> int:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024

    chunk = b"x" * (1 << 20)
    scanner = kernel.Scanner()
    scanner.feed(b"before ")
    before = resident_kib()
    for _ in range(64):
        scanner.feed(chunk)
    scanner.feed(b"y.z after")
    grown = resident_kib() - before
    assert scanner.end_text() == 1  # the x...xy piece; ".z" is cut off it exactly
    assert scanner.take() == ({b"before": 1, b"z": 1, b"after": 1}, {})
    assert grown < 16 * 1024, f"resident memory grew by {grown} KiB"


def test_one_scanner_refuses_a_second_thread_and_stays_whole() -> None:
    big = (TEXT_SAMPLE + b" ") * 400_000  # about 28 MB: tens of milliseconds of scanning
    scanner = kernel.Scanner()
    done = threading.Event()

    def feed() -> None:
        scanner.feed(big)
        done.set()

    thread = threading.Thread(target=feed)
    thread.start()
    refused = 0
    # A take that slips in before the feed begins, or after it ends but before `done` is
    # set, succeeds: what it took counts too, so nothing may be lost or counted twice.
    words: Counter[bytes] = Counter()
    raw: Counter[bytes] = Counter()
    while not done.is_set():
        try:
            taken_words, taken_raw = scanner.take()
        except RuntimeError:
            refused += 1
        else:
            words.update(taken_words)
            raw.update(taken_raw)
    thread.join()
    assert refused > 0
    scanner.end_text()
    taken_words, taken_raw = scanner.take()
    words.update(taken_words)
    raw.update(taken_raw)
    assert words[b"whale"] == 2 * 400_000
    assert raw == {b"caf\xc3\xa9": 400_000}


def test_feed_releases_the_gil() -> None:
    """While one thread's feed scans a big buffer, another thread keeps running Python:
    its clock readings leave no gap as long as half the feed. (With the GIL held, the
    gap would be the whole feed.)"""
    data = (TEXT_SAMPLE + b" ") * 300_000  # about 20 MB
    scanner = kernel.Scanner()
    span: dict[str, float] = {}

    def feed() -> None:
        span["start"] = time.perf_counter()
        scanner.feed(data)
        span["end"] = time.perf_counter()

    readings: list[float] = []
    thread = threading.Thread(target=feed)
    thread.start()
    while thread.is_alive():
        readings.append(time.perf_counter())
    thread.join()
    start, end = span["start"], span["end"]
    inside = [start, *(reading for reading in readings if start < reading < end), end]
    assert max(later - earlier for earlier, later in pairwise(inside)) < 0.5 * (end - start)


# -- out of memory --------------------------------------------------------------------------

OUT_OF_MEMORY = textwrap.dedent(
    """
    import resource, sys
    from wordcount.words._kernel import Scanner

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    def mapped_bytes():
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    scanner = Scanner(max_run_bytes=1 << 40)
    scenario = sys.argv[1]
    if scenario == "carry":  # a run of 512 MiB under a higher limit: the carry grows
        data = b"x" * (512 << 20)
    else:  # four million distinct words: the table grows
        data = b" ".join(b"%x" % number for number in range(4_000_000))
    resource.setrlimit(resource.RLIMIT_AS, (mapped_bytes() + (48 << 20), hard))
    try:
        for start in range(0, len(data), 1 << 20):
            scanner.feed(data[start : start + (1 << 20)])
    except MemoryError:
        print("MemoryError")
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    scanner.end_text()
    scanner.take()
    scanner.feed(b"Hello hello, caf\\xc3\\xa9")
    scanner.end_text()
    assert scanner.take() == ({b"hello": 2}, {b"caf\\xc3\\xa9": 1})
    print("survived")
    """
)


@pytest.mark.skipif(bool(os.environ.get("ASAN_OPTIONS")), reason="ASAN maps terabytes of shadow")
@pytest.mark.parametrize("scenario", ["carry", "table"])
def test_running_out_of_memory_is_memory_error_and_the_scanner_survives(scenario: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", OUT_OF_MEMORY, scenario],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (result.returncode, result.stdout.split()) == (0, ["MemoryError", "survived"]), (
        result.stderr
    )


def _runs_out_of_memory(succeeding: int, work: Callable[[], None]) -> bool:
    """Whether work raises MemoryError when every allocation of the kernel's after the
    next `succeeding` ones fails (a fault-injection build only)."""
    kernel._fail_allocations_after(succeeding)
    try:
        work()
    except MemoryError:
        return True
    finally:
        kernel._fail_allocations_after(-1)
    return False


@pytest.mark.skipif(not kernel.FAULT_INJECTION, reason="needs a build with fault injection")
def test_every_allocation_failing_in_turn_is_memory_error() -> None:
    """make test-asan builds the kernel so that its Nth allocation fails on request: each
    of them in turn must raise MemoryError and leave a Scanner that counts exactly."""
    texts = [
        b" ".join(b"w%d" % number for number in range(3000)),
        b" ".join(b"long-key-%040d" % number for number in range(50)),
        " ".join(f"\u00e9t\u00e9{number}" for number in range(800)).encode(),
        b"a.b.c.d.e.f.g.h" * 40 + b" " + b"z" * 500 + b" tail",
    ]
    failures = 0
    while True:
        scanner = kernel.Scanner(max_run_bytes=64)

        def feed_all(scanner: kernel.Scanner = scanner) -> None:
            for text in texts:
                for start in range(0, len(text), 97):
                    scanner.feed(text[start : start + 97])
                scanner.end_text()

        failed = _runs_out_of_memory(failures, feed_all)
        scanner.end_text()
        scanner.take()
        scanner.feed(b"after the failure: All fine.")
        scanner.end_text()
        assert scanner.take() == (
            {b"after": 1, b"the": 1, b"failure": 1, b"all": 1, b"fine": 1},
            {},
        )
        if not failed:
            break
        failures += 1
    assert failures >= 5  # the carry, the tables and the arena all allocate


@pytest.mark.skipif(not kernel.FAULT_INJECTION, reason="needs a build with fault injection")
def test_a_tally_that_runs_out_of_memory_raises_and_stays_usable() -> None:
    packed = kernel.pack_counts({b"w%d" % number: 1 for number in range(5000)})
    long_keys = {b"long-key-%040d" % number: 2 for number in range(100)}
    failures = 0
    while True:
        tally = kernel.Tally()

        def add_all(tally: kernel.Tally = tally) -> None:
            tally.add_packed(packed)
            tally.add_counts(long_keys)

        failed = _runs_out_of_memory(failures, add_all)
        tally.take()
        tally.add_counts({b"after": 1})
        assert tally.take() == {b"after": 1}
        if not failed:
            break
        failures += 1
    assert failures >= 3  # the table grows, and the arena takes the long keys


# -- which engine runs ----------------------------------------------------------------------


def test_version_names_the_engine_and_the_variable_turns_the_kernel_off() -> None:
    default = run_wordcount(["--version"], env={"WORDCOUNT_PURE_PYTHON": ""})
    assert b"(native kernel" in default.stdout
    pure = run_wordcount(["--version"], env={"WORDCOUNT_PURE_PYTHON": "1"})
    assert b"(pure Python" in pure.stdout


def test_both_engines_print_the_same_bytes(tmp_path: Path) -> None:
    path = tmp_path / "mixed.txt"
    lines = [
        "\ufeff\u201cDon\u2019t,\u201d said na\u00efve Ahab\u2014THE WHALE\u2019s tail.\r\n",
        "\u039f\u0394\u039f\u03a3 \u4e2d\u6587 caf\u00e9 3.14 end. a.b.c\n",
    ]
    path.write_bytes("".join(lines * 2000).encode() + b"se\xf1or " + b"q" * 2_000_000)
    native_run = run_wordcount(["-n", "0", "-j", "1", str(path)], env={"WORDCOUNT_PURE_PYTHON": ""})
    pure_run = run_wordcount(["-n", "0", "-j", "1", str(path)], env={"WORDCOUNT_PURE_PYTHON": "1"})
    assert native_run.returncode == pure_run.returncode == 0
    assert (native_run.stdout, native_run.stderr) == (pure_run.stdout, pure_run.stderr)
    assert b"skipped 1 word(s) longer than 1 MiB" in native_run.stderr


# -- small files in one call ------------------------------------------------------------------


# The bytes that sources.content says start a magic number or a byte-order mark.
SPECIAL = bytes(sorted(SPECIAL_FIRST_BYTES))


def _identity(path: Path) -> tuple[int, int, int]:
    status = path.stat()
    return (status.st_size, status.st_mtime_ns, status.st_ino)


def test_count_files_counts_each_small_plain_file_as_a_text_of_its_own(tmp_path: Path) -> None:
    files = {
        "plain.txt": b"one two",  # counted
        "bom.txt": b"\xef\xbb\xbftwo three",  # counted, without its byte-order mark
        "empty.txt": b"",  # counted: no words
        "nul.bin": b"four\x00five",  # binary: left to Python, which skips it
        "B.txt": b"Bravo",  # starts like bzip2: left to Python to judge
        "wide.txt": "\ufeffsix".encode("utf-16-le"),  # a UTF-16 mark: left to Python
        "big.txt": b"seven " * 20,  # 120 bytes, over the limit of 100 below: left
        "exact.txt": b"x" * 100,  # exactly the limit: not small either
    }
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    paths = [str(tmp_path / name) for name in files] + [str(tmp_path / "missing.txt")]
    scanner = kernel.Scanner()
    scanner.feed(b"carried")  # ends before the first file: never joins its first word
    statuses = scanner.count_files(paths, 100, False, SPECIAL)
    sizes = [status[0] if isinstance(status, tuple) else status for status in statuses]
    assert sizes == [7, 12, 0, None, None, None, None, None, -2]  # ENOENT is 2
    assert scanner.take() == ({b"carried": 1, b"one": 1, b"two": 2, b"three": 1}, {})
    # With --text, NUL is a separator and the binary file is counted.
    nul_file = tmp_path / "nul.bin"
    assert kernel.Scanner().count_files(paths[3:4], 100, True, SPECIAL) == [
        (9, _identity(nul_file), None)
    ]


def test_count_files_leaves_files_starting_with_the_special_bytes_given(tmp_path: Path) -> None:
    """Which first bytes make a file one for Python to judge is the caller's rule
    (sources.content's), not the kernel's."""
    path = tmp_path / "zebra.txt"
    path.write_bytes(b"Zebra crossing")
    assert kernel.Scanner().count_files([str(path)], 100, False, b"Z") == [None]
    assert kernel.Scanner().count_files([str(path)], 100, False, b"") == [
        (14, _identity(path), None)
    ]
    assert kernel.Scanner().count_files([str(path)], 100, False, SPECIAL) == [
        (14, _identity(path), None)
    ]


def test_count_files_gives_each_files_non_ascii_raw_tokens_with_it(tmp_path: Path) -> None:
    """Raw tokens holding a byte >= 0x80 come back with the file they were in, not in
    take(): Python converts them, and so knows which file held what."""
    files = {
        "a.txt": "na\u00efve caf\u00e9",
        "b.txt": "plain words",
        "c.txt": "caf\u00e9 \u6f22\u5b57",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    scanner = kernel.Scanner()
    scanner.feed("\u00fcber ".encode())  # a text not yet taken: its raw token stays put
    outcomes = scanner.count_files([str(tmp_path / name) for name in files], 100, False, SPECIAL)
    assert [outcome[2] for outcome in outcomes if isinstance(outcome, tuple)] == [
        {"na\u00efve".encode(): 1, "caf\u00e9".encode(): 1},
        None,
        {"caf\u00e9".encode(): 1, "\u6f22\u5b57".encode(): 1},
    ]
    assert scanner.take() == ({b"plain": 1, b"words": 1}, {"\u00fcber".encode(): 1})


def test_take_raw_takes_the_non_ascii_raw_tokens_only() -> None:
    scanner = kernel.Scanner()
    scanner.feed("caf\u00e9 au lait ".encode())
    scanner.end_text()
    assert scanner.take_raw() == {"caf\u00e9".encode(): 1}
    assert scanner.take_raw() == {}
    assert scanner.take() == ({b"au": 1, b"lait": 1}, {})


def test_count_files_reads_any_file_name(tmp_path: Path) -> None:
    name = os.path.join(os.fsencode(tmp_path), b"caf\xe9 \x1b.txt")  # not UTF-8, a control
    with open(name, "wb") as file:
        file.write(b"odd name")
    scanner = kernel.Scanner()
    [status] = scanner.count_files([os.fsdecode(name)], 1000, False, SPECIAL)
    assert isinstance(status, tuple)
    assert status[0] == 8
    assert scanner.take() == ({b"odd": 1, b"name": 1}, {})


def test_count_files_checks_its_arguments() -> None:
    scanner = kernel.Scanner(max_run_bytes=50)
    with pytest.raises(ValueError, match="max_run_bytes"):
        scanner.count_files([], 51, False, SPECIAL)  # a run in such a file could be skipped
    with pytest.raises(ValueError, match="max_bytes must be from 1"):
        scanner.count_files([], 0, False, SPECIAL)
    with pytest.raises(TypeError):
        scanner.count_files(("a.txt",), 10, False, SPECIAL)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        scanner.count_files([b"a.txt"], 10, False, SPECIAL)  # type: ignore[list-item]
    with pytest.raises(TypeError):
        scanner.count_files([], 10, False, "B")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        scanner.count_files([], 10, False)  # type: ignore[call-arg]
    assert scanner.count_files([], 10, False, SPECIAL) == []


def test_count_files_says_what_fstat_said_of_each_file_read(tmp_path: Path) -> None:
    """The identity of the file read, as sources.identity takes it from os.stat: the
    engine compares it with the planned one (identity.changed_since_planned)."""
    path = tmp_path / "words.txt"
    path.write_bytes(b"some words")
    [(size, identity, _)] = kernel.Scanner().count_files([str(path)], 100, False, SPECIAL)
    assert (size, identity) == (10, identity_of(os.stat(path)))


# The last is after 2262: past 64 bits of nanoseconds, it is made in Python's ints.
@pytest.mark.parametrize(
    "mtime_ns", [0, -1, -1_500_000_000, 1_500_000_001, 2**62, 2**63 + 1_000_000_001]
)
def test_count_files_gives_any_modification_time(tmp_path: Path, mtime_ns: int) -> None:
    """Times before 1970 too, as os.stat gives them: nanoseconds since the epoch."""
    path = tmp_path / "dated.txt"
    path.write_bytes(b"dated")
    try:
        os.utime(path, ns=(mtime_ns, mtime_ns))
    except (OSError, OverflowError):
        pytest.skip("this filesystem cannot hold that time")
    identity = _identity(path)
    if identity[1] != mtime_ns:
        pytest.skip("this filesystem rounds that time")
    assert kernel.Scanner().count_files([str(path)], 100, False, SPECIAL) == [(5, identity, None)]


# -- counts packed by workers and added up in the main process ------------------------------

# Counts up to 2**58: five parts of them still add up within 64 bits.
COUNTS = st.dictionaries(st.binary(min_size=1, max_size=40), st.integers(1, 2**58), max_size=50)


@settings(max_examples=examples(200), deadline=None)
@given(parts=st.lists(COUNTS, max_size=5))
def test_packed_counts_add_up_to_the_sum_of_the_parts(parts: list[dict[bytes, int]]) -> None:
    expected: dict[bytes, int] = {}
    for counts in parts:
        for word, count in counts.items():
            expected[word] = expected.get(word, 0) + count
    tally = kernel.Tally()
    for index, counts in enumerate(parts):  # packed, or as a dict
        tally.add_packed(kernel.pack_counts(counts)) if index % 2 else tally.add_counts(counts)
    assert tally.distinct == len(expected)
    assert tally.take() == expected
    assert tally.take() == {}
    # The pure-Python reading of the same packed bytes agrees.
    unpacked: Counter[bytes] = Counter()
    for counts in parts:
        unpacked.update(native._unpacked(kernel.pack_counts(counts)))
    assert unpacked == expected


@settings(max_examples=examples(500), deadline=None)
@given(garbage=st.binary(max_size=64))
def test_malformed_packed_counts_are_a_value_error_never_a_crash(garbage: bytes) -> None:
    tally = kernel.Tally()
    with contextlib.suppress(ValueError):
        tally.add_packed(garbage)
    tally.take()  # whatever was added before the fault is whole


def test_packing_refuses_what_is_not_a_count() -> None:
    for bad in ({"text": 1}, {b"": 1}, {b"a": 0}, {b"a": -1}, {b"a": 1.5}):
        with pytest.raises((TypeError, ValueError, OverflowError)):
            kernel.pack_counts(bad)
    with pytest.raises(OverflowError):
        kernel.pack_counts({b"a": 2**64})
    tally = kernel.Tally()
    tally.add_counts({b"a": 2**64 - 1})
    with pytest.raises(ValueError, match="past 64 bits"):
        tally.add_counts({b"a": 1})


def test_decoding_keeps_the_counts_when_a_word_is_not_utf8() -> None:
    tally = kernel.Tally()
    tally.add_counts({b"caf\xc3\xa9": 2, b"bad\xff": 1})
    with pytest.raises(UnicodeDecodeError):
        tally.take_decoded({})
    assert tally.take() == {b"caf\xc3\xa9": 2, b"bad\xff": 1}
    tally.add_counts({b"caf\xc3\xa9": 2})
    decoded: dict[str, int] = {}
    tally.take_decoded(decoded)
    assert decoded == {"caf\u00e9": 2}


# -- --segment icu's raw tokens: runs between ASCII whitespace (Scanner.count_split) ------


def _segment_raw_tokens(
    counter: SegmentingCounter, texts: list[list[bytes]]
) -> tuple[dict[bytes, int], list[int]]:
    skipped = []
    for chunks in texts:
        for chunk in chunks:
            counter.feed(chunk)
        skipped.append(counter.end_text())
    # Both keep the raw tokens of the texts ended in raw_counts (the native one takes them
    # from the kernel as each text ends).
    return dict(counter.raw_counts), skipped


@needs_native
@settings(max_examples=examples(300), deadline=None)
@given(data=st.data(), texts=st.lists(TEXT, min_size=1, max_size=3), limit=LIMIT)
def test_the_kernel_finds_the_whitespace_tokens_of_the_pure_path(
    data: st.DataObject, texts: list[bytes], limit: int
) -> None:
    # The counter hands the kernel memoryview slices of the chunks (count_split's own test
    # covers other buffers).
    chunked = [data.draw(chunkings(text)) for text in texts]
    pure = _segment_raw_tokens(SegmentingCounter(max_run_bytes=limit), chunked)
    native_counter = NativeSegmentingCounter(max_run_bytes=limit)
    assert _segment_raw_tokens(native_counter, chunked) == pure
    # and both are the plain statement: the runs of bytes.split(), the long ones skipped
    runs = [run for text in texts for run in text.split()]
    assert pure == (
        dict(Counter(run for run in runs if len(run) <= limit)),
        [sum(len(run) > limit for run in text.split()) for text in texts],
    )


@needs_native
def test_count_split_reads_any_buffer_in_place_and_refuses_others() -> None:
    scanner = kernel.Scanner(max_run_bytes=4)
    whole = bytearray(b"xx ab\tcd\nabcde \r\x0b\x0cab yy")
    assert scanner.count_split(memoryview(whole)[3:-3]) == 1  # abcde is over 4 bytes
    assert scanner.take() == ({}, {b"ab": 2, b"cd": 1})
    with pytest.raises(BufferError):
        scanner.count_split(memoryview(b"a b c d")[::2])
    with pytest.raises(TypeError):
        scanner.count_split("text")  # type: ignore[arg-type]


@pytest.mark.skipif(not kernel.FAULT_INJECTION, reason="needs a build with fault injection")
def test_count_split_out_of_memory_raises_and_stays_usable() -> None:
    text = b" ".join(b"token-%d" % number for number in range(3000))
    failures = 0
    while True:
        scanner = kernel.Scanner()
        failed = _runs_out_of_memory(failures, lambda s=scanner: s.count_split(text))
        scanner.take()
        assert scanner.count_split(b"after the failure ") == 0
        assert scanner.take() == ({}, {b"after": 1, b"the": 1, b"failure": 1})
        if not failed:
            break
        failures += 1
    assert failures >= 2
