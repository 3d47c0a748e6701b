"""The labelled corpus of legacy-encoded files, and how wordcount scores on it.

    chardet 5.2.0's sdist (PyPI, pinned by its sha256) ─▶ build/encoding-corpus/
        its tests/<ENCODING>-<language>/ files: web pages and feeds that their publishers
        wrote in that encoding (each one's source: tests/encoding_corpus_manifest.tsv)
    each file in an encoding the README lists ─▶ the words of its labelled decoding
        (rule.reference_words) against wordcount's count of it
        ─▶ exact, loud (not exact, but the warning names candidates and --encoding),
           or silently wrong

    python -m tests.encoding_corpus            the score per encoding
    python -m tests.encoding_corpus --files    and each file not exact
    python -m tests.encoding_corpus --manifest rewrite the manifest

The files are third-party web pages ("each feed is copyright its respective publisher",
chardet's tests/README.txt); chardet itself is LGPL-2.1. Neither is copied into this
repository: the sdist is downloaded once, with pip, into build/ (make encoding-corpus).
"""

from __future__ import annotations

import argparse
import hashlib
import re
import subprocess
import sys
import tarfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "build" / "encoding-corpus"
SDIST = "chardet-5.2.0.tar.gz"
SDIST_SHA256 = "1b3b6ff479a8c414bc3fa2c0852995695c4a026dcd6d0633b2dd092ca39c1cf7"
CORPUS = CACHE / "chardet-5.2.0" / "tests"
MANIFEST = Path(__file__).resolve().parent / "encoding_corpus_manifest.tsv"

# chardet's directory prefix ─▶ the codecs whose decoding is the truth: the labelled one
# first, then supersets that decode its bytes the same way and more (a "GB2312" page that
# holds a GBK character is GBK; Shift_JIS pages use cp932's extra rows). Only the
# encodings the README lists; the Western ones (read per token as cp1252) are scored too,
# so that detection never takes one for something else.
LABELS: dict[str, tuple[str, ...]] = {
    "Big5": ("big5", "cp950", "big5hkscs"),
    "CP932": ("cp932",),
    "CP949": ("cp949",),
    "EUC-JP": ("euc_jp", "euc_jis_2004", "euc_jisx0213"),
    "EUC-KR": ("euc_kr", "cp949"),
    "GB2312": ("gb2312", "gbk", "gb18030"),
    "IBM855": ("cp855",),
    "IBM866": ("cp866",),
    "KOI8-R": ("koi8_r", "koi8_u"),
    "MacCyrillic": ("mac_cyrillic",),
    "SHIFT_JIS": ("shift_jis", "cp932", "shift_jis_2004", "shift_jisx0213"),
    "TIS-620": ("tis_620", "cp874", "iso8859_11"),
    "iso-8859-2": ("iso8859_2",),
    "iso-8859-5": ("iso8859_5",),
    "iso-8859-6": ("iso8859_6",),
    "iso-8859-7": ("iso8859_7", "cp1253"),
    "iso-8859-9": ("iso8859_9", "cp1254"),
    "windows-1250": ("cp1250",),
    "windows-1251": ("cp1251",),
    "windows-1254": ("cp1254",),
    "windows-1255": ("cp1255",),
    "windows-1256": ("cp1256",),
    "iso-8859-1": ("cp1252", "latin_1"),
    "windows-1252": ("cp1252",),
}
# A file with at least this many bytes outside ASCII must be counted exactly (the issue's
# bar); a shorter one may instead be loud.
EXACT_BAR_BYTES = 1024


class CorpusFile(NamedTuple):
    path: Path
    label: str  # chardet's directory name
    codecs: tuple[str, ...]


def _prefix(label: str) -> str:
    return next(prefix for prefix in LABELS if label == prefix or label.startswith(prefix + "-"))


