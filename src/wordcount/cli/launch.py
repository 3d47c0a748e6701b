"""The console script's entry point. A Ctrl-C while Python still imports wordcount (the
first 50 ms or so) ends the run quietly with status 130, as one later in the run does."""

from __future__ import annotations

import signal
import sys


def run() -> None:
    try:
        from wordcount.cli.command import invoke

        status = invoke()
    except KeyboardInterrupt:
        status = 128 + signal.SIGINT
    sys.exit(status)
