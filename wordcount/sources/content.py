"""What a file holds, judged from its first bytes: compression, encoding, binary or text.

    raw chunks ─▶ gzip, bzip2 or xz magic bytes? ─▶ decompressed chunks
               ─▶ UTF-16/32 byte-order mark, or --encoding? ─▶ decoded, as UTF-8 chunks
               ─▶ a NUL in the first 64 KiB? binary: skipped unless --text
               ─▶ not UTF-8 in its first 256 KiB (all of a smaller file)? judged by
                  sources.detection: a legacy encoding ─▶ decoded whole in it, as UTF-8
                  chunks; undecided ─▶ plain, read whole, with a warning that says so
               ─▶ UTF-8 chunks for tokens.TextCounter, a leading UTF-8 BOM removed

Content that was decompressed or decoded here can still fail part-way (a truncated gzip
file, a lone UTF-16 surrogate), so the caller counts it apart and keeps the counts only
if the whole file went through. A file decoded as detected, or undecided, is one text of
one worker, as a file with a byte-order mark is. Plain bytes go straight to the fast
path, where a token that is not valid UTF-8 is read as cp1252.
"""

from __future__ import annotations

import codecs
import enum
import importlib
import io
import re
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import NamedTuple

from wordcount.sources.detection import SAMPLE_BYTES, Detection, detect_encoding, undecided_message

# The definition of binary looks this far; it also covers every magic number and
# byte-order mark, and is small next to a unit.
SNIFF_BYTES = 64 << 10
# Each read hands the fast path this much (which counts it in slices, see
# tokens.SLICE_BYTES): large enough that per-read overhead vanishes, small enough that a
# worker's memory stays small. Decompressed text moves on in pieces of the same size.
READ_CHUNK_BYTES = 256 << 10

UTF8_BOM = b"\xef\xbb\xbf"
BINARY_MESSAGE = "binary (a NUL byte in its first 64 KiB); skipped, --text counts it"
# Right for Western text, which the detector judged the sample to be, or which lies past
# the sample (its first 256 KiB): the fix is named for the text that is not.
CP1252_MESSAGE = (
    "not valid UTF-8; its invalid words were read as cp1252 (as Western text; "
    "--encoding NAME reads another encoding exactly)"
)


def detected_message(encoding: str) -> str:
    """The warning for a file read whole in the legacy encoding detected for it."""
    return f"not valid UTF-8; read as {encoding}"


# Magic numbers long enough that no text file starts with one by chance: "BZh" alone
# could, so bzip2's is followed by a block size and the magic of a block or of the end.
# Each module (imported only when needed) has an open() that takes a file object and reads
# concatenated streams to the end.
_DECOMPRESSORS = (
    (re.compile(rb"\x1f\x8b\x08"), "gzip"),
    (re.compile(rb"BZh[1-9](?:1AY&SY|\x17rE8P\x90)"), "bz2"),
    (re.compile(rb"\xfd7zXZ\x00"), "lzma"),
)
_FORMAT_NAMES = {"gzip": "gzip", "bz2": "bzip2", "lzma": "xz"}
# UTF-32 LE first: its mark begins with the UTF-16 LE one.
_BYTE_ORDER_MARKS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


class BinaryContent(Exception):
    """The file looks binary; it is skipped with a warning."""


