"""The Python API (wordcount.count, Counts, load) held to the command: the same numbers for
every counting option, the same saved-count bytes, the same keywords; its errors; and the
README's examples, run as written, with the output the README shows."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import wordcount
from tests.conftest import invoke
from wordcount.api import request
from wordcount.api.settings import Settings
from wordcount.engine import run as engine_run

ROOT = Path(__file__).parent.parent
SAMPLE_TEXTS = ROOT / "sample_texts"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A folder in which every counting option changes what is counted: capitals,
    repeats, a hidden file, an ignored file, a binary file, a cp1251 file, a stop-word
    list, and two files, so that by_file and include/exclude have something to part."""
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "a.txt").write_text(
        "The cat sat on the mat. The Cat saw the dog; the dog saw THE cat again.\n"
        "Don't stop: running, jumping, singing all night long.\n",
        encoding="utf-8",
    )
    (root / "b.md").write_text(
        "A dog, a cat and a bird. Birds sing; dogs bark; cats sleep all day.\n",
        encoding="utf-8",
    )
    (root / ".hidden.txt").write_text("secret secret hidden words\n", encoding="utf-8")
    (root / ".gitignore").write_text("ignored.txt\n", encoding="utf-8")
    (root / "ignored.txt").write_text("ignored ignored words\n", encoding="utf-8")
    (root / "data.bin").write_bytes(b"binary\x00words here\n")
    (root / "cyrillic.txt").write_bytes("Москва столица Москва\n".encode("cp1251"))
    (tmp_path / "stop.txt").write_text("the\ncat\n# a comment\n", encoding="utf-8")
    return root


def command_json(args: list[str]) -> dict[str, Any]:
    """What the command prints for these options, in-process, as -f json -n 0."""
    result = invoke(["-f", "json", "-n", "0", "-j", "1", *args])
    assert result.exit_code in (0, 1), result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def api_rows(counts: wordcount.Counts) -> list[dict[str, object]]:
    return [{"word": word, "count": n} for word, n in counts.most_common()]


# Each case: the command's options, and the same as count()'s keyword arguments.
OPTION_CASES: list[tuple[str, list[str], dict[str, Any]]] = [
    ("stopwords", ["--stopwords", "en"], {"stopwords": "en"}),
    (
        "stopwords file",
        ["--stopwords", "{stop}", "--stopwords", "fr"],
        {"stopwords": ["{stop}", "fr"]},
    ),
    ("min_length", ["--min-length", "4"], {"min_length": 4}),
    ("min_count", ["--min-count", "2"], {"min_count": 2}),
    ("ngrams", ["--ngrams", "2"], {"ngrams": 2}),
    (
        "ngrams and stop words",
        ["--ngrams", "2", "--stopwords", "en"],
        {"ngrams": 2, "stopwords": "en"},
    ),
    ("case_sensitive", ["--case-sensitive"], {"case_sensitive": True}),
    ("pattern", ["--pattern", "[a-z]+ing"], {"pattern": "[a-z]+ing"}),
    ("encoding", ["--encoding", "cp1251"], {"encoding": "cp1251"}),
    ("text", ["--text"], {"text": True}),
    ("hidden", ["--hidden"], {"hidden": True}),
    ("ignore", ["--no-ignore"], {"ignore": False}),
    ("include", ["--include", "*.md"], {"include": "*.md"}),
    ("exclude", ["--exclude", "a.*", "--exclude", "*.md"], {"exclude": ["a.*", "*.md"]}),
]


@pytest.mark.parametrize(
    ("cli_args", "api_options"),
    [case[1:] for case in OPTION_CASES],
    ids=[case[0] for case in OPTION_CASES],
)
def test_the_api_counts_what_the_command_counts(
    corpus: Path, cli_args: list[str], api_options: dict[str, Any]
) -> None:
    stop = str(corpus.parent / "stop.txt")
    cli_args = [arg.replace("{stop}", stop) for arg in cli_args]
    api_options = {
        name: (
            [v.replace("{stop}", stop) for v in value]
            if isinstance(value, list)
            else value.replace("{stop}", stop)
            if isinstance(value, str)
            else value
        )
        for name, value in api_options.items()
    }
    expected = command_json([str(corpus), *cli_args])
    counts = wordcount.count(corpus, jobs=1, errors="keep", **api_options)
    assert api_rows(counts) == expected["top"]
    assert (counts.total_words, counts.unique_words, counts.files) == (
        expected["total_words"],
        expected["unique_words"],
        expected["files"],
    )
    # Each option changes the words counted, so that this test would see it ignored (the
    # header alone, which records some options, would differ anyway).
    assert expected["top"] != command_json([str(corpus)])["top"]


