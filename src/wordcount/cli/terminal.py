"""What a terminal shows, drawn with rich: the word table, the --stats panel and the
--benchmark table. Imported only when a table is shown, so that runs in a pipe never pay
for importing rich.

Words are data: each is a Text, never markup, so `[bold]` prints as itself, and its
control characters are shown as \\xNN, so that none can act on the terminal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from rich import box
from rich.bar import Bar
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from wordcount.cli.messages import escape_controls
from wordcount.cli.ranking import Row
from wordcount.cli.selection import Statistics, Totals

# Wide enough to tell counts apart by eye, narrow enough to leave the words room on an
# 80-column terminal.
BAR_WIDTH = 20

console = Console()
error_console = Console(stderr=True)


def rendered(*renderables: RenderableType) -> str:
    """What the console would print, as text (with its colours, at its width), for
    output.write_data to write: rich's own writing would turn a closed pipe into status 1."""
    with console.capture() as capture:
        for renderable in renderables:
            console.print(renderable)
    return capture.get()


def render_table(
    rows: list[Row],
    totals: Totals,
    *,
    elapsed_seconds: float,
    ranges: Counter[str] | None = None,
) -> Table:
    """Rank, word, count, share and a bar; with ranges (--by-file), a files column."""
    caption = (
        f"{totals.total_words:,} words · {totals.unique_words:,} unique · "
        f"{totals.files:,} {'file' if totals.files == 1 else 'files'} · "
        f"{elapsed_seconds:.2f} s"
    )
    # Wide enough that the caption stays on one line under a table of short words.
    table = Table(
        box=box.SIMPLE_HEAD, caption=caption, caption_justify="right", min_width=len(caption) + 2
    )
    table.add_column("#", justify="right", style="dim")
    table.add_column("word", overflow="fold", style="bold")
    table.add_column("count", justify="right")
    table.add_column("share", justify="right", style="cyan")
    if ranges is not None:
        table.add_column("files", justify="right")
    # Each row's bar is proportional to its count against the first row's, so that the
    # shape of the distribution (Zipf's, in real text) shows at a glance.
    table.add_column("", width=BAR_WIDTH, no_wrap=True)
    largest = rows[0][1] if rows else 0
    for rank, (word, count) in enumerate(rows, start=1):
        share = count / totals.total_words if totals.total_words else 0.0
        bar = Bar(size=largest, begin=0, end=count, width=BAR_WIDTH, color="cyan")
        cells: list[RenderableType] = [
            str(rank),
            Text(escape_controls(word)),
            f"{count:,}",
            f"{share:.2%}",
        ]
        if ranges is not None:
            cells.append(f"{ranges[word]:,}")
        table.add_row(*cells, bar)
    return table


def render_statistics(statistics: Statistics) -> Table:
    """The --stats panel under the word table."""
    table = Table(box=box.SIMPLE_HEAD, title="statistics", title_justify="left")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for name, value in statistics.rows():
        table.add_row(name.replace("_", " "), value)
    return table


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
