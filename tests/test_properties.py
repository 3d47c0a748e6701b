"""Properties over arbitrary bytes: splitting into units, merging, decoding (issue 6).

`make test` runs these with hypothesis's default budget; `make fuzz` runs the fuzz
profile, with many more examples, over the same code.
"""

from __future__ import annotations

import io
import pickle
import random
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.conftest import workers_of
from wordcount.analysis.ranking import ranked, ranked_with_ties
from wordcount.engine.merge import Merge, UnitResult
from wordcount.engine.options import CountOptions
from wordcount.engine.run import count_inputs
from wordcount.engine.worker import count_stream
from wordcount.formats.words import tsv_lines
from wordcount.sources.content import BinaryContent, UndecodableContent, open_content

# Bytes that matter to the splitter and decoder, mixed with anything at all.
INTERESTING = [b"\n", b"\r\n", b" ", b".", b"'", b"\xe9", b"\xc3\xa9", b"\xe2\x80\x99", b"\x00"]
RAW = st.lists(st.one_of(st.sampled_from(INTERESTING), st.binary(max_size=8)), max_size=60).map(
    b"".join
)
FUNCTION_SCOPED = [HealthCheck.function_scoped_fixture]


def _single_pass(data: bytes, options: CountOptions) -> Counter[str]:
    result = count_stream(io.BytesIO(data), input_index=0, name="s", options=options)
    return Counter({word.decode(): count for word, count in result.counts.items()})


@settings(deadline=None, suppress_health_check=FUNCTION_SCOPED)
@given(data=RAW, unit_bytes=st.integers(1, 64), binary_as_text=st.booleans())
# The first range shorter than the file's first 64 KiB, which the planner judged plain
# text (a NUL, with --text): judged again alone, it was taken for GB18030.
@example(
    data=b"\xc3\xa9\xc3\xa9\xe2\x80\x99\x80\x81\x80\xe2\x80\x99\x80\t"
    + b"\x80" * 6
    + b"\xe2\x80\x99"
    + b"\x80" * 9
    + b"\x00",
    unit_bytes=15,
    binary_as_text=True,
)
def test_units_of_any_size_count_as_one_pass_over_any_bytes(
    tmp_path: Path, data: bytes, unit_bytes: int, binary_as_text: bool
) -> None:
    path = tmp_path / "any.bin"
    path.write_bytes(data)
    options = CountOptions(binary_as_text=binary_as_text)
    # Planned for 2 workers with tiny units, counted in-process (no pool start-up per
    # example): every boundary the planner picks is exercised.
    split = count_inputs(
        paths=[str(path)],
        jobs=2,
        unit_bytes=unit_bytes,
        pool_min_bytes=1 << 40,
        options=options,
    )
    assert split.counts == _single_pass(data, options)


def test_jobs_1_2_and_3_print_the_same_bytes(tmp_path: Path) -> None:
    generator = random.Random(6)
    pieces = [b"na\xc3\xafve ", b"se\xf1or ", b"Don\xe2\x80\x99t ", b"\r\n", b"a.b ", b"x"]
    paths = []
    for index in range(4):
        path = tmp_path / f"{index}.txt"
        path.write_bytes(b"".join(generator.choices(pieces, k=20_000)))
        paths.append(str(path))
    outputs = set()
    for jobs in (1, 2, 3):
        # Units of about 40 KB, cut at odd places; every worker counts one at least.
        result = count_inputs(paths=paths, jobs=jobs, unit_bytes=39_989, pool_min_bytes=0)
        assert workers_of(result) == (0 if jobs == 1 else jobs)
        outputs.add("".join(tsv_lines(ranked(result.counts, top=0))))
    assert len(outputs) == 1


COUNTS = st.dictionaries(st.sampled_from([b"a", b"b", b"c", b"\xc3\xa9", b"d"]), st.integers(1, 9))


@given(parts=st.lists(COUNTS, max_size=6), seed=st.integers(0, 1000), top=st.integers(0, 6))
def test_merging_in_any_order_gives_the_sum_of_the_parts(
    parts: list[dict[bytes, int]], seed: int, top: int
) -> None:
    """Merged as units complete, in any order, as dicts or packed as a worker sends them
    (a pool's, a cluster's), the counts are the plain sum of the parts, added up here
    word by word; and the kernel ranks them as ranking.py ranks that sum."""
    expected: dict[str, int] = {}
    for counts in parts:
        for word, count in counts.items():
            expected[word.decode()] = expected.get(word.decode(), 0) + count
    shuffled = parts[:]
    random.Random(seed).shuffle(shuffled)
    for travelled in (False, True):
        merge = Merge()
        for counts in shuffled:
            unit_result = UnitResult(counts=dict(counts))
            merge.add(pickle.loads(pickle.dumps(unit_result)) if travelled else unit_result)
        merged = merge.result(names={}, hidden_skipped=0).counts
        assert ranked(merged, top=top) == ranked(expected, top=top)
        assert ranked_with_ties(merged, top=top) == ranked_with_ties(expected, top=top)
        assert merged == expected


@given(data=RAW | st.binary(max_size=200), binary_as_text=st.booleans())
def test_decoding_any_bytes_fails_only_in_the_documented_ways(
    data: bytes, binary_as_text: bool
) -> None:
    """The fuzz target: whatever the bytes, open_content either yields UTF-8 text chunks
    or raises BinaryContent / UndecodableContent, never anything else."""
    try:
        content = open_content([data[:5], data[5:]], encoding=None, binary_as_text=binary_as_text)
        text = b"".join(content.chunks)
    except (BinaryContent, UndecodableContent):
        return
    if content.transformed:
        text.decode("utf-8")  # decoded and re-encoded text is always valid UTF-8
    else:
        assert text == data.removeprefix(b"\xef\xbb\xbf")
