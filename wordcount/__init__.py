"""wordcount: a parallel word-frequency counter that is exact on real text.

    cli/ ─▶ engine/ ─▶ sources/  (where bytes come from, what they are)
                  └──▶ words/    (what a word is)

The names below are imported when first used: the command line imports this package
before anything else, and must be able to stop quietly while it does.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wordcount.engine.merge import CountResult
    from wordcount.engine.options import CountOptions
    from wordcount.engine.run import count_inputs
    from wordcount.words.rule import reference_words

# The distribution's name (pip install, importlib.metadata): "wordcount" on PyPI is another
# project. The command and the import name stay wordcount.
DISTRIBUTION = "wordcount-parallel"

__all__ = ["CountOptions", "CountResult", "__version__", "count_inputs", "reference_words"]

_PUBLIC = {
    "CountOptions": "wordcount.engine.options",
    "CountResult": "wordcount.engine.merge",
    "count_inputs": "wordcount.engine.run",
    "reference_words": "wordcount.words.rule",
}


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        return getattr(import_module(_PUBLIC[name]), name)
    # Read lazily: importlib.metadata costs start-up time that most runs never need.
    if name == "__version__":
        from importlib.metadata import version

        return version(DISTRIBUTION)
    raise AttributeError(name)