class UndecodableContent(Exception):
    """Decompressing or decoding failed part-way; the file is not counted."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"{reason}; not counted")
        # What went wrong, without what it means for an input (a stop-word list is refused).
        self.reason = reason


class HeadKind(enum.Enum):
    PLAIN = "plain"  # UTF-8 (or cp1252 per token) bytes: may be cut into byte ranges
    COMPRESSED = "compressed"
    ENCODED = "encoded"  # a byte-order mark or --encoding: decoded whole, never cut
    DETECTED = "detected"  # not UTF-8, in a legacy encoding detected: decoded whole too
    UNDECIDED = "undecided"  # not UTF-8, its encoding unclear: plain, but read whole
    BINARY = "binary"


# The first bytes of every magic number and byte-order mark above: most text starts with
# none of them, and then one set lookup replaces seven pattern matches per small file.
# The kernel's small-file reader is given them (engine/), and leaves a file that starts
# with one to this module.
SPECIAL_FIRST_BYTES = frozenset(b"\x1fB\xfd\xff\xfe\x00")


def classify_head(head: bytes, *, encoding: str | None, binary_as_text: bool) -> HeadKind:
    """encoding: --encoding, one codec for every input; binary_as_text: --text."""
    if encoding is not None or (head and head[0] in SPECIAL_FIRST_BYTES):
        if _decompressor_for(head) is not None:
            return HeadKind.COMPRESSED
        if encoding is not None or _byte_order_mark(head) is not None:
            return HeadKind.ENCODED
    has_nul = head.find(b"\x00", 0, SNIFF_BYTES) >= 0
    if has_nul and not binary_as_text:
        return HeadKind.BINARY
    # Only the first SAMPLE_BYTES count, so that the planner, which reads no more, and the
    # worker judge a file alike. Text with a NUL is judged too: --text, which the binary
    # warning offers, reads it as text, and a legacy encoding is as likely there.
    if not head.isascii():
        detection = _detected(head)
        if detection.encoding is not None:
            return HeadKind.DETECTED
        if detection.candidates:
            return HeadKind.UNDECIDED
    return HeadKind.PLAIN


def _detected(head: bytes) -> Detection:
    """head: at least the first SAMPLE_BYTES of a file, or all of it."""
    return detect_encoding(head[:SAMPLE_BYTES], whole=len(head) < SAMPLE_BYTES)


class Content(NamedTuple):
    chunks: Iterator[bytes]
    # Decompressed or decoded here: may still raise UndecodableContent part-way.
    transformed: bool
    # The legacy encoding detected and decoded from (see sources.detection), or None.
    detected: str | None = None
    # Not UTF-8, and its encoding could not be told: the warning that says so, or None.
    undecided: str | None = None


def open_content(
    raw_chunks: Iterable[bytes], *, encoding: str | None, binary_as_text: bool
) -> Content:
    """Look at the first bytes of a whole file or stream; raise BinaryContent to skip it."""
    head, chunks = take_head(iter(raw_chunks), SAMPLE_BYTES)
    kind = classify_head(head, encoding=encoding, binary_as_text=binary_as_text)
    transformed = False
    if kind is HeadKind.COMPRESSED:
        chunks = _decompressed(chain([head], chunks), head)
        head, chunks = take_head(chunks, SAMPLE_BYTES)
        kind = classify_head(head, encoding=encoding, binary_as_text=binary_as_text)
        transformed = True
    if kind is HeadKind.BINARY:
        raise BinaryContent
    if kind is HeadKind.ENCODED:
        decoder = _TextDecoder(head, encoding)
        first_text = decoder.decode(head[decoder.mark_length :])
        if not binary_as_text and "\x00" in first_text:
            raise BinaryContent
        return Content(decoder.utf8_chunks(first_text, chunks), transformed=True)
    if kind is HeadKind.DETECTED:
        encoding_found = _detected(head).encoding
        assert encoding_found is not None
        # A guess, so a byte it cannot decode further on is replaced, not fatal.
        decoder = _TextDecoder(head, encoding_found, errors="replace")
        first_text = decoder.decode(head)
        return Content(
            decoder.utf8_chunks(first_text, chunks), transformed=True, detected=encoding_found
        )
    undecided = undecided_message(_detected(head)) if kind is HeadKind.UNDECIDED else None
    return Content(chain([head.removeprefix(UTF8_BOM)], chunks), transformed, None, undecided)


def planned_plain(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The first of several ranges of a file the planner judged plain text, from the
    file's first SAMPLE_BYTES: judged again from the range alone, a range shorter than that
    could be taken for another kind (its NUL, or the bytes that rule a legacy encoding
    out, may lie beyond it). Only a leading UTF-8 BOM is removed."""
    head, rest = take_head(chunks, len(UTF8_BOM))
    return chain([head.removeprefix(UTF8_BOM)], rest)


