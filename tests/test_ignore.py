"""A walk honours .gitignore and .ignore files, as ripgrep does; --no-ignore turns that off.
Each expected count is worked out from the tree the test writes, and each expected list
of files is the one `git ls-files --others --exclude-standard` printed for the same tree
(git 2.39); test_ignore_git.py compares the two over drawn trees."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import invoke, run_wordcount
from wordcount.sources.paths import WalkOptions, expand_inputs


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return _tree(
        tmp_path / "project",
        {
            # git cannot re-include a file below an ignored directory: !build/keep.txt
            # re-includes nothing.
            ".gitignore": "*.log\n!keep.log\n/top.txt\nbuild/\n!build/keep.txt\n",
            "a.txt": "alpha",
            "a.log": "logged",
            "keep.log": "kept",
            "top.txt": "topmost",
            "build/b.txt": "built",
            "build/keep.txt": "rescued",
            "sub/top.txt": "deeper",  # /top.txt is anchored to the project's root
            "sub/build": "file",  # build/ ignores directories only
            "sub/n.log": "negated",  # re-included by sub/.ignore
            "sub/.ignore": "!n.log\ndeep/\n",
            "sub/deep/d.txt": "ignored",
            ".git/config": "repository",
        },
    )


def _found(root: Path, **walk: object) -> list[str]:
    inputs = expand_inputs([str(root)], walk=WalkOptions(**walk))  # type: ignore[arg-type]
    return sorted(Path(file.path).relative_to(root).as_posix() for file in inputs.files)


def test_ignore_files_apply_below_their_directory(project: Path) -> None:
    assert _found(project) == ["a.txt", "keep.log", "sub/build", "sub/n.log", "sub/top.txt"]


def test_no_ignore_counts_everything_but_hidden_names(project: Path) -> None:
    assert _found(project, ignore_files=False) == [
        "a.log",
        "a.txt",
        "build/b.txt",
        "build/keep.txt",
        "keep.log",
        "sub/build",
        "sub/deep/d.txt",
        "sub/n.log",
        "sub/top.txt",
        "top.txt",
    ]


def test_hidden_walks_dot_files_but_never_the_git_directory(project: Path) -> None:
    assert _found(project, hidden=True) == [
        ".gitignore",
        "a.txt",
        "keep.log",
        "sub/.ignore",
        "sub/build",
        "sub/n.log",
        "sub/top.txt",
    ]
    assert ".git/config" not in _found(project, hidden=True, ignore_files=False)


def test_include_and_exclude_still_apply_after_the_ignore_files(project: Path) -> None:
    assert _found(project, include=("*.log",)) == ["keep.log", "sub/n.log"]
    assert _found(project, exclude=("sub",)) == ["a.txt", "keep.log"]


def test_a_symlink_loop_in_an_ignoring_tree_is_still_caught(project: Path) -> None:
    (project / "sub" / "loop").symlink_to(project)
    inputs = expand_inputs([str(project)])
    assert [problem.message.split(":")[0] for problem in inputs.problems] == ["symlink loop"]


def test_the_command_counts_what_is_not_ignored(project: Path) -> None:
    # alpha, kept, file, negated, deeper: once each.
    expected = "alpha\t1\ndeeper\t1\nfile\t1\nkept\t1\nnegated\t1\n"
    result = invoke([str(project), "-n", "0"])
    assert (result.exit_code, result.stdout) == (0, expected)
    subprocess_run = run_wordcount([str(project), "-n", "0"])
    assert subprocess_run.stdout == expected.encode()
    # --no-ignore adds logged, topmost, built, rescued, ignored.
    everything = invoke([str(project), "-n", "0", "--no-ignore"])
    assert everything.stdout == (
        "alpha\t1\nbuilt\t1\ndeeper\t1\nfile\t1\nignored\t1\nkept\t1\nlogged\t1\n"
        "negated\t1\nrescued\t1\ntopmost\t1\n"
    )


def test_files_named_are_counted_even_if_ignored(project: Path) -> None:
    result = invoke([str(project / "a.log"), str(project / "build"), "-n", "0"])
    # A directory named is walked even though build/ ignores it, as ripgrep walks it; the
    # patterns above it still judge what is in it, and none of them matches b.txt.
    assert result.stdout == "built\t1\nlogged\t1\nrescued\t1\n"


def test_a_file_url_walk_honours_the_ignore_files(project: Path) -> None:
    pytest.importorskip("fsspec")
    found = expand_inputs([project.as_uri()]).files
    names = sorted(file.path.removeprefix(project.as_uri() + "/") for file in found)
    assert names == ["a.txt", "keep.log", "sub/build", "sub/n.log", "sub/top.txt"]


def test_a_line_git_cannot_read_is_skipped_as_git_skips_it(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    (tree / "kept.txt").write_text("kept")
    (tree / "gone.txt").write_text("gone")
    (tree / ".gitignore").write_text("!\n\\\n[z-a]\ngone.txt\n")
    (tree / "sub" / "deeper.txt").write_text("deeper")
    (tree / "sub" / ".gitignore").write_text("!\n")
    result = invoke(["-q", str(tree)])
    assert (result.exit_code, result.stdout) == (0, "deeper\t1\nkept\t1\n")


def test_a_whitelist_keeps_what_it_lets_back_in(tmp_path: Path) -> None:
    """`*`, `!*/`, `!*.md`: everything ignored but directories and Markdown, as git has
    it: docs/d.md is counted (a directory ignored by `*` was once not even walked)."""
    tree = tmp_path / "tree"
    (tree / "docs").mkdir(parents=True)
    (tree / "docs" / "d.md").write_text("doc")
    (tree / "docs" / "o.txt").write_text("other")
    (tree / "top.txt").write_text("top")
    (tree / ".gitignore").write_text("*\n!*/\n!*.md\n")
    assert invoke(["-q", str(tree)]).stdout == "doc\t1\n"


@pytest.mark.parametrize(
    ("patterns", "files", "kept"),
    [
        # foo/** ignores what is in foo, not foo itself: a negation can let a file back.
        (
            "foo/**\n!foo/keep.txt\n",
            ["foo/keep.txt", "foo/other.txt", "foo/deep/keep.txt", "top.txt"],
            ["foo/keep.txt", "top.txt"],
        ),
        # foo/**/ ignores the directories below foo, not the files directly in it.
        (
            "foo/**/\n",
            ["foo/a.txt", "foo/sub/b.txt", "foo/sub/deeper/c.txt", "other.txt"],
            ["foo/a.txt", "other.txt"],
        ),
        (
            "**/foo/**\n!**/foo/keep.txt\n",
            ["foo/keep.txt", "foo/x.txt", "a/foo/keep.txt", "a/foo/x.txt"],
            ["a/foo/keep.txt", "foo/keep.txt"],
        ),
        # foo/sub is let back in, and then everything below it.
        (
            "/foo/**\n!/foo/sub/\n!/foo/sub/**\n",
            ["foo/a.txt", "foo/sub/b.txt", "foo/sub/deep/c.txt", "bar/foo/d.txt"],
            ["bar/foo/d.txt", "foo/sub/b.txt", "foo/sub/deep/c.txt"],
        ),
        # A byte-order mark is not part of the first pattern.
        ("\ufeffsecret.txt\n", ["secret.txt", "public.txt"], ["public.txt"]),
        # A class matches one byte: "[é]" never matches the two bytes of "é"; "[é]?" does.
        ("[é].txt\n", ["é.txt", "e.txt"], ["e.txt", "é.txt"]),
        ("[é]?.txt\n", ["é.txt", "e.txt"], ["e.txt"]),
    ],
)
def test_what_git_keeps_is_counted(
    tmp_path: Path, patterns: str, files: list[str], kept: list[str]
) -> None:
    tree = _tree(tmp_path / "tree", {".gitignore": patterns, **dict.fromkeys(files, "x")})
    assert _found(tree) == kept


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A git work tree (a .git directory is all it takes) walked from a directory below."""
    return _tree(
        tmp_path / "repository",
        {
            ".git/info/exclude": "*.tmp\n",
            ".gitignore": "*.log\n/sub/anchored.txt\n",
            "sub/a.txt": "alpha",
            "sub/b.log": "logged",
            "sub/c.tmp": "temporary",
            "sub/anchored.txt": "anchored",
            "sub/deeper/anchored.txt": "deeper",
        },
    )


