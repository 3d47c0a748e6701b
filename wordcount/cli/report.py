"""The report step: the merged counts, selected and ranked, written to stdout in the
chosen format (formats.py for the data formats, terminal.py for the table).

With --stats, the statistics go under the table, into the JSON document, onto the last
JSON Lines line, or to stderr for tsv and csv, so that the data stream stays clean. With
--by-file, each file's own top N: tsv, csv and jsonl in long format, the table a section
per file, json a by_file list; and the merged view, in how many files each word occurs
(the files column), in the table's last section and json's top list.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from wordcount.cli.exit_status import Finished
from wordcount.cli.formats import (
    csv_by_file_lines,
    csv_lines,
    json_lines,
    jsonl_lines,
    tsv_by_file_lines,
    tsv_lines,
)
from wordcount.cli.messages import note
from wordcount.cli.options import OutputChoices
from wordcount.cli.output import stdout_holds_any_text, write_data
from wordcount.cli.ranking import Row, ranked, ranked_with_ties
from wordcount.cli.selection import Selection, Statistics, Totals, file_ranges, kept_in_file
from wordcount.engine.merge import CountResult

if TYPE_CHECKING:
    from rich.console import RenderableType


def write_report(
    result: CountResult,
    selection: Selection,
    output: OutputChoices,
    *,
    output_format: str,
    by_file: bool,
    elapsed: float,
    json_header: Mapping[str, object] | None = None,
) -> Finished:
    rank = ranked_with_ties if output.ties else ranked
    counts = selection.apply(result.counts)
    rows = rank(counts, top=output.top)
    totals = Totals.of(counts, files=result.files)
    statistics = Statistics.of(counts, totals) if output.stats else None
    selected_by_file = result.by_file
    if not selection.keeps_everything:
        selected_by_file = [(path, kept_in_file(file, counts)) for path, file in selected_by_file]
    per_file = [(path, rank(counts, top=output.top)) for path, counts in selected_by_file]
    ranges = file_ranges(counts for _, counts in selected_by_file) if by_file else None
    if output_format == "table":
        sections = None
        if by_file:
            sections = [
                (path, file_rows, Totals.of(counts, files=1))
                for (path, counts), (_, file_rows) in zip(selected_by_file, per_file, strict=True)
            ]
        lines: Iterable[str] = [_table(rows, totals, statistics, ranges, sections, elapsed)]
    else:
        lines = {
            "tsv": lambda: tsv_by_file_lines(per_file) if by_file else tsv_lines(rows),
            "csv": lambda: csv_by_file_lines(per_file) if by_file else csv_lines(rows),
            "json": lambda: json_lines(
                rows,
                totals,
                stats=statistics,
                ranges=ranges,
                by_file=per_file if by_file else None,
                ascii_only=not stdout_holds_any_text(),
                header=json_header,
            ),
            "jsonl": lambda: jsonl_lines(
                rows,
                stats=statistics,
                by_file=per_file if by_file else None,
                ascii_only=not stdout_holds_any_text(),
            ),
        }[output_format]()
    if not write_data(lines):
        return Finished(broken_pipe=True)
    if statistics is not None and output_format in ("tsv", "csv"):
        for name, value in statistics.rows():
            note(f"{name}\t{value}")
    return Finished(input_errors=result.has_errors, inputs_changed=result.has_changed_inputs)


def _table(
    rows: list[Row],
    totals: Totals,
    statistics: Statistics | None,
    ranges: Counter[str] | None,
    sections: list[tuple[str, list[Row], Totals]] | None,
    elapsed: float,
) -> str:
    from wordcount.cli.terminal import render_by_file, render_statistics, render_table, rendered

    table: RenderableType
    if sections is not None and ranges is not None:
        table = render_by_file(sections, rows, totals, elapsed_seconds=elapsed, ranges=ranges)
    else:
        table = render_table(rows, totals, elapsed_seconds=elapsed, ranges=ranges)
    if statistics is None:
        return rendered(table)
    return rendered(table, render_statistics(statistics))