def test_by_file_gives_each_file_s_counts_as_the_command_does(corpus: Path) -> None:
    paths = [str(corpus / "a.txt"), str(corpus / "b.md"), str(corpus / "a.txt")]
    expected = command_json([*paths, "--by-file", "--stopwords", "en"])
    counts = wordcount.count(paths, jobs=1, by_file=True, stopwords="en")
    assert [
        {
            "file": path,
            "top": [
                {"word": w, "count": n}
                for w, n in sorted(words.items(), key=lambda row: (-row[1], row[0]))
            ],
        }
        for path, words in counts.file_entries()
    ] == expected["by_file"]
    # by_file, by path: a file reached twice holds both entries' counts.
    assert dict(counts.by_file[paths[0]]) == {
        row["word"]: 2 * row["count"] for row in expected["by_file"][0]["top"]
    }


def test_by_file_must_be_asked_for(corpus: Path) -> None:
    with pytest.raises(wordcount.OptionsError, match="by_file=True"):
        _ = wordcount.count(corpus / "a.txt", jobs=1).by_file


def test_count_takes_every_setting_with_the_same_default() -> None:
    import inspect

    parameters = inspect.signature(wordcount.count).parameters
    settings = Settings._field_defaults
    assert {name: parameters[name].default for name in settings} == settings
    assert set(parameters) - set(settings) == {"paths", "errors", "progress", "stdin"}


def test_most_common_orders_and_ties_as_the_command(corpus: Path) -> None:
    counts = wordcount.count(corpus, jobs=1, errors="keep")
    for top in (1, 2, 3):
        for ties in (False, True):
            args = [str(corpus), "-n", str(top), "-f", "tsv", "-j", "1"]
            shown = invoke([*args, "--ties"] if ties else args).stdout
            rows = [tuple(line.split("\t")) for line in shown.splitlines()]
            assert [(w, str(n)) for w, n in counts.most_common(top, ties=ties)] == rows
    assert counts.most_common(0) == []


def test_stats_are_the_command_s(corpus: Path) -> None:
    expected = command_json([str(corpus), "--stats", "--stopwords", "en"])["stats"]
    stats = wordcount.count(corpus, jobs=1, stopwords="en", errors="keep").stats()
    assert stats.as_json() == expected


@pytest.mark.parametrize("by_file", [False, True])
def test_save_writes_the_command_s_saved_count_byte_for_byte(
    corpus: Path, tmp_path: Path, by_file: bool
) -> None:
    args = ["-f", "json", "-n", "0", "-j", "1", str(corpus)] + (["--by-file"] if by_file else [])
    saved = tmp_path / "saved.json"
    wordcount.count(corpus, jobs=1, by_file=by_file, errors="keep").save(str(saved))
    assert saved.read_text(encoding="utf-8") == invoke(args).stdout


def test_load_and_add_count_as_counts_does(corpus: Path, tmp_path: Path) -> None:
    saved = tmp_path / "a.json"
    wordcount.count(corpus / "a.txt", jobs=1).save(str(saved))
    loaded = wordcount.load(str(saved))
    merged = wordcount.count(corpus / "b.md", jobs=1) + loaded
    expected = command_json([str(corpus / "b.md"), "--counts", str(saved)])
    assert api_rows(merged) == expected["top"]
    assert merged.files == expected["files"] == 2
    # The saved count is what counting again gives, and adding changes neither side.
    assert loaded.counts == wordcount.count(corpus / "a.txt", jobs=1).counts
    assert loaded.files == 1


def test_count_adds_saved_counts_as_the_option_does(corpus: Path, tmp_path: Path) -> None:
    saved = tmp_path / "a.json"
    wordcount.count(corpus / "a.txt", jobs=1).save(str(saved))
    counts = wordcount.count(corpus / "b.md", jobs=1, counts=saved, stopwords="en")
    expected = command_json([str(corpus / "b.md"), "--counts", str(saved), "--stopwords", "en"])
    assert api_rows(counts) == expected["top"]