def test_in_a_work_tree_the_ignore_files_above_the_walk_apply(repository: Path) -> None:
    assert _found(repository / "sub") == ["a.txt", "deeper/anchored.txt"]
    result = invoke([str(repository / "sub"), "-n", "0"])
    assert (result.exit_code, result.stdout) == (0, "alpha\t1\ndeeper\t1\n")
    # Outside a work tree, only the walk's own ignore files (sub has none) apply.
    shutil.rmtree(repository / ".git")
    assert _found(repository / "sub") == [
        "a.txt",
        "anchored.txt",
        "b.log",
        "c.tmp",
        "deeper/anchored.txt",
    ]


def test_a_git_file_leads_to_the_exclude_file_of_its_repository(tmp_path: Path) -> None:
    """A linked worktree's or a submodule's .git is a file naming its git directory."""
    tree = _tree(
        tmp_path,
        {
            "checkout/.git": "gitdir: ../gitdir\n",
            "checkout/a.txt": "alpha",
            "checkout/b.tmp": "temporary",
            "gitdir/info/exclude": "*.tmp\n",
        },
    )
    assert _found(tree / "checkout") == ["a.txt"]


def test_a_nested_repository_does_not_inherit_the_outer_gitignore(tmp_path: Path) -> None:
    """As git run inside it sees it: the outer *.txt does not reach inner/x.txt."""
    tree = _tree(
        tmp_path / "outer",
        {
            ".gitignore": "*.txt\n",
            ".ignore": "*.tmp\n",
            "a.txt": "alpha",
            "inner/.git/HEAD": "ref: refs/heads/main\n",
            "inner/.gitignore": "*.log\n",
            "inner/x.txt": "kept",
            "inner/y.log": "logged",
            "inner/z.tmp": "temporary",  # .ignore is not git's: it still applies, as in rg
        },
    )
    assert _found(tree) == ["inner/x.txt"]


