"""wordcount: a parallel word-frequency counter that is exact on real text."""

from __future__ import annotations

from wordcount.engine import count_inputs
from wordcount.results import CountResult
from wordcount.rule import reference_words

__all__ = ["CountResult", "__version__", "count_inputs", "reference_words"]


def __getattr__(name: str) -> str:
    # Read lazily: importlib.metadata costs start-up time that most runs never need.
    if name == "__version__":
        from importlib.metadata import version

        return version("wordcount")
    raise AttributeError(name)
