"""How the command ends when no run starts, or none can: a usage error, --help or
--version written where they cannot be, Ctrl-C while the options are read.

Each is one line on stderr and a documented status, the same in-process (click's
CliRunner) as from the console script; click's own standalone mode would print a usage
block for a bad option, and a traceback for --help into a full disk.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import click

from wordcount.cli.exit_status import ExitStatus
from wordcount.cli.messages import error
from wordcount.cli.output import silence_stdout


class OneLineCommand(click.Command):
    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> int:
        """Run the command; its exit status is returned, or with standalone_mode (as
        click's runner and the console script use it) exited with."""
        status = _status_of(
            lambda: super(OneLineCommand, self).main(
                args, prog_name, complete_var, standalone_mode=False, **extra
            )
        )
        if standalone_mode:
            sys.exit(status)
        return status


def _status_of(run: Any) -> int:
    try:
        status = run()
        # --help and --version leave their text in stdout's buffer: a reader gone early
        # shows here, not in the flush at exit, which would end the process with status 1.
        if sys.stdout is not None:
            sys.stdout.flush()
    except click.UsageError as problem:
        message = problem.format_message().replace("\n", " ")
        stop = "" if message.endswith((".", "?", "!", ")")) else "."
        error(f"{message}{stop} Try 'wordcount --help'.")
        return problem.exit_code
    except click.ClickException as problem:
        error(problem.format_message().replace("\n", " "))
        return problem.exit_code
    except click.Abort:  # Ctrl-C while the options were read
        return ExitStatus.INTERRUPTED
    except BrokenPipeError:  # --help or --version into a pipe closed early
        silence_stdout()
        return ExitStatus.BROKEN_PIPE
    except SystemExit as ending:
        # click's own answer to EPIPE while it writes --help or --version: it wraps stdout
        # (PacifyFlushWrapper) and exits with 1, which scripts would read as an input error.
        if not type(sys.stdout).__name__.endswith("PacifyFlushWrapper"):
            raise
        silence_stdout()
        del ending
        return ExitStatus.BROKEN_PIPE
    except OSError as failure:  # --help or --version where nothing can be written
        silence_stdout()
        error(f"cannot write the output: {failure.strerror or failure}")
        return ExitStatus.OUTPUT_FAILED
    if sys.stdout is None and not status:  # --help or --version, written nowhere
        error("standard output is closed: there is nowhere to write to")
        return ExitStatus.OUTPUT_FAILED
    return int(status or 0)
