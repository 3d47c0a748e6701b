"""The hint for scripts written without spaces names the script it found (issue 22): Lao,
Khmer, Burmese, Han in Korean text, not always "Chinese/Japanese/Thai"; and a file whose
ranges find different scripts gets one hint naming them all."""

from __future__ import annotations

import pytest

from tests.conftest import ProcessLog, WriteFile, invoke, serial_and_parallel
from tests.support.wordcount_test_support import POOL_MIN_BYTES_VARIABLE

HINT_END = (
    " text has no spaces between words; each run was counted as one word; "
    "--segment icu splits it into words\n"
)

# (name, text, the scripts the hint names)
CASES = [
    ("lao", "ພາສາລາວງາມຫຼາຍ", "Lao"),
    ("khmer", "ភាសាខ្មែរស្រស់ស្អាត", "Khmer"),
    ("burmese", "မြန်မာဘာသာစကား", "Burmese"),
    ("thai", "สวัสดีครับ ผมชื่อสมชาย", "Thai"),
    # Korean puts spaces between its words; a run of four hanja is Han, not Korean.
    ("korean-hanja", "한국어 문장 속의 漢字文化 이야기", "Han"),
    ("chinese", "我喜欢学习中文", "Han"),
    # Kanji and kana in one run: Japanese.
    ("japanese", "東京は日本の首都です", "Japanese"),
    ("thai-and-lao", "สวัสดีครับ ພາສາລາວງາມຫຼາຍ", "Lao/Thai"),
]


@pytest.mark.parametrize(("name", "text", "scripts"), CASES, ids=[case[0] for case in CASES])
def test_the_hint_names_the_script_it_found(
    write_file: WriteFile, name: str, text: str, scripts: str
) -> None:
    path = write_file(f"{name}.txt", text)
    result = invoke(["-n", "0", str(path)])
    assert result.exit_code == 0
    assert result.stderr == f"wordcount: warning: '{path}': {scripts}{HINT_END}"


def test_ranges_finding_different_scripts_give_one_hint(
    write_file: WriteFile, process_log: ProcessLog
) -> None:
    """Over two units, counted by two workers: the first half finds Thai, the second Lao,
    and the file still gets one line."""
    thai = "สวัสดีครับ ผมชื่อสมชาย\n" * 5000  # 320,000 bytes
    lao = "ພາສາລາວງາມຫຼາຍ\n" * 8000  # 344,000 bytes
    path = write_file("two-scripts.txt", thai + lao)
    result = serial_and_parallel(
        ["-n", "0", "-f", "tsv", str(path)], process_log, env={POOL_MIN_BYTES_VARIABLE: "1"}
    )
    assert result.returncode == 0
    assert result.stderr.decode() == f"wordcount: warning: '{path}': Lao/Thai{HINT_END}"