def test_a_loaded_count_takes_the_other_s_selection(corpus: Path, tmp_path: Path) -> None:
    saved = tmp_path / "a.json"
    wordcount.count(corpus / "a.txt", jobs=1).save(str(saved))
    merged = wordcount.count(corpus / "b.md", jobs=1, stopwords="en") + wordcount.load(str(saved))
    assert "the" not in merged.counts
    assert not merged.every_word
    # Either way round: the loaded count is the left one here.
    merged = wordcount.load(str(saved)) + wordcount.count(corpus / "b.md", jobs=1, stopwords="en")
    assert "the" not in merged.counts
    assert not merged.every_word


def test_counts_of_other_word_options_neither_add_nor_compare(corpus: Path) -> None:
    default = wordcount.count(corpus / "a.txt", jobs=1)
    capitals = wordcount.count(corpus / "a.txt", jobs=1, case_sensitive=True)
    with pytest.raises(wordcount.IncompatibleCounts, match="--case-sensitive"):
        default + capitals
    with pytest.raises(wordcount.IncompatibleCounts):
        default.keywords(capitals)
    english = wordcount.count(corpus / "a.txt", jobs=1, stopwords="en")
    french = wordcount.count(corpus / "a.txt", jobs=1, stopwords="fr")
    with pytest.raises(wordcount.IncompatibleCounts, match="different words"):
        english + french


def test_keywords_are_the_command_s(corpus: Path) -> None:
    target, reference = corpus / "a.txt", corpus / "b.md"
    shown = invoke(
        [str(target), "--against", str(reference), "-n", "0", "-f", "tsv", "--stopwords", "en"]
    ).stdout
    keywords = wordcount.count(target, jobs=1, stopwords="en").keywords(
        wordcount.count(reference, jobs=1, stopwords="en")
    )
    assert [
        f"{k.word}\t{k.count}\t{k.reference_count}\t{k.log_likelihood:.3f}\t{k.log_ratio:.3f}"
        for k in keywords
    ] == shown.replace("\t-0.000", "\t0.000").splitlines()
    assert keywords.target.total_words == sum(k.count for k in keywords)


def test_keywords_hand_worked(tmp_path: Path) -> None:
    # Target: cat 2, dog 1 (c = 3); reference: cat 1, dog 3 (d = 4). For cat:
    # E1 = 3 * 3 / 7, E2 = 4 * 3 / 7, G2 = 2 (2 ln(2 / (9/7)) + 1 ln(1 / (12/7)))
    # = 2 (2 * 0.441833 - 0.538997) = 0.689338; log ratio log2((2/3) / (1/4)) = 1.415037.
    (tmp_path / "target.txt").write_text("cat cat dog\n", encoding="utf-8")
    (tmp_path / "reference.txt").write_text("Cat dog dog DOG\n", encoding="utf-8")
    target = wordcount.count(tmp_path / "target.txt", jobs=1)
    cat = target.keywords(wordcount.count(tmp_path / "reference.txt", jobs=1))[0]
    assert (cat.word, cat.count, cat.reference_count) == ("cat", 2, 1)
    assert cat.log_likelihood == pytest.approx(0.689338, abs=1e-6)
    assert cat.log_ratio == pytest.approx(1.415037, abs=1e-6)


def test_nothing_to_compare_is_raised(corpus: Path) -> None:
    target = wordcount.count(corpus / "a.txt", jobs=1)
    empty = wordcount.count([], jobs=1)
    with pytest.raises(wordcount.NothingToCompare, match="reference"):
        target.keywords(empty)


