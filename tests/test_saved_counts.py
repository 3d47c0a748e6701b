"""Saved counts: -f json -n 0 written, and read back with --counts as if its texts were
counted again (issue 17)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import WriteFile, invoke, run_wordcount
from wordcount.cli.ending import ExitStatus


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
    assert document["version"] == 1
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
        "version2.json": json.dumps({**good, "version": 2}),
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
        (_huge_count, ["--stats"], "a top entry is not a word and a count"),
        (_huge_count, ["--against", "REFERENCE"], "a top entry is not a word and a count"),
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
