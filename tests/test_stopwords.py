"""--stopwords FILE: read as the inputs are read, its words normalized as theirs are, and
refused in one line (status 2) when it cannot be used (issue 14).

Every list below holds the same stop words, saved in a different way: "The", "CAT",
"Über", "cafe" with a combining acute accent and the ligature "ﬁn" stand for the counted
words the, cat, über, café (precomposed, NFKC) and fin. TEXT holds each once, and "dog"
twice, which no list holds: whatever the list's encoding, only "dog" is left.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import WriteFile, invoke, run_wordcount
from wordcount.analysis.stopwords import without_comments
from wordcount.cli.ending import ExitStatus

STOPWORDS = "The\nCAT  # a comment: no stop words here, dog\n\u00dcber\ncafe\u0301\n\ufb01n\n"
TEXT = "the dog cat \u00fcber caf\u00e9 fin dog\n"
ONLY_DOG = "dog\t2\n"


@pytest.mark.parametrize(
    "encoded",
    [
        pytest.param(b"\xff\xfe" + STOPWORDS.encode("utf-16-le"), id="utf-16-le-bom"),
        pytest.param(b"\xfe\xff" + STOPWORDS.encode("utf-16-be"), id="utf-16-be-bom"),
        pytest.param(b"\xff\xfe\x00\x00" + STOPWORDS.encode("utf-32-le"), id="utf-32-le-bom"),
        pytest.param(b"\xef\xbb\xbf" + STOPWORDS.encode(), id="utf-8-bom"),
        pytest.param(STOPWORDS.replace("\n", "\r\n").encode(), id="crlf"),
        pytest.param(
            b"\xff\xfe" + STOPWORDS.replace("\n", "\r\n").encode("utf-16-le"), id="utf-16-crlf"
        ),
    ],
)
def test_a_list_in_any_encoding_the_inputs_may_use(write_file: WriteFile, encoded: bytes) -> None:
    stopwords = write_file("stop.txt", encoded)
    text = write_file("t.txt", TEXT)
    result = invoke([str(text), "-n", "0", "--stopwords", str(stopwords)])
    assert (result.exit_code, result.stdout, result.stderr) == (0, ONLY_DOG, "")


def test_encoding_applies_to_the_list_as_to_the_inputs(write_file: WriteFile) -> None:
    # Latin-1 cannot hold the combining accent or the ligature: the list says café and fin.
    latin1_list = "The\nCAT\n\u00dcber\ncaf\u00e9\nfin\n".encode("latin-1")
    stopwords = write_file("stop.txt", latin1_list)
    text = write_file("t.txt", TEXT.encode("latin-1"))
    args = [str(text), "-n", "0", "--encoding", "latin-1", "--stopwords", str(stopwords)]
    result = run_wordcount(args)
    assert (result.returncode, result.stdout, result.stderr) == (0, ONLY_DOG.encode(), b"")


def test_encoding_never_applies_to_a_builtin_list(write_file: WriteFile) -> None:
    # The built-in lists are UTF-8 whatever --encoding says: "über" is in the German one.
    text = write_file("t.txt", "\u00fcber dog".encode("latin-1"))
    result = invoke([str(text), "--encoding", "latin-1", "--stopwords", "de"])
    assert (result.exit_code, result.stdout) == (0, "dog\t1\n")


def test_invalid_utf8_words_are_read_as_cp1252_as_in_the_inputs(write_file: WriteFile) -> None:
    # No --encoding: the Latin-1 bytes of "Über" and "café" are not UTF-8, and, as in an
    # input, each such word is read as cp1252, with one warning naming the list.
    stopwords = write_file("stop.txt", "The\nCAT\n\u00dcber\ncaf\u00e9\nfin\n".encode("latin-1"))
    text = write_file("t.txt", TEXT)
    result = invoke([str(text), "-n", "0", "--stopwords", str(stopwords)])
    assert result.exit_code == ExitStatus.SUCCESS
    assert result.stdout == ONLY_DOG
    assert result.stderr == (
        f"wordcount: warning: --stopwords '{stopwords}': not valid UTF-8; its invalid words "
        "were read as cp1252 (as Western text; --encoding NAME reads another encoding "
        "exactly)\n"
    )
    quiet = invoke([str(text), "-n", "0", "-q", "--stopwords", str(stopwords)])
    assert (quiet.stdout, quiet.stderr) == (ONLY_DOG, "")


def test_a_list_holds_words_as_the_rule_writes_them(write_file: WriteFile) -> None:
    # Rule 3: don´t (acute accent) and don’t are don't; İSTANBUL and Istanbul are istanbul.
    stopwords = write_file("stop.txt", "Don\u00b4t\n\u0130STANBUL\n")
    text = write_file("t.txt", "don\u2019t Istanbul don't dog\n")
    result = invoke([str(text), "-n", "0", "--stopwords", str(stopwords)])
    assert (result.exit_code, result.stdout, result.stderr) == (0, "dog\t1\n", "")


def test_case_sensitive_keeps_the_lists_capitals(write_file: WriteFile) -> None:
    stopwords = write_file("stop.txt", b"\xff\xfe" + "The\n".encode("utf-16-le"))
    text = write_file("t.txt", "The the")
    result = invoke([str(text), "--case-sensitive", "--stopwords", str(stopwords)])
    assert result.stdout == "the\t1\n"


def test_ngrams_leave_out_the_words_of_an_encoded_list(write_file: WriteFile) -> None:
    stopwords = write_file("stop.txt", b"\xfe\xff" + "THE\n".encode("utf-16-be"))
    text = write_file("t.txt", "the cat the dog")
    result = invoke([str(text), "--ngrams", "2", "--stopwords", str(stopwords)])
    assert result.stdout == "cat dog\t1\n"


def test_with_a_pattern_a_list_holds_what_the_pattern_matches(write_file: WriteFile) -> None:
    # The pattern keeps "e-mail" whole, in the text and so in the list: the default rule
    # made the list's line the stop words "e" and "mail", which left "e-mail" in and took
    # "mail" out.
    stopwords = write_file("stop.txt", "E-Mail\n")
    text = write_file("t.txt", "e-mail e-mail mail")
    result = invoke([str(text), "--pattern", r"[\w-]+", "--stopwords", str(stopwords)])
    assert result.stdout == "mail\t1\n"


def _refused(args: list[str]) -> str:
    """The one line of a usage error, the same in-process and from the console script."""
    in_process = invoke(args)
    assert (in_process.exit_code, in_process.stdout) == (ExitStatus.USAGE_ERROR, "")
    subprocess = run_wordcount(args)
    assert (subprocess.returncode, subprocess.stdout) == (ExitStatus.USAGE_ERROR, b"")
    assert subprocess.stderr.decode() == in_process.stderr
    assert in_process.stderr.count("\n") == 1
    return in_process.stderr


def test_a_binary_list_is_refused(write_file: WriteFile) -> None:
    # The start of an ELF executable, as /bin/ls begins, then lines that look like words.
    binary = write_file("ls", b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00the\ncat\n")
    text = write_file("t.txt", TEXT)
    assert _refused([str(text), "--stopwords", str(binary)]) == (
        f"wordcount: error: --stopwords '{binary}': binary (a NUL byte in its first 64 KiB)\n"
    )


def test_a_list_that_is_not_valid_in_its_encoding_is_refused(write_file: WriteFile) -> None:
    # A UTF-16 code unit cut in half: as an input it would not be counted, so it is not used.
    broken = write_file("stop.txt", b"\xff\xfe" + "the".encode("utf-16-le") + b"c")
    text = write_file("t.txt", TEXT)
    assert _refused([str(text), "--stopwords", str(broken)]) == (
        f"wordcount: error: --stopwords '{broken}': not valid utf-16-le at byte 8 "
        "(truncated data)\n"
    )


def test_a_directory_is_refused(tmp_path: Path, write_file: WriteFile) -> None:
    text = write_file("t.txt", TEXT)
    assert _refused([str(text), "--stopwords", str(tmp_path)]) == (
        f"wordcount: error: --stopwords '{tmp_path}': Is a directory\n"
    )


def test_a_missing_list_is_refused(write_file: WriteFile) -> None:
    text = write_file("t.txt", TEXT)
    assert _refused([str(text), "--stopwords", "no-such-list"]) == (
        "wordcount: error: --stopwords 'no-such-list': No such file or directory "
        "(the built-in lists are de, en, es, fr)\n"
    )


LINE = st.text(st.sampled_from("ab #\u00e9\r"), max_size=12)


@given(
    lines=st.lists(LINE, max_size=6),
    cuts=st.lists(st.integers(min_value=0, max_value=80), max_size=6),
)
def test_comments_are_left_out_however_the_chunks_are_cut(
    lines: list[str], cuts: list[int]
) -> None:
    data = "\n".join(lines).encode()
    points = [0, *sorted(min(cut, len(data)) for cut in cuts), len(data)]
    chunks = [data[start:end] for start, end in itertools.pairwise(points)]
    expected = "\n".join(line.partition("#")[0] for line in lines).encode()
    assert b"".join(without_comments(chunks)) == expected


def test_a_list_name_that_is_no_builtin_names_the_builtins(write_file: WriteFile) -> None:
    text = write_file("t.txt", TEXT)
    assert _refused([str(text), "--stopwords", "english"]) == (
        "wordcount: error: --stopwords 'english': No such file or directory "
        "(the built-in lists are de, en, es, fr)\n"
    )


# A hundred common Russian words, a line each, as a list saved in cp1251 would hold them.
RUSSIAN_STOPWORDS = (
    "и в не на я быть он с что а по это она этот к но они мы как из у который то за свой "
    "весь год от так о для ты же всё тот мочь вы человек такой его сказать только или ещё "
    "бы себя один уже до время если сам когда другой вот говорить наш мой знать стать при "
    "чтобы дело жизнь кто первый очень два день её новый рука даже во со раз где там под "
    "можно ну какой после их работа без самый потом надо хотеть ли слово идти большой"
).replace(" ", "\n")


def test_a_list_in_a_legacy_encoding_is_read_as_an_input_is(write_file: WriteFile) -> None:
    # Detected as the inputs are (sources.detection), and said so, as for an input.
    stopwords = write_file("stop.txt", RUSSIAN_STOPWORDS.encode("cp1251"))
    text = write_file("t.txt", "Москва и мы в городе\n".encode())
    result = invoke([str(text), "--stopwords", str(stopwords)])
    assert (result.exit_code, result.stdout) == (0, "городе\t1\nмосква\t1\n")
    assert result.stderr == (
        f"wordcount: warning: --stopwords '{stopwords}': not valid UTF-8; read as cp1251\n"
    )


def test_a_list_too_short_to_tell_its_encoding_says_so(write_file: WriteFile) -> None:
    # One word of cp1251: read per word as cp1252, as an input would be, and said loudly.
    stopwords = write_file("stop.txt", "Москва\n".encode("cp1251"))
    text = write_file("t.txt", "Москва\n".encode())
    result = invoke([str(text), "--stopwords", str(stopwords)])
    assert (result.exit_code, result.stdout) == (0, "москва\t1\n")
    assert result.stderr.startswith(
        f"wordcount: warning: --stopwords '{stopwords}': not valid UTF-8 and too short to "
        "tell its encoding (cp1251? "
    )
    assert result.stderr.endswith("--encoding NAME reads it exactly\n")
    # --encoding is every input's: the text too is cp1251 here.
    text = write_file("t1251.txt", "Москва\n".encode("cp1251"))
    exact = invoke([str(text), "--stopwords", str(stopwords), "--encoding", "cp1251"])
    assert (exact.exit_code, exact.stdout, exact.stderr) == (0, "", "")
