"""The legacy encodings of issue 22's examples, judged by sources/detection.py: each file
is counted as its UTF-8 original is, or, where the text cannot tell its encoding, says
so loudly, naming the candidates and --encoding. Never a calm wrong count."""

from __future__ import annotations

import pytest

from tests.conftest import ProcessLog, WriteFile, invoke, serial_and_parallel
from tests.support.wordcount_test_support import POOL_MIN_BYTES_VARIABLE
from tests.test_encodings import POLISH, RUSSIAN

CZECH = (
    "Příliš žluťoučký kůň úpěl ďábelské ódy. Šeptal jsem mu, že se vrátíme, až bude po "
    "bouřce, a on jen tiše přikývl. Večer jsme seděli u ohně a vyprávěli si příběhy o "
    "starých časech, kdy se ještě jezdilo na koních přes hory."
)
HUNGARIAN = (
    "Árvíztűrő tükörfúrógép. A győztes csapat ünnepelt, és a közönség örült a sikernek. "
    "Őszintén szólva nem gondoltuk, hogy ilyen hosszú lesz az út, de megérte: a hűvös "
    "erdőben sétálni különösen szép élmény volt."
)
SLOVAK = (
    "Kŕdeľ šťastných ďatľov učí pri ústí Váhu mĺkveho koňa obhrýzať kôru a žrať čerstvé "
    "mäso. Ľudia v dedine hovorili, že taká zima už dávno nebola, a deti sa tešili z "
    "každej snehovej vločky."
)
TURKISH = (
    "Türkçe altyazısı olan filmleri izlemeyi çok seviyorum; ağaçların gölgesinde oturup "
    "kitap okuduğumuz günler güzeldi. İstanbul'un eski sokaklarında yürürken şehrin "
    "tarihini düşünmemek mümkün değil."
)
JAPANESE = (
    "吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。何でも薄暗いじめじめした"
    "所でニャーニャー泣いていた事だけは記憶している。吾輩はここで始めて人間というものを見た。"
)
# A first word, a space, then a line of Chinese with no ASCII at all: the detector cut
# its sample at that space, and judged the first word alone (81 bytes, read as Big5).
CHINESE_LINE = "今天 天气很好，我们一起去公园散步吧。公园里有很多花，红的、黄的、白的，非常漂亮。"


