"""What a terminal shows, drawn with rich: the word table, the per-file view, the --stats
panel and the --benchmark table. Imported only when a table is shown, so that runs in a
pipe never pay for importing rich.

Words are data: each is a Text, never markup, so `[bold]` prints as itself, and its
control characters are shown as \\xNN, so that none can act on the terminal.

The word table and the --stats panel fit any width (FittedTable): words and counts are
never cut. As the width narrows, the bar shrinks, then goes, then the edges' padding,
the share, the rank and the files columns; then long words wrap; and below that each
row is shown as lines, the word and then its count.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from rich import box
from rich.bar import Bar
from rich.console import (
    Console,
    ConsoleOptions,
    Group,
    JustifyMethod,
    RenderableType,
    RenderResult,
)
from rich.table import Table
from rich.text import Text

from wordcount.analysis.ranking import Row
from wordcount.analysis.statistics import Statistics, Totals, ratio_text
from wordcount.cli.messages import escape_controls, quote_path
from wordcount.cli.output import writes_to_a_file

# Wide enough to tell counts apart by eye, narrow enough to leave the words room on an
# 80-column terminal. The bar shrinks to MIN_BAR_WIDTH before it goes.
BAR_WIDTH = 20
MIN_BAR_WIDTH = 4
# Decoration gives way until the words column is this wide (or as wide as its longest
# word); a longer word wraps instead.
WORD_ROOM = 40
# Below this, a words column would chop words into slivers: rows become lines instead.
NARROWEST_WORDS = 8

console = Console()
error_console = Console(stderr=True)
# The width of a table drawn where no width is known (rich's own default).
UNKNOWN_WIDTH = 80


def rendered(*renderables: RenderableType) -> str:
    """What the console would print, as text (with its colours, at its width), for
    output.write_data to write: rich's own writing would turn a closed pipe into status 1."""
    drawing = console
    if writes_to_a_file() or console.width < 1:
        # -o FILE is no terminal, whatever stdout is: no colours, no bold. COLUMNS=0 gave
        # a width of 0, at which nothing at all was drawn: such a width counts as unknown.
        width = console.width if console.width >= 1 else UNKNOWN_WIDTH
        plain = writes_to_a_file() or not console.is_terminal
        drawing = Console(width=width, color_system=None if plain else "auto")
    with drawing.capture() as capture:
        for renderable in renderables:
            drawing.print(renderable)
    return capture.get()


