"""The table a terminal shows: it fits every width, words and counts never cut; the
per-file view of --by-file; the --stats panel; singular captions (issue 16)."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pytest
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult

from tests.conftest import WriteFile, invoke, run_wordcount
from wordcount.analysis.keywords import Keyword
from wordcount.analysis.statistics import Statistics, Totals
from wordcount.cli.keyword_table import render_keywords
from wordcount.cli.terminal import (
    Column,
    FittedTable,
    render_by_file,
    render_statistics,
    render_table,
)

LONG = "pneumonoultramicroscopicsilicovolcanoconiosis"  # 45 letters: wider than a word gets
ROWS = [("the", 1_234_567), ("whale", 98_765), ("sea", 4_321), (LONG, 1_000)]
TOTALS = Totals(total_words=1_338_653, unique_words=4, files=1)
# As the table writes them, worked out by hand.
COUNTS = ["1,234,567", "98,765", "4,321", "1,000"]


def draw(renderable: RenderableType, width: int) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None, legacy_windows=False)
    console.print(renderable)
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(output, str)
    return output


def appears_whole(text: str, piece: str) -> bool:
    """Whether piece is in text uncut: on one line between spaces, or folded into
    consecutive lines at one column (left-aligned) or ending at one column (right-aligned)."""
    lines = text.splitlines()
    for first, line in enumerate(lines):
        for start in range(len(line)):
            if line[start] != piece[0] or (start and line[start - 1] != " "):
                continue
            for fold in range(len(piece), 0, -1):
                chunks = [piece[at : at + fold] for at in range(0, len(piece), fold)]
                if first + len(chunks) > len(lines):
                    continue
                below = lines[first : first + len(chunks)]
                end = start + fold
                pairs = list(zip(below, chunks, strict=True))
                # Left-aligned: each chunk starts at `start`; right-aligned: each ends at `end`.
                if all(row[start : start + len(c)] == c for row, c in pairs):
                    after = below[-1][start + len(chunks[-1]) :]
                elif all(row[:end].endswith(c) for row, c in pairs):
                    after = below[-1][end:]
                else:
                    continue
                if after[:1] in ("", " "):
                    return True
    return False


def check_whole(text: str, width: int, pieces: list[str]) -> None:
    assert "\u2026" not in text, f"width {width}: something was cut"
    assert all(len(line) <= width for line in text.splitlines()), f"width {width}: too wide"
    for piece in pieces:
        assert appears_whole(text, piece), f"width {width}: {piece!r} is not whole in\n{text}"


def test_every_width_shows_every_word_and_count_whole() -> None:
    table = render_table(ROWS, TOTALS, elapsed_seconds=0.5)
    for width in range(1, 121):
        check_whole(draw(table, width), width, ["the", "whale", "sea", LONG, *COUNTS])


def test_every_width_shows_the_per_file_view_whole() -> None:
    one = [("ship", 12_345), ("sea", 2)]
    two = [("whale", 3_000)]
    view = render_by_file(
        [("a.txt", one, Totals(12_347, 2, 1)), ("b.txt", two, Totals(3_000, 1, 1))],
        [("ship", 12_345), ("whale", 3_000), ("sea", 2)],
        Totals(15_347, 3, 2),
        elapsed_seconds=0.5,
        ranges=Counter({"ship": 1, "whale": 1, "sea": 1}),
    )
    for width in range(1, 121):
        text = draw(view, width)
        check_whole(text, width, ["ship", "sea", "whale", "12,345", "3,000"])
        # Each section's heading comes before its rows, in input order.
        flat = "".join(text.split())
        assert flat.index("'a.txt'") < flat.index("'b.txt'") < flat.index("all2files")


def test_the_stats_panel_fits_every_width_with_thousands_separators() -> None:
    panel = render_statistics(Statistics(Totals(1_234_567, 23_456, 3), hapax_legomena=12_345))
    # 23,456 / 1,234,567 = 0.0189994 (6 significant digits); 1,234,567 / 3 = 411,522.33
    figures = ["1,234,567", "23,456", "0.0189994", "12,345", "411,522.3"]
    for width in range(1, 121):
        check_whole(draw(panel, width), width, figures)
    lines = [line.split() for line in draw(panel, 80).splitlines()]
    assert ["tokens", "1,234,567"] in lines
    assert ["tokens", "per", "file", "411,522.3"] in lines


def _widest_bar(text: str) -> int:
    return max(
        (len(run) for line in text.splitlines() for run in line.split() if "█" in run), default=0
    )


@pytest.mark.parametrize(
    ("width", "bar", "share", "rank"),
    [
        # Worked out by hand: columns #, word, count, share and bar are 1, 5, 9, 6 and 20
        # wide (the long word, which would wrap at 40, is left out); each column takes 3
        # more (padding, divider) and the edges 1: 57 in all. Without the edges' padding,
        # n columns take 3n - 3 more.
        (57, 20, True, True),
        (56, 19, True, True),
        (41, 4, True, True),
        (40, 0, True, True),  # no bar: 13 + 16 + 5 = 34
        (30, 0, True, True),  # no edge padding: 9 + 16 + 5 = 30
        (29, 0, False, True),  # no share: 6 + 10 + 5 = 21
        (21, 0, False, True),
        (20, 0, False, False),  # no rank: 3 + 9 + 5 = 17
        (17, 0, False, False),
    ],
)
def test_the_bar_shrinks_then_goes_then_the_share_then_the_rank(
    width: int, bar: int, share: bool, rank: bool
) -> None:
    text = draw(render_table(ROWS[:3], TOTALS, elapsed_seconds=0.5), width)
    lines = [line.split() for line in text.splitlines()]
    assert _widest_bar(text) == bar
    assert any("92.22%" in line for line in lines) == share
    first_row = next(line for line in lines if "the" in line)
    assert (first_row[:3] == ["1", "the", "1,234,567"]) == rank


def test_below_the_narrowest_table_each_row_is_its_word_then_its_count() -> None:
    text = draw(render_table(ROWS[:3], TOTALS, elapsed_seconds=0.5), 16)
    assert text.splitlines()[:6] == [
        "the",
        "       1,234,567",
        "whale",
        "          98,765",
        "sea",
        "           4,321",
    ]


def test_captions_say_1_word_and_1_file() -> None:
    text = draw(render_table([("whale", 1)], Totals(1, 1, 1), elapsed_seconds=0.25), 80)
    assert "1 word · 1 unique · 1 file · 0.25 s" in text
    text = draw(render_table([("whale", 1_000)], Totals(1_000, 1, 2), elapsed_seconds=1), 80)
    assert "1,000 words · 1 unique · 2 files · 1.00 s" in text


# -- the command, in-process and installed ----------------------------------------------


@pytest.fixture
def two_files(write_file: WriteFile) -> tuple[Path, Path]:
    return write_file("one.txt", "sea sea whale"), write_file("two.txt", "ship ship ship sea")


def test_by_file_table_shows_each_file_s_own_top_n_then_all_files(
    two_files: tuple[Path, Path],
) -> None:
    one, two = two_files
    result = invoke(["--by-file", "-f", "table", "-n", "1", str(one), str(two)])
    lines = [line.split() for line in result.stdout.splitlines() if line.strip()]
    # Headings, each file's top row, its caption; then the merged table with its files column.
    wanted = [
        [f"'{one}'"],
        ["1", "sea", "2", "66.67%", "█" * 20],
        ["3", "words", "·", "2", "unique"],
        [f"'{two}'"],
        ["1", "ship", "3", "75.00%", "█" * 20],
        ["4", "words", "·", "2", "unique"],
        ["all", "2", "files"],
        ["1", "sea", "3", "42.86%", "2", "█" * 20],
    ]
    shown = [line for line in lines if line in wanted]
    assert shown == wanted
    assert "7 words · 3 unique · 2 files" in result.stdout


def test_a_control_character_in_a_file_name_is_escaped_in_its_heading(
    write_file: WriteFile,
) -> None:
    path = write_file("a\x1b[31mb.txt", "x")
    result = invoke(["--by-file", "-f", "table", str(path)])
    assert f"'{path.parent}/a\\x1b[31mb.txt'" in result.stdout
    assert "\x1b" not in result.stdout


@pytest.mark.parametrize("columns", ["5", "40"])
def test_the_installed_command_fits_any_terminal(
    two_files: tuple[Path, Path], columns: str
) -> None:
    one, two = two_files
    args = ["--by-file", "--stats", "-f", "table", str(one), str(two)]
    result = run_wordcount(args, env={"COLUMNS": columns})
    assert result.returncode == 0, result.stderr.decode()
    text = result.stdout.decode()
    check_whole(text, int(columns), ["sea", "whale", "ship", "2", "3"])


def test_columns_0_is_taken_as_an_unknown_width(write_file: WriteFile) -> None:
    """rich took COLUMNS=0 for a width of 0 and drew nothing at all."""
    path = write_file("t.txt", "alpha beta beta")
    result = run_wordcount(["-f", "table", str(path)], env={"COLUMNS": "0"})
    assert result.returncode == 0
    assert b"alpha" in result.stdout
    assert b"beta" in result.stdout


# Widths across every layout of the tables below, from lines to the widest (each width
# is two draws of 0.01 s: every width from 1 to 120 cost `make test` 3 s).
LAYOUT_WIDTHS = [*range(1, 121, 7), 40, 49, 54, 80]


class RichRows(FittedTable):
    """A FittedTable whose rows rich lays out itself, cell by cell, as before issue 22:
    what FittedTable's own row lines must equal."""

    def _drawn(
        self,
        console: Console,
        options: ConsoleOptions,
        layout: tuple[list[Column], int, bool],
        wrapping_width: int,
        width: int,
    ) -> RenderResult:
        columns, bar_width, compact = layout
        yield self._table(columns, bar_width, compact, wrapping_width, width)


