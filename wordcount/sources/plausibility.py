"""How much a text, as one candidate encoding decodes a file, looks like real writing.

    decoded text ─▶ its words that hold a letter outside ASCII, and the other characters
                    outside ASCII
        ─▶ a word is implausible if it mixes scripts, turns from lower to upper case
           ("пРИВЕТ"), or (Latin) holds letters that no one language of the text has
           (Czech "příliš" read as cp1250 is "přílią": ř is Czech, ą Polish)
        ─▶ a character of Chinese, Japanese or Korean is implausible if it is not among
           the common ones of the language that explains most of them (kana and common
           kanji for Japanese, hangul for Korean, the first level of GB2312 or Big5)
        ─▶ so is a word that breaks Thai or Hebrew spelling, or a mark on a letter of another script
        ─▶ a control character, a private-use one, U+FFFD or an odd symbol is implausible
    ─▶ plausibility: the share of the characters outside ASCII that are plausible, 0 to 1

A wrong decoding of a real file gives letters in orders no language writes, which this
catches; which of several single-byte Cyrillic code pages is right it cannot tell (each
gives Cyrillic letters), and that is charset-normalizer's to judge (sources.detection).
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable

# The letters outside ASCII of each language written in the Latin script with a code page
# that sources.detection weighs (Western, Central European, Turkish, Baltic), lower case.
# A word is plausible if one language has all its letters: the language chosen for the
# whole text is the one that has the letters of most of its words.
_LATIN_ALPHABETS = {
    "French": "àâæçéèêëîïôœùûüÿ",
    "German": "äöüß",
    "Spanish": "áéíñóúü",
    "Portuguese": "áâãàçéêíóôõú",
    "Italian": "àèéìíîòóùú",
    "Catalan": "àçèéíïòóúü",
    "Dutch": "áéëïóöü",
    "Swedish": "åäöé",
    "Danish and Norwegian": "æøåé",
    "Finnish": "äöåšž",
    "Icelandic": "áðéíóúýþæö",
    "Estonian": "äöõüšž",
    "Polish": "ąćęłńóśźż",
    "Czech": "áčďéěíňóřšťúůýž",
    "Slovak": "áäčďéíĺľňóôŕšťúýž",
    "Hungarian": "áéíóöőúüű",
    "Croatian and Bosnian": "čćđšž",
    "Slovene": "čšžćđ",
    "Romanian": "ăâîșțşţ",
    "Albanian": "çë",
    # The dot above: "İ".lower() is "i" and U+0307.
    "Turkish": "çğıöşüâîû\u0307",
    "Lithuanian": "ąčęėįšųūž",
    "Latvian": "āčēģīķļņšūž",
}
# The same for the languages written in Cyrillic with a code page weighed here, all their
# letters: "Ьюёътр џтыџхђёџ" (Russian in cp1251 read as ISO-8859-5) mixes Serbian and
# Russian letters.
_RUSSIAN = "абвгдежзийклмнопрстуфхцчшщъыьэюяё"
_CYRILLIC_ALPHABETS = {
    "Russian": _RUSSIAN,
    "Ukrainian": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
    "Belarusian": "абвгдеёжзійклмнопрстуўфхцчшыьэюя",
    "Bulgarian": "абвгдежзийклмнопрстуфхцчшщъьюя",
    "Serbian": "абвгдђежзијклљмнњопрстћуфхцчџш",
    "Macedonian": "абвгдѓежзѕијклљмнњопрстќуфхцчџш",
    "Kazakh": _RUSSIAN + "әғқңөұүһі",
}
# Symbols a text may hold outside its words; any other symbol (a modifier letter such as
# ˇ, ¦, ±, ¤, box drawing) counts against the decoding that produced it.
_USUAL_SYMBOLS = frozenset("©®°§€£¥¢™×÷•№")
# Blocks of symbols that text in East Asian encodings uses (their double-byte rows hold
# them): letterlike symbols and number forms (№, Ⅳ), arrows, enclosed numbers (①),
# geometric shapes and other symbols (■, ★, ♪), CJK symbols and squared words (〒, ㈱,
# ㌢), full-width forms. Of the single-byte code pages weighed here, only ™, № and ■
# fall in them, each on one byte.
_SYMBOL_BLOCKS = (
    ("\u2100", "\u21ff"),
    ("\u2460", "\u24ff"),
    ("\u25a0", "\u26ff"),
    ("\u3000", "\u33ff"),
    ("\uff01", "\uff60"),
)
# A word here: letters and the combining marks that go on them (generic accents, Hebrew
# points, Arabic vowel signs, Thai vowels and tones), so that a mark on a letter of
# another script (Spanish ñ read as cp1256 is n with Arabic's dammatan) mixes scripts.
_MARKS = (
    "\u0300-\u036f\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"
)
_WORD = re.compile(rf"(?:[^\W\d_]|[{_MARKS}])+")
# The same for text with none of those marks, seven times as fast.
_WORD_WITHOUT_MARKS = re.compile(r"[^\W\d_]+")
_MARK = re.compile(f"[{_MARKS}]")
# Marks that go on a letter of any script, and are of none.
_ANY_SCRIPT = "COMBINING"
# Scripts told apart by the first word of a character's Unicode name.
_CJK_SCRIPTS = frozenset(
    {"CJK", "HIRAGANA", "KATAKANA", "KATAKANA-HIRAGANA", "HANGUL", "HALFWIDTH", "FULLWIDTH"}
)
# Japanese text has a kana in every few characters; below this share of them it is not
# Japanese (Korean or Chinese bytes read as EUC-JP fall on common kanji, never on kana).
_MIN_KANA_SHARE = 0.05
# Thai: a vowel or tone mark written above or below (a combining mark) follows a
# consonant or another mark, and a vowel written before its consonant (เ แ โ ใ ไ) is
# followed by one. Another code page's bytes read as Thai break these rules at once.
_THAI_CONSONANTS = frozenset(chr(code) for code in range(0x0E01, 0x0E2F))
_THAI_LEADING_VOWELS = frozenset("เแโใไ")
# Letters of Pali and Sanskrit loans, and two obsolete ones, that Thai text seldom uses
# (a few in a hundred letters), while other bytes read as Thai hit them one time in four.
_RARE_THAI = frozenset("ฃฅฆฌฎฏฐฑฒณฬฮฯ๚๛")
_HEBREW_FINALS = frozenset("ךםןףץ")


def plausibility(text: str) -> float:
    """The share of the characters outside ASCII in text that a language would write; 1.0
    for text with none."""
    word_pattern = _WORD if _MARK.search(text) else _WORD_WITHOUT_MARKS
    words = Counter(word for word in word_pattern.findall(text) if not word.isascii())
    others = Counter(
        {char: n for char, n in Counter(text).items() if char > "\x7f" and not char.isalpha()}
    )
    rare_thai = sum(n * sum(char in _RARE_THAI for char in w) for w, n in words.items())
    total = sum(len(word) * n for word, n in words.items()) + sum(others.values())
    if total == 0:
        return 1.0
    bad = _bad_in_words(words) + sum(n for char, n in others.items() if _odd_symbol(char))
    return 1.0 - (bad + rare_thai + _symbols_inside_words(text, others)) / total


def _symbols_inside_words(text: str, others: Counter[str]) -> int:
    """Symbols and control characters between two letters: no language's, while Chinese
    writes punctuation there. "€вл€ет" is Russian in cp1251 read as Mac Cyrillic."""
    symbols = [char for char in others if unicodedata.category(char)[0] in "SC"]
    if not symbols:
        return 0
    between_letters = r"[^\W\d_][{}](?=[^\W\d_])".format("".join(map(re.escape, symbols)))
    return len(re.findall(between_letters, text))


def _bad_in_words(words: Counter[str]) -> int:
    bad = 0
    latin: Counter[str] = Counter()
    cyrillic: Counter[str] = Counter()
    cjk: Counter[str] = Counter()
    for word, n in words.items():
        scripts = {_script(char) for char in word} - {_ANY_SCRIPT}
        if unicodedata.category(word[0])[0] == "M":  # a mark on no letter
            bad += len(word) * n
            continue
        if scripts - {"LATIN"} <= _CJK_SCRIPTS and scripts != {"LATIN"}:
            # Chinese and Japanese run on into Latin letters without a space.
            for char in word:
                if char > "\x7f":
                    cjk[char] += n
        elif (
            len(scripts) > 1
            or _turns_upper(word)
            or _misplaced_thai_mark(word)
            or _misplaced_hebrew_final(word)
        ):
            bad += len(word) * n
        elif scripts == {"LATIN"}:
            latin[word.lower()] += n
        elif scripts == {"CYRILLIC"}:
            cyrillic[word.lower()] += n
    bad += _unexplained(latin, _alphabets("LATIN"), lambda char: char > "\x7f")
    bad += _unexplained(cyrillic, _alphabets("CYRILLIC"), lambda char: True)
    return bad + _bad_cjk(cjk)


@functools.lru_cache(maxsize=4096)
def _script(char: str) -> str:
    # "LATIN SMALL LETTER A", "CYRILLIC CAPITAL LETTER BE", "CJK UNIFIED IDEOGRAPH-4E00"
    return unicodedata.name(char, "UNKNOWN").split(" ", 1)[0]


def _turns_upper(word: str) -> bool:
    """A lower-case letter followed by an upper-case one: mixed case no language writes,
    but a wrong Cyrillic or Greek code page does (their cases sit apart)."""
    return any(a.islower() and b.isupper() for a, b in itertools.pairwise(word))


def _misplaced_hebrew_final(word: str) -> bool:
    """A final form (ך ם ן ף ץ) before another Hebrew letter: Hebrew writes them only at
    a word's end, while Cyrillic bytes read as cp1255 put them anywhere."""
    return any(
        a in _HEBREW_FINALS and "\u05d0" <= b <= "\u05ea" for a, b in itertools.pairwise(word)
    )


