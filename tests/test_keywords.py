"""Keywords against a reference corpus: --against, --against-counts (issue 17).

Every expected score is worked out by hand in the comments, from the formulas:
G2 = 2(a ln(a/E1) + b ln(b/E2)), E1 = c(a+b)/(c+d), E2 = d(a+b)/(c+d), a zero term 0,
negative when a/c < b/d; log ratio = log2((a/c)/(b/d)), a zero count taken as 0.5 in the
larger corpus (a relative frequency of 0.5/max(c, d)).
"""

from __future__ import annotations

import json
import math
from decimal import Decimal, localcontext
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import WriteFile, invoke, run_wordcount
from wordcount.analysis.keywords import log_likelihood, log_ratio
from wordcount.analysis.saved_counts import FORMAT_VERSION
from wordcount.cli.ending import ExitStatus
from wordcount.words.rule import RULE_VERSION

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
    # = 2.424543; log ratio = log2((2/6)/(0.5/6)) = log2 4 = 2 (the zero in the larger
    # corpus, the target's 6 words)
    assert whale["word"] == "whale"
    assert (whale["count"], whale["reference_count"]) == (2, 0)
    assert whale["log_likelihood"] == pytest.approx(2.424543, abs=1e-6)
    assert whale["log_ratio"] == pytest.approx(2.0, abs=1e-6)
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
    # log2((1/2)/(0.5/2)) = 1. c: a=0 b=1: E2 = 1/3; G2 = 2 ln 3 = 2.197225, negative;
    # log ratio log2((0.5/2)/1) = -2
    assert invoke([str(target), "--against", str(reference), "-n", "0"]).stdout == (
        "a\t1\t0\t0.811\t1.000\nb\t1\t0\t0.811\t1.000\nc\t0\t1\t-2.197\t-2.000\n"
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
    #        log ratio = log2((3/3)/(0.5/3)) = log2 6 = 2.584963
    # ship:  a=0 b=2: E2 = 2*2/5 = 0.8; G2 = 4 ln(2/0.8) = 4 * 0.9162907 = 3.665163, negative;
    #        log ratio = log2((0.5/3)/(2/2)) = log2(1/6) = -2.584963
    assert result.stdout == "whale\t3\t0\t3.065\t2.585\nship\t0\t2\t-3.665\t-2.585\n"


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


def test_a_word_absent_from_the_smaller_corpus_is_overused(write_file: WriteFile) -> None:
    """Issue 22: with Hardie's 0.5 in the reference's own 3 words, cat got a log ratio of
    log2((1/8)/(0.5/3)) = -0.415 beside a positive G2."""
    target = write_file("t.txt", "cat the the the the the the the")  # cat 1, the 7; c = 8
    reference = write_file("r.txt", "the the the")  # d = 3
    # cat: a=1 b=0: E1 = 8/11; G2 = 2 ln(11/8) = 2 * 0.3184537 = 0.636907; log ratio
    #      log2((1/8)/(0.5/8)) = log2 2 = 1 (the zero taken in the larger corpus, 8 words)
    # the: a=7 b=3: E1 = 80/11, E2 = 30/11; G2 = 2(7 ln(77/80) + 3 ln(33/30))
    #      = 2(-0.2675484 + 0.2859306) = 0.036764, negative as 7/8 < 3/3;
    #      log ratio log2((7/8)/(3/3)) = log2 0.875 = -0.192645
    assert invoke([str(target), "--against", str(reference), "-n", "0"]).stdout == (
        "cat\t1\t0\t0.637\t1.000\nthe\t7\t3\t-0.037\t-0.193\n"
    )


def _saved_a(tmp_path: Path) -> list[str]:
    """--counts twenty times over a saved count of "a" 10^18 times (the most one may
    hold): a target of "a" 2 x 10^19 times, in 20 files."""
    document = {
        "format": "wordcount-counts",
        "version": FORMAT_VERSION,
        "word_options": {"case_sensitive": False, "pattern": None, "segment": None, "ngrams": 1},
        "every_word": True,
        "wordcount_version": "0",
        "rule_version": RULE_VERSION,
        "total_words": 10**18,
        "unique_words": 1,
        "files": 1,
        "top": [{"word": "a", "count": 10**18}],
    }
    path = tmp_path / "a.json"
    path.write_text(json.dumps(document))
    return ["--counts", str(path)] * 20


def test_huge_counts_keep_their_log_likelihood(tmp_path: Path, write_file: WriteFile) -> None:
    """Issue 22: a ln(a/E1) at a = 2 x 10^19 lost every digit (G2 0.000 for about 16)."""
    reference = write_file("r.txt", "b c d e f g h i")  # d = 8
    result = invoke([*_saved_a(tmp_path), "--against", str(reference), "-n", "2"])
    # a: a=2e19 b=0, c=2e19: E1 = c(a+b)/(c+d) = 2e19 * 2e19/(2e19 + 8), so
    #    G2 = 2a ln((c+d)/c) = 4e19 ln(1 + 4e-19) = 16 - 3.2e-18; log ratio
    #    log2((a/c)/(0.5/c)) with a = c = 2e19: log2(1/(0.5/2e19)) = log2(4e19) = 65.116634
    # b (first of the eight equal rows, by word): a=0 b=1: E2 = 8/(2e19 + 8);
    #    G2 = 2 ln(2.5e18 + 1) = 2 * 42.362953 = 84.725906, negative; log ratio
    #    log2((0.5/2e19)/(1/8)) = log2(2e-19) = -62.116634
    assert (result.exit_code, result.stderr) == (ExitStatus.SUCCESS, "")
    assert (
        result.stdout == "a\t20000000000000000000\t0\t16.000\t65.117\nb\t0\t1\t-84.726\t-62.117\n"
    )


def test_no_score_is_minus_zero(tmp_path: Path, write_file: WriteFile) -> None:
    """Issue 22: a G2 that rounded to 0 in an underused word was written -0.0."""
    target = write_file("z.txt", "z")  # with the saved a: a 2e19, z 1; c = 2e19 + 1
    reference = write_file("a.txt", "a")  # d = 1
    args = [*_saved_a(tmp_path), str(target), "--against", str(reference), "-n", "0"]
    result = invoke([*args, "-f", "json"])
    assert "-0.0" not in result.stdout
    z, a = json.loads(result.stdout)["keywords"]  # z overused, a underused
    # a: a=2e19 b=1: ad - bc = 2e19 - (2e19 + 1) = -1, so a - E1 = E2 - b = -1/N, N = 2e19 + 2;
    #    each term x ln(x/E) - (x - E) is about (x - E)^2/(2E): b's 1/(2N^2) = 1.25e-39, a's
    #    some 10^-78; G2 = 2(1.25e-39) = 2.5e-39, negative; log ratio
    #    log2(2e19/(2e19 + 1)) = -1/(2e19 ln 2) = -7.213475e-20
    assert a["word"] == "a"
    assert a["log_likelihood"] == pytest.approx(-2.5e-39, rel=1e-9)
    assert a["log_ratio"] == pytest.approx(-7.213475204e-20, rel=1e-9)
    # z: a=1 b=0: E2 = 1/N = 5e-20, its term E2 itself; a's term (1/N)^2/2 = 1.25e-39;
    #    G2 = 2(5e-20) = 1e-19; log ratio log2((1/c)/(0.5/c)) = 1
    assert z["log_likelihood"] == pytest.approx(1e-19, rel=1e-9)
    assert z["log_ratio"] == 1.0
    tsv = invoke(args).stdout
    assert tsv == "z\t1\t0\t0.000\t1.000\na\t20000000000000000000\t1\t0.000\t0.000\n"


def _exact_scores(a: int, b: int, c: int, d: int) -> tuple[Decimal, Decimal]:
    """The oracle: G2 and the log ratio by their plain formulas, in decimal arithmetic of
    150 digits, where no term's cancellation can reach the digits compared."""
    with localcontext() as context:
        context.prec = 150
        total = Decimal(c + d)
        g2 = Decimal(0)
        if a:
            g2 += a * (a * total / (c * (a + b))).ln()
        if b:
            g2 += b * (b * total / (d * (a + b))).ln()
        g2 *= 2
        if a * d < b * c:
            g2 = -g2
        larger = max(c, d)
        target = Decimal(a) / c if a else Decimal("0.5") / larger
        reference = Decimal(b) / d if b else Decimal("0.5") / larger
        ratio = (target / reference).ln() / Decimal(2).ln()
    return g2, ratio


def _sign(value: float | Decimal) -> int:
    return (value > 0) - (value < 0)


# Small counts, as most words have, and counts up to 10^20, where floats lose digits.
_COUNTS = st.one_of(st.integers(0, 20), st.integers(0, 10**20))


@given(a=_COUNTS, b=_COUNTS, rest_of_target=_COUNTS, rest_of_reference=_COUNTS)
def test_the_scores_agree_in_sign_and_with_exact_arithmetic(
    a: int, b: int, rest_of_target: int, rest_of_reference: int
) -> None:
    """Issue 22: sign(log ratio) is sign(G2) for every count, and both are the exact
    values to 1e-9 however large the counts (a word of a in c, b in d)."""
    c, d = a + rest_of_target, b + rest_of_reference
    if a + b == 0 or c == 0 or d == 0:
        return  # no word: a word is in one corpus at least, and each corpus holds words
    g2, ratio = log_likelihood(a, b, c, d), log_ratio(a, b, c, d)
    exact_g2, exact_ratio = _exact_scores(a, b, c, d)
    assert _sign(ratio) == _sign(g2) == _sign(exact_g2) == _sign(exact_ratio)
    assert math.copysign(1.0, g2) == math.copysign(1.0, ratio) or g2 == ratio == 0.0
    assert g2 == pytest.approx(float(exact_g2), rel=1e-9, abs=0.0)
    assert ratio == pytest.approx(float(exact_ratio), rel=1e-9, abs=0.0)