def test_an_unreadable_input_raises_with_the_rest_counted(corpus: Path) -> None:
    missing = corpus / "missing.txt"
    with pytest.raises(wordcount.InputUnreadable, match=r"missing\.txt") as raised:
        wordcount.count([corpus / "a.txt", missing], jobs=1)
    assert raised.value.counts.files == 1
    assert raised.value.counts.counts == wordcount.count(corpus / "a.txt", jobs=1).counts
    kept = wordcount.count([corpus / "a.txt", missing], jobs=1, errors="keep")
    assert [(p.path, p.is_error) for p in kept.problems] == [(str(missing), True)]
    assert kept.has_errors


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"pattern": "[a-z]+", "ngrams": 2}, "pattern and ngrams cannot be used together"),
        ({"jobs": 0}, "jobs must be a whole number from 1"),
        ({"ngrams": 101}, "ngrams must be a whole number from 1 to 100"),
        ({"encoding": "rot13"}, "unknown text encoding"),
        ({"pattern": "("}, "not a valid regex"),
        ({"start_method": "thread"}, "start_method must be one of"),
        ({"timeout": 0}, "timeout must be over 0"),
        ({"scheduler": "tcp://x:1", "backend": "local"}, "need --backend dask"),
        ({"errors": "ignore"}, 'errors must be "raise" or "keep"'),
    ],
)
def test_bad_options_raise_options_error_before_anything_is_read(
    tmp_path: Path, options: dict[str, Any], message: str
) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)  # reading it would hang this test: nothing may be read
    with pytest.raises(wordcount.OptionsError, match=re.escape(message)):
        wordcount.count(fifo, **options)


def test_unusable_stop_words_and_saved_counts_raise(tmp_path: Path) -> None:
    with pytest.raises(wordcount.StopwordsUnusable) as stop:
        wordcount.count(SAMPLE_TEXTS, stopwords="xx")
    assert stop.value.source == "xx"
    (tmp_path / "top.json").write_text('{"format": "wordcount-counts"}', encoding="utf-8")
    with pytest.raises(wordcount.SavedCountsUnusable, match="version"):
        wordcount.load(str(tmp_path / "top.json"))
    for kind in (
        wordcount.OptionsError,
        wordcount.StopwordsUnusable,
        wordcount.SavedCountsUnusable,
        wordcount.InputUnreadable,
        wordcount.InputChanged,
        wordcount.WorkerFailure,
        wordcount.ClusterUnavailable,
        wordcount.OutOfMemory,
        wordcount.NothingToCompare,
        wordcount.IncompatibleCounts,
    ):
        assert issubclass(kind, wordcount.WordcountError)


def test_memory_running_out_is_out_of_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_memory(**_: object) -> None:
        raise MemoryError("while merging the counts")

    monkeypatch.setattr(request, "count_inputs", no_memory)
    with pytest.raises(wordcount.OutOfMemory, match="while merging the counts"):
        wordcount.count(SAMPLE_TEXTS, jobs=1)


def test_count_runs_in_parallel_as_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "".join(f"word{i % 5000} line {i}\n" for i in range(200_000))
    big = tmp_path / "big.txt"
    big.write_text(text, encoding="utf-8")
    monkeypatch.setattr(engine_run, "pool_threshold", lambda jobs: 1 << 20)
    serial = wordcount.count(big, jobs=1)
    parallel = wordcount.count(big, jobs=2)
    assert serial.counted_by == {os.getpid()}
    assert len(parallel.counted_by - {os.getpid()}) == 2, "two workers counted"
    assert parallel.most_common() == serial.most_common()


def test_to_pandas_gives_the_command_s_rows() -> None:
    pytest.importorskip("pandas")
    counts = wordcount.count(SAMPLE_TEXTS, jobs=1, stopwords="en")
    frame = counts.to_pandas()
    assert list(frame.columns) == ["word", "count"]
    assert list(frame.itertuples(index=False, name=None)) == counts.most_common()


def readme_examples() -> list[tuple[str, str]]:
    """Each Python block of the README's API section, and the output block after it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Python API") :]
    section = section[: section.index("\n## ", 1)]
    return re.findall(r"```python\n(.*?)```\n\n```text\n(.*?)```", section, re.DOTALL)


@contextlib.contextmanager
def working_directory(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def test_the_readme_examples_print_what_the_readme_shows(tmp_path: Path) -> None:
    examples = readme_examples()
    assert len(examples) >= 5
    shutil.copytree(SAMPLE_TEXTS, tmp_path / "sample_texts")
    namespace: dict[str, Any] = {}
    with working_directory(tmp_path):
        for code, shown in examples:
            if "to_pandas" in code:
                try:
                    import pandas  # noqa: F401
                except ImportError:
                    continue  # an optional dependency: its example is checked where it is
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                exec(code, namespace)
            assert printed.getvalue() == shown, code


USER_SCRIPT = """\
from pathlib import Path

import wordcount


