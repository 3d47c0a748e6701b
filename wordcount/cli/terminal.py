"""What a terminal shows, drawn with rich: the word table, the per-file view, the --stats
panel and the --benchmark table. Imported only when a table is shown, so that runs in a
pipe never pay for importing rich.

Words are data: each is a Text, never markup, so `[bold]` prints as itself, and its
control characters are shown as \\xNN, so that none can act on the terminal. Where the
output's encoding cannot hold every character (PYTHONIOENCODING=ascii), rich draws its
boxes in ASCII, and so does this module: the bars as #, the separators as -, and words
and paths with what is not ASCII escaped (\\xe1) before the columns are measured, so
that the rows stay aligned.

The word table and the --stats panel fit any width (FittedTable): words and counts are
never cut. As the width narrows, the bar shrinks, then goes, then the edges' padding,
the share, the rank and the files columns; then long words wrap; and below that each
row is shown as lines, the word and then its count. A table of several figures (the
keywords) drops none of them: it shortens its headers, with a legend under it, and its
lines give each figure after its header.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

from rich import box
from rich.bar import END_BLOCK_ELEMENTS, FULL_BLOCK
from rich.cells import cell_len
from rich.console import (
    Console,
    ConsoleOptions,
    Group,
    JustifyMethod,
    RenderableType,
    RenderResult,
)
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text

from wordcount.analysis.ranking import Row
from wordcount.analysis.statistics import Statistics, Totals, ratio_text
from wordcount.cli.messages import escape_controls, quote_path
from wordcount.cli.output import stdout_holds_any_text, writes_to_a_file

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


def ascii_only() -> bool:
    """Whether the table must be drawn in ASCII (see the module's docstring)."""
    return not stdout_holds_any_text()


def shown(text: str, *, ascii_text: bool) -> str:
    """A word or path as a table shows it: controls escaped, and with ascii_text, every
    character beyond ASCII too, as Python writes it (\\xe1, \\u4e2d)."""
    text = escape_controls(text)
    return text.encode("ascii", "backslashreplace").decode("ascii") if ascii_text else text


def separator(*, ascii_text: bool) -> str:
    """Between the parts of a caption."""
    return " - " if ascii_text else " · "


def plural(number: int, noun: str) -> str:
    """`1 word`, `2 words`, with thousands separators."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


@dataclass
class Column:
    """A column of a FittedTable. The wrapping column (the words) folds and is never cut;
    a column with a drop order goes when the width is short, lowest order first; a
    column without one stays whole on one line."""

    header: str
    # Plain strings, not rich Texts: a table of every word holds 200,000 cells, and
    # making a Text of each took a second.
    cells: list[str]
    justify: JustifyMethod = "left"
    style: str = ""
    wraps: bool = False
    drop_order: int | None = None
    # A shorter header for narrow widths, which the table's legend spells out.
    short_header: str | None = None
    # Each cell's own style, over the column's (a keyword's score: red or green).
    cell_styles: list[str] | None = None

    def text(self, index: int) -> Text:
        """The cell as rich draws it."""
        return Text(self.cells[index], style=self.cell_styles[index] if self.cell_styles else "")

    def shortened(self) -> Column:
        return replace(self, header=self.short_header) if self.short_header else self

    @functools.cached_property
    def width(self) -> int:
        # Cached: each layout tried asks, and measuring means a pass over every word.
        return max([len(self.header), *map(cells_of, self.cells)])


def cells_of(text: str) -> int:
    """The terminal cells text takes: one a character in ASCII (tested in C, and the
    common case), else as rich measures it (a CJK character takes two)."""
    return len(text) if text.isascii() else cell_len(text)


def _justify(text: str, width: int, justify: JustifyMethod) -> str:
    """text padded with spaces to width terminal cells, on the left to justify right."""
    gap = " " * (width - cells_of(text))
    return gap + text if justify == "right" else text + gap


def _coloured(
    console: Console, row: list[str], columns: list[Column], index: int, edges: tuple[str, str, str]
) -> Iterator[Segment]:
    """A line of a row, each cell in its column's style and its own."""
    start, between, end = edges
    yield Segment(start)
    for position, (text, column) in enumerate(zip(row, columns, strict=True)):
        if position:
            yield Segment(between)
        style = console.get_style(column.style) if column.style else Style()
        if column.cell_styles:
            style += console.get_style(column.cell_styles[index])
        yield Segment(text, style)
    yield Segment(end)


@dataclass
class FittedTable:
    """A table that chooses its layout for the width it is drawn at (see the module's
    docstring), so that it fits any terminal and rich never has to cut a cell."""

    columns: list[Column]
    # Each row's bar: (its count, the first row's count).
    bars: list[tuple[int, int]] | None = None
    caption: str | None = None
    title: str | None = None
    # The bars drawn as # (where the output cannot hold rich's block characters).
    ascii_bars: bool = False
    # Under the caption once the short headers are used: what each stands for.
    legend: str | None = None
    # In the lines layout, each figure after its column's header ("count 3"): for a
    # table of several figures, which alone would be numbers no one could tell apart.
    labelled_lines: bool = False
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
                yield from self._drawn(console, options, last, wanted, width)
                return
        columns, bar_width, compact = last
        room = self._room(columns, bar_width, compact, width)
        if room >= min(wanted, NARROWEST_WORDS):
            yield from self._drawn(console, options, last, room, width)
        else:
            yield self._lines(columns)

    def _layouts(self) -> list[tuple[list[Column], int, bool]]:
        """Every layout, the richest first: the bar narrower, then gone, the edges'
        padding gone, the droppable columns gone, and last the short headers."""
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
        if any(column.short_header for column in columns):
            layouts.append(([column.shortened() for column in columns], 0, True))
        return layouts

    def _room(self, columns: list[Column], bar_width: int, compact: bool, width: int) -> int:
        """The width left for the wrapping column."""
        count = len(columns) + (1 if bar_width else 0)
        overhead = 3 * count - 3 if compact else 3 * count + 1
        fixed = sum(column.width for column in columns if not column.wraps)
        return width - overhead - fixed - bar_width

    def _drawn(
        self,
        console: Console,
        options: ConsoleOptions,
        layout: tuple[list[Column], int, bool],
        wrapping_width: int,
        width: int,
    ) -> RenderResult:
        """The table in this layout. Where there is no title, rich draws the header and
        the caption, and _row_lines the rows, as rich would:
        rich lays out each cell for itself, at a cost per cell that made a table of every
        word (-n 0: 44,000 rows for five novels) sixty times slower than its TSV."""
        columns, bar_width, compact = layout
        if self.title:
            yield self._table(columns, bar_width, compact, wrapping_width, width)
            return
        table = self._table(columns, bar_width, compact, wrapping_width, width, rows_as_lines=True)
        # rich's own widths, as it would lay the rows out: with a caption wider than the
        # columns, it widens them. (Private, but tests/test_terminal.py holds the rows
        # drawn here equal to rich's own.)
        widths = table._calculate_column_widths(
            console, options.update_width(options.max_width - table._extra_width)
        )
        drawn = console.render_lines(table, options, pad=False)
        # The top edge (a blank line), the headers and their rule; the rest is the bottom
        # edge and the caption.
        head = 2 if compact else 3
        for line in drawn[:head]:
            yield from line
            yield Segment.line()
        # The box's characters for a row, as rich would pick them: ASCII for an output
        # that cannot hold its lines (PYTHONIOENCODING=ascii), else spaces.
        assert table.box is not None  # FittedTable's tables always have one
        drawing_box = table.box.substitute(options, safe=console.safe_box)
        edges = (drawing_box.mid_left, drawing_box.mid_vertical, drawing_box.mid_right)
        yield from self._row_lines(console, columns, bar_width, compact, widths, edges)
        for line in drawn[head:]:
            yield from line
            yield Segment.line()

    def _row_lines(
        self,
        console: Console,
        columns: list[Column],
        bar_width: int,
        compact: bool,
        widths: list[int],
        edges: tuple[str, str, str],
    ) -> Iterator[Segment]:
        """Each row as rich draws it: a cell padded by a space each side (not at the
        table's edges when compact), an edge of a space when not compact; a word too
        long for its column folded onto more lines, the row's other cells blank there.
        Each cell is justified once, as a string; without colours a line is one
        segment, since rich's own work is per segment."""
        coloured = console.color_system is not None
        bar_column = None
        if self.bars is not None and bar_width:
            bars = [self._bar_text(bar, bar_width) for bar in self.bars]
            bar_column = Column("", bars, style="cyan")
        every = [*columns, *([bar_column] if bar_column else [])]
        # A cell's room: its width less its padding, one space each side but at the
        # table's edges when compact, where the edge itself is no space either.
        room = list(widths)
        if compact:
            room[0] += 1
            room[-1] += 1
        room = [width - 2 for width in room]
        left, vertical, right = edges
        between = f" {vertical} "
        start, end = ("", "") if compact else (f"{left} ", f" {right}")
        texts = [
            [_justify(cell, width, column.justify) for cell in column.cells]
            for column, width in zip(every, room, strict=True)
        ]
        wrapping = columns.index(self._wrapping) if self._wrapping in columns else -1
        for index in range(len(self._wrapping.cells)):
            if wrapping >= 0 and cells_of(self._wrapping.cells[index]) > room[wrapping]:
                folded = Text(self._wrapping.cells[index]).wrap(
                    console, room[wrapping], overflow="fold"
                )
                rows = [[text[index] for text in texts]]
                rows += [[_justify("", width, "left") for width in room] for _ in folded[1:]]
                for row, line in zip(rows, folded, strict=True):
                    row[wrapping] = _justify(line.plain, room[wrapping], "left")
            else:
                rows = [[text[index] for text in texts]]
            for row in rows:
                if not coloured:
                    yield Segment(start + between.join(row) + end)
                else:
                    yield from _coloured(console, row, every, index, (start, between, end))
                yield Segment.line()

    def _table(
        self,
        columns: list[Column],
        bar_width: int,
        compact: bool,
        wrapping_width: int,
        width: int,
        *,
        rows_as_lines: bool = False,
    ) -> Table:
        caption = self.caption
        if self.legend and any(column.short_header == column.header for column in columns):
            caption = f"{caption}\n{self.legend}" if caption else self.legend
        caption_width = max(map(len, caption.splitlines())) + 2 if caption else 0
        table = Table(
            box=box.SIMPLE_HEAD,
            show_edge=not compact,
            pad_edge=not compact,
            caption=caption,
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
        if rows_as_lines:
            return table
        for index in range(len(self._wrapping.cells)):
            cells: list[RenderableType] = [column.text(index) for column in columns]
            if self.bars is not None and bar_width:
                cells.append(Text(self._bar_text(self.bars[index], bar_width), style="cyan"))
            table.add_row(*cells)
        return table

    def _bar_text(self, bar: tuple[int, int], bar_width: int) -> str:
        """A bar of count against the first row's, as rich's Bar draws one from 0 (in
        eighths of a cell), or in #s."""
        count, largest = bar
        if self.ascii_bars:
            return "#" * (round(bar_width * count / largest) if largest else 0)
        if not largest or count <= 0:
            return " " * bar_width
        eighths = int(bar_width * 8 * count / largest)
        partial = END_BLOCK_ELEMENTS[eighths % 8] if eighths % 8 else ""
        body = FULL_BLOCK * (eighths // 8) + partial
        return body + " " * (bar_width - len(body))

    def _lines(self, columns: list[Column]) -> Group:
        """Each row as lines: its wrapping cell, then its other cells, right-aligned."""
        lines: list[RenderableType] = []
        if self.title:
            lines.append(Text(self.title))
        for index, cell in enumerate(self._wrapping.cells):
            lines.append(Text(cell, style=self._wrapping.style, overflow="fold"))
            for column in self.columns if self.labelled_lines else columns:
                if column.wraps:
                    continue
                if self.labelled_lines:
                    figure = f"  {column.header} {column.cells[index]}"
                    lines.append(Text(figure, overflow="fold"))
                else:
                    lines.append(Text(column.cells[index], justify="right", overflow="fold"))
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
    ascii_text = ascii_only()
    between = separator(ascii_text=ascii_text)
    caption = f"{plural(totals.total_words, 'word')}{between}{totals.unique_words:,} unique"
    if elapsed_seconds is not None:
        caption += f"{between}{plural(totals.files, 'file')}{between}{elapsed_seconds:.2f} s"
    total = totals.total_words
    columns = [
        Column("#", [str(rank) for rank in range(1, len(rows) + 1)], "right", "dim", drop_order=2),
        Column(
            "word",
            [shown(word, ascii_text=ascii_text) for word, _ in rows],
            style="bold",
            wraps=True,
        ),
        Column("count", [f"{count:,}" for _, count in rows], "right"),
        Column(
            "share",
            [f"{count / total if total else 0.0:.2%}" for _, count in rows],
            "right",
            "cyan",
            drop_order=1,
        ),
    ]
    if ranges is not None:
        columns.append(
            Column("files", [f"{ranges[word]:,}" for word, _ in rows], "right", drop_order=3)
        )
    # Each row's bar is proportional to its count against the first row's, so that the
    # shape of the distribution (Zipf's, in real text) shows at a glance.
    largest = rows[0][1] if rows else 0
    bars = [(count, largest) for _, count in rows]
    return FittedTable(columns, bars, caption=caption, ascii_bars=ascii_text)


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
        title = shown(quote_path(path), ascii_text=ascii_only())
        sections.append(Text(title, style="bold", overflow="fold"))
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
        Column("measure", [name for name, _ in figures], wraps=True),
        Column("value", [value for _, value in figures], "right"),
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
