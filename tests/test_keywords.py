"""Keywords against a reference corpus: --against, --against-counts (issue 17).

Every expected score is worked out by hand in the comments, from the formulas:
G2 = 2(a ln(a/E1) + b ln(b/E2)), E1 = c(a+b)/(c+d), E2 = d(a+b)/(c+d), a zero term 0,
negative when a/c < b/d; log ratio = log2((a/c)/(b/d)), a zero count taken as 0.5.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import WriteFile, invoke, run_wordcount
from wordcount.cli.ending import ExitStatus

# Target: whale 3, sea 1 (c = 4). Reference: sea 2, ship 2 (d = 4). So E1 = E2 = (a+b)/2.
TARGET = "whale whale whale sea"
REFERENCE = "sea sea ship ship"
# whale: a=3 b=0: E1 = 1.5; G2 = 2(3 ln(3/1.5)) = 6 ln 2 = 4.158883;
#        log ratio = log2((3/4)/(0.5/4)) = log2 6 = 2.584963
# sea:   a=1 b=2: E1 = E2 = 1.5; G2 = 2(ln(1/1.5) + 2 ln(2/1.5))
#        = 2(-0.405465 + 0.575364) = 0.339798, negative as 1/4 < 2/4;
#        log ratio = log2((1/4)/(2/4)) = -1
# ship:  a=0 b=2: E2 = 1; G2 = 2(2 ln 2) = 2.772589, negative; log ratio
#        = log2((0.5/4)/(2/4)) = log2 0.25 = -2
EXPECTED_TSV = "whale\t3\t0\t4.159\t2.585\nsea\t1\t2\t-0.340\t-1.000\nship\t0\t2\t-2.773\t-2.000\n"


@pytest.fixture
def corpora(write_file: WriteFile) -> tuple[Path, Path]:
    return write_file("target.txt", TARGET), write_file("reference.txt", REFERENCE)


def test_tsv_scores_worked_by_hand(corpora: tuple[Path, Path]) -> None:
    target, reference = corpora
    result = invoke([str(target), "--against", str(reference), "-n", "0"])
    assert result.exit_code == ExitStatus.SUCCESS
    assert result.stdout == EXPECTED_TSV


def test_json_scores_of_corpora_of_different_sizes(write_file: WriteFile) -> None:
    target = write_file("t.txt", "the whale the sea the whale")  # the 3, whale 2, sea 1; c = 6
    reference = write_file("r.txt", "the ship sails the sea")  # the 2, others 1; d = 5
    result = invoke([str(target), "--against", str(reference), "-n", "2", "-f", "json"])
    document = json.loads(result.stdout)
    assert document["target"] == {"total_words": 6, "unique_words": 3, "files": 1}
    assert document["reference"] == {"total_words": 5, "unique_words": 4, "files": 1}
    whale, the = document["keywords"]
    # whale: a=2 b=0: E1 = 6*2/11 = 12/11; G2 = 2(2 ln(22/12)) = 4 ln(11/6) = 4 * 0.6061358
    # = 2.424543; log ratio = log2((2/6)/(0.5/5)) = log2(10/3) = 1.736966
    assert whale["word"] == "whale"
    assert (whale["count"], whale["reference_count"]) == (2, 0)
    assert whale["log_likelihood"] == pytest.approx(2.424543, abs=1e-6)
    assert whale["log_ratio"] == pytest.approx(1.736966, abs=1e-6)
    # the: a=3 b=2: E1 = 30/11, E2 = 25/11; G2 = 2(3 ln(33/30) + 2 ln(22/25))
    # = 2(3 * 0.0953102 - 2 * 0.1278334) = 2 * 0.0302638 = 0.0605276, positive as
    # 3/6 > 2/5; log ratio = log2((3/6)/(2/5)) = log2 1.25 = 0.321928
    assert the["word"] == "the"
    assert the["log_likelihood"] == pytest.approx(0.0605276, abs=1e-6)
    assert the["log_ratio"] == pytest.approx(0.321928, abs=1e-6)


def test_top_n_is_the_most_overused(corpora: tuple[Path, Path]) -> None:
    target, reference = corpora
    assert invoke([str(target), "--against", str(reference), "-n", "1"]).stdout == (
        "whale\t3\t0\t4.159\t2.585\n"
    )


def test_equal_scores_are_ordered_by_word(write_file: WriteFile) -> None:
    target = write_file("t.txt", "b a")
    reference = write_file("r.txt", "c")
    # a, b: a=1 b=0, c=2 d=1: E1 = 2/3; G2 = 2 ln(3/2) = 0.810930; log ratio
    # log2((1/2)/(0.5/1)) = 0. c: a=0 b=1: E2 = 1/3; G2 = 2 ln 3 = 2.197225, negative;
    # log ratio log2((0.5/2)/1) = -2
    assert invoke([str(target), "--against", str(reference), "-n", "0"]).stdout == (
        "a\t1\t0\t0.811\t0.000\nb\t1\t0\t0.811\t0.000\nc\t0\t1\t-2.197\t-2.000\n"
    )


def test_min_count_applies_to_the_target(corpora: tuple[Path, Path]) -> None:
    target, reference = corpora
    result = invoke([str(target), "--against", str(reference), "-n", "0", "--min-count", "2"])
    assert result.stdout == "whale\t3\t0\t4.159\t2.585\n"


def test_stop_words_leave_both_corpora(corpora: tuple[Path, Path], write_file: WriteFile) -> None:
    target, reference = corpora
    stopwords = write_file("stop.txt", "sea\n")
    result = invoke(
        [str(target), "--against", str(reference), "-n", "0", "--stopwords", str(stopwords)]
    )
    # Without sea: whale 3 (c = 3) against ship 2 (d = 2).
    # whale: a=3 b=0: E1 = 3*3/5 = 1.8; G2 = 6 ln(3/1.8) = 6 ln(5/3) = 6 * 0.5108256 = 3.064954;
    #        log ratio = log2((3/3)/(0.5/2)) = log2 4 = 2
    # ship:  a=0 b=2: E2 = 2*2/5 = 0.8; G2 = 4 ln(2/0.8) = 4 * 0.9162907 = 3.665163, negative;
    #        log ratio = log2((0.5/3)/(2/2)) = log2(1/6) = -2.584963
    assert result.stdout == "whale\t3\t0\t3.065\t2.000\nship\t0\t2\t-3.665\t-2.585\n"


def test_csv_has_a_header(corpora: tuple[Path, Path]) -> None:
    target, reference = corpora
    result = invoke([str(target), "--against", str(reference), "-n", "1", "-f", "csv"])
    assert result.stdout_bytes == (
        b"word,count,reference_count,log_likelihood,log_ratio\r\nwhale,3,0,4.159,2.585\r\n"
    )


def test_the_table(corpora: tuple[Path, Path]) -> None:
    target, reference = corpora
    lines = invoke([str(target), "--against", str(reference), "-f", "table"]).stdout.splitlines()
    header = next(line for line in lines if "word" in line)
    assert header.split() == ["#", "word", "count", "reference", "log-likelihood", "log", "ratio"]
    assert ["1", "whale", "3", "0", "4.159", "2.585"] in [line.split() for line in lines]
    assert any("target 4 words in 1 file · reference 4 words in 1 file" in line for line in lines)


def test_saved_reference_is_the_reference_counted(
    corpora: tuple[Path, Path], tmp_path: Path
) -> None:
    target, reference = corpora
    saved = tmp_path / "reference.json"
    saved.write_text(invoke([str(reference), "-f", "json", "-n", "0"]).stdout)
    result = invoke([str(target), "--against-counts", str(saved), "-n", "0"])
    assert result.stdout == EXPECTED_TSV
    # And the target as a saved count as well.
    saved_target = tmp_path / "target.json"
    saved_target.write_text(invoke([str(target), "-f", "json", "-n", "0"]).stdout)
    result = invoke(["--counts", str(saved_target), "--against-counts", str(saved), "-n", "0"])
    assert result.stdout == EXPECTED_TSV


def test_the_installed_command_with_a_directory_as_reference(
    write_file: WriteFile, tmp_path: Path
) -> None:
    target = write_file("target.txt", TARGET)
    (tmp_path / "reference").mkdir()
    write_file("reference/one.txt", "sea sea")
    write_file("reference/two.txt", "ship ship")
    result = run_wordcount([str(target), "--against", str(tmp_path / "reference"), "-n", "0"])
    assert result.returncode == ExitStatus.SUCCESS, result.stderr
    assert result.stdout.decode() == EXPECTED_TSV
    assert result.stderr == b""


def test_an_empty_reference_is_one_line_and_status_2(write_file: WriteFile) -> None:
    target = write_file("t.txt", "words")
    empty = write_file("empty.txt", "")
    result = invoke([str(target), "--against", str(empty)])
    assert result.exit_code == ExitStatus.USAGE_ERROR
    assert result.stdout == ""
    assert result.stderr == "wordcount: error: the reference corpus holds no words to compare\n"


def test_a_saved_reference_of_other_word_options_is_a_usage_error(
    corpora: tuple[Path, Path], tmp_path: Path
) -> None:
    target, reference = corpora
    saved = tmp_path / "reference.json"
    saved.write_text(invoke([str(reference), "-f", "json", "-n", "0", "--ngrams", "2"]).stdout)
    result = invoke([str(target), "--against-counts", str(saved)])
    assert result.exit_code == ExitStatus.USAGE_ERROR
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("option", ["--by-file", "--stats"])
def test_what_cannot_go_with_against(corpora: tuple[Path, Path], option: str) -> None:
    target, reference = corpora
    result = invoke([str(target), "--against", str(reference), option])
    assert result.exit_code == ExitStatus.USAGE_ERROR
    assert len(result.stderr.splitlines()) == 1