def _misplaced_thai_mark(word: str) -> bool:
    previous = ""
    for char in word:
        if "\u0e00" <= char <= "\u0e7f":
            mark = unicodedata.category(char) == "Mn"
            if mark and not previous:
                return True
            if previous in _THAI_LEADING_VOWELS and char not in _THAI_CONSONANTS:
                return True
        previous = char
    return previous in _THAI_LEADING_VOWELS


def _odd_symbol(char: str) -> bool:
    category = unicodedata.category(char)
    if category[0] in "PZM" or category == "Sc" or char in _USUAL_SYMBOLS:
        return False
    return not any(first <= char <= last for first, last in _SYMBOL_BLOCKS)


def _unexplained(
    words: Counter[str], alphabets: tuple[frozenset[str], ...], judged: Callable[[str], bool]
) -> int:
    """The letters of the words that the language explaining most of them lacks."""
    if not words:
        return 0
    letters = {word: frozenset(char for char in word if judged(char)) for word in words}
    best_explained = 0
    for alphabet in alphabets:
        explained = sum(len(w) * n for w, n in words.items() if letters[w] <= alphabet)
        best_explained = max(best_explained, explained)
    return sum(len(w) * n for w, n in words.items()) - best_explained


@functools.lru_cache(maxsize=2)
def _alphabets(script: str) -> tuple[frozenset[str], ...]:
    alphabets = _LATIN_ALPHABETS if script == "LATIN" else _CYRILLIC_ALPHABETS
    return tuple(frozenset(letters) for letters in alphabets.values())


