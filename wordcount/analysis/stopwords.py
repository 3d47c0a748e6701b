"""--stopwords: the built-in lists and the user's files, read as the inputs are read.

    a file's bytes ─▶ sources.content.open_content: gzip/bzip2/xz, a byte-order mark or
                      --encoding, a NUL in the first 64 KiB (binary: refused)
                   ─▶ # comments dropped, up to each line end
                   ─▶ the counter the inputs' words go through (words.counter): the
                      apostrophes, NFKC, lowercasing, cp1252 for an invalid UTF-8 token
                      (a list in a legacy encoding is detected or warned of as an
                      input is: reading_warnings);
                      with --pattern, that pattern's matches, as the words counted are
                   ─▶ its distinct words

So a stop word matches exactly the words it stands for, however the list was saved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from wordcount.analysis.selection import Stopwords
from wordcount.exceptions import StopwordsUnusable
from wordcount.sources.content import (
    CP1252_MESSAGE,
    READ_CHUNK_BYTES,
    BinaryContent,
    UndecodableContent,
    detected_message,
    open_content,
)
from wordcount.sources.opening import NO_STORAGE_OPTIONS, StorageOptions, open_input
from wordcount.sources.problems import InputProblem, ProblemKind, describe_os_error
from wordcount.words.counter import WordCounter, counter_for

# Lists shipped as package data; the names are ISO 639-1 codes.
BUILTIN_STOPWORDS = ("de", "en", "es", "fr")


def load_stopwords(
    sources: Iterable[str],
    *,
    case_sensitive: bool = False,
    encoding: str | None = None,
    pattern: str | None = None,
    segment: str | None = None,
    storage: StorageOptions = NO_STORAGE_OPTIONS,
) -> Stopwords:
    """The words of built-in lists (en, de, fr, es) and of files, one word a line and #
    comments. encoding is --encoding: it applies to the files, as to every input, but
    never to the built-in lists, which are UTF-8. pattern is --pattern: the words of a
    list are what it matches there, as in the inputs; segment (--segment icu) likewise.
    storage: fsspec's storage_options, for a list named by a URL, as for the inputs.

    Raises StopwordsUnusable for a file that cannot be read, is binary or cannot be decoded.
    """
    # Never the n-gram counter: stop words leave the word sequence before n-grams form.
    new_counter = counter_for(
        case_sensitive=case_sensitive, ngrams=None, pattern=pattern, segment=segment
    )
    words: set[str] = set()
    reading_warnings: list[InputProblem] = []
    for source in sources:
        if source in BUILTIN_STOPWORDS:
            found, reading = _words_of(_builtin_chunks(source), new_counter, None)
        else:
            found, reading = _words_of_file(source, new_counter, encoding, storage)
        words.update(found)
        if reading is not None:
            reading_warnings.append(InputProblem(-1, source, *reading))
    return Stopwords(frozenset(words), tuple(reading_warnings))


def _builtin_chunks(name: str) -> Iterator[bytes]:
    # Imported here: importlib.resources costs milliseconds that most runs never need.
    from importlib import resources

    yield resources.files("wordcount").joinpath(f"stopwords/{name}.txt").read_bytes()


# How a list not in UTF-8 was read: the warning's message and kind.
_Reading = tuple[str, ProblemKind]


def _words_of_file(
    path: str,
    new_counter: Callable[[], WordCounter],
    encoding: str | None,
    storage: StorageOptions,
) -> tuple[set[str], _Reading | None]:
    try:
        with open_input(path, storage) as file:
            chunks = iter(lambda: file.read(READ_CHUNK_BYTES), b"")
            return _words_of(chunks, new_counter, encoding)
    except FileNotFoundError as error:  # perhaps a list's name, mistyped
        builtins = ", ".join(BUILTIN_STOPWORDS)
        reason = f"{describe_os_error(error)} (the built-in lists are {builtins})"
        raise StopwordsUnusable(path, reason) from None
    except OSError as error:
        raise StopwordsUnusable(path, describe_os_error(error)) from None
    except BinaryContent:
        raise StopwordsUnusable(path, "binary (a NUL byte in its first 64 KiB)") from None
    except UndecodableContent as error:
        raise StopwordsUnusable(path, error.reason) from None


def _words_of(
    raw_chunks: Iterable[bytes], new_counter: Callable[[], WordCounter], encoding: str | None
) -> tuple[set[str], _Reading | None]:
    """The distinct words of a list, and how it was read if not as UTF-8, as an input's
    warning would say it (sources.content): as detected, undecided, or cp1252 per word.

    A list is never taken as text because of --text: a NUL in one means that the wrong
    file was named (a program, an image), and its "words" would be noise.
    """
    content = open_content(raw_chunks, encoding=encoding, binary_as_text=False)
    counter = new_counter()
    for chunk in without_comments(content.chunks):
        counter.feed(chunk)
    counter.end_text()
    counted = counter.take_counts()
    reading: _Reading | None = None
    if content.detected is not None:
        reading = (detected_message(content.detected), ProblemKind.DETECTED)
    elif content.undecided is not None:
        reading = (content.undecided, ProblemKind.CP1252)
    elif counted.saw_invalid_utf8:
        reading = (CP1252_MESSAGE, ProblemKind.CP1252)
    return {word.decode() for word in counted.counts}, reading


def without_comments(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """UTF-8 chunks with each # and the rest of its line left out (the line end stays, to
    part the words around it). "#" is one byte in UTF-8 and in cp1252 and is never part
    of another character, so it can be looked for before decoding."""
    in_comment = False
    for chunk in chunks:
        start = 0
        while start < len(chunk):
            if in_comment:
                line_end = chunk.find(b"\n", start)
                if line_end < 0:
                    break
                in_comment, start = False, line_end
            else:
                comment = chunk.find(b"#", start)
                if comment < 0:
                    yield chunk[start:]
                    break
                if comment > start:
                    yield chunk[start:comment]
                in_comment, start = True, comment + 1