def plural(number: int, noun: str) -> str:
    """`1 word`, `2 words`, with thousands separators."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


@dataclass
class Column:
    """A column of a FittedTable. The wrapping column (the words) folds and is never cut;
    a column with a drop order goes when the width is short, lowest order first; a
    column without one stays whole on one line."""

    header: str
    cells: list[Text]
    justify: JustifyMethod = "left"
    style: str = ""
    wraps: bool = False
    drop_order: int | None = None

    @property
    def width(self) -> int:
        return max([len(self.header), *(cell.cell_len for cell in self.cells)])


@dataclass
class FittedTable:
    """A table that chooses its layout for the width it is drawn at (see the module's
    docstring), so that it fits any terminal and rich never has to cut a cell."""

    columns: list[Column]
    bars: list[Bar] | None = None
    caption: str | None = None
    title: str | None = None
    _wrapping: Column = field(init=False)

    def __post_init__(self) -> None:
        self._wrapping = next(column for column in self.columns if column.wraps)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        wanted = min(self._wrapping.width, WORD_ROOM)
        last: tuple[list[Column], int, bool] = (self.columns, 0, True)
        for columns, bar_width, compact in self._layouts():
            last = columns, bar_width, compact
            if self._room(columns, bar_width, compact, width) >= wanted:
                yield self._table(columns, bar_width, compact, wanted, width)
                return
        columns, bar_width, compact = last
        room = self._room(columns, bar_width, compact, width)
        if room >= min(wanted, NARROWEST_WORDS):
            yield self._table(columns, bar_width, compact, room, width)
        else:
            yield self._lines(columns)

    def _layouts(self) -> list[tuple[list[Column], int, bool]]:
        """Every layout, the richest first."""
        columns = list(self.columns)
        layouts = []
        if self.bars is not None:
            for bar_width in range(BAR_WIDTH, MIN_BAR_WIDTH - 1, -1):
                layouts.append((columns, bar_width, False))
        layouts += [(columns, 0, False), (columns, 0, True)]
        droppable = [column for column in columns if column.drop_order is not None]
        for dropped in sorted(droppable, key=lambda column: column.drop_order or 0):
            columns = [column for column in columns if column is not dropped]
            layouts.append((columns, 0, True))
        return layouts

    def _room(self, columns: list[Column], bar_width: int, compact: bool, width: int) -> int:
        """The width left for the wrapping column."""
        count = len(columns) + (1 if bar_width else 0)
        overhead = 3 * count - 3 if compact else 3 * count + 1
        fixed = sum(column.width for column in columns if not column.wraps)
        return width - overhead - fixed - bar_width

    def _table(
        self,
        columns: list[Column],
        bar_width: int,
        compact: bool,
        wrapping_width: int,
        width: int,
    ) -> Table:
        caption_width = len(self.caption) + 2 if self.caption else 0
        table = Table(
            box=box.SIMPLE_HEAD,
            show_edge=not compact,
            pad_edge=not compact,
            caption=self.caption,
            caption_justify="right",
            title=self.title,
            title_justify="left",
            # Wide enough that the caption stays on one line, where the width allows.
            min_width=caption_width if caption_width <= width else None,
        )
        for column in columns:
            table.add_column(
                column.header,
                justify=column.justify,
                style=column.style,
                width=wrapping_width if column.wraps else column.width,
                no_wrap=not column.wraps,
                overflow="fold",
            )
        if bar_width:
            table.add_column("", width=bar_width, no_wrap=True)
        for index in range(len(self._wrapping.cells)):
            cells: list[RenderableType] = [column.cells[index] for column in columns]
            if self.bars is not None and bar_width:
                bar = self.bars[index]
                cells.append(Bar(bar.size, bar.begin, bar.end, width=bar_width, color="cyan"))
            table.add_row(*cells)
        return table

    def _lines(self, columns: list[Column]) -> Group:
        """Each row as lines: its wrapping cell, then its other cells, right-aligned."""
        lines: list[RenderableType] = []
        if self.title:
            lines.append(Text(self.title))
        for index, cell in enumerate(self._wrapping.cells):
            lines.append(Text(cell.plain, style=self._wrapping.style, overflow="fold"))
            for column in columns:
                if not column.wraps:
                    lines.append(Text(column.cells[index].plain, justify="right", overflow="fold"))
        if self.caption:
            lines.append(Text(self.caption, justify="right", style="table.caption"))
        return Group(*lines)


def render_table(
    rows: list[Row],
    totals: Totals,
    *,
    elapsed_seconds: float | None = None,
    ranges: Counter[str] | None = None,
) -> FittedTable:
    """Rank, word, count, share and a bar; with ranges (--by-file), a files column. Without
    elapsed_seconds (a file's own table), the caption gives only its words."""
    caption = f"{plural(totals.total_words, 'word')} · {totals.unique_words:,} unique"
    if elapsed_seconds is not None:
        caption += f" · {plural(totals.files, 'file')} · {elapsed_seconds:.2f} s"
    total = totals.total_words
    columns = [
        Column(
            "#", [Text(str(rank)) for rank in range(1, len(rows) + 1)], "right", "dim", drop_order=2
        ),
        Column("word", [Text(escape_controls(word)) for word, _ in rows], style="bold", wraps=True),
        Column("count", [Text(f"{count:,}") for _, count in rows], "right"),
        Column(
            "share",
            [Text(f"{count / total if total else 0.0:.2%}") for _, count in rows],
            "right",
            "cyan",
            drop_order=1,
        ),
    ]
    if ranges is not None:
        columns.append(
            Column("files", [Text(f"{ranges[word]:,}") for word, _ in rows], "right", drop_order=3)
        )
    # Each row's bar is proportional to its count against the first row's, so that the
    # shape of the distribution (Zipf's, in real text) shows at a glance.
    largest = rows[0][1] if rows else 0
    bars = [Bar(size=largest, begin=0, end=count) for _, count in rows]
    return FittedTable(columns, bars, caption=caption)


def render_by_file(
    per_file: Sequence[tuple[str, list[Row], Totals]],
    rows: list[Row],
    totals: Totals,
    *,
    elapsed_seconds: float,
    ranges: Counter[str],
) -> Group:
    """--by-file: a section per file in input order (its name, escaped and quoted as in
    messages, then its own top N), and last every file together, with the files column."""
    sections: list[RenderableType] = []
    for path, file_rows, file_totals in per_file:
        sections.append(Text(quote_path(path), style="bold", overflow="fold"))
        sections.append(render_table(file_rows, file_totals))
    sections.append(Text(f"all {plural(totals.files, 'file')}", style="bold"))
    sections.append(render_table(rows, totals, elapsed_seconds=elapsed_seconds, ranges=ranges))
    return Group(*sections)


def render_statistics(statistics: Statistics) -> FittedTable:
    """The --stats panel under the word table, with thousands separators as the table has."""
    totals = statistics.totals
    figures = [
        ("tokens", f"{totals.total_words:,}"),
        ("types", f"{totals.unique_words:,}"),
        ("type token ratio", ratio_text(statistics.type_token_ratio)),
        ("hapax legomena", f"{statistics.hapax_legomena:,}"),
        ("tokens per file", f"{statistics.tokens_per_file:,.1f}"),
    ]
    columns = [
        Column("measure", [Text(name) for name, _ in figures], wraps=True),
        Column("value", [Text(value) for _, value in figures], "right"),
    ]
    return FittedTable(columns, title="statistics")


def render_timings(columns: Sequence[str], rows: Sequence[Sequence[str]], *, caption: str) -> Table:
    """The --benchmark table: the first column names the run, the others are figures."""
    table = Table(
        box=box.SIMPLE_HEAD, caption=caption, caption_justify="right", collapse_padding=True
    )
    for index, column in enumerate(columns):
        table.add_column(column, justify="left" if index == 0 else "right")
    for row in rows:
        table.add_row(*row)
    return table
