"""--help in sections, and shell completion through the installed console script."""

from __future__ import annotations

import re

import click
import pytest

from tests.conftest import invoke, run_wordcount
from wordcount.cli.command import main
from wordcount.cli.options import GROUP_OF_OPTION

SECTIONS = [
    "Input",
    "Counting",
    "Output",
    "Saved counts and keywords",
    "Parallelism",
    "Cluster (Dask)",
    "Benchmark",
    "Other options",
]


def _sections(help_text: str) -> dict[str, list[str]]:
    """Each section's heading and the long option names under it, in order."""
    sections: dict[str, list[str]] = {}
    current: list[str] = []
    for line in help_text.splitlines():
        heading = re.fullmatch(r"(\S.*):", line)
        if heading:
            current = sections.setdefault(heading.group(1), [])
        elif line.startswith("  -"):
            current.append(re.findall(r"--[a-z-]+", line)[0])
    return sections


def test_help_is_in_sections_in_order() -> None:
    result = invoke(["--help"])
    assert result.exit_code == 0
    sections = _sections(result.output)
    assert [title for title in sections if title in SECTIONS] == SECTIONS
    assert "Options" not in sections
    assert sections["Input"] == [
        "--files-from",
        "--null",
        "--hidden",
        "--no-ignore",
        "--include",
        "--exclude",
        "--encoding",
        "--text",
        "--storage-option",
    ]
    # The stop words and lengths first: they are used more than the word rules.
    assert sections["Counting"] == [
        "--stopwords",
        "--min-length",
        "--min-count",
        "--case-sensitive",
        "--pattern",
        "--segment",
        "--ngrams",
        "--by-file",
    ]
    assert sections["Output"][:2] == ["--top", "--format"]
    assert sections["Parallelism"] == ["--jobs", "--start-method"]
    assert sections["Cluster (Dask)"] == [
        "--backend",
        "--scheduler",
        "--scheduler-file",
        "--timeout",
        "--verbose",
    ]
    assert sections["Saved counts and keywords"] == ["--counts", "--against", "--against-counts"]
    assert sections["Benchmark"] == ["--benchmark", "--repeat"]
    assert sections["Other options"] == ["--version", "--help"]


def test_every_option_is_in_a_section() -> None:
    """An option added to a group lands in its section; --version and --help alone are in
    none."""
    options = [param.name for param in main.params if isinstance(param, click.Option)]
    assert [name for name in options if name not in GROUP_OF_OPTION] == ["version"]


def test_dask_only_options_say_so() -> None:
    options = {param.name: param for param in main.params if isinstance(param, click.Option)}
    for name in ("scheduler", "scheduler_file", "timeout", "verbose"):
        assert (options[name].help or "").startswith("Dask only: "), name


def test_piped_help_is_plain_text() -> None:
    result = run_wordcount(["--help"], env={"FORCE_COLOR": "1"})
    assert result.returncode == 0
    assert b"\x1b" not in result.stdout
    assert b"\nInput:\n" in result.stdout


def _complete(words: str, *, shell: str = "bash") -> list[str]:
    """What the installed console script answers the shell's completion request with."""
    cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    result = run_wordcount(
        [],
        env={
            "_WORDCOUNT_COMPLETE": f"{shell}_complete",
            "COMP_WORDS": words,
            "COMP_CWORD": str(cword),
        },
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.decode().splitlines()


def test_stopwords_complete_to_the_builtin_lists_and_files() -> None:
    assert _complete("wordcount --stopwords ") == [
        "file,",
        "plain,de",
        "plain,en",
        "plain,es",
        "plain,fr",
    ]
    assert _complete("wordcount -n 3 --stopwords e") == ["file,", "plain,en", "plain,es"]
    assert _complete("wordcount --stopwords ./my") == ["file,"]


def test_paths_complete_to_files_and_directories() -> None:
    assert _complete("wordcount ") == ["file,"]
    assert _complete("wordcount notes.txt book") == ["file,"]
    assert _complete("wordcount --scheduler-file sch") == ["file,"]
    for option in ("--files-from", "-o", "--counts", "--against", "--against-counts"):
        assert _complete(f"wordcount {option} ") == ["file,"], option


def test_options_complete() -> None:
    assert _complete("wordcount --stop") == ["plain,--stopwords"]


def test_completion_scripts_are_sourced_from_the_console_script() -> None:
    for shell, sign in [
        ("bash", "complete -o nosort -F _wordcount_completion wordcount"),
        ("zsh", "#compdef wordcount"),
        ("fish", "complete --no-files --command wordcount"),
    ]:
        result = run_wordcount([], env={"_WORDCOUNT_COMPLETE": f"{shell}_source"})
        assert result.returncode == 0
        assert sign in result.stdout.decode(), shell


def test_help_fits_80_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 22: 7 lines of 83 to 95 characters broke mid-word on an 80-column terminal."""
    monkeypatch.setenv("COLUMNS", "80")
    result = invoke(["--help"])
    assert result.exit_code == 0
    long_lines = [line for line in result.output.splitlines() if len(line) > 80]
    assert long_lines == []
    # Every option's help is in it (none was cut to make room).
    for param in main.params:
        for name in getattr(param, "opts", []):
            if name.startswith("--"):
                assert name in result.output


def test_help_shows_the_analysis_options_in_its_examples() -> None:
    result = invoke(["--help"])
    examples = result.output.split("Examples:")[1].split("Exit status")[0]
    example_lines = [line for line in examples.splitlines() if "wordcount " in line]
    for option in ("--against", "--by-file", "--stats", "--ngrams"):
        assert any(option in line for line in example_lines), option
