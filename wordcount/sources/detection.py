"""Which legacy encoding a file that is not UTF-8 is in, if it can be told for sure.

    the sample: all of a file up to 256 KiB, the first 256 KiB of a bigger one
    ─▶ valid UTF-8 (a character cut at the sample's end allowed)? ─▶ UTF-8
    ─▶ more valid multi-byte UTF-8 than invalid bytes? ─▶ UTF-8 with stray bytes, read
       per token as before
    ─▶ each encoding below and each Western one that decodes the whole sample without an
       error; those that decode it alike are one reading
    ─▶ each reading scored by the plausibility of its words (sources.plausibility),
       on the lines that hold bytes outside ASCII
    ─▶ one reading clearly best, and plausible? ─▶ it (a Western one: read per token as
       cp1252, which is the same)
    ─▶ a Korean and a Chinese reading about as good: by the length of the runs of
       characters (Korean puts spaces between words)
    ─▶ several about as good, and enough text: charset-normalizer's best guess among
       them, if in a language its encoding is for ─▶ it; failing that, the first of
       several that score exactly alike in encodings of one family (cp1250, ISO-8859-2)
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
import re
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
_CHINESE = frozenset({"Chinese"})
_KOREAN = frozenset({"Korean"})
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
    **dict.fromkeys(("gb18030", "gbk", "gb2312", "big5", "big5hkscs", "cp950"), _CHINESE),
    **dict.fromkeys(("euc_kr", "cp949"), _KOREAN),
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
# bytes (the planner reads them too). Four times what was judged before (so that a long
# English preface does not hide the Russian after it), and far more text than the scores
# need; a worker reads it before counting a byte, so more would hold back its progress.
SAMPLE_BYTES = 256 << 10
# The readings are scored on at most this much of the sample's lines that hold bytes
# outside ASCII: a few thousand words to judge by, and a bound on what a reading costs
# (a file may have twenty), which the planner and the worker each spend once.
_SCORED_BYTES = 16 << 10
# Each reading is first scored on this much of those lines, and scored on the rest only
# if it comes within _GLANCE_SLACK of the best there: a wrong reading is seldom within a
# quarter of the right one on a page's worth of text.
_GLANCE_BYTES = 2 << 10
_GLANCE_SLACK = 0.25
# Readings scored within this of the best are as good as the best: a word or two in a
# hundred is what a foreign name or a typo costs the right one.
_MARGIN = 0.02
# A reading scored below this is no language's text (a table of rare characters, say):
# the file is undecided, however its readings compare.
_PLAUSIBLE = 0.8
# Below this many bytes outside ASCII, charset-normalizer's letter statistics are not
# asked, and a file the scores cannot decide is "too short" to tell (a few sentences).
_STATISTICS_BYTES = 256
# Korean and Chinese told apart by where their double-byte characters fall. EUC-KR and
# CP949 put every Hangul syllable at a lead byte from 0xB0 to 0xC8 with a trail byte from
# 0xA1; Chinese text has most of its characters elsewhere: GB2312 orders its common
# characters by pinyin over leads 0xB0 to 0xD7, so those read s, t, w, x, y, z (是, 他,
# 我, 一, 在, 中) lie past 0xC8, and Big5 uses trail bytes below 0x80 as well. The share
# of such Hangul-placed pairs: every Korean file of the corpus at least 0.91, every
# Chinese one at most 0.59. Between the two bounds, or on fewer pairs than the least, it
# cannot tell (prose that reads 3.7 characters between spaces, as formal Korean does, was
# once taken for Chinese by the length of its runs).
_KOREAN_MIN_SHARE = 0.85
_CHINESE_MAX_SHARE = 0.7
_KOREAN_OR_CHINESE_MIN_PAIRS = 8
# The candidates a warning names, at most.
_NAMED_CANDIDATES = 4
# Fewer bytes outside ASCII than this (eight Chinese characters, a dozen accented
# letters) decide no encoding but a Western one: a byte or two read as KOI8-R or
# Shift_JIS made a plausible word as often as the true one did.
_MIN_DECIDING_BYTES = 16
# Cyrillic text is at least 41% vowels (а е и о у ы э ю я) in every Cyrillic file of the
# corpus; Hebrew read as cp1251 at most 29%. Judged on this many letters at least.
_MIN_CYRILLIC_VOWELS = 0.35
_MIN_CYRILLIC_LETTERS = 40
_CYRILLIC_VOWELS = frozenset("аеиоуыэюя")
# Words as far as telling two readings apart goes: what sets them apart is letters.
_WORD = re.compile(r"\w+")
# An encoding that fails on at most one byte in this many outside ASCII (and on one at
# least) is still a candidate: a stray byte is not evidence against a whole file.
_NEAR_BYTES_PER_FAILURE = 1000
# A lead byte from 0x81 and the byte after it; ASCII between pairs is stepped over.
_DOUBLE_BYTE_PAIR = re.compile(rb"([\x81-\xff])([\x00-\xff])")


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
    # A single-byte encoding reads the sample as it reads each of its distinct bytes: it
    # decodes them all, and two read it alike if they read those alike. (No multi-byte
    # reading is ever the same text: it reads some pair of bytes as one character.)
    distinct = bytes(sorted(set(sample)))
    for encoding in (*_WESTERN, *ALLOWED_ENCODINGS):
        single_byte = _single_byte(encoding)
        text = _decoded(distinct if single_byte else sample, encoding, final=whole)
        if text is not None:
            readings.setdefault(text, []).append(encoding)
    scored_part = _lines_outside_ascii(sample)
    scored = _scored(list(readings.values()), scored_part)
    if not scored:  # nothing decodes it all (latin_1 always does): as before
        return Detection()
    best = scored[0][0]
    contenders = [names for score, names in scored if score >= best - _MARGIN]
    non_ascii = _non_ascii(sample)
    if best >= _PLAUSIBLE:
        contenders = _korean_or_chinese(scored_part, contenders) or contenders
        contenders = _without_vowelless_cyrillic(scored_part, contenders) or contenders
        if len(contenders) > 1 and non_ascii >= _STATISTICS_BYTES:
            picked = _charset_normalizer_pick(scored_part, contenders)
            contenders = contenders if picked is None else [picked]
        if len(contenders) > 1:
            contenders = _one_family_tied(scored_part, scored) or contenders
        if len(contenders) == 1:
            contenders += _nearly_as_good(sample, scored_part, contenders[0], best, non_ascii)
        if len(contenders) == 1 and non_ascii < _MIN_DECIDING_BYTES:
            contenders = _too_little_to_decide(scored, best)
        if len(contenders) == 1:
            names = contenders[0]
            return Detection() if "cp1252" in names else Detection(names[0])
    if all("cp1252" in names for names in contenders):
        return Detection()
    candidates = tuple(names[0] for names in contenders)[:_NAMED_CANDIDATES]
    return Detection(None, candidates, short=non_ascii < _STATISTICS_BYTES)


def _scored(readings: list[list[str]], part: bytes) -> list[tuple[float, list[str]]]:
    """Each reading with its plausibility on part, best first. Most of the twenty or so
    readings of a file are nonsense from its first lines: those far behind the best on
    the first _GLANCE_BYTES are not scored on the rest."""
    scored = [(_plausibility(part[:_GLANCE_BYTES], names), names) for names in readings]
    if len(part) > _GLANCE_BYTES and scored:
        best = max(score for score, _ in scored)
        scored = [
            (_plausibility(part, names), names)
            for score, names in scored
            if score >= best - _GLANCE_SLACK
        ]
    return sorted(scored, key=lambda item: -item[0])


def _plausibility(part: bytes, reading: list[str]) -> float:
    return plausibility(_decoded(part, reading[0], final=False) or "")


def _korean_or_chinese(data: bytes, contenders: list[list[str]]) -> list[list[str]] | None:
    """Of a Korean and a Chinese reading that score alike (Korean's common syllables and
    Chinese's common characters sit on the same byte pairs), the one that the places of
    its byte pairs fit (see _KOREAN_MIN_SHARE); None if they cannot tell."""
    families = [ALLOWED_ENCODINGS.get(reading[0]) for reading in contenders]
    korean = [r for r, f in zip(contenders, families, strict=True) if f == _KOREAN]
    chinese = [r for r, f in zip(contenders, families, strict=True) if f == _CHINESE]
    if not korean or not chinese or len(korean) + len(chinese) < len(contenders):
        return None
    hangul_placed, pairs = _hangul_placed_pairs(data)
    if pairs < _KOREAN_OR_CHINESE_MIN_PAIRS:
        return None
    share = hangul_placed / pairs
    if share >= _KOREAN_MIN_SHARE:
        return [korean[0]]
    if share <= _CHINESE_MAX_SHARE:
        return [chinese[0]]
    return None


def _hangul_placed_pairs(data: bytes) -> tuple[int, int]:
    """Of the byte pairs that start at a byte from 0x81 (read left to right, as every
    double-byte encoding here reads them), how many sit where EUC-KR puts Hangul, and
    how many there are."""
    hangul_placed = pairs = 0
    for lead, trail in _DOUBLE_BYTE_PAIR.findall(data):
        pairs += 1
        hangul_placed += 0xB0 <= lead[0] <= 0xC8 and trail[0] >= 0xA1
    return hangul_placed, pairs


def _nearly_as_good(
    sample: bytes, part: bytes, chosen: list[str], best: float, non_ascii: int
) -> list[list[str]]:
    """The encodings that fail to decode a few bytes of the sample but read the rest more
    plausibly than the chosen one (its score, best): one byte that a code page
    leaves undefined (a stray 0x81 in Czech cp1250) would otherwise hand the file to a
    lookalike (ISO-8859-2) that decodes every byte, and reads other words. With them,
    the file is undecided: loud, where it was silently wrong."""
    allowed = max(1, non_ascii // _NEAR_BYTES_PER_FAILURE)
    chosen_text = _decoded(part, chosen[0], final=False)
    near = []
    for encoding in (*_WESTERN, *ALLOWED_ENCODINGS):
        # Code pages only: a multi-byte encoding that fails on a pair reads the bytes
        # after it out of step, which no score of the rest can make up for.
        if (
            encoding in chosen
            or not _single_byte(encoding)
            or _decoded(sample, encoding, final=False) is not None
        ):
            continue
        text = sample.decode(encoding, "replace")
        if text.count("\ufffd") > allowed:
            continue
        reading = part.decode(encoding, "replace")
        if reading != chosen_text and plausibility(reading) > best:
            near.append([encoding])
    return near


def _non_ascii(sample: bytes) -> int:
    return len(sample) - len(sample.decode("latin-1").encode("ascii", "ignore"))


def _without_vowelless_cyrillic(data: bytes, contenders: list[list[str]]) -> list[list[str]] | None:
    """The contenders less the Cyrillic readings with too few vowels to be Cyrillic text
    (see _MIN_CYRILLIC_VOWELS), where another reading is left: Hebrew's letters sit where
    cp1251 has its small Cyrillic letters, and read so make plausible words, which
    charset-normalizer took for Russian. None if that drops nothing or everything."""
    kept = []
    for reading in contenders:
        if ALLOWED_ENCODINGS.get(reading[0]) is _CYRILLIC:
            text = (_decoded(data, reading[0], final=False) or "").lower()
            letters = [char for char in text if "\u0430" <= char <= "\u044f"]
            vowels = sum(char in _CYRILLIC_VOWELS for char in letters)
            if len(letters) >= _MIN_CYRILLIC_LETTERS and vowels < _MIN_CYRILLIC_VOWELS * len(
                letters
            ):
                continue
        kept.append(reading)
    return kept if 0 < len(kept) < len(contenders) else None


def _too_little_to_decide(scored: list[tuple[float, list[str]]], best: float) -> list[list[str]]:
    """Every plausible reading, for the warning to name: Western alone means none is
    needed (read per token as cp1252, as Western text is)."""
    plausible = [names for score, names in scored if score >= min(best, _PLAUSIBLE)]
    if any("cp1252" in names for names in plausible[:1]):
        return plausible[:1]
    return plausible


def _one_family_tied(data: bytes, scored: list[tuple[float, list[str]]]) -> list[list[str]] | None:
    """The first reading, if those that score exactly as well are in encodings for the
    same languages and find the same words in data: cp1250 and ISO-8859-2 read a
    Hungarian page alike but for a dash or a quotation mark, which no score tells apart,
    and which parts no words differently. (Slovak ľ and ť are letters in both, at
    different bytes: those readings differ in their words, and it cannot tell.)"""
    best = scored[0][0]
    tied = [names for score, names in scored if score == best]
    families = {ALLOWED_ENCODINGS.get(names[0]) for names in tied}
    if len(families) != 1 or None in families:
        return None
    words = {tuple(_WORD.findall(_decoded(data, names[0], final=False) or "")) for names in tied}
    return [tied[0]] if len(words) == 1 else None


@functools.lru_cache(maxsize=64)
def _single_byte(encoding: str) -> bool:
    """Whether the encoding reads each byte as one character."""
    return len(bytes(range(0x80, 0x100)).decode(encoding, "replace")) == 0x80


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
