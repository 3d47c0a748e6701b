"""Real files published in legacy encodings (chardet 5.2.0's test files, fetched by
tests/encoding_corpus.py): each counted exactly as its labelled encoding reads it, or
loudly not; none silently wrong. The whole corpus is slow (a minute); the files the
issue named run in `make test`."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests import encoding_corpus
from tests.conftest import WriteFile, invoke
from tests.encoding_corpus import CorpusFile, Verdict

# Files with at least 1 KB outside ASCII that are not counted exactly, but loudly: tables
# of the rare characters that only cp932 has (NEC and IBM extensions, one after another),
# not text in any language, which no reading makes plausible.
CHARACTER_TABLES = {
    "CP932/hardsoft.at.webry.info.xml",
    "CP932/www2.chuo-u.ac.jp-suishin.xml",
}
# The issue's examples: read as cp1250 (Czech), per token as cp1252 (Polish, Hungarian,
# Turkish, EUC-JP), as cp1257 (Hungarian), as Thai (Big5).
ISSUE_FILES = [
    "iso-8859-2-czech/_ude_2.txt",
    "iso-8859-2-polish/_ude_1.txt",
    "iso-8859-2-hungarian/saraspatak.hu.xml",
    "iso-8859-2-hungarian/auto-apro.hu.xml",
    "windows-1250-hungarian/bbc.co.uk.hu.forum.xml",
    "iso-8859-9-turkish/subtitle.srt",
    "windows-1254-turkish/_ude_1.txt",
    "Big5/marilynwu.blogspot.com.xml",
    "EUC-JP/akaname.main.jp.xml",
]
# The Polish file was detected at 854 to 2,621 bytes and at 2,991 to 3,411, but not at
# 2,622 to 2,990 nor whole (3,413).
POLISH_LENGTHS = [854, 2621, 2622, 2800, 2990, 2991, 3411]


@pytest.fixture(scope="session")
def corpus() -> Path:
    try:
        return encoding_corpus.fetch()
    except RuntimeError as error:  # never a skip: CI must score the corpus
        pytest.fail(str(error))


def _files(corpus: Path, names: list[str]) -> list[CorpusFile]:
    by_name = {
        str(file.path.relative_to(corpus)): file for file in encoding_corpus.corpus_files(corpus)
    }
    return [by_name[name] for name in names]


def _wrong(verdicts: list[Verdict], corpus: Path) -> list[str]:
    return [
        f"{verdict.file.path.relative_to(corpus)}: {verdict.outcome} ({verdict.warning})"
        for verdict in verdicts
        if verdict.outcome != "exact"
    ]


def test_the_files_the_issue_named_are_counted_exactly(corpus: Path) -> None:
    verdicts = encoding_corpus.score(_files(corpus, ISSUE_FILES))
    assert _wrong(verdicts, corpus) == []


def test_a_polish_file_is_exact_at_every_length(corpus: Path, tmp_path: Path) -> None:
    (source,) = _files(corpus, ["iso-8859-2-polish/_ude_1.txt"])
    data = source.path.read_bytes()
    assert len(data) == 3413
    directory = tmp_path / "iso-8859-2-polish"
    directory.mkdir()
    prefixes = []
    for length in POLISH_LENGTHS:
        path = directory / f"{length}.txt"
        path.write_bytes(data[:length])
        prefixes.append(CorpusFile(path, source.label, source.codecs))
    verdicts = encoding_corpus.score(prefixes)
    assert [v.outcome for v in verdicts] == ["exact"] * len(POLISH_LENGTHS), _wrong(
        verdicts, tmp_path
    )


@pytest.mark.slow
def test_the_whole_corpus_is_exact_or_loud(corpus: Path) -> None:
    verdicts = encoding_corpus.score(list(encoding_corpus.corpus_files(corpus)))
    assert len(verdicts) >= 150
    silent = [line for line in _wrong(verdicts, corpus) if ": silent (" in line]
    assert silent == []
    big_not_exact = {
        str(v.file.path.relative_to(corpus))
        for v in verdicts
        if v.outcome != "exact"
        and encoding_corpus.non_ascii_bytes(v.file.path) >= encoding_corpus.EXACT_BAR_BYTES
    }
    assert big_not_exact == CHARACTER_TABLES


def test_the_manifest_names_each_file_and_its_source(corpus: Path) -> None:
    manifest = encoding_corpus.MANIFEST.read_text().splitlines()[1:]
    rows = {line.split("\t")[0]: line.split("\t") for line in manifest}
    files = list(encoding_corpus.corpus_files(corpus))
    assert len(rows) == len(files)
    for file in files:
        _, label, size, digest, source = rows[str(file.path.relative_to(corpus.parent))]
        data = file.path.read_bytes()
        assert (label, int(size), digest) == (
            file.label,
            len(data),
            hashlib.sha256(data).hexdigest(),
        )
        assert source


def test_a_line_of_hebrew_is_not_read_as_cyrillic(corpus: Path, write_file: WriteFile) -> None:
    """Hebrew's letters sit where cp1251 has its small Cyrillic letters: one long line of
    a cp1255 page made plausible lowercase "words" read so, and charset-normalizer chose
    cp1251, silently."""
    page = corpus / "windows-1255-hebrew/hydepark.hevre.co.il.7957.xml"
    line = page.read_bytes().split(b"\n")[7]
    legacy = write_file("he.xml", line)
    expected = invoke(["-n", "0", str(write_file("he-utf8.xml", line.decode("cp1255")))])
    counted = invoke(["-n", "0", str(legacy)])
    assert (counted.exit_code, counted.stdout) == (0, expected.stdout)
    assert f"'{legacy}': not valid UTF-8; read as cp1255\n" in counted.stderr
