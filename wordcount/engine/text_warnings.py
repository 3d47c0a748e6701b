"""The warnings a text raised: what the word rule met in it, said of its file.

TextFlags (a WordCounter's last_text, or a small file's from the kernel)
    ─▶ invalid UTF-8 read as cp1252 ─▶ InputProblem CP1252
    ─▶ a script written without spaces ─▶ InputProblem UNSPACED, naming the scripts
the hints of a file's several texts (its byte ranges) ─▶ one, naming all their scripts
"""

from __future__ import annotations

from collections.abc import Iterable

from wordcount.sources.content import CP1252_MESSAGE
from wordcount.sources.problems import InputProblem, ProblemKind
from wordcount.sources.ranges import FileRange
from wordcount.words.conversion import TextFlags

_UNSPACED_TEXT = " text has no spaces between words"


def unspaced_message(scripts: Iterable[str]) -> str:
    """The hint for text in these scripts (rule.unspaced_scripts' names), in name order."""
    return (
        f"{'/'.join(sorted(scripts))}{_UNSPACED_TEXT}; each run was counted as one word; "
        "--segment icu splits it into words"
    )


def one_unspaced_hint_per_file(problems: Iterable[InputProblem]) -> list[InputProblem]:
    """The problems, with the hints of each file's texts made one that names each script
    any of them found: ranges of one file may find different ones."""
    scripts: dict[int, set[str]] = {}
    first_hint: dict[int, InputProblem] = {}
    others = []
    for problem in problems:
        if problem.kind is ProblemKind.UNSPACED:
            # The hint starts with its scripts (unspaced_message).
            named = problem.message.partition(_UNSPACED_TEXT)[0].split("/")
            scripts.setdefault(problem.input_index, set()).update(named)
            first_hint.setdefault(problem.input_index, problem)
        else:
            others.append(problem)
    hints = [
        first_hint[index]._replace(message=unspaced_message(found))
        for index, found in scripts.items()
    ]
    return [*others, *hints]


def text_warnings(file_range: FileRange, met: TextFlags) -> list[InputProblem]:
    """The warnings for a text of file_range in which the rule met what met says."""
    warnings = []
    if met.invalid_utf8:
        warnings.append(
            InputProblem(
                file_range.input_index, file_range.path, CP1252_MESSAGE, ProblemKind.CP1252
            )
        )
    if met.unspaced_scripts:
        message = unspaced_message(met.unspaced_scripts)
        warnings.append(
            InputProblem(file_range.input_index, file_range.path, message, ProblemKind.UNSPACED)
        )
    return warnings