def test_a_git_file_is_never_counted_even_with_hidden(tmp_path: Path) -> None:
    """With --hidden a linked worktree's .git file ("gitdir: ...") was counted as text;
    git lists no .git, file or directory."""
    tree = _tree(tmp_path, {"checkout/.git": "gitdir: ../gitdir\n", "checkout/a.txt": "alpha"})
    assert _found(tree / "checkout", hidden=True) == ["a.txt"]


def test_a_symlinked_gitignore_is_not_read(tmp_path: Path) -> None:
    """git (since 2.32) refuses a .gitignore that is a symlink, and so ignores nothing by
    it: `git ls-files --others --exclude-standard` lists x as well as y."""
    tree = _tree(tmp_path, {"patterns": "x\n", "repo/x": "ex", "repo/y": "why"})
    (tree / "repo" / ".gitignore").symlink_to(tree / "patterns")
    assert _found(tree / "repo") == ["x", "y"]


def test_a_walk_through_a_symlink_keeps_its_work_tree(repository: Path, tmp_path: Path) -> None:
    """A PATH that is a symlink into a work tree: the ignore files above where it leads
    apply, as git run there applies them (they were lost)."""
    link = tmp_path / "link"
    link.symlink_to(repository / "sub")
    assert _found(link) == ["a.txt", "deeper/anchored.txt"]
