"""Saved counts: -f json -n 0 written, and read back with --counts as if its texts were
counted again (issue 17)."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest

import wordcount
from tests.conftest import WriteFile, invoke, run_wordcount
from wordcount.analysis.saved_counts import describe
from wordcount.cli.ending import ExitStatus
from wordcount.exceptions import SavedCountsUnusable
from wordcount.words.rule import RULE_VERSION
from wordcount.words.segment import icu_version


def saved(tmp_path: Path, name: str, args: list[str]) -> Path:
    """The saved count of a run with args, written to tmp_path/name."""
    result = invoke(["-f", "json", "-n", "0", *args])
    assert result.exit_code == ExitStatus.SUCCESS, result.stderr
    path = tmp_path / name
    path.write_text(result.stdout, encoding="utf-8")
    return path


@pytest.fixture
def days(write_file: WriteFile, tmp_path: Path) -> tuple[Path, Path]:
    """Monday's and Tuesday's logs, in directories of their own."""
    (tmp_path / "mon").mkdir()
    (tmp_path / "tue").mkdir()
    write_file("mon/a.log", "disk full on db1\ndisk full on db2\n")
    write_file("mon/b.log", "restart db1\n")
    write_file("tue/a.log", "disk full on db2\nrestart web1 web1\n")
    return tmp_path / "mon", tmp_path / "tue"


def test_saved_counts_merged_are_the_days_counted_in_one_run(
    days: tuple[Path, Path], tmp_path: Path
) -> None:
    mon, tue = days
    mon_json = saved(tmp_path, "mon.json", [str(mon)])
    tue_json = saved(tmp_path, "tue.json", [str(tue)])
    merged = invoke(["--counts", str(mon_json), "--counts", str(tue_json), "-n", "0", "-f", "json"])
    one_run = invoke([str(mon), str(tue), "-n", "0", "-f", "json"])
    assert merged.exit_code == ExitStatus.SUCCESS
    merged_document, one_run_document = json.loads(merged.stdout), json.loads(one_run.stdout)
    for field in ("total_words", "unique_words", "files", "top"):
        assert merged_document[field] == one_run_document[field]
    # By hand: disk 3, full 3, on 3, db1 2, db2 2, restart 2, web1 2; 17 words, 3 files.
    assert merged_document["total_words"] == 17
    assert merged_document["unique_words"] == 7
    assert merged_document["files"] == 3
    assert merged_document["top"][:3] == [
        {"word": "disk", "count": 3},
        {"word": "full", "count": 3},
        {"word": "on", "count": 3},
    ]


def test_a_saved_count_records_its_format_and_word_options(write_file: WriteFile) -> None:
    path = write_file("a.txt", "The the")
    document = json.loads(invoke(["-f", "json", "--case-sensitive", str(path)]).stdout)
    assert document["format"] == "wordcount-counts"
    assert document["version"] == 2
    assert document["rule_version"] == RULE_VERSION
    assert document["wordcount_version"] == version("wordcount-parallel")
    assert "icu_version" not in document  # only --segment icu records one
    assert document["word_options"] == {
        "case_sensitive": True,
        "pattern": None,
        "segment": None,
        "ngrams": 1,
    }
    assert document["top"] == [{"word": "The", "count": 1}, {"word": "the", "count": 1}]


def test_counts_and_paths_together_as_the_installed_command(
    days: tuple[Path, Path], tmp_path: Path
) -> None:
    mon, tue = days
    mon_json = saved(tmp_path, "mon.json", [str(mon)])
    together = run_wordcount(["--counts", str(mon_json), str(tue), "-n", "3"])
    assert together.returncode == ExitStatus.SUCCESS, together.stderr
    assert together.stdout == b"disk\t3\nfull\t3\non\t3\n"
    assert together.stderr == b""


def test_the_selection_applies_after_the_merge(days: tuple[Path, Path], tmp_path: Path) -> None:
    mon, tue = days
    mon_json = saved(tmp_path, "mon.json", [str(mon)])
    tue_json = saved(tmp_path, "tue.json", [str(tue)])
    stopwords = tmp_path / "stop.txt"
    stopwords.write_text("on\nfull\n")
    counts = ["--counts", str(mon_json), "--counts", str(tue_json)]
    result = invoke([*counts, "--min-count", "3", "-n", "0", "--stopwords", str(stopwords)])
    # No word is seen 3 times in one day; merged, disk, full and on are, and the stop
    # words leave disk.
    assert result.stdout == "disk\t3\n"


def test_counts_alone_read_no_standard_input(tmp_path: Path, write_file: WriteFile) -> None:
    counts = saved(tmp_path, "a.json", [str(write_file("a.txt", "one"))])
    assert invoke(["--counts", str(counts)], stdin=b"two three").stdout == "one\t1\n"


def test_by_file_counts_come_back_in_full(days: tuple[Path, Path], tmp_path: Path) -> None:
    mon, tue = days
    mon_json = saved(tmp_path, "mon.json", ["--by-file", str(mon)])
    merged = invoke(["--counts", str(mon_json), str(tue), "--by-file", "-n", "0", "-f", "json"])
    # The saved files come after the PATHs' files.
    one_run = invoke([str(tue), str(mon), "--by-file", "-n", "0", "-f", "json"])
    assert len(json.loads(merged.stdout)["by_file"]) == 3
    assert json.loads(merged.stdout)["by_file"] == json.loads(one_run.stdout)["by_file"]
    assert json.loads(merged.stdout)["top"] == json.loads(one_run.stdout)["top"]


@pytest.mark.parametrize(
    ("saved_with", "run_with"),
    [
        ([], ["--case-sensitive"]),
        (["--case-sensitive"], []),
        ([], ["--ngrams", "2"]),
        ([], ["--pattern", "[a-z]+"]),
        (["--ngrams", "2"], ["--ngrams", "2", "--stopwords", "en"]),
    ],
)
def test_other_word_options_are_a_usage_error(
    tmp_path: Path, write_file: WriteFile, saved_with: list[str], run_with: list[str]
) -> None:
    counts = saved(tmp_path, "a.json", [*saved_with, str(write_file("a.txt", "a b c"))])
    result = invoke(["--counts", str(counts), *run_with])
    assert result.exit_code == ExitStatus.USAGE_ERROR
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert "its words were counted with" in result.stderr


def test_by_file_needs_a_count_saved_with_by_file(tmp_path: Path, write_file: WriteFile) -> None:
    counts = saved(tmp_path, "a.json", [str(write_file("a.txt", "a b c"))])
    result = invoke(["--counts", str(counts), "--by-file"])
    assert result.exit_code == ExitStatus.USAGE_ERROR
    assert "saved without --by-file" in result.stderr


def _not_saved_counts(tmp_path: Path) -> dict[str, Path]:
    good = json.loads(invoke(["-f", "json", "-n", "0", "-"], stdin=b"a b b").stdout)
    documents: dict[str, object] = {
        "text.txt": "a b b\n",
        "list.json": "[1, 2]\n",
        "other.json": json.dumps({"total_words": 3, "unique_words": 2, "files": 1, "top": []}),
        "version3.json": json.dumps({**good, "version": 3}),
        "top1.json": json.dumps({**good, "top": good["top"][:1]}),
        "bad-count.json": json.dumps({**good, "top": [{"word": "b", "count": "2"}]}),
        "bad-total.json": json.dumps({**good, "total_words": 4}),
        "not-utf8.json": b"\xff\xfe{",
    }
    paths = {}
    for name, content in documents.items():
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(str(content))
        paths[name] = path
    paths["missing.json"] = tmp_path / "missing.json"
    paths["a directory"] = tmp_path
    return paths


def test_what_is_not_a_saved_count_is_one_line_and_status_2(tmp_path: Path) -> None:
    for name, path in _not_saved_counts(tmp_path).items():
        for option in ("--counts", "--against-counts"):
            result = invoke([option, str(path), "-"], stdin=b"a")
            assert result.exit_code == ExitStatus.USAGE_ERROR, name
            assert result.stdout == "", name
            assert len(result.stderr.splitlines()) == 1, name
            assert result.stderr.startswith(f"wordcount: error: {option} '{path}': "), name


def test_not_a_saved_count_from_the_installed_command(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("just words\n")
    result = run_wordcount(["--counts", str(text)])
    assert result.returncode == ExitStatus.USAGE_ERROR
    assert result.stdout == b""
    assert (
        result.stderr
        == (
            f"wordcount: error: --counts '{text}': not a saved count (not JSON; save one with "
            "-f json -n 0)\n"
        ).encode()
    )


def test_a_benchmark_takes_no_saved_counts(tmp_path: Path, write_file: WriteFile) -> None:
    path = write_file("a.txt", "a")
    counts = saved(tmp_path, "a.json", [str(path)])
    result = invoke(["--benchmark", "--counts", str(counts), str(path)])
    assert result.exit_code == ExitStatus.USAGE_ERROR


@pytest.mark.parametrize(
    "selecting", [["--min-count", "2"], ["--stopwords", "en"], ["--min-length", "2"]]
)
def test_a_count_of_selected_words_is_no_saved_count(
    tmp_path: Path, write_file: WriteFile, selecting: list[str]
) -> None:
    """Its totals add up (they are the selected words'), but merged it would lose words:
    "x x x y" saved with --min-count 2 holds no y."""
    text = write_file("m.txt", "x x x y the a")
    counts = saved(tmp_path, "m.json", [*selecting, str(text)])
    assert json.loads(counts.read_text())["every_word"] is False
    result = invoke(["--counts", str(counts)])
    assert (result.exit_code, result.stdout) == (ExitStatus.USAGE_ERROR, "")
    assert "not a complete saved count" in result.stderr


def _edited(tmp_path: Path, write_file: WriteFile, edit: Callable[[dict[str, Any]], None]) -> Path:
    text = write_file("ab.txt", "a a b")
    other = write_file("xy.txt", "x y y")
    path = saved(tmp_path, "ab.json", ["--by-file", str(text), str(other)])
    document = json.loads(path.read_text())
    edit(document)
    path.write_text(json.dumps(document))
    return path


def _swap_within_files(document: dict[str, Any]) -> None:
    # a: 2 becomes 1 in ab.txt, and xy.txt's y: 2 becomes a: 3: the sum stays 6.
    document["by_file"][0]["top"] = [{"word": "a", "count": 1}, {"word": "b", "count": 1}]
    document["by_file"][1]["top"] = [{"word": "x", "count": 1}, {"word": "a", "count": 3}]


def _huge_count(document: dict[str, Any]) -> None:
    document["top"][0]["count"] = 10**400
    document["total_words"] = 10**400 + 4


def _no_pattern_recorded(document: dict[str, Any]) -> None:
    del document["word_options"]["pattern"]


@pytest.mark.parametrize(
    ("edit", "extra", "reason"),
    [
        (_swap_within_files, ["--by-file"], "its files' words do not add up to its words"),
        (_huge_count, ["--stats"], "a count above 10^18, more words than any text holds"),
        (
            _huge_count,
            ["--against", "REFERENCE"],
            "a count above 10^18, more words than any text holds",
        ),
        (_no_pattern_recorded, [], "not a saved count (its word options are not recorded)"),
    ],
)
def test_a_hand_edited_saved_count_that_lies_is_one_line(
    tmp_path: Path,
    write_file: WriteFile,
    edit: Callable[[dict[str, Any]], None],
    extra: list[str],
    reason: str,
) -> None:
    path = _edited(tmp_path, write_file, edit)
    reference = str(write_file("reference.txt", "a b c"))
    args = [reference if arg == "REFERENCE" else arg for arg in extra]
    result = invoke(["--counts", str(path), *args])
    assert (result.exit_code, result.stdout) == (ExitStatus.USAGE_ERROR, "")
    assert reason in result.stderr


def test_a_total_that_its_words_do_not_add_up_to_is_named(tmp_path: Path) -> None:
    bad = _not_saved_counts(tmp_path)["bad-total.json"]
    result = invoke(["--counts", str(bad), "-"], stdin=b"a")
    # "a b b": the words add up to 3, the document says 4.
    assert "its words add up to 3, not its total of 4" in result.stderr


def _saved_document(words: dict[str, int], **fields: Any) -> dict[str, Any]:
    """A saved count of these words as this wordcount writes one, but for fields."""
    return {
        "format": "wordcount-counts",
        "version": 2,
        "word_options": {"case_sensitive": False, "pattern": None, "segment": None, "ngrams": 1},
        "every_word": True,
        "wordcount_version": version("wordcount-parallel"),
        "rule_version": RULE_VERSION,
        "total_words": sum(words.values()),
        "unique_words": len(words),
        "files": 1,
        "top": [{"word": word, "count": count} for word, count in words.items()],
        **fields,
    }


def _refusal(tmp_path: Path, document: dict[str, Any], *args: str) -> str:
    """The one line that --counts answers a document with, after the path."""
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = invoke(["--counts", str(path), *args])
    assert (result.exit_code, result.stdout) == (ExitStatus.USAGE_ERROR, ""), result.stderr
    prefix = f"wordcount: error: --counts '{path}': "
    assert result.stderr.startswith(prefix)
    assert result.stderr.count("\n") == 1
    return result.stderr[len(prefix) : -1]


NGRAMS_2 = {
    "case_sensitive": False,
    "pattern": None,
    "segment": None,
    "ngrams": 2,
    "ngram_stopwords": ["the"],
    "ngram_min_length": 2,
}


@pytest.mark.parametrize(
    ("words", "options", "named"),
    [
        # Issue 22: what no text gives under the default rule, which lowercases, composes
        # (NFKC), cuts at every space and skips runs over 1 MiB.
        ({"The": 5, "the": 1}, {}, '"The"'),
        ({"nai\u0308ve": 2}, {}, '"nai\\u0308ve"'),
        ({"a": 1, "": 1}, {}, '""'),
        ({"two words": 1}, {}, '"two words"'),
        ({"a" * 5_000_000: 1}, {}, '"' + "a" * 60 + '..." (5,000,000 characters)'),
        ({"ok": 1, "tab\there": 1}, {}, '"tab\\there"'),
        ({"\ud800": 1}, {}, '"\\ud800"'),  # a lone surrogate: JSON can write it, no text holds it
        # With --case-sensitive The is a word, but a ligature is not (NFKC makes it fi).
        ({"The": 1, "\ufb01ve": 1}, {"case_sensitive": True}, '"\\ufb01ve"'),
        # --pattern: what it matches, whole.
        ({"12": 1, "12a": 1}, {"pattern": "[0-9]+"}, '"12a"'),
        # --ngrams 2: two words of the rule, joined by one space, no stop word (the), none
        # shorter than --min-length 2.
        ({"big cat": 1, "Big cat": 1}, NGRAMS_2, '"Big cat"'),
        ({"big cat": 1, "big  cat": 1}, NGRAMS_2, '"big  cat"'),
        ({"big cat": 1, "big": 1}, NGRAMS_2, '"big"'),
        ({"big cat": 1, "the cat": 1}, NGRAMS_2, '"the cat"'),
        ({"big cat": 1, "a cat": 1}, NGRAMS_2, '"a cat"'),
    ],
)
def test_a_word_the_rule_never_gives_is_refused_by_name(
    tmp_path: Path, words: dict[str, int], options: dict[str, Any], named: str
) -> None:
    document = _saved_document(words)
    document["word_options"].update(options)
    reason = _refusal(tmp_path, document, *_options_of(document["word_options"], tmp_path))
    assert reason.startswith(f"holds {named}, which is no word of "), reason


def _options_of(word_options: dict[str, Any], tmp_path: Path) -> list[str]:
    """The command's options that count words as word_options records (its stop words
    written to a file in tmp_path)."""
    args = ["--case-sensitive"] if word_options["case_sensitive"] else []
    if word_options["pattern"] is not None:
        args += ["--pattern", word_options["pattern"]]
    if word_options["ngrams"] > 1:
        stopwords = tmp_path / "stopwords.txt"
        stopwords.write_text("\n".join(word_options["ngram_stopwords"]) + "\n")
        args += ["--ngrams", str(word_options["ngrams"]), "--stopwords", str(stopwords)]
        args += ["--min-length", str(word_options["ngram_min_length"])]
    return args


def test_the_words_the_rule_gives_are_read(tmp_path: Path) -> None:
    """The same checks pass every word wordcount writes (a sibling of the refusals)."""
    text = tmp_path / "t.txt"
    # After the first line, words that one pass of the rule's step 2 left unlike their
    # own normalization (ŉ, J̌, İ́, Ϊ́): wordcount refused the counts it had written.
    text.write_text(
        "The naïve café ﬁve don't x1 Ω ١٢ 😀a\n\u0149a J\u030c \u0130\u0301 \u03aa\u0301\n",
        encoding="utf-8",
    )
    for args in ([], ["--case-sensitive"], ["--ngrams", "2"], ["--pattern", r"\w+"]):
        path = saved(tmp_path, "t.json", [*args, str(text)])
        result = invoke(["--counts", str(path), "-n", "0", *args])
        assert result.exit_code == ExitStatus.SUCCESS, (args, result.stderr)
        assert result.stdout == invoke([str(text), "-n", "0", *args]).stdout


@pytest.mark.parametrize(
    ("name", "value", "wanted"),
    [
        ("ngrams", "1", '"1", not a whole number from 1'),
        ("ngrams", 0, "0, not a whole number from 1"),
        ("case_sensitive", 1, "1, not true or false"),
        ("segment", "ICU", '"ICU", not null or "icu"'),
        ("pattern", "(", '"(", not null or a regex that can match a word'),
    ],
)
def test_a_word_option_of_another_type_is_named_with_its_value(
    tmp_path: Path, name: str, value: object, wanted: str
) -> None:
    """Issue 22: "ngrams": "1" was refused as counted with "--ngrams 1 ? stop words
    --min-length None"."""
    document = _saved_document({"a": 1})
    document["word_options"][name] = value
    reason = _refusal(tmp_path, document)
    assert reason == f'not a saved count (its word option "{name}" is {wanted})'