def _first_half(text: str) -> str:
    """Up to the space nearest half way: the length at which the detector gave up."""
    return text[: text.rindex(" ", 0, len(text) // 2)]


# (name, text, encoding written, the names the warning may give: the same text read by a
# superset or a twin that decodes these bytes alike).
EXACT = [
    ("cs-iso8859-2", CZECH, "iso8859_2", {"iso8859_2"}),
    ("cs-cp1250-half", _first_half(CZECH), "cp1250", {"cp1250"}),
    # (Its first half holds 11 bytes outside ASCII: too few to decide, and loud.)
    ("pl-iso8859-2", POLISH, "iso8859_2", {"iso8859_2"}),
    # Hungarian has none of the letters where cp1250 and ISO-8859-2 differ.
    ("hu-iso8859-2-half", _first_half(HUNGARIAN), "iso8859_2", {"iso8859_2", "cp1250"}),
    ("hu-cp1250-half", _first_half(HUNGARIAN), "cp1250", {"iso8859_2", "cp1250"}),
    ("sk-iso8859-2", SLOVAK, "iso8859_2", {"iso8859_2"}),
    ("tr-cp1254", TURKISH, "cp1254", {"cp1254", "iso8859_9"}),
    ("tr-iso8859-9", TURKISH, "iso8859_9", {"cp1254", "iso8859_9"}),
    # Its first 29 characters: read as cp949 before.
    ("ja-euc-jp-short", JAPANESE[:29], "euc_jp", {"euc_jp", "euc_jis_2004"}),
    ("zh-gb2312-short", CHINESE_LINE, "gb2312", {"gb18030", "gbk", "gb2312"}),
]
UNDECIDED_END = "; its invalid words were read as cp1252; --encoding NAME reads it exactly\n"


def _tsv(args: list[str]) -> tuple[str, str]:
    result = invoke(["-n", "0", "-f", "tsv", *args])
    assert result.exit_code == 0, result.stderr
    return result.stdout, result.stderr


@pytest.mark.parametrize(
    ("name", "text", "encoding", "named"), EXACT, ids=[case[0] for case in EXACT]
)
def test_legacy_file_counts_as_its_utf8_original(
    write_file: WriteFile, name: str, text: str, encoding: str, named: set[str]
) -> None:
    legacy = write_file(f"{name}.txt", text.encode(encoding))
    expected, _ = _tsv([str(write_file(f"{name}-utf8.txt", text))])
    counted, warnings = _tsv([str(legacy)])
    assert counted == expected
    assert any(f"'{legacy}': not valid UTF-8; read as {enc}\n" in warnings for enc in named), (
        warnings
    )


def test_a_word_too_short_to_tell_is_loud_and_names_the_candidates(
    write_file: WriteFile,
) -> None:
    """Москва alone in cp1251 is six bytes: as many code pages read them as Cyrillic
    letters. The issue's wording: what it could not do, the candidates, the fix."""
    legacy = write_file("f.txt", "Москва".encode("cp1251"))
    _, warnings = _tsv([str(legacy)])
    lines = warnings.splitlines(keepends=True)
    assert len(lines) == 2, warnings
    prefix = f"wordcount: warning: '{legacy}': not valid UTF-8 and too short to tell its encoding ("
    assert lines[0].startswith(prefix), warnings
    assert lines[0].endswith(UNDECIDED_END), warnings
    assert "cp1251?" in lines[0]
    assert lines[1] == "wordcount: 1 file read as cp1252\n"
    # The fix it names works.
    counted, _ = _tsv(["--encoding", "cp1251", str(legacy)])
    assert counted == "москва\t1\n"


def test_a_polish_file_is_never_silently_wrong_at_any_length(write_file: WriteFile) -> None:
    """The detector once judged a Polish file right at some lengths and read it per token
    as cp1252 at others. Each prefix (cut at a space) is now exact, or says it is not."""
    text = (POLISH + " ") * 8
    data = text.encode("iso8859_2")
    for length in range(60, len(data), 97):
        cut = data.rfind(b" ", 0, length)
        prefix = data[:cut]
        legacy = write_file("prefix.txt", prefix)
        counted, warnings = _tsv([str(legacy)])
        expected, _ = _tsv([str(write_file("prefix-utf8.txt", prefix.decode("iso8859_2")))])
        assert counted == expected or warnings.endswith(
            UNDECIDED_END + "wordcount: 1 file read as cp1252\n"
        ), (cut, warnings)


def test_legacy_text_after_80_kb_of_ascii_is_detected_alike_in_parallel(
    write_file: WriteFile, process_log: ProcessLog
) -> None:
    """Only the first 64 KiB was judged, and that was ASCII: the Russian after it came out
    as cp1252 mojibake (and a file over a unit was cut into ranges). The planner and the
    worker judge the same first 256 KiB now, and the file is read whole, by one worker."""
    ascii_part = "The quick brown fox jumps over the lazy dog.\n" * 1800  # 81,000 bytes
    legacy = write_file("late.txt", (ascii_part + (RUSSIAN + "\n") * 700).encode("cp1251"))
    other = write_file("other.txt", (POLISH + "\n") * 700)
    env = {POOL_MIN_BYTES_VARIABLE: "1"}
    result = serial_and_parallel(
        ["-n", "0", "-f", "tsv", str(legacy), str(other)], process_log, env=env
    )
    assert result.returncode == 0
    assert result.stderr.decode() == (
        f"wordcount: warning: '{legacy}': not valid UTF-8; read as cp1251\n"
        "wordcount: 1 file read in a detected encoding\n"
    )
    words = dict(line.split("\t") for line in result.stdout.decode().splitlines())
    assert words["москва"] == "700"
    assert words["fox"] == "1800"


def test_legacy_text_with_a_nul_read_with_text_is_detected(write_file: WriteFile) -> None:
    """The binary warning offers --text; a NUL once kept the file from the detector, and
    cp1251 was read per word as cp1252, with the calm warning."""
    legacy = write_file("nul.txt", RUSSIAN.encode("cp1251") + b"\x00\n")
    expected, _ = _tsv([str(write_file("utf8.txt", RUSSIAN))])
    counted, warnings = _tsv(["--text", str(legacy)])
    assert counted == expected
    assert f"'{legacy}': not valid UTF-8; read as cp1251\n" in warnings


# Formal Korean: 3.7 characters between spaces on average, which the length of its runs
# once took for Chinese (GB18030), with a confident "read as" line.
KOREAN_PROSE = (
    "대한민국은 동아시아의 한반도 남부에 위치한 민주공화국이다. 수도는 서울특별시이며, "
    "국기는 태극기, 국가는 애국가, 공용어는 한국어이다. 대한민국은 1948년 정부수립 이후 "
    "경제성장과 민주화를 이룩하였으며, 현재 세계적인 경제대국으로 평가받고 있다.\n"
)


@pytest.mark.parametrize("text", [KOREAN_PROSE * 5, "한국어 안녕하세요\n"], ids=["prose", "short"])
def test_korean_prose_is_read_as_korean(write_file: WriteFile, text: str) -> None:
    legacy = write_file("ko.txt", text.encode("euc_kr"))
    expected, _ = _tsv([str(write_file("ko-utf8.txt", text))])
    counted, warnings = _tsv([str(legacy)])
    assert counted == expected
    assert f"'{legacy}': not valid UTF-8; read as euc_kr\n" in warnings


@pytest.mark.parametrize(
    ("text", "encoding", "stray"),
    [(CZECH * 4, "cp1250", b"\x81"), (RUSSIAN, "cp1251", b"\x98")],
    ids=["cs-cp1250", "ru-cp1251"],
)
def test_a_byte_its_code_page_leaves_undefined_makes_the_file_loud(
    write_file: WriteFile, text: str, encoding: str, stray: bytes
) -> None:
    """The stray byte ruled the true code page out, and a lookalike that decodes every
    byte (ISO-8859-2, Mac Cyrillic) read the file, silently, into other words."""
    legacy = write_file("stray.txt", text.encode(encoding) + b"x" + stray + b"\n")
    _, warnings = _tsv([str(legacy)])
    assert f"'{legacy}': not valid UTF-8 and " in warnings
    assert f"{encoding}?" in warnings
    assert warnings.rstrip("\n").endswith(UNDECIDED_END.rstrip("\n")) or UNDECIDED_END in warnings


def test_legacy_text_past_the_sample_names_the_fix(write_file: WriteFile) -> None:
    """Past the 256 KiB judged, text in another encoding is read per word as cp1252: the
    warning names --encoding, where it once only said so, calmly."""
    legacy = write_file("late.txt", b"lorem ipsum dolor\n" * 17_000 + RUSSIAN.encode("cp1251"))
    _, warnings = _tsv([str(legacy)])
    assert warnings.startswith(f"wordcount: warning: '{legacy}': not valid UTF-8; ")
    assert "--encoding NAME reads another encoding exactly" in warnings