def _as_rich_draws_it(table: FittedTable) -> RichRows:
    return RichRows(
        table.columns,
        table.bars,
        caption=table.caption,
        ascii_bars=table.ascii_bars,
        legend=table.legend,
        labelled_lines=table.labelled_lines,
    )


@pytest.mark.parametrize("ranges", [None, Counter({"the": 2, "whale": 1, "sea": 12_345, LONG: 1})])
def test_rows_drawn_as_lines_are_what_rich_draws(ranges: Counter[str] | None) -> None:
    """The rows are drawn as lines (issue 22: rich took 20 s over a table of every word):
    at every width, in every layout, with words folded, the same text as rich's own."""
    rows = [*ROWS, ("新しい", 7), ("new york", 3)]  # wide characters; a space to wrap at
    table = render_table(rows, TOTALS, elapsed_seconds=0.5, ranges=ranges)
    for width in LAYOUT_WIDTHS:
        assert draw(table, width) == draw(_as_rich_draws_it(table), width), f"width {width}"


def test_keyword_rows_drawn_as_lines_are_what_rich_draws() -> None:
    table = render_keywords(KEYWORDS, TOTALS, TOTALS, elapsed=0.5)
    for width in LAYOUT_WIDTHS:
        assert draw(table, width) == draw(_as_rich_draws_it(table), width), f"width {width}"


