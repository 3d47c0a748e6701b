"""Keywords: the words of the target (the PATHs and --counts) compared with a reference
corpus (--against, --against-counts), by log-likelihood and log ratio.

For each word in either corpus, with a its count in the target, b in the reference, and c
and d the two corpora's total words:

    log-likelihood (Rayson & Garside 2000)
        E1 = c(a+b)/(c+d), E2 = d(a+b)/(c+d), G2 = 2(a ln(a/E1) + b ln(b/E2)),
        a term whose count is 0 being 0; negative when a/c < b/d (underused)
    log ratio (Hardie 2014)
        log2((a/c) / (b/d)), a zero count taken as 0.5

Ordered by signed G2, highest first, then word: the most overused words first, the most
underused last. Both corpora are counted with the same options, and stop words and
--min-length apply to both (so c and d are the words kept); --min-count to the target's
counts.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import click

from wordcount.cli.exit_status import ExitStatus, Finished
from wordcount.cli.formats import csv_field, jsonl_safe, tsv_field
from wordcount.cli.options import OutputChoices
from wordcount.cli.output import stdout_holds_any_text, write_data
from wordcount.cli.selection import Selection, Totals
from wordcount.engine.merge import CountResult

# A zero count in the log ratio (Hardie 2014): "a very small number, e.g. 0.5".
ZERO_FREQUENCY = 0.5
_DEL_AND_C1 = re.compile("[\x7f-\x9f]")


class NothingToCompare(click.ClickException):
    """A corpus that holds no words (after the stop words and --min-length): no ratio of
    frequencies can be taken. One line, status 2, as --benchmark with nothing counted."""

    exit_code = ExitStatus.USAGE_ERROR


@dataclass(frozen=True)
class Keyword:
    word: str
    count: int
    reference_count: int
    log_likelihood: float
    log_ratio: float


def log_likelihood(a: int, b: int, c: int, d: int) -> float:
    """Signed G2 for a word seen a times in c words of the target and b in d of the
    reference: negative when it is relatively rarer in the target."""
    expected_target = c * (a + b) / (c + d)
    expected_reference = d * (a + b) / (c + d)
    g2 = 0.0
    if a:
        g2 += a * math.log(a / expected_target)
    if b:
        g2 += b * math.log(b / expected_reference)
    # Never below 0 but for rounding; the sign, from integers, is exact.
    g2 = max(2.0 * g2, 0.0)
    return -g2 if a * d < b * c else g2


def log_ratio(a: int, b: int, c: int, d: int) -> float:
    """log2 of the ratio of the relative frequencies, a zero count taken as 0.5."""
    return math.log2(((a or ZERO_FREQUENCY) / c) / ((b or ZERO_FREQUENCY) / d))


def keywords(target: Counter[str], reference: Counter[str]) -> list[Keyword]:
    """Every word of either corpus, scored and ordered (signed G2 descending, then word);
    both corpora must hold words."""
    c = sum(target.values())
    d = sum(reference.values())
    rows = []
    for word in target.keys() | reference.keys():
        a = target.get(word, 0)
        b = reference.get(word, 0)
        rows.append(Keyword(word, a, b, log_likelihood(a, b, c, d), log_ratio(a, b, c, d)))
    rows.sort(key=lambda row: (-row.log_likelihood, row.word))
    return rows


def top_keywords(rows: list[Keyword], *, top: int, ties: bool) -> list[Keyword]:
    """The first top rows (0: all); with ties, also every further row whose G2 is the
    last one's."""
    if top == 0 or top >= len(rows):
        return rows
    shown = top
    if ties:
        last = rows[top - 1].log_likelihood
        while shown < len(rows) and rows[shown].log_likelihood == last:
            shown += 1
    return rows[:shown]