def test_files_that_its_by_file_entries_do_not_match_are_refused(tmp_path: Path) -> None:
    """Issue 22: "files": 0 with three by_file entries printed "all 0 files" above three
    files' sections."""
    entry = {"top": [{"word": "a", "count": 1}]}
    by_file = [{"file": name, **entry} for name in ("x", "y", "z")]
    document = _saved_document({"a": 3}, files=0, by_file=by_file)
    expected = "not a complete saved count (it holds the counts of 3 files, not its 0)"
    assert _refusal(tmp_path, document, "--by-file") == expected
    assert _refusal(tmp_path, document) == expected  # read wherever it is saved


def test_a_count_of_another_word_rule_is_refused_naming_both(tmp_path: Path) -> None:
    document = _saved_document({"a": 1}, rule_version=RULE_VERSION - 1)
    assert _refusal(tmp_path, document) == (
        f"saved under word rule {RULE_VERSION - 1}; this wordcount counts by rule "
        f"{RULE_VERSION}: count the texts again"
    )
    del document["rule_version"]
    reason = "not a saved count (the word rule of its words is not recorded)"
    assert _refusal(tmp_path, document) == reason


def test_a_count_saved_before_rules_were_recorded_is_refused(tmp_path: Path) -> None:
    """Version 1 recorded no word rule: its words may be rule 1's, so they are not added
    to this rule's."""
    document = _saved_document({"a": 1}, version=1)
    assert _refusal(tmp_path, document) == (
        "saved by an earlier wordcount, whose saved counts do not record the word rule "
        "their words were counted by: count the texts again"
    )


