"""fsspec URLs as PATHs: files inside archives, failures of any kind, and walks that follow
the local walk's rules (issue 14).

Every fixture is built here under tmp_path, and every expected line worked out by hand.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from tests.conftest import ProcessLog, invoke, run_wordcount
from wordcount.cli.ending import ExitStatus
from wordcount.engine.units import WorkUnit
from wordcount.engine.worker import count_unit
from wordcount.sources.problems import InputProblem
from wordcount.sources.ranges import FileRange

fsspec = pytest.importorskip("fsspec", reason="needs the fsspec extra")
from fsspec.implementations.memory import MemoryFileSystem  # noqa: E402

LOOP = "symlink loop: leads back to a directory being walked; not followed"
HICCUP = "StorageHiccup: the bucket moved"


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


def _both_ways(args: list[str]) -> tuple[bytes, str, int]:
    """Run in-process and as the installed command; both must print and exit alike."""
    here = invoke(args)
    there = run_wordcount(args)
    assert (there.stdout, there.stderr.decode(), there.returncode) == (
        here.stdout_bytes,
        here.stderr,
        here.exit_code,
    )
    return here.stdout_bytes, here.stderr, here.exit_code


# A file inside a zip archive, through fsspec's chained URLs.


def test_a_file_inside_a_zip_is_counted(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "t.zip", {"m.txt": b"zipped words, zipped\n"})
    stdout, stderr, status = _both_ways([f"zip://m.txt::file://{archive}"])
    assert stdout == b"zipped\t2\nwords\t1\n"
    assert stderr == ""
    assert status == ExitStatus.SUCCESS


def test_a_big_file_inside_a_zip_is_judged_and_cut_into_ranges(tmp_path: Path) -> None:
    # 700,000 bytes: over twice the 256 KiB least unit, so -j 2 plans two ranges of it,
    # reading its head and seeking to a boundary in the planner, then in each range.
    archive = _zip(tmp_path / "big.zip", {"big.txt": b"cut here\n" * 70_000 + b"end\n"})
    args = [f"zip://big.txt::file://{archive}", "-j", "2"]
    stdout, stderr, status = _both_ways(args)
    assert stdout == b"cut\t70000\nhere\t70000\nend\t1\n"
    assert stderr == ""
    assert status == ExitStatus.SUCCESS


@pytest.mark.parametrize(
    ("url_of", "message"),
    [
        (lambda tmp: f"zip://m.txt::file://{tmp}/not-a.zip", "BadZipFile: File is not a zip file"),
        (lambda tmp: f"zip://absent.txt::file://{tmp}/t.zip", "No such file or directory"),
        (lambda tmp: f"zip://m.txt::file://{tmp}/absent.zip", "No such file or directory"),
    ],
    ids=["not a zip", "no such member", "no such archive"],
)
def test_a_zip_url_that_fails_is_one_error_line(tmp_path: Path, url_of: Any, message: str) -> None:
    _zip(tmp_path / "t.zip", {"m.txt": b"member"})
    (tmp_path / "not-a.zip").write_bytes(b"plain text, not an archive")
    (tmp_path / "good.txt").write_bytes(b"still counted")
    url = url_of(tmp_path)
    stdout, stderr, status = _both_ways([url, str(tmp_path / "good.txt")])
    assert stdout == b"counted\t1\nstill\t1\n"
    assert stderr == f"wordcount: error: '{url}': {message}\nwordcount: 1 file unreadable\n"
    assert status == ExitStatus.INPUT_ERROR


@pytest.mark.parametrize(
    ("chain", "named"),
    [
        ("zip://::file://{}", "zip://{}::file://{}"),
        ("zip::file://{}", "zip://{}::file://{}"),
        # simplecache:: has no path of its own: the path is the next link's.
        ("simplecache::zip://::file://{}", "simplecache::zip://{}::file://{}"),
    ],
)
def test_a_zip_is_walked_and_each_member_named_by_a_chained_url(
    tmp_path: Path, chain: str, named: str
) -> None:
    archive = _zip(
        tmp_path / "t.zip",
        {"a.txt": b"one two", "sub/b.txt": b"three", ".h/c.txt": b"hidden", "sub/.d": b"dot"},
    )
    stdout, stderr, status = _both_ways([chain.format(archive), "--by-file"])
    a_txt, b_txt = named.format("a.txt", archive), named.format("sub/b.txt", archive)
    assert stdout == f"{a_txt}\tone\t1\n{a_txt}\ttwo\t1\n{b_txt}\tthree\t1\n".encode()
    assert stderr == "wordcount: 2 files skipped (hidden)\n"
    assert status == ExitStatus.SUCCESS


def test_a_cached_directory_names_each_file_through_the_cache(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_bytes(b"cached")
    (tmp_path / "sub" / "b.txt").write_bytes(b"deeper")
    stdout, stderr, status = _both_ways([f"simplecache::file://{tmp_path}", "--by-file"])
    assert (
        stdout
        == (
            f"simplecache::file://{tmp_path}/a.txt\tcached\t1\n"
            f"simplecache::file://{tmp_path}/sub/b.txt\tdeeper\t1\n"
        ).encode()
    )
    assert (stderr, status) == ("", ExitStatus.SUCCESS)


# Any exception from a filesystem, at any step, is one error line. A filesystem of its
# own raises an exception type no caller expects at the step a test chooses.


class StorageHiccup(Exception):
    """Neither an OSError nor a ValueError: what a cloud filesystem's client may raise."""


