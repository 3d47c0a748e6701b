"""The keywords as a terminal shows them (--against with -f table): a FittedTable of rank,
word, the two counts and the two scores; imported only when a table is shown. However
narrow the terminal, every figure is shown and labelled: the rank goes, then the headers
shorten (ref, LL, LR, spelled out under the table), then each row becomes lines:

    whale
      count 3
      reference 0
      log-likelihood 4.159
      log ratio 2.585
"""

from __future__ import annotations

from wordcount.analysis.keywords import Keyword
from wordcount.analysis.statistics import Totals
from wordcount.cli.terminal import Column, FittedTable, ascii_only, plural, separator, shown
from wordcount.formats.keywords import figure

# Under a table narrow enough for the short headers.
KEYWORD_LEGEND = "ref: reference count, LL: log-likelihood, LR: log ratio"


def render_keywords(
    rows: list[Keyword], target: Totals, reference: Totals, *, elapsed: float
) -> FittedTable:
    """Overused words in green, underused in red; the caption gives both corpora's sizes."""
    ascii_text = ascii_only()
    between = separator(ascii_text=ascii_text)
    caption = (
        f"target {plural(target.total_words, 'word')} in {plural(target.files, 'file')}"
        f"{between}reference {plural(reference.total_words, 'word')} in "
        f"{plural(reference.files, 'file')}{between}{elapsed:.2f} s"
    )
    columns = [
        Column("#", [str(rank) for rank in range(1, len(rows) + 1)], "right", "dim", drop_order=1),
        Column(
            "word",
            [shown(row.word, ascii_text=ascii_text) for row in rows],
            style="bold",
            wraps=True,
        ),
        Column("count", [f"{row.count:,}" for row in rows], "right"),
        Column(
            "reference",
            [f"{row.reference_count:,}" for row in rows],
            "right",
            short_header="ref",
        ),
        Column(
            "log-likelihood",
            [figure(row.log_likelihood) for row in rows],
            "right",
            cell_styles=["red" if row.log_likelihood < 0 else "green" for row in rows],
            short_header="LL",
        ),
        Column("log ratio", [figure(row.log_ratio) for row in rows], "right", short_header="LR"),
    ]
    # Every figure stays whatever the width (only the rank goes): the headers shorten,
    # spelled out in the legend, and at last each row is lines of labelled figures.
    return FittedTable(columns, caption=caption, legend=KEYWORD_LEGEND, labelled_lines=True)
