"""A file range, a whole file or a stream, read in chunks and counted as one text.

range ─▶ opened (sources.opening), read in chunks (sources.ranges)
      ─▶ at the start of a file: its content judged (sources.content): plain,
         decoded or decompressed text, or a problem
      ─▶ unit_texts.py ─▶ the file read still the one planned? (sources.identity)
         if not, its counts stay, with a problem that says it changed as it was read
      ─▶ a read that fails: an error, and nothing of the file in the unit's result
         (unit_account.py)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO

from wordcount.engine.unit_texts import UnitTexts
from wordcount.sources.content import (
    BINARY_MESSAGE,
    READ_CHUNK_BYTES,
    BinaryContent,
    UndecodableContent,
    detected_message,
    open_content,
    planned_plain,
)
from wordcount.sources.identity import CHANGED_MESSAGE, changed_since_planned, descriptor_identity
from wordcount.sources.opening import open_input
from wordcount.sources.problems import ProblemKind
from wordcount.sources.ranges import FileRange, range_chunks, reported


def count_file_range(
    texts: UnitTexts, file_range: FileRange, on_bytes: Callable[[int], None] | None
) -> None:
    """Open the range's file, count the range, and close it; any failure is a problem."""
    # Opening, seeking and closing fail too (a URL's file may fail at any step).
    problems_before = len(texts.account.result.problems)
    try:
        with open_input(file_range.path, texts.options.storage_options) as file:
            _count_open_file(texts, file, file_range, on_bytes)
    except OSError as error:
        since = texts.account.problems_since(problems_before)
        if not any(problem.is_error for problem in since):  # one error line a file
            texts.account.report_failure(file_range, error)


def _count_open_file(
    texts: UnitTexts,
    file: BinaryIO,
    file_range: FileRange,
    on_bytes: Callable[[int], None] | None,
) -> None:
    chunks = range_chunks(file, file_range)
    if on_bytes is not None:
        chunks = reported(chunks, on_bytes)
    # Read on past the range only if asked: n-grams that start inside it end there.
    following = None
    if file_range.end is not None:
        following = iter(lambda: file.read(READ_CHUNK_BYTES), b"")
    read_through = count_range(texts, chunks, file_range, following)
    position = file.tell()
    end = position if file_range.end is None else min(position, file_range.end)
    if file_range.input_index not in texts.account.failed:  # a failed file adds nothing
        texts.account.add_bytes_read(file_range, end - file_range.start)
    # The planned end not reached: the file ended sooner than when it was planned. This
    # is all a URL's file can show; a local one shows any change by its identity.
    ended_early = read_through and file_range.end is not None and position < file_range.end
    planned = file_range.identity
    if ended_early or (
        planned is not None  # a URL's file has no identity, and may have no descriptor
        and changed_since_planned(planned, descriptor_identity(file.fileno()))
    ):
        texts.account.report(file_range, CHANGED_MESSAGE, ProblemKind.CHANGED)


def count_range(
    texts: UnitTexts,
    chunks: Iterator[bytes],
    file_range: FileRange,
    following: Iterable[bytes] | None = None,
) -> bool:
    """Count one range, or a whole file or stream; problems go to the account. True if
    it was read to its end, False if a problem stopped it."""
    options = texts.options
    account = texts.account
    try:
        if file_range.starts_file and file_range.end is not None:
            # The first of several: the planner judged the file plain text.
            texts.count_text(
                planned_plain(chunks), file_range, apart=options.by_file, following=following
            )
            account.add_file(file_range)
        elif file_range.starts_file:
            content = open_content(
                chunks, encoding=options.encoding, binary_as_text=options.binary_as_text
            )
            apart = content.transformed or options.by_file
            problems_before = len(account.result.problems)
            texts.count_text(content.chunks, file_range, apart=apart, following=following)
            account.add_file(file_range)
            if content.detected is not None:
                message = detected_message(content.detected)
                account.report(file_range, message, ProblemKind.DETECTED)
            if content.undecided is not None:
                # Its one line says what the per-token reading's would, and more.
                account.replace_warning(problems_before, ProblemKind.CP1252, content.undecided)
        else:  # the planner judged the file plain text
            texts.count_text(chunks, file_range, apart=options.by_file, following=following)
    except OSError as error:
        account.report_failure(file_range, error)
    except UndecodableContent as error:
        account.report(file_range, str(error))
    except BinaryContent:
        account.report(file_range, BINARY_MESSAGE, ProblemKind.BINARY)
    else:
        return True
    return False
