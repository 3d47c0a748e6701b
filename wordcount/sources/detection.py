"""Which legacy encoding a file that is not UTF-8 is in, if it can be told for sure.

    the sample: all of a small file, the first 1 MiB of a big one
    ─▶ valid UTF-8 (a character cut at the sample's end allowed)? ─▶ UTF-8
    ─▶ more valid multi-byte UTF-8 than invalid bytes? ─▶ UTF-8 with stray bytes, read
       per token as before
    ─▶ each encoding below and each Western one that decodes the whole sample without an
       error; those that decode it alike are one reading
    ─▶ each reading scored by the plausibility of its words (sources.plausibility),
       on the lines that hold bytes outside ASCII
    ─▶ one reading clearly best? ─▶ it (a Western one: read per token as cp1252, which
       is the same)
    ─▶ several about as good, and enough text: charset-normalizer's best guess among
       them, if it is confident and in a language its encoding is for ─▶ it
    ─▶ otherwise undecided: read per token as cp1252, with a warning that names the
       candidates and --encoding

A wrong code page gives words that mix the letters of several languages, letters of
several scripts, cases in no order, or rare Chinese characters; that is scored here.
Which of the Cyrillic code pages is right, each giving Cyrillic letters, it cannot tell,
and charset-normalizer's letter statistics can. charset-normalizer alone, in turn, named
Hungarian "Swedish", Czech in ISO-8859-2 cp1250, and short Chinese Thai.

charset-normalizer takes tens of milliseconds to import, so it is imported only when a
file needs it; the verdict for a sample is remembered, since the planner and then the
worker judge the same first bytes.
"""

from __future__ import annotations

import codecs
import functools
from typing import NamedTuple

from wordcount.sources.plausibility import plausibility

# The encodings a file may be read in whole, each with the languages (as charset-normalizer
# names them) it is made for. Only these: each is in wide use for text that cp1252 cannot
# hold. Left out: cp1258 (Vietnamese), whose combining marks make poor guesses, and the
# 7-bit ISO-2022 and HZ encodings, whose files are valid UTF-8 and so never reach here.
_CYRILLIC = frozenset({"Russian", "Ukrainian", "Bulgarian", "Serbian", "Kazakh"})
_CENTRAL_EUROPEAN = frozenset(
    {"Polish", "Czech", "Slovak", "Hungarian", "Croatian", "Slovene", "Romanian"}
)
_JAPANESE = frozenset({"Japanese", "Japanese—", "Japanese——"})
_NON_LATIN = {
    **dict.fromkeys(
        ("cp1251", "koi8_r", "koi8_u", "cp866", "iso8859_5", "mac_cyrillic", "cp855", "kz1048"),
        _CYRILLIC,
    ),
    **dict.fromkeys(("cp1253", "iso8859_7"), frozenset({"Greek"})),
    **dict.fromkeys(("cp1255", "iso8859_8"), frozenset({"Hebrew"})),
    **dict.fromkeys(("cp1256", "iso8859_6"), frozenset({"Arabic", "Farsi"})),
    **dict.fromkeys(("cp874", "tis_620", "iso8859_11"), frozenset({"Thai"})),
    **dict.fromkeys(
        ("shift_jis", "cp932", "shift_jis_2004", "shift_jisx0213", "euc_jp", "euc_jis_2004"),
        _JAPANESE,
    ),
    **dict.fromkeys(
        ("gb18030", "gbk", "gb2312", "big5", "big5hkscs", "cp950"), frozenset({"Chinese"})
    ),
    **dict.fromkeys(("euc_kr", "cp949"), frozenset({"Korean"})),
}
_LATIN = {
    **dict.fromkeys(("cp1250", "iso8859_2"), _CENTRAL_EUROPEAN),
    **dict.fromkeys(("cp1257", "iso8859_13"), frozenset({"Lithuanian", "Estonian", "Latvian"})),
    **dict.fromkeys(("cp1254", "iso8859_9"), frozenset({"Turkish"})),
}
ALLOWED_ENCODINGS: dict[str, frozenset[str]] = {
    name: frozenset(languages) for name, languages in {**_NON_LATIN, **_LATIN}.items()
}
# The Western encodings compete with the others, so that Western text is named Western;
# a reading that cp1252 gives is read per token, as cp1252, whatever else gives it too.
_WESTERN = ("cp1252", "latin_1", "iso8859_15")
# The sample: a file up to this size is judged whole, a bigger one by its first this many
# bytes (the planner reads them too). Far more text than any detector needs, and read in
# a few milliseconds.
SAMPLE_BYTES = 1 << 20
# The readings are scored on at most this much of the sample's lines that hold bytes
# outside ASCII: enough words to judge by, and a few milliseconds a reading.
_SCORED_BYTES = 64 << 10
# Readings scored within this of the best are as good as the best: a word or two in a
# hundred is what a foreign name or a typo costs the right one.
_MARGIN = 0.02
# A reading scored below this is no language's text (a table of rare characters, say):
# the file is undecided, however its readings compare.
_PLAUSIBLE = 0.8
# Below this many bytes outside ASCII, charset-normalizer's letter statistics are not
# asked, and a file the scores cannot decide is "too short" to tell (a few sentences).
_STATISTICS_BYTES = 256
# The candidates a warning names, at most.
_NAMED_CANDIDATES = 4


