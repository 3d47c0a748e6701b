"""Files in a legacy encoding, judged by sources/detection.py: a
non-Western one is read whole in it and counts as the same text in UTF-8 does; Western
text and UTF-8 with stray bytes keep the per-token cp1252 reading."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ProcessLog, WriteFile, invoke, run_wordcount, serial_and_parallel
from tests.support.wordcount_test_support import POOL_MIN_BYTES_VARIABLE

RUSSIAN = (
    "Москва является столицей России и крупнейшим по численности населения городом страны. "
    "Город стоит на реке Москве в центре Восточно-Европейской равнины. Здесь находятся "
    "Кремль, Красная площадь, Большой театр и множество музеев, библиотек и университетов. "
    "Каждый год миллионы туристов приезжают сюда, чтобы увидеть старые храмы, широкие "
    "улицы и парки, которые особенно красивы летом и осенью."
)
POLISH = (
    "Warszawa jest stolicą Polski i największym miastem kraju, położonym nad Wisłą w "
    "środkowo-wschodniej części państwa. Miasto zostało bardzo zniszczone podczas wojny, "
    "ale mieszkańcy odbudowali Stare Miasto, które dziś jest wpisane na listę światowego "
    "dziedzictwa. Zażółć gęślą jaźń: pchnąć w tę łódź jeża lub ośm skrzyń fig."
)
GREEK = (
    "Η Αθήνα είναι η πρωτεύουσα και η μεγαλύτερη πόλη της Ελλάδας. Είναι μία από τις "
    "αρχαιότερες πόλεις του κόσμου, με καταγεγραμμένη ιστορία που εκτείνεται σε περισσότερα "
    "από τρεις χιλιάδες χρόνια. Η κλασική Αθήνα ήταν ισχυρή πόλη και κέντρο των τεχνών, της "
    "μάθησης και της φιλοσοφίας, έδρα της Ακαδημίας του Πλάτωνα."
)
JAPANESE = (
    "東京都は、日本の首都であり、関東地方に位置する都である。日本の政治、経済、文化の中心地"
    "であり、世界有数の大都市である。人口は約千四百万人で、日本の都道府県の中で最も多い。"
    "東京には多くの大学、博物館、美術館、劇場があり、毎年たくさんの観光客が訪れる。"
    "江戸時代には江戸と呼ばれ、徳川幕府が置かれた。"
)
CHINESE = (
    "北京是中华人民共和国的首都，是全国的政治中心、文化中心、国际交往中心和科技创新中心。"
    "北京有着三千多年的建城史和八百多年的建都史，是世界著名古都和现代化国际城市。"
    "北京的名胜古迹很多，例如故宫、天坛、颐和园和长城，每年吸引大量国内外游客前来参观。"
)
FRENCH = (
    "Le château se dresse au-dessus de la rivière, où les élèves de l'école viennent chaque "
    "été étudier l'histoire de la région. Déjà au Moyen Âge, les seigneurs y recevaient des "
    "hôtes étrangers; aujourd'hui, un musée présente des tapisseries et des manuscrits. "
    "Le garçon a mangé une crème brûlée à côté de la fenêtre, et le señor a préféré un café."
)
SPANISH = (
    "El señor García vive en una pequeña casa cerca de la montaña, donde cada mañana camina "
    "con su perro por el bosque. Según él, la vida en el campo es más tranquila que en la "
    "ciudad, aunque a veces echa de menos los cafés y las librerías de Madrid. Su hija "
    "estudia música en la universidad y toca el piano con pasión."
)
GERMAN = (
    "Über den Wolken muss die Freiheit wohl grenzenlos sein, sagte der Pilot und lächelte. "
    "Die Straße führte an einem großen Schloss vorbei, in dem früher ein König wohnte. Heute "
    "gehören die Gebäude der Stadt, und im Sommer finden dort Konzerte statt. Die Bürger "
    "sind stolz auf ihre Geschichte und erzählen gern von alten Märchen."
)

# (name, text, encoding written, the names the warning may give: the detector may name a
# superset, cp932 for Shift_JIS, or the Windows twin of an ISO code page for its letters).
DETECTED = [
    ("ru-cp1251", RUSSIAN, "cp1251", {"cp1251"}),
    ("ru-koi8r", RUSSIAN, "koi8_r", {"koi8_r"}),
    ("pl-cp1250", POLISH, "cp1250", {"cp1250"}),
    ("el-iso8859-7", GREEK, "iso8859_7", {"iso8859_7", "cp1253"}),
    ("ja-shift-jis", JAPANESE, "shift_jis", {"shift_jis", "cp932"}),
    ("zh-gb18030", CHINESE, "gb18030", {"gb18030"}),
]
CP1252_WARNING = (
    "not valid UTF-8; its invalid words were read as cp1252 (as Western text; "
    "--encoding NAME reads another encoding exactly)"
)


def _tsv(args: list[str]) -> tuple[str, str]:
    result = invoke(["-n", "0", "-f", "tsv", *args])
    assert result.exit_code == 0, result.stderr
    return result.stdout, result.stderr


def _words(tsv: str) -> dict[str, int]:
    return {word: int(count) for word, count in (line.split("\t") for line in tsv.splitlines())}


@pytest.mark.parametrize(
    ("name", "text", "encoding", "named"), DETECTED, ids=[case[0] for case in DETECTED]
)
def test_detected_file_counts_as_its_utf8_original(
    write_file: WriteFile, name: str, text: str, encoding: str, named: set[str]
) -> None:
    legacy = write_file(f"{name}.txt", text.encode(encoding))
    original = write_file(f"{name}-utf8.txt", text)
    expected, quiet = _tsv([str(original)])
    assert "not valid UTF-8" not in quiet  # (CJK text earns the --segment icu hint)
    counted, warnings = _tsv([str(legacy)])
    assert counted == expected
    assert any(f"'{legacy}': not valid UTF-8; read as {enc}\n" in warnings for enc in named), (
        warnings
    )
    assert "1 file read in a detected encoding" in warnings


def test_detected_file_as_a_subprocess_and_big_enough_to_be_planned(
    write_file: WriteFile,
) -> None:
    # Over 64 KiB: neither the kernel's small-file path nor read whole in one call; the
    # sample the detector sees ends mid-text.
    legacy = write_file("big.txt", ((RUSSIAN + "\n") * 300).encode("cp1251"))
    original = write_file("big-utf8.txt", (RUSSIAN + "\n") * 300)
    expected = run_wordcount(["-n", "0", "-f", "tsv", str(original)])
    counted = run_wordcount(["-n", "0", "-f", "tsv", str(legacy)])
    assert counted.returncode == 0
    assert counted.stdout == expected.stdout
    assert f"'{legacy}': not valid UTF-8; read as cp1251\n" in counted.stderr.decode()


def test_detected_multi_byte_file_cut_at_the_sample_end(write_file: WriteFile) -> None:
    # No separator near 64 KiB: a two-byte character is cut at the sample's end.
    text = "x" + JAPANESE.replace("、", "").replace("。", "") * 300
    data = text.encode("shift_jis")
    assert len(data) > 64 << 10
    assert data[: 64 << 10].decode("shift_jis", "replace").endswith("\ufffd")
    legacy = write_file("long.txt", data)
    original = write_file("long-utf8.txt", text)
    counted, warnings = _tsv([str(legacy)])
    assert counted == _tsv([str(original)])[0]
    assert "read as cp932" in warnings or "read as shift_jis" in warnings


@pytest.mark.parametrize(
    ("text", "expected_words"),
    [
        (FRENCH, {"château": 1, "señor": 1, "élèves": 1, "crème": 1, "brûlée": 1, "à": 1}),
        (GERMAN, {"über": 1, "straße": 1, "großen": 1, "lächelte": 1, "märchen": 1}),
        # charset-normalizer names cp1250 for this one (ñ would be ń): the guard refuses it.
        (SPANISH, {"señor": 1, "pequeña": 1, "montaña": 1, "mañana": 1, "según": 1}),
    ],
    ids=["french", "german", "spanish"],
)
def test_western_latin1_stays_per_token_cp1252(
    write_file: WriteFile, text: str, expected_words: dict[str, int]
) -> None:
    legacy = write_file("old.txt", text.encode("latin-1"))
    counted, warnings = _tsv([str(legacy)])
    words = _words(counted)
    for word, count in expected_words.items():
        assert words[word] == count, word
    assert counted == _tsv([str(write_file("new.txt", text))])[0]
    assert warnings == (
        f"wordcount: warning: '{legacy}': {CP1252_WARNING}\nwordcount: 1 file read as cp1252\n"
    )


def test_mostly_utf8_with_a_stray_byte_stays_per_token(write_file: WriteFile) -> None:
    content = (RUSSIAN + " " + GERMAN).encode() + b" caf\xe9 " + CHINESE.encode()
    path = write_file("stray.txt", content)
    counted, warnings = _tsv([str(path)])
    words = _words(counted)
    assert words["café"] == 1
    assert words["москва"] == 1
    assert "read as cp1252" in warnings
    assert "detected" not in warnings


def test_parallel_run_reads_a_detected_file_alike(
    write_file: WriteFile, process_log: ProcessLog, tmp_path: Path
) -> None:
    # Two files over a unit each, so that two workers count: the detected one whole, the
    # UTF-8 one in ranges.
    legacy = write_file("legacy.txt", ((RUSSIAN + "\n") * 700).encode("koi8_r"))
    other = write_file("other.txt", (POLISH + "\n") * 700)
    env = {POOL_MIN_BYTES_VARIABLE: "1"}
    result = serial_and_parallel(
        ["-n", "0", "-f", "tsv", str(legacy), str(other)], process_log, env=env
    )
    assert result.returncode == 0
    assert b"read as koi8_r" in result.stderr
    words = _words(result.stdout.decode())
    assert words["москва"] == 700
    assert words["warszawa"] == 700


def test_a_short_koi8_r_sentence_is_not_taken_for_shift_jis(write_file: WriteFile) -> None:
    """Read as Shift_JIS, KOI8-R's letters are half-width katakana, which Japanese text
    hardly uses; the detector once named shift_jis_2004 for these 39 bytes."""
    text = "Привет мир. Это длинный текст на русско"
    legacy = write_file("short.txt", text.encode("koi8-r"))
    counted, warnings = _tsv([str(legacy)])
    assert _words(counted) == dict.fromkeys(
        ["длинный", "мир", "на", "привет", "русско", "текст", "это"], 1
    )
    assert "read as koi8_r" in warnings