# "midway": the server goes away as this byte of big.txt is read; no read reaches it.
GONE_AT_BYTE = 400_000


def _reaches(position: int, size: int, byte: int) -> bool:
    return position <= byte and (size < 0 or byte < position + size)


class _FaultyFile:
    def __init__(self, file: Any, fails: str) -> None:
        self._file = file
        self._fails = fails
        self._reads = 0

    def _step(self, step: str) -> None:
        if self._fails == step:
            raise StorageHiccup("the bucket moved")
        if self._fails == "all but seek" and step != "seek":  # each with its own message
            message = "the bucket moved" if step == "read" else f"{step} failed as well"
            raise StorageHiccup(message)

    def read(self, size: int = -1) -> bytes:
        self._reads += 1
        if self._reads > 1:  # part-way, after the first read went well
            self._step("read")
        if self._fails == "midway" and _reaches(self._file.tell(), size, GONE_AT_BYTE):
            raise StorageHiccup("the bucket moved")
        return bytes(self._file.read(size))

    def seek(self, offset: int, whence: int = 0) -> int:
        self._step("seek")
        return int(self._file.seek(offset, whence))

    def tell(self) -> int:
        self._step("tell")
        return int(self._file.tell())

    def close(self) -> None:
        self._step("close")


class FaultyFileSystem(MemoryFileSystem):  # type: ignore[misc]
    """faulty://: a memory filesystem of its own, whose step `fails` raises."""

    protocol = "faulty"
    store: ClassVar[dict[str, Any]] = {}
    pseudo_dirs: ClassVar[list[str]] = [""]
    fails: ClassVar[str] = ""

    @classmethod
    def _strip_protocol(cls, path: str) -> str:
        return str(super()._strip_protocol(path.removeprefix("faulty://")))

    def _step(self, step: str) -> None:
        if self.fails == step:
            raise StorageHiccup("the bucket moved")

    def find(self, path: str, *args: Any, **kwargs: Any) -> Any:
        self._step("list")
        found = super().find(path, *args, **kwargs)
        if self.fails == "unsized":
            return {name: {**info, "size": None} for name, info in found.items()}
        return found

    def size(self, path: str) -> Any:
        self._step("size")
        return None if self.fails == "unsized" else super().size(path)

    def _open(self, path: str, mode: str = "rb", *args: Any, **kwargs: Any) -> Any:
        self._step("open")
        return _FaultyFile(super()._open(path, mode, *args, **kwargs), self.fails)


@pytest.fixture
def faulty(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[FaultyFileSystem]]:
    fsspec.register_implementation("faulty", FaultyFileSystem, clobber=True)
    filesystem = FaultyFileSystem()
    filesystem.pipe("/texts/a.txt", b"some words, some more\n")
    filesystem.pipe("/texts/big.txt", b"big line\n" * 70_000)  # 630,000 bytes: 2 ranges
    yield FaultyFileSystem
    FaultyFileSystem.store.clear()
    FaultyFileSystem.pseudo_dirs[:] = [""]


@pytest.mark.parametrize(
    ("step", "url", "stdout"),
    [
        ("list", "faulty:///texts", b"local\t1\n"),
        ("size", "faulty:///texts/a.txt", b"local\t1\n"),
        ("open", "faulty:///texts/a.txt", b"local\t1\n"),
        ("read", "faulty:///texts/a.txt", b"local\t1\n"),
    ],
)
def test_a_filesystem_failing_at_any_step_is_one_error_line(
    faulty: type[FaultyFileSystem],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    step: str,
    url: str,
    stdout: bytes,
) -> None:
    monkeypatch.setattr(faulty, "fails", step)
    (tmp_path / "local.txt").write_bytes(b"local")
    result = invoke([url, str(tmp_path / "local.txt"), "-j", "1"])
    assert result.stdout_bytes == stdout
    assert result.stderr == f"wordcount: error: '{url}': {HICCUP}\nwordcount: 1 file unreadable\n"
    assert result.exit_code == ExitStatus.INPUT_ERROR