class Detection(NamedTuple):
    """encoding: read the whole file in it; None with no candidates: UTF-8, or Western
    (read per token as cp1252); None with candidates: it cannot tell which of them."""

    encoding: str | None = None
    candidates: tuple[str, ...] = ()
    # Undecided because the sample holds little text outside ASCII.
    short: bool = False


def undecided_message(detection: Detection) -> str:
    """The warning for a file whose encoding could not be told: it says why, names the
    candidates, and how to read it exactly."""
    why = "too short to tell its encoding" if detection.short else "its encoding is unclear"
    named = " ".join(f"{name}?" for name in detection.candidates)
    return (
        f"not valid UTF-8 and {why} ({named}); its invalid words were read as cp1252; "
        "--encoding NAME reads it exactly"
    )


def detect_encoding(sample: bytes, *, whole: bool) -> Detection:
    """How to read a file whose first bytes (all of them if whole) are sample."""
    if _valid_utf8(sample, whole=whole) or _mostly_utf8(sample):
        return Detection()
    return _detect(sample, whole)


def _valid_utf8(sample: bytes, *, whole: bool) -> bool:
    """Valid UTF-8, but for a multi-byte character that the sample's end may have cut."""
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        cut = error.end == len(sample) and error.reason == "unexpected end of data"
        return cut and not whole
    return True


def _mostly_utf8(sample: bytes) -> bool:
    """More characters of valid multi-byte UTF-8 than bytes that are not UTF-8: a UTF-8
    file with a few stray bytes, not a file in another encoding."""
    text = sample.decode("utf-8", "replace")
    invalid = text.count("\ufffd")
    multi_byte = len(text) - len(text.encode("ascii", "ignore")) - invalid
    return multi_byte >= invalid


@functools.lru_cache(maxsize=8)
def _detect(sample: bytes, whole: bool) -> Detection:
    readings: dict[str, list[str]] = {}
    for encoding in (*_WESTERN, *ALLOWED_ENCODINGS):
        text = _decoded(sample, encoding, final=whole)
        if text is not None:
            readings.setdefault(text, []).append(encoding)
    scored_part = _lines_outside_ascii(sample)
    scored = sorted(
        (
            (plausibility(_decoded(scored_part, names[0], final=False) or ""), names)
            for names in readings.values()
        ),
        key=lambda item: -item[0],
    )
    if not scored:  # nothing decodes it all (latin_1 always does): as before
        return Detection()
    best = scored[0][0]
    contenders = [names for score, names in scored if score >= best - _MARGIN]
    non_ascii = len(sample) - len(sample.decode("latin-1").encode("ascii", "ignore"))
    if best >= _PLAUSIBLE:
        if len(contenders) > 1 and non_ascii >= _STATISTICS_BYTES:
            picked = _charset_normalizer_pick(scored_part, contenders)
            contenders = contenders if picked is None else [picked]
        if len(contenders) > 1:
            contenders = _one_family_tied(scored) or contenders
        if len(contenders) == 1:
            names = contenders[0]
            return Detection() if "cp1252" in names else Detection(names[0])
    if all("cp1252" in names for names in contenders):
        return Detection()
    candidates = tuple(names[0] for names in contenders)[:_NAMED_CANDIDATES]
    return Detection(None, candidates, short=non_ascii < _STATISTICS_BYTES)


def _one_family_tied(scored: list[tuple[float, list[str]]]) -> list[list[str]] | None:
    """The first reading, if those that score exactly as well are in encodings for the
    same languages (cp1250 and ISO-8859-2 for Hungarian that holds none of the letters
    where they differ): then what differs is punctuation, and the first is as good."""
    best = scored[0][0]
    tied = [names for score, names in scored if score == best]
    families = {ALLOWED_ENCODINGS.get(names[0]) for names in tied}
    if len(families) == 1 and None not in families:
        return [tied[0]]
    return None


def _decoded(data: bytes, encoding: str, *, final: bool) -> str | None:
    """data decoded strictly (but for a character cut at its end unless final), or None."""
    try:
        return codecs.getincrementaldecoder(encoding)().decode(data, final)
    except UnicodeDecodeError:
        return None


def _lines_outside_ascii(sample: bytes) -> bytes:
    """The sample's lines that hold a byte outside ASCII, up to _SCORED_BYTES of them: no
    encoding here has a line feed inside a character, so each line decodes alone."""
    lines = []
    size = 0
    for line in sample.split(b"\n"):
        if not line.isascii():
            lines.append(line)
            size += len(line) + 1
            if size >= _SCORED_BYTES:
                break
    return b"\n".join(lines)[:_SCORED_BYTES]


def _charset_normalizer_pick(data: bytes, contenders: list[list[str]]) -> list[str] | None:
    """The reading charset-normalizer likes best among the contenders, if it is sure."""
    import charset_normalizer  # slow to import, and rarely needed

    names = [name for reading in contenders for name in reading]
    for match in charset_normalizer.from_bytes(data, cp_isolation=names):
        # Its chaos is not weighed: the contenders all read as text, and what tells them
        # apart is the language its letter frequencies find.
        languages = ALLOWED_ENCODINGS.get(match.encoding)
        if languages is not None and match.language not in languages:
            continue
        return next(reading for reading in contenders if match.encoding in reading)
    return None
