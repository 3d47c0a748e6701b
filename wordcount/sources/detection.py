"""Which legacy encoding a file that is not UTF-8 is in, if a detector can tell for sure.

    first 64 KiB ─▶ valid UTF-8 (a character cut at the end allowed)? ─▶ None: UTF-8
                 ─▶ more valid multi-byte UTF-8 than invalid bytes? ─▶ None: UTF-8 with
                    stray bytes, read per token as today
                 ─▶ charset-normalizer's best guess among the encodings below and the
                    Western ones; confident, non-Western, in a language it is for? ─▶ it
                 ─▶ otherwise None: the invalid tokens are read as cp1252, as before

Only a non-Western guess is ever taken. Western text (Latin-1, cp1252) keeps the per-token
cp1252 reading, which gets it right byte for byte, so a wrong guess there could only do
harm: charset-normalizer often names cp1250 for short German or Spanish text, and cp1257
for French. The guard: the guess must be confident (little "chaos"), the language found
in the decoded text must be one the encoding is made for, and a Latin-script encoding must
read the sample differently from cp1252 (German in cp1250 reads the same: it stays cp1252).

charset-normalizer takes tens of milliseconds to import, so it is imported only when a
file needs it; the answer for a sample is remembered, since the planner and then the
worker judge the same first bytes.
"""

from __future__ import annotations

import functools

# The encodings a file may be read in whole, each with the languages (as charset-normalizer
# names them) it is made for. Only these: each is in wide use for text that cp1252 cannot
# hold, and each is told apart from cp1252 by its script or, for the Latin ones, by the
# letters it has where cp1252 has others. Left out: the Western ones (cp1252, Latin-1/9,
# Mac Roman, the DOS code pages 437/850), which the per-token reading covers; cp1258
# (Vietnamese), whose combining marks make poor guesses; and the 7-bit ISO-2022 and HZ
# encodings, whose files are valid UTF-8 and so never reach the detector.
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
# Latin-script encodings: also guarded by reading differently from cp1252.
_LATIN = {
    **dict.fromkeys(("cp1250", "iso8859_2"), _CENTRAL_EUROPEAN),
    **dict.fromkeys(("cp1257", "iso8859_13"), frozenset({"Lithuanian", "Estonian"})),
    **dict.fromkeys(("cp1254", "iso8859_9"), frozenset({"Turkish"})),
}
ALLOWED_ENCODINGS: dict[str, frozenset[str]] = {
    name: frozenset(languages) for name, languages in {**_NON_LATIN, **_LATIN}.items()
}
# The Western encodings compete with the others, so that Western text is named Western.
_WESTERN = ("cp1252", "latin_1", "iso8859_15")
# At most this much "chaos" (charset-normalizer's measure of how messy the decoded text
# looks, 0 to 1; it drops guesses above 0.2 itself).
_MAX_CHAOS = 0.1
# At least this many bytes outside ASCII (a short sentence of Cyrillic letters in cp1251).
_MIN_NON_ASCII = 32


def detect_encoding(sample: bytes) -> str | None:
    """The legacy encoding to read the whole file in, or None to read it as today."""
    if _valid_utf8_but_the_end(sample) or _mostly_utf8(sample):
        return None
    # Too few letters outside ASCII to judge a language by: a stray byte or two.
    if len(sample) - len(sample.decode("latin-1").encode("ascii", "ignore")) < _MIN_NON_ASCII:
        return None
    return _detect(sample)


def _valid_utf8_but_the_end(sample: bytes) -> bool:
    """Valid UTF-8, but for a multi-byte character that the sample's end may have cut."""
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.end < len(sample) or error.reason != "unexpected end of data":
            return False
    return True


def _mostly_utf8(sample: bytes) -> bool:
    """More characters of valid multi-byte UTF-8 than bytes that are not UTF-8: a UTF-8
    file with a few stray bytes, not a file in another encoding."""
    text = sample.decode("utf-8", "replace")
    invalid = text.count("\ufffd")
    multi_byte = len(text) - len(text.encode("ascii", "ignore")) - invalid
    return multi_byte >= invalid


@functools.lru_cache(maxsize=8)
def _detect(sample: bytes) -> str | None:
    # The detector drops an encoding that fails to decode any byte, so a multi-byte
    # character cut at the sample's end must not be left there: the sample ends at its
    # last byte below 0x30 (a space, a line end, most punctuation), which no encoding
    # above ever uses inside a multi-byte character (GB18030's four-byte ones hold digits,
    # 0x30 to 0x39); text with none of them near its end (Japanese, say, without its
    # punctuation) is tried without each of its last few bytes, as a character may have
    # had up to four.
    for end in range(len(sample), max(0, len(sample) - 4096), -1):
        if sample[end - 1] < 0x30:
            return _guess(sample[:end])
    for cut in range(4):
        found = _guess(sample[: len(sample) - cut])
        if found is not None:
            return found
    return None


def _guess(sample: bytes) -> str | None:
    import charset_normalizer  # slow to import, and rarely needed

    matches = charset_normalizer.from_bytes(sample, cp_isolation=[*ALLOWED_ENCODINGS, *_WESTERN])
    # The best guess that passes every guard; a Western one first means none.
    for match in matches:
        if match.encoding not in ALLOWED_ENCODINGS:
            return None
        if _passes_guards(sample, match.encoding, match.chaos, match.language):
            return str(match.encoding)
    return None


def _passes_guards(sample: bytes, encoding: str, chaos: float, language: str) -> bool:
    if chaos > _MAX_CHAOS or language not in ALLOWED_ENCODINGS[encoding]:
        return False
    if encoding in _LATIN and _reads_as_cp1252(sample, encoding):
        return False
    # Single-byte Cyrillic read as Shift_JIS comes out as half-width katakana, which real
    # Japanese text hardly uses: a short KOI8-R sentence was taken for shift_jis_2004.
    return not (
        ALLOWED_ENCODINGS[encoding] is _JAPANESE and _mostly_halfwidth_kana(sample, encoding)
    )


def _mostly_halfwidth_kana(sample: bytes, encoding: str) -> bool:
    beyond_ascii = [char for char in sample.decode(encoding, "replace") if char > "\x7f"]
    halfwidth = sum("\uff61" <= char <= "\uff9f" for char in beyond_ascii)
    return 2 * halfwidth > len(beyond_ascii)


def _reads_as_cp1252(sample: bytes, encoding: str) -> bool:
    return sample.decode(encoding, "replace") == sample.decode("cp1252", "replace")