def top_words(folder: Path) -> list[tuple[str, int]]:
    counts: wordcount.Counts = wordcount.count(folder, stopwords=["en"], jobs=1)
    total: int = counts.total_words
    counts.save(folder / "saved.json")
    merged = counts + wordcount.load(folder / "saved.json")
    rows = merged.keywords(counts, top=5)
    scores: list[float] = [row.log_likelihood for row in rows]
    try:
        wordcount.count("missing", errors="keep")
    except wordcount.WordcountError as error:
        print(error)
    print(total, scores, counts.stats().type_token_ratio, dict(counts.counts))
    return counts.most_common(10, ties=True)
"""


@pytest.mark.slow
def test_a_script_using_the_api_passes_mypy_strict(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    script = tmp_path / "user_script.py"
    script.write_text(USER_SCRIPT, encoding="utf-8")
    bad = tmp_path / "bad_script.py"
    bad.write_text(USER_SCRIPT.replace("total: int", "total: str"), encoding="utf-8")
    command = [sys.executable, "-m", "mypy", "--strict", "--no-incremental"]
    checked = subprocess.run([*command, str(script)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout
    # And mypy does see wordcount's types: a wrong one is an error.
    wrong = subprocess.run([*command, str(bad)], capture_output=True, text=True, check=False)
    assert "Incompatible types in assignment" in wrong.stdout


def test_a_caller_changing_what_it_was_given_changes_no_count(corpus: Path) -> None:
    counts = wordcount.count([corpus / "a.txt", corpus / "b.md"], jobs=1, by_file=True)
    before = (dict(counts.counts), {p: dict(c) for p, c in counts.by_file.items()})
    counts.file_entries()[0][1]["the"] += 100
    counts.most_common().clear()
    assert (dict(counts.counts), {p: dict(c) for p, c in counts.by_file.items()}) == before
    with pytest.raises(TypeError):
        counts.counts["the"] = 0  # type: ignore[index]


def test_dash_reads_standard_input() -> None:
    program = "import wordcount; print(wordcount.count('-', jobs=1).most_common(1))"
    shown = subprocess.run(
        [sys.executable, "-c", program], input=b"hi hi ho\n", capture_output=True, check=True
    )
    assert shown.stdout == b"[('hi', 2)]\n"
    with pytest.raises(wordcount.OptionsError, match="binary stream"):
        wordcount.count("-", stdin=io.StringIO("text"))  # type: ignore[arg-type]


def test_every_error_pickles_whole() -> None:
    import pickle

    errors: list[wordcount.WordcountError] = [
        wordcount.StopwordsUnusable("list.txt", "No such file"),
        wordcount.SavedCountsUnusable("saved.json", "not JSON"),
        wordcount.InputUnreadable("'a': gone", None),
        wordcount.WorkerFailure("a worker died", ["a.txt"]),
        wordcount.ClusterUnavailable("no dask", missing_extra=True),
        wordcount.OutOfMemory("while merging"),
    ]
    for error in errors:
        again = pickle.loads(pickle.dumps(error))
        assert (type(again), str(again), vars(again)) == (type(error), str(error), vars(error))


class _Three:
    """A whole number as numpy's are: an __index__, no int."""

    def __index__(self) -> int:
        return 3


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: wordcount.count(SAMPLE_TEXTS, case_sensitive="no"), "case_sensitive must be"),
        (lambda: wordcount.count(SAMPLE_TEXTS, ignore=None), "ignore must be True or False"),
        (lambda: wordcount.count(SAMPLE_TEXTS, backend="bogus"), "backend must be one of"),
        (lambda: wordcount.count(SAMPLE_TEXTS, min_length=True), "min_length must be a whole"),
        (lambda: wordcount.count(b"sample_texts"), "paths must be a path"),
        (lambda: wordcount.count(SAMPLE_TEXTS, stopwords=None), "stopwords must be a path"),
        (lambda: wordcount.count(SAMPLE_TEXTS, pattern=rb"\w+"), "pattern must be a str"),
        (lambda: wordcount.count(SAMPLE_TEXTS).keywords("b.txt"), "compare with a Counts"),
        (lambda: wordcount.count(SAMPLE_TEXTS).most_common("2"), "n must be None or"),
        (lambda: wordcount.load(0), "load takes a path"),
    ],
)
def test_arguments_of_the_wrong_kind_raise_options_error(call: Any, message: str) -> None:
    with pytest.raises(wordcount.OptionsError, match=re.escape(message)):
        call()