@pytest.mark.parametrize("step", ["tell", "close"])
def test_a_file_failing_after_it_was_read_through_is_not_counted(
    faulty: type[FaultyFileSystem], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, step: str
) -> None:
    """Its words were counted, and then taken back: an error means not counted."""
    monkeypatch.setattr(faulty, "fails", step)
    (tmp_path / "local.txt").write_bytes(b"local")
    url = "faulty:///texts/a.txt"
    result = invoke([url, str(tmp_path / "local.txt"), "-j", "1"])
    assert result.stdout_bytes == b"local\t1\n"
    assert result.stderr == (
        f"wordcount: error: '{url}': {HICCUP}; not counted\nwordcount: 1 file unreadable\n"
    )
    assert result.exit_code == ExitStatus.INPUT_ERROR


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_file_whose_server_goes_away_part_way_is_not_counted(
    faulty: type[FaultyFileSystem], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, jobs: str
) -> None:
    """big.txt, 630,000 bytes, is read whole by -j 1, in 2 ranges by -j 2; either way the
    reads before GONE_AT_BYTE went well, and were counted, and must be taken back."""
    monkeypatch.setattr(faulty, "fails", "midway")
    (tmp_path / "local.txt").write_bytes(b"local")
    url = "faulty:///texts/big.txt"
    result = invoke([url, str(tmp_path / "local.txt"), "-j", jobs])
    assert result.stdout_bytes == b"local\t1\n"
    assert result.stderr == (
        f"wordcount: error: '{url}': {HICCUP}; not counted\nwordcount: 1 file unreadable\n"
    )
    assert result.exit_code == ExitStatus.INPUT_ERROR