@pytest.mark.skipif(icu_version() is None, reason="needs wordcount-parallel[icu]")
def test_a_count_cut_by_another_icu_is_refused_naming_both(
    tmp_path: Path, write_file: WriteFile
) -> None:
    text = write_file("t.txt", "one two")
    path = saved(tmp_path, "t.json", ["--segment", "icu", str(text)])
    document = json.loads(path.read_text())
    assert document["icu_version"] == icu_version()
    assert invoke(["--counts", str(path), "--segment", "icu"]).exit_code == ExitStatus.SUCCESS
    document["icu_version"] = "1.0"
    assert _refusal(tmp_path, document, "--segment", "icu") == (
        f"its words were cut by ICU 1.0, this wordcount's are cut by ICU {icu_version()}: "
        "count the texts again"
    )


@pytest.mark.parametrize(
    ("top", "every_word"),
    [("3", False), ("10", False), ("11", True), ("0", True)],
)
def test_every_word_is_true_only_when_the_document_holds_every_word(
    write_file: WriteFile, top: str, every_word: bool
) -> None:
    """Issue 22: -f json -n 3 wrote every_word: true with 3 of its 11 words."""
    text = write_file("eleven.txt", "one two three four five six seven eight nine ten eleven")
    document = json.loads(invoke(["-f", "json", "-n", top, str(text)]).stdout)
    assert (len(document["top"]), document["every_word"]) == (min(int(top) or 11, 11), every_word)


def test_load_refuses_a_word_the_rule_never_gives(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(_saved_document({"The": 5, "the": 1})), encoding="utf-8")
    with pytest.raises(SavedCountsUnusable, match='holds "The", which is no word of '):
        wordcount.load(path)


@pytest.mark.parametrize(
    ("word_options", "described"),
    [
        ({"ngrams": 2, "ngram_stopwords": [], "ngram_min_length": 1}, "--ngrams 2"),
        (
            {"ngrams": 3, "ngram_stopwords": ["a", "the"], "ngram_min_length": 2},
            "--ngrams 3 --stopwords (2 words) --min-length 2",
        ),
        ({"case_sensitive": True}, "--case-sensitive"),
        ({}, "the default word rule"),
    ],
)
def test_word_options_are_described_as_typed(
    word_options: dict[str, object], described: str
) -> None:
    """A refusal said "--ngrams 2 0 stop words --min-length 1" of a plain --ngrams 2."""
    assert describe(word_options) == described
