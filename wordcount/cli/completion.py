"""Shell completion (click's: `_WORDCOUNT_COMPLETE=bash_source wordcount`, see the README):
files and directories for PATH, the built-in stop-word lists and files for --stopwords.

click.shell_completion is imported only when the shell asks: the callbacks run then and
never in a counting run, which pays nothing for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem


def complete_paths(
    _ctx: click.Context, _param: click.Parameter, _incomplete: str
) -> list[CompletionItem]:
    """Files and directories, completed by the shell itself."""
    from click.shell_completion import CompletionItem

    return [CompletionItem("", type="file")]


def complete_stopwords(
    _ctx: click.Context, _param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """The built-in lists whose names start with what was typed, and files. (bash offers
    files only where no list's name matches: `--stopwords ./` for a file.)"""
    from click.shell_completion import CompletionItem

    from wordcount.analysis.stopwords import BUILTIN_STOPWORDS

    names = [name for name in BUILTIN_STOPWORDS if name.startswith(incomplete)]
    return [
        CompletionItem("", type="file"),
        *(CompletionItem(name, help="built-in stop-word list") for name in names),
    ]