def _bad_cjk(chars: Counter[str]) -> int:
    """The characters of Chinese, Japanese or Korean that are not common in the language
    whose common characters hold most of them."""
    if not chars:
        return 0
    total = sum(chars.values())
    common = _common_cjk()
    languages = list(common)
    # Japanese is never written without kana: without them, another code page's bytes
    # that fall on common kanji are not Japanese.
    kana = sum(n for char, n in chars.items() if "\u3041" <= char <= "\u30ff")
    if kana < _MIN_KANA_SHARE * total:
        languages.remove("Japanese")
    best = max(
        sum(n for char, n in chars.items() if char in common[language]) for language in languages
    )
    return total - best


@functools.lru_cache(maxsize=1)
def _common_cjk() -> dict[str, frozenset[str]]:
    """The common characters of each language: the first level of GB2312 (3,755
    characters) and of Big5 (5,401), JIS X 0208's first level of kanji (2,965) and the
    kana, KS X 1001's 2,350 hangul (Korean is written in hangul; its hanja are rare).
    Each standard's first level holds the characters most used."""
    trail = range(0xA1, 0xFF)
    big5_trail = [*range(0x40, 0x7F), *trail]
    kana = {chr(code) for code in range(0x3041, 0x3100)}
    return {
        "Simplified Chinese": _decoded("gb2312", range(0xB0, 0xD8), trail),
        "Traditional Chinese": _decoded("big5", range(0xA4, 0xC7), big5_trail),
        "Japanese": _decoded("euc_jp", range(0xB0, 0xD0), trail) | kana,
        "Korean": _decoded("euc_kr", range(0xB0, 0xC9), trail),
    }


def _decoded(codec: str, leads: range | list[int], trails: range | list[int]) -> frozenset[str]:
    chars = set()
    for lead in leads:
        for trail in trails:
            try:
                chars.add(bytes((lead, trail)).decode(codec))
            except UnicodeDecodeError:
                continue
    return frozenset(chars)
