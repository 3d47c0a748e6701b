"""wordcount: a parallel word-frequency counter that is exact on real text.

cli/ ─▶ engine/ ─▶ sources/  (where bytes come from, what they are)
              └──▶ words/    (what a word is)
"""

from __future__ import annotations

from wordcount.engine.merge import CountResult
from wordcount.engine.options import CountOptions
from wordcount.engine.run import count_inputs
from wordcount.words.rule import reference_words

__all__ = ["CountOptions", "CountResult", "__version__", "count_inputs", "reference_words"]


def __getattr__(name: str) -> str:
    # Read lazily: importlib.metadata costs start-up time that most runs never need.
    if name == "__version__":
        from importlib.metadata import version

        return version("wordcount")
    raise AttributeError(name)
