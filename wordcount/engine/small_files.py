"""Whole small local files, each read in one call and counted as a text of its own.

    the unit's whole local files ─▶ the shared counter's count_files, a batch at a time
        (the kernel reads and counts them in C: see words.native), where it has one
    each file left ─▶ read whole (sources.opening) ─▶ plain text? (sources.content)
        ─▶ unit_texts.py; not plain text, or not small: file_ranges.py reads it

Whether a file read is still the one planned, and which first bytes make a file one for
sources.content to judge, are sources' rules, for the kernel's files too.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from wordcount.engine.unit_texts import UnitTexts
from wordcount.sources import content
from wordcount.sources.identity import CHANGED_MESSAGE, changed_since_planned
from wordcount.sources.opening import is_url, read_small_file
from wordcount.sources.problems import ProblemKind, describe_os_error
from wordcount.sources.ranges import FileRange
from wordcount.words.conversion import FileCounted

# A whole file smaller than this is read in one call and counted straight from memory
# (see sources.opening.read_small_file). Above 128 KiB glibc's malloc maps fresh pages
# for each buffer read into, which made a 2 KB file cost 16 us instead of 4.5 us;
# 64 KiB is also where content.classify_head looks for a NUL.
SMALL_FILE_BYTES = 64 << 10

# The kernel counts small files this many at a time: each batch holds its paths encoded
# while it runs without the GIL, and progress moves once a batch.
SMALL_FILES_PER_CALL = 1024

OnBytes = Callable[[int], None] | None


def count_small_files_in_batches(
    texts: UnitTexts, ranges: tuple[FileRange, ...], on_bytes: OnBytes
) -> Sequence[FileRange]:
    """Count the whole local files among ranges with the shared counter's count_files, a
    batch at a time, and return the ranges left for the Python path: all of them where
    the counter has no such path (count_files returns None), or it cannot be used (under
    --by-file each file needs a counter of its own; --encoding is Python's to apply)."""
    options = texts.options
    if options.by_file or options.encoding is not None:
        return ranges
    left: list[FileRange] = []
    whole = [r for r in ranges if r.is_whole_file and not is_url(r.path)]
    for start in range(0, len(whole), SMALL_FILES_PER_CALL):
        batch = whole[start : start + SMALL_FILES_PER_CALL]
        outcomes = texts.shared.count_files(
            [file_range.path for file_range in batch],
            SMALL_FILE_BYTES,
            binary_as_text=options.binary_as_text,
            special_first_bytes=bytes(sorted(content.SPECIAL_FIRST_BYTES)),
        )
        if outcomes is None:  # no fast path for these options, or on this platform
            return ranges
        _account_for(texts, batch, outcomes, left, on_bytes)
    return [*left, *(r for r in ranges if not r.is_whole_file or is_url(r.path))]


def _account_for(
    texts: UnitTexts,
    batch: list[FileRange],
    outcomes: list[FileCounted | int | None],
    left: list[FileRange],
    on_bytes: OnBytes,
) -> None:
    account = texts.account
    counted = 0
    for file_range, outcome in zip(batch, outcomes, strict=True):
        if outcome is None:
            left.append(file_range)
        elif isinstance(outcome, int):
            account.report(file_range, os.strerror(-outcome))
        else:
            counted += outcome.size
            account.add_file(file_range)
            account.add_bytes_read(file_range, outcome.size)
            account.add_text_end(file_range, 0, outcome.met)  # small: no run is too long
            if changed_since_planned(file_range.identity, outcome.identity):
                account.report(file_range, CHANGED_MESSAGE, ProblemKind.CHANGED)
    if on_bytes is not None and counted:
        on_bytes(counted)


def count_small_file(texts: UnitTexts, file_range: FileRange, on_bytes: OnBytes) -> bool:
    """Count a whole local file under SMALL_FILE_BYTES of plain text, read in one call.
    False if it is not one, and then nothing was counted; True also if it failed."""
    if not file_range.is_whole_file or is_url(file_range.path):
        return False
    account = texts.account
    try:
        small_file = read_small_file(file_range.path, SMALL_FILE_BYTES)
    except OSError as error:
        account.report(file_range, describe_os_error(error))
        return True
    if small_file is None:
        return False
    whole, identity = small_file
    options = texts.options
    text = content.plain_text(
        whole, encoding=options.encoding, binary_as_text=options.binary_as_text
    )
    if text is None:  # compressed, encoded or binary: opened again by file_ranges.py
        return False
    texts.count_text(iter((text,)), file_range, apart=options.by_file)
    account.add_file(file_range)
    account.add_bytes_read(file_range, len(whole))
    if on_bytes is not None:
        on_bytes(len(whole))
    if changed_since_planned(file_range.identity, identity):
        account.report(file_range, CHANGED_MESSAGE, ProblemKind.CHANGED)
    return True