def fetch() -> Path:
    """The corpus's directory, downloaded and unpacked first if it is not there yet."""
    if CORPUS.is_dir():
        return CORPUS
    CACHE.mkdir(parents=True, exist_ok=True)
    sdist = CACHE / SDIST
    if not sdist.exists():
        command = [
            sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
            "--no-binary", ":all:", "--dest", str(CACHE), "chardet==5.2.0",
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0 or not sdist.exists():
            raise RuntimeError(
                f"could not download the encoding corpus ({' '.join(command[2:])}): "
                f"{done.stderr.strip()[-500:]}; it needs PyPI, or {SDIST} put in {CACHE}"
            )
    digest = hashlib.sha256(sdist.read_bytes()).hexdigest()
    if digest != SDIST_SHA256:
        raise RuntimeError(f"{sdist}: sha256 {digest}, not the pinned {SDIST_SHA256}")
    with tarfile.open(sdist) as archive:
        members = [m for m in archive.getmembers() if m.name.startswith("chardet-5.2.0/tests/")]
        if hasattr(tarfile, "data_filter"):  # Python 3.12+, and 3.10 and 3.11 patched
            archive.extractall(CACHE, members=members, filter="data")
        else:  # its sha256 was checked: no file of it lands outside CACHE
            archive.extractall(CACHE, members=members)
    return CORPUS


def corpus_files(corpus: Path) -> Iterator[CorpusFile]:
    """Each file of the corpus in an encoding scored here, in name order."""
    for directory in sorted(corpus.iterdir()):
        if not directory.is_dir():
            continue
        prefix = next(
            (p for p in LABELS if directory.name == p or directory.name.startswith(p + "-")),
            None,
        )
        if prefix is None:
            continue
        for path in sorted(directory.iterdir()):
            data = path.read_bytes()
            if data.isascii() or _valid_utf8(data):  # out of scope: nothing to detect
                continue
            yield CorpusFile(path, directory.name, LABELS[prefix])


def _valid_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def true_texts(file: CorpusFile) -> list[str]:
    """The file's text in each codec that decodes all of it; in the labelled codec with
    U+FFFD for its bad bytes if none does (a page with a stray byte)."""
    data = file.path.read_bytes()
    texts = []
    for codec in file.codecs:
        try:
            texts.append(data.decode(codec))
        except UnicodeDecodeError:
            continue
    return texts or [data.decode(file.codecs[0], "replace")]


def true_words(text: str) -> Counter[str]:
    from wordcount.words.rule import reference_words

    return Counter(reference_words(text.removeprefix("\ufeff")))


def non_ascii_bytes(path: Path) -> int:
    data = path.read_bytes()
    return len(data) - len(data.decode("latin-1").encode("ascii", "ignore"))


class Verdict(NamedTuple):
    file: CorpusFile
    outcome: str  # "exact", "loud" or "silent"
    warning: str


def score(files: list[CorpusFile]) -> list[Verdict]:
    """Each file counted by wordcount (in-process, one directory at a time), judged."""
    import wordcount

    verdicts = []
    for label in sorted({file.label for file in files}):
        group = [file for file in files if file.label == label]
        counted = wordcount.count([str(f.path) for f in group], by_file=True, jobs=1)
        by_file = counted.by_file
        warnings: dict[str, list[str]] = {}
        for problem in counted.problems:
            warnings.setdefault(problem.path, []).append(problem.message)
        for file in group:
            words = Counter(by_file.get(str(file.path), {}))
            said = "; ".join(warnings.get(str(file.path), []))
            if any(words == true_words(text) for text in true_texts(file)):
                outcome = "exact"
            elif "--encoding" in said:
                outcome = "loud"
            else:
                outcome = "silent"
            verdicts.append(Verdict(file, outcome, said))
    return verdicts


def table(verdicts: list[Verdict]) -> str:
    """Per encoding: files, exact, loud (warned, not exact), silently wrong, and of the
    files with at least EXACT_BAR_BYTES outside ASCII, how many are exact."""
    rows = [("encoding", "files", "exact", "loud", "silent", "≥1KB", "≥1KB exact")]
    by_encoding: dict[str, list[Verdict]] = {}
    for verdict in verdicts:
        by_encoding.setdefault(_prefix(verdict.file.label), []).append(verdict)
    total: Counter[str] = Counter()
    for encoding, group in sorted(by_encoding.items(), key=lambda item: item[0].lower()):
        outcomes = Counter(v.outcome for v in group)
        big = [v for v in group if non_ascii_bytes(v.file.path) >= EXACT_BAR_BYTES]
        big_exact = sum(v.outcome == "exact" for v in big)
        row = Counter({"files": len(group), "big": len(big), "big_exact": big_exact})
        row.update(outcomes)
        total.update(row)
        rows.append((encoding, *(str(row[k]) for k in _COLUMNS)))
    rows.append(("all", *(str(total[k]) for k in _COLUMNS)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join(cells))
    return "\n".join(lines)


_COLUMNS = ("files", "exact", "loud", "silent", "big", "big_exact")


def manifest_lines(corpus: Path) -> list[str]:
    """One line a file: its path in the sdist (under chardet-5.2.0/), label, size, sha256,
    and the page it came from where the file says (most start with a "Source:" comment)."""
    lines = ["# path (in chardet-5.2.0.tar.gz, under chardet-5.2.0/)\tlabel\tbytes\tsha256\tsource"]
    for file in corpus_files(corpus):
        data = file.path.read_bytes()
        found = re.search(rb"Source:\s*(\S+)", data[:4096])
        source = found.group(1).decode("ascii", "replace") if found else _named_by(file.path)
        relative = file.path.relative_to(corpus.parent)
        digest = hashlib.sha256(data).hexdigest()
        lines.append(f"{relative}\t{file.label}\t{len(data)}\t{digest}\t{source}")
    return lines


def _named_by(path: Path) -> str:
    """Where a file that names no page came from, as its name says."""
    for prefix, source in _NAME_PREFIXES:
        if path.name.startswith(prefix):
            return source
    return "chardet's tests (no page named)"


_NAME_PREFIXES = (
    ("_mozilla_bug", "a Mozilla bug's test case (bugzilla.mozilla.org, number in the name)"),
    ("_chromium_", "a Chromium test case"),
    ("_ude_", "the Universal Encoding Detector's test texts (chardet)"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", action="store_true", help="list each file not exact")
    parser.add_argument("--manifest", action="store_true", help="rewrite the manifest")
    arguments = parser.parse_args()
    corpus = fetch()
    if arguments.manifest:
        MANIFEST.write_text("\n".join(manifest_lines(corpus)) + "\n")
        return
    verdicts = score(list(corpus_files(corpus)))
    print(table(verdicts))
    if arguments.files:
        for verdict in verdicts:
            if verdict.outcome != "exact":
                name = verdict.file.path.relative_to(corpus)
                print(f"{verdict.outcome}\t{name}\t{verdict.warning}")


if __name__ == "__main__":
    main()