@pytest.mark.parametrize("url", ["faulty:///texts/a.txt", "faulty:///texts"])
def test_a_file_of_unknown_size_is_counted(
    faulty: type[FaultyFileSystem], monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    """An http:// server need not say how big a file is; fsspec's size is then None."""
    monkeypatch.setattr(faulty, "fails", "unsized")
    result = invoke([url])
    expected = b"some\t2\nmore\t1\nwords\t1\n"
    if url.endswith("texts"):
        expected = b"big\t70000\nline\t70000\nsome\t2\nmore\t1\nwords\t1\n"
    assert (result.stdout_bytes, result.stderr, result.exit_code) == (expected, "", 0)


@pytest.mark.parametrize("step", ["read", "seek"])
def test_a_filesystem_failing_as_a_big_file_is_planned_is_one_error_line(
    faulty: type[FaultyFileSystem], monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    """-j 2 reads the head of a big file, and seeks to find where to cut it."""
    monkeypatch.setattr(faulty, "fails", step)
    url = "faulty:///texts/big.txt"
    result = invoke([url, "-j", "2"])
    assert result.stdout_bytes == b""
    assert result.stderr == f"wordcount: error: '{url}': {HICCUP}\nwordcount: 1 file unreadable\n"
    assert result.exit_code == ExitStatus.INPUT_ERROR


@pytest.mark.parametrize("step", ["seek", "read", "tell", "close", "all but seek"])
def test_a_worker_reports_a_failing_range_and_goes_on(
    faulty: type[FaultyFileSystem], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, step: str
) -> None:
    """The second range of a file: the worker seeks to its start before reading it. A
    file that fails at each step after the read that failed has one error line still."""
    monkeypatch.setattr(faulty, "fails", step)
    (tmp_path / "local.txt").write_bytes(b"local")
    url = "faulty:///texts/a.txt"
    unit = WorkUnit(
        (
            FileRange(url, 0, len(b"some words, "), None),
            FileRange(str(tmp_path / "local.txt"), 1, 0, None),
        ),
        size=15,
    )
    result = count_unit(unit)
    # Not the file's first range: what its others counted is taken back too.
    assert result.problems == [InputProblem(0, url, f"{HICCUP}; not counted")]
    assert dict(result.counts) == {b"local": 1}


# A file:// URL is walked as its path is: symlinks followed, dangling ones and loops
# reported, hidden names and --include / --exclude alike. Any other URL is listed, and
# the listing judged by the same rules.


def _linked_tree(root: Path) -> Path:
    tree = root / "tree"
    tree.mkdir()
    (tree / "words.txt").write_bytes(b"alpha beta")
    (tree / ".hidden.txt").write_bytes(b"secret")
    (tree / "chain").symlink_to("hop")  # chain -> hop -> words.txt
    (tree / "hop").symlink_to("words.txt")
    (tree / "dangling").symlink_to("absent.txt")
    (tree / "loop").symlink_to("loop")
    (tree / "up").symlink_to(".")
    return tree


@pytest.mark.parametrize("given", ["{}", "file://{}", "file://{}/"])
def test_symlinks_are_followed_and_their_failures_reported(tmp_path: Path, given: str) -> None:
    tree = _linked_tree(tmp_path)
    shown = given.format(tree).rstrip("/")  # how what the walk finds is named
    stdout, stderr, status = _both_ways([given.format(tree)])
    # words.txt three times: as itself, through hop, and through chain and hop.
    assert stdout == b"alpha\t3\nbeta\t3\n"
    assert stderr == (
        f"wordcount: error: '{shown}/dangling': No such file or directory\n"
        f"wordcount: error: '{shown}/loop': Too many levels of symbolic links\n"
        f"wordcount: warning: '{shown}/up': {LOOP}\n"
        "wordcount: 2 files unreadable, 1 skipped (hidden), 1 skipped (symlink loop)\n"
    )
    assert status == ExitStatus.INPUT_ERROR


TREE = {
    "a.txt": b"one",
    "g.md": b"six",
    "sub/b.txt": b"two",
    "sub/.c.txt": b"three",
    ".d/e.txt": b"four",
    ".d/h.txt": b"seven",
    "drafts/f.txt": b"five",
}
# What each set of options counts of TREE, and the summary line: a hidden directory is
# one name skipped however many files it holds, and an excluded one is never entered.
WALKS = [
    ([], b"five\t1\none\t1\nsix\t1\ntwo\t1\n", "wordcount: 2 files skipped (hidden)\n"),
    (
        ["--include", "*.txt", "--exclude", "*/drafts"],
        b"one\t1\ntwo\t1\n",
        "wordcount: 2 files skipped (hidden)\n",
    ),
    (
        ["--hidden", "--exclude", "drafts", "--exclude", "*/sub/*"],
        b"four\t1\none\t1\nseven\t1\nsix\t1\n",
        "",
    ),
]


def _write_tree(root: Path) -> Path:
    for name, content in TREE.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)
    return root


@pytest.mark.parametrize(("options", "stdout", "stderr"), WALKS)
@pytest.mark.parametrize("as_url", [False, True], ids=["path", "file URL"])
def test_a_file_url_walk_picks_what_the_path_walk_picks(
    tmp_path: Path, as_url: bool, options: list[str], stdout: bytes, stderr: str
) -> None:
    tree = _write_tree(tmp_path / "tree")
    assert _both_ways([f"file://{tree}" if as_url else str(tree), *options]) == (
        stdout,
        stderr,
        ExitStatus.SUCCESS,
    )


@pytest.fixture
def memory_tree(tmp_path: Path) -> Iterator[str]:
    """TREE in fsspec's memory filesystem (in this process only), as a URL."""
    filesystem = fsspec.filesystem("memory")
    root = f"/wordcount-tests/{tmp_path.name}"
    for name, content in TREE.items():
        filesystem.pipe(f"{root}/{name}", content)
    yield f"memory://{root}"
    filesystem.rm(root, recursive=True)


@pytest.mark.parametrize(("options", "stdout", "stderr"), WALKS)
def test_a_listing_picks_what_a_walk_of_the_same_tree_picks(
    memory_tree: str, options: list[str], stdout: bytes, stderr: str
) -> None:
    result = invoke([memory_tree, *options])
    assert (result.stdout_bytes, result.stderr, result.exit_code) == (
        stdout,
        stderr,
        ExitStatus.SUCCESS,
    )


def test_a_file_url_of_standard_input_is_read_by_the_main_process(
    tmp_path: Path, process_log: ProcessLog
) -> None:
    """A worker has a standard input of its own, as it has /dev/fd of its own."""
    big = tmp_path / "big.txt"
    big.write_bytes(b"filler\n" * 300_000)  # over the 2 MiB for which a pool starts
    result = run_wordcount(["file:///dev/stdin", str(big), "-j", "2"], stdin=b"piped in\n")
    process_log.assert_parallel()
    assert result.stdout == b"filler\t300000\nin\t1\npiped\t1\n"
    assert result.stderr == b""
    assert result.returncode == ExitStatus.SUCCESS
