"""Counted words in the data formats, TSV, CSV, JSON and JSON Lines: the stable output
contract for scripts.

Each writer yields the text to write, for rows already selected and ranked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from operator import itemgetter

from wordcount.analysis.ranking import Row
from wordcount.analysis.statistics import Statistics, Totals
from wordcount.formats.escaping import csv_field, escape_del_and_c1, jsonl_safe, tsv_field


def tsv_lines(rows: Iterable[Row]) -> Iterator[str]:
    """word<TAB>count; a backslash or control character in a word is escaped (\\\\, \\t,
    \\n, \\r, \\xNN), so that every row is one line of two fields."""
    for word, count in rows:
        yield f"{tsv_field(word)}\t{count}\n"


def tsv_by_file_lines(by_file: Iterable[tuple[str, list[Row]]]) -> Iterator[str]:
    """--by-file in long format: file<TAB>word<TAB>count, files in input order."""
    for path, rows in by_file:
        for word, count in rows:
            yield f"{tsv_field(path)}\t{tsv_field(word)}\t{count}\n"


def csv_lines(rows: Iterable[Row]) -> Iterator[str]:
    """RFC 4180: a header, CRLF line ends; a word is quoted if it holds a quote, a comma
    or any control character."""
    yield "word,count\r\n"
    for word, count in rows:
        yield f"{csv_field(word)},{count}\r\n"


def csv_by_file_lines(by_file: Iterable[tuple[str, list[Row]]]) -> Iterator[str]:
    """--by-file in long format, as tsv's: file,word,count, files in input order."""
    yield "file,word,count\r\n"
    for path, rows in by_file:
        for word, count in rows:
            yield f"{csv_field(path)},{csv_field(word)},{count}\r\n"


def json_lines(
    rows: Iterable[Row],
    totals: Totals,
    *,
    stats: Statistics | None = None,
    ranges: Counter[str] | None = None,
    by_file: Iterable[tuple[str, list[Row]]] | None = None,
    ascii_only: bool = False,
    header: Mapping[str, object] | None = None,
) -> Iterator[str]:
    """The JSON document, as json.dumps(indent=2) writes it; ascii_only writes every
    character beyond ASCII as a \\uXXXX escape, for a stream that cannot hold it
    (PYTHONIOENCODING=ascii), so that the document stays valid JSON. header (a saved
    count's, saved_counts.header): its every_word is written false where the lists do not
    hold every word of the totals (-n cut them), since such a document is no saved count.

    The word lists, which may hold millions of rows (a saved count), are written row by
    row with json's C string encoder: json.dumps with indent runs its pure-Python encoder,
    which took minutes for five million words.
    """
    import json  # here: 2 ms that runs in other formats never need
    from json.encoder import encode_basestring, encode_basestring_ascii

    encode = encode_basestring_ascii if ascii_only else encode_basestring
    rows = list(rows)
    by_file = None if by_file is None else list(by_file)
    if header is not None and header.get("every_word") and not _every_word(rows, totals, by_file):
        header = {**header, "every_word": False}  # -n left words out: a report, no saved count
    lists: list[tuple[Iterable[Row], Counter[str] | None, str]] = [(rows, ranges, "  ")]
    # header: what makes the document a saved count (saved_counts.header), first.
    document: dict[str, object] = {
        **(header or {}),
        "total_words": totals.total_words,
        "unique_words": totals.unique_words,
        "files": totals.files,
        "top": _LIST_PLACE,
    }
    if stats is not None:
        document["stats"] = stats.as_json()
    if by_file is not None:
        # A list, not an object keyed by path: a file reached twice is two entries.
        entries = []
        for path, file_rows in by_file:
            entries.append({"file": path, "top": _LIST_PLACE})
            lists.append((file_rows, None, "      "))
        document["by_file"] = entries
    skeleton = json.dumps(document, ensure_ascii=ascii_only, indent=2).split(
        json.dumps(_LIST_PLACE)
    )
    for piece, (list_rows, list_ranges, indent) in zip(skeleton, lists, strict=False):
        yield escape_del_and_c1(piece)
        yield from _json_rows(list_rows, list_ranges, indent, encode)
    yield escape_del_and_c1(skeleton[-1])
    yield "\n"


def _every_word(
    rows: list[Row], totals: Totals, by_file: list[tuple[str, list[Row]]] | None
) -> bool:
    """Whether the word lists hold every word of the totals: the top list each distinct
    word, and each file's list all of that file's (so together the total of words)."""
    if len(rows) != totals.unique_words:
        return False
    if by_file is None:
        return True
    listed = sum(sum(map(itemgetter(1), file_rows)) for _, file_rows in by_file)
    return listed == totals.total_words


# Stands for a word list in the document until the list is written in its place.
_LIST_PLACE = "\x00a word list\x00"


def _json_rows(
    rows: Iterable[Row], ranges: Counter[str] | None, indent: str, encode: Callable[[str], str]
) -> Iterator[str]:
    """A list of {"word", "count"[, "files"]} objects, at this indent, as json.dumps(indent=2)
    writes it."""
    inner = indent + "    "
    opening = f"[\n{indent}  {{\n"
    between = f"\n{indent}  }},\n{indent}  {{\n"
    written = False
    for word, count in rows:
        files = "" if ranges is None else f',\n{inner}"files": {ranges[word]}'
        row = f'{inner}"word": {encode(word)},\n{inner}"count": {count}{files}'
        yield escape_del_and_c1((between if written else opening) + row)
        written = True
    yield f"\n{indent}  }}\n{indent}]" if written else "[]"


def jsonl_lines(
    rows: Iterable[Row],
    *,
    stats: Statistics | None = None,
    by_file: Iterable[tuple[str, list[Row]]] | None = None,
    ascii_only: bool = False,
) -> Iterator[str]:
    """JSON Lines, one object per line, yielded as each row is formatted: {"word", "count"};
    with by_file (--by-file) {"file", "word", "count"} for each file's rows instead, as
    tsv's long format; with stats a last line {"stats": {...}}, the json format's object."""
    import json  # here: 2 ms that runs in other formats never need

    # JSONEncoder.encode of a str is json's C string encoder alone: no per-row overhead.
    string = json.JSONEncoder(ensure_ascii=ascii_only).encode
    if by_file is None:
        for word, count in rows:
            yield jsonl_safe(f'{{"word": {string(word)}, "count": {count}}}\n')
    else:
        for path, file_rows in by_file:
            file = string(path)
            for word, count in file_rows:
                yield jsonl_safe(f'{{"file": {file}, "word": {string(word)}, "count": {count}}}\n')
    if stats is not None:
        yield json.dumps({"stats": stats.as_json()}) + "\n"
