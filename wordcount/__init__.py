"""wordcount: a parallel word-frequency counter that is exact on real text.

    >>> import wordcount
    >>> counts = wordcount.count("sample_texts", stopwords="en")
    >>> counts.most_common(3)

The layers, each importing only from those below it (import-linter keeps them so):

    cli/        the command: parses options, calls the API, presents (click, rich)
    api/        count, Counts, load: the public Python API
    formats/    the data formats: tsv, csv, json, jsonl
    analysis/   what a count means: selection, ranking, statistics, saved counts, keywords
    engine/     plans work units, counts them in a pool or on Dask, merges the results
    sources/    where bytes come from and what they are
    words/      what a word is: the rule, its pure-Python path and the C kernel
    exceptions.py   WordcountError and its kinds, raised by every layer

The API's names are imported when first used: the command line imports this package
before anything else, and must be able to stop quietly while it does; and `import
wordcount` stays cheap where only an exception class is wanted.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from wordcount.exceptions import (
    ClusterUnavailable,
    IncompatibleCounts,
    InputChanged,
    InputError,
    InputUnreadable,
    NothingToCompare,
    OptionsError,
    OutOfMemory,
    SavedCountsUnusable,
    StopwordsUnusable,
    WordcountError,
    WorkerFailure,
)

if TYPE_CHECKING:
    from wordcount.analysis.keywords import Keyword
    from wordcount.analysis.statistics import Statistics, Totals
    from wordcount.api import count
    from wordcount.api.counts import Counts, Keywords, load
    from wordcount.sources.problems import InputProblem, ProblemKind
    from wordcount.words.rule import reference_words

# The distribution's name (pip install, importlib.metadata): "wordcount" on PyPI is another
# project. The command and the import name stay wordcount.
DISTRIBUTION = "wordcount-parallel"

__all__ = [
    "ClusterUnavailable",
    "Counts",
    "IncompatibleCounts",
    "InputChanged",
    "InputError",
    "InputProblem",
    "InputUnreadable",
    "Keyword",
    "Keywords",
    "NothingToCompare",
    "OptionsError",
    "OutOfMemory",
    "ProblemKind",
    "SavedCountsUnusable",
    "Statistics",
    "StopwordsUnusable",
    "Totals",
    "WordcountError",
    "WorkerFailure",
    "__version__",
    "count",
    "load",
    "reference_words",
]

_LAZY = {
    "count": "wordcount.api",
    "Counts": "wordcount.api.counts",
    "Keywords": "wordcount.api.counts",
    "load": "wordcount.api.counts",
    "Keyword": "wordcount.analysis.keywords",
    "Statistics": "wordcount.analysis.statistics",
    "Totals": "wordcount.analysis.statistics",
    "InputProblem": "wordcount.sources.problems",
    "ProblemKind": "wordcount.sources.problems",
    "reference_words": "wordcount.words.rule",
}


def __dir__() -> list[str]:
    """The lazy names too, for a REPL's completion."""
    return sorted({*globals(), *_LAZY, "__version__"})


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    # Read lazily: importlib.metadata costs start-up time that most runs never need.
    if name == "__version__":
        from importlib.metadata import version

        return version(DISTRIBUTION)
    raise AttributeError(f"module 'wordcount' has no attribute {name!r}")
