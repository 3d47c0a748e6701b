"""The keywords as a terminal shows them (--against with -f table): a FittedTable of rank,
word, the two counts and the two scores; imported only when a table is shown."""

from __future__ import annotations

from rich.text import Text

from wordcount.analysis.keywords import Keyword
from wordcount.analysis.statistics import Totals
from wordcount.cli.messages import escape_controls
from wordcount.cli.terminal import Column, FittedTable, plural
from wordcount.formats.keywords import figure


def render_keywords(
    rows: list[Keyword], target: Totals, reference: Totals, *, elapsed: float
) -> FittedTable:
    """Overused words in green, underused in red; the caption gives both corpora's sizes."""
    caption = (
        f"target {plural(target.total_words, 'word')} in {plural(target.files, 'file')} · "
        f"reference {plural(reference.total_words, 'word')} in "
        f"{plural(reference.files, 'file')} · {elapsed:.2f} s"
    )
    columns = [
        Column(
            "#", [Text(str(rank)) for rank in range(1, len(rows) + 1)], "right", "dim", drop_order=1
        ),
        Column("word", [Text(escape_controls(row.word)) for row in rows], style="bold", wraps=True),
        Column("count", [Text(f"{row.count:,}") for row in rows], "right"),
        Column("reference", [Text(f"{row.reference_count:,}") for row in rows], "right"),
        Column(
            "log-likelihood",
            [
                Text(figure(row.log_likelihood), style="red" if row.log_likelihood < 0 else "green")
                for row in rows
            ],
            "right",
        ),
        Column("log ratio", [Text(figure(row.log_ratio)) for row in rows], "right", drop_order=2),
    ]
    return FittedTable(columns, caption=caption)
