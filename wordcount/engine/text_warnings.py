"""The warnings a text raised: what the word rule met in it, said of its file.

TextFlags (a WordCounter's last_text, or a small file's from the kernel)
    ─▶ invalid UTF-8 read as cp1252 ─▶ InputProblem CP1252
    ─▶ a script written without spaces ─▶ InputProblem UNSPACED
"""

from __future__ import annotations

from wordcount.sources.content import CP1252_MESSAGE
from wordcount.sources.problems import InputProblem, ProblemKind
from wordcount.sources.ranges import FileRange
from wordcount.words.conversion import TextFlags

UNSPACED_MESSAGE = (
    "Chinese/Japanese/Thai text has no spaces between words; each run was counted as one "
    "word; --segment icu splits it into words"
)


def text_warnings(file_range: FileRange, met: TextFlags) -> list[InputProblem]:
    """The warnings for a text of file_range in which the rule met what met says."""
    warnings = []
    if met.invalid_utf8:
        warnings.append(
            InputProblem(
                file_range.input_index, file_range.path, CP1252_MESSAGE, ProblemKind.CP1252
            )
        )
    if met.unspaced_script:
        warnings.append(
            InputProblem(
                file_range.input_index, file_range.path, UNSPACED_MESSAGE, ProblemKind.UNSPACED
            )
        )
    return warnings