def write_keywords(
    target: CountResult,
    reference: CountResult,
    selection: Selection,
    output: OutputChoices,
    *,
    output_format: str,
    elapsed: float,
) -> Finished:
    """Select the words of both corpora alike, score them and write the keywords."""
    words = Selection(selection.stopwords, selection.min_length)
    target_counts = words.apply(target.counts)
    reference_counts = words.apply(reference.counts)
    target_totals = Totals.of(target_counts, files=target.files)
    reference_totals = Totals.of(reference_counts, files=reference.files)
    for name, totals in (("target", target_totals), ("reference", reference_totals)):
        if not totals.total_words:
            raise NothingToCompare(f"the {name} corpus holds no words to compare")
    rows = keywords(target_counts, reference_counts)
    if selection.min_count > 1:
        rows = [row for row in rows if row.count >= selection.min_count]
    rows = top_keywords(rows, top=output.top, ties=output.ties)
    lines: Iterable[str]
    if output_format == "table":
        from wordcount.cli.keyword_table import render_keywords
        from wordcount.cli.terminal import rendered

        lines = [rendered(render_keywords(rows, target_totals, reference_totals, elapsed=elapsed))]
    elif output_format == "json":
        lines = json_lines(
            rows, target_totals, reference_totals, ascii_only=not stdout_holds_any_text()
        )
    elif output_format == "jsonl":
        lines = jsonl_lines(rows, ascii_only=not stdout_holds_any_text())
    else:
        lines = csv_lines(rows) if output_format == "csv" else tsv_lines(rows)
    if not write_data(lines):
        return Finished(broken_pipe=True)
    return Finished(
        input_errors=target.has_errors or reference.has_errors,
        inputs_changed=target.has_changed_inputs or reference.has_changed_inputs,
    )


def figure(value: float) -> str:
    """A score to 3 decimals; one that rounds to zero is 0.000 whatever its sign."""
    text = f"{value:.3f}"
    return "0.000" if text == "-0.000" else text


def tsv_lines(rows: Iterable[Keyword]) -> Iterator[str]:
    """word<TAB>count<TAB>reference_count<TAB>log_likelihood<TAB>log_ratio, no header."""
    for row in rows:
        yield (
            f"{tsv_field(row.word)}\t{row.count}\t{row.reference_count}\t"
            f"{figure(row.log_likelihood)}\t{figure(row.log_ratio)}\n"
        )


def csv_lines(rows: Iterable[Keyword]) -> Iterator[str]:
    """The same columns as tsv's, under a header, as RFC 4180 (CRLF line ends)."""
    yield "word,count,reference_count,log_likelihood,log_ratio\r\n"
    for row in rows:
        yield (
            f"{csv_field(row.word)},{row.count},{row.reference_count},"
            f"{figure(row.log_likelihood)},{figure(row.log_ratio)}\r\n"
        )


def json_lines(
    rows: Iterable[Keyword], target: Totals, reference: Totals, *, ascii_only: bool
) -> Iterator[str]:
    """{"target": totals, "reference": totals, "keywords": [...]}, the scores unrounded."""
    import json

    document = {
        "target": target._asdict(),
        "reference": reference._asdict(),
        "keywords": [_keyword_object(row) for row in rows],
    }
    text = json.dumps(document, ensure_ascii=ascii_only, indent=2)
    # As formats.json_lines: DEL and C1 are legal raw in JSON, but a terminal acts on them.
    yield _DEL_AND_C1.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
    yield "\n"


def jsonl_lines(rows: Iterable[Keyword], *, ascii_only: bool) -> Iterator[str]:
    """One keyword object a line, as json's "keywords" list holds them, written as they
    come."""
    import json

    for row in rows:
        yield jsonl_safe(json.dumps(_keyword_object(row), ensure_ascii=ascii_only) + "\n")


def _keyword_object(row: Keyword) -> dict[str, object]:
    return {
        "word": row.word,
        "count": row.count,
        "reference_count": row.reference_count,
        "log_likelihood": row.log_likelihood,
        "log_ratio": row.log_ratio,
    }