def plain_text(whole: bytes, *, encoding: str | None, binary_as_text: bool) -> bytes | None:
    """A whole file, already read, as open_content would hand it on if it is plain text;
    None if it is not (compressed, encoded or binary)."""
    if classify_head(whole, encoding=encoding, binary_as_text=binary_as_text) is not HeadKind.PLAIN:
        return None
    return whole.removeprefix(UTF8_BOM)


def take_head(chunks: Iterator[bytes], size: int) -> tuple[bytes, Iterator[bytes]]:
    """At least size bytes from the start (all of them if fewer), and the rest."""
    parts: list[bytes] = []
    gathered = 0
    for chunk in chunks:
        parts.append(chunk)
        gathered += len(chunk)
        if gathered >= size:
            break
    return b"".join(parts), chunks


def _decompressor_for(head: bytes) -> str | None:
    """The name of the module that reads this compressed format, or None."""
    for magic, module_name in _DECOMPRESSORS:
        if magic.match(head):
            return module_name
    return None


def _byte_order_mark(head: bytes) -> tuple[bytes, str] | None:
    for mark, encoding in _BYTE_ORDER_MARKS:
        if head.startswith(mark):
            return mark, encoding
    return None


def _decompressed(raw_chunks: Iterator[bytes], head: bytes) -> Iterator[bytes]:
    import lzma
    import zlib

    module_name = _decompressor_for(head)
    assert module_name is not None
    module = importlib.import_module(module_name)
    bad_data = f"corrupt {_FORMAT_NAMES[module_name]} data"
    try:
        with module.open(io.BufferedReader(_ChunkReader(raw_chunks)), "rb") as decompressed:
            yield from iter(lambda: decompressed.read(READ_CHUNK_BYTES), b"")
    except OSError as error:
        if error.errno is not None:  # a real read error, not bad data
            raise
        raise UndecodableContent(f"{bad_data} ({error})") from error
    except (EOFError, zlib.error, lzma.LZMAError) as error:
        raise UndecodableContent(f"{bad_data} ({error})") from error


class _TextDecoder:
    """Decodes as --encoding, the byte-order mark or the detector says, naming the byte of
    any error."""

    def __init__(self, head: bytes, encoding: str | None, errors: str = "strict") -> None:
        if encoding is not None:
            self.encoding, mark = encoding, b""
        else:
            found = _byte_order_mark(head)
            assert found is not None
            mark, self.encoding = found
        self.mark_length = len(mark)
        self._decoder = codecs.getincrementaldecoder(self.encoding)(errors=errors)
        self._offset = len(mark)

    def decode(self, data: bytes, *, final: bool = False) -> str:
        pending = len(self._decoder.getstate()[0])
        try:
            text = self._decoder.decode(data, final)
        except UnicodeDecodeError as error:
            position = self._offset - pending + error.start
            raise UndecodableContent(
                f"not valid {self.encoding} at byte {position:,} ({error.reason})"
            ) from error
        except ValueError as error:
            # Some codecs fail with a plain UnicodeError (a ValueError), which names no byte:
            # before Python 3.13 utf-16 and utf-32 with no byte-order mark, and punycode;
            # idna still does. Any of them is this file's error, not the run's.
            raise UndecodableContent(f"not valid {self.encoding} ({error})") from error
        self._offset += len(data)
        return text

    def utf8_chunks(self, first_text: str, chunks: Iterator[bytes]) -> Iterator[bytes]:
        yield self._utf8(first_text)
        for chunk in chunks:
            yield self._utf8(self.decode(chunk))
        yield self._utf8(self.decode(b"", final=True))

    def _utf8(self, text: str) -> bytes:
        try:
            return text.encode("utf-8")
        except UnicodeEncodeError as error:  # only odd codecs yield lone surrogates
            raise UndecodableContent(
                f"{self.encoding} gave text that is not Unicode ({error.reason})"
            ) from error


class _ChunkReader(io.RawIOBase):
    """A readable file over an iterator of chunks, for the decompressors to read from."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._current = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._current:
            chunk = next(self._chunks, b"")
            if not chunk:
                return 0
            self._current = memoryview(chunk)
        size = min(len(buffer), len(self._current))
        buffer[:size] = self._current[:size]
        self._current = self._current[size:]
        return size
