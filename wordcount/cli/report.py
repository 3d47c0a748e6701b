"""The report step: a Counts, ranked, written to stdout in the chosen format (the data
formats from wordcount.formats, the table from terminal.py); or, with --against, its
keywords.

A table is drawn only if some input was counted. With --stats, the statistics go under
the table, into the JSON document, onto the last
JSON Lines line, or to stderr for tsv and csv, so that the data stream stays clean. With
--by-file, each file's own top N: tsv, csv and jsonl in long format, the table a section
per file, json a by_file list; and the merged view, in how many files each word occurs
(the files column), in the table's last section and json's top list.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from wordcount.analysis.ranking import Row, ranked, ranked_with_ties
from wordcount.analysis.saved_counts import header
from wordcount.analysis.selection import file_ranges
from wordcount.analysis.statistics import Statistics, Totals
from wordcount.cli.ending import Finished
from wordcount.cli.options import OutputChoices
from wordcount.cli.output import stdout_holds_any_text, write_data, write_side_data
from wordcount.formats.words import (
    csv_by_file_lines,
    csv_lines,
    json_lines,
    jsonl_lines,
    tsv_by_file_lines,
    tsv_lines,
)

if TYPE_CHECKING:
    from rich.console import RenderableType

    from wordcount.api.counts import Counts, Keywords


def write_report(
    counts: Counts, output: OutputChoices, *, output_format: str, elapsed: float
) -> Finished:
    """The words of counts, ranked, in output_format."""
    rank = ranked_with_ties if output.ties else ranked
    # Counts.most_common ranks the counts themselves, not a read-only view of them: so
    # that only the words shown are decoded (TalliedWords).
    rows = counts.most_common(output.top or None, ties=output.ties)
    totals = counts.totals()
    statistics = counts.stats() if output.stats else None
    by_file = counts.file_entries() if counts.kept_by_file else None
    per_file = [(path, rank(file, top=output.top)) for path, file in by_file or []]
    ranges = file_ranges(file for _, file in by_file) if by_file is not None else None
    lines: Iterable[str]
    if output_format == "table" and not totals.files:
        # Nothing was counted (every input missing, unreadable or skipped, as stderr has
        # said): an empty table would look like a count of empty files. The data
        # formats still write their empty document, which a script can read.
        lines = []
    elif output_format == "table":
        sections = None
        if by_file is not None:
            sections = [
                (path, file_rows, Totals.of(file, files=1))
                for (path, file), (_, file_rows) in zip(by_file, per_file, strict=True)
            ]
        lines = [_table(rows, totals, statistics, ranges, sections, elapsed)]
    else:
        lines = _data_lines(
            output_format,
            rows,
            totals,
            statistics,
            ranges,
            per_file if by_file is not None else None,
            header(counts.word_options, every_word=counts.every_word),
        )
    if not write_data(lines):
        return Finished(broken_pipe=True)
    if statistics is not None and output_format in ("tsv", "csv"):
        write_side_data(f"{name}\t{value}\n" for name, value in statistics.rows())
    return Finished(input_errors=counts.has_errors, inputs_changed=counts.has_changed_inputs)


def _data_lines(
    output_format: str,
    rows: list[Row],
    totals: Totals,
    statistics: Statistics | None,
    ranges: Counter[str] | None,
    per_file: list[tuple[str, list[Row]]] | None,
    json_header: Mapping[str, object],
) -> Iterable[str]:
    if output_format == "tsv":
        return tsv_by_file_lines(per_file) if per_file is not None else tsv_lines(rows)
    if output_format == "csv":
        return csv_by_file_lines(per_file) if per_file is not None else csv_lines(rows)
    if output_format == "json":
        return json_lines(
            rows,
            totals,
            stats=statistics,
            ranges=ranges,
            by_file=per_file,
            ascii_only=not stdout_holds_any_text(),
            header=json_header,
        )
    return jsonl_lines(
        rows, stats=statistics, by_file=per_file, ascii_only=not stdout_holds_any_text()
    )


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


def write_keywords(
    target: Counts,
    reference: Counts,
    output: OutputChoices,
    *,
    output_format: str,
    elapsed: float,
) -> Finished:
    """The keywords of target against reference (Counts.keywords), in output_format."""
    # Here: the keyword formats (and the dataclasses of their rows) would cost every other
    # run start-up time.
    from wordcount.formats import keywords as keyword_formats

    keywords = target.keywords(reference, top=output.top, ties=output.ties)
    lines: Iterable[str]
    if output_format == "table":
        lines = [_keyword_table(keywords, elapsed)]
    elif output_format == "json":
        lines = keyword_formats.json_lines(
            keywords, keywords.target, keywords.reference, ascii_only=not stdout_holds_any_text()
        )
    elif output_format == "jsonl":
        lines = keyword_formats.jsonl_lines(keywords, ascii_only=not stdout_holds_any_text())
    elif output_format == "csv":
        lines = keyword_formats.csv_lines(keywords)
    else:
        lines = keyword_formats.tsv_lines(keywords)
    if not write_data(lines):
        return Finished(broken_pipe=True)
    return Finished(
        input_errors=target.has_errors or reference.has_errors,
        inputs_changed=target.has_changed_inputs or reference.has_changed_inputs,
    )


def _keyword_table(keywords: Keywords, elapsed: float) -> str:
    from wordcount.cli.keyword_table import render_keywords
    from wordcount.cli.terminal import rendered

    return rendered(
        render_keywords(list(keywords), keywords.target, keywords.reference, elapsed=elapsed)
    )