def test_whole_numbers_of_any_kind_are_taken() -> None:
    assert wordcount.count(SAMPLE_TEXTS, min_length=_Three()).counts == (
        wordcount.count(SAMPLE_TEXTS, min_length=3).counts
    )
    assert len(wordcount.count(SAMPLE_TEXTS).most_common(_Three())) == 3  # type: ignore[arg-type]


def test_counts_with_and_without_each_file_s_counts_do_not_add(corpus: Path) -> None:
    with pytest.raises(wordcount.IncompatibleCounts, match="by_file=True"):
        wordcount.count(corpus / "a.txt", by_file=True) + wordcount.count(corpus / "b.md")


def test_sum_adds_a_list_of_counts(corpus: Path) -> None:
    parts = [wordcount.count(corpus / name, jobs=1) for name in ("a.txt", "b.md")]
    both = wordcount.count([corpus / "a.txt", corpus / "b.md"], jobs=1)
    assert sum(parts).counts == both.counts  # type: ignore[union-attr]


def test_a_stop_word_list_read_as_cp1252_is_a_problem(tmp_path: Path) -> None:
    stop = tmp_path / "stop.txt"
    stop.write_bytes("caf\xe9\n".encode("cp1252"))
    counts = wordcount.count(SAMPLE_TEXTS, stopwords=stop)
    assert [(p.path, p.kind, p.is_error) for p in counts.problems] == [
        (str(stop), wordcount.ProblemKind.CP1252, False)
    ]
    assert "café" not in counts.counts


def test_stats_name_tokens_and_types() -> None:
    stats = wordcount.count(SAMPLE_TEXTS, stopwords="en").stats()
    shown = command_json([str(SAMPLE_TEXTS), "--stats", "--stopwords", "en"])["stats"]
    assert (stats.tokens, stats.types) == (shown["tokens"], shown["types"])


def test_the_lazy_names_are_listed() -> None:
    assert {"count", "Counts", "load", "WordcountError"} <= set(dir(wordcount))


@pytest.mark.parametrize("start_method", ["fork", "spawn", "forkserver"])
def test_segment_and_start_method_are_the_command_s(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, start_method: str
) -> None:
    from wordcount.words.segment import icu_version

    if icu_version() is None:
        pytest.skip("needs the icu extra")
    text = tmp_path / "thai.txt"
    text.write_text("สวัสดีครับ ผมชื่อสมชาย ทำงานที่กรุงเทพ hello world\n" * 40_000, encoding="utf-8")
    monkeypatch.setattr(engine_run, "pool_threshold", lambda jobs: 1 << 10)
    expected = command_json([str(text), "--segment", "icu"])
    counts = wordcount.count(text, jobs=2, segment="icu", start_method=start_method)
    assert api_rows(counts) == expected["top"]
    assert len(counts.counted_by - {os.getpid()}) >= 1, "workers counted"
    assert expected["top"] != command_json([str(text)])["top"]


def test_counts_pickle_copy_and_join_as_a_counter_did(tmp_path: Path) -> None:
    """The counts of a run stand on the kernel's table, decoded only where asked (issue
    23); a user's pickle (joblib, multiprocessing), copy and union still see a Counter's
    words, never decoded first."""
    import copy
    import pickle
    from collections import Counter

    (tmp_path / "t.txt").write_text("b a b c b a\n", encoding="utf-8")
    expected = Counter({"b": 3, "a": 2, "c": 1})  # worked out by hand
    assert pickle.loads(pickle.dumps(wordcount.count(tmp_path, jobs=1))).counts == expected
    assert copy.deepcopy(wordcount.count(tmp_path, jobs=1)).counts == expected
    assert wordcount.count(tmp_path, jobs=1).counts.copy() == expected
    assert wordcount.count(tmp_path, jobs=1).counts | {"d": 1} == expected + Counter(d=1)
    counted = wordcount.count(tmp_path, jobs=1).counts
    assert list(reversed(counted)) == list(counted)[::-1]
    assert repr(wordcount.count(tmp_path, jobs=1)) == "<Counts: 6 words, 3 distinct, 1 files>"