def test_an_ascii_table_is_what_rich_draws() -> None:
    table = render_table(ROWS, TOTALS, elapsed_seconds=0.5)
    for width in (40, 80):
        drawn = [_draw_ascii(renderable, width) for renderable in (table, _as_rich_draws_it(table))]
        assert drawn[0] == drawn[1]
    assert "| 1 | the " in drawn[0]  # at 80 columns, in the box rich draws in ASCII


def _draw_ascii(renderable: RenderableType, width: int) -> str:
    output = io.TextIOWrapper(io.BytesIO(), encoding="ascii", errors="backslashreplace")
    console = Console(file=output, width=width, color_system=None, legacy_windows=False)
    console.print(renderable)
    output.seek(0)
    return output.read()


# Of a target against a reference, worked out by hand: whale 3 against 0, the 2 against 3.
KEYWORDS = [Keyword("whale", 3, 0, 4.159, 2.585), Keyword("the", 2, 3, -0.201, -0.585)]
KEYWORD_FIGURES = ["3", "0", "4.159", "2.585", "2", "-0.201", "-0.585"]


@pytest.mark.parametrize("width", [30, 39, 45, 49, 80])
def test_a_narrow_keyword_table_keeps_and_labels_every_figure(width: int) -> None:
    """Below 50 columns the log ratio was dropped, unsaid; below 40 the rows were lines
    of numbers with no label."""
    text = draw(render_keywords(KEYWORDS, TOTALS, TOTALS, elapsed=0.5), width)
    assert all(len(line) <= width for line in text.splitlines())
    for figure in KEYWORD_FIGURES:
        assert appears_whole(text, figure), f"{figure} is not whole in\n{text}"
    if "log ratio" in text and "log-likelihood" in text and "reference" in text:
        # The full headers, as columns or, narrower, before each figure of the lines.
        if text.splitlines()[0].strip() == "whale":
            assert "  log ratio 2.585" in text.splitlines()
            assert "  log-likelihood -0.201" in text.splitlines()
    else:  # the short headers, spelled out under the table
        assert text.split()[:6] == ["word", "count", "ref", "LL", "LR", "whale"] or (
            text.split()[:7] == ["#", "word", "count", "ref", "LL", "LR", "1"]
        )
        assert "LL: log-likelihood" in " ".join(text.split())
        assert "LR: log ratio" in " ".join(text.split())


@pytest.mark.slow
def test_a_table_of_every_word_has_a_row_for_each() -> None:
    """-n 0 -f table over the five shared books: 44,000 rows, drawn as lines (its speed
    is measured by benchmarks/test_bench.py's table cases, against TSV)."""
    rows = [(f"word{number}", 50_000 - number) for number in range(44_000)]
    table = render_table(rows, Totals(10**9, len(rows), 5), elapsed_seconds=0.5)
    text = draw(table, 80)
    # The top edge, the headers, their rule, the rows, the bottom edge, the caption.
    assert text.count("\n") == 3 + 44_000 + 2
